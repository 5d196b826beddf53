package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestNotificationKindsInOpenAPI: the document's Notification.kind and
// NotificationPreferences' kind are the registered kinds (notify.KindList,
// worktime's and places' included), so a list holding one of each kind
// validates against the document (the world's checker fails the test
// otherwise), and every kind reads in Japanese and English.
func TestNotificationKindsInOpenAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		var doc struct {
			Components struct {
				Schemas map[string]json.RawMessage `json:"schemas"`
			} `json:"components"`
		}
		storetest.Must(t, json.Unmarshal(w.srv.OpenAPIJSON(), &doc))
		type kindEnum struct {
			Properties map[string]struct {
				Enum  []string `json:"enum"`
				Items struct {
					Properties map[string]struct {
						Enum []string `json:"enum"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"properties"`
		}
		var note, prefs kindEnum
		storetest.Must(t, json.Unmarshal(doc.Components.Schemas["Notification"], &note))
		storetest.Must(t, json.Unmarshal(doc.Components.Schemas["NotificationPreferences"], &prefs))
		names := notify.KindNames()
		if !slices.Contains(names, string(worktime.NotifyOvertimeRequested)) || !slices.Contains(names, string(notify.DeviceOverdue)) {
			t.Fatalf("registered kinds %v", names)
		}
		if got := note.Properties["kind"].Enum; !slices.Equal(got, names) {
			t.Errorf("Notification.kind enum %v, want %v", got, names)
		}
		if got := prefs.Properties["prefs"].Items.Properties["kind"].Enum; !slices.Equal(got, names) {
			t.Errorf("preferences' kind enum %v, want %v", got, names)
		}
		staffID := w.staff["a-staff"].ID
		var ns []notify.Notification
		args := map[string]any{"Name": "山田 太郎", "Dates": "2026-12-04", "Count": 3, "To": "2026-12-10", "Date": "2026-12-04",
			"Until": "19:30", "Place": "駅前サテライト", "Pool": "貸出PC", "Week": "2026-12-07", "Title": "事後アンケート"}
		for _, ki := range notify.KindList() {
			if !i18n.Has("notify." + string(ki.Kind)) {
				t.Errorf("%s has no ja/en message", ki.Kind)
			}
			ns = append(ns, notify.New(staffID, ki.Kind, 0, args))
		}
		storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, w.a.ID, ns) }))
		// Kinds not in the app by default (start and end reports) are turned on, so all are listed.
		on := true
		var cs []notify.PrefChange
		for _, k := range notify.OffInAppByDefault() {
			cs = append(cs, notify.PrefChange{Kind: k, InApp: &on})
		}
		_, err := notify.NewDeliveryService(db, db.Now).UpdatePrefs(ctx, w.a.ID, sys, &auth.Principal{TenantID: w.a.ID, StaffID: staffID}, cs)
		storetest.Must(t, err)
		staff := w.session(t, "staff")
		res := w.call("GET", "/api/v1/notifications?limit=200", "", "", "Cookie", staff.Name+"="+staff.Value)
		if res.code != http.StatusOK {
			t.Fatalf("list: %d %s", res.code, res.body)
		}
		var page struct {
			Items []struct {
				Kind    string `json:"kind"`
				Message string `json:"message"`
			} `json:"items"`
		}
		storetest.Must(t, json.Unmarshal([]byte(res.body), &page))
		if len(page.Items) != len(names) {
			t.Errorf("%d items for %d kinds", len(page.Items), len(names))
		}
	})
}
