package places_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestOfficeRulesChangeTellsTheBooked: closing a day that holds bookings
// lists them and tells their people, as a capacity cut does (issue 14; a
// review found them kept in silence); a booking made on someone's behalf
// tells them the half-day (午後), not only the date.
func TestOfficeRulesChangeTellsTheBooked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		s, a, o := f.svc, f.a.ID, f.officeA
		notes := notify.NewService(db, db.Now)
		tuesday := f.monday.AddDays(1)
		_, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: o.ID, Day: f.monday, Half: places.AM})
		storetest.Must(t, err)
		_, err = s.Book(ctx, a, f.people[1], places.Request{OfficeID: o.ID, Day: tuesday, Half: places.PM})
		storetest.Must(t, err)
		_, err = s.Book(ctx, a, f.boss, places.Request{OfficeID: o.ID, Day: f.monday, Half: places.PM, StaffID: f.staff[2].ID})
		storetest.Must(t, err)
		got, err := notes.List(ctx, a, f.people[2], true, 10, 0)
		storetest.Must(t, err)
		if len(got) != 1 || !strings.Contains(got[0].Message("ja"), "午後") {
			t.Fatalf("the person booked for: %+v", got)
		}
		cur, err := s.Office(ctx, a, o.ID)
		storetest.Must(t, err)
		cur.ClosedDays = append(cur.ClosedDays, f.monday.String())
		affected, err := s.UpdateOffice(ctx, a, f.it, cur)
		storetest.Must(t, err)
		var who []int64
		for _, b := range affected {
			who = append(who, b.StaffID)
		}
		slices.Sort(who)
		if want := []int64{f.staff[0].ID, f.staff[2].ID}; !slices.Equal(who, want) {
			t.Fatalf("bookings listed after closing Monday: %v, want %v", who, want)
		}
		for i, want := range []int{1, 0, 1} {
			got, err := notes.List(ctx, a, f.people[i], true, 10, 0)
			storetest.Must(t, err)
			n := slices.IndexFunc(got, func(x notify.Notification) bool { return x.Kind == notify.PlaceRulesChanged })
			if (n >= 0) != (want == 1) {
				t.Errorf("person %d told: %v (%s)", i, n >= 0, fmt.Sprint(got))
			}
		}
	})
}

// TestHolidaysClosed: an office that closes on holidays (祝日, the default
// of a new office) refuses 元日 and a national holiday from the tenant's
// calendar, without anyone typing the dates (a review booked a 支所 on
// 元日); one that does not (a library open on holidays) takes them.
func TestHolidaysClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 1)
		s, a := f.svc, f.a.ID
		if code, ok := places.ClosedDayCode("祝日"); !ok || code != places.Holidays {
			t.Fatalf("祝日 reads %q %v", code, ok)
		}
		o := places.NewOffice()
		o.Name, o.Seats, o.Network, o.HorizonDays = "東部支所", 4, f.officeA.Network, 0
		storetest.Must(t, s.CreateOffice(ctx, a, f.it, o))
		lib := places.NewOffice()
		lib.Name, lib.Seats, lib.Network, lib.HorizonDays, lib.ClosedDays = "図書館", 4, f.officeA.Network, 0, []string{"mon"}
		storetest.Must(t, s.CreateOffice(ctx, a, f.it, lib))
		for _, day := range []calendar.Date{{Year: 2027, Month: 1, Day: 1}, {Year: 2027, Month: 2, Day: 11}} { // 元日, 建国記念の日
			_, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: o.ID, Day: day, Half: places.AM})
			if e := apperr.As(err); e == nil || e.Key != "places.refused.closed_day" {
				t.Errorf("%s at an office closed on holidays: %v", day, err)
			}
		}
		if _, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: lib.ID, Day: calendar.Date{Year: 2027, Month: 2, Day: 11}, Half: places.AM}); err != nil {
			t.Errorf("建国記念の日 at a library open on holidays: %v", err)
		}
	})
}

// TestRefusalsNameTheirField: the refusals by the hours and by the
// pre-registration name the field they are about (half, office_id), so the
// form marks it, as a closed day marks the date (a review found them in the
// summary only).
func TestRefusalsNameTheirField(t *testing.T) {
	o := places.NewOffice()
	o.Opens, o.Closes = "13:00", "17:15"
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Tokyo)
	day := calendar.Date{Year: 2026, Month: 12, Day: 2}
	if e := apperr.As(o.Refusal(day, at, places.AM, true)); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "half" {
		t.Errorf("hours: %v", e)
	}
	o.Opens, o.PreRegistration = "08:30", true
	if e := apperr.As(o.Refusal(day, at, places.AM, false)); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "office_id" {
		t.Errorf("pre-registration: %v", e)
	}
}
