package bench

import (
	"os"
	"sort"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
)

// TestPolicyEvaluatePercentiles reports the time to evaluate one
// application (target: p99 under 1 ms, issue 5): a two-week request against
// 茨城県's rules, with the person's year of other applications and the real
// business calendar (computed holidays, 年末年始). Report only; run with
// TELEWORK_BENCH=1.
func TestPolicyEvaluatePercentiles(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure")
	}
	tp, _ := policy.TemplateByName("ibaraki")
	cal := calendar.New(calendar.Config{FromYear: 2025, ToYear: 2027})
	per := policy.Person{StaffNo: "100001", Employment: org.Regular, JobType: "general", Rank: org.RankStaff,
		UnitCodes: []string{"111", "110", "100"}, HasTerminal: true}
	start := calendar.Date{Year: 2026, Month: time.January, Day: 5}
	var others []policy.Application
	for i := range 150 {
		others = append(others, policy.Application{ID: int64(i + 1), Mode: policy.Home, TimeUnit: policy.FullDay, Status: "approved",
			Dates: []calendar.Date{start.AddDays(i * 2)}})
	}
	var dates []calendar.Date
	for d := (calendar.Date{Year: 2026, Month: time.November, Day: 30}); len(dates) < 10; d = d.AddDays(1) {
		if cal.IsBusinessDay(d) {
			dates = append(dates, d)
		}
	}
	app := policy.Application{Mode: policy.Home, Place: policy.PlaceHome, TimeUnit: policy.FullDay, Dates: dates, Start: "07:00", End: "15:45", BreakMinutes: 60}
	in := policy.Input{Policy: tp.Policy, Calendar: cal, Person: per, App: app, Others: others, Stage: policy.AtSubmit,
		Now: time.Date(2026, time.November, 20, 9, 0, 0, 0, calendar.Tokyo)}
	for range 200 {
		policy.Evaluate(in)
	}
	var ds []time.Duration
	for range 5000 {
		t0 := time.Now()
		policy.Evaluate(in)
		ds = append(ds, time.Since(t0))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	t.Logf("policy.Evaluate (10 days, 150 other applications): n=%d p50=%v p95=%v p99=%v max=%v", len(ds),
		percentile(ds, 0.50), percentile(ds, 0.95), percentile(ds, 0.99), ds[len(ds)-1])
}
