package places_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/i18n"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestOnlyPrivateShareIsUncapped (issue 14 review): "hourly" on an
// ordinary office removed its seat and PC limits. On both engines: such
// an office is refused (422 on hourly); one stored hourly before the fix
// (or whose kind was changed in the task inventory since) is capped by
// its seats all the same, in the counters and in the availability; a PC
// is refused wherever the office has none, a private share included; a
// private share's PCs are capped while its seats are not.
func TestOnlyPrivateShareIsUncapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 4)
		s, a := f.svc, f.a.ID
		day := f.monday.AddDays(2) // Wednesday
		hall := places.NewOffice()
		hall.Name, hall.Kind, hall.Network, hall.Seats, hall.Hourly = "時間貸し", tasks.Community, tasks.InternetOnly, 1, true
		err := s.CreateOffice(ctx, a, f.it, hall)
		if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "hourly" {
			t.Fatalf("an hourly community office: %v", err)
		}
		hall.Hourly = false
		storetest.Must(t, s.CreateOffice(ctx, a, f.it, hall))
		// As stored before the fix: hourly on a community office.
		_, err = db.SQL.ExecContext(ctx, db.Rebind(`UPDATE office_details SET hourly = ? WHERE tenant_id = ? AND office_id = ?`), true, a, hall.ID)
		storetest.Must(t, err)
		got, err := s.Office(ctx, a, hall.ID)
		storetest.Must(t, err)
		if got.Capacity(places.Seat) != 1 || got.Uncapped() {
			t.Fatalf("a stored hourly community office is capped at its seats: %d", got.Capacity(places.Seat))
		}
		if _, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: hall.ID, Day: day, Half: places.AM}); err != nil {
			t.Fatal(err)
		}
		for _, p := range f.people[1:3] {
			if _, err := s.Book(ctx, a, p, places.Request{OfficeID: hall.ID, Day: day, Half: places.AM}); apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("a second person on the one seat: %v", err)
			}
		}
		_, use, err := s.Availability(ctx, a, hall.ID, day, day)
		storetest.Must(t, err)
		if use[0].Seats != 1 || use[0].UsedSeats != 1 || use[0].FreeSeats != 0 {
			t.Fatalf("availability: %+v", use[0])
		}
		// No PC at an office without PCs, hourly or not.
		share := places.NewOffice()
		share.Name, share.Kind, share.Network, share.Opens, share.Closes = "駅前シェアオフィス", tasks.PrivateShare, tasks.InternetOnly, "07:00", "22:00"
		storetest.Must(t, s.CreateOffice(ctx, a, f.it, share))
		for _, o := range []*places.Office{hall, share} {
			_, err := s.Book(ctx, a, f.people[3], places.Request{OfficeID: o.ID, Day: day, Half: places.PM, PC: true})
			if e := apperr.As(err); e == nil || e.Key != "places.refused.no_pc" || e.Fields[0].Field != "pc" {
				t.Fatalf("a PC at %s, which has none: %v", o.Name, err)
			}
		}
		// A private share with 1 PC: seats without a cap, the PC capped.
		share.PCs = 1
		storetest.Must(t, s.SaveOffice(ctx, a, f.it, share))
		for i, p := range f.people {
			_, err := s.Book(ctx, a, p, places.Request{OfficeID: share.ID, Day: day, Half: places.PM, PC: i < 2})
			switch {
			case i == 1 && apperr.CodeOf(err) != apperr.Conflict:
				t.Fatalf("a second PC where there is one: %v", err)
			case i != 1 && err != nil:
				t.Fatalf("seat %d at a private share: %v", i, err)
			}
		}
		_, use, err = s.Availability(ctx, a, share.ID, day, day)
		storetest.Must(t, err)
		if pm := use[1]; pm.Seats != -1 || pm.FreeSeats != -1 || pm.UsedSeats != 3 || pm.PCs != 1 || pm.UsedPCs != 1 || pm.FreePCs != 0 || pm.BeyondCapacity {
			t.Fatalf("private share afternoon: %+v", pm)
		}
		// Its PCs cut to 0: the booking with a PC is listed beyond.
		share.PCs = 0
		storetest.Must(t, s.SaveOffice(ctx, a, f.it, share))
		if len(share.Affected) != 1 || !share.Affected[0].PC {
			t.Fatalf("PCs cut at a private share: affected %+v", share.Affected)
		}
	})
}

// TestRefusalsNameTheDay (issue 14 review): a second seat and a closed
// day named 「日付」 instead of the day; they name it as the pages do.
func TestRefusalsNameTheDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 2)
		s, a := f.svc, f.a.ID
		sat := f.today.AddDays(11) // Saturday 12 December
		mon := f.monday            // Monday 7 December
		_, err := s.Book(ctx, a, f.people[0], places.Request{OfficeID: f.officeA.ID, Day: sat, Half: places.AM})
		if ja, en := i18n.Reason("ja", err), i18n.Reason("en", err); !strings.HasPrefix(ja, "12月12日(土)はこのオフィスの休館日") || !strings.Contains(en, "closed on Sat 12 Dec") {
			t.Fatalf("closed day: %q / %q", ja, en)
		}
		_, err = s.Book(ctx, a, f.people[0], places.Request{OfficeID: f.officeA.ID, Day: mon, Half: places.AM})
		storetest.Must(t, err)
		_, err = s.Book(ctx, a, f.people[0], places.Request{OfficeID: f.officeA.ID, Day: mon, Half: places.FullDay})
		if ja, en := i18n.Reason("ja", err), i18n.Reason("en", err); !strings.HasPrefix(ja, "12月7日(月)の同じ時間帯には") || !strings.Contains(en, "on Mon 7 Dec") {
			t.Fatalf("second seat: %q / %q", ja, en)
		}
	})
}

// TestCheckInWithinHours (issue 14 review): a check-in at 04:49 was taken
// for an office opening at 08:30. Before opening it is refused naming the
// hours; from opening it is taken; an hourly private share lets its
// members in at any time.
func TestCheckInWithinHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 2)
		a := f.a.ID
		share := places.NewOffice()
		share.Name, share.Kind, share.Network = "駅前シェアオフィス", tasks.PrivateShare, tasks.InternetOnly
		storetest.Must(t, f.svc.CreateOffice(ctx, a, f.it, share))
		at := func(hh, mm int) *places.Service {
			return places.NewService(db, func() time.Time {
				return time.Date(f.monday.Year, f.monday.Month, f.monday.Day, hh, mm, 0, 0, time.FixedZone("JST", 9*3600))
			})
		}
		b, err := f.svc.Book(ctx, a, f.people[0], places.Request{OfficeID: f.officeA.ID, Day: f.monday, Half: places.AM})
		storetest.Must(t, err)
		_, err = at(4, 49).CheckIn(ctx, a, f.people[0], b.ID)
		if e := apperr.As(err); e == nil || e.Key != "places.error.check_in_early" || !strings.Contains(i18n.Error("ja", err), "08:30〜17:15") {
			t.Fatalf("check-in at 04:49: %v (%s)", err, i18n.Error("ja", err))
		}
		if _, err := at(8, 30).CheckIn(ctx, a, f.people[0], b.ID); err != nil {
			t.Fatalf("check-in at opening: %v", err)
		}
		sb, err := f.svc.Book(ctx, a, f.people[1], places.Request{OfficeID: share.ID, Day: f.monday, Half: places.AM})
		storetest.Must(t, err)
		if _, err := at(6, 0).CheckIn(ctx, a, f.people[1], sb.ID); err != nil {
			t.Fatalf("an hourly private share at 06:00: %v", err)
		}
	})
}
