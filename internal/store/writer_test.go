package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestConcurrentWritersEachGetTheirOwnOutcome sends many write
// transactions at once, some failing, one panicking and one whose caller
// has gone away. On SQLite they are committed in groups (writer.go); on
// both engines each caller must see exactly its own outcome: the failures'
// writes are gone, every success is kept, and the chain verifies.
func TestConcurrentWritersEachGetTheirOwnOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := mustTenant(t, db, "batch")
		const n = 60
		errFail := errors.New("this writer fails on purpose")
		var wg sync.WaitGroup
		outcome := make([]error, n)
		panics := make([]any, n)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		// Writer 0 holds the write transaction until all others wait, so
		// that (on SQLite) they go into one batch behind it.
		inside, release := make(chan struct{}), make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			outcome[0] = db.InTx(ctx, func(tx *store.Tx) error {
				close(inside)
				<-release
				return errFail
			})
		}()
		<-inside
		for i := 1; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { panics[i] = recover() }()
				c := ctx
				if i == 7 {
					c = cancelled
				}
				outcome[i] = db.InTx(c, func(tx *store.Tx) error {
					if err := tx.Audit(ctx, tn.ID, audit.Actor{Label: "w"}, audit.Change{
						Action: "unit.update", ObjectType: "unit", ObjectID: fmt.Sprint(i)}); err != nil {
						return err
					}
					switch {
					case i == 13:
						panic("writer 13 panics")
					case i%3 == 0:
						return errFail
					}
					return nil
				})
			}()
		}
		time.Sleep(100 * time.Millisecond) // not a timing assertion: lets the writers queue
		close(release)
		wg.Wait()
		want := map[string]bool{}
		for i := range n {
			switch {
			case i == 13:
				if panics[i] != "writer 13 panics" {
					t.Errorf("writer 13: panic %v reached its caller, want its own", panics[i])
				}
			case panics[i] != nil:
				t.Errorf("writer %d panicked: %v", i, panics[i])
			case i == 7:
				if !errors.Is(outcome[i], context.Canceled) {
					t.Errorf("writer 7 (cancelled): %v, want context.Canceled", outcome[i])
				}
			case i%3 == 0:
				if !errors.Is(outcome[i], errFail) {
					t.Errorf("writer %d: %v, want its own failure", i, outcome[i])
				}
			case outcome[i] != nil:
				t.Errorf("writer %d: %v", i, outcome[i])
			default:
				want[fmt.Sprint(i)] = true
			}
		}
		entries, err := db.FindAuditEntries(ctx, tn.ID, audit.Filter{Action: "unit.update", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, e := range entries {
			got[e.ObjectID] = true
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("kept entries %v, want exactly the successful writers' %v", got, want)
		}
		if _, err := db.VerifyAuditChain(ctx, tn.ID); err != nil {
			t.Error(err)
		}
	})
}
