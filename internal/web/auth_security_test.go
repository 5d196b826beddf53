package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// Issue 10 through the pages and the API: tokens (item 2), the session
// cookie and its rotation (item 10, info), the bearer scheme's case (info)
// and separation of duties (item 14).

// TestSessionCookieIsABrowserSessionCookie: no Max-Age or Expires, so the
// cookie ends with the browser; the server's idle and absolute limits stay.
func TestSessionCookieIsABrowserSessionCookie(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		res := login(w, "matsumoto", "hr", fixturePassword)
		c := sessionFrom(t, res)
		if c.MaxAge != 0 || !c.Expires.IsZero() || strings.Contains(strings.ToLower(res.header.Get("Set-Cookie")), "max-age") {
			t.Errorf("session cookie is persistent: %q", res.header.Get("Set-Cookie"))
		}
		// Signing out still clears it.
		out := w.do("POST", "/logout", url.Values{}, c)
		if !strings.Contains(out.header.Get("Set-Cookie"), "Max-Age=0") {
			t.Errorf("logout did not clear the cookie: %q", out.header.Get("Set-Cookie"))
		}
	})
}

// TestPasswordChangeRotatesTheSession: the cookie that changed the password
// and every other session of the person end; the response carries a new
// one.
func TestPasswordChangeRotatesTheSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		c := sessionFrom(t, login(w, "matsumoto", "staff", fixturePassword))
		other := sessionFrom(t, login(w, "matsumoto", "staff", fixturePassword))
		res := w.do("POST", "/password", url.Values{"current_password": {fixturePassword}, "new_password": {"a rather long phrase"}, "confirm_password": {"a rather long phrase"}}, c)
		if res.code != http.StatusSeeOther {
			t.Fatalf("change: %d %s", res.code, res.body)
		}
		fresh := sessionFrom(t, res)
		if fresh.Value == c.Value {
			t.Fatal("the session token was not rotated")
		}
		for name, old := range map[string]*http.Cookie{"the changing session": c, "another session": other} {
			if res := w.do("GET", "/", nil, old); res.code != http.StatusSeeOther {
				t.Errorf("%s survived the change: %d", name, res.code)
			}
		}
		if res := w.do("GET", "/", nil, fresh); res.code != http.StatusOK {
			t.Errorf("the new session: %d", res.code)
		}
		// A weak new password is refused with the reason, in Japanese.
		res = w.do("POST", "/password", url.Values{"current_password": {"a rather long phrase"}, "new_password": {"password1234"}, "confirm_password": {"password1234"}}, fresh)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "よく使われているパスワード") || !strings.Contains(res.body, "NIST SP 800-63B") {
			t.Errorf("common password: %d", res.code)
		}
	})
}

// TestTokensCannotCreateTokens: a request authenticated by a token gets
// 403 on token creation; the bearer scheme is accepted in any case.
func TestTokensCannotCreateTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		tok := mkToken(t, w, "hr", false)
		res := w.call("POST", "/api/v1/tokens", `{"name":"child","expires_in_days":30}`, tok)
		if res.code != http.StatusForbidden || !strings.Contains(res.body, "トークンを作成できません") {
			t.Errorf("a token created a token: %d %s", res.code, res.body)
		}
		for _, scheme := range []string{"bearer", "BEARER", "Bearer"} {
			res := w.call("GET", "/api/v1/me", "", "", "Authorization", scheme+" "+tok)
			if res.code != http.StatusOK {
				t.Errorf("%q scheme: %d", scheme, res.code)
			}
		}
		if res := w.call("GET", "/api/v1/me", "", "", "Authorization", "Basic "+tok); res.code != http.StatusUnauthorized {
			t.Errorf("Basic scheme: %d", res.code)
		}
		// The browser session still creates tokens through the API.
		if res := w.do("GET", "/api/v1/tokens", nil, w.session(t, "hr")); res.code != http.StatusOK {
			t.Errorf("session list: %d", res.code)
		}
	})
}

// TestHRTokenPages: HR lists every token of the tenant, with the owner and
// never a secret, and revokes any, on the page and through the API.
func TestHRTokenPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		itTok := mkToken(t, w, "it", false)
		staffTok := mkToken(t, w, "staff", false)
		bTok := mkToken(t, w, "b-hr", false)
		hr := w.session(t, "hr")
		res := w.do("GET", "/accounts/tokens", nil, hr)
		if res.code != http.StatusOK || !strings.Contains(res.body, ">it</a>") || !strings.Contains(res.body, ">staff</a>") {
			t.Fatalf("HR's token page: %d", res.code)
		}
		for _, secret := range []string{itTok, staffTok, bTok} {
			if strings.Contains(res.body, secret) {
				t.Error("the token page shows a secret")
			}
		}
		var list struct {
			Items []struct {
				ID         int64  `json:"id"`
				OwnerLogin string `json:"owner_login_id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		r := w.do("GET", "/api/v1/tenant/tokens", nil, hr)
		decode(t, r, &list)
		if list.Total != 2 || strings.Contains(r.body, itTok) {
			t.Fatalf("HR's token list: %s", r.body)
		}
		i := slices.IndexFunc(list.Items, func(it struct {
			ID         int64  `json:"id"`
			OwnerLogin string `json:"owner_login_id"`
		}) bool {
			return it.OwnerLogin == "it"
		})
		if i < 0 {
			t.Fatalf("no token of it: %s", r.body)
		}
		if res := w.do("POST", "/accounts/tokens/"+strconv.FormatInt(list.Items[i].ID, 10)+"/revoke", url.Values{}, hr); res.code != http.StatusSeeOther {
			t.Errorf("revoke on the page: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/me", "", itTok); res.code != http.StatusUnauthorized {
			t.Errorf("the revoked token: %d", res.code)
		}
		other := list.Items[1-i].ID
		if res := w.do("DELETE", "/api/v1/tenant/tokens/"+strconv.FormatInt(other, 10), nil, hr); res.code != http.StatusNoContent {
			t.Errorf("revoke through the API: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/me", "", staffTok); res.code != http.StatusUnauthorized {
			t.Errorf("the token HR revoked through the API: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/me", "", bTok); res.code != http.StatusOK {
			t.Errorf("another tenant's token: %d", res.code)
		}
		if res := w.do("GET", "/accounts/tokens", nil, w.session(t, "it")); res.code != http.StatusForbidden {
			t.Errorf("IT on HR's token page: %d", res.code)
		}
	})
}

// TestAuditorRoleSeparation: HR's account page neither grants nor removes
// the auditor role, nor grants HR itself anything; the operator does it on
// the tenant's auditors page, audited in both chains.
func TestAuditorRoleSeparation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr := w.session(t, "hr")
		spare := w.users["spare"]
		spareURL := "/accounts/" + strconv.FormatInt(spare.ID, 10)
		// The form does not offer the role to HR.
		if res := w.do("GET", "/accounts/new", nil, hr); strings.Contains(res.body, `value="auditor"`) {
			t.Error("the new-account form offers the auditor role to HR")
		}
		res := w.do("POST", spareURL, url.Values{"roles": {"auditor"}, "version": {"1"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "職務分離") {
			t.Errorf("HR granted the auditor role: %d", res.code)
		}
		hrURL := "/accounts/" + strconv.FormatInt(w.users["hr"].ID, 10)
		res = w.do("POST", hrURL, url.Values{"roles": {"hr_admin", "it_admin"}, "version": {"1"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "自分自身に権限を付与") {
			t.Errorf("HR granted itself it_admin: %d", res.code)
		}
		// The operator grants it.
		op := w.session(t, "operator")
		auditors := "/operator/tenants/" + strconv.FormatInt(w.a.ID, 10) + "/auditors"
		if res := w.do("GET", auditors, nil, op); res.code != http.StatusOK || !strings.Contains(res.body, "auditor") {
			t.Fatalf("operator's auditors page: %d", res.code)
		}
		if res := w.do("POST", auditors, url.Values{"login_id": {"nobody"}, "action": {"grant"}}, op); res.code != http.StatusUnprocessableEntity {
			t.Errorf("unknown account: %d", res.code)
		}
		if res := w.do("POST", auditors, url.Values{"login_id": {"spare"}, "action": {"grant"}}, op); res.code != http.StatusSeeOther {
			t.Fatalf("operator's grant: %d %s", res.code, res.body)
		}
		u, _ := storetest.F(db).Auth.UserByID(ctx, w.a.ID, spare.ID)
		if !slices.Contains(u.Granted, auth.Auditor) {
			t.Fatalf("spare is not an auditor: %v", u.Granted)
		}
		for _, tenant := range []int64{0, w.a.ID} {
			action := "user.roles"
			if tenant == 0 {
				action = "operator.auditor"
			}
			if es, _ := db.FindAuditEntries(ctx, tenant, audit.Filter{Action: action}); len(es) == 0 {
				t.Errorf("no %s entry in chain %d", action, tenant)
			}
		}
		// HR saving the account page keeps the role it cannot change.
		res = w.do("GET", spareURL, nil, hr)
		if !strings.Contains(res.body, `type="hidden" name="roles" value="auditor"`) {
			t.Errorf("the account page does not keep the auditor role")
		}
		res = w.do("POST", spareURL, url.Values{"roles": {"auditor", "it_admin"}, "version": {strconv.FormatInt(u.Version, 10)}}, hr)
		if res.code != http.StatusSeeOther {
			t.Errorf("HR changing another role of an auditor: %d %s", res.code, res.body)
		}
		res = w.do("POST", spareURL, url.Values{"version": {strconv.FormatInt(u.Version+1, 10)}}, hr)
		if res.code != http.StatusUnprocessableEntity {
			t.Errorf("HR removed the auditor role: %d", res.code)
		}
		if res := w.do("POST", auditors, url.Values{"login_id": {"spare"}, "action": {"remove"}}, op); res.code != http.StatusSeeOther {
			t.Errorf("operator's removal: %d", res.code)
		}
		u, _ = storetest.F(db).Auth.UserByID(ctx, w.a.ID, spare.ID)
		if slices.Contains(u.Granted, auth.Auditor) {
			t.Errorf("still an auditor: %v", u.Granted)
		}
	})
}

// TestHRAccountPageOfAnAuditor: on an auditor's account page HR is offered
// neither the temporary password nor the 停止 checkbox, a save of the form
// keeps the role and the state, and a forged reset or disable is refused
// with a 422 that names the rule (a review reset an auditor's password and
// signed in as the auditor).
func TestHRAccountPageOfAnAuditor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr, op := w.session(t, "hr"), w.session(t, "operator")
		auditors := "/operator/tenants/" + strconv.FormatInt(w.a.ID, 10) + "/auditors"
		if res := w.do("POST", auditors, url.Values{"login_id": {"spare"}, "action": {"grant"}}, op); res.code != http.StatusSeeOther {
			t.Fatalf("operator's grant: %d", res.code)
		}
		spare := w.users["spare"]
		u, _ := storetest.F(db).Auth.UserByID(ctx, w.a.ID, spare.ID)
		page := "/accounts/" + strconv.FormatInt(spare.ID, 10)
		res := w.do("GET", page, nil, hr)
		for _, want := range []string{
			`id="role-auditor" value="auditor" disabled aria-describedby="role-auditor-hint" checked`,
			`type="hidden" name="roles" value="auditor"`,
			`id="f-disabled" value="1" disabled`,
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if strings.Contains(res.body, `action="`+page+`/reset"`) {
			t.Error("the page offers HR a temporary password for the auditor")
		}
		// What the page's form sends: the role kept, the state unchanged.
		form := url.Values{"roles": {"auditor", "it_admin"}, "version": {strconv.FormatInt(u.Version, 10)}}
		if res := w.do("POST", page, form, hr); res.code != http.StatusSeeOther {
			t.Errorf("saving the page's form: %d", res.code)
		}
		form.Set("version", strconv.FormatInt(u.Version+1, 10))
		form.Set("disabled", "1")
		if res := w.do("POST", page, form, hr); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "停止と停止の解除は、職務分離のため") {
			t.Errorf("HR disabled an auditor: %d", res.code)
		}
		res = w.do("POST", page+"/reset", url.Values{}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "telework user reset-password") {
			t.Errorf("HR reset an auditor's password: %d", res.code)
		}
		after, _ := storetest.F(db).Auth.UserByID(ctx, w.a.ID, spare.ID)
		if after.PasswordHash != u.PasswordHash || after.Disabled || after.MustChange {
			t.Errorf("the auditor's account changed: disabled %v must change %v", after.Disabled, after.MustChange)
		}
	})
}
