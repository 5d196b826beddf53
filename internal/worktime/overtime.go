package worktime

import (
	"context"
	"maps"
	"slices"
	"strconv"
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

// Prior overtime requests (時間外勤務の事前承認): a person asks to work until
// a time on a day, with a one-line reason; the approver the applications
// would go to (apply's routing and delegations, not a copy of them)
// approves or rejects it in one tap. An approved request makes overtime and
// late-night work up to its end prior-approved in Check.

// Overtime request states.
const (
	OvertimeRequested = "requested"
	OvertimeApproved  = "approved"
	OvertimeRejected  = "rejected"
	OvertimeWithdrawn = "withdrawn"
)

// OvertimeStatuses lists the states.
var OvertimeStatuses = []string{OvertimeRequested, OvertimeApproved, OvertimeRejected, OvertimeWithdrawn}

// Notification kinds of prior overtime requests.
const (
	NotifyOvertimeRequested notify.Kind = "worktime_overtime_requested" // to the approver (and absence delegates)
	NotifyOvertimeDecided   notify.Kind = "worktime_overtime_decided"   // to the person: approved or rejected
)

func init() {
	notify.RegisterKind(NotifyOvertimeRequested, false)
	notify.RegisterKind(NotifyOvertimeDecided, false)
}

// Overtime is one prior overtime request: one per person and day (a new
// request for the day revises it and asks again).
type Overtime struct {
	ID         int64
	StaffID    int64
	StaffName  string // read only
	UnitID     int64  // read only: the person's unit
	Supervisor bool   // read only: the person heads a unit (所属長・係長)
	Date       calendar.Date
	Until      string // "HH:MM"; at or before the start of work: the next morning
	Reason     string
	Status     string
	ApproverID int64 // the approver it was routed to
	DecidedBy  int64 // staff id of who decided (the approver or a delegate)
	DecidedAt  time.Time
	Comment    string // the approver's one-line comment
	CreatedAt  time.Time
	Version    int64
}

// AuditView is what the audit log shows of a request: no free text (its
// length only).
func (o Overtime) AuditView() map[string]any {
	v := map[string]any{"staff_id": o.StaffID, "date": o.Date.String(), "until": o.Until, "status": o.Status,
		"approver_id": o.ApproverID, "reason_chars": utf8.RuneCountInString(o.Reason)}
	if o.DecidedBy != 0 {
		v["decided_by"] = o.DecidedBy
		v["comment_chars"] = utf8.RuneCountInString(o.Comment)
	}
	return v
}

// OvertimeRequest is what a person asks for.
type OvertimeRequest struct {
	Date   calendar.Date
	Until  string
	Reason string
}

// otLabel is the arguments of an error on a request's field: the field is
// named as the API's member (date, until, reason, comment), labelled as an
// overtime request's (fieldname.overtime_<field>), with more arguments for
// the message.
func otLabel(field string, more ...map[string]any) map[string]any {
	args := map[string]any{"LabelKey": "fieldname.overtime_" + field}
	for _, m := range more {
		maps.Copy(args, m)
	}
	return args
}

// MaxOvertimeAhead is how far ahead a request may be made (days).
const MaxOvertimeAhead = 62

func (r *OvertimeRequest) clean(today calendar.Date) error {
	var v apperr.Validation
	r.Reason = oneLine(r.Reason)
	switch {
	case r.Date.IsZero():
		v.Add("date", "field.required", otLabel("date"))
	case r.Date.Before(today):
		v.Add("date", "worktime.overtime_past", otLabel("date"))
	case today.AddDays(MaxOvertimeAhead).Before(r.Date):
		v.Add("date", "worktime.overtime_ahead", otLabel("date", map[string]any{"Days": MaxOvertimeAhead}))
	}
	if m, ok := hm(r.Until); !ok || m >= 24*60 {
		v.Add("until", "field.time_hm", otLabel("until"))
	} else {
		r.Until = fmtHM(m)
	}
	if r.Reason == "" {
		v.Add("reason", "field.required", otLabel("reason"))
	} else {
		line(&v, "reason", r.Reason, otLabel("reason"))
	}
	return v.Err()
}

// OvertimeFilter selects requests for a list.
type OvertimeFilter struct {
	From, To calendar.Date
	Statuses []string
	// Who: requests of these people, routed to these approvers, or of the
	// people of these units (any of them); All: the tenant's (HR).
	StaffIDs    []int64
	ApproverIDs []int64
	UnitIDs     []int64
	All         bool
	Limit       int
}

// OvertimeStore is what the requests read and write (internal/store).
type OvertimeStore interface {
	InOvertimeTx(ctx context.Context, fn func(OvertimeTx) error) error
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	FindTenants(ctx context.Context) ([]*org.Tenant, error)
	FindDelegations(ctx context.Context, tenantID int64, f apply.DelegationFilter) ([]apply.Delegation, error)
	// FindOvertime returns one request (NotFound when none).
	FindOvertime(ctx context.Context, tenantID, id int64) (*Overtime, error)
	// FindOvertimes lists requests matching f, newest day first.
	FindOvertimes(ctx context.Context, tenantID int64, f OvertimeFilter) ([]Overtime, error)
	FindPolicyVersions(ctx context.Context, tenantID int64) ([]policy.Version, error)
	FindWorktimeApplication(ctx context.Context, tenantID, staffID int64, d calendar.Date) (DayApplication, error)
	OvertimeGrants
}

// OvertimeGrants reads the ends of approved requests (Check's
// PriorOvertime).
type OvertimeGrants interface {
	// FindOvertimeGrants maps each person's day from..to with an approved
	// request to its end ("HH:MM").
	FindOvertimeGrants(ctx context.Context, tenantID int64, staffIDs []int64, from, to calendar.Date) (map[Grant]string, error)
}

// Grant keys an approved request: the person and the day.
type Grant struct {
	StaffID int64
	Date    calendar.Date
}

// OvertimeTx is what one request action writes.
type OvertimeTx interface {
	notify.Tx
	// FindOvertimeForDay returns the person's request of the day (NotFound
	// when none).
	FindOvertimeForDay(ctx context.Context, tenantID, staffID int64, d calendar.Date) (*Overtime, error)
	// InsertOvertime writes a new request (setting ID and Version 1).
	InsertOvertime(ctx context.Context, tenantID int64, o *Overtime) error
	// UpdateOvertime writes the request if its version is still version
	// (Conflict error.stale otherwise) and sets o.Version to the next.
	UpdateOvertime(ctx context.Context, tenantID int64, o *Overtime, version int64) error
	// FindDelegationsLocked reads delegations locked against their end
	// until the transaction commits (a decision for someone else).
	FindDelegationsLocked(ctx context.Context, tenantID int64, f apply.DelegationFilter) ([]apply.Delegation, error)
	// FindDecider reads a decider's unit and head flag, holding the
	// organisation until the transaction commits.
	FindDecider(ctx context.Context, tenantID, staffID int64) (unitID int64, supervisor bool, err error)
	// HoldOrganisation keeps the tenant's staff and units as they are
	// until the transaction commits.
	HoldOrganisation(ctx context.Context, tenantID int64) error
	// FindUnits reads the tenant's units in the transaction.
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Approvers routes a person's request as their applications are routed
// (apply.Service.Approvers): the step-1 approver decides.
type Approvers interface {
	Approvers(ctx context.Context, tenantID int64, staffID int64) (first, second int64, err error)
}

// OvertimeService takes, decides and lists prior overtime requests.
type OvertimeService struct {
	st     OvertimeStore
	routes Approvers
	now    func() time.Time
}

// NewOvertimeService returns the service over st; routes is the
// applications' routing (apply.Service).
func NewOvertimeService(st OvertimeStore, routes Approvers, now func() time.Time) *OvertimeService {
	return &OvertimeService{st: st, routes: routes, now: now}
}

// OvertimeView is a request with what the viewer may do with it.
type OvertimeView struct {
	Overtime
	CanDecide   bool
	CanWithdraw bool
}

// overtimeRel is the viewer's relation to requests: the approvers they act
// for today (themselves and those who delegated to them) and the units
// they head.
type overtimeRel struct {
	who    *auth.Principal
	tree   *org.Tree
	acting []int64
	today  calendar.Date
}

func (s *OvertimeService) rel(ctx context.Context, tenantID int64, who *auth.Principal) (*overtimeRel, error) {
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	today := calendar.DateOf(s.now())
	ds, err := s.st.FindDelegations(ctx, tenantID, apply.DelegationFilter{DelegateID: who.StaffID, On: today})
	if err != nil {
		return nil, err
	}
	return &overtimeRel{who: who, tree: org.NewTree(units), acting: apply.ActingFor(who.StaffID, ds, today), today: today}, nil
}

// oversees: a supervisor whose unit holds the person's unit — in the
// person's own unit only over a member who heads nothing (the 係長 over the
// 係員). A supervisor's own request is decided by the routed approver, whoever
// acts for them, or a supervisor of a unit above: another supervisor of the
// same unit may be a peer or a subordinate (a 課長補佐 beside the 課長).
func (r *overtimeRel) oversees(o *Overtime) bool {
	if !r.who.Has(auth.Supervisor) || r.who.UnitID == 0 || o.UnitID == 0 || !r.tree.IsWithin(o.UnitID, r.who.UnitID) {
		return false
	}
	return o.UnitID != r.who.UnitID || !o.Supervisor
}

// canDecide: not one's own; the approver, someone acting for them, or a
// supervisor over the person.
func (r *overtimeRel) canDecide(o *Overtime) bool {
	if o.StaffID == r.who.StaffID {
		return false
	}
	// One's own approval right lasts while one is a supervisor: a 係長 no
	// longer marked as a head decides nothing (their waiting requests are
	// handed on, Reroute); a delegate decides for an approver as before.
	mine := o.ApproverID == r.who.StaffID
	return o.ApproverID != 0 && slices.Contains(r.acting, o.ApproverID) && (!mine || r.headsOver(o)) || r.oversees(o)
}

// headsOver: the viewer is a supervisor of the person's unit or one above
// it, as every approver a request is routed to is (Route names heads of
// the unit chain); a request routed to them before they moved or stopped
// heading is not theirs to decide any more.
func (r *overtimeRel) headsOver(o *Overtime) bool {
	return r.who.Has(auth.Supervisor) && r.who.UnitID != 0 && o.UnitID != 0 && r.tree.IsWithin(o.UnitID, r.who.UnitID)
}

func (r *overtimeRel) visible(o *Overtime) bool {
	return o.StaffID == r.who.StaffID || r.canDecide(o) || r.who.Has(auth.HRAdmin)
}

func (r *overtimeRel) view(o Overtime) OvertimeView {
	open := o.Status == OvertimeRequested
	return OvertimeView{Overtime: o, CanDecide: open && r.canDecide(&o),
		CanWithdraw: o.StaffID == r.who.StaffID && o.withdrawRefusal(r.today) == ""}
}

// withdrawRefusal is why the request can no longer be withdrawn on today
// (a message key), or "" if it can: a waiting request until its day ends,
// an approved one only before its day — from the day on, the approval is
// the record that the overtime was approved beforehand.
func (o *Overtime) withdrawRefusal(today calendar.Date) string {
	switch {
	case o.Status != OvertimeRequested && o.Status != OvertimeApproved:
		// Says what happened (rejected, withdrawn), as the applications do.
		return "worktime.overtime_already_" + o.Status
	case o.Status == OvertimeRequested && o.Date.Before(today):
		return "worktime.overtime_withdraw_past"
	case o.Status == OvertimeApproved && !today.Before(o.Date):
		return "worktime.overtime_withdraw_approved_day"
	}
	return ""
}

// Request asks for prior approval of overtime on a day until a time,
// routed to the approver of the person's applications, who is told (and
// so are those deciding for them during an absence today). A request for
// a day that has one revises it and asks again.
func (s *OvertimeService) Request(ctx context.Context, tenantID int64, who *auth.Principal, r OvertimeRequest) (*OvertimeView, error) {
	if who == nil || who.StaffID == 0 || who.ReadOnly {
		return nil, apperr.Forbid()
	}
	now := s.now()
	today := calendar.DateOf(now)
	if err := r.clean(today); err != nil {
		return nil, err
	}
	st, err := s.st.FindStaffByID(ctx, tenantID, who.StaffID)
	if err != nil {
		return nil, err
	}
	if err := s.banned(ctx, tenantID, st.ID, r.Date); err != nil {
		return nil, err
	}
	approver, _, err := s.routes.Approvers(ctx, tenantID, st.ID)
	if err != nil {
		return nil, err
	}
	absent, err := s.st.FindDelegations(ctx, tenantID, apply.DelegationFilter{ApproverID: approver, On: today})
	if err != nil {
		return nil, err
	}
	rel, err := s.rel(ctx, tenantID, who)
	if err != nil {
		return nil, err
	}
	var out Overtime
	err = s.st.InOvertimeTx(ctx, func(tx OvertimeTx) error {
		o, err := tx.FindOvertimeForDay(ctx, tenantID, st.ID, r.Date)
		var before map[string]any
		switch {
		case err == nil:
			before = o.AuditView()
			ver := o.Version
			o.Until, o.Reason, o.Status, o.ApproverID = r.Until, r.Reason, OvertimeRequested, approver
			o.DecidedBy, o.DecidedAt, o.Comment, o.CreatedAt = 0, time.Time{}, "", now
			if err := tx.UpdateOvertime(ctx, tenantID, o, ver); err != nil {
				return err
			}
		case apperr.CodeOf(err) == apperr.NotFound:
			o = &Overtime{StaffID: st.ID, Date: r.Date, Until: r.Until, Reason: r.Reason, Status: OvertimeRequested,
				ApproverID: approver, CreatedAt: now}
			if err := tx.InsertOvertime(ctx, tenantID, o); err != nil {
				return err
			}
		default:
			return err
		}
		o.StaffName, o.UnitID = st.Name, st.UnitID
		if err := tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "worktime.overtime_request",
			ObjectType: "worktime_overtime", ObjectID: strconv.FormatInt(o.ID, 10), Before: before, After: o.AuditView()}); err != nil {
			return err
		}
		out = *o
		return tx.InsertNotifications(ctx, tenantID, requestedNotes(o, st.Name, approver, absent))
	})
	if err != nil {
		return nil, err
	}
	v := rel.view(out)
	return &v, nil
}

// requestedNotes tell approver that o waits for them, and whoever decides
// for them during an absence (absent: the approver's delegations in force
// today), the requester aside.
func requestedNotes(o *Overtime, name string, approver int64, absent []apply.Delegation) []notify.Notification {
	args := map[string]any{"Name": name, "Dates": o.Date.String(), "Until": o.Until}
	ns := []notify.Notification{notify.New(approver, NotifyOvertimeRequested, 0, args)}
	for _, d := range absent {
		if d.Kind == apply.DelegateAbsence && d.DelegateID != o.StaffID {
			ns = append(ns, notify.New(d.DelegateID, NotifyOvertimeRequested, 0, args))
		}
	}
	return ns
}

// banned refuses a request for a telework day (an approved application
// holds it) under a policy that prohibits overtime during telework (茨城県
// 「時間外労働・深夜労働は禁止」, 神戸市 「在宅勤務では時間外勤務は禁止」):
// a prohibition is not something the supervisor can approve away. A day at
// the office stays open to a request.
func (s *OvertimeService) banned(ctx context.Context, tenantID, staffID int64, d calendar.Date) error {
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return err
	}
	if v, ok := policy.InForce(vs, d); !ok || v.Policy.Hours.Overtime != "prohibited" {
		return nil
	}
	switch _, err := s.st.FindWorktimeApplication(ctx, tenantID, staffID, d); {
	case err == nil:
		return apperr.At(apperr.Invalid, "date", "worktime.overtime_prohibited", nil)
	case apperr.CodeOf(err) == apperr.NotFound:
		return nil
	default:
		return err
	}
}

// Decide approves (approve true) or rejects a request still waiting, for
// its approver, someone deciding for them, or a supervisor over the person;
// the person is told. version is the request's version the decision was
// taken on (0: as it is now). Another tenant's id, or a request the
// viewer may not see, is not found.
func (s *OvertimeService) Decide(ctx context.Context, tenantID int64, who *auth.Principal, id int64, approve bool, comment string, version int64) (*OvertimeView, error) {
	if who == nil || who.ReadOnly {
		return nil, apperr.Forbid()
	}
	comment = oneLine(comment)
	var bad apperr.Validation
	if line(&bad, "comment", comment, otLabel("comment")); bad.Err() != nil {
		return nil, bad.Err()
	}
	return afresh(func() (*OvertimeView, error) { return s.decide(ctx, tenantID, who, id, approve, comment, version) })
}

// afresh runs a decision or withdrawal read-then-write again when the
// request changed between its read and its write (another decision, the
// person's withdrawal at the same moment): the run against the request as
// it now is answers the 409 naming the state (not waiting, changed after
// the version given), never a 412 for a version the caller did not send.
func afresh(act func() (*OvertimeView, error)) (*OvertimeView, error) {
	var v *OvertimeView
	err := retryStale(func() error {
		var err error
		v, err = act()
		return err
	})
	if apperr.IsStale(err) {
		return nil, apperr.New(apperr.Conflict, "worktime.overtime_changed")
	}
	return v, err
}

func (s *OvertimeService) decide(ctx context.Context, tenantID int64, who *auth.Principal, id int64, approve bool, comment string, version int64) (*OvertimeView, error) {
	rel, cur, err := s.find(ctx, tenantID, who, id)
	if err != nil {
		return nil, err
	}
	if cur.Status != OvertimeRequested {
		// What happened to it, not a list of what might have (a review
		// found the losers of a race told 「承認・却下・取下げ済み」).
		return nil, apperr.New(apperr.Conflict, "worktime.overtime_already_"+cur.Status)
	}
	if !rel.canDecide(cur) {
		return nil, apperr.Forbid()
	}
	if version != 0 && version != cur.Version {
		// Decided on what the approver saw: another change came first.
		// A 409 like an application's (the version is in the body, not an
		// If-Match precondition, which would be a 412).
		return nil, apperr.New(apperr.Conflict, "worktime.overtime_changed")
	}
	version = cur.Version
	now := s.now()
	o := *cur
	before := o.AuditView()
	o.Status, o.DecidedBy, o.DecidedAt, o.Comment = OvertimeRejected, who.StaffID, now, comment
	action := "worktime.overtime_reject"
	if approve {
		o.Status, action = OvertimeApproved, "worktime.overtime_approve"
	}
	err = s.st.InOvertimeTx(ctx, func(tx OvertimeTx) error {
		// The right to decide is judged again on the organisation as it
		// is at the commit: the decider's record (a 所属長 no longer
		// marked, moved), the person's unit (moved) and the request (handed
		// on) read in the transaction, and the delegation still in force
		// (all locked on PostgreSQL, as applications' decisions are).
		// The organisation stays as read until the commit: a transfer of
		// the person or a unit moved commits before the decision (and is
		// seen: the tree is read again here) or after.
		if err := tx.HoldOrganisation(ctx, tenantID); err != nil {
			return err
		}
		now, tree, err := apply.AsJudged(ctx, tx, tenantID, rel.who)
		if err != nil {
			return err
		}
		in, err := tx.FindOvertimeForDay(ctx, tenantID, cur.StaffID, cur.Date)
		if err != nil {
			return err
		}
		if in.ID != cur.ID || in.Version != version {
			return apperr.ConflictStale() // decided, withdrawn or handed on meanwhile: afresh reads it again
		}
		relNow := *rel
		relNow.who, relNow.tree = now, tree
		if in.ApproverID != now.StaffID && !relNow.oversees(in) {
			ds, err := tx.FindDelegationsLocked(ctx, tenantID, apply.DelegationFilter{DelegateID: now.StaffID, On: rel.today})
			if err != nil {
				return err
			}
			relNow.acting = apply.ActingFor(now.StaffID, ds, rel.today)
			// In the name of an approver who still heads the person only.
			unitID, head, err := tx.FindDecider(ctx, tenantID, in.ApproverID)
			if err != nil && apperr.CodeOf(err) != apperr.NotFound {
				return err
			}
			if !head || !relNow.tree.IsWithin(in.UnitID, unitID) {
				return apperr.Forbid()
			}
		}
		if !relNow.canDecide(in) {
			return apperr.Forbid()
		}
		if err := tx.UpdateOvertime(ctx, tenantID, &o, version); err != nil {
			return err
		}
		if err := tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: action, ObjectType: "worktime_overtime",
			ObjectID: strconv.FormatInt(o.ID, 10), Before: before, After: o.AuditView()}); err != nil {
			return err
		}
		return tx.InsertNotifications(ctx, tenantID, []notify.Notification{notify.New(o.StaffID, NotifyOvertimeDecided, 0,
			map[string]any{"Dates": o.Date.String(), "Until": o.Until, "Status": o.Status})})
	})
	if err != nil {
		return nil, err
	}
	v := rel.view(o)
	return &v, nil
}

// find reads a request the viewer may see (NotFound otherwise, as for
// another tenant's id) with the viewer's relations.
func (s *OvertimeService) find(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*overtimeRel, *Overtime, error) {
	rel, err := s.rel(ctx, tenantID, who)
	if err != nil {
		return nil, nil, err
	}
	cur, err := s.st.FindOvertime(ctx, tenantID, id)
	if err != nil {
		return nil, nil, err
	}
	if !rel.visible(cur) {
		return nil, nil, apperr.NotFoundErr("worktime_overtime")
	}
	return rel, cur, nil
}

// Withdraw takes back one's own request: a waiting one until its day ends,
// an approved one before its day (withdrawRefusal); later ones are a
// conflict naming the rule.
func (s *OvertimeService) Withdraw(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*OvertimeView, error) {
	if who == nil || who.ReadOnly {
		return nil, apperr.Forbid()
	}
	return afresh(func() (*OvertimeView, error) { return s.withdraw(ctx, tenantID, who, id) })
}

func (s *OvertimeService) withdraw(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*OvertimeView, error) {
	rel, cur, err := s.find(ctx, tenantID, who, id)
	if err != nil {
		return nil, err
	}
	if cur.StaffID != who.StaffID {
		return nil, apperr.Forbid()
	}
	if key := cur.withdrawRefusal(rel.today); key != "" {
		e := apperr.New(apperr.Conflict, key)
		e.Args = map[string]any{"Date": cur.Date.String()}
		return nil, e
	}
	if cur.Status != OvertimeRequested && cur.DecidedBy != who.StaffID && s.now().Sub(cur.DecidedAt) < apply.JustDecided {
		// Sent at the moment the supervisor decided: the person cannot
		// have seen that decision (as an application's take-back, issue
		// 11: of an approval and a withdrawal sent at once, one wins).
		return nil, &apperr.Error{Code: apperr.Conflict, Key: "worktime.overtime_decided_just_now",
			Args: map[string]any{"Seconds": int(apply.JustDecided / time.Second)}}
	}
	o := *cur
	before := o.AuditView()
	o.Status = OvertimeWithdrawn
	err = s.st.InOvertimeTx(ctx, func(tx OvertimeTx) error {
		if err := tx.UpdateOvertime(ctx, tenantID, &o, cur.Version); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "worktime.overtime_withdraw", ObjectType: "worktime_overtime",
			ObjectID: strconv.FormatInt(o.ID, 10), Before: before, After: o.AuditView()})
	})
	if err != nil {
		return nil, err
	}
	v := rel.view(o)
	return &v, nil
}

// MaxOvertimeList is the most requests a list returns.
const MaxOvertimeList = 500

// List returns the requests the viewer may see from..to (default: 31 days
// back to 62 ahead), newest day first: their own, those they decide
// (as approver, for an approver, or as a supervisor over the person), and
// for HR the tenant's. statuses narrows the states.
func (s *OvertimeService) List(ctx context.Context, tenantID int64, who *auth.Principal, from, to calendar.Date, statuses []string) ([]OvertimeView, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	for _, st := range statuses {
		if !slices.Contains(OvertimeStatuses, st) {
			var v apperr.Validation
			v.Add("status", "field.choice", map[string]any{"LabelKey": "worktime.field_overtime_status"})
			return nil, v.Err()
		}
	}
	today := calendar.DateOf(s.now())
	if from.IsZero() {
		from = today.AddDays(-31)
	}
	if to.IsZero() {
		to = today.AddDays(MaxOvertimeAhead)
	}
	var v apperr.Validation
	if calendar.PeriodOrder(&v, "to", from, to); v.Err() != nil {
		return nil, v.Err()
	}
	rel, err := s.rel(ctx, tenantID, who)
	if err != nil {
		return nil, err
	}
	f := OvertimeFilter{From: from, To: to, Statuses: statuses, All: who.Has(auth.HRAdmin), Limit: MaxOvertimeList}
	if who.StaffID != 0 {
		f.StaffIDs = []int64{who.StaffID}
		f.ApproverIDs = rel.acting
	}
	if who.Has(auth.Supervisor) && who.UnitID != 0 {
		f.UnitIDs = rel.tree.Subtree(who.UnitID)
	}
	if !f.All && len(f.StaffIDs) == 0 && len(f.UnitIDs) == 0 {
		return nil, nil
	}
	list, err := s.st.FindOvertimes(ctx, tenantID, f)
	if err != nil {
		return nil, err
	}
	out := make([]OvertimeView, 0, len(list))
	for _, o := range list {
		if rel.visible(&o) {
			out = append(out, rel.view(o))
		}
	}
	return out, nil
}
