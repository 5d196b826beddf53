package apply_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestNotificationsCarryTheServiceClock: a notification is stamped with the
// time of its event as the service's clock tells it, not the database's
// (the demo history is played with a clock in the past).
func TestNotificationsCarryTheServiceClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		db.Now = func() time.Time { return f.now.Add(400 * 24 * time.Hour) }
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		f.now = f.now.Add(90 * time.Minute)
		_, err = f.svc.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{})
		storetest.Must(t, err)
		for who, want := range map[string]time.Time{"kacho": f.now.Add(-90 * time.Minute), "staff": f.now} {
			ns, err := f.notes.List(ctx, f.a.ID, f.who[who], false, 10, 0)
			if err != nil || len(ns) == 0 {
				t.Fatalf("%s: %v %v", who, err, ns)
			}
			if got := ns[0].CreatedAt; !got.Equal(want) {
				t.Errorf("%s's notification at %v, want %v", who, got, want)
			}
		}
	})
}
