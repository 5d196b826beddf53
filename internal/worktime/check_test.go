package worktime

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/policy"
)

func at(hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-12-01 "+hm, calendar.Tokyo)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCheck(t *testing.T) {
	std := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "17:15", BreakMinutes: 60,
		WindowStart: "07:00", WindowEnd: "22:00", Overtime: "prior_approval"}}
	flex := policy.Policy{Hours: policy.Hours{Flex: true, CoreStart: "10:00", CoreEnd: "15:00", Overtime: "allowed"}}
	night := policy.Policy{Hours: policy.Hours{End: "17:15", Overtime: "allowed", NoLateNight: true}}
	kobe := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Flex: true, CoreStart: "10:00", CoreEnd: "15:00",
		Overtime: "prohibited"}}
	flexApproval := kobe
	flexApproval.Hours.Overtime = "prior_approval"
	date := calendar.Date{Year: 2026, Month: 12, Day: 1}
	lunch := []Break{{Start: at("12:00"), End: at("13:00")}}
	day := func(s, e string, b []Break) Day {
		d := Day{Date: date, Start: at(s), Breaks: b, ApplicationID: 1}
		if e != "" {
			d.End = at(e)
		}
		return d
	}
	cases := []struct {
		name string
		in   Input
		want []string // messages in Japanese
	}{
		{"a standard day", Input{Policy: std, Day: day("08:30", "17:15", lunch), Now: at("18:00")}, nil},
		{"not started", Input{Policy: std, Day: Day{Date: date}, Now: at("23:59")}, nil},
		{"no application where one is needed", Input{Policy: std, NeedsApplication: true,
			Day: Day{Date: date, Start: at("08:30")}, Now: at("09:00")},
			[]string{"申請なしの勤務: 2026-12-01は承認済みのテレワーク申請がありません(制度では事前の申請が必要です)。所属長に確認してください。"}},
		{"application present", Input{Policy: std, NeedsApplication: true, Day: day("08:30", "", nil), Now: at("09:00")}, nil},
		{"before the window", Input{Policy: std, Day: day("06:40", "", nil), Now: at("07:00")},
			[]string{"勤務可能時間帯の前の始業: 06:40に始業しました(勤務できるのは07:00からです)。"}},
		{"no clock-out by the cut-off", Input{Policy: std, Day: day("08:30", "", nil), Now: at("23:59").Add(31 * time.Minute)},
			[]string{"終業報告なし: 翌日00:00を過ぎても終業報告がありません。終業時刻を報告してください。"}},
		{"still working before the cut-off", Input{Policy: std, Day: day("08:30", "", nil), Now: at("21:00")}, nil},
		{"overtime without approval", Input{Policy: std, Day: day("08:30", "18:15", lunch), Now: at("18:15")},
			[]string{"事前承認のない時間外勤務: 18:15に終業しました(所定の終業17:15より60分超過)。時間外勤務は事前に所属長の承認が必要です。"}},
		{"overtime approved", Input{Policy: std, Day: func() Day { d := day("08:30", "18:15", lunch); d.OvertimeApproved = true; return d }(),
			Now: at("18:15")}, nil},
		{"after the window, late night, long hours", Input{Policy: std, Day: day("08:30", "22:30", lunch), Now: at("22:30")},
			[]string{"勤務可能時間帯の後の終業: 22:30に終業しました(勤務できるのは22:00までです)。",
				"事前承認のない時間外勤務: 22:30に終業しました(所定の終業17:15より315分超過)。時間外勤務は事前に所属長の承認が必要です。",
				"深夜勤務(22時〜翌5時): 30分の深夜勤務があります。深夜勤務は事前に所属長の承認が必要です。",
				"長時間勤務: 勤務時間が13時間で、10時間を超えています。健康に配慮してください。"}},
		{"late night banned even when overtime is allowed", Input{Policy: night, Day: day("13:00", "22:15", lunch), Now: at("22:15")},
			[]string{"深夜勤務(22時〜翌5時): 15分の深夜勤務があります。この制度ではテレワーク中の深夜勤務は禁止されています。"}},
		{"a start in the late-night hours, banned", Input{Policy: night, Day: day("22:30", "", nil), Now: at("22:30")},
			[]string{"深夜勤務(22時〜翌5時): 22:30、深夜の時間帯に始業しました。この制度ではテレワーク中の深夜勤務は禁止されています。"}},
		{"a start in the late-night hours without approval", Input{Policy: std, Day: day("04:30", "", nil), Now: at("04:30")},
			[]string{"勤務可能時間帯の前の始業: 04:30に始業しました(勤務できるのは07:00からです)。",
				"深夜勤務(22時〜翌5時): 04:30、深夜の時間帯に始業しました。深夜勤務は事前に所属長の承認が必要です。"}},
		{"a start in the late-night hours, prior-approved", Input{Policy: std, Day: day("22:10", "", nil), Now: at("22:10"), PriorOvertime: "23:00"}, nil},
		{"a start in the late-night hours, approved with the application", Input{Policy: std,
			Day: func() Day { d := day("22:10", "", nil); d.OvertimeApproved = true; return d }(), Now: at("22:10")}, nil},
		{"a start in the late-night hours where overtime is allowed", Input{Policy: flex, Day: day("23:00", "", nil), Now: at("23:00")}, nil},
		{"core time not covered", Input{Policy: flex, Day: day("10:30", "16:00", nil), Now: at("16:00")},
			[]string{"コアタイム未充足: 勤務10:30〜16:00はコアタイム10:00〜15:00を満たしていません。"}},
		{"core time covered", Input{Policy: flex, Day: day("09:00", "15:00", nil), Now: at("15:00")}, nil},
		// An approved afternoon (or hourly) day is not held to the core
		// time: the application's check does not ask it either.
		{"core time not asked of a part day", Input{Policy: flex, Day: func() Day { d := day("13:00", "17:15", nil); d.PartDay = true; return d }(), Now: at("17:15")}, nil},
		{"work past midnight reads as the next day's time", Input{Policy: flex, Day: func() Day {
			d := day("21:00", "", nil)
			d.End = at("01:30").AddDate(0, 0, 1)
			return d
		}(), Now: at("23:59").Add(2 * time.Hour)},
			[]string{"コアタイム未充足: 勤務21:00〜翌1:30はコアタイム10:00〜15:00を満たしていません。"}},
		{"6 h exactly needs no break", Input{Policy: flex, Day: day("09:00", "15:00", nil), Now: at("15:00")}, nil},
		{"over 6 h with 30 min break", Input{Policy: flex, Day: day("09:00", "15:45",
			[]Break{{Start: at("12:00"), End: at("12:30")}}), Now: at("16:00")},
			[]string{"休憩不足(労働基準法第34条): 勤務時間6時間15分に対して休憩が30分です。6時間を超える勤務は45分、8時間を超える勤務は60分以上の休憩が必要です(必要: 45分)。"}},
		{"over 8 h with 45 min break", Input{Policy: flex, Day: day("09:00", "18:00",
			[]Break{{Start: at("12:00"), End: at("12:45")}}), Now: at("18:00")},
			[]string{"休憩不足(労働基準法第34条): 勤務時間8時間15分に対して休憩が45分です。6時間を超える勤務は45分、8時間を超える勤務は60分以上の休憩が必要です(必要: 60分)。"}},
		{"flextime, overtime prohibited: the day's length is what counts (神戸市)", Input{Policy: kobe, Day: day("07:00", "19:00", lunch), Now: at("19:00")},
			[]string{"事前承認のない時間外勤務: 07:00〜19:00の勤務時間が11時間で、1日の所定の勤務時間(7時間45分)を195分超えています。この制度ではテレワーク中の時間外勤務は禁止されています。",
				"長時間勤務: 勤務時間が11時間で、10時間を超えています。健康に配慮してください。"}},
		{"flextime: a standard day with no break recorded is no overtime (the break is break_short's)", Input{Policy: kobe, Day: day("08:30", "17:15", nil), Now: at("17:15")},
			[]string{"休憩不足(労働基準法第34条): 勤務時間8時間45分に対して休憩が0分です。6時間を超える勤務は45分、8時間を超える勤務は60分以上の休憩が必要です(必要: 60分)。"}},
		{"flextime, prior approval: the time past the request is what is said", Input{Policy: flexApproval, Day: day("09:00", "19:30", lunch), Now: at("19:30"), PriorOvertime: "17:00"},
			[]string{"事前承認を超えた時間外勤務: 19:30に終業しました(事前承認は17:00まで、150分超過)。承認の時刻を超える場合は、改めて所属長の承認を受けてください。"}},
		{"flextime: a standard length placed early is no overtime", Input{Policy: kobe, Day: day("07:00", "15:45", lunch), Now: at("16:00")}, nil},
		{"flextime, prior approval: worked within the request", Input{Policy: flexApproval, Day: day("09:00", "18:30", lunch), Now: at("18:30"), PriorOvertime: "19:00"}, nil},
		{"flextime, prior approval: worked past the request", Input{Policy: flexApproval, Day: day("09:00", "19:30", lunch), Now: at("19:30"), PriorOvertime: "19:00"},
			[]string{"事前承認を超えた時間外勤務: 19:30に終業しました(事前承認は19:00まで、30分超過)。承認の時刻を超える場合は、改めて所属長の承認を受けてください。"}},
		{"flextime, prior approval: none asked", Input{Policy: flexApproval, Day: day("09:00", "18:30", lunch), Now: at("18:30")},
			[]string{"事前承認のない時間外勤務: 09:00〜18:30の勤務時間が8時間30分で、1日の所定の勤務時間(7時間45分)を45分超えています。時間外勤務は事前に所属長の承認が必要です。"}},
		{"中抜け as hourly leave is neither work nor rest", Input{Policy: flex, Day: day("09:00", "17:00",
			[]Break{{Start: at("12:00"), End: at("12:45")}, {Start: at("14:00"), End: at("16:00"), Hourly: true}}), Now: at("17:00")}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := Check(c.in)
			var got []string
			for _, w := range ws {
				got = append(got, w.Message("ja"))
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d warnings %q, want %q", len(got), got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("warning %d:\n got %s\nwant %s", i, got[i], c.want[i])
				}
			}
		})
	}
}

// TestNoClockOutAfterTheDaysEnd: a day is told of a missing end report
// from its cut-off (the end of the window or of the day's hours, + 2 h) —
// but work begun at or after that end has not missed it: its cut-off is
// the same time the next day.
func TestNoClockOutAfterTheDaysEnd(t *testing.T) {
	short := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "14:00", Overtime: "prior_approval"}}
	window := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "17:15", WindowEnd: "22:00", Overtime: "prior_approval"}}
	date := calendar.Date{Year: 2026, Month: 12, Day: 1}
	next := func(hm string) time.Time { return at(hm).AddDate(0, 0, 1) }
	cases := []struct {
		name   string
		pol    policy.Policy
		start  string
		now    time.Time
		cutoff string // the no_clock_out's cut-off, "" none
	}{
		{"begun before the end, past the cut-off", short, "13:59", at("16:00"), "16:00"},
		{"begun before the end, before the cut-off", short, "13:59", at("15:59"), ""},
		{"begun after the end, at once", short, "16:36", at("16:36"), ""},
		{"begun between the end and the cut-off", short, "15:00", at("16:00"), ""},
		{"begun after the end, that evening", short, "21:00", at("22:05"), ""},
		{"begun after the end, before the next day's cut-off", short, "21:00", next("15:59"), ""},
		{"begun after the end, past the next day's cut-off", short, "21:00", next("16:00"), "16:00"},
		{"begun after the window's end, past midnight", window, "23:00", next("00:30"), ""},
		{"begun after the window's end, the next day's cut-off", window, "23:00", next("23:59").Add(time.Minute), "00:00"},
		{"begun within the window, past midnight", window, "21:00", next("00:00"), "00:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := Check(Input{Policy: c.pol, Day: Day{Date: date, Start: at(c.start), ApplicationID: 1}, Now: c.now})
			got := ""
			for _, w := range ws {
				if w.Rule == RuleNoClockOut {
					got = fmt.Sprint(w.Args["Cutoff"])
					// A cut-off on the next day is said to be the next day's.
					if next := c.now.In(calendar.Tokyo).Day() != date.Day; w.Args["NextDay"] != next {
						t.Errorf("NextDay %v, want %v", w.Args["NextDay"], next)
					}
				}
			}
			if got != c.cutoff {
				t.Fatalf("no_clock_out cut-off %q, want %q (%+v)", got, c.cutoff, ws)
			}
		})
	}
}

func TestLegalBreak(t *testing.T) {
	for _, c := range []struct{ work, want int }{{360, 0}, {361, 45}, {480, 45}, {481, 60}, {0, 0}} {
		if got := LegalBreak(c.work); got != c.want {
			t.Errorf("LegalBreak(%d) = %d, want %d", c.work, got, c.want)
		}
	}
}

// TestPastMidnightInMessages: a time past midnight stays the work day's
// clock in the warning's Args ("25:30", what the API carries) and reads as
// the next day's in each language.
func TestPastMidnightInMessages(t *testing.T) {
	w := Warning{Rule: RuleAfterWindow, Args: map[string]any{"Time": fmtHM(25*60 + 30), "Limit": "22:00"}}
	if ja := w.Message("ja"); ja != "勤務可能時間帯の後の終業: 翌1:30に終業しました(勤務できるのは22:00までです)。" {
		t.Errorf("ja: %s", ja)
	}
	if en := w.Message("en"); !strings.Contains(en, "1:30 (next day)") {
		t.Errorf("en: %s", en)
	}
	if w.Args["Time"] != "25:30" {
		t.Errorf("the args changed: %v", w.Args)
	}
	for _, s := range []any{"23:59", "48:00", "2a:30", "25:3", 1530} {
		if _, ok := pastMidnight(s); ok {
			t.Errorf("%v read as past midnight", s)
		}
	}
}
