package demo_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/calendar"
	"telework/internal/demo"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/survey"
)

// TestDemoSurveysAndOneOnOne: the demo city's pre- and post-trial surveys
// are closed, answered by more than five people, the post one breaks down
// by an attribute with published groups and compares with the pre one;
// the accounts supervisor and staff are a 1on1 pair.
func TestDemoSurveysAndOneOnOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, time.December, 1, 10, 30, 0, 0, calendar.Tokyo)
		db.Now = func() time.Time { return now }
		svc := app.NewServices(db)
		ds := app.DemoServices(db, svc)
		ds.At, ds.Apply, ds.Tasks = nil, nil, nil // the surveys alone: quick
		res, err := demo.Seed(ctx, ds, now)
		if err != nil {
			t.Fatal(err)
		}
		tid := res.Tenant.ID
		list, err := svc.Survey.List(ctx, tid)
		storetest.Must(t, err)
		var post int64
		for _, sv := range list {
			if sv.Status != survey.StatusClosed {
				t.Errorf("survey %s is %s", sv.Title, sv.Status)
			}
			if sv.Kind == survey.KindPost {
				post = sv.ID
			}
			p, err := svc.Survey.Progress(ctx, tid, sv.ID)
			if err != nil || p.Answered < 100 {
				t.Errorf("survey %s: %d answers (%v)", sv.Title, p.Answered, err)
			}
		}
		if len(list) != 2 || post == 0 {
			t.Fatalf("surveys: %+v", list)
		}
		r, err := svc.Survey.Results(ctx, tid, post, "ja")
		storetest.Must(t, err)
		shown := 0
		for _, tb := range r.Tables("gender", "") {
			for _, row := range tb.Rows {
				for _, c := range row.Cells {
					if !c.Hidden && c.Count >= 5 {
						shown++
					}
				}
			}
		}
		if r.N < 100 || shown == 0 {
			t.Errorf("post results: %d respondents, %d published cells by gender", r.N, shown)
		}
		if _, err := svc.Survey.Compare(ctx, tid, post, "ja"); err != nil {
			t.Errorf("compare: %v", err)
		}
		u, err := svc.Auth.UserByLogin(ctx, tid, "staff")
		storetest.Must(t, err)
		pairs, err := svc.OneOnOne.MyPairs(ctx, tid, u.StaffID)
		if err != nil || len(pairs) != 1 {
			t.Errorf("staff's 1on1 pairs: %v %+v", err, pairs)
		}
	})
}
