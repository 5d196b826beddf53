package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestWeekViewDisablesDaysPastTheDeadline: the week view does not offer a
// day whose submission deadline has passed (松本市: 2 business days
// before); it shows the day with the reason the submission would give, and
// still offers the days after the deadline's reach.
func TestWeekViewDisablesDaysPastTheDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		submitPage(t, w, staff, dayForm(day, "submit"))
		today := calendar.DateOf(time.Now())
		cal, err := db.LoadCalendar(context.Background(), w.a.ID, today.Year, today.Year+1)
		if err != nil {
			t.Fatal(err)
		}
		// Show the week of tomorrow's business day: its deadline passed.
		late := cal.AddBusinessDays(today, 1)
		res := w.do("GET", "/apply/week?week="+late.String(), nil, staff)
		if res.code != http.StatusOK {
			t.Fatalf("week view: %d\n%s", res.code, res.body)
		}
		if strings.Contains(res.body, `id="f-day-`+late.String()+`"`) {
			t.Errorf("%s is past its deadline but can be ticked", late)
		}
		if !strings.Contains(res.body, "申請の締切(2営業日前まで") {
			t.Errorf("the reason is not shown:\n%s", res.body)
		}
		open := cal.AddBusinessDays(day, 1)
		res = w.do("GET", "/apply/week?week="+open.String(), nil, staff)
		if !strings.Contains(res.body, `id="f-day-`+open.String()+`"`) {
			t.Errorf("%s is within the deadline but cannot be ticked", open)
		}
		// Submitting a refused day anyway still gets the submission's answer.
		res = w.do("POST", "/apply/week", url.Values{"dates": {late.String()}, "week": {late.String()}}, staff)
		if res.code != http.StatusUnprocessableEntity {
			t.Errorf("week apply of a late day: %d", res.code)
		}
	})
}

// TestWeekViewOffersTheOtherHalf: a day whose morning is applied for is
// offered when the last application — the one the week view repeats — is
// an afternoon, showing the morning's state; a whole day stays blocked (a
// review found the day blocked for its morning).
func TestWeekViewOffersTheOtherHalf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		tok, staff := mkToken(t, w, "staff", false), w.session(t, "staff")
		cal, err := db.LoadCalendar(context.Background(), w.a.ID, day.Year, day.Year+1)
		if err != nil {
			t.Fatal(err)
		}
		next := cal.AddBusinessDays(day, 1)
		for _, c := range []struct {
			d    calendar.Date
			unit string
		}{{day, "am"}, {next, "pm"}} {
			if res := w.call("POST", "/api/v1/applications", fmt.Sprintf(`{"dates":[%q],"mode":"home","plan":"資料作成","time_unit":%q,"submit":true}`, c.d, c.unit), tok); res.code != http.StatusCreated {
				t.Fatalf("apply %s %s: %d %s", c.d, c.unit, res.code, res.body)
			}
		}
		res := w.do("GET", "/apply/week?week="+day.String(), nil, staff)
		if !strings.Contains(res.body, `id="f-day-`+day.String()+`"`) || !strings.Contains(res.body, "午前: 申請中") {
			t.Errorf("the afternoon of %s is not offered:\n%s", day, res.body)
		}
		if next.Before(day.AddDays(7)) && strings.Contains(res.body, `id="f-day-`+next.String()+`"`) {
			t.Errorf("the afternoon of %s, applied for already, is offered again", next)
		}
	})
}

// TestWeekViewCardsLeaveTheYearToTheLegend: a day's card names no year in
// either language — the week's legend does — so an English card fits at
// 360 px ("Mon 7 Dec", not "Mon 7 Dec 2026", which was clipped).
func TestWeekViewCardsLeaveTheYearToTheLegend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		tok, staff := mkToken(t, w, "staff", false), w.session(t, "staff")
		if res := w.call("POST", "/api/v1/applications", fmt.Sprintf(`{"dates":[%q],"mode":"home","plan":"資料作成","submit":true}`, day), tok); res.code != http.StatusCreated {
			t.Fatalf("apply %s: %d %s", day, res.code, res.body)
		}
		mon := day.AddDays(-((int(day.Weekday()) + 6) % 7))
		for _, c := range []struct{ lang, legend, card string }{
			{"en", "Week of " + mon.Time().Format("Mon 2 Jan 2006"), `<span class="week-day__date">` + mon.Time().Format("Mon 2 Jan") + `</span>`},
			{"ja", fmt.Sprintf("%d月%d日(月)からの週", mon.Month, mon.Day), fmt.Sprintf(`<span class="week-day__date">%d月%d日(月)</span>`, mon.Month, mon.Day)},
		} {
			if res := w.do("POST", "/settings", url.Values{"lang": {c.lang}, "era": {"seireki"}}, staff); res.code != http.StatusSeeOther {
				t.Fatalf("settings %s: %d", c.lang, res.code)
			}
			res := w.do("GET", "/apply/week?week="+day.String(), nil, staff)
			if !strings.Contains(res.body, "<legend>"+c.legend+"</legend>") || !strings.Contains(res.body, c.card) {
				t.Errorf("%s: legend %q or card %q missing:\n%s", c.lang, c.legend, c.card, res.body)
			}
		}
	})
}
