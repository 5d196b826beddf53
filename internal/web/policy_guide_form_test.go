package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestPolicyFormGuideFields: 「事前に」, 時差勤務 (the start times the
// tenant's own) and the report's timing are on the form, saved and shown.
func TestPolicyFormGuideFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		res := w.do("GET", "/policy/new?from=shibuya", nil, hr)
		for _, want := range []string{`id="f-hours.staggered_work" name="hours.staggered_work" value="1" aria-describedby="f-hours.staggered_work-hint" checked`,
			`id="f-deadline.before_start" name="deadline.before_start" value="1" aria-describedby="f-deadline.before_start-hint" checked`,
			"7パターン", `name="report.timing"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("shibuya form: missing %s", want)
			}
		}
		eff := calendar.Date{Year: calendar.DateOf(time.Now()).Year + 1, Month: time.April, Day: 1}
		form := policyFormValues(eff.String())
		form.Set("deadline.before_start", "1")
		form.Set("deadline.day_kind", "")
		form.Set("hours.staggered_work", "1")
		form.Set("hours.staggered", "7:30, 9:00")
		form.Set("report.timing", "from_next_day")
		res = w.do("POST", "/policy", form, hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.code, res.body)
		}
		vs, _ := policy.NewService(db, db.Now).Versions(context.Background(), w.a.ID)
		if len(vs) != 1 {
			t.Fatalf("versions: %d", len(vs))
		}
		p := vs[0].Policy
		if !p.Deadline.BeforeStart || !p.Hours.StaggeredWork || len(p.Hours.Staggered) != 2 || p.Report.Timing != "from_next_day" {
			t.Errorf("stored %+v %+v %+v", p.Deadline, p.Hours, p.Report)
		}
		show := w.do("GET", res.location, nil, hr)
		for _, want := range []string{"事前(この日の勤務開始まで)", "時差勤務を利用できる", "翌日以降(期限なし)"} {
			if !strings.Contains(show.body, want) {
				t.Errorf("show: missing %s", want)
			}
		}
		form.Set("report.timing", "someday")
		form.Set("effective_from", eff.AddDays(1).String())
		if res := w.do("POST", "/policy", form, hr); res.code != 422 || !strings.Contains(res.body, "「報告の時期」は一覧から選んでください") {
			t.Errorf("bad timing: %d", res.code)
		}
	})
}
