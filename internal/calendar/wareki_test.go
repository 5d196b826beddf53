package calendar

import (
	"testing"
	"time"
)

func TestWareki(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{Date{2025, time.April, 1}, "令和7年4月1日"},
		{Date{2019, time.May, 1}, "令和元年5月1日"},
		{Date{2019, time.April, 30}, "平成31年4月30日"},
		{Date{1989, time.January, 8}, "平成元年1月8日"},
		{Date{1989, time.January, 7}, "昭和64年1月7日"},
		{Date{1926, time.December, 25}, "昭和元年12月25日"},
		{Date{1926, time.December, 24}, "大正15年12月24日"},
		{Date{1912, time.July, 30}, "大正元年7月30日"},
		{Date{1912, time.July, 29}, "明治45年7月29日"},
		{Date{1800, time.January, 1}, "1800年1月1日"},
	}
	for _, tt := range tests {
		if got := Wareki(tt.d); got != tt.want {
			t.Errorf("Wareki(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2025-02-30", "2025/04/01", "", "20250401"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted a bad date", s)
		}
	}
	d, err := ParseDate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" || d.AddDays(1).String() != "2024-03-01" {
		t.Fatalf("ParseDate leap day: %v %v", d, err)
	}
}
