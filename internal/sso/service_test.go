package sso_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/sso"
	"telework/internal/sso/rp"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var admin = audit.Actor{ID: 1, Label: "it"}

// fakeRP stands in for the identity provider: AuthURL remembers the flow's
// secrets, Exchange checks the nonce and answers with the chosen identity.
type fakeRP struct {
	mu       sync.Mutex
	sec      rp.Secrets
	id       rp.Identity
	discover error
	secret   string // the client secret the last exchange sent
}

func (f *fakeRP) AuthURL(_ context.Context, cfg rp.Config, sec rp.Secrets) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.discover != nil {
		return "", f.discover
	}
	f.sec = sec
	return cfg.Issuer + "/authorize?state=" + url.QueryEscape(sec.State), nil
}

func (f *fakeRP) Exchange(_ context.Context, cfg rp.Config, code, _, nonceHash string) (rp.Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secret = cfg.ClientSecret
	if code != "good-code" || rp.Hash(f.sec.Nonce) != nonceHash {
		return rp.Identity{}, &rp.Error{Kind: rp.Invalid, Step: "verify", Err: errors.New("refused")}
	}
	return f.id, nil
}

func (f *fakeRP) as(subject, email string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.id = rp.Identity{Subject: subject, Email: email}
}

// fixture is one tenant with a unit, staff with and without accounts, and
// a service whose provider is fake.
type fixture struct {
	db     *store.DB
	svc    *sso.Service
	rp     *fakeRP
	tenant *org.Tenant
	unit   *org.Unit
}

func newFixture(t *testing.T, db *store.DB, st sso.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, rp: &fakeRP{}}
	f.tenant = &org.Tenant{Slug: "matsumoto", Name: "松本市", Kind: org.Municipality, StaffSize: 1000, GeneralAdminStaff: 600}
	if err := storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "op"}, f.tenant, nil); err != nil {
		t.Fatal(err)
	}
	f.unit = &org.Unit{Code: "100", Name: "総務課", Level: "課"}
	if err := storetest.F(db).CreateUnit(ctx, f.tenant.ID, admin, f.unit, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	f.svc = sso.NewService(st, func() time.Time { return db.Now() })
	f.svc.SetRelyingParty(f.rp)
	return f
}

func (f *fixture) staff(t *testing.T, no, name string) *org.Staff {
	t.Helper()
	s := &org.Staff{StaffNo: no, Name: name, Kana: "てすと", UnitID: f.unit.ID, Rank: org.RankStaff, Employment: org.Regular,
		JobType: "general", Email: "p" + no + "@city.example.lg.jp"}
	if err := storetest.F(f.db).CreateStaff(context.Background(), f.tenant.ID, admin, s, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) account(t *testing.T, login string, staffID int64, mustChange bool) *auth.User {
	t.Helper()
	u := &auth.User{LoginID: login, PasswordHash: "not-a-real-hash", StaffID: staffID, Granted: []auth.Role{}, MustChange: mustChange}
	if err := storetest.F(f.db).CreateUser(context.Background(), f.tenant.ID, admin, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) enable(t *testing.T, claim sso.Claim, jit bool) {
	t.Helper()
	ctx := context.Background()
	st, err := f.svc.Settings(ctx, f.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.Enabled, st.Issuer, st.ClientID, st.Claim, st.JITLink = true, "https://idp.example.jp", "tw", claim, jit
	secret := "s3cret"
	if err := f.svc.SaveSettings(ctx, f.tenant.ID, admin, st, &secret); err != nil {
		t.Fatal(err)
	}
}

// signIn runs start and callback as one browser.
func (f *fixture) signIn(t *testing.T) (*sso.SignedIn, error) {
	t.Helper()
	ctx := context.Background()
	started, err := f.svc.StartSignIn(ctx, "matsumoto", "https://app.example.jp/sso/callback", "/next")
	if err != nil {
		t.Fatal(err)
	}
	return f.svc.FinishSignIn(ctx, sso.Callback{State: f.rp.sec.State, Code: "good-code", BrowserToken: started.BrowserToken})
}

func (f *fixture) entries(t *testing.T, action string) []*audit.Entry {
	t.Helper()
	ents, err := f.db.FindAuditEntries(context.Background(), f.tenant.ID, audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

func failureOf(err error) *sso.Failure {
	var fl *sso.Failure
	if errors.As(err, &fl) {
		return fl
	}
	return nil
}

// refusal is failureOf for a sign-in's two results.
func refusal(_ *sso.SignedIn, err error) *sso.Failure { return failureOf(err) }

func TestSettingsKeepTheSecretUnlessReplaced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, db)
		ctx, tid := context.Background(), f.tenant.ID
		if st, err := f.svc.Settings(ctx, tid); err != nil || st.Enabled || st.Version != 0 || st.Claim != sso.ClaimSub {
			t.Fatalf("defaults: %+v %v", st, err)
		}
		secret := "first-secret-value"
		st := &sso.Settings{Enabled: true, Issuer: "https://idp.example.jp/ ", ClientID: " tw ", Claim: sso.ClaimEmail}
		if err := f.svc.SaveSettings(ctx, tid, admin, st, &secret); err != nil {
			t.Fatal(err)
		}
		if st.Version != 1 || !st.SecretSet || st.Issuer != "https://idp.example.jp" || st.ClientID != "tw" {
			t.Errorf("after the first save: %+v", st)
		}
		// No secret typed: the stored one stays.
		st.Claim = sso.ClaimSub
		if err := f.svc.SaveSettings(ctx, tid, admin, st, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.SSOClientSecret(ctx, tid); got != secret {
			t.Errorf("secret after a save without one = %q", got)
		}
		if got, _ := f.svc.Settings(ctx, tid); got.Version != 2 || !got.SecretSet || got.Claim != sso.ClaimSub {
			t.Errorf("after the second save: %+v", got)
		}
		// A stale form changes nothing.
		stale := *st
		stale.Version = 1
		if err := f.svc.SaveSettings(ctx, tid, admin, &stale, nil); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale save: %v", err)
		}
		// A discovery failure is a field error, with its cause for the log.
		f.rp.discover = errors.New("no such host")
		bad := *st
		if err := f.svc.SaveSettings(ctx, tid, admin, &bad, nil); apperr.CodeOf(err) != apperr.Invalid ||
			apperr.As(err).Fields[0].Field != sso.FieldIssuer || apperr.As(err).Err == nil {
			t.Errorf("discovery failure: %v", err)
		}
		f.rp.discover = nil
		// Replaced, then removed.
		other := "second-secret-value"
		if err := f.svc.SaveSettings(ctx, tid, admin, st, &other); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.SSOClientSecret(ctx, tid); got != other {
			t.Errorf("replaced secret = %q", got)
		}
		st.Enabled = false
		if err := f.svc.SaveSettings(ctx, tid, admin, st, new(string)); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.SSOClientSecret(ctx, tid); got != "" || st.SecretSet {
			t.Errorf("removed secret = %q (set %v)", got, st.SecretSet)
		}
		// Four saves audited, none with a secret in it.
		ents := f.entries(t, "sso.settings")
		if len(ents) != 4 {
			t.Fatalf("sso.settings entries: %d", len(ents))
		}
		for _, e := range ents {
			if s := string(e.Before) + string(e.After); strings.Contains(s, "secret-value") || e.ActorLabel != "it" {
				t.Errorf("entry: %s %s by %s", e.Before, e.After, e.ActorLabel)
			}
		}
		// Newest first: removed, replaced, kept, first set.
		for i, changed := range []bool{true, true, false, true} {
			if strings.Contains(string(ents[i].After), `"client_secret_changed":true`) != changed {
				t.Errorf("entry %d should say changed=%v: %s", i, changed, ents[i].After)
			}
		}
	})
}

func TestStateIsSingleUseAndBoundToTheBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, db)
		ctx := context.Background()
		s := f.staff(t, "1001", "山田 太郎")
		f.account(t, "yamada", s.ID, false)
		f.enable(t, sso.ClaimEmail, false)
		f.rp.as("sub-1", "P1001@City.Example.LG.JP")

		started, err := f.svc.StartSignIn(ctx, "matsumoto", "https://app.example.jp/sso/callback", "/staff")
		if err != nil {
			t.Fatal(err)
		}
		cb := sso.Callback{State: f.rp.sec.State, Code: "good-code", BrowserToken: started.BrowserToken}
		done, err := f.svc.FinishSignIn(ctx, cb)
		if err != nil || done.User.LoginID != "yamada" || done.Next != "/staff" || done.TenantID != f.tenant.ID {
			t.Fatalf("sign-in: %+v %v", done, err)
		}
		// The same callback again: the state is gone.
		if fl := refusal(f.svc.FinishSignIn(ctx, cb)); fl == nil || fl.Key != "sso.error.state" || fl.TenantID != 0 {
			t.Errorf("replayed state: %+v", fl)
		}
		// Another browser: refused, and the state is used up all the same.
		started, _ = f.svc.StartSignIn(ctx, "matsumoto", "https://app.example.jp/sso/callback", "")
		cb = sso.Callback{State: f.rp.sec.State, Code: "good-code", BrowserToken: "someone-else"}
		if fl := refusal(f.svc.FinishSignIn(ctx, cb)); fl == nil || fl.Kind != sso.FailBadRequest || fl.TenantID != f.tenant.ID || fl.Tenant != "matsumoto" {
			t.Errorf("another browser: %+v", fl)
		}
		cb.BrowserToken = started.BrowserToken
		if fl := refusal(f.svc.FinishSignIn(ctx, cb)); fl == nil || fl.Reason != "state unknown, already used or expired" {
			t.Errorf("the state survived a refused callback: %+v", fl)
		}
		// Unknown tenant and SSO off answer alike.
		_, err1 := f.svc.StartSignIn(ctx, "nowhere", "https://app.example.jp/sso/callback", "")
		if fl := failureOf(err1); fl == nil || fl.Key != "sso.error.not_enabled" {
			t.Errorf("unknown tenant: %v", err1)
		}
	})
}

// failingStore makes one write of the SSO transaction fail, to show that
// what the transaction wrote before it is rolled back with it.
type failingStore struct {
	*store.DB
	bind, password error
}

func (s *failingStore) InSSOTx(ctx context.Context, fn func(sso.Tx) error) error {
	return s.DB.InSSOTx(ctx, func(tx sso.Tx) error { return fn(&failingTx{Tx: tx, s: s}) })
}

type failingTx struct {
	sso.Tx
	s *failingStore
}

func (tx *failingTx) BindSSOSubject(ctx context.Context, tenantID, userID int64, subject string) error {
	if tx.s.bind != nil {
		return tx.s.bind
	}
	return tx.Tx.BindSSOSubject(ctx, tenantID, userID, subject)
}

func (tx *failingTx) ReplaceSSOPassword(ctx context.Context, tenantID, userID, expectVersion int64, hash string) error {
	if tx.s.password != nil {
		return tx.s.password
	}
	return tx.Tx.ReplaceSSOPassword(ctx, tenantID, userID, expectVersion, hash)
}

func TestProvisionIsOneTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fs := &failingStore{DB: db}
		f := newFixture(t, db, fs)
		ctx, tid := context.Background(), f.tenant.ID
		f.account(t, "2001", 0, false) // the 職員番号 is taken as a login id
		s := f.staff(t, "2001", "新人 花子")
		f.enable(t, sso.ClaimSub, true)
		f.rp.as("idp-new", "p2001@city.example.lg.jp")

		for _, failure := range []error{errors.New("disk full"), apperr.New(apperr.Conflict, "error.duplicate")} {
			fs.bind = failure
			_, err := f.signIn(t)
			if err == nil {
				t.Fatal("the sign-in succeeded with a failing bind")
			}
			if fl := failureOf(err); apperr.CodeOf(failure) == apperr.Conflict && (fl == nil || fl.Kind != sso.FailConflict) {
				t.Errorf("a lost race: %v", err)
			}
			if _, err := db.FindUserByStaff(ctx, tid, s.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("a failed bind left an account behind: %v", err)
			}
			if n := len(f.entries(t, "user.create")); n != 1 { // the fixture's own account only
				t.Fatalf("user.create entries after a failed bind: %d", n)
			}
		}

		fs.bind = nil
		done, err := f.signIn(t)
		if err != nil {
			t.Fatal(err)
		}
		u := done.User
		if u.LoginID != "sso-2001" || u.StaffID != s.ID || u.MustChange || len(u.Granted) != 0 || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Errorf("provisioned account: %+v", u)
		}
		if sub, _ := db.FindSSOSubject(ctx, tid, u.ID); sub != "idp-new" {
			t.Errorf("bound subject = %q", sub)
		}
		created := f.entries(t, "user.create")
		if len(created) != 2 || created[0].ActorLabel != "sso" || !strings.Contains(string(created[0].After), `"login_id":"sso-2001"`) {
			t.Errorf("user.create entry: %+v", created[0])
		}
		if bound := f.entries(t, "user.sso_bind"); len(bound) != 1 || bound[0].ActorLabel != "sso" {
			t.Errorf("user.sso_bind entries: %d", len(bound))
		}
		// The next sign-in finds the account by its subject; none is added.
		if again, err := f.signIn(t); err != nil || again.User.ID != u.ID {
			t.Errorf("second sign-in: %v", err)
		}
		if _, n, _ := db.FindUsers(ctx, tid, 100, 0); n != 2 {
			t.Errorf("accounts: %d", n)
		}
	})
}

func TestBindAndPasswordReplacementAreOneTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fs := &failingStore{DB: db}
		f := newFixture(t, db, fs)
		ctx, tid := context.Background(), f.tenant.ID
		s := f.staff(t, "1005", "予備 一郎")
		u := f.account(t, "spare", s.ID, true) // waiting for its first password change
		_, hash := auth.NewSessionToken()
		if err := db.CreateSession(ctx, &auth.Session{TokenHash: hash, TenantID: tid, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		f.enable(t, sso.ClaimSub, false)
		f.rp.as("idp-1005", "p1005@city.example.lg.jp")

		// The password replacement fails after the bind: neither stays.
		fs.password = errors.New("disk full")
		if _, err := f.signIn(t); err == nil {
			t.Fatal("the sign-in succeeded with a failing password replacement")
		}
		if sub, _ := db.FindSSOSubject(ctx, tid, u.ID); sub != "" {
			t.Errorf("the bind outlived the failed transaction: %q", sub)
		}
		if n := len(f.entries(t, "user.sso_bind")); n != 0 {
			t.Errorf("user.sso_bind entries: %d", n)
		}

		fs.password = nil
		done, err := f.signIn(t)
		if err != nil {
			t.Fatal(err)
		}
		if done.User.ID != u.ID || done.User.MustChange {
			t.Errorf("signed in: %+v", done.User)
		}
		got, _ := db.FindUserByID(ctx, tid, u.ID)
		if got.MustChange || got.PasswordHash == u.PasswordHash || got.Version != u.Version+1 {
			t.Errorf("after SSO: %+v", got)
		}
		if sub, _ := db.FindSSOSubject(ctx, tid, u.ID); sub != "idp-1005" {
			t.Errorf("bound subject = %q", sub)
		}
		if _, err := db.FindSession(ctx, hash); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("the session with the temporary password survived: %v", err)
		}
		pw := f.entries(t, "user.password_sso")
		if len(pw) != 1 || pw[0].ActorLabel != "spare" || !strings.Contains(string(pw[0].Before), `"must_change_password":true`) ||
			!strings.Contains(string(pw[0].After), `"must_change_password":false`) {
			t.Errorf("user.password_sso entries: %+v", pw)
		}
		if b := f.entries(t, "user.sso_bind"); len(b) != 1 || b[0].ActorLabel != "spare" {
			t.Errorf("user.sso_bind entries: %+v", b)
		}
	})
}

func TestRefusalsWriteNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, db)
		ctx, tid := context.Background(), f.tenant.ID
		s := f.staff(t, "1001", "山田 太郎")
		u := f.account(t, "yamada", s.ID, false)
		f.enable(t, sso.ClaimSub, false)
		tru := true
		if _, err := storetest.F(db).UpdateUser(ctx, tid, admin, u.ID, auth.UserUpdate{Disabled: &tru}); err != nil {
			t.Fatal(err)
		}
		f.rp.as("idp-1001", "p1001@city.example.lg.jp")
		if fl := refusal(f.signIn(t)); fl == nil || fl.Kind != sso.FailForbidden || fl.Key != "sso.error.disabled" {
			t.Errorf("disabled: %+v", fl)
		}
		if sub, _ := db.FindSSOSubject(ctx, tid, u.ID); sub != "" {
			t.Errorf("a disabled account was bound: %q", sub)
		}
		f.rp.as("idp-x", "nobody@city.example.lg.jp")
		if fl := refusal(f.signIn(t)); fl == nil || fl.Kind != sso.FailRefused || fl.Key != "sso.error.no_account" {
			t.Errorf("unknown person: %+v", fl)
		}
		// A wrong code is the provider's refusal.
		started, _ := f.svc.StartSignIn(ctx, "matsumoto", "https://app.example.jp/sso/callback", "")
		_, err := f.svc.FinishSignIn(ctx, sso.Callback{State: f.rp.sec.State, Code: "bad", BrowserToken: started.BrowserToken})
		if fl := failureOf(err); fl == nil || fl.Key != "sso.error.failed" || fl.Err == nil {
			t.Errorf("refused exchange: %+v", fl)
		}
	})
}

func TestSetSubject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, db)
		ctx, tid := context.Background(), f.tenant.ID
		a := f.account(t, "clerk", 0, false)
		f.account(t, "spare", 0, false)
		if err := f.svc.SetSubject(ctx, tid, admin, "clerk", "idp-clerk"); err != nil {
			t.Fatal(err)
		}
		err := f.svc.SetSubject(ctx, tid, admin, "spare", "idp-clerk")
		if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || e.Fields[0].Key != "field.taken" {
			t.Errorf("the same subject twice: %v", err)
		}
		err = f.svc.SetSubject(ctx, tid, admin, "nobody", strings.Repeat("x", 256))
		if e := apperr.As(err); e == nil || len(e.Fields) != 2 {
			t.Errorf("unknown account, long subject: %v", err)
		}
		if err := f.svc.SetSubject(ctx, tid, admin, "clerk", ""); err != nil {
			t.Fatal(err)
		}
		if sub, _ := db.FindSSOSubject(ctx, tid, a.ID); sub != "" {
			t.Errorf("still bound: %q", sub)
		}
		if n, m := len(f.entries(t, "user.sso_bind")), len(f.entries(t, "user.sso_unbind")); n != 1 || m != 1 {
			t.Errorf("bind/unbind entries: %d/%d", n, m)
		}
	})
}

// The IT admin, who configures the IdP, cannot bind the auditor's account
// to a subject of theirs, nor sign in as the auditor by subject or by
// e-mail (a review signed in as the auditor both ways).
func TestAuditorNeverSignsInThroughTheIdP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, db)
		ctx, tid := context.Background(), f.tenant.ID
		s := f.staff(t, "1001", "山田 太郎")
		u := &auth.User{LoginID: "kansa", PasswordHash: "not-a-real-hash", StaffID: s.ID, Granted: []auth.Role{auth.Auditor}}
		if err := storetest.F(db).CreateUser(ctx, tid, admin, u); err != nil {
			t.Fatal(err)
		}
		err := f.svc.SetSubject(ctx, tid, admin, "kansa", "it-own-subject")
		if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || e.Fields[0].Key != "field.sso_auditor" {
			t.Fatalf("binding the auditor: %v", err)
		}
		if err := f.svc.SetSubject(ctx, tid, admin, "kansa", ""); err != nil {
			t.Errorf("unbinding is allowed: %v", err)
		}
		for _, claim := range []sso.Claim{sso.ClaimSub, sso.ClaimEmail} {
			f.enable(t, claim, false)
			f.rp.as("it-own-subject", "p1001@city.example.lg.jp")
			if fl := refusal(f.signIn(t)); fl == nil || fl.Kind != sso.FailForbidden || fl.Key != "sso.error.auditor" {
				t.Errorf("%s: signed in as the auditor: %+v", claim, fl)
			}
			if sub, _ := db.FindSSOSubject(ctx, tid, u.ID); sub != "" {
				t.Errorf("%s: the auditor was bound: %q", claim, sub)
			}
		}
	})
}
