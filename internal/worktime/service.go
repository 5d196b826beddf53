package worktime

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/policy"
)

// Store is what the service reads and runs transactions on; internal/store
// implements it (the policy, staff and unit reads keep the store's names).
type Store interface {
	InWorktimeTx(ctx context.Context, fn func(Tx) error) error
	// FindWorktimeDays lists the days of these people (all of the tenant's
	// when staffIDs is empty) from..to inclusive, by date then staff.
	FindWorktimeDays(ctx context.Context, tenantID int64, staffIDs []int64, from, to calendar.Date) ([]Day, error)
	FindPolicyVersions(ctx context.Context, tenantID int64) ([]policy.Version, error)
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindStaff(ctx context.Context, tenantID int64, f org.StaffFilter) ([]*org.Staff, int, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	FindApplyHeads(ctx context.Context, tenantID int64, unitIDs []int64) ([]apply.Head, error)
	// FindWorktimeApplication returns the approved (or started)
	// application holding the person's day; NotFound when none.
	FindWorktimeApplication(ctx context.Context, tenantID, staffID int64, d calendar.Date) (DayApplication, error)
	OvertimeGrants // approved prior overtime requests (overtime.go)
	// FindOpenWorktimeDays lists the tenant's days from..to without an
	// end report (the sweep of missing end reports, sweep.go).
	FindOpenWorktimeDays(ctx context.Context, tenantID int64, from, to calendar.Date) ([]Day, error)
	// FindStartsMissing lists the tenant's approved telework days of day
	// with no start report and not yet told of (nostart.go).
	FindStartsMissing(ctx context.Context, tenantID int64, day calendar.Date) ([]MissingStart, error)
	FindTenants(ctx context.Context) ([]*org.Tenant, error)
	// ClaimJobRun claims one run of a periodic job; one caller wins.
	ClaimJobRun(ctx context.Context, job, key, node string) (bool, error)
	FinishJobRun(ctx context.Context, job, key string) error
}

// DayApplication is what a start takes from the day's application.
type DayApplication struct {
	ID   int64
	Mode policy.Mode
	// Place is the name of the place the application names — the
	// satellite office's (「東部支所」) — shown on the board as where the
	// person works; "" for home, whose mode says it (the place's code,
	// "satellite", told nothing: a review).
	Place            string
	OvertimeApproved bool
	// PartDay: the application is for 午前, 午後 or 時間単位 (Day.PartDay).
	PartDay bool
	// PresenceCheckerID is the 在席確認者 the application names (0: none),
	// told of the start and end (渋谷区: 「チャットで在席確認者へ」).
	PresenceCheckerID int64
}

// Tx is what one action reads and writes in its transaction.
type Tx interface {
	notify.Tx
	// apply.WorkTx lets the start and end move the day's application in
	// the attendance record's transaction.
	apply.WorkTx
	// NoteStartMissing marks an approved application day told of its
	// missing start report; false when it was already, or is no longer
	// approved (the person started meanwhile).
	NoteStartMissing(ctx context.Context, tenantID, applicationDayID int64, at time.Time) (bool, error)
	// FindWorktimeDay returns the person's day; NotFound when none.
	FindWorktimeDay(ctx context.Context, tenantID, staffID int64, d calendar.Date) (*Day, error)
	// InsertWorktimeDay writes a new day (setting ID and Version 1); a
	// duplicate error when the person's day exists.
	InsertWorktimeDay(ctx context.Context, tenantID int64, d *Day) error
	// UpdateWorktimeDay writes the day if its version is still version
	// (Conflict error.stale otherwise) and sets d.Version to the next.
	UpdateWorktimeDay(ctx context.Context, tenantID int64, d *Day, version int64) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
	// NoteNoClockOut marks the day as told of its missing end report in
	// the transaction: true for the one caller that marks it first (the
	// notice is then written once, with its notifications). The mark is
	// part of the day, so it survives a backup and restore.
	NoteNoClockOut(ctx context.Context, tenantID, dayID int64) (bool, error)
}

// Presence is told of clock-in (the boards are told; nothing is written:
// a person working shows as 連絡可能 until they set a state) and
// clock-out (オフライン); internal/presence implements it. Called after
// the commit.
type Presence interface {
	// ClockedIn: resumed says the day was ended and is started again.
	ClockedIn(ctx context.Context, tenantID, staffID int64, place string, resumed bool)
	ClockedOut(ctx context.Context, tenantID, staffID int64)
}

// DayMarker moves the day's application to started/finished inside the
// start's or end's transaction (apply.Service.MarkWorkIn): a refused
// transition is an *apperr.Error with nothing written.
type DayMarker interface {
	MarkWorkIn(ctx context.Context, tx apply.WorkTx, tenantID int64, who *auth.Principal, staffID, id int64, day calendar.Date, act apply.Action, at time.Time) error
}

// Notification kinds this area writes into the outbox (messages
// notify.<kind> in worktime.*.toml).
const (
	NotifyWarning = notify.WorktimeWarning // to the supervisor: a start or end with warnings
	// NotifyWarningSelf tells the person of warnings on their day raised
	// by someone else's entry or by the sweep of missing end reports.
	NotifyWarningSelf notify.Kind = "worktime_warning_self"
	// NotifyPresenceChecker tells the 在席確認者 named on the day's
	// application of the person's start or end report (at once, like the
	// report to the section: a fact that asks nobody to answer).
	NotifyPresenceChecker notify.Kind = "worktime_presence_checker"
)

func init() {
	notify.RegisterKind(NotifyWarningSelf, false)
	notify.RegisterKind(NotifyPresenceChecker, true)
}

// Service records starts, ends and breaks, and reads days with their
// warnings.
type Service struct {
	st       Store
	now      func() time.Time
	presence Presence
	marker   DayMarker
}

// NewService returns the service over st; now is the clock.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// SetHooks installs the presence and the application hooks (nil: none).
// Call at wiring time.
func (s *Service) SetHooks(p Presence, m DayMarker) { s.presence, s.marker = p, m }

// Office is working at the office (no application needed); the telework
// modes are policy.Modes.
const Office policy.Mode = "office"

// MaxLine is the longest plan, result or place (characters).
const MaxLine = 200

// Report is a start or an end: the optional one-line plan (start) or
// result (end), the mode and place (start).
type Report struct {
	Mode  policy.Mode
	Place string
	Plan  string
	// Result is the end's one-line result.
	Result string
	// At ("HH:MM", Tokyo; "" now) is the time a supervisor entering the
	// report for the person names: the start or end they reported by
	// phone (図表20), or the end of a day they forgot to close. Only an
	// entry on someone's behalf takes it (reportedAt).
	At string
	// BreakMinutes, at an end entered on someone's behalf, is the break
	// they reported taking that day by phone (their own breaks are
	// reported as they take them); nil: none said. Recorded only on a day
	// without breaks (placeBreak).
	BreakMinutes *int
}

func (r *Report) clean() error {
	var v apperr.Validation
	r.Place, r.Plan, r.Result = oneLine(r.Place), oneLine(r.Plan), oneLine(r.Result)
	for _, f := range []struct{ name, label, s string }{
		{"place", "fieldname.place", r.Place}, {"plan", "fieldname.plan", r.Plan}, {"result", "fieldname.worktime_result", r.Result}} {
		line(&v, f.name, f.s, map[string]any{"LabelKey": f.label})
	}
	if r.Mode != "" && r.Mode != Office && !slices.Contains(policy.Modes, r.Mode) {
		v.Add("mode", "field.choice", nil)
	}
	r.At = strings.TrimSpace(r.At)
	if m, ok := hm(r.At); r.At != "" && (!ok || m >= 24*60) {
		v.Add("time", "field.time_hm", nil)
	}
	if b := r.BreakMinutes; b != nil && (*b < 0 || *b > MaxReportedBreak) {
		v.Add("break_minutes", "field.range", map[string]any{"Min": 0, "Max": MaxReportedBreak})
	}
	return v.Err()
}

// MaxReportedBreak is the longest break a supervisor may enter for a day.
const MaxReportedBreak = 240

// placeBreak records at d's end the break of minutes the person reported
// by phone (Report.BreakMinutes), entered by a supervisor: from noon when
// the day holds it, else just before the end. Refused, naming the field
// break_minutes: the person's own entry (they report breaks as they take
// them), a day with breaks already recorded (the person's own count), and
// a break as long as the day.
func placeBreak(d *Day, minutes int, proxy int64) error {
	if proxy == 0 {
		return apperr.At(apperr.Invalid, "break_minutes", "worktime.break_proxy_only", nil)
	}
	if len(d.Breaks) > 0 {
		return apperr.At(apperr.Invalid, "break_minutes", "worktime.breaks_recorded", map[string]any{"Minutes": BreakMinutes(*d)})
	}
	if minutes == 0 {
		return nil
	}
	length := time.Duration(minutes) * time.Minute
	if d.End.Sub(d.Start) <= length {
		return apperr.At(apperr.Invalid, "break_minutes", "worktime.break_too_long",
			map[string]any{"Minutes": minutes, "Worked": int(d.End.Sub(d.Start) / time.Minute)})
	}
	start := time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 12, 0, 0, 0, calendar.Tokyo)
	if start.Before(d.Start) || start.Add(length).After(d.End) {
		start = d.End.Add(-length)
	}
	d.Breaks = append(d.Breaks, Break{Start: start, End: start.Add(length), Reported: true})
	return nil
}

// reportedAt is when a report took place: now, or the time r names on day
// for an entry on someone's behalf (proxy != 0) — the next day when it
// is not after after (an end past midnight). Refused, naming the field
// time: a time given by the person themselves (their reports are stamped
// by the server's clock), a time still to come, and an end a day or more
// after the start.
func reportedAt(r Report, proxy int64, day calendar.Date, after, now time.Time) (time.Time, error) {
	if r.At == "" {
		return now, nil
	}
	if proxy == 0 {
		return time.Time{}, apperr.At(apperr.Invalid, "time", "worktime.time_proxy_only", nil)
	}
	m, _ := hm(r.At)
	at := time.Date(day.Year, day.Month, day.Day, 0, m, 0, 0, calendar.Tokyo)
	moved := false
	if !after.IsZero() && !at.After(after) {
		at, moved = at.Add(24*time.Hour), true
	}
	switch {
	case moved && at.After(now):
		// An end at or before the start, read as the next day's, is still
		// to come: what was meant is an end before the start.
		return time.Time{}, apperr.At(apperr.Invalid, "time", "worktime.time_before_start", map[string]any{"Start": after.In(calendar.Tokyo).Format("15:04")})
	case at.After(now):
		return time.Time{}, apperr.At(apperr.Invalid, "time", "worktime.time_future", map[string]any{"Now": now.In(calendar.Tokyo).Format("15:04")})
	case !after.IsZero() && at.Sub(after) >= 24*time.Hour:
		return time.Time{}, apperr.At(apperr.Invalid, "time", "worktime.time_order", map[string]any{"Start": after.In(calendar.Tokyo).Format("15:04")})
	}
	return at, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// line checks a one-line text (a plan, a result, a reason): at most
// MaxLine characters and nothing invisible; label holds its LabelKey.
func line(v *apperr.Validation, field, s string, label map[string]any) {
	org.OptionalText(v, field, s, MaxLine, false, label)
}

// Outcome is a recorded start or end with the day's warnings.
type Outcome struct {
	Day      Day
	Warnings []Warning
	// Resumed: the start went back to work on a day already ended (a
	// page says 「勤務の再開を記録しました。」, not 「始業を記録しました。」).
	Resumed bool
	// Discarded: the break ended within the minute it began (a tap on
	// 休憩 taken back) and is not kept: a 0-minute 「18:10〜18:10」 said
	// nothing (a review).
	Discarded bool
}

// target resolves whom the action is for: the person themselves, or (by a
// supervisor over them, 図表20) someone else; proxy is then the actor's
// staff id.
func (s *Service) target(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64) (*org.Staff, int64, error) {
	if who == nil || who.StaffID == 0 || who.ReadOnly {
		return nil, 0, apperr.Forbid()
	}
	if staffID == 0 {
		staffID = who.StaffID
	}
	if own, ok := org.OwnRecord(who, tenantID, staffID); ok {
		return own, 0, nil
	}
	st, err := s.st.FindStaffByID(ctx, tenantID, staffID)
	if err != nil {
		return nil, 0, err
	}
	if staffID == who.StaffID {
		return st, 0, nil
	}
	ok, err := s.oversees(ctx, tenantID, who, st)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, apperr.NotFoundErr("staff")
	}
	return st, who.StaffID, nil
}

// oversees: a supervisor whose unit holds the person's unit.
func (s *Service) oversees(ctx context.Context, tenantID int64, who *auth.Principal, st *org.Staff) (bool, error) {
	if !who.Has(auth.Supervisor) || who.UnitID == 0 {
		return false, nil
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return false, err
	}
	return org.NewTree(units).IsWithin(st.UnitID, who.UnitID), nil
}

func (s *Service) policyOn(ctx context.Context, tenantID int64, d calendar.Date) (policy.Policy, error) {
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return policy.Policy{}, err
	}
	v, _ := policy.InForce(vs, d)
	return v.Policy, nil
}

// NeedsApplication reports whether working in mode needs an approved
// application under p: any mode but the office, when the policy has a
// deadline for submission or approval (an application system). An
// unspecified mode ("": 申請のとおり) is no exemption: without an
// application it says nothing about where the person works, and only a
// start declared as office work (出勤) needs no application.
func NeedsApplication(p policy.Policy, mode policy.Mode) bool {
	return mode != Office && p.Deadline.On != "" && p.Deadline.On != "none"
}

// warningsOf is the one computation of a day's warnings as of now: the
// answers of the start, the end and the breaks, the lists and the sweep
// of missing end reports all read it. p is the policy in force on the
// day, grants the approved prior overtime requests (nil: none read).
func warningsOf(p policy.Policy, grants map[Grant]string, d Day, now time.Time) []Warning {
	return Check(Input{Policy: p, Day: d, Now: now, NeedsApplication: NeedsApplication(p, d.Mode),
		PriorOvertime: grants[Grant{d.StaffID, d.Date}]})
}

// Start records the start of the day (始業報告) at the server's clock for
// staffID (0: the signed-in person; another: a supervisor entering it on
// their behalf). Never refused for lack of an application: it is flagged
// for the supervisor instead. A start after the day's end report resumes
// the day (Day.resume): working time must always be recordable.
func (s *Service) Start(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64, r Report) (*Outcome, error) {
	if err := r.clean(); err != nil {
		return nil, err
	}
	if r.BreakMinutes != nil {
		return nil, apperr.At(apperr.Invalid, "break_minutes", "worktime.break_at_end", nil)
	}
	st, proxy, err := s.target(ctx, tenantID, who, staffID)
	if err != nil {
		return nil, err
	}
	// A start reported by phone begins when the person said, today.
	wall := s.now()
	now, err := reportedAt(r, proxy, calendar.DateOf(wall), time.Time{}, wall)
	if err != nil {
		return nil, err
	}
	p, err := s.policyOn(ctx, tenantID, calendar.DateOf(now))
	if err != nil {
		return nil, err
	}
	var out *Outcome
	err = retryStale(func() error {
		out, err = s.startOnce(ctx, tenantID, who, st, p, now, proxy, r)
		return err
	})
	return out, err
}

// startOnce is one attempt of Start. The common case first: a new day,
// inserted. Only when the day is there already (a start after an end
// report) is it read and resumed, so a morning start costs no read of its
// own day.
func (s *Service) startOnce(ctx context.Context, tenantID int64, who *auth.Principal, st *org.Staff, p policy.Policy, now time.Time,
	proxy int64, r Report) (*Outcome, error) {
	if clock(now) < NightEnd {
		// Before 5:00, the end of the night, a start while yesterday's day
		// is still open (work past midnight) continues that day, as an end
		// or a break would, rather than leaving it open for good beside a
		// new one (a review). After, it begins today's day: a forgotten end
		// stays yesterday's, flagged for the supervisor.
		today := calendar.DateOf(now)
		days, err := s.st.FindWorktimeDays(ctx, tenantID, []int64{st.ID}, today.AddDays(-1), today)
		if err != nil {
			return nil, err
		}
		if d, ok := Current(days, st.ID, now); ok && d.Date != today {
			return nil, &apperr.Error{Code: apperr.Conflict, Key: "worktime.still_working",
				Args: map[string]any{"Date": d.Date.String(), "Until": fmtHM(NightEnd)}}
		}
	}
	d, checker, err := s.newDay(ctx, tenantID, st.ID, now, proxy, r)
	if err != nil {
		return nil, err
	}
	out, err := s.start(ctx, tenantID, who, st, p, d, nil, now, checker)
	if !errors.Is(err, errDayExists) {
		return out, err
	}
	prev, err := s.st.FindWorktimeDays(ctx, tenantID, []int64{st.ID}, d.Date, d.Date)
	if err != nil {
		return nil, err
	}
	if len(prev) == 0 || prev[0].End.IsZero() {
		return nil, apperr.New(apperr.Conflict, "worktime.already_started")
	}
	before := prev[0]
	ended := before.End.In(calendar.Tokyo).Format("15:04")
	switch {
	case r.At != "" && !now.After(before.End):
		// A start told by phone at a time before the recorded end is not a
		// resumption: it would erase the end report.
		var v apperr.Validation
		v.Add("time", "worktime.start_before_end", map[string]any{"End": ended})
		return nil, v.Err()
	case r.At == "" && now.Sub(before.End) < JustEnded:
		// A start sent with (or just after) the end — a double tap, a
		// retry — is not taken as going back to work.
		return nil, &apperr.Error{Code: apperr.Conflict, Key: "worktime.just_ended",
			Args: map[string]any{"End": ended, "Seconds": int(JustEnded / time.Second)}}
	}
	d = before
	d.resume(now, r)
	return s.start(ctx, tenantID, who, st, p, d, &before, now, checker)
}

// JustEnded is how soon after the end a start is refused rather than taken
// as resuming the day.
const JustEnded = 10 * time.Second

// staleTries bounds how often an action is run again on a day that changed
// under it.
const staleTries = 8

// retryStale runs one attempt of a start, end or break again while it
// fails because the day it read changed before it wrote (a concurrent
// start, end or break by the person or by their supervisor on their
// behalf). The version was read by the service, not sent by the caller, so
// the caller has no stale screen to reload: the answer must be the day's
// state as it is now (200, or the 409 that names it, such as
// worktime.already_started), never error.stale (412). Each run re-reads
// the day and decides again; the bound keeps a pathological race finite.
func retryStale(attempt func() error) error {
	var err error
	for range staleTries {
		if err = attempt(); !apperr.IsStale(err) {
			return err
		}
	}
	return err
}

// errDayExists is start's answer when the day it inserts is there already.
var errDayExists = errors.New("worktime: the day has a record already")

// start writes a start report: a new day (before nil) or the resumption
// of an ended one (before: the day as read), with its audit entry, its
// notes and, for a new day, the application's start.
func (s *Service) start(ctx context.Context, tenantID int64, who *auth.Principal, st *org.Staff, p policy.Policy, d Day, before *Day,
	now time.Time, checker int64) (*Outcome, error) {
	// The prior overtime approvals are read only for a start in the
	// late-night hours, the one start they can change.
	var grants map[Grant]string
	if StartsAtNight(d) {
		var err error
		if grants, err = s.st.FindOvertimeGrants(ctx, tenantID, []int64{st.ID}, d.Date.AddDays(-1), d.Date); err != nil {
			return nil, err
		}
	}
	ws := warningsOf(p, grants, d, now)
	var heads []apply.Head
	if len(ws) > 0 {
		// Read before the transaction: on SQLite a read on another
		// connection inside a write transaction starves the pool.
		var err error
		if heads, err = s.st.FindApplyHeads(ctx, tenantID, []int64{st.UnitID}); err != nil {
			return nil, err
		}
	}
	// The notes are made before the transaction (their messages are
	// rendered in both languages): on SQLite the transaction is the one
	// writer's time.
	told := d
	if before != nil {
		told.Start = now // a resumption tells the time work starts again
	}
	notes := reportNotes(who.StaffID, st, heads, told, ws, false, checker)
	err := s.st.InWorktimeTx(ctx, func(tx Tx) error {
		change := audit.Change{Action: "worktime.start", ObjectType: "worktime_day"}
		if before != nil {
			// The version read guards the day: a concurrent end, break or
			// resume makes this one stale.
			if err := tx.UpdateWorktimeDay(ctx, tenantID, &d, before.Version); err != nil {
				return err
			}
			change.Action, change.Before = "worktime.resume", before.AuditView()
		} else if err := tx.InsertWorktimeDay(ctx, tenantID, &d); err != nil {
			if apperr.IsDuplicate(err) {
				return errDayExists
			}
			return err
		}
		change.ObjectID, change.After = strconv.FormatInt(d.ID, 10), d.AuditView()
		if err := tx.Audit(ctx, tenantID, auth.ActorOf(who), change); err != nil {
			return err
		}
		if err := tx.InsertNotifications(ctx, tenantID, notes); err != nil {
			return err
		}
		if before != nil {
			return nil // the application stays finished: one day, one application state
		}
		return s.markIn(ctx, tx, tenantID, who, d, apply.ActStart)
	})
	if err != nil {
		return nil, err
	}
	s.after(ctx, tenantID, d, apply.ActStart, before != nil)
	return &Outcome{Day: d, Warnings: ws, Resumed: before != nil}, nil
}

// newDay is a fresh day started now, taking the mode and place not given
// from the day's approved application, and the 在席確認者 that application
// names (0: none).
func (s *Service) newDay(ctx context.Context, tenantID, staffID int64, now time.Time, proxy int64, r Report) (Day, int64, error) {
	var checker int64
	d := Day{StaffID: staffID, Date: calendar.DateOf(now), Start: now, Mode: r.Mode, Place: r.Place, Plan: r.Plan, StartProxy: proxy}
	a, err := s.st.FindWorktimeApplication(ctx, tenantID, staffID, d.Date)
	switch {
	case err == nil:
		checker = a.PresenceCheckerID
		d.ApplicationID, d.OvertimeApproved, d.PartDay = a.ID, a.OvertimeApproved, a.PartDay
		if d.Mode == "" {
			d.Mode = a.Mode
		}
		if d.Place == "" {
			d.Place = oneLine(a.Place)
		}
	case apperr.CodeOf(err) != apperr.NotFound:
		return d, 0, err
	}
	return d, checker, nil
}

// resume reopens a day ended earlier the same day: the time between the
// end and now becomes a rest break (not working time; the earlier end
// stays in the audit log and in the break), the end is cleared until the
// next end report, and a mode, place or plan given replaces the day's.
func (d *Day) resume(now time.Time, r Report) {
	if now.After(d.End) {
		d.Breaks = append(d.Breaks, Break{Start: d.End, End: now})
	}
	d.End, d.EndProxy = time.Time{}, 0
	d.apply(r)
	if r.Plan != "" {
		d.Plan = r.Plan
	}
}

// apply takes the mode and place a report gives (an empty one keeps the
// day's).
func (d *Day) apply(r Report) {
	if r.Mode != "" {
		d.Mode = r.Mode
	}
	if r.Place != "" {
		d.Place = r.Place
	}
}

// End records the end of the day (終業報告) at the server's clock. A mode
// or place given corrects the day's (the person moved, say, from home to
// the office); a result given replaces the day's.
func (s *Service) End(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64, r Report) (*Outcome, error) {
	if err := r.clean(); err != nil {
		return nil, err
	}
	st, proxy, err := s.target(ctx, tenantID, who, staffID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	heads, err := s.st.FindApplyHeads(ctx, tenantID, []int64{st.UnitID})
	if err != nil {
		return nil, err
	}
	grants, err := s.st.FindOvertimeGrants(ctx, tenantID, []int64{st.ID}, calendar.DateOf(now).AddDays(-1), calendar.DateOf(now))
	if err != nil {
		return nil, err
	}
	// The 在席確認者 of today's application, told when the day ending is
	// that application's.
	app, err := s.st.FindWorktimeApplication(ctx, tenantID, st.ID, calendar.DateOf(now))
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return nil, err
	}
	var out Outcome
	err = retryStale(func() error {
		return s.st.InWorktimeTx(ctx, func(tx Tx) error {
			d, before, err := s.dayToChange(ctx, tx, tenantID, st.ID, now)
			if err != nil {
				return err
			}
			end, err := reportedAt(r, proxy, d.Date, d.Start, now)
			if err != nil {
				return err
			}
			d.End, d.EndProxy = end, proxy
			if r.BreakMinutes != nil {
				if err := placeBreak(d, *r.BreakMinutes, proxy); err != nil {
					return err
				}
			}
			d.apply(r)
			if r.Result != "" {
				d.Result = r.Result
			}
			for i := range d.Breaks {
				if d.Breaks[i].End.IsZero() {
					// An end reported before the break began closes it
					// where it began (no negative break).
					d.Breaks[i].End = end
					if end.Before(d.Breaks[i].Start) {
						d.Breaks[i].End = d.Breaks[i].Start
					}
				}
			}
			if err := tx.UpdateWorktimeDay(ctx, tenantID, d, d.Version); err != nil {
				return err
			}
			if err := tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "worktime.end", ObjectType: "worktime_day",
				ObjectID: strconv.FormatInt(d.ID, 10), Before: before, After: d.AuditView()}); err != nil {
				return err
			}
			p, _ := PolicyOn(vs, d.Date)
			out = Outcome{Day: *d, Warnings: warningsOf(p, grants, *d, now)}
			var checker int64
			if app.ID != 0 && app.ID == d.ApplicationID {
				checker = app.PresenceCheckerID
			}
			if err := tx.InsertNotifications(ctx, tenantID, reportNotes(who.StaffID, st, heads, *d, newAtEnd(p, grants, *d, out.Warnings), true, checker)); err != nil {
				return err
			}
			return s.markIn(ctx, tx, tenantID, who, *d, apply.ActFinish)
		})
	})
	if err != nil {
		return nil, err
	}
	s.after(ctx, tenantID, out.Day, apply.ActFinish, false)
	return &out, nil
}

// dayToChange is the open day an end or a break changes, with its audit
// view before the change; a day already ended is a conflict.
func (s *Service) dayToChange(ctx context.Context, tx Tx, tenantID, staffID int64, now time.Time) (*Day, map[string]any, error) {
	d, err := s.openDay(ctx, tx, tenantID, staffID, now)
	if err != nil {
		return nil, nil, err
	}
	if !d.End.IsZero() {
		return nil, nil, apperr.New(apperr.Conflict, "worktime.already_ended")
	}
	return d, d.AuditView(), nil
}

// openDay is today's day, or yesterday's while it is still open (work
// past midnight).
func (s *Service) openDay(ctx context.Context, tx Tx, tenantID, staffID int64, now time.Time) (*Day, error) {
	today := calendar.DateOf(now)
	d, err := tx.FindWorktimeDay(ctx, tenantID, staffID, today)
	if apperr.CodeOf(err) == apperr.NotFound {
		y, err2 := tx.FindWorktimeDay(ctx, tenantID, staffID, today.AddDays(-1))
		if err2 == nil && y.End.IsZero() {
			return y, nil
		}
		return nil, apperr.New(apperr.Conflict, "worktime.not_started")
	}
	return d, err
}

// Break starts (start true) or ends a break; hourly marks a 中抜け taken
// as hourly annual leave, allowed when the policy says so. The outcome
// carries the day's warnings as the lists show them.
func (s *Service) Break(ctx context.Context, tenantID int64, who *auth.Principal, start, hourly bool) (*Outcome, error) {
	st, _, err := s.target(ctx, tenantID, who, 0)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if hourly && start {
		p, err := s.policyOn(ctx, tenantID, calendar.DateOf(now))
		if err != nil {
			return nil, err
		}
		if p.MidDayBreak != "hourly_leave" && p.MidDayBreak != "allowed" {
			return nil, apperr.New(apperr.Invalid, "worktime.hourly_not_allowed")
		}
	}
	var out Day
	discarded := false
	err = retryStale(func() error {
		return s.st.InWorktimeTx(ctx, func(tx Tx) error {
			d, before, err := s.dayToChange(ctx, tx, tenantID, st.ID, now)
			if err != nil {
				return err
			}
			open := slices.IndexFunc(d.Breaks, func(b Break) bool { return b.End.IsZero() })
			discarded = false
			switch {
			case start && open >= 0:
				return apperr.New(apperr.Conflict, "worktime.on_break")
			case start:
				d.Breaks = append(d.Breaks, Break{Start: now, Hourly: hourly})
			case open < 0:
				return apperr.New(apperr.Conflict, "worktime.no_break")
			case now.Sub(d.Breaks[open].Start) < time.Minute:
				d.Breaks, discarded = slices.Delete(d.Breaks, open, open+1), true
			default:
				d.Breaks[open].End = now
			}
			if err := tx.UpdateWorktimeDay(ctx, tenantID, d, d.Version); err != nil {
				return err
			}
			out = *d
			return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "worktime.break", ObjectType: "worktime_day",
				ObjectID: strconv.FormatInt(d.ID, 10), Before: before, After: d.AuditView()})
		})
	})
	if err != nil {
		return nil, err
	}
	views, err := s.views(ctx, tenantID, []Day{out})
	if err != nil {
		return nil, err
	}
	return &Outcome{Day: out, Warnings: views[0].Warnings, Discarded: discarded}, nil
}

// flag tells of a day's warnings, naming each rule with its numbers: one
// notification to each head of the person's unit and, unless the person
// made the entry themselves (they see the warnings in the answer), one to
// the person — a supervisor's entry on their behalf or the sweep of
// missing end reports (actor 0) raised them.
func (s *Service) flag(ctx context.Context, tx Tx, tenantID, actor int64, st *org.Staff, heads []apply.Head, d Day, ws []Warning) error {
	ns := warningNotes(actor, st, heads, d, ws)
	if len(ns) == 0 {
		return nil
	}
	return tx.InsertNotifications(ctx, tenantID, ns)
}

// reportNotes are a start or end report's notifications, written in one
// statement: its warnings (warningNotes), the report itself for the
// section's chat channel (notify.WorkReport: name and time only) and, when
// the day's application names a 在席確認者 (checker; 0 none), the same
// report to them, linked to the application they may read.
func reportNotes(actor int64, st *org.Staff, heads []apply.Head, d Day, ws []Warning, end bool, checker int64) []notify.Notification {
	at, proxy := d.Start, d.StartProxy
	if end {
		at, proxy = d.End, d.EndProxy
	}
	rep := notify.WorkReport(st.ID, st.Name, at, end, proxy != 0)
	ns := append(warningNotes(actor, st, heads, d, ws), rep)
	if checker != 0 && checker != st.ID && d.ApplicationID != 0 {
		n := rep
		n.StaffID, n.Kind, n.ApplicationID = checker, NotifyPresenceChecker, d.ApplicationID
		n.Args = map[string]any{"Name": st.Name, "Time": rep.Args["Time"], "Proxy": proxy != 0, "End": end}
		ns = append(ns, n)
	}
	return ns
}

// warningNotes are the notifications of a day's warnings: to the heads of
// the person's unit, and to the person when someone else (a supervisor, a
// job) raised them.
func warningNotes(actor int64, st *org.Staff, heads []apply.Head, d Day, ws []Warning) []notify.Notification {
	if len(ws) == 0 {
		return nil
	}
	var ns []notify.Notification
	args := warningArgs(st.Name, d, ws, Warning.Finding)
	for _, h := range heads {
		if h.StaffID != st.ID {
			ns = append(ns, notify.New(h.StaffID, NotifyWarning, d.ApplicationID, args))
		}
	}
	if actor != st.ID {
		ns = append(ns, notify.New(st.ID, NotifyWarningSelf, d.ApplicationID, warningArgs(st.Name, d, ws, Warning.Message)))
	}
	return ns
}

// warningArgs fills a warning notification. A notification is rendered
// from its kind and args (in the app, by e-mail, in the chat), so the
// rules with their numbers travel as Details: the warnings' own messages
// (Warning.Message, as the API shows them) in each language, keyed by
// language, for the message to pick its own: text is Warning.Message for
// the person, Warning.Finding for the others (not asked to report the end).
func warningArgs(name string, d Day, ws []Warning, text func(Warning, string) string) map[string]any {
	rules := make([]string, len(ws))
	for i, w := range ws {
		rules[i] = w.Rule
	}
	details := map[string]any{}
	for _, lang := range i18n.Langs {
		msgs := make([]string, len(ws))
		for i, w := range ws {
			msgs[i] = text(w, lang)
		}
		sep := " "
		if lang == "ja" {
			sep = "" // each message ends with 。
		}
		details[lang] = strings.Join(msgs, sep)
	}
	return map[string]any{"Name": name, "Dates": d.Date.String(), "Count": len(ws), "Rules": strings.Join(rules, ","), "Details": details}
}

// markIn moves the day's application (started / finished) in the
// attendance record's transaction: the person's own report, or the one a
// supervisor entered for them (target has found that supervisor over
// them) — a start given by phone is the person's start, and the end that
// follows it moves the day on as well (a review found both left 実施中).
// A refused transition is no error: the attendance record stands whatever
// the application's state.
func (s *Service) markIn(ctx context.Context, tx Tx, tenantID int64, who *auth.Principal, d Day, act apply.Action) error {
	if s.marker == nil || d.ApplicationID == 0 {
		return nil
	}
	at := d.Start
	if act == apply.ActFinish {
		at = d.End
	}
	err := s.marker.MarkWorkIn(ctx, tx, tenantID, who, d.StaffID, d.ApplicationID, d.Date, act, at)
	// The refusals (not found, not the person's, the day's state, a stale
	// version) come before anything is written, so the day can stand
	// alone; a database error fails the start as any other.
	if apperr.As(err) != nil {
		return nil
	}
	return err
}

// after tells the boards of the clock-in or clock-out, after the commit.
func (s *Service) after(ctx context.Context, tenantID int64, d Day, act apply.Action, resumed bool) {
	if s.presence != nil {
		if act == apply.ActStart {
			s.presence.ClockedIn(ctx, tenantID, d.StaffID, d.Place, resumed)
		} else {
			s.presence.ClockedOut(ctx, tenantID, d.StaffID)
		}
	}
}

// AuditView is what the audit log shows of a day: times (the breaks'
// too: a break's start and end are the change a break report makes), mode,
// who entered it; not the free-text plan, result or place (their length
// only).
func (d Day) AuditView() map[string]any {
	breaks := make([]map[string]any, len(d.Breaks))
	for i, b := range d.Breaks {
		breaks[i] = map[string]any{"start": hhmm(b.Start), "end": hhmm(b.End)}
		if b.Hourly {
			breaks[i]["hourly_leave"] = true
		}
		if b.Reported {
			breaks[i]["reported"] = true
		}
	}
	v := map[string]any{"staff_id": d.StaffID, "date": d.Date.String(), "start": hhmm(d.Start), "mode": string(d.Mode),
		"place_chars": utf8.RuneCountInString(d.Place), "plan_chars": utf8.RuneCountInString(d.Plan), "breaks": breaks}
	if !d.End.IsZero() {
		v["end"] = hhmm(d.End)
		v["result_chars"] = utf8.RuneCountInString(d.Result)
	}
	if d.StartProxy != 0 {
		v["start_by_proxy"] = d.StartProxy
	}
	if d.EndProxy != 0 {
		v["end_by_proxy"] = d.EndProxy
	}
	return v
}

func hhmm(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Tokyo).Format("15:04")
}

// ForApplication is a start (apply.ActStart) or an end (apply.ActFinish)
// reported on the person's own application a through the applications API
// (POST /api/v1/applications/{id}/start|finish): the attendance record's
// start or end, which moves the application's day in the same transaction
// — a review found these actions moving the application alone, so that the
// board showed the person not started and the two records held two ends.
// day zero is the day of now (a finish before 5:00, last night's). The
// refusals the application's own action gave (another person's, a day not
// in it, not today, a state the action does not leave) come before
// anything is written.
func (s *Service) ForApplication(ctx context.Context, tenantID int64, who *auth.Principal, a *apply.Application, day calendar.Date, act apply.Action) error {
	if a == nil || who == nil || a.StaffID == 0 {
		return apperr.NotFoundErr("application")
	}
	if a.StaffID != who.StaffID {
		// a is one the caller has read (the approver, HR): only the
		// applicant starts or finishes it, as only they withdraw it.
		return &apperr.Error{Code: apperr.Forbidden, Key: "apply.applicant_only"}
	}
	now := s.now()
	i, _, err := apply.MarkableDay(a, act, day, now)
	if err != nil {
		return err
	}
	day = a.Days[i].Date
	// The attendance record starts the day's first application and ends the
	// day open now: another application (午前 and 午後 on one day) or another
	// day (yesterday's, with today's begun) is not this action's — refused,
	// rather than answered 200 having moved the other one (a review).
	if act == apply.ActStart {
		first, err := s.st.FindWorktimeApplication(ctx, tenantID, a.StaffID, day)
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		if first.ID != 0 && first.ID != a.ID {
			return &apperr.Error{Code: apperr.Conflict, Key: "apply.mark_other_application", Args: map[string]any{"ID": first.ID}}
		}
	} else {
		days, err := s.st.FindWorktimeDays(ctx, tenantID, []int64{a.StaffID}, calendar.DateOf(now).AddDays(-1), calendar.DateOf(now))
		if err != nil {
			return err
		}
		if open, ok := Current(days, a.StaffID, now); ok && (open.Date != day || (open.ApplicationID != 0 && open.ApplicationID != a.ID)) {
			return &apperr.Error{Code: apperr.Conflict, Key: "apply.finish_other_day", Args: map[string]any{"Date": open.Date.String()}}
		}
	}
	if act == apply.ActStart {
		_, err = s.Start(ctx, tenantID, who, 0, Report{})
	} else {
		_, err = s.End(ctx, tenantID, who, 0, Report{})
	}
	return err
}
