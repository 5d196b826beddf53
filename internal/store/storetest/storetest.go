// Package storetest opens fresh databases for tests on both engines.
// SQLite always runs; PostgreSQL runs when TELEWORK_TEST_PG holds a DSN of a
// server where the test may create databases (scripts/test starts one).
// With TELEWORK_REQUIRE_PG=1 a missing server fails the test instead of
// skipping it, so the suite cannot pass by leaving PostgreSQL out.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"telework/internal/store"
)

// Engines lists the engines to run a storage test on.
func Engines() []store.Engine { return []store.Engine{store.SQLite, store.Postgres} }

// Each runs fn once per engine as a subtest, with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, eng := range Engines() {
		t.Run(string(eng), func(t *testing.T) {
			fn(t, Open(t, eng))
		})
	}
}

// DSN returns a DSN for a new empty database of the engine: a file in a
// temp dir for SQLite, a freshly created database for PostgreSQL.
func DSN(tb testing.TB, eng store.Engine) string {
	tb.Helper()
	if eng == store.SQLite {
		return filepath.Join(tb.TempDir(), "test.db")
	}
	base := os.Getenv("TELEWORK_TEST_PG")
	if base == "" {
		if os.Getenv("TELEWORK_REQUIRE_PG") == "1" {
			tb.Fatal("TELEWORK_TEST_PG is not set but TELEWORK_REQUIRE_PG=1: run ./scripts/test, which starts PostgreSQL")
		}
		tb.Skip("PostgreSQL not configured (set TELEWORK_TEST_PG or run ./scripts/test)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "tw_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		tb.Fatalf("creating test database: %v", err)
	}
	tb.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open returns a migrated database of the engine, closed at cleanup.
func Open(tb testing.TB, eng store.Engine) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), DSN(tb, eng))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}
