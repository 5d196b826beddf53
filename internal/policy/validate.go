package policy

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"telework/internal/apperr"
	"telework/internal/org"
)

// Validate checks a policy before it is saved, naming each field (as a
// dotted path, e.g. hours.core_start) and the rule it breaks.
func (p *Policy) Validate() error {
	var v apperr.Validation
	if len(p.Modes) == 0 {
		v.Add("modes", "field.policy_modes", nil)
	}
	subset(&v, "modes", p.Modes, Modes)
	if len(p.TimeUnits) == 0 {
		v.Add("time_units", "field.required", nil)
	}
	subset(&v, "time_units", p.TimeUnits, TimeUnits)
	validateEligibility(&v, "eligibility.", p.Eligibility)
	for _, ur := range p.UnitRules {
		if ur.UnitCode == "" {
			v.Add("unit_rules", "field.required", nil)
		}
		subset(&v, "unit_rules", ur.Modes, Modes)
		if ur.WeeklyMaxDays < 0 || ur.WeeklyMaxDays > 7 || ur.MonthlyMaxDays < 0 || ur.MonthlyMaxDays > 31 {
			v.Add("unit_rules", "field.range", map[string]any{"Min": 0, "Max": 31})
		}
		if ur.Eligibility != nil {
			validateEligibility(&v, "unit_rules.", *ur.Eligibility)
		}
	}
	d := p.Deadline
	oneOf(&v, "deadline.on", d.On, "none", "submission", "approval", "both")
	if d.On != "none" && !d.BeforeStart {
		oneOf(&v, "deadline.day_kind", d.DayKind, "business", "calendar")
		rng(&v, "deadline.days", d.Days, 0, 30)
		if d.Cutoff != "" {
			hm(&v, "deadline.cutoff", d.Cutoff)
		}
	}
	rng(&v, "caps.weekly_max_days", p.Caps.WeeklyMaxDays, 0, 7)
	rng(&v, "caps.monthly_max_days", p.Caps.MonthlyMaxDays, 0, 31)
	rng(&v, "caps.min_office_days_per_week", p.Caps.MinOfficeDaysPerWeek, 0, 5)
	if p.Caps.WeeklyMaxDays > 0 && p.Caps.MinOfficeDaysPerWeek > 0 && p.Caps.WeeklyMaxDays+p.Caps.MinOfficeDaysPerWeek > 7 {
		v.Add("caps.min_office_days_per_week", "field.policy_caps_conflict", nil)
	}
	subset(&v, "places.home_equivalent_kinds", p.Places.HomeEquivalentKinds, HomeEquivalentKinds)
	h := p.Hours
	s, okS := hm(&v, "hours.start", h.Start)
	e, okE := hm(&v, "hours.end", h.End)
	if okS && okE && e <= s {
		v.Add("hours.end", "field.time_order", map[string]any{"Other": h.Start})
	}
	rng(&v, "hours.break_minutes", h.BreakMinutes, 0, 240)
	for _, st := range h.Staggered {
		hm(&v, "hours.staggered", st)
	}
	if h.Flex {
		cs, ok1 := hm(&v, "hours.core_start", h.CoreStart)
		ce, ok2 := hm(&v, "hours.core_end", h.CoreEnd)
		if ok1 && ok2 && ce <= cs {
			v.Add("hours.core_end", "field.time_order", map[string]any{"Other": h.CoreStart})
		}
	}
	if h.WindowStart != "" || h.WindowEnd != "" {
		ws, ok1 := hm(&v, "hours.window_start", h.WindowStart)
		we, ok2 := hm(&v, "hours.window_end", h.WindowEnd)
		if ok1 && ok2 && we <= ws {
			v.Add("hours.window_end", "field.time_order", map[string]any{"Other": h.WindowStart})
		}
		if ok1 && ok2 && okS && okE && (s < ws || e > we) {
			v.Add("hours.window_start", "field.policy_window_covers", nil)
		}
	}
	oneOf(&v, "hours.overtime", h.Overtime, "prohibited", "prior_approval", "allowed")
	oneOf(&v, "mid_day_break", p.MidDayBreak, "hourly_leave", "not_allowed", "allowed")
	if p.Report.Required {
		oneOf(&v, "report.form", p.Report.Form, "phone_then_form", "planned_actual", "combined_form", "verbal_by_supervisor", "chat", "system")
		oneOf(&v, "report.timing", p.Report.Timing, ReportTimings...)
		if p.Report.Timing == "" {
			rng(&v, "report.due_days", p.Report.DueDays, 0, 14)
		}
	}
	t := p.TakeOut
	oneOf(&v, "take_out.paper", t.Paper, "allowed", "consent", "banned")
	oneOf(&v, "take_out.data", t.Data, "allowed", "consent", "banned")
	subset(&v, "take_out.banned_paper_classes", t.BannedPaperClasses, DataClasses)
	subset(&v, "take_out.banned_data_classes", t.BannedDataClasses, DataClasses)
	subset(&v, "take_out.print_allowed_devices", t.PrintAllowedDevices, DeviceTypes)
	subset(&v, "take_out.save_allowed_devices", t.SaveAllowedDevices, DeviceTypes)
	oneOf(&v, "presence", p.Presence, "none", "signed_in")
	return v.Err()
}

func validateEligibility(v *apperr.Validation, prefix string, el Eligibility) {
	subset(v, prefix+"employments", el.Employments, org.Employments)
	subset(v, prefix+"excluded_job_types", el.ExcludedJobTypes, org.JobTypes)
	subset(v, prefix+"ranks", el.Ranks, org.Ranks)
	subset(v, prefix+"reasons", el.Reasons, Reasons)
}

func subset[T comparable](v *apperr.Validation, field string, got, allowed []T) {
	for _, x := range got {
		if !slices.Contains(allowed, x) && !v.Has(field) {
			v.Add(field, "field.choice", nil)
		}
	}
}

func oneOf(v *apperr.Validation, field, got string, allowed ...string) {
	if !slices.Contains(allowed, got) {
		v.Add(field, "field.choice", nil)
	}
}

func rng(v *apperr.Validation, field string, n, lo, hi int) {
	if n < lo || n > hi {
		v.Add(field, "field.range", map[string]any{"Min": lo, "Max": hi})
	}
}

func hm(v *apperr.Validation, field, s string) (int, bool) {
	m, ok := minutesOf(s)
	if !ok && !v.Has(field) {
		v.Add(field, "field.time_hm", nil)
	}
	return m, ok
}

// CheckUnitCodes checks the unit codes of the eligibility and the unit
// rules against the tenant's units, which a rule matches by code: a code
// written in full-width digits or another case is set to the unit's code,
// and an unknown code, a unit's name (「市民課」) and a closed unit are
// refused naming the field, since such a rule would never apply.
func (p *Policy) CheckUnitCodes(units []*org.Unit) error {
	tree := org.NewTree(units)
	byCode := map[string]*org.Unit{}
	byName := map[string][]*org.Unit{}
	for _, u := range units {
		byCode[foldUnitCode(u.Code)] = u
		for _, n := range []string{u.Name, tree.PathString(u.ID)} {
			if k := foldUnitCode(n); !slices.Contains(byName[k], u) {
				byName[k] = append(byName[k], u)
			}
		}
	}
	var v apperr.Validation
	check := func(field, prefix string, code *string, args map[string]any) {
		raw := strings.TrimSpace(*code)
		u := byCode[foldUnitCode(raw)]
		a := map[string]any{"Value": raw}
		maps.Copy(a, args)
		switch {
		case u == nil && len(byName[foldUnitCode(raw)]) == 1:
			n := byName[foldUnitCode(raw)][0]
			a["Code"], a["Path"] = n.Code, tree.PathString(n.ID)
			v.Add(field, prefix+"unit_name", a)
		case u == nil:
			v.Add(field, prefix+"unit_unknown", a)
		case u.Retired:
			a["Path"] = tree.PathString(u.ID)
			v.Add(field, prefix+"unit_retired", a)
		default:
			*code = u.Code
		}
	}
	for i := range p.Eligibility.UnitCodes {
		if !v.Has("eligibility.unit_codes") {
			check("eligibility.unit_codes", "golive.policy_", &p.Eligibility.UnitCodes[i], nil)
		}
	}
	for i := range p.UnitRules {
		check("unit_rules."+strconv.Itoa(i)+".unit_code", "golive.policy_rule_", &p.UnitRules[i].UnitCode, map[string]any{"Row": i + 1})
	}
	return v.Err()
}

// foldUnitCode is how a typed code is matched: NFKC (２１０ → 210), no
// spaces, case ignored.
func foldUnitCode(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s)))
}
