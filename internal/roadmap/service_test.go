package roadmap_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/roadmap"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var hr = audit.Actor{ID: 1, Label: "hr-matsumoto"}

func TestRoadmapOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b, _, _ := storetest.TrialTenants(t, db)
		svc := roadmap.NewService(db, db.Now)
		today := svc.Today()

		// A step: owners deduplicated and kept in 図表3's order; done gets today.
		st, err := svc.SaveStep(ctx, a.ID, hr, roadmap.Step{N: 1, Status: roadmap.Done,
			Owners: []roadmap.Owner{roadmap.OwnerCIO, roadmap.OwnerHead, roadmap.OwnerCIO}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Version != 1 || st.DoneOn != today || len(st.Owners) != 2 || st.Owners[0] != roadmap.OwnerHead {
			t.Fatalf("saved step = %+v", st)
		}
		// The same save again with the old version is stale.
		if _, err := svc.SaveStep(ctx, a.ID, hr, roadmap.Step{N: 1, Status: roadmap.InProgress}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale save: %v", err)
		}
		board, err := svc.Board(ctx, a.ID)
		if err != nil || len(board.Steps) != 10 || board.Steps[0].Status != roadmap.Done || board.Current() != 2 {
			t.Fatalf("board = %+v, %v", board.Steps, err)
		}
		// The other tenant sees nothing of it.
		other, _ := svc.Board(ctx, b.ID)
		if other.Steps[0].Status != roadmap.NotStarted {
			t.Fatal("a step leaked into another tenant")
		}

		// A checklist item ticked with a note and a file; who ticked it.
		c, err := svc.SetCheck(ctx, a.ID, hr, "f4.security.network", true, " VPN 導入済 ", 0)
		if err != nil || c.CheckedBy != "hr-matsumoto" || c.Note != "VPN 導入済" || c.Version != 1 {
			t.Fatalf("check = %+v, %v", c, err)
		}
		if _, err := svc.SetCheck(ctx, a.ID, hr, "f99.nothing", true, "", 0); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("unknown item: %v", err)
		}
		f, err := svc.AttachEvidence(ctx, a.ID, hr, "f4.security.network", "構成図.pdf", []byte("%PDF-1.4"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.Evidence(ctx, a.ID, f.ID)
		if err != nil || string(got.Data) != "%PDF-1.4" || got.Owner.CheckItem != "f4.security.network" {
			t.Fatalf("evidence = %+v, %v", got, err)
		}
		if _, err := svc.Evidence(ctx, b.ID, f.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant's evidence: %v", err)
		}
		if err := svc.RemoveEvidence(ctx, b.ID, hr, f.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant removed evidence: %v", err)
		}
		board, _ = svc.Board(ctx, a.ID)
		if len(board.Checks["f4.security.network"].Files) != 1 || board.Progress()[0] != (roadmap.FigureProgress{Figure: 4, Done: 1, Total: 9}) {
			t.Fatalf("progress = %+v", board.Progress())
		}

		// PDCA: every 3 months; a review held moves the next one.
		if err := svc.SetReviewCadence(ctx, a.ID, hr, 3, today); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetReviewCadence(ctx, a.ID, hr, 13, today); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("13 months: %v", err)
		}
		// The reminder job: once per day whatever the nodes, once per due date.
		r1, err := svc.RunReviewReminders(ctx, "n1")
		if err != nil || !r1.Ran || len(r1.Reminded) != 1 || r1.Reminded[0] != a.ID {
			t.Fatalf("reminders = %+v, %v", r1, err)
		}
		if r2, _ := svc.RunReviewReminders(ctx, "n2"); r2.Ran {
			t.Fatal("the day's reminder job ran twice")
		}
		// The day after the date: the one overdue reminder; the next day
		// nothing more.
		tomorrow := roadmap.NewService(db, func() time.Time { return time.Now().Add(24 * time.Hour) })
		if r3, _ := tomorrow.RunReviewReminders(ctx, "n1"); !r3.Ran || len(r3.Reminded) != 1 {
			t.Fatalf("the overdue reminder: %+v", r3)
		}
		later := roadmap.NewService(db, func() time.Time { return time.Now().Add(48 * time.Hour) })
		if r4, _ := later.RunReviewReminders(ctx, "n1"); !r4.Ran || len(r4.Reminded) != 0 {
			t.Fatalf("a due date was reminded three times: %+v", r4)
		}
		if _, err := svc.RecordReview(ctx, a.ID, hr, today, "図表12 を確認"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordReview(ctx, a.ID, hr, today.AddDays(1), ""); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("future review: %v", err)
		}
		board, _ = svc.Board(ctx, a.ID)
		if board.Settings.NextOn != roadmap.AddMonths(today, 3) || len(board.Reviews) != 1 || board.ReviewDue(today) {
			t.Fatalf("after review: %+v", board.Settings)
		}

		// Every change is in the audit log, and no note text is.
		entries, err := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: "roadmap.", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{"roadmap.step_update": false, "roadmap.check": false, "roadmap.evidence_add": false,
			"roadmap.review_cadence": false, "roadmap.review_reminder": false, "roadmap.review": false}
		for _, e := range entries {
			want[e.Action] = true
			if contains(string(e.After), "VPN") || contains(string(e.After), "図表12") {
				t.Errorf("%s keeps note text: %s", e.Action, e.After)
			}
		}
		for k, ok := range want {
			if !ok {
				t.Errorf("no audit entry %s", k)
			}
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestStepValidate(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 12, Day: 1}
	d := func(s string) calendar.Date { x, _ := calendar.ParseDate(s); return x }
	tests := []struct {
		name string
		s    roadmap.Step
		key  string // field:key of the first error, "" for none
	}{
		{"ok", roadmap.Step{N: 3, Status: roadmap.InProgress, PlannedStart: d("2026-04-01"), PlannedEnd: d("2026-06-30")}, ""},
		{"step 0", roadmap.Step{N: 0, Status: roadmap.NotStarted}, "step:field.range"},
		{"step 11", roadmap.Step{N: 11, Status: roadmap.NotStarted}, "step:field.range"},
		{"owner", roadmap.Step{N: 1, Status: roadmap.NotStarted, Owners: []roadmap.Owner{"mayor"}}, "owners:field.choice"},
		{"status", roadmap.Step{N: 1, Status: "started"}, "status:field.roadmap_status"},
		{"end before start", roadmap.Step{N: 1, Status: roadmap.NotStarted, PlannedStart: d("2026-06-01"), PlannedEnd: d("2026-05-01")}, "planned_end:field.roadmap_date_order"},
		{"done date without done", roadmap.Step{N: 1, Status: roadmap.InProgress, DoneOn: d("2026-06-01")}, "done_on:field.roadmap_done_on"},
	}
	for _, tt := range tests {
		err := tt.s.Validate(today)
		got := ""
		if e := apperr.As(err); e != nil && len(e.Fields) > 0 {
			got = e.Fields[0].Field + ":" + e.Fields[0].Key
		}
		if got != tt.key {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.key)
		}
	}
}

func TestAddMonths(t *testing.T) {
	d := func(s string) calendar.Date { x, _ := calendar.ParseDate(s); return x }
	tests := []struct {
		from, want string
		n          int
	}{
		{"2026-01-31", "2026-02-28", 1}, {"2024-01-31", "2024-02-29", 1}, {"2026-11-15", "2027-02-15", 3},
		{"2026-12-01", "2027-12-01", 12}, {"2026-03-31", "2026-02-28", -1},
	}
	for _, tt := range tests {
		if got := roadmap.AddMonths(d(tt.from), tt.n); got != d(tt.want) {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestCatalogueMatchesTheGuide(t *testing.T) {
	// 図表4: 9 items, 図表5: 15, 図表8: 6, 図表9: 9, 図表12: 5; codes unique.
	count := map[int]int{}
	seen := map[string]bool{}
	for _, it := range roadmap.Items {
		count[it.Figure]++
		if seen[it.Code] || it.JA == "" || it.EN == "" {
			t.Errorf("item %q duplicated or unnamed", it.Code)
		}
		seen[it.Code] = true
	}
	want := map[int]int{4: 9, 5: 15, 8: 6, 9: 9, 12: 5}
	for f, n := range want {
		if count[f] != n {
			t.Errorf("図表%d has %d items, want %d", f, count[f], n)
		}
	}
	if len(roadmap.Steps) != 10 || len(roadmap.Owners) != 5 {
		t.Errorf("steps %d owners %d", len(roadmap.Steps), len(roadmap.Owners))
	}
}

// TestConcurrentFirstSaves: two people save a step never saved before at
// the same moment; one wins, the other is told to reload.
func TestConcurrentFirstSaves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _, _ := storetest.TrialTenants(t, db)
		svc := roadmap.NewService(db, db.Now)
		errs := make(chan error, 2)
		for _, st := range []roadmap.Status{roadmap.InProgress, roadmap.Done} {
			go func() {
				_, err := svc.SaveStep(ctx, a.ID, hr, roadmap.Step{N: 4, Status: st})
				errs <- err
			}()
		}
		ok := 0
		for range 2 {
			if err := <-errs; err == nil {
				ok++
			} else if apperr.CodeOf(err) != apperr.Conflict {
				t.Logf("second save: %v", err)
			}
		}
		b, _ := svc.Board(ctx, a.ID)
		if ok != 1 || b.Steps[3].Version != 1 {
			t.Fatalf("ok=%d, step %+v", ok, b.Steps[3])
		}
	})
}
