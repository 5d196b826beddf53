package calendar

import (
	"fmt"
	"time"
)

// Era is one Japanese era (元号) and the first day of its first year.
type Era struct {
	Name   string // 令和
	Short  string // R
	NameEn string // Reiwa
	Start  Date
}

// Eras from 明治 on, newest first. 明治 is counted from the Gregorian
// calendar's adoption on 1873-01-01 (明治6年); earlier dates fall back to 西暦.
var Eras = []Era{
	{"令和", "R", "Reiwa", Date{2019, time.May, 1}},
	{"平成", "H", "Heisei", Date{1989, time.January, 8}},
	{"昭和", "S", "Showa", Date{1926, time.December, 25}},
	{"大正", "T", "Taisho", Date{1912, time.July, 30}},
	{"明治", "M", "Meiji", Date{1868, time.January, 25}},
}

// EraOf returns the era of d and the year within it (1 = 元年). ok is false
// before 明治.
func EraOf(d Date) (era Era, year int, ok bool) {
	for _, e := range Eras {
		if !d.Before(e.Start) {
			return e, d.Year - e.Start.Year + 1, true
		}
	}
	return Era{}, 0, false
}

// Wareki formats d as 令和7年4月1日 (元年 for the first year).
func Wareki(d Date) string { return WarekiYear(d) + fmt.Sprintf("%d月%d日", d.Month, d.Day) }

// WarekiYear is the year of d in its era: 令和7年, 令和元年 (2025年 before
// 明治), for a heading such as 令和7年4月.
func WarekiYear(d Date) string {
	e, y, ok := EraOf(d)
	if !ok {
		return fmt.Sprintf("%d年", d.Year)
	}
	ys := fmt.Sprintf("%d", y)
	if y == 1 {
		ys = "元"
	}
	return fmt.Sprintf("%s%s年", e.Name, ys)
}

// Seireki formats d as 2025年4月1日.
func Seireki(d Date) string { return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day) }
