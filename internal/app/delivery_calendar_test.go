package app

import (
	"context"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// The delivery loop's quiet hours read the tenant's business calendar: a
// closure day and 年末年始 are outside working time like a weekend; the
// calendar is read again after a minute (a closure day added is seen).
func TestDeliveryWindowReadsTheBusinessCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		tn := &org.Tenant{Slug: "matsumoto", Name: "松本市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		if err := storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "test"}, tn, nil); err != nil {
			t.Fatal(err)
		}
		svc := NewServices(db)
		cals := businessCalendars{svc: svc.Calendar, now: db.Now}
		closure := calendar.Date{Year: 2026, Month: 12, Day: 25} // a Friday
		day := func(d calendar.Date) bool {
			t.Helper()
			cal, err := cals.get(ctx, tn.ID)
			if err != nil {
				t.Fatal(err)
			}
			return cal.IsBusinessDay(d)
		}
		if !day(closure) || day(calendar.Date{Year: 2026, Month: 12, Day: 30}) || day(calendar.Date{Year: 2027, Month: 1, Day: 1}) {
			t.Fatal("before the closure: 12/25 should work, 12/30 and 1/1 not")
		}
		if err := svc.Calendar.AddClosureDay(ctx, tn.ID, audit.Actor{Label: "test"}, calendar.Holiday{Date: closure, Name: "庁舎点検", Kind: calendar.KindClosure}); err != nil {
			t.Fatal(err)
		}
		if !day(closure) {
			t.Fatal("the calendar was read again within the minute")
		}
		now = now.Add(61 * time.Second)
		if day(closure) {
			t.Fatal("the closure day added is not seen after a minute")
		}
	})
}
