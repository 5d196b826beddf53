package app

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
)

// The daily head job writes each chain's head into the log once per Tokyo
// day whichever node gets there first, and the log itself serves as the
// head file of audit verify --head.
func TestDailyAuditHeadsInTheLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 6, 1, 14, 59, 0, 0, time.UTC) // 23:59 in Tokyo
		db.Now = func() time.Time { return now }
		tn := &org.Tenant{Slug: "matsumoto", Name: "松本市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		if err := storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "test"}, tn, nil); err != nil {
			t.Fatal(err)
		}
		svc := NewServices(db).Audit
		var logs strings.Builder
		log := telemetry.NewLogger(&logs, slog.LevelInfo)

		// Two nodes at once: one line per chain, once.
		var wg sync.WaitGroup
		for _, node := range []string{"ap1:1", "ap2:1"} {
			wg.Add(1)
			go func() { defer wg.Done(); logAuditHeads(ctx, svc, node, log) }()
		}
		wg.Wait()
		logAuditHeads(ctx, svc, "ap1:1", log) // the next hour, same day
		heads, err := db.FindAuditHeads(ctx)
		if err != nil || len(heads) != 2 || heads[1].Slug != "matsumoto" || heads[1].Seq == 0 {
			t.Fatalf("heads: %+v %v", heads, err)
		}
		for _, h := range heads {
			if n := strings.Count(logs.String(), h.Line()); n != 1 {
				t.Errorf("%s logged %d times, want once:\n%s", h.Line(), n, logs.String())
			}
		}
		if !strings.Contains(logs.String(), `"day":"2025-06-01"`) {
			t.Errorf("day not in Tokyo time:\n%s", logs.String())
		}

		// The next day it runs again, and the log reads as a head file.
		now = now.Add(time.Minute)
		logAuditHeads(ctx, svc, "ap2:1", log)
		if n := strings.Count(logs.String(), heads[1].Line()); n != 2 {
			t.Errorf("next day: %d lines\n%s", n, logs.String())
		}
		saved, err := audit.ParseHeads(strings.NewReader(logs.String()))
		if err != nil || len(saved) != 4 {
			t.Fatalf("log as a head file: %+v %v", saved, err)
		}
		res, err := svc.VerifyChainsAgainst(ctx, nil, saved)
		if err != nil || len(res) != 2 || res[1].Break != nil || res[1].SavedSeq != heads[1].Seq {
			t.Fatalf("verify against the logged heads: %+v %v", res, err)
		}
	})
}
