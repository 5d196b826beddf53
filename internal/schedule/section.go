package schedule

import (
	"context"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// MaxSectionDays bounds the shared schedule's range (a month view is 42
// days at most).
const MaxSectionDays = 62

// Section is the shared schedule: the planned and done telework days of
// the signed-in person's own section from from to to (inclusive). Only a
// person with a staff record and a section has one.
func (s *Service) Section(ctx context.Context, tenantID int64, who *auth.Principal, from, to calendar.Date) ([]Entry, error) {
	if who == nil || who.StaffID == 0 || who.UnitID == 0 {
		return nil, apperr.Forbid()
	}
	if to.Before(from) || from.AddDays(MaxSectionDays).Before(to) {
		var v apperr.Validation
		v.Add("to", "schedule.rule_range", nil)
		return nil, v.Err()
	}
	apps, err := s.st.FindApplications(ctx, tenantID, apply.Filter{From: from, To: to, DayStatuses: Shown, UnitIDs: []int64{who.UnitID}})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, a := range apps {
		ids = append(ids, a.StaffID)
	}
	names, err := s.st.ScheduleStaffNames(ctx, tenantID, ids)
	if err != nil {
		return nil, err
	}
	return Entries(tenantID, apps, names, from, to), nil
}
