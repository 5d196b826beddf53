package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/policy"
)

// Result is an application as an action left it, with the findings of the
// rule check of that moment and the days its range or pattern skipped.
type Result struct {
	Application *Application
	Findings    []policy.Finding
	Skipped     []Skipped
	// AutoApproved: the policy approved it at submission.
	AutoApproved bool
}

// Refused is the error of a submission (or approval) the rules refuse: the
// findings say which rule and why; nothing was written. It unwraps to an
// Invalid apperr.Error (apply.refused) listing each error finding.
type Refused struct {
	Findings []policy.Finding
	Days     []calendar.Date
	Skipped  []Skipped
}

func (r *Refused) Error() string { return "apply: refused by the policy" }

// Unwrap is the Invalid error every handler knows how to show.
func (r *Refused) Unwrap() error {
	e := &apperr.Error{Code: apperr.Invalid, Key: "apply.refused"}
	for _, f := range r.Findings {
		if f.Severity == policy.Error {
			e.Fields = append(e.Fields, apperr.FieldError{Field: "finding." + f.Rule, Key: f.Key, Args: f.Args})
		}
	}
	return e
}

// Act is what a person adds to an action: a comment (return, reject,
// approve, cancel, confirm), the days it concerns (cancel, confirm; empty:
// all that can) and, for cancel, From: every day from this date on (the
// rest of a recurring series).
type Act struct {
	Comment string
	Dates   []calendar.Date
	From    calendar.Date
	// Version is the version of the application the person acted on (the
	// API's If-Match or "version"); 0 means the version read when the
	// request began. Another action in between makes this one a state
	// Conflict, so of actions taken at once on what was seen, one wins.
	Version int64
}

func (a *Act) clean(requireComment bool) error {
	a.Comment = strings.TrimSpace(a.Comment)
	var v apperr.Validation
	if requireComment && a.Comment == "" {
		v.Add("comment", "apply.comment_required", nil)
	}
	textMax(&v, "comment", a.Comment, MaxPlanRunes, true)
	return v.Err()
}

func errNoPolicy() error { return &apperr.Error{Code: apperr.Conflict, Key: "error.no_policy"} }

func actorOf(who *auth.Principal) audit.Actor { return auth.ActorOf(who) }

// bounds is the first and last day a request names (for the calendar).
func (r *Request) bounds() (calendar.Date, calendar.Date) {
	switch {
	case r.Recurrence != nil:
		return r.Recurrence.From, r.Recurrence.To
	case len(r.Dates) > 0:
		lo, hi := r.Dates[0], r.Dates[0]
		for _, d := range r.Dates {
			if d.Valid() && d.Before(lo) {
				lo = d
			}
			if d.Valid() && hi.Before(d) {
				hi = d
			}
		}
		return lo, hi
	}
	return r.From, r.To
}

// prepare cleans and expands a request of the signed-in person and loads
// what the check needs.
func (s *Service) prepare(ctx context.Context, tenantID int64, who *auth.Principal, r *Request) (*env, []calendar.Date, []Skipped, error) {
	if who == nil || who.StaffID == 0 || who.ReadOnly {
		return nil, nil, nil, apperr.Forbid()
	}
	cleanErr := r.Clean()
	from, to := r.bounds()
	if !from.Valid() || !to.Valid() {
		from, to = s.Today(), s.Today()
	}
	e, err := s.loadEnv(ctx, tenantID, who.StaffID, from, to)
	if err != nil {
		return nil, nil, nil, err
	}
	days, skipped, expErr := Expand(*r, e.cal)
	if len(skipped) > 0 && len(days) == 0 && cleanErr == nil {
		// Every day named is a day off: a refusal that lists them.
		return nil, nil, skipped, &Refused{Skipped: skipped, Findings: []policy.Finding{{Rule: "dates.no_business_day",
			Severity: policy.Error, Key: "apply.no_business_day"}}}
	}
	if err := apperr.Merge(cleanErr, expErr); err != nil {
		return nil, nil, skipped, err
	}
	var v apperr.Validation
	if limit := s.Today().AddDays(MaxAheadDays); limit.Before(days[len(days)-1]) {
		v.Add("dates", "apply.too_far", map[string]any{"Max": MaxAheadDays})
	}
	if r.PresenceCheckerID != 0 && r.PresenceCheckerID == who.StaffID {
		v.Add("presence_checker_id", "apply.presence_self", nil)
	}
	if err := v.Err(); err != nil {
		return nil, nil, skipped, err
	}
	if r.PresenceCheckerID != 0 {
		pc, err := s.st.FindStaffByID(ctx, tenantID, r.PresenceCheckerID)
		if err != nil || pc.Retired {
			v.Add("presence_checker_id", "field.staff_unknown", nil)
			return nil, nil, skipped, v.Err()
		}
		if !pc.Supervisory() {
			// The checker reads the application (plan included): one of
			// the 管理監督職員 the guide names, not any colleague (a
			// review).
			v.Add("presence_checker_id", "apply.presence_supervisory", nil)
			return nil, nil, skipped, v.Err()
		}
	}
	if s.plan != nil && len(r.TaskIDs) > 0 {
		// Tasks picked now must be the person's own: one deleted after
		// the application was made is only a warning at a later check
		// (withPlan), but none is accepted unknown. Another section's
		// task is answered as a missing one, so that no id is revealed.
		unknown, err := s.plan.UnknownTasks(ctx, tenantID, e.staff.UnitID, r.TaskIDs)
		if err != nil {
			return nil, nil, skipped, err
		}
		if len(unknown) > 0 {
			ids := make([]string, len(unknown))
			for i, id := range unknown {
				ids[i] = idStr(id)
			}
			v.Add("task_ids", "apply.task_unknown", map[string]any{"IDs": strings.Join(ids, ", ")})
			return nil, nil, skipped, v.Err()
		}
	}
	if err := s.withPlan(ctx, tenantID, e, r.TaskIDs, r.Mode, planPlace(r.Place, r.PlaceName), r.Segments); err != nil {
		return nil, nil, skipped, err
	}
	if r.Submit {
		if err := s.withRoute(ctx, tenantID, e); err != nil {
			return nil, nil, skipped, err
		}
	}
	return e, days, skipped, nil
}

// Preview checks a request as the person fills the form: the days it
// covers, the days skipped and the rule findings, as a submission now
// would get them. Nothing is written.
func (s *Service) Preview(ctx context.Context, tenantID int64, who *auth.Principal, r Request) (*Result, error) {
	e, days, skipped, err := s.prepare(ctx, tenantID, who, &r)
	if err != nil {
		return nil, err
	}
	res := &Result{Skipped: skipped}
	// Read-only: no transaction (on SQLite it would take the write lock at
	// every keystroke of the form).
	res.Findings, _, err = s.evaluate(ctx, s.st, tenantID, e, r.PolicyApplication(0, days), policy.AtSubmit, s.now())
	if err != nil {
		return nil, err
	}
	if e.routeErr != nil {
		// Said as the form is filled, as the submission would refuse it.
		res.Findings = append(res.Findings, policy.Finding{Rule: "route.no_approver", Severity: policy.Error, Key: "apply.no_approver"})
	}
	a := &Application{StaffID: who.StaffID, Status: Draft, Decision: Draft}
	a.fill(r)
	for _, d := range days {
		a.Days = append(a.Days, Day{Date: d, Status: Draft})
	}
	a.Skipped = skipped
	res.Application = a
	return res, nil
}

// Create writes a new application of the signed-in person: a draft, or
// submitted at once when r.Submit (then the rules must pass: a *Refused
// error with the findings otherwise, and nothing is written). A draft is
// checked too and keeps its findings, errors included, for the form.
func (s *Service) Create(ctx context.Context, tenantID int64, who *auth.Principal, r Request) (*Result, error) {
	return onCurrentOrganisation(func() (*Result, error) { return s.create(ctx, tenantID, who, r) })
}

// create is one attempt of Create: errOrgChanged when the applicant or
// their organisation changed after prepare read them.
func (s *Service) create(ctx context.Context, tenantID int64, who *auth.Principal, r Request) (*Result, error) {
	e, days, skipped, err := s.prepare(ctx, tenantID, who, &r)
	if err != nil {
		return nil, err
	}
	res := &Result{Skipped: skipped}
	err = s.st.InApplyTx(ctx, func(tx Tx) error {
		if err := s.recheck(ctx, tx, tenantID, e, r.Submit); err != nil {
			return err
		}
		if err := tx.LockApplicant(ctx, tenantID, who.StaffID); err != nil {
			return err
		}
		now := s.now()
		a := &Application{StaffID: who.StaffID, Decision: Draft, CreatedAt: now, UpdatedAt: now, Skipped: skipped}
		a.fill(r)
		for _, d := range days {
			a.Days = append(a.Days, Day{Date: d, Status: Draft, UpdatedAt: now})
		}
		fs, ver, err := s.evaluate(ctx, tx, tenantID, e, r.PolicyApplication(0, days), policy.AtSubmit, now)
		if err != nil {
			return err
		}
		res.Findings = fs
		a.Findings = storeFindings(fs)
		if r.Submit && policy.HasErrors(fs) {
			return &Refused{Findings: fs, Days: days, Skipped: skipped}
		}
		a.Status = Draft
		e.describe(a)
		res.Application = a
		if r.Submit {
			auto, err := s.submitIn(ctx, tx, tenantID, who, e, a, ver, fs, now)
			res.AutoApproved = auto
			return err
		}
		if err := tx.InsertApplication(ctx, tenantID, a); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actorOf(who), audit.Change{Action: "application.create",
			ObjectType: "application", ObjectID: idStr(a.ID), After: a.AuditView()})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// submitIn routes a checked application (its findings fs carry no error)
// and submits it, or approves it at once where the policy allows it and
// nothing needs the approver's eye. a has been written; it is updated.
func (s *Service) submitIn(ctx context.Context, tx Tx, tenantID int64, who *auth.Principal, e *env, a *Application,
	ver dayVersions, fs []policy.Finding, now time.Time) (bool, error) {
	if e.routeErr != nil {
		return false, e.routeErr
	}
	first, second := e.first, e.second
	before := a.AuditView()
	prev := a.Version
	a.ApproverID, a.FirstApproverID, a.SecondApproverID, a.Step = first, first, second, 1
	a.Steps = 1
	if second != 0 {
		a.Steps = 2
	}
	a.Decision, a.SubmittedAt, a.UpdatedAt = Submitted, now, now
	a.Findings = storeFindings(fs)
	days := a.setDays(Submitted, func(d Day) bool { return d.Status == Draft || d.Status == Returned })
	auto := ver.autoApproval() && !hasWarnings(fs)
	if auto {
		a.ApproverID = 0
		a.Decision = Approved
		a.approveTravel(ver)
		a.setDays(Approved, func(d Day) bool { return d.Status == Submitted })
		for i := range a.Days {
			a.Days[i].ReportDue = reportDue(ver.on(a.Days[i].Date).Policy.Report, e.cal, a.Days[i].Date)
		}
		days = a.Days
	}
	a.Status = Summary(a.Decision, a.Days)
	e.describe(a)
	if a.ID == 0 {
		// Created and submitted in one step: written once, one audit entry.
		before = nil
		if err := tx.InsertApplication(ctx, tenantID, a); err != nil {
			return false, err
		}
		if a.TravelOrder {
			// The number names the application: known once written.
			a.numberTravel()
			if err := tx.UpdateApplication(ctx, tenantID, a, a.Version); err != nil {
				return false, err
			}
		}
	} else {
		if err := tx.UpdateApplication(ctx, tenantID, a, prev); err != nil {
			return false, err
		}
		if err := tx.UpdateApplicationDays(ctx, tenantID, days); err != nil {
			return false, err
		}
	}
	dec := &Decision{ApplicationID: a.ID, Action: ActSubmit, Step: 0, ByStaffID: who.StaffID, ByUserID: who.UserID,
		Dates: a.ActiveDates(), Findings: a.Findings, At: now}
	if err := tx.InsertApplicationDecision(ctx, tenantID, dec); err != nil {
		return false, err
	}
	var notes []notify.Notification
	args := s.noteArgs(a, e.staff.Name)
	if auto {
		if err := tx.InsertApplicationDecision(ctx, tenantID, &Decision{ApplicationID: a.ID, Action: ActApprove,
			Step: 1, Dates: a.ActiveDates(), Findings: a.Findings, At: now, Comment: ""}); err != nil {
			return false, err
		}
		notes = append(notes, notify.New(a.StaffID, notify.Approved, a.ID, args))
	} else {
		notes = append(notes, notify.New(first, notify.Submitted, a.ID, args))
		notes = append(notes, e.delegateNotes(first, notify.Submitted, a.ID, args)...)
	}
	if err := tx.InsertNotifications(ctx, tenantID, notify.Stamp(notes, now)); err != nil {
		return false, err
	}
	action, after := "application.submit", a.AuditView()
	if auto {
		// Submitted by the person, decided by the system (自動承認).
		action, after["approved_by"] = "application.auto_approve", "system_auto"
	}
	return auto, tx.Audit(ctx, tenantID, actorOf(who), audit.Change{Action: action, ObjectType: "application",
		ObjectID: idStr(a.ID), Before: before, After: after})
}

// delegateNotes tells the delegates acting for approver during an
// absence today (read by withAbsent) of an event.
func (e *env) delegateNotes(approver int64, k notify.Kind, appID int64, args map[string]any) []notify.Notification {
	var out []notify.Notification
	for _, id := range e.absent[approver] {
		out = append(out, notify.New(id, k, appID, args))
	}
	return out
}

// noteArgs are a notification's message arguments: who and which days
// (never a comment or the plan).
func (s *Service) noteArgs(a *Application, name string) map[string]any {
	ds := a.ActiveDates()
	if len(ds) == 0 {
		ds = a.Dates()
	}
	return map[string]any{"Name": name, "Dates": DatesText(ds), "Count": len(ds)}
}

// DatesText writes days compactly: 2026-12-03, 2026-12-04 … (the first
// three, then how many more).
func DatesText(ds []calendar.Date) string {
	var parts []string
	for i, d := range ds {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("+%d", len(ds)-3))
			break
		}
		parts = append(parts, d.String())
	}
	return strings.Join(parts, ", ")
}

// setDays moves the days that match to st and returns them.
func (a *Application) setDays(st Status, match func(Day) bool) []Day {
	var out []Day
	for i := range a.Days {
		if match(a.Days[i]) {
			a.Days[i].Status = st
			out = append(out, a.Days[i])
		}
	}
	return out
}

// approveTravel records the 旅行命令 where the policy of a day treats
// home telework as a trip to the home. Its number names the first day, the
// person's 職員番号 and the application, so it is unique in the tenant (a
// person may hold a morning and an afternoon application on one day); an
// application not yet written gets it once written (numberTravel).
func (a *Application) approveTravel(vs dayVersions) {
	if vs.travelOrder() && a.Mode == policy.Home {
		a.TravelOrder = true
		a.numberTravel()
	}
}

// numberTravel sets the 旅行命令 number of a written application that
// needs one.
func (a *Application) numberTravel() {
	if a.TravelOrder && a.ID != 0 && len(a.Days) > 0 {
		f := a.Days[0].Date
		a.TravelOrderNo = fmt.Sprintf("%04d%02d%02d-%s-%d", f.Year, f.Month, f.Day, a.StaffNo, a.ID)
	}
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// Update replaces the content and days of the person's own draft or
// returned application (edit before resubmitting); with r.Submit it is
// submitted in the same step. version is the application's version the
// edit was made on (0: none named); another edit or action since then is
// the state error of a conditional write, as every other action's.
func (s *Service) Update(ctx context.Context, tenantID int64, who *auth.Principal, id int64, r Request, version int64) (*Result, error) {
	return onCurrentOrganisation(func() (*Result, error) { return s.update(ctx, tenantID, who, id, r, version) })
}

// update is one attempt of Update (see create).
func (s *Service) update(ctx context.Context, tenantID int64, who *auth.Principal, id int64, r Request, version int64) (*Result, error) {
	e, days, skipped, err := s.prepare(ctx, tenantID, who, &r)
	if err != nil {
		return nil, err
	}
	res := &Result{Skipped: skipped}
	err = s.st.InApplyTx(ctx, func(tx Tx) error {
		if err := s.recheck(ctx, tx, tenantID, e, r.Submit); err != nil {
			return err
		}
		if err := tx.LockApplicant(ctx, tenantID, who.StaffID); err != nil {
			return err
		}
		a, err := tx.FindApplication(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if a.StaffID != who.StaffID {
			return apperr.NotFoundErr("application")
		}
		if a.Decision != Draft && a.Decision != Returned {
			// Not "another action came first": the person's own
			// submitted application is not edited in place (a review).
			return apperr.New(apperr.Conflict, "apply.edit_refused")
		}
		if err := seenVersion(a, version); err != nil {
			return err
		}
		now := s.now()
		before, prev := a.AuditView(), a.Version
		a.fill(r)
		a.Skipped, a.UpdatedAt = skipped, now
		a.Days = nil
		for _, d := range days {
			a.Days = append(a.Days, Day{Date: d, Status: a.Decision, UpdatedAt: now})
		}
		fs, ver, err := s.evaluate(ctx, tx, tenantID, e, r.PolicyApplication(a.ID, days), policy.AtSubmit, now)
		if err != nil {
			return err
		}
		res.Findings, a.Findings = fs, storeFindings(fs)
		if r.Submit && policy.HasErrors(fs) {
			return &Refused{Findings: fs, Days: days, Skipped: skipped}
		}
		a.Status = Summary(a.Decision, a.Days)
		if err := tx.UpdateApplication(ctx, tenantID, a, prev); err != nil {
			return err
		}
		if err := tx.ReplaceApplicationDays(ctx, tenantID, a.ID, a.StaffID, a.Days); err != nil {
			return err
		}
		if err := tx.Audit(ctx, tenantID, actorOf(who), audit.Change{Action: "application.update",
			ObjectType: "application", ObjectID: idStr(a.ID), Before: before, After: a.AuditView()}); err != nil {
			return err
		}
		res.Application = a
		if !r.Submit {
			return nil
		}
		res.AutoApproved, err = s.submitIn(ctx, tx, tenantID, who, e, a, ver, fs, now)
		return err
	})
	if err != nil {
		return nil, s.stale(ctx, tenantID, id, ActSubmit, err)
	}
	return res, nil
}

// Discard deletes the person's own draft (never submitted); version as
// Update's.
func (s *Service) Discard(ctx context.Context, tenantID int64, who *auth.Principal, id int64, version int64) error {
	if who == nil || who.StaffID == 0 || who.ReadOnly {
		return apperr.Forbid()
	}
	return s.st.InApplyTx(ctx, func(tx Tx) error {
		a, err := tx.FindApplication(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if a.StaffID != who.StaffID {
			return apperr.NotFoundErr("application")
		}
		if a.Decision != Draft {
			return apperr.New(apperr.Conflict, "apply.discard_refused")
		}
		if err := seenVersion(a, version); err != nil {
			return err
		}
		if err := tx.DeleteApplication(ctx, tenantID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actorOf(who), audit.Change{Action: "application.discard",
			ObjectType: "application", ObjectID: idStr(id), Before: a.AuditView()})
	})
}

// Submit submits the person's own draft or returned application, checking
// the rules again now (a *Refused error with the findings when they refuse
// it; nothing is written); version as Update's.
func (s *Service) Submit(ctx context.Context, tenantID int64, who *auth.Principal, id int64, version int64) (*Result, error) {
	if who == nil || who.StaffID == 0 || who.ReadOnly {
		return nil, apperr.Forbid()
	}
	return onCurrentOrganisation(func() (*Result, error) { return s.submit(ctx, tenantID, who, id, version) })
}

// submit is one attempt of Submit (see create).
func (s *Service) submit(ctx context.Context, tenantID int64, who *auth.Principal, id int64, version int64) (*Result, error) {
	cur, err := s.st.FindApplication(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if cur.StaffID != who.StaffID {
		return nil, apperr.NotFoundErr("application")
	}
	r := cur.Request()
	r.Dates = cur.Dates()
	if len(r.Dates) == 0 {
		return nil, StateError(cur.Status, ActSubmit)
	}
	from, to := r.bounds()
	e, err := s.loadEnv(ctx, tenantID, who.StaffID, from, to)
	if err != nil {
		return nil, err
	}
	if err := s.withPlan(ctx, tenantID, e, cur.TaskIDs, cur.Mode, planPlace(cur.Place, cur.PlaceName), cur.Segments); err != nil {
		return nil, err
	}
	if err := s.withRoute(ctx, tenantID, e); err != nil {
		return nil, err
	}
	res := &Result{Skipped: cur.Skipped}
	err = s.st.InApplyTx(ctx, func(tx Tx) error {
		if err := s.recheck(ctx, tx, tenantID, e, true); err != nil {
			return err
		}
		if err := tx.LockApplicant(ctx, tenantID, who.StaffID); err != nil {
			return err
		}
		a, err := tx.FindApplication(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if !Allowed(a.Decision, ActSubmit) {
			return StateError(a.Status, ActSubmit)
		}
		if err := seenVersion(a, version); err != nil {
			return err
		}
		now := s.now()
		fs, ver, err := s.evaluate(ctx, tx, tenantID, e, a.Request().PolicyApplication(a.ID, a.Dates()),
			policy.AtSubmit, now)
		if err != nil {
			return err
		}
		res.Findings = fs
		if policy.HasErrors(fs) {
			return &Refused{Findings: fs, Days: a.Dates(), Skipped: a.Skipped}
		}
		res.AutoApproved, err = s.submitIn(ctx, tx, tenantID, who, e, a, ver, fs, now)
		res.Application = a
		return err
	})
	if err != nil {
		return nil, s.stale(ctx, tenantID, id, ActSubmit, err)
	}
	return res, nil
}

// seenVersion refuses an edit, submission or discard of a version other
// than the one the person saw (If-Match or "version"; 0: none named): the
// content changed since (a second tab, another device), and the action
// would be taken on content the person never saw (a review found stale
// If-Match headers ignored).
func seenVersion(a *Application, version int64) error {
	if version != 0 && a.Version != version {
		return apperr.New(apperr.Conflict, "apply.changed_since")
	}
	return nil
}

// stale turns the conflict of a conditional write (another action came
// first) into the state error of the application as it is now.
func (s *Service) stale(ctx context.Context, tenantID, id int64, a Action, err error) error {
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Conflict || e.Key != "error.stale" {
		return err
	}
	cur, ferr := s.st.FindApplication(ctx, tenantID, id)
	if ferr != nil {
		return err
	}
	return StateError(cur.Status, a)
}

// Withdraw takes back the person's own submitted application (取下げ); it
// reads withdrawn and the approver is told.
func (s *Service) Withdraw(ctx context.Context, tenantID int64, who *auth.Principal, id int64, in Act) (*Application, error) {
	if err := in.clean(false); err != nil {
		return nil, err
	}
	return s.act(ctx, tenantID, who, id, ActWithdraw, in.Version, func(tx Tx, a *Application, r *relation) (*step, error) {
		if !r.own {
			return nil, r.applicantOnly()
		}
		if !Allowed(a.Decision, ActWithdraw) {
			return nil, StateError(a.Status, ActWithdraw)
		}
		approver := a.ApproverID
		a.Decision, a.ApproverID = Withdrawn, 0
		days := a.setDays(Withdrawn, func(d Day) bool { return d.Status == Submitted })
		return &step{days: days, decision: &Decision{Action: ActWithdraw, Comment: in.Comment},
			notes: []notify.Notification{notify.New(approver, notify.Withdrawn, a.ID, nil)}}, nil
	})
}

// Approve approves a submitted application in the approver's name: the
// approver of its current step, a standing proxy (代決) or a delegate
// during the approver's absence. The rules are checked again now (the
// deadline may have passed): a *Refused error when they refuse it. At the
// first of two steps it moves on to the second approver.
func (s *Service) Approve(ctx context.Context, tenantID int64, who *auth.Principal, id int64, in Act) (*Result, error) {
	return s.decide(ctx, tenantID, who, id, ActApprove, in)
}

// Return sends a submitted application back to the applicant (差戻し) with
// a comment saying why; they may edit and resubmit it.
func (s *Service) Return(ctx context.Context, tenantID int64, who *auth.Principal, id int64, in Act) (*Result, error) {
	return s.decide(ctx, tenantID, who, id, ActReturn, in)
}

// Reject refuses a submitted application (却下) with a comment saying why.
func (s *Service) Reject(ctx context.Context, tenantID int64, who *auth.Principal, id int64, in Act) (*Result, error) {
	return s.decide(ctx, tenantID, who, id, ActReject, in)
}

// Decide takes one of approve, return or reject (the bulk form's choice).
func (s *Service) Decide(ctx context.Context, tenantID int64, who *auth.Principal, id int64, a Action, in Act) (*Result, error) {
	switch a {
	case ActApprove, ActReturn, ActReject:
		return s.decide(ctx, tenantID, who, id, a, in)
	}
	return nil, apperr.New(apperr.Invalid, "apply.action_unknown")
}

func (s *Service) decide(ctx context.Context, tenantID int64, who *auth.Principal, id int64, act Action, in Act) (*Result, error) {
	if err := in.clean(act != ActApprove); err != nil {
		return nil, err
	}
	cur, err := s.st.FindApplication(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	var e *env
	if act == ActApprove {
		if len(cur.Days) == 0 {
			return nil, StateError(cur.Status, act)
		}
		from, to := cur.Days[0].Date, cur.Days[len(cur.Days)-1].Date
		if e, err = s.loadEnv(ctx, tenantID, cur.StaffID, from, to); err != nil {
			return nil, err
		}
		if err := s.withPlan(ctx, tenantID, e, cur.TaskIDs, cur.Mode, planPlace(cur.Place, cur.PlaceName), cur.Segments); err != nil {
			return nil, err
		}
		if err := s.withAbsent(ctx, tenantID, e, cur.SecondApproverID); err != nil {
			return nil, err
		}
	}
	// The second step's approver, named in the answer to the first step's
	// approval as a read would name them (read here, outside the
	// transaction, like the rest of what the check needs).
	var nextName string
	if act == ActApprove && cur.Step < cur.Steps && cur.SecondApproverID != 0 {
		next, err := s.st.FindStaffByID(ctx, tenantID, cur.SecondApproverID)
		if err != nil {
			return nil, err
		}
		nextName = next.Name
	}
	if in.Version == 0 {
		in.Version = cur.Version
	}
	res := &Result{Skipped: cur.Skipped}
	a, err := s.act(ctx, tenantID, who, id, act, in.Version, func(tx Tx, a *Application, r *relation) (*step, error) {
		if r.own {
			// Nobody decides their own application, whatever its state.
			return nil, errDecideOwn(act)
		}
		if !Allowed(a.Decision, act) && r.supervises {
			// Decided meanwhile (or withdrawn): say what it is now.
			return nil, StateError(a.Status, act)
		}
		if !r.canDecide {
			if r.stepDone {
				return nil, StepDecided(a)
			}
			return nil, r.denied()
		}
		now := s.now()
		dec := &Decision{Action: act, Step: a.Step, Comment: in.Comment, OnBehalfOf: r.onBehalfOf, Proxy: r.onBehalfOf != 0}
		st := &step{decision: dec}
		args := s.noteArgs(a, "")
		if len(a.ActiveDates()) == 0 {
			return nil, StateError(a.Status, act)
		}
		switch act {
		case ActApprove:
			fs, ver, err := s.evaluate(ctx, tx, tenantID, e, a.Request().PolicyApplication(a.ID, a.ActiveDates()),
				policy.AtApprove, now)
			if err != nil {
				return nil, err
			}
			res.Findings = fs
			dec.Findings = storeFindings(fs)
			a.Findings = dec.Findings
			if policy.HasErrors(fs) {
				return nil, &Refused{Findings: fs, Days: a.ActiveDates(), Skipped: a.Skipped}
			}
			if a.Step < a.Steps {
				// The first step decides the same days as the last.
				dec.Dates = a.ActiveDates()
				a.Step++
				a.ApproverID, a.ApproverName = a.SecondApproverID, nextName
				args["Name"] = cur.StaffName
				st.notes = append(st.notes, notify.New(a.ApproverID, notify.Submitted, a.ID, args))
				st.notes = append(st.notes, e.delegateNotes(a.ApproverID, notify.Submitted, a.ID, args)...)
				break
			}
			a.Decision, a.ApproverID, a.ApproverName = Approved, 0, ""
			a.approveTravel(ver)
			st.days = a.setDays(Approved, func(d Day) bool { return d.Status == Submitted })
			for i := range st.days {
				st.days[i].ReportDue = reportDue(ver.on(st.days[i].Date).Policy.Report, e.cal, st.days[i].Date)
			}
			for i := range a.Days {
				a.Days[i].ReportDue = reportDue(ver.on(a.Days[i].Date).Policy.Report, e.cal, a.Days[i].Date)
			}
			st.notes = append(st.notes, notify.New(a.StaffID, notify.Approved, a.ID, args))
		case ActReturn:
			a.Decision, a.ApproverID, a.ApproverName, a.Step = Returned, 0, "", 0
			st.days = a.setDays(Returned, func(d Day) bool { return d.Status == Submitted })
			st.notes = append(st.notes, notify.New(a.StaffID, notify.Returned, a.ID, args))
		case ActReject:
			a.Decision, a.ApproverID, a.ApproverName = Rejected, 0, ""
			st.days = a.setDays(Rejected, func(d Day) bool { return d.Status == Submitted })
			st.notes = append(st.notes, notify.New(a.StaffID, notify.Rejected, a.ID, args))
		}
		return st, nil
	})
	if err != nil {
		return nil, err
	}
	res.Application = a
	return res, nil
}

// Cancel cancels days of the person's own application before they come
// (取消し): in.Dates, or every day from in.From on (the rest of a series),
// or, when neither is given, every day still ahead. An application whose
// every day is cancelled reads cancelled. Days of today or earlier cannot
// be cancelled (apply.cancel_past).
func (s *Service) Cancel(ctx context.Context, tenantID int64, who *auth.Principal, id int64, in Act) (*Application, error) {
	if err := in.clean(false); err != nil {
		return nil, err
	}
	today := s.Today()
	return s.act(ctx, tenantID, who, id, ActCancel, in.Version, func(tx Tx, a *Application, r *relation) (*step, error) {
		if !r.own {
			return nil, r.applicantOnly()
		}
		pick := func(d Day) bool {
			switch {
			case len(in.Dates) > 0:
				return slices.Contains(in.Dates, d.Date)
			case !in.From.IsZero():
				return !d.Date.Before(in.From)
			}
			return today.Before(d.Date)
		}
		var chosen []int
		for i, d := range a.Days {
			if pick(d) {
				chosen = append(chosen, i)
			}
		}
		if len(in.Dates) > 0 && len(chosen) < len(slices.Compact(slices.SortedFunc(slices.Values(in.Dates), calendar.Date.Compare))) {
			var v apperr.Validation
			v.Add("days", "apply.cancel_not_in", nil)
			return nil, v.Err()
		}
		var changed []Day
		for _, i := range chosen {
			d := &a.Days[i]
			if !Allowed(d.Status, ActCancel) {
				if len(in.Dates) > 0 && d.Status == Cancelled {
					// The day, not the application (still approved for
					// its other days): 「この申請はすでに取り消されています」
					// misled the loser of two cancellations (a review).
					return nil, apperr.At(apperr.Conflict, "days", "apply.day_already_cancelled", map[string]any{"Date": d.Date.String()})
				}
				if len(in.Dates) > 0 {
					return nil, StateError(d.Status, ActCancel)
				}
				continue
			}
			if !today.Before(d.Date) {
				var v apperr.Validation
				v.Add("days", "apply.cancel_past", map[string]any{"Date": d.Date.String()})
				return nil, v.Err()
			}
			d.Status = Cancelled
			changed = append(changed, *d)
		}
		if len(changed) == 0 {
			return nil, cancelNothing(a, today)
		}
		approver := a.ApproverID
		if approver == 0 {
			approver = a.FirstApproverID
			if a.SecondApproverID != 0 {
				approver = a.SecondApproverID
			}
		}
		if !slices.ContainsFunc(a.Days, func(d Day) bool { return Occupies(d.Status) }) {
			a.Decision, a.ApproverID = Cancelled, 0
		}
		var dates []calendar.Date
		for _, d := range changed {
			dates = append(dates, d.Date)
		}
		args := map[string]any{"Dates": DatesText(dates), "Count": len(dates)}
		return &step{days: changed, decision: &Decision{Action: ActCancel, Comment: in.Comment, Dates: dates},
			notes: []notify.Notification{notify.New(approver, notify.Cancelled, a.ID, args)}}, nil
	})
}

// StartDay marks day d of the person's own approved application started
// at at, the application alone: the demo's history uses it for past days.
// A start reported now is the attendance record's (worktime.Service.Start
// or ForApplication), which moves the day through MarkWorkIn.
func (s *Service) StartDay(ctx context.Context, tenantID int64, who *auth.Principal, id int64, d calendar.Date, at time.Time) (*Application, error) {
	return s.markDay(ctx, tenantID, who, id, d, ActStart, at)
}

// FinishDay marks day d of the person's own started day finished at at.
func (s *Service) FinishDay(ctx context.Context, tenantID int64, who *auth.Principal, id int64, d calendar.Date, at time.Time) (*Application, error) {
	return s.markDay(ctx, tenantID, who, id, d, ActFinish, at)
}

func (s *Service) markDay(ctx context.Context, tenantID int64, who *auth.Principal, id int64, day calendar.Date, act Action, at time.Time) (*Application, error) {
	if at.IsZero() {
		at = s.now()
	}
	return s.act(ctx, tenantID, who, id, act, 0, markStep[Tx](day, act, at))
}

// NightEnd is the end of the night (minutes after midnight, Tokyo):
// until then a day begun the evening before and still under way is the
// person's day of now — its end belongs to it.
const NightEnd = 5 * 60

// DayOf is the day an action at at concerns when none is named: today;
// for a finish before NightEnd, yesterday when a (the applications' days
// read) holds yesterday still started and not today (work past midnight;
// a review found the finish refused naming the wrong field).
func DayOf(a *Application, act Action, at time.Time) calendar.Date {
	today := calendar.DateOf(at)
	if act != ActFinish || calendar.MinuteOf(at) >= NightEnd || a == nil {
		return today
	}
	started := func(d calendar.Date) bool {
		return slices.ContainsFunc(a.Days, func(x Day) bool { return x.Date == d && x.Status == Started })
	}
	if !started(today) && started(today.AddDays(-1)) {
		return today.AddDays(-1)
	}
	return today
}

// markStep moves day to started or finished at at, on the applicant's own
// application only.
func markStep[T WorkTx](day calendar.Date, act Action, at time.Time) func(T, *Application, *relation) (*step, error) {
	return func(_ T, a *Application, r *relation) (*step, error) {
		if !r.own {
			return nil, r.applicantOnly()
		}
		i, next, err := MarkableDay(a, act, day, at)
		if err != nil {
			return nil, err
		}
		dd := &a.Days[i]
		day = dd.Date
		dd.Status = next
		if act == ActStart {
			dd.StartedAt = at
		} else {
			dd.FinishedAt = at
		}
		return &step{days: []Day{*dd}, decision: &Decision{Action: act, Dates: []calendar.Date{day}}}, nil
	}
}

// MarkableDay finds the day of a that act (ActStart, ActFinish) at at
// marks — day, or with day zero DayOf's — and the state it moves to: its
// index in a.Days. Refused (nothing to write) when a has no such day, its
// state does not allow act, or it is not the day of at: a day's work is
// marked on its own date, its end may come after midnight (work past
// midnight belongs to the day it began, as the working-time record has it).
func MarkableDay(a *Application, act Action, day calendar.Date, at time.Time) (int, Status, error) {
	if day.IsZero() {
		day = DayOf(a, act, at)
	}
	i := slices.IndexFunc(a.Days, func(x Day) bool { return x.Date == day })
	if i < 0 {
		var v apperr.Validation
		v.Add("date", "apply.day_not_in", nil)
		return 0, "", v.Err()
	}
	next, err := Next(a.Days[i].Status, act)
	if err != nil {
		return 0, "", err
	}
	if on := calendar.DateOf(at); on != day && (act == ActStart || on != day.AddDays(1)) {
		var v apperr.Validation
		v.Add("date", "apply.not_today", nil)
		return 0, "", v.Err()
	}
	return i, next, nil
}

// MarkWorkIn is the working-time issue's hook, run inside its transaction:
// the person staffID started (ActStart) or finished (ActFinish) telework at
// at on day of application id (the working day, whose end may fall after
// midnight), reported by who — the person, or a supervisor entering the
// report they gave by phone (図表20), whom the working-time service has
// found to oversee them: the report is the person's either way, and moves
// their application as their own would. It reports a refused transition
// (the day not approved or not started, another day, another person's
// application) as an *apperr.Error, written nothing; any other error is
// the database's.
func (s *Service) MarkWorkIn(ctx context.Context, tx WorkTx, tenantID int64, who *auth.Principal, staffID, id int64, day calendar.Date, act Action, at time.Time) error {
	if act != ActStart && act != ActFinish {
		return apperr.New(apperr.Invalid, "apply.action_unknown")
	}
	if who == nil || who.ReadOnly {
		return apperr.Forbid()
	}
	own := func(a *Application) *relation {
		mine := a.StaffID == staffID && staffID != 0
		return &relation{own: mine, visible: mine}
	}
	_, err := actIn(s, ctx, tx, tenantID, who, id, act, 0, own, markStep[WorkTx](day, act, at))
	return err
}

// ReportInput is a 実施報告 of days of one application: the actual hours,
// the work done and its products. Verbal marks a report the supervisor
// heard and records (口頭報告); only an approver or supervisor may file one.
type ReportInput struct {
	Dates       []calendar.Date // empty: every day due a report (today or earlier)
	ActualStart string
	ActualEnd   string
	// BreakMinutes is the actual break; nil (left blank) is the planned
	// one — the application's, else the standard break where the day
	// holds the lunch hour (plannedHours), as the form's hint says.
	BreakMinutes *int
	Work         string
	Products     string
	Verbal       bool
	Version      int64 // as Act.Version
}

// Clean trims the report's texts and checks its fields' forms (times,
// their order, the break, the work done, lengths) — what no policy
// decides. Report runs it first; a form whose other fields could not be
// read runs it to show every field's error at once.
func (in *ReportInput) Clean() error {
	var v apperr.Validation
	in.Work, in.Products = strings.TrimSpace(in.Work), strings.TrimSpace(in.Products)
	if in.ActualStart != "" && !validHM(in.ActualStart) {
		v.Add("actual_start", "field.time_hm", nil)
	}
	if in.ActualEnd != "" && endMinutes(in.ActualEnd) < 0 {
		v.Add("actual_end", "apply.report_end_hm", nil)
	}
	if validHM(in.ActualStart) && endMinutes(in.ActualEnd) >= 0 && endMinutes(in.ActualEnd) <= minutes(in.ActualStart) {
		v.Add("actual_end", "apply.time_order", nil)
	}
	if b := in.BreakMinutes; b != nil && (*b < 0 || *b > 240) {
		v.Add("break_minutes", "field.range", map[string]any{"Min": 0, "Max": 240})
	} else if span := span2(in.ActualStart, in.ActualEnd, 0); b != nil && span > 0 && *b >= span {
		// A break as long as the time at work leaves no work to report
		// (a review saw 08:30–09:00 with 240 minutes' break accepted).
		v.Add("break_minutes", "apply.break_exceeds_span", map[string]any{"Break": *b, "Span": span})
	}
	if in.Work == "" && !in.Verbal {
		v.Add("work", "field.required", nil)
	}
	textMax(&v, "work", in.Work, MaxPlanRunes, true)
	textMax(&v, "products", in.Products, MaxPlanRunes, true)
	return v.Err()
}

// Report files the 実施報告 of days of an approved application (from the
// day itself on): by the applicant, or — marked verbal — by the approver or
// a supervisor who heard it (松本市). Planned hours come from the
// application and the policy's standard day (plannedHours); under a form
// comparing planned with actual hours (reportNeedsHours) the applicant's
// report names the actual start and end. The approver is told there is a
// report to confirm.
func (s *Service) Report(ctx context.Context, tenantID int64, who *auth.Principal, id int64, in ReportInput) (*Application, error) {
	if err := in.Clean(); err != nil {
		return nil, err
	}
	today := s.Today()
	// The policy in force on each day says its standard hours (the planned
	// ones of a day without times) and whether its report form asks for the
	// actual hours.
	vers, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	rules := &env{vers: vers}
	return s.act(ctx, tenantID, who, id, ActReport, in.Version, func(tx Tx, a *Application, r *relation) (*step, error) {
		if in.Verbal && (!r.supervises || r.delegated) || !in.Verbal && !r.own {
			return nil, r.denied()
		}
		if err := datesNotIn(a, in.Dates); err != nil {
			return nil, err
		}
		var changed []Day
		var dates []calendar.Date
		var notYet calendar.Date // the first day that could be reported once it has come
		for i := range a.Days {
			d := &a.Days[i]
			if len(in.Dates) > 0 && !slices.Contains(in.Dates, d.Date) {
				continue
			}
			if Allowed(d.Status, ActReport) && today.Before(d.Date) && (notYet.IsZero() || d.Date.Before(notYet)) {
				notYet = d.Date
			}
			if !Allowed(d.Status, ActReport) || today.Before(d.Date) {
				if len(in.Dates) > 0 {
					if today.Before(d.Date) {
						var v apperr.Validation
						v.Add("dates", "apply.report_future", map[string]any{"Date": d.Date.String()})
						return nil, v.Err()
					}
					return nil, StateError(d.Status, ActReport)
				}
				continue
			}
			// No policy at all (none in force on the day nor today): the
			// application's own times are the plan, and no form is named.
			ver, _ := rules.version(d.Date, today)
			if !in.Verbal && reportNeedsHours(ver.Policy.Report) {
				if err := requireActualHours(&in); err != nil {
					return nil, err
				}
			}
			ps, pe, planBreak := plannedHours(a, ver.Policy.Hours)
			if err := s.endNotYet(d.Date, in.ActualEnd, "actual_end", "apply.report_end_future"); err != nil {
				return nil, err
			}
			if in.ActualEnd == "" && d.FinishedAt.IsZero() {
				// No end given (a verbal report, a form without hours) and
				// no end reported that day: not before the planned end,
				// as the docs promise (a review found it accepted at 08:00).
				if err := s.endNotYet(d.Date, pe, "days", "apply.report_not_done"); err != nil {
					return nil, err
				}
			}
			actualBreak := planBreak
			if in.BreakMinutes != nil {
				actualBreak = *in.BreakMinutes
			} else if span := span2(in.ActualStart, in.ActualEnd, 0); span > 0 && planBreak >= span {
				// The planned break of a day longer than the one worked
				// (a full day's hour for 30 minutes at work) was not taken.
				actualBreak = 0
			}
			rep := &Report{PlannedStart: ps, PlannedEnd: pe, ActualStart: in.ActualStart, ActualEnd: in.ActualEnd,
				BreakMinutes: actualBreak, Work: in.Work, Products: in.Products, Verbal: in.Verbal,
				RecordedBy: who.StaffID, ReportedAt: s.now()}
			rep.PlannedMinutes = span2(ps, pe, planBreak)
			rep.ActualMinutes = span2(in.ActualStart, in.ActualEnd, actualBreak)
			d.Report, d.Status = rep, Reported
			changed = append(changed, *d)
			dates = append(dates, d.Date)
		}
		if len(changed) == 0 {
			if !notYet.IsZero() {
				// Approved, only not yet come: said as such, not as a
				// state that does not allow a report (a review).
				var v apperr.Validation
				v.Add("dates", "apply.report_future", map[string]any{"Date": notYet.String()})
				return nil, v.Err()
			}
			return nil, StateError(a.Status, ActReport)
		}
		st := &step{days: changed, decision: &Decision{Action: ActReport, Dates: dates}}
		if !in.Verbal {
			st.notes = append(st.notes, notify.New(a.finalApprover(), notify.Reported, a.ID,
				map[string]any{"Name": a.StaffName, "Dates": DatesText(dates), "Count": len(dates)}))
		}
		return st, nil
	})
}

// ReportForms is the report form (policy.Report.Form) of each day of a,
// under the version in force on that day as Report reads it (a day with no
// version at all has none).
func (s *Service) ReportForms(ctx context.Context, tenantID int64, a *Application) (map[calendar.Date]string, error) {
	vers, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	rules, today := &env{vers: vers}, s.Today()
	out := map[calendar.Date]string{}
	for _, d := range a.Days {
		ver, _ := rules.version(d.Date, today)
		out[d.Date] = ver.Policy.Report.Form
	}
	return out, nil
}

// endNotYet refuses a report of today (by the person or, verbal, by the
// supervisor) whose end — the actual one given, or else the planned one —
// is still to come: the work it reports has not happened yet (key on
// field, with the end and the time now).
func (s *Service) endNotYet(d calendar.Date, end, field, key string) error {
	now := s.now().In(calendar.Tokyo)
	m := endMinutes(end)
	if m < 0 || !time.Date(d.Year, d.Month, d.Day, 0, m, 0, 0, calendar.Tokyo).After(now) {
		return nil
	}
	var v apperr.Validation
	v.Add(field, key, map[string]any{"End": end, "Now": now.Format("15:04"), "Date": d.String()})
	return v.Err()
}

// datesNotIn refuses days an action names that the application does not
// hold (nothing is written; a review found them passed over in silence).
func datesNotIn(a *Application, dates []calendar.Date) error {
	for _, x := range dates {
		if !slices.ContainsFunc(a.Days, func(d Day) bool { return d.Date == x }) {
			var v apperr.Validation
			v.Add("days", "apply.date_not_in", map[string]any{"Date": x.String()})
			return v.Err()
		}
	}
	return nil
}

// span2 is the minutes worked from start to end less the break (0 when a
// time is missing).
func span2(start, end string, brk int) int {
	if !validHM(start) || endMinutes(end) < 0 {
		return 0
	}
	return max(endMinutes(end)-minutes(start)-brk, 0)
}

// finalApprover is who approves (approved) the application last.
func (a *Application) finalApprover() int64 {
	if a.SecondApproverID != 0 {
		return a.SecondApproverID
	}
	return a.FirstApproverID
}

// Confirm confirms the reports of days of an application (in.Dates, or
// every reported day), by its approver, a delegate or a supervisor of the
// applicant's unit.
func (s *Service) Confirm(ctx context.Context, tenantID int64, who *auth.Principal, id int64, in Act) (*Application, error) {
	if err := in.clean(false); err != nil {
		return nil, err
	}
	return s.act(ctx, tenantID, who, id, ActConfirm, in.Version, func(tx Tx, a *Application, r *relation) (*step, error) {
		if !r.supervises {
			return nil, r.denied()
		}
		if err := datesNotIn(a, in.Dates); err != nil {
			return nil, err
		}
		var changed []Day
		var dates []calendar.Date
		for i := range a.Days {
			d := &a.Days[i]
			if len(in.Dates) > 0 && !slices.Contains(in.Dates, d.Date) || d.Status != Reported {
				if len(in.Dates) > 0 && slices.Contains(in.Dates, d.Date) {
					return nil, confirmNothing(a, d)
				}
				continue
			}
			d.Status = Confirmed
			if d.Report != nil {
				d.Report.ConfirmedBy, d.Report.ConfirmedAt, d.Report.Comment = who.StaffID, s.now(), in.Comment
			}
			changed = append(changed, *d)
			dates = append(dates, d.Date)
		}
		if len(changed) == 0 {
			return nil, confirmNothing(a, nil)
		}
		return &step{days: changed, decision: &Decision{Action: ActConfirm, Comment: in.Comment, Dates: dates,
			OnBehalfOf: r.onBehalfOf, Proxy: r.onBehalfOf != 0}}, nil
	})
}

// BulkResult says what a bulk action did: the applications done and those
// that could not be, each with its error.
type BulkResult struct {
	Done   []*Application
	Failed []BulkFailure
}

// BulkFailure is one application a bulk action left as it was.
type BulkFailure struct {
	ID  int64
	Err error
}

// MaxBulk is the most applications one bulk action takes.
const MaxBulk = 500

// Bulk takes one action (approve, return, reject or confirm) on many
// applications, each in its own transaction with the rules checked again:
// one that fails (refused, decided meanwhile) does not stop the others.
func (s *Service) Bulk(ctx context.Context, tenantID int64, who *auth.Principal, ids []int64, act Action, in Act) (*BulkResult, error) {
	var v apperr.Validation
	if len(ids) == 0 {
		v.Add("ids", "field.required", nil)
	}
	if len(ids) > MaxBulk {
		v.Add("ids", "apply.bulk_too_many", map[string]any{"Max": MaxBulk})
	}
	switch act {
	case ActApprove, ActReturn, ActReject, ActConfirm:
	default:
		v.Add("action", "field.choice", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	// The comment is the same for every application: a missing or too
	// long one is the form's error, said once, not once per application.
	if err := in.clean(act == ActReturn || act == ActReject); err != nil {
		return nil, err
	}
	res := &BulkResult{}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		var a *Application
		var err error
		if act == ActConfirm {
			a, err = s.Confirm(ctx, tenantID, who, id, in)
		} else {
			var r *Result
			if r, err = s.decide(ctx, tenantID, who, id, act, in); err == nil {
				a = r.Application
			}
		}
		if err != nil {
			if apperr.CodeOf(err) == apperr.Internal && !errors.As(err, new(*Refused)) {
				return res, err
			}
			res.Failed = append(res.Failed, BulkFailure{ID: id, Err: err})
			continue
		}
		res.Done = append(res.Done, a)
	}
	return res, nil
}

// errDecideOwn is the refusal of an applicant approving, returning or
// rejecting their own application: the rule, not a bare "forbidden".
func errDecideOwn(act Action) error {
	return &apperr.Error{Code: apperr.Forbidden, Key: "apply.decide_own", Args: map[string]any{"Action": string(act)}}
}

// cancelNothing is why a cancel without named days found nothing to
// cancel: the days that could still be cancelled by their state are today
// or past (cancel only before the day, apply.cancel_only_before), else
// the state the application is in.
func cancelNothing(a *Application, today calendar.Date) error {
	for _, d := range a.Days {
		if Allowed(d.Status, ActCancel) && !today.Before(d.Date) {
			return &apperr.Error{Code: apperr.Conflict, Key: "apply.cancel_only_before",
				Args: map[string]any{"Date": d.Date.String(), "Action": string(ActCancel)}}
		}
	}
	return StateError(a.Status, ActCancel)
}

// confirmNothing is why a confirmation found no report to confirm (on day
// d when one was named): a day still waiting for its report has nothing to
// confirm yet (apply.nothing_to_confirm); otherwise the day's or the
// application's state says why.
func confirmNothing(a *Application, d *Day) error {
	nothing := func(day calendar.Date) error {
		args := map[string]any{"Action": string(ActConfirm)}
		if !day.IsZero() {
			args["Date"] = day.String()
		}
		return &apperr.Error{Code: apperr.Conflict, Key: "apply.nothing_to_confirm", Args: args}
	}
	if d != nil {
		if Allowed(d.Status, ActReport) {
			return nothing(d.Date)
		}
		return StateError(d.Status, ActConfirm)
	}
	if slices.ContainsFunc(a.Days, func(x Day) bool { return Allowed(x.Status, ActReport) }) {
		return nothing(calendar.Date{})
	}
	return StateError(a.Status, ActConfirm)
}
