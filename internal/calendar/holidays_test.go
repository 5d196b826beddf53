package calendar

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"
)

// readGolden reads testdata/national_golden.tsv: the hand-written lists of
// whole years, by year.
func readGolden(t *testing.T) map[int][]Holiday {
	t.Helper()
	f, err := os.Open("testdata/national_golden.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int][]Holiday{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("golden line %d: %q", n, line)
		}
		d, err := ParseDate(cols[0])
		if err != nil {
			t.Fatalf("golden line %d: %v", n, err)
		}
		out[d.Year] = append(out[d.Year], Holiday{d, cols[1], Kind(cols[2])})
	}
	return out
}

func TestNationalHolidaysGolden(t *testing.T) {
	golden := readGolden(t)
	want := []int{1988, 1989, 2000, 2007, 2009, 2015, 2019, 2020, 2021, 2024, 2025, 2026, 2030}
	for _, y := range want {
		if golden[y] == nil {
			t.Fatalf("golden file lacks %d", y)
		}
	}
	for y, hs := range golden {
		got := NationalHolidays(y)
		gm := map[Date]Holiday{}
		for _, h := range got {
			gm[h.Date] = h
		}
		wm := map[Date]Holiday{}
		for _, h := range hs {
			wm[h.Date] = h
			if g, ok := gm[h.Date]; !ok {
				t.Errorf("%s %s (%s): missing", h.Date, h.Name, h.Kind)
			} else if g != h {
				t.Errorf("%s: got %s (%s), want %s (%s)", h.Date, g.Name, g.Kind, h.Name, h.Kind)
			}
		}
		for _, g := range got {
			if _, ok := wm[g.Date]; !ok {
				t.Errorf("%s %s (%s): not a holiday", g.Date, g.Name, g.Kind)
			}
		}
	}
}

func d(y int, m time.Month, day int) Date { return Date{y, m, day} }

// TestNationalHolidaySpots checks single days the rules turn on.
func TestNationalHolidaySpots(t *testing.T) {
	tests := []struct {
		d    Date
		name string // "" = not a holiday
	}{
		{d(1980, 1, 15), "成人の日"},
		{d(1980, 11, 24), "休日"}, // 勤労感謝の日 on a Sunday, the old rule
		{d(1985, 5, 4), ""},     // before the 国民の休日 rule (1985-12-27)
		{d(1986, 5, 4), ""},     // a Sunday: never a 国民の休日 before 2007
		{d(1987, 5, 4), "休日"},   // 振替休日 for 5/3 (Sunday), not a 国民の休日
		{d(1990, 11, 12), "即位礼正殿の儀"},
		{d(1993, 6, 9), "結婚の儀"},
		{d(1991, 5, 4), "休日"}, // a Saturday 国民の休日
		{d(1995, 7, 20), ""},  // 海の日 from 1996
		{d(1996, 7, 20), "海の日"},
		{d(1997, 7, 21), "休日"},
		{d(1999, 1, 15), "成人の日"},
		{d(1999, 10, 11), "休日"}, // 体育の日 10/10 on a Sunday
		{d(2002, 9, 15), "敬老の日"},
		{d(2003, 7, 21), "海の日"},
		{d(2003, 9, 15), "敬老の日"},
		{d(2006, 4, 29), "みどりの日"},
		{d(2006, 5, 4), "休日"},
		{d(2008, 5, 6), "休日"}, // 5/4 (Sunday) → past こどもの日, the 2007 rule
		{d(2015, 8, 11), ""},  // 山の日 from 2016
		{d(2016, 8, 11), "山の日"},
		{d(2018, 12, 23), "天皇誕生日"},
		{d(2018, 12, 24), "休日"},
		{d(2019, 2, 23), ""},
		{d(2019, 12, 23), ""},
		{d(2020, 7, 20), ""},
		{d(2020, 10, 12), ""},
		{d(2020, 8, 11), ""},
		{d(2021, 7, 19), ""},
		{d(2021, 10, 11), ""},
		{d(2021, 8, 11), ""},
		{d(2022, 7, 18), "海の日"},
		{d(2022, 10, 10), "スポーツの日"},
		{d(2023, 1, 2), "休日"},
		{d(2032, 9, 21), "休日"}, // 国民の休日 between 敬老の日 and 秋分の日
		{d(2037, 9, 22), "休日"},
		{d(2092, 3, 19), "春分の日"}, // the first 3/19 春分の日 by the formula
		{d(2099, 9, 23), "秋分の日"},
	}
	for _, tt := range tests {
		got := ""
		for _, h := range NationalHolidays(tt.d.Year) {
			if h.Date == tt.d {
				got = h.Name
			}
		}
		if got != tt.name {
			t.Errorf("%s: got %q, want %q", tt.d, got, tt.name)
		}
	}
	if NationalHolidays(1979) != nil || NationalHolidays(2100) != nil || NationalHolidays(1959) != nil {
		t.Error("years outside 1980–2099 must have no computed holidays")
	}
}

// TestNationalHolidayProperties checks what must hold in every year.
func TestNationalHolidayProperties(t *testing.T) {
	for y := MinComputedYear; y <= MaxComputedYear; y++ {
		hs := NationalHolidays(y)
		by := map[Date]Holiday{}
		for i, h := range hs {
			if !h.Date.Valid() || h.Date.Year != y {
				t.Fatalf("%d: impossible date %v", y, h.Date)
			}
			if i > 0 && !hs[i-1].Date.Before(h.Date) {
				t.Errorf("%d: not in strict date order at %s", y, h.Date)
			}
			if h.Name == "" || !h.Kind.IsNational() {
				t.Errorf("%s: name %q kind %q", h.Date, h.Name, h.Kind)
			}
			by[h.Date] = h
		}
		isShuku := func(d Date) bool {
			h, ok := by[d]
			return ok && (h.Kind == KindNational || h.Kind == KindSpecial)
		}
		// The fixed days of every year of the range.
		for _, fixed := range []struct {
			m    time.Month
			day  int
			name string
		}{{1, 1, "元日"}, {2, 11, "建国記念の日"}, {5, 3, "憲法記念日"}, {5, 5, "こどもの日"}, {11, 3, "文化の日"}, {11, 23, "勤労感謝の日"}} {
			if h := by[d(y, fixed.m, fixed.day)]; h.Name != fixed.name {
				t.Errorf("%d-%02d-%02d: got %q, want %s", y, fixed.m, fixed.day, h.Name, fixed.name)
			}
		}
		// 春分 on 3/19–3/21, 秋分 on 9/22–9/24 (3/19 only from 2092).
		for _, eq := range []struct {
			name   string
			m      time.Month
			lo, hi int
		}{{"春分の日", 3, 19, 21}, {"秋分の日", 9, 22, 24}} {
			n := 0
			for _, h := range hs {
				if h.Name == eq.name {
					n++
					if h.Date.Month != eq.m || h.Date.Day < eq.lo || h.Date.Day > eq.hi {
						t.Errorf("%s on %s", eq.name, h.Date)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d: %d %s", y, n, eq.name)
			}
		}
		// Happy Monday days are Mondays.
		for _, h := range hs {
			switch {
			case h.Name == "成人の日" && y >= 2000, h.Name == "敬老の日" && y >= 2003,
				h.Name == "海の日" && y >= 2003 && y != 2020 && y != 2021,
				(h.Name == "体育の日" || h.Name == "スポーツの日") && y >= 2000 && y != 2020 && y != 2021:
				if h.Date.Weekday() != time.Monday {
					t.Errorf("%s %s is a %s", h.Date, h.Name, h.Date.Weekday())
				}
			}
		}
		for _, h := range hs {
			switch h.Kind {
			case KindSubstitute:
				// Follows a 祝日 on a Sunday, over a run of 祝日 only; never
				// on a Sunday; before 2007 always the Monday.
				p := h.Date.AddDays(-1)
				for isShuku(p) && p.Weekday() != time.Sunday {
					p = p.AddDays(-1)
				}
				if !isShuku(p) || p.Weekday() != time.Sunday {
					t.Errorf("%s 振替休日 does not follow a Sunday 祝日", h.Date)
				}
				if h.Date.Weekday() == time.Sunday || (y < 2007 && h.Date.Weekday() != time.Monday) {
					t.Errorf("%s 振替休日 on a %s", h.Date, h.Date.Weekday())
				}
			case KindCitizens:
				if !isShuku(h.Date.AddDays(-1)) || !isShuku(h.Date.AddDays(1)) {
					t.Errorf("%s 国民の休日 is not between two 祝日", h.Date)
				}
				if h.Date.Weekday() == time.Sunday {
					t.Errorf("%s 国民の休日 on a Sunday", h.Date)
				}
			}
			if h.Kind == KindSubstitute || h.Kind == KindCitizens {
				if h.Name != NameHoliday {
					t.Errorf("%s: %s named %q", h.Date, h.Kind, h.Name)
				}
			}
		}
		// Every Sunday 祝日 has its 振替休日, and every gap of one day
		// between two 祝日 is a day off.
		for _, h := range hs {
			if isShuku(h.Date) && h.Date.Weekday() == time.Sunday {
				n := h.Date.AddDays(1)
				for isShuku(n) && y >= 2007 {
					n = n.AddDays(1)
				}
				if x, ok := by[n]; !ok || (x.Kind != KindSubstitute && !(y < 2007 && isShuku(n))) {
					t.Errorf("%s (Sunday %s) has no 振替休日", h.Date, h.Name)
				}
			}
			if isShuku(h.Date) && !isShuku(h.Date.AddDays(1)) && isShuku(h.Date.AddDays(2)) && !h.Date.Before(citizensFrom) {
				if _, ok := by[h.Date.AddDays(1)]; !ok && h.Date.AddDays(1).Weekday() != time.Sunday {
					t.Errorf("%s: day between two 祝日 is not off", h.Date.AddDays(1))
				}
			}
		}
		// The September 国民の休日 comes exactly when 敬老の日 is two days
		// before 秋分の日 (from 2003, when 敬老の日 moved to a Monday).
		var keiro, shubun Date
		for _, h := range hs {
			switch h.Name {
			case "敬老の日":
				keiro = h.Date
			case "秋分の日":
				shubun = h.Date
			}
		}
		gap := keiro.AddDays(1)
		if citizens := by[gap].Kind == KindCitizens; citizens != (keiro.AddDays(2) == shubun) {
			t.Errorf("%d: 敬老の日 %s, 秋分の日 %s, %s 国民の休日=%v", y, keiro, shubun, gap, citizens)
		}
	}
}

// TestClassifyImported: names alone give back the kinds of the computation.
func TestClassifyImported(t *testing.T) {
	for y := MinComputedYear; y <= MaxComputedYear; y++ {
		want := NationalHolidays(y)
		got := NationalHolidays(y)
		for i := range got {
			got[i].Kind = ""
		}
		ClassifyImported(got)
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: classified %s, computed %s", got[i].Date, got[i].Kind, want[i].Kind)
			}
		}
	}
}

func TestCompareComputed(t *testing.T) {
	hs := NationalHolidays(2026)
	if diff := CompareComputed(hs); len(diff) != 0 {
		t.Fatalf("same data differs: %v", diff)
	}
	// A law change the code does not know: a new holiday and a moved one.
	hs = append(hs, Holiday{d(2026, 6, 15), "新しい祝日", KindNational})
	for i := range hs {
		if hs[i].Name == "海の日" {
			hs[i].Date = d(2026, 7, 21)
		}
	}
	want := []Difference{{d(2026, 6, 15), "新しい祝日", ""}, {d(2026, 7, 20), "", "海の日"}, {d(2026, 7, 21), "海の日", ""}}
	got := CompareComputed(hs)
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("diff %d: got %v, want %v", i, got[i], want[i])
		}
	}
	// Years outside the computation are not compared.
	if diff := CompareComputed([]Holiday{{d(1960, 1, 1), "元日", KindNational}}); len(diff) != 0 {
		t.Errorf("1960 compared: %v", diff)
	}
}

func TestDayNumbers(t *testing.T) {
	// Every day from 1870 to 2110 against the standard library.
	start := time.Date(1870, 1, 1, 12, 0, 0, 0, time.UTC)
	base := daysFromCivil(1870, time.January, 1)
	for i := 0; i < 241*366; i++ {
		tm := start.AddDate(0, 0, i)
		dd := Date{tm.Year(), tm.Month(), tm.Day()}
		if n := dd.dayNum(); n != base+i {
			t.Fatalf("%s: day number %d, want %d", dd, n, base+i)
		}
		if back := civilFromDays(base + i); back != dd {
			t.Fatalf("civilFromDays(%d) = %v, want %v", base+i, back, dd)
		}
		if dd.Weekday() != tm.Weekday() {
			t.Fatalf("%s: weekday %s, want %s", dd, dd.Weekday(), tm.Weekday())
		}
	}
	if !d(2024, 2, 29).Valid() || d(2023, 2, 29).Valid() || d(2100, 2, 29).Valid() || !d(2000, 2, 29).Valid() || (Date{2025, 13, 1}).Valid() {
		t.Error("Valid")
	}
	if d(2025, 1, 1).Compare(d(2024, 12, 31)) != 1 || !d(2024, 12, 31).Before(d(2025, 1, 1)) || d(2025, 1, 1).DaysUntil(d(2025, 3, 1)) != 59 {
		t.Error("Compare/Before/DaysUntil")
	}
}
