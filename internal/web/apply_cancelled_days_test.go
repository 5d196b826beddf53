package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestApplicationDatesCountCancelledDays: after one day of a multi-day
// application is cancelled, its page's 日付 says so — 「（4日、うち取消し
// 1日）」 — rather than reading as if all four were still in effect.
func TestApplicationDatesCountCancelledDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		d2 := cal1(t, db, w, day)
		d3 := cal1(t, db, w, d2)
		d4 := cal1(t, db, w, d3)
		rng := url.Values{"kind": {"range"}, "from": {day.String()}, "to": {d4.String()}, "mode": {"home"}, "place": {"home"},
			"time_unit": {"full_day"}, "plan": {"台帳の整理"}, "action": {"submit"}}
		id := submitPage(t, w, staff, rng)
		if res := w.do("POST", "/applications/"+itoa(id)+"/decide", url.Values{"action": {"approve"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.code)
		}
		a, err := db.FindApplication(context.Background(), w.a.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		n := len(a.Days)
		if n < 4 {
			t.Fatalf("a range of %d days, want at least 4 (the span form)", n)
		}
		res := w.do("GET", "/applications/"+itoa(id), nil, staff)
		if want := "（" + itoa(int64(n)) + "日）"; !strings.Contains(res.body, want) || strings.Contains(res.body, "うち取消し") {
			t.Fatalf("before the cancellation the dates do not read %q:\n%s", want, res.body)
		}
		if res := w.do("POST", "/applications/"+itoa(id)+"/cancel", url.Values{"mode": {"days"}, "dates": {d4.String()}, "version": {itoa(a.Version)}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("cancel a day: %d\n%s", res.code, res.body)
		}
		res = w.do("GET", "/applications/"+itoa(id), nil, staff)
		if want := "（" + itoa(int64(n)) + "日、うち取消し1日）"; !strings.Contains(res.body, want) {
			t.Errorf("after cancelling %s the dates do not read %q:\n%s", d4, want, res.body)
		}
	})
}
