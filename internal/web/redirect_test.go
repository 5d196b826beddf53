package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestRedirectsStayLocal: after signing in (tenant and operator) and after
// switching the language, the Location header is a path on this site,
// whatever "next" says (issue 10 #1).
func TestRedirectsStayLocal(t *testing.T) {
	attacks := []string{"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\\evil.example", "//evil.example",
		"/%09/evil.example", "javascript:alert(1)", "https://evil.example", "/\u3000/evil.example", "/\u202e/evil.example"}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		check := func(what, next, want string, res resp) {
			t.Helper()
			if res.code != http.StatusSeeOther || res.location != want {
				t.Errorf("%s next=%q: %d → %q, want 303 → %q", what, next, res.code, res.location, want)
			}
		}
		for _, next := range attacks {
			res := w.do("POST", "/login", url.Values{"tenant": {"matsumoto"}, "login_id": {"staff"}, "password": {fixturePassword}, "next": {next}}, nil)
			check("sign-in", next, "/", res)
			res = w.do("POST", "/operator/login", url.Values{"login_id": {"operator"}, "password": {fixturePassword}, "next": {next}}, nil)
			check("operator sign-in", next, "/operator", res)
			res = w.do("POST", "/lang", url.Values{"lang": {"en"}, "next": {next}}, nil)
			check("language", next, "/", res)
			page := w.do("GET", "/login?next="+url.QueryEscape(next), nil, nil)
			// The layout's language form carries the page's own URL (and /lang
			// filters it); the sign-in form's next must be empty.
			if !strings.Contains(page.body, `<input type="hidden" name="next" value="">`) {
				t.Errorf("sign-in page keeps next=%q in its form", next)
			}
		}
		res := w.do("POST", "/login", url.Values{"tenant": {"matsumoto"}, "login_id": {"staff"}, "password": {fixturePassword}, "next": {"/settings?x=1"}}, nil)
		check("sign-in", "/settings?x=1", "/settings?x=1", res)
		res = w.do("POST", "/lang", url.Values{"lang": {"ja"}, "next": {"/staff"}}, nil)
		check("language", "/staff", "/staff", res)
	})
}

// TestLanguageChosenAtSignIn: English chosen on the sign-in page is kept
// by the sign-in that follows (saved to the account, whose stored
// Japanese would otherwise win); a sign-in without such a choice leaves
// the account's language alone.
func TestLanguageChosenAtSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		res := w.do("POST", "/lang", url.Values{"lang": {"en"}, "next": {"/login?tenant=matsumoto"}}, nil)
		var jar []string
		for _, c := range res.cookies {
			jar = append(jar, c.Name+"="+c.Value)
		}
		if !slices.ContainsFunc(jar, func(c string) bool { return strings.HasPrefix(c, "telework_lang_chosen=en") }) {
			t.Fatalf("the choice is not marked: %v", jar)
		}
		res = w.do("POST", "/login", url.Values{"tenant": {"matsumoto"}, "login_id": {"staff"}, "password": {fixturePassword}}, nil,
			"Cookie", strings.Join(jar, "; "))
		if res.code != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", res.code)
		}
		var session *http.Cookie
		cleared := false
		for _, c := range res.cookies {
			switch c.Name {
			case "telework_session":
				session = c
			case "telework_lang_chosen":
				cleared = c.MaxAge < 0
			}
		}
		if session == nil || !cleared {
			t.Fatalf("session %v, mark cleared %v", session, cleared)
		}
		if home := w.do("GET", "/", nil, session); !strings.Contains(home.body, `<html lang="en"`) {
			t.Errorf("after choosing English at sign-in the home page is not English:\n%.400s", home.body)
		}
		// Without the mark (a later sign-in), the account's language holds.
		res = w.do("POST", "/login", url.Values{"tenant": {"matsumoto"}, "login_id": {"staff"}, "password": {fixturePassword}}, nil,
			"Cookie", "telework_lang=ja")
		for _, c := range res.cookies {
			if c.Name == "telework_session" {
				if home := w.do("GET", "/", nil, c); !strings.Contains(home.body, `<html lang="en"`) {
					t.Errorf("a later sign-in lost the account's English")
				}
			}
		}
	})
}
