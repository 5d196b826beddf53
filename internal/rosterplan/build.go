// Package rosterplan is the rotation roster in the product (issue 15, SPEC
// §7, guide 第4章 ①): it builds a roster instance (the contract of
// internal/roster, ../shared/roster/FORMAT.md) from a section's staff, the
// duties each person is qualified for (kept by HR), approved leave,
// cohorts, a minimum on-site headcount, caps or a target reduction and the
// preferences people enter themselves, and solves it with roster.Solve.
// internal/roster stays the pure planner.
package rosterplan

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/roster"
)

// DutyInfo names a duty (pure data: Japanese with English).
type DutyInfo struct{ Code, JA, EN string }

// Duties are the qualifications kept per person.
var Duties = []DutyInfo{
	{"counter", "窓口当番", "Counter duty"},
	{"phone", "電話当番", "Phone duty"},
	{"priority", "非常時優先業務", "Priority work in an emergency"},
}

// DutyCodes are the codes of Duties.
func DutyCodes() []string {
	out := make([]string, len(Duties))
	for i, d := range Duties {
		out[i] = d.Code
	}
	return out
}

// Person is one member of the section as the roster sees them.
type Person struct {
	StaffID int64
	StaffNo string
	Name    string
	Duties  []string
	Cohort  string // A, B, C or "" (required when cohorts never meet)
}

// Preference is a day someone would rather be on site (ONSITE) or at home
// (TELE).
type Preference struct {
	StaffID int64
	Day     calendar.Date
	Mode    string
}

// Settings are what HR chooses for a roster.
type Settings struct {
	MinOnsite int            // people on site each day
	DutyMin   map[string]int // duty code → qualified people on site each day
	// MaxTelePerWeek is the weekly telework cap: nil for the cap of the
	// rules in force (none if they have none), 0 for no telework at all.
	// (It used to be an int with 0 for none, so a cap of 0 — valid in the
	// instance format — could not be asked for.)
	MaxTelePerWeek *int
	// ReductionPercent is the target reduction of on-site attendance in
	// percent (e.g. 70 for the 2020 national call); 0: none.
	ReductionPercent int
	Cohorts          []string // e.g. A, B (2交代制) or A, B, C
	NeverMeet        bool     // cohorts alternate and never meet
}

// Input is everything one instance is built from.
type Input struct {
	Section     string
	Days        []calendar.Date // business days, in order
	People      []Person
	Leave       map[int64][]calendar.Date // approved leave
	Preferences []Preference
	// Approved are approved telework days: kept as TELE preferences (the
	// planner may still need the person on site).
	Approved map[int64][]calendar.Date
	Settings Settings
}

// Build returns the roster instance of in, or an Invalid error naming the
// setting that cannot hold (a headcount above the section's, a reduction
// outside 0–100, a cohort not in the list, a person without a cohort when
// cohorts never meet).
func Build(in Input) (*roster.Instance, error) {
	var v apperr.Validation
	st := in.Settings
	if len(in.Days) == 0 {
		v.Add("days", "field.required", nil)
	}
	if len(in.People) == 0 {
		v.Add("people", "rosterplan.no_people", nil)
	}
	if st.MinOnsite < 0 || st.MinOnsite > len(in.People) {
		v.Add("min_onsite", "field.range", map[string]any{"Min": 0, "Max": len(in.People)})
	}
	for code, n := range st.DutyMin {
		if !slices.Contains(DutyCodes(), code) {
			v.Add("duty_min", "field.choice", nil)
		} else if n < 0 || n > len(in.People) {
			v.Add("duty_min."+code, "field.range", map[string]any{"Min": 0, "Max": len(in.People)})
		}
	}
	if c := st.MaxTelePerWeek; c != nil && (*c < 0 || *c > 7) {
		v.Add("max_tele_per_week", "field.range", map[string]any{"Min": 0, "Max": 7})
	}
	if st.ReductionPercent < 0 || st.ReductionPercent > 100 {
		v.Add("reduction_percent", "field.range", map[string]any{"Min": 0, "Max": 100})
	}
	for _, p := range in.People {
		if p.Cohort != "" && !slices.Contains(st.Cohorts, p.Cohort) {
			v.Add("cohort", "rosterplan.unknown_cohort", map[string]any{"Cohort": p.Cohort})
			break
		}
		if st.NeverMeet && p.Cohort == "" {
			v.Add("cohort", "rosterplan.cohort_required", map[string]any{"Name": p.Name})
			break
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	id := map[int64]string{}
	inst := &roster.Instance{Schema: "roster-instance/1", Name: in.Section, Section: in.Section}
	dayIdx := map[calendar.Date]int{}
	for i, d := range in.Days {
		inst.Days = append(inst.Days, d.String())
		dayIdx[d] = i
		inst.MinOnsite = append(inst.MinOnsite, st.MinOnsite)
	}
	for _, p := range in.People {
		key := p.StaffNo
		if key == "" {
			key = "s" + strconv.FormatInt(p.StaffID, 10)
		}
		id[p.StaffID] = key
		s := roster.Staff{ID: key, Name: p.Name}
		for _, q := range p.Duties {
			// Only the duties this roster asks for: a qualification must
			// name a duty of the instance.
			if st.DutyMin[q] > 0 && !slices.Contains(s.Qualifications, q) {
				s.Qualifications = append(s.Qualifications, q)
			}
		}
		if p.Cohort != "" {
			c := p.Cohort
			s.Cohort = &c
		}
		inst.Staff = append(inst.Staff, s)
	}
	for _, d := range Duties {
		n := st.DutyMin[d.Code]
		if n == 0 {
			continue
		}
		duty := roster.Duty{ID: d.Code, Name: d.JA}
		for range in.Days {
			duty.MinOnsite = append(duty.MinOnsite, n)
		}
		inst.Duties = append(inst.Duties, duty)
	}
	onLeave := map[string]map[int]bool{}
	for sid, ds := range in.Leave {
		key, ok := id[sid]
		if !ok {
			continue
		}
		for _, d := range ds {
			if i, ok := dayIdx[d]; ok {
				if onLeave[key] == nil {
					onLeave[key] = map[int]bool{}
				}
				onLeave[key][i] = true
			}
		}
	}
	if len(onLeave) > 0 {
		inst.Leave = map[string][]string{}
		for key, days := range onLeave {
			for i := range in.Days {
				if days[i] {
					inst.Leave[key] = append(inst.Leave[key], in.Days[i].String())
				}
			}
		}
	}
	if st.MaxTelePerWeek != nil {
		m := *st.MaxTelePerWeek
		inst.MaxTelePerWeek = &m
	}
	if len(st.Cohorts) > 0 {
		inst.Cohorts = &roster.Cohorts{Names: slices.Clone(st.Cohorts), NeverMeet: st.NeverMeet}
	}
	// The objective (FORMAT.md's example weights): wishes count once, a
	// changed cell of a re-plan three times, and with a reduction target
	// everybody's share of it twice (the share is the target itself).
	// Without weights the objective is always 0: wishes, fairness and
	// "change as little as possible" would have no effect at all.
	inst.Weights = map[string]json.Number{"preference": "1", "change": "3"}
	if st.ReductionPercent > 0 {
		r := json.Number(fmt.Sprintf("%d.%02d", st.ReductionPercent/100, st.ReductionPercent%100))
		inst.TargetReduction = &r
		inst.Weights["fairness"] = "2"
	}
	seen := map[string]bool{}
	addPref := func(sid int64, d calendar.Date, mode string) {
		key, ok := id[sid]
		i, inDays := dayIdx[d]
		if !ok || !inDays || onLeave[key][i] || (mode != roster.Onsite && mode != roster.Tele) || seen[key+d.String()] {
			return
		}
		seen[key+d.String()] = true
		inst.Preferences = append(inst.Preferences, roster.Preference{Staff: key, Day: d.String(), Mode: mode})
	}
	// A person's own preference comes before an approved application's day.
	for _, p := range in.Preferences {
		addPref(p.StaffID, p.Day, p.Mode)
	}
	for sid, ds := range in.Approved {
		for _, d := range ds {
			addPref(sid, d, roster.Tele)
		}
	}
	slices.SortFunc(inst.Preferences, func(a, b roster.Preference) int {
		if a.Day != b.Day {
			return compare(a.Day, b.Day)
		}
		return compare(a.Staff, b.Staff)
	})
	return inst, nil
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
