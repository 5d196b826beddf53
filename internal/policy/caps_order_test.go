package policy

import "testing"

// permutations of idx, each once.
func permutations(idx []int) [][]int {
	if len(idx) <= 1 {
		return [][]int{append([]int(nil), idx...)}
	}
	var out [][]int
	for i := range idx {
		rest := append(append([]int(nil), idx[:i]...), idx[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]int{idx[i]}, p...))
		}
	}
	return out
}

// TestCapsDoNotDependOnTheOrderOfApplying applies for the days of a week
// (cap 4) and of a month (cap 3) one at a time in every order: whichever
// order, the last one applied for is refused and the others are not.
func TestCapsDoNotDependOnTheOrderOfApplying(t *testing.T) {
	for _, c := range []struct {
		name  string
		days  []string
		edit  func(*Policy)
		rule  string
		limit int
	}{
		{"週4日", []string{"2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14", "2026-05-15"}, func(p *Policy) { p.Caps.WeeklyMaxDays = 4 }, "caps.weekly", 4},
		{"月3日", []string{"2026-05-01", "2026-05-08", "2026-05-15", "2026-05-29"}, func(p *Policy) { p.Caps.MonthlyMaxDays = 3 }, "caps.monthly", 3},
	} {
		for _, order := range permutations([]int{0, 1, 2, 3, 4}[:len(c.days)]) {
			p := tpl(t, "fukaya")
			c.edit(&p)
			var approved []Application
			for n, i := range order {
				a := app(Home, FullDay, c.days[i])
				fs := Evaluate(Input{Policy: p, Calendar: cal2026, Person: clerk, App: a, Others: approved, Stage: AtSubmit, Now: jst("2026-04-20 09:00")})
				refused := HasErrors(fs)
				if refused != (n == c.limit) {
					t.Errorf("%s, order %v: application %d (%s) refused=%v %v", c.name, order, n+1, c.days[i], refused, got(fs))
				}
				if !refused {
					a.Status = "approved"
					approved = append(approved, a)
				}
			}
		}
	}
}

func TestCapMessageForAnEarlierDay(t *testing.T) {
	p := tpl(t, "ibaraki")
	fs := Evaluate(Input{Policy: p, Calendar: cal2026, Person: clerk, App: app(Home, FullDay, "2026-05-11"), Others: tueToFri,
		Stage: AtSubmit, Now: jst("2026-05-01 09:00")})
	for _, f := range fs {
		if f.Rule != "caps.weekly" {
			continue
		}
		if m := f.Message("ja"); m != "5月11日(月): 週4日までの上限を超えています(この週はほかの申請を含めて5日になります)。" {
			t.Errorf("ja: %s", m)
		}
		if m := f.Message("en"); m != "Mon 11 May: Over the limit of 4 days a week (with the other requests this week has 5 days)." {
			t.Errorf("en: %s", m)
		}
		return
	}
	t.Errorf("no weekly cap finding: %v", got(fs))
}

// A half day that another application already covers adds nothing: it is
// not the one refused.
func TestCapRefusesTheDaysThatAdd(t *testing.T) {
	p := tpl(t, "fukaya")
	p.Caps.WeeklyMaxDays = 2
	others := []Application{{Mode: Home, TimeUnit: FullDay, Status: "approved", Dates: dates("2026-05-13", "2026-05-15")}}
	fs := Evaluate(Input{Policy: p, Calendar: cal2026, Person: clerk, App: app(Home, PM, "2026-05-11", "2026-05-15"), Others: others,
		Stage: AtSubmit, Now: jst("2026-05-01 09:00")})
	want := []string{"caps.weekly@2026-05-11 error", "caps.duplicate@2026-05-15 error"}
	if g := got(fs); len(g) != 2 || g[0] != want[0] || g[1] != want[1] {
		t.Errorf("got %q want %q", g, want)
	}
}

// Start times compare as times: "8:30" typed on the form is the standard
// start of an application that says "08:30", and "7:30" is the pattern
// "07:30".
func TestStartTimesCompareAsTimes(t *testing.T) {
	run(t, "kakegawa", []tcase{
		{name: "8:30 is the standard start", edit: func(p *Policy) { p.Hours.Start = "8:30" },
			app: withHours(app(Home, FullDay, "2026-05-13"), "08:30", "17:15", 60), now: "2026-05-01 09:00", want: nil},
		{name: "7:30 is a pattern", edit: func(p *Policy) { p.Hours.Staggered = []string{"07:30"} },
			app: withHours(app(Home, FullDay, "2026-05-13"), "7:30", "16:15", 60), now: "2026-05-01 09:00", want: []string{"hours.staggered_work info"}},
	})
}
