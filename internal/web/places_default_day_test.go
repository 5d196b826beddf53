package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestBookingFormStartsOnAnOpenDay: the booking form's date is the first
// day from tomorrow that the first office is open (it was always
// tomorrow, a Saturday refused as soon as it was sent — review r38).
func TestBookingFormStartsOnAnOpenDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff := w.session(t, "it"), w.session(t, "staff")
		open := calendar.DateOf(time.Now()).AddDays(3)
		var closed []string
		for wd, code := range places.Weekdays {
			if time.Weekday(wd) != open.Weekday() {
				closed = append(closed, fmt.Sprintf("%q", code))
			}
		}
		body := fmt.Sprintf(`{"name":"週一開館","kind":"branch","network":"office_lan","physical_security":true,"seats":2,"pcs":0,"closed_days":[%s],"opens":"08:30","closes":"17:15"}`,
			strings.Join(closed, ","))
		if res := w.callCookie("POST", "/api/v1/offices", body, it); res.code != http.StatusCreated {
			t.Fatalf("office: %d %s", res.code, res.body)
		}
		page := w.do("GET", "/places", nil, staff)
		i := strings.Index(page.body, `name="date"`)
		if field := page.body[max(i, 0):min(len(page.body), max(i, 0)+60)]; i < 0 || !strings.Contains(field, `value="`+open.String()+`"`) {
			t.Errorf("the form does not start on %s (%s): %q", open, open.Weekday(), field)
		}
	})
}
