package places_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestHalfOver: a part of today that has ended — the morning after noon
// (or after an earlier closing), the afternoon and the whole day after
// closing — is neither booked nor checked in (a review found a morning seat
// booked, and checked in, at 15:00). Tomorrow's and the parts still to
// come are taken as before.
func TestHalfOver(t *testing.T) {
	o := places.NewOffice()
	o.Opens, o.Closes = "08:30", "17:15"
	early := places.NewOffice()
	early.Opens, early.Closes = "08:00", "11:30"
	day := calendar.Date{Year: 2026, Month: 12, Day: 2}
	at := func(hm string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-02 "+hm, calendar.Tokyo)
		return t
	}
	for _, c := range []struct {
		office *places.Office
		half   places.Half
		now    string
		over   bool
		until  string
	}{
		{o, places.AM, "11:59", false, "12:00"},
		{o, places.AM, "12:00", true, "12:00"},
		{o, places.PM, "12:00", false, "17:15"},
		{o, places.FullDay, "17:14", false, "17:15"},
		{o, places.FullDay, "17:15", true, "17:15"},
		{o, places.PM, "23:59", true, "17:15"},
		{early, places.AM, "11:30", true, "11:30"},
		{early, places.AM, "11:29", false, "11:30"},
	} {
		if got := c.office.Over(day, c.half, at(c.now)); got != c.over {
			t.Errorf("%s–%s %s at %s: over %v, want %v", c.office.Opens, c.office.Closes, c.half, c.now, got, c.over)
		}
		if got := c.office.EndOf(c.half); got != c.until {
			t.Errorf("%s–%s %s ends %s, want %s", c.office.Opens, c.office.Closes, c.half, got, c.until)
		}
		err := c.office.Refusal(day, at(c.now), c.half, true)
		if e := apperr.As(err); c.over != (e != nil && e.Key == "places.refused.half_over") {
			t.Errorf("%s at %s: refusal %v", c.half, c.now, err)
		} else if c.over && (len(e.Fields) != 1 || e.Fields[0].Field != "half" || e.Args["Until"] != c.until) {
			t.Errorf("%s at %s: refusal names %+v %v", c.half, c.now, e.Fields, e.Args)
		}
		// Tomorrow's same half is not over.
		if c.office.Over(day.AddDays(1), c.half, at(c.now)) {
			t.Errorf("tomorrow's %s over at %s", c.half, c.now)
		}
	}

	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		// 09:00: a morning and a whole day booked; 12:30: the morning is over.
		am, err := f.svc.Book(ctx, f.a.ID, f.people[0], places.Request{OfficeID: f.officeA.ID, Day: f.today, Half: places.AM})
		storetest.Must(t, err)
		full, err := f.svc.Book(ctx, f.a.ID, f.people[1], places.Request{OfficeID: f.officeA.ID, Day: f.today, Half: places.FullDay})
		storetest.Must(t, err)
		noon := places.NewService(db, func() time.Time { return time.Date(2026, 12, 1, 12, 30, 0, 0, calendar.Tokyo) })
		_, err = noon.Book(ctx, f.a.ID, f.people[2], places.Request{OfficeID: f.officeA.ID, Day: f.today, Half: places.AM})
		if e := apperr.As(err); e == nil || e.Key != "places.refused.half_over" {
			t.Fatalf("morning booked at 12:30: %v", err)
		}
		if _, err := noon.Book(ctx, f.a.ID, f.people[2], places.Request{OfficeID: f.officeA.ID, Day: f.today, Half: places.PM}); err != nil {
			t.Fatalf("afternoon at 12:30: %v", err)
		}
		if _, err := noon.Book(ctx, f.a.ID, f.people[2], places.Request{OfficeID: f.officeA.ID, Day: f.today.AddDays(1), Half: places.AM}); err != nil {
			t.Fatalf("tomorrow morning at 12:30: %v", err)
		}
		_, err = noon.CheckIn(ctx, f.a.ID, f.people[0], am.ID)
		if e := apperr.As(err); e == nil || e.Key != "places.error.check_in_over" || e.Args["Until"] != "12:00" {
			t.Fatalf("morning checked in at 12:30: %v", err)
		}
		if _, err := noon.CheckIn(ctx, f.a.ID, f.people[1], full.ID); err != nil {
			t.Fatalf("whole day checked in at 12:30: %v", err)
		}
		var n int
		storetest.Must(t, db.SQL.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'places.check_in'`).Scan(&n))
		if n != 1 {
			t.Fatalf("%d check-ins audited, want the whole day's only", n)
		}
	})
}
