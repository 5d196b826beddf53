package worktime

import (
	"testing"

	"telework/internal/calendar"
	"telework/internal/policy"
)

// TestCheckPriorOvertime: an approved prior overtime request covers
// overtime and late-night work up to its end; past it the rule names the
// request's end; a late-night ban stands whatever was approved; the
// application's flag still counts as approval.
func TestCheckPriorOvertime(t *testing.T) {
	std := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "17:15", Overtime: "prior_approval"}}
	banned := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "17:15", Overtime: "prohibited", NoLateNight: true}}
	free := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "17:15", Overtime: "allowed"}}
	date := calendar.Date{Year: 2026, Month: 12, Day: 1}
	lunch := []Break{{Start: at("12:00"), End: at("13:00")}}
	day := func(s, e string) Day {
		return Day{Date: date, Start: at(s), End: at(e), Breaks: lunch, ApplicationID: 1}
	}
	flagged := day("08:30", "19:00")
	flagged.OvertimeApproved = true
	cases := []struct {
		name  string
		in    Input
		rules []string
		want  []string // messages (Japanese) where given
	}{
		{"within the approved end", Input{Policy: std, Day: day("08:30", "19:00"), PriorOvertime: "19:30"}, nil, nil},
		{"exactly at the approved end", Input{Policy: std, Day: day("08:30", "19:30"), PriorOvertime: "19:30"}, nil, nil},
		{"past the approved end", Input{Policy: std, Day: day("09:30", "20:10"), PriorOvertime: "19:30"},
			[]string{RuleOvertimeBeyond},
			[]string{"事前承認を超えた時間外勤務: 20:10に終業しました(事前承認は19:30まで、40分超過)。承認の時刻を超える場合は、改めて所属長の承認を受けてください。"}},
		{"no request", Input{Policy: std, Day: day("08:30", "19:00")}, []string{RuleOvertime}, nil},
		{"the application's flag", Input{Policy: std, Day: flagged}, nil, nil},
		{"an end before the standard end approves nothing", Input{Policy: std, Day: day("08:30", "18:00"), PriorOvertime: "17:00"},
			[]string{RuleOvertime}, nil},
		{"prohibited overtime is not lifted by a request", Input{Policy: banned, Day: day("08:30", "19:00"), PriorOvertime: "20:00"},
			[]string{RuleOvertime},
			[]string{"事前承認のない時間外勤務: 19:00に終業しました(所定の終業17:15より105分超過)。この制度ではテレワーク中の時間外勤務は禁止されています。"}},
		{"nor by the application's flag", Input{Policy: banned, Day: func() Day { d := flagged; return d }()}, []string{RuleOvertime}, nil},
		{"a start 申請のとおり without an application: the ban is not known to hold", Input{Policy: banned, Day: func() Day { d := day("08:30", "19:00"); d.ApplicationID = 0; return d }(), PriorOvertime: "20:00"}, nil, nil},
		{"at the office a ban is prior approval", Input{Policy: banned, Day: func() Day { d := day("08:30", "19:00"); d.Mode = Office; return d }(), PriorOvertime: "20:00"}, nil, nil},
		{"at the office without a request", Input{Policy: banned, Day: func() Day { d := day("08:30", "22:30"); d.Mode = Office; return d }()},
			[]string{RuleOvertime, RuleLateNight, RuleLongHours},
			[]string{"事前承認のない時間外勤務: 22:30に終業しました(所定の終業17:15より315分超過)。時間外勤務は事前に所属長の承認が必要です。",
				"深夜勤務(22時〜翌5時): 30分の深夜勤務があります。深夜勤務は事前に所属長の承認が必要です。"}},
		{"late night within the request (past midnight)", Input{Policy: std, Day: Day{Date: date, Start: at("13:00"),
			End: at("23:30"), Breaks: lunch, ApplicationID: 1}, PriorOvertime: "23:45"}, nil, nil},
		{"late night partly beyond the request", Input{Policy: std, Day: Day{Date: date, Start: at("13:00"),
			End: at("23:30"), Breaks: lunch, ApplicationID: 1}, PriorOvertime: "23:00"},
			[]string{RuleOvertimeBeyond, RuleLateNight},
			[]string{"", "深夜勤務(22時〜翌5時): 30分の深夜勤務があります。深夜勤務は事前に所属長の承認が必要です。"}},
		{"a late-night ban stands", Input{Policy: banned, Day: Day{Date: date, Start: at("13:00"), End: at("22:30"),
			Breaks: lunch, ApplicationID: 1}, PriorOvertime: "23:00"}, []string{RuleOvertime, RuleLateNight},
			[]string{"", "深夜勤務(22時〜翌5時): 30分の深夜勤務があります。この制度ではテレワーク中の深夜勤務は禁止されています。"}},
		{"overtime allowed: no rule either way", Input{Policy: free, Day: day("08:30", "19:00")}, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Now = c.in.Day.End
			ws := Check(c.in)
			var got []string
			for _, w := range ws {
				got = append(got, w.Rule)
			}
			if len(got) != len(c.rules) {
				t.Fatalf("rules %v, want %v", got, c.rules)
			}
			for i := range got {
				if got[i] != c.rules[i] {
					t.Fatalf("rules %v, want %v", got, c.rules)
				}
				if i < len(c.want) && c.want[i] != "" && ws[i].Message("ja") != c.want[i] {
					t.Errorf("message %d:\n got %s\nwant %s", i, ws[i].Message("ja"), c.want[i])
				}
			}
		})
	}
}
