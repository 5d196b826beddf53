package places

import (
	"slices"
	"strings"
	"unicode"

	"telework/internal/calendar"
)

// SplitClosedDays splits closed days as a person types them: separated by
// commas (「,」「、」「，」) or spaces, half- or full-width; 「土日」 is 土
// and 日. Each item is read by Validate (ClosedDayCode).
func SplitClosedDays(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '、' || r == '，' || r == '・' || unicode.IsSpace(r)
	}) {
		if rs := []rune(f); len(rs) > 1 && !slices.ContainsFunc(rs, func(r rune) bool { return !slices.Contains(calendar.WeekdayNamesJA, string(r)) }) {
			for _, r := range rs {
				out = append(out, string(r))
			}
			continue
		}
		out = append(out, f)
	}
	return out
}

// ClosedDayCode is the canonical form of a closed day: a weekday code
// (sun … sat) for a weekday given as its code, its English name (Sat,
// Saturday) or its Japanese name (土, 土曜, 土曜日, （土）), or the date
// YYYY-MM-DD; ok is false for anything else.
func ClosedDayCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if slices.Contains([]string{Holidays, "holiday", "祝日", "祝休日", "休日", "祝日・年末年始", "祝日・年末年始・閉庁日", "閉庁日"}, strings.ToLower(s)) {
		return Holidays, true
	}
	if d, err := calendar.ParseDate(s); err == nil {
		return d.String(), true
	}
	low, ja := strings.ToLower(s), strings.Trim(s, "()（）")
	for i, code := range Weekdays {
		if low == code || low == englishWeekdays[i] ||
			slices.Contains([]string{calendar.WeekdayNamesJA[i], calendar.WeekdayNamesJA[i] + "曜", calendar.WeekdayNamesJA[i] + "曜日"}, ja) {
			return code, true
		}
	}
	return "", false
}

// Holidays is the closed-day code of the days the tenant's calendar has off
// besides weekends: national holidays, 年末年始 (12/29–1/3) and closure days
// (a review found 支所 bookable on 元日). Typed as 祝日 (or holidays).
const Holidays = "holidays"

// englishWeekdays are the English weekday names, index as Weekdays.
var englishWeekdays = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// ClosedDayLabel shows a closed day's canonical form in the language l
// (ja: 土, a date as it is).
func ClosedDayLabel(l, code string) string {
	if code == Holidays && l != "en" {
		return "祝日"
	}
	if i := slices.Index(Weekdays, code); i >= 0 && l != "en" {
		return calendar.WeekdayNamesJA[i]
	}
	return code
}
