package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A command that reads or changes existing data, given a database path
// that does not exist (a typo), refuses with a clear message and creates
// nothing: `calendar holidays --db /nonexistent.db` made a 1 MB database
// there. A file: URI is checked at its path.
func TestCommandsDoNotCreateAMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "staff.csv")
	if err := os.WriteFile(in, []byte("職員番号,氏名\n1,a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "typo.db")
	for _, db := range []string{missing, "file:" + missing + "?_pragma=busy_timeout(5000)"} {
		for _, args := range [][]string{
			{"calendar", "holidays", "--year", "2026", "--db", db},
			{"tenant", "list", "--db", db},
			{"audit", "verify", "--db", db},
			{"audit", "head", "--db", db},
			{"token", "list", "--tenant", "matsumoto", "--login", "hr01", "--db", db},
			{"export", "staff", "--tenant", "matsumoto", "--db", db},
			{"export", "units", "--tenant", "matsumoto", "--format", "csv", "--db", db},
			{"import", "staff", "--tenant", "matsumoto", "--dry-run", "--db", db, in},
			{"import", "units", "--tenant", "matsumoto", "--dry-run", "--db", db, in},
			{"backup", "--out", filepath.Join(dir, "b.tar"), "--db", db},
			{"user", "create", "--tenant", "matsumoto", "--login", "x", "--db", db},
			{"user", "reset-password", "--operator", "--login", "x", "--db", db},
		} {
			code, _, errb := cli(t, args...)
			if code != 1 || !strings.Contains(errb, missing+" がありません") {
				t.Errorf("%v: exit %d, %q", args, code, errb)
			}
			if _, err := os.Stat(missing); !os.IsNotExist(err) {
				t.Fatalf("%v created %s", args, missing)
			}
		}
	}
}

// A tenant or an account that is not there is said so in both languages,
// with where to look.
func TestMissingTenantAndAccountInBothLanguages(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	if code, _, errb := cli(t, "migrate", "--db", db); code != 0 {
		t.Fatal(errb)
	}
	for _, args := range [][]string{
		{"audit", "verify", "--tenant", "nosuch", "--db", db},
		{"export", "staff", "--tenant", "nosuch", "--db", db},
		{"user", "create", "--tenant", "nosuch", "--login", "x", "--db", db},
		{"token", "create", "--tenant", "nosuch", "--login", "x", "--db", db},
	} {
		code, _, errb := cli(t, args...)
		if code != 1 || !strings.Contains(errb, `団体コード "nosuch" の団体が見つかりません`) || !strings.Contains(errb, "no tenant") {
			t.Errorf("%v: exit %d, %q", args, code, errb)
		}
	}
}
