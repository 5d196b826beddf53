package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"telework/internal/auth"
	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestNotificationListTotal: total is how many notifications the query
// matches over all pages (it was the page's length plus one), unread ones
// with ?unread=true, without the kinds turned off for the app; the cursor
// walks to the end and the last page has none.
func TestNotificationListTotal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		staffID := w.staff["a-staff"].ID
		var ns []notify.Notification
		for i := range 76 {
			kind := notify.Reminder
			if i%10 == 0 { // 8 of them
				kind = notify.Approved
			}
			ns = append(ns, notify.New(staffID, kind, 0, map[string]any{"Count": i + 1, "Dates": "12月4日"}))
		}
		storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error {
			if err := tx.InsertNotifications(ctx, w.a.ID, ns); err != nil {
				return err
			}
			var read []int64
			for _, n := range ns[:10] { // one Approved among them
				read = append(read, n.ID)
			}
			_, err := tx.MarkNotificationsRead(ctx, w.a.ID, staffID, read, 0, w.db.Now())
			return err
		}))
		staff := w.session(t, "staff")
		type pageOut struct {
			Items  []json.RawMessage `json:"items"`
			Next   string            `json:"next_cursor"`
			Total  int               `json:"total"`
			Unread int               `json:"unread"`
		}
		get := func(q url.Values) pageOut {
			t.Helper()
			res := w.call("GET", "/api/v1/notifications?"+q.Encode(), "", "", "Cookie", staff.Name+"="+staff.Value)
			var p pageOut
			if res.code != http.StatusOK || json.Unmarshal([]byte(res.body), &p) != nil {
				t.Fatalf("list: %d %s", res.code, res.body)
			}
			return p
		}
		p := get(url.Values{"limit": {"3"}})
		if p.Total != 76 || len(p.Items) != 3 || p.Next == "" || p.Unread != 66 {
			t.Errorf("limit 3: total %d, %d items, next %q, unread %d", p.Total, len(p.Items), p.Next, p.Unread)
		}
		seen := len(p.Items)
		for p.Next != "" {
			p = get(url.Values{"limit": {"50"}, "cursor": {p.Next}})
			seen += len(p.Items)
			if p.Total != 76 {
				t.Errorf("total %d on a later page", p.Total)
			}
		}
		if seen != 76 {
			t.Errorf("walked %d notifications", seen)
		}
		if p := get(url.Values{"limit": {"76"}}); p.Total != 76 || len(p.Items) != 76 || p.Next != "" {
			t.Errorf("exactly one full page: total %d, %d items, next %q", p.Total, len(p.Items), p.Next)
		}
		if p := get(url.Values{"limit": {"3"}, "unread": {"true"}}); p.Total != 66 || len(p.Items) != 3 {
			t.Errorf("unread: total %d, %d items", p.Total, len(p.Items))
		}
		// Approved off in the app: 8 fewer, 7 of them unread.
		_, err := notify.NewDeliveryService(db, db.Now).SavePrefs(ctx, w.a.ID, sys, &auth.Principal{TenantID: w.a.ID, StaffID: staffID},
			[]notify.Pref{{Kind: notify.Approved, Email: true}})
		storetest.Must(t, err)
		if p := get(url.Values{"limit": {"3"}}); p.Total != 68 || p.Unread != 59 {
			t.Errorf("approved off: total %d, unread %d", p.Total, p.Unread)
		}
	})
}
