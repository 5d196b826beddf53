package tasks_test

import (
	"context"
	"slices"
	"testing"

	"telework/internal/apperr"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestStoredDevices: the device types IT declares are kept with the
// tenant's settings and take part in the stored ratings; withdrawing the
// declaration leaves devices out again.
func TestStoredDevices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		gw := &tasks.InfoSystem{Name: "グループウェア", Segment: tasks.Internet, DataClasses: []tasks.DataClass{tasks.General},
			Routes: []tasks.Route{tasks.RouteHome, tasks.RouteMobile}}
		if err := s.SaveSystem(ctx, f.a.ID, f.it, gw); err != nil {
			t.Fatal(err)
		}
		task := &tasks.SheetTask{UnitID: f.sect.ID, Name: "会議の日程調整", SystemIDs: []int64{gw.ID}}
		if err := s.CreateTask(ctx, f.a.ID, f.boss, task); err != nil {
			t.Fatal(err)
		}
		mobile := func() tasks.Result {
			t.Helper()
			r, err := s.RateSheet(ctx, f.a.ID, f.boss, f.sect.ID)
			if err != nil || len(r.Rated) != 1 {
				t.Fatalf("rate: %v %+v", err, r)
			}
			for _, res := range r.Rated[0].Results {
				if res.Target == "mobile" {
					return res
				}
			}
			t.Fatal("no mobile result")
			return tasks.Result{}
		}
		if got := mobile().Rating; got != tasks.OK {
			t.Fatalf("undeclared devices: mobile %s, want ○", got)
		}
		if err := s.SaveDevices(ctx, f.a.ID, f.hr, []tasks.Device{tasks.DeviceLoan}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("HR declaring devices: %v", err)
		}
		if err := s.SaveDevices(ctx, f.a.ID, f.it, []tasks.Device{"fax"}); apperr.As(err) == nil || apperr.As(err).Fields[0].Field != "devices" {
			t.Fatalf("unknown device type: %v", err)
		}
		// Only desk PCs taken home: nothing carries the work on the move.
		if err := s.SaveDevices(ctx, f.a.ID, f.it, []tasks.Device{tasks.DeviceDeskTakeHome}); err != nil {
			t.Fatal(err)
		}
		set, err := s.Settings(ctx, f.a.ID)
		if err != nil || !slices.Equal(set.Devices, []tasks.Device{tasks.DeviceDeskTakeHome}) {
			t.Fatalf("stored devices: %v %+v", err, set)
		}
		if res := mobile(); res.Rating != tasks.No || len(res.Reasons) == 0 || !slices.ContainsFunc(res.Reasons, func(n tasks.Note) bool { return n.Key == "tasks.reason.no_device" }) {
			t.Fatalf("desk PCs only: mobile %+v", res)
		}
		// The 個人番号 setting keeps the devices, and the devices keep it.
		if err := s.SaveSettings(ctx, f.a.ID, f.it, true); err != nil {
			t.Fatal(err)
		}
		if set, _ = s.Settings(ctx, f.a.ID); !set.MyNumberAtBranchOffice || len(set.Devices) != 1 {
			t.Fatalf("settings after the 個人番号 change: %+v", set)
		}
		if err := s.SaveDevices(ctx, f.a.ID, f.it, nil); err != nil {
			t.Fatal(err)
		}
		if set, _ = s.Settings(ctx, f.a.ID); set.DevicesDeclared() || !set.MyNumberAtBranchOffice {
			t.Fatalf("withdrawn: %+v", set)
		}
		if got := mobile().Rating; got != tasks.OK {
			t.Fatalf("withdrawn: mobile %s, want ○", got)
		}
	})
}
