package apply

import (
	"context"
	"time"

	"telework/internal/notify"
)

// stampedStore stamps the notifications the service writes with the
// service's clock, the time of the event, rather than the store's: the
// demo history (played with a clock in the past) and the tests (which move
// the clock) then show when each thing happened. Notifications already
// stamped keep their time.
type stampedStore struct {
	Store
	now func() time.Time
}

func stampNotes(st Store, now func() time.Time) Store {
	if now == nil {
		return st
	}
	return stampedStore{Store: st, now: now}
}

func (s stampedStore) InApplyTx(ctx context.Context, fn func(Tx) error) error {
	return s.Store.InApplyTx(ctx, func(tx Tx) error { return fn(stampedTx{Tx: tx, now: s.now}) })
}

type stampedTx struct {
	Tx
	now func() time.Time
}

func (t stampedTx) InsertNotifications(ctx context.Context, tenantID int64, ns []notify.Notification) error {
	var at time.Time
	for i := range ns {
		if ns[i].CreatedAt.IsZero() {
			if at.IsZero() {
				at = t.now().UTC()
			}
			ns[i].CreatedAt = at
		}
	}
	return t.Tx.InsertNotifications(ctx, tenantID, ns)
}

// unwrapTx is the store's transaction under the stamping wrapper, for
// callers that need the store's other interfaces (rosterplan records its
// publication in the same transaction).
func unwrapTx(tx Tx) Tx {
	if st, ok := tx.(stampedTx); ok {
		return st.Tx
	}
	return tx
}
