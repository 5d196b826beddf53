package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"telework/internal/notify"
	"telework/internal/telemetry"

	dto "github.com/prometheus/client_model/go"
)

// TestDeliveryOutcomes: each delivery's outcome is counted by channel, and
// a failure is said in the log without the address or the server's answer.
func TestDeliveryOutcomes(t *testing.T) {
	m := telemetry.NewMetrics(nil)
	var buf bytes.Buffer
	tell := deliveryOutcomes(m, slog.New(slog.NewJSONHandler(&buf, nil)))
	mail := notify.Delivery{ID: 7, Channel: notify.Email, Target: "taro.yamada@city.example.lg.jp", Attempts: 1}
	tell(1, mail, notify.Outcome{Sent: true, At: time.Now()})
	tell(1, mail, notify.Outcome{Error: "550 5.1.1 <taro.yamada@city.example.lg.jp>: Recipient address rejected", NextAt: time.Now()})
	mail.Attempts = notify.MaxAttempts
	tell(1, mail, notify.Outcome{Dead: true, Error: "550 5.1.1 <taro.yamada@city.example.lg.jp>"})
	tell(2, notify.Delivery{ID: 8, Channel: notify.Chat, Target: "12"}, notify.Outcome{Sent: true})
	for _, c := range []struct {
		channel, outcome string
		want             float64
	}{{"email", "sent", 1}, {"email", "retry", 1}, {"email", "dead", 1}, {"chat", "sent", 1}, {"chat", "dead", 0}} {
		var got dto.Metric
		if err := m.Deliveries.WithLabelValues(c.channel, c.outcome).Write(&got); err != nil || got.GetCounter().GetValue() != c.want {
			t.Errorf("%s %s: %v, want %v (%v)", c.channel, c.outcome, got.GetCounter().GetValue(), c.want, err)
		}
	}
	log := buf.String()
	if !strings.Contains(log, "undelivered for good") || !strings.Contains(log, `"delivery":7`) || strings.Contains(log, "taro") {
		t.Errorf("log:\n%s", log)
	}
}
