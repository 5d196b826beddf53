package devices

import (
	"context"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/places"
)

// ReleaseFor cancels the device reservations of person staffID linked to
// application appID on days the application no longer holds, as
// places.Service.ReleaseFor does for seats. A reservation already lent
// stays (the device is out); only a database error is returned.
func (s *Service) ReleaseFor(ctx context.Context, tenantID int64, who *auth.Principal, staffID, appID int64, days []calendar.Date) error {
	if len(days) == 0 {
		return nil
	}
	from, to := slices.MinFunc(days, calendar.Date.Compare), slices.MaxFunc(days, calendar.Date.Compare)
	list, err := s.st.FindDeviceReservations(ctx, tenantID, Filter{StaffID: staffID, From: from, To: to})
	if err != nil {
		return err
	}
	for _, r := range list {
		if r.ApplicationID != appID || r.Status != Reserved || !slices.Contains(days, r.Day) {
			continue
		}
		err := s.Cancel(ctx, tenantID, who, r.ID)
		if apperr.CodeOf(err) == apperr.NotFound || apperr.CodeOf(err) == apperr.Forbidden {
			err = s.Cancel(ctx, tenantID, places.SystemFor(tenantID, staffID), r.ID)
		}
		if err != nil && apperr.As(err) == nil {
			return err
		}
	}
	return nil
}
