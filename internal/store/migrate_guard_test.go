package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestMigrateRefusesNewerSchema: a database a newer telework migrated (its
// goose table names a version this binary lacks) is refused by Migrate —
// which is how serve and migrate start — with a message naming both
// versions, and /readyz's check reads it as not current.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		latest, err := store.LatestSchemaVersion(db.Engine)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := db.MigrationsCurrent(ctx); !ok || err != nil {
			t.Fatalf("a migrated database is not current: %v", err)
		}
		if _, err := db.SQL.ExecContext(ctx, db.Rebind(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)`), latest+1, true); err != nil {
			t.Fatal(err)
		}
		_, err = db.Migrate(ctx)
		var newer *store.SchemaNewerError
		if !errors.As(err, &newer) || newer.Database != latest+1 || newer.Binary != latest || !strings.Contains(err.Error(), "より新しい") {
			t.Errorf("migrate on a newer schema: %v", err)
		}
		if ok, err := db.MigrationsCurrent(ctx); ok || err != nil {
			t.Errorf("a newer schema reads as current: %t %v", ok, err)
		}
	})
}

// TestSQLiteMigrationsRunOnce: processes migrating one SQLite file at the
// same moment (a `telework migrate` beside a starting server) take turns:
// each succeeds and every migration is recorded once.
func TestSQLiteMigrationsRunOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "telework.db")
	const n = 4
	dbs := make([]*store.DB, n)
	for i := range dbs {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	ran := make([]int, n)
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ran[i], errs[i] = db.Migrate(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
		total += ran[i]
	}
	var rows, distinct int
	if err := dbs[0].SQL.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != distinct || total != distinct {
		t.Errorf("%d migrations recorded (%d distinct), %d applied in all: want each once", rows, distinct, total)
	}
	if ok, err := dbs[0].MigrationsCurrent(ctx); !ok || err != nil {
		t.Errorf("not current after the migrations: %v", err)
	}
}
