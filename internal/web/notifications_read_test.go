package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestMarkAllReadUpToWhatWasShown: 「すべて既読」 (the page's form) and
// POST /api/v1/notifications/read with up_to_id mark the notifications up
// to the newest one the person was shown, and leave unread one that
// arrived after the list was drawn (review r39: it was marked read
// unseen). The page's form names the newest notification on page 1 and on
// a later page alike; the API without up_to_id still marks all, and a
// negative one is a 422 naming the field. Both engines.
func TestMarkAllReadUpToWhatWasShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		staffID := w.staff["a-staff"].ID
		staff := w.session(t, "staff")
		add := func(n int) int64 {
			t.Helper()
			var ns []notify.Notification
			for i := range n {
				ns = append(ns, notify.New(staffID, notify.Reminder, 0, map[string]any{"Count": i + 1}))
			}
			storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, w.a.ID, ns) }))
			return ns[len(ns)-1].ID
		}
		unread := func() int {
			t.Helper()
			n, err := db.CountNotifications(ctx, w.a.ID, staffID, notify.Filter{UnreadOnly: true, InApp: true})
			storetest.Must(t, err)
			return n
		}
		formUpTo := regexp.MustCompile(`<form method="post" action="/notifications/read"[^>]*><input type="hidden" name="up_to_id" value="(\d+)">`)
		shown := func(page string) string {
			t.Helper()
			res := w.do("GET", "/notifications"+page, nil, staff)
			m := formUpTo.FindStringSubmatch(res.body)
			if res.code != http.StatusOK || m == nil {
				t.Fatalf("GET /notifications%s: %d, no up_to_id in the form:\n%s", page, res.code, res.body)
			}
			return m[1]
		}
		api := func(body string) (int, string) {
			t.Helper()
			res := w.call("POST", "/api/v1/notifications/read", body, "", "Cookie", staff.Name+"="+staff.Value)
			return res.code, res.body
		}
		pageRead := func(upTo string) {
			if res := w.do("POST", "/notifications/read", url.Values{"up_to_id": {upTo}}, staff); res.code != http.StatusSeeOther {
				t.Fatalf("read all: %d %s", res.code, res.body)
			}
		}
		surfaces := []struct {
			name string
			// list reads the newest id the person is shown; read marks
			// "all" up to it.
			list func() string
			read func(upTo string)
		}{
			{"page 1", func() string { return shown("") }, pageRead},
			{"page 2", func() string { return shown("?page=2") }, pageRead},
			{"api", func() string {
				res := w.call("GET", "/api/v1/notifications?limit=5", "", "", "Cookie", staff.Name+"="+staff.Value)
				var p struct {
					Items []struct {
						ID int64 `json:"id"`
					} `json:"items"`
				}
				if res.code != http.StatusOK || json.Unmarshal([]byte(res.body), &p) != nil || len(p.Items) == 0 {
					t.Fatalf("list: %d %s", res.code, res.body)
				}
				return strconv.FormatInt(p.Items[0].ID, 10)
			}, func(upTo string) {
				if code, body := api(`{"up_to_id":` + upTo + `}`); code != http.StatusOK || !strings.Contains(body, `"unread":1`) {
					t.Fatalf("read up to %s: %d %s", upTo, code, body)
				}
			}},
		}
		for _, s := range surfaces {
			newest := add(40) // two pages of the list
			listed := s.list()
			if listed != fmt.Sprint(newest) {
				t.Fatalf("%s: the form or list names %s, the newest is %d", s.name, listed, newest)
			}
			late := add(1) // arrives after the list was drawn
			s.read(listed)
			if n := unread(); n != 1 {
				t.Fatalf("%s: %d unread after reading all up to %s; want only the late one", s.name, n, listed)
			}
			if got, err := db.FindNotification(ctx, w.a.ID, staffID, late); err != nil || !got.Unread() {
				t.Fatalf("%s: the notification that arrived after the list is read (%v)", s.name, err)
			}
			// The rest, so that the next surface starts with none unread.
			if code, body := api(`{}`); code != http.StatusOK || !strings.Contains(body, `"unread":0`) {
				t.Fatalf("read all without up_to_id: %d %s", code, body)
			}
		}
		add(1)
		if code, body := api(`{"up_to_id":-1}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"up_to_id"`) || unread() != 1 {
			t.Errorf("a negative up_to_id: %d %s (unread %d)", code, body, unread())
		}
	})
}
