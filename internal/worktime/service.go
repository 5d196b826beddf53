package worktime

import (
	"context"
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
}

// DayApplication is what a start takes from the day's application.
type DayApplication struct {
	ID               int64
	Mode             policy.Mode
	Place            string
	OvertimeApproved bool
}

// Tx is what one action reads and writes in its transaction.
type Tx interface {
	notify.Tx
	// apply.WorkTx lets the start and end move the day's application in
	// the attendance record's transaction.
	apply.WorkTx
	// FindWorktimeDay returns the person's day; NotFound when none.
	FindWorktimeDay(ctx context.Context, tenantID, staffID int64, d calendar.Date) (*Day, error)
	// InsertWorktimeDay writes a new day (setting ID and Version 1); a
	// duplicate error when the person's day exists.
	InsertWorktimeDay(ctx context.Context, tenantID int64, d *Day) error
	// UpdateWorktimeDay writes the day if its version is still version
	// (Conflict error.stale otherwise) and sets d.Version to the next.
	UpdateWorktimeDay(ctx context.Context, tenantID int64, d *Day, version int64) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Presence is told of clock-in (the boards are told; nothing is written:
// a person working shows as 連絡可能 until they set a state) and
// clock-out (オフライン); internal/presence implements it. Called after
// the commit.
type Presence interface {
	ClockedIn(ctx context.Context, tenantID, staffID int64, place string)
	ClockedOut(ctx context.Context, tenantID, staffID int64)
}

// DayMarker moves the day's application to started/finished inside the
// start's or end's transaction (apply.Service.MarkWorkIn): a refused
// transition is an *apperr.Error with nothing written.
type DayMarker interface {
	MarkWorkIn(ctx context.Context, tx apply.WorkTx, tenantID int64, who *auth.Principal, id int64, act apply.Action, at time.Time) error
}

// Notification kinds this area writes into the outbox (messages
// notify.<kind> in worktime.*.toml).
const (
	NotifyWarning = notify.WorktimeWarning // to the supervisor: a start or end with warnings
)

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
}

func (r *Report) clean() error {
	var v apperr.Validation
	r.Place, r.Plan, r.Result = oneLine(r.Place), oneLine(r.Plan), oneLine(r.Result)
	for f, x := range map[string]string{"place": r.Place, "plan": r.Plan, "worktime_result": r.Result} {
		if utf8.RuneCountInString(x) > MaxLine {
			v.Add(f, "field.too_long", map[string]any{"Max": MaxLine})
		}
	}
	if r.Mode != "" && r.Mode != Office && !slices.Contains(policy.Modes, r.Mode) {
		v.Add("mode", "field.choice", nil)
	}
	return v.Err()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Outcome is a recorded start or end with the day's warnings.
type Outcome struct {
	Day      Day
	Warnings []Warning
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
// deadline for submission or approval (an application system).
func NeedsApplication(p policy.Policy, mode policy.Mode) bool {
	return mode != "" && mode != Office && p.Deadline.On != "" && p.Deadline.On != "none"
}

// Start records the start of the day (始業報告) at the server's clock for
// staffID (0: the signed-in person; another: a supervisor entering it on
// their behalf). Never refused for lack of an application: it is flagged
// for the supervisor instead.
func (s *Service) Start(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64, r Report) (*Outcome, error) {
	if err := r.clean(); err != nil {
		return nil, err
	}
	st, proxy, err := s.target(ctx, tenantID, who, staffID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	date := calendar.DateOf(now)
	p, err := s.policyOn(ctx, tenantID, date)
	if err != nil {
		return nil, err
	}
	d := Day{StaffID: st.ID, Date: date, Start: now, Mode: r.Mode, Place: r.Place, Plan: r.Plan, StartProxy: proxy}
	a, err := s.st.FindWorktimeApplication(ctx, tenantID, st.ID, date)
	switch {
	case err == nil:
		d.ApplicationID, d.OvertimeApproved = a.ID, a.OvertimeApproved
		if d.Mode == "" {
			d.Mode = a.Mode
		}
		if d.Place == "" {
			d.Place = oneLine(a.Place)
		}
	case apperr.CodeOf(err) != apperr.NotFound:
		return nil, err
	}
	ws := Check(Input{Policy: p, Day: d, Now: now, NeedsApplication: NeedsApplication(p, d.Mode)})
	var heads []apply.Head
	if len(ws) > 0 {
		// Read before the transaction: on SQLite a read on another
		// connection inside a write transaction starves the pool.
		if heads, err = s.st.FindApplyHeads(ctx, tenantID, []int64{st.UnitID}); err != nil {
			return nil, err
		}
	}
	err = s.st.InWorktimeTx(ctx, func(tx Tx) error {
		if err := tx.InsertWorktimeDay(ctx, tenantID, &d); err != nil {
			if apperr.IsDuplicate(err) {
				return apperr.New(apperr.Conflict, "worktime.already_started")
			}
			return err
		}
		if err := tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "worktime.start", ObjectType: "worktime_day",
			ObjectID: strconv.FormatInt(d.ID, 10), After: d.AuditView()}); err != nil {
			return err
		}
		if err := s.flag(ctx, tx, tenantID, st, heads, d, ws); err != nil {
			return err
		}
		return s.markIn(ctx, tx, tenantID, who, d, apply.ActStart)
	})
	if err != nil {
		return nil, err
	}
	s.after(ctx, tenantID, d, apply.ActStart)
	return &Outcome{Day: d, Warnings: ws}, nil
}

// End records the end of the day (終業報告) at the server's clock.
func (s *Service) End(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64, r Report) (*Outcome, error) {
	if err := r.clean(); err != nil {
		return nil, err
	}
	st, proxy, err := s.target(ctx, tenantID, who, staffID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p, err := s.policyOn(ctx, tenantID, calendar.DateOf(now))
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
	var out Outcome
	err = s.st.InWorktimeTx(ctx, func(tx Tx) error {
		d, err := s.openDay(ctx, tx, tenantID, st.ID, now)
		if err != nil {
			return err
		}
		if !d.End.IsZero() {
			return apperr.New(apperr.Conflict, "worktime.already_ended")
		}
		before := d.AuditView()
		d.End, d.Result, d.EndProxy = now, r.Result, proxy
		for i := range d.Breaks {
			if d.Breaks[i].End.IsZero() {
				d.Breaks[i].End = now
			}
		}
		if err := tx.UpdateWorktimeDay(ctx, tenantID, d, d.Version); err != nil {
			return err
		}
		if err := tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "worktime.end", ObjectType: "worktime_day",
			ObjectID: strconv.FormatInt(d.ID, 10), Before: before, After: d.AuditView()}); err != nil {
			return err
		}
		out = Outcome{Day: *d, Warnings: Check(Input{Policy: p, Day: *d, Now: now, NeedsApplication: NeedsApplication(p, d.Mode),
			PriorOvertime: grants[Grant{d.StaffID, d.Date}]})}
		if err := s.flag(ctx, tx, tenantID, st, heads, *d, out.Warnings); err != nil {
			return err
		}
		return s.markIn(ctx, tx, tenantID, who, *d, apply.ActFinish)
	})
	if err != nil {
		return nil, err
	}
	s.after(ctx, tenantID, out.Day, apply.ActFinish)
	return &out, nil
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
// as hourly annual leave, allowed when the policy says so.
func (s *Service) Break(ctx context.Context, tenantID int64, who *auth.Principal, start, hourly bool) (*Day, error) {
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
	err = s.st.InWorktimeTx(ctx, func(tx Tx) error {
		d, err := s.openDay(ctx, tx, tenantID, st.ID, now)
		if err != nil {
			return err
		}
		if !d.End.IsZero() {
			return apperr.New(apperr.Conflict, "worktime.already_ended")
		}
		before := d.AuditView()
		open := slices.IndexFunc(d.Breaks, func(b Break) bool { return b.End.IsZero() })
		switch {
		case start && open >= 0:
			return apperr.New(apperr.Conflict, "worktime.on_break")
		case start:
			d.Breaks = append(d.Breaks, Break{Start: now, Hourly: hourly})
		case open < 0:
			return apperr.New(apperr.Conflict, "worktime.no_break")
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
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// flag writes one notification to each head of the person's unit when the
// day has warnings (the person sees them in the answer and their list).
func (s *Service) flag(ctx context.Context, tx Tx, tenantID int64, st *org.Staff, heads []apply.Head, d Day, ws []Warning) error {
	if len(ws) == 0 {
		return nil
	}
	rules := make([]string, len(ws))
	for i, w := range ws {
		rules[i] = w.Rule
	}
	var ns []notify.Notification
	for _, h := range heads {
		if h.StaffID != st.ID {
			ns = append(ns, notify.New(h.StaffID, NotifyWarning, d.ApplicationID,
				map[string]any{"Name": st.Name, "Dates": d.Date.String(), "Count": len(ws), "Rules": strings.Join(rules, ",")}))
		}
	}
	if len(ns) == 0 {
		return nil
	}
	return tx.InsertNotifications(ctx, tenantID, ns)
}

// markIn moves the day's application (started / finished) in the
// attendance record's transaction, for the person's own report only. A
// refused transition is no error: the attendance record stands whatever
// the application's state.
func (s *Service) markIn(ctx context.Context, tx Tx, tenantID int64, who *auth.Principal, d Day, act apply.Action) error {
	if s.marker == nil || d.ApplicationID == 0 || d.StartProxy != 0 || who.StaffID != d.StaffID {
		return nil
	}
	at := d.Start
	if act == apply.ActFinish {
		at = d.End
	}
	err := s.marker.MarkWorkIn(ctx, tx, tenantID, who, d.ApplicationID, act, at)
	// The refusals (not found, not the person's, the day's state, a stale
	// version) come before anything is written, so the day can stand
	// alone; a database error fails the start as any other.
	if apperr.As(err) != nil {
		return nil
	}
	return err
}

// after tells the boards of the clock-in or clock-out, after the commit.
func (s *Service) after(ctx context.Context, tenantID int64, d Day, act apply.Action) {
	if s.presence != nil {
		if act == apply.ActStart {
			s.presence.ClockedIn(ctx, tenantID, d.StaffID, d.Place)
		} else {
			s.presence.ClockedOut(ctx, tenantID, d.StaffID)
		}
	}
}

// AuditView is what the audit log shows of a day: times, mode, who entered
// it; not the free-text plan, result or place (their length only).
func (d Day) AuditView() map[string]any {
	v := map[string]any{"staff_id": d.StaffID, "date": d.Date.String(), "start": hhmm(d.Start), "mode": string(d.Mode),
		"plan_chars": utf8.RuneCountInString(d.Plan), "breaks": len(d.Breaks)}
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
