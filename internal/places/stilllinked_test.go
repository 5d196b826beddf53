package places

import (
	"context"
	"testing"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
)

type linkReader struct{ status apply.Status }

func (l linkReader) FindApplicationLink(context.Context, int64, int64, calendar.Date) (ApplicationLink, error) {
	return ApplicationLink{StaffID: 5, CoversDay: true, DayStatus: l.status}, nil
}

// TestStillLinked: a booking written while its application's day was
// cancelled is undone, by the system in the person's name, and refused;
// one whose day still holds, or with no application, is kept.
func TestStillLinked(t *testing.T) {
	day := calendar.Date{Year: 2026, Month: 12, Day: 8}
	for _, c := range []struct {
		status    apply.Status
		appID     int64
		cancelled bool
	}{{apply.Cancelled, 9, true}, {apply.Withdrawn, 9, true}, {apply.Approved, 9, false}, {apply.Cancelled, 0, false}} {
		var by *auth.Principal
		cancel := func(_ context.Context, _ int64, who *auth.Principal, id int64) error {
			if id != 77 {
				t.Errorf("cancelled %d", id)
			}
			by = who
			return nil
		}
		err := StillLinked(context.Background(), linkReader{c.status}, 1, c.appID, 5, day, 77, cancel)
		if (by != nil) != c.cancelled || (c.cancelled && (apperr.CodeOf(err) != apperr.Invalid || by.LoginID != "system:application" || by.StaffID != 5)) ||
			(!c.cancelled && err != nil) {
			t.Errorf("%s (application %d): cancelled by %+v, err %v", c.status, c.appID, by, err)
		}
	}
}
