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

// TestDevicesDeskPages: IT registers a pool through the page, lends the
// day's reservation by asset number and takes it back by scanning the
// same number; staff and HR may not use the desk, another tenant's ids are
// not found (issue 14).
func TestDevicesDeskPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff, hr, bhr := w.session(t, "it"), w.session(t, "staff"), w.session(t, "hr"), w.session(t, "b-hr")
		today := calendar.DateOf(time.Now()).String()
		for _, c := range []*http.Cookie{staff, hr} {
			if res := w.do("GET", "/devices/desk", nil, c); res.code != http.StatusForbidden {
				t.Fatalf("desk for a non-IT: %d", res.code)
			}
		}
		if res := w.do("POST", "/devices/pools", url.Values{"name": {""}, "kind": {"lte_dongle"}, "capacity": {"2"}}, it); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("invalid pool: %d", res.code)
		}
		if res := w.do("POST", "/devices/pools", url.Values{"name": {"LTEドングル"}, "kind": {"lte_dongle"}, "capacity": {"2"}, "loan_days": {"1"}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("pool: %d %.300s", res.code, res.body)
		}
		var pool int64
		if err := db.SQL.QueryRow(`SELECT id FROM device_pools WHERE name = 'LTEドングル'`).Scan(&pool); err != nil {
			t.Fatal(err)
		}
		if res := w.do("GET", fmt.Sprintf("/devices/pools/%d/edit", pool), nil, it); res.code != 200 || !strings.Contains(res.body, `value="LTEドングル"`) {
			t.Fatalf("edit pool: %d", res.code)
		}
		if res := w.do("GET", fmt.Sprintf("/devices/pools/%d/edit", pool), nil, bhr); res.code != http.StatusForbidden && res.code != http.StatusNotFound {
			t.Fatalf("another tenant's pool: %d", res.code)
		}
		if res := w.callCookie("POST", "/api/v1/device-reservations", fmt.Sprintf(`{"pool_id":%d,"date":%q}`, pool, today), staff); res.code != http.StatusCreated {
			t.Fatalf("reserve: %d %s", res.code, res.body)
		}
		var rid int64
		if err := db.SQL.QueryRow(`SELECT id FROM device_reservations WHERE pool_id = $1`, pool).Scan(&rid); err != nil {
			t.Fatal(err)
		}
		desk := w.do("GET", "/devices/desk", nil, it)
		if desk.code != 200 || !strings.Contains(desk.body, "山田 太郎") || !strings.Contains(desk.body, fmt.Sprintf("/devices/reservations/%d/lend", rid)) {
			t.Fatalf("desk: %d", desk.code)
		}
		wantStacked(t, desk.body, `aria-labelledby="pool-`, "状態", "資産番号")
		// A refused lending comes back on the day it was made for, the
		// error on that row's field (the summary's link has its target),
		// not on the return field.
		if res := w.do("POST", fmt.Sprintf("/devices/reservations/%d/lend", rid), url.Values{"asset_no": {""}, "date": {today}}, it); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, `id="f-lend_asset_no" name="asset_no"`) || !strings.Contains(res.body, `href="#f-lend_asset_no"`) ||
			strings.Contains(res.body, `id="f-asset_no" name="asset_no" value="" autocomplete="off" autofocus aria-describedby="f-return-hint f-return-error"`) ||
			!strings.Contains(res.body, `name="date" value="`+today+`"`) {
			t.Fatalf("lend without asset: %d %s", res.code, res.body)
		}
		if res := w.do("POST", fmt.Sprintf("/devices/reservations/%d/lend", rid), url.Values{"asset_no": {"LTE-0042"}, "date": {today}}, it); res.code != http.StatusSeeOther ||
			res.location != "/devices/desk?date="+today {
			t.Fatalf("lend: %d %s %.300s", res.code, res.location, res.body)
		}
		// The same device again, typed through an IME for someone else:
		// refused at that row's field, what was typed kept there and
		// focused (not the return field, where the next scan would record
		// a return).
		if res := w.callCookie("POST", "/api/v1/device-reservations", fmt.Sprintf(`{"pool_id":%d,"date":%q}`, pool, today), w.session(t, "supervisor")); res.code != http.StatusCreated {
			t.Fatalf("second reservation: %d %s", res.code, res.body)
		}
		var rid2 int64
		if err := db.SQL.QueryRow(`SELECT id FROM device_reservations WHERE pool_id = $1 AND id <> $2`, pool, rid).Scan(&rid2); err != nil {
			t.Fatal(err)
		}
		if res := w.do("POST", fmt.Sprintf("/devices/reservations/%d/lend", rid2), url.Values{"asset_no": {"ｌｔｅー００４２"}, "date": {today}}, it); res.code != http.StatusConflict ||
			!strings.Contains(res.body, `id="f-lend_asset_no" name="asset_no" autocomplete="off" size="12" value="ｌｔｅー００４２" autofocus aria-invalid="true"`) ||
			strings.Contains(res.body, `autocomplete="off" autofocus aria-describedby="f-return-hint`) {
			t.Fatalf("the same device lent twice: %d %s", res.code, res.body)
		}
		if res := w.do("POST", "/devices/desk/return", url.Values{"asset_no": {"LTE-9999"}}, it); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "見つかりません") {
			t.Fatalf("unknown asset: %d", res.code)
		}
		if res := w.do("POST", "/devices/desk/return", url.Values{"asset_no": {"LTE-0042"}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("return: %d %.300s", res.code, res.body)
		}
		var status string
		_ = db.SQL.QueryRow(`SELECT status FROM device_reservations WHERE id = $1`, rid).Scan(&status)
		if status != "returned" {
			t.Fatalf("status %q", status)
		}
		if res := w.do("POST", fmt.Sprintf("/devices/reservations/%d/return", rid), nil, bhr); res.code != http.StatusForbidden && res.code != http.StatusNotFound {
			t.Fatalf("another tenant's return: %d", res.code)
		}
	})
}
