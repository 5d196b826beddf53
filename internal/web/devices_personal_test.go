package web_test

import (
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

// TestDevicesPersonalPages: a person requests a personal device, IT
// approves it with an expiry and revokes it, another person does not see
// it; the one-time remote-access ID is shown once (issue 14).
func TestDevicesPersonalPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff, spare := w.session(t, "it"), w.session(t, "staff"), w.session(t, "spare")
		today := calendar.DateOf(time.Now())
		if res := w.do("POST", "/devices/personal", url.Values{"description": {""}}, staff); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("empty request: %d", res.code)
		}
		if res := w.do("POST", "/devices/personal", url.Values{"description": {"私物のMacBook Air"}, "os": {"Windows 11"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("request: %d %.300s", res.code, res.body)
		}
		if res := w.do("GET", "/devices/personal", nil, staff); res.code != 200 || !strings.Contains(res.body, "私物のMacBook Air") || !strings.Contains(res.body, "承認待ち") {
			t.Fatalf("mine: %d", res.code)
		}
		if res := w.do("GET", "/devices/personal", nil, spare); strings.Contains(res.body, "私物のMacBook Air") {
			t.Fatal("another person sees the device")
		}
		if res := w.do("GET", "/devices/personal/review", nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff review: %d", res.code)
		}
		var id int64
		if err := db.SQL.QueryRow(`SELECT id FROM personal_devices`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		decide := fmt.Sprintf("/devices/personal/%d/decide", id)
		if res := w.do("POST", decide, url.Values{"status": {"approved"}}, it); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("approve without expiry: %d", res.code)
		}
		if res := w.do("POST", decide, url.Values{"status": {"approved"}, "expires_on": {today.AddDays(90).String()}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("approve: %d %.300s", res.code, res.body)
		}
		if res := w.do("GET", "/devices/personal/review", nil, it); !strings.Contains(res.body, "承認を取り消す") {
			t.Fatal("no revoke button")
		}
		if res := w.do("POST", decide, url.Values{"status": {"revoked"}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.code)
		}
		// One-time ID: refused without a remote_id pool, then shown once.
		if res := w.do("POST", "/devices/credentials", url.Values{"date": {today.String()}}, staff); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("no credentials: %d", res.code)
		}
		if res := w.do("POST", "/devices/pools", url.Values{"name": {"リモートID"}, "kind": {"remote_id"}, "capacity": {"10"}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("pool: %d", res.code)
		}
		res := w.do("POST", "/devices/credentials", url.Values{"date": {today.String()}}, staff)
		if res.code != 200 || !strings.Contains(res.body, "この画面でだけ表示") || res.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("issue: %d %q", res.code, res.header.Get("Cache-Control"))
		}
		if res := w.do("GET", "/devices/personal", nil, staff); strings.Contains(res.body, "この画面でだけ表示") {
			t.Fatal("the password is shown again")
		}
		if res := w.do("POST", "/devices/credentials", url.Values{"date": {today.String()}}, staff); res.code != http.StatusConflict {
			t.Fatalf("second issue: %d", res.code)
		}
	})
}
