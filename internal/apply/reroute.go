package apply

import (
	"context"
	"errors"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/notify"
	"telework/internal/org"
)

// Waiting is an application waiting for a decision, with its applicant's
// unit as it now is (Reroute).
type Waiting struct {
	ApplicationID, StaffID, UnitID int64
	ApproverID, SecondApproverID   int64
	Step, Steps                    int
}

// rerouteActor is who hands an application on in the audit log.
var rerouteActor = audit.Actor{Label: "system:reroute"}

// errNotWaiting ends a hand-on whose application was decided, withdrawn or
// handed on since it was listed.
var errNotWaiting = errors.New("apply: no longer waiting as listed")

// Reroute hands on every application of the tenant that waits for a
// decision by someone who may no longer decide it, as the organisation now
// is (MayDecide): retired, no longer marked as a head, or no longer over the
// applicant after a transfer (人事異動) or a change of the units. Each goes to
// the approver Route names now for its step, in a transaction of its own
// with its audit entry (application.reroute) and the new approver's
// notification; an approver who still may decide keeps theirs, and an
// application with nobody to route to stays where it is (the organisation
// needs a head: apply.no_approver). Without this, such an application
// waited for ever, decided by nobody but its former approver (a review).
// Run after every change of staff or units and hourly (changes that took
// effect on their date); it returns how many were handed on.
func (s *Service) Reroute(ctx context.Context, tenantID int64) (int, error) {
	waiting, err := s.st.FindWaitingRoutes(ctx, tenantID)
	if err != nil || len(waiting) == 0 {
		return 0, err
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	tr := org.NewTree(units)
	set, err := s.st.FindApplySettings(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	var chainUnits []int64
	seen := map[int64]bool{}
	for _, w := range waiting {
		for _, id := range Chain(tr, w.UnitID) {
			if !seen[id] {
				seen[id] = true
				chainUnits = append(chainUnits, id)
			}
		}
	}
	heads, err := s.st.FindApplyHeads(ctx, tenantID, chainUnits)
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, w := range waiting {
		may := func(id int64) bool { return id != 0 && MayDecide(tr, heads, w.StaffID, w.UnitID, id) }
		pending := w.Steps == 2 && w.Step == 1 // a second step still to come
		if may(w.ApproverID) && (!pending || may(w.SecondApproverID)) {
			continue
		}
		first, second, err := Route(tr, heads, w.StaffID, w.UnitID, set)
		if err != nil {
			continue
		}
		was := hand{approver: w.ApproverID, second: w.SecondApproverID, steps: w.Steps}
		to := was
		if !may(w.ApproverID) {
			to.approver = first
			if w.Step == 2 && second != 0 {
				to.approver = second
			}
		}
		if pending {
			// The second step: to whom the organisation routes it now, or
			// none when it routes in one step now (both steps one person,
			// as Route has it), rather than to the same approver twice or
			// to one who left (a review).
			if !may(w.SecondApproverID) || second == 0 {
				to.second = second
			}
			if to.second == 0 || to.second == to.approver {
				to.second, to.steps = 0, 1
			}
		}
		if to == was {
			continue
		}
		err = s.handOn(ctx, tenantID, w, to)
		switch {
		case errors.Is(err, errNotWaiting), apperr.IsStale(err): // decided or changed meanwhile: as it now is
		case err != nil:
			return moved, err
		default:
			moved++
		}
	}
	return moved, nil
}

// hand is where Reroute sends an application: the approver of its current
// step, the approver of its second step (0: none) and how many steps.
type hand struct {
	approver, second int64
	steps            int
}

// handOn moves application w to its approvers to, if it still waits as
// listed; a new approver of the current step is told.
func (s *Service) handOn(ctx context.Context, tenantID int64, w Waiting, to hand) error {
	return s.st.InApplyTx(ctx, func(tx Tx) error {
		a, err := tx.FindApplication(ctx, tenantID, w.ApplicationID)
		if err != nil {
			return err
		}
		if a.Decision != Submitted || a.ApproverID != w.ApproverID || a.Step != w.Step {
			return errNotWaiting
		}
		now := s.now()
		before, prev := a.AuditView(), a.Version
		before["second_approver_id"], before["steps"] = a.SecondApproverID, a.Steps
		a.ApproverID, a.UpdatedAt = to.approver, now
		if a.Step == 2 {
			a.SecondApproverID = to.approver
		} else {
			a.FirstApproverID, a.SecondApproverID, a.Steps = to.approver, to.second, to.steps
		}
		if err := tx.UpdateApplication(ctx, tenantID, a, prev); err != nil {
			return err
		}
		if to.approver != w.ApproverID {
			note := notify.New(to.approver, notify.Submitted, a.ID, s.noteArgs(a, a.StaffName))
			if err := tx.InsertNotifications(ctx, tenantID, notify.Stamp([]notify.Notification{note}, now)); err != nil {
				return err
			}
		}
		after := a.AuditView()
		after["rerouted_from"] = w.ApproverID
		after["second_approver_id"], after["steps"] = a.SecondApproverID, a.Steps
		return tx.Audit(ctx, tenantID, rerouteActor, audit.Change{Action: "application.reroute", ObjectType: "application",
			ObjectID: idStr(a.ID), Before: before, After: after})
	})
}

// RerouteAll runs Reroute for every tenant (hourly, for the changes that
// took effect on their date and any hand-on a failed run left undone; the
// hand-ons are idempotent, so several nodes may run it).
func (s *Service) RerouteAll(ctx context.Context) (int, error) {
	return EveryTenant(ctx, s.st.FindTenants, s.Reroute)
}

// EveryTenant runs run for each tenant tenants lists and adds up what it
// counts; one tenant's failure does not stop the others (their errors are
// joined).
func EveryTenant(ctx context.Context, tenants func(context.Context) ([]*org.Tenant, error),
	run func(context.Context, int64) (int, error)) (int, error) {
	ts, err := tenants(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, t := range ts {
		k, err := run(ctx, t.ID)
		n += k
		if err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}
