package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestOperatorPasswordAndSettingsPages drives the operator's own pages: a
// password change ends every earlier session and continues in a new one;
// settings are saved and shown in the chosen language.
func TestOperatorPasswordAndSettingsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		old := w.session(t, "operator")
		other := w.session(t, "operator")

		// A wrong current password is named, nothing changes.
		res := w.do("POST", "/operator/password", url.Values{"current_password": {"wrong"}, "new_password": {"quiet-maple-harbour-2026"},
			"confirm_password": {"quiet-maple-harbour-2026"}}, old)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-current_password-error"`) {
			t.Fatalf("wrong current password: %d", res.code)
		}
		res = w.do("POST", "/operator/password", url.Values{"current_password": {fixturePassword}, "new_password": {"quiet-maple-harbour-2026"},
			"confirm_password": {"quiet-maple-harbour-2026"}}, old)
		if res.code != http.StatusSeeOther || res.location != "/operator" {
			t.Fatalf("password change: %d %s", res.code, res.location)
		}
		var fresh *http.Cookie
		for _, c := range res.cookies {
			if c.Name == "telework_session" && c.Value != "" {
				fresh = c
			}
		}
		if fresh == nil || fresh.Value == old.Value {
			t.Fatal("no new session cookie after the operator's password change")
		}
		for name, c := range map[string]*http.Cookie{"the changing session": old, "another session": other} {
			if res := w.do("GET", "/operator", nil, c); res.code != http.StatusSeeOther || !strings.HasPrefix(res.location, "/operator/login") {
				t.Errorf("%s still works after the password change: %d", name, res.code)
			}
		}
		if res := w.do("GET", "/operator", nil, fresh); res.code != http.StatusOK {
			t.Fatalf("the new session: %d", res.code)
		}

		// Settings: English and 和暦, then the page speaks English.
		if res := w.do("POST", "/operator/settings", url.Values{"lang": {"fr"}, "era": {"wareki"}}, fresh); res.code != http.StatusUnprocessableEntity {
			t.Errorf("unknown language: %d", res.code)
		}
		if res := w.do("POST", "/operator/settings", url.Values{"lang": {"en"}, "era": {"wareki"}}, fresh); res.code != http.StatusSeeOther || res.location != "/operator/settings" {
			t.Fatalf("settings: %d %s", res.code, res.location)
		}
		if res := w.do("GET", "/operator/settings", nil, fresh); res.code != http.StatusOK || !strings.Contains(res.body, `lang="en"`) {
			t.Errorf("settings page after choosing English: %d", res.code)
		}
		op, err := db.FindOperatorByID(t.Context(), w.opID)
		if err != nil || op.Locale != "en" || !op.Wareki {
			t.Errorf("stored settings: %+v %v", op, err)
		}
	})
}
