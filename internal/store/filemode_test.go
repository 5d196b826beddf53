//go:build unix

package store

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Issue 10 #11: the SQLite file and its -wal and -shm are private to the
// server's account (0600) even under a permissive umask, and files an
// older version left world-readable are tightened on open.
func TestSQLiteFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	for _, name := range []string{"new.db", "old.db", "dir #1/x?.db"} {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if name == "old.db" {
			// A database an older version created: 0644, with a 0644 -wal.
			db, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			db.SQL.Exec(`CREATE TABLE t (x INTEGER)`)
			db.SQL.Exec(`INSERT INTO t VALUES (1)`)
			db.Close()
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				os.Chmod(f, 0o644)
			}
		}
		db, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.Exec(`CREATE TABLE IF NOT EXISTS t (x INTEGER)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.Exec(`INSERT INTO t VALUES (2)`); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want -rw-------", f, st.Mode().Perm())
			}
		}
		db.Close()
	}
}
