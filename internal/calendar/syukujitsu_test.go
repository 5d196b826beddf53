package calendar

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func sample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/syukujitsu_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseSyukujitsuSample reads the checked-in file in the real format
// (CP932, CRLF) and gets back the golden 2024–2026, kinds included.
func TestParseSyukujitsuSample(t *testing.T) {
	raw := sample(t)
	if !bytes.Contains(raw, []byte("\r\n")) || bytes.HasPrefix(raw, utf8BOM) {
		t.Fatal("the sample must be CP932 with CRLF, like the published file")
	}
	if _, err := japanese.ShiftJIS.NewDecoder().Bytes(raw); err != nil {
		t.Fatal(err)
	}
	got, err := ParseSyukujitsu(raw)
	if err != nil {
		t.Fatal(err)
	}
	golden := readGolden(t)
	var want []Holiday
	for _, y := range []int{2024, 2025, 2026} {
		want = append(want, golden[y]...)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d days, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if ys := ImportedYears(got); len(ys) != 3 || ys[0] != 2024 || ys[2] != 2026 {
		t.Errorf("ImportedYears = %v", ys)
	}
	if diff := CompareComputed(got); len(diff) != 0 {
		t.Errorf("sample differs from the computation: %v", diff)
	}
}

// TestParseSyukujitsuEncodings: UTF-8 with and without BOM, LF or CRLF,
// trailing blank lines, Excel's empty rows (",") and blank lines between
// rows are all the same file.
func TestParseSyukujitsuEncodings(t *testing.T) {
	want, err := ParseSyukujitsu(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	utf8Text, _ := japanese.ShiftJIS.NewDecoder().Bytes(sample(t))
	lf := bytes.ReplaceAll(utf8Text, []byte("\r\n"), []byte("\n"))
	variants := map[string][]byte{
		"utf8 crlf":         utf8Text,
		"utf8 lf":           lf,
		"utf8 bom":          append(append([]byte{}, utf8BOM...), utf8Text...),
		"trailing blanks":   append(append([]byte{}, utf8Text...), "\r\n\r\n  \r\n"...),
		"no final newline":  bytes.TrimRight(lf, "\n"),
		"blank between":     bytes.Replace(lf, []byte("2025/1/1,"), []byte("\n2025/1/1,"), 1),
		"excel empty rows":  append(append([]byte{}, utf8Text...), ",\r\n\"\",\"\"\r\n , \r\n"...),
		"quoted and padded": bytes.Replace(lf, []byte("2025/1/13,成人の日"), []byte(`"2025/1/13", "成人の日" `), 1),
		// Excel's used range reached column C: every line, the header
		// too, ends in an empty cell (or two, or quoted ones).
		"excel empty third column": bytes.ReplaceAll(utf8Text, []byte("\r\n"), []byte(",\r\n")),
		"excel empty columns c d":  bytes.ReplaceAll(lf, []byte("\n"), []byte(`,"",`+"\n")),
	}
	for name, b := range variants {
		got, err := ParseSyukujitsu(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d rows, want %d", name, len(got), len(want))
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: row %d %v, want %v", name, i, got[i], want[i])
			}
		}
	}
}

func TestParseSyukujitsuRefuses(t *testing.T) {
	const h = SyukujitsuHeader + "\r\n"
	const y25 = "2025/1/1,元日\r\n"
	sjis := func(s string) []byte {
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
		line int
		msg  string
	}{
		{"empty file", nil, 0, "ファイルが空"},
		{"blank file", []byte("\r\n \r\n"), 0, "ファイルが空"},
		{"header with a third name", []byte(SyukujitsuHeader + ",曜日\r\n" + y25), 1, "見出し"},
		{"header quoted wrong", []byte(`"国民の祝日・休日月日",,` + "\r\n" + y25), 1, "見出し"},
		{"header only", []byte(h), 0, "祝日の行がありません"},
		{"wrong header", []byte("日付,名称\r\n" + y25), 1, "見出し"},
		{"old header", sjis("国民の祝日月日,国民の祝日名称\r\n" + y25), 1, "見出し"},
		{"bad date", []byte(h + y25 + "2025/13/1,元日\r\n"), 3, "存在しない日"},
		{"feb 30", []byte(h + y25 + "2025/2/30,休日\r\n"), 3, "存在しない日"},
		{"not a date", []byte(h + y25 + "令和7年1月13日,成人の日\r\n"), 3, "読み取れません"},
		{"duplicate", []byte(h + y25 + "2025/1/13,成人の日\r\n2025/01/13,成人の日\r\n"), 4, "3行目と重複"},
		{"before 1955", []byte(h + "1954/1/1,元日\r\n"), 2, "範囲"},
		{"after 2100", []byte(h + "2101/1/1,元日\r\n"), 2, "範囲"},
		{"empty name", []byte(h + y25 + "2025/1/13,\r\n"), 3, "名称が空"},
		{"blank name", []byte(h + y25 + "2025/1/13,　 \r\n"), 3, "名称が空"},
		{"three columns", []byte(h + y25 + "2025/1/13,成人の日,月\r\n"), 3, "列の数"},
		{"third column after an empty one", []byte(h + y25 + "2025/1/13,成人の日,,月\r\n"), 3, "列の数"},
		{"empty name before empty columns", []byte(h + y25 + "2025/1/13,,\r\n"), 3, "名称が空"},
		{"one column", []byte(h + y25 + "2025/1/13\r\n"), 3, "列の数"},
		{"garbage bytes", append(sjis(h+y25), 0x82, 0xFF, 0x00, '\r', '\n'), 3, "読めないバイト"},
		{"control char", []byte(h + y25 + "2025/1/13,成人\x01の日\r\n"), 3, "読めないバイト"},
		{"binary", []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00}, 2, "読めないバイト"},
		{"bom then not utf8", append(append([]byte{}, utf8BOM...), sjis(h+y25)...), 0, "文字コード"},
		{"year fragment", []byte(h + y25 + "2026/1/12,成人の日\r\n"), 0, "2026年の元日"},
	}
	for _, tt := range tests {
		hs, err := ParseSyukujitsu(tt.data)
		var ie *ImportError
		if !errors.As(err, &ie) {
			t.Errorf("%s: accepted (%d rows), err %v", tt.name, len(hs), err)
			continue
		}
		if hs != nil {
			t.Errorf("%s: returned rows with the error", tt.name)
		}
		f := ie.Faults[0]
		if f.Line != tt.line || !strings.Contains(f.Message, tt.msg) {
			t.Errorf("%s: fault %q, want line %d with %q", tt.name, f, tt.line, tt.msg)
		}
		if !strings.Contains(err.Error(), "何も変更していません") {
			t.Errorf("%s: message %q", tt.name, err)
		}
	}
}

// TestParseSyukujitsuManyFaults lists the first 20 faults and counts the rest.
func TestParseSyukujitsuManyFaults(t *testing.T) {
	var b strings.Builder
	b.WriteString(SyukujitsuHeader + "\n2025/1/1,元日\n")
	for i := 0; i < 30; i++ {
		b.WriteString("2025/2/30,休日\n")
	}
	_, err := ParseSyukujitsu([]byte(b.String()))
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Faults) != 20 || ie.More != 10 || !strings.Contains(err.Error(), "ほか 10 件") {
		t.Fatalf("got %v", err)
	}
	if ie.Faults[0].String() != "3行目: 日付「2025/2/30」は存在しない日です。" {
		t.Errorf("first fault %q", ie.Faults[0])
	}
}
