package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// 松本市 counted 54 business days from 2020-11-09 to 2021-01-29, leaving
// out 11/23 (勤労感謝の日), 1/11 (成人の日) and 12/29–1/3 (年末年始).
func TestMatsumotoBusinessDays(t *testing.T) {
	cal := New(Config{FromYear: 2020, ToYear: 2021})
	if n := cal.BusinessDaysBetween(d(2020, 11, 9), d(2021, 1, 29)); n != 54 {
		t.Fatalf("BusinessDaysBetween = %d, want 54", n)
	}
	// The same from a calendar that does not cover the years (fallback).
	if n := New(Config{FromYear: 2030, ToYear: 2030}).BusinessDaysBetween(d(2020, 11, 9), d(2021, 1, 29)); n != 54 {
		t.Fatalf("fallback BusinessDaysBetween = %d, want 54", n)
	}
	for _, day := range []Date{d(2020, 11, 23), d(2021, 1, 11), d(2020, 12, 29), d(2020, 12, 31), d(2021, 1, 1), d(2021, 1, 3)} {
		if cal.IsBusinessDay(day) {
			t.Errorf("%s is a business day", day)
		}
	}
}

func TestCalendarReasonsAndSteps(t *testing.T) {
	cal := New(Config{FromYear: 2024, ToYear: 2026, Closures: []Holiday{
		{Date: d(2025, 6, 2), Name: "市制施行記念日"},
		{Date: d(2025, 11, 3), Name: "重なった閉庁日"}, // 文化の日 wins
		{Date: d(2025, 12, 26), Name: "選挙事務のため閉庁"},
	}})
	reasons := []struct {
		d    Date
		want string
	}{
		{d(2025, 1, 1), "元日"},
		{d(2025, 1, 2), "年末年始"},
		{d(2025, 1, 3), "年末年始"},
		{d(2025, 1, 4), "土曜日"},
		{d(2025, 1, 5), "日曜日"},
		{d(2025, 1, 6), ""},
		{d(2025, 2, 24), "休日"},
		{d(2025, 5, 4), "みどりの日"}, // a Sunday, named anyway
		{d(2025, 6, 2), "市制施行記念日"},
		{d(2025, 11, 3), "文化の日"},
		{d(2025, 12, 26), "選挙事務のため閉庁"},
		{d(2025, 12, 28), "日曜日"},
		{d(2025, 12, 29), "年末年始"},
		{d(2027, 1, 11), "成人の日"}, // outside the years: computed
		{d(2027, 1, 12), ""},
	}
	for _, tt := range reasons {
		if got := cal.Reason(tt.d); got != tt.want {
			t.Errorf("Reason(%s) = %q, want %q", tt.d, got, tt.want)
		}
		if cal.IsBusinessDay(tt.d) != (tt.want == "") {
			t.Errorf("IsBusinessDay(%s) = %v", tt.d, cal.IsBusinessDay(tt.d))
		}
	}
	steps := []struct {
		from Date
		n    int
		want Date
	}{
		{d(2025, 5, 7), -2, d(2025, 5, 1)},    // 2営業日前 over Golden Week
		{d(2025, 5, 2), 1, d(2025, 5, 7)},     // next after 5/2 skips 5/3–5/6
		{d(2025, 1, 6), -1, d(2024, 12, 27)},  // before 年末年始 (御用納め)
		{d(2025, 12, 25), 1, d(2026, 1, 5)},   // closure 12/26, then 年末年始, 1/4 Sunday
		{d(2025, 6, 3), -1, d(2025, 5, 30)},   // over the closure day and a weekend
		{d(2025, 6, 1), 0, d(2025, 6, 1)},     // n = 0 is d itself
		{d(2025, 1, 10), 10, d(2025, 1, 27)},  // 1/13 成人の日
		{d(2025, 1, 27), -10, d(2025, 1, 10)}, // and back
		{d(2026, 12, 25), 3, d(2027, 1, 5)},   // 12/28, then 1/4 and 1/5 outside the table
	}
	for _, tt := range steps {
		if got := cal.AddBusinessDays(tt.from, tt.n); got != tt.want {
			t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	if got := cal.PrevBusinessDay(d(2025, 5, 7)); got != d(2025, 5, 2) {
		t.Errorf("PrevBusinessDay = %s", got)
	}
	if got := cal.NextBusinessDay(d(2025, 12, 25)); got != d(2026, 1, 5) {
		t.Errorf("NextBusinessDay = %s", got)
	}
	if n := cal.BusinessDaysBetween(d(2025, 2, 1), d(2025, 1, 1)); n != 0 {
		t.Errorf("reversed range = %d", n)
	}
	if n := cal.BusinessDaysBetween(d(2025, 1, 6), d(2025, 1, 6)); n != 1 {
		t.Errorf("one business day = %d", n)
	}
}

func TestCalendarHolidays(t *testing.T) {
	cal := New(Config{FromYear: 2025, ToYear: 2025, Closures: []Holiday{{Date: d(2025, 6, 2), Name: "市制施行記念日"}}})
	hs := cal.Holidays(2025)
	var names []string
	for i, h := range hs {
		if i > 0 && !hs[i-1].Date.Before(h.Date) {
			t.Fatalf("not sorted at %s", h.Date)
		}
		names = append(names, h.Date.String()+" "+h.Name+" "+string(h.Kind))
	}
	// 19 national + 閉庁日 + 年末年始 1/2, 1/3, 12/29–31 (1/1 is 元日).
	if len(hs) != 19+1+5 {
		t.Fatalf("got %d days:\n%v", len(hs), names)
	}
	if hs[0].Name != "元日" || hs[1] != (Holiday{d(2025, 1, 2), NameYearEnd, KindYearEnd}) {
		t.Errorf("start of year: %v", names[:3])
	}
	found := false
	for _, h := range hs {
		if h.Date == d(2025, 6, 2) {
			found = h.Name == "市制施行記念日" && h.Kind == KindClosure
		}
	}
	if !found {
		t.Error("closure day missing from Holidays")
	}
	// Outside the table: computed holidays and 年末年始, no closures.
	if n := len(cal.Holidays(2026)); n != 18+5 {
		t.Errorf("2026 from fallback: %d days", n)
	}
	if from, to := cal.Years(); from != 2025 || to != 2025 {
		t.Errorf("Years = %d, %d", from, to)
	}
}

// TestImportedOverridesYear: a year in imported data is taken from it
// whole; the other years stay computed.
func TestImportedOverridesYear(t *testing.T) {
	imp := NationalHolidays(2026)
	imp = append(imp[:0:0], imp...)
	for i := range imp {
		if imp[i].Name == "海の日" {
			imp[i].Date = d(2026, 7, 21) // a law change the code does not know
		}
	}
	imp = append(imp, Holiday{d(2026, 6, 15), "新しい祝日", KindNational})
	cal := New(Config{FromYear: 2025, ToYear: 2027, Imported: imp})
	if !cal.Imported(2026) || cal.Imported(2025) || cal.Imported(2027) {
		t.Fatal("Imported years")
	}
	checks := []struct {
		d    Date
		want string
	}{
		{d(2026, 7, 20), ""},
		{d(2026, 7, 21), "海の日"},
		{d(2026, 6, 15), "新しい祝日"},
		{d(2025, 7, 21), "海の日"}, // 2025 still computed
		{d(2027, 7, 19), "海の日"},
	}
	for _, c := range checks {
		if got := cal.Reason(c.d); got != c.want {
			t.Errorf("Reason(%s) = %q, want %q", c.d, got, c.want)
		}
	}
	// A year of imported data with fewer days is exactly those days.
	cal = New(Config{FromYear: 2026, ToYear: 2026, Imported: []Holiday{{d(2026, 1, 1), "元日", KindNational}}})
	if !cal.IsBusinessDay(d(2026, 1, 12)) {
		t.Error("imported year still has the computed 成人の日")
	}
	if cal.Reason(d(2026, 1, 2)) != NameYearEnd {
		t.Error("年末年始 must not depend on imported data")
	}
}

// TestCalendarAgainstNaive compares every method with a day-by-day walk
// over random dates, inside and across the table's edges.
func TestCalendarAgainstNaive(t *testing.T) {
	closures := []Holiday{{Date: d(2024, 10, 1), Name: "市民の日"}, {Date: d(2025, 7, 7), Name: "閉庁日"}}
	cal := New(Config{FromYear: 2024, ToYear: 2026, Closures: closures})
	closed := map[Date]bool{}
	for _, c := range closures {
		closed[c.Date] = true
	}
	naiveBiz := func(x Date) bool {
		if w := x.Weekday(); w == time.Saturday || w == time.Sunday || IsYearEnd(x) {
			return false
		}
		if x.Year >= 2024 && x.Year <= 2026 && closed[x] {
			return false
		}
		for _, h := range NationalHolidays(x.Year) {
			if h.Date == x {
				return false
			}
		}
		return true
	}
	rng := rand.New(rand.NewPCG(5, 2020))
	base := d(2023, 6, 1)
	for i := 0; i < 3000; i++ {
		a := base.AddDays(rng.IntN(4 * 365))
		b := a.AddDays(rng.IntN(120))
		if cal.IsBusinessDay(a) != naiveBiz(a) {
			t.Fatalf("IsBusinessDay(%s)", a)
		}
		want := 0
		for x := a; !x.After(b); x = x.AddDays(1) {
			if naiveBiz(x) {
				want++
			}
		}
		if got := cal.BusinessDaysBetween(a, b); got != want {
			t.Fatalf("BusinessDaysBetween(%s, %s) = %d, want %d", a, b, got, want)
		}
		n := rng.IntN(41) - 20
		got := cal.AddBusinessDays(a, n)
		x, left := a, n
		for left != 0 {
			if left > 0 {
				x = x.AddDays(1)
				if naiveBiz(x) {
					left--
				}
			} else {
				x = x.AddDays(-1)
				if naiveBiz(x) {
					left++
				}
			}
		}
		if got != x {
			t.Fatalf("AddBusinessDays(%s, %d) = %s, want %s", a, n, got, x)
		}
		// Round trip: from a business day, n forward and n back.
		if naiveBiz(a) && n != 0 && cal.AddBusinessDays(got, -n) != a {
			t.Fatalf("AddBusinessDays(%s, %d) does not come back", got, -n)
		}
	}
}

func TestNewBounds(t *testing.T) {
	cal := New(Config{FromYear: 2026, ToYear: 2024})
	if from, to := cal.Years(); from != 2024 || to != 2026 {
		t.Errorf("swapped: %d–%d", from, to)
	}
	cal = New(Config{FromYear: 1900, ToYear: 3000})
	if from, to := cal.Years(); from != 1900 || to != 2099 {
		t.Errorf("capped: %d–%d", from, to)
	}
	// A year with no computed holidays still has weekends and 年末年始.
	cal = New(Config{FromYear: 2100, ToYear: 2100})
	if cal.IsBusinessDay(d(2100, 1, 1)) || !cal.IsBusinessDay(d(2100, 1, 4)) || cal.IsBusinessDay(d(2100, 1, 2)) {
		t.Error("2100")
	}
}
