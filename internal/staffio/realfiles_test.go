package staffio_test

import (
	"strings"
	"testing"

	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
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
