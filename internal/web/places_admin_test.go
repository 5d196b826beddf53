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

// TestPlacesOfficePages: IT creates and edits an office through the pages,
// a reduction below the bookings lists the affected people, the day view
// shows who booked which half and checks them in; staff may not manage,
// another tenant's office is not found (issue 14).
func TestPlacesOfficePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff, bhr := w.session(t, "it"), w.session(t, "staff"), w.session(t, "b-hr")
		today := calendar.DateOf(time.Now()).String()
		if res := w.do("GET", "/places/offices", nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff list: %d", res.code)
		}
		if res := w.do("GET", "/places/offices/new", nil, it); res.code != 200 || !strings.Contains(res.body, "<legend>") {
			t.Fatalf("new form: %d", res.code)
		}
		form := url.Values{"name": {"波田支所"}, "kind": {"branch"}, "network": {"office_lan"}, "seats": {"2"}, "pcs": {"1"},
			"opens": {"00:00"}, "closes": {"24:00"}, "closed_days": {""}, "horizon_days": {"30"}, "phone": {"1"}}
		if res := w.do("POST", "/places/offices", form, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff create: %d", res.code)
		}
		bad := url.Values{"name": {""}, "kind": {"branch"}, "network": {"office_lan"}, "opens": {"9時"}, "closes": {"17:15"}}
		if res := w.do("POST", "/places/offices", bad, it); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "08:30 のように") {
			t.Fatalf("invalid: %d", res.code)
		}
		if res := w.do("POST", "/places/offices", form, it); res.code != http.StatusSeeOther {
			t.Fatalf("create: %d %.300s", res.code, res.body)
		}
		var id int64
		if err := db.SQL.QueryRow(`SELECT id FROM task_places WHERE name = '波田支所'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if res := w.do("GET", "/places/offices", nil, it); !strings.Contains(res.body, "波田支所") {
			t.Fatalf("list: %d", res.code)
		}
		book := fmt.Sprintf(`{"office_id":%d,"date":%q,"half":"full_day","pc":true}`, id, today)
		if res := w.callCookie("POST", "/api/v1/bookings", book, staff); res.code != http.StatusCreated {
			t.Fatalf("book: %d %s", res.code, res.body)
		}
		edit := w.do("GET", fmt.Sprintf("/places/offices/%d/edit", id), nil, it)
		if edit.code != 200 || !strings.Contains(edit.body, `value="波田支所"`) {
			t.Fatalf("edit: %d", edit.code)
		}
		var version int64
		_ = db.SQL.QueryRow(`SELECT version FROM task_places WHERE id = $1`, id).Scan(&version)
		form.Set("seats", "0")
		form.Set("version", fmt.Sprint(version))
		res := w.do("POST", fmt.Sprintf("/places/offices/%d", id), form, it)
		if res.code != 200 || !strings.Contains(res.body, "定員・利用条件に合わなくなった予約") || !strings.Contains(res.body, "山田 太郎") {
			t.Fatalf("reduce: %d %.500s", res.code, res.body)
		}
		// The day view and check-in.
		day := fmt.Sprintf("/places/offices/%d/day?date=%s", id, today)
		if res := w.do("GET", day, nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff day view: %d", res.code)
		}
		res = w.do("GET", day, nil, it)
		if res.code != 200 || !strings.Contains(res.body, "山田 太郎") || !strings.Contains(res.body, "(定員超過)") {
			t.Fatalf("day view: %d", res.code)
		}
		var bid int64
		if err := db.SQL.QueryRow(`SELECT id FROM bookings WHERE office_id = $1`, id).Scan(&bid); err != nil {
			t.Fatal(err)
		}
		if res := w.do("POST", fmt.Sprintf("/places/bookings/%d/check-in", bid), nil, bhr); res.code != http.StatusNotFound {
			t.Fatalf("another tenant's check-in: %d", res.code)
		}
		if res := w.do("POST", fmt.Sprintf("/places/bookings/%d/check-in", bid), nil, it); res.code != http.StatusSeeOther {
			t.Fatalf("check-in: %d %.300s", res.code, res.body)
		}
		if res := w.do("GET", day, nil, it); !strings.Contains(res.body, "チェックイン済み") {
			t.Fatal("not checked in")
		}
		for _, p := range []string{"/edit", "/day"} {
			if res := w.do("GET", fmt.Sprintf("/places/offices/%d%s", id, p), nil, bhr); res.code != http.StatusNotFound {
				t.Fatalf("another tenant %s: %d", p, res.code)
			}
		}
		if res := w.do("POST", fmt.Sprintf("/places/offices/%d", id), form, bhr); res.code != http.StatusNotFound {
			t.Fatalf("another tenant's update: %d", res.code)
		}
	})
}
