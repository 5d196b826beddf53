package places_test

import (
	"context"
	"testing"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/places"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestBookingApplicationMustBeTheirs: a booking linked to an application
// needs one of the tenant's applications, of the person booked for, with
// that day; anything else is a 422 on application_id (an unknown id was a
// foreign-key 500, another person's a 201), on both engines.
func TestBookingApplicationMustBeTheirs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 3)
		mine := insertApplication(t, db, f.a.ID, f.staff[1].ID, apply.Approved, nil, f.monday)
		theirs := insertApplication(t, db, f.a.ID, f.staff[2].ID, apply.Approved, nil, f.monday)
		bu := &org.Unit{Code: "900", Name: "課900", Level: "課"}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, f.b.ID, op, bu, calendar.Date{}))
		bs := &org.Staff{StaffNo: "b1", Name: "職員b1", Kana: "しょくいん", UnitID: bu.ID, Rank: org.RankStaff, Employment: org.Regular,
			JobType: "general", Email: "b1@example.lg.jp"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, f.b.ID, op, bs, calendar.Date{}))
		otherTenant := insertApplication(t, db, f.b.ID, bs.ID, apply.Approved, nil, f.monday)
		withdrawn := insertApplication(t, db, f.a.ID, f.staff[1].ID, apply.Withdrawn, nil, f.monday)
		for _, c := range []struct {
			name    string
			who     int // f.people index, or -1: IT on someone's behalf
			staffID int64
			appID   int64
			key     string // "" when booked
		}{
			{"unknown id", 1, 0, 999999, "places.error.application"},
			{"negative id", 1, 0, -1, "places.error.application"},
			{"another tenant's", 1, 0, otherTenant.ID, "places.error.application"},
			{"another person's", 1, 0, theirs.ID, "places.error.application"},
			{"IT on behalf, with a third person's", -1, f.staff[1].ID, theirs.ID, "places.error.application"},
			{"not that day", 1, 0, mine.ID, "places.error.application_day"},
			{"withdrawn", 1, 0, withdrawn.ID, "places.error.application_closed"},
			{"their own, that day", 1, 0, mine.ID, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				who := f.it
				if c.who >= 0 {
					who = f.people[c.who]
				}
				day := f.monday
				if c.key == "places.error.application_day" {
					day = f.monday.AddDays(1)
				}
				b, err := f.svc.Book(ctx, f.a.ID, who, places.Request{OfficeID: f.officeA.ID, Day: day, Half: places.AM, StaffID: c.staffID, ApplicationID: c.appID})
				if c.key == "" {
					if err != nil || b.ApplicationID != c.appID {
						t.Fatalf("booked: %+v %v", b, err)
					}
					return
				}
				e := apperr.As(err)
				if e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "application_id" || e.Fields[0].Key != c.key {
					t.Fatalf("want %s on application_id, got %#v", c.key, err)
				}
			})
		}
	})
}

// TestHalfFor: the half a seat is booked for from an application's time
// unit (the link 「席を予約」 on the application's page).
func TestHalfFor(t *testing.T) {
	for _, c := range []struct {
		unit       policy.TimeUnit
		start, end string
		want       places.Half
	}{
		{policy.FullDay, "", "", places.FullDay},
		{policy.AM, "", "", places.AM},
		{policy.PM, "", "", places.PM},
		{policy.Hourly, "09:00", "12:00", places.AM},
		{policy.Hourly, "13:00", "17:15", places.PM},
		{policy.Hourly, "10:00", "15:00", places.FullDay},
		{policy.Hourly, "", "", places.FullDay},
		{"", "", "", places.FullDay},
	} {
		if got := places.HalfFor(c.unit, c.start, c.end); got != c.want {
			t.Errorf("%s %s–%s: %s, want %s", c.unit, c.start, c.end, got, c.want)
		}
	}
}
