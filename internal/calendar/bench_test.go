package calendar

import "testing"

// The policy engine asks these per application day; the table makes them
// a few array reads.

func BenchmarkIsBusinessDay(b *testing.B) {
	cal := New(Config{FromYear: 2024, ToYear: 2027})
	start := d(2025, 1, 1)
	days := make([]Date, 730)
	for i := range days {
		days[i] = start.AddDays(i)
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		if cal.IsBusinessDay(days[i%len(days)]) {
			n++
		}
	}
	_ = n
}

func BenchmarkAddBusinessDays(b *testing.B) {
	cal := New(Config{FromYear: 2024, ToYear: 2027})
	start := d(2025, 1, 1)
	for i := 0; i < b.N; i++ {
		_ = cal.AddBusinessDays(start.AddDays(i%700), -2)
	}
}

func BenchmarkAddBusinessDaysMonth(b *testing.B) {
	cal := New(Config{FromYear: 2024, ToYear: 2027})
	start := d(2025, 1, 1)
	for i := 0; i < b.N; i++ {
		_ = cal.AddBusinessDays(start.AddDays(i%700), 20)
	}
}

func BenchmarkBusinessDaysBetween(b *testing.B) {
	cal := New(Config{FromYear: 2024, ToYear: 2027})
	from, to := d(2025, 1, 1), d(2026, 6, 30)
	for i := 0; i < b.N; i++ {
		_ = cal.BusinessDaysBetween(from, to)
	}
}

// BenchmarkNew is the cost of building a tenant's calendar for three years
// (what the store does per load).
func BenchmarkNew(b *testing.B) {
	closures := []Holiday{{Date: d(2025, 6, 2), Name: "市制施行記念日"}}
	for i := 0; i < b.N; i++ {
		_ = New(Config{FromYear: 2025, ToYear: 2027, Closures: closures})
	}
}
