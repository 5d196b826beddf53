package rosterplan_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/roster"
	"telework/internal/rosterplan"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var sys = audit.Actor{Label: "test"}

// On both engines: HR keeps qualifications, people enter their own
// preferences, HR or the section's 所属長 builds the instance over the
// business days (a weekend left out) and it solves; another section's
// 所属長, staff and another tenant cannot.
func TestRosterOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := rosterplan.NewService(db, db.Now)
		mk := func(slug string) *org.Tenant {
			tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
			storetest.Must(t, storetest.F(db).CreateTenant(ctx, sys, tn, nil))
			return tn
		}
		a, b := mk("kobe"), mk("saga")
		unit := func(tn *org.Tenant, code, name string) *org.Unit {
			u := &org.Unit{Code: code, Name: name, Level: "課"}
			storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, sys, u, calendar.Date{}))
			return u
		}
		welfare, tax := unit(a, "100", "福祉課"), unit(a, "200", "税務課")
		var people []*org.Staff
		for _, no := range []string{"1001", "1002", "1003", "1004"} {
			s := &org.Staff{StaffNo: no, Name: "職員" + no, Kana: "しょくいん", UnitID: welfare.ID, Rank: org.RankStaff,
				Employment: org.Regular, JobType: "general", Email: no + "@example.lg.jp"}
			storetest.Must(t, storetest.F(db).CreateStaff(ctx, a.ID, sys, s, calendar.Date{}))
			people = append(people, s)
		}
		hr := &auth.Principal{TenantID: a.ID, Roles: []auth.Role{auth.HRAdmin}}
		boss := &auth.Principal{TenantID: a.ID, StaffID: people[0].ID, UnitID: welfare.ID, Roles: []auth.Role{auth.Supervisor, auth.Staff}}
		otherBoss := &auth.Principal{TenantID: a.ID, UnitID: tax.ID, Roles: []auth.Role{auth.Supervisor}}
		staff := &auth.Principal{TenantID: a.ID, StaffID: people[1].ID, UnitID: welfare.ID, Roles: []auth.Role{auth.Staff}}

		storetest.Must(t, svc.SetQualifications(ctx, a.ID, hr, people[0].ID, []string{"counter", "phone", "counter"}))
		storetest.Must(t, svc.SetQualifications(ctx, a.ID, hr, people[1].ID, []string{"counter"}))
		if err := svc.SetQualifications(ctx, a.ID, boss, people[2].ID, []string{"counter"}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("a 所属長 edited qualifications: %v", err)
		}
		if err := svc.SetQualifications(ctx, a.ID, hr, people[2].ID, []string{"driver"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("unknown duty: %v", err)
		}
		if err := svc.SetQualifications(ctx, b.ID, &auth.Principal{TenantID: b.ID, Roles: []auth.Role{auth.HRAdmin}}, people[2].ID, []string{"counter"}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant's HR: %v", err)
		}
		q, err := svc.Qualifications(ctx, a.ID, []int64{people[0].ID})
		if err != nil || len(q[people[0].ID]) != 2 {
			t.Fatalf("qualifications = %v %v", q, err)
		}

		mon := calendar.Date{Year: 2026, Month: time.June, Day: 1}
		fri, nextMon := mon.AddDays(4), mon.AddDays(7)
		storetest.Must(t, svc.SetPreferences(ctx, a.ID, staff, mon, nextMon, []rosterplan.Preference{{Day: fri, Mode: roster.Tele}}))
		if err := svc.SetPreferences(ctx, a.ID, staff, mon, fri, []rosterplan.Preference{{Day: nextMon, Mode: roster.Tele}}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a preference outside the period: %v", err)
		}
		if mine, _ := svc.Preferences(ctx, a.ID, staff, mon, nextMon); len(mine) != 1 || mine[0].Day != fri {
			t.Fatalf("own preferences = %+v", mine)
		}

		req := rosterplan.Request{UnitID: welfare.ID, From: mon, To: nextMon,
			Settings: rosterplan.Settings{MinOnsite: 2, DutyMin: map[string]int{"counter": 1}, MaxTelePerWeek: new(3), ReductionPercent: 40}}
		if _, err := svc.BuildInstance(ctx, a.ID, otherBoss, req); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("another section's 所属長: %v", err)
		}
		if _, err := svc.BuildInstance(ctx, a.ID, staff, req); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("staff built a roster: %v", err)
		}
		if _, err := svc.BuildInstance(ctx, b.ID, &auth.Principal{TenantID: b.ID, Roles: []auth.Role{auth.HRAdmin}}, req); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant's unit: %v", err)
		}
		// Leave, approved days or a cohort for someone outside the section
		// (a mistyped id) are refused naming the entry, not dropped.
		outside := req
		outside.Leave = map[int64][]calendar.Date{people[0].ID: {mon}, 99999: {mon}}
		outside.Approved = map[int64][]calendar.Date{people[0].ID + 99999: {fri}}
		outside.Cohort = map[int64]string{99998: "A"}
		_, err = svc.BuildInstance(ctx, a.ID, boss, outside)
		if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || len(e.Fields) != 3 || e.Fields[0].Field != "leave.99999" ||
			e.Fields[2].Field != "cohort_of" || e.Fields[0].Key != "rosterplan.unknown_staff_id" {
			t.Fatalf("leave outside the section: %v", err)
		}
		inst, err := svc.BuildInstance(ctx, a.ID, boss, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(inst.Days) != 6 || len(inst.Staff) != 4 || len(inst.Preferences) != 1 || inst.Section != "福祉課" {
			t.Fatalf("instance days %v staff %d prefs %v", inst.Days, len(inst.Staff), inst.Preferences)
		}
		plan, err := svc.Solve(inst, 2*time.Second)
		if err != nil || plan.Status != roster.StatusOptimal || len(plan.Violations) != 0 {
			t.Fatalf("plan = %+v %v", plan, err)
		}
		es, _ := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: "roster.qualifications", Limit: 10})
		if len(es) != 2 {
			t.Fatalf("%d qualification audit entries", len(es))
		}
	})
}

// TestConcurrentReplaces: the same qualifications and preferences saved
// several times at once (a double-click, two nodes) all succeed, on both
// engines — PostgreSQL answered the later ones with a unique violation
// (「同じ値がすでに登録されています」), a review found.
func TestConcurrentReplaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := rosterplan.NewService(db, db.Now)
		tn := &org.Tenant{Slug: "kobe", Name: "神戸市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		storetest.Must(t, storetest.F(db).CreateTenant(ctx, sys, tn, nil))
		u := &org.Unit{Code: "100", Name: "福祉課", Level: "課"}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, sys, u, calendar.Date{}))
		s := &org.Staff{StaffNo: "1001", Name: "職員", Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general", Email: "1001@example.lg.jp"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, sys, s, calendar.Date{}))
		hr := &auth.Principal{TenantID: tn.ID, Roles: []auth.Role{auth.HRAdmin}}
		me := &auth.Principal{TenantID: tn.ID, StaffID: s.ID, UnitID: u.ID, Roles: []auth.Role{auth.Staff}}
		mon := calendar.Date{Year: 2026, Month: time.June, Day: 1}
		const n = 8
		errs := make(chan error, 2*n)
		for range n {
			go func() { errs <- svc.SetQualifications(ctx, tn.ID, hr, s.ID, []string{"counter", "phone"}) }()
			go func() {
				errs <- svc.SetPreferences(ctx, tn.ID, me, mon, mon.AddDays(4), []rosterplan.Preference{{Day: mon, Mode: roster.Tele}})
			}()
		}
		for range 2 * n {
			if err := <-errs; err != nil {
				t.Errorf("a concurrent save: %v", err)
			}
		}
	})
}
