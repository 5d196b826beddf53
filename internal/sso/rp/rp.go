// Package rp is the OpenID Connect relying party: discovery (cached per
// issuer), the authorization request with PKCE (S256), and the code
// exchange with verification of the ID token (signature against the
// provider's JWKS, issuer, audience, expiry and nonce). It keeps no state of
// its own about a sign-in in progress: the caller stores state, nonce and
// verifier, so that any app node can finish a flow another one started.
package rp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"telework/internal/egress"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Kind classifies a failure for the person's message; the error text is
// for the log (it never holds tokens or claim values).
type Kind int

const (
	Unreachable Kind = iota + 1 // discovery or token endpoint could not be reached
	Rejected                    // the provider refused the code exchange (invalid_grant, invalid_client …)
	Invalid                     // the ID token failed verification (signature, issuer, audience, nonce)
	Expired                     // the ID token had expired
)

// Error is a failed step of the protocol.
type Error struct {
	Kind Kind
	Step string // discovery, exchange, verify, nonce
	Err  error
	// Status is the provider's last HTTP status in the step (0 = none).
	Status int
}

// Error is what the log shows: the step, the HTTP status and a cause that
// holds nothing the provider's answers contained (a response body could
// be anything an internal service returns; see safeText).
func (e *Error) Error() string {
	s := "sso " + e.Step + ": " + safeText(e.Step, e.Err)
	if e.Status != 0 {
		s += fmt.Sprintf(" (last HTTP status %d)", e.Status)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// safeError is an error text this package wrote itself.
type safeError string

func (e safeError) Error() string { return string(e) }

func safef(format string, args ...any) error { return safeError(fmt.Sprintf(format, args...)) }

// safeText describes err for the log without the provider's answers:
// egress refusals and our own errors as they are; transport errors
// (connection refused, TLS, timeouts) with the URL but without its query;
// a few library errors by their type; any other library error, which may
// quote a response body (go-oidc does for discovery documents and key
// sets), only by a fixed text. ID-token verification errors of go-oidc
// describe the token's claims (issuer, audience, expiry), not a body, and
// are kept unless they come from reading the key set.
func safeText(step string, err error) string {
	var (
		se safeError
		ee *EgressError
		er *egress.Refused
		ue *url.Error
		im *oidc.IssuerMismatchError
		te *oidc.TokenExpiredError
	)
	switch {
	case err == nil:
		return "failed"
	case errors.As(err, &ee):
		return ee.Error()
	case errors.As(err, &er):
		return "sso egress refused: " + er.Error()
	case errors.As(err, &se):
		return se.Error()
	case errors.As(err, &ue):
		return ue.Op + " " + bounded(stripQuery(ue.URL)) + ": " + bounded(safeText(step, ue.Err))
	case errors.As(err, &im):
		return "the discovery document names another issuer than the configured one"
	case errors.As(err, &te):
		return "the ID token has expired"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return err.Error()
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) {
		return bounded(err.Error())
	}
	msg := err.Error()
	if step == "verify" && strings.HasPrefix(msg, "oidc: ") && !strings.Contains(msg, "keys") {
		return bounded(msg)
	}
	switch step {
	case "discovery":
		return "the provider's discovery answer could not be used"
	case "verify":
		return "the ID token could not be verified (signing keys unreadable or signature invalid)"
	}
	return "the provider's answer could not be used"
}

func stripQuery(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i]
	}
	return raw
}

func bounded(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// KindOf returns the kind of a protocol error (Unreachable for any other).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Unreachable
}

// Identity is what a verified ID token says about the person.
type Identity struct {
	Subject string
	Email   string
	// EmailVerified is nil when the IdP does not send the claim (Entra ID
	// does not); an explicit false is refused.
	EmailVerified *bool
}

// Config is what one tenant's flow needs.
type Config struct {
	Issuer, ClientID, ClientSecret, RedirectURL string
}

// Client talks to identity providers. It is safe for concurrent use.
type Client struct {
	egress Egress
	http   *http.Client
	ttl    time.Duration
	now    func() time.Time

	mu        sync.Mutex
	providers map[string]cached
}

type cached struct {
	p         *oidc.Provider
	authStyle oauth2.AuthStyle
	at        time.Time
}

// New returns a client whose HTTP requests to the provider are bounded by
// timeout, and which keeps discovery documents for ttl. Every request and
// connection follows the egress rules e. The provider's signing keys are
// refreshed by go-oidc when a token names an unknown key.
func New(timeout, ttl time.Duration, e Egress) *Client {
	tr := egressTransport(e, timeout) // LGWAN sites reach the internet through a proxy (HTTPS_PROXY)
	return &Client{
		egress: e,
		http: &http.Client{Transport: tr, Timeout: timeout,
			// Discovery, JWKS and token endpoints answer directly; a redirect
			// there is a misconfiguration, not something to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		ttl:       ttl,
		now:       time.Now,
		providers: map[string]cached{},
	}
}

func (c *Client) ctx(ctx context.Context) context.Context { return oidc.ClientContext(ctx, c.http) }

// provider returns the issuer's discovery document, from the cache while
// it is fresh. Failures are not cached, so a fixed IdP works at once.
func (c *Client) provider(ctx context.Context, issuer string) (cached, error) {
	c.mu.Lock()
	e, ok := c.providers[issuer]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < c.ttl {
		return e, nil
	}
	if err := c.egress.CheckURL(issuer); err != nil {
		return cached{}, &Error{Kind: Unreachable, Step: "discovery", Err: err}
	}
	ctx, tr := withTrace(ctx)
	p, err := oidc.NewProvider(c.ctx(ctx), issuer)
	if err != nil {
		return cached{}, &Error{Kind: Unreachable, Step: "discovery", Err: err, Status: tr.last()}
	}
	var meta struct {
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
		PKCE        []string `json:"code_challenge_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return cached{}, &Error{Kind: Unreachable, Step: "discovery", Err: safef("the discovery document is not a JSON object")}
	}
	if len(meta.PKCE) > 0 && !slices.Contains(meta.PKCE, "S256") {
		return cached{}, &Error{Kind: Unreachable, Step: "discovery", Err: safef("provider does not support PKCE S256")}
	}
	// The endpoints the document names are where the next requests go: the
	// same egress rules, now, rather than at the first sign-in.
	for _, ep := range []string{p.Endpoint().AuthURL, p.Endpoint().TokenURL} {
		if err := c.egress.CheckURL(ep); err != nil && !(ep == p.Endpoint().AuthURL && isHTTPS(ep)) {
			return cached{}, &Error{Kind: Unreachable, Step: "discovery", Err: err}
		}
	}
	// The spec's default is client_secret_basic; choosing from discovery
	// avoids oauth2's auto-detection, which would retry a failed exchange.
	e = cached{p: p, authStyle: oauth2.AuthStyleInHeader, at: c.now()}
	if len(meta.AuthMethods) > 0 && !slices.Contains(meta.AuthMethods, "client_secret_basic") &&
		slices.Contains(meta.AuthMethods, "client_secret_post") {
		e.authStyle = oauth2.AuthStyleInParams
	}
	c.mu.Lock()
	c.providers[issuer] = e
	c.mu.Unlock()
	return e, nil
}

func (c *Client) oauth(cfg Config, e cached) *oauth2.Config {
	ep := e.p.Endpoint()
	ep.AuthStyle = e.authStyle
	if cfg.ClientSecret == "" {
		ep.AuthStyle = oauth2.AuthStyleInParams // a public client sends only its id
	}
	return &oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: ep,
		RedirectURL: cfg.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// Secrets are the per-flow random values.
type Secrets struct {
	State, Nonce, Verifier string
}

// NewSecrets makes state, nonce and PKCE verifier (each 256 random bits).
func NewSecrets() Secrets {
	return Secrets{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
}

func random() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is the stored form of state and nonce.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// AuthURL discovers the provider and returns the authorization request URL
// (code flow, PKCE S256, state and nonce).
func (c *Client) AuthURL(ctx context.Context, cfg Config, sec Secrets) (string, error) {
	e, err := c.provider(ctx, cfg.Issuer)
	if err != nil {
		return "", err
	}
	return c.oauth(cfg, e).AuthCodeURL(sec.State, oidc.Nonce(sec.Nonce), oauth2.S256ChallengeOption(sec.Verifier)), nil
}

// Exchange trades the code for tokens with the PKCE verifier, verifies the
// ID token and checks that its nonce hashes to nonceHash.
func (c *Client) Exchange(ctx context.Context, cfg Config, code, verifier, nonceHash string) (Identity, error) {
	var id Identity
	e, err := c.provider(ctx, cfg.Issuer)
	if err != nil {
		return id, err
	}
	ctx, tr := withTrace(ctx)
	tok, err := c.oauth(cfg, e).Exchange(c.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// Only the error code: a description could echo request values.
			status := 0
			if re.Response != nil {
				status = re.Response.StatusCode
			}
			return id, &Error{Kind: Rejected, Step: "exchange", Err: safef("token endpoint answered %d %s", status, SafeCode(re.ErrorCode))}
		}
		return id, &Error{Kind: Unreachable, Step: "exchange", Err: err, Status: tr.last()}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return id, &Error{Kind: Invalid, Step: "verify", Err: safef("no id_token in the token response")}
	}
	v := e.p.VerifierContext(c.ctx(ctx), &oidc.Config{ClientID: cfg.ClientID})
	idt, err := v.Verify(c.ctx(ctx), raw)
	if err != nil {
		var te *oidc.TokenExpiredError
		if errors.As(err, &te) {
			return id, &Error{Kind: Expired, Step: "verify", Err: err}
		}
		return id, &Error{Kind: Invalid, Step: "verify", Err: err, Status: tr.last()}
	}
	if subtle.ConstantTimeCompare([]byte(Hash(idt.Nonce)), []byte(nonceHash)) != 1 {
		return id, &Error{Kind: Invalid, Step: "nonce", Err: safef("nonce in the ID token does not match the one sent")}
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"`
		AZP           string `json:"azp"`
	}
	if err := idt.Claims(&claims); err != nil {
		return id, &Error{Kind: Invalid, Step: "verify", Err: safef("claims are not a JSON object")}
	}
	// go-oidc checks that our client is among the audiences. OIDC Core
	// 3.1.3.7 also says to reject audiences the client does not trust, and
	// an authorized party other than the client: a token issued to another
	// application as well is not for us.
	for _, a := range idt.Audience {
		if a != cfg.ClientID {
			return id, &Error{Kind: Invalid, Step: "verify", Err: safef("ID token audience %q includes another party", idt.Audience)}
		}
	}
	if claims.AZP != "" && claims.AZP != cfg.ClientID {
		return id, &Error{Kind: Invalid, Step: "verify", Err: safef("ID token authorized party %q is not the client", claims.AZP)}
	}
	id.Subject, id.Email = idt.Subject, claims.Email
	switch v := claims.EmailVerified.(type) {
	case bool:
		id.EmailVerified = &v
	case string: // some providers send "true"/"false"
		b := v == "true"
		id.EmailVerified = &b
	}
	if id.Subject == "" {
		return id, &Error{Kind: Invalid, Step: "verify", Err: safef("ID token without sub")}
	}
	return id, nil
}

// SafeCode keeps an OAuth error code (of a token or authorization
// response) loggable: [a-z_] only, bounded.
func SafeCode(s string) string {
	b := []byte(s)
	if len(b) > 40 {
		b = b[:40]
	}
	for i, ch := range b {
		if (ch < 'a' || ch > 'z') && ch != '_' {
			b[i] = '?'
		}
	}
	return string(b)
}

func isHTTPS(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "https" && u.Host != ""
}
