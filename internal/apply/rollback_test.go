package apply_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// failingStore runs the real transactions with a Tx whose outbox write
// fails, the last write of every action.
type failingStore struct{ *store.DB }

type failingTx struct{ apply.Tx }

func (failingTx) InsertNotifications(context.Context, int64, []notify.Notification) error {
	return errors.New("outbox unavailable")
}

func (f failingStore) InApplyTx(ctx context.Context, fn func(apply.Tx) error) error {
	return f.DB.InApplyTx(ctx, func(tx apply.Tx) error { return fn(failingTx{tx}) })
}

// TestFailedWriteRollsBackEverything: when the outbox row cannot be
// written, the application, its days, its decision and its audit entry are
// not written either; an approval that fails leaves the application
// submitted.
func TestFailedWriteRollsBackEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		broken := apply.NewService(failingStore{db}, func() time.Time { return f.now })
		if _, err := broken.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4))); err == nil {
			t.Fatal("create succeeded without its outbox row")
		}
		if n := f.countApplications(t); n != 0 {
			t.Errorf("%d applications written", n)
		}
		if es := f.auditActions(t, "application.submit"); len(es) != 0 {
			t.Errorf("audit entry written: %d", len(es))
		}
		res, err := f.svc.Create(ctx, f.a.ID, f.who["staff"], oneDay(day(time.June, 4)))
		storetest.Must(t, err)
		if _, err := broken.Approve(ctx, f.a.ID, f.who["kacho"], res.Application.ID, apply.Act{}); err == nil {
			t.Fatal("approval succeeded without its outbox row")
		}
		d, err := f.svc.Get(ctx, f.a.ID, f.who["staff"], res.Application.ID)
		storetest.Must(t, err)
		if d.Status != apply.Submitted || len(d.Decisions) != 1 || len(f.auditActions(t, "application.approve")) != 0 {
			t.Errorf("after a failed approval: %s, %d decisions", d.Status, len(d.Decisions))
		}
	})
}
