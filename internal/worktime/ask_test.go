package worktime

import (
	"strings"
	"testing"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/org"
)

// TestWarningAsksOnlyThePerson: the person is told what to do about a
// missing end or start report or a day without an application; the
// supervisor reads the same finding with its numbers but is not told to
// report the person's end — in the notices and in Finding.
func TestWarningAsksOnlyThePerson(t *testing.T) {
	d := Day{ID: 7, StaffID: 2, Date: calendar.Date{Year: 2026, Month: 12, Day: 1}}
	st := &org.Staff{ID: 2, Name: "山田 太郎", UnitID: 3}
	heads := []apply.Head{{StaffID: 9}}
	for _, tc := range []struct {
		w        Warning
		finding  string
		ask, en  string
		noAskFor bool
	}{
		{Warning{Rule: RuleNoClockOut, Args: map[string]any{"Cutoff": "22:00"}}, "22:00を過ぎても終業報告がありません。", "終業時刻を報告してください。", "Please report when you finished.", false},
		{Warning{Rule: RuleNoClockIn, Args: map[string]any{"Expected": "08:30"}}, "始業報告がありません。", "始業したら報告してください", "Please report when you start", false},
		{Warning{Rule: RuleNoApplication, Args: map[string]any{"Date": "2026-12-01"}}, "承認済みのテレワーク申請がありません", "所属長に確認してください。", "Please check with your supervisor.", false},
		{Warning{Rule: RuleBreakShort, Args: map[string]any{"WorkH": 8, "WorkM": 30, "Break": 30, "Need": 60}}, "休憩が30分です", "", "", true},
	} {
		t.Run(tc.w.Rule, func(t *testing.T) {
			own, other := tc.w.Message("ja"), tc.w.Finding("ja")
			if !strings.Contains(other, tc.finding) || !strings.Contains(own, tc.finding) {
				t.Fatalf("finding missing: own %q, other %q", own, other)
			}
			if tc.noAskFor {
				if own != other {
					t.Errorf("a rule without an ask differs: %q vs %q", own, other)
				}
				return
			}
			if !strings.Contains(own, tc.ask) || strings.Contains(other, tc.ask) {
				t.Errorf("ask %q: own %q, supervisor %q", tc.ask, own, other)
			}
			if en := tc.w.Message("en"); !strings.Contains(en, tc.en) || strings.Contains(tc.w.Finding("en"), tc.en) || strings.Contains(en, ".Please") {
				t.Errorf("English: %q / %q", en, tc.w.Finding("en"))
			}
			// A job raised it: the head and the person are told, each in their words.
			ns := warningNotes(0, st, heads, d, []Warning{tc.w})
			if len(ns) != 2 {
				t.Fatalf("%d notices", len(ns))
			}
			for _, n := range ns {
				text := n.Message("ja")
				asked := strings.Contains(text, tc.ask)
				if n.StaffID == 9 && (asked || n.Kind != NotifyWarning) || n.StaffID == 2 && (!asked || n.Kind != NotifyWarningSelf) {
					t.Errorf("notice to %d (%s): %q", n.StaffID, n.Kind, text)
				}
			}
		})
	}
}
