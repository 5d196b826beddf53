package web

import (
	"testing"
	"time"

	"telework/internal/calendar"
)

// TestReportEnd: an end past midnight is written on the day's own clock
// (the report form and the combined 申出書兼報告書 prefill it so).
func TestReportEnd(t *testing.T) {
	d := calendar.Date{Year: 2026, Month: 12, Day: 1}
	for at, want := range map[string]string{"2026-12-01 17:15": "17:15", "2026-12-02 01:30": "25:30", "2026-12-02 00:00": "24:00"} {
		tm, _ := time.ParseInLocation("2006-01-02 15:04", at, calendar.Tokyo)
		if got := reportEnd(d, tm); got != want {
			t.Errorf("%s: %s, want %s", at, got, want)
		}
	}
}
