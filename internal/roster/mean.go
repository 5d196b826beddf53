package roster

import (
	"math"
	"math/big"
	"sort"
	"time"
)

// The mean fairness reference by decomposition over the TELE total. With
// T = Σ T_p fixed, a_p·T/A is a constant m_p and each person's fairness term
// f_p(t) = w_fair·max(0, |t − m_p| − τ) is a convex function of their own
// count alone. Written with integer breakpoints — a band [lo_p, hi_p] where
// f_p is least, one unit above (below) it at the cost of that first step, every
// further unit at w_fair — the model is exact on integral points and its LP
// is far tighter than the full model's, where T is free. The optimum is the
// least over T of the fixed-T optima, so solving every T whose cheap bound
// (the separable fairness floor at that total) is below the incumbent proves
// optimality.

// meanFixed is the fixed-T pricing of the mean reference.
type meanFixed struct {
	T              int
	lo, hi         []int
	fmin, up1, dn1 []float64
}

func newMeanFixed(pb *problem, T int) *meanFixed {
	mf := &meanFixed{T: T, lo: make([]int, pb.N), hi: make([]int, pb.N),
		fmin: make([]float64, pb.N), up1: make([]float64, pb.N), dn1: make([]float64, pb.N)}
	A := int64(max(pb.A, 1))
	// In whole numbers: with τ = n/q, f_p(t) = w_fair·S(t)/(A·q) where
	// S(t) = max(0, |t·A·q − a_p·T·q| − n·A) is exact, and so is the band
	// (where S is least). A tolerance with a long decimal expansion goes
	// through rationals instead.
	tn, tq := pb.tol.Num(), pb.tol.Denom()
	exact := tn.IsInt64() && tq.IsInt64() && tq.Int64() < 1<<20 && tn.Int64() < 1<<30
	var q, n int64
	scale := 0.0
	if exact {
		q, n = tq.Int64(), tn.Int64()
		scale = ratF(pb.wFair) / float64(A*q)
	}
	for p := 0; p < pb.N; p++ {
		a := pb.avail[p]
		if a == 0 {
			continue
		}
		var lo, hi int
		if exact {
			lo, hi = mf.bandInt(p, a, A*q, int64(a)*int64(T)*q, n*A, scale)
		} else {
			lo, hi = mf.bandRat(pb, p)
		}
		mf.lo[p], mf.hi[p] = lo, hi
	}
	return mf
}

// bandInt is the band of person p (a available days) in whole numbers, in
// constant time: S(t) = max(0, |t·U − M| − N) with U = A·q, M = a·T·q and
// N = n·A is least on [⌈(M−N)/U⌉, ⌊(M+N)/U⌋] (0 there) when that meets
// [0, a]; otherwise the tolerance is below the distance from the mean m =
// M/U to the integers and the least is at the nearer of ⌊m⌋ and ⌈m⌉ (both
// on a tie). It used to scan t = 0…a for every total, which made the
// totals' floors cost N·a each: seconds on 300–1,000 staff.
func (mf *meanFixed) bandInt(p, a int, U, M, N int64, scale float64) (int, int) {
	S := func(t int) int64 {
		v := int64(t)*U - M
		if v < 0 {
			v = -v
		}
		return max(0, v-N)
	}
	// Floor division for the non-negative U.
	fdiv := func(x, y int64) int64 {
		d := x / y
		if x%y != 0 && x < 0 {
			d--
		}
		return d
	}
	lo64 := -fdiv(-(M - N), U) // ⌈(M−N)/U⌉
	hi64 := fdiv(M+N, U)
	lo64, hi64 = max(lo64, 0), min(hi64, int64(a))
	var lo, hi int
	if lo64 <= hi64 {
		lo, hi = int(lo64), int(hi64)
	} else {
		t1 := int(fdiv(M, U))
		t2 := min(t1+1, a)
		switch s1, s2 := S(t1), S(t2); {
		case s1 < s2:
			lo, hi = t1, t1
		case s2 < s1:
			lo, hi = t2, t2
		default:
			lo, hi = t1, t2
		}
	}
	mf.fmin[p] = float64(S(lo)) * scale
	if hi < a {
		mf.up1[p] = float64(S(hi+1))*scale - mf.fmin[p]
	}
	if lo > 0 {
		mf.dn1[p] = float64(S(lo-1))*scale - mf.fmin[p]
	}
	return lo, hi
}

// bandRat is newMeanFixed's computation for person p in rationals, for a
// tolerance with a long decimal expansion.
func (mf *meanFixed) bandRat(pb *problem, p int) (int, int) {
	a := pb.avail[p]
	f := func(t int) *big.Rat {
		// w_fair·max(0, |t − a_p·T/A| − τ)
		m := big.NewRat(int64(a)*int64(mf.T), int64(max(pb.A, 1)))
		v := new(big.Rat).Sub(big.NewRat(int64(t), 1), m)
		v.Abs(v)
		v.Sub(v, pb.tol)
		if v.Sign() < 0 {
			v.SetInt64(0)
		}
		return v.Mul(v, pb.wFair)
	}
	vals := make([]*big.Rat, a+1)
	var best *big.Rat
	for t := 0; t <= a; t++ {
		vals[t] = f(t)
		if best == nil || vals[t].Cmp(best) < 0 {
			best = vals[t]
		}
	}
	lo, hi := -1, -1
	for t := 0; t <= a; t++ {
		if vals[t].Cmp(best) == 0 {
			if lo < 0 {
				lo = t
			}
			hi = t
		}
	}
	mf.fmin[p] = ratF(best)
	if hi < a {
		mf.up1[p] = ratF(new(big.Rat).Sub(vals[hi+1], best))
	}
	if lo > 0 {
		mf.dn1[p] = ratF(new(big.Rat).Sub(vals[lo-1], best))
	}
	return lo, hi
}

// rows writes the fixed-T fairness into the model: per person
// O_p + over1 + over2 − under1 − under2 ∈ [a − hi, a − lo] (over = TELE days
// above the band), and the total Σ O = A − T.
func (mf *meanFixed) rows(md *model, pb *problem) {
	wF := ratF(pb.wFair)
	var all []entry
	for p := 0; p < pb.N; p++ {
		a := pb.avail[p]
		if a == 0 {
			continue
		}
		var r []entry
		for d := 0; d < pb.D; d++ {
			if j := md.cell[p][d]; j >= 0 {
				r = append(r, entry{j, 1})
				all = append(all, entry{j, 1})
			}
		}
		md.offset += mf.fmin[p]
		if mf.hi[p] < a {
			r = append(r, entry{md.addVar(mf.up1[p], 0, 1, false), 1},
				entry{md.addVar(wF, 0, float64(a), false), 1})
		}
		if mf.lo[p] > 0 {
			r = append(r, entry{md.addVar(mf.dn1[p], 0, 1, false), -1},
				entry{md.addVar(wF, 0, float64(a), false), -1})
		}
		md.addRow(r, float64(a-mf.hi[p]), float64(a-mf.lo[p]))
	}
	if len(all) > 0 {
		md.addRow(all, float64(pb.A-mf.T), float64(pb.A-mf.T))
	}
}

// floor is the least fairness cost of any counts with total T (each between
// 0 and a_p): a lower bound on every plan with that total, +Inf if none.
func (mf *meanFixed) floor(pb *problem) float64 {
	wF := ratF(pb.wFair)
	base, sLo, sHi := 0.0, 0, 0
	var ups, dns []float64
	capUp, capDn := 0, 0
	for p := 0; p < pb.N; p++ {
		a := pb.avail[p]
		if a == 0 {
			continue
		}
		base += mf.fmin[p]
		sLo += mf.lo[p]
		sHi += mf.hi[p]
		if mf.hi[p] < a {
			ups = append(ups, mf.up1[p])
			capUp += a - mf.hi[p] - 1
		}
		if mf.lo[p] > 0 {
			dns = append(dns, mf.dn1[p])
			capDn += mf.lo[p] - 1
		}
	}
	steps := func(k int, first []float64, more int) float64 {
		if k > len(first)+more {
			return math.Inf(1)
		}
		sort.Float64s(first)
		v := 0.0
		for i := 0; i < k && i < len(first); i++ {
			v += first[i]
		}
		if k > len(first) {
			v += wF * float64(k-len(first))
		}
		return v
	}
	switch {
	case mf.T > sHi:
		return base + steps(mf.T-sHi, ups, capUp)
	case mf.T < sLo:
		return base + steps(sLo-mf.T, dns, capDn)
	}
	return base
}

// meanResult is what the decomposition over T found and proved.
type meanResult struct {
	cells    [][]int8
	coh      []int
	ev       evaluation
	value    float64 // objective of cells (+Inf if none)
	bound    float64 // proven lower bound over every total
	complete bool    // every total settled: value is optimal
	nodes    int
}

// meanSearch solves the fixed-T problems, the most promising totals first,
// until every total is settled or the deadline passes.
//
// In phaseLex (an infeasible section, violation cost held at vmax) every
// total is possible, the slacks absorbing the rest.
func meanSearch(pb *problem, ph phase, vmax *big.Rat, deadline time.Time, cells0 [][]int8, coh0 []int) meanResult {
	return meanSearchCohorts(pb, ph, vmax, deadline, cells0, coh0, nil)
}

// meanSearchCohorts is meanSearch with, when fixed is given, the day cohorts
// held at fixed: a far smaller search (each total's problem splits by day
// cohort), which on sections with day cohorts finds the plan the full
// model's search does not reach in a short limit. What it proves holds for
// those day cohorts only: its result is never complete and has no bound.
func meanSearchCohorts(pb *problem, ph phase, vmax *big.Rat, deadline time.Time, cells0 [][]int8, coh0, fixed []int) meanResult {
	res := meanSearchRun(pb, ph, vmax, deadline, cells0, coh0, fixed)
	if fixed != nil {
		res.complete, res.bound = false, math.Inf(-1)
	}
	return res
}

func meanSearchRun(pb *problem, ph phase, vmax *big.Rat, deadline time.Time, cells0 [][]int8, coh0, fixed []int) meanResult {
	res := meanResult{value: math.Inf(1), bound: math.Inf(-1)}
	if pb.A == 0 {
		return res
	}
	// The plan in hand (if any, and if it is one of this phase) is the
	// first incumbent: a total whose search finds nothing in its share of
	// the time no longer leaves the caller without a plan.
	T0 := -1
	if cells0 != nil {
		ev := pb.evaluate(cells0, coh0)
		if (ph == phaseFeasible && !ev.broken()) || (ph != phaseFeasible && ev.vcost.Cmp(vmax) == 0) {
			res.cells, res.coh, res.ev, res.value = cells0, coh0, ev, ratF(ev.objective)
			T0 = teleTotal(cells0)
		}
	}
	// Totals a plan can have: the reduction target gives the least, the
	// day minimums and weekly caps the most.
	tLo, tHi := 0, pb.A
	if ph == phaseFeasible && pb.hasTarget {
		tLo = max(0, pb.A-pb.onsiteCap)
	}
	// Each week needs at least the larger of its days' minimums and what
	// the weekly cap sends people in (the sum over weeks of the larger is
	// tighter than the larger of the sums: a short week at the end has
	// day minimums and no cap to speak of).
	dayNeed := make([]int, pb.nWeeks)
	capNeed := make([]int, pb.nWeeks)
	for d := 0; d < pb.D; d++ {
		n := pb.minOnsite[d]
		for k := range pb.dutyMin {
			n = max(n, pb.dutyMin[k][d])
		}
		dayNeed[pb.week[d]] += n
	}
	if pb.cap >= 0 {
		for p := 0; p < pb.N; p++ {
			for w := 0; w < pb.nWeeks; w++ {
				n := 0
				for d := 0; d < pb.D; d++ {
					if pb.week[d] == w && !pb.leave[p][d] {
						n++
					}
				}
				capNeed[w] += max(0, n-pb.cap)
			}
		}
	}
	need := 0
	for w := range dayNeed {
		need += max(dayNeed[w], capNeed[w])
	}
	if ph == phaseFeasible {
		tHi = min(tHi, pb.A-need)
	}
	if tLo > tHi {
		// No total fits: the full model proves infeasibility.
		return res
	}
	type total struct {
		T     int
		floor float64
		bound float64
		done  bool
	}
	// The floors of the totals, outward from the plan's total (the middle
	// of the range without one), for at most a fifth of the time: on 300
	// staff × 62 days there are thousands of totals of O(N) each, and the
	// loop used to run to the end before any deadline check (seconds past
	// a 100 ms limit). Totals left out are not settled (bound 0).
	if T0 < tLo || T0 > tHi {
		T0 = (tLo + tHi) / 2
	}
	var ts []*total
	enumEnd := time.Now().Add(time.Until(deadline) / 5)
	partial := false
	for i := 0; ; i++ {
		T := T0 + (i+1)/2
		if i%2 == 0 {
			T = T0 - i/2
		}
		if T0+(i+1)/2 > tHi && T0-i/2 < tLo {
			break
		}
		if T < tLo || T > tHi {
			continue
		}
		if len(ts)%16 == 15 && time.Now().After(enumEnd) {
			partial = true
			break
		}
		fl := newMeanFixed(pb, T).floor(pb)
		ts = append(ts, &total{T: T, floor: fl, bound: fl, done: math.IsInf(fl, 1)})
	}
	// Least floor first; equal floors nearest the plan's total first.
	sort.SliceStable(ts, func(a, b int) bool { return ts[a].floor < ts[b].floor })
	gran := latticeStep(objectiveLattice(pb))
	settled := func(b float64) bool {
		if math.IsInf(res.value, 1) {
			return false
		}
		tol := 1e-6 * math.Max(1, math.Abs(res.value))
		if gran > 0 {
			return b > res.value-gran+tol
		}
		return b > res.value-tol
	}
	var setup time.Duration // the longest model build so far
	Tfeas := -1             // the total of a plan found, -1 if none
	if res.cells != nil {
		Tfeas = teleTotal(res.cells)
	}
	for _, t := range ts {
		if t.done {
			continue
		}
		if settled(t.bound) {
			t.done = true
			continue
		}
		now := time.Now()
		if now.After(deadline) || deadline.Sub(now) < setup {
			// Not a model whose set-up alone would outlast the time.
			break
		}
		q := *pb
		q.meanFix = newMeanFixed(pb, t.T)
		md := buildModel(&q, ph, vmax)
		setup = max(setup, time.Since(now))
		// A known plan (of another total) only serves as the cutoff: an
		// empty seed marks it.
		var seed []float64
		if !math.IsInf(res.value, 1) {
			seed = []float64{}
		}
		until := now.Add(max(deadline.Sub(now)/3, 20*time.Millisecond))
		if until.After(deadline) {
			until = deadline
		}
		var base []fix
		switch {
		case fixed != nil && ph == phaseFeasible:
			base = md.cohortFixes(fixed)
		case fixed != nil:
			base = md.yFixes(fixed)
		}
		r := branchAndBoundFixed(md, until, seed, res.value, base)
		res.nodes += r.nodes
		rejected := false
		if len(r.x) > 0 {
			cells, coh := md.plan(r.x)
			ev := pb.evaluate(cells, coh)
			if (ph == phaseFeasible && ev.broken()) || (ph != phaseFeasible && ev.vcost.Cmp(vmax) != 0) {
				// Float rounding let a broken point through: this total
				// is not settled.
				rejected = true
			} else if ratF(ev.objective) < res.value {
				res.cells, res.coh, res.ev, res.value = cells, coh, ev, ratF(ev.objective)
			}
		}
		if r.rootInfeasible {
			// The totals of the LP's points form an interval holding
			// every plan's total: beyond an empty total, away from a
			// plan's, every total is empty too (the search used to prove
			// them one by one, 50 ms each on 80 staff).
			for _, u := range ts {
				if (Tfeas >= 0 && t.T > Tfeas && u.T >= t.T) || (Tfeas >= 0 && t.T < Tfeas && u.T <= t.T) {
					u.done = true
				}
			}
		}
		if res.cells != nil && Tfeas < 0 {
			Tfeas = teleTotal(res.cells)
		}
		if r.complete && !rejected {
			t.done = true
		} else {
			t.bound = math.Max(t.bound, r.bound)
		}
	}
	res.complete = !math.IsInf(res.value, 1)
	lb := res.value
	for _, t := range ts {
		if t.done || settled(t.bound) {
			continue
		}
		res.complete = false
		lb = math.Min(lb, t.bound)
	}
	if partial {
		// Totals whose floor was never computed: only F ≥ 0 is known.
		res.complete = false
		lb = math.Min(lb, 0)
	}
	res.bound = lb
	return res
}

// teleTotal is the number of TELE cells of a plan.
func teleTotal(cells [][]int8) int {
	n := 0
	for _, row := range cells {
		for _, m := range row {
			if m == mTele {
				n++
			}
		}
	}
	return n
}
