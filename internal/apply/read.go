package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
)

// relation is what the signed-in person is to an application.
type relation struct {
	own     bool // the applicant
	visible bool // may read it
	// canDecide: the approver of the current step, or acting for them
	// (onBehalfOf names the approver then).
	canDecide  bool
	onBehalfOf int64
	// supervises: an approver of it (either step), acting for one, or a
	// supervisor of the applicant's unit: may confirm reports and record a
	// verbal one.
	supervises bool
	// stepDone: the caller approves (or acts for) the first step of a
	// two-step application whose first step has been approved since: a
	// second approval, or one that lost a race, is told so (409), not
	// refused as if it were never theirs (403).
	stepDone bool
	// delegated: supervises only as someone's 代決者 or absence delegate.
	// A delegate covers the approver's open work — applications waiting
	// for a decision, reports waiting for confirmation — not the rest of
	// their history, and does not record verbal reports (the 所属長 who
	// heard the report does).
	delegated bool
}

// denied is the error of an action the person may not take: Forbidden on
// an application they may read, NotFound otherwise (its existence is not
// told).
func (r *relation) denied() error {
	if r.visible {
		return apperr.Forbid()
	}
	return apperr.NotFoundErr("application")
}

// applicantOnly refuses an action only the applicant takes (withdraw,
// cancel, start, finish): 403 saying so to someone who may read the
// application (the supervisor), 404 to anyone else.
func (r *relation) applicantOnly() error {
	if r.visible {
		return &apperr.Error{Code: apperr.Forbidden, Key: "apply.applicant_only"}
	}
	return apperr.NotFoundErr("application")
}

// relCtx is what relations are judged with: the unit tree and the
// delegations to the signed-in person in force today.
type relCtx struct {
	tree   *org.Tree
	acting []int64 // approvers the person may decide for (themselves first)
	// deputies: the approvers whose standing 代決者 the person is (a deputy
	// stands in for them in everything); the others of acting are absence
	// delegations, limited to the approver's open work.
	deputies map[int64]bool
	// heads, when set (in a decision's transaction), is the unit each
	// approver acted for heads now; one absent from it heads nothing any
	// more, and no one decides in their name.
	heads map[int64]int64
}

func (s *Service) relCtx(ctx context.Context, tenantID int64, who *auth.Principal) (*relCtx, error) {
	rc, err := s.actingCtx(ctx, tenantID, who)
	if err != nil {
		return nil, err
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	rc.tree = org.NewTree(units)
	return rc, nil
}

// actingCtx is relCtx without the unit tree: whom the person acts for
// (an action reads the tree in its own transaction).
func (s *Service) actingCtx(ctx context.Context, tenantID int64, who *auth.Principal) (*relCtx, error) {
	rc := &relCtx{acting: []int64{who.StaffID}}
	if who.StaffID != 0 {
		ds, err := s.st.FindDelegations(ctx, tenantID, DelegationFilter{DelegateID: who.StaffID, On: s.Today()})
		if err != nil {
			return nil, err
		}
		rc.delegations(who, ds, s.Today())
	}
	return rc, nil
}

// delegations sets whom the person acts for from the delegations to them
// in force on today.
func (rc *relCtx) delegations(who *auth.Principal, ds []Delegation, today calendar.Date) {
	rc.acting, rc.deputies = ActingFor(who.StaffID, ds, today), nil
	for _, d := range ds {
		if d.Kind == DelegateProxy && d.DelegateID == who.StaffID && d.ActiveOn(today) {
			if rc.deputies == nil {
				rc.deputies = map[int64]bool{}
			}
			rc.deputies[d.ApproverID] = true
		}
	}
}

// inTx is rc with the person's delegations read again in tx, locked
// (FindDelegationsLocked), when they hold any: what they may do for
// someone else is judged on delegations still in force at the commit.
func (rc *relCtx) inTx(ctx context.Context, tx Tx, tenantID int64, who *auth.Principal, today calendar.Date) (*relCtx, error) {
	if len(rc.acting) <= 1 && len(rc.deputies) == 0 {
		return rc, nil
	}
	ds, err := tx.FindDelegationsLocked(ctx, tenantID, DelegationFilter{DelegateID: who.StaffID, On: today})
	if err != nil {
		return nil, err
	}
	in := &relCtx{tree: rc.tree, heads: map[int64]int64{}}
	in.delegations(who, ds, today)
	// Whom the person acts for must still head a unit: their records are
	// read under the organisation lock the transaction holds.
	for _, id := range in.acting {
		if id == who.StaffID || id == 0 {
			continue
		}
		unitID, head, err := tx.FindDecider(ctx, tenantID, id)
		if apperr.CodeOf(err) == apperr.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if head {
			in.heads[id] = unitID
		}
	}
	return in, nil
}

func (rc *relCtx) relation(who *auth.Principal, a *Application) *relation {
	r := &relation{}
	me := who.StaffID
	if me != 0 && a.StaffID == me {
		r.own, r.visible = true, true
	}
	if who.Has(auth.HRAdmin) || who.Has(auth.Auditor) {
		r.visible = true
	}
	if me != 0 && a.PresenceCheckerID == me {
		r.visible = true
	}
	if me != 0 && a.StaffID != me {
		for _, id := range rc.acting {
			if id == 0 {
				continue
			}
			if unitID, ok := rc.heads[id]; rc.heads != nil && id != me && (!ok || a.UnitID == 0 || !rc.tree.IsWithin(a.UnitID, unitID)) {
				continue // the approver acted for no longer heads the person: nothing in their name
			}
			approver := a.FirstApproverID == id || a.SecondApproverID == id
			pending := a.ApproverID == id && a.Decision == Submitted
			if (id == me || rc.deputies[id]) && a.Decision == Submitted && a.Step > 1 && a.FirstApproverID == id && a.ApproverID != id {
				// The first approver, or their 代決者, who may read it as
				// its approver (below); an absence delegate covers open
				// work only and gets nothing more here.
				r.stepDone = true
			}
			switch {
			case id == me && (!who.Has(auth.Supervisor) || who.UnitID == 0 || a.UnitID == 0 || !rc.tree.IsWithin(a.UnitID, who.UnitID)):
				// Being its approver gives a person no right over it once
				// they no longer head the applicant's unit or one above it:
				// one no longer a supervisor (a 係長 no longer marked as a
				// head), or over a person moved elsewhere, neither decides
				// it (it is handed on, Reroute) nor confirms its reports or
				// reads it as its approver; who heads the person now does.
			case (id == me || rc.deputies[id]) && (approver || pending):
				r.visible, r.supervises, r.delegated = true, true, false
				r.canDecide = r.canDecide || pending
				if id != me && r.onBehalfOf == 0 {
					r.onBehalfOf = id
				}
			case id != me && (pending || approver && awaitsConfirmation(a)):
				r.visible = true
				if !r.supervises {
					r.supervises, r.delegated = true, true
				}
				r.canDecide = r.canDecide || a.ApproverID == id && a.Decision == Submitted
				if r.onBehalfOf == 0 {
					r.onBehalfOf = id
				}
			}
		}
		if who.Has(auth.Supervisor) && who.UnitID != 0 && a.UnitID != 0 && rc.tree.IsWithin(a.UnitID, who.UnitID) {
			r.visible, r.supervises, r.delegated = true, true, false
		}
	}
	if r.canDecide && r.onBehalfOf != 0 && slices.Contains([]int64{a.FirstApproverID, a.SecondApproverID}, me) {
		r.onBehalfOf = 0
	}
	if a.Decision == Draft && !r.own {
		// A draft is its author's until it is submitted: no one else sees
		// it (it reads as unknown, as another tenant's does).
		return &relation{}
	}
	return r
}

// awaitsConfirmation reports whether a day of a has a report to confirm.
func awaitsConfirmation(a *Application) bool {
	return slices.ContainsFunc(a.Days, func(d Day) bool { return d.Status == Reported })
}

// step is what an action changed besides the application's own fields.
type step struct {
	days     []Day
	decision *Decision
	notes    []notify.Notification
}

// act runs one action on application id in its transaction: fn gets the
// application as it is now (days included) and the person's relation to
// it, changes it and says what else it changed; act writes the application
// only if no other action came first (its version), the days, the
// decision, the notifications and the audit entry. expect is the version
// the action was taken on: an action that lost the race, or came after
// another, gets the state error of the application as it now is. Without
// one (0) the action is taken on the application as the transaction reads
// it, unless it is a take-back that someone else's decision just made
// possible (unseen).
func (s *Service) act(ctx context.Context, tenantID int64, who *auth.Principal, id int64, action Action, expect int64,
	fn func(tx Tx, a *Application, r *relation) (*step, error)) (*Application, error) {
	if who == nil || who.ReadOnly {
		return nil, apperr.Forbid()
	}
	rc, err := s.actingCtx(ctx, tenantID, who)
	if err != nil {
		return nil, err
	}
	if expect == 0 && (action == ActCancel || action == ActWithdraw) {
		fn = s.unseen(ctx, tenantID, who, fn)
	}
	var out *Application
	err = s.st.InApplyTx(ctx, func(tx Tx) error {
		who, rc := who, *rc
		if judgedOnOrganisation(who, &rc, action) {
			// The organisation this decision is judged on stays as read
			// until it commits: a transfer, a head flag removed or a unit
			// moved at the same moment commits before it (and is seen: the
			// tree is read below, in the transaction) or after it. The
			// applicant's own actions depend on none of it and do not wait
			// for a change.
			if err := tx.HoldOrganisation(ctx, tenantID); err != nil {
				return err
			}
		}
		var err error
		if who, rc.tree, err = AsJudged(ctx, tx, tenantID, who); err != nil {
			return err
		}
		in, err := rc.inTx(ctx, tx, tenantID, who, s.Today())
		if err != nil {
			return err
		}
		out, err = actIn(s, ctx, tx, tenantID, who, id, action, expect,
			func(a *Application) *relation { return in.relation(who, a) }, fn)
		return err
	})
	if err != nil {
		return nil, s.stale(ctx, tenantID, id, action, err)
	}
	if s.release != nil && (action == ActWithdraw || action == ActReject || action == ActCancel) {
		// After the commit: the seats and devices booked for the days
		// that no longer happen are freed (a review found them kept).
		var gone []calendar.Date
		today := s.Today()
		for _, d := range out.Days {
			if (d.Status == Withdrawn || d.Status == Rejected || d.Status == Cancelled) && !d.Date.Before(today) {
				gone = append(gone, d.Date)
			}
		}
		if len(gone) > 0 {
			s.release(ctx, tenantID, who, out, gone, s.unheld(ctx, tenantID, out, gone))
		}
	}
	return out, nil
}

// judgedOnOrganisation: the action depends on who heads whom (a decision,
// a confirmation, anything a supervisor or a delegate does), so it holds
// the organisation for its transaction; an ordinary person's own
// withdrawal, cancellation, start, finish or report does not.
func judgedOnOrganisation(who *auth.Principal, rc *relCtx, action Action) bool {
	switch action {
	case ActApprove, ActReturn, ActReject, ActConfirm:
		return true
	}
	return who.Has(auth.Supervisor) || len(rc.acting) > 1 || len(rc.deputies) > 0
}

// unheld are the days of gone on which no other application of the person
// holds telework (午前 and 午後 may be two applications of one day): only on
// those can a booking made without an application (at the IT desk, or
// before applying) be taken as this application's. On a read error, none.
func (s *Service) unheld(ctx context.Context, tenantID int64, a *Application, gone []calendar.Date) []calendar.Date {
	from, to := slices.MinFunc(gone, calendar.Date.Compare), slices.MaxFunc(gone, calendar.Date.Compare)
	others, err := s.st.FindStaffTelework(ctx, tenantID, a.StaffID, from, to)
	if err != nil {
		return nil
	}
	held := map[calendar.Date]bool{}
	for _, o := range others {
		if o.ID != a.ID && Occupies(Status(o.Status)) {
			for _, d := range o.Dates {
				held[d] = true
			}
		}
	}
	var out []calendar.Date
	for _, d := range gone {
		if !held[d] {
			out = append(out, d)
		}
	}
	return out
}

// Release frees what was booked for an application's days that no longer
// happen (withdrawn, rejected, cancelled): the seats and devices linked to
// it, and, on the days of unlinked (days no other application of the
// person holds), the person's bookings linked to no application
// (internal/places and internal/devices, wired in internal/app). It runs
// after the application's transaction; what it cannot free (a seat already
// checked in) stays.
type Release func(ctx context.Context, tenantID int64, who *auth.Principal, a *Application, days, unlinked []calendar.Date)

// SetRelease names what frees the bookings of days that no longer happen.
func (s *Service) SetRelease(r Release) { s.release = r }

// JustDecided is how recent another person's decision on an application
// is for a take-back sent without a version to be refused (unseen).
const JustDecided = 10 * time.Second

// unseen wraps a take-back (cancel, withdraw) sent without a version: it
// is refused (409 apply.decided_just_now, nothing written) when, as read
// in its transaction, the application's last decision was someone else's
// and less than JustDecided ago — the caller cannot have seen the state
// that decision made, and their action was meant for the one before.
// Otherwise the same person's approve and a cancel fired at once could
// both succeed: the cancel, read after the approval committed, finds an
// approved application it may cancel. A cancel of an approved day later
// on, or one sent with the version the person saw (If-Match), is taken as
// usual. The deciders' own actions need no such guard: approve, return
// and reject are allowed only from 申請中, so the state lets one decision
// of a step through.
func (s *Service) unseen(ctx context.Context, tenantID int64, who *auth.Principal,
	fn func(tx Tx, a *Application, r *relation) (*step, error)) func(tx Tx, a *Application, r *relation) (*step, error) {
	return func(tx Tx, a *Application, r *relation) (*step, error) {
		st, err := fn(tx, a, r)
		if err != nil {
			return nil, err
		}
		last, err := tx.FindLastApplicationDecision(ctx, tenantID, a.ID)
		if err != nil {
			return nil, err
		}
		// The system's auto-approval is part of the applicant's own
		// submission: they saw its result (approved), nobody else decided.
		// A roster publication is no decision on a state the person saw
		// either: it created the application approved (there was no state
		// before it to mean), or cancelled days the person's take-back
		// then finds cancelled.
		if last.ID != 0 && !last.Auto() && !last.Roster && last.ByUserID != who.UserID && s.now().Sub(last.At) < JustDecided {
			return nil, &apperr.Error{Code: apperr.Conflict, Key: "apply.decided_just_now",
				Args: map[string]any{"Seconds": int(JustDecided / time.Second)}}
		}
		return st, nil
	}
}

// AuditView is what the audit log records of an application: its states,
// days, route and every choice an edit can change (devices, tasks, the
// parts of the day, the hours' flags); of the free texts — the planned
// work, the place's name and the reason for it — their length and a short
// fingerprint only, as worktime.Day.AuditView records the length of its
// plan and place: the log is read widely (auditors, exports) and keeps no
// person's own words, yet an edit of the text shows as a change (a
// fingerprint differs even when the length does not). Comments and
// reports' texts are not recorded.
func (a *Application) AuditView() map[string]any {
	days := map[string]string{}
	for _, d := range a.Days {
		days[d.Date.String()] = string(d.Status)
	}
	v := map[string]any{"status": string(a.Status), "decision": string(a.Decision), "staff_id": a.StaffID,
		"days": days, "mode": string(a.Mode), "place": a.Place, "time_unit": string(a.TimeUnit)}
	var verbal []string
	for _, d := range a.Days {
		if d.Report != nil && d.Report.Verbal {
			verbal = append(verbal, d.Date.String())
		}
	}
	if len(verbal) > 0 {
		v["verbal_reports"] = verbal // days reported by phone or in person, recorded by the supervisor
	}
	if a.PlaceKind != "" {
		v["place_kind"] = a.PlaceKind
	}
	if a.Start != "" || a.End != "" {
		v["start"], v["end"] = a.Start, a.End
	}
	if a.Step != 0 {
		v["step"], v["approver_id"] = a.Step, a.ApproverID
	}
	if a.PresenceCheckerID != 0 {
		v["presence_checker_id"] = a.PresenceCheckerID
	}
	if a.TakeOut.Any() {
		v["take_out"] = map[string]any{"paper": a.TakeOut.Paper, "data": a.TakeOut.Data,
			"print": a.TakeOut.PrintAtHome, "save": a.TakeOut.SaveAtHome}
	}
	if a.TravelOrder {
		v["travel_order"] = a.TravelOrderNo
	}
	if len(a.Segments) > 0 {
		v["segments"] = a.Segments
	}
	if len(a.Devices) > 0 {
		v["devices"] = a.Devices
	}
	if len(a.TaskIDs) > 0 {
		v["task_ids"] = a.TaskIDs
	}
	if a.BreakMinutes != 0 {
		v["break_minutes"] = a.BreakMinutes
	}
	for k, on := range map[string]bool{"overtime_approved": a.OvertimeApproved, "mid_day_break": a.MidDayBreak, "prior_consent": a.PriorConsent} {
		if on {
			v[k] = true
		}
	}
	auditText(v, "plan", a.Plan)
	auditText(v, "place_name", a.PlaceName)
	auditText(v, "place_reason", a.PlaceReason)
	return v
}

// auditText records a free text in an audit view as its length
// (<key>_chars) and the first 8 hex digits of its SHA-256 (<key>_digest):
// enough to see that it changed, not what it says.
func auditText(v map[string]any, key, text string) {
	if text == "" {
		return
	}
	sum := sha256.Sum256([]byte(text))
	v[key+"_chars"], v[key+"_digest"] = utf8.RuneCountInString(text), hex.EncodeToString(sum[:4])
}

// Detail is an application with its decisions and what the signed-in
// person may do with it now.
type Detail struct {
	*Application
	Decisions []Decision
	// Can lists the actions the person may take now.
	Can []Action
	// OnBehalfOf: deciding would be in this approver's name (代決).
	OnBehalfOf int64
}

// Get returns an application the signed-in person may read: their own,
// one they approve or act for, one of their section's people (supervisor),
// one they check presence for, or any (HR, auditor). NotFound otherwise.
func (s *Service) Get(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*Detail, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	rc, err := s.relCtx(ctx, tenantID, who)
	if err != nil {
		return nil, err
	}
	a, err := s.st.FindApplication(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	r := rc.relation(who, a)
	if !r.visible {
		return nil, apperr.NotFoundErr("application")
	}
	ds, err := s.st.FindApplicationDecisions(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	return &Detail{Application: a, Decisions: ds, Can: s.can(who, a, r), OnBehalfOf: r.onBehalfOf}, nil
}

// can lists the actions open to the person on a.
func (s *Service) can(who *auth.Principal, a *Application, r *relation) []Action {
	if who.ReadOnly {
		return nil
	}
	today := s.Today()
	var out []Action
	anyDay := func(ok func(Day) bool) bool { return slices.ContainsFunc(a.Days, ok) }
	if r.own {
		if a.Decision == Draft || a.Decision == Returned {
			out = append(out, ActEdit)
		}
		if a.Decision == Draft {
			out = append(out, ActDelete)
		}
		if Allowed(a.Decision, ActSubmit) {
			out = append(out, ActSubmit)
		}
		if Allowed(a.Decision, ActWithdraw) {
			out = append(out, ActWithdraw)
		}
		if anyDay(func(d Day) bool { return Allowed(d.Status, ActCancel) && today.Before(d.Date) }) {
			out = append(out, ActCancel)
		}
		if anyDay(func(d Day) bool { return Allowed(d.Status, ActStart) && d.Date == today }) {
			out = append(out, ActStart)
		}
		if anyDay(func(d Day) bool { return Allowed(d.Status, ActFinish) && d.Date == today }) {
			out = append(out, ActFinish)
		}
	}
	if r.canDecide {
		out = append(out, ActApprove, ActReturn, ActReject)
	}
	if (r.own || r.supervises && !r.delegated) && anyDay(func(d Day) bool { return Allowed(d.Status, ActReport) && !today.Before(d.Date) }) {
		out = append(out, ActReport)
	}
	if r.supervises && anyDay(func(d Day) bool { return d.Status == Reported }) {
		out = append(out, ActConfirm)
	}
	return out
}

// MaxPage is the most applications one call of a list returns; a caller
// reads further pages with Filter.After.
const MaxPage = 500

// List lists applications the signed-in person may read, matching f. With
// no f.StaffIDs, their own — or, with f.UnitIDs, those of the people of
// the units and below (HR, auditors; supervisors within their unit);
// another person's only for HR, auditors and supervisors of that person's
// unit (Forbidden otherwise).
func (s *Service) List(ctx context.Context, tenantID int64, who *auth.Principal, f Filter) ([]*Application, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	if len(f.StaffIDs) == 0 && len(f.UnitIDs) > 0 {
		return s.listUnits(ctx, tenantID, who, f)
	}
	if len(f.StaffIDs) == 0 {
		if who.StaffID == 0 {
			return nil, nil
		}
		f.StaffIDs = []int64{who.StaffID}
	}
	if !who.HasAny(auth.HRAdmin, auth.Auditor) {
		for _, id := range f.StaffIDs {
			if id == who.StaffID {
				continue
			}
			ok, err := s.overseesStaff(ctx, tenantID, who, id)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, apperr.Forbid()
			}
		}
	}
	f.ApproverIDs = nil
	f.HideDrafts, f.DraftsOf = true, who.StaffID
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = MaxPage
	}
	return s.st.FindApplications(ctx, tenantID, f)
}

// overseesStaff reports whether who may list staffID's applications: a
// supervisor of the person's unit (or above), or the person's approver now
// — themselves, or as their standing 代決者 (not an absence delegate).
func (s *Service) overseesStaff(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64) (bool, error) {
	st, err := s.st.FindStaffByID(ctx, tenantID, staffID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return false, nil
	}
	if err != nil || who.StaffID == 0 {
		return false, err
	}
	rc, err := s.relCtx(ctx, tenantID, who)
	if err != nil {
		return false, err
	}
	if who.Has(auth.Supervisor) && who.UnitID != 0 && rc.tree.IsWithin(st.UnitID, who.UnitID) {
		return true, nil
	}
	first, second, err := s.Approvers(ctx, tenantID, staffID)
	if apperr.CodeOf(err) == apperr.Conflict {
		return false, nil // no approver at all
	}
	if err != nil {
		return false, err
	}
	// An absence delegate covers the approver's open work (the inbox), not
	// the person's history: only the approver and a standing 代決者 list it.
	return slices.ContainsFunc(rc.acting, func(id int64) bool {
		return (id == who.StaffID || rc.deputies[id]) && (id == first || second != 0 && id == second)
	}), nil
}

// listUnits lists the applications of the people of f.UnitIDs and the
// units below them: for HR and auditors any unit, for a supervisor units
// within their own (Forbidden otherwise).
func (s *Service) listUnits(ctx context.Context, tenantID int64, who *auth.Principal, f Filter) ([]*Application, error) {
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	var all []int64
	for _, u := range f.UnitIDs {
		if !who.HasAny(auth.HRAdmin, auth.Auditor) && !(who.Has(auth.Supervisor) && who.UnitID != 0 && tr.IsWithin(u, who.UnitID)) {
			return nil, apperr.Forbid()
		}
		all = append(all, tr.Subtree(u)...)
	}
	f.UnitIDs, f.ApproverIDs = all, nil
	f.HideDrafts, f.DraftsOf = true, who.StaffID
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = MaxPage
	}
	return s.st.FindApplications(ctx, tenantID, f)
}

// Inbox lists the applications waiting for the signed-in person's
// decision — as approver, standing proxy (代決) or delegate during an
// absence — oldest submission first, narrowed by f's units (and below),
// days and mode.
func (s *Service) Inbox(ctx context.Context, tenantID int64, who *auth.Principal, f Filter) ([]*Application, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	if who.StaffID == 0 {
		return nil, nil
	}
	rc, err := s.relCtx(ctx, tenantID, who)
	if err != nil {
		return nil, err
	}
	var units []int64
	for _, u := range f.UnitIDs {
		units = append(units, rc.tree.Subtree(u)...)
	}
	// One's own applications are never one's to decide, even when acting
	// for one's own approver.
	g := Filter{ApproverIDs: rc.acting, NotStaffID: who.StaffID, Decisions: []Status{Submitted}, UnitIDs: units, From: f.From, To: f.To,
		Mode: f.Mode, Ascending: true, Limit: f.Limit, Offset: f.Offset, After: f.After, Total: f.Total}
	if len(f.UnitIDs) > 0 && len(units) == 0 {
		return nil, nil
	}
	if g.Limit <= 0 || g.Limit > MaxPage {
		g.Limit = MaxPage
	}
	return s.st.FindApplications(ctx, tenantID, g)
}

// Overdue lists applications with a report overdue (due before today, not
// filed): the person's own, or — for a supervisor — those of the people of
// their unit and below and of applications they approved (both views, so
// both sides see what is late). pg's Limit, After and Total page the list.
func (s *Service) Overdue(ctx context.Context, tenantID int64, who *auth.Principal, asSupervisor bool, pg Filter) ([]*Application, error) {
	return s.supervisorList(ctx, tenantID, who, asSupervisor, Filter{ReportOverdue: s.Today(), Limit: pg.Limit, After: pg.After, Total: pg.Total})
}

// ToConfirm lists the applications with reports waiting for the
// supervisor's confirmation (people of their unit and below). pg's Limit,
// After and Total page the list.
func (s *Service) ToConfirm(ctx context.Context, tenantID int64, who *auth.Principal, pg Filter) ([]*Application, error) {
	return s.supervisorList(ctx, tenantID, who, true, Filter{DayStatuses: []Status{Reported}, Limit: pg.Limit, After: pg.After, Total: pg.Total})
}

func (s *Service) supervisorList(ctx context.Context, tenantID int64, who *auth.Principal, asSupervisor bool, f Filter) ([]*Application, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	f.Ascending = true
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = MaxPage
	}
	if !asSupervisor {
		if who.StaffID == 0 {
			return nil, nil
		}
		f.StaffIDs = []int64{who.StaffID}
		return s.st.FindApplications(ctx, tenantID, f)
	}
	if !who.Has(auth.Supervisor) || who.UnitID == 0 {
		return nil, apperr.Forbid()
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	f.UnitIDs = org.NewTree(units).Subtree(who.UnitID)
	return s.st.FindApplications(ctx, tenantID, f)
}

// Last is the person's latest application, to apply again with the same
// content (「前回と同じ内容で申請」); NotFound when there is none.
func (s *Service) Last(ctx context.Context, tenantID int64, who *auth.Principal) (*Application, error) {
	if who == nil || who.StaffID == 0 {
		return nil, apperr.NotFoundErr("application")
	}
	return s.st.FindLastApplication(ctx, tenantID, who.StaffID)
}

// Approvers says who would approve an application of staffID now: the
// step-1 approver and, for two steps, the step-2 one.
func (s *Service) Approvers(ctx context.Context, tenantID int64, staffID int64) (first, second int64, err error) {
	st, err := s.st.FindStaffByID(ctx, tenantID, staffID)
	if err != nil {
		return 0, 0, err
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return 0, 0, err
	}
	set, err := s.st.FindApplySettings(ctx, tenantID)
	if err != nil {
		return 0, 0, err
	}
	tr := org.NewTree(units)
	heads, err := s.st.FindApplyHeads(ctx, tenantID, Chain(tr, st.UnitID))
	if err != nil {
		return 0, 0, err
	}
	return Route(tr, heads, st.ID, st.UnitID, set)
}

// Settings returns the tenant's routing settings.
func (s *Service) Settings(ctx context.Context, tenantID int64) (Settings, error) {
	return s.st.FindApplySettings(ctx, tenantID)
}

// SaveSettings changes the tenant's routing settings (HR); set.Version is
// the version the form was based on (a Conflict error.stale when another
// change came first).
func (s *Service) SaveSettings(ctx context.Context, tenantID int64, who *auth.Principal, set Settings) error {
	if who == nil || !who.Has(auth.HRAdmin) || who.ReadOnly {
		return apperr.Forbid()
	}
	if err := set.Validate(); err != nil {
		return err
	}
	set.TwoStepUnits = slices.Compact(slices.Sorted(slices.Values(set.TwoStepUnits)))
	if len(set.TwoStepUnits) > 0 {
		units, err := s.st.FindUnits(ctx, tenantID)
		if err != nil {
			return err
		}
		tr := org.NewTree(units)
		for _, id := range set.TwoStepUnits {
			if tr.Unit(id) == nil {
				var v apperr.Validation
				v.Add("two_step_units", "field.unit_unknown", nil)
				return v.Err()
			}
		}
	}
	return s.Configure(ctx, tenantID, actorOf(who), set)
}

// Configure writes the tenant's routing settings for a caller that is not
// a person (the demo seed, the CLI) with its audit entry; SaveSettings is
// the HR form's way, with the permission check.
func (s *Service) Configure(ctx context.Context, tenantID int64, actor audit.Actor, set Settings) error {
	if err := set.Validate(); err != nil {
		return err
	}
	return s.st.InApplyTx(ctx, func(tx Tx) error {
		old, err := tx.FindApplySettings(ctx, tenantID)
		if err != nil {
			return err
		}
		if err := tx.SaveApplySettings(ctx, tenantID, &set); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "application.settings", ObjectType: "apply_settings",
			ObjectID: idStr(tenantID), Before: settingsView(old), After: settingsView(set)})
	})
}

func settingsView(s Settings) map[string]any {
	return map[string]any{"approver": s.Approver, "two_step": s.TwoStep, "two_step_units": s.TwoStepUnits,
		"reminder_hours": s.ReminderHours}
}

// Delegations lists the delegations the signed-in person gave or holds
// (HR: every one of the tenant).
func (s *Service) Delegations(ctx context.Context, tenantID int64, who *auth.Principal) ([]Delegation, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	if who.Has(auth.HRAdmin) {
		return s.st.FindDelegations(ctx, tenantID, DelegationFilter{})
	}
	if who.StaffID == 0 {
		return nil, nil
	}
	gave, err := s.st.FindDelegations(ctx, tenantID, DelegationFilter{ApproverID: who.StaffID})
	if err != nil {
		return nil, err
	}
	held, err := s.st.FindDelegations(ctx, tenantID, DelegationFilter{DelegateID: who.StaffID})
	if err != nil {
		return nil, err
	}
	return append(gave, held...), nil
}

// Delegate records a delegation: a supervisor names a proxy (代決者) or a
// delegate for an absence from d.From to d.To; HR may record one for any
// approver. The delegate is told when it is in force today (else on its
// first day, by the daily job).
func (s *Service) Delegate(ctx context.Context, tenantID int64, who *auth.Principal, d Delegation) (*Delegation, error) {
	if who == nil || who.ReadOnly {
		return nil, apperr.Forbid()
	}
	if d.ApproverID == 0 {
		d.ApproverID = who.StaffID
	}
	if !who.Has(auth.HRAdmin) && (d.ApproverID != who.StaffID || !who.Has(auth.Supervisor)) {
		return nil, apperr.Forbid()
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if d.Kind == DelegateAbsence && d.To.Before(s.Today()) {
		var v apperr.Validation
		v.Add("to", "apply.delegation_past", nil)
		return nil, v.Err()
	}
	for _, id := range []int64{d.ApproverID, d.DelegateID} {
		st, err := s.st.FindStaffByID(ctx, tenantID, id)
		if err != nil || st.Retired {
			var v apperr.Validation
			field := "delegate_id"
			if id == d.ApproverID {
				field = "approver_id"
			}
			v.Add(field, "field.staff_unknown", nil)
			return nil, v.Err()
		}
		if id == d.ApproverID {
			d.ApproverName = st.Name
		} else {
			d.DelegateName = st.Name
		}
	}
	now := s.now()
	d.CreatedAt, d.CreatedByID = now, who.StaffID
	err := s.st.InApplyTx(ctx, func(tx Tx) error {
		// One delegation of a kind from an approver to a delegate at a
		// time: a second (a double click, the same absence entered twice)
		// would outlive the one the approver later ends, and keep the
		// delegate deciding. The approver's row lock orders two at once.
		if err := tx.LockApplicant(ctx, tenantID, d.ApproverID); err != nil {
			return err
		}
		have, err := tx.FindDelegationsLocked(ctx, tenantID, DelegationFilter{ApproverID: d.ApproverID, DelegateID: d.DelegateID})
		if err != nil {
			return err
		}
		for _, e := range have {
			// An absence already over blocks nothing.
			if e.Kind != d.Kind || d.Kind == DelegateAbsence && (e.To.Before(d.From) || d.To.Before(e.From) || e.To.Before(s.Today())) {
				continue
			}
			args := map[string]any{"Name": d.DelegateName, "ID": e.ID}
			if e.Kind == DelegateAbsence {
				args["From"], args["To"] = e.From.String(), e.To.String()
				return apperr.At(apperr.Conflict, "delegate_id", "apply.delegation_overlaps", args)
			}
			return apperr.At(apperr.Conflict, "delegate_id", "apply.delegation_exists", args)
		}
		if err := tx.InsertDelegation(ctx, tenantID, &d); err != nil {
			return err
		}
		if d.ActiveOn(s.Today()) {
			if err := tx.InsertNotifications(ctx, tenantID, notify.Stamp([]notify.Notification{notify.New(d.DelegateID,
				notify.DelegationStarted, 0, map[string]any{"Name": d.ApproverName, "To": dateText(d.To)})}, s.now())); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, tenantID, actorOf(who), audit.Change{Action: "application.delegate", ObjectType: "delegation",
			ObjectID: idStr(d.ID), After: delegationView(d)})
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func delegationView(d Delegation) map[string]any {
	return map[string]any{"approver_id": d.ApproverID, "delegate_id": d.DelegateID, "kind": d.Kind,
		"from": dateText(d.From), "to": dateText(d.To)}
}

// Undelegate ends a delegation (the approver who gave it, or HR).
func (s *Service) Undelegate(ctx context.Context, tenantID int64, who *auth.Principal, id int64) error {
	if who == nil || who.ReadOnly {
		return apperr.Forbid()
	}
	return s.st.InApplyTx(ctx, func(tx Tx) error {
		d, err := tx.DeleteDelegation(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if !who.Has(auth.HRAdmin) && d.ApproverID != who.StaffID {
			return apperr.NotFoundErr("delegation")
		}
		return tx.Audit(ctx, tenantID, actorOf(who), audit.Change{Action: "application.undelegate", ObjectType: "delegation",
			ObjectID: idStr(id), Before: delegationView(d)})
	})
}

// actIn is one action on application id inside the transaction tx: the
// state and version checks, fn's step, the writes, the outbox rows and the
// audit entry. expect 0 takes the version as read in tx (a caller already
// inside a transaction, e.g. the working-time start). relate tells the
// actor's relation to the application.
func actIn[T WorkTx](s *Service, ctx context.Context, tx T, tenantID int64, who *auth.Principal, id int64, action Action,
	expect int64, relate func(*Application) *relation, fn func(tx T, a *Application, r *relation) (*step, error)) (*Application, error) {
	a, err := tx.FindApplication(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	r := relate(a)
	if !r.visible {
		return nil, apperr.NotFoundErr("application")
	}
	if expect != 0 && a.Version != expect {
		// Another action came first: this one was taken on what the
		// person saw before it.
		if action == ActApprove && r.stepDone && !r.canDecide {
			return nil, StepDecided(a)
		}
		return nil, StateError(a.Status, action)
	}
	before, prev := a.AuditView(), a.Version
	st, err := fn(tx, a, r)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a.UpdatedAt = now
	a.Status = Summary(a.Decision, a.Days)
	if err := tx.UpdateApplication(ctx, tenantID, a, prev); err != nil {
		return nil, err
	}
	for i := range st.days {
		st.days[i].UpdatedAt = now
	}
	if err := tx.UpdateApplicationDays(ctx, tenantID, st.days); err != nil {
		return nil, err
	}
	if d := st.decision; d != nil {
		d.ApplicationID, d.ByStaffID, d.ByUserID, d.At = a.ID, who.StaffID, who.UserID, now
		if d.Dates == nil {
			for _, x := range st.days {
				d.Dates = append(d.Dates, x.Date)
			}
		}
		if err := tx.InsertApplicationDecision(ctx, tenantID, d); err != nil {
			return nil, err
		}
	}
	var notes []notify.Notification
	for _, n := range st.notes {
		if n.StaffID == 0 || n.StaffID == who.StaffID {
			continue
		}
		if n.Args == nil {
			n.Args = map[string]any{}
		}
		if n.Args["Name"] == nil || n.Args["Name"] == "" {
			n.Args["Name"] = a.StaffName
		}
		notes = append(notes, n)
	}
	if err := tx.InsertNotifications(ctx, tenantID, notify.Stamp(notes, now)); err != nil {
		return nil, err
	}
	after := a.AuditView()
	if d := st.decision; d != nil && d.OnBehalfOf != 0 {
		after["on_behalf_of"] = d.OnBehalfOf
	}
	if err := tx.Audit(ctx, tenantID, actorOf(who), audit.Change{Action: "application." + string(action),
		ObjectType: "application", ObjectID: idStr(a.ID), Before: before, After: after}); err != nil {
		return nil, err
	}
	return a, nil
}

// JudgeTx reads what a decision is judged on, in its transaction.
type JudgeTx interface {
	FindDecider(ctx context.Context, tenantID, staffID int64) (unitID int64, supervisor bool, err error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
}

// AsJudged is who and the unit tree as they stand in tx (the tree read in
// it; a supervisor's unit and head flag read again, FindDecider, which
// holds the organisation until the commit): a decision sent as HR removes
// the head flag, moves the decider or moves a unit loses, as it would a
// moment later (an outside review). Applications' and overtime decisions
// both judge on it.
func AsJudged(ctx context.Context, tx JudgeTx, tenantID int64, who *auth.Principal) (*auth.Principal, *org.Tree, error) {
	units, err := tx.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	if who.Has(auth.Supervisor) && who.StaffID != 0 {
		unitID, head, err := tx.FindDecider(ctx, tenantID, who.StaffID)
		if err != nil {
			return nil, nil, err
		}
		who = who.AsOf(unitID, head)
	}
	return who, org.NewTree(units), nil
}
