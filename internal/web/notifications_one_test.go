package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestOpenOneOldNotification: a notification older than the newest 200 can
// still be opened from the page and read or opened through the API; another
// person's id is not found on either.
func TestOpenOneOldNotification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		staffID := w.staff["a-staff"].ID
		var ns []notify.Notification
		for i := range notify.MaxList + 5 {
			n := notify.New(staffID, notify.Reminder, 0, map[string]any{"Count": i + 1})
			n.CreatedAt = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			ns = append(ns, n)
		}
		storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, w.a.ID, ns) }))
		oldest := ns[0].ID
		staff, other := w.session(t, "staff"), w.session(t, "supervisor")

		// The page: open the oldest (not among the newest 200).
		res := w.do("POST", fmt.Sprintf("/notifications/%d/read", oldest), nil, staff)
		if res.code != http.StatusSeeOther || res.location != "/approvals" {
			t.Fatalf("open an old notification: %d %q", res.code, res.location)
		}
		if n, _ := db.FindNotification(ctx, w.a.ID, staffID, oldest); n.Unread() {
			t.Error("the opened notification is still unread")
		}
		if res = w.do("POST", fmt.Sprintf("/notifications/%d/read", ns[1].ID), nil, other); res.code != http.StatusNotFound {
			t.Errorf("another person's notification on the page: %d", res.code)
		}

		// The API: read one (stays unread), open one (marked read).
		call := func(method, path string) resp {
			return w.call(method, path, "", "", "Cookie", staff.Name+"="+staff.Value)
		}
		res = call("GET", fmt.Sprintf("/api/v1/notifications/%d", ns[1].ID))
		if res.code != 200 || !strings.Contains(res.body, `"read":false`) || !strings.Contains(res.body, `"created_at":"2026-01-05T18:01:00+09:00"`) {
			t.Fatalf("get one: %d %s", res.code, res.body)
		}
		res = call("POST", fmt.Sprintf("/api/v1/notifications/%d/read", ns[1].ID))
		if res.code != 200 || !strings.Contains(res.body, `"read":true`) || !strings.Contains(res.body, `"kind":"reminder"`) {
			t.Fatalf("open one: %d %s", res.code, res.body)
		}
		if res = w.call("GET", fmt.Sprintf("/api/v1/notifications/%d", ns[2].ID), "", "", "Cookie", other.Name+"="+other.Value); res.code != http.StatusNotFound {
			t.Errorf("another person's notification through the API: %d %s", res.code, res.body)
		}
		if res = w.call("POST", fmt.Sprintf("/api/v1/notifications/%d/read", ns[2].ID), "", "", "Cookie", w.session(t, "b-hr").Name+"="+w.session(t, "b-hr").Value); res.code != http.StatusNotFound {
			t.Errorf("another tenant's notification through the API: %d", res.code)
		}
	})
}

// TestNotificationPagesDoNotShift: the API's list pages by the last
// notification of a page, so notifications arriving between two pages
// neither repeat an item on the next page nor hide one; walking every
// page reads each notification once, past the 200 of one read.
func TestNotificationPagesDoNotShift(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		staffID := w.staff["a-staff"].ID
		add := func(n int) {
			t.Helper()
			var ns []notify.Notification
			for i := range n {
				ns = append(ns, notify.New(staffID, notify.Reminder, 0, map[string]any{"Count": i + 1}))
			}
			storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, w.a.ID, ns) }))
		}
		add(205)
		staff := w.session(t, "staff")
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			Total      int    `json:"total"`
			NextCursor string `json:"next_cursor"`
		}
		seen := map[int64]int{}
		path := "/api/v1/notifications?limit=200"
		for pages := 0; path != ""; pages++ {
			res := w.call("GET", path, "", "", "Cookie", staff.Name+"="+staff.Value)
			if res.code != http.StatusOK || pages > 5 {
				t.Fatalf("page %d: %d %s", pages, res.code, res.body)
			}
			page.Items, page.NextCursor = nil, ""
			decode(t, res, &page)
			for _, it := range page.Items {
				seen[it.ID]++
			}
			if pages == 0 {
				add(3) // arrive between the pages
			}
			path = ""
			if page.NextCursor != "" {
				path = "/api/v1/notifications?limit=200&cursor=" + page.NextCursor
			}
		}
		if len(seen) != 205 {
			t.Fatalf("read %d notifications, want the 205 there were at the first page", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("notification %d read %d times", id, n)
			}
		}
		if res := w.call("GET", "/api/v1/notifications?cursor=bogus", "", "", "Cookie", staff.Name+"="+staff.Value); res.code != http.StatusUnprocessableEntity {
			t.Errorf("a malformed cursor: %d", res.code)
		}
	})
}
