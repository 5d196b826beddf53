package policy

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
)

// Severity of a finding: an error refuses the application, a warning is
// shown to the person and the approver, info explains what will happen.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Finding is one rule's verdict on an application.
type Finding struct {
	Rule     string         `json:"rule"` // e.g. caps.weekly
	Severity Severity       `json:"severity"`
	Date     calendar.Date  `json:"-"`
	Key      string         `json:"-"` // i18n message id
	Args     map[string]any `json:"-"`
}

// Message explains the finding in lang, naming the limit and the actual
// value, prefixed with the day it concerns.
func (f Finding) Message(lang string) string {
	// Argument values that start with "@" are message ids themselves (a
	// choice such as @employment.fiscal_year), shown in lang.
	args := make(map[string]any, len(f.Args))
	for k, v := range f.Args {
		switch x := v.(type) {
		case string:
			if strings.HasPrefix(x, "@") {
				v = i18n.T(lang, x[1:], nil)
			}
		case []string:
			parts := make([]string, len(x))
			for i, s := range x {
				parts[i] = strings.TrimPrefix(s, "@")
				if strings.HasPrefix(s, "@") {
					parts[i] = i18n.T(lang, s[1:], nil)
				}
			}
			sep := "、"
			if lang == "en" {
				sep = ", "
			}
			v = strings.Join(parts, sep)
		}
		args[k] = v
	}
	msg := i18n.T(lang, f.Key, args)
	if f.Date.IsZero() {
		return msg
	}
	if lang == "en" {
		return f.Date.Time().Format("Mon 2 Jan") + ": " + msg
	}
	return fmt.Sprintf("%d月%d日(%s): %s", f.Date.Month, f.Date.Day, f.Date.WeekdayJA(), msg)
}

// Person is what the rules need to know about the applicant.
type Person struct {
	StaffNo     string
	Employment  org.Employment
	JobType     string
	Rank        org.Rank
	UnitCodes   []string // the unit's code and its ancestors' codes
	Reasons     []string // declared 育児・介護 (not the analysis attribute)
	HasTerminal bool
	Seconded    bool
	Trial       bool // marked 試行の対象者
}

// Application is the request being checked, or one of the person's others.
type Application struct {
	ID               int64           `json:"id,omitempty"`
	Dates            []calendar.Date `json:"-"`
	Mode             Mode            `json:"mode"`
	Place            string          `json:"place"`
	PlaceKind        string          `json:"place_kind,omitempty"`
	PlaceReason      string          `json:"place_reason,omitempty"`
	TimeUnit         TimeUnit        `json:"time_unit"`
	Start            string          `json:"start,omitempty"` // planned HH:MM
	End              string          `json:"end,omitempty"`
	BreakMinutes     int             `json:"break_minutes,omitempty"`
	OvertimeApproved bool            `json:"overtime_approved,omitempty"`
	MidDayBreak      bool            `json:"mid_day_break,omitempty"`
	PriorConsent     bool            `json:"prior_consent,omitempty"`
	PaperOut         bool            `json:"paper_out,omitempty"`
	PaperClasses     []string        `json:"paper_classes,omitempty"`
	DataOut          bool            `json:"data_out,omitempty"`
	DataClasses      []string        `json:"data_classes,omitempty"`
	// Device is the one device of a check through the API; Devices are
	// every device an application names. The print and save rules hold
	// for each of them.
	Device      string   `json:"device,omitempty"`
	Devices     []string `json:"devices,omitempty"`
	PrintAtHome bool     `json:"print_at_home,omitempty"`
	SaveAtHome  bool     `json:"save_at_home,omitempty"`
	// Segments are the parts of a day (mobile in the morning, the office
	// at midday …); each telework part must take a mode the rules allow.
	Segments []Segment `json:"segments,omitempty"`
	// NoPlan: the planned work (何をどこまで) is missing. The rules do not
	// read it; internal/apply refuses a submission without a plan.
	NoPlan bool `json:"-"`
	// Status of another application: only active ones count against caps.
	Status string `json:"status,omitempty"`
}

// Segment is one part of a day as the rules see it: its mode (Office for a
// part at the office), its place and its times (HH:MM).
type Segment struct {
	Mode  Mode   `json:"mode"`
	Place string `json:"place,omitempty"`
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// devices are every device the application names, each once.
func (a Application) devices() []string {
	out := slices.Clone(a.Devices)
	if a.Device != "" && !slices.Contains(out, a.Device) {
		out = append(out, a.Device)
	}
	return out
}

// activeStatuses are the states of another application that occupy a day.
var activeStatuses = []string{"", "submitted", "approved", "started", "finished", "reported", "confirmed"}

// Stage is when the check runs: at submission or at approval.
type Stage string

const (
	AtSubmit  Stage = "submit"
	AtApprove Stage = "approve"
)

// BusinessCalendar is what the engine needs of the tenant's calendar.
type BusinessCalendar interface {
	IsBusinessDay(d calendar.Date) bool
	AddBusinessDays(d calendar.Date, n int) calendar.Date
}

// Input is everything one evaluation depends on.
type Input struct {
	Policy   Policy
	Calendar BusinessCalendar
	Person   Person
	App      Application
	Others   []Application
	Stage    Stage
	Now      time.Time
	// Overrides are the emergencies of the tenant; those covering a day of
	// the application for the person's unit apply to that day.
	Overrides []Override
}

// Evaluate checks an application against the policy in force and returns
// every finding, errors first, each in date order.
func Evaluate(in Input) []Finding {
	if len(in.Overrides) > 0 {
		return evaluateOverridden(in)
	}
	e := &evaluator{in: in, p: in.Policy}
	e.effective()
	e.mode()
	e.eligibility(in.Policy.Eligibility, "")
	for _, ur := range e.unitRules {
		if ur.Eligibility != nil {
			e.eligibility(*ur.Eligibility, ur.UnitCode)
		}
	}
	e.timeUnit()
	e.place()
	e.deadline()
	e.caps()
	e.hours()
	e.overtimeFlag()
	e.midDay()
	e.takeOut()
	e.notices()
	sortFindings(e.out)
	return e.out
}

// sortFindings puts errors first, then warnings, then info, each in date
// order (stable otherwise).
func sortFindings(fs []Finding) {
	rank := map[Severity]int{Error: 0, Warning: 1, Info: 2}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if rank[a.Severity] != rank[b.Severity] {
			return rank[a.Severity] < rank[b.Severity]
		}
		return a.Date.Before(b.Date)
	})
}

// HasErrors reports whether any finding refuses the application.
func HasErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == Error })
}

type evaluator struct {
	in        Input
	p         Policy
	unitRules []UnitRule
	modes     []Mode
	weeklyMax int
	monthMax  int
	out       []Finding
}

func (e *evaluator) add(rule string, sev Severity, d calendar.Date, args map[string]any) {
	e.out = append(e.out, Finding{Rule: rule, Severity: sev, Date: d, Key: "policy." + rule, Args: args})
}

// effective applies the unit rules of the person's unit and its ancestors.
func (e *evaluator) effective() {
	e.modes = e.p.Modes
	e.weeklyMax, e.monthMax = e.p.Caps.WeeklyMaxDays, e.p.Caps.MonthlyMaxDays
	for _, ur := range e.p.UnitRules {
		if !slices.Contains(e.in.Person.UnitCodes, ur.UnitCode) {
			continue
		}
		e.unitRules = append(e.unitRules, ur)
		if len(ur.Modes) > 0 {
			e.modes = slices.DeleteFunc(slices.Clone(e.modes), func(m Mode) bool { return !slices.Contains(ur.Modes, m) })
		}
		e.weeklyMax = stricter(e.weeklyMax, ur.WeeklyMaxDays)
		e.monthMax = stricter(e.monthMax, ur.MonthlyMaxDays)
	}
}

// stricter picks the lower of two caps where 0 means none.
func stricter(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

func (e *evaluator) mode() {
	if !slices.Contains(e.modes, e.in.App.Mode) {
		e.add("mode.disabled", Error, calendar.Date{}, map[string]any{"Mode": modeLabel(e.in.App.Mode)})
	}
	// Each telework part of the day is held to the same rule: a day of
	// home telework with a mobile morning is mobile work in the morning.
	for i, s := range e.in.App.Segments {
		if s.Mode == Office || slices.Contains(e.modes, s.Mode) {
			continue
		}
		e.out = append(e.out, Finding{Rule: "mode.disabled", Severity: Error, Key: "policy.mode.disabled_segment",
			Args: map[string]any{"Mode": modeLabel(s.Mode), "N": i + 1, "Start": s.Start, "End": s.End}})
	}
}

func (e *evaluator) eligibility(el Eligibility, unit string) {
	per := e.in.Person
	scope := "eligibility."
	args := func(m map[string]any) map[string]any {
		if unit != "" {
			m["Unit"] = unit
		}
		return m
	}
	if unit != "" {
		scope = "eligibility.unit_rule."
	}
	if len(el.Employments) > 0 && !slices.Contains(el.Employments, per.Employment) {
		e.add(scope+"employment", Error, calendar.Date{}, args(map[string]any{"Actual": "@employment." + string(per.Employment)}))
	}
	if slices.Contains(el.ExcludedJobTypes, per.JobType) {
		e.add(scope+"job_type", Error, calendar.Date{}, args(map[string]any{"Actual": "@job." + per.JobType}))
	}
	if len(el.UnitCodes) > 0 && !slices.ContainsFunc(el.UnitCodes, func(c string) bool { return slices.Contains(per.UnitCodes, c) }) {
		e.add(scope+"unit", Error, calendar.Date{}, args(map[string]any{"Units": strings.Join(el.UnitCodes, ", ")}))
	}
	if len(el.Ranks) > 0 && !slices.Contains(el.Ranks, per.Rank) {
		e.add(scope+"rank", Error, calendar.Date{}, args(map[string]any{"Actual": "@rank." + string(per.Rank)}))
	}
	if len(el.Reasons) > 0 && !slices.ContainsFunc(el.Reasons, func(r string) bool { return slices.Contains(per.Reasons, r) }) {
		e.add(scope+"reason", Error, calendar.Date{}, args(map[string]any{}))
	}
	if el.RequireTerminal && !per.HasTerminal {
		e.add(scope+"terminal", Error, calendar.Date{}, args(map[string]any{}))
	}
	if el.ExcludeSeconded && per.Seconded {
		e.add(scope+"seconded", Error, calendar.Date{}, args(map[string]any{}))
	}
	if (len(el.TrialStaffNos) > 0 || el.TrialOnly) && !per.Trial && !slices.Contains(el.TrialStaffNos, per.StaffNo) {
		e.add(scope+"trial", Error, calendar.Date{}, args(map[string]any{}))
	}
}

func (e *evaluator) timeUnit() {
	if !slices.Contains(e.p.TimeUnits, e.in.App.TimeUnit) {
		var allowed []string
		for _, u := range e.p.TimeUnits {
			allowed = append(allowed, "@unit."+string(u))
		}
		e.add("time_unit.disabled", Error, calendar.Date{}, map[string]any{"Actual": "@unit." + string(e.in.App.TimeUnit), "AllowedKeys": allowed})
	}
}

func (e *evaluator) place() {
	a := e.in.App
	// A part of the day at 自宅同等の場所 is held to the same rules as a
	// day there: the application's kind and reason are its own.
	heq := a.Place == PlaceHomeEquivalent
	for _, s := range a.Segments {
		heq = heq || s.Place == PlaceHomeEquivalent
	}
	if !heq {
		return
	}
	if !e.p.Places.HomeEquivalent {
		e.add("place.home_equivalent_disabled", Error, calendar.Date{}, map[string]any{})
		return
	}
	// The kind and the reason are told together: a form missing both says
	// so at once (a review found the reason's rule shown only once a kind
	// was picked, and a kind not picked named as 「placekind.」).
	ok := true
	if kinds := e.p.Places.HomeEquivalentKinds; len(kinds) > 0 {
		switch {
		case a.PlaceKind == "":
			e.add("place.kind_required", Error, calendar.Date{}, map[string]any{})
			ok = false
		case !slices.Contains(kinds, a.PlaceKind):
			e.add("place.kind_not_allowed", Error, calendar.Date{}, map[string]any{"Actual": "@placekind." + a.PlaceKind})
			ok = false
		}
	}
	if strings.TrimSpace(a.PlaceReason) == "" {
		e.add("place.reason_required", Error, calendar.Date{}, map[string]any{})
		ok = false
	}
	if ok {
		e.add("place.needs_approval", Info, calendar.Date{}, map[string]any{})
	}
}

// deadlineFor is the last moment to submit or approve for day d.
func (e *evaluator) deadlineFor(d calendar.Date) time.Time {
	dl := e.p.Deadline
	if dl.BeforeStart {
		h, m, _ := parseHM(e.startOf())
		return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, calendar.Tokyo)
	}
	day := d.AddDays(-dl.Days)
	if dl.DayKind == "business" && e.in.Calendar != nil {
		day = e.in.Calendar.AddBusinessDays(d, -dl.Days)
	}
	if h, m, ok := parseHM(dl.Cutoff); ok {
		return time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, calendar.Tokyo)
	}
	return time.Date(day.Year, day.Month, day.Day, 23, 59, 59, 0, calendar.Tokyo)
}

// startOf is when the work applied for starts: the planned start, else
// 12:00 for an afternoon, else the standard start (00:00 when unknown).
func (e *evaluator) startOf() string {
	a := e.in.App
	switch {
	case validHM(a.Start):
		return a.Start
	case a.TimeUnit == PM:
		return "12:00"
	case validHM(e.p.Hours.Start):
		return e.p.Hours.Start
	}
	return "00:00"
}

func validHM(s string) bool { _, _, ok := parseHM(s); return ok }

func (e *evaluator) deadline() {
	now := e.in.Now.In(calendar.Tokyo)
	today := calendar.DateOf(now)
	dl := e.p.Deadline
	for _, d := range e.in.App.Dates {
		if d.Before(today) {
			e.add("date.past", Error, d, map[string]any{})
			continue
		}
		if e.in.Calendar != nil && !e.in.Calendar.IsBusinessDay(d) {
			e.add("date.non_business", Warning, d, map[string]any{})
		}
		if dl.On == "none" || dl.On == "" {
			continue
		}
		limit := e.deadlineFor(d)
		if !now.After(limit) {
			continue
		}
		args := map[string]any{"Deadline": fmtMoment(limit), "Now": fmtNow(now, limit), "Days": dl.Days,
			"Business": dl.DayKind == "business", "Cutoff": dl.Cutoff}
		var rule string
		var sev Severity
		switch {
		case e.in.Stage == AtSubmit && (dl.On == "submission" || dl.On == "both"):
			rule, sev = "deadline.submission", Error
		case e.in.Stage == AtSubmit && dl.On == "approval":
			rule, sev = "deadline.approval_at_risk", Warning
		case e.in.Stage == AtApprove && (dl.On == "approval" || dl.On == "both"):
			rule, sev = "deadline.approval", Error
		default:
			continue
		}
		f := Finding{Rule: rule, Severity: sev, Date: d, Key: "policy." + rule, Args: args}
		if dl.BeforeStart {
			// 「事前に」: before the work starts on the day itself.
			f.Key = "policy." + rule + "_before_start"
		}
		e.out = append(e.out, f)
	}
	if dl.PriorConsent && e.in.Stage == AtSubmit && !e.in.App.PriorConsent {
		e.add("deadline.prior_consent", Error, calendar.Date{}, map[string]any{})
	}
}

func fmtMoment(t time.Time) string { return t.In(calendar.Tokyo).Format("2006-01-02 15:04") }

// fmtNow is the time of a late submission: with its seconds when the
// deadline's minute is the same, so that 「締切 12:00 を過ぎています(現在
// 12:00)」 never reads as a contradiction (12:00:30 is past 12:00:00).
func fmtNow(now, limit time.Time) string {
	if fmtMoment(now) == fmtMoment(limit) {
		return now.In(calendar.Tokyo).Format("2006-01-02 15:04:05")
	}
	return fmtMoment(now)
}

// weight is how much of a day an application uses for the caps.
func (e *evaluator) weight(u TimeUnit) float64 {
	if e.p.Caps.HalfDayCountsHalf && (u == AM || u == PM) {
		return 0.5
	}
	return 1
}

func weekStart(d calendar.Date) calendar.Date {
	wd := (int(d.Weekday()) + 6) % 7 // Monday = 0
	return d.AddDays(-wd)
}

// caps checks the weekly and monthly caps over the whole week and month —
// the person's other active applications on any day of it, earlier or
// later, and this one — so the order of applying does not matter. When a
// period is over its cap, this application's latest days in it are the
// ones refused, as many as it takes to bring the period back within it.
func (e *evaluator) caps() {
	// The person's other active applications, by date: a day counts once
	// (the largest share of it applied for).
	others := map[calendar.Date]float64{}
	dup := map[calendar.Date]bool{}
	for _, o := range e.in.Others {
		if o.ID != 0 && o.ID == e.in.App.ID || !slices.Contains(activeStatuses, o.Status) {
			continue
		}
		for _, d := range o.Dates {
			if e.overlaps(o, d) && !dup[d] {
				dup[d] = true
				e.add("caps.duplicate", Error, d, map[string]any{})
			}
			others[d] = max(others[d], e.weight(o.TimeUnit))
		}
	}
	days := maps.Clone(others)
	// away are the days spent wholly away from the office: a whole day of
	// telework, or its morning and its afternoon. A half day or a few
	// hours leave the rest of the day at the office, which is attendance
	// for 「原則週1回は出勤」 whatever the caps count (a review found five
	// mornings at home read as no office day). Every application counts
	// alike, this one and the others, whatever its parts of the day.
	halves := map[calendar.Date]map[TimeUnit]bool{}
	mark := func(u TimeUnit, ds []calendar.Date) {
		for _, d := range ds {
			if halves[d] == nil {
				halves[d] = map[TimeUnit]bool{}
			}
			halves[d][u] = true
		}
	}
	for _, o := range e.in.Others {
		if (o.ID == 0 || o.ID != e.in.App.ID) && slices.Contains(activeStatuses, o.Status) {
			mark(o.TimeUnit, o.Dates)
		}
	}
	mark(e.in.App.TimeUnit, e.in.App.Dates)
	away := func(d calendar.Date) bool { h := halves[d]; return h[FullDay] || h[AM] && h[PM] }
	var mine []calendar.Date
	for _, d := range e.in.App.Dates {
		if !slices.Contains(mine, d) {
			mine = append(mine, d)
		}
	}
	slices.SortFunc(mine, func(a, b calendar.Date) int { return strings.Compare(a.String(), b.String()) })
	for _, d := range mine {
		days[d] = max(days[d], e.weight(e.in.App.TimeUnit))
	}
	e.capPeriods("caps.weekly", e.weeklyMax, mine, days, others, weekStart)
	e.capPeriods("caps.monthly", e.monthMax, mine, days, others, func(d calendar.Date) calendar.Date {
		return calendar.Date{Year: d.Year, Month: d.Month, Day: 1}
	})
	if min := e.p.Caps.MinOfficeDaysPerWeek; min > 0 && e.in.Calendar != nil {
		seen := map[calendar.Date]bool{}
		for _, d := range mine {
			ws := weekStart(d)
			if seen[ws] {
				continue
			}
			seen[ws] = true
			office := 0
			for i := range 7 {
				if x := ws.AddDays(i); e.in.Calendar.IsBusinessDay(x) && !away(x) {
					office++
				}
			}
			if office < min {
				e.add("caps.min_office", Warning, ws, map[string]any{"Min": min, "Office": strconv.Itoa(office)})
			}
		}
	}
}

// capPeriods refuses the days of mine (sorted) that take a period (a week
// or a month, named by its first day) over capMax, counting every day of
// the period in days; others are the days taken without this application.
func (e *evaluator) capPeriods(rule string, capMax int, mine []calendar.Date, days, others map[calendar.Date]float64, period func(calendar.Date) calendar.Date) {
	if capMax <= 0 {
		return
	}
	total := map[calendar.Date]float64{}
	for d, w := range days {
		total[period(d)] += w
	}
	lastOf := map[calendar.Date]calendar.Date{}
	for d := range days {
		if p := period(d); lastOf[p].Before(d) {
			lastOf[p] = d
		}
	}
	excess := map[calendar.Date]float64{}
	for p, n := range total {
		if n > float64(capMax) {
			excess[p] = n - float64(capMax)
		}
	}
	var refused []Finding
	for i := len(mine) - 1; i >= 0; i-- {
		d := mine[i]
		p := period(d)
		extra := days[d] - others[d] // what this application adds on d
		if excess[p] <= 0 || extra <= 0 {
			continue
		}
		excess[p] -= extra
		f := Finding{Rule: rule, Severity: Error, Date: d, Key: "policy." + rule,
			Args: map[string]any{"Max": capMax, "Count": fmtCount(total[p])}}
		if d != lastOf[p] {
			// Not the period's last day: "this is day N" would be wrong,
			// so the message gives the period's total instead.
			f.Key = "policy." + rule + "_total"
		}
		refused = append(refused, f)
	}
	slices.Reverse(refused)
	e.out = append(e.out, refused...)
}

// overlaps reports whether another application on day d takes a part of
// the day this one takes. A full day takes the whole day. A morning takes
// the standard start (00:00 without one) to Noon, an afternoon Noon to the
// standard end (24:00 without one): two mornings meet, a morning and an
// afternoon do not. An hourly application takes its own times, so it
// meets another hourly one or a half whose span its times reach into.
func (e *evaluator) overlaps(o Application, d calendar.Date) bool {
	if !slices.Contains(e.in.App.Dates, d) {
		return false
	}
	as, ae := e.span(e.in.App)
	os, oe := e.span(o)
	return as < oe && os < ae
}

// span is the part of the day an application takes, [from, to) in
// minutes after midnight (see overlaps).
func (e *evaluator) span(a Application) (int, int) {
	const day = 24 * 60
	switch a.TimeUnit {
	case AM:
		if s, ok := minutesOf(e.p.Hours.Start); ok && s < Noon {
			return s, Noon
		}
		return 0, Noon
	case PM:
		if end, ok := minutesOf(e.p.Hours.End); ok && end > Noon {
			return Noon, end
		}
		return Noon, day
	case Hourly:
		// Times that cannot be read take the whole day: a duplicate is
		// refused rather than missed.
		if s, ok := minutesOf(a.Start); ok {
			if end, ok := minutesOf(a.End); ok && s < end {
				return s, end
			}
		}
	}
	return 0, day
}

func fmtCount(n float64) string {
	if n == float64(int(n)) {
		return strconv.Itoa(int(n))
	}
	return strconv.FormatFloat(n, 'f', 1, 64)
}

func (e *evaluator) hours() {
	a := e.in.App
	h := e.p.Hours
	if (a.TimeUnit == AM || a.TimeUnit == PM) && (a.Start == "") != (a.End == "") {
		// A half day with one time of its own (internal/apply accepts it):
		// that time is held to the window and the night, the half's length
		// is not known.
		e.oneTime(a.Start + a.End)
		return
	}
	span, ok := plannedSpan(a)
	if !ok {
		e.add("hours.invalid", Error, calendar.Date{}, map[string]any{"Start": a.Start, "End": a.End})
		return
	}
	if span.none() {
		return
	}
	start, end := span.start, span.end
	// The times as given (a day of segments: its first start and last end).
	e.window(start, end, fmtHM(start), fmtHM(end))
	if h.Flex {
		cs, ok1 := minutesOf(h.CoreStart)
		ce, ok2 := minutesOf(h.CoreEnd)
		if ok1 && ok2 && a.TimeUnit == FullDay && (start > cs || end < ce) {
			e.add("hours.core_time", Error, calendar.Date{}, map[string]any{"CoreStart": h.CoreStart, "CoreEnd": h.CoreEnd, "Start": fmtHM(start), "End": fmtHM(end)})
		}
	} else if std, ok := minutesOf(h.Start); a.TimeUnit == FullDay && (!ok || start != std) {
		// Times compare as minutes: "7:30" and "07:30" are one start.
		pattern := slices.ContainsFunc(h.Staggered, func(x string) bool { m, ok := minutesOf(x); return ok && m == start })
		switch {
		case len(h.Staggered) > 0 && !pattern:
			e.add("hours.staggered", Error, calendar.Date{}, map[string]any{"Start": fmtHM(start), "Patterns": strings.Join(append([]string{h.Start}, h.Staggered...), "、")})
		case h.StaggeredWork || len(h.Staggered) > 0:
			e.add("hours.staggered_work", Info, calendar.Date{}, map[string]any{"Start": fmtHM(start), "Standard": h.Start})
		}
	}
	// The break: the application's, with the gaps between its segments
	// (time not at work); a full day that names none takes the standard one.
	brk := max(a.BreakMinutes, span.gaps) // a break stated is the one taken in the gaps, not more (a review)
	if brk == 0 && a.TimeUnit == FullDay {
		brk = h.BreakMinutes
	}
	worked := end - start - brk
	// Under fixed hours overtime is the planned time outside the day's
	// hours (moved with a staggered start), as the working-time check
	// (worktime.Check) counts the day once worked: 14:00–22:45 under
	// 8:30–17:15 is 5 h 30 min of overtime though no longer than a day (a
	// review found it approved, then flagged at clock-out).
	outside, from, to, fixed := e.outsideHours(start, end, a.TimeUnit == FullDay)
	if fixed && outside > 0 {
		args := map[string]any{"Start": fmtHM(start), "End": fmtHM(end), "HoursStart": fmtHM(from), "HoursEnd": fmtHM(to),
			"OutsideH": outside / 60, "OutsideM": outside % 60}
		switch {
		case h.Overtime == "prohibited":
			e.add("hours.overtime_prohibited", Error, calendar.Date{}, args)
		case h.Overtime == "prior_approval" && !a.OvertimeApproved:
			e.add("hours.overtime_needs_approval", Error, calendar.Date{}, args)
		}
	}
	if standard, ok := e.standardMinutes(a.TimeUnit); ok && worked > standard && !(fixed && outside > 0) {
		// Lengths, not times of day: 「9時間30分」, not 「9:30」.
		over := map[string]any{"WorkedH": worked / 60, "WorkedM": worked % 60, "StandardH": standard / 60, "StandardM": standard % 60}
		switch {
		case h.Overtime == "prohibited":
			e.add("hours.overtime_prohibited", Error, calendar.Date{}, over)
		case h.Overtime == "prior_approval" && !a.OvertimeApproved:
			e.add("hours.overtime_needs_approval", Error, calendar.Date{}, over)
		}
	}
	// 労働基準法 第34条: 45 minutes over 6 hours, 60 over 8.
	switch {
	case worked > 8*60 && brk < 60:
		e.add("hours.break", Warning, calendar.Date{}, map[string]any{"Need": 60, "Over": 8, "Actual": brk})
	case worked > 6*60 && brk < 45:
		e.add("hours.break", Warning, calendar.Date{}, map[string]any{"Need": 45, "Over": 6, "Actual": brk})
	}
}

// outsideHours is the planned time from start to end that lies outside
// the day's fixed hours — before their start (早出) or after their end —
// with those hours (from, to), moved to the planned start of a full day
// (fullDay) where the policy staggers start times. False under flextime (overtime there is a length)
// or without fixed hours.
func (e *evaluator) outsideHours(start, end int, fullDay bool) (outside, from, to int, ok bool) {
	h := e.p.Hours
	ss, ok1 := minutesOf(h.Start)
	se, ok2 := minutesOf(h.End)
	if h.Flex || !ok1 || !ok2 || se <= ss {
		return 0, 0, 0, false
	}
	from, to = ss, se
	// Only a full day's start staggers the day (as hours.staggered_work
	// reads it): an afternoon from 13:30 is the afternoon of the standard
	// day, not a day moved to begin at 13:30.
	if fullDay && (h.StaggeredWork || len(h.Staggered) > 0) && start != ss {
		from, to = start, start+se-ss
	}
	early := max(min(end, from)-start, 0)
	late := max(end-max(start, to), 0)
	return early + late, from, to, true
}

// oneTime holds the one planned time of a half day (t, HH:MM) to the
// window and the late-night ban.
func (e *evaluator) oneTime(t string) {
	a := e.in.App
	m, ok := minutesOf(t)
	if !ok {
		e.add("hours.invalid", Error, calendar.Date{}, map[string]any{"Start": a.Start, "End": a.End})
		return
	}
	e.window(m, m, a.Start, a.End)
}

// window holds planned work from start to end (minutes after midnight) to
// the window hours may be allotted in and to the late-night ban; from and
// to are the times the messages name.
func (e *evaluator) window(start, end int, from, to string) {
	h := e.p.Hours
	if ws, ok := minutesOf(h.WindowStart); ok {
		if we, ok := minutesOf(h.WindowEnd); ok && (start < ws || end > we) {
			e.add("hours.window", Error, calendar.Date{}, map[string]any{"Start": from, "End": to,
				"WindowStart": h.WindowStart, "WindowEnd": h.WindowEnd})
		}
	}
	// A ban on overtime in telework bans the late-night hours too (神戸市
	// 「在宅勤務では時間外勤務は禁止」), as the working-time check holds it.
	if (h.NoLateNight || h.Overtime == "prohibited") && (start < 5*60 || end > 22*60) {
		e.add("hours.late_night", Error, calendar.Date{}, map[string]any{"Start": from, "End": to})
	}
}

// standardMinutes is the working time the policy's standard day gives the
// part of the day a time unit takes: the whole day (or an hourly
// application, held to the day), a morning from the standard start to Noon,
// an afternoon the rest. A half day with its own times longer than its part
// (午後 13:00–23:30) is overtime as a full day would be (a review found
// half days never checked). False when the policy has no standard day.
func (e *evaluator) standardMinutes(u TimeUnit) (int, bool) {
	h := e.p.Hours
	ss, ok1 := minutesOf(h.Start)
	se, ok2 := minutesOf(h.End)
	if !ok1 || !ok2 || se <= ss {
		return 0, false
	}
	day := se - ss - h.BreakMinutes
	if u != AM && u != PM {
		return day, true
	}
	if ss >= Noon || se <= Noon {
		return 0, false
	}
	if morning := Noon - ss; u == AM {
		return morning, true
	} else if day > morning {
		return day - morning, true
	}
	return 0, false
}

// plannedTimes are the times an application plans, in minutes after
// midnight: its own start and end, else the first start and the last end of
// its segments with the minutes between them (gaps: not at work).
type plannedTimes struct{ start, end, gaps int }

func (p plannedTimes) none() bool { return p.start < 0 }

// plannedSpan reads an application's planned times. False when its own
// times cannot be read or are out of order; none() when it plans no times
// (a day without times, or segments without them, is not checked here —
// internal/apply refuses segments without valid times).
func plannedSpan(a Application) (plannedTimes, bool) {
	if a.Start != "" || a.End != "" {
		start, ok1 := minutesOf(a.Start)
		end, ok2 := minutesOf(a.End)
		if !ok1 || !ok2 || end <= start {
			return plannedTimes{}, false
		}
		return plannedTimes{start: start, end: end}, true
	}
	p := plannedTimes{start: -1}
	last := -1
	for _, s := range a.Segments {
		start, ok1 := minutesOf(s.Start)
		end, ok2 := minutesOf(s.End)
		if !ok1 || !ok2 || end <= start || start < last {
			return plannedTimes{start: -1}, true
		}
		if last < 0 {
			p.start = start
		} else {
			p.gaps += start - last
		}
		last, p.end = end, end
	}
	return p, true
}

// fmtHM writes minutes after midnight as HH:MM.
func fmtHM(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// overtimeFlag refuses the application's 「時間外勤務の事前承認」 under a
// policy that prohibits overtime, unless its hours are refused as overtime
// already: a prohibition is not approved away, and the flag would lift the
// working-time check's overtime warnings on such a day (a review).
func (e *evaluator) overtimeFlag() {
	told := slices.ContainsFunc(e.out, func(f Finding) bool { return f.Rule == "hours.overtime_prohibited" })
	if e.p.Hours.Overtime == "prohibited" && e.in.App.OvertimeApproved && !told {
		e.add("hours.overtime_flag_prohibited", Error, calendar.Date{}, nil)
	}
}

func (e *evaluator) midDay() {
	if !e.in.App.MidDayBreak {
		return
	}
	switch e.p.MidDayBreak {
	case "hourly_leave":
		e.add("mid_day.hourly_leave", Info, calendar.Date{}, map[string]any{})
	case "not_allowed":
		e.add("mid_day.not_allowed", Error, calendar.Date{}, map[string]any{})
	}
}

func (e *evaluator) takeOut() {
	a, t := e.in.App, e.p.TakeOut
	check := func(kind string, out bool, classes []string, rule string, banned []string) {
		if !out {
			return
		}
		for _, c := range classes {
			if slices.Contains(banned, c) {
				e.add("take_out."+kind+"_class_banned", Error, calendar.Date{}, map[string]any{"Class": "@dataclass." + c})
				return
			}
		}
		switch rule {
		case "banned":
			e.add("take_out."+kind+"_banned", Error, calendar.Date{}, map[string]any{})
		case "consent":
			e.add("take_out."+kind+"_consent", Warning, calendar.Date{}, map[string]any{})
		}
	}
	check("paper", a.PaperOut, a.PaperClasses, t.Paper, t.BannedPaperClasses)
	check("data", a.DataOut, a.DataClasses, t.Data, t.BannedDataClasses)
	// Every device named is held to the rule: one allowed device does not
	// make printing or saving on another one allowed.
	devs := a.devices()
	if len(devs) == 0 {
		devs = []string{""}
	}
	for _, d := range devs {
		if a.PrintAtHome && !slices.Contains(t.PrintAllowedDevices, d) {
			e.add("take_out.print", Error, calendar.Date{}, map[string]any{"Device": "@device." + d})
		}
	}
	for _, d := range devs {
		if a.SaveAtHome && !slices.Contains(t.SaveAllowedDevices, d) {
			e.add("take_out.save", Error, calendar.Date{}, map[string]any{"Device": "@device." + d})
		}
	}
}

func (e *evaluator) notices() {
	if e.p.TravelOrder && e.in.App.Mode == Home {
		e.add("notice.travel_order", Info, calendar.Date{}, map[string]any{})
	}
}

func modeLabel(m Mode) string { return "@mode." + string(m) }

func parseHM(s string) (h, m int, ok bool) {
	hh, mm, found := strings.Cut(s, ":")
	if !found || len(hh) == 0 || len(hh) > 2 || len(mm) != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, 0, false
	}
	return h, m, true
}

func minutesOf(s string) (int, bool) {
	h, m, ok := parseHM(s)
	return h*60 + m, ok
}
