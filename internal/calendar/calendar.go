package calendar

import "time"

// Calendar answers business-day questions for one tenant: a business day
// (開庁日) is a weekday that is not a national holiday (祝日, 振替休日,
// 国民の休日 or a special day), not one of 年末年始 (12/29–1/3) and not one
// of the tenant's closure days (閉庁日).
//
// It is built for a range of years and answers from a table there. A date
// outside the range falls back to the computed national holidays and
// 年末年始, without imported data or closure days, so callers should load
// the years they need (a year either side of the dates in question).
// A Calendar is read-only after New and safe for concurrent use.
type Calendar struct {
	from, to int // years of the table
	start    int // day number of from-01-01
	// entry[i] is 1 + the index in entries of the named day off at day
	// start+i, or 0 for none (a weekday is then a business day).
	entry   []int32
	entries []Holiday
	// cum[i] is the number of business days in [start, start+i).
	cum      []int32
	imported map[int]bool // years whose national holidays were imported
}

// Config is what a Calendar is built from.
type Config struct {
	FromYear, ToYear int
	// Imported are national holidays from the Cabinet Office's
	// syukujitsu.csv. A year with any day here takes all its national
	// holidays from here; other years are computed.
	Imported []Holiday
	// Closures are the tenant's closure days; their Kind is set to
	// KindClosure.
	Closures []Holiday
}

// maxYears bounds the table (about 300 KB at 100 years).
const maxYears = 200

// New builds a calendar for the years FromYear to ToYear (swapped when
// given the wrong way round; at most 200 years from FromYear).
func New(c Config) *Calendar {
	if c.ToYear < c.FromYear {
		c.FromYear, c.ToYear = c.ToYear, c.FromYear
	}
	if c.ToYear-c.FromYear >= maxYears {
		c.ToYear = c.FromYear + maxYears - 1
	}
	cal := &Calendar{from: c.FromYear, to: c.ToYear, start: daysFromCivil(c.FromYear, time.January, 1), imported: map[int]bool{}}
	end := daysFromCivil(c.ToYear+1, time.January, 1)
	cal.entry = make([]int32, end-cal.start)

	// Lowest precedence first; a later layer overwrites: 年末年始, then the
	// tenant's closures, then the national holidays (元日 beats 年末年始).
	set := func(h Holiday) {
		i := h.Date.dayNum() - cal.start
		if i < 0 || i >= len(cal.entry) {
			return
		}
		cal.entries = append(cal.entries, h)
		cal.entry[i] = int32(len(cal.entries))
	}
	for y := c.FromYear; y <= c.ToYear; y++ {
		for _, h := range yearEndDays(y) {
			set(h)
		}
	}
	for _, h := range c.Closures {
		h.Kind = KindClosure
		set(h)
	}
	for _, h := range c.Imported {
		if h.Date.Year >= c.FromYear && h.Date.Year <= c.ToYear {
			cal.imported[h.Date.Year] = true
		}
	}
	for _, h := range c.Imported {
		set(h)
	}
	for y := c.FromYear; y <= c.ToYear; y++ {
		if !cal.imported[y] {
			for _, h := range NationalHolidays(y) {
				set(h)
			}
		}
	}
	cal.cum = make([]int32, len(cal.entry)+1)
	for i, e := range cal.entry {
		b := int32(0)
		if e == 0 && !weekend(cal.start+i) {
			b = 1
		}
		cal.cum[i+1] = cal.cum[i] + b
	}
	return cal
}

// Years returns the range of years the calendar was built for.
func (c *Calendar) Years() (from, to int) { return c.from, c.to }

// Imported reports whether the year's national holidays come from imported
// data rather than the computation.
func (c *Calendar) Imported(year int) bool { return c.imported[year] }

func weekend(n int) bool {
	w := weekdayOf(n)
	return w == time.Saturday || w == time.Sunday
}

// offAt returns the named day off at day number n, if any.
func (c *Calendar) offAt(n int) (Holiday, bool) {
	if i := n - c.start; i >= 0 && i < len(c.entry) {
		if e := c.entry[i]; e != 0 {
			return c.entries[e-1], true
		}
		return Holiday{}, false
	}
	return fallbackOff(civilFromDays(n))
}

// fallbackOff is the answer outside the table: computed national holidays
// and 年末年始.
func fallbackOff(d Date) (Holiday, bool) {
	if d.Year >= MinComputedYear && d.Year <= MaxComputedYear {
		for _, h := range computed()[d.Year-MinComputedYear] {
			if h.Date == d {
				return h, true
			}
		}
	}
	if IsYearEnd(d) {
		return Holiday{d, NameYearEnd, KindYearEnd}, true
	}
	return Holiday{}, false
}

func (c *Calendar) isBusiness(n int) bool {
	if i := n - c.start; i >= 0 && i < len(c.entry) {
		return c.cum[i+1] != c.cum[i]
	}
	if weekend(n) {
		return false
	}
	_, off := fallbackOff(civilFromDays(n))
	return !off
}

// IsBusinessDay reports whether d is a business day (開庁日).
func (c *Calendar) IsBusinessDay(d Date) bool { return c.isBusiness(d.dayNum()) }

// Reason says why d is not a business day: the holiday's name (元日, 休日 …),
// the closure's name, 「年末年始」, 「土曜日」 or 「日曜日」; "" for a business
// day. A named day off is given before the weekend (元日 on a Sunday is
// 「元日」).
func (c *Calendar) Reason(d Date) string {
	n := d.dayNum()
	if h, ok := c.offAt(n); ok {
		return h.Name
	}
	switch weekdayOf(n) {
	case time.Saturday:
		return NameSat
	case time.Sunday:
		return NameSun
	}
	return ""
}

// Holiday returns the named day off on d (national holiday, 年末年始 or
// closure day), if there is one; weekends are not named days off.
func (c *Calendar) Holiday(d Date) (Holiday, bool) { return c.offAt(d.dayNum()) }

// AddBusinessDays moves n business days from d: n > 0 gives the nth
// business day after d, n < 0 the |n|th business day before d (松本市's
// 「2営業日前まで」 is AddBusinessDays(day, -2)), and n == 0 gives d itself,
// business day or not. d itself is never counted.
func (c *Calendar) AddBusinessDays(d Date, n int) Date {
	if n == 0 {
		return d
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	m := d.dayNum()
	for n > 0 {
		m += step
		if c.isBusiness(m) {
			n--
		}
	}
	return civilFromDays(m)
}

// NextBusinessDay is the first business day after d.
func (c *Calendar) NextBusinessDay(d Date) Date { return c.AddBusinessDays(d, 1) }

// PrevBusinessDay is the last business day before d.
func (c *Calendar) PrevBusinessDay(d Date) Date { return c.AddBusinessDays(d, -1) }

// BusinessDaysBetween counts the business days in [from, to], both ends
// included; 0 when to is before from.
func (c *Calendar) BusinessDaysBetween(from, to Date) int {
	a, b := from.dayNum(), to.dayNum()
	if b < a {
		return 0
	}
	i, j := a-c.start, b-c.start
	if i >= 0 && j < len(c.entry) {
		return int(c.cum[j+1] - c.cum[i])
	}
	count := 0
	for n := a; n <= b; n++ {
		if c.isBusiness(n) {
			count++
		}
	}
	return count
}

// Holidays lists the named days off of a year in date order: national
// holidays (also those on a weekend), 年末年始 and closure days, one per
// date (a national holiday is shown over 年末年始 or a closure on the same
// day). Outside the calendar's years only computed holidays and 年末年始.
func (c *Calendar) Holidays(year int) []Holiday {
	a, b := daysFromCivil(year, time.January, 1), daysFromCivil(year+1, time.January, 1)
	var out []Holiday
	for n := a; n < b; n++ {
		if h, ok := c.offAt(n); ok {
			out = append(out, h)
		}
	}
	return out
}
