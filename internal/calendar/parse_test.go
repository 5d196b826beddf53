package calendar

import (
	"errors"
	"testing"
)

func TestParseWareki(t *testing.T) {
	ok := []struct {
		in   string
		want Date
	}{
		{"令和7年4月1日", d(2025, 4, 1)},
		{"令和元年5月1日", d(2019, 5, 1)},
		{"令和1年5月1日", d(2019, 5, 1)},
		{"令和７年４月１日", d(2025, 4, 1)},
		{"令和 7年 4月 1日", d(2025, 4, 1)},
		{"令和７年　４月　１日", d(2025, 4, 1)},
		{"R7.4.1", d(2025, 4, 1)},
		{"R07.04.01", d(2025, 4, 1)},
		{"r7.4.1", d(2025, 4, 1)},
		{"Ｒ７．４．１", d(2025, 4, 1)},
		{"R7/4/1", d(2025, 4, 1)},
		{"R7-4-1", d(2025, 4, 1)},
		{"R元.5.1", d(2019, 5, 1)},
		{"R7年4月1日", d(2025, 4, 1)},
		{"令和7.4.1", d(2025, 4, 1)},
		{"㋿7年4月1日", d(2025, 4, 1)},
		{"H31.4.30", d(2019, 4, 30)},
		{"平成31年4月30日", d(2019, 4, 30)},
		{"平成元年1月8日", d(1989, 1, 8)},
		{"㍻元年1月8日", d(1989, 1, 8)},
		{"S64.1.7", d(1989, 1, 7)},
		{"昭和元年12月25日", d(1926, 12, 25)},
		{"大正15年12月24日", d(1926, 12, 24)},
		{"T1.7.30", d(1912, 7, 30)},
		{"明治45年7月29日", d(1912, 7, 29)},
		{"明治6年1月1日", d(1873, 1, 1)},
		{"H12.2.29", d(2000, 2, 29)},
	}
	for _, tt := range ok {
		got, err := ParseWareki(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseWareki(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if Wareki(got) != "" && err == nil {
			// Round trip through the display form.
			if back, err := ParseWareki(Wareki(got)); err != nil || back != got {
				t.Errorf("round trip %q → %q → %v %v", tt.in, Wareki(got), back, err)
			}
		}
	}
	bad := []struct {
		in, reason string
	}{
		{"令和1年4月30日", "era"}, // still 平成
		{"令和元年4月30日", "era"},
		{"平成31年5月1日", "era"}, // already 令和
		{"平成32年1月1日", "era"}, // 平成32年 never was
		{"H32.1.1", "era"},
		{"昭和64年1月8日", "era"}, // 平成 began 1/8
		{"平成元年1月7日", "era"},  // still 昭和
		{"大正15年12月25日", "era"},
		{"令和0年5月1日", "era"},
		{"令和7年2月29日", "invalid"},
		{"令和7年13月1日", "invalid"},
		{"明治5年12月2日", "lunar"},
		{"明治元年10月23日", "lunar"},
		{"2025-04-01", "format"},
		{"X7.4.1", "format"},
		{"令和7年4月", "format"},
		{"令和七年四月一日", "format"},
		{"", "format"},
	}
	for _, tt := range bad {
		_, err := ParseWareki(tt.in)
		var de *DateError
		if !errors.As(err, &de) || de.Reason != tt.reason || de.Msg == "" {
			t.Errorf("ParseWareki(%q) = %v, want reason %s", tt.in, err, tt.reason)
		}
	}
}

func TestParseDateFlexible(t *testing.T) {
	ok := []struct {
		in   string
		want Date
	}{
		{"2025-04-01", d(2025, 4, 1)},
		{"2025-4-1", d(2025, 4, 1)},
		{"2025/4/1", d(2025, 4, 1)},
		{"2025/04/01", d(2025, 4, 1)},
		{"2025.4.1", d(2025, 4, 1)},
		{" 2025/4/1 ", d(2025, 4, 1)},
		{"２０２５／４／１", d(2025, 4, 1)},
		{"2025/4/1 0:00", d(2025, 4, 1)},
		{"2025/4/1 09:30:00", d(2025, 4, 1)},
		{"2025-04-01T00:00:00", d(2025, 4, 1)},
		{"2025年4月1日", d(2025, 4, 1)},
		{"２０２５年４月１日", d(2025, 4, 1)},
		{"2025 年 4 月 1 日", d(2025, 4, 1)},
		{"20250401", d(2025, 4, 1)},
		{"令和7年4月1日", d(2025, 4, 1)},
		{"R7.4.1", d(2025, 4, 1)},
		{"H31.4.30", d(2019, 4, 30)},
		// Excel serials, 1900 date system.
		{"1", d(1900, 1, 1)},
		{"59", d(1900, 2, 28)},
		{"61", d(1900, 3, 1)},
		{"25569", d(1970, 1, 1)},
		{"43586", d(2019, 5, 1)},
		{"45748", d(2025, 4, 1)},
		{"45748.75", d(2025, 4, 1)},
		{"４５７４８", d(2025, 4, 1)},
		{"2958465", d(9999, 12, 31)},
		// A weekday after the date, as Excel displays yyyy年m月d日(aaa).
		{"2026年4月1日(水)", d(2026, 4, 1)},
		{"2026年4月1日（水）", d(2026, 4, 1)},
		{"２０２６年４月１日（水）", d(2026, 4, 1)},
		{"令和8年4月1日(水)", d(2026, 4, 1)},
		{"令和8年4月1日 (水曜日)", d(2026, 4, 1)},
		{"令和８年４月１日（水曜）", d(2026, 4, 1)},
		{"R8.4.1(水)", d(2026, 4, 1)},
		{"2026/4/1(水)", d(2026, 4, 1)},
		{"2026/4/1 (Wed)", d(2026, 4, 1)},
		{"2026-04-01 (wednesday)", d(2026, 4, 1)},
		{"2026/4/1( 水 )", d(2026, 4, 1)},
	}
	for _, tt := range ok {
		got, err := ParseDateFlexible(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDateFlexible(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	bad := []struct {
		in, reason string
	}{
		{"", "format"},
		{"   ", "format"},
		{"2025-02-30", "invalid"},
		{"2025/13/1", "invalid"},
		{"2025年2月29日", "invalid"},
		{"20250230", "invalid"},
		{"60", "serial"}, // Excel's 1900-02-29
		{"0", "serial"},
		{"2958466", "serial"},
		{"-1", "format"},
		{"令和1年4月30日", "era"},
		{"昭和64年1月8日", "era"},
		{"April 1, 2025", "format"},
		{"2025/4", "format"},
		{"4/1/2025", "format"},
		// A weekday that is not the date's: one of the two is wrong.
		{"2026年4月1日(木)", "weekday"},
		{"令和8年4月1日（火曜日）", "weekday"},
		{"2026/4/1 (Thu)", "weekday"},
		// The date is still checked under the weekday.
		{"2026年2月30日(月)", "invalid"},
		{"令和1年4月30日(火)", "era"},
		{"(水)", "format"},
		{"2026年4月1日(祝)", "format"},
		{"2026年4月1日(Funday)", "format"},
	}
	for _, tt := range bad {
		_, err := ParseDateFlexible(tt.in)
		var de *DateError
		if !errors.As(err, &de) || de.Reason != tt.reason {
			t.Errorf("ParseDateFlexible(%q) = %v, want reason %s", tt.in, err, tt.reason)
		}
	}
}
