package places

import (
	"context"
	"slices"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// ApplicationLink is what a booking or a device reservation checks of the
// application it names: whose it is and whether it has the day.
type ApplicationLink struct {
	StaffID   int64
	CoversDay bool
	DayStatus apply.Status // the state of that day (when it covers it)
}

// ApplicationReader reads the application a booking or reservation names.
type ApplicationReader interface {
	// FindApplicationLink reads application id of the tenant with whether
	// it has day among its days; NotFound outside the tenant.
	FindApplicationLink(ctx context.Context, tenantID, id int64, day calendar.Date) (ApplicationLink, error)
}

// CheckApplication checks the application a booking or reservation of
// staffID for day is linked to (applicationID 0: none, nothing to check):
// it must exist in the tenant, be the person's own and have that day.
// Otherwise it is a validation error on application_id (422), so an id
// neither reaches the foreign key as a 500 nor ties a seat to someone
// else's application. Devices call it for reservations too.
func CheckApplication(ctx context.Context, st ApplicationReader, tenantID, applicationID, staffID int64, day calendar.Date) error {
	if applicationID == 0 {
		return nil
	}
	var v apperr.Validation
	if applicationID < 0 {
		v.Add("application_id", "places.error.application", map[string]any{"ID": applicationID})
		return v.Err()
	}
	link, err := st.FindApplicationLink(ctx, tenantID, applicationID, day)
	switch {
	case err != nil && apperr.CodeOf(err) != apperr.NotFound:
		return err
	case err != nil || link.StaffID != staffID:
		// Someone else's application reads as one that does not exist:
		// the answer must not tell which ids are taken.
		v.Add("application_id", "places.error.application", map[string]any{"ID": applicationID})
	case !link.CoversDay:
		v.Add("application_id", "places.error.application_day", map[string]any{"ID": applicationID, "Date": day.String()})
	case slices.Contains([]apply.Status{apply.Withdrawn, apply.Rejected, apply.Cancelled}, link.DayStatus):
		// A day no longer going ahead: the seat would be held for nothing.
		v.Add("application_id", "places.error.application_closed", map[string]any{"ID": applicationID, "Date": day.String()})
	}
	return v.Err()
}

// HalfFor is the part of the day a seat is booked for, for work in time
// unit u (from start to end, "HH:MM", when hourly): 午前 and 午後 as
// they are, hours within the morning or the afternoon as that half,
// anything else the whole day.
func HalfFor(u policy.TimeUnit, start, end string) Half {
	switch u {
	case policy.AM:
		return AM
	case policy.PM:
		return PM
	case policy.Hourly:
		st, ok1 := parseClock(start)
		en, ok2 := parseClock(end)
		switch {
		case ok1 && ok2 && en <= Noon:
			return AM
		case ok1 && ok2 && st >= Noon:
			return PM
		}
	}
	return FullDay
}
