package policy

import (
	"testing"
)

// BenchmarkEvaluate checks a two-week application against 茨城県's rules
// with a year of other applications (target: p99 under 1 ms; see
// docs/benchmarks.md).
func BenchmarkEvaluate(b *testing.B) {
	p := tpl(&testing.T{}, "ibaraki")
	var others []Application
	d := day("2026-01-05")
	for i := range 120 {
		others = append(others, Application{ID: int64(i + 1), Mode: Home, TimeUnit: FullDay, Status: "approved", Dates: dates(d.AddDays(i * 3).String())})
	}
	a := app(Home, FullDay, "2026-05-11", "2026-05-12", "2026-05-13", "2026-05-18", "2026-05-19", "2026-05-20")
	a = withHours(a, "07:00", "15:45", 60)
	in := Input{Policy: p, Calendar: cal2026, Person: clerk, App: a, Others: others, Stage: AtSubmit, Now: jst("2026-05-01 09:00")}
	b.ReportAllocs()
	for b.Loop() {
		_ = Evaluate(in)
	}
}
