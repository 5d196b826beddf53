package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestWorktimeAPIActionsAgree: the one-tap start without a mode or an
// application is flagged, a break answers with the list's warnings, the
// end corrects mode and place, and a second start after the end resumes.
func TestWorktimeAPIActionsAgree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		staff := mkToken(t, w, "staff", false)
		// The day runs from 10:00 Tokyo whatever the hour the test runs
		// (a resumption a minute later must stay on the same day).
		today := time.Now().In(calendar.Tokyo)
		base, began := time.Date(today.Year(), today.Month(), today.Day(), 10, 0, 0, 0, calendar.Tokyo), time.Now()
		defer func() { db.Now = time.Now }()
		db.Now = func() time.Time { return base.Add(time.Since(began)) }
		type day struct {
			Date     string            `json:"date"`
			End      *string           `json:"end"`
			Mode     string            `json:"mode"`
			Place    string            `json:"place"`
			Breaks   []json.RawMessage `json:"breaks"`
			Warnings []struct {
				Rule    string `json:"rule"`
				Message string `json:"message"`
			} `json:"warnings"`
		}
		has := func(d day, rule string) bool {
			for _, x := range d.Warnings {
				if x.Rule == rule {
					return true
				}
			}
			return false
		}
		ok := func(method, path, body string) day {
			t.Helper()
			res := w.call(method, path, body, staff)
			if res.code != http.StatusOK {
				t.Fatalf("%s %s: %d %s", method, path, res.code, res.body)
			}
			var d day
			decode(t, res, &d)
			return d
		}
		if d := ok("POST", "/api/v1/worktime/start", `{"plan":"在宅で資料作成"}`); d.Mode != "" || !has(d, "no_application") {
			t.Fatalf("one-tap start without an application: %+v", d)
		}
		for _, action := range []string{"start", "end"} {
			d := ok("POST", "/api/v1/worktime/break", `{"action":"`+action+`"}`)
			base = base.Add(10 * time.Minute) // a break of a minute or more is kept
			res := w.call("GET", "/api/v1/worktime", "", staff)
			var list struct {
				Items []day `json:"items"`
			}
			decode(t, res, &list)
			last := list.Items[len(list.Items)-1]
			a, _ := json.Marshal(d.Warnings)
			b, _ := json.Marshal(last.Warnings)
			if string(a) != string(b) || !has(d, "no_application") {
				t.Fatalf("break %s answers %s, the list shows %s", action, a, b)
			}
		}
		d := ok("POST", "/api/v1/worktime/end", `{"mode":"office","place":"本庁舎"}`)
		if d.Mode != "office" || d.Place != "本庁舎" || d.End == nil || has(d, "no_application") {
			t.Fatalf("end with mode and place: %+v", d)
		}
		// A start sent with the end (a double tap, a retry) does not reopen
		// the day; a minute later it is going back to work.
		if res := w.call("POST", "/api/v1/worktime/start", `{}`, staff); res.code != http.StatusConflict || !strings.Contains(res.body, "終業を記録したところです") {
			t.Fatalf("start just after the end: %d %s", res.code, res.body)
		}
		base = base.Add(time.Minute)
		if d := ok("POST", "/api/v1/worktime/start", `{}`); d.End != nil || len(d.Breaks) != 2 || d.Mode != "office" {
			t.Fatalf("start after the end: %+v", d)
		}
		if res := w.call("POST", "/api/v1/worktime/start", `{}`, staff); res.code != http.StatusConflict {
			t.Fatalf("start while working: %d %s", res.code, res.body)
		}
		if res := w.call("GET", "/api/v1/openapi.json", "", staff); res.code != http.StatusOK {
			t.Fatalf("openapi: %d", res.code)
		}
	})
}
