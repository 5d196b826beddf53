package app

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/survey"

	"telework/internal/web"
)

// surveyReminderLoop is the hook of the survey reminders (issue 16): every
// hour it asks each tenant's survey service who is due on its open
// surveys and logs the counts only (never who). The first run each Tokyo
// day per tenant, on any node (job_runs), writes one notification per
// person due into the outbox (issue 12 delivers it by e-mail and chat).
func surveyReminderLoop(ctx context.Context, db *store.DB, svc web.Services, log *slog.Logger) {
	node := nodeName()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		tenants, err := svc.Org.Tenants(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("survey reminders", "err", err)
		}
		for _, tn := range tenants {
			if n, err := svc.Survey.ExpireKeys(ctx, tn.ID); err != nil && ctx.Err() == nil {
				log.Error("survey keys", "tenant", tn.ID, "err", err)
			} else if n > 0 {
				log.Info("survey keys erased", "tenant", tn.ID, "surveys", n)
			}
			rem, err := svc.Survey.Reminders(ctx, tn.ID)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("survey reminders", "tenant", tn.ID, "err", err)
				}
				continue
			}
			for _, r := range rem {
				// Not the count of people due: with moves between two runs it
				// would tell more than the progress HR sees does.
				log.Info("survey reminders due", "tenant", tn.ID, "survey", r.SurveyID, "closes_on", r.ClosesOn)
			}
			if err := surveyRemindersToOutbox(ctx, db, node, tn.ID, rem); err != nil && ctx.Err() == nil {
				log.Error("survey reminders", "tenant", tn.ID, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// surveyRemindersToOutbox writes the day's survey reminders of a tenant
// into the notification outbox once per Tokyo day (whichever node claims
// the day's run).
func surveyRemindersToOutbox(ctx context.Context, db *store.DB, node string, tenantID int64, rem []survey.Reminder) (err error) {
	if len(rem) == 0 {
		return nil
	}
	day := calendar.DateOf(db.Now()).String()
	key := day + "/" + strconv.FormatInt(tenantID, 10)
	ok, err := db.ClaimJobRun(ctx, "survey.reminders", key, node)
	if err != nil || !ok {
		return err
	}
	// Finished (or failed) at once: a run left unfinished is taken over
	// after store.JobLease, and would remind everyone again.
	defer func() {
		if err == nil {
			err = db.FinishJobRun(ctx, "survey.reminders", key)
		} else {
			_ = db.FailJobRun(ctx, "survey.reminders", key)
		}
	}()
	var ns []notify.Notification
	for _, r := range rem {
		for _, id := range r.StaffIDs {
			ns = append(ns, notify.New(id, notify.SurveyReminder, 0, map[string]any{"Title": r.Title, "ClosesOn": r.ClosesOn}))
		}
	}
	err = db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, tenantID, ns) })
	return err
}
