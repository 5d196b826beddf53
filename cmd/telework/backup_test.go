package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestBackupRestoreHelpAndUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"backup", "-h"}, 0, "usage: telework backup"},
		{[]string{"restore", "-h"}, 0, "usage: telework restore"},
		{[]string{"backup", "--db", "x.db"}, 2, "--out"},
		{[]string{"restore", "--db", "x.db"}, 2, "バックアップファイルを1つ"},
		{[]string{"restore", "a.tar.gz", "b.tar.gz"}, 2, "バックアップファイルを1つ"},
	} {
		code, _, errb := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(errb, tc.says) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb, tc.code, tc.says)
		}
	}
}

// TestBackupAndRestoreCommands moves an instance to the other engine with
// the two commands, checks that a damaged archive and a second restore are
// refused with exit status 1 and a Japanese message, and that neither a
// refused restore nor a backup of a missing file creates a database.
func TestBackupAndRestoreCommands(t *testing.T) {
	for _, tc := range []struct{ from, to store.Engine }{{store.SQLite, store.Postgres}, {store.Postgres, store.SQLite}} {
		t.Run(string(tc.from)+"→"+string(tc.to), func(t *testing.T) {
			dir := t.TempDir()
			src := storetest.DSN(t, tc.from)
			if code, out, errb := cli(t, "tenant", "create", "--db", src, "--slug", "ibaraki", "--name", "茨城県", "--kind", "prefecture",
				"--admin-login", "jinji01"); code != 0 {
				t.Fatalf("tenant create: %d %s %s", code, out, errb)
			}
			if code, out, errb := cli(t, "user", "create", "--db", src, "--operator", "--login", "ops01"); code != 0 {
				t.Fatalf("operator: %d %s %s", code, out, errb)
			}
			keyFile := filepath.Join(dir, "backup.key")
			if err := os.WriteFile(keyFile, []byte("c2lnbmluZyBrZXkgb2YgdGhlIHRlc3QsIDQ4IGJ5dGVzIGxvbmcK\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			archive := filepath.Join(dir, "telework.tar.gz")
			code, out, errb := cli(t, "backup", "--db", src, "--out", archive, "--backup-key", keyFile)
			if code != 0 || !strings.Contains(out, "バックアップを作成しました") {
				t.Fatalf("backup: %d %s %s", code, out, errb)
			}
			if st, err := os.Stat(archive); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("archive %v %v: want mode 0600 (it holds password hashes)", st, err)
			}

			dst := storetest.DSN(t, tc.to)
			code, out, errb = cli(t, "restore", "--db", dst, archive, "--dry-run", "--backup-key", keyFile)
			if code != 0 || !strings.Contains(out, "nothing was written") || !strings.Contains(out, "署名 / signature: OK") ||
				!strings.Contains(out, "ibaraki / jinji01: hr_admin") || !strings.Contains(out, "運用者 / operators: ops01") {
				t.Fatalf("dry run: %d %s %s", code, out, errb)
			}
			// Without the key a signed archive is refused.
			if code, _, errb := cli(t, "restore", "--db", dst, archive); code != 1 || !strings.Contains(errb, "鍵が指定されていない") {
				t.Fatalf("restore without the key: %d %s", code, errb)
			}
			code, out, errb = cli(t, "restore", "--db", dst, archive, "--backup-key", keyFile)
			if code != 0 || !strings.Contains(out, "復元しました") || !strings.Contains(out, "tenant 1: OK") {
				t.Fatalf("restore: %d %s %s", code, out, errb)
			}
			if code, out, _ := cli(t, "audit", "verify", "--db", dst); code != 0 || strings.Count(out, "OK") != 2 {
				t.Errorf("audit verify after restore: %d %s", code, out)
			}
			if code, out, _ := cli(t, "tenant", "list", "--db", dst); code != 0 || !strings.Contains(out, "茨城県") {
				t.Errorf("tenant list after restore: %d %s", code, out)
			}
			// The restored operator signs in with a password reset as usual.
			if code, _, errb := cli(t, "user", "reset-password", "--db", dst, "--operator", "--login", "ops01"); code != 0 {
				t.Errorf("operator after restore: %d %s", code, errb)
			}

			// Twice: refused, the tenant is there.
			code, _, errb = cli(t, "restore", "--db", dst, archive, "--backup-key", keyFile)
			if code != 1 || !strings.Contains(errb, "すでにあるため、何も書き込まずに中止しました") {
				t.Errorf("second restore: %d %s", code, errb)
			}

			// A damaged archive: refused before the target is touched.
			good, err := os.ReadFile(archive)
			if err != nil {
				t.Fatal(err)
			}
			damaged := filepath.Join(dir, "damaged.tar.gz")
			if err := os.WriteFile(damaged, good[:len(good)*2/3], 0o600); err != nil {
				t.Fatal(err)
			}
			fresh := filepath.Join(dir, "fresh.db")
			code, _, errb = cli(t, "restore", "--db", fresh, damaged, "--backup-key", keyFile)
			if code != 1 || !strings.Contains(errb, "バックアップファイルが壊れているか改変されているため") || !strings.Contains(errb, "途中で切れて") {
				t.Errorf("damaged archive: %d %s", code, errb)
			}
			if _, err := os.Stat(fresh); !os.IsNotExist(err) {
				t.Errorf("a refused restore created %s", fresh)
			}

			// One tenant into a fresh SQLite file.
			one := filepath.Join(dir, "ibaraki.tar.gz")
			if code, out, errb := cli(t, "backup", "--db", src, "--tenant", "ibaraki", "--out", one); code != 0 || !strings.Contains(out, "ibaraki") {
				t.Fatalf("tenant backup: %d %s %s", code, out, errb)
			}
			// An unsigned archive: refused, unless the operator allows it.
			if code, _, errb := cli(t, "restore", "--db", fresh, one); code != 1 || !strings.Contains(errb, "署名がないため") {
				t.Fatalf("unsigned restore: %d %s", code, errb)
			}
			if _, err := os.Stat(fresh); !os.IsNotExist(err) {
				t.Errorf("a refused restore created %s", fresh)
			}
			if code, out, errb := cli(t, "restore", "--db", fresh, one, "--allow-unsigned"); code != 0 || !strings.Contains(errb, "--allow-unsigned") {
				t.Fatalf("tenant restore: %d %s %s", code, out, errb)
			}
			if code, out, _ := cli(t, "audit", "verify", "--db", fresh); code != 0 || strings.Count(out, "OK") != 1 {
				t.Errorf("audit verify of the tenant: %d %s", code, out)
			}
		})
	}

	missing := filepath.Join(t.TempDir(), "missing.db")
	code, _, errb := cli(t, "backup", "--db", missing, "--out", filepath.Join(t.TempDir(), "x.tar.gz"))
	if code != 1 || !strings.Contains(errb, "ありません") {
		t.Errorf("backup of a missing file: %d %s", code, errb)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("backup created %s", missing)
	}
}
