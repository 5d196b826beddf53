package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestNoISODateInTheText: the pages a review found writing 2026-12-17
// where the others write 12月17日(木) / Thu 17 Dec 2026 — the 1on1 list's
// and pair's next meeting, a survey's period, the seat report's weeks,
// peak days and bar titles, an office's day caption, the rules' and the
// roadmap's dates in English — show no ISO date in their text, in either
// language (form values stay ISO).
func TestNoISODateInTheText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _, o, _, day := datesPagesWorld(t, db)
		hr, sup := w.session(t, "hr"), w.session(t, "supervisor")
		today := calendar.DateOf(db.Now()).String()
		res := w.do("POST", "/surveys", url.Values{"survey_kind": {"post"}, "survey_title": {"試行後アンケート"}, "opens_on": {today},
			"closes_on": {today}, "q0_text": {"満足度"}, "q0_type": {"scale5"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("survey: %d", res.code)
		}
		survey := res.location
		res = w.do("POST", "/oneonone", url.Values{"partner_no": {"1001"}, "role": {"lead"}, "cadence_days": {"14"}, "minutes": {"30"}, "mode": {"face"}}, sup)
		if res.code != http.StatusSeeOther {
			t.Fatalf("pair: %d", res.code)
		}
		pair := res.location
		for _, lang := range []string{"ja", "en"} {
			for _, who := range []*http.Cookie{hr, sup} {
				if res := w.do("POST", "/settings", url.Values{"lang": {lang}, "era": {"seireki"}}, who); res.code != http.StatusSeeOther {
					t.Fatalf("settings: %d", res.code)
				}
			}
			for _, c := range []struct {
				path string
				who  *http.Cookie
			}{
				{"/oneonone", sup}, {pair, sup}, {"/surveys", hr}, {survey, hr}, {"/places/report", hr},
				{fmt.Sprintf("/places/offices/%d/day?date=%s", o.ID, day), hr}, {"/rules", hr}, {"/roadmap", hr},
			} {
				res := w.do("GET", c.path, nil, c.who)
				if res.code != http.StatusOK {
					t.Fatalf("%s %s: %d", lang, c.path, res.code)
				}
				if iso := isoInText(res.body); iso != "" {
					t.Errorf("%s %s shows an ISO date in its text: %q", lang, c.path, iso)
				}
			}
		}
	})
}
