package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestIdempotentCreatesInAreas: on both engines, the POSTs that create or
// report something in places, devices and worktime honour Idempotency-Key
// as docs/api.md promises: the same key and body replay the first answer
// (Idempotent-Replayed: true, one record), the same key with another body
// is a 422 and writes nothing; the routes that return a secret shown once
// do not keep it for a replay.
func TestIdempotentCreatesInAreas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, today := applyWorld(t, db)
		it, staff := mkToken(t, w, "it", false), mkToken(t, w, "staff", false)
		res := w.call("POST", "/api/v1/offices", `{"name":"波田支所","kind":"branch","seats":5,"opens":"00:00","closes":"24:00","closed_days":[],"network":"internet"}`, it)
		if res.code != http.StatusCreated {
			t.Fatalf("office: %d %s", res.code, res.body)
		}
		var o struct{ ID int64 }
		decode(t, res, &o)
		if res = w.call("POST", "/api/v1/device-pools", `{"name":"LTEドングル","kind":"lte_dongle","capacity":5}`, it); res.code != http.StatusCreated {
			t.Fatalf("pool: %d %s", res.code, res.body)
		}
		var pool struct{ ID int64 }
		decode(t, res, &pool)
		count := func(q string) int {
			var n int
			storetest.Must(t, db.SQL.QueryRow(q).Scan(&n))
			return n
		}
		for _, c := range []struct {
			name, path, body, other, count string
			status                         int
		}{
			{"booking", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":%q,"half":"am"}`, o.ID, today),
				fmt.Sprintf(`{"office_id":%d,"date":%q,"half":"pm"}`, o.ID, today), `SELECT COUNT(*) FROM bookings`, http.StatusCreated},
			{"device reservation", "/api/v1/device-reservations", fmt.Sprintf(`{"pool_id":%d,"date":%q}`, pool.ID, today),
				fmt.Sprintf(`{"pool_id":%d,"date":%q}`, pool.ID, today.AddDays(1)), `SELECT COUNT(*) FROM device_reservations`, http.StatusCreated},
			{"personal device", "/api/v1/personal-devices", `{"description":"自宅のノートPC","os":"Windows 11"}`,
				`{"description":"自宅のタブレット","os":"iPadOS"}`, `SELECT COUNT(*) FROM personal_devices`, http.StatusCreated},
			{"start of work", "/api/v1/worktime/start", `{"mode":"home","place":"自宅"}`, `{"mode":"office"}`,
				`SELECT COUNT(*) FROM worktime_days`, http.StatusOK},
			{"overtime request", "/api/v1/worktime/overtime", fmt.Sprintf(`{"date":"%s","until":"19:30","reason":"議会資料の修正"}`, today),
				fmt.Sprintf(`{"date":"%s","until":"20:30","reason":"議会資料の修正"}`, today), `SELECT COUNT(*) FROM worktime_overtime`, http.StatusCreated},
		} {
			key := "k-" + strings.ReplaceAll(c.name, " ", "-")
			first := w.call("POST", c.path, c.body, staff, "Idempotency-Key", key)
			again := w.call("POST", c.path, c.body, staff, "Idempotency-Key", key)
			if first.code != c.status || again.code != c.status || again.body != first.body || again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("%s: replay %d/%d %q %s", c.name, first.code, again.code, again.header.Get("Idempotent-Replayed"), again.body)
			}
			if res := w.call("POST", c.path, c.other, staff, "Idempotency-Key", key); res.code != http.StatusUnprocessableEntity {
				t.Errorf("%s: same key, other body: %d %s", c.name, res.code, res.body)
			}
			if n := count(c.count); n != 1 {
				t.Errorf("%s: %d records", c.name, n)
			}
		}
		// A break and the end of the day: the retry gets the first answer,
		// not a 409 for a break already started or a day already ended.
		for _, c := range []struct{ path, body string }{
			{"/api/v1/worktime/break", `{"action":"start"}`},
			{"/api/v1/worktime/break", `{"action":"end"}`},
			{"/api/v1/worktime/end", `{}`},
		} {
			key := "k" + c.path + c.body
			first := w.call("POST", c.path, c.body, staff, "Idempotency-Key", key)
			again := w.call("POST", c.path, c.body, staff, "Idempotency-Key", key)
			if first.code != http.StatusOK || again.code != http.StatusOK || again.body != first.body || again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("%s %s: replay %d/%d %s", c.path, c.body, first.code, again.code, again.body)
			}
		}
		// No secret is kept for a replay: the credential's and the feed's
		// routes take no key (a retry of the credential is a 409, never a
		// second one), and the idempotency table holds no secret.
		feed := w.call("POST", "/api/v1/calendar-feeds", `{}`, staff, "Idempotency-Key", "k-feed")
		if feed.code != http.StatusCreated || feed.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("feed: %d %s", feed.code, feed.body)
		}
		if res := w.call("POST", "/api/v1/calendar-feeds", `{}`, staff, "Idempotency-Key", "k-feed"); res.code != http.StatusCreated || res.body == feed.body {
			t.Errorf("feed again: %d", res.code)
		}
		// Nor is a new API token's secret (the store keeps only its hash);
		// tokens are made from a signed-in session, not with a token.
		cookie := w.session(t, "staff")
		newToken := func() (int, string, string) {
			req := httptest.NewRequest("POST", "/api/v1/tokens", strings.NewReader(`{"name":"再送の確認"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "k-token")
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String(), rec.Header().Get("Idempotent-Replayed")
		}
		code1, body1, _ := newToken()
		code2, body2, replayed := newToken()
		if code1 != http.StatusCreated || code2 != http.StatusCreated || body1 == body2 || replayed != "" {
			t.Errorf("token twice with one key: %d %d, replayed %q", code1, code2, replayed)
		}
		if n := count(`SELECT COUNT(*) FROM idempotency_keys WHERE body LIKE '%token%' OR body LIKE '%password%' OR body LIKE '%secret%'`); n != 0 {
			t.Errorf("%d stored responses hold a secret", n)
		}
	})
}
