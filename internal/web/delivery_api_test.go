package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDeliveryAPI: preferences are one's own; SMTP and chat settings and
// dead letters are the IT admin's, never another tenant's; responses
// match the OpenAPI document (w.call validates them).
func TestDeliveryAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		call := func(c *http.Cookie, method, path, body string) resp {
			return w.call(method, path, body, "", "Cookie", c.Name+"="+c.Value)
		}
		staff, it := w.session(t, "staff"), w.session(t, "it")
		res := call(staff, "GET", "/api/v1/notification-preferences", "")
		if res.code != 200 || !strings.Contains(res.body, `{"kind":"approved","in_app":true,"email":true,"chat":false,"chat_available":true}`) {
			t.Fatalf("prefs: %d %s", res.code, res.body)
		}
		res = call(staff, "PUT", "/api/v1/notification-preferences", `{"prefs":[{"kind":"approved","in_app":true,"email":false,"chat":true}]}`)
		if res.code != 200 || !strings.Contains(res.body, `{"kind":"approved","in_app":true,"email":false,"chat":true,"chat_available":true}`) {
			t.Fatalf("save prefs: %d %s", res.code, res.body)
		}
		// Opting in to messages outside working time (SPEC §1): off by
		// default, set alone, kept with the kinds' choices, audited.
		if !strings.Contains(res.body, `"after_hours":false`) {
			t.Fatalf("after_hours by default: %s", res.body)
		}
		res = call(staff, "PUT", "/api/v1/notification-preferences", `{"after_hours":true}`)
		if res.code != 200 || !strings.Contains(res.body, `"after_hours":true`) || !strings.Contains(res.body, `{"kind":"approved","in_app":true,"email":false,"chat":true,"chat_available":true}`) {
			t.Fatalf("opt in: %d %s", res.code, res.body)
		}
		var entries int
		if err := db.SQL.QueryRow(db.Rebind(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = 'notify.after_hours'`), w.a.ID).Scan(&entries); err != nil || entries != 1 {
			t.Fatalf("after_hours audited %d times (%v)", entries, err)
		}
		if res := w.do("GET", "/notifications/settings", nil, staff); !strings.Contains(res.body, `name="after_hours" value="1" checked`) {
			t.Errorf("the settings page does not show the choice:\n%s", res.body)
		}
		if res := call(staff, "PUT", "/api/v1/notification-preferences", `{"prefs":[{"kind":"nope"}]}`); res.code != 422 && res.code != 400 {
			t.Errorf("unknown kind: %d %s", res.code, res.body)
		}
		if res := call(staff, "GET", "/api/v1/notification-settings", ""); res.code != http.StatusForbidden {
			t.Errorf("staff read settings: %d", res.code)
		}
		res = call(it, "PUT", "/api/v1/notification-settings", `{"smtp_host":"127.0.0.1","smtp_port":2525,"smtp_tls":"starttls",
			"smtp_user":"mailer","smtp_password":"s3cret","mail_from":"telework@example.lg.jp","charset":"iso-2022-jp"}`)
		if res.code != 200 || !strings.Contains(res.body, `"smtp_password_set":true`) || strings.Contains(res.body, "s3cret") {
			t.Fatalf("save settings: %d %s", res.code, res.body)
		}
		// A user name whose password is cleared could never authenticate.
		if res := call(it, "PUT", "/api/v1/notification-settings", `{"smtp_host":"127.0.0.1","smtp_port":2525,"smtp_tls":"starttls",
			"smtp_user":"mailer","smtp_password":"","mail_from":"telework@example.lg.jp","charset":"utf-8"}`); res.code != 422 ||
			!strings.Contains(res.body, `"field":"smtp_password"`) {
			t.Errorf("user without a password: %d %s", res.code, res.body)
		}
		// The webhook URL is a credential: read back, only its host.
		res = call(it, "PUT", "/api/v1/notification-channels", fmt.Sprintf(`{"unit_id":%d,"url":"http://10.0.0.9:9/hook/T0SECRET","format":"slack"}`, w.units["a-dept"].ID))
		if res.code != 200 || !strings.Contains(res.body, `"format":"slack"`) || !strings.Contains(res.body, `"host":"10.0.0.9:9"`) ||
			strings.Contains(res.body, "T0SECRET") {
			t.Fatalf("channel: %d %s", res.code, res.body)
		}
		if res := call(it, "GET", "/api/v1/notification-settings", ""); strings.Contains(res.body, "T0SECRET") {
			t.Errorf("the settings show the webhook URL: %s", res.body)
		}
		// Another tenant's section is not found.
		if res := call(it, "PUT", "/api/v1/notification-channels", fmt.Sprintf(`{"unit_id":%d,"url":"http://10.0.0.9:9/hook"}`, w.units["b-dept"].ID)); res.code != http.StatusNotFound {
			t.Errorf("cross-tenant channel: %d %s", res.code, res.body)
		}
		res = call(it, "GET", "/api/v1/notification-dead-letters", "")
		if res.code != 200 || !strings.Contains(res.body, `"total":0`) {
			t.Fatalf("dead letters: %d %s", res.code, res.body)
		}
		if res := call(it, "POST", "/api/v1/notification-dead-letters/retry", `{"id":999999}`); res.code != http.StatusNotFound {
			t.Errorf("retry unknown: %d %s", res.code, res.body)
		}
		if res := call(staff, "POST", "/api/v1/notification-dead-letters/retry", `{"id":1}`); res.code != http.StatusForbidden {
			t.Errorf("staff retry: %d", res.code)
		}
	})
}

// TestNotificationSettingsCharsetDefault: a PUT without charset saves
// utf-8, the default docs/notifications.md gives (it answered 422), and
// an unknown charset is still refused naming the field.
func TestNotificationSettingsCharsetDefault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it := w.session(t, "it")
		put := func(body string) resp {
			return w.call("PUT", "/api/v1/notification-settings", body, "", "Cookie", it.Name+"="+it.Value)
		}
		const base = `{"smtp_host":"127.0.0.1","smtp_port":2525,"smtp_tls":"starttls","mail_from":"telework@example.lg.jp"`
		cases := []struct {
			name, body string
			code       int
			says       string
		}{
			{"iso-2022-jp", base + `,"charset":"iso-2022-jp"}`, 200, `"charset":"iso-2022-jp"`},
			{"left out", base + `}`, 200, `"charset":"utf-8"`},
			{"unknown", base + `,"charset":"shift_jis"}`, 422, `"field":"charset"`},
		}
		for _, c := range cases {
			if res := put(c.body); res.code != c.code || !strings.Contains(res.body, c.says) {
				t.Errorf("%s: %d %s", c.name, res.code, res.body)
			}
		}
	})
}
