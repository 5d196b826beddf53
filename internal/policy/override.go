package policy

import (
	"slices"

	"telework/internal/apperr"
	"telework/internal/calendar"
)

// Override is an emergency (感染症 / 災害, SPEC §1 and §7; guide 第1章) seen by
// the rules: from From to To (inclusive), for the units listed and
// everything below them (none: the whole tenant), Rules apply on top of the
// version in force. Data, not code: HR declares it, the engine applies it.
type Override struct {
	ID        int64         `json:"id"`
	Kind      string        `json:"kind"` // infection | disaster
	From      calendar.Date `json:"from"`
	To        calendar.Date `json:"to"`
	UnitCodes []string      `json:"unit_codes,omitempty"`
	Rules     OverrideRules `json:"rules"`
}

// OverrideRules are the policy changes an emergency brings. The zero value
// changes nothing.
type OverrideRules struct {
	// Caps: "" keeps them, "lift" removes the weekly and monthly caps and
	// the minimum office attendance (the unit rules' caps too), "set"
	// replaces them by WeeklyMaxDays and MonthlyMaxDays (0 = none).
	Caps           string `json:"caps,omitempty"`
	WeeklyMaxDays  int    `json:"weekly_max_days,omitempty"`
	MonthlyMaxDays int    `json:"monthly_max_days,omitempty"`
	// WaiveEligibility lists the eligibility conditions that do not apply
	// (of EligibilityConditions), for the tenant and the unit rules alike.
	WaiveEligibility []string `json:"waive_eligibility,omitempty"`
	// EnableModes adds modes (e.g. 在宅勤務 where only satellite offices
	// were allowed); the unit rules no longer remove them.
	EnableModes []Mode `json:"enable_modes,omitempty"`
	// Deadline: "" keeps it, "same_day" allows applying on the day itself
	// (until the end of it, no prior consent asked), "none" drops it.
	Deadline string `json:"deadline,omitempty"`
}

// EligibilityConditions are the conditions an emergency may waive.
var EligibilityConditions = []string{"employment", "job_type", "unit", "rank", "reason", "terminal", "seconded", "trial"}

// OverrideCaps and OverrideDeadlines are the choices of OverrideRules.
var (
	OverrideCaps      = []string{"", "lift", "set"}
	OverrideDeadlines = []string{"", "same_day", "none"}
)

// Covers reports whether the override applies to day d for a person whose
// unit and the units above it have the given codes.
func (o Override) Covers(d calendar.Date, unitCodes []string) bool {
	if d.Before(o.From) || o.To.Before(d) {
		return false
	}
	return len(o.UnitCodes) == 0 || slices.ContainsFunc(o.UnitCodes, func(c string) bool { return slices.Contains(unitCodes, c) })
}

// Apply returns p with the rules of r on top. p is not changed.
func (r OverrideRules) Apply(p Policy) Policy {
	out := p
	out.UnitRules = slices.Clone(p.UnitRules)
	switch r.Caps {
	case "lift":
		out.Caps.WeeklyMaxDays, out.Caps.MonthlyMaxDays, out.Caps.MinOfficeDaysPerWeek = 0, 0, 0
	case "set":
		out.Caps.WeeklyMaxDays, out.Caps.MonthlyMaxDays = r.WeeklyMaxDays, r.MonthlyMaxDays
	}
	if len(r.WaiveEligibility) > 0 {
		out.Eligibility = waive(p.Eligibility, r.WaiveEligibility)
	}
	if len(r.EnableModes) > 0 {
		out.Modes = slices.Clone(p.Modes)
		for _, m := range r.EnableModes {
			if !slices.Contains(out.Modes, m) {
				out.Modes = append(out.Modes, m)
			}
		}
	}
	for i, ur := range out.UnitRules {
		if r.Caps != "" {
			ur.WeeklyMaxDays, ur.MonthlyMaxDays = 0, 0
		}
		if ur.Eligibility != nil && len(r.WaiveEligibility) > 0 {
			el := waive(*ur.Eligibility, r.WaiveEligibility)
			ur.Eligibility = &el
		}
		if len(ur.Modes) > 0 && len(r.EnableModes) > 0 {
			ur.Modes = slices.Clone(ur.Modes)
			for _, m := range r.EnableModes {
				if !slices.Contains(ur.Modes, m) {
					ur.Modes = append(ur.Modes, m)
				}
			}
		}
		out.UnitRules[i] = ur
	}
	switch r.Deadline {
	case "same_day":
		if out.Deadline.On != "" && out.Deadline.On != "none" {
			out.Deadline.Days, out.Deadline.DayKind, out.Deadline.Cutoff, out.Deadline.BeforeStart = 0, "calendar", "", false
		}
		out.Deadline.PriorConsent = false
	case "none":
		out.Deadline = Deadline{On: "none"}
	}
	return out
}

func waive(el Eligibility, conds []string) Eligibility {
	for _, c := range conds {
		switch c {
		case "employment":
			el.Employments = nil
		case "job_type":
			el.ExcludedJobTypes = nil
		case "unit":
			el.UnitCodes = nil
		case "rank":
			el.Ranks = nil
		case "reason":
			el.Reasons = nil
		case "terminal":
			el.RequireTerminal = false
		case "seconded":
			el.ExcludeSeconded = false
		case "trial":
			el.TrialStaffNos, el.TrialOnly = nil, false
		}
	}
	return el
}

// Check adds what is wrong with the rules to v, each field named with
// prefix ("rules." in a declaration and a hypothetical replay): a day
// count out of its range says the range, an unknown choice asks for one
// from the list.
func (r OverrideRules) Check(v *apperr.Validation, prefix string) {
	if !slices.Contains(OverrideCaps, r.Caps) {
		v.Add(prefix+"caps", "field.choice", nil)
	}
	rng(v, prefix+"weekly_max_days", r.WeeklyMaxDays, 0, 7)
	rng(v, prefix+"monthly_max_days", r.MonthlyMaxDays, 0, 31)
	for _, c := range r.WaiveEligibility {
		if !slices.Contains(EligibilityConditions, c) {
			v.Add(prefix+"waive_eligibility", "field.choice", nil)
			break
		}
	}
	for _, m := range r.EnableModes {
		if !slices.Contains(Modes, m) {
			v.Add(prefix+"enable_modes", "field.choice", nil)
			break
		}
	}
	if !slices.Contains(OverrideDeadlines, r.Deadline) {
		v.Add(prefix+"deadline", "field.choice", nil)
	}
}

// evaluateOverridden evaluates in with its overrides: the days of the
// application are grouped by the override that covers them (the latest
// declared when two do; none for the rest), each group is checked under its
// rules (see evaluateGroups).
func evaluateOverridden(in Input) []Finding {
	key := func(d calendar.Date) int64 {
		k := -1
		for i, o := range in.Overrides {
			if o.Covers(d, in.Person.UnitCodes) && (k < 0 || o.ID > in.Overrides[k].ID) {
				k = i
			}
		}
		return int64(k) // index in in.Overrides, -1 for none
	}
	return evaluateGroups(in, key, false, func(k int64, sub *Input) {
		sub.Overrides = nil
		if k >= 0 {
			sub.Policy = in.Overrides[k].Rules.Apply(in.Policy)
		}
	})
}

// EvaluateByDay checks in with each day of the application under the
// policy policyOn gives for it (the version in force on that day, named by
// its key): a range that crosses a revision is checked day by day under
// the rules of each day (see evaluateGroups), a finding of the whole
// application under one version named by the first day it covers. The
// emergencies of in still apply on top.
func EvaluateByDay(in Input, policyOn func(calendar.Date) (int64, Policy)) []Finding {
	pols := map[int64]Policy{}
	key := func(d calendar.Date) int64 {
		k, p := policyOn(d)
		pols[k] = p
		return k
	}
	return evaluateGroups(in, key, true, func(k int64, sub *Input) { sub.Policy = pols[k] })
}

// evaluateGroups groups the days of in.App by key, checks each group with
// set applied to its input and the application's other days counted as
// another application (so the caps still see the whole application), and
// merges the findings, each rule once per day; with dated, when the days
// fall in more than one group, a finding naming no day is dated by its
// group's first day (the day from which the rule refuses).
func evaluateGroups(in Input, key func(calendar.Date) int64, dated bool, set func(k int64, sub *Input)) []Finding {
	groups := map[int64]*Application{}
	var order []int64
	for _, d := range in.App.Dates {
		k := key(d)
		g, ok := groups[k]
		if !ok {
			a := in.App
			a.Dates = nil
			g = &a
			groups[k] = g
			order = append(order, k)
		}
		g.Dates = append(g.Dates, d)
	}
	var fs []Finding
	for _, k := range order {
		sub := in
		sub.App = *groups[k]
		set(k, &sub)
		if len(order) > 1 {
			rest := in.App
			rest.ID, rest.Status = 0, ""
			rest.Dates = slices.DeleteFunc(slices.Clone(in.App.Dates), func(d calendar.Date) bool { return slices.Contains(sub.App.Dates, d) })
			sub.Others = append(slices.Clone(in.Others), rest)
		}
		more := Evaluate(sub)
		if dated && len(order) > 1 {
			first, _ := spanOf(sub.App.Dates)
			for i := range more {
				if more[i].Date.IsZero() {
					more[i].Date = first
				}
			}
		}
		fs = mergeFindings(fs, more)
	}
	return fs
}

// ActiveOverrides are those of os covering any day of from..to for a
// person with the given unit codes.
func ActiveOverrides(os []Override, from, to calendar.Date, unitCodes []string) []Override {
	var out []Override
	for _, o := range os {
		if o.To.Before(from) || to.Before(o.From) {
			continue
		}
		if len(o.UnitCodes) == 0 || slices.ContainsFunc(o.UnitCodes, func(c string) bool { return slices.Contains(unitCodes, c) }) {
			out = append(out, o)
		}
	}
	return out
}
