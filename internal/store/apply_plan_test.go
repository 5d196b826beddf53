package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"telework/internal/apply"
	"telework/internal/calendar"
)

// TestApplicationListPlans: SQLite runs without statistics (the product
// never runs ANALYZE), so the plans of the application lists are fixed by
// the query's shape. A list narrowed to a section reads the section's
// people first (staff_unit) and probes each application's days through
// its own key, never the tenant-wide status or report_due index once per
// application (that plan ran for minutes on a year of a 10,000-staff
// tenant); a tenant-wide list of reports to confirm or overdue starts from
// those few days.
func TestApplicationListPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	today := calendar.Date{Year: 2026, Month: 12, Day: 3}
	plan := func(f apply.Filter) string {
		where, args := appWhere(1, f)
		return explain(t, db, `SELECT COUNT(*)`+appFrom+where, args...)
	}
	// A start report's read of the person's application of the day.
	if p := explain(t, db, worktimeApplicationQuery, 1, 1, 2, "2026-12-03"); !strings.Contains(p, "application_days_staff") || strings.Contains(p, "application_days_status") ||
		strings.Contains(p, "SCAN") || strings.Contains(p, "(tenant_id=?)\n") {
		t.Errorf("the day's application is not read through the person's index:\n%s", p)
	}
	for _, c := range []struct {
		name      string
		f         apply.Filter
		want, not []string
	}{
		{"section's overdue", apply.Filter{UnitIDs: []int64{5, 6}, ReportOverdue: today},
			[]string{"staff_unit"}, []string{"application_days_status", "application_days_report_due"}},
		{"section's reports to confirm", apply.Filter{UnitIDs: []int64{5}, DayStatuses: []apply.Status{apply.Reported}},
			[]string{"staff_unit"}, []string{"application_days_status", "application_days_report_due"}},
		{"a person's overdue", apply.Filter{StaffIDs: []int64{9}, ReportOverdue: today},
			[]string{"applications_staff"}, []string{"application_days_status", "application_days_report_due"}},
		{"tenant-wide overdue", apply.Filter{ReportOverdue: today}, []string{"application_days_report_due"}, nil},
		{"tenant-wide reports to confirm", apply.Filter{DayStatuses: []apply.Status{apply.Reported}}, []string{"application_days_status"}, nil},
	} {
		p := plan(c.f)
		for _, w := range c.want {
			if !strings.Contains(p, w) {
				t.Errorf("%s: the plan does not use %s:\n%s", c.name, w, p)
			}
		}
		for _, n := range c.not {
			if strings.Contains(p, n) {
				t.Errorf("%s: the plan uses %s:\n%s", c.name, n, p)
			}
		}
	}
}

// explain is SQLite's query plan of q, a line per step.
func explain(t *testing.T, db *DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.SQL.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}
