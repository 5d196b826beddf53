package api

import (
	"testing"
	"time"
)

func TestWeekdayOf(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Weekday
		ok   bool
	}{
		{"wed", time.Wednesday, true}, {"WED", time.Wednesday, true}, {" Wednesday ", time.Wednesday, true},
		{"sunday", time.Sunday, true}, {"水", time.Wednesday, true}, {"水曜", time.Wednesday, true},
		{"水曜日", time.Wednesday, true}, {"日", time.Sunday, true}, {"日曜日", time.Sunday, true}, {"土曜", time.Saturday, true},
		{"土日", 0, false}, {"曜日", 0, false}, {"", 0, false}, {"wedn", 0, false}, {"3", time.Wednesday, true}, {"7", 0, false}, {"33", 0, false},
	} {
		got, ok := weekdayOf(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("weekdayOf(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
