package calendar

import (
	"slices"
	"sync"
	"time"
)

// Kind says what sort of day off a Holiday is.
type Kind string

const (
	// KindNational is a 国民の祝日 (元日, 成人の日 …).
	KindNational Kind = "national"
	// KindSpecial is a one-off day off set by its own law: 大喪の礼
	// (1989), 即位礼正殿の儀 (1990, 2019), 結婚の儀 (1993) and 天皇の即位の日
	// (2019). The 2019 days count as 祝日 for the 休日 rules, which is what
	// made 2019-04-30 and 2019-05-02 休日.
	KindSpecial Kind = "special"
	// KindSubstitute is a 振替休日: the day after a 祝日 that fell on a
	// Sunday (from 2007 the next day that is not itself a 祝日).
	KindSubstitute Kind = "substitute"
	// KindCitizens is a 国民の休日: a day sandwiched between two 祝日.
	KindCitizens Kind = "citizens"
	// KindYearEnd is one of the 年末年始 days, 12/29 to 1/3 (行政機関の休日).
	KindYearEnd Kind = "year_end"
	// KindClosure is a tenant's own closure day (閉庁日).
	KindClosure Kind = "closure"
)

// Kinds lists every kind, for validation and documentation.
var Kinds = []Kind{KindNational, KindSpecial, KindSubstitute, KindCitizens, KindYearEnd, KindClosure}

// IsNational reports whether the kind comes from the national holiday
// data (computed or imported) rather than from 年末年始 or the tenant.
func (k Kind) IsNational() bool {
	return k == KindNational || k == KindSpecial || k == KindSubstitute || k == KindCitizens
}

// Holiday is one day off with its name as people see it: the Cabinet
// Office's name for national holidays (振替休日 and 国民の休日 are both
// 「休日」 there), 「年末年始」, or the closure's name.
type Holiday struct {
	Date Date
	Name string
	Kind Kind
}

// Names used by the Cabinet Office's syukujitsu.csv.
const (
	NameHoliday = "休日"     // 振替休日 and 国民の休日 alike
	NameYearEnd = "年末年始"   // 12/29–1/3
	NameSat     = "土曜日"    // Reason of a Saturday
	NameSun     = "日曜日"    // Reason of a Sunday
	nameTaiiku  = "体育の日"   // 1966–2019
	nameSports  = "スポーツの日" // from 2020
)

// NameKey is the message key of one of the fixed names above (土曜日,
// 日曜日, 年末年始, 休日), so that a page says it in the reader's language;
// "" for a name that is data: a national holiday's own name or a closure's.
func NameKey(name string) string {
	switch name {
	case NameSat:
		return "calendar.off_sat"
	case NameSun:
		return "calendar.off_sun"
	case NameYearEnd:
		return "calendar.off_year_end"
	case NameHoliday:
		return "calendar.off_holiday"
	}
	return ""
}

// The years the computation covers: the equinox formula below holds from
// 1980 to 2099, and every rule of the 祝日法 in force since 1980 is in the
// table. Other years have no computed national holidays; import the
// Cabinet Office's file for them.
const (
	MinComputedYear = 1980
	MaxComputedYear = 2099
)

// rule is one line of the 祝日法 as it stood in some years: a fixed day,
// the nth Monday of the month (ハッピーマンデー), or an equinox.
type rule struct {
	name     string
	from, to int // years in force, inclusive; to 0 = still in force
	month    time.Month
	day      int             // a fixed day, or
	monday   int             // the nth Monday, or
	computed func(y int) int // the day computed for the year
}

// rules is the law since 1980, one row per period of each holiday. The
// 2020 and 2021 rows are the Olympic and Paralympic special measures (東京
// オリンピック・パラリンピック競技大会特別措置法), which moved 海の日, スポーツの日
// and 山の日 in those two years only.
var rules = []rule{
	{name: "元日", month: time.January, day: 1},
	{name: "成人の日", to: 1999, month: time.January, day: 15},
	{name: "成人の日", from: 2000, month: time.January, monday: 2},
	{name: "建国記念の日", month: time.February, day: 11},
	{name: "天皇誕生日", from: 2020, month: time.February, day: 23},
	{name: "春分の日", month: time.March, computed: vernalEquinox},
	{name: "天皇誕生日", to: 1988, month: time.April, day: 29},
	{name: "みどりの日", from: 1989, to: 2006, month: time.April, day: 29},
	{name: "昭和の日", from: 2007, month: time.April, day: 29},
	{name: "憲法記念日", month: time.May, day: 3},
	{name: "みどりの日", from: 2007, month: time.May, day: 4},
	{name: "こどもの日", month: time.May, day: 5},
	{name: "海の日", from: 1996, to: 2002, month: time.July, day: 20},
	{name: "海の日", from: 2003, to: 2019, month: time.July, monday: 3},
	{name: "海の日", from: 2020, to: 2020, month: time.July, day: 23},
	{name: "海の日", from: 2021, to: 2021, month: time.July, day: 22},
	{name: "海の日", from: 2022, month: time.July, monday: 3},
	{name: nameSports, from: 2020, to: 2020, month: time.July, day: 24},
	{name: nameSports, from: 2021, to: 2021, month: time.July, day: 23},
	{name: "山の日", from: 2016, to: 2019, month: time.August, day: 11},
	{name: "山の日", from: 2020, to: 2020, month: time.August, day: 10},
	{name: "山の日", from: 2021, to: 2021, month: time.August, day: 8},
	{name: "山の日", from: 2022, month: time.August, day: 11},
	{name: "敬老の日", to: 2002, month: time.September, day: 15},
	{name: "敬老の日", from: 2003, month: time.September, monday: 3},
	{name: "秋分の日", month: time.September, computed: autumnalEquinox},
	{name: nameTaiiku, to: 1999, month: time.October, day: 10},
	{name: nameTaiiku, from: 2000, to: 2018, month: time.October, monday: 2},
	// The law renaming the day to スポーツの日 (from 2020) passed in 2018;
	// the Cabinet Office's file names the 2019 day 「体育の日（スポーツの日）」.
	{name: "体育の日（スポーツの日）", from: 2019, to: 2019, month: time.October, monday: 2},
	{name: nameSports, from: 2022, month: time.October, monday: 2},
	{name: "文化の日", month: time.November, day: 3},
	{name: "勤労感謝の日", month: time.November, day: 23},
	{name: "天皇誕生日", from: 1989, to: 2018, month: time.December, day: 23},
}

// specialDays are the one-off days off of their own laws, named as in the
// Cabinet Office's file. (1959-04-10, 明仁親王の結婚の儀, is before 1980.)
var specialDays = []Holiday{
	{Date{1989, time.February, 24}, "大喪の礼", KindSpecial},
	{Date{1990, time.November, 12}, "即位礼正殿の儀", KindSpecial},
	{Date{1993, time.June, 9}, "結婚の儀", KindSpecial},
	{Date{2019, time.May, 1}, "休日（祝日扱い）", KindSpecial},
	{Date{2019, time.October, 22}, "休日（祝日扱い）", KindSpecial},
}

// vernalEquinox and autumnalEquinox are the day in March and September by
// the usual formula, exact for 1980–2099 (the constants differ outside
// it). Integer arithmetic in millionths keeps float rounding out:
// int(20.8431 + 0.242194*(Y-1980)) - int((Y-1980)/4).
func vernalEquinox(y int) int   { return equinox(20843100, y) }
func autumnalEquinox(y int) int { return equinox(23248800, y) }

func equinox(base6, y int) int {
	n := y - 1980
	return (base6+242194*n)/1000000 - n/4
}

// nthMonday is the day of the nth Monday of the month.
func nthMonday(y int, m time.Month, n int) int {
	first := weekdayOf(daysFromCivil(y, m, 1))
	return 1 + (int(time.Monday)-int(first)+7)%7 + 7*(n-1)
}

// Dates from which the 休日 rules apply.
var (
	// 振替休日 (1973 amendment, in force 1973-04-12).
	substituteFrom = Date{1973, time.April, 12}
	// 国民の休日 (1985 amendment, in force 1985-12-27).
	citizensFrom = Date{1985, time.December, 27}
)

// The 2005 amendment, in force 2007-01-01, made 振替休日 the next day that
// is not a 祝日 (before, only the Monday) and 国民の休日 any non-祝日 day
// between two 祝日 (before, not a Sunday or a 振替休日).
const law2007 = 2007

// computeYear applies the 祝日法 to one year. It returns nil outside
// 1980–2099.
func computeYear(y int) []Holiday {
	if y < MinComputedYear || y > MaxComputedYear {
		return nil
	}
	// The 祝日 (and the special days, which count as 祝日 for the rules
	// below), by day number.
	shuku := map[int]Holiday{}
	for _, r := range rules {
		if (r.from != 0 && y < r.from) || (r.to != 0 && y > r.to) {
			continue
		}
		d := Date{y, r.month, r.day}
		switch {
		case r.monday > 0:
			d.Day = nthMonday(y, r.month, r.monday)
		case r.computed != nil:
			d.Day = r.computed(y)
		}
		shuku[d.dayNum()] = Holiday{d, r.name, KindNational}
	}
	for _, h := range specialDays {
		if h.Date.Year == y {
			shuku[h.Date.dayNum()] = h
		}
	}
	out := make([]Holiday, 0, len(shuku)+4)
	for _, h := range shuku {
		out = append(out, h)
	}
	// 振替休日: a 祝日 on a Sunday moves the day off to the next day — from
	// 2007 the next day that is not a 祝日, before only the Monday itself.
	subst := map[int]bool{}
	for n, h := range shuku {
		if weekdayOf(n) != time.Sunday || h.Date.Before(substituteFrom) {
			continue
		}
		m := n + 1
		if y >= law2007 {
			for _, ok := shuku[m]; ok; _, ok = shuku[m] {
				m++
			}
		} else if _, ok := shuku[m]; ok {
			continue
		}
		subst[m] = true
		out = append(out, Holiday{civilFromDays(m), NameHoliday, KindSubstitute})
	}
	// 国民の休日: a day that is not a 祝日 with a 祝日 on each side; before
	// 2007 not a Sunday, and not a day already off as a 振替休日.
	for n := range shuku {
		m := n + 1
		if _, ok := shuku[m]; ok || subst[m] {
			continue
		}
		if _, ok := shuku[m+1]; !ok {
			continue
		}
		d := civilFromDays(m)
		if d.Before(citizensFrom) || (y < law2007 && weekdayOf(m) == time.Sunday) {
			continue
		}
		out = append(out, Holiday{d, NameHoliday, KindCitizens})
	}
	sortHolidays(out)
	return out
}

func sortHolidays(hs []Holiday) {
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
}

// computed caches every computed year; the table is small (about 2,300
// days) and read-only once built.
var computed = sync.OnceValue(func() [][]Holiday {
	out := make([][]Holiday, MaxComputedYear-MinComputedYear+1)
	for y := MinComputedYear; y <= MaxComputedYear; y++ {
		out[y-MinComputedYear] = computeYear(y)
	}
	return out
})

// NationalHolidays returns the national holidays of a year computed under
// the 祝日法 (祝日, special days, 振替休日, 国民の休日), sorted by date, or
// nil outside 1980–2099. The result is the caller's to keep.
func NationalHolidays(year int) []Holiday {
	if year < MinComputedYear || year > MaxComputedYear {
		return nil
	}
	return append([]Holiday(nil), computed()[year-MinComputedYear]...)
}

// yearEndDays are the 年末年始 days of a year in date order (1/1 is 元日 as
// well; the national name is the one shown).
func yearEndDays(year int) []Holiday {
	out := make([]Holiday, 0, 6)
	for _, d := range []Date{{year, time.January, 1}, {year, time.January, 2}, {year, time.January, 3},
		{year, time.December, 29}, {year, time.December, 30}, {year, time.December, 31}} {
		out = append(out, Holiday{d, NameYearEnd, KindYearEnd})
	}
	return out
}

// IsYearEnd reports whether d is one of 12/29–1/3.
func IsYearEnd(d Date) bool {
	return (d.Month == time.December && d.Day >= 29) || (d.Month == time.January && d.Day <= 3)
}

// nationalNames are the 祝日 names the law has used since 1980; any other
// name in imported data is a special day.
var nationalNames = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range rules {
		m[r.name] = true
	}
	return m
}()

// kindOfName classifies an imported name. 「休日」 is a 振替休日 when a run
// of days off just before it holds a 祝日 on a Sunday, else a 国民の休日;
// isOff tells whether a day number is a day off in the same data.
func kindOfName(name string, n int, isOff func(int) (string, bool)) Kind {
	switch {
	case nationalNames[name]:
		return KindNational
	case name != NameHoliday:
		return KindSpecial
	}
	for m := n - 1; ; m-- {
		nm, ok := isOff(m)
		if !ok {
			return KindCitizens
		}
		if nm != NameHoliday && weekdayOf(m) == time.Sunday {
			return KindSubstitute
		}
	}
}

// ClassifyImported sets the Kind of national holidays read from the
// Cabinet Office's data, which gives only names. hs may be in any order.
func ClassifyImported(hs []Holiday) {
	byDay := make(map[int]string, len(hs))
	for _, h := range hs {
		byDay[h.Date.dayNum()] = h.Name
	}
	look := func(n int) (string, bool) { s, ok := byDay[n]; return s, ok }
	for i := range hs {
		hs[i].Kind = kindOfName(hs[i].Name, hs[i].Date.dayNum(), look)
	}
}
