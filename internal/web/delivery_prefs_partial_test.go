package web_test

import (
	"net/http"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDeliveryPartialPrefs: a change names a kind and the channels it
// changes; the channels and kinds it leaves out keep what they were (a
// {"kind","chat"} change set in_app and email to false before), both over
// the defaults and over stored choices; the page still sets every box.
func TestDeliveryPartialPrefs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff := w.session(t, "staff")
		put := func(body string) string {
			t.Helper()
			res := w.call("PUT", "/api/v1/notification-preferences", body, "", "Cookie", staff.Name+"="+staff.Value)
			if res.code != http.StatusOK {
				t.Fatalf("PUT %s: %d %s", body, res.code, res.body)
			}
			return res.body
		}
		has := func(when, body string, want ...string) {
			t.Helper()
			for _, s := range want {
				if !strings.Contains(body, s) {
					t.Errorf("%s: %s missing from %s", when, s, body)
				}
			}
		}
		body := put(`{"prefs":[{"kind":"reminder","chat":true}]}`)
		has("chat on", body, `{"kind":"reminder","in_app":true,"email":true,"chat":true,"chat_available":true}`,
			`{"kind":"approved","in_app":true,"email":true,"chat":false,"chat_available":true}`)
		body = put(`{"prefs":[{"kind":"reminder","email":false},{"kind":"approved","in_app":false}]}`)
		has("email off", body, `{"kind":"reminder","in_app":true,"email":false,"chat":true,"chat_available":true}`,
			`{"kind":"approved","in_app":false,"email":true,"chat":false,"chat_available":true}`)
		body = put(`{"prefs":[{"kind":"reported","in_app":null}]}`)
		has("null keeps", body, `{"kind":"reminder","in_app":true,"email":false,"chat":true,"chat_available":true}`,
			`{"kind":"approved","in_app":false,"email":true,"chat":false,"chat_available":true}`,
			`{"kind":"reported","in_app":true,"email":true,"chat":false,"chat_available":false}`)
		res := w.call("GET", "/api/v1/notification-preferences", "", "", "Cookie", staff.Name+"="+staff.Value)
		has("read back", res.body, `{"kind":"reminder","in_app":true,"email":false,"chat":true,"chat_available":true}`,
			`{"kind":"approved","in_app":false,"email":true,"chat":false,"chat_available":true}`)
		// Another person's application may not go to the section's chat.
		if res := w.call("PUT", "/api/v1/notification-preferences", `{"prefs":[{"kind":"submitted","chat":true}]}`,
			"", "Cookie", staff.Name+"="+staff.Value); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "prefs.0.chat") {
			t.Errorf("chat for submitted: %d %s", res.code, res.body)
		}
		if res := w.call("PUT", "/api/v1/notification-preferences", `{"prefs":[{"kind":"submitted"},{"kind":"submitted","chat":false}]}`,
			"", "Cookie", staff.Name+"="+staff.Value); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "prefs.1.kind") {
			t.Errorf("repeated kind: %d %s", res.code, res.body)
		}
	})
}
