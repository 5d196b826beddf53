package rp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// fakeOP is a minimal OpenID provider that signs whatever ID token claims
// the test wants (go-jose, RS256): the malformed tokens a conformant
// provider would never issue. The end-to-end tests in internal/web run
// against a full provider instead.
type fakeOP struct {
	srv *httptest.Server
	key *rsa.PrivateKey

	mu          sync.Mutex
	claims      map[string]any
	signer      *rsa.PrivateKey // nil: key
	verifier    string          // the PKCE verifier the token endpoint expects
	authMethods []string
	pkce        []string
	delay       time.Duration
	failures    int    // discovery answers 500 this many times
	gotAuth     string // how the client authenticated: basic or post
	jwksBody    string // when set, what /jwks answers instead of the keys
	metaEdit    func(map[string]any)
}

var testKey, otherKey = mustKey(), mustKey()

func mustKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func newFakeOP(t *testing.T) *fakeOP {
	f := &fakeOP{key: testKey, pkce: []string{"S256"}}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		delay, fail := f.delay, f.failures > 0
		f.failures--
		meta := map[string]any{"issuer": f.srv.URL, "authorization_endpoint": f.srv.URL + "/auth", "token_endpoint": f.srv.URL + "/token",
			"jwks_uri": f.srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": f.pkce}
		if f.authMethods != nil {
			meta["token_endpoint_auth_methods_supported"] = f.authMethods
		}
		if f.metaEdit != nil {
			f.metaEdit(meta)
		}
		f.mu.Unlock()
		time.Sleep(delay)
		if fail {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(meta)
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		body := f.jwksBody
		f.mu.Unlock()
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
			return
		}
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		defer f.mu.Unlock()
		if id, secret, ok := r.BasicAuth(); ok && id == "client" && secret == "secret" {
			f.gotAuth = "basic"
		} else if r.PostForm.Get("client_id") == "client" && r.PostForm.Get("client_secret") == "secret" {
			f.gotAuth = "post"
		} else {
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client"})
			return
		}
		if r.PostForm.Get("code") != "good-code" || r.PostForm.Get("code_verifier") != f.verifier {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "secret details a@x.jp"})
			return
		}
		signer := f.signer
		if signer == nil {
			signer = f.key
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300,
			"id_token": sign(t, signer, f.claims)})
	})
	return f
}

func sign(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	jws, err := s.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExchangeVerifiesTheIDToken(t *testing.T) {
	sec := NewSecrets()
	tests := []struct {
		name   string
		mut    func(m map[string]any)
		signer *rsa.PrivateKey
		want   Kind // 0 = accepted
	}{
		{"good", nil, nil, 0},
		{"audience is another client", func(m map[string]any) { m["aud"] = "other-client" }, nil, Invalid},
		{"audience includes another party", func(m map[string]any) { m["aud"] = []string{"client", "other-client"} }, nil, Invalid},
		{"authorized party is another client", func(m map[string]any) { m["azp"] = "other-client" }, nil, Invalid},
		{"expired", func(m map[string]any) { m["exp"] = time.Now().Add(-time.Minute).Unix() }, nil, Expired},
		{"another issuer", func(m map[string]any) { m["iss"] = "https://evil.example" }, nil, Invalid},
		{"another nonce", func(m map[string]any) { m["nonce"] = "replayed-nonce" }, nil, Invalid},
		{"no nonce", func(m map[string]any) { delete(m, "nonce") }, nil, Invalid},
		{"no subject", func(m map[string]any) { delete(m, "sub") }, nil, Invalid},
		{"signed with another key", nil, otherKey, Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOP(t)
			claims := map[string]any{"iss": f.srv.URL, "sub": "s1", "aud": "client", "azp": "client", "exp": time.Now().Add(5 * time.Minute).Unix(),
				"iat": time.Now().Unix(), "nonce": sec.Nonce, "email": "a@x.jp", "email_verified": false}
			if tt.mut != nil {
				tt.mut(claims)
			}
			f.claims, f.signer, f.verifier = claims, tt.signer, sec.Verifier
			c := New(2*time.Second, time.Hour, testEgress)
			cfg := Config{Issuer: f.srv.URL, ClientID: "client", ClientSecret: "secret", RedirectURL: "https://app.example/sso/callback"}
			id, err := c.Exchange(context.Background(), cfg, "good-code", sec.Verifier, Hash(sec.Nonce))
			if tt.want == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if id.Subject != "s1" || id.Email != "a@x.jp" || id.EmailVerified == nil || *id.EmailVerified {
					t.Errorf("identity = %+v", id)
				}
				return
			}
			if err == nil || KindOf(err) != tt.want {
				t.Errorf("err = %v (kind %d), want kind %d", err, KindOf(err), tt.want)
			}
		})
	}
}

func TestPKCEAndClientAuthentication(t *testing.T) {
	sec := NewSecrets()
	f := newFakeOP(t)
	f.claims = map[string]any{"iss": f.srv.URL, "sub": "s1", "aud": "client", "exp": time.Now().Add(time.Minute).Unix(), "nonce": sec.Nonce}
	f.verifier = sec.Verifier
	cfg := Config{Issuer: f.srv.URL, ClientID: "client", ClientSecret: "secret", RedirectURL: "https://app.example/sso/callback"}
	c := New(2*time.Second, time.Hour, testEgress)
	raw, err := c.AuthURL(context.Background(), cfg, sec)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	q := u.Query()
	sum := sha256.Sum256([]byte(sec.Verifier))
	if q.Get("code_challenge") != base64.RawURLEncoding.EncodeToString(sum[:]) || q.Get("code_challenge_method") != "S256" ||
		q.Get("state") != sec.State || q.Get("nonce") != sec.Nonce || q.Get("response_type") != "code" ||
		q.Get("redirect_uri") != cfg.RedirectURL || q.Get("code_verifier") != "" {
		t.Errorf("authorization URL: %s", raw)
	}
	// Another verifier: the provider refuses the code. Its description is
	// not repeated in the error (it may hold anything).
	_, err = c.Exchange(context.Background(), cfg, "good-code", "another-verifier", Hash(sec.Nonce))
	if KindOf(err) != Rejected || err.Error() != "sso exchange: token endpoint answered 400 invalid_grant" {
		t.Errorf("wrong verifier: %v", err)
	}
	if _, err := c.Exchange(context.Background(), cfg, "good-code", sec.Verifier, Hash(sec.Nonce)); err != nil || f.gotAuth != "basic" {
		t.Errorf("exchange: %v, client authentication %q", err, f.gotAuth)
	}
	// A provider that only takes client_secret_post gets it.
	f2 := newFakeOP(t)
	f2.claims = map[string]any{"iss": f2.srv.URL, "sub": "s1", "aud": "client", "exp": time.Now().Add(time.Minute).Unix(), "nonce": sec.Nonce}
	f2.verifier, f2.authMethods = sec.Verifier, []string{"client_secret_post"}
	cfg.Issuer = f2.srv.URL
	if _, err := c.Exchange(context.Background(), cfg, "good-code", sec.Verifier, Hash(sec.Nonce)); err != nil || f2.gotAuth != "post" {
		t.Errorf("exchange with post: %v, client authentication %q", err, f2.gotAuth)
	}
	// A provider without S256 is refused.
	f3 := newFakeOP(t)
	f3.pkce = []string{"plain"}
	if _, err := c.AuthURL(context.Background(), Config{Issuer: f3.srv.URL, ClientID: "client"}, sec); KindOf(err) != Unreachable {
		t.Errorf("provider without S256: %v", err)
	}
}

func TestProviderTimeoutAndCache(t *testing.T) {
	f := newFakeOP(t)
	f.delay = 2 * time.Second
	c := New(200*time.Millisecond, time.Hour, testEgress)
	cfg := Config{Issuer: f.srv.URL, ClientID: "client"}
	start := time.Now()
	if _, err := c.AuthURL(context.Background(), cfg, NewSecrets()); KindOf(err) != Unreachable {
		t.Errorf("slow provider: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the request to a slow provider took %v", d)
	}
	// A failure is not cached; a success is, for the TTL.
	f.mu.Lock()
	f.delay, f.failures = 0, 1
	f.mu.Unlock()
	if _, err := c.AuthURL(context.Background(), cfg, NewSecrets()); err == nil {
		t.Error("discovery answered 500 but the URL was built")
	}
	if _, err := c.AuthURL(context.Background(), cfg, NewSecrets()); err != nil {
		t.Errorf("after recovery: %v", err)
	}
	f.mu.Lock()
	f.failures = 5
	f.mu.Unlock()
	if _, err := c.AuthURL(context.Background(), cfg, NewSecrets()); err != nil {
		t.Errorf("cached discovery was fetched again: %v", err)
	}
	c.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if _, err := c.AuthURL(context.Background(), cfg, NewSecrets()); err == nil {
		t.Error("an expired cache entry was used")
	}
}

func TestSafeCode(t *testing.T) {
	for in, want := range map[string]string{"invalid_grant": "invalid_grant", "a@x.jp": "a?x?jp", "": ""} {
		if got := SafeCode(in); got != want {
			t.Errorf("SafeCode(%q) = %q, want %q", in, got, want)
		}
	}
}
