package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestLogsHoldNoPersonalData signs in, searches, edits a person and creates
// an account, then looks for every name, reading, e-mail address, login id
// and password used in the JSON logs.
func TestLogsHoldNoPersonalData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		res := login(w, "matsumoto", "hr", fixturePassword)
		c := sessionFrom(t, res)
		login(w, "matsumoto", "hr", "wrong-password-typed")
		w.do("GET", "/staff?q="+url.QueryEscape("やまだ"), nil, c)
		w.do("GET", "/staff?q="+url.QueryEscape("y.sato@city.example.lg.jp"), nil, c)
		id := strconv.FormatInt(w.staff["a-staff"].ID, 10)
		form := url.Values{"staff_no": {"1001"}, "name": {"山田 太郎改"}, "kana": {"やまだ たろうかい"}, "email": {"taro.yamada@city.example.lg.jp"},
			"unit_id": {strconv.FormatInt(w.units["a-sect"].ID, 10)}, "rank": {"staff"}, "employment": {"regular"}, "job_type": {"general"}, "version": {"1"}}
		if res := w.do("POST", "/staff/"+id, form, c); res.code != http.StatusSeeOther {
			t.Fatalf("edit: %d", res.code)
		}
		w.do("POST", "/accounts", url.Values{"login_id": {"yamada.taro"}, "staff_no": {"1001"}}, c)
		w.do("POST", "/staff/"+id, url.Values{"name": {"不正な 入力"}, "email": {"bad@@example"}}, c) // a rejected form
		logs := w.logs.String()
		if !strings.Contains(logs, `"route":"POST /staff/{id}"`) {
			t.Fatalf("the logs do not show the requests at all:\n%s", logs)
		}
		for _, s := range []string{"山田", "やまだ", "ヤマダ", "太郎", "taro.yamada", "city.example.lg.jp", "y.sato", "yamada.taro",
			fixturePassword, "wrong-password-typed", "鈴木", "不正な", "bad@@example", "%E3%82%84"} {
			if strings.Contains(logs, s) {
				t.Errorf("logs contain %q", s)
			}
		}
		// Every line is JSON with a request id.
		for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("log line is not JSON: %s", line)
			}
			if m["msg"] == "request" && m["request_id"] == "" {
				t.Errorf("request line without request id: %s", line)
			}
		}
	})
}

func TestHealthAndMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		if res := w.do("GET", "/healthz", nil, nil); res.code != 200 {
			t.Errorf("healthz: %d", res.code)
		}
		res := w.do("GET", "/readyz", nil, nil)
		if res.code != 200 || !strings.Contains(res.body, `"migrations":"ok"`) {
			t.Errorf("readyz: %d %s", res.code, res.body)
		}
		w.do("GET", "/staff", nil, w.session(t, "staff"))
		res = w.do("GET", "/metrics", nil, nil)
		for _, want := range []string{`telework_http_requests_total{method="GET",route="GET /staff",status="200"} 1`,
			"telework_http_request_duration_seconds_bucket", "telework_build_info", "go_goroutines"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		// Readiness fails when the database is gone.
		db.SQL.Close()
		if res := w.do("GET", "/readyz", nil, nil); res.code != http.StatusServiceUnavailable {
			t.Errorf("readyz with a closed database: %d", res.code)
		}
	})
}

func TestEnglishAndWareki(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		c := w.session(t, "hr")
		if res := w.do("POST", "/settings", url.Values{"lang": {"en"}, "era": {"wareki"}}, c); res.code != http.StatusSeeOther {
			t.Fatalf("settings: %d", res.code)
		}
		res := w.do("GET", "/staff", nil, c)
		if !strings.Contains(res.body, `<html lang="en">`) || !strings.Contains(res.body, "Staff search") {
			t.Error("English not applied")
		}
		res = w.do("POST", "/staff", url.Values{}, c)
		if !strings.Contains(res.body, "Enter Name.") {
			t.Error("English field error missing")
		}
		w.do("POST", "/lang", url.Values{"lang": {"ja"}}, c)
		res = w.do("GET", "/staff/"+strconv.FormatInt(w.staff["a-staff"].ID, 10), nil, c)
		if !strings.Contains(res.body, "令和") {
			t.Error("和暦 not shown in the history after choosing it")
		}
		// Anonymous visitors follow Accept-Language, then the cookie.
		if res := w.do("GET", "/login", nil, nil, "Accept-Language", "en-US,en;q=0.9"); !strings.Contains(res.body, "Sign in") {
			t.Error("Accept-Language en not honoured")
		}
		if res := w.do("POST", "/settings", url.Values{"lang": {"fr"}, "era": {"x"}}, c); res.code != http.StatusUnprocessableEntity {
			t.Errorf("bad settings: %d", res.code)
		}
	})
}

// While the database cannot be reached, a signed-in person and an API
// token are not signed out: a page answers 503 with a Japanese page that
// says nothing was saved (not a redirect to the login page), the API 503
// problem+json with Retry-After (not 401 "invalid token", on which clients
// drop their token). Public pages (the login page) still render.
func TestDatabaseOutageIsNotASignOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		c := w.session(t, "staff")
		token := mkToken(t, w, "staff", false)
		if res := w.do("GET", "/worktime", nil, c); res.code != http.StatusOK {
			t.Fatalf("worktime before the outage: %d", res.code)
		}
		db.SQL.Close()
		for _, path := range []string{"/worktime", "/board", "/applications"} {
			res := w.do("GET", path, nil, c)
			if res.code != http.StatusServiceUnavailable || res.location != "" || !strings.Contains(res.body, "ただいま一時的に利用できません") ||
				res.header.Get("Retry-After") == "" {
				t.Errorf("%s during the outage: %d → %q, want the 503 page with Retry-After", path, res.code, res.location)
			}
		}
		res := w.call("GET", "/api/v1/me", "", token)
		if res.code != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" ||
			!strings.Contains(res.body, "unavailable") || strings.Contains(res.header.Get("WWW-Authenticate"), "invalid_token") {
			t.Errorf("API with a token during the outage: %d %s %v", res.code, res.body, res.header)
		}
		if res := w.do("GET", "/api/v1/me", nil, c); res.code != http.StatusServiceUnavailable {
			t.Errorf("API with a session during the outage: %d", res.code)
		}
		if res := w.do("GET", "/login?tenant=a", nil, nil); res.code != http.StatusOK {
			t.Errorf("the login page during the outage: %d", res.code)
		}
	})
}

// TestLongSearchTextIsRefused: a search text over apperr.MaxSearchLen
// characters is refused with a 422 naming the search box, on both engines
// (SQLite answered 500 for 50,001 characters: "LIKE or GLOB pattern too
// complex"); the longest allowed one still searches.
func TestLongSearchTextIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr, au := w.session(t, "hr"), w.session(t, "auditor")
		huge, longest := strings.Repeat("a", 50001), strings.Repeat("a", apperr.MaxSearchLen)
		cases := []struct {
			name, target string
			c            *http.Cookie
			api          bool
			says         string
		}{
			{"staff page", "/staff?q=", hr, false, "「氏名・ふりがな・職員番号」は100文字以内"},
			{"staff API", "/api/v1/staff?q=", hr, true, `"q"`},
			{"facts page", "/staff/facts?show=1&q=", hr, false, "「氏名・ふりがな・職員番号」は100文字以内"},
			{"bulk accounts page", "/accounts/bulk?q=", hr, false, "「氏名・かな・職員番号」は100文字以内"},
			{"audit page", "/audit?action=", au, false, "100文字以内"},
			{"audit export", "/audit/export?format=csv&action=", au, false, "100文字以内"},
		}
		for _, c := range cases {
			get := func(q string) resp {
				if c.api {
					return w.call("GET", c.target+q, "", "", "Cookie", c.c.Name+"="+c.c.Value)
				}
				return w.do("GET", c.target+q, nil, c.c)
			}
			if res := get(huge); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, c.says) {
				t.Errorf("%s: %d, want 422 saying %s", c.name, res.code, c.says)
			}
			if res := get(longest); res.code != http.StatusOK {
				t.Errorf("%s with %d characters: %d", c.name, apperr.MaxSearchLen, res.code)
			}
		}
		form := url.Values{"all": {"1"}, "method": {"invite"}, "q": {huge}}
		if res := w.do("POST", "/accounts/bulk", form, hr); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「氏名・かな・職員番号」は100文字以内") {
			t.Errorf("bulk creation for a long search: %d", res.code)
		}
	})
}
