package worktime_test

import (
	"context"
	"strings"
	"testing"

	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestEndTellsOnlyNewWarnings: what the start report already told the
// supervisor (no application for a day at home) is not told again at the
// end; the end tells only what is new (overtime and the rest), and
// nothing when nothing is.
func TestEndTellsOnlyNewWarnings(t *testing.T) {
	cases := []struct {
		name      string
		endH      int
		wantNotes int    // the 係長's warning notifications after the end
		wantEnd   string // a rule the end's note names ("": none)
	}{
		{"a short day", 13, 1, ""},
		{"a late night", 22, 2, worktime.RuleOvertime},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				f := newFixture(t, db)
				f.now = at(9, 0)
				_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: policy.Home})
				storetest.Must(t, err)
				f.now = at(c.endH, 30)
				out, err := f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{})
				storetest.Must(t, err)
				if rules(out.Warnings)[0] != worktime.RuleNoApplication {
					t.Fatalf("the person's answer lacks no_application: %v", rules(out.Warnings))
				}
				var notes []string
				for _, n := range f.inbox(t, "kakaricho") {
					if n.Kind == worktime.NotifyWarning {
						notes = append(notes, n.Message("ja"))
					}
				}
				if len(notes) != c.wantNotes {
					t.Fatalf("%d warning notes, want %d: %q", len(notes), c.wantNotes, notes)
				}
				noApp := worktime.Warning{Rule: worktime.RuleNoApplication, Args: map[string]any{"Date": out.Day.Date.String()}}.Message("ja")
				if c.wantEnd != "" {
					end := notes[0] // newest first
					var want string
					for _, w := range out.Warnings {
						if w.Rule == c.wantEnd {
							want = w.Message("ja")
						}
					}
					if strings.Contains(end, noApp) || !strings.Contains(end, want) {
						t.Errorf("end note %q: repeats the start's or lacks %s", end, c.wantEnd)
					}
				}
			})
		})
	}
}
