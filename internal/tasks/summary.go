package tasks

import (
	"cmp"
	"slices"
)

// Modes are the three telework modes of the summaries: home, mobile and
// satellite (the best place of the tenant's list for each task).
var Modes = []TargetKind{AtHome, AtPlace, AtMobile}

// Count is how many tasks (and task-hours) a mode carries ○, △ or ×.
type Count struct {
	Mode         TargetKind `json:"mode"`
	OK           int        `json:"ok"`
	Partial      int        `json:"partial"`
	No           int        `json:"no"`
	OKHours      float64    `json:"ok_hours"`
	PartialHours float64    `json:"partial_hours"`
	NoHours      float64    `json:"no_hours"`
}

func (c *Count) add(r Rating, hours float64) {
	switch r {
	case OK:
		c.OK++
		c.OKHours += hours
	case Partial:
		c.Partial++
		c.PartialHours += hours
	default:
		c.No++
		c.NoHours += hours
	}
}

func (c *Count) remove(r Rating, hours float64) {
	switch r {
	case OK:
		c.OK--
		c.OKHours -= hours
	case Partial:
		c.Partial--
		c.PartialHours -= hours
	default:
		c.No--
		c.NoHours -= hours
	}
}

// Scenario is the counts once one improvement is made.
type Scenario struct {
	Fix    string  `json:"fix"`
	Note   Note    `json:"note"`
	Counts []Count `json:"counts"` // in Modes order
	// Improved is how many tasks rate better in at least one mode.
	Improved      int     `json:"improved"`
	ImprovedHours float64 `json:"improved_hours"`
}

// Summary is a section's (or the tenant's) shares now and after each
// improvement that would change at least one task.
type Summary struct {
	Tasks  int        `json:"tasks"`
	Hours  float64    `json:"hours"`
	Now    []Count    `json:"now"` // in Modes order
	After  []Scenario `json:"after"`
	Levels [5]int     `json:"levels"` // tasks per level; index 0 unused
}

// ModeRating is t's rating in mode once fix is made: for satellite, the
// best of the places (× when there is none).
func (e *Engine) ModeRating(t *Task, mode TargetKind, fix string) Rating {
	if mode != AtPlace {
		return e.RatingWith(t, Target{Kind: mode}, fix)
	}
	best := No
	for i := range e.places {
		r := e.RatingWith(t, Target{Kind: AtPlace, Place: &e.places[i]}, fix)
		if r.rank() < best.rank() {
			best = r
			if r == OK {
				break
			}
		}
	}
	return best
}

// taskFixes lists the improvements that touch t anywhere.
func (e *Engine) taskFixes(t *Task, out []string) []string {
	for _, tg := range e.Targets() {
		out = e.Fixes(t, tg, out)
	}
	return out
}

// Summarise counts the tasks per mode now and after each improvement.
func (e *Engine) Summarise(ts []*Task) Summary {
	s := Summary{Tasks: len(ts), Now: newCounts()}
	now := make([][3]Rating, len(ts))
	type touched struct {
		task    int
		ratings [3]Rating
	}
	byFix := map[string]*Scenario{}
	touches := map[string][]touched{}
	var fixes []string
	for i, t := range ts {
		s.Hours += t.Hours
		s.Levels[e.Level(t)]++
		for m, mode := range Modes {
			now[i][m] = e.ModeRating(t, mode, "")
			s.Now[m].add(now[i][m], t.Hours)
		}
		fixes = e.taskFixes(t, fixes[:0])
		for _, f := range fixes {
			sc := byFix[f]
			if sc == nil {
				sc = &Scenario{Fix: f, Note: e.fixNote[f]}
				byFix[f] = sc
			}
			th := touched{task: i, ratings: now[i]}
			better := false
			for m, mode := range Modes {
				if now[i][m] == OK {
					continue
				}
				if r := e.ModeRating(t, mode, f); r.rank() < now[i][m].rank() {
					th.ratings[m], better = r, true
				}
			}
			if better {
				sc.Improved++
				sc.ImprovedHours += t.Hours
				touches[f] = append(touches[f], th)
			}
		}
	}
	// A scenario's counts: the tasks it does not touch keep their rating.
	for _, sc := range byFix {
		if sc.Improved == 0 {
			continue
		}
		sc.Counts = slices.Clone(s.Now)
		for _, th := range touches[sc.Fix] {
			h := ts[th.task].Hours
			for m := range Modes {
				sc.Counts[m].remove(now[th.task][m], h)
				sc.Counts[m].add(th.ratings[m], h)
			}
		}
		s.After = append(s.After, *sc)
	}
	slices.SortFunc(s.After, func(a, b Scenario) int {
		return cmp.Or(cmp.Compare(b.Improved, a.Improved), cmp.Compare(b.ImprovedHours, a.ImprovedHours), cmp.Compare(a.Fix, b.Fix))
	})
	return s
}

func newCounts() []Count {
	out := make([]Count, len(Modes))
	for i, m := range Modes {
		out[i].Mode = m
	}
	return out
}

// Ranked is one improvement of the tenant-wide ranking.
type Ranked struct {
	Fix      string  `json:"fix"`
	Note     Note    `json:"note"`
	Tasks    int     `json:"tasks"` // tasks that rate better in at least one mode
	Hours    float64 `json:"hours"`
	Sections []int64 `json:"sections"` // sections with such a task, ascending
	// Opened counts, per mode, the tasks that go from × to ○ or △.
	Opened []int `json:"opened"` // in Modes order
}

// SectionTask is a task with the section whose sheet holds it.
type SectionTask struct {
	Section int64
	Task    *Task
}

// Rank ranks every improvement by the tasks (then hours) it would open,
// with the sections affected: the business case for IT investment.
func (e *Engine) Rank(ts []SectionTask) []Ranked {
	byFix := map[string]*Ranked{}
	var fixes []string
	for _, st := range ts {
		t := st.Task
		var now [3]Rating
		for m, mode := range Modes {
			now[m] = e.ModeRating(t, mode, "")
		}
		fixes = e.taskFixes(t, fixes[:0])
		for _, f := range fixes {
			better := false
			var opened [3]bool
			for m, mode := range Modes {
				if now[m] == OK {
					continue
				}
				r := e.ModeRating(t, mode, f)
				if r.rank() < now[m].rank() {
					better = true
					opened[m] = now[m] == No
				}
			}
			if !better {
				continue
			}
			rk := byFix[f]
			if rk == nil {
				rk = &Ranked{Fix: f, Note: e.fixNote[f], Opened: make([]int, len(Modes))}
				byFix[f] = rk
			}
			rk.Tasks++
			rk.Hours += t.Hours
			if n := len(rk.Sections); n == 0 || rk.Sections[n-1] != st.Section {
				if _, found := slices.BinarySearch(rk.Sections, st.Section); !found {
					i, _ := slices.BinarySearch(rk.Sections, st.Section)
					rk.Sections = slices.Insert(rk.Sections, i, st.Section)
				}
			}
			for m, o := range opened {
				if o {
					rk.Opened[m]++
				}
			}
		}
	}
	out := make([]Ranked, 0, len(byFix))
	for _, rk := range byFix {
		out = append(out, *rk)
	}
	slices.SortFunc(out, func(a, b Ranked) int {
		return cmp.Or(cmp.Compare(b.Tasks, a.Tasks), cmp.Compare(b.Hours, a.Hours), cmp.Compare(a.Fix, b.Fix))
	})
	return out
}
