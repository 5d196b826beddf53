package rp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// testEgress lets the tests reach their provider on loopback over http,
// as `telework serve --sso-allow-http` does.
var testEgress = Egress{AllowHTTP: true}

func TestEgressCheckURL(t *testing.T) {
	listed := Egress{Hosts: []string{"login.example.jp", "*.idp.example.lg.jp"}}
	for _, tt := range []struct {
		e   Egress
		url string
		ok  bool
	}{
		{Egress{}, "https://login.microsoftonline.com/t/v2.0", true},
		{Egress{}, "http://login.example.jp", false},
		{Egress{}, "http://127.0.0.1:8080", false},
		{Egress{}, "http://localhost:8080", false},
		{Egress{}, "ftp://login.example.jp", false},
		{Egress{}, "file:///etc/passwd", false},
		{Egress{}, "https://user@login.example.jp", false},
		{testEgress, "http://127.0.0.1:8080", true},
		{testEgress, "http://[::1]:8080", true},
		{testEgress, "http://localhost:8080", true},
		{testEgress, "http://10.0.0.5", false},
		{testEgress, "http://login.example.jp", false},
		{listed, "https://login.example.jp/adfs", true},
		{listed, "https://LOGIN.example.jp/adfs", true},
		{listed, "https://a.idp.example.lg.jp", true},
		{listed, "https://idp.example.lg.jp", false},
		{listed, "https://evil-login.example.jp", false},
		{listed, "https://login.example.jp.evil.example", false},
		{listed, "https://169.254.169.254/latest", false},
	} {
		if err := tt.e.CheckURL(tt.url); (err == nil) != tt.ok {
			t.Errorf("%+v CheckURL(%q) = %v, want ok=%v", tt.e, tt.url, err, tt.ok)
		}
	}
}

func TestEgressCheckAddr(t *testing.T) {
	for _, tt := range []struct {
		addr                   string
		public, listed, loopOK bool
	}{
		{"8.8.8.8", true, true, true},
		{"2001:4860:4860::8888", true, true, true},
		{"127.0.0.1", false, false, true},
		{"127.1.2.3", false, false, true},
		{"::1", false, false, true},
		{"::ffff:127.0.0.1", false, false, true},
		{"10.1.2.3", false, true, false},
		{"172.16.0.1", false, true, false},
		{"192.168.1.1", false, true, false},
		{"::ffff:192.168.1.1", false, true, false},
		{"100.64.0.1", false, true, false},
		{"fc00::1", false, true, false},
		{"fd12:3456::1", false, true, false},
		{"169.254.169.254", false, false, false},
		{"fe80::1", false, false, false},
		{"0.0.0.0", false, false, false},
		{"::", false, false, false},
		{"224.0.0.1", false, false, false},
		{"ff02::1", false, false, false},
		{"240.0.0.1", false, true, false},
	} {
		ip := netip.MustParseAddr(tt.addr)
		if err := (Egress{}).CheckAddr(ip, false); (err == nil) != tt.public {
			t.Errorf("public only: %s → %v", tt.addr, err)
		}
		if err := (Egress{Hosts: []string{"x"}}).CheckAddr(ip, true); (err == nil) != tt.listed {
			t.Errorf("allow-listed host: %s → %v", tt.addr, err)
		}
		if err := testEgress.CheckAddr(ip, false); (err == nil) != (tt.public || tt.loopOK) {
			t.Errorf("with AllowHTTP: %s → %v", tt.addr, err)
		}
	}
}

// TestEgressChecksTheDialedAddress: an https issuer whose name passes every
// URL rule but resolves to loopback ("localhost", as a rebinding name
// would) is refused when the connection is made, allow-listed or not.
func TestEgressChecksTheDialedAddress(t *testing.T) {
	hits := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	issuer := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	for _, e := range []Egress{{}, {Hosts: []string{"localhost"}}} {
		c := New(2*time.Second, time.Hour, e)
		_, err := c.AuthURL(context.Background(), Config{Issuer: issuer, ClientID: "c"}, NewSecrets())
		if !IsEgressError(err) || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%+v: err = %v, want a loopback refusal", e, err)
		}
	}
	if hits != 0 {
		t.Errorf("the loopback server was reached %d times", hits)
	}
}

// TestProviderBodiesStayOutOfErrors: what a provider (or an internal
// service posing as one) answers never reaches an error text, which is
// what the log shows; the status does.
func TestProviderBodiesStayOutOfErrors(t *testing.T) {
	const secret = "SECRET-BODY-7f3a"
	for _, tt := range []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"404 with a body", func(w http.ResponseWriter, r *http.Request) { http.Error(w, secret, http.StatusNotFound) }, "404"},
		{"500 with a body", func(w http.ResponseWriter, r *http.Request) { http.Error(w, secret, http.StatusInternalServerError) }, "500"},
		{"200, not JSON", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>" + secret)) }, "200"},
		{"200, JSON of another issuer", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"issuer":"` + secret + `"}`))
		}, "another issuer"},
	} {
		srv := httptest.NewServer(tt.h)
		c := New(2*time.Second, time.Hour, testEgress)
		_, err := c.AuthURL(context.Background(), Config{Issuer: srv.URL, ClientID: "c"}, NewSecrets())
		srv.Close()
		if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q and no body", tt.name, err, tt.want)
		}
	}
	// A key set answered with something else, at the verification.
	sec := NewSecrets()
	f := newFakeOP(t)
	f.jwksBody = `{"keys":"` + secret + `"}`
	f.verifier = sec.Verifier
	f.claims = map[string]any{"iss": f.srv.URL, "sub": "s1", "aud": "client", "exp": time.Now().Add(time.Minute).Unix(), "nonce": sec.Nonce}
	c := New(2*time.Second, time.Hour, testEgress)
	_, err := c.Exchange(context.Background(), Config{Issuer: f.srv.URL, ClientID: "client", ClientSecret: "secret"}, "good-code", sec.Verifier, Hash(sec.Nonce))
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("key set body: err = %v", err)
	}
	// A discovery document that sends the token request elsewhere.
	f2 := newFakeOP(t)
	f2.metaEdit = func(m map[string]any) { m["token_endpoint"] = "http://10.0.0.1/token" }
	if _, err := c.AuthURL(context.Background(), Config{Issuer: f2.srv.URL, ClientID: "client"}, sec); !IsEgressError(err) {
		t.Errorf("token endpoint on an internal http URL: %v", err)
	}
}
