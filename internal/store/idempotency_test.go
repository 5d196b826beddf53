package store_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/auth"
	"telework/internal/route"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestIdempotencyClaimOfADeadRequest: a key claimed by a request that died
// before it answered (its node killed) is told as abandoned once
// store.IdempotencyLease has passed — not "still running" for a day (a
// review found it stuck) — and is never run a second time: the first may
// have done its work. A finished key replays.
func TestIdempotencyClaimOfADeadRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := mustTenant(t, db, "saga")
		u := &auth.User{LoginID: "idem", PasswordHash: "x"}
		storetest.Must(t, storetest.F(db).CreateUser(ctx, tn.ID, hr, u))
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		claim := func(key, hash string) (bool, route.Idempotent) {
			t.Helper()
			ok, prev, err := db.ClaimIdempotencyKey(ctx, tn.ID, u.ID, key, hash)
			storetest.Must(t, err)
			return ok, prev
		}
		if ok, _ := claim("k1", "h1"); !ok {
			t.Fatal("first claim refused")
		}
		now = now.Add(store.IdempotencyLease - time.Second)
		if ok, prev := claim("k1", "h1"); ok || prev.Status != 0 || prev.Abandoned {
			t.Fatalf("within the lease: claimed %v, %+v", ok, prev)
		}
		now = now.Add(2 * time.Second)
		if ok, prev := claim("k1", "h1"); ok || !prev.Abandoned {
			t.Fatalf("after the lease: claimed %v, %+v; want told abandoned, not run again", ok, prev)
		}
		storetest.Must(t, db.CompleteIdempotencyKey(ctx, tn.ID, u.ID, "k2", route.Idempotent{}))
		if ok, _ := claim("k2", "h2"); !ok {
			t.Fatal("another key")
		}
		storetest.Must(t, db.CompleteIdempotencyKey(ctx, tn.ID, u.ID, "k2", route.Idempotent{Status: 201, Body: "{}"}))
		now = now.Add(store.IdempotencyLease * 2)
		if ok, prev := claim("k2", "h2"); ok || prev.Status != 201 || prev.Abandoned {
			t.Fatalf("a finished key: claimed %v, %+v", ok, prev)
		}
	})
}
