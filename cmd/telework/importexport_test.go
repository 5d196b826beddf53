package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestImportExportStaffCLI(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			dsn := storetest.DSN(t, eng)
			createKobe(t, dsn)
			ctx := context.Background()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			tn, err := db.FindTenantBySlug(ctx, "kobe")
			if err != nil {
				t.Fatal(err)
			}
			dept := &org.Unit{Code: "100", Name: "総務局", Level: "局"}
			if err := storetest.F(db).CreateUnit(ctx, tn.ID, cliActor, dept, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			sect := &org.Unit{Code: "110", Name: "人事課", Level: "課", ParentID: dept.ID}
			if err := storetest.F(db).CreateUnit(ctx, tn.ID, cliActor, sect, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			write := func(name, content string, sjis bool) string { return writeFile(t, dir, name, content, sjis) }
			good := write("staff.csv", "職員番号,氏名,フリガナ,所属,役職,発令日\r\n"+
				"0001,髙橋 一郎,タカハシ イチロウ,総務局 人事課,主任～係長,令和8年4月1日\r\n"+
				"0002,山﨑 花子,ヤマサキ ハナコ,110,課長,R8.4.1\r\n", true)

			// A dry run prints the plan and writes nothing.
			code, out, errb := cli(t, "import", "staff", "--db", dsn, "--tenant", "kobe", "--dry-run", good)
			if code != 0 || !strings.Contains(out, "新規 2人") || !strings.Contains(out, "dry run") || !strings.Contains(out, "0001") {
				t.Fatalf("dry run: %d\n%s\n%s", code, out, errb)
			}
			if n := countStaff(t, db); n != 0 {
				t.Fatalf("dry run wrote %d staff", n)
			}
			// Flags after the file work too.
			code, out, errb = cli(t, "import", "staff", good, "--db", dsn, "--tenant", "kobe")
			if code != 0 || !strings.Contains(out, "新規 2人") {
				t.Fatalf("import: %d\n%s\n%s", code, out, errb)
			}
			if n := countStaff(t, db); n != 2 {
				t.Fatalf("%d staff after import", n)
			}

			// A refused file: every problem on stderr with line and column,
			// exit 1, nothing written.
			bad := write("bad.csv", "職員番号,氏名,ふりがな,所属\n0003,新人,しんじん,110\n0004,,Yamada,110\n0005,次,つぎ,999\n", false)
			code, out, errb = cli(t, "import", "staff", "--db", dsn, "--tenant", "kobe", bad)
			if code != 1 || !strings.Contains(errb, "3行目 列「氏名」") || !strings.Contains(errb, "3行目 列「ふりがな」") ||
				!strings.Contains(errb, "4行目 列「所属」") || !strings.Contains(errb, "何も登録していません") {
				t.Fatalf("refused file: %d\n%s\n%s", code, out, errb)
			}
			if n := countStaff(t, db); n != 2 {
				t.Fatalf("a refused file wrote: %d staff", n)
			}
			if code, _, errb := cli(t, "import", "staff", "--db", dsn, "--tenant", "kobe", write("mn.csv", "職員番号,マイナンバー\n1,2\n", false)); code != 1 || !strings.Contains(errb, "マイナンバー") {
				t.Errorf("my number: %d %s", code, errb)
			}

			// Export in every format and import it back: nothing changes.
			for _, f := range []string{"csv", "csv-sjis", "xlsx"} {
				p := filepath.Join(dir, "export-"+f)
				if code, _, errb := cli(t, "export", "staff", "--db", dsn, "--tenant", "kobe", "--format", f, "--out", p); code != 0 {
					t.Fatalf("export %s: %d %s", f, code, errb)
				}
				code, out, errb := cli(t, "import", "staff", "--db", dsn, "--tenant", "kobe", "--full", p)
				if code != 0 || !strings.Contains(out, "新規 0人、変更 0人、退職 0人、在職に戻す 0人、変更なし 2人") {
					t.Errorf("re-import of the %s export: %d\n%s\n%s", f, code, out, errb)
				}
			}
			code, out, _ = cli(t, "export", "staff", "--db", dsn, "--tenant", "kobe", "--format", "csv")
			if code != 0 || !strings.HasPrefix(out, "\ufeff職員番号,氏名,ふりがな,") || !strings.Contains(out, "0001,髙橋 一郎,タカハシ イチロウ,,110,総務局/人事課,主任～係長,") {
				t.Errorf("export to stdout: %d\n%s", code, out)
			}
			if code, _, _ := cli(t, "export", "staff", "--db", dsn, "--tenant", "kobe", "--format", "pdf"); code != 2 {
				t.Errorf("bad format: exit %d", code)
			}
			if code, _, errb := cli(t, "audit", "verify", "--db", dsn, "--tenant", "kobe"); code != 0 {
				t.Errorf("audit chain: %s", errb)
			}
		})
	}
}

func TestImportExportHelp(t *testing.T) {
	for _, args := range [][]string{{"import", "staff", "-h"}, {"export", "staff", "-h"}, {"import", "-h"}} {
		if code, _, errb := cli(t, args...); code != 0 || !strings.Contains(errb, "usage: telework") {
			t.Errorf("%v: exit %d, help %q", args, code, errb)
		}
	}
	if code, _, _ := cli(t, "import", "units", "x.csv"); code != 2 {
		t.Errorf("import units: exit %d, want 2", code)
	}
}

// createKobe creates the tenant kobe (神戸市) with the CLI.
func createKobe(t *testing.T, dsn string) {
	t.Helper()
	if code, out, errb := cli(t, "tenant", "create", "--db", dsn, "--slug", "kobe", "--name", "神戸市", "--kind", "designated_city",
		"--staff-size", "15000", "--general-admin-staff", "9000"); code != 0 {
		t.Fatalf("tenant create: %d %s %s", code, out, errb)
	}
}

// writeFile writes content to dir/name, in Shift_JIS when sjis, and
// returns the path.
func writeFile(t *testing.T, dir, name, content string, sjis bool) string {
	t.Helper()
	b := []byte(content)
	if sjis {
		var err error
		if b, err = japanese.ShiftJIS.NewEncoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func countStaff(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.SQL.QueryRow(`SELECT COUNT(*) FROM staff`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
