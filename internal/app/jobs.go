package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/devices"
	"telework/internal/places"
	"telework/internal/retention"
	"telework/internal/roadmap"
	"telework/internal/staffio"
	"telework/internal/worktime"
)

// nodeName identifies this process in job_runs.
func nodeName() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}

// retentionLoop runs the retention job at start-up and then every hour;
// only the first attempt each day, on any node, does any work.
func retentionLoop(ctx context.Context, svc *retention.Service, log *slog.Logger) {
	node := nodeName()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		res, err := svc.RunDaily(ctx, node)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention job", "err", err)
		case res != nil && res.Ran:
			log.Info("retention job", "removed", fmt.Sprint(res.Removed))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// auditHeadLoop writes every audit chain's head into the log once a day
// (at start-up and then every hour; only the first attempt each Tokyo day,
// on any node, does it), so that heads exist outside the database even
// where no operator saves them by hand: a cut, wiped or recomputed chain
// no longer reaches them (telework audit verify --head).
func auditHeadLoop(ctx context.Context, svc *audit.Service, log *slog.Logger) {
	node := nodeName()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		logAuditHeads(ctx, svc, node, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// logAuditHeads runs the day's head job once and logs one line per chain;
// each carries the head in its audit-head line form, which audit verify
// --head reads straight from the log.
func logAuditHeads(ctx context.Context, svc *audit.Service, node string, log *slog.Logger) {
	res, err := svc.RunDailyHeads(ctx, node)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error("audit head job", "err", err)
	case err == nil && res.Ran:
		for _, h := range res.Heads {
			log.Info("audit head", "day", res.Day, "tenant", h.TenantID, "slug", h.Slug, "seq", h.Seq, "hash", h.Hash, "line", h.Line())
		}
		log.Info("audit head job", "day", res.Day, "chains", len(res.Heads))
	}
}

// datedLoop applies the changes whose date has come (予定されている異動) at
// start-up and then every hour; only the first attempt each Tokyo day, on
// any node, does any work, and each change is applied once even if two
// runs met (its row is claimed in the change's own transaction).
func datedLoop(ctx context.Context, svc *staffio.Service, log *slog.Logger) {
	node := nodeName()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		runDated(ctx, svc, node, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func runDated(ctx context.Context, svc *staffio.Service, node string, log *slog.Logger) {
	res, err := svc.RunDaily(ctx, node)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error("scheduled changes job", "err", err)
	case res != nil && res.Ran:
		log.Info("scheduled changes job", "day", res.Day, "applied", res.Applied, "failed", res.Failed)
	}
}

// reviewReminderLoop sends the PDCA review reminders of the roadmap (Step
// 10) at start-up and then every hour; only the first attempt each Tokyo
// day, on any node, does any work. Delivery goes through the hook
// roadmap.Service.SetReviewNotifier (wired to the notification outbox).
func reviewReminderLoop(ctx context.Context, svc *roadmap.Service, log *slog.Logger) {
	node := nodeName()
	hourly(ctx, func() {
		res, err := svc.RunReviewReminders(ctx, node)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("roadmap review reminder job", "err", err)
		case res.Ran:
			log.Info("roadmap review reminder job", "day", res.Day.String(), "tenants", len(res.Reminded))
		}
	})
}

// applyLoop writes the day's notifications of the application lifecycle
// (reminders to approvers, reports due and overdue, absences starting) at
// start-up and then every hour; only the first attempt each Tokyo day, on
// any node, does any work.
func applyLoop(ctx context.Context, svc *apply.Service, overtime *worktime.OvertimeService, log *slog.Logger) {
	node := nodeName()
	hourly(ctx, func() {
		// Applications whose approver may no longer decide them (changes
		// that took effect on their date) are handed on first, so that the
		// day's reminders go to who decides now; overtime requests too.
		if moved, err := svc.RerouteAll(ctx); err != nil && ctx.Err() == nil {
			log.Error("handing on applications", "err", err)
		} else if moved > 0 {
			log.Info("handing on applications", "moved", moved)
		}
		if moved, err := overtime.RerouteAll(ctx); err != nil && ctx.Err() == nil {
			log.Error("handing on overtime requests", "err", err)
		} else if moved > 0 {
			log.Info("handing on overtime requests", "moved", moved)
		}
		res, err := svc.RunDaily(ctx, node)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("application notifications job", "err", err)
		case res != nil && res.Ran:
			log.Info("application notifications job", "day", res.Day, "sent", res.Sent)
		}
	})
}

// hourly runs fn now and then every hour until ctx ends.
func hourly(ctx context.Context, fn func()) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// shortageLoop warns each tenant's IT admins of the shortages the forecast
// expects in the coming weeks (offices and device pools, issue 14) at
// start-up and then every hour; only the first attempt each Tokyo day, on
// any node, does any work, and each shortage (resource and week) is told
// once (places.WarnShortages).
func shortageLoop(ctx context.Context, svc *places.Service, log *slog.Logger) {
	node := nodeName()
	hourly(ctx, func() {
		res, err := svc.RunShortageWarnings(ctx, node)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("shortage forecast job", "err", err)
		case res != nil && res.Ran:
			log.Info("shortage forecast job", "day", res.Day, "warned", res.Warned)
		}
	})
}

// overdueLoop carries the loans not back by their due day on to today
// (they keep counting against their pool) and tells each person on the
// first day theirs is overdue (devices.SweepOverdue), at start-up and then
// every hour; only the first attempt each Tokyo day, on any node, works.
func overdueLoop(ctx context.Context, svc *devices.Service, log *slog.Logger) {
	node := nodeName()
	hourly(ctx, func() {
		res, err := svc.RunOverdueSweep(ctx, node)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("device overdue job", "err", err)
		case res != nil && res.Ran:
			log.Info("device overdue job", "day", res.Day, "overdue", res.Extended, "notified", res.Notified)
		}
	})
}

// clockOutLoop tells the person and the heads of their unit of a day still
// open past its cut-off (no_clock_out), and of an approved telework day of
// today without a start report (no_clock_in), at start-up and then every
// hour;
// one node runs each Tokyo hour, and each person's day is told once
// (worktime.SweepClockOut claims it with the notes).
func clockOutLoop(ctx context.Context, svc *worktime.Service, log *slog.Logger) {
	node := nodeName()
	hourly(ctx, func() {
		res, err := svc.RunClockOutSweep(ctx, node)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("missing end report job", "err", err)
		case res != nil && res.Ran && (res.Told > 0 || res.ToldStart > 0):
			log.Info("missing end report job", "hour", res.Hour, "told", res.Told, "told_start", res.ToldStart)
		}
	})
}
