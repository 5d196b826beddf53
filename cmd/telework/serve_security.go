package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"telework/internal/app"
	"telework/internal/oneonone"
	"telework/internal/sso"
	"telework/internal/survey"
	"telework/internal/web"
)

// securityFlags are the serve command's security settings (issue 10):
// HSTS, the public URL, where /metrics is served, the rules for connecting
// to identity providers and the key for client secrets at rest.
type securityFlags struct {
	hsts                                                       *string
	publicURL, metricsAddr, metricsToken, ssoHosts, secretFile *string
	ssoHTTP, webhookLoopback                                   *bool
}

func addSecurityFlags(fs *flag.FlagSet) *securityFlags {
	return &securityFlags{
		hsts: fs.String("hsts-max-age", envOr("TELEWORK_HSTS_MAX_AGE", strconv.Itoa(int(web.DefaultHSTSMaxAge/time.Second))),
			"Strict-Transport-Security max-age in seconds, sent on answers over HTTPS (TLS, or X-Forwarded-Proto: https with --trust-proxy); 0 = none (env TELEWORK_HSTS_MAX_AGE)"),
		publicURL: fs.String("public-url", envOr("TELEWORK_PUBLIC_URL", ""),
			"the server's address as browsers reach it, e.g. https://telework.city.example.lg.jp; the SSO redirect_uri is built from it (env TELEWORK_PUBLIC_URL)"),
		metricsAddr: fs.String("metrics-addr", envOr("TELEWORK_METRICS_ADDR", ""),
			"serve /metrics on this address only, e.g. 127.0.0.1:9090 (env TELEWORK_METRICS_ADDR)"),
		metricsToken: fs.String("metrics-token", envOr("TELEWORK_METRICS_TOKEN", ""),
			"bearer token /metrics requires (prefer env TELEWORK_METRICS_TOKEN: flags show in the process list)"),
		ssoHosts: fs.String("sso-issuer-hosts", envOr("TELEWORK_SSO_ISSUER_HOSTS", ""),
			"comma-separated identity provider hosts tenants may use (*.example.jp for subdomains); these may be on private addresses. Without it: any host at a public address (env TELEWORK_SSO_ISSUER_HOSTS)"),
		ssoHTTP: fs.Bool("sso-allow-http", false,
			"accept http:// identity providers on this machine (loopback) and connect to loopback: for tests only"),
		webhookLoopback: fs.Bool("webhook-allow-loopback", os.Getenv("TELEWORK_WEBHOOK_ALLOW_LOOPBACK") == "1",
			"let chat webhooks post to this machine (127.0.0.1, localhost): for tests and a chat bridge on the same server (env TELEWORK_WEBHOOK_ALLOW_LOOPBACK=1)"),
		secretFile: fs.String("secret-key-file", envOr("TELEWORK_SECRET_KEY_FILE", ""),
			"file with the key that encrypts SSO client secrets (base64 of 32 bytes; older keys on the following lines). Or env TELEWORK_SECRET_KEY"),
	}
}

// apply checks the settings and puts them into cfg.
func (f *securityFlags) apply(cfg *app.ServeConfig) error {
	secs, err := strconv.Atoi(strings.TrimSpace(*f.hsts))
	if err != nil || secs < 0 || secs > 2*365*24*3600 {
		return usageError{"--hsts-max-age は 0 から 63072000 (2年) までの秒数です / seconds from 0 to 63072000"}
	}
	cfg.Web.HSTSMaxAge = time.Duration(secs) * time.Second
	if *f.publicURL != "" {
		u, err := url.Parse(*f.publicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
			return usageError{"--public-url は https://ホスト名[:ポート] の形です(パスなし) / scheme and host only, e.g. https://telework.city.example.lg.jp"}
		}
		cfg.Web.PublicURL = u.Scheme + "://" + u.Host
	}
	cfg.MetricsAddr, cfg.Web.MetricsToken = *f.metricsAddr, *f.metricsToken
	for h := range strings.SplitSeq(*f.ssoHosts, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			if strings.ContainsAny(h, "/:@ ") {
				return usageError{"--sso-issuer-hosts はホスト名をコンマで区切って指定します(URL やポートは不要) / host names only: " + h}
			}
			cfg.SSOEgress.Hosts = append(cfg.SSOEgress.Hosts, h)
		}
	}
	cfg.SSOEgress.AllowHTTP = *f.ssoHTTP
	cfg.WebhookAllowLoopback = *f.webhookLoopback
	text, from := os.Getenv("TELEWORK_SECRET_KEY"), "TELEWORK_SECRET_KEY"
	if *f.secretFile != "" {
		b, err := os.ReadFile(*f.secretFile)
		if err != nil {
			return fmt.Errorf("--secret-key-file: %w", err)
		}
		text, from = string(b), *f.secretFile
	}
	if cfg.SecretKeys, err = sso.ParseSecretKeys(text); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	// The same key, turned into a key of its own, seals 1on1 logs.
	if cfg.OneOnOneKeys, err = oneonone.ParseKeys(text); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	// And the surveys' pseudonym keys.
	if cfg.SurveyKeys, err = survey.ParseKeys(text); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	return nil
}
