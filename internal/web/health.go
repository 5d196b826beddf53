package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthz says the process is alive; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

// readyz says whether this node can serve: database reachable and schema at
// this binary's newest migration. A load balancer takes a node out while
// it answers 503.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "migrations": "ok"}
	status := http.StatusOK
	if err := s.svc.Health.Ping(ctx); err != nil {
		checks["database"], status = "unreachable", http.StatusServiceUnavailable
		s.log.Warn("readyz: database unreachable", "request_id", requestID(r), "err", err)
	} else if ok, err := s.svc.Health.MigrationsCurrent(ctx); err != nil || !ok {
		checks["migrations"], status = "pending", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	state := "ready"
	if status != http.StatusOK {
		state = "not ready"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"status": state, "checks": checks})
}

// metricsHandler is GET /metrics on the main listener: 404 when the
// metrics have a listener of their own (--metrics-addr), else as
// MetricsHandler.
func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) {
	if s.cfg.MetricsElsewhere {
		s.notFound(w, r)
		return
	}
	s.MetricsHandler().ServeHTTP(w, r)
}

// MetricsHandler serves the Prometheus metrics, behind the bearer token
// when one is configured (--metrics-token): 401 with WWW-Authenticate
// otherwise. The comparison takes the same time whatever the guess.
func (s *Server) MetricsHandler() http.Handler {
	prom := promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{})
	want := sha256.Sum256([]byte("Bearer " + s.cfg.MetricsToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.MetricsToken != "" {
			scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			got := sha256.Sum256([]byte("Bearer " + strings.TrimSpace(tok)))
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				w.Header().Set("Cache-Control", "no-store")
				http.Error(w, "Unauthorized", http.StatusUnauthorized)
				return
			}
		}
		prom.ServeHTTP(w, r)
	})
}
