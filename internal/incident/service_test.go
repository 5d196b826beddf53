package incident_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/incident"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestIncidentsOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b, userA, _ := storetest.TrialTenants(t, db)
		svc := incident.NewService(db, db.Now)
		me := audit.Actor{ID: userA, Label: "hr-matsumoto"}
		it := audit.Actor{ID: 99, Label: "it-admin"}

		// An anonymous report keeps no trace of who made it.
		anon, err := svc.Report(ctx, a.ID, me, userA, incident.Report{Kind: incident.KindIncident, Category: "misdelivery",
			Summary: "メールを誤って外部に送信した", Anonymous: true})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := svc.Get(ctx, a.ID, anon.ID)
		if err != nil || stored.ReporterID != 0 || !stored.Anonymous || stored.UpdatedAt != calendar.DateOf(db.Now()).Time().UTC() {
			t.Fatalf("anonymous report stored as %+v, %v", stored, err)
		}
		if mine, _ := svc.Mine(ctx, a.ID, userA); len(mine) != 0 {
			t.Fatal("an anonymous report is listed as the reporter's own")
		}
		if _, err := svc.GetOwn(ctx, a.ID, userA, anon.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("the reporter could find the anonymous report: %v", err)
		}
		entries, _ := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: "incident.report", Limit: 10})
		if len(entries) != 1 || entries[0].ActorID != 0 || entries[0].ActorLabel != "system:anonymous" ||
			strings.Contains(string(entries[0].After), "メール") || strings.Contains(string(entries[0].After), strconv.FormatInt(userA, 10)+",") {
			t.Fatalf("audit of an anonymous report: %+v %s", entries, entries[0].After)
		}

		// A named report: listed as the reporter's own.
		named, err := svc.Report(ctx, a.ID, me, userA, incident.Report{Kind: incident.KindWorry, Category: "end_of_work",
			Summary: "終業のタイミングがつかめない"})
		if err != nil || named.ReporterID != userA {
			t.Fatalf("named = %+v, %v", named, err)
		}
		if mine, _ := svc.Mine(ctx, a.ID, userA); len(mine) != 1 || mine[0].ID != named.ID {
			t.Fatalf("mine = %+v", mine)
		}
		// A category of the other kind is refused.
		if _, err := svc.Report(ctx, a.ID, me, userA, incident.Report{Kind: incident.KindWorry, Category: "malware", Summary: "x"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("worry with an incident category: %v", err)
		}

		// Review: new → in progress → resolved; resolved → new refused.
		got, err := svc.Review(ctx, a.ID, it, anon.ID, 1, incident.StatusInProgress, "送信先に削除を依頼")
		if err != nil || got.Status != incident.StatusInProgress || got.Version != 2 || len(got.Actions) != 1 {
			t.Fatalf("review = %+v, %v", got, err)
		}
		if _, err := svc.Review(ctx, a.ID, it, anon.ID, 1, incident.StatusResolved, ""); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale review: %v", err)
		}
		if _, err := svc.Review(ctx, a.ID, it, anon.ID, 2, incident.StatusInProgress, ""); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a review that changes nothing: %v", err)
		}
		got, err = svc.Review(ctx, a.ID, it, anon.ID, 2, incident.StatusResolved, "削除を確認")
		if err != nil || got.Status != incident.StatusResolved {
			t.Fatal(err)
		}
		if _, err := svc.Review(ctx, a.ID, it, anon.ID, 3, incident.StatusNew, ""); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("resolved → new: %v", err)
		}
		// Tenants are apart.
		if _, err := svc.Get(ctx, b.ID, anon.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant read a report: %v", err)
		}
		if _, err := svc.Review(ctx, b.ID, it, anon.ID, 3, incident.StatusInProgress, "x"); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant reviewed a report: %v", err)
		}
		if list, total, _ := svc.List(ctx, b.ID, incident.Filter{}); len(list) != 0 || total != 0 {
			t.Fatal("another tenant lists the reports")
		}
		sum, _ := svc.Summary(ctx, a.ID)
		if sum.Total != 2 || sum.ByCategory["misdelivery"] != 1 || sum.ByStatus[incident.StatusResolved] != 1 {
			t.Fatalf("summary = %+v", sum)
		}
	})
}

// failingAudit makes every audit write fail, so that the action's own
// write must be rolled back with it.
type failingAudit struct{ *store.DB }

func (f failingAudit) InIncidentTx(ctx context.Context, fn func(incident.Tx) error) error {
	return f.DB.InIncidentTx(ctx, func(tx incident.Tx) error { return fn(failTx{tx}) })
}

type failTx struct{ incident.Tx }

func (failTx) Audit(context.Context, int64, audit.Actor, audit.Change) error {
	return errors.New("audit down")
}

func TestReportRollsBackWithoutItsAuditEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, userA, _ := storetest.TrialTenants(t, db)
		svc := incident.NewService(failingAudit{db}, db.Now)
		if _, err := svc.Report(ctx, a.ID, audit.Actor{ID: userA, Label: "x"}, userA, incident.Report{Kind: incident.KindIncident,
			Category: "malware", Summary: "不審なメール"}); err == nil {
			t.Fatal("the report succeeded without its audit entry")
		}
		if _, total, _ := db.FindIncidents(ctx, a.ID, incident.Filter{Limit: 10}); total != 0 {
			t.Fatal("the report was kept without its audit entry")
		}
	})
}

func TestCanMove(t *testing.T) {
	tests := []struct {
		from, to incident.Status
		ok       bool
	}{
		{incident.StatusNew, incident.StatusInProgress, true}, {incident.StatusNew, incident.StatusNoAction, true},
		{incident.StatusInProgress, incident.StatusNew, false}, {incident.StatusResolved, incident.StatusInProgress, true},
		{incident.StatusResolved, incident.StatusNoAction, false}, {incident.StatusNoAction, incident.StatusNoAction, true},
	}
	for _, tt := range tests {
		if got := incident.CanMove(tt.from, tt.to); got != tt.ok {
			t.Errorf("CanMove(%s, %s) = %v", tt.from, tt.to, got)
		}
	}
}

// TestConcurrentReviews: two reviewers act on the same version at once;
// one wins, the other is told the report changed, and the history has
// exactly one step.
func TestConcurrentReviews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, userA, _ := storetest.TrialTenants(t, db)
		svc := incident.NewService(db, db.Now)
		in, err := svc.Report(ctx, a.ID, audit.Actor{ID: userA, Label: "x"}, userA, incident.Report{Kind: incident.KindIncident,
			Category: "device_loss", Summary: "端末を紛失"})
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		for _, to := range []incident.Status{incident.StatusInProgress, incident.StatusNoAction} {
			go func() {
				_, err := svc.Review(ctx, a.ID, audit.Actor{ID: 9, Label: "it"}, in.ID, 1, to, "対応")
				errs <- err
			}()
		}
		var ok, stale int
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case apperr.CodeOf(err) == apperr.Conflict:
				stale++
			default:
				// SQLite may report the writer lock as busy; that too must
				// leave one consistent result.
				t.Logf("second reviewer: %v", err)
			}
		}
		got, _ := svc.Get(ctx, a.ID, in.ID)
		if ok != 1 || len(got.Actions) != 1 || got.Version != 2 {
			t.Fatalf("ok=%d stale=%d, report %+v", ok, stale, got)
		}
	})
}
