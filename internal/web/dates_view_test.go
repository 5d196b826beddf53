package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// TestDatesInTheReadersEra: the texts built before rendering (the dates
// of an application, a history line, a deadline finding, a month heading)
// name their years in the era the reader chose, never both eras at once.
func TestDatesInTheReadersEra(t *testing.T) {
	next := calendar.DateOf(time.Now()).Year + 1
	feb3 := calendar.Date{Year: next, Month: time.February, Day: 3}
	run := []calendar.Date{feb3, feb3.AddDays(7), feb3.AddDays(14), feb3.AddDays(21)}
	dec23, jan6 := calendar.Date{Year: next - 1, Month: time.December, Day: 23}, calendar.Date{Year: next, Month: time.January, Day: 6}
	seireki := &view{Lang: "ja", P: &auth.Principal{}}
	wareki := &view{Lang: "ja", P: &auth.Principal{Wareki: true}}
	deadline := policy.Finding{Rule: "deadline.submission", Severity: policy.Error, Date: feb3, Key: "policy.deadline.submission",
		Args: map[string]any{"Deadline": feb3.AddDays(-1).String() + " 23:59", "Now": feb3.String() + " 16:36", "Days": 1}}
	cancel := apply.Decision{Action: apply.ActCancel, ByName: "渡邉 蓮", Dates: []calendar.Date{feb3.AddDays(14)}}
	eraYear, year := calendar.WarekiYear(feb3), func(y int) string { return strconv.Itoa(y) + "年" }
	for _, c := range []struct {
		name      string
		got       string
		want, not string
	}{
		{"dates summary, 和暦", wareki.datesSummary(run), eraYear + "2月3日(" + feb3.WeekdayJA() + ")〜", year(next)},
		{"dates summary, 西暦", seireki.datesSummary(run), year(next) + "2月3日(" + feb3.WeekdayJA() + ")〜", "令和"},
		// Across new year, the later day names its year too.
		{"dates summary across new year, 和暦", wareki.datesSummary([]calendar.Date{dec23, jan6}),
			"12月23日(" + dec23.WeekdayJA() + ")、" + calendar.WarekiYear(jan6) + "1月6日(" + jan6.WeekdayJA() + ")", year(next)},
		{"dates summary across new year, 西暦", seireki.datesSummary([]calendar.Date{dec23, jan6}),
			"、" + year(next) + "1月6日", "令和"},
		{"history line, 和暦", decisionText(wareki, cancel, 0), eraYear + "2月17日", year(next)},
		{"deadline finding, 和暦", wareki.Finding(deadline), eraYear + "2月2日 23:59", "-"},
		{"deadline finding, 西暦", seireki.Finding(deadline), year(next) + "2月2日 23:59", "-02-"},
		{"month heading, 和暦", wareki.YearMonth(feb3), eraYear + "2月", year(next)},
		{"month heading, English", (&view{Lang: "en"}).YearMonth(feb3), "/2", "年"},
		{"day with weekday, English", (&view{Lang: "en"}).DateWeekday(feb3), feb3.Time().Format("Mon 2 Jan 2006"), "年"},
	} {
		if !strings.Contains(c.got, c.want) || strings.Contains(c.got, c.not) {
			t.Errorf("%s: %q, want %q and no %q", c.name, c.got, c.want, c.not)
		}
	}
}

// TestLocalArgs: a list of ISO dates in a message's argument is shown in
// the reader's form, joined with 「、」 in Japanese (", " in English, the
// month spelt out), also
// inside a text nested by language (a working-time warning's Details).
func TestLocalArgs(t *testing.T) {
	ja, en := &view{Lang: "ja", P: &auth.Principal{}}, &view{Lang: "en", P: &auth.Principal{}}
	args := map[string]any{"Dates": "2026-12-08, 2026-12-10, 2026-12-11, +2", "Count": 5,
		"Details": map[string]any{"ja": "申請なしの勤務: 2026-12-03は承認済みの申請がありません。", "en": "No application on 2026-12-03."}}
	got := ja.localArgs(args)
	if got["Dates"] != "2026年12月8日、2026年12月10日、2026年12月11日、ほか2日" || got["Count"] != 5 {
		t.Errorf("ja: %v", got)
	}
	if d := got["Details"].(map[string]any)["ja"]; d != "申請なしの勤務: 2026年12月3日は承認済みの申請がありません。" {
		t.Errorf("ja details: %v", d)
	}
	// English spells the month out, as its pages write a day (17 Dec 2026).
	if got := en.localArgs(args); got["Dates"] != "8 Dec 2026, 10 Dec 2026, 11 Dec 2026, +2" {
		t.Errorf("en: %v", got)
	}
	if args["Dates"] != "2026-12-08, 2026-12-10, 2026-12-11, +2" {
		t.Error("the arguments themselves were changed")
	}
}
