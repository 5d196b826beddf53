package worktime

import (
	"testing"

	"telework/internal/calendar"
	"telework/internal/policy"
)

// TestIbarakiAllotment: 茨城県's 「所属長は5:00～22:00の間で、勤務時間の割り振り
// を承認することができる(※時差出勤)」 — a day moved within the window is
// not overtime; past its moved length or 22:00 it still is (the ban
// stands).
func TestIbarakiAllotment(t *testing.T) {
	tp, _ := policy.TemplateByName("ibaraki")
	date := calendar.Date{Year: 2026, Month: 12, Day: 1}
	day := func(s, e, bs, be string) Day {
		return Day{Date: date, Start: at(s), End: at(e), Breaks: []Break{{Start: at(bs), End: at(be)}}, ApplicationID: 1, Mode: policy.Home}
	}
	for _, c := range []struct {
		name  string
		d     Day
		rules []string
	}{
		{"13:15–22:00", day("13:15", "22:00", "17:00", "18:00"), nil},
		{"07:00–15:45", day("07:00", "15:45", "12:00", "13:00"), nil},
		{"07:00–17:15: past the moved length", day("07:00", "17:15", "12:00", "13:00"), []string{RuleOvertime}},
	} {
		ws := Check(Input{Policy: tp.Policy, Day: c.d, Now: c.d.End})
		var got []string
		for _, w := range ws {
			got = append(got, w.Rule)
		}
		if len(got) != len(c.rules) || (len(got) > 0 && got[0] != c.rules[0]) {
			t.Errorf("%s: %v, want %v", c.name, got, c.rules)
		}
	}
}
