package roster

import (
	"math"
	"math/big"
	"math/rand"
	"sort"
	"time"
)

// The priced cohort search. The heuristic's surrogate (heuristic.go) ignores
// how people share the day minimums, so its best day cohorts are often 1–3 %
// from the best ones on 60–80-staff sections. Once the Lagrangian has priced
// the day rows (headcount, duties, reduction cap), the Lagrangian bound with
// the day cohorts held fixed — each person's own plan on their cohort's days
// at those prices (lagrangian.fixedValue) — is a lower bound on the exact
// plan for those day cohorts and, at good prices, nearly equal to it. Local
// search on it finds better day cohorts, and since it is a bound, a choice
// whose value cannot beat the incumbent by a lattice step needs no exact
// solve.

// pricedCandidates searches day cohorts on lg.fixedValue by first-improvement
// local search (one day changed, two days swapped) from each start, and
// returns the distinct local optima and other improving choices met, best
// first, whose value is below limit (at most k of them).
func (lg *lagrangian) pricedCandidates(starts [][]int, cover [][]bool, limit float64, k int, deadline time.Time) [][]int {
	pool := cohortPool{seen: map[string]bool{}, limit: limit}
	score := func(coh []int) float64 { return lg.fixedValue(coh, cover) }
	for si, start := range starts {
		if si > 0 && time.Now().After(deadline) {
			break
		}
		descend(append([]int(nil), start...), lg.pb.nCohorts, score, pool.remember, deadline)
	}
	return pool.best(k)
}

// cohortPool keeps the distinct choices of day cohorts a search meets with
// a finite score below limit.
type cohortPool struct {
	seen  map[string]bool
	limit float64
	list  []cohortChoice
}

type cohortChoice struct {
	coh []int
	v   float64
}

func (p *cohortPool) remember(coh []int, v float64) {
	if v >= p.limit || math.IsInf(v, 1) {
		return
	}
	key := cohortKey(coh)
	if p.seen[key] {
		return
	}
	p.seen[key] = true
	p.list = append(p.list, cohortChoice{append([]int(nil), coh...), v})
}

// best is at most k choices, lowest score first.
func (p *cohortPool) best(k int) [][]int {
	sort.SliceStable(p.list, func(a, b int) bool { return p.list[a].v < p.list[b].v })
	var out [][]int
	for _, c := range p.list {
		if len(out) == k {
			break
		}
		out = append(out, c.coh)
	}
	return out
}

// descend improves coh in place by first-improvement local search — one
// day's cohort changed, then two days' cohorts swapped — until neither
// lowers score (a finite score beats +Inf) or the deadline passes. Every
// choice scored is given to seen. It returns coh's final score.
func descend(coh []int, C int, score func([]int) float64, seen func([]int, float64), deadline time.Time) float64 {
	cur := score(coh)
	seen(coh, cur)
	for improved := true; improved && !time.Now().After(deadline); {
		improved = false
		for d := range coh {
			// A pass is D·(C−1) scores of N people over D days: on 520
			// days it took 0.7 s, past a 1 s limit.
			if time.Now().After(deadline) {
				break
			}
			old := coh[d]
			for c := 0; c < C; c++ {
				if c == old {
					continue
				}
				coh[d] = c
				v := score(coh)
				seen(coh, v)
				if v < cur-1e-9 {
					cur, old, improved = v, c, true
				}
			}
			coh[d] = old
		}
		if improved {
			continue
		}
		for d1 := 0; d1 < len(coh) && !improved; d1++ {
			if time.Now().After(deadline) {
				break
			}
			for d2 := d1 + 1; d2 < len(coh); d2++ {
				if coh[d1] == coh[d2] {
					continue
				}
				coh[d1], coh[d2] = coh[d2], coh[d1]
				v := score(coh)
				seen(coh, v)
				if v < cur-1e-9 {
					cur, improved = v, true
					break
				}
				coh[d1], coh[d2] = coh[d2], coh[d1]
			}
		}
	}
	return cur
}

func cohortKey(coh []int) string {
	b := make([]byte, len(coh))
	for i, c := range coh {
		b[i] = byte('A' + c)
	}
	return string(b)
}

// treeResult is what the cohort tree proved.
type treeResult struct {
	x        []float64 // best plan found (the incumbent if none better)
	value    float64
	complete bool // every choice of day cohorts is settled: value is optimal
	nodes    int
	leaves   int // exact solves of a full choice of day cohorts
}

// treeEval is lagrangian.partialValue with the prices frozen: the cell
// prices with and without the link price and each day's best link price
// are computed once, so a node costs one pass over the cells.
type treeEval struct {
	lg      *lagrangian
	cover   [][]bool
	base    float64   // constant part of L
	freeMax []float64 // per day: largest link price among covering cohorts
	r0, rm  []float64 // per cell: price on a fixed day, on a free day
	weeks   [][]int   // per person: cell index where each week starts, and the end
	margin  float64   // float rounding allowance
	w, opt  []float64
}

func newTreeEval(lg *lagrangian, cover [][]bool) *treeEval {
	pb := lg.pb
	te := &treeEval{lg: lg, cover: cover}
	L, mag := lg.constant()
	te.base = L
	price := make([]float64, pb.D*pb.nCohorts)
	for p := 0; p < pb.N; p++ {
		cp := pb.cohortOf[p]
		for i := lg.pStart[p]; i < lg.pStart[p+1]; i++ {
			price[lg.cDay[i]*pb.nCohorts+cp] += lg.mu[i]
		}
	}
	te.freeMax = make([]float64, pb.D)
	for d := 0; d < pb.D; d++ {
		best := math.Inf(-1)
		for c := 0; c < pb.nCohorts; c++ {
			if cover[d][c] && price[d*pb.nCohorts+c] > best {
				best = price[d*pb.nCohorts+c]
			}
		}
		// A day no cohort covers makes every node infeasible; the caller
		// never builds a tree then (the Lagrangian reports it first).
		te.freeMax[d] = best
		mag += math.Abs(best)
	}
	nc := len(lg.cDay)
	te.r0 = make([]float64, nc)
	te.rm = make([]float64, nc)
	te.weeks = make([][]int, pb.N)
	for p := 0; p < pb.N; p++ {
		s, e := lg.pStart[p], lg.pStart[p+1]
		for i := s; i < e; i++ {
			d := lg.cDay[i]
			v := lg.cCost[i] - lg.alpha[d] + lg.gamma
			for k := range lg.beta {
				if pb.quals[p][k] {
					v -= lg.beta[k][d]
				}
			}
			te.r0[i], te.rm[i] = v, v+lg.mu[i]
			mag += math.Abs(v) + math.Abs(v+lg.mu[i])
			if i == s || lg.cWeek[i] != lg.cWeek[i-1] {
				te.weeks[p] = append(te.weeks[p], i)
			}
		}
		te.weeks[p] = append(te.weeks[p], e)
		mag += te.lg.wF * float64(pb.avail[p])
	}
	te.margin = 1e-10 * (1 + mag)
	return te
}

// value is lg.partialValue(part) at the frozen prices.
func (te *treeEval) value(part []int) float64 {
	lg := te.lg
	pb := lg.pb
	L := te.base
	for d, c := range part {
		if c < 0 {
			L -= te.freeMax[d]
		} else if !te.cover[d][c] {
			return math.Inf(1)
		}
	}
	for p := 0; p < pb.N; p++ {
		v := te.person(p, part)
		if math.IsInf(v, 1) {
			return v
		}
		L += v
	}
	return L - te.margin
}

// person is lagrangian.person at the frozen prices.
func (te *treeEval) person(p int, part []int) float64 {
	lg := te.lg
	pb := lg.pb
	cp := pb.cohortOf[p]
	ws := te.weeks[p]
	total, forced := 0.0, 0
	opt := te.opt[:0]
	for wi := 0; wi+1 < len(ws); wi++ {
		s, e := ws[wi], ws[wi+1]
		w := te.w[:0]
		for i := s; i < e; i++ {
			switch c := part[lg.cDay[i]]; {
			case c < 0:
				w = insertSorted(w, te.rm[i])
			case c == cp:
				w = insertSorted(w, te.r0[i])
			}
		}
		te.w = w
		need := 0
		if pb.cap >= 0 {
			need = (e - s) - pb.cap
		}
		if need > len(w) {
			return math.Inf(1)
		}
		for q := 0; q < need; q++ {
			total += w[q]
		}
		forced += max(need, 0)
		for _, v := range w[max(need, 0):] {
			opt = insertSorted(opt, v)
		}
	}
	te.opt = opt
	dev := func(o int) float64 { return lg.fairDev(p, o) }
	best, acc := total+dev(forced), total
	for k, v := range opt {
		acc += v
		if x := acc + dev(forced+k+1); x < best {
			best = x
		}
	}
	return best
}

// insertSorted appends v to the ascending slice s, keeping it ascending
// (a week has at most seven cells, a person a few dozen).
func insertSorted(s []float64, v float64) []float64 {
	s = append(s, v)
	j := len(s) - 1
	for j > 0 && s[j-1] > v {
		s[j] = s[j-1]
		j--
	}
	s[j] = v
	return s
}

// cohortTree proves (or improves) the incumbent x of value by depth-first
// branch and bound over the day cohorts, on the partial Lagrangian bound at
// the current prices (lagrangian.partialValue: fixed days hold their cohort,
// free days keep the link prices). It tightens from the root's Lagrangian
// bound to nearly the exact value as days are fixed, so a node is cut as soon
// as its bound cannot beat the incumbent by a lattice step; a full choice
// that survives is solved exactly with its day cohorts held (the plain
// problem, milliseconds). Near the root every free day is probed (each
// cohort in turn): a cohort whose bound is cut is ruled out for that day, a
// day left with one cohort is fixed, and the branching day is the one whose
// cheapest cohort is dearest. Deeper down the days follow the root's order.
// The prices are not changed, so each node costs one pass over the cells.
func (lg *lagrangian) cohortTree(md *model, cover [][]bool, x []float64, value float64, deadline time.Time) treeResult {
	pb := md.pb
	C := pb.nCohorts
	te := newTreeEval(lg, cover)
	res := treeResult{x: x, value: value}
	prunable := func(z float64) bool {
		tol := 1e-6 * math.Max(1, math.Abs(res.value))
		if md.gran > 0 {
			return z > res.value-md.gran+tol
		}
		return z > res.value-tol
	}
	part := make([]int, pb.D)
	for d := range part {
		part[d] = -1
	}
	vals := make([][]float64, pb.D)
	for d := range vals {
		vals[d] = make([]float64, C)
	}
	// probe fixes the free days with a single cohort left and returns them
	// (to undo), the day to branch on (-1: none free) with its cohorts in
	// order of their bounds, and false when some day has none left.
	probe := func() ([]int, int, []int, bool) {
		var fixed []int
		for changed := true; changed; {
			changed = false
			for d := 0; d < pb.D; d++ {
				if part[d] >= 0 {
					continue
				}
				left, only := 0, -1
				for c := 0; c < C; c++ {
					part[d] = c
					res.nodes++
					vals[d][c] = te.value(part)
					if !math.IsInf(vals[d][c], 1) && !prunable(vals[d][c]) {
						left, only = left+1, c
					}
				}
				part[d] = -1
				switch left {
				case 0:
					for _, f := range fixed {
						part[f] = -1
					}
					return nil, -1, nil, false
				case 1:
					part[d] = only
					fixed = append(fixed, d)
					changed = true
				}
			}
		}
		bd, bv := -1, math.Inf(-1)
		for d := 0; d < pb.D; d++ {
			if part[d] >= 0 {
				continue
			}
			lo := math.Inf(1)
			for c := 0; c < C; c++ {
				lo = math.Min(lo, vals[d][c])
			}
			if lo > bv {
				bd, bv = d, lo
			}
		}
		var order []int
		if bd >= 0 {
			for c := 0; c < C; c++ {
				order = append(order, c)
			}
			sort.SliceStable(order, func(a, b int) bool { return vals[bd][order[a]] < vals[bd][order[b]] })
		}
		return fixed, bd, order, true
	}
	// Static order for the deeper levels: the root's probe values.
	rootFixed, _, _, ok := probe()
	if !ok {
		res.complete = true
		return res
	}
	var static []int
	for d := 0; d < pb.D; d++ {
		if part[d] < 0 {
			static = append(static, d)
		}
	}
	spread := func(d int) float64 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for c := 0; c < C; c++ {
			lo, hi = math.Min(lo, vals[d][c]), math.Max(hi, vals[d][c])
		}
		return hi - lo
	}
	sp := make([]float64, pb.D)
	for _, d := range static {
		sp[d] = spread(d)
	}
	sort.SliceStable(static, func(a, b int) bool { return sp[static[a]] > sp[static[b]] })
	for _, d := range rootFixed {
		part[d] = -1
	}
	const probeDepth = 8
	out := false // out of time
	leaf := func() {
		res.leaves++
		coh := append([]int(nil), part...)
		r := branchAndBoundFixed(md, deadline, res.x, res.value, md.cohortFixes(coh))
		if !r.complete {
			out = true
			return
		}
		if r.x != nil && r.value < res.value-1e-9 {
			if cells, ch := md.plan(r.x); !pb.evaluate(cells, ch).broken() {
				res.x, res.value = r.x, r.value
			} else {
				// Float rounding let a broken plan through: this choice
				// is not settled.
				out = true
			}
		}
	}
	var walk func(depth int)
	walk = func(depth int) {
		if out {
			return
		}
		if time.Now().After(deadline) {
			out = true
			return
		}
		var fixed []int
		bd := -1
		var order []int
		if depth <= probeDepth {
			var ok bool
			fixed, bd, order, ok = probe()
			if !ok {
				return
			}
		} else {
			for _, d := range static {
				if part[d] < 0 {
					bd = d
					break
				}
			}
			for c := 0; c < C; c++ {
				order = append(order, c)
			}
		}
		if bd < 0 {
			if te.value(part) <= res.value-md.gran+1e-6*math.Max(1, math.Abs(res.value)) || md.gran == 0 {
				leaf()
			}
		} else {
			for _, c := range order {
				part[bd] = c
				res.nodes++
				b := te.value(part)
				if math.IsInf(b, 1) || prunable(b) {
					continue
				}
				walk(depth + 1)
				if out {
					break
				}
			}
			part[bd] = -1
		}
		for _, f := range fixed {
			part[f] = -1
		}
	}
	walk(0)
	res.complete = !out
	return res
}

// cohortOutcome is what the cohort phase leaves for the full model's search
// when it cannot settle the section itself.
type cohortOutcome struct {
	x     []float64
	value float64
	bound float64
}

// cohortPhase runs, for a section whose cohorts never meet and a checked
// incumbent x of value: the Lagrangian bound (to 35 % of the limit), the
// priced search for better day cohorts with exact solves of its candidates
// (to 50 %; when it finds one, more Lagrangian steps towards its value to
// 60 % and another search), then the cohort tree (to 85 %). It returns the plan when one
// of them proves it optimal, else the best point found and the bound.
func cohortPhase(md *model, x []float64, value float64, start time.Time, limit time.Duration) (*Plan, cohortOutcome) {
	pb := md.pb
	out := cohortOutcome{x: x, value: value, bound: math.Inf(-1)}
	proven := func(lb float64) bool {
		return lb > out.value-md.gran+1e-6*math.Max(1, math.Abs(out.value))
	}
	done := func() *Plan {
		cells, coh := md.plan(out.x)
		ev := pb.evaluate(cells, coh)
		pl := pb.report(cells, coh, ev, StatusOptimal, out.value, md.gran, new(big.Rat), 0)
		pl.Seconds = time.Since(start).Seconds()
		return pl
	}
	if cells, coh := md.plan(x); pb.evaluate(cells, coh).broken() {
		return nil, out
	}
	lb, _, lg := lagrangeBound(md, nil, value, start.Add(limit*35/100))
	out.bound = lb
	if proven(lb) {
		return done(), out
	}
	if lg == nil {
		return nil, out
	}
	cover := newSurrogate(pb).coverable
	// search tries the priced candidates around the incumbent's day
	// cohorts and reports whether one improved it.
	search := func(end time.Time) bool {
		better := false
		for round := 0; round < 3 && time.Now().Before(end); round++ {
			_, coh := md.plan(out.x)
			tol := 1e-6 * math.Max(1, math.Abs(out.value))
			cands := lg.pricedCandidates([][]int{coh}, cover, out.value-md.gran+tol, 5, end)
			improved := false
			for _, c := range cands {
				if time.Now().After(end) {
					break
				}
				// Only a choice whose bound beats the incumbent is worth a solve.
				if lg.fixedValue(c, cover) > out.value-md.gran+tol {
					continue
				}
				r := branchAndBoundFixed(md, end, nil, 0, md.cohortFixes(c))
				if r.x == nil || r.value >= out.value-1e-9 {
					continue
				}
				if cells, ch := md.plan(r.x); pb.evaluate(cells, ch).broken() {
					continue
				}
				out.x, out.value, improved = r.x, r.value, true
			}
			if !improved {
				break
			}
			better = true
		}
		return better
	}
	if search(start.Add(limit * 50 / 100)) {
		// A better incumbent is a better target for the Polyak steps:
		// continue from the prices reached.
		lb, _, _ = lagrangeBound(md, lg, out.value, start.Add(limit*60/100))
		out.bound = math.Max(out.bound, lb)
		if proven(out.bound) {
			return done(), out
		}
		search(start.Add(limit * 65 / 100))
	}
	if proven(out.bound) {
		return done(), out
	}
	tr := lg.cohortTree(md, cover, out.x, out.value, start.Add(limit*85/100))
	out.x, out.value = tr.x, tr.value
	if tr.complete {
		pl := done()
		pl.Nodes = tr.nodes
		return pl, out
	}
	return nil, out
}

// cohortFlips improves the plan of a section that cannot keep every
// constraint by first-improvement local search over the day cohorts: one
// day's cohort changed (two days exchanging their cohorts when no single day
// helps), the violation model (md in phaseViolation: least V)
// or the lexicographic one (phaseLex: least objective at V) solved exactly
// with the day cohorts held — small and fast, unlike the full model, whose
// cohort slacks make its LP weak. A change is kept only when the plan read
// back is lexicographically better (V, then the objective; in phaseLex the
// same V). It returns the best plan and the nodes used.
func (pb *problem) cohortFlips(md *model, cells [][]int8, coh []int, ev evaluation, deadline time.Time) ([][]int8, []int, evaluation, int) {
	nodes := 0
	try := append([]int(nil), coh...)
	value := func(e evaluation) float64 {
		if md.ph == phaseViolation {
			return ratF(e.vcost)
		}
		return ratF(e.objective)
	}
	better := func(e2, e evaluation) bool {
		if md.ph == phaseViolation {
			return e2.vcost.Cmp(e.vcost) < 0
		}
		return e2.vcost.Cmp(e.vcost) == 0 && e2.objective.Cmp(e.objective) < 0
	}
	// attempt solves with the cohorts of try held and keeps a better plan.
	attempt := func() bool {
		r := branchAndBoundFixed(md, deadline, md.point(cells, coh), value(ev)+1e-9, md.yFixes(try))
		nodes += r.nodes
		if r.x == nil || r.value >= value(ev)-1e-9 {
			return false
		}
		c2, h2 := md.plan(r.x)
		ev2 := pb.evaluate(c2, h2)
		if !better(ev2, ev) {
			return false
		}
		cells, coh, ev = c2, h2, ev2
		return true
	}
	for improved := true; improved; {
		improved = false
		for d := 0; d < pb.D; d++ {
			for c := 0; c < pb.nCohorts; c++ {
				if c == coh[d] {
					continue
				}
				if time.Now().After(deadline) {
					return cells, coh, ev, nodes
				}
				copy(try, coh)
				try[d] = c
				improved = attempt() || improved
			}
		}
		if improved {
			continue
		}
		// No single day helps: two days exchange their cohorts.
		for d1 := 0; d1 < pb.D && !improved; d1++ {
			for d2 := d1 + 1; d2 < pb.D && !improved; d2++ {
				if coh[d1] == coh[d2] {
					continue
				}
				if time.Now().After(deadline) {
					return cells, coh, ev, nodes
				}
				copy(try, coh)
				try[d1], try[d2] = coh[d2], coh[d1]
				improved = attempt() || improved
			}
		}
	}
	return cells, coh, ev, nodes
}

// lexCohortSearch improves the objective at the least violation cost of a
// section that cannot keep every constraint, over the day cohorts. The plan
// in hand fixes V, but its day cohorts were chosen for V alone, and other
// choices reach the same V with a far smaller objective; one day's cohort
// changed seldom keeps V (it moves the weekly counts behind the cap
// violations), so cohortFlips, an exact solve per neighbour, rarely gets
// there in time. Here choices are scored on a cheap lexicographic surrogate
// (lexSurrogate): local search (one day changed, two days swapped) from the
// plan's day cohorts, then from random kicks of the best choice found
// (iterated local search, on a fixed seed); the best few choices met whose
// surrogate V is no worse and whose surrogate objective is below the plan's
// are solved exactly with their day cohorts held (md in phaseLex), and a plan
// is kept only when it is lexicographically better when read back (same V,
// smaller objective). Rounds repeat from each better plan. It returns the
// best plan and the nodes used.
func (pb *problem) lexCohortSearch(md *model, cells [][]int8, coh []int, ev evaluation, deadline time.Time) ([][]int8, []int, evaluation, int) {
	nodes := 0
	ls := newLexSurrogate(pb)
	rng := rand.New(rand.NewSource(1))
	type cand struct {
		coh  []int
		v, o float64
	}
	less := func(v1, o1, v2, o2 float64) bool {
		return v1 < v2-1e-9 || (v1 <= v2+1e-9 && o1 < o2-1e-9)
	}
	tried := map[string]bool{cohortKey(coh): true}
	for round := 0; round < 8 && time.Now().Before(deadline); round++ {
		searchEnd := time.Now().Add(time.Until(deadline) * 4 / 10)
		v0, _ := ls.score(coh)
		seen := map[string]bool{}
		var pool []cand
		remember := func(c []int, v, o float64) {
			if v > v0+1e-9 {
				return
			}
			key := cohortKey(c)
			if tried[key] || seen[key] {
				return
			}
			seen[key] = true
			pool = append(pool, cand{append([]int(nil), c...), v, o})
		}
		// descend walks cur to a local optimum of the surrogate.
		descend := func(cur []int) (float64, float64) {
			cv, co := ls.score(cur)
			for improved := true; improved && time.Now().Before(searchEnd); {
				improved = false
				for d := 0; d < pb.D; d++ {
					old := cur[d]
					for c := 0; c < pb.nCohorts; c++ {
						if c == old {
							continue
						}
						cur[d] = c
						v, o := ls.score(cur)
						remember(cur, v, o)
						if less(v, o, cv, co) {
							cv, co, old, improved = v, o, c, true
						}
					}
					cur[d] = old
				}
				// One pass of swaps is D²/2 scores (1,900 on 62 days,
				// about 0.6 s): the deadline is checked on every day.
				for d1 := 0; d1 < pb.D && time.Now().Before(searchEnd); d1++ {
					for d2 := d1 + 1; d2 < pb.D; d2++ {
						if cur[d1] == cur[d2] {
							continue
						}
						cur[d1], cur[d2] = cur[d2], cur[d1]
						v, o := ls.score(cur)
						remember(cur, v, o)
						if less(v, o, cv, co) {
							cv, co, improved = v, o, true
						} else {
							cur[d1], cur[d2] = cur[d2], cur[d1]
						}
					}
				}
			}
			return cv, co
		}
		best := append([]int(nil), coh...)
		bv, bo := descend(best)
		x := make([]int, pb.D)
		// At most 300 kicks, and 100 after the last strict improvement.
		for kicks, last := 0, 0; time.Now().Before(searchEnd) && kicks < 300 && kicks-last < 100; kicks++ {
			copy(x, best)
			for k := 2 + rng.Intn(3); k > 0; k-- {
				d1, d2 := rng.Intn(pb.D), rng.Intn(pb.D)
				if rng.Intn(2) == 0 {
					x[d1], x[d2] = x[d2], x[d1]
				} else {
					x[d1] = rng.Intn(pb.nCohorts)
				}
			}
			if v, o := descend(x); !less(bv, bo, v, o) {
				if less(v, o, bv, bo) {
					last = kicks
				}
				copy(best, x)
				bv, bo = v, o
			}
		}
		sort.SliceStable(pool, func(a, b int) bool { return less(pool[a].v, pool[a].o, pool[b].v, pool[b].o) })
		improved := false
		solved := 0
		for _, c := range pool {
			if solved == 6 || time.Now().After(deadline) {
				break
			}
			value := ratF(ev.objective)
			if c.o+md.offset >= value-1e-9 {
				// The surrogate ignores how people share the day
				// minimums, so it is seldom above the exact value.
				break
			}
			solved++
			tried[cohortKey(c.coh)] = true
			r := branchAndBoundFixed(md, deadline, md.point(cells, coh), value+1e-9, md.yFixes(c.coh))
			nodes += r.nodes
			if r.x == nil || r.value >= value-1e-9 {
				continue
			}
			c2, h2 := md.plan(r.x)
			if ev2 := pb.evaluate(c2, h2); ev2.vcost.Cmp(ev.vcost) == 0 && ev2.objective.Cmp(ev.objective) < 0 {
				cells, coh, ev, improved = c2, h2, ev2, true
			}
		}
		if !improved {
			break
		}
	}
	return cells, coh, ev, nodes
}

// lexSurrogate scores a choice of day cohorts for the lexicographic phase:
// violationScore for V, then the sum of each person's best own plan on
// their cohort's days with the weekly cap relaxed (surrogate.person; the
// model's offset is left out). A person's value depends only on the days
// their cohort holds, so it is remembered by that set of days.
type lexSurrogate struct {
	pb     *problem
	vScore func([]int) float64
	s      *surrogate
	memo   []map[uint64]float64 // per person, by the mask of allowed days (D ≤ 64)
}

func newLexSurrogate(pb *problem) *lexSurrogate {
	ls := &lexSurrogate{pb: pb, vScore: pb.violationScore(), s: newSurrogate(pb)}
	ls.s.relaxCap = true
	if pb.D <= 64 {
		ls.memo = make([]map[uint64]float64, pb.N)
		for p := range ls.memo {
			ls.memo[p] = map[uint64]float64{}
		}
	}
	return ls
}

func (ls *lexSurrogate) score(coh []int) (float64, float64) {
	pb := ls.pb
	total := 0.0
	for p := 0; p < pb.N; p++ {
		c := pb.cohortOf[p]
		if ls.memo == nil {
			total += ls.s.person(p, func(d int) bool { return coh[d] == c })
			continue
		}
		var mask uint64
		for d, cd := range coh {
			if cd == c && !pb.leave[p][d] {
				mask |= 1 << uint(d)
			}
		}
		v, ok := ls.memo[p][mask]
		if !ok {
			v = ls.s.person(p, func(d int) bool { return coh[d] == c })
			if len(ls.memo[p]) < 1<<16 {
				ls.memo[p][mask] = v
			}
		}
		total += v
	}
	return ls.vScore(coh), total
}
