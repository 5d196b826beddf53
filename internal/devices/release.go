package devices

import (
	"context"
	"slices"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/places"
)

// ReleaseFor cancels the device reservations of person staffID linked to
// application appID on days the application no longer holds, and those
// linked to none (made at the desk by IT, or before applying) on unlinked
// (days no other application of the person holds), as
// places.Service.ReleaseFor does for seats. A reservation already lent
// stays (the device is out); only a database error is returned.
func (s *Service) ReleaseFor(ctx context.Context, tenantID int64, who *auth.Principal, staffID, appID int64, days, unlinked []calendar.Date) error {
	if len(days) == 0 {
		return nil
	}
	from, to := slices.MinFunc(days, calendar.Date.Compare), slices.MaxFunc(days, calendar.Date.Compare)
	list, err := s.st.FindDeviceReservations(ctx, tenantID, Filter{StaffID: staffID, From: from, To: to})
	if err != nil {
		return err
	}
	var ids []int64
	for _, r := range list {
		if r.Status == Reserved && ((r.ApplicationID == appID && slices.Contains(days, r.Day)) || (r.ApplicationID == 0 && slices.Contains(unlinked, r.Day))) {
			ids = append(ids, r.ID)
		}
	}
	return places.CancelEach(ctx, tenantID, who, staffID, ids, s.Cancel)
}
