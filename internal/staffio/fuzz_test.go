package staffio_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"telework/internal/org"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/tabular"
)

// The fuzz targets of the import. Plain `go test` runs their seeds; `go
// test -fuzz FuzzStaffRow` (or FuzzImport) explores.

// memUnits and memStaff are a tenant held in memory for the row parser.
func memCurrent() staffio.Current {
	units := []*org.Unit{
		{ID: 1, Code: "100", Name: "総務部"}, {ID: 2, ParentID: 1, Code: "110", Name: "人事課"},
		{ID: 3, ParentID: 2, Code: "111", Name: "人事係"}, {ID: 4, Code: "200", Name: "市民部", Retired: true},
		{ID: 5, ParentID: 2, Code: "112", Name: "庶務係"}, {ID: 6, ParentID: 1, Code: "120", Name: "庶務係"},
	}
	staff := []*org.Staff{
		{ID: 1, StaffNo: "0001", Name: "山田 太郎", Kana: "やまだ たろう", UnitID: 3, Rank: org.RankStaff, Employment: org.Regular, JobType: "general", Version: 3},
		{ID: 2, StaffNo: "0002", Name: "髙橋 花子", Kana: "たかはし はなこ", UnitID: 2, Rank: org.RankChief, Employment: org.FiscalYear, JobType: "health",
			Sensitive: &org.Sensitive{Gender: "female", AgeBand: "40s", Care: "both", CommuteMinutes: 30}, Version: 1},
		{ID: 3, StaffNo: "0003", Name: "退職 済", Kana: "たいしょく", UnitID: 4, Rank: org.RankStaff, Employment: org.Regular, JobType: "general", Retired: true, Version: 2},
	}
	return staffio.Current{Units: units, Staff: staff}
}

var rowHeader = []string{"職員番号", "氏名", "ふりがな", "メールアドレス", "所属コード", "所属", "役職", "職層", "所属長", "任用区分", "職種", "在職区分",
	"発令日", "分析同意", "性別", "年代", "育児介護", "通勤時間(分)"}

// FuzzStaffRow feeds one data row (cells separated by \x1f) through the
// row parser: no panic, every problem on the row's line with a column and
// a message, and every planned record valid.
func FuzzStaffRow(f *testing.F) {
	for _, s := range []string{
		"0001\x1f山田 太郎\x1fやまだ たろう\x1f\x1f111\x1f総務部/人事課/人事係\x1f主事\x1f主事・技師級\x1f\x1f常勤\x1f一般行政\x1f在職\x1f\x1f\x1f\x1f\x1f\x1f",
		"０００２\x1f髙橋　花子\x1fタカハシ ハナコ\x1fhanako@example.jp\x1f\x1f総務部 人事課\x1f係長～課長\x1f係長\x1f○\x1f会計年度\x1f保健師\x1f\x1f令和8年4月1日\x1f○\x1f女性\x1f40代\x1f育児と介護\x1f３０分",
		"0003\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f退職",
		"9999\x1f①㈱\x1fしけん\x1f\x1f\x1f庶務係\x1f\x1f社長\x1fはい?\x1f\x1f\x1f\x1fR99.13.40\x1f\x1f男性",
		"123\x1fa\x1fあ\x1f\x1f200",
		"\x1f\x1f",
	} {
		f.Add(s)
	}
	cur := memCurrent()
	f.Fuzz(func(t *testing.T, row string) {
		cells := strings.Split(row, "\x1f")
		tb := &tabular.Table{Encoding: "UTF-8", Rows: []tabular.Row{{Line: 1, Cells: rowHeader}, {Line: 2, Cells: cells}}}
		p := staffio.Prepare(tb, cur, staffio.Options{})
		for _, pr := range p.Problems {
			if pr.Line != 2 || pr.Column == "" {
				t.Fatalf("problem without place: %+v", pr)
			}
			if m := pr.Message("ja"); m == "" || strings.HasPrefix(m, "import.") || strings.Contains(m, "<no value>") {
				t.Fatalf("message %q for %+v", m, pr)
			}
		}
		for _, list := range [][]*staffio.Item{p.Creates, p.Changes, p.Reinstates} {
			for _, it := range list {
				s := *it.After
				if err := s.Validate(); err != nil {
					t.Fatalf("planned an invalid record %+v: %v", it.After, err)
				}
			}
		}
		if !p.OK() && !p.Empty() {
			// A row with a problem is never also planned.
			t.Fatalf("row both refused and planned: %+v", p.Summary(""))
		}
	})
}

// templateDB is a migrated SQLite file with a tenant, units and staff;
// each fuzz input gets a fresh copy of it.
func templateDB(f *testing.F) string {
	path := filepath.Join(f.TempDir(), "template.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	fx := newFixture(f, db)
	seed := "職員番号,氏名,ふりがな,所属コード,分析同意,性別\n0001,山田 太郎,やまだ たろう,111,○,女性\n0002,佐藤 花子,さとう はなこ,110,,\n"
	if _, err := staffio.Apply(ctx, db, fx.tenant, hr, staffio.File{Data: []byte(seed)}, staffio.ApplyOptions{}); err != nil {
		f.Fatal(err)
	}
	return path // Close (deferred) checkpoints the WAL into the file
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// FuzzImport runs the whole import of a fuzzed file against a fresh
// SQLite database: it either succeeds or writes nothing at all.
func FuzzImport(f *testing.F) {
	for _, name := range []string{"staff_cp932.csv", "staff_utf8_bom.csv", "not_cp932.csv", "staff_dates.xlsx"} {
		if b, err := os.ReadFile(filepath.Join("..", "tabular", "testdata", name)); err == nil {
			f.Add(b, false)
		}
	}
	f.Add(sjis(f, cp932File), false)
	f.Add([]byte("職員番号,氏名,ふりがな,所属コード\n0500,新規,しんき,111\n0500,重複,ちょうふく,111\n"), false)
	f.Add([]byte("職員番号,在職区分\n0001,退職\n"), true)
	var x bytes.Buffer
	tabular.Write(&x, tabular.XLSX, "職員", [][]string{{"職員番号", "氏名", "ふりがな", "所属"}, {"0600", "髙﨑", "たかさき", "総務部/人事課"}})
	f.Add(x.Bytes(), false)
	tmpl := templateDB(f)
	f.Fuzz(func(t *testing.T, data []byte, full bool) {
		// Not t.TempDir(): a seed's directory name holds '#', which a
		// SQLite file: URI takes for a fragment.
		dir, err := os.MkdirTemp("", "staffio-fuzz-run")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "fuzz.db")
		if err := copyFile(path, tmpl); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		tn, err := db.FindTenantBySlug(ctx, "matsumoto")
		if err != nil {
			t.Fatal(err)
		}
		counts := func() [4]int {
			var c [4]int
			for i, q := range []string{`SELECT COUNT(*) FROM staff`, `SELECT COUNT(*) FROM staff_history`, `SELECT COUNT(*) FROM audit_log`,
				`SELECT COUNT(*) FROM staff WHERE retired = TRUE`} {
				if err := db.SQL.QueryRow(q).Scan(&c[i]); err != nil {
					t.Fatal(err)
				}
			}
			return c
		}
		before := counts()
		p, err := staffio.Apply(ctx, db, tn.ID, hr, staffio.File{Name: "fuzz", Data: data}, staffio.ApplyOptions{Options: staffio.Options{Full: full}})
		after := counts()
		if err != nil {
			if after != before {
				t.Fatalf("a failed import wrote: %v → %v (%v)", before, after, err)
			}
			if p == nil || p.OK() && !staffio.IsRetirementConfirm(err) {
				// Only storage faults may fail without saying why, and a
				// fresh SQLite file has none.
				t.Fatalf("failed without problems: %v", err)
			}
			return
		}
		sum := p.Summary("")
		if after[0]-before[0] != sum.Created || after[2]-before[2] < sum.Created+sum.Changed+sum.Retired+sum.Reinstated+1 {
			t.Fatalf("summary %+v but rows %v → %v", sum, before, after)
		}
		if _, err := db.VerifyAuditChain(ctx, tn.ID); err != nil {
			t.Fatalf("audit chain: %v", err)
		}
	})
}
