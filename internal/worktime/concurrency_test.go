package worktime_test

import (
	"context"
	"sync"
	"testing"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestContendedReportsAnswerTheState: on both engines, starts, ends and
// breaks of one person fired at once — by the person and by their
// supervisor on their behalf, none sending a version — never answer
// error.stale (a 412 telling of a screen the caller never saw): each gets
// the day's state, a success or the 409 that names it. One day record is
// left, its version counts the successes, each success has its audit
// entry, and an ended day has no open break.
func TestContendedReportsAnswerTheState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		staff := f.people["staff"].ID
		type op func() error
		ops := map[string]op{
			"start": func() error {
				_, err := f.svc.Start(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{Mode: "home"})
				return err
			},
			"end": func() error { _, err := f.svc.End(ctx, f.a.ID, f.who["staff"], 0, worktime.Report{}); return err },
			"proxy start": func() error {
				_, err := f.svc.Start(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{Mode: worktime.Office})
				return err
			},
			"proxy end": func() error {
				_, err := f.svc.End(ctx, f.a.ID, f.who["kakaricho"], staff, worktime.Report{})
				return err
			},
			"break start": func() error { _, err := f.svc.Break(ctx, f.a.ID, f.who["staff"], true, false); return err },
			"break end":   func() error { _, err := f.svc.Break(ctx, f.a.ID, f.who["staff"], false, false); return err },
		}
		var (
			mu   sync.Mutex
			wins int
			wg   sync.WaitGroup
		)
		for i := range 12 {
			for name, run := range ops {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := run()
					mu.Lock()
					defer mu.Unlock()
					switch e := apperr.As(err); {
					case err == nil:
						wins++
					case e == nil || e.Code != apperr.Conflict || apperr.IsStale(err):
						t.Errorf("%s #%d: %v", name, i, err)
					}
				}()
			}
		}
		wg.Wait()
		var days, version, entries int
		storetest.Must(t, db.SQL.QueryRow(`SELECT COUNT(*), MAX(version) FROM worktime_days WHERE staff_id = $1`, staff).Scan(&days, &version))
		storetest.Must(t, db.SQL.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'worktime_day'`).Scan(&entries))
		if days != 1 || wins == 0 || version != wins || entries != wins {
			t.Fatalf("days %d, version %d, successes %d, audit entries %d", days, version, wins, entries)
		}
		today := calendar.DateOf(f.now)
		got, err := f.svc.Days(ctx, f.a.ID, f.who["staff"], 0, today, today)
		storetest.Must(t, err)
		d := got[0].Day
		for _, b := range d.Breaks {
			if !d.End.IsZero() && b.End.IsZero() {
				t.Fatalf("an ended day with an open break: %+v", d)
			}
		}
	})
}
