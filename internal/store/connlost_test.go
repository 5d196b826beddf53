package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// After PostgreSQL ends every session (a restart, a failover,
// pg_terminate_backend), the pool's idle connections are all dead. A read
// and a transaction right after must run on fresh connections, not fail
// one request per dead connection (a failed token check read as "invalid
// token"). With the database really gone, the error is Unavailable (503),
// not an internal error.
func TestPostgresSessionsEndedUnderThePool(t *testing.T) {
	if os.Getenv("TELEWORK_TEST_PG") == "" && os.Getenv("TELEWORK_REQUIRE_PG") != "1" {
		t.Skip("PostgreSQL not configured")
	}
	ctx := context.Background()
	dsn := storetest.DSN(t, store.Postgres)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	tn := &org.Tenant{Slug: "kou-city", Name: "甲市", Kind: org.Municipality, StaffSize: 10, GeneralAdminStaff: 5}
	storetest.Must(t, storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "test"}, tn, nil))

	// Fill the pool with idle connections, then end all their sessions
	// from outside.
	warm := func() {
		var conns []*sql.Conn
		for tries := 0; len(conns) < 6; tries++ {
			c, err := db.SQL.Conn(ctx)
			if err != nil || tries > 50 {
				t.Fatalf("warming the pool: %v", err)
			}
			if c.PingContext(ctx) != nil {
				c.Close() // a dead one from the last round: discarded
				continue
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
	}
	name := dbName(t, dsn)
	admin, err := sql.Open("pgx", os.Getenv("TELEWORK_TEST_PG")) // the server's default database
	admin.SetMaxOpenConns(1)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	terminate := func() {
		var n int
		if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1`, name).Scan(&n); err != nil || n < 6 {
			t.Fatalf("terminating the pool's sessions: %d, %v", n, err)
		}
	}

	warm()
	terminate()
	if _, err := db.FindTenantByID(ctx, tn.ID); err != nil {
		t.Fatalf("a read after the sessions ended: %v", err)
	}
	warm()
	terminate()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.FindTenantByID(ctx, tn.ID)
		return err
	})
	if err != nil {
		t.Fatalf("a transaction after the sessions ended: %v", err)
	}

	// Concurrent readers after an end of all sessions: none fails.
	warm()
	terminate()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.FindTenantByID(ctx, tn.ID)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a concurrent read after the sessions ended: %v", err)
		}
	}

	// The database refuses connections: Unavailable, not internal.
	if _, err := admin.Exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS false`); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(`ALTER DATABASE "` + name + `" ALLOW_CONNECTIONS true`)
	if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error { return nil })
	if apperr.CodeOf(err) != apperr.Unavailable {
		t.Fatalf("a transaction while the database refuses connections: %v (code %q), want unavailable", err, apperr.CodeOf(err))
	}
}

func dbName(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}
