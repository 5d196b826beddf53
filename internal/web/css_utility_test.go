package web_test

import (
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestVisuallyHiddenHasNoBox: .visually-hidden forces away every box
// property the form controls' rules set (width 100%, padding, border), so
// a hidden input (the password page's username) does not widen a 360 px
// page.
func TestVisuallyHiddenHasNoBox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		css := w.do("GET", "/static/app.css", nil, nil).body
		i := strings.Index(css, ".visually-hidden {")
		if i < 0 {
			t.Fatal("no .visually-hidden rule")
		}
		rule := css[i : i+strings.Index(css[i:], "}")]
		for _, want := range []string{"width: 1px !important", "height: 1px !important", "padding: 0 !important", "border: 0 !important",
			"min-height: 0 !important", "overflow: hidden !important"} {
			if !strings.Contains(rule, want) {
				t.Errorf(".visually-hidden lacks %q: %s", want, rule)
			}
		}
	})
}

// TestSignInURLBreaks: the tenant's sign-in URL is a long token in a
// definition list; at 360 px it must break anywhere (class url) rather
// than keep on one line (nowrap) and scroll the whole page sideways.
func TestSignInURLBreaks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		css := w.do("GET", "/static/app.css", nil, nil).body
		if i := strings.Index(css, "\n.url {"); i < 0 || !strings.Contains(css[i:i+strings.Index(css[i:], "}")], "overflow-wrap: anywhere") {
			t.Error("no .url rule that breaks anywhere")
		}
		res := w.do("GET", "/operator/tenants/"+itoa(w.a.ID), nil, w.session(t, "operator"))
		if res.code != 200 {
			t.Fatalf("tenant page: %d", res.code)
		}
		if !strings.Contains(res.body, `<code class="url">`) || strings.Contains(res.body, `<code class="nowrap">`) {
			t.Errorf("the sign-in URL does not break: %s", res.body[strings.Index(res.body, "<dl"):][:300])
		}
	})
}
