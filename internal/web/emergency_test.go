package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/calendar"
	"telework/internal/emergency"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// emergencyObject declares, in each fixture tenant, a fresh emergency for
// the route walk (the end route ends the one it is given).
func emergencyObject(t *testing.T, w *world, object string) (ids [2]int64, ok bool) {
	t.Helper()
	if object != "emergency" {
		return ids, false
	}
	today := calendar.DateOf(w.db.Now())
	for i, tn := range []int64{w.a.ID, w.b.ID} {
		e, err := emergency.NewService(w.db, w.db.Now).Declare(context.Background(), tn, sys, emergency.Declaration{
			Kind: emergency.Disaster, Title: "walk", From: today.AddDays(30), To: today.AddDays(31)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = e.ID
	}
	return ids, true
}

// TestEmergencyPagesAndAPI: HR declares through the page and the API;
// every signed-in page shows the banner with the end date; staff cannot
// declare; another tenant's HR neither sees nor ends it; ending it removes
// the banner. API responses are validated against the OpenAPI document.
func TestEmergencyPagesAndAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		today := calendar.DateOf(db.Now())
		hr, staff, bhr := w.session(t, "hr"), w.session(t, "staff"), w.session(t, "b-hr")
		if res := w.do("GET", "/emergencies", nil, hr); res.code != 200 || !strings.Contains(res.body, "緊急時モードを宣言する") {
			t.Fatalf("HR page: %d", res.code)
		}
		if res := w.do("GET", "/", nil, staff); strings.Contains(res.body, "緊急時のルールが適用されています") {
			t.Fatal("a banner without an emergency")
		}
		form := url.Values{"kind": {"infection"}, "title": {"新型感染症の拡大"}, "from": {today.String()}, "to": {today.AddDays(6).String()},
			"caps": {"lift"}, "deadline": {"same_day"}, "unit_ids": {fmt.Sprint(w.units["a-dept"].ID)}}
		if res := w.do("POST", "/emergencies", form, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff declared: %d", res.code)
		}
		bad := url.Values{"kind": {"infection"}, "title": {""}, "from": {today.String()}, "to": {today.AddDays(-1).String()}}
		if res := w.do("POST", "/emergencies", bad, hr); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "件名") {
			t.Fatalf("invalid declaration: %d", res.code)
		}
		// A cap out of range names its range and its own input, and the
		// typed value stays; a word for a number is kept to be corrected.
		capped := url.Values{"kind": {"infection"}, "title": {"上限"}, "from": {today.String()}, "to": {today.String()},
			"caps": {"set"}, "weekly_max_days": {"9"}, "monthly_max_days": {"九"}, "enable_modes": {"satellite"}}
		if res := w.do("POST", "/emergencies", capped, hr); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, `<a href="#f-rules.weekly_max_days">「週の上限」は0から7までの数で入力してください。</a>`) ||
			!strings.Contains(res.body, `value="9" aria-invalid="true" aria-describedby="f-rules.weekly_max_days-error"`) ||
			!strings.Contains(res.body, `value="九" aria-invalid="true" aria-describedby="f-rules.monthly_max_days-error"`) ||
			!strings.Contains(res.body, `value="satellite" checked`) {
			t.Fatalf("cap out of range: %d\n%s", res.code, res.body)
		}
		if res := w.do("POST", "/emergencies", form, hr); res.code != http.StatusSeeOther {
			t.Fatalf("declare: %d %s", res.code, res.body)
		}
		res := w.do("GET", "/", nil, staff)
		if !strings.Contains(res.body, "緊急時のルールが適用されています") || !strings.Contains(res.body, "新型感染症の拡大") {
			t.Fatalf("no banner for staff:\n%s", res.body)
		}
		if res := w.do("GET", "/", nil, bhr); strings.Contains(res.body, "新型感染症の拡大") {
			t.Fatal("another tenant sees the banner")
		}

		// The API: list, current, declare, end; another tenant gets 404.
		cur := w.callCookie("GET", "/api/v1/emergencies/current", "", staff)
		if cur.code != 200 || !strings.Contains(cur.body, "新型感染症の拡大") {
			t.Fatalf("current: %d %s", cur.code, cur.body)
		}
		if res := w.callCookie("GET", "/api/v1/emergencies", "", staff); res.code != http.StatusForbidden {
			t.Fatalf("staff list: %d", res.code)
		}
		body := fmt.Sprintf(`{"kind":"disaster","title":"台風","from":%q,"to":%q,"rules":{"deadline":"none","waive_eligibility":["terminal"],"enable_modes":["home"]}}`,
			today.String(), today.AddDays(2).String())
		res = w.callCookie("POST", "/api/v1/emergencies", body, hr)
		if res.code != http.StatusCreated {
			t.Fatalf("API declare: %d %s", res.code, res.body)
		}
		var em struct {
			ID      int64
			Version int64
		}
		decode(t, res, &em)
		if res := w.callCookie("POST", "/api/v1/emergencies", `{"kind":"war","title":"x","from":"2026-13-01","to":""}`, hr); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("API invalid: %d %s", res.code, res.body)
		}
		if res := w.callCookie("GET", fmt.Sprintf("/api/v1/emergencies/%d", em.ID), "", bhr); res.code != http.StatusNotFound {
			t.Fatalf("another tenant read it: %d", res.code)
		}
		if res := w.callCookie("POST", fmt.Sprintf("/api/v1/emergencies/%d/end", em.ID), `{"version":1}`, bhr); res.code != http.StatusNotFound {
			t.Fatalf("another tenant ended it: %d", res.code)
		}
		res = w.callCookie("POST", fmt.Sprintf("/api/v1/emergencies/%d/end", em.ID), fmt.Sprintf(`{"version":%d}`, em.Version), hr)
		if res.code != 200 || !strings.Contains(res.body, `"ended":true`) {
			t.Fatalf("API end: %d %s", res.code, res.body)
		}
		list := w.callCookie("GET", "/api/v1/emergencies", "", hr)
		if list.code != 200 || !strings.Contains(list.body, `"total":2`) {
			t.Fatalf("list: %s", list.body)
		}
		// End the first through the page 「今日で終了する」: its rules stay
		// for the rest of today, so the banner says until today; neither
		// is listed as cancelled (both began today).
		es, _ := emergency.NewService(db, db.Now).List(context.Background(), w.a.ID)
		for _, e := range es {
			if !e.Ended() {
				if res := w.do("POST", fmt.Sprintf("/emergencies/%d/end", e.ID), url.Values{"version": {fmt.Sprint(e.Version)}}, hr); res.code != http.StatusSeeOther {
					t.Fatalf("end page: %d", res.code)
				}
			}
		}
		if res := w.do("GET", "/", nil, staff); !strings.Contains(res.body, "緊急時のルールが適用されています") {
			t.Fatalf("banner on the day of the end:\n%s", res.body)
		}
		if res := w.do("GET", "/emergencies", nil, hr); strings.Contains(res.body, "開始前に終了") {
			t.Fatalf("an emergency ended on its first day listed as cancelled:\n%s", res.body)
		}
	})
}
