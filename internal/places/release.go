package places

import (
	"context"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// ReleaseFor cancels the seat bookings of person staffID linked to
// application appID, or linked to none (booked at the desk by IT for the
// person, or before the application: one day has one application, so they
// were for it), on days — days the application no longer holds
// (withdrawn, rejected, cancelled; apply.Release) — by who, who acted on the
// application, or, where who may not cancel for the person (an approver
// deciding for another unit's head), by the system in the person's name.
// A booking that cannot be cancelled (checked in, past) stays; only a
// database error is returned.
func (s *Service) ReleaseFor(ctx context.Context, tenantID int64, who *auth.Principal, staffID, appID int64, days []calendar.Date) error {
	if len(days) == 0 {
		return nil
	}
	from, to := slices.MinFunc(days, calendar.Date.Compare), slices.MaxFunc(days, calendar.Date.Compare)
	list, err := s.st.FindBookings(ctx, tenantID, Filter{StaffID: staffID, From: from, To: to})
	if err != nil {
		return err
	}
	var ids []int64
	for _, b := range list {
		if (b.ApplicationID == appID || b.ApplicationID == 0) && b.Status == Booked && slices.Contains(days, b.Day) {
			ids = append(ids, b.ID)
		}
	}
	return CancelEach(ctx, tenantID, who, staffID, ids, s.Cancel)
}

// CancelEach cancels each of person staffID's bookings or reservations ids
// with cancel, as who or, where who may not act for the person (not found
// or forbidden to them), as the system in the person's name (the audit log
// names it system:application). One that cannot be cancelled (checked in,
// lent, past) stays; only a database error is returned.
func CancelEach(ctx context.Context, tenantID int64, who *auth.Principal, staffID int64, ids []int64,
	cancel func(ctx context.Context, tenantID int64, who *auth.Principal, id int64) error) error {
	system := &auth.Principal{TenantID: tenantID, StaffID: staffID, LoginID: "system:application", Roles: []auth.Role{auth.Staff}}
	for _, id := range ids {
		err := cancel(ctx, tenantID, who, id)
		if c := apperr.CodeOf(err); c == apperr.NotFound || c == apperr.Forbidden {
			err = cancel(ctx, tenantID, system, id)
		}
		if err != nil && apperr.As(err) == nil {
			return err
		}
	}
	return nil
}
