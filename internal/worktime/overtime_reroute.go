package worktime

import (
	"context"
	"errors"
	"math"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/notify"
)

// overtimeRerouteActor hands a waiting request on in the audit log, as
// applications are handed on (apply.Service.Reroute).
var overtimeRerouteActor = audit.Actor{Label: "system:reroute"}

// errNotWaitingAsListed ends a hand-on whose request was decided,
// withdrawn or handed on since it was listed.
var errNotWaitingAsListed = errors.New("worktime: overtime request no longer waiting as listed")

// Reroute hands every waiting overtime request of the tenant to the
// approver the person's applications are routed to now, when that is no
// longer the approver it waits for: a 係長 no longer marked as a head, or
// the person transferred to another section (人事異動). Without it the
// former approver kept deciding requests the organisation no longer gives
// them (an outside review), and the new one never saw them. Each hand-on is
// its own transaction with its audit entry (worktime.overtime_reroute) and
// the new approver's notification; a request nobody can be routed to stays
// where it is. Run with the applications' Reroute, after every change of
// staff or units and hourly. It returns how many were handed on.
func (s *OvertimeService) Reroute(ctx context.Context, tenantID int64) (int, error) {
	// Every waiting request, not a list's first page: an old one left
	// undecided is handed on too.
	waiting, err := s.st.FindOvertimes(ctx, tenantID, OvertimeFilter{From: calendar.Date{Year: 1}, To: calendar.Date{Year: 9999, Month: 12, Day: 31},
		Statuses: []string{OvertimeRequested}, All: true, Limit: math.MaxInt32})
	if err != nil {
		return 0, err
	}
	routed := map[int64]int64{} // person → approver now
	moved := 0
	for _, o := range waiting {
		to, ok := routed[o.StaffID]
		if !ok {
			first, _, err := s.routes.Approvers(ctx, tenantID, o.StaffID)
			if err != nil {
				if apperr.As(err) != nil {
					routed[o.StaffID] = 0 // nobody to route to (apply.no_approver): stays
					continue
				}
				return moved, err
			}
			to, routed[o.StaffID] = first, first
		}
		if to == 0 || to == o.ApproverID || to == o.StaffID {
			continue
		}
		switch err := s.handOn(ctx, tenantID, o, to); {
		case errors.Is(err, errNotWaitingAsListed), apperr.IsStale(err):
		case err != nil:
			return moved, err
		default:
			moved++
		}
	}
	return moved, nil
}

func (s *OvertimeService) handOn(ctx context.Context, tenantID int64, listed Overtime, to int64) error {
	return s.st.InOvertimeTx(ctx, func(tx OvertimeTx) error {
		o, err := tx.FindOvertimeForDay(ctx, tenantID, listed.StaffID, listed.Date)
		if err != nil {
			return err
		}
		if o.ID != listed.ID || o.Status != OvertimeRequested || o.ApproverID != listed.ApproverID {
			return errNotWaitingAsListed
		}
		before, ver := o.AuditView(), o.Version
		o.ApproverID = to
		if err := tx.UpdateOvertime(ctx, tenantID, o, ver); err != nil {
			return err
		}
		after := o.AuditView()
		after["rerouted_from"] = listed.ApproverID
		if err := tx.Audit(ctx, tenantID, overtimeRerouteActor, audit.Change{Action: "worktime.overtime_reroute",
			ObjectType: "worktime_overtime", ObjectID: strconv.FormatInt(o.ID, 10), Before: before, After: after}); err != nil {
			return err
		}
		// The new approver is told, and whoever decides for them during
		// an absence today, as a new request tells them (Request).
		absent, err := tx.FindDelegationsLocked(ctx, tenantID, apply.DelegationFilter{ApproverID: to, On: calendar.DateOf(s.now())})
		if err != nil {
			return err
		}
		return tx.InsertNotifications(ctx, tenantID, notify.Stamp(requestedNotes(o, listed.StaffName, to, absent), s.now()))
	})
}

// RerouteAll runs Reroute for every tenant (hourly, for the changes that
// took effect on their date and any hand-on a failed run left undone).
func (s *OvertimeService) RerouteAll(ctx context.Context) (int, error) {
	return apply.EveryTenant(ctx, s.st.FindTenants, s.Reroute)
}
