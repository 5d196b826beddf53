package places

import (
	"context"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// ReleaseFor cancels the seat bookings of person staffID linked to
// application appID on days, and those linked to no application (booked at
// the desk by IT for the person, or before applying) on unlinked — days no
// other application of the person holds, so they were for this one — days
// the application no longer holds
// (withdrawn, rejected, cancelled; apply.Release) — by who, who acted on the
// application, or, where who may not cancel for the person (an approver
// deciding for another unit's head), by the system in the person's name.
// A booking that cannot be cancelled (checked in, past) stays; only a
// database error is returned.
func (s *Service) ReleaseFor(ctx context.Context, tenantID int64, who *auth.Principal, staffID, appID int64, days, unlinked []calendar.Date) error {
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
		if b.Status == Booked && ((b.ApplicationID == appID && slices.Contains(days, b.Day)) || (b.ApplicationID == 0 && slices.Contains(unlinked, b.Day))) {
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
	system := systemFor(tenantID, staffID)
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

// StillLinked re-reads, after a booking or reservation linked to
// application appID has been written, whether the application still holds
// the day; when it no longer does (withdrawn, rejected or its day
// cancelled meanwhile) it undoes the booking with cancel, as the system in
// the person's name, and returns the refusal CheckApplication gives now.
// The release of a day that no longer happens reads the bookings after
// the application's change committed; a booking written at the same moment
// could be missed by it, and held a seat for nobody. One of the two always
// sees the other: either this re-read sees the closed day, or the release
// ran after it and saw the booking.
func StillLinked(ctx context.Context, r ApplicationReader, tenantID, appID, staffID int64, day calendar.Date, id int64,
	cancel func(ctx context.Context, tenantID int64, who *auth.Principal, id int64) error) error {
	if appID == 0 {
		return nil
	}
	refused := CheckApplication(ctx, r, tenantID, appID, staffID, day)
	if apperr.CodeOf(refused) != apperr.Invalid {
		return refused // nil, or a database error
	}
	if err := cancel(ctx, tenantID, systemFor(tenantID, staffID), id); err != nil && apperr.As(err) == nil {
		return err
	}
	return refused
}

// systemFor is the system acting in person staffID's name for an
// application (the audit log names it system:application).
func systemFor(tenantID, staffID int64) *auth.Principal {
	return &auth.Principal{TenantID: tenantID, StaffID: staffID, LoginID: "system:application", Roles: []auth.Role{auth.Staff}}
}
