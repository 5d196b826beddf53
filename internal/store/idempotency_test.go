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
// before it answered (its node killed) is taken over by the same request
// sent again once store.IdempotencyLease has passed — not refused as "still
// running" until the keys are swept a day later (a review found it stuck).
// Before the lease, or with another body, it is still refused; a finished
// key replays.
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
		if ok, prev := claim("k1", "h1"); ok || prev.Status != 0 {
			t.Fatalf("within the lease: claimed %v, %+v", ok, prev)
		}
		now = now.Add(2 * time.Second)
		if ok, prev := claim("k1", "h2"); ok || prev.RequestHash != "h1" {
			t.Fatalf("another body after the lease: claimed %v, %+v", ok, prev)
		}
		if ok, _ := claim("k1", "h1"); !ok {
			t.Fatal("the same request after the lease was not let run")
		}
		if ok, _ := claim("k1", "h1"); ok {
			t.Fatal("the claim taken over was taken twice")
		}
		storetest.Must(t, db.CompleteIdempotencyKey(ctx, tn.ID, u.ID, "k1", route.Idempotent{Status: 201, Body: "{}"}))
		now = now.Add(store.IdempotencyLease * 2)
		if ok, prev := claim("k1", "h1"); ok || prev.Status != 201 {
			t.Fatalf("a finished key: claimed %v, %+v", ok, prev)
		}
	})
}
