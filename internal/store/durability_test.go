package store

import (
	"context"
	"path/filepath"
	"testing"
)

// A SQLite database opened from a path commits durably (synchronous=FULL
// in WAL mode) on every pooled connection: with NORMAL a power cut could
// take back commits that were already answered, audit entries with them.
// A file: URI keeps the operator's own pragmas.
func TestSQLiteCommitsAreDurable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cases := []struct {
		name, dsn             string
		wantSync, wantJournal string
	}{
		{"path", filepath.Join(dir, "a.db"), "2", "wal"},
		{"operator's URI", "file:" + filepath.Join(dir, "b.db") + "?_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)", "1", "wal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := Open(ctx, c.dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// Several connections at once, so that more than one of the
			// pool's connections is asked.
			conns := make([]interface{ Close() error }, 0, 4)
			for range 4 {
				conn, err := db.SQL.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, conn)
				var sync, journal string
				if err := conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
					t.Fatal(err)
				}
				if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal); err != nil {
					t.Fatal(err)
				}
				if sync != c.wantSync || journal != c.wantJournal {
					t.Errorf("synchronous=%s journal_mode=%s, want %s and %s", sync, journal, c.wantSync, c.wantJournal)
				}
			}
			for _, conn := range conns {
				conn.Close()
			}
		})
	}
}
