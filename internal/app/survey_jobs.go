package app

import (
	"context"
	"log/slog"
	"time"

	"telework/internal/web"
)

// surveyReminderLoop is the hook of the survey reminders (issue 16): every
// hour it asks each tenant's survey service who is due on its open
// surveys and logs the counts only (never who). Delivery goes through the
// notification outbox (issue 11) once that is merged: the outbox job takes
// survey.Service.Reminders' staff ids at this point, in place of the log
// line. Reminders are idempotent to compute, so every node may run it.
func surveyReminderLoop(ctx context.Context, svc web.Services, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		tenants, err := svc.Org.Tenants(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("survey reminders", "err", err)
		}
		for _, tn := range tenants {
			rem, err := svc.Survey.Reminders(ctx, tn.ID)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("survey reminders", "tenant", tn.ID, "err", err)
				}
				continue
			}
			for _, r := range rem {
				log.Info("survey reminders due", "tenant", tn.ID, "survey", r.SurveyID, "due", r.Due, "closes_on", r.ClosesOn)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
