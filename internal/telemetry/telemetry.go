// Package telemetry owns structured logs and Prometheus metrics. Logs carry
// a request id, the route pattern (never the raw URL, whose query may hold
// a searched name), the status and numeric ids; never names, e-mail
// addresses, login ids or form values.
package telemetry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Version is set at build time with -ldflags "-X telework/internal/telemetry.Version=…".
var Version = "dev"

// NewLogger returns a JSON logger writing to w.
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

type ctxKey struct{}

// NewRequestID returns a random id for one request.
func NewRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// WithRequestID stores the id in ctx.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// RequestID returns the id stored in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// Metrics holds the product's collectors in their own registry.
type Metrics struct {
	Registry *prometheus.Registry
	Requests *prometheus.CounterVec
	Duration *prometheus.HistogramVec
	InFlight prometheus.Gauge
	// Deliveries counts notification deliveries by channel (email, chat)
	// and outcome: sent, retry (failed, tried again later) or dead
	// (failed for good: on the IT page's list of undelivered messages).
	Deliveries *prometheus.CounterVec
}

// NewMetrics registers the HTTP, Go runtime, process and build-info
// collectors. dbStats, when given, adds the database pool gauges.
func NewMetrics(dbStats prometheus.Collector) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "telework_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "telework_http_request_duration_seconds", Help: "HTTP request duration by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		InFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "telework_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "telework_notification_deliveries_total",
			Help: "Notification deliveries by channel (email, chat) and outcome (sent, retry, dead).",
		}, []string{"channel", "outcome"}),
	}
	goVersion, rev := "", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "telework_build_info", Help: "Build information; the value is always 1.",
		ConstLabels: prometheus.Labels{"version": Version, "goversion": goVersion, "revision": rev},
	})
	build.Set(1)
	reg.MustRegister(m.Requests, m.Duration, m.InFlight, m.Deliveries, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if dbStats != nil {
		reg.MustRegister(dbStats)
	}
	return m
}
