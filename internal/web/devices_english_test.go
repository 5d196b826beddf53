package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDevicesCapitalisedInEnglish: an application's devices read as the
// other labels of its page do ("Devices: Loan PC", not "a loan PC").
func TestDevicesCapitalisedInEnglish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		form := dayForm(day, "submit")
		form.Set("devices", "loan_pc")
		id := submitPage(t, w, staff, form)
		if res := w.do("POST", "/settings", url.Values{"lang": {"en"}, "era": {"seireki"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("settings: %d", res.code)
		}
		if res := w.do("GET", "/applications/"+itoa(id), nil, staff); !strings.Contains(res.body, "<dd>Loan PC</dd>") {
			t.Errorf("the devices are not capitalised:\n%s", res.body)
		}
	})
}
