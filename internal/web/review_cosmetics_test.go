package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestReviewCosmetics: what a browser review found on narrow and English
// pages. A stacked table's cell never reads as its label and nothing
// (「確認事項:」 for a person with no warnings says なし; an empty cell is
// hidden); a pool's size is counted in its kind's unit (5台, not 5台・本);
// English lines are not joined with the Japanese middle dot; a new
// calendar feed's URL is the message the focus moves to (#flash); the
// roster's number inputs and checkbox take the product's form styles.
func TestReviewCosmetics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _, _, _, _ := datesPagesWorld(t, db)
		sup, it := w.session(t, "supervisor"), w.session(t, "it")

		res := w.do("GET", "/worktime/team", nil, sup)
		if res.code != 200 || !strings.Contains(res.body, `data-label="確認事項"><p>なし</p>`) {
			t.Errorf("a person without warnings: %d %s", res.code, regexp.MustCompile(`data-label="確認事項">.{0,80}`).FindString(res.body))
		}
		css := w.do("GET", "/static/app.css", nil, nil).body
		for _, rule := range []string{"table.stack-table td[data-label]:empty { display: none; }", ".form input[type=\"number\"], .form textarea {", ".choice, div.check {"} {
			if !strings.Contains(css, rule) {
				t.Errorf("app.css lacks %q", rule)
			}
		}

		res = w.do("GET", "/devices/desk", nil, it)
		if res.code != 200 || strings.Contains(res.body, "台・本") || !strings.Contains(res.body, "5台") {
			t.Errorf("pool size: %d %s", res.code, regexp.MustCompile(`<p>[^<]*・[^<]*台[^<]*`).FindString(res.body))
		}

		res = w.do("POST", "/oneonone", url.Values{"partner_no": {"1001"}, "role": {"lead"}, "cadence_days": {"14"}, "minutes": {"30"}, "mode": {"face"}}, sup)
		if res.code != http.StatusSeeOther {
			t.Fatalf("pair: %d", res.code)
		}
		pair := res.location
		if res := w.do("POST", "/settings", url.Values{"lang": {"en"}, "era": {"seireki"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("settings: %d", res.code)
		}
		for _, path := range []string{"/oneonone", pair, "/worktime", "/board"} {
			res := w.do("GET", path, nil, sup)
			if res.code != 200 {
				t.Fatalf("%s: %d", path, res.code)
			}
			main := res.body[strings.Index(res.body, `<main`):]
			if m := regexp.MustCompile(`>[^<]*[A-Za-z][^<]*・[^<]*<|>[^<]*・[^<]*[A-Za-z][^<]*<`).FindString(main); m != "" {
				t.Errorf("English %s joins with ・: %s", path, m)
			}
		}
		if res := w.do("GET", "/oneonone", nil, sup); !strings.Contains(res.body, "every 14 days, 30 min, Face to face") {
			t.Errorf("English cadence: %s", regexp.MustCompile(`every 14 days[^<]*`).FindString(res.body))
		}

		res = w.do("POST", "/notifications/calendar-feeds", url.Values{"scope": {"own"}}, sup)
		if res.code != 200 || !regexp.MustCompile(`<section class="notice notice--success" id="flash" aria-labelledby="feed-new">`).MatchString(res.body) {
			t.Errorf("new feed: %d, its URL is not the #flash the focus moves to", res.code)
		}
		if js := w.do("GET", "/static/confirm.js", nil, nil).body; !strings.Contains(js, `window.addEventListener("load"`) || !strings.Contains(js, "preventScroll") {
			t.Error("confirm.js does not take the focus back to the message after the browser focuses a fragment (#item-…)")
		}

		roster := w.do("GET", "/roster", nil, sup).body
		if !strings.Contains(roster, `<div class="choice"><input type="checkbox" id="f-never_meet"`) || !strings.Contains(roster, `class="form no-print"`) {
			t.Error("the roster's checkbox or form does not take the form styles")
		}
	})
}
