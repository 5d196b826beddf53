package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/emersion/go-ical"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestCalendarFeedAPI: a feed URL is made, read by its token alone (no
// session) as RFC 5545 that go-ical parses, revoked (then 404), and never
// revoked by another tenant's account.
func TestCalendarFeedAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		call := func(c *http.Cookie, method, path, body string) resp {
			return w.call(method, path, body, "", "Cookie", c.Name+"="+c.Value)
		}
		staff := w.session(t, "supervisor") // a section feed is the 所属長's
		res := call(staff, "POST", "/api/v1/calendar-feeds", `{"section":true}`)
		var f struct {
			ID    int64  `json:"id"`
			Token string `json:"token"`
			Path  string `json:"path"`
		}
		if res.code != http.StatusCreated || json.Unmarshal([]byte(res.body), &f) != nil || f.Token == "" {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		if res := call(staff, "GET", "/api/v1/calendar-feeds", ""); res.code != 200 || strings.Contains(res.body, f.Token) {
			t.Errorf("list shows the token or fails: %d %s", res.code, res.body)
		}
		get := func(path string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			return rec
		}
		rec := get(f.Path)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/calendar") {
			t.Fatalf("feed: %d %s", rec.Code, rec.Body.String())
		}
		cal, err := ical.NewDecoder(bytes.NewReader(rec.Body.Bytes())).Decode()
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, rec.Body.String())
		}
		if name, _ := cal.Props.Text("X-WR-CALNAME"); name != "テレワークの予定" {
			t.Errorf("name %q", name)
		}
		if rec := get("/api/v1/calendar-feeds/ics?token=wrong"); rec.Code != http.StatusNotFound {
			t.Errorf("wrong token: %d", rec.Code)
		}
		if res := call(w.session(t, "b-hr"), "POST", "/api/v1/calendar-feeds/revoke", `{"id":`+jsonInt(f.ID)+`}`); res.code != http.StatusNotFound {
			t.Errorf("cross-tenant revoke: %d %s", res.code, res.body)
		}
		if res := call(staff, "POST", "/api/v1/calendar-feeds/revoke", `{"id":`+jsonInt(f.ID)+`}`); res.code != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", res.code, res.body)
		}
		if rec := get(f.Path); rec.Code != http.StatusNotFound {
			t.Errorf("revoked feed: %d", rec.Code)
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
