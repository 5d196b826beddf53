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

// TestPlacesOfficeClosedDaysJapanese: the office form takes closed days in
// Japanese (「土、日」), stores them in the canonical form and shows them
// back in Japanese; what cannot be read is refused with a message naming
// 休館日 and the forms it takes.
func TestPlacesOfficeClosedDaysJapanese(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it := w.session(t, "it")
		form := url.Values{"name": {"波田支所"}, "kind": {"branch"}, "network": {"office_lan"}, "seats": {"2"},
			"opens": {"08:30"}, "closes": {"17:15"}, "horizon_days": {"30"}}
		for _, c := range []struct{ in, want string }{{"土,日", ""}, {"土曜日", ""}, {"日曜日、2026-12-29", ""}, {"土，日曜", ""}, {"休み", "「休み」は読み取れません"}} {
			form.Set("closed_days", c.in)
			form.Set("name", "波田支所 "+c.in)
			res := w.do("POST", "/places/offices", form, it)
			if c.want != "" {
				if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, c.want) || !strings.Contains(res.body, `value="休み"`) {
					t.Fatalf("%q: %d %.300s", c.in, res.code, res.body)
				}
				continue
			}
			if res.code != http.StatusSeeOther {
				t.Fatalf("%q: %d %.500s", c.in, res.code, res.body)
			}
		}
		var id int64
		var closed string
		storetest.Must(t, db.SQL.QueryRow(`SELECT p.id, d.closed_days FROM task_places p JOIN office_details d ON d.office_id = p.id
			WHERE p.name = '波田支所 土,日'`).Scan(&id, &closed))
		if closed != "sat,sun" {
			t.Fatalf("stored %q, want the canonical sat,sun", closed)
		}
		if res := w.do("GET", fmt.Sprintf("/places/offices/%d/edit", id), nil, it); !strings.Contains(res.body, `value="土、日"`) {
			t.Fatalf("edit form shows %.2000s", res.body)
		}
		if _, err := db.SQL.Exec(`UPDATE users SET locale = 'en' WHERE id = $1`, w.users["it"].ID); err != nil {
			t.Fatal(err)
		}
		if res := w.do("GET", fmt.Sprintf("/places/offices/%d/edit", id), nil, w.session(t, "it")); !strings.Contains(res.body, `value="sat,sun"`) {
			t.Fatal("the English form shows the codes")
		}
	})
}

// TestPlacesOfficeRegistrations: HR and IT record an office's
// pre-registrations on its page by staff number, through the service the
// API uses (audited); the list shows who is registered, and a registered
// person can book. Staff may not record; another tenant's office is not
// found; an empty or unknown number is a field error.
func TestPlacesOfficeRegistrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, hr, staff, bhr := w.session(t, "it"), w.session(t, "hr"), w.session(t, "staff"), w.session(t, "b-hr")
		form := url.Values{"name": {"駅前シェアオフィス"}, "kind": {"private_share"}, "network": {"internet"}, "seats": {"0"},
			"opens": {"00:00"}, "closes": {"24:00"}, "closed_days": {""}, "horizon_days": {"30"}, "pre_registration": {"1"}}
		if res := w.do("POST", "/places/offices", form, it); res.code != http.StatusSeeOther {
			t.Fatalf("office: %d %.300s", res.code, res.body)
		}
		var id int64
		storetest.Must(t, db.SQL.QueryRow(`SELECT id FROM task_places WHERE name = '駅前シェアオフィス'`).Scan(&id))
		edit, reg := fmt.Sprintf("/places/offices/%d/edit", id), fmt.Sprintf("/places/offices/%d/registrations", id)
		if res := w.do("GET", edit, nil, hr); res.code != 200 || !strings.Contains(res.body, "事前登録した職員") || !strings.Contains(res.body, "まだいません") {
			t.Fatalf("edit: %d", res.code)
		}
		book := fmt.Sprintf(`{"office_id":%d,"date":%q,"half":"am"}`, id, calendar.DateOf(time.Now()).AddDays(1))
		if res := w.callCookie("POST", "/api/v1/bookings", book, staff); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("unregistered booking: %d %s", res.code, res.body)
		}
		for _, c := range []struct {
			name   string
			no     string
			cookie *http.Cookie
			code   int
			want   string
		}{
			{"staff", "1001", staff, http.StatusForbidden, ""},
			{"another tenant", "1001", bhr, http.StatusNotFound, ""},
			{"no number", " ", hr, http.StatusUnprocessableEntity, "「職員番号」を入力してください"},
			{"unknown number", "9999", hr, http.StatusUnprocessableEntity, "職員が見つかりません"},
			{"hr", "1001", hr, http.StatusSeeOther, ""},
			{"again (kept once)", "1001", it, http.StatusSeeOther, ""},
		} {
			res := w.do("POST", reg, url.Values{"staff_no": {c.no}}, c.cookie)
			if res.code != c.code || !strings.Contains(res.body, c.want) {
				t.Fatalf("%s: %d %.500s", c.name, res.code, res.body)
			}
			if c.want != "" && !strings.Contains(res.body, `id="f-staff_no-error"`) {
				t.Fatalf("%s: the error is not at the field", c.name)
			}
		}
		// The API records the same person again as a no-op (it was a 500
		// on PostgreSQL: the failed insert ended the transaction).
		if res := w.callCookie("POST", "/api/v1"+strings.TrimPrefix(reg, "/places"), fmt.Sprintf(`{"staff_id":%d}`, w.staff["a-staff"].ID), it); res.code != http.StatusNoContent {
			t.Fatalf("API again: %d %s", res.code, res.body)
		}
		res := w.do("GET", edit, nil, it)
		if !strings.Contains(res.body, "山田 太郎") || !strings.Contains(res.body, "1001") || strings.Contains(res.body, "まだいません") {
			t.Fatalf("list: %.3000s", res.body)
		}
		var audited int
		storetest.Must(t, db.SQL.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'places.register' AND object_id = $1`, fmt.Sprint(id)).Scan(&audited))
		if audited != 1 {
			t.Fatalf("%d audit entries", audited)
		}
		if res := w.callCookie("POST", "/api/v1/bookings", book, staff); res.code != http.StatusCreated {
			t.Fatalf("registered booking: %d %s", res.code, res.body)
		}
	})
}
