package devices

import (
	"context"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/jobrun"
	"telework/internal/notify"
)

// OverdueJob names the daily overdue sweep's runs (job_runs).
const OverdueJob = "devices_overdue"

// Overdue is the notification to a person whose lent device is past its
// due day (issue 14: overdue returns listed and notified); told once, on
// the first day it is overdue.
const Overdue = notify.DeviceOverdue

// OverdueResult is what one run of the sweep did.
type OverdueResult struct {
	Day      string
	Ran      bool
	Extended int // loans still out whose hold was carried on to today
	Notified int // of them, those overdue for the first time
}

// RunOverdueSweep sweeps every tenant, once per day across the nodes
// (jobrun; the store claims the day in job_runs).
func (s *Service) RunOverdueSweep(ctx context.Context, node string) (*OverdueResult, error) {
	res := &OverdueResult{Day: calendar.DateOf(s.now()).String()}
	st, ok := s.st.(jobrun.Store)
	if !ok {
		return res, apperr.New(apperr.Internal, "error.internal")
	}
	var err error
	res.Ran, err = jobrun.EachTenant(ctx, st, OverdueJob, res.Day, node, func(ctx context.Context, tenantID int64) error {
		ext, told, err := s.SweepOverdue(ctx, tenantID)
		res.Extended += ext
		res.Notified += told
		return err
	})
	return res, err
}

// SweepOverdue carries the hold of every lent device not back by its due
// day on to today — it is physically out, so it counts against the pool
// even beyond the capacity, and nobody is promised it — and tells the
// person on the first day it is overdue. Each loan is one transaction with
// its audit entry; a loan returned or swept meanwhile is left alone.
func (s *Service) SweepOverdue(ctx context.Context, tenantID int64) (extended, notified int, err error) {
	today := calendar.DateOf(s.now())
	out, err := s.st.FindDeviceReservations(ctx, tenantID, Filter{OutBefore: today})
	if err != nil {
		return 0, 0, err
	}
	for _, r := range out {
		first := !r.HeldTo.After(r.DueDay) // held only up to the due day so far
		var done bool
		err := s.st.InDevicesTx(ctx, func(tx Tx) error {
			before := r.AuditView()
			ok, err := tx.ExtendDeviceHold(ctx, tenantID, r.ID, r.HeldTo, today)
			if err != nil || !ok {
				return err
			}
			if err := tx.HoldDeviceSlots(ctx, tenantID, r.PoolID, r.HeldTo.AddDays(1), today); err != nil {
				return err
			}
			r.HeldTo = today
			if first {
				n := notify.New(r.StaffID, Overdue, r.ApplicationID, map[string]any{"Pool": r.PoolName, "Asset": r.AssetNo, "Due": r.DueDay.String()})
				if err := tx.InsertNotifications(ctx, tenantID, notify.Stamp([]notify.Notification{n}, s.now())); err != nil {
					return err
				}
			}
			done = true
			return tx.Audit(ctx, tenantID, audit.Actor{Label: "system:devices"}, audit.Change{Action: "devices.overdue",
				ObjectType: "device_reservation", ObjectID: strconv.FormatInt(r.ID, 10), Before: before, After: r.AuditView()})
		})
		if err != nil {
			return extended, notified, err
		}
		if done {
			extended++
			if first {
				notified++
			}
		}
	}
	return extended, notified, nil
}
