package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"telework/internal/app"
	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/sso"
	"telework/internal/sso/rp"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// loopbackIdP are the egress rules of `serve --sso-allow-http`.
var loopbackIdP = rp.Egress{AllowHTTP: true}

// ssoEnv is the fixture world with a test IdP on which both tenants have
// a client: tw-a (松本市) and tw-b (掛川市).
type ssoEnv struct {
	w   *world
	db  *store.DB
	svc *sso.Service // its own relying party: the server's cache is not shared
	idp *idpServer
}

func newSSOEnv(t *testing.T, db *store.DB) *ssoEnv {
	t.Helper()
	e := &ssoEnv{w: newWorld(t, db), db: db, svc: sso.NewService(db, db.Now), idp: newIdP(t)}
	// The test IdP is on loopback over http: allowed only as `serve
	// --sso-allow-http` allows it, for the server and for e.svc alike.
	e.svc.SetEgress(loopbackIdP)
	svc := app.NewServices(db)
	svc.SSO.SetEgress(loopbackIdP)
	var err error
	if e.w.srv, err = web.New(svc, telemetry.NewLogger(e.w.logs, slog.LevelDebug), telemetry.NewMetrics(nil), web.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	e.idp.addClient("tw-a", "secret-a")
	e.idp.addClient("tw-b", "secret-b")
	return e
}

// configure changes a tenant's settings through the service (the settings
// page has its own test). secret nil keeps the stored one.
func (e *ssoEnv) configure(t *testing.T, tenantID int64, secret *string, fn func(*sso.Settings)) {
	t.Helper()
	ctx := context.Background()
	st, err := e.svc.Settings(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	fn(st)
	if err := e.svc.SaveSettings(ctx, tenantID, sys, st, secret); err != nil {
		t.Fatal(err)
	}
}

// enableA turns SSO on for 松本市 with claim and client tw-a.
func (e *ssoEnv) enableA(t *testing.T, claim sso.Claim) {
	secret := "secret-a"
	e.configure(t, e.w.a.ID, &secret, func(s *sso.Settings) {
		s.Enabled, s.Issuer, s.ClientID, s.Claim = true, e.idp.URL, "tw-a", claim
	})
}

func ssoCookieOf(t *testing.T, res resp) *http.Cookie {
	t.Helper()
	for _, c := range res.cookies {
		if c.Name == "telework_sso" && c.Value != "" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("SSO cookie flags: HttpOnly=%v SameSite=%v", c.HttpOnly, c.SameSite)
			}
			return c
		}
	}
	t.Fatalf("no SSO cookie (%d → %s)", res.code, res.location)
	return nil
}

// start opens /sso/start and returns the redirect to the IdP and the
// browser-binding cookie.
func (e *ssoEnv) start(t *testing.T, tenant, next string) (string, *http.Cookie) {
	t.Helper()
	target := "/sso/start?tenant=" + url.QueryEscape(tenant)
	if next != "" {
		target += "&next=" + url.QueryEscape(next)
	}
	res := e.w.do("GET", target, nil, nil)
	if res.code != http.StatusSeeOther || !strings.HasPrefix(res.location, e.idp.URL+"/authorize?") {
		t.Fatalf("SSO start: %d → %q\n%s", res.code, res.location, res.body)
	}
	return res.location, ssoCookieOf(t, res)
}

// call requests target with the given cookies (nil ones are skipped).
func (e *ssoEnv) call(target string, cookies ...*http.Cookie) resp {
	req := httptest.NewRequest("GET", target, nil)
	for _, c := range cookies {
		if c != nil {
			req.AddCookie(c)
		}
	}
	rec := httptest.NewRecorder()
	e.w.srv.ServeHTTP(rec, req)
	return resp{code: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String(), header: rec.Header(), cookies: rec.Result().Cookies()}
}

// signIn runs the whole flow as one browser and returns the app's answer
// to the callback.
func (e *ssoEnv) signIn(t *testing.T, tenant, next string) resp {
	t.Helper()
	authURL, c := e.start(t, tenant, next)
	return e.call(e.idp.authorize(t, authURL), c)
}

// refused checks a refusal: status, message, and no session.
func refused(t *testing.T, what string, res resp, status int, msg string) {
	t.Helper()
	if res.code != status || !strings.Contains(res.body, msg) {
		t.Errorf("%s: got %d, want %d with %q\n%s", what, res.code, status, msg, res.body)
	}
	for _, c := range res.cookies {
		if c.Name == "telework_session" && c.Value != "" {
			t.Errorf("%s: a session was started", what)
		}
	}
}

func TestSSOSignInBySubjectAndByEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		w, ctx := e.w, context.Background()
		e.enableA(t, sso.ClaimSub)
		// First sign-in: found by e-mail (case-insensitive), the subject is
		// bound, and next is honoured.
		e.idp.as("idp-sub-1001", "P1001@City.Example.LG.JP")
		res := e.signIn(t, "matsumoto", "/staff")
		if res.code != http.StatusSeeOther || res.location != "/staff" {
			t.Fatalf("SSO sign-in: %d → %q\n%s", res.code, res.location, res.body)
		}
		c := sessionFrom(t, res)
		if home := w.do("GET", "/", nil, c); home.code != 200 || !strings.Contains(home.body, "山田 太郎") {
			t.Fatalf("home after SSO: %d", home.code)
		}
		if sub, _ := db.FindSSOSubject(ctx, w.a.ID, w.users["staff"].ID); sub != "idp-sub-1001" {
			t.Errorf("bound subject = %q", sub)
		}
		ents, _ := db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Action: "auth.login"})
		if len(ents) == 0 || !strings.Contains(string(ents[0].After), `"via":"sso"`) || ents[0].ActorLabel != "staff" {
			t.Errorf("auth.login entry does not say SSO: %+v", ents)
		}
		// By subject: the e-mail at the IdP changed, the person is the same.
		e.idp.as("idp-sub-1001", "taro.new@city.example.lg.jp")
		res = e.signIn(t, "matsumoto", "")
		if res.code != http.StatusSeeOther || res.location != "/" {
			t.Fatalf("second SSO sign-in by subject: %d\n%s", res.code, res.body)
		}
		if home := w.do("GET", "/", nil, sessionFrom(t, res)); !strings.Contains(home.body, "山田 太郎") {
			t.Error("sign-in by subject reached another person")
		}
		// E-mail mode: the e-mail decides, the bound subject does not count.
		e.configure(t, w.a.ID, nil, func(s *sso.Settings) { s.Claim = sso.ClaimEmail })
		e.idp.as("idp-sub-1003", "p1003@city.example.lg.jp")
		res = e.signIn(t, "matsumoto", "")
		if home := w.do("GET", "/", nil, sessionFrom(t, res)); !strings.Contains(home.body, "鈴木 一郎") {
			t.Error("sign-in by e-mail did not reach the HR admin")
		}
		e.idp.as("idp-sub-1001", "taro.new@city.example.lg.jp")
		refused(t, "e-mail mode, unknown e-mail", e.signIn(t, "matsumoto", ""), http.StatusUnauthorized, "アカウントが見つかりません")
		// No e-mail, subject, code or token in the logs; the reason is there.
		logs := w.logs.String()
		for _, s := range []string{"idp-sub", "P1001", "p1001", "p1003", "taro.new", "City.Example", "code=", "eyJ", "secret-a"} {
			if strings.Contains(logs, s) {
				t.Errorf("logs contain %q", s)
			}
		}
		if !strings.Contains(logs, `"reason":"no usable account: no_account"`) {
			t.Errorf("the refusal is not logged with its reason:\n%s", logs)
		}
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, "sso sign-in refused") && !strings.Contains(line, `"request_id":"`) || strings.Contains(line, `"request_id":""`) {
				t.Errorf("log line without request id: %s", line)
			}
		}
	})
}

func TestSSOJustInTimeLinking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		w, ctx := e.w, context.Background()
		e.enableA(t, sso.ClaimSub)
		st := &org.Staff{StaffNo: "2001", Name: "新人 花子", Kana: "しんじん はなこ", Email: "new.person@city.example.lg.jp",
			UnitID: w.units["a-team"].ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		if err := storetest.F(db).CreateStaff(ctx, w.a.ID, sys, st, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		e.idp.as("idp-new", "New.Person@city.example.lg.jp")
		// Linking off: a staff record without an account cannot sign in.
		refused(t, "JIT off", e.signIn(t, "matsumoto", ""), http.StatusUnauthorized, "アカウントが見つかりません")
		if _, err := db.FindUserByStaff(ctx, w.a.ID, st.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("an account was created with linking off: %v", err)
		}
		// Linking on: the account is created, linked and bound.
		e.configure(t, w.a.ID, nil, func(s *sso.Settings) { s.JITLink = true })
		res := e.signIn(t, "matsumoto", "")
		if res.code != http.StatusSeeOther {
			t.Fatalf("JIT sign-in: %d\n%s", res.code, res.body)
		}
		if home := w.do("GET", "/", nil, sessionFrom(t, res)); home.code != 200 || !strings.Contains(home.body, "新人 花子") {
			t.Fatalf("home after JIT: %d", home.code)
		}
		u, err := db.FindUserByStaff(ctx, w.a.ID, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.LoginID != "2001" || u.MustChange || len(u.Granted) != 0 || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Errorf("JIT account: %+v", u)
		}
		if ok, _ := auth.CheckPassword(u.PasswordHash, ""); ok {
			t.Error("JIT account has a usable password")
		}
		if sub, _ := db.FindSSOSubject(ctx, w.a.ID, u.ID); sub != "idp-new" {
			t.Errorf("JIT subject = %q", sub)
		}
		ents, _ := db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Action: "user.create"})
		if len(ents) == 0 || ents[0].ActorLabel != "sso" || ents[0].ObjectID != strconv.FormatInt(u.ID, 10) {
			t.Errorf("JIT account creation not audited as sso: %+v", ents)
		}
		// The next sign-in uses that account; no second one is made.
		if res := e.signIn(t, "matsumoto", ""); res.code != http.StatusSeeOther {
			t.Fatalf("second JIT sign-in: %d", res.code)
		}
		if _, n, _ := db.FindUsers(ctx, w.a.ID, 500, 0); n != 7 { // 6 fixture accounts in 松本市 + the new one
			t.Errorf("accounts in 松本市: %d", n)
		}
		// An HR-made account waiting for its first password change: after an
		// SSO sign-in it needs no password, and the temporary one is gone.
		tru := true
		if _, err := storetest.F(db).UpdateUser(ctx, w.a.ID, sys, w.users["spare"].ID, auth.UserUpdate{MustChange: &tru}); err != nil {
			t.Fatal(err)
		}
		e.idp.as("idp-1005", "p1005@city.example.lg.jp")
		res = e.signIn(t, "matsumoto", "")
		if home := w.do("GET", "/", nil, sessionFrom(t, res)); home.code != 200 {
			t.Errorf("SSO account with a pending password change: GET / → %d %s", home.code, home.location)
		}
		if spare, _ := db.FindUserByID(ctx, w.a.ID, w.users["spare"].ID); spare.MustChange {
			t.Error("must-change still set after SSO sign-in")
		}
		if res := login(w, "matsumoto", "spare", fixturePassword); res.code != http.StatusUnauthorized {
			t.Errorf("the old password still works: %d", res.code)
		}
	})
}

func TestSSORefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		w, ctx := e.w, context.Background()
		e.enableA(t, sso.ClaimSub)
		e.idp.as("idp-sub-1001", "p1001@city.example.lg.jp")

		// The request carries PKCE (S256), state and nonce.
		authURL, _ := e.start(t, "matsumoto", "")
		u, _ := url.Parse(authURL)
		q := u.Query()
		if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43 || len(q.Get("state")) < 43 ||
			len(q.Get("nonce")) < 43 || q.Get("scope") != "openid email profile" || q.Get("client_id") != "tw-a" ||
			q.Get("redirect_uri") != appHost+"/sso/callback" {
			t.Errorf("authorization request: %v", q)
		}

		// Wrong audience: the ID token was issued for another client.
		e.idp.set(func(i *idpServer) { i.audience = []string{"another-client"} })
		refused(t, "wrong audience", e.signIn(t, "matsumoto", ""), http.StatusUnauthorized, "確認できなかった")
		e.idp.set(func(i *idpServer) { i.audience = nil })

		// Expired ID token.
		e.idp.set(func(i *idpServer) { i.lifetime = -time.Hour })
		refused(t, "expired ID token", e.signIn(t, "matsumoto", ""), http.StatusUnauthorized, "有効期限が切れていました")
		e.idp.set(func(i *idpServer) { i.lifetime = 5 * time.Minute })

		// Nonce mismatch: the request reaching the IdP carried another nonce.
		authURL, c := e.start(t, "matsumoto", "")
		u, _ = url.Parse(authURL)
		q = u.Query()
		q.Set("nonce", "injected-nonce-injected-nonce-injected-nonce")
		u.RawQuery = q.Encode()
		refused(t, "nonce mismatch", e.call(e.idp.authorize(t, u.String()), c), http.StatusUnauthorized, "確認できなかった")

		// PKCE is checked by the provider: with another verifier stored, the
		// exchange is refused.
		authURL, c = e.start(t, "matsumoto", "")
		if _, err := db.SQL.Exec(`UPDATE sso_states SET verifier = 'wrong-verifier-wrong-verifier-wrong-verifier-0'`); err != nil {
			t.Fatal(err)
		}
		refused(t, "wrong PKCE verifier", e.call(e.idp.authorize(t, authURL), c), http.StatusUnauthorized, "確認できなかった")
		if !strings.Contains(w.logs.String(), "invalid_grant") {
			t.Error("the provider's invalid_grant is not in the log")
		}

		// A replayed state: the same callback twice.
		authURL, c = e.start(t, "matsumoto", "")
		cb := e.idp.authorize(t, authURL)
		if res := e.call(cb, c); res.code != http.StatusSeeOther {
			t.Fatalf("first callback: %d\n%s", res.code, res.body)
		}
		refused(t, "replayed state", e.call(cb, c), http.StatusBadRequest, "手続きが無効")

		// A callback in a browser that did not start the flow.
		authURL, _ = e.start(t, "matsumoto", "")
		refused(t, "another browser", e.call(e.idp.authorize(t, authURL)), http.StatusBadRequest, "手続きが無効")
		refused(t, "unknown state", e.call("/sso/callback?state=made-up&code=x", c), http.StatusBadRequest, "手続きが無効")
		refused(t, "no state", e.call("/sso/callback"), http.StatusBadRequest, "手続きが無効")

		// The IdP answers with an error.
		authURL, c = e.start(t, "matsumoto", "")
		u, _ = url.Parse(authURL)
		refused(t, "IdP error", e.call("/sso/callback?error=access_denied&state="+url.QueryEscape(u.Query().Get("state")), c),
			http.StatusUnauthorized, "完了しませんでした")

		// A flow expires after 10 minutes.
		authURL, c = e.start(t, "matsumoto", "")
		cb = e.idp.authorize(t, authURL)
		db.Now = func() time.Time { return time.Now().Add(11 * time.Minute) }
		refused(t, "expired flow", e.call(cb, c), http.StatusBadRequest, "手続きが無効")
		db.Now = time.Now

		// Disabled account, retired staff.
		tru := true
		if _, err := storetest.F(db).UpdateUser(ctx, w.a.ID, sys, w.users["staff"].ID, auth.UserUpdate{Disabled: &tru}); err != nil {
			t.Fatal(err)
		}
		refused(t, "disabled account", e.signIn(t, "matsumoto", ""), http.StatusForbidden, "停止されている")
		sup, _ := db.FindStaffByID(ctx, w.a.ID, w.staff["a-super"].ID)
		if err := storetest.F(db).SetStaffRetired(ctx, w.a.ID, sys, sup.ID, sup.Version, true); err != nil {
			t.Fatal(err)
		}
		e.idp.as("idp-sub-1002", "p1002@city.example.lg.jp")
		refused(t, "retired staff", e.signIn(t, "matsumoto", ""), http.StatusForbidden, "退職")

		// Not set up, unknown tenant, no tenant.
		refused(t, "tenant without SSO", e.w.do("GET", "/sso/start?tenant=kakegawa", nil, nil), http.StatusBadRequest, "利用できません")
		refused(t, "unknown tenant", e.w.do("GET", "/sso/start?tenant=nowhere", nil, nil), http.StatusBadRequest, "利用できません")
		refused(t, "no tenant", e.w.do("GET", "/sso/start", nil, nil), http.StatusUnprocessableEntity, "「団体コード(シングルサインオン)」を入力してください")

		// The IdP cannot be reached; the message follows the language.
		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close()
		// (Written around the service, which would refuse to save an
		// issuer whose discovery fails.)
		if _, err := db.SQL.Exec(`UPDATE sso_settings SET issuer = '` + closed.URL + `'`); err != nil {
			t.Fatal(err)
		}
		refused(t, "IdP unreachable", e.w.do("GET", "/sso/start?tenant=matsumoto", nil, nil), http.StatusBadGateway, "接続できませんでした")
		refused(t, "IdP unreachable (en)", e.w.do("GET", "/sso/start?tenant=matsumoto", nil, nil, "Accept-Language", "en"),
			http.StatusBadGateway, "could not be reached")

		logs := w.logs.String()
		for _, s := range []string{"idp-sub", "p1001", "p1002", "injected-nonce", "wrong-verifier", "eyJ", "secret-a"} {
			if strings.Contains(logs, s) {
				t.Errorf("logs contain %q", s)
			}
		}
		for _, reason := range []string{"exchange or ID token refused", "ID token expired", "state unknown, already used or expired",
			"state was started in another browser", "provider answered error access_denied", "no usable account: disabled",
			"no usable account: retired", "discovery failed", "audience", "nonce"} {
			if !strings.Contains(logs, reason) {
				t.Errorf("logs lack the reason %q", reason)
			}
		}
	})
}

func TestSSOMandatoryKeepsBreakGlass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		w := e.w
		e.enableA(t, sso.ClaimSub)
		// Optional SSO: passwords still work.
		if res := login(w, "matsumoto", "staff", fixturePassword); res.code != http.StatusSeeOther {
			t.Fatalf("password sign-in with optional SSO: %d", res.code)
		}
		e.configure(t, w.a.ID, nil, func(s *sso.Settings) { s.Mandatory = true })
		for _, acct := range []string{"staff", "hr"} {
			res := login(w, "matsumoto", acct, fixturePassword)
			refused(t, "password sign-in of "+acct, res, http.StatusForbidden, "シングルサインオンが必須")
			if !strings.Contains(res.body, "シングルサインオンでログイン") {
				t.Errorf("%s: the refusal page has no SSO button", acct)
			}
		}
		// A wrong password gets the usual answer: nothing is revealed.
		refused(t, "wrong password", login(w, "matsumoto", "staff", "wrong-password"), http.StatusUnauthorized, "正しくありません")
		// Break-glass: the IT admin may still use a password; so does the
		// auditor, who never signs in through the IT admin's IdP.
		for _, acct := range []string{"it", "auditor"} {
			if res := login(w, "matsumoto", acct, fixturePassword); res.code != http.StatusSeeOther {
				t.Errorf("%s: password under mandatory SSO: %d\n%s", acct, res.code, res.body)
			}
		}
		// Another tenant is not affected.
		if res := login(w, "kakegawa", "hr", fixturePassword); res.code != http.StatusSeeOther {
			t.Errorf("kakegawa: %d", res.code)
		}
		// SSO itself works, and the settings page explains the break-glass.
		e.idp.as("idp-sub-1001", "p1001@city.example.lg.jp")
		if res := e.signIn(t, "matsumoto", ""); res.code != http.StatusSeeOther {
			t.Errorf("SSO under mandatory: %d", res.code)
		}
		page := w.do("GET", "/sso/settings", nil, w.session(t, "it"))
		if !strings.Contains(page.body, "シングルサインオン必須") || !strings.Contains(page.body, "パスワードでもログインできます(緊急用)") {
			t.Error("the settings page does not explain the break-glass")
		}
		// In English too.
		res := login(w, "matsumoto", "staff", fixturePassword, "Accept-Language", "en")
		refused(t, "password sign-in (en)", res, http.StatusForbidden, "requires single sign-on")
	})
}

func TestSSOTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		w, ctx := e.w, context.Background()
		e.enableA(t, sso.ClaimSub)
		secretB := "secret-b"
		e.configure(t, w.b.ID, &secretB, func(s *sso.Settings) {
			s.Enabled, s.Issuer, s.ClientID, s.Claim = true, e.idp.URL, "tw-b", sso.ClaimEmail
		})
		// 掛川 太郎 has the same e-mail address as 山田 太郎 in 松本市.
		e.idp.as("idp-sub-shared", "p1001@city.example.lg.jp")
		// A flow started for 松本市 cannot be finished with a code that the
		// IdP issued to 掛川市's client.
		authA, cA := e.start(t, "matsumoto", "")
		uA, _ := url.Parse(authA)
		authB, cB := e.start(t, "kakegawa", "")
		cbB := e.idp.authorize(t, authB)
		uB, _ := url.Parse(cbB)
		mixed := "/sso/callback?state=" + url.QueryEscape(uA.Query().Get("state")) + "&code=" + url.QueryEscape(uB.Query().Get("code"))
		refused(t, "state of A with a code for B", e.call(mixed, cA), http.StatusUnauthorized, "確認できなかった")
		// B's own flow ends in B, as 掛川 太郎.
		res := e.call(cbB, cB)
		if res.code != http.StatusSeeOther {
			t.Fatalf("kakegawa SSO: %d\n%s", res.code, res.body)
		}
		home := w.do("GET", "/", nil, sessionFrom(t, res))
		if !strings.Contains(home.body, "掛川 太郎") || strings.Contains(home.body, "山田 太郎") {
			t.Error("kakegawa's flow signed in the wrong person")
		}
		// A state of A, presented with B's browser cookie, is refused too.
		authA, _ = e.start(t, "matsumoto", "")
		refused(t, "A's flow in B's browser", e.call(e.idp.authorize(t, authA), cB), http.StatusBadRequest, "手続きが無効")

		// IT admins see and change their own tenant's settings only.
		bIT := &auth.User{LoginID: "b-it", PasswordHash: cheapHash, Granted: []auth.Role{auth.ITAdmin}}
		if err := storetest.F(db).CreateUser(ctx, w.b.ID, sys, bIT); err != nil {
			t.Fatal(err)
		}
		token, hash := auth.NewSessionToken()
		if err := db.CreateSession(ctx, &auth.Session{TokenHash: hash, TenantID: w.b.ID, UserID: bIT.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		bc := &http.Cookie{Name: "telework_session", Value: token}
		page := w.do("GET", "/sso/settings", nil, bc)
		if page.code != 200 || !strings.Contains(page.body, `value="tw-b"`) || strings.Contains(page.body, "tw-a") {
			t.Errorf("kakegawa's IT admin sees: %d", page.code)
		}
		if res := w.do("POST", "/sso/settings", url.Values{"version": {"1"}, "sso_claim": {"sub"}}, bc); res.code != http.StatusSeeOther {
			t.Fatalf("kakegawa saves: %d\n%s", res.code, res.body)
		}
		a, _ := db.FindSSOSettings(ctx, w.a.ID)
		b, _ := db.FindSSOSettings(ctx, w.b.ID)
		if !a.Enabled || a.ClientID != "tw-a" || b.Enabled || b.ClientID != "" {
			t.Errorf("after kakegawa's save: a=%+v b=%+v", a, b)
		}
		// 松本市's IT admin cannot bind a subject to a 掛川市 account.
		res = w.do("POST", "/sso/subject", url.Values{"login_id": {"b-it"}, "sso_subject": {"x"}}, w.session(t, "it"))
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "アカウントが見つかりません") {
			t.Errorf("binding another tenant's account: %d", res.code)
		}
		if sub, _ := db.FindSSOSubject(ctx, w.b.ID, bIT.ID); sub != "" {
			t.Error("another tenant's account was bound")
		}
	})
}

func TestSSOSettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		w, ctx := e.w, context.Background()
		e.idp.addClient("tw-a2", "secret-a2")
		const secret = "top-secret-value-123"
		e.idp.addClient("tw-a", secret)
		it := w.session(t, "it")
		page := w.do("GET", "/sso/settings", nil, it)
		if page.code != 200 || !strings.Contains(page.body, "未設定") || !strings.Contains(page.body, appHost+"/sso/callback") {
			t.Fatalf("settings page: %d", page.code)
		}
		form := url.Values{"version": {"0"}, "sso_enabled": {"1"}, "sso_issuer": {e.idp.URL + "/"}, "sso_client_id": {"tw-a"},
			"sso_client_secret": {secret}, "sso_claim": {"email"}, "sso_jit": {"1"}}
		if res := w.do("POST", "/sso/settings", form, it); res.code != http.StatusSeeOther || res.location != "/sso/settings" {
			t.Fatalf("save: %d\n%s", res.code, res.body)
		}
		page = w.do("GET", "/sso/settings", nil, it)
		if !strings.Contains(page.body, "設定済み") || strings.Contains(page.body, secret) {
			t.Error("the secret is not shown as set, or is shown")
		}
		if got, _ := db.SSOClientSecret(ctx, w.a.ID); got != secret {
			t.Errorf("stored secret = %q", got)
		}
		st, _ := db.FindSSOSettings(ctx, w.a.ID)
		if !st.Enabled || st.Issuer != e.idp.URL || st.Claim != sso.ClaimEmail || !st.JITLink || st.Mandatory || st.Version != 1 {
			t.Errorf("saved: %+v", st)
		}
		// A save without a secret keeps it.
		form.Set("version", "1")
		form.Del("sso_client_secret")
		form.Set("sso_claim", "sub")
		if res := w.do("POST", "/sso/settings", form, it); res.code != http.StatusSeeOther {
			t.Fatalf("second save: %d\n%s", res.code, res.body)
		}
		if got, _ := db.SSOClientSecret(ctx, w.a.ID); got != secret {
			t.Errorf("secret after a save without one = %q", got)
		}
		// Audited, without the secret.
		ents, _ := db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Action: "sso.settings"})
		if len(ents) != 2 || ents[0].ActorLabel != "it" {
			t.Fatalf("sso.settings entries: %d", len(ents))
		}
		for _, en := range ents {
			if strings.Contains(string(en.Before)+string(en.After), secret) {
				t.Fatal("the audit log holds the client secret")
			}
		}
		if !strings.Contains(string(ents[1].After), `"client_secret_changed":true`) || strings.Contains(string(ents[0].After), "client_secret_changed") ||
			!strings.Contains(string(ents[0].After), `"client_secret_set":true`) || !strings.Contains(string(ents[0].Before), `"claim":"email"`) {
			t.Errorf("audit entries: %s / %s", ents[1].After, ents[0].After)
		}
		// A stale form.
		if res := w.do("POST", "/sso/settings", form, it); res.code != http.StatusConflict || !strings.Contains(res.body, "他の人が更新しました") {
			t.Errorf("stale save: %d", res.code)
		}
		// Bad input, each field named.
		bad := url.Values{"version": {"2"}, "sso_enabled": {"1"}, "sso_issuer": {"http://idp.city.example.lg.jp"}, "sso_claim": {"upn"}}
		res := w.do("POST", "/sso/settings", bad, it)
		for _, want := range []string{"「発行者URL(Issuer)」は https://", "「クライアントID」を入力してください", "「本人の特定方法」は一覧から選んでください"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("bad settings: missing %q", want)
			}
		}
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-sso_issuer-error"`) {
			t.Errorf("bad settings: %d", res.code)
		}
		res = w.do("POST", "/sso/settings", url.Values{"version": {"2"}, "sso_mandatory": {"1"}, "sso_claim": {"sub"}}, it)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "には「シングルサインオンを利用する」も選んでください") {
			t.Errorf("mandatory without enabled: %d", res.code)
		}
		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close()
		res = w.do("POST", "/sso/settings", url.Values{"version": {"2"}, "sso_enabled": {"1"}, "sso_issuer": {closed.URL},
			"sso_client_id": {"tw-a"}, "sso_claim": {"sub"}}, it)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "取得できませんでした") {
			t.Errorf("unreachable issuer at save: %d", res.code)
		}
		if st, _ := db.FindSSOSettings(ctx, w.a.ID); st.Version != 2 {
			t.Errorf("a refused save changed the settings: version %d", st.Version)
		}

		// Binding by hand (an account whose e-mail the IdP does not send).
		// Not the auditor's: the IT admin would sign in as the auditor.
		res = w.do("POST", "/sso/subject", url.Values{"login_id": {"auditor"}, "sso_subject": {"idp-auditor"}}, it)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "監査の権限を持つアカウントは、認証サーバー(IdP)に結び付けられません") {
			t.Errorf("binding the auditor: %d", res.code)
		}
		if res := w.do("POST", "/sso/subject", url.Values{"login_id": {"spare"}, "sso_subject": {"idp-spare"}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("bind: %d\n%s", res.code, res.body)
		}
		res = w.do("POST", "/sso/subject", url.Values{"login_id": {"hr"}, "sso_subject": {"idp-spare"}}, it)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "すでに使われています") {
			t.Errorf("the same subject twice: %d", res.code)
		}
		e.idp.as("idp-spare", "")
		res = e.signIn(t, "matsumoto", "/settings")
		if res.code != http.StatusSeeOther || res.location != "/settings" {
			t.Fatalf("spare by bound subject: %d\n%s", res.code, res.body)
		}
		if page := w.do("GET", "/settings", nil, sessionFrom(t, res)); page.code != 200 {
			t.Errorf("spare's settings page: %d", page.code)
		}
		// Another client id (a new registration): every binding is dropped.
		form = url.Values{"version": {"2"}, "sso_enabled": {"1"}, "sso_issuer": {e.idp.URL}, "sso_client_id": {"tw-a2"}, "sso_claim": {"sub"}}
		if res := w.do("POST", "/sso/settings", form, it); res.code != http.StatusSeeOther {
			t.Fatalf("change client: %d\n%s", res.code, res.body)
		}
		if sub, _ := db.FindSSOSubject(ctx, w.a.ID, w.users["spare"].ID); sub != "" {
			t.Errorf("binding kept across a client change: %q", sub)
		}
		ents, _ = db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Action: "sso.settings"})
		if !strings.Contains(string(ents[0].After), `"subjects_unbound":1`) {
			t.Errorf("unbinding not audited: %s", ents[0].After)
		}
		// Unbinding by hand.
		w.do("POST", "/sso/subject", url.Values{"login_id": {"spare"}, "sso_subject": {"idp-spare"}}, it)
		if res := w.do("POST", "/sso/subject", url.Values{"login_id": {"spare"}, "sso_subject": {""}}, it); res.code != http.StatusSeeOther {
			t.Errorf("unbind: %d", res.code)
		}
		if sub, _ := db.FindSSOSubject(ctx, w.a.ID, w.users["spare"].ID); sub != "" {
			t.Errorf("still bound: %q", sub)
		}
		if res := w.do("POST", "/sso/subject", url.Values{"login_id": {"nobody"}}, it); res.code != http.StatusUnprocessableEntity {
			t.Errorf("unknown account: %d", res.code)
		}
	})
}

// TestSSOStateIsConsumedOnce races callbacks for one state: the single
// DELETE … RETURNING lets exactly one of them have it, on both engines.
func TestSSOStateIsConsumedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		for round := range 5 {
			st := &sso.State{StateHash: "state-" + strconv.Itoa(round), TenantID: w.a.ID, BrowserHash: "b", NonceHash: "n",
				Verifier: "v", Issuer: "https://idp.example.jp", ClientID: "c", RedirectURI: appHost + "/sso/callback",
				ExpiresAt: time.Now().Add(time.Minute)}
			if err := db.CreateSSOState(ctx, st); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			won, lost := 0, 0
			for range 8 {
				wg.Go(func() {
					got, err := db.ConsumeSSOState(ctx, st.StateHash)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil && got.TenantID == w.a.ID && got.Verifier == "v":
						won++
					case apperr.CodeOf(err) == apperr.NotFound:
						lost++
					default:
						t.Errorf("consume: %v", err)
					}
				})
			}
			wg.Wait()
			if won != 1 || lost != 7 {
				t.Fatalf("round %d: %d callbacks got the state, %d were refused", round, won, lost)
			}
		}
		// An expired state is not handed out.
		st := &sso.State{StateHash: "old", TenantID: w.a.ID, ExpiresAt: time.Now().Add(-time.Second)}
		if err := db.CreateSSOState(ctx, st); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ConsumeSSOState(ctx, "old"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("expired state: %v", err)
		}
	})
}

// ---- the test identity provider ----

// idpServer is a real OpenID provider (zitadel's op package) on 127.0.0.1,
// so that the relying party is tested with real HTTP, real PKCE checks and
// real RS256 signatures. Its "login page" signs in whoever the test chose
// with as(), at once. Knobs make it misbehave: another audience, an ID
// token that is already expired.
type idpServer struct {
	URL string

	mu       sync.Mutex
	current  string            // subject of the next sign-in
	emails   map[string]string // subject → e-mail claim ("" = none)
	audience []string          // when set, the ID token's aud instead of the client id
	lifetime time.Duration     // ID token lifetime (negative: expired on issue)
	clients  map[string]string // client id → secret
	reqs     map[string]*idpRequest
	codes    map[string]string // code → request id
}

var idpKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// appHost is where httptest.NewRequest sends requests, so the redirect
// URI the app computes is on it.
const appHost = "http://example.com"

func newIdP(t *testing.T) *idpServer {
	t.Helper()
	idp := &idpServer{emails: map[string]string{}, lifetime: 5 * time.Minute, clients: map[string]string{},
		reqs: map[string]*idpRequest{}, codes: map[string]string{}}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	idp.URL = srv.URL
	p, err := op.NewProvider(&op.Config{CryptoKey: sha256.Sum256([]byte("idp test key")), CodeMethodS256: true},
		idp, op.StaticIssuer(srv.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/login", idp.login)
	mux.Handle("/", p)
	return idp
}

func (idp *idpServer) addClient(id, secret string) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.clients[id] = secret
}

// as makes the next sign-in at the IdP that of subject, with this e-mail.
func (idp *idpServer) as(subject, email string) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.current, idp.emails[subject] = subject, email
}

func (idp *idpServer) set(fn func(*idpServer)) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	fn(idp)
}

// login is the IdP's sign-in page: it authenticates the chosen person and
// sends the browser on to the authorization callback.
func (idp *idpServer) login(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	idp.mu.Lock()
	req, ok := idp.reqs[id]
	if ok {
		req.subject, req.done, req.authTime = idp.current, true, time.Now()
	}
	idp.mu.Unlock()
	if !ok {
		http.Error(w, "unknown auth request", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, idp.URL+"/authorize/callback?id="+url.QueryEscape(id), http.StatusFound)
}

// authorize plays the browser at the IdP: it follows the redirects from
// the authorization URL until the IdP sends it back to the app, and returns
// that callback path with its query.
func (idp *idpServer) authorize(t *testing.T, authURL string) string {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), idp.URL) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode/100 != 3 || !strings.HasPrefix(loc, appHost+"/sso/callback?") {
		t.Fatalf("IdP did not send the browser back: %d → %q", res.StatusCode, loc)
	}
	return strings.TrimPrefix(loc, appHost)
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// idpRequest is one authorization request (op.AuthRequest).
type idpRequest struct {
	id       string
	ar       oidc.AuthRequest
	audience []string
	subject  string
	done     bool
	authTime time.Time
}

func (r *idpRequest) GetID() string          { return r.id }
func (r *idpRequest) GetACR() string         { return "" }
func (r *idpRequest) GetAMR() []string       { return []string{"pwd"} }
func (r *idpRequest) GetAuthTime() time.Time { return r.authTime }
func (r *idpRequest) GetClientID() string    { return r.ar.ClientID }
func (r *idpRequest) GetNonce() string       { return r.ar.Nonce }
func (r *idpRequest) GetRedirectURI() string { return r.ar.RedirectURI }
func (r *idpRequest) GetResponseType() oidc.ResponseType {
	return r.ar.ResponseType
}
func (r *idpRequest) GetResponseMode() oidc.ResponseMode { return r.ar.ResponseMode }
func (r *idpRequest) GetScopes() []string                { return r.ar.Scopes }
func (r *idpRequest) GetState() string                   { return r.ar.State }
func (r *idpRequest) GetSubject() string                 { return r.subject }
func (r *idpRequest) Done() bool                         { return r.done }
func (r *idpRequest) GetAudience() []string {
	if r.audience != nil {
		return r.audience
	}
	return []string{r.ar.ClientID}
}
func (r *idpRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if r.ar.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: r.ar.CodeChallenge, Method: r.ar.CodeChallengeMethod}
}

// idpClient is a confidential web client (op.Client) with client_secret_basic.
type idpClient struct {
	id       string
	lifetime time.Duration
}

func (c *idpClient) GetID() string                       { return c.id }
func (c *idpClient) RedirectURIs() []string              { return []string{appHost + "/sso/callback"} }
func (c *idpClient) PostLogoutRedirectURIs() []string    { return nil }
func (c *idpClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *idpClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *idpClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *idpClient) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *idpClient) LoginURL(id string) string            { return "/login?id=" + url.QueryEscape(id) }
func (c *idpClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *idpClient) IDTokenLifetime() time.Duration       { return c.lifetime }
func (c *idpClient) DevMode() bool                        { return false }
func (c *idpClient) IsScopeAllowed(string) bool           { return false }
func (c *idpClient) IDTokenUserinfoClaimsAssertion() bool { return true } // e-mail in the ID token
func (c *idpClient) ClockSkew() time.Duration             { return 0 }
func (c *idpClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *idpClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

type idpKeyRef struct{}

func (idpKeyRef) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (idpKeyRef) Algorithm() jose.SignatureAlgorithm          { return jose.RS256 }
func (idpKeyRef) ID() string                                  { return "test-key-1" }
func (idpKeyRef) Use() string                                 { return "sig" }

type idpSigningKey struct{ idpKeyRef }

func (idpSigningKey) Key() any { return idpKey() }

type idpPublicKey struct{ idpKeyRef }

func (idpPublicKey) Key() any { return &idpKey().PublicKey }

var errIdP = errors.New("not supported by the test IdP")

// The op.Storage methods.

func (idp *idpServer) CreateAuthRequest(_ context.Context, ar *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	req := &idpRequest{id: randomID(), ar: *ar, audience: idp.audience}
	idp.reqs[req.id] = req
	return req, nil
}

func (idp *idpServer) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	if r, ok := idp.reqs[id]; ok {
		return r, nil
	}
	return nil, errors.New("auth request not found")
}

func (idp *idpServer) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	idp.mu.Lock()
	id, ok := idp.codes[code]
	idp.mu.Unlock()
	if !ok {
		return nil, errors.New("code not found")
	}
	return idp.AuthRequestByID(ctx, id)
}

func (idp *idpServer) SaveAuthCode(_ context.Context, id, code string) error {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.codes[code] = id
	return nil
}

// DeleteAuthRequest is called when the code is exchanged: a code works once.
func (idp *idpServer) DeleteAuthRequest(_ context.Context, id string) error {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	delete(idp.reqs, id)
	for c, rid := range idp.codes {
		if rid == id {
			delete(idp.codes, c)
		}
	}
	return nil
}

func (idp *idpServer) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return randomID(), time.Now().Add(5 * time.Minute), nil
}

func (idp *idpServer) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errIdP
}

func (idp *idpServer) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, errIdP
}

func (idp *idpServer) TerminateSession(context.Context, string, string) error { return nil }

func (idp *idpServer) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (idp *idpServer) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (idp *idpServer) SigningKey(context.Context) (op.SigningKey, error) { return idpSigningKey{}, nil }

func (idp *idpServer) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (idp *idpServer) KeySet(context.Context) ([]op.Key, error) { return []op.Key{idpPublicKey{}}, nil }

func (idp *idpServer) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	if _, ok := idp.clients[id]; !ok {
		return nil, errors.New("unknown client")
	}
	return &idpClient{id: id, lifetime: idp.lifetime}, nil
}

func (idp *idpServer) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	if s, ok := idp.clients[id]; !ok || s != secret {
		return errors.New("wrong client credentials")
	}
	return nil
}

func (idp *idpServer) SetUserinfoFromScopes(_ context.Context, ui *oidc.UserInfo, subject, _ string, scopes []string) error {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	ui.Subject = subject
	for _, s := range scopes {
		if s == oidc.ScopeEmail && idp.emails[subject] != "" {
			ui.Email, ui.EmailVerified = idp.emails[subject], true
		}
	}
	return nil
}

func (idp *idpServer) SetUserinfoFromToken(_ context.Context, ui *oidc.UserInfo, _, subject, _ string) error {
	ui.Subject = subject
	return nil
}

func (idp *idpServer) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return nil
}

func (idp *idpServer) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (idp *idpServer) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errIdP
}

func (idp *idpServer) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}

func (idp *idpServer) Health(context.Context) error { return nil }
