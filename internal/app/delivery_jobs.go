package app

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/notify/send"
	"telework/internal/roadmap"
	"telework/internal/sso"
	"telework/internal/store"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// deliveryLoop delivers the notification outbox by e-mail and chat (issue
// 12) every 10 seconds (TELEWORK_DELIVERY_INTERVAL); every node runs it, and each delivery is leased
// to one node at a time (internal/notify). The working window of each
// tenant's policy in force (when its quiet_hours is on) holds non-urgent
// messages until the next working morning.
func deliveryLoop(ctx context.Context, db *store.DB, svc web.Services, keys *sso.SecretKeys, webhookLoopback bool, log *slog.Logger,
	metrics *telemetry.Metrics) {
	// A message the tenant's ISO-2022-JP option cannot carry goes as UTF-8,
	// with a warning in this log.
	d := notify.NewDeliverer(db, db.Now, nodeName(), &send.SMTP{Log: log}, &send.Webhook{AllowLoopback: webhookLoopback})
	if keys != nil {
		d.OpenSecret = keys.Open
	}
	d.Finished = deliveryOutcomes(metrics, log)
	interval := 10 * time.Second
	if v, ok := deliveryDuration(log, "TELEWORK_DELIVERY_LEASE"); ok {
		d.Lease = v
	}
	if v, ok := deliveryDuration(log, "TELEWORK_DELIVERY_INTERVAL"); ok {
		interval = v
	}
	cals := businessCalendars{svc: svc.Calendar, now: db.Now}
	d.Window = func(ctx context.Context, tenantID int64) (notify.Window, error) {
		v, err := svc.Policy.InForce(ctx, tenantID, calendar.DateOf(db.Now()))
		if err != nil || !v.Policy.QuietHours {
			return notify.Window{}, nil // no policy yet: no quiet hours
		}
		w := notify.Window{Start: v.Policy.Hours.Start, End: v.Policy.Hours.End}
		// Holidays and closure days (年末年始) are outside working time too;
		// without the calendar, weekends still are.
		if cal, err := cals.get(ctx, tenantID); err == nil {
			w.BusinessDay = func(day time.Time) bool { return cal.IsBusinessDay(calendar.DateOf(day)) }
		} else if ctx.Err() == nil {
			log.Error("notification delivery: business calendar", "tenant", tenantID, "err", err)
		}
		return w, nil
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		tenants, err := svc.Org.Tenants(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("notification delivery", "err", err)
		}
		for _, tn := range tenants {
			n, err := d.RunOnce(ctx, tn.ID)
			switch {
			case errors.Is(err, notify.ErrLeaseLost):
				log.Info("notification delivery handed over", "tenant", tn.ID, "err", err)
			case err != nil && ctx.Err() == nil:
				log.Error("notification delivery", "tenant", tn.ID, "err", err)
			}
			if n > 0 {
				log.Info("notifications delivered", "tenant", tn.ID, "sent", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// deliveryDuration reads a duration of at least one second from the
// environment (docs/notifications.md: TELEWORK_DELIVERY_LEASE, the lease
// on a claimed batch, default 1m; TELEWORK_DELIVERY_INTERVAL, how often a
// node looks for due deliveries, default 10s).
func deliveryDuration(log *slog.Logger, key string) (time.Duration, bool) {
	v := os.Getenv(key)
	if v == "" {
		return 0, false
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second {
		log.Warn("ignored: not a duration of at least 1s", "env", key, "value", v)
		return 0, false
	}
	return d, true
}

// reviewReminderHook writes the roadmap's PDCA review reminder (Step 10)
// into the notification outbox, in the reminder's own transaction, for
// every HR administrator with a staff record (the roadmap is theirs).
func reviewReminderHook(db *store.DB) roadmap.ReviewNotifier {
	return func(ctx context.Context, tx roadmap.Tx, tenantID int64, due calendar.Date, overdue bool) error {
		ntx, ok := tx.(notify.Tx)
		if !ok {
			return nil
		}
		users, err := db.FindUsersWithRole(ctx, tenantID, auth.HRAdmin)
		if err != nil {
			return err
		}
		var ns []notify.Notification
		seen := map[int64]bool{}
		for _, u := range users {
			if u.StaffID != 0 && !seen[u.StaffID] {
				seen[u.StaffID] = true
				ns = append(ns, notify.New(u.StaffID, notify.ReviewReminder, 0, map[string]any{"Due": due.String(), "Overdue": overdue}))
			}
		}
		if len(ns) == 0 {
			return nil
		}
		return ntx.InsertNotifications(ctx, tenantID, ns)
	}
}

// businessCalendars keeps each tenant's business calendar (this year and
// the next) for a minute: the delivery loop asks for it on every round,
// and closure days change seldom.
type businessCalendars struct {
	svc *calendar.Service
	now func() time.Time
	mu  sync.Mutex
	m   map[int64]cachedCalendar
}

type cachedCalendar struct {
	cal    *calendar.Calendar
	loaded time.Time
}

func (b *businessCalendars) get(ctx context.Context, tenantID int64) (*calendar.Calendar, error) {
	now := b.now()
	b.mu.Lock()
	c, ok := b.m[tenantID]
	b.mu.Unlock()
	if ok && now.Sub(c.loaded) < time.Minute && now.Sub(c.loaded) >= 0 {
		return c.cal, nil
	}
	y := calendar.DateOf(now).Year
	cal, err := b.svc.Load(ctx, tenantID, y, y+1)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	if b.m == nil {
		b.m = map[int64]cachedCalendar{}
	}
	b.m[tenantID] = cachedCalendar{cal, now}
	b.mu.Unlock()
	return cal, nil
}

// deliveryOutcomes counts each delivery's outcome and says a failure in the
// log. The log line has the delivery's id, channel and attempts, never the
// address, the text or the server's answer (which often quotes the
// address): IT reads those on the list of undelivered messages.
func deliveryOutcomes(metrics *telemetry.Metrics, log *slog.Logger) func(int64, notify.Delivery, notify.Outcome) {
	return func(tenantID int64, d notify.Delivery, o notify.Outcome) {
		outcome := "sent"
		switch {
		case o.Dead:
			outcome = "dead"
			log.Warn("notification undelivered for good", "tenant", tenantID, "delivery", d.ID, "channel", string(d.Channel), "attempts", d.Attempts)
		case !o.Sent:
			outcome = "retry"
			log.Info("notification delivery failed, will retry", "tenant", tenantID, "delivery", d.ID, "channel", string(d.Channel),
				"attempts", d.Attempts, "next", o.NextAt)
		}
		if metrics != nil {
			metrics.Deliveries.WithLabelValues(string(d.Channel), outcome).Inc()
		}
	}
}
