package store_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestFindOneNeedsAnID: the single-record finders share their list
// query, where id 0 means "no filter"; a lookup of id 0 (or below) read
// the tenant's first record. It is no record at all, on both engines.
func TestFindOneNeedsAnID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := mustTenant(t, db, "findone")
		sys := &tasks.InfoSystem{Name: "財務会計システム", Segment: tasks.LGWAN}
		storetest.Must(t, db.InTasksTx(ctx, func(tx tasks.Tx) error { return tx.InsertInfoSystem(ctx, tn.ID, sys, time.Now()) }))
		if got, err := db.FindInfoSystem(ctx, tn.ID, sys.ID); err != nil || got.Name != sys.Name {
			t.Fatalf("the system by its id: %v %v", got, err)
		}
		for _, id := range []int64{0, -1} {
			if got, err := db.FindInfoSystem(ctx, tn.ID, id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("id %d: %v %v, want not found", id, got, err)
			}
			if got, err := db.FindTaskPlace(ctx, tn.ID, id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("place id %d: %v %v, want not found", id, got, err)
			}
		}
	})
}
