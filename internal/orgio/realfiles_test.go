package orgio_test

import (
	"strings"
	"testing"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/orgio"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

// TestParentRenamedSinceExport: a units file exported before 人事課 was
// renamed names the parent by its code and its old path; the code decides
// and the warning gives the current name (the row was refused with
// 「当たる組織が見つかりません」). Without a code the old path is still refused.
func TestParentRenamedSinceExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		u := *f.units["110"]
		u.Name = "人事企画課"
		if _, err := storetest.F(db).UpdateUnit(f.ctx, f.tenant, hr, u.ID, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		head := "所属コード,所属名,区分,上位所属コード,上位所属,表示順,廃止\n"
		plan, err := f.svc.Preview(f.ctx, f.tenant, csvFile(head+"112,研修係,係,110,総務部/人事課,10,\n"))
		if err != nil || !plan.OK() || len(plan.Creates) != 1 {
			t.Fatalf("old parent path with its code: %v %+v", err, plan.Problems)
		}
		if len(plan.Warnings) != 1 {
			t.Fatalf("warnings: %+v", plan.Warnings)
		}
		w := plan.Warnings[0]
		if m := w.Message("ja"); w.Line != 2 || w.Column != "上位所属" || !strings.Contains(m, "総務部/人事企画課") || !strings.Contains(m, "110") {
			t.Errorf("warning: %d %q %q", w.Line, w.Column, m)
		}
		plan, _ = f.svc.Preview(f.ctx, f.tenant, csvFile(head+"112,研修係,係,,総務部/人事課,10,\n"))
		if plan.OK() || plan.Problems[0].Key != "import.unit_unknown" {
			t.Errorf("old path without a code: %+v", plan.Problems)
		}
	})
}

// TestParentCodeLostZeros: a 上位所属コード Excel saved without its leading
// zeros (10000 for 010000) names the stored code, as the staff import's
// 所属コード does (it was a plain 「当たる組織がありません」).
func TestParentCodeLostZeros(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		head := "所属コード,所属名,区分,上位所属コード,上位所属,表示順,廃止\n"
		plan, _ := f.svc.Preview(f.ctx, f.tenant, csvFile(head+"010000,企画部,部,,,10,\n010100,企画課,課,10000,,10,\n"))
		if plan.OK() || len(plan.Problems) != 1 {
			t.Fatalf("problems: %+v", plan.Problems)
		}
		p := plan.Problems[0]
		if m := p.Message("ja"); p.Key != "import.unit_code_zeros" || p.Line != 3 || p.Column != "上位所属コード" ||
			!strings.Contains(m, "010000 が登録されています") || !strings.Contains(m, "「上位所属コード」") {
			t.Errorf("lost zeros: %s %d %q %q", p.Key, p.Line, p.Column, m)
		}
		// A unit's own code without its zeros would add a second unit
		// beside the stored one: allowed (a code may be shorter), and said.
		if plan, err := f.svc.Apply(f.ctx, f.tenant, hr, csvFile(head+"010000,企画部,部,,,10,\n")); err != nil {
			t.Fatalf("apply: %v %+v", err, plan.Problems)
		}
		plan, _ = f.svc.Preview(f.ctx, f.tenant, csvFile(head+"10000,企画部,部,,,10,\n"))
		if !plan.OK() || len(plan.Warnings) != 1 || plan.Warnings[0].Key != "orgio.new_code_zeros" ||
			!strings.Contains(plan.Warnings[0].Message("ja"), "010000 が登録されています") || !strings.Contains(plan.Warnings[0].Message("ja"), "「所属コード」") {
			t.Errorf("a new unit's code without zeros: %+v %+v", plan.Problems, plan.Warnings)
		}
		// A stored unit too.
		plan, _ = f.svc.Preview(f.ctx, f.tenant, csvFile(head+"0120,企画課,課,0100,,10,\n"))
		if plan.OK() || plan.Problems[0].Key != "import.unit_code_unknown" {
			t.Errorf("0100 is not 100 with zeros lost: %+v", plan.Problems)
		}
	})
}

// TestShiftJISExportImportsUnchanged: a unit named with characters
// Shift_JIS lacks (𠮷, an emoji) is exported as 〓; the export imported
// back changes nothing — not the unit's name (it was replaced by 〓), nor a
// child's parent path (no warning that the parent was renamed).
func TestShiftJISExportImportsUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		odd := &org.Unit{Code: "120", Name: "𠮷野😀室", Level: "課", ParentID: f.units["100"].ID, SortOrder: 20}
		storetest.Must(t, storetest.F(db).CreateUnit(f.ctx, f.tenant, hr, odd, calendar.Date{}))
		child := &org.Unit{Code: "121", Name: "𠮷田係", Level: "係", ParentID: odd.ID, SortOrder: 10}
		storetest.Must(t, storetest.F(db).CreateUnit(f.ctx, f.tenant, hr, child, calendar.Date{}))
		file, err := f.svc.Export(f.ctx, f.tenant, hr, tabular.CSVSJIS, true)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := f.svc.Preview(f.ctx, f.tenant, orgio.File{Name: file.Name, Data: file.Data})
		if err != nil || !plan.OK() || !plan.Empty() || len(plan.Warnings) != 0 {
			t.Fatalf("Shift_JIS round trip: %v problems %+v warnings %+v changes %+v", err, plan.Problems, plan.Warnings, plan.Changes)
		}
	})
}
