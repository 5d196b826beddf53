package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/web"
)

func TestServeSecurityFlags(t *testing.T) {
	t.Setenv("TELEWORK_SECRET_KEY", "")
	parse := func(args ...string) (app.ServeConfig, error) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		sec := addSecurityFlags(fs)
		if err := fs.Parse(args); err != nil {
			return app.ServeConfig{}, err
		}
		cfg := app.ServeConfig{Web: web.DefaultConfig()}
		return cfg, sec.apply(&cfg)
	}
	cfg, err := parse()
	if err != nil || cfg.Web.HSTSMaxAge != 365*24*time.Hour || cfg.Web.PublicURL != "" || cfg.SecretKeys != nil ||
		cfg.SSOEgress.AllowHTTP || len(cfg.SSOEgress.Hosts) != 0 {
		t.Errorf("defaults: %+v %v", cfg, err)
	}
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte("# current\nq2mLz3m0c6cJ0Qm6qGQ0yGmNfQx1d0q1b1m7vZ3x2Yk=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = parse("--hsts-max-age", "600", "--public-url", "https://telework.city.example.lg.jp/", "--metrics-addr", "127.0.0.1:9090",
		"--metrics-token", "t", "--sso-issuer-hosts", "login.example.jp, *.idp.example.lg.jp", "--sso-allow-http", "--secret-key-file", keyFile)
	if err != nil || cfg.Web.HSTSMaxAge != 600*time.Second || cfg.Web.PublicURL != "https://telework.city.example.lg.jp" ||
		cfg.MetricsAddr != "127.0.0.1:9090" || cfg.Web.MetricsToken != "t" || !cfg.SSOEgress.AllowHTTP ||
		strings.Join(cfg.SSOEgress.Hosts, ",") != "login.example.jp,*.idp.example.lg.jp" || cfg.SecretKeys == nil {
		t.Errorf("all set: %+v %v", cfg, err)
	}
	for _, bad := range [][]string{
		{"--hsts-max-age", "-1"}, {"--hsts-max-age", "1y"},
		{"--public-url", "telework.example.jp"}, {"--public-url", "https://x.example/app"}, {"--public-url", "ftp://x.example"},
		{"--sso-issuer-hosts", "https://login.example.jp"}, {"--secret-key-file", filepath.Join(t.TempDir(), "missing")},
	} {
		if _, err := parse(bad...); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	t.Setenv("TELEWORK_SECRET_KEY", "not-a-key")
	if _, err := parse(); err == nil || strings.Contains(err.Error(), "not-a-key") {
		t.Errorf("bad key in the environment: %v", err)
	}
}
