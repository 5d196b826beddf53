package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"telework/internal/retention"
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
