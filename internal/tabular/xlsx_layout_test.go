package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestXLSXWidthsAndFilter(t *testing.T) {
	rows := [][]string{{"職員番号", "氏名", "所属"}, {"0001", "髙橋 一郎", "総務部/人事課/人事係"}, {"0002", "a", "b"}}
	var buf bytes.Buffer
	if _, err := Write(&buf, XLSX, "職員", rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	wa, _ := f.GetColWidth("職員", "A")
	wc, _ := f.GetColWidth("職員", "C")
	if wa < 8 || wc < 20 || wc <= wa {
		t.Errorf("widths A %.1f C %.1f: 所属 should be wider than 職員番号 and fit its path", wa, wc)
	}
	if !bytes.Contains(unzipped(t, buf.Bytes(), "xl/tables/table1.xml"), []byte(`<autoFilter ref="A1:C3"`)) {
		t.Error("no autofilter on the header row")
	}
	got, err := Read(buf.Bytes())
	if err != nil || len(got.Rows) != 3 || got.Rows[1].Cells[2] != "総務部/人事課/人事係" {
		t.Errorf("read back: %+v %v", got, err)
	}
}

func unzipped(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return b
		}
	}
	t.Fatalf("no %s", name)
	return nil
}

// TestMergedCellsDownAColumn: a value merged over several rows of one
// column belongs to each row; a merge across columns (a title, a heading)
// is not repeated.
func TestMergedCellsDownAColumn(t *testing.T) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	for cell, v := range map[string]string{"A1": "見える化シート", "A2": "業務名", "B2": "処理の内容", "C2": "使用システム",
		"A3": "支出事務", "B3": "支出命令の審査", "C3": "財務会計システム", "B4": "支払データ確認", "B5": "伝票の保管"} {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A1", "C1"}, {"C3", "C4"}, {"A3", "A5"}} {
		if err := f.MergeCell(sh, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tbl, err := ReadXLSX(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][]string{}
	for _, r := range tbl.Rows {
		got[r.Line] = r.Cells
	}
	if c := got[1]; len(c) != 1 {
		t.Errorf("the title merged across columns was repeated: %q", c)
	}
	if got[4][2] != "財務会計システム" || got[4][0] != "支出事務" || got[5][0] != "支出事務" || len(got[5]) > 2 && got[5][2] != "" {
		t.Errorf("merged down a column: %q %q", got[4], got[5])
	}
}

// TestPreferredSheetOfTheCaller: the task import reads the 見える化シート tab
// even behind a 職員 tab; the staff import the 職員 tab.
func TestPreferredSheetOfTheCaller(t *testing.T) {
	f := excelize.NewFile()
	first := f.GetSheetName(0)
	if err := f.SetSheetName(first, "職員"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet(TaskSheet); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("職員", "A1", "職員番号")
	_ = f.SetCellValue(TaskSheet, "A1", "業務名")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	lim := DefaultLimits()
	lim.Sheet = TaskSheet
	for _, c := range []struct {
		lim  Limits
		want string
	}{{DefaultLimits(), "職員番号"}, {lim, "業務名"}} {
		tbl, err := ReadContext(context.Background(), buf.Bytes(), c.lim)
		if err != nil || len(tbl.Rows) == 0 || tbl.Rows[0].Cell(0) != c.want {
			t.Errorf("sheet %q: %v %+v", c.lim.Sheet, err, tbl)
		}
	}
}

// TestXLSXNumbersAreNumbers: a number written by WriteValues is a numeric
// cell with a number format (not the text format 「@」 the text columns
// carry), and a column of numbers is not formatted as text, so that a SUM
// 人事 types under it computes; a text column stays text.
func TestXLSXNumbersAreNumbers(t *testing.T) {
	rows := [][]any{{"職員番号", "件数", "備考"}, {"0001", 3, "a"}, {"0002", 4.5, ""}, {"0003", "", "b"}}
	var buf bytes.Buffer
	if _, err := WriteValues(&buf, XLSX, "集計", rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	format := func(id int) int {
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.NumFmt
	}
	for _, cell := range []string{"B2", "B3"} {
		id, err := f.GetCellStyle("集計", cell)
		if err != nil {
			t.Fatal(err)
		}
		if format(id) == 49 {
			t.Errorf("%s: a number formatted as text", cell)
		}
		if typ, _ := f.GetCellType("集計", cell); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("%s: a number stored as a string", cell)
		}
	}
	for col, text := range map[string]bool{"A": true, "B": false, "C": true} {
		id, err := f.GetColStyle("集計", col)
		if err != nil {
			t.Fatal(err)
		}
		if got := format(id) == 49; got != text {
			t.Errorf("column %s: text format %v, want %v", col, got, text)
		}
	}
}

// TestWriteNumbersColumns: only the named columns' plain numbers become
// numbers in xlsx (an id with a leading zero, a held-back 「―」 and other
// columns stay text); CSV is written exactly as given.
func TestWriteNumbersColumns(t *testing.T) {
	rows := [][]string{{"番号", "人数", "時間"}, {"007", "12", "7.5"}, {"12", "―", "-3"}}
	var buf bytes.Buffer
	if _, err := WriteNumbers(&buf, XLSX, "s", rows, 1, 2); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for cell, number := range map[string]bool{"A2": false, "A3": false, "B2": true, "B3": false, "C2": true, "C3": true} {
		typ, _ := f.GetCellType("s", cell)
		if got := typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString; got != number {
			t.Errorf("%s: number %v, want %v", cell, got, number)
		}
	}
	buf.Reset()
	if _, err := WriteNumbers(&buf, CSV, "s", rows, 1, 2); err != nil {
		t.Fatal(err)
	}
	if want := "\ufeff番号,人数,時間\r\n007,12,7.5\r\n12,―,'-3\r\n"; buf.String() != want {
		t.Errorf("csv %q, want %q", buf.String(), want)
	}
}
