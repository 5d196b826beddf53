package places

import (
	"context"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// ReleaseFor cancels the seat bookings of person staffID linked to
// application appID on days — days the application no longer holds
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
	for _, b := range list {
		if b.ApplicationID != appID || b.Status != Booked || !slices.Contains(days, b.Day) {
			continue
		}
		err := s.Cancel(ctx, tenantID, who, b.ID)
		if apperr.CodeOf(err) == apperr.NotFound || apperr.CodeOf(err) == apperr.Forbidden {
			err = s.Cancel(ctx, tenantID, SystemFor(tenantID, staffID), b.ID)
		}
		if err != nil && apperr.As(err) == nil {
			return err
		}
	}
	return nil
}

// SystemFor is the principal the system acts with in the person's name
// (the audit log names it system:application).
func SystemFor(tenantID, staffID int64) *auth.Principal {
	return &auth.Principal{TenantID: tenantID, StaffID: staffID, LoginID: "system:application", Roles: []auth.Role{auth.Staff}}
}
