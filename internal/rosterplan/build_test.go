package rosterplan

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/roster"
)

func d(s string) calendar.Date {
	x, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func section() Input {
	return Input{Section: "福祉課", Days: []calendar.Date{d("2026-06-01"), d("2026-06-02"), d("2026-06-03")},
		People: []Person{
			{StaffID: 1, StaffNo: "1001", Name: "山崎 舞", Duties: []string{"counter", "phone"}, Cohort: "A"},
			{StaffID: 2, StaffNo: "1002", Name: "田中 翔", Duties: []string{"counter"}, Cohort: "B"},
			{StaffID: 3, StaffNo: "1003", Name: "佐藤 陽", Duties: []string{"phone"}, Cohort: "A"},
			{StaffID: 4, StaffNo: "1004", Name: "鈴木 光", Cohort: "B"},
		},
		Leave:       map[int64][]calendar.Date{4: {d("2026-06-02"), d("2026-05-29")}, 99: {d("2026-06-01")}},
		Preferences: []Preference{{StaffID: 1, Day: d("2026-06-03"), Mode: "TELE"}, {StaffID: 4, Day: d("2026-06-02"), Mode: "ONSITE"}},
		Approved:    map[int64][]calendar.Date{1: {d("2026-06-03")}, 2: {d("2026-06-01")}},
		Settings: Settings{MinOnsite: 1, DutyMin: map[string]int{"counter": 1}, MaxTelePerWeek: new(2), ReductionPercent: 50,
			Cohorts: []string{"A", "B"}, NeverMeet: true}}
}

// Build turns the section into exactly the instance FORMAT.md describes:
// leave outside the horizon or of strangers dropped, a preference on a
// leave day dropped, the person's own preference before the approved
// application's day, the reduction as a decimal.
func TestBuildInstance(t *testing.T) {
	inst, err := Build(section())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(inst)
	for _, want := range []string{
		`"days":["2026-06-01","2026-06-02","2026-06-03"]`,
		`"leave":{"1004":["2026-06-02"]}`,
		`"minOnsite":[1,1,1]`,
		`"duties":[{"id":"counter","name":"窓口当番","minOnsite":[1,1,1]}]`,
		`"maxTelePerWeek":2`,
		`"cohorts":{"names":["A","B"],"neverMeet":true}`,
		`"targetReduction":0.50`,
		`"preferences":[{"staff":"1002","day":"2026-06-01","mode":"TELE"},{"staff":"1001","day":"2026-06-03","mode":"TELE"}]`,
		// Without weights the objective is 0 whatever the plan: wishes,
		// fairness and a re-plan's changes would count for nothing.
		`"weights":{"change":3,"fairness":2,"preference":1}`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("instance lacks %s\n%s", want, got)
		}
	}
	plan, err := roster.Solve(inst, roster.Options{TimeLimit: 2 * time.Second})
	if err != nil || plan.Status != roster.StatusOptimal || len(plan.Violations) != 0 {
		t.Fatalf("plan %+v %v", plan, err)
	}
	if plan.Assignments["1004"][1] != roster.Leave {
		t.Fatalf("leave not honoured: %v", plan.Assignments)
	}
	if plan.Terms.Preferences != 0 {
		t.Errorf("%d wishes broken where every one can be kept: %v", plan.Terms.Preferences, plan.Assignments)
	}
}

func TestBuildRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Input)
		field string
	}{
		{"headcount above the section's", func(in *Input) { in.Settings.MinOnsite = 5 }, "min_onsite"},
		{"reduction over 100%", func(in *Input) { in.Settings.ReductionPercent = 101 }, "reduction_percent"},
		{"unknown duty", func(in *Input) { in.Settings.DutyMin = map[string]int{"driver": 1} }, "duty_min"},
		{"cohort not listed", func(in *Input) { in.People[0].Cohort = "C" }, "cohort"},
		{"no cohort when they never meet", func(in *Input) { in.People[0].Cohort = "" }, "cohort"},
		{"weekly cap over 7", func(in *Input) { in.Settings.MaxTelePerWeek = new(8) }, "max_tele_per_week"},
		{"no days", func(in *Input) { in.Days = nil }, "days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := section()
			tc.edit(&in)
			_, err := Build(in)
			e, ok := err.(*apperr.Error)
			if !ok || e.Code != apperr.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
				t.Fatalf("got %#v, want a refusal on %s", err, tc.field)
			}
		})
	}
}
