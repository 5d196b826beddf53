package web_test

import (
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestPolicyEvaluateAsOf: HR asks "what if this had been submitted (and
// approved) then"; the answer names the version it used; an unknown choice
// is a field error in the caller's language, never a message id.
func TestPolicyEvaluateAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := mkToken(t, w, "hr", false)
		tomorrow := calendar.DateOf(time.Now()).AddDays(1)
		if res := w.call("POST", "/api/v1/policy/versions", `{"effective_from":"`+tomorrow.String()+`","template":"matsumoto","note":"松本市の例"}`, hr); res.code != 201 {
			t.Fatalf("save from template: %d %s", res.code, res.body)
		}
		// A Thursday at least a week ahead: 松本市 wants the request two
		// business days before (Tuesday), submitted at any time that day.
		day := tomorrow.AddDays(7)
		for day.Weekday() != time.Thursday {
			day = day.AddDays(1)
		}
		tue, wed := day.AddDays(-2).String(), day.AddDays(-1).String()
		type answer struct {
			OK            bool
			PolicyVersion int64 `json:"policy_version"`
			Policy        struct {
				ID            int64
				EffectiveFrom string `json:"effective_from"`
				Note          string
			}
			SubmittedAt string `json:"submitted_at"`
			Findings    []struct{ Rule, Severity, Date, Message string }
		}
		ask := func(extra string) (answer, resp) {
			body := `{"dates":["` + day.String() + `"],"application":{"mode":"home","place":"home","time_unit":"full_day"}` + extra + `}`
			res := w.call("POST", "/api/v1/policy/evaluate", body, hr)
			var a answer
			if res.code == 200 {
				decode(t, res, &a)
			}
			return a, res
		}
		a, res := ask(`,"submitted_at":"` + tue + ` 17:00"`)
		if res.code != 200 || !a.OK || a.PolicyVersion == 0 || a.Policy.ID != a.PolicyVersion || a.Policy.EffectiveFrom != tomorrow.String() {
			t.Fatalf("in time: %d %+v %s", res.code, a, res.body)
		}
		if !strings.HasPrefix(a.SubmittedAt, tue+"T17:00:00+09:00") {
			t.Errorf("submitted_at echoed: %q", a.SubmittedAt)
		}
		a, _ = ask(`,"submitted_at":"` + wed + `T09:00:00+09:00"`)
		if a.OK || len(a.Findings) != 1 || a.Findings[0].Rule != "deadline.submission" || !strings.Contains(a.Findings[0].Message, "2営業日前") {
			t.Errorf("a day late: %+v", a)
		}
		// The approval is checked too when approved_at is given (松本市 has
		// no approval deadline: only a past day is refused).
		a, _ = ask(`,"submitted_at":"` + tue + ` 09:00","approved_at":"` + day.AddDays(1).String() + ` 09:00"`)
		if a.OK || len(a.Findings) != 1 || a.Findings[0].Rule != "date.past" {
			t.Errorf("approved after the day: %+v", a)
		}
		for _, c := range []struct{ extra, field, detail string }{
			{`,"submitted_at":"` + wed + ` 09:00","approved_at":"` + tue + ` 09:00"`, "approved_at", "申請日時より後"},
			{`,"submitted_at":"yesterday"`, "submitted_at", "「申請日時」は日時"},
		} {
			_, res := ask(c.extra)
			if res.code != 422 || !strings.Contains(res.body, `"field":"`+c.field+`"`) || !strings.Contains(res.body, c.detail) {
				t.Errorf("%s: %d %s", c.field, res.code, res.body)
			}
		}
		// An unknown time unit is a 422 naming the field, not a message id.
		body := `{"dates":["` + day.String() + `"],"application":{"mode":"home","time_unit":"fortnight","place_kind":"moon"}}`
		res = w.call("POST", "/api/v1/policy/evaluate", body, hr)
		if res.code != 422 || !strings.Contains(res.body, `"field":"application.time_unit"`) || !strings.Contains(res.body, "「時間単位」は一覧から選んでください") ||
			!strings.Contains(res.body, `"field":"application.place_kind"`) || strings.Contains(res.body, "unit.fortnight") {
			t.Errorf("unknown time unit: %d %s", res.code, res.body)
		}
		res = w.call("POST", "/api/v1/policy/evaluate", body, hr, "Accept-Language", "en")
		if res.code != 422 || !strings.Contains(res.body, "Time unit") {
			t.Errorf("unknown time unit (en): %d %s", res.code, res.body)
		}
	})
}
