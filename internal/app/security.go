package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"telework/internal/web"
)

// configureSecurity applies the serve command's security settings to the
// services and says at start-up what is weaker than it could be: client
// secrets without a key, http identity providers, a redirect_uri taken
// from the Host header. It seals stored client secrets and SMTP passwords
// with the current key (sso.Service.ReSealSecrets,
// notify.DeliveryService.ReSealSMTPPasswords) and says at ERROR level when
// some do not open with the configured keys. No secret value reaches the
// log.
func configureSecurity(ctx context.Context, cfg *ServeConfig, svc web.Services, log *slog.Logger) error {
	svc.SSO.SetEgress(cfg.SSOEgress)
	svc.SSO.SetSecretKeys(cfg.SecretKeys)
	if cfg.SecretKeys != nil {
		// The SMTP password is sealed like the SSO client secret.
		svc.Delivery.SetSecretKeys(cfg.SecretKeys)
	}
	rep, err := svc.SSO.ReSealSecrets(ctx)
	if err != nil {
		return fmt.Errorf("sealing SSO client secrets: %w", err)
	}
	mrep, err := svc.Delivery.ReSealSMTPPasswords(ctx)
	if err != nil {
		return fmt.Errorf("sealing SMTP passwords: %w", err)
	}
	if cfg.SecretKeys == nil {
		log.Warn("SSO client secrets are stored unencrypted: give the server a key (TELEWORK_SECRET_KEY or --secret-key-file)",
			"unencrypted_secrets", rep.Plain)
		if mrep.Plain > 0 {
			log.Warn("SMTP passwords are stored unencrypted: give the server a key (TELEWORK_SECRET_KEY or --secret-key-file)",
				"unencrypted_passwords", mrep.Plain)
		}
	} else {
		log.Info("SSO client secrets are encrypted at rest", "key_id", cfg.SecretKeys.ID(), "sealed_now", rep.Sealed)
		log.Info("SMTP passwords are encrypted at rest", "key_id", cfg.SecretKeys.ID(), "sealed_now", mrep.Sealed)
	}
	// 1on1 logs are sealed with a key derived from the same secret key;
	// without one the server refuses to store them (docs/survey.md).
	svc.OneOnOne.SetKeys(cfg.OneOnOneKeys)
	if cfg.OneOnOneKeys == nil {
		log.Warn("1on1 meeting logs cannot be saved: give the server a key (TELEWORK_SECRET_KEY or --secret-key-file)")
	}
	orep, err := svc.OneOnOne.ReSealLogs(ctx)
	if err != nil {
		return fmt.Errorf("sealing 1on1 meeting logs: %w", err)
	}
	if cfg.OneOnOneKeys != nil {
		log.Info("1on1 meeting logs are encrypted at rest", "sealed_now", orep.Sealed)
	}
	if orep.Unopened > 0 {
		log.Error("1on1 meeting logs encrypted with a key this server does not have: they cannot be read until the key is configured",
			"logs", orep.Unopened)
	}
	// Survey pseudonym keys likewise: without a key they are stored as
	// made, and a copy of the database or of a backup links the answers of
	// open surveys to people.
	svc.Survey.SetKeys(cfg.SurveyKeys)
	srep, err := svc.Survey.ReSealKeys(ctx)
	if err != nil {
		return fmt.Errorf("sealing survey pseudonym keys: %w", err)
	}
	if cfg.SurveyKeys == nil {
		log.Warn("survey pseudonym keys are stored unencrypted: give the server a key (TELEWORK_SECRET_KEY or --secret-key-file)",
			"unencrypted_keys", srep.Plain)
	} else {
		log.Info("survey pseudonym keys are encrypted at rest", "sealed_now", srep.Sealed)
	}
	if srep.Unopened > 0 {
		log.Error("survey pseudonym keys encrypted with a key this server does not have: those surveys cannot be answered, and a pre-trial survey cannot be linked, until the key is configured",
			"surveys", srep.Unopened)
	}
	if rep.Unopened > 0 {
		log.Error("SSO client secrets encrypted with a key this server does not have: single sign-on fails for these tenants until the key is configured",
			"tenants", rep.Unopened)
	}
	if mrep.Unopened > 0 {
		log.Error("SMTP passwords encrypted with a key this server does not have: e-mail delivery fails for these tenants until the key is configured or the password is entered again",
			"tenants", mrep.Unopened)
	}
	svc.Delivery.SetWebhookLoopback(cfg.WebhookAllowLoopback)
	if cfg.WebhookAllowLoopback {
		log.Warn("--webhook-allow-loopback: chat webhooks may post to this machine (127.0.0.1, localhost); for tests and a local chat bridge only")
	}
	if cfg.SSOEgress.AllowHTTP {
		log.Warn("--sso-allow-http: identity providers over plain http on this machine (loopback) are accepted; for tests only")
	}
	if len(cfg.SSOEgress.Hosts) > 0 {
		log.Info("SSO issuers limited to the allow-list", "hosts", cfg.SSOEgress.Hosts)
	}
	if cfg.Web.PublicURL == "" {
		log.Warn("no public URL (--public-url): the SSO redirect_uri follows each request's Host header")
	}
	if cfg.MetricsAddr != "" {
		cfg.Web.MetricsElsewhere = true
	}
	return nil
}

// serveMetrics starts the metrics listener when cfg.MetricsAddr is set;
// the returned function stops it.
func serveMetrics(cfg ServeConfig, srv *web.Server, log *slog.Logger) (func(), error) {
	if cfg.MetricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s (metrics): %w", cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", "err", err)
		}
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	if cfg.MetricsReady != nil {
		cfg.MetricsReady <- ln.Addr().String()
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}, nil
}
