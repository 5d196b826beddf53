package survey

import "sort"

// system is a set of published and hidden counts with the equations that
// tie them together (a total and the cells that add up to it), as someone
// who holds every published number of a survey's results can write them.
// protect hides cells until that person cannot narrow any hidden count of
// 1..K-1 to fewer than K possible values.
type system struct {
	val    []int
	hidden []bool
	sens   []bool // must not be pinned: 1..K-1, or marked
	fixed  []bool // never hidden as a complement (the survey's sizes)
	eqs    [][]int
	of     [][]int // equations a cell is in
	under  [][]int // equations a cell is the total of
	max    int     // no count is above this
}

func (s *system) cell(v int, fixed bool, k int) int {
	s.val = append(s.val, v)
	s.hidden = append(s.hidden, false)
	s.sens = append(s.sens, v > 0 && v < k)
	s.fixed = append(s.fixed, fixed)
	s.of = append(s.of, nil)
	s.under = append(s.under, nil)
	return len(s.val) - 1
}

// equation says the parts add up to total.
func (s *system) equation(total int, parts []int) {
	e := len(s.eqs)
	s.eqs = append(s.eqs, append([]int{total}, parts...))
	s.of[total] = append(s.of[total], e)
	s.under[total] = append(s.under[total], e)
	for _, p := range parts {
		s.of[p] = append(s.of[p], e)
	}
}

// clone copies the system; the copy's cells are all fixed.
func (s *system) clone() *system {
	c := &system{max: s.max}
	c.val = append([]int(nil), s.val...)
	c.hidden = append([]bool(nil), s.hidden...)
	c.sens = append([]bool(nil), s.sens...)
	c.fixed = make([]bool, len(s.val))
	for i := range c.fixed {
		c.fixed[i] = true
	}
	for _, e := range s.eqs {
		c.eqs = append(c.eqs, append([]int(nil), e...))
	}
	for _, x := range s.of {
		c.of = append(c.of, append([]int(nil), x...))
	}
	for _, x := range s.under {
		c.under = append(c.under, append([]int(nil), x...))
	}
	return c
}

// hide hides a cell and everything that adds up to it: what lies under a
// hidden count is hidden.
func (s *system) hide(i int) {
	s.hidden[i] = true
	for _, e := range s.under[i] {
		for _, p := range s.eqs[e][1:] {
			if !s.hidden[p] {
				s.hide(p)
			}
		}
	}
}

// bounds is what the equations and the published counts tell about each
// count: the narrowest interval interval propagation reaches (to its
// fixpoint; a line with one unknown pins it, and so on through every
// table at once).
func (s *system) bounds() (lo, hi []int) {
	lo, hi = make([]int, len(s.val)), make([]int, len(s.val))
	for i, v := range s.val {
		if s.hidden[i] {
			lo[i], hi[i] = 0, s.max
		} else {
			lo[i], hi[i] = v, v
		}
	}
	queue := make([]int, len(s.eqs))
	queued := make([]bool, len(s.eqs))
	for e := range queue {
		queue[e], queued[e] = e, true
	}
	push := func(c int) {
		for _, e := range s.of[c] {
			if !queued[e] {
				queued[e] = true
				queue = append(queue, e)
			}
		}
	}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		queued[e] = false
		t, parts := s.eqs[e][0], s.eqs[e][1:]
		sumLo, sumHi := 0, 0
		for _, p := range parts {
			sumLo, sumHi = sumLo+lo[p], sumHi+hi[p]
		}
		if sumLo > lo[t] || sumHi < hi[t] {
			lo[t], hi[t] = max(lo[t], sumLo), min(hi[t], sumHi)
			push(t)
		}
		for _, p := range parts {
			nl, nh := max(lo[p], lo[t]-(sumHi-hi[p])), min(hi[p], hi[t]-(sumLo-lo[p]))
			if nl != lo[p] || nh != hi[p] {
				sumLo, sumHi = sumLo-lo[p]+nl, sumHi-hi[p]+nh
				lo[p], hi[p] = nl, nh
				push(p)
			}
		}
	}
	return lo, hi
}

// protect adds complementary suppression until every sensitive hidden
// count has at least k possible values (hi − lo + 1 ≥ k): for each one that can, the
// tightest line it lies in gets its smallest published cell hidden (one
// with people in it first).
func (s *system) protect(k int) {
	for {
		lo, hi := s.bounds()
		added := false
		for c := range s.val {
			if !s.hidden[c] || !s.sens[c] || hi[c]-lo[c]+1 >= k {
				continue
			}
			if p := s.complement(c, lo, hi); p >= 0 {
				s.hide(p)
				added = true
			}
		}
		// Nor may the hidden cells of a line together be a group of
		// 1..k-1 that the published ones give away (a total and all but a
		// few of its cells published).
		for e, eq := range s.eqs {
			t, sum, pub, wl, wh := eq[0], 0, 0, 0, 0
			for _, x := range eq[1:] {
				if s.hidden[x] {
					sum, wl, wh = sum+s.val[x], wl+lo[x], wh+hi[x]
				} else {
					pub += s.val[x]
				}
			}
			wl, wh = max(wl, lo[t]-pub), min(wh, hi[t]-pub)
			if sum == 0 || sum >= k || wh-wl+1 >= k {
				continue
			}
			p := s.pickIn(e)
			if p < 0 && !s.hidden[t] && !s.fixed[t] {
				p = t
			}
			if p >= 0 {
				s.hide(p)
				added = true
			}
		}
		if !added {
			return
		}
	}
}

// complement picks the cell to hide for c: the smallest published cell of
// the line that narrows c most; when c's lines have none, of the lines of
// the hidden cells next to it, and so on (cells of the same table level:
// a cell is a part only in lines of its own table and the ones it adds up
// to the same totals with); when none is left, the smallest total c lies
// under (which hides what lies under it too).
func (s *system) complement(c int, lo, hi []int) int {
	slack := func(e, c int) int {
		w := 0
		for _, x := range s.eqs[e] {
			if x != c {
				w += hi[x] - lo[x]
			}
		}
		return w
	}
	pick := s.pickIn
	seen := make([]bool, len(s.val))
	seen[c] = true
	for ring := []int{c}; len(ring) > 0; {
		var next []int
		for _, x := range ring {
			var eqs []int
			for _, e := range s.of[x] {
				if s.eqs[e][0] != x { // x is a part of e
					eqs = append(eqs, e)
				}
			}
			sort.SliceStable(eqs, func(a, b int) bool { return slack(eqs[a], x) < slack(eqs[b], x) })
			for _, e := range eqs {
				if p := pick(e); p >= 0 {
					return p
				}
			}
			for _, e := range eqs {
				for _, y := range s.eqs[e][1:] {
					if s.hidden[y] && !seen[y] {
						seen[y] = true
						next = append(next, y)
					}
				}
			}
		}
		ring = next
	}
	best := -1
	for _, e := range s.of[c] {
		if t := s.eqs[e][0]; t != c && !s.hidden[t] && !s.fixed[t] && (best < 0 || s.val[t] < s.val[best]) {
			best = t
		}
	}
	return best
}

// pickIn is the smallest published cell of a line that may be hidden (-1:
// none).
func (s *system) pickIn(e int) int {
	best := -1
	for _, x := range s.eqs[e][1:] {
		if !s.hidden[x] && !s.fixed[x] && (best < 0 || s.better(x, best)) {
			best = x
		}
	}
	return best
}

// better: a cell with people in it before an empty one, then the smaller.
func (s *system) better(x, y int) bool {
	if zx, zy := s.val[x] == 0, s.val[y] == 0; zx != zy {
		return !zx
	}
	return s.val[x] < s.val[y]
}
