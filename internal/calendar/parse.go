package calendar

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// DateError says why a text is not a date, in Japanese for the person who
// typed or imported it. Reason is stable for programs: "format" (not a
// date form this package reads), "invalid" (no such day, e.g. 2月30日),
// "era" (outside the era named, e.g. 令和1年4月30日 or 平成32年), "lunar"
// (明治5年以前: the lunisolar calendar, no fixed Gregorian day) or "serial"
// (an Excel serial that is not a day).
type DateError struct {
	Input  string
	Reason string
	Msg    string
}

func (e *DateError) Error() string { return e.Msg }

func dateErr(input, reason, format string, args ...any) *DateError {
	return &DateError{Input: input, Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// gregorianFrom is the first day of the Gregorian calendar in Japan
// (明治6年1月1日); earlier 明治 dates are of the lunisolar calendar.
var gregorianFrom = Date{1873, time.January, 1}

var eraShort = map[string]string{"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

// wareki matches 令和7年4月1日, 令和元年5月1日, R7.4.1, R07/04/01, H31-4-30 and
// 令和7.4.1 after normalisation (NFKC: 全角 digits and letters, ㋿ → 令和).
var wareki = regexp.MustCompile(`^(明治|大正|昭和|平成|令和|[MTSHR])(元|\d{1,2})(?:年(\d{1,2})月(\d{1,2})日|[./-](\d{1,2})[./-](\d{1,2}))$`)

// normalise folds 全角 to 半角 (the 全角 space too) and the era ligatures
// to their names (㋿ → 令和), and trims.
func normalise(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// compact drops the spaces people put anywhere in a written date
// (令和 7年 4月 1日).
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// ParseWareki reads a date in the Japanese era: 令和7年4月1日, 令和元年5月1日,
// 令和１年… in 全角, R7.4.1, R07.04.01, H31.4.30, S64.1.7 (also with / or -).
// A date outside its era is refused: 令和1年4月30日 (still 平成),
// 平成31年5月1日 and 平成32年 (already 令和), 昭和64年1月8日.
func ParseWareki(s string) (Date, error) {
	in := s
	m := wareki.FindStringSubmatch(strings.ToUpper(compact(normalise(s))))
	if m == nil {
		return Date{}, dateErr(in, "format", "「%s」は和暦の日付(例: 令和7年4月1日、R7.4.1)として読み取れません。", in)
	}
	name := m[1]
	if n, ok := eraShort[name]; ok {
		name = n
	}
	idx := -1
	for i, e := range Eras {
		if e.Name == name {
			idx = i
		}
	}
	ey := 1
	if m[2] != "元" {
		ey, _ = strconv.Atoi(m[2])
	}
	mo, dd := m[3], m[4]
	if mo == "" {
		mo, dd = m[5], m[6]
	}
	month, _ := strconv.Atoi(mo)
	day, _ := strconv.Atoi(dd)
	era := Eras[idx]
	if ey < 1 {
		return Date{}, dateErr(in, "era", "「%s」: %sは元年(1年)から数えます。", in, era.Name)
	}
	d := Date{era.Start.Year + ey - 1, time.Month(month), day}
	if !d.Valid() {
		return Date{}, dateErr(in, "invalid", "「%s」は存在しない日付です。", in)
	}
	if d.Before(era.Start) {
		return Date{}, dateErr(in, "era", "「%s」は%sの始まり(%s)より前です。", in, era.Name, Seireki(era.Start))
	}
	if idx > 0 && !d.Before(Eras[idx-1].Start) {
		next := Eras[idx-1]
		return Date{}, dateErr(in, "era", "「%s」は%sの終わり(%s)より後です。%s以降は%sで書いてください。", in,
			era.Name, Seireki(next.Start.AddDays(-1)), Seireki(next.Start), next.Name)
	}
	if d.Before(gregorianFrom) {
		return Date{}, dateErr(in, "lunar", "「%s」は太陽暦の採用(明治6年1月1日)より前のため、西暦の日付に換算できません。", in)
	}
	return d, nil
}

// weekdaySuffix is a weekday in parentheses after a date, as Excel
// displays a cell formatted yyyy年m月d日(aaa) or (aaaa): (水), （水）
// (normalised), (水曜), (水曜日), and (Wed), (Wednesday) from ddd/dddd.
var weekdaySuffix = regexp.MustCompile(`^(.*?)\s*\(\s*([日月火水木金土](?:曜日?)?|[A-Za-z]{3,9}\.?)\s*\)$`)

// weekdayNamed reads the weekday named in weekdaySuffix.
func weekdayNamed(name string) (time.Weekday, bool) {
	if r := []rune(name); strings.ContainsRune("日月火水木金土", r[0]) {
		return time.Weekday(strings.Index("日月火水木金土", string(r[0])) / len("日")), true
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		full := strings.ToLower(wd.String())
		if name == full || name == full[:3] {
			return wd, true
		}
	}
	return 0, false
}

var (
	isoLike   = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`)
	kanjiDate = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日$`)
	number    = regexp.MustCompile(`^\d+(?:\.\d+)?$`)
)

// Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 the
// 1900-02-29 that Lotus 1-2-3 believed in and Excel kept; 2958465 is
// 9999-12-31.
const (
	excelLeapBug = 60
	excelMax     = 2958465
)

// ParseDateFlexible reads a date as people and spreadsheets write it:
// 2025-04-01, 2025/4/1 (a time after it, as spreadsheets export, is
// ignored), 2025年4月1日, 20250401, the 和暦 forms of ParseWareki, and
// Excel serial numbers of the 1900 date system (45748 = 2025-04-01; a
// fraction is a time of day and is ignored; 60, Excel's 1900-02-29, is
// refused). 全角 digits are accepted everywhere. A weekday in parentheses
// after the date (2026年4月1日(水), 令和8年4月1日（水曜日）, 2026/4/1 (Wed):
// what Excel displays for a cell formatted yyyy年m月d日(aaa)) is accepted
// when it is the date's weekday; another weekday is refused (reason
// "weekday"), since one of the two was typed wrong and nobody can tell
// which.
func ParseDateFlexible(s string) (Date, error) {
	in := s
	t := normalise(s)
	if t == "" {
		return Date{}, dateErr(in, "format", "日付が空です。")
	}
	if m := weekdaySuffix.FindStringSubmatch(t); m != nil && m[1] != "" {
		if wd, ok := weekdayNamed(m[2]); ok {
			d, err := ParseDateFlexible(m[1])
			if err != nil {
				if de, ok := err.(*DateError); ok {
					de.Input = in
				}
				return Date{}, err
			}
			if d.Weekday() != wd {
				return Date{}, dateErr(in, "weekday", "「%s」の曜日(%s)が日付と合いません。%s は%s曜日です。日付か曜日を直してください。",
					in, m[2], Seireki(d), d.WeekdayJA())
			}
			return d, nil
		}
	}
	civil := func(y, m, d string) (Date, error) {
		yy, _ := strconv.Atoi(y)
		mm, _ := strconv.Atoi(m)
		dd, _ := strconv.Atoi(d)
		out := Date{yy, time.Month(mm), dd}
		if !out.Valid() || yy < 1 {
			return Date{}, dateErr(in, "invalid", "「%s」は存在しない日付です。", in)
		}
		return out, nil
	}
	if m := isoLike.FindStringSubmatch(t); m != nil {
		return civil(m[1], m[2], m[3])
	}
	if m := kanjiDate.FindStringSubmatch(compact(t)); m != nil {
		return civil(m[1], m[2], m[3])
	}
	if number.MatchString(t) {
		whole, _, _ := strings.Cut(t, ".")
		if len(whole) == 8 {
			return civil(whole[:4], whole[4:6], whole[6:])
		}
		n, err := strconv.Atoi(whole)
		switch {
		case err != nil || n < 1 || n > excelMax:
			return Date{}, dateErr(in, "serial", "「%s」は Excel の日付シリアル値(1～%d)ではありません。", in, excelMax)
		case n == excelLeapBug:
			return Date{}, dateErr(in, "serial", "「%s」は Excel の 1900年2月29日で、実在しない日付です。", in)
		case n < excelLeapBug:
			return Date{1899, time.December, 31}.AddDays(n), nil
		default:
			return Date{1899, time.December, 30}.AddDays(n), nil
		}
	}
	d, err := ParseWareki(s)
	if de, ok := err.(*DateError); err == nil || (ok && de.Reason != "format") {
		return d, err
	}
	return Date{}, dateErr(in, "format", "「%s」を日付として読み取れません。2025-04-01、2025/4/1、2025年4月1日、令和7年4月1日、R7.4.1 などの形で書いてください。", in)
}
