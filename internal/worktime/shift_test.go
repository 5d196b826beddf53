package worktime

import (
	"slices"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/policy"
)

// TestShiftOvertime: where the policy allows 時差勤務 (渋谷区) the day's
// shift is the standard length from the actual start, and overtime is the
// time beyond its end; under standard hours (松本市) work before the
// standard start (早出) is overtime too.
func TestShiftOvertime(t *testing.T) {
	shibuya := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, StaggeredWork: true,
		Overtime: "prior_approval"}}
	matsumoto := policy.Policy{Hours: policy.Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Overtime: "prior_approval"}}
	allowed := matsumoto
	allowed.Hours.Overtime = "allowed"
	short := matsumoto // hours ending 14:00
	short.Hours.End = "14:00"
	date := calendar.Date{Year: 2026, Month: 12, Day: 1}
	day := func(s, e string) Day {
		return Day{Date: date, Start: at(s), End: at(e), ApplicationID: 1,
			Breaks: []Break{{Start: at("12:00"), End: at("13:00")}}}
	}
	cases := []struct {
		name     string
		pol      policy.Policy
		day      Day
		grant    string
		want     []string // rules
		minutes  int      // of the overtime warning
		messages string   // its Japanese message, when checked
	}{
		{"staggered 10:00–18:45 is the shift", shibuya, day("10:00", "18:45"), "", nil, 0, ""},
		{"staggered 10:00–19:15 is 30 min over the shifted end", shibuya, day("10:00", "19:15"), "", []string{RuleOvertime}, 30,
			"事前承認のない時間外勤務: 19:15に終業しました(時差勤務の終業18:45より30分超過)。時間外勤務は事前に所属長の承認が必要です。"},
		{"staggered 07:30–17:15 is 60 min over", shibuya, day("07:30", "17:15"), "", []string{RuleOvertime}, 60, ""},
		{"staggered, approved until 19:30", shibuya, day("10:00", "19:15"), "19:30", nil, 0, ""},
		{"standard 08:30–17:15", matsumoto, day("08:30", "17:15"), "", nil, 0, ""},
		{"early 06:30–17:15 is 120 min of 早出", matsumoto, day("06:30", "17:15"), "", []string{RuleOvertime}, 120,
			"事前承認のない時間外勤務: 06:30に始業しました(所定の始業08:30より120分早い)。時間外勤務は事前に所属長の承認が必要です。"},
		{"early and late", matsumoto, day("08:00", "17:45"), "", []string{RuleOvertime}, 60,
			"事前承認のない時間外勤務: 08:00に始業しました(所定の始業08:30より30分早い)。17:45に終業しました(所定の終業17:15より30分超過)。合わせて60分です。時間外勤務は事前に所属長の承認が必要です。"},
		{"late only, unchanged", matsumoto, day("08:30", "18:15"), "", []string{RuleOvertime}, 60,
			"事前承認のない時間外勤務: 18:15に終業しました(所定の終業17:15より60分超過)。時間外勤務は事前に所属長の承認が必要です。"},
		// Only the time worked outside the shift counts: work begun after
		// its end counts from its start, work ended before its start up
		// to its end.
		{"begun after the standard end: 16:36–16:37 is 1 min", short, day("16:36", "16:37"), "", []string{RuleOvertime}, 1,
			"事前承認のない時間外勤務: 16:36〜16:37の勤務は、すべて所定の勤務時間(08:30〜14:00)の外です(1分)。時間外勤務は事前に所属長の承認が必要です。"},
		{"begun after the standard end, past midnight: 21:00–01:30 is 270 min", matsumoto,
			func() Day { d := day("21:00", "21:00"); d.End = at("01:30").AddDate(0, 0, 1); return d }(), "", []string{RuleOvertime}, 270, ""},
		{"begun before the standard end: 13:00–16:37 is 157 min", short, day("13:00", "16:37"), "", []string{RuleOvertime}, 157,
			"事前承認のない時間外勤務: 16:37に終業しました(所定の終業14:00より157分超過)。時間外勤務は事前に所属長の承認が必要です。"},
		{"ended before the standard start: 05:00–07:00 is 120 min", matsumoto, day("05:00", "07:00"), "", []string{RuleOvertime}, 120,
			"事前承認のない時間外勤務: 05:00〜07:00の勤務は、すべて所定の勤務時間(08:30〜17:15)の外です(120分)。時間外勤務は事前に所属長の承認が必要です。"},
		{"begun after the standard end, approved until 19:00", short, day("16:36", "19:30"), "19:00", []string{RuleOvertimeBeyond}, 30, ""},
		{"early under a policy allowing overtime", allowed, day("06:30", "17:15"), "", nil, 0, ""},
		{"early with the application's approval", matsumoto, func() Day { d := day("06:30", "17:15"); d.OvertimeApproved = true; return d }(),
			"", nil, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := Check(Input{Policy: c.pol, Day: c.day, Now: c.day.End, PriorOvertime: c.grant})
			var rules []string
			for _, w := range ws {
				if w.Rule == RuleOvertime || w.Rule == RuleOvertimeBeyond {
					rules = append(rules, w.Rule)
					if w.Args["Minutes"] != c.minutes {
						t.Errorf("minutes %v, want %d", w.Args["Minutes"], c.minutes)
					}
					if c.messages != "" && w.Message("ja") != c.messages {
						t.Errorf("message\n got %s\nwant %s", w.Message("ja"), c.messages)
					}
				}
			}
			if !slices.Equal(rules, c.want) {
				t.Fatalf("rules %v, want %v (%+v)", rules, c.want, ws)
			}
		})
	}
	// No clock-out: the cut-off follows the shifted end (19:45 + 2 h).
	late := Day{Date: date, Start: at("11:00"), ApplicationID: 1}
	if ws := Check(Input{Policy: shibuya, Day: late, Now: at("21:00")}); len(ws) != 0 {
		t.Fatalf("flagged before the shifted cut-off: %+v", ws)
	}
	if ws := Check(Input{Policy: shibuya, Day: late, Now: at("21:45").Add(time.Minute)}); len(ws) != 1 || ws[0].Rule != RuleNoClockOut {
		t.Fatalf("after the shifted cut-off: %+v", ws)
	}
}
