package roster

import (
	"math"
	"time"
)

// polish is the last improvement pass every answer goes through: single
// cells (ONSITE ↔ TELE), two people trading a day (one goes home, the other
// comes in) and one person trading two of their days, while that lowers
// (violation cost, objective) lexicographically. A plan that keeps every hard
// constraint only takes moves that keep them all (families priced at 0
// included), so the status can only improve; a plan that breaks some takes
// moves that lower V, or keep V and lower the objective. The day cohorts stay
// as given.
//
// Moves are scored incrementally in floating point (every family and term as
// evaluate prices it, the mean reference included: a flip changes T and so
// every person's share, and is scored over everyone); each pass is then
// checked with evaluate itself, and a pass that is not exactly better is
// undone. It stops at the deadline, checked between moves of every kind. The
// exact searches leave plans that are not even 1-flip local optima when they
// run out of time (the mean reference with day cohorts above all), and this
// pass is what makes every answer at least that.
func (pb *problem) polish(x [][]int8, coh []int, ev evaluation, deadline time.Time) ([][]int8, evaluation) {
	if pb.N == 0 || pb.D == 0 || !time.Now().Before(deadline) {
		return x, ev
	}
	ps := newPolisher(pb, x, coh)
	feasible := !ev.broken()
	for pass := 0; pass < 200; pass++ {
		snap := cloneCells(ps.x)
		moved := ps.sweep(feasible, deadline)
		if moved == 0 {
			break
		}
		ev2 := pb.evaluate(ps.x, coh)
		if !lexBetter(ev2, ev) || (feasible && ev2.broken()) {
			// Rounding in the scores let a pass through that is not
			// better exactly: keep the plan before it.
			return snap, ev
		}
		x, ev = cloneCells(ps.x), ev2
		if !time.Now().Before(deadline) {
			break
		}
		ps = newPolisher(pb, x, coh) // fresh sums: no drift between passes
	}
	return x, ev
}

// lexBetter reports whether a is strictly better than b by (V, objective).
func lexBetter(a, b evaluation) bool {
	if c := a.vcost.Cmp(b.vcost); c != 0 {
		return c < 0
	}
	return a.objective.Cmp(b.objective) < 0
}

func cloneCells(x [][]int8) [][]int8 {
	out := make([][]int8, len(x))
	for p := range x {
		out[p] = append([]int8(nil), x[p]...)
	}
	return out
}

// polisher holds the counts a move changes.
type polisher struct {
	pb    *problem
	x     [][]int8
	coh   []int
	diff  [][]float64
	cov   *coverage
	tele  [][]int // [p][w]
	teleN []int
	T     int
	fair  []float64 // f_p at the current counts (unweighted)
	fsum  float64
	wF    float64
	// violation weights and the count of broken units (any family)
	wMin, wDuty, wCoh, wCap, wTgt float64
}

func newPolisher(pb *problem, x [][]int8, coh []int) *polisher {
	vw := func(f string) float64 { return ratF(pb.vw[f]) }
	ps := &polisher{pb: pb, x: cloneCells(x), coh: coh, diff: pb.cellDiff(), wF: ratF(pb.wFair),
		wMin: vw("minOnsite"), wDuty: vw("duty"), wCoh: vw("cohort"), wCap: vw("maxTelePerWeek"), wTgt: vw("targetReduction")}
	ps.cov = pb.coverageOf(ps.x)
	ps.tele = make([][]int, pb.N)
	ps.teleN = make([]int, pb.N)
	for p := 0; p < pb.N; p++ {
		ps.tele[p] = make([]int, pb.nWeeks)
		for d := 0; d < pb.D; d++ {
			if ps.x[p][d] == mTele {
				ps.tele[p][pb.week[d]]++
				ps.teleN[p]++
			}
		}
		ps.T += ps.teleN[p]
	}
	ps.fair = make([]float64, pb.N)
	ps.refair()
	return ps
}

// fairOf is person p's fairness term (unweighted) with t TELE days of T.
func (ps *polisher) fairOf(p, t, T int) float64 {
	pb := ps.pb
	if pb.A == 0 || pb.avail[p] == 0 && pb.mean {
		return 0
	}
	if !pb.mean {
		return float64(max(0, pb.lo[p]-t, t-pb.hi[p]))
	}
	v := math.Abs(float64(t)-float64(pb.avail[p])*float64(T)/float64(pb.A)) - ratF(pb.tol)
	return math.Max(0, v)
}

// refair recomputes every person's term and their sum.
func (ps *polisher) refair() {
	ps.fsum = 0
	for p := range ps.fair {
		ps.fair[p] = ps.fairOf(p, ps.teleN[p], ps.T)
		ps.fsum += ps.fair[p]
	}
}

// cell is the change of (broken units, violation cost, objective without
// fairness) when p goes on site on d (s = +1) or home (s = −1), and makes it.
func (ps *polisher) cell(p, d, s int) (units int, dv, dobj float64) {
	pb := ps.pb
	short := func(have, need int) int { return max(0, need-have) }
	n := ps.cov.day[d]
	u := short(n+s, pb.minOnsite[d]) - short(n, pb.minOnsite[d])
	units += u
	dv += ps.wMin * float64(u)
	for k := range pb.dutyMin {
		if pb.quals[p][k] {
			h := ps.cov.duty[k][d]
			u := short(h+s, pb.dutyMin[k][d]) - short(h, pb.dutyMin[k][d])
			units += u
			dv += ps.wDuty * float64(u)
		}
	}
	if pb.neverMeet && ps.coh != nil && pb.cohortOf[p] != ps.coh[d] {
		units += s
		dv += ps.wCoh * float64(s)
	}
	if pb.cap >= 0 {
		t := ps.tele[p][pb.week[d]]
		u := max(0, t-s-pb.cap) - max(0, t-pb.cap)
		units += u
		dv += ps.wCap * float64(u)
	}
	if pb.hasTarget {
		t := ps.cov.total
		u := max(0, t+s-pb.onsiteCap) - max(0, t-pb.onsiteCap)
		units += u
		dv += ps.wTgt * float64(u)
	}
	dobj = float64(s) * ps.diff[p][d]
	ps.cov.move(p, d, s)
	ps.tele[p][pb.week[d]] -= s
	ps.teleN[p] -= s
	ps.T -= s
	if s > 0 {
		ps.x[p][d] = mOnsite
	} else {
		ps.x[p][d] = mTele
	}
	return units, dv, dobj
}

// fairDelta is the change of the weighted fairness since the counts were
// last summed: over everyone when T moved, else over who.
func (ps *polisher) fairDelta(T0, p1, p2 int) float64 {
	if ps.wF == 0 {
		return 0
	}
	if ps.T != T0 && ps.pb.mean {
		s := 0.0
		for p := range ps.fair {
			s += ps.fairOf(p, ps.teleN[p], ps.T)
		}
		return ps.wF * (s - ps.fsum)
	}
	d := ps.fairOf(p1, ps.teleN[p1], ps.T) - ps.fair[p1]
	if p2 != p1 {
		d += ps.fairOf(p2, ps.teleN[p2], ps.T) - ps.fair[p2]
	}
	return ps.wF * d
}

// sweep tries every move once, keeping those that improve; it returns how
// many it kept.
func (ps *polisher) sweep(feasible bool, deadline time.Time) int {
	pb := ps.pb
	kept := 0
	good := func(units int, dv, dobj float64) bool {
		if feasible {
			return units <= 0 && dobj < -1e-9
		}
		return dv < -1e-9 || (dv <= 1e-9 && dobj < -1e-9)
	}
	sign := func(m int8) int {
		if m == mOnsite {
			return -1 // on site: the move sends p home
		}
		return 1
	}
	// try makes the changes of cells (p1, d1) and, when two, (p2, d2) in
	// order, keeps them when they improve, else undoes them.
	try := func(p1, d1, p2, d2 int, two bool) {
		T0 := ps.T
		units, dv, dobj := ps.cell(p1, d1, sign(ps.x[p1][d1]))
		if two {
			u, v, o := ps.cell(p2, d2, sign(ps.x[p2][d2]))
			units, dv, dobj = units+u, dv+v, dobj+o
		} else {
			p2 = p1
		}
		dobj += ps.fairDelta(T0, p1, p2)
		if good(units, dv, dobj) {
			kept++
			ps.refair()
			return
		}
		if two {
			ps.cell(p2, d2, sign(ps.x[p2][d2]))
		}
		ps.cell(p1, d1, sign(ps.x[p1][d1]))
	}
	// Single cells.
	for p := 0; p < pb.N; p++ {
		if !time.Now().Before(deadline) {
			return kept
		}
		for d := 0; d < pb.D; d++ {
			if ps.x[p][d] != mLeave {
				try(p, d, 0, 0, false)
			}
		}
	}
	// Two people trade a day: the day's head count and T stay.
	for d := 0; d < pb.D; d++ {
		for p := 0; p < pb.N; p++ {
			if !time.Now().Before(deadline) {
				return kept
			}
			for q := 0; q < pb.N && ps.x[p][d] == mOnsite; q++ {
				if ps.x[q][d] == mTele {
					try(p, d, q, d, true)
				}
			}
		}
	}
	// One person trades two days: their count and T stay.
	for p := 0; p < pb.N; p++ {
		if !time.Now().Before(deadline) {
			return kept
		}
		for d1 := 0; d1 < pb.D; d1++ {
			for d2 := 0; d2 < pb.D && ps.x[p][d1] == mOnsite; d2++ {
				if ps.x[p][d2] == mTele {
					try(p, d1, p, d2, true)
				}
			}
		}
	}
	return kept
}
