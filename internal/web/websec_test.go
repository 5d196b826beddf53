package web_test

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/route"
	"telework/internal/sso"
	"telework/internal/sso/rp"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// TestAPIRefusesInvalidUTF8: a JSON body with bytes that are not UTF-8 is
// a 422 naming the field (encoding/json would have stored U+FFFD), nested
// members by their dotted path.
func TestAPIRefusesInvalidUTF8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := mkToken(t, w, "hr", false)
		unit := strconv.FormatInt(w.units["a-team"].ID, 10)
		for _, tt := range []struct{ body, field string }{
			{`{"staff_no":"2001","name":"山田` + "\xff" + `太郎","kana":"やまだ","unit_id":` + unit + `}`, "name"},
			{`{"staff_no":"2001","name":"山田","kana":"やまだ` + "\xc3" + `","unit_id":` + unit + `}`, "kana"},
			{`{"staff_no":"2001","name":"山田","kana":"やまだ","unit_id":` + unit + `,"title":"` + "\xed\xa0\x80" + `"}`, "title"},
		} {
			res := w.call("POST", "/api/v1/staff", tt.body, hr)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"`+tt.field+`"`) || !strings.Contains(res.body, "UTF-8") {
				t.Errorf("invalid UTF-8 in %s: %d %s", tt.field, res.code, res.body)
			}
		}
		res := w.call("GET", "/api/v1/staff?limit=50", "", hr)
		if strings.Contains(res.body, "\ufffd") || strings.Contains(res.body, `\ufffd`) {
			t.Errorf("a replacement character was stored: %s", res.body)
		}
	})
}

// TestCanonicalIDsOnly: /staff/01 is not staff 1, on pages and the API;
// neither are +1, 1.0, 0x1 or an id past int64.
func TestCanonicalIDsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		tok := mkToken(t, w, "hr", false)
		id := strconv.FormatInt(w.staff["a-staff"].ID, 10)
		if res := w.do("GET", "/staff/"+id, nil, hr); res.code != http.StatusOK {
			t.Fatalf("canonical page: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/staff/"+id, "", tok); res.code != http.StatusOK {
			t.Fatalf("canonical API: %d", res.code)
		}
		for _, alias := range []string{"0" + id, "00" + id, "+" + id, id + ".0", "0x" + strconv.FormatInt(w.staff["a-staff"].ID, 16),
			"-" + id, " " + id, id + "%20", "%30" + id, "99999999999999999999" + id} {
			if res := w.do("GET", "/staff/"+strings.ReplaceAll(alias, " ", "%20"), nil, hr); res.code != http.StatusNotFound {
				t.Errorf("page /staff/%s: %d, want 404", alias, res.code)
			}
			if res := w.call("GET", "/api/v1/staff/"+strings.ReplaceAll(alias, " ", "%20"), "", tok); res.code != http.StatusNotFound {
				t.Errorf("API /api/v1/staff/%s: %d, want 404", alias, res.code)
			}
		}
		uid := strconv.FormatInt(w.units["a-team"].ID, 10)
		if res := w.call("GET", "/api/v1/units/0"+uid, "", tok); res.code != http.StatusNotFound {
			t.Errorf("API /api/v1/units/0%s: %d, want 404", uid, res.code)
		}
	})
}

// rebuild replaces w's server with one on cfg whose SSO service follows
// egress (as `telework serve` wires them).
func rebuild(t *testing.T, w *world, cfg web.Config, egress rp.Egress) {
	t.Helper()
	svc := app.NewServices(w.db)
	svc.SSO.SetEgress(egress)
	srv, err := web.New(svc, telemetry.NewLogger(w.logs, slog.LevelDebug), telemetry.NewMetrics(nil), cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.srv = srv
}

// TestHSTS: Strict-Transport-Security on answers to requests that came
// over HTTPS (TLS here, or X-Forwarded-Proto: https from a trusted proxy),
// with the configured max-age; never on plain http or from an untrusted
// X-Forwarded-Proto (issue 10 #6).
func TestHSTS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		get := func(path string, tlsOn bool, hdr ...string) string {
			req := httptest.NewRequest("GET", path, nil)
			for i := 0; i+1 < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			if tlsOn {
				req.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, req)
			return rec.Header().Get("Strict-Transport-Security")
		}
		const year = "max-age=31536000"
		// Without --trust-proxy: only TLS on this server counts.
		if got := get("/login", false, "X-Forwarded-Proto", "https"); got != "" {
			t.Errorf("untrusted X-Forwarded-Proto: %q", got)
		}
		if got := get("/login", true); got != year {
			t.Errorf("direct TLS: %q", got)
		}
		cfg := web.DefaultConfig()
		cfg.TrustProxy = true
		rebuild(t, w, cfg, rp.Egress{})
		for _, path := range []string{"/login", "/healthz", "/static/nonexistent", "/api/v1/me", "/no-such-page"} {
			if got := get(path, false, "X-Forwarded-Proto", "https"); got != year {
				t.Errorf("behind the proxy over https, %s: %q", path, got)
			}
		}
		if got := get("/login", false, "X-Forwarded-Proto", "HTTPS"); got != year {
			t.Errorf("X-Forwarded-Proto in capitals: %q", got)
		}
		if got := get("/login", false, "X-Forwarded-Proto", "http"); got != "" {
			t.Errorf("behind the proxy over http: %q", got)
		}
		if got := get("/login", false); got != "" {
			t.Errorf("plain http: %q", got)
		}
		cfg.HSTSMaxAge = 600 * time.Second
		rebuild(t, w, cfg, rp.Egress{})
		if got := get("/login", false, "X-Forwarded-Proto", "https"); got != "max-age=600" {
			t.Errorf("configured max-age: %q", got)
		}
		cfg.HSTSMaxAge = 0
		rebuild(t, w, cfg, rp.Egress{})
		if got := get("/login", true); got != "" {
			t.Errorf("max-age 0: %q", got)
		}
	})
}

// TestSecureCookieAgreesWithHSTS: behind a trusted proxy, whatever the
// case or spacing of X-Forwarded-Proto, the session cookie is Secure
// exactly when the answer carries HSTS (a review found "HTTPS" got HSTS and
// a cookie without Secure: two tests of one question).
func TestSecureCookieAgreesWithHSTS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		cfg := web.DefaultConfig()
		cfg.TrustProxy = true
		rebuild(t, w, cfg, rp.Egress{})
		for _, c := range []struct {
			proto  string
			secure bool
		}{{"https", true}, {"HTTPS", true}, {"Https", true}, {" https ", true}, {"http", false}, {"", false}} {
			res := login(w, "matsumoto", "hr", fixturePassword, "X-Forwarded-Proto", c.proto)
			var session *http.Cookie
			for _, k := range res.cookies {
				if k.Name == route.SessionCookie {
					session = k
				}
			}
			if session == nil {
				t.Fatalf("%q: no session cookie (%d)", c.proto, res.code)
			}
			hsts := res.header.Get("Strict-Transport-Security") != ""
			if session.Secure != c.secure || hsts != c.secure {
				t.Errorf("X-Forwarded-Proto %q: cookie Secure %v, HSTS %v, want both %v", c.proto, session.Secure, hsts, c.secure)
			}
		}
	})
}

// TestMetricsTokenAndListener: with a token, /metrics answers 401 without
// it (any case of "Bearer"); with a listener of its own, /metrics is 404
// on the main one and served by MetricsHandler.
func TestMetricsTokenAndListener(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		if res := w.do("GET", "/metrics", nil, nil); res.code != http.StatusOK || !strings.Contains(res.body, "telework_") {
			t.Fatalf("default /metrics: %d", res.code)
		}
		// A made-up method is counted as OTHER: a label per method the
		// client invents would grow /metrics without bound.
		for _, m := range []string{"Q123X", "Q124X"} {
			w.do(m, "/x", nil, nil)
		}
		if res := w.do("GET", "/metrics", nil, nil); strings.Contains(res.body, "Q123X") || !strings.Contains(res.body, `method="OTHER"`) {
			t.Errorf("made-up methods in /metrics")
		}
		cfg := web.DefaultConfig()
		cfg.MetricsToken = "m3trics-t0ken"
		rebuild(t, w, cfg, rp.Egress{})
		for _, tt := range []struct {
			auth string
			code int
		}{
			{"", http.StatusUnauthorized},
			{"Bearer wrong", http.StatusUnauthorized},
			{"Bearer m3trics-t0ke", http.StatusUnauthorized},
			{"Basic m3trics-t0ken", http.StatusUnauthorized},
			{"m3trics-t0ken", http.StatusUnauthorized},
			{"Bearer m3trics-t0ken", http.StatusOK},
			{"bearer m3trics-t0ken", http.StatusOK},
		} {
			res := w.do("GET", "/metrics", nil, nil, "Authorization", tt.auth)
			if res.code != tt.code || (tt.code == http.StatusOK) != strings.Contains(res.body, "telework_") {
				t.Errorf("Authorization %q: %d, want %d", tt.auth, res.code, tt.code)
			}
			if tt.code == http.StatusUnauthorized && res.header.Get("WWW-Authenticate") == "" {
				t.Errorf("Authorization %q: no WWW-Authenticate", tt.auth)
			}
		}
		cfg = web.DefaultConfig()
		cfg.MetricsElsewhere = true
		rebuild(t, w, cfg, rp.Egress{})
		if res := w.do("GET", "/metrics", nil, nil); res.code != http.StatusNotFound {
			t.Errorf("/metrics on the main listener: %d", res.code)
		}
		rec := httptest.NewRecorder()
		w.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "telework_") {
			t.Errorf("metrics listener: %d", rec.Code)
		}
	})
}

// TestSSORedirectURIFromConfiguration: with --public-url, the callback
// sent to the IdP and shown on the settings page is the configured one,
// whatever Host the request names.
func TestSSORedirectURIFromConfiguration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		e.enableA(t, sso.ClaimSub)
		cfg := web.DefaultConfig()
		cfg.PublicURL = "https://telework.city.example.lg.jp"
		rebuild(t, e.w, cfg, loopbackIdP)
		req := httptest.NewRequest("GET", "/sso/start?tenant=matsumoto", nil)
		req.Host = "evil.example"
		rec := httptest.NewRecorder()
		e.w.srv.ServeHTTP(rec, req)
		loc, err := url.Parse(rec.Header().Get("Location"))
		if rec.Code != http.StatusSeeOther || err != nil || loc.Query().Get("redirect_uri") != "https://telework.city.example.lg.jp/sso/callback" {
			t.Errorf("SSO start: %d → %s", rec.Code, rec.Header().Get("Location"))
		}
		req = httptest.NewRequest("GET", "/sso/settings", nil)
		req.Host = "evil.example"
		req.AddCookie(e.w.session(t, "it"))
		rec = httptest.NewRecorder()
		e.w.srv.ServeHTTP(rec, req)
		if body := rec.Body.String(); !strings.Contains(body, "https://telework.city.example.lg.jp/sso/callback") || strings.Contains(body, "evil.example") {
			t.Errorf("settings page shows another redirect URI")
		}
	})
}

// TestSSOIssuerEgress: the server connects only to issuers its operator
// allows. Without --sso-allow-http, http issuers (the test IdP's loopback
// included) are refused before any request; a name that resolves to
// loopback is refused at the connection; a host off the allow-list is
// refused; and what a provider answers never reaches the log (issue 10 #8).
func TestSSOIssuerEgress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newSSOEnv(t, db)
		w := e.w
		it := w.session(t, "it")
		save := func(issuer string) resp {
			return w.do("POST", "/sso/settings", url.Values{"version": {"0"}, "sso_enabled": {"1"}, "sso_issuer": {issuer},
				"sso_client_id": {"tw-a"}, "sso_claim": {"sub"}}, it)
		}
		hits := 0
		const body = "INTERNAL-BODY-c41e"
		internal := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			hits++
			http.Error(rw, body, http.StatusNotFound)
		}))
		defer internal.Close()
		internalTLS := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { hits++ }))
		defer internalTLS.Close()

		rebuild(t, w, web.DefaultConfig(), rp.Egress{})
		for _, issuer := range []string{e.idp.URL, internal.URL, "http://localhost:1"} {
			if res := save(issuer); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "https://") {
				t.Errorf("http issuer %s: %d", issuer, res.code)
			}
		}
		viaName := strings.Replace(internalTLS.URL, "127.0.0.1", "localhost", 1)
		if res := save(viaName); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "公開されていないアドレス") {
			t.Errorf("https issuer resolving to loopback: %d", res.code)
		}
		rebuild(t, w, web.DefaultConfig(), rp.Egress{Hosts: []string{"login.example.jp"}})
		if res := save("https://idp.evil.example"); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "許可した IdP") {
			t.Errorf("issuer off the allow-list: %d", res.code)
		}
		if hits != 0 {
			t.Errorf("refused issuers were requested %d times", hits)
		}
		// With --sso-allow-http, loopback is reached, but its answer stays
		// out of the page and the log.
		rebuild(t, w, web.DefaultConfig(), loopbackIdP)
		res := save(internal.URL)
		if res.code != http.StatusUnprocessableEntity || hits != 1 || strings.Contains(res.body, body) {
			t.Errorf("provider answering 404: %d, %d requests", res.code, hits)
		}
		if logs := w.logs.String(); strings.Contains(logs, body) || !strings.Contains(logs, "404") {
			t.Errorf("the provider's answer is in the log (or its status is not):\n%s", logs)
		}
	})
}

// TestQueryRefusesControlAndBadUTF8: a query string with NUL or bytes that
// are not UTF-8 is refused before any handler: PostgreSQL answered such a
// search with a 500 (SQLite searched for it).
func TestQueryRefusesControlAndBadUTF8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		for _, q := range []string{"q=a%00b", "q=%FF", "status=%C0%80"} {
			if res := w.callCookie("GET", "/api/v1/staff?"+q, "", hr); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "problem") {
				t.Errorf("API ?%s: %d %.200s", q, res.code, res.body)
			}
			if res := w.do("GET", "/staff?"+q, nil, hr); res.code != http.StatusBadRequest {
				t.Errorf("page ?%s: %d", q, res.code)
			}
		}
		if res := w.callCookie("GET", "/api/v1/staff?q=%E5%B1%B1%E7%94%B0", "", hr); res.code != http.StatusOK {
			t.Errorf("a plain search: %d", res.code)
		}
	})
}
