package tasks

import (
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Task-hours from 処理の時期. A sheet's 処理の時期 often says how often and
// how long (「毎日 1時間」「月2回 3時間」「4月〜6月 毎日2時間」); where the
// task's hours a year are not given, they are estimated from it, so that the
// summary can show the share of working hours and not only of tasks. A
// timing without both a frequency and a duration gives no estimate.

// Working days and weeks per year and per month the estimate assumes.
const (
	daysPerYear   = 240.0 // about 52 weeks × 5 days, less holidays
	daysPerMonth  = daysPerYear / 12
	weeksPerMonth = 52.0 / 12
)

var (
	reHours   = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*時間(?:\s*(\d+)\s*分)?`)
	reMinutes = regexp.MustCompile(`(\d+)\s*分`)
	reTimes   = regexp.MustCompile(`(毎日|毎週|毎月|毎年|日次|週次|月次|年次|四半期|(?:週|月|年)\s*に?\s*(\d+)\s*回)`)
	reMonths  = regexp.MustCompile(`(\d+)\s*月\s*[〜~\-－―ー～から]+\s*翌?\s*(?:年\s*)?(\d+)\s*月`)
)

// EstimateHours estimates a task's hours a year from its 処理の時期; ok is
// false when the text does not say both how often and how long.
func EstimateHours(timing string) (hours float64, ok bool) {
	s := norm.NFKC.String(timing)
	per := 0.0
	if m := reHours.FindStringSubmatch(s); m != nil {
		per, _ = strconv.ParseFloat(m[1], 64)
		if m[2] != "" {
			min, _ := strconv.Atoi(m[2])
			per += float64(min) / 60
		}
	} else if m := reMinutes.FindStringSubmatch(s); m != nil {
		min, _ := strconv.Atoi(m[1])
		per = float64(min) / 60
	}
	// 「12月 1回」: the 月 is the month's, not 「月1回」 — N times in the
	// named month, as 年N回.
	var f []string
	yearly := false
	for _, ix := range reTimes.FindAllStringSubmatchIndex(s, -1) {
		if m := s[ix[2]:ix[3]]; strings.HasPrefix(m, "月") && ix[2] > 0 && s[ix[2]-1] >= '0' && s[ix[2]-1] <= '9' {
			f, yearly = []string{s[ix[0]:ix[1]], "年" + m[len("月"):], s[ix[4]:ix[5]]}, true
			continue
		}
		f, yearly = []string{s[ix[0]:ix[1]], s[ix[2]:ix[3]], ""}, false
		if ix[4] >= 0 {
			f[2] = s[ix[4]:ix[5]]
		}
		break
	}
	if per <= 0 || f == nil {
		return 0, false
	}
	if yearly {
		n, _ := strconv.ParseFloat(f[2], 64)
		return n * per, true
	}
	// months is the part of the year the task runs (12 unless a range of
	// months is named).
	months := 12.0
	if m := reMonths.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a >= 1 && a <= 12 && b >= 1 && b <= 12 {
			months = float64((b-a+12)%12 + 1)
		}
	}
	n := 1.0
	if f[2] != "" {
		n, _ = strconv.ParseFloat(f[2], 64)
	}
	var times float64
	switch w := strings.ReplaceAll(f[1], " ", ""); {
	case w == "毎日" || w == "日次":
		times = daysPerMonth * months
	case w == "毎週" || w == "週次" || strings.HasPrefix(w, "週"):
		times = weeksPerMonth * months * n
	case w == "毎月" || w == "月次" || strings.HasPrefix(w, "月"):
		times = months * n
	case w == "四半期":
		times = 4
	default: // 毎年, 年次, 年N回
		times = n
	}
	return times * per, true
}
