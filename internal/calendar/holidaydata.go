package calendar

import (
	"strconv"
	"time"
)

// What an import of national holidays reports.

// HolidayData describes the imported national holidays.
type HolidayData struct {
	Days                int
	FirstYear, LastYear int // 0 when nothing was imported
	ImportedAt          time.Time
}

// HolidayImport is the outcome of an import.
type HolidayImport struct {
	Years   []int // the years replaced
	Days    int   // days written
	Added   int   // days that were not in the data before
	Removed int   // days of those years that are gone
	Renamed int   // days whose name changed
	// Kept are the days of the first and last year outside the span the
	// file covers, kept as they were (imported before, or computed).
	Kept int
	// Diffs are the days where the file differs from the computation
	// by the 祝日法 (worth a look, not an error).
	Diffs []Difference
}

// Span is the years replaced as "2024–2026" (one year alone: "2026").
func (r HolidayImport) Span() string {
	if len(r.Years) == 0 {
		return ""
	}
	span := strconv.Itoa(r.Years[0])
	if last := r.Years[len(r.Years)-1]; last != r.Years[0] {
		span += "–" + strconv.Itoa(last)
	}
	return span
}
