package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var sys = audit.Actor{Label: "test"}

// clock is a movable clock for db.Now and the services.
type clock struct{ t time.Time }

func (c *clock) now() time.Time       { return c.t }
func (c *clock) move(d time.Duration) { c.t = c.t.Add(d) }
func newClock(db *store.DB) *clock {
	c := &clock{time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	db.Now = c.now
	return c
}
func code(err error) apperr.Code { return apperr.CodeOf(err) }
func key(err error) string {
	e := apperr.As(err)
	if e == nil {
		return ""
	}
	return e.Key
}
func must(t *testing.T, err error) { t.Helper(); storetest.Must(t, err) }
func ctxb() context.Context        { return context.Background() }

// setup makes a tenant with one account (password "correct horse battery") and an operator.
func setup(t *testing.T, db *store.DB) (*auth.Service, *org.Tenant, *auth.User, *auth.OperatorAccount) {
	t.Helper()
	f := storetest.F(db)
	tn := &org.Tenant{Slug: "ibaraki", Name: "茨城県", Kind: org.Prefecture}
	must(t, f.CreateTenant(ctxb(), sys, tn, nil))
	hash, err := auth.HashPassword("correct horse battery")
	must(t, err)
	u := &auth.User{LoginID: "jinji01", PasswordHash: hash, Granted: []auth.Role{auth.HRAdmin}}
	must(t, f.CreateUser(ctxb(), tn.ID, sys, u))
	op, err := f.Auth.CreateOperator(ctxb(), sys, "ops01", hash, false)
	must(t, err)
	return f.Auth, tn, u, op
}

func TestSessionLifetime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock(db)
		s, tn, u, _ := setup(t, db)
		s.SetLimits(auth.Limits{SessionIdle: 2 * time.Hour, SessionMax: 12 * time.Hour, ThrottleWindow: 15 * time.Minute,
			MaxAccountFailures: 5, MaxAddressFailures: 30})
		tok, err := s.StartSession(ctxb(), tn.ID, u.ID, u.LoginID, nil, "")
		must(t, err)
		p, err := s.Authenticate(ctxb(), tok)
		if err != nil || p.UserID != u.ID || p.TenantSlug != "ibaraki" || !p.Has(auth.HRAdmin) {
			t.Fatalf("fresh session: %+v %v", p, err)
		}
		// Idle for less than two hours at a time: the session slides.
		for range 5 {
			c.move(110 * time.Minute)
			if _, err := s.Authenticate(ctxb(), tok); err != nil {
				t.Fatalf("active session ended after %v: %v", c.t.Sub(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)), err)
			}
		}
		// Idle past two hours: gone.
		c.move(2*time.Hour + time.Minute)
		if _, err := s.Authenticate(ctxb(), tok); code(err) != apperr.NotFound {
			t.Errorf("idle session: %v", err)
		}
		// However active, a session ends after twelve hours.
		tok, err = s.StartSession(ctxb(), tn.ID, u.ID, u.LoginID, nil, "")
		must(t, err)
		for i := 0; i < 13; i++ {
			c.move(time.Hour)
			_, err = s.Authenticate(ctxb(), tok)
			if i < 11 && err != nil {
				t.Fatalf("hour %d: %v", i+1, err)
			}
		}
		if code(err) != apperr.NotFound {
			t.Errorf("session past its maximum life: %v", err)
		}
		// A disabled account's sessions stop working at once.
		tok, _ = s.StartSession(ctxb(), tn.ID, u.ID, u.LoginID, nil, "")
		yes := true
		_, err = s.UpdateUser(ctxb(), tn.ID, sys, u.ID, auth.UserUpdate{Disabled: &yes})
		must(t, err)
		if _, err := s.Authenticate(ctxb(), tok); err == nil {
			t.Error("a disabled account's session still works")
		}
		// Garbage tokens are simply unknown.
		for _, bad := range []string{"", "x", string(make([]byte, 200))} {
			if _, err := s.Authenticate(ctxb(), bad); code(err) != apperr.NotFound {
				t.Errorf("token %q: %v", bad, err)
			}
		}
	})
}

func TestSignInThrottleAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock(db)
		s, tn, u, _ := setup(t, db)
		in := auth.SignIn{Tenant: "ibaraki", LoginID: "jinji01", Password: "wrong", ClientAddr: "192.0.2.10"}
		for range 5 {
			if _, err := s.SignIn(ctxb(), in); code(err) != apperr.Unauthorized {
				t.Fatalf("wrong password: %v", err)
			}
		}
		in.Password = "correct horse battery"
		if _, err := s.SignIn(ctxb(), in); code(err) != apperr.RateLimited {
			t.Fatalf("sixth attempt with the right password: %v", err)
		}
		c.move(16 * time.Minute)
		got, err := s.SignIn(ctxb(), in)
		if err != nil || got.UserID != u.ID || got.TenantID != tn.ID {
			t.Fatalf("after the window: %+v %v", got, err)
		}
		// Login ids compare without case for throttling; the operator's
		// sign-in is its own scope.
		if _, err := s.SignIn(ctxb(), auth.SignIn{Operator: true, LoginID: "ops01", Password: "correct horse battery", ClientAddr: "192.0.2.10"}); err != nil {
			t.Errorf("operator sign-in: %v", err)
		}
		// Missing fields are named.
		if _, err := s.SignIn(ctxb(), auth.SignIn{}); code(err) != apperr.Invalid || len(apperr.As(err).Fields) != 3 {
			t.Errorf("empty sign-in: %v", err)
		}
		// Failures are in the tenant's audit log.
		es, _ := db.FindAuditEntries(ctxb(), tn.ID, audit.Filter{Action: "auth.login_failed"})
		if len(es) != 5 {
			t.Errorf("%d login_failed entries, want 5", len(es))
		}
		// SSO-mandatory refuses a correct password.
		s.SetPasswordPolicy(func(context.Context, int64, []auth.Role) (bool, error) { return false, nil })
		if _, err := s.SignIn(ctxb(), in); key(err) != "sso.password_disabled" {
			t.Errorf("SSO mandatory: %v", err)
		}
		s.SetPasswordPolicy(func(context.Context, int64, []auth.Role) (bool, error) { return false, errors.New("down") })
		if _, err := s.SignIn(ctxb(), in); err == nil || apperr.As(err) != nil {
			t.Errorf("policy failure must be an internal error: %v", err)
		}
	})
}

func TestPasswordChangeAndOperatorSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		newClock(db)
		s, tn, u, op := setup(t, db)
		// A tenant account: every session ends, the one that made the
		// change included, and a new token replaces it (rotation).
		keep, _ := s.StartSession(ctxb(), tn.ID, u.ID, u.LoginID, nil, "")
		other, _ := s.StartSession(ctxb(), tn.ID, u.ID, u.LoginID, nil, "")
		p, err := s.Authenticate(ctxb(), keep)
		must(t, err)
		if _, err := s.ChangePassword(ctxb(), p, "wrong", "a much better one 2026", "a much better one 2026"); code(err) != apperr.Invalid {
			t.Errorf("wrong current password: %v", err)
		}
		if _, err := s.ChangePassword(ctxb(), p, "correct horse battery", "correct horse battery", "correct horse battery"); code(err) != apperr.Invalid {
			t.Error("same password accepted")
		}
		tok, err := s.ChangePassword(ctxb(), p, "correct horse battery", "a much better one 2026", "a much better one 2026")
		if err != nil || tok == "" {
			t.Fatalf("change: %q %v", tok, err)
		}
		if _, err := s.Authenticate(ctxb(), keep); err == nil {
			t.Error("the session token that changed the password was not rotated")
		}
		if _, err := s.Authenticate(ctxb(), other); err == nil {
			t.Error("another session survived the password change")
		}
		if np, err := s.Authenticate(ctxb(), tok); err != nil || np.UserID != u.ID {
			t.Fatalf("the rotated session: %v", err)
		}
		keep = tok
		// An operator: every session ends and a new one is returned.
		opTok, _ := s.StartSession(ctxb(), 0, op.ID, op.LoginID, nil, "")
		po, err := s.Authenticate(ctxb(), opTok)
		must(t, err)
		fresh, err := s.ChangePassword(ctxb(), po, "correct horse battery", "operators need long ones", "operators need long ones")
		if err != nil || fresh == "" {
			t.Fatalf("operator change: %q %v", fresh, err)
		}
		if _, err := s.Authenticate(ctxb(), opTok); err == nil {
			t.Error("the operator's old session survived")
		}
		po, err = s.Authenticate(ctxb(), fresh)
		if err != nil || !po.IsOperator() {
			t.Fatalf("operator's new session: %v", err)
		}
		// Operator settings: saved and audited in the instance chain; the
		// same values again write nothing; an unknown language is refused.
		must(t, s.SaveSettings(ctxb(), po, "en", true))
		po, _ = s.Authenticate(ctxb(), fresh)
		if po.Locale != "en" || !po.Wareki {
			t.Errorf("operator settings: %+v", po)
		}
		must(t, s.SaveSettings(ctxb(), po, "en", true))
		es, _ := db.FindAuditEntries(ctxb(), 0, audit.Filter{Action: "operator.settings"})
		if len(es) != 1 {
			t.Errorf("%d operator.settings entries, want 1", len(es))
		}
		if err := s.SaveSettings(ctxb(), po, "fr", false); code(err) != apperr.Invalid {
			t.Errorf("unknown language: %v", err)
		}
		// HR's reset: a temporary password, must change, sessions end.
		hrP := &auth.Principal{TenantID: tn.ID, UserID: u.ID + 1000, LoginID: "hr"}
		temp, err := s.ResetPassword(ctxb(), hrP, u.ID)
		must(t, err)
		// Not one's own: that would skip the current password.
		self := &auth.Principal{TenantID: tn.ID, UserID: u.ID, LoginID: u.LoginID}
		if _, err := s.ResetPassword(ctxb(), self, u.ID); code(err) != apperr.Invalid {
			t.Errorf("a reset of one's own password: %v", err)
		}
		if _, err := s.Authenticate(ctxb(), keep); err == nil {
			t.Error("a session survived the reset")
		}
		after, _ := s.UserByID(ctxb(), tn.ID, u.ID)
		if ok, _ := auth.CheckPassword(after.PasswordHash, temp); !ok || !after.MustChange {
			t.Errorf("reset: must change %v", after.MustChange)
		}
		if _, err := db.VerifyAuditChain(ctxb(), tn.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock(db)
		s, tn, u, _ := setup(t, db)
		p, err := s.Principal(ctxb(), tn.ID, u.ID)
		must(t, err)
		for _, bad := range []auth.NewToken{{Name: "", Days: 1}, {Name: "x", Days: 0}, {Name: "x", Days: 366}} {
			if _, _, err := s.CreateToken(ctxb(), p, bad); code(err) != apperr.Invalid {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		tok, secret, err := s.CreateToken(ctxb(), p, auth.NewToken{Name: "連携", Days: 1, ReadOnly: true})
		must(t, err)
		tp, err := s.TokenPrincipal(ctxb(), secret)
		if err != nil || tp.UserID != u.ID || !tp.ReadOnly || tp.TokenID != tok.ID {
			t.Fatalf("token principal: %+v %v", tp, err)
		}
		for _, bad := range []string{"", "tw_", "xx_" + secret[3:], secret + "x"} {
			if _, err := s.TokenPrincipal(ctxb(), bad); code(err) != apperr.Unauthorized {
				t.Errorf("bad token %q: %v", bad, err)
			}
		}
		c.move(25 * time.Hour)
		if _, err := s.TokenPrincipal(ctxb(), secret); code(err) != apperr.Unauthorized {
			t.Errorf("expired token: %v", err)
		}
		_, secret2, err := s.CreateToken(ctxb(), p, auth.NewToken{Name: "二つ目", Days: 30})
		must(t, err)
		must(t, s.RevokeToken(ctxb(), p, tok.ID))
		must(t, s.RevokeToken(ctxb(), p, tok.ID)) // again: nothing to do
		other := &auth.Principal{TenantID: tn.ID, UserID: u.ID + 999}
		if err := s.RevokeToken(ctxb(), other, tok.ID); code(err) != apperr.NotFound {
			t.Errorf("revoking someone else's token: %v", err)
		}
		es, _ := db.FindAuditEntries(ctxb(), tn.ID, audit.Filter{ObjectType: "api_token"})
		if len(es) != 3 {
			t.Errorf("%d token entries, want create, create, revoke", len(es))
		}
		yes := true
		_, err = s.UpdateUser(ctxb(), tn.ID, sys, u.ID, auth.UserUpdate{Disabled: &yes})
		must(t, err)
		if _, err := s.TokenPrincipal(ctxb(), secret2); code(err) != apperr.Unauthorized {
			t.Errorf("a disabled account's token: %v", err)
		}
	})
}

// TestTokenUse: a token's principal names its tenant (one read), and the
// uses gathered in the background are written in one statement, once a
// minute per token at most.
func TestTokenUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock(db)
		s, tn, u, _ := setup(t, db)
		runWrites := auth.HoldTokenUses(s)
		p, err := s.Principal(ctxb(), tn.ID, u.ID)
		must(t, err)
		if p.TenantName != tn.Name || p.TenantSlug != tn.Slug || p.LoginID != u.LoginID {
			t.Fatalf("principal: %+v", p)
		}
		a, secret, err := s.CreateToken(ctxb(), p, auth.NewToken{Name: "a", Days: 30})
		must(t, err)
		b, _, err := s.CreateToken(ctxb(), p, auth.NewToken{Name: "b", Days: 30})
		must(t, err)
		tp, err := s.TokenPrincipal(ctxb(), secret)
		if err != nil || tp.TenantName != tn.Name || tp.TenantID != tn.ID || tp.TokenID != a.ID {
			t.Fatalf("token principal: %+v %v", tp, err)
		}
		used := func() map[int64]time.Time {
			ts, err := db.FindAPITokens(ctxb(), tn.ID, u.ID)
			must(t, err)
			out := map[int64]time.Time{}
			for _, x := range ts {
				out[x.ID] = x.LastUsedAt
			}
			return out
		}
		// The request noted its use; the gathered write records it at the
		// time of use.
		first := c.now()
		if m := used(); !m[a.ID].IsZero() {
			t.Fatalf("recorded before the write: %v", m)
		}
		c.move(time.Second)
		runWrites()
		if m := used(); !m[a.ID].Equal(first) || !m[b.ID].IsZero() {
			t.Fatalf("after the request's write: %v", m)
		}
		must(t, db.TouchAPITokens(ctxb(), []int64{a.ID, b.ID}, first))
		if m := used(); !m[a.ID].Equal(first) || !m[b.ID].Equal(first) {
			t.Fatalf("after a touch: %v", m)
		}
		c.move(30 * time.Second)
		must(t, db.TouchAPITokens(ctxb(), []int64{a.ID}, c.now()))
		if m := used(); !m[a.ID].Equal(first) {
			t.Errorf("touched again within the minute: %v", m)
		}
		c.move(time.Minute)
		must(t, db.TouchAPITokens(ctxb(), []int64{a.ID}, c.now()))
		if m := used(); !m[a.ID].Equal(c.now()) || !m[b.ID].Equal(first) {
			t.Errorf("a minute later: %v", m)
		}
		if db.Engine == store.Postgres {
			// A row another transaction holds (a revocation) is skipped,
			// not waited for.
			holder, err := db.SQL.BeginTx(ctxb(), nil)
			must(t, err)
			defer holder.Rollback()
			if _, err := holder.Exec(`SELECT id FROM api_tokens WHERE id = $1 FOR UPDATE`, b.ID); err != nil {
				t.Fatal(err)
			}
			c.move(2 * time.Minute)
			ctx, cancel := context.WithTimeout(ctxb(), 10*time.Second)
			defer cancel()
			must(t, db.TouchAPITokens(ctx, []int64{a.ID, b.ID}, c.now()))
			if m := used(); !m[a.ID].Equal(c.now()) || !m[b.ID].Equal(first) {
				t.Errorf("with b held elsewhere: %v", m)
			}
		}
	})
}
