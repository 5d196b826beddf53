package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDeliveryPrefsPage: a person sees the preferences for every kind in
// Japanese, saves them without JavaScript, and the change is theirs alone.
func TestDeliveryPrefsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff, other := w.session(t, "staff"), w.session(t, "supervisor")
		res := w.do("GET", "/notifications", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, `href="/notifications/settings"`) {
			t.Fatalf("notifications page links the settings: %d", res.code)
		}
		res = w.do("GET", "/notifications/settings", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, "<legend>申請が承認された</legend>") || !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Fatalf("prefs page: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/notifications/settings", url.Values{"approved.in_app": {"1"}, "approved.chat": {"1"}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("save prefs: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/notifications/settings", nil, staff)
		if strings.Contains(res.body, `name="approved.email" value="1" checked`) || !strings.Contains(res.body, `name="approved.chat" value="1" checked`) {
			t.Errorf("saved prefs not shown: %s", res.body)
		}
		// Another person's page still shows the defaults.
		res = w.do("GET", "/notifications/settings", nil, other)
		if !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Error("another person's preferences changed")
		}
		// Another tenant's HR has their own (default) page; the operator has none.
		if res = w.do("GET", "/notifications/settings", nil, w.session(t, "b-hr")); res.code == 200 && !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Errorf("another tenant's person: %d", res.code)
		}
		if res = w.do("GET", "/notifications/settings", nil, nil); res.code != http.StatusSeeOther {
			t.Errorf("signed out: %d", res.code)
		}
	})
}
