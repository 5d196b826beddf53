package rosterplan_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"telework/internal/notify"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/emergency"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/roster"
	"telework/internal/rosterplan"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// On both engines: publishing creates approved applications for the
// telework days in one transaction; a re-plan keeps the days it keeps,
// cancels the future days it drops, and creates the new ones; staff and
// another tenant's HR cannot publish.
func TestPublishOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mon := calendar.Date{Year: 2026, Month: time.June, Day: 1}
		now := func() time.Time { return mon.Time().Add(8 * time.Hour) }
		svc, tn, u := publishSection(t, db, now)
		other := &org.Tenant{Slug: "saga", Name: "佐賀県", Kind: org.Prefecture, StaffSize: 100, GeneralAdminStaff: 80}
		storetest.Must(t, storetest.F(db).CreateTenant(ctx, sys, other, nil))
		hr := &auth.Principal{TenantID: tn.ID, Roles: []auth.Role{auth.HRAdmin}}
		inst, err := svc.BuildInstance(ctx, tn.ID, hr, rosterplan.Request{UnitID: u.ID, From: mon, To: mon.AddDays(4),
			Settings: rosterplan.Settings{MinOnsite: 1}})
		if err != nil {
			t.Fatal(err)
		}
		plan := map[string][]string{
			"1001": {"TELE", "ONSITE", "TELE", "ONSITE", "TELE"},
			"1002": {"ONSITE", "TELE", "ONSITE", "TELE", "ONSITE"},
		}
		if _, _, err := svc.Publish(ctx, tn.ID, &auth.Principal{TenantID: tn.ID, Roles: []auth.Role{auth.Staff}}, u.ID, inst, plan); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("staff published: %v", err)
		}
		if _, _, err := svc.Publish(ctx, other.ID, &auth.Principal{TenantID: other.ID, Roles: []auth.Role{auth.HRAdmin}}, u.ID, inst, plan); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("another tenant published: %v", err)
		}
		bad := map[string][]string{"1001": {"TELE"}, "1002": plan["1002"]}
		if _, _, err := svc.Publish(ctx, tn.ID, hr, u.ID, inst, bad); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a plan of the wrong shape: %v", err)
		}
		// LEAVE on a day that is not a leave day is told as such.
		notLeave := map[string][]string{"1001": {"LEAVE", "ONSITE", "TELE", "ONSITE", "TELE"}, "1002": plan["1002"]}
		if _, _, err := svc.Publish(ctx, tn.ID, hr, u.ID, inst, notLeave); apperr.As(err) == nil || apperr.As(err).Fields[0].Key != "rosterplan.plan_not_leave" {
			t.Fatalf("LEAVE on a working day: %v", err)
		}
		pub, res, err := svc.Publish(ctx, tn.ID, hr, u.ID, inst, plan)
		if err != nil || len(res.Created) != 2 || len(pub.Apps) != 2 || len(pub.Violations) != 0 {
			t.Fatalf("publish: %+v %+v %v", pub, res, err)
		}
		days := func(id int64) map[string]apply.Status {
			t.Helper()
			a, err := db.FindApplication(ctx, tn.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]apply.Status{}
			for _, d := range a.Days {
				out[d.Date.String()] = d.Status
			}
			return out
		}
		first := days(res.Created[0])
		if len(first) != 3 || first["2026-06-01"] != apply.Approved || first["2026-06-05"] != apply.Approved {
			t.Fatalf("first person's days: %v", first)
		}

		// Building again: the published plan is the previous plan.
		again, err := svc.BuildInstance(ctx, tn.ID, hr, rosterplan.Request{UnitID: u.ID, From: mon, To: mon.AddDays(4),
			Settings: rosterplan.Settings{MinOnsite: 1}})
		if err != nil || again.PreviousPlan["1001"][0] != roster.Tele {
			t.Fatalf("previous plan = %v %v", again.PreviousPlan, err)
		}
		// The approved applications the publication made are read back as
		// TELE preferences of their days (and only those days).
		tele := map[string]bool{}
		for _, p := range again.Preferences {
			if p.Mode == roster.Tele {
				tele[p.Staff+" "+p.Day] = true
			}
		}
		if len(tele) != 5 || !tele["1001 2026-06-01"] || !tele["1001 2026-06-05"] || !tele["1002 2026-06-02"] || tele["1001 2026-06-02"] {
			t.Fatalf("approved days as preferences: %v", tele)
		}

		// 1001 falls ill on Wednesday: the re-plan moves their Wednesday and
		// Friday telework; today's day stays (a decision made).
		replan := map[string][]string{
			"1001": {"ONSITE", "TELE", "ONSITE", "ONSITE", "ONSITE"},
			"1002": {"ONSITE", "TELE", "ONSITE", "TELE", "TELE"},
		}
		// (Both at home on Tuesday: published, as HR decided, and said.)
		pub2, res2, err := svc.Publish(ctx, tn.ID, hr, u.ID, inst, replan)
		if err != nil {
			t.Fatal(err)
		}
		if len(pub2.Violations) != 1 || pub2.Violations[0].Family != "minOnsite" {
			t.Errorf("the re-plan's shortfall was not said: %+v", pub2.Violations)
		}
		after := days(res.Created[0])
		if after["2026-06-01"] != apply.Approved || after["2026-06-03"] != apply.Cancelled || after["2026-06-05"] != apply.Cancelled {
			t.Fatalf("re-planned days of 1001: %v", after)
		}
		if len(res2.Created) != 2 || len(res2.Cancelled) != 1 {
			t.Fatalf("re-plan result: %+v", res2)
		}
		latest, err := db.FindLatestRosterPublication(ctx, tn.ID, u.ID, mon, mon.AddDays(4))
		if err != nil || latest == nil || latest.Assignments["1001"][2] != roster.Onsite || len(latest.Apps) != 4 {
			t.Fatalf("latest publication: %+v %v", latest, err)
		}
		es, _ := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "application.roster_publish", Limit: 10})
		if len(es) != 2 {
			t.Fatalf("%d publish audit entries", len(es))
		}
		// The cancelled days are listed by application number as a value,
		// not as a key the auditor's table would read as a list position.
		var logged struct {
			Cancelled []struct {
				ApplicationID int64    `json:"application_id"`
				Dates         []string `json:"dates"`
			} `json:"cancelled"`
		}
		if err := json.Unmarshal(es[0].After, &logged); err != nil || len(logged.Cancelled) != 1 {
			t.Fatalf("the re-plan's cancelled days: %s %v", es[0].After, err)
		}
		if _, ok := res2.Cancelled[logged.Cancelled[0].ApplicationID]; !ok || len(logged.Cancelled[0].Dates) == 0 {
			t.Fatalf("cancelled %+v, want one of %v", logged.Cancelled, res2.Cancelled)
		}
	})
}

// publishWorld is 神戸市's 福祉課 of three people on 2026-06-01 08:00, with
// the roster and application services and an HR principal.
type publishWorld struct {
	svc   *rosterplan.Service
	apply *apply.Service
	tn    *org.Tenant
	unit  *org.Unit
	hr    *auth.Principal
	staff map[string]*org.Staff
	mon   calendar.Date
	shift time.Duration // moves the clock on from Monday 08:00
}

func newPublishWorld(t *testing.T, db *store.DB) *publishWorld {
	t.Helper()
	ctx := context.Background()
	w := &publishWorld{mon: calendar.Date{Year: 2026, Month: time.June, Day: 1}, staff: map[string]*org.Staff{}}
	now := func() time.Time { return w.mon.Time().Add(8*time.Hour + w.shift) }
	w.svc, w.apply = rosterplan.NewService(db, now), apply.NewService(db, now)
	w.svc.SetPublisher(w.apply)
	w.tn = &org.Tenant{Slug: "kobe", Name: "神戸市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
	storetest.Must(t, storetest.F(db).CreateTenant(ctx, sys, w.tn, nil))
	w.unit = &org.Unit{Code: "100", Name: "福祉課", Level: "課"}
	storetest.Must(t, storetest.F(db).CreateUnit(ctx, w.tn.ID, sys, w.unit, calendar.Date{}))
	for _, no := range []string{"1001", "1002", "1003"} {
		s := &org.Staff{StaffNo: no, Name: "職員" + no, Kana: "しょくいん", UnitID: w.unit.ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general", IsSupervisor: no == "1003"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, w.tn.ID, sys, s, calendar.Date{}))
		w.staff[no] = s
	}
	w.hr = &auth.Principal{TenantID: w.tn.ID, Roles: []auth.Role{auth.HRAdmin}}
	return w
}

// instance is the unit's roster of from..to.
func (w *publishWorld) instance(t *testing.T, from, to calendar.Date) *roster.Instance {
	t.Helper()
	inst, err := w.svc.BuildInstance(context.Background(), w.tn.ID, w.hr, rosterplan.Request{UnitID: w.unit.ID, From: from, To: to,
		Settings: rosterplan.Settings{MinOnsite: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// approvedDays counts the approved application days of a person on d
// (all people when staffID is 0, all days when d is zero).
func approvedDays(t *testing.T, db *store.DB, tenantID, staffID int64, d calendar.Date) int {
	t.Helper()
	q := `SELECT COUNT(*) FROM application_days ad JOIN applications a ON a.tenant_id = ad.tenant_id AND a.id = ad.application_id
		WHERE ad.tenant_id = ? AND ad.status = 'approved'`
	args := []any{tenantID}
	if staffID != 0 {
		q += ` AND a.staff_id = ?`
		args = append(args, staffID)
	}
	if !d.IsZero() {
		q += ` AND ad.day = ?`
		args = append(args, d.String())
	}
	var n int
	if err := db.SQL.QueryRow(db.Rebind(q), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Publishing the same plan several times at once (a double click, two app
// nodes) leaves one approved application per person and telework day: each
// publish reads the one before it under the unit's lock, so the later ones
// keep its days instead of approving them again.
func TestConcurrentPublishes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPublishWorld(t, db)
		inst := w.instance(t, w.mon, w.mon.AddDays(4))
		plan := map[string][]string{
			"1001": {"TELE", "ONSITE", "TELE", "ONSITE", "TELE"},
			"1002": {"ONSITE", "TELE", "ONSITE", "TELE", "ONSITE"},
			"1003": {"ONSITE", "ONSITE", "TELE", "ONSITE", "ONSITE"},
		}
		const n = 4
		errs := make(chan error, n)
		start := make(chan struct{})
		for range n {
			go func() {
				<-start
				_, _, err := w.svc.Publish(ctx, w.tn.ID, w.hr, w.unit.ID, inst, plan)
				errs <- err
			}()
		}
		close(start)
		for range n {
			if err := <-errs; err != nil {
				t.Fatalf("publish: %v", err)
			}
		}
		if got := approvedDays(t, db, w.tn.ID, 0, calendar.Date{}); got != 6 {
			t.Fatalf("%d approved application days after %d publishes of a plan with 6 telework days", got, n)
		}
	})
}

// TestPublishKeepsWhatIsNotItsOwn: a day the person already holds with an
// application of their own gets no second, roster one; a roster of a
// period overlapping an earlier one leaves the earlier one's days outside
// its period as they are.
func TestPublishKeepsWhatIsNotItsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPublishWorld(t, db)
		fri := w.mon.AddDays(4)
		// 1001 applied for Friday themselves (waiting for the 課長).
		pol, _ := policy.TemplateByName("matsumoto")
		storetest.Must(t, policy.NewService(db, func() time.Time { return w.mon.Time() }).Save(ctx, w.tn.ID, sys,
			&policy.Version{Effective: w.mon, Policy: pol.Policy}))
		own, err := w.apply.Create(ctx, w.tn.ID, &auth.Principal{TenantID: w.tn.ID, StaffID: w.staff["1001"].ID, UnitID: w.unit.ID,
			Roles: auth.EffectiveRoles(nil, true, false)}, apply.Request{Dates: []calendar.Date{fri}, Mode: "home", Plan: "資料作成", Submit: true})
		storetest.Must(t, err)
		// 1002 applied for Thursday and withdrew: the day is free again.
		p1002 := &auth.Principal{TenantID: w.tn.ID, StaffID: w.staff["1002"].ID, UnitID: w.unit.ID, Roles: auth.EffectiveRoles(nil, true, false)}
		gone, err := w.apply.Create(ctx, w.tn.ID, p1002, apply.Request{Dates: []calendar.Date{w.mon.AddDays(3)}, Mode: "home", Plan: "資料作成", Submit: true})
		storetest.Must(t, err)
		_, err = w.apply.Withdraw(ctx, w.tn.ID, p1002, gone.Application.ID, apply.Act{})
		storetest.Must(t, err)
		first := map[string][]string{
			"1001": {"TELE", "ONSITE", "TELE", "ONSITE", "TELE"},
			"1002": {"ONSITE", "TELE", "ONSITE", "TELE", "ONSITE"},
			"1003": {"ONSITE", "ONSITE", "ONSITE", "ONSITE", "ONSITE"},
		}
		_, _, err = w.svc.Publish(ctx, w.tn.ID, w.hr, w.unit.ID, w.instance(t, w.mon, w.mon.AddDays(4)), first)
		storetest.Must(t, err)
		if got := approvedDays(t, db, w.tn.ID, w.staff["1002"].ID, w.mon.AddDays(3)); got != 1 {
			t.Fatalf("1002's Thursday, withdrawn by them before: %d approved", got)
		}
		a, err := db.FindApplication(ctx, w.tn.ID, own.Application.ID)
		storetest.Must(t, err)
		if a.Days[0].Status != apply.Submitted {
			t.Fatalf("the person's own application is %s", a.Days[0].Status)
		}
		var held int
		storetest.Must(t, db.SQL.QueryRow(db.Rebind(`SELECT COUNT(*) FROM application_days ad JOIN applications a ON a.tenant_id = ad.tenant_id
			AND a.id = ad.application_id WHERE ad.tenant_id = ? AND a.staff_id = ? AND ad.day = ? AND ad.status IN ('approved', 'submitted')`),
			w.tn.ID, w.staff["1001"].ID, fri.String()).Scan(&held))
		if held != 1 {
			t.Fatalf("1001 holds Friday with %d applications", held)
		}
		// Wednesday to next Tuesday, everyone at the office but 1002 on
		// Thursday: Monday and Tuesday of the first roster stay.
		second := map[string][]string{
			"1001": {"ONSITE", "ONSITE", "ONSITE", "ONSITE", "ONSITE"},
			"1002": {"ONSITE", "TELE", "ONSITE", "ONSITE", "ONSITE"},
			"1003": {"ONSITE", "ONSITE", "ONSITE", "ONSITE", "ONSITE"},
		}
		_, res, err := w.svc.Publish(ctx, w.tn.ID, w.hr, w.unit.ID, w.instance(t, w.mon.AddDays(2), w.mon.AddDays(8)), second)
		storetest.Must(t, err)
		if got := approvedDays(t, db, w.tn.ID, w.staff["1002"].ID, w.mon.AddDays(1)); got != 1 {
			t.Errorf("1002's Tuesday, before the second roster's period: %d approved (res %+v)", got, res)
		}
		if got := approvedDays(t, db, w.tn.ID, w.staff["1001"].ID, w.mon.AddDays(2)); got != 0 {
			t.Errorf("1001's Wednesday, in the second roster's period and dropped: %d approved", got)
		}
	})
}

// TestPublishReconcilesEveryEarlierRoster: a roster spanning two earlier
// ones (the end of one week and the start of the next) cancels the days of
// both that it drops, not only the latest one's.
func TestPublishReconcilesEveryEarlierRoster(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPublishWorld(t, db)
		office := []string{"ONSITE", "ONSITE", "ONSITE", "ONSITE", "ONSITE"}
		week1 := map[string][]string{"1001": {"ONSITE", "ONSITE", "TELE", "TELE", "TELE"}, "1002": office, "1003": office}
		_, _, err := w.svc.Publish(ctx, w.tn.ID, w.hr, w.unit.ID, w.instance(t, w.mon, w.mon.AddDays(4)), week1)
		storetest.Must(t, err)
		week2 := map[string][]string{"1001": {"TELE", "ONSITE", "ONSITE", "ONSITE", "ONSITE"}, "1002": office, "1003": office}
		_, _, err = w.svc.Publish(ctx, w.tn.ID, w.hr, w.unit.ID, w.instance(t, w.mon.AddDays(7), w.mon.AddDays(11)), week2)
		storetest.Must(t, err)
		// Wednesday of week 1 to Tuesday of week 2, everyone at the office.
		span := w.instance(t, w.mon.AddDays(2), w.mon.AddDays(8))
		all := map[string][]string{}
		for no := range w.staff {
			all[no] = make([]string, len(span.Days))
			for i := range all[no] {
				all[no][i] = "ONSITE"
			}
		}
		_, _, err = w.svc.Publish(ctx, w.tn.ID, w.hr, w.unit.ID, span, all)
		storetest.Must(t, err)
		if got := approvedDays(t, db, w.tn.ID, w.staff["1001"].ID, calendar.Date{}); got != 0 {
			t.Fatalf("1001 keeps %d approved days the spanning roster dropped", got)
		}
	})
}

// TestRepublishLeavesThePersonsCancellation: a telework day the person
// cancelled after a publication (right after it, without a version: the
// publication is no decision they could not have seen) is not given back
// by the next publication of a plan that still has it — their
// cancellation is later than the plan; a day a publication itself dropped
// is given again when a later plan has it.
func TestRepublishLeavesThePersonsCancellation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPublishWorld(t, db)
		hrUser := &auth.User{LoginID: "hr01", PasswordHash: "x", Granted: []auth.Role{auth.HRAdmin}}
		storetest.Must(t, storetest.F(db).CreateUser(ctx, w.tn.ID, sys, hrUser))
		w.hr.UserID = hrUser.ID
		me := &auth.User{LoginID: "s1001", PasswordHash: "x", StaffID: w.staff["1001"].ID, Granted: []auth.Role{auth.Staff}}
		storetest.Must(t, storetest.F(db).CreateUser(ctx, w.tn.ID, sys, me))
		p1001 := &auth.Principal{TenantID: w.tn.ID, UserID: me.ID, StaffID: w.staff["1001"].ID, UnitID: w.unit.ID,
			Roles: auth.EffectiveRoles(nil, true, false)}
		tue, wed, fri := w.mon.AddDays(1), w.mon.AddDays(2), w.mon.AddDays(4)
		inst := w.instance(t, w.mon, fri)
		office := []string{"ONSITE", "ONSITE", "ONSITE", "ONSITE", "ONSITE"}
		// publish publishes the plan with 1001's days as given.
		publish := func(days1001 ...string) apply.RosterResult {
			t.Helper()
			_, res, err := w.svc.Publish(ctx, w.tn.ID, w.hr, w.unit.ID, inst,
				map[string][]string{"1001": days1001, "1002": office, "1003": office})
			storetest.Must(t, err)
			return res
		}
		approved := func(d calendar.Date, want int, what string) {
			t.Helper()
			if got := approvedDays(t, db, w.tn.ID, w.staff["1001"].ID, d); got != want {
				t.Errorf("%s: %d approved, want %d", what, got, want)
			}
		}
		res := publish("ONSITE", "TELE", "TELE", "ONSITE", "ONSITE")
		if len(res.Created) != 1 {
			t.Fatalf("first publication: %+v", res)
		}
		// 1001 has to come in on Wednesday after all, and says so at once.
		if _, err := w.apply.Cancel(ctx, w.tn.ID, p1001, res.Created[0], apply.Act{Dates: []calendar.Date{wed}}); err != nil {
			t.Fatalf("the person's cancel right after the publication: %v", err)
		}
		// HR publishes again, adding Friday; the plan still has Wednesday.
		res = publish("ONSITE", "TELE", "TELE", "ONSITE", "TELE")
		approved(wed, 0, "Wednesday, cancelled by the person")
		approved(fri, 1, "Friday, new in the plan")
		if got := res.LeftCancelled[w.staff["1001"].ID]; !slices.Equal(got, []calendar.Date{wed}) {
			t.Errorf("left cancelled: %v", got)
		}
		// A plan without Tuesday (the publication cancels it), then one
		// with it again: the publication's own cancellation does not stand.
		publish("ONSITE", "ONSITE", "TELE", "ONSITE", "TELE")
		approved(tue, 0, "Tuesday, dropped by the plan")
		// The person is told the roster cancelled it (naming no one).
		ns, err := db.FindNotifications(ctx, w.tn.ID, w.staff["1001"].ID, notify.Filter{}, 20, 0)
		storetest.Must(t, err)
		if i := slices.IndexFunc(ns, func(n notify.Notification) bool { return n.Kind == notify.Cancelled }); i < 0 ||
			!strings.HasPrefix(ns[i].Message("ja"), "ローテーション表の公表で") || strings.Contains(ns[i].Message("en"), "no value") {
			t.Errorf("the roster's cancellation notice: %+v", ns)
		}
		publish("ONSITE", "TELE", "TELE", "ONSITE", "TELE")
		approved(tue, 1, "Tuesday, back in the plan")
		approved(wed, 0, "Wednesday after the third publication")
	})
}

// TestRosterDecisionsMigration: migration 00038 marks the decisions the
// publications made before it (their approvals and cancellations), and
// not the person's own cancellation: after it, a plan with a day an
// earlier publication dropped gives it again, and the person's cancelled
// day stays cancelled.
func TestRosterDecisionsMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPublishWorld(t, db)
		me := &auth.User{LoginID: "s1001", PasswordHash: "x", StaffID: w.staff["1001"].ID, Granted: []auth.Role{auth.Staff}}
		storetest.Must(t, storetest.F(db).CreateUser(ctx, w.tn.ID, sys, me))
		p1001 := &auth.Principal{TenantID: w.tn.ID, UserID: me.ID, StaffID: w.staff["1001"].ID, UnitID: w.unit.ID,
			Roles: auth.EffectiveRoles(nil, true, false)}
		tue, wed := w.mon.AddDays(1), w.mon.AddDays(2)
		inst := w.instance(t, w.mon, w.mon.AddDays(4))
		office := []string{"ONSITE", "ONSITE", "ONSITE", "ONSITE", "ONSITE"}
		publish := func(days1001 ...string) apply.RosterResult {
			t.Helper()
			_, res, err := w.svc.Publish(ctx, w.tn.ID, w.hr, w.unit.ID, inst, map[string][]string{"1001": days1001, "1002": office, "1003": office})
			storetest.Must(t, err)
			return res
		}
		res := publish("ONSITE", "TELE", "TELE", "TELE", "ONSITE")
		w.shift += time.Minute
		_, err := w.apply.Cancel(ctx, w.tn.ID, p1001, res.Created[0], apply.Act{Dates: []calendar.Date{wed}})
		storetest.Must(t, err)
		w.shift += time.Minute
		publish("ONSITE", "ONSITE", "TELE", "TELE", "ONSITE") // drops Tuesday
		w.shift += time.Minute
		// Back to the schema before 00038, with the decisions as written.
		if _, err := db.MigrateDownTo(ctx, 37); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		res = publish("ONSITE", "TELE", "TELE", "TELE", "ONSITE")
		if got := approvedDays(t, db, w.tn.ID, w.staff["1001"].ID, tue); got != 1 {
			t.Errorf("Tuesday, dropped by a publication before the migration: %d approved (res %+v)", got, res)
		}
		if got := approvedDays(t, db, w.tn.ID, w.staff["1001"].ID, wed); got != 0 || !slices.Equal(res.LeftCancelled[w.staff["1001"].ID], []calendar.Date{wed}) {
			t.Errorf("Wednesday, cancelled by the person: %d approved, left cancelled %v", got, res.LeftCancelled)
		}
	})
}

// On both engines (reviewer's case): an emergency for the section sets the
// weekly cap at 2. An instance built without a cap takes it (it used to have
// none); a stricter one is kept, a looser one refused naming the field; and
// publishing a plan with 4 telework days in that week is refused, naming the
// person and the week (it used to approve them all, violations []).
func TestPublishKeepsTheWeeklyCapInForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mon := calendar.Date{Year: 2026, Month: time.June, Day: 1}
		now := func() time.Time { return mon.Time().Add(8 * time.Hour) }
		svc, tn, u := publishSection(t, db, now)
		tp, _ := policy.TemplateByName("matsumoto")
		storetest.Must(t, policy.NewService(db, now).Save(ctx, tn.ID, sys, &policy.Version{Effective: mon, Policy: tp.Policy}))
		if _, err := emergency.NewService(db, now).Declare(ctx, tn.ID, sys, emergency.Declaration{Kind: emergency.Infection,
			Title: "感染症", From: mon, To: mon.AddDays(13), UnitIDs: []int64{u.ID},
			Rules: policy.OverrideRules{Caps: "set", WeeklyMaxDays: 2}}); err != nil {
			t.Fatal(err)
		}
		hr := &auth.Principal{TenantID: tn.ID, Roles: []auth.Role{auth.HRAdmin}}
		build := func(c *int) (*roster.Instance, error) {
			return svc.BuildInstance(ctx, tn.ID, hr, rosterplan.Request{UnitID: u.ID, From: mon, To: mon.AddDays(4),
				Settings: rosterplan.Settings{MinOnsite: 1, MaxTelePerWeek: c}})
		}
		for _, tc := range []struct {
			name string
			ask  *int
			want int // -1: refused
		}{{"none asked: the emergency's", nil, 2}, {"stricter", new(1), 1}, {"zero", new(0), 0}, {"looser", new(4), -1}} {
			inst, err := build(tc.ask)
			switch {
			case tc.want < 0:
				if e := apperr.As(err); e == nil || e.Fields[0].Field != "max_tele_per_week" || e.Fields[0].Key != "rosterplan.cap_looser" {
					t.Errorf("%s: %v, want refused naming max_tele_per_week", tc.name, err)
				}
			case err != nil || inst.MaxTelePerWeek == nil || *inst.MaxTelePerWeek != tc.want:
				t.Errorf("%s: cap %v %v, want %d", tc.name, inst, err, tc.want)
			}
		}
		inst, err := build(nil)
		if err != nil {
			t.Fatal(err)
		}
		over := map[string][]string{
			"1001": {"TELE", "TELE", "TELE", "TELE", "ONSITE"},
			"1002": {"ONSITE", "ONSITE", "ONSITE", "ONSITE", "TELE"},
		}
		_, _, err = svc.Publish(ctx, tn.ID, hr, u.ID, inst, over)
		e := apperr.As(err)
		if e == nil || len(e.Fields) != 1 || e.Fields[0].Key != "rosterplan.weekly_cap" ||
			e.Fields[0].Args["Name"] != "職員1001(1001)" || e.Fields[0].Args["Week"] != "2026-W23" || e.Fields[0].Args["Cap"] != 2 {
			t.Fatalf("a plan over the emergency's cap: %v %+v", err, e)
		}
		if apps, _ := db.FindApplications(ctx, tn.ID, apply.Filter{}); len(apps) != 0 {
			t.Fatalf("applications created by a refused publication: %d", len(apps))
		}
		ok := map[string][]string{
			"1001": {"TELE", "ONSITE", "TELE", "ONSITE", "ONSITE"},
			"1002": {"ONSITE", "TELE", "ONSITE", "TELE", "ONSITE"},
		}
		if _, res, err := svc.Publish(ctx, tn.ID, hr, u.ID, inst, ok); err != nil || len(res.Created) != 2 {
			t.Fatalf("a plan within the cap: %+v %v", res, err)
		}
	})
}

// publishSection is a tenant 神戸市 with one section 福祉課 of two people
// (1001, 1002) and the roster service that publishes through apply.
func publishSection(t *testing.T, db *store.DB, now func() time.Time) (*rosterplan.Service, *org.Tenant, *org.Unit) {
	t.Helper()
	ctx := context.Background()
	svc := rosterplan.NewService(db, now)
	svc.SetPublisher(apply.NewService(db, now))
	tn := &org.Tenant{Slug: "kobe", Name: "神戸市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
	storetest.Must(t, storetest.F(db).CreateTenant(ctx, sys, tn, nil))
	u := &org.Unit{Code: "100", Name: "福祉課", Level: "課"}
	storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, sys, u, calendar.Date{}))
	for _, no := range []string{"1001", "1002"} {
		s := &org.Staff{StaffNo: no, Name: "職員" + no, Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general", Email: no + "@example.lg.jp"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, sys, s, calendar.Date{}))
	}
	return svc, tn, u
}
