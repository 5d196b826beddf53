package store_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestJobClaimOfADeadNode: a run claimed by a node that died mid-run is
// taken over by the next attempt once store.JobLease has passed (a review
// found the day's job skipped on every node until the next day); a run in
// progress, finished or failed is not.
func TestJobClaimOfADeadNode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		claim := func(key, node string) bool {
			t.Helper()
			ok, err := db.ClaimJobRun(ctx, "apply-daily", key, node)
			storetest.Must(t, err)
			return ok
		}
		if !claim("d1", "a") || claim("d1", "b") {
			t.Fatal("one claim of a run")
		}
		now = now.Add(store.JobLease - time.Second)
		if claim("d1", "b") {
			t.Fatal("a run in progress was taken over")
		}
		now = now.Add(2 * time.Second)
		if !claim("d1", "b") {
			t.Fatal("a run left by a dead node was not taken over")
		}
		if claim("d1", "c") {
			t.Fatal("taken over twice")
		}
		// A long run that renews its claim is not taken over.
		now = now.Add(store.JobLease - time.Minute)
		storetest.Must(t, db.RenewJobRun(ctx, "apply-daily", "d1", "b"))
		now = now.Add(2 * time.Minute)
		if claim("d1", "c") {
			t.Fatal("a run renewed by its node was taken over")
		}
		storetest.Must(t, db.FinishJobRun(ctx, "apply-daily", "d1"))
		if !claim("d2", "a") {
			t.Fatal("another day")
		}
		storetest.Must(t, db.FailJobRun(ctx, "apply-daily", "d2"))
		now = now.Add(3 * store.JobLease)
		if claim("d1", "c") || claim("d2", "c") {
			t.Fatal("a finished or failed run was run again")
		}
	})
}
