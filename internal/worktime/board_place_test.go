package worktime_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestStartTakesThePlaceName: a start on an approved satellite-office
// application records the office's name as where the person works (the
// board shows it), not the place's code; a day at home records none (its
// mode says it).
func TestStartTakesThePlaceName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		d := calendar.Date{Year: 2026, Month: 6, Day: 4}
		for key, req := range map[string]apply.Request{
			"staff":     {Dates: []calendar.Date{d}, Mode: policy.Satellite, Place: policy.PlaceSatellite, PlaceName: "四賀支所", Plan: "窓口の準備", Submit: true},
			"colleague": {Dates: []calendar.Date{d}, Mode: policy.Home, Place: policy.PlaceHome, Plan: "資料作成", Submit: true},
		} {
			f.approved(t, key, req)
		}
		f.now = time.Date(2026, time.June, 4, 8, 30, 0, 0, calendar.Tokyo)
		for key, want := range map[string]string{"staff": "四賀支所", "colleague": ""} {
			out, err := f.svc.Start(ctx, f.a.ID, f.who[key], 0, worktime.Report{})
			storetest.Must(t, err)
			if out.Day.Place != want {
				t.Errorf("%s: place %q, want %q", key, out.Day.Place, want)
			}
		}
	})
}

// TestDayKnowsItsPartDayApplication: a day held by an approved 午後 (or
// 時間単位) application reads as a part day, at the start (from the day's
// application) and when read back (from the stored day), on both engines;
// a full day does not. Check does not ask the core time of a part day.
func TestDayKnowsItsPartDayApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		d := calendar.Date{Year: 2026, Month: 6, Day: 4}
		f.approved(t, "staff", apply.Request{Dates: []calendar.Date{d}, Mode: policy.Home, Place: policy.PlaceHome, TimeUnit: policy.PM, Plan: "資料作成", Submit: true})
		f.approved(t, "colleague", apply.Request{Dates: []calendar.Date{d}, Mode: policy.Home, Place: policy.PlaceHome, Plan: "資料作成", Submit: true})
		f.now = time.Date(2026, time.June, 4, 13, 0, 0, 0, calendar.Tokyo)
		for key, want := range map[string]bool{"staff": true, "colleague": false} {
			out, err := f.svc.Start(ctx, f.a.ID, f.who[key], 0, worktime.Report{})
			storetest.Must(t, err)
			if out.Day.PartDay != want {
				t.Errorf("%s at the start: part day %v, want %v", key, out.Day.PartDay, want)
			}
			days, err := db.FindWorktimeDays(ctx, f.a.ID, []int64{out.Day.StaffID}, d, d)
			storetest.Must(t, err)
			if len(days) != 1 || days[0].PartDay != want {
				t.Errorf("%s read back: %+v, want part day %v", key, days, want)
			}
		}
	})
}
