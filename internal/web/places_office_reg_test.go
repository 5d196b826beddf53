package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
