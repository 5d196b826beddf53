package calendar

import "time"

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
}
