package worktime

import (
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/i18n"
)

// TestTextsRefuseInvisibleCharacters: a start's plan, an end's result, an
// overtime request's reason and a decision's comment refuse invisible and
// control characters naming the field (as the API's member) and its label.
func TestTextsRefuseInvisibleCharacters(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 12, Day: 1}
	cases := []struct {
		name, field, label string
		clean              func() error
	}{
		{"plan", "plan", "業務内容", func() error { r := Report{Plan: "予算\u202e資料"}; return r.clean() }},
		{"result", "result", "今日の結果", func() error { r := Report{Result: "完了\x07"}; return r.clean() }},
		{"place", "place", "場所", func() error { r := Report{Place: "北\u200bサテライト"}; return r.clean() }},
		{"reason", "reason", "理由", func() error {
			r := OvertimeRequest{Date: today, Until: "19:00", Reason: "議会\u202e資料"}
			return r.clean(today)
		}},
		{"result too long", "result", "200文字以内", func() error { r := Report{Result: strings.Repeat("あ", 201)}; return r.clean() }},
	}
	for _, c := range cases {
		err := c.clean()
		e := apperr.As(err)
		if e == nil || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
			continue
		}
		if msg := i18n.FieldMessages("ja", err)[c.field]; !strings.Contains(msg, c.label) {
			t.Errorf("%s: %q, want %q", c.name, msg, c.label)
		}
	}
	r := Report{Plan: "起案\t決裁\n確認"} // a one-line text folds its spaces
	if err := r.clean(); err != nil || r.Plan != "起案 決裁 確認" {
		t.Errorf("plan with spaces: %q %v", r.Plan, err)
	}
}
