package web

import (
	"context"
	"encoding/json"
	"net/http"
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

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) {
	promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}
