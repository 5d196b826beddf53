package staffio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/jobrun"
	"telework/internal/org"
	"telework/internal/policy"
)

// Dated changes (予定されている異動). An import row whose 発令日 is after today
// is not applied: it is stored as an org.ScheduledChange, shown to HR in
// the preview with its date and in the list of scheduled changes, and
// applied on its date by RunDaily — claimed by one node per day — through
// org's StaffWriter (and UnitWriter for a unit change scheduled by
// org.Service.UpdateUnit), one transaction per change with its audit
// entries. A change that cannot be applied then (the unit closed
// meanwhile, the 職員番号 taken) is kept as failed with the reason, for HR.

// DatedStore is what the dated-change workflows read besides an import's.
type DatedStore interface {
	FindScheduledChangeByID(ctx context.Context, tenantID, id int64) (*org.ScheduledChange, error)
	FindTenants(ctx context.Context) ([]*org.Tenant, error)
	// ClaimJobRun claims one run of a periodic job; exactly one caller
	// gets true however many nodes try. FinishJobRun marks it done.
	ClaimJobRun(ctx context.Context, job, key, node string) (bool, error)
	FinishJobRun(ctx context.Context, job, key string) error
}

// DatedTx is what the dated-change workflows write in a transaction.
type DatedTx interface {
	// FinishScheduledChange moves a change from one of the states from to
	// to in one conditional statement and reports whether it did.
	FinishScheduledChange(ctx context.Context, tenantID, id int64, from []string, to string, failure *org.Failure,
		at time.Time, by string) (bool, error)
	FindScheduledChangeByID(ctx context.Context, tenantID, id int64) (*org.ScheduledChange, error)
	// The policy facts a row or a scheduled hire carries.
	FindPolicyFacts(ctx context.Context, tenantID, staffID int64) (policy.Facts, error)
	UpsertPolicyFacts(ctx context.Context, tenantID, staffID int64, f policy.Facts) error
}

// repeats reports a scheduled row that a pending change of the same
// person and date already says, word for word (the same file imported
// twice): it counts as unchanged. A pending change of the same person and
// date that says something else is replaced by the row (it.Replaces).
func (ps *planState) repeats(p *Plan, it *Item) bool {
	list := ps.pending[it.After.StaffNo]
	if len(list) == 0 {
		return false
	}
	mine := scheduledFor(it, ps.units)
	for _, c := range list {
		if c.Effective != it.Effective || c.Kind != mine.Kind {
			continue
		}
		if sameSchedule(c, mine) {
			p.Unchanged++
			return true
		}
		it.Replaces = c.ID
	}
	return false
}

func sameSchedule(a, b *org.ScheduledChange) bool {
	ba, bb := a.Body, b.Body
	ba.ActorID, bb.ActorID = 0, 0
	ja, err1 := json.Marshal(ba)
	jb, err2 := json.Marshal(bb)
	ca, err3 := json.Marshal(a.Changes)
	cb, err4 := json.Marshal(b.Changes)
	return errors.Join(err1, err2, err3, err4) == nil && bytes.Equal(ja, jb) && bytes.Equal(ca, cb)
}

// scheduledFor is the scheduled change of a dated item.
func scheduledFor(it *Item, units *unitIndex) *org.ScheduledChange {
	c := &org.ScheduledChange{Kind: org.ScheduledStaffUpdate, StaffNo: it.After.StaffNo, Name: it.After.Name, Effective: it.Effective}
	after := *it.After
	after.UpdatedAt = time.Time{}
	switch {
	case it.Before == nil:
		c.Kind = org.ScheduledStaffCreate
		after.ID, after.Version = 0, 0
		c.Body.Staff = &after
	default:
		c.StaffID = it.Before.ID
		c.Name = it.Before.Name
		if fields := org.ChangedFields(it.Before, it.After); len(fields) > 0 && (it.SetRetired == nil || !*it.SetRetired) {
			c.Body.Staff, c.Body.Fields = &after, fields
		}
		c.Body.Retired = it.SetRetired
	}
	if it.Facts != nil && !policy.SameFacts(it.FactsBefore, *it.Facts) {
		c.Body.Facts, _ = json.Marshal(it.Facts)
	}
	for _, ch := range it.Changes {
		c.Changes = append(c.Changes, org.ChangeLine{Field: ch.Field, Column: ch.Column, Before: ch.Before, After: ch.After, Sensitive: ch.Sensitive})
	}
	return c
}

// writeScheduled stores the plan's dated items, each with its audit entry
// ("staff.schedule"), cancelling the pending changes they replace.
func writeScheduled(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, p *Plan, units *unitIndex, name string) error {
	now := tx.Now().UTC()
	// The April 人事異動 schedules thousands of changes at once: their audit
	// entries go in a few statements at the end (a cancellation writes its
	// own entry first, so the chain keeps the order of what happened).
	var entries []audit.Change
	for _, list := range [][]*Item{p.Creates, p.Changes, p.Retires, p.Reinstates} {
		for _, it := range list {
			if !it.Scheduled {
				continue
			}
			if it.Replaces != 0 {
				if err := cancelIn(ctx, tx, tenantID, actor, it.Replaces, now); err != nil {
					return fmt.Errorf("staffio: line %d: %w", it.Line, err)
				}
			}
			c := scheduledFor(it, units)
			c.Body.ActorID, c.Source, c.CreatedAt, c.CreatedBy = actor.ID, name, now, actor.Label
			if err := tx.InsertScheduledChange(ctx, tenantID, c); err != nil {
				return fmt.Errorf("staffio: line %d: %w", it.Line, err)
			}
			entries = append(entries, audit.Change{Action: "staff.schedule", ObjectType: "scheduled_change",
				ObjectID: itoa(c.ID), After: c.AuditView()})
		}
	}
	return tx.AuditBatch(ctx, tenantID, actor, entries)
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// cancelIn cancels a pending (or failed) change inside tx, audited
// ("schedule.cancel"); Conflict dated.not_pending when it was applied or
// cancelled already.
func cancelIn(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, id int64, at time.Time) error {
	before, err := tx.FindScheduledChangeByID(ctx, tenantID, id)
	if err != nil {
		return err
	}
	ok, err := tx.FinishScheduledChange(ctx, tenantID, id, []string{org.SchedulePending, org.ScheduleFailed}, org.ScheduleCancelled, nil, at, actor.Label)
	if err != nil {
		return err
	}
	if !ok {
		return &apperr.Error{Code: apperr.Conflict, Key: "dated.not_pending"}
	}
	after := *before
	after.Status, after.Failure = org.ScheduleCancelled, nil
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "schedule.cancel", ObjectType: "scheduled_change",
		ObjectID: itoa(id), Before: before.AuditView(), After: after.AuditView()})
}

// Scheduled lists the tenant's scheduled changes (HR only: callers check).
func (s *Service) Scheduled(ctx context.Context, tenantID int64, f org.ScheduleFilter) ([]*org.ScheduledChange, error) {
	return s.st.FindScheduledChanges(ctx, tenantID, f)
}

// CancelScheduled cancels a change before its date (or dismisses one that
// failed), audited. Conflict dated.not_pending when it was applied or
// cancelled already; NotFound when the tenant has no such change.
func (s *Service) CancelScheduled(ctx context.Context, tenantID int64, actor audit.Actor, id int64) error {
	return s.st.InStaffImport(ctx, func(tx Tx) error {
		return cancelIn(ctx, tx, tenantID, actor, id, s.now())
	})
}

// DailyJob is the dated-change job's name in job_runs.
const DailyJob = "scheduled_changes"

// DailyResult is what one run of the daily job did.
type DailyResult struct {
	Ran     bool   // false when another node (or an earlier run) had the day
	Day     string // the Tokyo day claimed
	Applied int
	Failed  int
}

// RunDaily applies every tenant's changes due by today (Tokyo), once per
// day across the nodes: the day is claimed in job_runs and only the node
// that claims it does the work. Changes dated on a day the job did not
// run (the server was down) are applied by the next run, with their own
// date in the history.
func (s *Service) RunDaily(ctx context.Context, node string) (*DailyResult, error) {
	today := calendar.DateOf(s.now())
	res := &DailyResult{Day: today.String()}
	var err error
	res.Ran, err = jobrun.EachTenant(ctx, s.st, DailyJob, res.Day, node, func(ctx context.Context, tenantID int64) error {
		applied, failed, err := s.ApplyDue(ctx, tenantID, today)
		res.Applied += applied
		res.Failed += failed
		return err
	})
	return res, err
}

// ApplyDue applies the tenant's pending changes dated on or before today,
// in date order, each in its own transaction. A change the rules refuse
// now is recorded as failed with the reason (and audited); an internal
// error leaves it pending for the next run.
func (s *Service) ApplyDue(ctx context.Context, tenantID int64, today calendar.Date) (applied, failed int, err error) {
	due, err := s.st.FindScheduledChanges(ctx, tenantID, org.ScheduleFilter{Status: []string{org.SchedulePending}, DueBy: today})
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, c := range due {
		ok, fail, err := s.applyScheduled(ctx, tenantID, c)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("scheduled change %d: %w", c.ID, err))
		case ok:
			applied++
		case fail:
			failed++
		}
		if ctx.Err() != nil {
			break
		}
	}
	if applied > 0 {
		s.Changed.After(ctx, tenantID, nil)
	}
	return applied, failed, errors.Join(errs...)
}

// errAlreadyDone stops a transaction whose change another run applied.
var errAlreadyDone = errors.New("staffio: scheduled change already done")

// jobActor is who the audit log shows as applying a scheduled change: the
// daily job, on behalf of the person who scheduled it.
func jobActor(c *org.ScheduledChange) audit.Actor {
	return audit.Actor{Label: "予定の適用 (" + c.CreatedBy + ")"}
}

func (s *Service) applyScheduled(ctx context.Context, tenantID int64, c *org.ScheduledChange) (applied, failed bool, err error) {
	actor := jobActor(c)
	at := s.now().UTC()
	err = s.st.InStaffImport(ctx, func(tx Tx) error {
		ok, err := tx.FinishScheduledChange(ctx, tenantID, c.ID, []string{org.SchedulePending}, org.ScheduleApplied, nil, at, actor.Label)
		if err != nil {
			return err
		}
		if !ok {
			return errAlreadyDone
		}
		if err := applyChange(ctx, tx, tenantID, actor, c); err != nil {
			return err
		}
		after := *c
		after.Status = org.ScheduleApplied
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "schedule.apply", ObjectType: "scheduled_change",
			ObjectID: itoa(c.ID), After: after.AuditView()})
	})
	switch {
	case err == nil:
		return true, false, nil
	case errors.Is(err, errAlreadyDone):
		return false, false, nil
	case ctx.Err() != nil, apperr.CodeOf(err) == apperr.Internal:
		return false, false, err
	}
	// The rules refuse it now: keep it, failed, with the reason for HR.
	f := org.FailureOf(err)
	err = s.st.InStaffImport(ctx, func(tx Tx) error {
		ok, err := tx.FinishScheduledChange(ctx, tenantID, c.ID, []string{org.SchedulePending}, org.ScheduleFailed, f, at, actor.Label)
		if err != nil || !ok {
			return err
		}
		after := *c
		after.Status, after.Failure = org.ScheduleFailed, f
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "schedule.fail", ObjectType: "scheduled_change",
			ObjectID: itoa(c.ID), Before: c.AuditView(), After: after.AuditView()})
	})
	return false, err == nil, err
}

// applyChange writes one scheduled change through org's rules.
func applyChange(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, c *org.ScheduledChange) error {
	staffID := c.StaffID
	switch c.Kind {
	case org.ScheduledStaffCreate:
		if c.Body.Staff == nil {
			return fmt.Errorf("staffio: scheduled hire %d has no record", c.ID)
		}
		st := *c.Body.Staff
		st.ID, st.Version = 0, 0
		if err := st.Validate(); err != nil {
			return err
		}
		if err := (org.StaffWriter{Tx: tx, Now: tx.Now}).Create(ctx, tenantID, actor, &st, c.Effective); err != nil {
			return err
		}
		staffID = st.ID
	case org.ScheduledStaffUpdate:
		cur, err := tx.FindStaffByID(ctx, tenantID, c.StaffID)
		if err != nil {
			return err
		}
		if _, err := (org.StaffWriter{Tx: tx, Now: tx.Now}).Update(ctx, tenantID, actor, c.StaffID, c.Body.StaffUpdate(c.Effective, cur.Version)); err != nil {
			return err
		}
	case org.ScheduledUnitUpdate:
		b := c.Body.Unit
		if b == nil {
			return fmt.Errorf("staffio: scheduled unit change %d has no body", c.ID)
		}
		cur, err := tx.LockUnit(ctx, tenantID, c.UnitID, true)
		if err != nil {
			return err
		}
		upd := org.UnitUpdate{Name: b.Name, Level: b.Level, Code: b.Code, ParentID: b.ParentID, SortOrder: b.SortOrder,
			Effective: c.Effective, ExpectVersion: cur.Version}
		_, err = org.UnitWriter{Tx: tx, Now: tx.Now}.Update(ctx, tenantID, actor, c.UnitID, upd)
		return err
	default:
		return fmt.Errorf("staffio: unknown scheduled change kind %q", c.Kind)
	}
	if len(c.Body.Facts) > 0 && staffID != 0 {
		var f policy.Facts
		if err := json.Unmarshal(c.Body.Facts, &f); err != nil {
			return fmt.Errorf("staffio: scheduled change %d: facts: %w", c.ID, err)
		}
		if _, err := policy.WriteFacts(ctx, tx, tenantID, actor, staffID, f); err != nil {
			return err
		}
	}
	return nil
}

// AllFacts returns the recorded policy facts of the tenant's staff by id
// (the bulk page shows them next to each person).
func (s *Service) AllFacts(ctx context.Context, tenantID int64) (map[int64]policy.Facts, error) {
	return s.st.FindAllPolicyFacts(ctx, tenantID)
}
