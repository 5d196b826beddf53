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

// Scenario is the counts once one improvement is made, or several
// together (Parts: a task's improvements none of which lifts it alone).
type Scenario struct {
	Fix    string   `json:"fix"`
	Parts  []string `json:"parts,omitempty"`
	Note   Note     `json:"note"`
	Counts []Count  `json:"counts"` // in Modes order
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

// modeRating is t's rating in mode once the improvements fix are made:
// for satellite, the best of the places (× when there is none).
func (e *Engine) modeRating(t *Task, mode TargetKind, fix made) Rating {
	if mode != AtPlace {
		return e.ratingWith(t, Target{Kind: mode}, fix)
	}
	best := No
	for i := range e.places {
		r := e.ratingWith(t, Target{Kind: AtPlace, Place: &e.places[i]}, fix)
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

// combinations lists the improvements made together that RateAt offers
// for t at some target.
func (e *Engine) combinations(t *Task, out []made) []made {
	var buf [8]issue
	for _, tg := range e.Targets() {
		parts, _ := e.combine(t, tg, e.issues(t, tg, nil, buf[:0], withFixes))
		if parts != nil && !slices.ContainsFunc(out, func(m made) bool { return slices.Equal(m, parts) }) {
			out = append(out, parts)
		}
	}
	return out
}

// Summarise counts the tasks per mode now and after each improvement, and
// after each combination of improvements offered for a task (counting
// every task it lifts, including those one of its parts lifts alone).
func (e *Engine) Summarise(ts []*Task) Summary {
	s := Summary{Tasks: len(ts), Now: newCounts()}
	now := make([][3]Rating, len(ts))
	type touched struct {
		task    int
		ratings [3]Rating
	}
	byFix := map[string]*Scenario{}
	touches := map[string][]touched{}
	try := func(i int, id string, m made) {
		t := ts[i]
		sc := byFix[id]
		if sc == nil {
			sc = &Scenario{Fix: id, Note: e.fixNote[id]}
			if len(m) > 1 {
				sc.Parts, sc.Note = m, e.combinedNote(m)
			}
			byFix[id] = sc
		}
		th := touched{task: i, ratings: now[i]}
		better := false
		for k, mode := range Modes {
			if now[i][k] == OK {
				continue
			}
			if r := e.modeRating(t, mode, m); r.rank() < now[i][k].rank() {
				th.ratings[k], better = r, true
			}
		}
		if better {
			sc.Improved++
			sc.ImprovedHours += t.Hours
			touches[id] = append(touches[id], th)
		}
	}
	fixesOf := make([][]string, len(ts))
	var combos []made
	for i, t := range ts {
		s.Hours += t.Hours
		s.Levels[e.Level(t)]++
		for m, mode := range Modes {
			now[i][m] = e.modeRating(t, mode, nil)
			s.Now[m].add(now[i][m], t.Hours)
		}
		fixesOf[i] = e.taskFixes(t, nil)
		for _, f := range fixesOf[i] {
			try(i, f, made{f})
		}
		combos = e.combinations(t, combos)
	}
	for _, m := range combos {
		for i := range ts {
			if slices.ContainsFunc(m, func(f string) bool { return slices.Contains(fixesOf[i], f) }) {
				try(i, CombinedID(m), m)
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
			now[m] = e.modeRating(t, mode, nil)
		}
		fixes = e.taskFixes(t, fixes[:0])
		for _, f := range fixes {
			better := false
			var opened [3]bool
			for m, mode := range Modes {
				if now[m] == OK {
					continue
				}
				r := e.modeRating(t, mode, made{f})
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
