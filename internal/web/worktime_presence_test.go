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

// presenceClock runs the database's clock (and so the presence and
// working-time services') from a fixed morning in Japan.
func presenceClock(t *testing.T, db *store.DB) func(time.Duration) {
	t.Helper()
	now := time.Date(2026, time.June, 1, 8, 0, 0, 0, calendar.Tokyo)
	db.Now = func() time.Time { return now }
	t.Cleanup(func() { db.Now = time.Now })
	return func(d time.Duration) { now = now.Add(d) }
}

// boardRowOf is the API board's item of the person named.
func boardRowOf(t *testing.T, w *world, c *http.Cookie, name string) map[string]any {
	t.Helper()
	res := w.callCookie("GET", "/api/v1/board", "", c)
	var out struct {
		Items []map[string]any `json:"items"`
	}
	decode(t, res, &out)
	for _, it := range out.Items {
		if it["name"] == name {
			return it
		}
	}
	t.Fatalf("%s not on the board: %s", name, res.body)
	return nil
}

// TestPresencePageShowsTheBoardsStatus: after the start report the page
// shows and pre-selects the status the board shows (連絡可能, not the
// オフライン stored at the last clock-out), so the inactivity timer can
// work and a note alone keeps 連絡可能; past its end time a status reads
// as over on the board's API and the page alike.
func TestPresencePageShowsTheBoardsStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		tick := presenceClock(t, db)
		staff := w.sessionNow(t, "staff")
		name := w.staff["a-staff"].Name
		if res := w.do("POST", "/presence", url.Values{"status": {"offline"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("offline: %d %s", res.code, res.body)
		}
		tick(10 * time.Minute)
		if res := w.do("POST", "/worktime/start", url.Values{"mode": {"office"}}, staff); res.code != http.StatusSeeOther && res.code != http.StatusOK {
			t.Fatalf("start: %d %s", res.code, res.body)
		}
		if row := boardRowOf(t, w, staff, name); row["presence"] != "available" {
			t.Fatalf("board after the start: %v", row)
		}
		res := w.do("GET", "/worktime", nil, staff)
		if !strings.Contains(res.body, `data-status="available"`) || !strings.Contains(res.body, `value="available" checked`) {
			t.Fatalf("the page does not show the board's 連絡可能: %d %s", res.code, between(res.body, `id="presence-form"`, "</form>"))
		}
		// The form as shown, with a note: still 連絡可能.
		form := url.Values{"status": {"available"}, "note": {"窓口対応"}, "place": {""}, "until": {""}, "auto_away": {"1"}}
		if res := w.do("POST", "/presence", form, staff); res.code != http.StatusSeeOther {
			t.Fatalf("note: %d %s", res.code, res.body)
		}
		if row := boardRowOf(t, w, staff, name); row["presence"] != "available" || row["note"] != "窓口対応" {
			t.Fatalf("board after a note: %v", row)
		}
		// 取り込み中 until 08:14; at 08:15 it is over everywhere.
		form = url.Values{"status": {"busy"}, "note": {"会議"}, "until": {"08:14"}, "auto_away": {"1"}}
		if res := w.do("POST", "/presence", form, staff); res.code != http.StatusSeeOther {
			t.Fatalf("busy: %d %s", res.code, res.body)
		}
		if row := boardRowOf(t, w, staff, name); row["presence"] != "busy" || row["note"] != "会議" || row["until"] == nil {
			t.Fatalf("board while busy: %v", row)
		}
		// The board and the page say when it ends (counted on the server's
		// clock), and what the page falls back to then.
		if res := w.do("GET", "/board?fragment=1", nil, staff); !strings.Contains(res.body, `data-ends-in="240000"`) {
			t.Fatalf("the board's row does not say when its status ends: %s", res.body)
		}
		if res := w.do("GET", "/worktime", nil, staff); !strings.Contains(res.body, `data-ends-in="240000" data-then="available"`) {
			t.Fatalf("the page does not say when its status ends: %s", between(res.body, `id="presence-form"`, "</form>"))
		}
		tick(5 * time.Minute)
		if res := w.do("GET", "/board?fragment=1", nil, staff); strings.Contains(res.body, "data-ends-in") || strings.Contains(res.body, "会議") {
			t.Fatalf("the board past the end time: %s", res.body)
		}
		if row := boardRowOf(t, w, staff, name); row["presence"] != "available" || row["note"] != "" || row["until"] != nil {
			t.Fatalf("board past the end time: %v", row)
		}
		res = w.do("GET", "/worktime", nil, staff)
		if !strings.Contains(res.body, `data-status="available"`) || !strings.Contains(res.body, `value="available" checked`) ||
			strings.Contains(res.body, "08:14") || strings.Contains(res.body, "会議") {
			t.Fatalf("the page past the end time: %s", between(res.body, `id="presence-form"`, "</form>"))
		}
	})
}

// TestPresenceFormAfterItsEndTime: the form sent as it stood once the end
// time passed (連絡可能 with the old until) is taken; a refused change
// comes back with what the person typed, not the stored state.
func TestPresenceFormAfterItsEndTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		tick := presenceClock(t, db)
		staff := w.sessionNow(t, "staff")
		name := w.staff["a-staff"].Name
		if res := w.do("POST", "/worktime/start", url.Values{"mode": {"office"}}, staff); res.code != http.StatusSeeOther && res.code != http.StatusOK {
			t.Fatalf("start: %d %s", res.code, res.body)
		}
		tick(time.Minute)
		form := url.Values{"status": {"busy"}, "note": {"会議"}, "until": {"08:14"}, "auto_away": {"1"}}
		if res := w.do("POST", "/presence", form, staff); res.code != http.StatusSeeOther {
			t.Fatalf("busy: %d %s", res.code, res.body)
		}
		tick(15 * time.Minute)
		form = url.Values{"status": {"available"}, "note": {"戻りました"}, "until": {"08:14"}, "auto_away": {"1"}}
		if res := w.do("POST", "/presence", form, staff); res.code != http.StatusSeeOther {
			t.Fatalf("back with the past end time still in the form: %d %s", res.code, between(res.body, `id="presence-form"`, "</form>"))
		}
		if row := boardRowOf(t, w, staff, name); row["presence"] != "available" || row["note"] != "戻りました" || row["until"] != nil {
			t.Fatalf("board: %v", row)
		}
		// A status that ends, with an end date and time already past:
		// refused, and the form shows what was typed. (A time alone such as
		// 08:00 is tomorrow's by now: TestPresenceUntilTomorrow.)
		past := "2026-05-31T23:00:00Z" // 08:00 in Japan
		form = url.Values{"status": {"unavailable"}, "note": {"来客対応"}, "place": {"第2会議室"}, "until": {past}}
		res := w.do("POST", "/presence", form, staff)
		got := between(res.body, `id="presence-form"`, "</form>")
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(got, "すでに過ぎています") {
			t.Fatalf("past end time: %d %s", res.code, got)
		}
		for _, want := range []string{`value="unavailable" checked`, `value="来客対応"`, `value="第2会議室"`, `value="` + past + `"`} {
			if !strings.Contains(got, want) {
				t.Errorf("the refused form lost %s: %s", want, got)
			}
		}
		if strings.Contains(got, `name="auto_away" value="1" checked`) || !strings.Contains(got, `data-status="available"`) {
			t.Errorf("the refused form: the box unticked as sent, the page's own status kept: %s", got)
		}
		// An end time in an unknown form: the same.
		form.Set("until", "3pm")
		res = w.do("POST", "/presence", form, staff)
		if got := between(res.body, `id="presence-form"`, "</form>"); res.code != http.StatusUnprocessableEntity || !strings.Contains(got, `value="来客対応"`) {
			t.Fatalf("until in an unknown form: %d %s", res.code, got)
		}
		if row := boardRowOf(t, w, staff, name); row["presence"] != "available" || row["note"] != "戻りました" {
			t.Fatalf("a refused change changed the board: %v", row)
		}
	})
}

// TestPresenceUntilTomorrow: the page's form and PUT /api/v1/presence read
// `until` alike — a time alone that has come today is tomorrow's (at 08:16,
// 08:00 is tomorrow morning, within 24 hours); only a date and time can be
// past or too far, and the message says which.
func TestPresenceUntilTomorrow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		tick := presenceClock(t, db)
		staff := w.sessionNow(t, "staff")
		name := w.staff["a-staff"].Name
		if res := w.do("POST", "/worktime/start", url.Values{"mode": {"office"}}, staff); res.code != http.StatusSeeOther && res.code != http.StatusOK {
			t.Fatalf("start: %d %s", res.code, res.body)
		}
		tick(16 * time.Minute) // 08:16
		for _, c := range []struct {
			until string
			want  string // the board's until, or the message refusing it
		}{
			{"08:00", "2026-06-02T08:00:00+09:00"},
			{"08:16", "2026-06-02T08:16:00+09:00"},
			{"17:00", "2026-06-01T17:00:00+09:00"},
			{"2026-06-01T08:00:00+09:00", "「終了予定時刻」の日時はすでに過ぎています。"},
			{"2026-06-02T09:00:00+09:00", "「終了予定時刻」が今から24時間より後になっています。"},
		} {
			refused := !strings.HasPrefix(c.want, "2026")
			for _, via := range []string{"form", "api"} {
				var res resp
				if via == "form" {
					res = w.do("POST", "/presence", url.Values{"status": {"busy"}, "until": {c.until}, "auto_away": {"1"}}, staff)
				} else {
					res = w.callCookie("PUT", "/api/v1/presence", `{"status":"busy","until":"`+c.until+`"}`, staff)
				}
				if refused {
					if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, c.want) {
						t.Errorf("%s %s: %d, want 422 with %s: %s", via, c.until, res.code, c.want, res.body)
					}
					continue
				}
				if res.code != http.StatusSeeOther && res.code != http.StatusOK {
					t.Fatalf("%s %s: %d %s", via, c.until, res.code, res.body)
				}
				if row := boardRowOf(t, w, staff, name); row["presence"] != "busy" || row["until"] != c.want {
					t.Errorf("%s %s: board %v, want until %s", via, c.until, row, c.want)
				}
				// The board page says when the end is tomorrow's.
				page := w.do("GET", "/board", nil, staff).body
				label := "(" + c.until + " まで)"
				if strings.HasPrefix(c.want, "2026-06-02") {
					label = "(明日 " + c.until + " まで)"
				}
				if !strings.Contains(page, label) {
					t.Errorf("%s %s: the board page lacks %q", via, c.until, label)
				}
			}
		}
	})
}
