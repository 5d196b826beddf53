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
	"slices"
	"sync"
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
}

func (e *Error) Error() string { return "sso " + e.Step + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

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
	http *http.Client
	ttl  time.Duration
	now  func() time.Time

	mu        sync.Mutex
	providers map[string]cached
}

type cached struct {
	p         *oidc.Provider
	authStyle oauth2.AuthStyle
	at        time.Time
}

// New returns a client whose HTTP requests to the provider are bounded by
// timeout, and which keeps discovery documents for ttl. The provider's
// signing keys are refreshed by go-oidc when a token names an unknown key.
func New(timeout, ttl time.Duration) *Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment, // LGWAN sites reach the internet through a proxy
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}
	return &Client{
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
	p, err := oidc.NewProvider(c.ctx(ctx), issuer)
	if err != nil {
		return cached{}, &Error{Kind: Unreachable, Step: "discovery", Err: err}
	}
	var meta struct {
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
		PKCE        []string `json:"code_challenge_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return cached{}, &Error{Kind: Unreachable, Step: "discovery", Err: err}
	}
	if len(meta.PKCE) > 0 && !slices.Contains(meta.PKCE, "S256") {
		return cached{}, &Error{Kind: Unreachable, Step: "discovery", Err: errors.New("provider does not support PKCE S256")}
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
	tok, err := c.oauth(cfg, e).Exchange(c.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// Only the error code: a description could echo request values.
			status := 0
			if re.Response != nil {
				status = re.Response.StatusCode
			}
			return id, &Error{Kind: Rejected, Step: "exchange", Err: fmt.Errorf("token endpoint answered %d %s", status, SafeCode(re.ErrorCode))}
		}
		return id, &Error{Kind: Unreachable, Step: "exchange", Err: err}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return id, &Error{Kind: Invalid, Step: "verify", Err: errors.New("no id_token in the token response")}
	}
	v := e.p.VerifierContext(c.ctx(ctx), &oidc.Config{ClientID: cfg.ClientID})
	idt, err := v.Verify(c.ctx(ctx), raw)
	if err != nil {
		var te *oidc.TokenExpiredError
		if errors.As(err, &te) {
			return id, &Error{Kind: Expired, Step: "verify", Err: err}
		}
		return id, &Error{Kind: Invalid, Step: "verify", Err: err}
	}
	if subtle.ConstantTimeCompare([]byte(Hash(idt.Nonce)), []byte(nonceHash)) != 1 {
		return id, &Error{Kind: Invalid, Step: "nonce", Err: errors.New("nonce in the ID token does not match the one sent")}
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"`
		AZP           string `json:"azp"`
	}
	if err := idt.Claims(&claims); err != nil {
		return id, &Error{Kind: Invalid, Step: "verify", Err: errors.New("claims are not a JSON object")}
	}
	// go-oidc checks that our client is among the audiences. OIDC Core
	// 3.1.3.7 also says to reject audiences the client does not trust, and
	// an authorized party other than the client: a token issued to another
	// application as well is not for us.
	for _, a := range idt.Audience {
		if a != cfg.ClientID {
			return id, &Error{Kind: Invalid, Step: "verify", Err: fmt.Errorf("ID token audience %q includes another party", idt.Audience)}
		}
	}
	if claims.AZP != "" && claims.AZP != cfg.ClientID {
		return id, &Error{Kind: Invalid, Step: "verify", Err: fmt.Errorf("ID token authorized party %q is not the client", claims.AZP)}
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
		return id, &Error{Kind: Invalid, Step: "verify", Err: errors.New("ID token without sub")}
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
