package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestReportFormAllErrorsAtOnce: a 実施報告 with the end before the start,
// a break that is not a number and no work done shows the three errors in
// one answer, each naming its field as the form labels it, in both
// languages; nothing is reported.
func TestReportFormAllErrorsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		id := submitPage(t, w, staff, dayForm(day, "submit"))
		if res := w.do("POST", "/applications/"+itoa(id)+"/decide", url.Values{"action": {"approve"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.code)
		}
		db.Now = func() time.Time { return time.Date(day.Year, day.Month, day.Day, 18, 0, 0, 0, calendar.Tokyo) }
		defer func() { db.Now = time.Now }()
		staff = w.sessionNow(t, "staff")
		for _, c := range []struct {
			lang   string
			labels []string // start, end, break, work as the form shows them
			errors []string
		}{
			{"ja", []string{"開始時刻（実績）", "終了時刻（実績）", "休憩（分）", "実施した業務"},
				[]string{"「終了時刻（実績）」は開始時刻より後", "「休憩（分）」は半角または全角の数字", "「実施した業務」を入力してください"}},
			{"en", []string{"Actual start", "Actual end", "Break (minutes)", "Work done"},
				[]string{"&#34;Actual end&#34; must be later than the start.", "Break (minutes) must be a whole number.", "Enter Work done."}},
		} {
			t.Run(c.lang, func(t *testing.T) {
				if res := w.do("POST", "/settings", url.Values{"lang": {c.lang}, "era": {"seireki"}}, staff); res.code != http.StatusSeeOther {
					t.Fatalf("language: %d", res.code)
				}
				res := w.do("POST", "/applications/"+itoa(id)+"/report", url.Values{"date": {day.String()}, "actual_start": {"17:00"},
					"actual_end": {"09:00"}, "break_minutes": {"４５分"}, "work": {""}}, staff)
				if res.code != http.StatusUnprocessableEntity {
					t.Fatalf("report: %d\n%s", res.code, res.body)
				}
				for i, f := range []string{"actual_start", "actual_end", "break_minutes", "work"} {
					if !strings.Contains(res.body, `<label for="f-`+f+`">`+c.labels[i]) {
						t.Errorf("label of %s is not %s", f, c.labels[i])
					}
				}
				for i, f := range []string{"actual_end", "break_minutes", "work"} {
					if !strings.Contains(res.body, `<p class="field-error" id="f-`+f+`-error">`+c.errors[i]) {
						t.Errorf("no error at %s: %s", f, c.errors[i])
					}
				}
				if !strings.Contains(res.body, `value="４５分"`) {
					t.Error("the break as typed is not kept")
				}
				if t.Failed() {
					t.Log(res.body)
				}
			})
		}
		if s := w.appStatus(t, id); s == "reported" {
			t.Error("a refused report was written")
		}
	})
}
