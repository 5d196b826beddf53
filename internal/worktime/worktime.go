// Package worktime owns the working-time records (始業・終業報告, breaks and
// 中抜け, the one-line plan and result) and their checks, a pure function of
// the policy in force and the day's records (Check). The service records a
// start or an end with the server's clock in one transaction with its audit
// entry and the supervisor's notifications. It never sees HTTP or SQL:
// internal/store implements Store and Tx.
package worktime

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/policy"
)

// Day is one person's working day: the start and end the server stamped,
// the mode and place, the plan and result, the breaks.
type Day struct {
	ID      int64
	StaffID int64
	Date    calendar.Date
	Start   time.Time
	End     time.Time // zero while working
	Mode    policy.Mode
	Place   string
	Plan    string // one line, shared with the supervisor (and the team where the section opts in)
	Result  string
	// StartProxy, EndProxy: the staff id of the supervisor who entered it
	// on the person's behalf (図表20: the phone leaves no record); 0 = self.
	StartProxy int64
	EndProxy   int64
	// ApplicationID is the approved application holding the day (0: none).
	ApplicationID int64
	// PartDay: that application covers part of the day (午前, 午後, 時間単位),
	// read with the day, not stored: the core time is not asked of it (as
	// the application's check does not ask it; 神戸市 「半日・時間単位での実施
	// も可能」 with flextime).
	PartDay bool
	// OvertimeApproved: a prior overtime request for the day was approved.
	OvertimeApproved bool
	Breaks           []Break
	Version          int64
}

// Break is a break or a 中抜け. Hourly marks a 中抜け recorded as hourly
// annual leave (the policy's mid_day_break = hourly_leave); it is not
// working time and does not count as a rest break.
type Break struct {
	Start  time.Time
	End    time.Time // zero while on the break
	Hourly bool
	// Reported marks a break whose length the person reported by phone
	// and a supervisor entered with the day's end (Report.BreakMinutes):
	// its times are placed (from noon), not known.
	Reported bool
}

// Warning is one broken rule with its numbers, shown in Japanese (English
// when switched) through the message "worktime.rule.<Rule>".
type Warning struct {
	Rule string
	Args map[string]any
}

// Rules the checks name (the message keys are worktime.rule.<name>).
const (
	RuleNoApplication  = "no_application"
	RuleBeforeWindow   = "before_window"
	RuleAfterWindow    = "after_window"
	RuleCoreNotCovered = "core_not_covered"
	RuleNoClockOut     = "no_clock_out"
	RuleOvertime       = "overtime"
	RuleLateNight      = "late_night"
	RuleLongHours      = "long_hours"
	RuleBreakShort     = "break_short"
	// RuleOvertimeBeyond: work past the end of the approved prior
	// overtime request (時間外勤務の事前承認).
	RuleOvertimeBeyond = "overtime_beyond"
)

// LongHours is the working time beyond which a day is flagged (minutes).
const LongHours = 10 * 60

// Cutoff is how long after the end of the allowed window (or the standard
// end when none) a day without a clock-out is flagged; for work begun at
// or after that end, how long after the same time the next day.
const Cutoff = 2 * time.Hour

// Input is what Check reads: the policy in force, the day, whether the
// policy requires an application and the moment of the check.
type Input struct {
	Policy policy.Policy
	Day    Day
	Now    time.Time
	// NeedsApplication: the person's mode needs an approved application
	// (telework outside the office) and none holds the day.
	NeedsApplication bool
	// PriorOvertime is the end ("HH:MM") of the approved prior overtime
	// request covering the day ("" none): overtime and late-night work up
	// to then are prior-approved. A time at or before the start of work is
	// the next morning.
	PriorOvertime string
}

// Check returns the warnings for one day, in a fixed order. It is pure.
func Check(in Input) []Warning {
	d, h := in.Day, in.Policy.Hours
	var ws []Warning
	add := func(rule string, args map[string]any) { ws = append(ws, Warning{Rule: rule, Args: args}) }
	if d.Start.IsZero() {
		return nil
	}
	if in.NeedsApplication && d.ApplicationID == 0 {
		add(RuleNoApplication, map[string]any{"Date": d.Date.String()})
	}
	start := clock(d.Start)
	end := -1
	if !d.End.IsZero() {
		end = clock(d.End)
		if calendar.DateOf(d.End) != d.Date {
			end += 24 * 60
		}
	}
	// The window and the bans (時間外・深夜の禁止) are telework rules (在宅
	// 勤務における労務管理; 神戸市 「在宅勤務では時間外勤務は禁止」): a day at
	// the office (出勤) is outside the window's reach, and its overtime and
	// late-night work need the prior approval any overtime needs, not a
	// ban (a review found an office day flagged under a telework ban).
	telework := d.Mode != Office
	// A ban is not lifted by an approval: the application's flag and a
	// prior request count only where approval is what the rule asks. It
	// holds on a day known to be telework — a telework mode given, or an
	// application holding the day; a start 「申請のとおり」 with none says
	// nothing of where the work is, and its prior request was accepted as
	// for a day at the office (OvertimeService.banned).
	bans := telework && (d.Mode != "" || d.ApplicationID != 0)
	banned := bans && h.Overtime == "prohibited"
	nightBanned := bans && (h.NoLateNight || banned)
	if ws0, ok := hm(h.WindowStart); telework && ok && start < ws0 {
		add(RuleBeforeWindow, map[string]any{"Time": fmtHM(start), "Limit": h.WindowStart})
	}
	if we, ok := hm(h.WindowEnd); telework && ok && end > we {
		add(RuleAfterWindow, map[string]any{"Time": fmtHM(end), "Limit": h.WindowEnd})
	}
	if h.Flex && !d.PartDay {
		cs, ok1 := hm(h.CoreStart)
		ce, ok2 := hm(h.CoreEnd)
		if ok1 && ok2 && end >= 0 && (start > cs || end < ce) {
			add(RuleCoreNotCovered, map[string]any{"Start": fmtHM(start), "End": fmtHM(end), "CoreStart": h.CoreStart, "CoreEnd": h.CoreEnd})
		}
	}
	shiftStart, shiftEnd, shifted, hasShift := shift(h, start, d.PartDay)
	if end < 0 && StartsAtNight(d) && (nightBanned || h.Overtime != "allowed") {
		// Work begun in the late-night hours is late-night work from its
		// first minute: said at the start, not only at the end (when the
		// supervisor can no longer stop it).
		u, requested := hm(in.PriorOvertime)
		if requested && u <= start {
			u += 24 * 60
		}
		if nightBanned || !(d.OvertimeApproved || (requested && u > start)) {
			add(RuleLateNight, map[string]any{"Minutes": 0, "Start": fmtHM(start), "Prohibited": nightBanned})
		}
	}
	if end < 0 {
		limit, ok := hm(h.WindowEnd)
		if !ok {
			limit, ok = shiftEnd, hasShift
		}
		if !ok {
			limit, ok = hm(h.End)
		}
		if ok {
			// Work begun at or after the day's end (a start past 14:00
			// under hours ending then) has not missed that end: its end is
			// the next day's, and so is its cut-off.
			if start >= limit {
				limit += 24 * 60
			}
			cut := time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 0, limit, 0, 0, calendar.Tokyo).Add(Cutoff)
			if !in.Now.Before(cut) {
				// NextDay: the cut-off falls on the day after the work's day,
				// and the message says so (「翌日16:00」).
				add(RuleNoClockOut, map[string]any{"Cutoff": cut.In(calendar.Tokyo).Format("15:04"), "NextDay": calendar.DateOf(cut) != d.Date})
			}
		}
		return ws
	}
	// approved is the end of the prior-approved time (minutes of the day):
	// unbounded with the application's flag, the request's end with an
	// approved request, none otherwise — and none under a ban.
	const unbounded = 1 << 20
	approved, grant := -1, false
	u, requested := hm(in.PriorOvertime)
	switch {
	case banned:
	case d.OvertimeApproved:
		approved = unbounded
	case requested:
		if u <= start {
			u += 24 * 60
		}
		approved, grant = u, true
	}
	// Overtime is the time worked outside the day's shift: before its
	// start (早出) and after its end — only the part of [start, end) that
	// lies there, so work begun after the shift's end counts from its
	// start. The application's flag approves all of it; a prior overtime
	// request the evening up to its time.
	if hasShift && !h.Flex && approved < unbounded && (h.Overtime == "prohibited" || h.Overtime == "prior_approval") {
		early, late := max(min(end, shiftStart)-start, 0), 0
		if end > shiftEnd && end > approved {
			late = end - max(start, shiftEnd)
		}
		if grant && approved > shiftEnd && late > 0 {
			add(RuleOvertimeBeyond, map[string]any{"End": fmtHM(end), "Until": fmtHM(approved), "Minutes": end - approved})
			late = 0
		}
		if early+late > 0 {
			// Outside: all of the work lies outside the shift (begun after
			// its end, or ended before its start); the message names the
			// span rather than an end "N minutes over".
			add(RuleOvertime, map[string]any{"Start": fmtHM(start), "StandardStart": fmtHM(shiftStart), "Early": early,
				"End": fmtHM(end), "Standard": fmtHM(shiftEnd), "Late": late, "Minutes": early + late, "Staggered": shifted,
				"Outside": start >= shiftEnd || end <= shiftStart, "Prohibited": banned})
		}
	}
	brk := BreakMinutes(d)
	work := end - start - brk - hourlyMinutes(d)
	// Under flextime the hours of the day are the worker's to place:
	// overtime is the time worked beyond the day's standard length (as the
	// application's check counts it: hours.overtime_*), not the time
	// outside the standard hours. A prior request approves the work up to
	// its time.
	if hasShift && h.Flex && approved < unbounded && (h.Overtime == "prohibited" || h.Overtime == "prior_approval") {
		standard := shiftEnd - shiftStart - h.BreakMinutes
		// A day with no break recorded is measured with the policy's
		// break, as the application's check measures a plan without one
		// (a missing break is break_short's finding, not overtime).
		length := work
		if brk == 0 {
			length -= h.BreakMinutes
		}
		switch over := length - standard; {
		case over <= 0 || grant && end <= approved:
		case grant:
			add(RuleOvertimeBeyond, map[string]any{"End": fmtHM(end), "Until": fmtHM(approved), "Minutes": end - approved})
		default:
			add(RuleOvertime, map[string]any{"Flex": true, "Start": fmtHM(start), "End": fmtHM(end), "WorkH": length / 60, "WorkM": length % 60,
				"StandardH": standard / 60, "StandardM": standard % 60, "Minutes": over, "Prohibited": banned})
		}
	}
	night := lateNight(start, end)
	if !nightBanned && approved > start {
		night = lateNight(max(start, min(approved, end)), end) // the prior-approved part is no warning
	}
	if night > 0 && (nightBanned || h.Overtime != "allowed") {
		add(RuleLateNight, map[string]any{"Minutes": night, "Prohibited": nightBanned})
	}
	if work > LongHours {
		add(RuleLongHours, map[string]any{"WorkH": work / 60, "WorkM": work % 60, "LimitH": LongHours / 60, "LimitM": LongHours % 60})
	}
	if need := LegalBreak(work); brk < need {
		add(RuleBreakShort, map[string]any{"WorkH": work / 60, "WorkM": work % 60, "Break": brk, "Need": need})
	}
	return ws
}

// shift is the day's shift for work started at start (minutes of the
// day): the standard start to end; where the policy allows 時差勤務 (and
// no flextime), the standard length from the actual start instead
// (shifted). ok is false without standard hours.
func shift(h policy.Hours, start int, partDay bool) (from, to int, shifted, ok bool) {
	ss, ok1 := hm(h.Start)
	se, ok2 := hm(h.End)
	if !ok1 || !ok2 || se <= ss {
		return 0, 0, false, false
	}
	// A part day's start (an approved afternoon from 13:30) does not
	// stagger the day: the application's check reads it so too.
	if !h.Flex && !partDay && (h.StaggeredWork || len(h.Staggered) > 0) && start != ss {
		return start, start + se - ss, true, true
	}
	return ss, se, false, true
}

// newAtEnd is ws, the warnings of day d at its end, without those its
// start report told already: what the start alone decides (no
// application, a start before the window) is told once, at the start, and
// the end tells only what is new.
func newAtEnd(p policy.Policy, grants map[Grant]string, d Day, ws []Warning) []Warning {
	started := d
	started.End, started.Breaks = time.Time{}, nil
	told := map[string]bool{}
	for _, w := range warningsOf(p, grants, started, d.Start) {
		told[w.Rule] = true
	}
	var out []Warning
	for _, w := range ws {
		if !told[w.Rule] {
			out = append(out, w)
		}
	}
	return out
}

// LegalBreak is the rest break the Labour Standards Act (第34条) requires
// for work minutes of working time: 45 over 6 hours, 60 over 8 hours.
func LegalBreak(work int) int {
	switch {
	case work > 8*60:
		return 60
	case work > 6*60:
		return 45
	}
	return 0
}

// BreakMinutes is the day's finished rest breaks (not 中抜け), in minutes.
func BreakMinutes(d Day) int {
	n := 0
	for _, b := range d.Breaks {
		if !b.Hourly && !b.End.IsZero() {
			n += int(b.End.Sub(b.Start) / time.Minute)
		}
	}
	return n
}

func hourlyMinutes(d Day) int {
	n := 0
	for _, b := range d.Breaks {
		if b.Hourly && !b.End.IsZero() {
			n += int(b.End.Sub(b.Start) / time.Minute)
		}
	}
	return n
}

// WorkedMinutes is the day's working time (0 while working).
func WorkedMinutes(d Day) int {
	if d.Start.IsZero() || d.End.IsZero() {
		return 0
	}
	return int(d.End.Sub(d.Start)/time.Minute) - BreakMinutes(d) - hourlyMinutes(d)
}

// lateNight is the minutes of [start, end) within 22:00–05:00 (minutes of
// the day, end may pass midnight).
// StartsAtNight reports a day begun in the late-night hours (22:00–5:00).
func StartsAtNight(d Day) bool {
	m := clock(d.Start)
	return !d.Start.IsZero() && lateNight(m, m+1) > 0
}

func lateNight(start, end int) int {
	n := 0
	for _, r := range [][2]int{{0, 5 * 60}, {22 * 60, 29 * 60}, {46 * 60, 53 * 60}} {
		lo, hi := max(start, r[0]), min(end, r[1])
		if hi > lo {
			n += hi - lo
		}
	}
	return n
}

func clock(t time.Time) int { return calendar.MinuteOf(t) }

func hm(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

func fmtHM(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func fmtDur(m int) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }

// NightEnd is the end of the night (深夜, 22:00–5:00): until then, a day
// begun the evening before and not ended is still the person's day of now
// (apply.NightEnd, one boundary for the attendance record and the
// application's day).
const NightEnd = apply.NightEnd

// Current is the person's day at now among their days of yesterday and
// today (others ignored): today's when there is one, else, before NightEnd,
// yesterday's while it is still open — work past midnight. It is the day
// the day view, the board and the person's page show as today's, and the
// one a start before NightEnd continues. After NightEnd a day left open is
// a forgotten end, no longer shown as working (a review found a person
// "working" all the next day); an end or a break still reaches it
// (Service.openDay) until a new day begins.
func Current(days []Day, staffID int64, now time.Time) (Day, bool) {
	today := calendar.DateOf(now)
	night := clock(now) < NightEnd
	var y *Day
	for i := range days {
		switch d := &days[i]; {
		case d.StaffID != staffID:
		case d.Date == today:
			return *d, true
		case night && d.Date == today.AddDays(-1) && d.End.IsZero():
			y = d
		}
	}
	if y != nil {
		return *y, true
	}
	return Day{}, false
}

// asks are the rules whose message for the person says what to do next
// (worktime.rule.<rule>.ask): report the end, report the start, ask the
// supervisor. A supervisor reading the same warning is not told to do it.
var asks = map[string]bool{RuleNoApplication: true, RuleNoClockOut: true, RuleNoClockIn: true}

// Message is the warning as the person whose day it is reads it: the
// finding and, for some rules, what they are asked to do.
func (w Warning) Message(lang string) string {
	msg := w.Finding(lang)
	if !asks[w.Rule] {
		return msg
	}
	sep := " "
	if i18n.Normalize(lang) == "ja" {
		sep = "" // the finding ends with 。
	}
	return msg + sep + i18n.T(lang, "worktime.rule."+w.Rule+".ask", nil)
}

// Finding is the warning in lang (Japanese first) as others read it (the
// supervisor, the section's notices): the rule and its numbers. Args keep a
// time past midnight as the work day's own clock ("25:30", as a 勤務表
// writes it); the message reads it as the next day's 「翌1:30」 ("1:30 (next day)").
func (w Warning) Finding(lang string) string {
	args, copied := w.Args, false
	for k, v := range w.Args {
		m, ok := pastMidnight(v)
		if !ok {
			continue
		}
		if !copied {
			args, copied = maps.Clone(w.Args), true // the warning's own Args stay as they are
		}
		args[k] = i18n.T(lang, "worktime.next_day_time", map[string]any{"Time": fmtDur(m - 24*60)})
	}
	return i18n.T(lang, "worktime.rule."+w.Rule, args)
}

// pastMidnight reads an arg written by fmtHM for a time past midnight
// ("24:00" to "47:59"): its minutes from the work day's midnight.
func pastMidnight(v any) (int, bool) {
	s, ok := v.(string)
	if !ok || len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 24 || h > 47 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// PolicyOn is the policy in force on d among versions (the zero policy
// when none is).
func PolicyOn(versions []policy.Version, d calendar.Date) (policy.Policy, bool) {
	v, ok := policy.InForce(versions, d)
	return v.Policy, ok
}
