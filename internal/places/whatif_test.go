package places_test

import (
	"context"
	"testing"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/places"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestEligible: the what-if counts the people the policy engine finds
// eligible — tenant rules, a unit's own rules and declared facts alike.
func TestEligible(t *testing.T) {
	units := []*org.Unit{{ID: 1, Code: "100"}, {ID: 2, Code: "110", ParentID: 1}, {ID: 3, Code: "200"}}
	person := func(id, unit int64, emp org.Employment, job string) *org.Staff {
		return &org.Staff{ID: id, StaffNo: "s" + string(rune('0'+id)), UnitID: unit, Employment: emp, JobType: job, Rank: org.RankStaff}
	}
	staff := []*org.Staff{person(1, 2, org.Regular, "general"), person(2, 2, org.FiscalYear, "general"),
		person(3, 3, org.Regular, "childcare"), person(4, 3, org.Regular, "general"), person(5, 1, org.Regular, "technical")}
	retired := person(6, 1, org.Regular, "general")
	retired.Retired = true
	day := calendar.Date{Year: 2026, Month: 6, Day: 3}
	staff = append(staff, retired)
	for _, c := range []struct {
		name      string
		el        policy.Eligibility
		rules     []policy.UnitRule
		facts     map[int64]policy.Facts
		overrides []policy.Override
		want      int
	}{
		{name: "no restriction", want: 5},
		{name: "regular, no 保育士 (the demo's rules)", el: policy.Eligibility{Employments: []org.Employment{org.Regular}, ExcludedJobTypes: []string{"childcare"}}, want: 3},
		{name: "a unit and those below", el: policy.Eligibility{UnitCodes: []string{"100"}}, want: 3},
		{name: "a unit's own rule", rules: []policy.UnitRule{{UnitCode: "100", Eligibility: &policy.Eligibility{ExcludedJobTypes: []string{"technical"}}}}, want: 4},
		{name: "a terminal required, declared by one", el: policy.Eligibility{RequireTerminal: true}, facts: map[int64]policy.Facts{4: {HasTerminal: true}}, want: 1},
		{name: "an emergency waives the terminal everywhere", el: policy.Eligibility{RequireTerminal: true},
			overrides: []policy.Override{{ID: 1, From: day, To: day, Rules: policy.OverrideRules{WaiveEligibility: []string{"terminal"}}}}, want: 5},
		{name: "an emergency for 100 and below", el: policy.Eligibility{RequireTerminal: true},
			overrides: []policy.Override{{ID: 1, From: day, To: day, UnitCodes: []string{"100"}, Rules: policy.OverrideRules{WaiveEligibility: []string{"terminal"}}}}, want: 3},
		{name: "an emergency over by the day", el: policy.Eligibility{RequireTerminal: true},
			overrides: []policy.Override{{ID: 1, From: day.AddDays(-9), To: day.AddDays(-1), Rules: policy.OverrideRules{WaiveEligibility: []string{"terminal"}}}}, want: 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := policy.Policy{Eligibility: c.el, UnitRules: c.rules}
			if got := places.Eligible(p, units, staff, c.facts, c.overrides, day); got != c.want {
				t.Fatalf("eligible %d, want %d", got, c.want)
			}
		})
	}
}

// TestForecastWhatIfCountsTheEligible: the emergency what-if of a pool is
// the number of active staff eligible under the policy version in force,
// not every active staff member (both engines).
func TestForecastWhatIfCountsTheEligible(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3) // 3 regular general staff and the outsider
		add := func(no string, emp org.Employment, job string) *org.Staff {
			s := &org.Staff{StaffNo: no, Name: "職員" + no, Kana: "しょくいん", UnitID: f.staff[0].UnitID, Rank: org.RankStaff,
				Employment: emp, JobType: job, Email: no + "@example.lg.jp"}
			storetest.Must(t, storetest.F(db).CreateStaff(ctx, f.a.ID, op, s, calendar.Date{}))
			return s
		}
		add("fy1", org.FiscalYear, "general")
		add("cc1", org.Regular, "childcare")
		gone := add("rt1", org.Regular, "general")
		storetest.Must(t, storetest.F(db).SetStaffRetired(ctx, f.a.ID, op, gone.ID, gone.Version, true))
		pools := []places.Capacity{{Type: "pool", ID: 9, Name: "LTE", Kind: "lte_dongle", Capacity: 5}}
		whatIf := func() int {
			t.Helper()
			fc, err := f.svc.ForecastReport(ctx, f.a.ID, f.it, pools, 1)
			if err != nil {
				t.Fatal(err)
			}
			return fc[len(fc)-1].WhatIf
		}
		if got := whatIf(); got != 6 {
			t.Fatalf("no policy in force: every active staff member, got %d", got)
		}
		v := &policy.Version{Effective: f.today.AddDays(-30), Policy: policy.Policy{Modes: []policy.Mode{"home"},
			Eligibility: policy.Eligibility{Employments: []org.Employment{org.Regular}, ExcludedJobTypes: []string{"childcare"}}}}
		storetest.Must(t, db.InPolicyTx(ctx, func(tx policy.Tx) error { return tx.InsertPolicyVersion(ctx, f.a.ID, op, v) }))
		// A later version is not in force yet.
		later := &policy.Version{Effective: f.today.AddDays(30), Policy: policy.Policy{Eligibility: policy.Eligibility{TrialOnly: true}}}
		storetest.Must(t, db.InPolicyTx(ctx, func(tx policy.Tx) error { return tx.InsertPolicyVersion(ctx, f.a.ID, op, later) }))
		if got := whatIf(); got != 4 {
			t.Fatalf("regular staff but 保育士: want 4, got %d", got)
		}
	})
}
