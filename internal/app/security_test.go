package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/sso"
	"telework/internal/web"
)

// TestServeSecurityWiring runs the server as `telework serve` does: the
// metrics on their own listener behind a token (404 on the main one), and
// a client secret saved before the key was configured sealed at start-up.
func TestServeSecurityWiring(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := filepath.Join(t.TempDir(), "sec.db")
	db, err := OpenDB(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := NewServices(db)
	created, err := svc.Org.CreateTenant(ctx, audit.Actor{Label: "test"}, org.NewTenant{Tenant: org.Tenant{Slug: "matsumoto",
		Name: "松本市", Kind: org.Municipality, StaffSize: 10, GeneralAdminStaff: 5}})
	if err != nil {
		t.Fatal(err)
	}
	tn := created.Tenant
	secret := "plain-secret-before-the-key"
	st := &sso.Settings{Issuer: "https://login.example.jp", ClientID: "tw", Claim: sso.ClaimSub}
	if err := svc.SSO.SaveSettings(ctx, tn.ID, audit.Actor{Label: "test"}, st, &secret); err != nil {
		t.Fatal(err)
	}
	smtpPassword := "plain-smtp-password-before-the-key"
	it := &auth.Principal{TenantID: tn.ID, Roles: []auth.Role{auth.ITAdmin}}
	if _, err := svc.Delivery.SaveSettings(ctx, tn.ID, audit.Actor{Label: "test"}, it, notify.Settings{SMTPHost: "mail.example.lg.jp",
		SMTPPort: 587, SMTPTLS: "starttls", MailFrom: "telework@example.lg.jp", Charset: "utf-8"}, &smtpPassword); err != nil {
		t.Fatal(err)
	}
	db.Close()

	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	keys, err := sso.ParseSecretKeys(base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		t.Fatal(err)
	}
	wc := web.DefaultConfig()
	wc.MetricsToken = "tok"
	ready, metricsReady := make(chan string, 1), make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Web: wc, Ready: ready, Out: io.Discard,
			MetricsAddr: "127.0.0.1:0", MetricsReady: metricsReady, SecretKeys: keys})
	}()
	var addr, maddr string
	select {
	case maddr = <-metricsReady:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(20 * time.Second):
		t.Fatal("metrics listener did not come up")
	}
	addr = <-ready
	get := func(url, auth string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get("http://"+addr+"/metrics", "Bearer tok"); code != http.StatusNotFound {
		t.Errorf("/metrics on the main listener: %d", code)
	}
	if code, _ := get("http://"+maddr+"/metrics", ""); code != http.StatusUnauthorized {
		t.Errorf("metrics listener without the token: %d", code)
	}
	if code, body := get("http://"+maddr+"/metrics", "Bearer tok"); code != http.StatusOK || !strings.Contains(body, "telework_") {
		t.Errorf("metrics listener with the token: %d", code)
	}
	if code, _ := get("http://"+maddr+"/login", ""); code != http.StatusNotFound {
		t.Errorf("pages on the metrics listener: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	db, err = OpenDB(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored, err := db.SSOClientSecret(context.Background(), tn.ID)
	if err != nil || !strings.HasPrefix(stored, "enc:v1:"+keys.ID()+":") || strings.Contains(stored, secret) {
		t.Errorf("stored after start-up = %q, %v", stored, err)
	}
	// The SMTP password is sealed at start-up too.
	stored, err = db.NotifySMTPPassword(context.Background(), tn.ID)
	if err != nil || !strings.HasPrefix(stored, "enc:v1:"+keys.ID()+":") || strings.Contains(stored, smtpPassword) {
		t.Errorf("SMTP password stored after start-up = %q, %v", stored, err)
	}
}
