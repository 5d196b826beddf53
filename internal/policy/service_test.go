package policy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var hr = audit.Actor{ID: 1, Label: "hr01"}

// fixture is a tenant with one unit and one person (1001), and a service
// whose today is 2026-06-01.
type fixture struct {
	svc   *policy.Service
	db    *store.DB
	a, b  *org.Tenant
	staff *org.Staff
	today calendar.Date
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, today: calendar.Date{Year: 2026, Month: time.June, Day: 1}}
	f.svc = policy.NewService(db, func() time.Time { return f.today.Time().Add(9 * time.Hour) })
	mk := func(slug string) *org.Tenant {
		tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		if err := storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "op"}, tn, nil); err != nil {
			t.Fatal(err)
		}
		return tn
	}
	f.a, f.b = mk("matsumoto"), mk("kakegawa")
	u := &org.Unit{Code: "100", Name: "総務部", Level: "部"}
	if err := storetest.F(db).CreateUnit(ctx, f.a.ID, hr, u, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	f.staff = &org.Staff{StaffNo: "1001", Name: "山田 太郎", Kana: "やまだ たろう", UnitID: u.ID, Rank: org.RankStaff,
		Employment: org.Regular, JobType: "general", Email: "1001@example.lg.jp"}
	if err := storetest.F(db).CreateStaff(ctx, f.a.ID, hr, f.staff, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) audit(t *testing.T, action string) []*audit.Entry {
	t.Helper()
	es, err := f.db.FindAuditEntries(context.Background(), f.a.ID, audit.Filter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func matsumoto(t *testing.T) policy.Policy {
	t.Helper()
	tp, ok := policy.TemplateByName("matsumoto")
	if !ok {
		t.Fatal("no matsumoto template")
	}
	return tp.Policy
}

func TestServiceVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		save := func(d calendar.Date, weekly int) (*policy.Version, error) {
			p := matsumoto(t)
			p.Caps.WeeklyMaxDays = weekly
			v := &policy.Version{Effective: d, Policy: p, Note: d.String()}
			return v, s.Save(ctx, f.a.ID, hr, v)
		}
		if _, err := s.InForce(ctx, f.a.ID, f.today); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("no version yet: %v", err)
		}
		if _, err := save(f.today.AddDays(-1), 0); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("past effective date: %v", err)
		}
		bad := matsumoto(t)
		bad.Modes = nil
		if err := s.Save(ctx, f.a.ID, hr, &policy.Version{Effective: f.today, Policy: bad}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("invalid rules: %v", err)
		}
		cur, err := save(f.today, 0)
		if err != nil {
			t.Fatal(err)
		}
		// The version in force is immutable: neither replaced nor deleted.
		if _, err := save(f.today, 3); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("replacing the version in force: %v", err)
		}
		if err := s.Delete(ctx, f.a.ID, hr, cur.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("deleting the version in force: %v", err)
		}
		// A future one may be replaced (same id) and deleted.
		next, err := save(f.today.AddDays(10), 2)
		if err != nil {
			t.Fatal(err)
		}
		again, err := save(f.today.AddDays(10), 3)
		if err != nil || again.ID != next.ID {
			t.Fatalf("replace scheduled: %v %d/%d", err, again.ID, next.ID)
		}
		vs, err := s.Versions(ctx, f.a.ID)
		if err != nil || len(vs) != 2 || !vs[0].InForce || vs[0].Future || vs[1].InForce || !vs[1].Future ||
			vs[1].Policy.Caps.WeeklyMaxDays != 3 {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		if v, err := s.InForce(ctx, f.a.ID, f.today.AddDays(9)); err != nil || v.ID != cur.ID {
			t.Errorf("in force before the change: %d %v", v.ID, err)
		}
		if v, err := s.InForce(ctx, f.a.ID, f.today.AddDays(10)); err != nil || v.ID != next.ID {
			t.Errorf("in force from the change: %d %v", v.ID, err)
		}
		if _, err := s.FindVersion(ctx, f.b.ID, next.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("version of another tenant: %v", err)
		}
		if err := s.Delete(ctx, f.b.ID, hr, next.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("delete across tenants: %v", err)
		}
		if err := s.Delete(ctx, f.a.ID, hr, next.ID); err != nil {
			t.Fatalf("delete scheduled: %v", err)
		}
		if vs, _ := s.Versions(ctx, f.a.ID); len(vs) != 1 {
			t.Errorf("after delete: %d versions", len(vs))
		}
		// Once its day has come, a version that was future is immutable too.
		later, err := save(f.today.AddDays(5), 1)
		if err != nil {
			t.Fatal(err)
		}
		f.today = f.today.AddDays(5)
		if err := s.Delete(ctx, f.a.ID, hr, later.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("deleting a version that came into force: %v", err)
		}
		// Three saves (one a replacement with its before) and one delete.
		saves := f.audit(t, "policy.save")
		if len(saves) != 4 {
			t.Fatalf("%d policy.save entries", len(saves))
		}
		replaced := 0
		for _, e := range saves {
			if len(e.Before) > 0 && string(e.Before) != "null" {
				replaced++
			}
		}
		if replaced != 1 || len(f.audit(t, "policy.delete")) != 1 {
			t.Errorf("audit: %d replacements, %d deletes", replaced, len(f.audit(t, "policy.delete")))
		}
		if _, err := db.VerifyAuditChain(ctx, f.a.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestFirstVersion(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: time.April, Day: 1}
	v, ok := policy.FirstVersion("kobe", today)
	if !ok || v.Effective != today || !v.Policy.Hours.Flex || v.Note == "" {
		t.Errorf("kobe: %+v %v", v, ok)
	}
	if _, ok := policy.FirstVersion("osaka", today); ok {
		t.Error("unknown template accepted")
	}
}

func TestServiceFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		id := f.staff.ID
		if got, err := s.Facts(ctx, f.a.ID, id); err != nil || len(got.Reasons) != 0 || got.HasTerminal {
			t.Errorf("no facts yet: %+v %v", got, err)
		}
		// HR records the facts; an unknown or repeated reason is dropped.
		err := s.SaveFacts(ctx, f.a.ID, hr, id, policy.Facts{Reasons: []string{"nursing", "bogus", "nursing"}, HasTerminal: true, Seconded: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Facts(ctx, f.a.ID, id)
		if err != nil || strings.Join(got.Reasons, ",") != "nursing" || !got.HasTerminal || !got.Seconded {
			t.Errorf("facts = %+v %v", got, err)
		}
		es := f.audit(t, "staff.policy_facts")
		if len(es) != 1 || es[0].ObjectID != itoa(id) || es[0].ActorLabel != hr.Label {
			t.Fatalf("audit entries: %+v", es)
		}
		var after struct {
			Reasons     string
			HasTerminal bool
		}
		if err := json.Unmarshal(es[0].After, &after); err != nil || !after.HasTerminal || after.Reasons != policy.ReasonsDeclared {
			t.Errorf("audit after: %s", es[0].After)
		}
		// The person's declaration changes the reasons and keeps HR's facts.
		self := audit.Actor{ID: 9, Label: "staff"}
		if err := s.DeclareReasons(ctx, f.a.ID, self, id, []string{"childcare", "bogus"}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Facts(ctx, f.a.ID, id)
		if strings.Join(got.Reasons, ",") != "childcare" || !got.HasTerminal || !got.Seconded {
			t.Errorf("after declaring: %+v (HR's facts must stay)", got)
		}
		// The declaration's entry says the reasons changed, never which
		// (docs/policy.md: shown only to approvers).
		if es := f.audit(t, "staff.policy_facts"); len(es) != 2 || strings.Contains(string(es[0].Before)+string(es[0].After)+string(es[1].After), "childcare") ||
			strings.Contains(string(es[0].After)+string(es[1].After), "nursing") ||
			!strings.Contains(string(es[0].After)+string(es[1].After), `"Reasons":"changed"`) {
			t.Errorf("audit entries after the declaration: %+v", es)
		}
		// The same facts or declaration again write nothing.
		if err := s.DeclareReasons(ctx, f.a.ID, self, id, []string{"childcare"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveFacts(ctx, f.a.ID, hr, id, policy.Facts{Reasons: []string{"childcare"}, HasTerminal: true, Seconded: true}); err != nil {
			t.Fatal(err)
		}
		if es := f.audit(t, "staff.policy_facts"); len(es) != 2 {
			t.Errorf("no-op saves wrote audit entries: %d", len(es))
		}
		// Another tenant's person is not found, and nothing is written.
		if err := s.SaveFacts(ctx, f.b.ID, hr, id, policy.Facts{}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("facts across tenants: %v", err)
		}
		if err := s.DeclareReasons(ctx, f.b.ID, hr, id, nil); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("declaration across tenants: %v", err)
		}
		if _, err := db.VerifyAuditChain(ctx, f.a.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestServiceCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		me := &auth.Principal{TenantID: f.a.ID, StaffID: f.staff.ID}
		day := calendar.Date{Year: 2026, Month: time.June, Day: 10} // a Wednesday
		in := policy.CheckInput{App: policy.Application{Mode: policy.Home, Place: policy.PlaceHome, TimeUnit: policy.FullDay,
			Dates: []calendar.Date{day}}}
		if _, err := s.Check(ctx, f.a.ID, me, in); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("no policy: %v", err)
		}
		if err := s.Save(ctx, f.a.ID, hr, &policy.Version{Effective: f.today, Policy: matsumoto(t)}); err != nil {
			t.Fatal(err)
		}
		res, err := s.Check(ctx, f.a.ID, me, in)
		if err != nil || !res.OK() {
			t.Fatalf("own check: %+v %v", res, err)
		}
		mob := in
		mob.App.Mode, mob.App.Place = policy.Mobile, policy.PlaceMobile
		if res, err := s.Check(ctx, f.a.ID, me, mob); err != nil || res.OK() {
			t.Errorf("mobile work under 松本市: %+v %v", res, err)
		}
		other := &auth.Principal{TenantID: f.a.ID, StaffID: f.staff.ID + 1000}
		in.StaffID = f.staff.ID
		if _, err := s.Check(ctx, f.a.ID, other, in); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("someone else's plan: %v", err)
		}
		if _, err := s.Check(ctx, f.a.ID, &auth.Principal{Roles: []auth.Role{auth.HRAdmin}}, in); err != nil {
			t.Errorf("HR: %v", err)
		}
		if _, err := s.Check(ctx, f.a.ID, me, policy.CheckInput{Stage: "later"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("no dates, bad stage: %v", err)
		}
	})
}

func TestServiceSimulate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		p := matsumoto(t)
		p.Caps.WeeklyMaxDays = 2
		csv := []byte("職員番号,日付,形態,時間単位\r\n１００１,2026/5/11,在宅,終日\r\n1001,2026/5/12,在宅,終日\r\n1001,2026/5/13,在宅,終日\r\n1001,2026/5/14,モバイル,午前\r\n")
		want := map[string][]string{
			"ja": {"週2日までの上限を超えています(この週は3日目)", "モバイルワークは、この団体の制度では利用できません"},
			"en": {"Over the limit of 2 days a week (this is day 3 of the week)", "Mobile work is not part of this organisation's rules"},
		}
		for lang, msgs := range want {
			sim, err := f.svc.Simulate(ctx, f.a.ID, p, csv, lang)
			if err != nil {
				t.Fatal(err)
			}
			if sim.Total != 4 || sim.Refused != 2 || sim.People != 1 || !sim.DeadlinesSkipped || len(sim.Rows) != 2 {
				t.Fatalf("%s: %+v", lang, sim)
			}
			var all []string
			for _, r := range sim.Rows {
				if r.Name != f.staff.Name || r.StaffNo != "1001" {
					t.Errorf("row %+v", r)
				}
				all = append(all, r.Errors...)
				all = append(all, r.Warnings...)
			}
			text := strings.Join(all, "\n")
			for _, m := range msgs {
				if !strings.Contains(text, m) {
					t.Errorf("%s: missing %q in\n%s", lang, m, text)
				}
			}
			if lang == "en" && strings.ContainsAny(text, "週月日") {
				t.Errorf("Japanese in the English simulation:\n%s", text)
			}
		}
		// Unreadable rows are named by line and column; unknown people
		// are not a reason to refuse the file.
		bad := []byte("職員番号,日付,形態\r\n9999,2026/5/11,在宅\r\n1001,someday,在宅\r\n")
		_, err := f.svc.Simulate(ctx, f.a.ID, p, bad, "en")
		if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Key != "trial.sim_cell" ||
			e.Fields[0].Args["Column"] != "日付" || e.Fields[0].Args["Line"] != 3 {
			t.Errorf("bad row: %+v", err)
		}
		sim, err := f.svc.Simulate(ctx, f.a.ID, p, []byte("職員番号,日付,形態\r\n9999,2026/5/11,在宅\r\n"), "en")
		if err != nil || sim.Unknown != 1 || len(sim.Rows) != 1 || sim.Rows[0].Status != "unknown" {
			t.Errorf("unknown person: %+v %v", sim, err)
		}
		if _, err := f.svc.Simulate(ctx, f.a.ID, p, []byte("名前,日\r\nx,y\r\n"), "en"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("missing columns: %v", err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestSimulateLongFile: a year of one person's days, each day ten times,
// under a weekly cap: every week's days past the cap and every repeat of
// a day are refused, as with the whole history (the replay keeps only the
// week's and month's earlier days); the table lists the first
// MaxSimulationRows with the rest counted; a request that ended stops the
// replay.
func TestSimulateLongFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		p := matsumoto(t)
		p.Caps.WeeklyMaxDays, p.Caps.MonthlyMaxDays = 2, 0
		var b strings.Builder
		b.WriteString("職員番号,日付,形態,時間単位\r\n")
		const rep = 10
		days, weeks := 0, map[calendar.Date]int{}
		first := calendar.Date{Year: 2026, Month: time.April, Day: 6} // a Monday
		for d := first; d.Before(first.AddDays(364)); d = d.AddDays(1) {
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				continue
			}
			days++
			weeks[d.AddDays(-(int(d.Weekday())+6)%7)]++
			for range rep {
				fmt.Fprintf(&b, "1001,%s,在宅,終日\r\n", d)
			}
		}
		overCap := 0
		for _, n := range weeks {
			overCap += max(n-2, 0)
		}
		sim, err := f.svc.Simulate(ctx, f.a.ID, p, []byte(b.String()), "ja")
		storetest.Must(t, err)
		// Each day's repeats are duplicates; a day past the week's cap is
		// refused on its first row too (a holiday's is warned of).
		if sim.Total != rep*days || sim.Refused != (rep-1)*days+overCap || sim.OK+sim.Warned != days-overCap {
			t.Fatalf("%d rows: %d refused (want %d), %d ok and %d warned (want %d)", sim.Total, sim.Refused, (rep-1)*days+overCap,
				sim.OK, sim.Warned, days-overCap)
		}
		if found := sim.Refused + sim.Warned; len(sim.Rows) != policy.MaxSimulationRows || sim.Omitted != found-policy.MaxSimulationRows {
			t.Errorf("listed %d, omitted %d of %d", len(sim.Rows), sim.Omitted, found)
		}
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := f.svc.Simulate(gone, f.a.ID, p, []byte(b.String()), "ja"); !errors.Is(err, context.Canceled) {
			t.Errorf("a simulation of an ended request: %v", err)
		}
	})
}

// TestConcurrentSavesOfOneDate: HR saving the same effective date several
// times at once through two app nodes — each save succeeds and replaces the
// one before, on both engines (PostgreSQL answered all but one with a
// unique violation, a review found); the audit log keeps every save.
func TestConcurrentSavesOfOneDate(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, eng)
			nodes := make([]*store.DB, 2)
			for i := range nodes {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				nodes[i] = db
			}
			f := newFixture(t, nodes[0])
			clock := func() time.Time { return f.today.Time().Add(9 * time.Hour) }
			svcs := []*policy.Service{f.svc, policy.NewService(nodes[1], clock)}
			tp, _ := policy.TemplateByName("matsumoto")
			eff := f.today.AddDays(30)
			const n = 12
			errs := make(chan error, n)
			start := make(chan struct{})
			for i := range n {
				go func() {
					<-start
					errs <- svcs[i%2].Save(ctx, f.a.ID, hr, &policy.Version{Effective: eff, Note: fmt.Sprint("save ", i), Policy: tp.Policy})
				}()
			}
			close(start)
			for range n {
				if err := <-errs; err != nil {
					t.Errorf("a concurrent save: %v", err)
				}
			}
			vs, err := nodes[0].FindPolicyVersions(ctx, f.a.ID)
			if err != nil || len(vs) != 1 {
				t.Fatalf("versions %d %v", len(vs), err)
			}
			if got := len(f.audit(t, "policy.save")); got != n {
				t.Errorf("%d policy.save entries, want %d", got, n)
			}
		})
	}
}
