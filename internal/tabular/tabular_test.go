package tabular

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"telework/internal/apperr"
)

func mustRead(t *testing.T, data []byte) *Table {
	t.Helper()
	tb, err := Read(data)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return tb
}

func errKey(err error) string {
	if e := apperr.As(err); e != nil {
		return e.Key
	}
	return ""
}

func TestReadCP932(t *testing.T) {
	data, err := os.ReadFile("testdata/staff_cp932.csv")
	if err != nil {
		t.Fatal(err)
	}
	tb := mustRead(t, data)
	if tb.Encoding != "CP932" {
		t.Errorf("encoding %q, want CP932", tb.Encoding)
	}
	want := []Row{
		{Line: 1, Cells: []string{"職員番号", "氏名", "フリガナ", "所属", "役職", "在職区分", "発令日"}},
		{Line: 2, Cells: []string{"０１２３", "髙橋 一郎", "タカハシ イチロウ", "総務部 人事課 人事係", "主任～係長", "在職", "令和7年4月1日"}},
		{Line: 3, Cells: []string{"0124", "山﨑 花子", "ヤマサキ ハナコ", "100", "課長,総務担当", "在職", "R7.4.1"}},
		// A line break inside quotes is one Excel row; the empty row 5
		// is skipped but still counted.
		{Line: 4, Cells: []string{"0125", "①㈱ 試験", "シケン", "総務部/人事課", "複数\r\n行", "", "2025/4/1"}},
		{Line: 6, Cells: []string{"0126", "渡邉 三郎", "ワタナベ サブロウ", "200", "主事", "退職"}},
	}
	if !reflect.DeepEqual(tb.Rows, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", tb.Rows, want)
	}
}

func TestReadCP932Extensions(t *testing.T) {
	// IBM extensions (FBFC 髙, FAB1 﨑), NEC row 13 (8740 ①, 878A ㈱), and
	// 8160, which Windows reads as ～ (U+FF5E).
	data := []byte("a,b\r\n\xfb\xfc\xfa\xb1,\x87\x40\x87\x8a\x81\x60\r\n")
	tb := mustRead(t, data)
	if got := tb.Rows[1].Cells; got[0] != "髙﨑" || got[1] != "①㈱～" {
		t.Errorf("cells %q", got)
	}
}

func TestReadUTF8(t *testing.T) {
	data, err := os.ReadFile("testdata/staff_utf8_bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	tb := mustRead(t, data)
	if tb.Encoding != "UTF-8 (BOM)" || tb.Rows[0].Cells[0] != "職員番号" {
		t.Fatalf("BOM not stripped: %q %q", tb.Encoding, tb.Rows[0].Cells[0])
	}
	// 〜 (WAVE DASH) is folded to ～, the form CP932 files carry.
	if got := tb.Rows[1].Cells[4]; got != "主任～係長" {
		t.Errorf("wave dash not folded: %q", got)
	}
	tb = mustRead(t, []byte("職員番号,氏名\n0001,山田\n"))
	if tb.Encoding != "UTF-8" {
		t.Errorf("encoding %q", tb.Encoding)
	}
}

func TestReadRefuses(t *testing.T) {
	bad, err := os.ReadFile("testdata/not_cp932.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		key  string
		line int
	}{
		{"neither UTF-8 nor CP932", bad, "tabular.encoding", 2},
		{"bad UTF-8 after a BOM", append([]byte("\xef\xbb\xbfa\nb\n"), 0xff), "tabular.encoding", 3},
		// A user-defined 外字 (0xF040) on the row after a quoted cell of
		// three lines is on Excel's row 3, the 5th line of the file.
		{"外字 after a multi-line cell", []byte("no,address\r\n0001,\"Matsumoto\r\nMarunouchi\r\n3-7\"\r\n0002,\xf0\x40\r\n"), "tabular.encoding", 3},
		{"外字 inside a multi-line cell", []byte("a,b\r\n1,\"x\r\ny\xf0\x40\"\r\n"), "tabular.encoding", 2},
		{"外字 after a quoted quote and a break", []byte("a,b\n\"q\"\"\n\"\"\n\",\"\n\"\n\xf0\x40\n"), "tabular.encoding", 3},
		{"外字 after CR line ends", []byte("a\rb\r\"c\rd\"\r\xf0\x40\r"), "tabular.encoding", 4},
		{"bad UTF-8 after a BOM and a multi-line cell", append([]byte("\xef\xbb\xbfa,\"b\nc\"\nd,"), 0xff), "tabular.encoding", 2},
		{"a quote inside an unquoted cell is plain", []byte("a,b\"\n\xf0\x40\n"), "tabular.encoding", 2},
		{"UTF-16", []byte("\xff\xfea\x00"), "tabular.utf16", 0},
		{"binary", []byte("abc\x00def"), "tabular.binary", 0},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "tabular.xls", 0},
		{"empty", nil, "tabular.empty", 0},
		{"open quote", []byte("a,b\n\"c,d\ne,f\n"), "tabular.csv_quote", 2},
		{"broken xlsx", []byte("PK\x03\x04garbage"), "tabular.xlsx_broken", 0},
	}
	for _, tt := range tests {
		_, err := Read(tt.data)
		if errKey(err) != tt.key {
			t.Errorf("%s: error %v, want %s", tt.name, err, tt.key)
			continue
		}
		if tt.line > 0 {
			if l, _ := apperr.As(err).Args["Line"].(int); l != tt.line {
				t.Errorf("%s: line %d, want %d", tt.name, l, tt.line)
			}
		}
	}
}

func TestReadCSVShapes(t *testing.T) {
	tb := mustRead(t, []byte("a,b,,\r\n,,\r\n  ,\r\nc,\"d\"\"e\"x,\r\n\rf\n'=1+2,'-3,'abc\n"))
	want := []Row{
		{Line: 1, Cells: []string{"a", "b"}},
		{Line: 4, Cells: []string{"c", `d"ex`}},
		// A lone CR ends a record too (old Macs).
		{Line: 6, Cells: []string{"f"}},
		// The apostrophe an export puts before a formula-like value is taken off.
		{Line: 7, Cells: []string{"=1+2", "-3", "'abc"}},
	}
	if !reflect.DeepEqual(tb.Rows, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", tb.Rows, want)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	rows := [][]string{
		{"職員番号", "氏名", "役職", "メモ"},
		{"0123", "髙橋 一郎", "主任～係長", "=SUM(A1)"},
		{"0124", "①㈱", "a,b \"c\"", "複数\n行"},
		{"0125", " 先頭に空白", "", "-"},
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		if _, err := Write(&buf, f, "職員", rows); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		tb := mustRead(t, buf.Bytes())
		var got [][]string
		for _, r := range tb.Rows {
			got = append(got, r.Cells)
		}
		want := [][]string{rows[0], rows[1], rows[2], {"0125", " 先頭に空白", "", "-"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s round trip:\n got %q\nwant %q", f, got, want)
		}
		switch f {
		case CSV:
			if !bytes.HasPrefix(buf.Bytes(), utf8BOM) || tb.Encoding != "UTF-8 (BOM)" {
				t.Errorf("UTF-8 CSV without BOM")
			}
			if !strings.Contains(buf.String(), "'=SUM(A1)") {
				t.Errorf("formula not escaped: %q", buf.String())
			}
		case CSVSJIS:
			if tb.Encoding != "CP932" {
				t.Errorf("Shift_JIS export read as %s", tb.Encoding)
			}
		case XLSX:
			if tb.Sheet != "職員" {
				t.Errorf("sheet %q", tb.Sheet)
			}
		}
	}
}

// A character CP932 lacks is written as 〓 and its row reported; the
// export of everyone else goes on (issue 10: it used to fail whole).
func TestWriteCP932Unencodable(t *testing.T) {
	var out bytes.Buffer
	subs, err := Write(&out, CSVSJIS, "", [][]string{{"職員番号", "氏名"}, {"1", "山田"}, {"2", "𠮷田😀"}, {"3", "佐藤"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Substitution{{Line: 3, Column: "氏名", Chars: "𠮷😀"}}
	if !reflect.DeepEqual(subs, want) {
		t.Fatalf("substitutions %+v, want %+v", subs, want)
	}
	back, err := ReadCSV(out.Bytes())
	if err != nil || len(back.Rows) != 4 || back.Rows[2].Cell(1) != "〓田〓" || back.Rows[3].Cell(1) != "佐藤" {
		t.Fatalf("written: %+v %v", back, err)
	}
	// The wave dash from a Mac is written as CP932's ～.
	var buf bytes.Buffer
	if _, err := Write(&buf, CSVSJIS, "", [][]string{{"〜"}}); err != nil || !bytes.Equal(buf.Bytes(), []byte("\x81\x60\r\n")) {
		t.Errorf("wave dash: % x %v", buf.Bytes(), err)
	}
}

// workbook builds an xlsx the way people make them: a title sheet first,
// then 職員 with dates and zero-padded numbers as formatted cells.
func workbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "A1", "説明のシート")
	if _, err := f.NewSheet("職員"); err != nil {
		t.Fatal(err)
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue("職員", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "職員番号")
	set("B1", "氏名")
	set("C1", "発令日")
	set("D1", "和暦")
	set("A2", 123)
	set("B2", "髙橋 一郎")
	set("C2", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	set("D2", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	// Row 3 empty; row 4 has a date as text; trailing empty rows and
	// columns are ignored.
	set("A4", "0456")
	set("B4", "山﨑 花子")
	set("C4", "R8.4.1")
	set("F10", "")
	pad, _ := f.NewStyle(&excelize.Style{CustomNumFmt: strPtr("000000")})
	f.SetCellStyle("職員", "A2", "A2", pad)
	ymd, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle("職員", "C2", "C2", ymd)
	jp, _ := f.NewStyle(&excelize.Style{CustomNumFmt: strPtr(`[$-ja-JP]ggge"年"m"月"d"日"`)})
	f.SetCellStyle("職員", "D2", "D2", jp)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func strPtr(s string) *string { return &s }

func TestReadXLSX(t *testing.T) {
	tb := mustRead(t, workbook(t))
	if tb.Sheet != "職員" || tb.Encoding != "xlsx" {
		t.Fatalf("sheet %q encoding %q", tb.Sheet, tb.Encoding)
	}
	if len(tb.Rows) != 3 || tb.Rows[1].Line != 2 || tb.Rows[2].Line != 4 {
		t.Fatalf("rows %+v", tb.Rows)
	}
	r := tb.Rows[1]
	if r.Cells[0] != "000123" {
		t.Errorf("zero-padded number shown as %q", r.Cells[0])
	}
	// Whatever the display, the stored serial gives the exact date.
	for _, i := range []int{2, 3} {
		y, m, d, ok := SerialDate(r.RawCell(i), tb.Date1904)
		if !ok {
			t.Fatalf("cell %d: no serial (shown %q, raw %q)", i, r.Cells[i], r.RawCell(i))
		}
		want := [3]int{2025, 4, 1}
		if i == 3 {
			want = [3]int{2026, 4, 1}
		}
		if [3]int{y, int(m), d} != want {
			t.Errorf("cell %d: %d-%d-%d, want %v", i, y, m, d, want)
		}
	}
	if tb.Rows[2].Raw != nil || tb.Rows[2].Cells[2] != "R8.4.1" {
		t.Errorf("text row: %+v", tb.Rows[2])
	}
	// Without a sheet named 職員, the first one is read.
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "B2", "x")
	var buf bytes.Buffer
	f.WriteTo(&buf)
	tb = mustRead(t, buf.Bytes())
	if tb.Sheet != "Sheet1" || len(tb.Rows) != 1 || tb.Rows[0].Line != 2 || !reflect.DeepEqual(tb.Rows[0].Cells, []string{"", "x"}) {
		t.Errorf("first sheet: %+v", tb)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": CSV, "csv": CSV, "CSV-SJIS": CSVSJIS, "xlsx": XLSX} {
		if got, ok := ParseFormat(in); !ok || got != want {
			t.Errorf("ParseFormat(%q) = %q %v", in, got, ok)
		}
	}
	if _, ok := ParseFormat("pdf"); ok {
		t.Error("pdf accepted")
	}
}
