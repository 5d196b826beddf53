package rosterplan

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Each section is its own sheet, printed A4 landscape fitted to one page
// wide, with the title and day rows repeated; staff numbers stay text.
func TestRosterXLSXPageSetup(t *testing.T) {
	rows := [][]string{{"ローテーション表", "福祉課", "2026-06-01 – 2026-06-05"}, {"職員番号", "氏名", "6/1(月)"},
		{"0001", "山田 太郎", "出勤"}, {"出勤者数", "", "1"}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, []SheetOf{{"福祉課", rows}, {"税務課", rows}, {"福祉課", rows}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	names := f.GetSheetList()
	if len(names) != 3 || names[0] != "福祉課" || names[1] != "税務課" || names[2] == names[0] {
		t.Fatalf("sheets %v", names)
	}
	for _, n := range names {
		pl, err := f.GetPageLayout(n)
		if err != nil || pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 ||
			pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Fatalf("%s page layout %+v %v", n, pl, err)
		}
		props, err := f.GetSheetProps(n)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Fatalf("%s: not fitted to the page: %v", n, err)
		}
	}
	if v, _ := f.GetCellValue("福祉課", "A3"); v != "0001" {
		t.Fatalf("staff no. %q", v)
	}
}
