package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"telework/internal/calendar"
	"telework/internal/retention"
	"telework/internal/store"
)

// nodeName identifies this process in job_runs.
func nodeName() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}

// RetentionResult says what one day's retention run did.
type RetentionResult struct {
	Ran     bool             // false when another node had already claimed the day
	Removed map[string]int64 // "tenant-slug/kind" → records removed
}

// RunRetention applies every tenant's retention settings once for the
// Tokyo calendar day of now. Any number of nodes may call it at once: the
// day is claimed in job_runs and only the claimant works.
func RunRetention(ctx context.Context, db *store.DB, now time.Time, node string) (*RetentionResult, error) {
	day := calendar.DateOf(now).String()
	ok, err := db.ClaimJobRun(ctx, "retention", day, node)
	if err != nil || !ok {
		return &RetentionResult{}, err
	}
	res := &RetentionResult{Ran: true, Removed: map[string]int64{}}
	tenants, err := db.FindTenants(ctx)
	if err != nil {
		return res, err
	}
	for _, t := range tenants {
		set, err := db.FindRetention(ctx, t.ID)
		if err != nil {
			return res, err
		}
		for kind, days := range retention.Effective(set) {
			if days == 0 {
				continue
			}
			n, err := db.ApplyRetention(ctx, t.ID, kind, now.Add(-time.Duration(days)*24*time.Hour))
			if err != nil {
				return res, fmt.Errorf("retention %s/%s: %w", t.Slug, kind, err)
			}
			if n > 0 {
				res.Removed[t.Slug+"/"+kind] = n
			}
		}
	}
	return res, db.FinishJobRun(ctx, "retention", day)
}

// retentionLoop runs the retention job at start-up and then every hour;
// only the first attempt each day does any work.
func retentionLoop(ctx context.Context, db *store.DB, log *slog.Logger) {
	node := nodeName()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		res, err := RunRetention(ctx, db, time.Now(), node)
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
