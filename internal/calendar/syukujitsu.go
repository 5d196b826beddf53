package calendar

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// The Cabinet Office (内閣府) publishes the national holidays from 1955 to
// the end of next year as syukujitsu.csv, in Shift_JIS (CP932), one line
// per day off: 「2024/2/12,休日」. It is updated each February, when the
// next year's equinoxes are fixed in the 官報.

// SyukujitsuHeader is the file's first line.
const SyukujitsuHeader = "国民の祝日・休日月日,国民の祝日・休日名称"

// The dates a file may hold: the Cabinet Office's list starts in 1955;
// 2100 leaves room for any future edition.
const (
	MinImportYear = 1955
	MaxImportYear = 2100
)

// maxNameLen bounds a holiday's name (the longest real one has 9 characters).
const maxNameLen = 40

// maxReported is how many faults of a file are listed before "…ほかN件".
const maxReported = 20

// ImportFault is one fault of an imported file. Line counts from 1; 0 is
// the file as a whole.
type ImportFault struct {
	Line    int
	Message string // Japanese, for the operator
}

func (f ImportFault) String() string {
	if f.Line == 0 {
		return f.Message
	}
	return fmt.Sprintf("%d行目: %s", f.Line, f.Message)
}

// ImportError refuses a whole file: nothing of it may be used.
type ImportError struct {
	Faults []ImportFault // at most 20
	More   int           // faults found beyond those listed
}

func (e *ImportError) Error() string {
	lines := make([]string, 0, len(e.Faults)+1)
	for _, f := range e.Faults {
		lines = append(lines, f.String())
	}
	if e.More > 0 {
		lines = append(lines, fmt.Sprintf("ほか %d 件", e.More))
	}
	return "祝日ファイルを取り込めません(何も変更していません):\n" + strings.Join(lines, "\n")
}

type faults struct{ e ImportError }

func (f *faults) add(line int, format string, args ...any) {
	if len(f.e.Faults) >= maxReported {
		f.e.More++
		return
	}
	f.e.Faults = append(f.e.Faults, ImportFault{line, fmt.Sprintf(format, args...)})
}

func (f *faults) err() error {
	if len(f.e.Faults) == 0 {
		return nil
	}
	e := f.e
	return &e
}

var syukujitsuDate = regexp.MustCompile(`^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$`)

// trimEmptyColumns drops the empty cells after the second: Excel writes
// one for every column of its used range, so a file saved again after
// something was typed in column C ends every line, the header included,
// in "," (「2024/2/12,休日,」). A line of separators and empty quotes only
// (",", Excel's formatted empty row) becomes empty; a row whose name is
// empty keeps its two columns, to be refused for the name.
func trimEmptyColumns(cols []string) []string {
	for len(cols) > 2 && unquote(cols[len(cols)-1]) == "" {
		cols = cols[:len(cols)-1]
	}
	for _, c := range cols {
		if unquote(c) != "" {
			return cols
		}
	}
	return nil
}

// ParseSyukujitsu reads the Cabinet Office's syukujitsu.csv: Shift_JIS
// (CP932) as published, or UTF-8 with or without a BOM; CRLF or LF; blank
// lines (also ",": Excel's empty rows) ignored, and so are empty columns
// after the second (Excel's 「2024/2/12,休日,」), the header's included. Any fault (wrong header, bad or duplicate date, a date
// outside 1955–2100, an empty name, bytes that are not text, a year
// without its 元日) refuses the whole file with an *ImportError listing the
// faults by line. The result is in date order, with kinds classified.
func ParseSyukujitsu(data []byte) ([]Holiday, error) {
	var fs faults
	text, ok := decodeText(data)
	if !ok {
		fs.add(0, "文字コードを読み取れません。内閣府の syukujitsu.csv(Shift_JIS)か UTF-8 のファイルを選んでください。")
		return nil, fs.err()
	}
	lines := strings.Split(text, "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
	}
	for i, l := range lines {
		if strings.ContainsFunc(l, func(r rune) bool {
			return r == utf8.RuneError || (unicode.IsControl(r) && r != '\t')
		}) {
			fs.add(i+1, "文字として読めないバイトが含まれています。ファイルが壊れているか、祝日の CSV ではありません。")
		}
	}
	if err := fs.err(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		fs.add(0, "ファイルが空です。内閣府の syukujitsu.csv を選んでください。")
		return nil, fs.err()
	}
	if head := trimEmptyColumns(strings.Split(lines[0], ",")); len(head) != 2 ||
		unquote(head[0])+","+unquote(head[1]) != SyukujitsuHeader {
		fs.add(1, "1行目の見出しが「%s」ではありません。内閣府の syukujitsu.csv を選んでください。", SyukujitsuHeader)
		return nil, fs.err()
	}
	var out []Holiday
	seen := map[Date]int{}
	for i, raw := range lines[1:] {
		line := i + 2
		cols := trimEmptyColumns(strings.Split(raw, ","))
		if len(cols) == 0 {
			continue
		}
		if len(cols) != 2 {
			fs.add(line, "列の数が %d です。「日付,名称」の2列にしてください。", len(cols))
			continue
		}
		ds, name := unquote(cols[0]), unquote(cols[1])
		m := syukujitsuDate.FindStringSubmatch(ds)
		if m == nil {
			fs.add(line, "日付「%s」を読み取れません。2024/2/12 の形で書いてください。", ds)
			continue
		}
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		dd, _ := strconv.Atoi(m[3])
		d := Date{y, time.Month(mo), dd}
		switch {
		case !d.Valid():
			fs.add(line, "日付「%s」は存在しない日です。", ds)
			continue
		case y < MinImportYear || y > MaxImportYear:
			fs.add(line, "日付「%s」は取り込める範囲(%d年～%d年)の外です。", ds, MinImportYear, MaxImportYear)
			continue
		}
		if first, dup := seen[d]; dup {
			fs.add(line, "日付「%s」は %d行目と重複しています。", ds, first)
			continue
		}
		seen[d] = line
		switch {
		case name == "":
			fs.add(line, "日付「%s」の名称が空です。", ds)
			continue
		case utf8.RuneCountInString(name) > maxNameLen:
			fs.add(line, "名称が長すぎます(%d文字以内)。", maxNameLen)
			continue
		}
		out = append(out, Holiday{Date: d, Name: name})
	}
	if len(out) == 0 && fs.err() == nil {
		fs.add(0, "祝日の行がありません。")
	}
	// Each year in the file replaces that whole year of national
	// holidays, so a year must be complete; 元日 is the check that it is
	// not a fragment.
	years := map[int]bool{}
	for _, h := range out {
		years[h.Date.Year] = true
	}
	for _, y := range sortedYears(years) {
		if _, ok := seen[Date{y, time.January, 1}]; !ok {
			fs.add(0, "%d年の元日(%d/1/1)がありません。年の一部だけのファイルは取り込めません(その年の祝日がすべて置き換わるため)。", y, y)
		}
	}
	if err := fs.err(); err != nil {
		return nil, err
	}
	sortHolidays(out)
	ClassifyImported(out)
	return out, nil
}

func unquote(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimFunc(s[1:len(s)-1], unicode.IsSpace)
	}
	return s
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeText turns the file into a string: UTF-8 when it has a BOM or is
// valid UTF-8 (Shift_JIS Japanese text practically never is), else CP932.
// ok is false when a BOM is followed by something that is not UTF-8.
func decodeText(b []byte) (string, bool) {
	if rest, bom := bytes.CutPrefix(b, utf8BOM); bom {
		return string(rest), utf8.Valid(rest)
	}
	if utf8.Valid(b) {
		return string(b), true
	}
	// The decoder never fails: bytes that are not CP932 become U+FFFD,
	// which the caller reports by line.
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
	if err != nil {
		return "", false
	}
	return string(out), true
}

func sortedYears(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for y := range m {
		out = append(out, y)
	}
	slices.Sort(out)
	return out
}

// ImportedYears lists the years that imported holidays cover, in order.
func ImportedYears(hs []Holiday) []int {
	m := map[int]bool{}
	for _, h := range hs {
		m[h.Date.Year] = true
	}
	return sortedYears(m)
}

// Difference is a day where imported data and the computation disagree;
// an empty name means "not a holiday" on that side.
type Difference struct {
	Date               Date
	Imported, Computed string
}

// CompareComputed lists, for the years of imported data that the
// computation covers (1980–2099), the days where the two differ: a law
// change the code does not know yet, or an error in the file.
func CompareComputed(imported []Holiday) []Difference {
	byYear := map[int]map[Date]string{}
	for _, h := range imported {
		if h.Date.Year < MinComputedYear || h.Date.Year > MaxComputedYear {
			continue
		}
		if byYear[h.Date.Year] == nil {
			byYear[h.Date.Year] = map[Date]string{}
		}
		byYear[h.Date.Year][h.Date] = h.Name
	}
	var out []Difference
	for _, y := range ImportedYears(imported) {
		imp := byYear[y]
		if imp == nil {
			continue
		}
		comp := map[Date]string{}
		for _, h := range computed()[y-MinComputedYear] {
			comp[h.Date] = h.Name
		}
		for d, n := range imp {
			if comp[d] != n {
				out = append(out, Difference{d, n, comp[d]})
			}
		}
		for d, n := range comp {
			if _, ok := imp[d]; !ok {
				out = append(out, Difference{d, "", n})
			}
		}
	}
	slices.SortFunc(out, func(a, b Difference) int { return a.Date.Compare(b.Date) })
	return out
}
