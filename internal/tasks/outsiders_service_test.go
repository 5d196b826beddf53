package tasks_test

import (
	"context"
	"testing"

	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestStoredPlaceWithOutsiders: a satellite office whose page says 部外者
// are present never carries 大量・機微な住民情報, whatever its kind, network
// and measures; the flag reached the engine from the stored office (a
// review found such a 公民館 rated ○ with no reason).
func TestStoredPlaceWithOutsiders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		jumin := &tasks.InfoSystem{Name: "住民情報照会システム", Segment: tasks.LGWAN, DataClasses: []tasks.DataClass{tasks.ResidentSensitive}}
		gw := &tasks.InfoSystem{Name: "グループウェア", Segment: tasks.LGWAN, DataClasses: []tasks.DataClass{tasks.General}}
		for _, x := range []*tasks.InfoSystem{jumin, gw} {
			if err := s.SaveSystem(ctx, f.a.ID, f.it, x); err != nil {
				t.Fatal(err)
			}
		}
		ps := places.NewService(db, db.Now)
		for _, c := range []struct {
			name      string
			outsiders bool
		}{{"中央公民館", true}, {"四賀支所", false}} {
			o := places.NewOffice()
			o.Name, o.Kind, o.Network, o.Seats = c.name, tasks.Community, tasks.OfficeLAN, 4
			if c.name == "四賀支所" {
				o.Kind, o.PhysicalSecurity = tasks.Branch, true
			}
			o.Outsiders = c.outsiders
			if err := ps.CreateOffice(ctx, f.a.ID, f.it, o); err != nil {
				t.Fatal(err)
			}
		}
		list, err := s.Places(ctx, f.a.ID)
		if err != nil || len(list) != 2 || !list[0].Outsiders || list[1].Outsiders {
			t.Fatalf("places: %v %+v", err, list)
		}
		for _, tk := range []*tasks.SheetTask{
			{UnitID: f.sect.ID, Name: "住民票の照会", SystemIDs: []int64{jumin.ID}},
			{UnitID: f.sect.ID, Name: "会議の日程調整", SystemIDs: []int64{gw.ID}},
		} {
			if err := s.CreateTask(ctx, f.a.ID, f.boss, tk); err != nil {
				t.Fatal(err)
			}
		}
		sr, err := s.RateSheet(ctx, f.a.ID, f.boss, f.sect.ID)
		if err != nil || len(sr.Rated) != 2 {
			t.Fatalf("rate: %v %+v", err, sr)
		}
		hall, branch := tasks.PlaceKey(list[0].ID), tasks.PlaceKey(list[1].ID)
		cases := []struct {
			task   int
			target string
			rating tasks.Rating
			reason string
		}{
			{0, hall, tasks.No, "tasks.reason.resident_sensitive_outsiders"},
			{0, branch, tasks.OK, ""},
			{1, hall, tasks.OK, ""},
		}
		for _, c := range cases {
			var got *tasks.Result
			for i := range sr.Rated[c.task].Results {
				if r := &sr.Rated[c.task].Results[i]; r.Target == c.target {
					got = r
				}
			}
			if got == nil || got.Rating != c.rating || len(got.Improvements) != 0 {
				t.Fatalf("task %d at %s: %+v", c.task, c.target, got)
			}
			if c.reason != "" && (len(got.Reasons) != 1 || got.Reasons[0].Key != c.reason) {
				t.Errorf("task %d at %s: reasons %+v", c.task, c.target, got.Reasons)
			}
		}
	})
}
