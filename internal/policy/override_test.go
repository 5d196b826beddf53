package policy

import (
	"slices"
	"testing"

	"telework/internal/apperr"
)

// The emergency overrides (SPEC §1, §7): the same applications with and
// without an emergency, for the units it covers and not others, on its
// first and last days and the days just outside.
func TestEmergencyOverrides(t *testing.T) {
	weekOf := func(days ...string) []Application {
		return []Application{{Mode: Home, TimeUnit: FullDay, Status: "approved", Dates: dates(days...)}}
	}
	fourDays := weekOf("2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14")
	// 感染症: 5/11–5/15, whole tenant, caps lifted, same-day, terminal waived.
	infection := Override{ID: 1, Kind: "infection", From: day("2026-05-11"), To: day("2026-05-15"),
		Rules: OverrideRules{Caps: "lift", Deadline: "same_day", WaiveEligibility: []string{"terminal"}}}
	// 災害: the same days, only unit 200 (not the clerk's 111/110/100).
	otherUnit := infection
	otherUnit.ID, otherUnit.Kind, otherUnit.UnitCodes = 2, "disaster", []string{"200"}
	// 災害 for the clerk's 部 (100): applies to everything below it.
	parentUnit := otherUnit
	parentUnit.ID, parentUnit.UnitCodes = 3, []string{"100"}
	// caps set to 2 a week instead of lifted.
	setCaps := infection
	setCaps.ID, setCaps.Rules = 4, OverrideRules{Caps: "set", WeeklyMaxDays: 2}
	noDeadline := infection
	noDeadline.ID, noDeadline.Rules = 5, OverrideRules{Deadline: "none"}
	endsThursday := infection
	endsThursday.ID, endsThursday.To = 7, day("2026-05-14")
	travel := "notice.travel_order info"
	run(t, "ibaraki", []tcase{
		{name: "fifth day without an emergency", app: app(Home, FullDay, "2026-05-15"), now: "2026-05-01 09:00",
			others: fourDays, want: []string{"caps.weekly@2026-05-15 error", travel}},
		{name: "fifth day, caps lifted", app: app(Home, FullDay, "2026-05-15"), now: "2026-05-01 09:00",
			others: fourDays, overrides: []Override{infection}, want: []string{travel}},
		{name: "fifth day, emergency of another unit", app: app(Home, FullDay, "2026-05-15"), now: "2026-05-01 09:00",
			others: fourDays, overrides: []Override{otherUnit}, want: []string{"caps.weekly@2026-05-15 error", travel}},
		{name: "fifth day, emergency of the unit above", app: app(Home, FullDay, "2026-05-15"), now: "2026-05-01 09:00",
			others: fourDays, overrides: []Override{parentUnit}, want: []string{travel}},
		{name: "caps set to 2: third day refused", app: app(Home, FullDay, "2026-05-13"), now: "2026-05-01 09:00",
			others: weekOf("2026-05-11", "2026-05-12"), overrides: []Override{setCaps}, want: []string{"caps.weekly@2026-05-13 error", travel}},
		{name: "same day without an emergency", app: app(Home, FullDay, "2026-05-11"), now: "2026-05-11 07:00",
			want: []string{"deadline.submission@2026-05-11 error", travel}},
		{name: "same day on the first day of the emergency", app: app(Home, FullDay, "2026-05-11"), now: "2026-05-11 07:00",
			overrides: []Override{infection}, want: []string{travel}},
		{name: "same day on the last day of the emergency", app: app(Home, FullDay, "2026-05-15"), now: "2026-05-15 16:00",
			overrides: []Override{infection}, want: []string{travel}},
		{name: "the day after the emergency: normal deadline", app: app(Home, FullDay, "2026-05-18"), now: "2026-05-18 07:00",
			overrides: []Override{infection}, want: []string{"deadline.submission@2026-05-18 error", travel}},
		{name: "the day before the emergency: normal deadline", app: app(Home, FullDay, "2026-05-08"), now: "2026-05-08 07:00",
			overrides: []Override{infection}, want: []string{"deadline.submission@2026-05-08 error", travel}},
		{name: "an application across the end: only the day after is late", app: app(Home, FullDay, "2026-05-14", "2026-05-15"), now: "2026-05-14 13:00",
			overrides: []Override{endsThursday}, want: []string{"deadline.submission@2026-05-15 error", travel}},
		{name: "the same application without an emergency", app: app(Home, FullDay, "2026-05-14", "2026-05-15"), now: "2026-05-14 13:00",
			want: []string{"deadline.submission@2026-05-14 error", "deadline.submission@2026-05-15 error", travel}},
		{name: "caps count the days of the application on both sides of the end", app: app(Home, FullDay, "2026-05-14", "2026-05-15"), now: "2026-05-01 09:00",
			others: weekOf("2026-05-11", "2026-05-12", "2026-05-13"), overrides: []Override{endsThursday},
			want: []string{"caps.weekly@2026-05-15 error", travel}},
		{name: "no deadline at all", app: app(Home, FullDay, "2026-05-12"), now: "2026-05-12 10:00",
			overrides: []Override{noDeadline}, want: []string{travel}},
		{name: "a past day stays refused", app: app(Home, FullDay, "2026-05-11"), now: "2026-05-12 10:00",
			overrides: []Override{noDeadline}, want: []string{"date.past@2026-05-11 error", travel}},
		{name: "no terminal without an emergency", person: func(p Person) Person { p.HasTerminal = false; return p },
			app: app(Home, FullDay, "2026-05-13"), now: "2026-05-01 09:00", want: []string{"eligibility.terminal error", travel}},
		{name: "no terminal, waived", person: func(p Person) Person { p.HasTerminal = false; return p },
			app: app(Home, FullDay, "2026-05-13"), now: "2026-05-01 09:00", overrides: []Override{infection}, want: []string{travel}},
		{name: "no terminal, emergency of another unit", person: func(p Person) Person { p.HasTerminal = false; return p },
			app: app(Home, FullDay, "2026-05-13"), now: "2026-05-01 09:00", overrides: []Override{otherUnit}, want: []string{"eligibility.terminal error", travel}},
		{name: "unit rule caps lifted too", edit: func(p *Policy) { p.UnitRules = []UnitRule{{UnitCode: "110", WeeklyMaxDays: 1}} },
			app: app(Home, FullDay, "2026-05-12"), now: "2026-05-01 09:00", others: weekOf("2026-05-11"),
			overrides: []Override{infection}, want: []string{travel}},
		{name: "unit rule caps without an emergency", edit: func(p *Policy) { p.UnitRules = []UnitRule{{UnitCode: "110", WeeklyMaxDays: 1}} },
			app: app(Home, FullDay, "2026-05-12"), now: "2026-05-01 09:00", others: weekOf("2026-05-11"),
			want: []string{"caps.weekly@2026-05-12 error", travel}},
		{name: "disabled mode enabled", edit: func(p *Policy) { p.Modes = []Mode{Satellite} },
			app: app(Home, FullDay, "2026-05-12"), now: "2026-05-01 09:00",
			overrides: []Override{{ID: 6, From: day("2026-05-11"), To: day("2026-05-15"), Rules: OverrideRules{EnableModes: []Mode{Home}}}},
			want:      []string{travel}},
		{name: "disabled mode without an emergency", edit: func(p *Policy) { p.Modes = []Mode{Satellite} },
			app: app(Home, FullDay, "2026-05-12"), now: "2026-05-01 09:00", want: []string{"mode.disabled error", travel}},
	})
}

func TestOverrideRulesApplyLeavesPolicy(t *testing.T) {
	p := tpl(t, "ibaraki")
	p.UnitRules = []UnitRule{{UnitCode: "110", WeeklyMaxDays: 1, Modes: []Mode{Satellite}}}
	q := OverrideRules{Caps: "lift", EnableModes: []Mode{Home}, Deadline: "none"}.Apply(p)
	if p.Caps.WeeklyMaxDays != 4 || p.UnitRules[0].WeeklyMaxDays != 1 || p.Deadline.On != "submission" || len(p.UnitRules[0].Modes) != 1 {
		t.Fatalf("the version was changed: %+v", p)
	}
	if q.Caps.WeeklyMaxDays != 0 || q.UnitRules[0].WeeklyMaxDays != 0 || q.Deadline.On != "none" || !slices.Contains(q.UnitRules[0].Modes, Home) {
		t.Fatalf("not applied: %+v", q)
	}
}

func TestOverrideRulesCheck(t *testing.T) {
	for _, tc := range []struct {
		r    OverrideRules
		want []string
	}{
		{OverrideRules{}, nil},
		{OverrideRules{Caps: "set", WeeklyMaxDays: 5, Deadline: "same_day", WaiveEligibility: []string{"trial"}}, nil},
		{OverrideRules{Caps: "x", WeeklyMaxDays: 8, MonthlyMaxDays: -1, WaiveEligibility: []string{"age"}, EnableModes: []Mode{"car"}, Deadline: "soon"},
			[]string{"rules.caps:field.choice", "rules.weekly_max_days:field.range", "rules.monthly_max_days:field.range",
				"rules.waive_eligibility:field.choice", "rules.enable_modes:field.choice", "rules.deadline:field.choice"}},
	} {
		var v apperr.Validation
		tc.r.Check(&v, "rules.")
		var got []string
		if e := apperr.As(v.Err()); e != nil {
			for _, f := range e.Fields {
				got = append(got, f.Field+":"+f.Key)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%+v: got %v want %v", tc.r, got, tc.want)
		}
	}
}
