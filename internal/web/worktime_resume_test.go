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

// TestWorktimeResumeSaysSo: 「勤務を再開する」 after the end says the work
// was resumed, not 「始業を記録しました。」 as a first start does.
func TestWorktimeResumeSaysSo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		// The day runs from 10:00 Tokyo whatever the hour the test runs
		// (the session is made on that clock).
		today := time.Now().In(calendar.Tokyo)
		base, began := time.Date(today.Year(), today.Month(), today.Day(), 10, 0, 0, 0, calendar.Tokyo), time.Now()
		defer func() { db.Now = time.Now }()
		db.Now = func() time.Time { return base.Add(time.Since(began)) }
		staff := w.session(t, "staff")
		flash := func(what string, res resp) string {
			t.Helper()
			if res.code != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", what, res.code, res.body)
			}
			for _, c := range res.cookies {
				if c.Name == "telework_flash" {
					page := w.do("GET", res.location, nil, staff, "Cookie", c.Name+"="+c.Value)
					_, msg, _ := strings.Cut(page.body, `role="status" id="flash">`)
					msg, _, _ = strings.Cut(msg, "<")
					return msg
				}
			}
			t.Fatalf("%s: no flash message", what)
			return ""
		}
		if got := flash("start", w.do("POST", "/worktime/start", url.Values{"mode": {"office"}}, staff)); got != "始業を記録しました。" {
			t.Errorf("start: %q", got)
		}
		if got := flash("end", w.do("POST", "/worktime/end", url.Values{"result": {"完了"}}, staff)); !strings.HasPrefix(got, "終業を記録しました。") {
			t.Errorf("end: %q", got)
		}
		base = base.Add(time.Minute)
		if got := flash("resume", w.do("POST", "/worktime/start", nil, staff)); got != "勤務の再開を記録しました。" {
			t.Errorf("resume: %q", got)
		}
	})
}
