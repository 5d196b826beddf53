package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDayOffNamesTranslated: the calendar's fixed names of days off
// (土曜日, 日曜日, 年末年始) read in the page's language — on /apply's list
// of skipped days, on /schedule and on /calendar — while a holiday's own
// name (元日) is data and stays.
func TestDayOffNamesTranslated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		rng := url.Values{"kind": {"range"}, "from": {day.String()}, "to": {day.AddDays(6).String()}, "mode": {"home"}, "place": {"home"},
			"time_unit": {"full_day"}, "plan": {"x"}}
		cases := []struct {
			name, method, path string
			form               url.Values
			lang               string
			want, not          []string
		}{
			{"apply preview en", "POST", "/apply/check", rng, "en", []string{"Saturday", "Sunday"}, []string{"土曜日", "日曜日"}},
			{"apply preview ja", "POST", "/apply/check", rng, "ja", []string{"土曜日", "日曜日"}, nil},
			{"schedule en", "GET", "/schedule?date=2027-01-20", nil, "en", []string{"New Year holidays", "元日"}, []string{"年末年始"}},
			{"schedule ja", "GET", "/schedule?date=2027-01-20", nil, "ja", []string{"年末年始", "元日"}, nil},
			{"calendar en", "GET", "/calendar?year=2027", nil, "en", []string{"New Year holidays", "元日"}, []string{"年末年始"}},
		}
		for _, c := range cases {
			if res := w.do("POST", "/settings", url.Values{"lang": {c.lang}, "era": {"seireki"}}, staff); res.code != http.StatusSeeOther {
				t.Fatalf("settings: %d", res.code)
			}
			res := w.do(c.method, c.path, c.form, staff)
			for _, s := range c.want {
				if !strings.Contains(res.body, s) {
					t.Errorf("%s: %d, no %q", c.name, res.code, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(res.body, s) {
					t.Errorf("%s: shows %q", c.name, s)
				}
			}
		}
	})
}
