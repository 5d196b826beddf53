// Package calendar owns civil dates (business dates without a time zone),
// the Japanese era (和暦) used to display and read them, the national
// holidays (computed under the 祝日法 or imported from the Cabinet Office's
// syukujitsu.csv) and the business calendar built on them: 土日, 祝日,
// 年末年始 (12/29–1/3) and a tenant's closure days (閉庁日).
package calendar

import (
	"fmt"
	"time"

	"telework/internal/apperr"
)

// Tokyo is the zone in which every tenant's business day is reckoned.
var Tokyo = mustZone("Asia/Tokyo")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The binary embeds tzdata (see cmd/telework), so this only happens
		// when that import is removed; a fixed +9 zone is the same for Japan.
		return time.FixedZone("JST", 9*3600)
	}
	return loc
}

// Date is a civil date. The zero value is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in Tokyo.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Tokyo).Date()
	return Date{y, m, d}
}

// MinuteOf is the minutes after midnight of t's clock in Tokyo (8:30 is
// 510): the civil time of day the rules compare, as DateOf is the civil day.
func MinuteOf(t time.Time) int {
	t = t.In(Tokyo)
	return t.Hour()*60 + t.Minute()
}

// ParseDate reads YYYY-MM-DD and rejects impossible dates such as 2025-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: %q is not a date in YYYY-MM-DD form", s)
	}
	y, m, d := t.Date()
	return Date{y, m, d}, nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String is the ISO form YYYY-MM-DD, also the storage form.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time is midnight of d in Tokyo.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Tokyo) }

// Weekday of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.dayNum()) }

// WeekdayNamesJA are the weekdays' one-character Japanese names, indexed
// by time.Weekday (日 … 土).
var WeekdayNamesJA = []string{"日", "月", "火", "水", "木", "金", "土"}

// WeekdayJA is d's weekday in one Japanese character (土).
func (d Date) WeekdayJA() string { return WeekdayNamesJA[d.Weekday()] }

// AddDays moves d by n calendar days.
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
	y, m, dd := t.Date()
	return Date{y, m, dd}
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// PeriodOrder refuses a period whose end (field) comes before its start,
// with one message for every list and report; an open end is no period
// to check.
func PeriodOrder(v *apperr.Validation, field string, from, to Date) {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		v.Add(field, "field.period_order", nil)
	}
}
