package worktime_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

var hr = audit.Actor{ID: 0, Label: "hr01"}

type fixture struct {
	db     *store.DB
	svc    *worktime.Service
	apply  *apply.Service
	notes  *notify.Service
	a, b   *org.Tenant
	now    time.Time
	people map[string]*org.Staff
	who    map[string]*auth.Principal
}

// newFixture: tenant a with 総務課 (課長) → 総務係 (係長, two staff), 財政課
// (課長); tenant b with one person; 松本市's policy; Monday 2026-06-01 09:00.
func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, people: map[string]*org.Staff{}, who: map[string]*auth.Principal{}}
	f.now = time.Date(2026, time.June, 1, 9, 0, 0, 0, calendar.Tokyo)
	db.Now = func() time.Time { return f.now }
	clock := func() time.Time { return f.now }
	f.svc = worktime.NewService(db, clock)
	f.apply = apply.NewService(db, clock)
	f.notes = notify.NewService(db, clock)
	f.svc.SetHooks(nil, f.apply)
	units := map[string]*org.Unit{}
	mk := func(slug string) *org.Tenant {
		tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		storetest.Must(t, storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "op"}, tn, nil))
		pol, _ := policy.TemplateByName("matsumoto")
		storetest.Must(t, policy.NewService(db, clock).Save(ctx, tn.ID, hr, &policy.Version{Effective: calendar.DateOf(f.now), Policy: pol.Policy}))
		return tn
	}
	f.a, f.b = mk("matsumoto"), mk("kakegawa")
	unit := func(tn *org.Tenant, key, code, name, level, parent string) {
		u := &org.Unit{Code: code, Name: name, Level: level}
		if parent != "" {
			u.ParentID = units[parent].ID
		}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, hr, u, calendar.Date{}))
		units[key] = u
	}
	unit(f.a, "ka", "110", "総務課", "課", "")
	unit(f.a, "kakari", "111", "総務係", "係", "ka")
	unit(f.a, "other", "120", "財政課", "課", "")
	unit(f.b, "b", "100", "総務課", "課", "")
	n := 1000
	person := func(tn *org.Tenant, key, unitKey string, rank org.Rank, head bool) {
		n++
		st := &org.Staff{StaffNo: string(rune('0'+n/1000)) + string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10)),
			Name: key + " 太郎", Kana: "たろう", UnitID: units[unitKey].ID, Rank: rank, IsSupervisor: head,
			Employment: org.Regular, JobType: "general"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, hr, st, calendar.Date{}))
		u := &auth.User{LoginID: key, PasswordHash: "x", StaffID: st.ID}
		storetest.Must(t, storetest.F(db).CreateUser(ctx, tn.ID, hr, u))
		f.people[key] = st
		f.who[key] = &auth.Principal{TenantID: tn.ID, UserID: u.ID, LoginID: key, StaffID: st.ID, UnitID: st.UnitID, StaffName: st.Name,
			Roles: auth.EffectiveRoles(nil, true, head)}
		if key == "colleague" {
			f.who[key].StaffName = "" // a principal without the record: it is read
		}
	}
	person(f.a, "kacho", "ka", org.RankManager, true)
	person(f.a, "kakaricho", "kakari", org.RankChief, true)
	person(f.a, "staff", "kakari", org.RankStaff, false)
	person(f.a, "colleague", "kakari", org.RankStaff, false)
	person(f.a, "zaisei", "other", org.RankManager, true)
	person(f.b, "bstaff", "b", org.RankStaff, false)
	return f
}

// approved is req made by who and approved by the 課長: the application
// a day's start and end are reported against.
func (f *fixture) approved(t *testing.T, who string, req apply.Request) *apply.Application {
	t.Helper()
	ctx := context.Background()
	req.Submit = true
	res, err := f.apply.Create(ctx, f.a.ID, f.who[who], req)
	storetest.Must(t, err)
	_, err = f.apply.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
	storetest.Must(t, err)
	return res.Application
}

func mustCode(t *testing.T, err error, c apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != c {
		t.Fatalf("err = %v, want code %v", err, c)
	}
}

func rules(ws []worktime.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Rule)
	}
	return out
}

func TestStartWithoutApplicationIsRecordedAndFlagged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		out, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: policy.Home, Plan: "  議事録の 作成 "})
		storetest.Must(t, err)
		if out.Day.Plan != "議事録の 作成" || out.Day.ApplicationID != 0 || !out.Day.Start.Equal(f.now) {
			t.Fatalf("day: %+v", out.Day)
		}
		if got := rules(out.Warnings); len(got) != 1 || got[0] != worktime.RuleNoApplication {
			t.Fatalf("warnings %v, want no_application", got)
		}
		heads, _ := f.notes.List(ctx, f.a.ID, f.who["kakaricho"], true, 10, 0)
		if len(heads) != 1 || heads[0].Kind != worktime.NotifyWarning {
			t.Fatalf("係長 notifications: %+v", heads)
		}
		if msg := heads[0].Message("ja"); msg != "staff 太郎さんの勤務記録(2026-06-01)に確認が必要な点が1件あります。"+out.Warnings[0].Finding("ja") {
			t.Errorf("message %q", msg)
		}
		// At the office no application is needed, and a second start is refused.
		out, err = f.svc.Start(ctx, f.a.ID, f.who["colleague"], 0, worktime.Report{Mode: worktime.Office})
		storetest.Must(t, err)
		if len(out.Warnings) != 0 {
			t.Errorf("office start warnings %v", rules(out.Warnings))
		}
		_, err = f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		mustCode(t, err, apperr.Conflict)
		es, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: "worktime.start", Limit: 10})
		storetest.Must(t, err)
		if len(es) != 2 {
			t.Fatalf("audit entries %d, want 2", len(es))
		}
	})
}

func TestStartOnApprovedApplicationMarksTheDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		app := f.approved(t, "staff", apply.Request{Dates: []calendar.Date{{Year: 2026, Month: 6, Day: 4}}, Mode: policy.Home, Plan: "資料作成"})
		f.now = time.Date(2026, time.June, 4, 8, 30, 0, 0, calendar.Tokyo)
		out, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
		storetest.Must(t, err)
		if out.Day.ApplicationID != app.ID || out.Day.Mode != policy.Home || len(out.Warnings) != 0 {
			t.Fatalf("start: %+v %v", out.Day, rules(out.Warnings))
		}
		a, err := db.FindApplication(ctx, f.a.ID, app.ID)
		storetest.Must(t, err)
		if a.Days[0].Status != apply.Started {
			t.Errorf("application day %s, want started", a.Days[0].Status)
		}
		f.now = f.now.Add(3 * time.Hour)
		_, err = f.svc.Break(ctx, f.a.ID, f.who["staff"], true, false)
		storetest.Must(t, err)
		f.now = f.now.Add(30 * time.Minute)
		_, err = f.svc.Break(ctx, f.a.ID, f.who["staff"], false, false)
		storetest.Must(t, err)
		f.now = time.Date(2026, time.June, 4, 17, 15, 0, 0, calendar.Tokyo)
		out, err = f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Result: "資料を作成した"})
		storetest.Must(t, err)
		if got := rules(out.Warnings); len(got) != 1 || got[0] != worktime.RuleBreakShort {
			t.Fatalf("end warnings %v, want break_short", got)
		}
		a, _ = db.FindApplication(ctx, f.a.ID, app.ID)
		if a.Days[0].Status != apply.Finished {
			t.Errorf("application day %s, want finished", a.Days[0].Status)
		}
		days, err := f.svc.Days(ctx, f.a.ID, f.who["staff"], 0, calendar.Date{Year: 2026, Month: 6, Day: 1}, calendar.Date{Year: 2026, Month: 6, Day: 30})
		storetest.Must(t, err)
		if len(days) != 1 || len(days[0].Day.Breaks) != 1 || len(days[0].Warnings) != 1 || days[0].Day.Result != "資料を作成した" {
			t.Fatalf("days: %+v", days)
		}
	})
}

func TestProxyEntryBySupervisorOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		staff := f.people["staff"].ID
		// A colleague, another section's head and another tenant cannot.
		for _, who := range []string{"colleague", "zaisei"} {
			_, err := f.svc.Start(ctx, f.a.ID, f.who[who], staff, worktime.Report{})
			mustCode(t, err, apperr.NotFound)
		}
		_, err := f.svc.Start(ctx, f.b.ID, f.who["bstaff"], staff, worktime.Report{})
		mustCode(t, err, apperr.NotFound)
		today := calendar.DateOf(f.now)
		_, err = f.svc.Days(ctx, f.a.ID, f.who["colleague"], staff, today, today)
		mustCode(t, err, apperr.NotFound)
		_, err = f.svc.TeamDay(ctx, f.a.ID, f.who["colleague"], f.people["staff"].UnitID)
		mustCode(t, err, apperr.Forbidden)
		out, err := f.svc.Start(ctx, f.a.ID, f.who["kacho"], staff, worktime.Report{Mode: worktime.Office})
		storetest.Must(t, err)
		if out.Day.StartProxy != f.people["kacho"].ID || out.Day.StaffID != staff {
			t.Fatalf("proxy start: %+v", out.Day)
		}
		team, err := f.svc.TeamDay(ctx, f.a.ID, f.who["kakaricho"], 0)
		storetest.Must(t, err)
		got := map[string]worktime.State{}
		for _, r := range team {
			got[r.Name] = r.State
		}
		if len(team) != 3 || got["staff 太郎"] != worktime.Working || got["colleague 太郎"] != worktime.NotStarted {
			t.Fatalf("team day: %+v", team)
		}
	})
}

func TestAttendanceRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: worktime.Office})
		storetest.Must(t, err)
		var n int64
		storetest.Must(t, db.InTx(ctx, func(tx *store.Tx) error {
			a, err := tx.ApplyRetentionKind(ctx, f.a.ID, "attendance", f.now)
			n = a.Removed
			return err
		}))
		if n != 0 {
			t.Fatalf("removed %d of today's records", n)
		}
		storetest.Must(t, db.InTx(ctx, func(tx *store.Tx) error {
			a, err := tx.ApplyRetentionKind(ctx, f.a.ID, "attendance", f.now.AddDate(0, 0, 1))
			n = a.Removed
			return err
		}))
		if n != 1 {
			t.Fatalf("removed %d, want 1", n)
		}
	})
}
