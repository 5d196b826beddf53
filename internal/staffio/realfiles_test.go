package staffio_test

import (
	"context"
	"strings"
	"testing"

	"telework/internal/calendar"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

// TestEffectiveDateWithWeekday: a 発令日 cell formatted yyyy年m月d日(aaa) in
// Excel is saved as 「2026年4月1日(水)」; it is the date when the weekday is
// the date's, and a problem naming the row and the column when it is not.
func TestEffectiveDateWithWeekday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		file := "職員番号,氏名,ふりがな,所属コード,発令日\n" +
			"5001,山田 一,やまだ いち,111,2026年4月1日(水)\n" +
			"5002,山田 二,やまだ に,111,令和8年4月1日（水）\n" +
			"5003,山田 三,やまだ さん,111,令和８年４月１日(水曜日)\n"
		p := f.preview(t, []byte(file), staffio.Options{})
		if !p.OK() || len(p.Creates) != 3 {
			t.Fatalf("weekdays refused:\n%s", problems(p))
		}
		for _, it := range p.Creates {
			if it.Effective.String() != "2026-04-01" {
				t.Errorf("row %d: 発令日 %v", it.Line, it.Effective)
			}
		}
		p = f.preview(t, []byte(file+"5004,山田 四,やまだ よん,111,2026年4月1日(木)\n"), staffio.Options{})
		if len(p.Problems) != 1 {
			t.Fatalf("a wrong weekday: %s", problems(p))
		}
		pr := p.Problems[0]
		if m := pr.Message("ja"); pr.Line != 5 || pr.Column != "発令日" || !strings.Contains(m, "曜日") || !strings.Contains(m, "水曜日") {
			t.Errorf("wrong weekday: line %d %q %q", pr.Line, pr.Column, m)
		}
	})
}

// TestExportBeforeUnitRenamed: staff exported, then 人事係 renamed (the
// units import or the page), then the old export imported back: its
// 所属コード still names the unit, so the rows are unchanged, each with a
// warning giving the unit's current name — every row of the unit failed
// with 「当たる組織が見つかりません」.
func TestExportBeforeUnitRenamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if _, err := f.apply(t, []byte("職員番号,氏名,ふりがな,所属コード\n6001,山田 一,やまだ いち,111\n6002,山田 二,やまだ に,112\n"), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		old, _, err := staffio.Export(ctx, db, f.tenant, hr, tabular.CSV, staffio.ExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		u := *f.units["111"]
		u.Name = "人事企画係"
		if _, err := storetest.F(db).UpdateUnit(ctx, f.tenant, hr, u.ID, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		p := f.preview(t, old, staffio.Options{})
		if !p.OK() || p.Unchanged != 2 || len(p.Changes) != 0 {
			t.Fatalf("old export after the rename: %+v\n%s", p.Summary(""), problems(p))
		}
		if len(p.Warnings) != 1 {
			t.Fatalf("warnings: %+v", p.Warnings)
		}
		w := p.Warnings[0]
		if m := w.Message("ja"); w.Line != 2 || w.Column != "所属" || !strings.Contains(m, "総務部/人事課/人事係") ||
			!strings.Contains(m, "総務部/人事課/人事企画係") || !strings.Contains(m, "111") {
			t.Errorf("warning: line %d %q %q", w.Line, w.Column, w.Message("ja"))
		}
		if en := w.Message("en"); strings.HasPrefix(en, "import.") {
			t.Errorf("no English: %q", en)
		}
		// A name that names another unit still decides nothing silently:
		// the code is not the person's unit, so the two disagree.
		p = f.preview(t, []byte("職員番号,氏名,ふりがな,所属コード,所属\n6002,山田 二,やまだ に,111,市民部/市民課/庶務係\n"), staffio.Options{})
		if got := problems(p); !strings.Contains(got, "別の組織") {
			t.Errorf("code and another unit's name: %s", got)
		}
		// Without a code, an unknown name is still refused.
		p = f.preview(t, []byte("職員番号,氏名,ふりがな,所属\n6003,山田 三,やまだ さん,総務部/人事課/人事係\n"), staffio.Options{})
		if got := problems(p); !strings.Contains(got, "見つかりません") {
			t.Errorf("unknown name without a code: %s", got)
		}
	})
}
