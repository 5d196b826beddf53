package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"slices"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/sso/rp"
)

// FailureKind says how a refused sign-in answers (the web layer maps it
// to a status).
type FailureKind int

const (
	FailBadRequest  FailureKind = iota + 1 // the flow itself is wrong: no tenant, no state, SSO off
	FailUnreachable                        // the provider could not be reached
	FailRefused                            // the provider or the matching rule refused the person
	FailForbidden                          // the account is disabled or the staff retired
	FailConflict                           // a concurrent sign-in changed the account first
)

// Failure is a sign-in refused for a reason the person is told about
// (Key, a message key sso.error.*) and the log records (Reason, Err).
// Nothing from the ID token and no token is in Reason or Err.
type Failure struct {
	Kind   FailureKind
	Key    string
	Reason string
	Err    error
	// TenantID and Tenant (its code) are set once the flow's tenant is
	// known; a callback's Failure has TenantID 0 until its state was
	// consumed. Next is the page the flow was to end on.
	TenantID int64
	Tenant   string
	Next     string
}

func (f *Failure) Error() string {
	if f.Err != nil {
		return "sso: " + f.Reason + ": " + f.Err.Error()
	}
	return "sso: " + f.Reason
}

func (f *Failure) Unwrap() error { return f.Err }

// Started is a sign-in sent to the provider: the browser goes to AuthURL
// and keeps BrowserToken (the cookie that binds the flow to it, so that
// nobody can make another person's browser finish their flow).
type Started struct {
	TenantID     int64
	AuthURL      string
	BrowserToken string
}

// StartSignIn begins the authorization code flow for the tenant with code
// tenantSlug: it stores state, nonce and PKCE verifier and returns where
// to send the browser. redirectURI is this server's callback as the
// browser sees it; it is stored with the flow, so the code exchange sends
// the same one. An unknown tenant gets the same answer as one without SSO:
// the page does not tell which tenant codes exist.
func (s *Service) StartSignIn(ctx context.Context, tenantSlug, redirectURI, next string) (*Started, error) {
	fail := func(tenantID int64, kind FailureKind, key, reason string, err error) error {
		return &Failure{Kind: kind, Key: key, Reason: reason, Err: err, TenantID: tenantID, Tenant: tenantSlug, Next: next}
	}
	t, err := s.st.FindTenantBySlug(ctx, tenantSlug)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, fail(0, FailBadRequest, "sso.error.not_enabled", "unknown tenant", nil)
	} else if err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	if !st.Enabled {
		return nil, fail(t.ID, FailBadRequest, "sso.error.not_enabled", "sso not enabled", nil)
	}
	sec := rp.NewSecrets()
	cfg := rp.Config{Issuer: st.Issuer, ClientID: st.ClientID, RedirectURL: redirectURI}
	target, err := s.rp.AuthURL(ctx, cfg, sec)
	if err != nil {
		return nil, fail(t.ID, FailUnreachable, "sso.error.unreachable", "discovery failed", err)
	}
	browser, browserHash := auth.NewSessionToken()
	if err := s.st.CreateSSOState(ctx, &State{StateHash: rp.Hash(sec.State), TenantID: t.ID, BrowserHash: browserHash,
		NonceHash: rp.Hash(sec.Nonce), Verifier: sec.Verifier, Issuer: st.Issuer, ClientID: st.ClientID,
		RedirectURI: redirectURI, Next: next, ExpiresAt: s.now().Add(StateTTL)}); err != nil {
		return nil, err
	}
	return &Started{TenantID: t.ID, AuthURL: target, BrowserToken: browser}, nil
}

// Callback is what the provider's redirect back brings, with the browser's
// binding cookie ("" when it has none).
type Callback struct {
	State, Code, Error string
	BrowserToken       string
}

// SignedIn is a finished sign-in: the web layer starts the session.
type SignedIn struct {
	TenantID int64
	User     *auth.User
	Next     string
	Claim    Claim
}

// FinishSignIn finishes the flow: it consumes the state (once), exchanges
// the code with the verifier, verifies the ID token, and then, in one
// transaction, maps the identity to an account (Decide), creates the
// account (just-in-time linking) or binds the subject to an existing one,
// replaces a temporary password, and writes their audit entries. A refusal
// is a *Failure; other errors are internal.
func (s *Service) FinishSignIn(ctx context.Context, in Callback) (*SignedIn, error) {
	f := &Failure{}
	fail := func(kind FailureKind, key, reason string, err error) error {
		f.Kind, f.Key, f.Reason, f.Err = kind, key, reason, err
		return f
	}
	if in.State == "" || len(in.State) > 200 {
		return nil, fail(FailBadRequest, "sso.error.state", "no state", nil)
	}
	flow, err := s.st.ConsumeSSOState(ctx, rp.Hash(in.State))
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, fail(FailBadRequest, "sso.error.state", "state unknown, already used or expired", nil)
	} else if err != nil {
		return nil, err
	}
	tenantID := flow.TenantID
	f.TenantID, f.Next = tenantID, flow.Next
	if t, err := s.st.FindTenantByID(ctx, tenantID); err == nil {
		f.Tenant = t.Slug
	}
	if in.BrowserToken == "" || subtle.ConstantTimeCompare([]byte(auth.HashToken(in.BrowserToken)), []byte(flow.BrowserHash)) != 1 {
		return nil, fail(FailBadRequest, "sso.error.state", "state was started in another browser", nil)
	}
	if in.Error != "" {
		return nil, fail(FailRefused, "sso.error.denied", "provider answered error "+rp.SafeCode(in.Error), nil)
	}
	if in.Code == "" || len(in.Code) > 4096 {
		return nil, fail(FailBadRequest, "sso.error.failed", "no code in the callback", nil)
	}
	st, err := s.Settings(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if !st.Enabled || st.Issuer != flow.Issuer || st.ClientID != flow.ClientID {
		return nil, fail(FailBadRequest, "sso.error.not_enabled", "settings changed during the sign-in", nil)
	}
	secret, err := s.clientSecret(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	cfg := rp.Config{Issuer: st.Issuer, ClientID: st.ClientID, ClientSecret: secret, RedirectURL: flow.RedirectURI}
	rid, err := s.rp.Exchange(ctx, cfg, in.Code, flow.Verifier, flow.NonceHash)
	if err != nil {
		switch rp.KindOf(err) {
		case rp.Unreachable:
			return nil, fail(FailUnreachable, "sso.error.unreachable", "provider unreachable", err)
		case rp.Expired:
			return nil, fail(FailRefused, "sso.error.expired", "ID token expired", err)
		default:
			return nil, fail(FailRefused, "sso.error.failed", "exchange or ID token refused", err)
		}
	}
	id := Identity(rid)
	var u *auth.User
	err = s.st.InSSOTx(ctx, func(tx Tx) error {
		var err error
		u, err = s.signIn(ctx, tx, tenantID, st, id, fail)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &SignedIn{TenantID: tenantID, User: u, Next: flow.Next, Claim: st.Claim}, nil
}

// signIn is the transaction of FinishSignIn.
func (s *Service) signIn(ctx context.Context, tx Tx, tenantID int64, st *Settings, id Identity,
	fail func(FailureKind, string, string, error) error) (*auth.User, error) {
	subject := ""
	if st.Claim == ClaimSub {
		subject = id.Subject
	}
	cands, err := tx.FindSSOCandidates(ctx, tenantID, subject, id.Email)
	if err != nil {
		return nil, err
	}
	d := Decide(st, id, cands)
	var userID int64
	switch d.Outcome {
	case Refuse:
		kind := FailRefused
		if d.Reason == Disabled || d.Reason == Retired {
			kind = FailForbidden
		}
		return nil, fail(kind, "sso.error."+string(d.Reason), "no usable account: "+string(d.Reason), nil)
	case Provision:
		bind := ""
		if d.Bind {
			bind = id.Subject
		}
		u, err := s.provision(ctx, tx, tenantID, d.StaffID, bind)
		if apperr.CodeOf(err) == apperr.Conflict {
			return nil, fail(FailConflict, "sso.error.failed", "account creation raced another sign-in", err)
		} else if err != nil {
			return nil, err
		}
		userID = u.ID
	case SignIn:
		userID = d.UserID
	}
	u, err := tx.FindSSOUser(ctx, tenantID, userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled { // disabled between the candidates' read and now
		return nil, fail(FailForbidden, "sso.error.disabled", "no usable account: disabled", nil)
	}
	if slices.Contains(u.Granted, auth.Auditor) {
		// The IT admin configures the IdP and could assert any subject or
		// address: the auditor, who checks IT, signs in with a password the
		// operator issues (separation of duties, issue 10 item 14).
		return nil, fail(FailForbidden, "sso.error.auditor", "no usable account: auditor signs in with a password", nil)
	}
	actor := audit.Actor{ID: u.ID, Label: u.LoginID}
	if d.Outcome == SignIn && d.Bind {
		if err := s.bind(ctx, tx, tenantID, actor, u.ID, id.Subject); apperr.CodeOf(err) == apperr.Conflict {
			return nil, fail(FailConflict, "sso.error.bound_elsewhere", "subject already bound", err)
		} else if err != nil {
			return nil, err
		}
	}
	if u.MustChange && !slices.Contains(u.Roles(), auth.ITAdmin) {
		// A temporary password from HR is not needed by someone who signs
		// in through the IdP, and keeping it would leave a known password
		// behind: it is replaced by one nobody knows. IT admins keep theirs,
		// as it is the break-glass and they are asked to set their own.
		if err := s.replacePassword(ctx, tx, tenantID, actor, u); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// provision creates the account of a staff record at its first SSO
// sign-in (just-in-time linking): linked to the staff, with a password
// nobody knows, no forced change, no granted roles, and the subject bound
// when given. The login id is the 職員番号, or "sso-" + 職員番号 when that
// is taken. A retired staff record, or one that got an account meanwhile
// (a concurrent sign-in), is Conflict.
func (s *Service) provision(ctx context.Context, tx Tx, tenantID, staffID int64, subject string) (*auth.User, error) {
	staff, err := tx.FindSSOStaff(ctx, tenantID, staffID)
	if err != nil {
		return nil, err
	}
	if staff.Retired {
		return nil, apperr.New(apperr.Conflict, "error.duplicate")
	}
	login := staff.StaffNo
	taken, err := tx.SSOLoginTaken(ctx, tenantID, login)
	if err != nil {
		return nil, err
	}
	if taken {
		login = "sso-" + staff.StaffNo
	}
	hash, err := unusablePasswordHash()
	if err != nil {
		return nil, err
	}
	u := &auth.User{LoginID: login, PasswordHash: hash, StaffID: staffID, Granted: []auth.Role{}}
	if err := tx.InsertUser(ctx, tenantID, u); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid { // the login id or the staff link was taken meanwhile
			return nil, &apperr.Error{Code: apperr.Conflict, Key: "error.duplicate", Err: err}
		}
		return nil, err
	}
	actor := audit.Actor{Label: "sso"}
	if err := tx.Audit(ctx, tenantID, actor, audit.Change{Action: "user.create", ObjectType: "user",
		ObjectID: strconv.FormatInt(u.ID, 10), After: snapUser(u)}); err != nil {
		return nil, err
	}
	if subject == "" {
		return u, nil
	}
	return u, s.bind(ctx, tx, tenantID, actor, u.ID, subject)
}

// bind stores the subject on an account that has none, at its first SSO
// sign-in; Conflict when a concurrent sign-in bound it first.
func (s *Service) bind(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, userID int64, subject string) error {
	if err := tx.BindSSOSubject(ctx, tenantID, userID, subject); err != nil {
		return err
	}
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "user.sso_bind", ObjectType: "user",
		ObjectID: strconv.FormatInt(userID, 10), After: map[string]any{"sso_subject_bound": true}})
}

// replacePassword gives u a password nobody knows and clears its forced
// change; as with every password change, the account's sessions end.
func (s *Service) replacePassword(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, u *auth.User) error {
	hash, err := unusablePasswordHash()
	if err != nil {
		return err
	}
	before := snapUser(u)
	if err := tx.ReplaceSSOPassword(ctx, tenantID, u.ID, u.Version, hash); err != nil {
		return err
	}
	if err := tx.DeleteSSOUserSessions(ctx, tenantID, u.ID); err != nil {
		return err
	}
	u.PasswordHash, u.MustChange, u.Version = hash, false, u.Version+1
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "user.password_sso", ObjectType: "user",
		ObjectID: strconv.FormatInt(u.ID, 10), Before: before, After: snapUser(u)})
}

// snapUser is an account as the audit log shows it (auth's own view, so
// that one account's history reads alike whoever wrote it).
func snapUser(u *auth.User) auth.UserAudit { return u.AuditView() }

// unusablePasswordHash is a real argon2id hash of 256 random bits that are
// then forgotten: the account has no password anyone knows, yet a password
// sign-in against it costs the same time as against any other.
func unusablePasswordHash() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return auth.HashPassword(base64.RawStdEncoding.EncodeToString(b))
}
