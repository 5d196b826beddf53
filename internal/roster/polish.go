package roster

import (
	"math"
	"slices"
	"time"
)

// polish is the last improvement pass every answer goes through: single
// cells (ONSITE ↔ TELE), two people trading a day (one goes home, the other
// comes in) and one person trading two of their days, while that lowers
// (violation cost, objective) lexicographically. A plan that keeps every hard
// constraint only takes moves that keep them all (families priced at 0
// included), so the status can only improve; a plan that breaks some takes
// moves that lower V, or keep V and lower the objective.
//
// With cohorts that never meet, when no cell move is left the pass changes
// day cohorts too (cohortSweep): one day goes to another cohort, or two days
// of different cohorts trade theirs, with the people of the cohorts moved
// along and their days re-spread within the touched weeks (see there). The searches before it hold the day cohorts of the plan
// they start from for long stretches (the mean reference's fixed-cohort
// decomposition above all), and a plan one cohort change away from a much
// better one was returned as it was (issue 15: a 73 × 21 A/B/C section at
// 414.87 where changing day 1's cohort and trading cells reaches 341.93).
//
// Moves are scored incrementally in floating point (every family and term as
// evaluate prices it, the mean reference included: a flip changes T and so
// every person's share, and is scored over everyone); each pass is then
// checked with evaluate itself, and a pass that is not exactly better is
// undone. It stops at the deadline, checked between moves of every kind. The
// exact searches leave plans that are not even 1-flip local optima when they
// run out of time (the mean reference with day cohorts above all), and this
// pass is what makes every answer at least that.
//
// It returns the plan, its day cohorts (coh itself when unchanged) and its
// evaluation.
func (pb *problem) polish(x [][]int8, coh []int, ev evaluation, deadline time.Time) ([][]int8, []int, evaluation) {
	if pb.N == 0 || pb.D == 0 || !time.Now().Before(deadline) {
		return x, coh, ev
	}
	if ev.vcost.Sign() == 0 && ev.objective.Sign() == 0 {
		// Nothing is below 0: a whole pass (a tenth of a second on 64 × 21
		// with cohorts) only delayed the proof that followed.
		return x, coh, ev
	}
	ps := newPolisher(pb, x, coh)
	feasible := !ev.broken()
	for pass := 0; pass < 200; pass++ {
		moved := ps.sweep(feasible, deadline)
		if moved == 0 && pb.neverMeet && pb.nCohorts > 1 {
			moved = ps.cohortSweep(feasible, deadline)
		}
		if moved == 0 {
			break
		}
		ev2 := pb.evaluate(ps.x, ps.coh)
		if !lexBetter(ev2, ev) || (feasible && ev2.broken()) {
			// Rounding in the scores let a pass through that is not
			// better exactly: keep the plan before it.
			return x, coh, ev
		}
		x, coh, ev = cloneCells(ps.x), slices.Clone(ps.coh), ev2
		if !time.Now().Before(deadline) {
			break
		}
		ps = newPolisher(pb, x, coh) // fresh sums: no drift between passes
	}
	return x, coh, ev
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
	ps := &polisher{pb: pb, x: cloneCells(x), coh: slices.Clone(coh), diff: pb.cellDiff(), wF: ratF(pb.wFair),
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

// setCoh makes c the on-site cohort of day d, and returns the change of
// (broken units, violation cost): the people on site outside the day's
// cohort.
func (ps *polisher) setCoh(d, c int) (units int, dv float64) {
	pb := ps.pb
	outside := func() int {
		n := 0
		for p := 0; p < pb.N; p++ {
			if ps.x[p][d] == mOnsite && pb.cohortOf[p] != ps.coh[d] {
				n++
			}
		}
		return n
	}
	before := outside()
	ps.coh[d] = c
	u := outside() - before
	return u, ps.wCoh * float64(u)
}

// compound is one move of several cell changes (and day cohorts), scored as
// they are made and undone in reverse order when it does not improve.
type compound struct {
	ps    *polisher
	cells [][3]int // p, d, s
	cohs  [][2]int // d, cohort before
	units int
	dv    float64
	dobj  float64
}

func (cm *compound) cell(p, d, s int) {
	u, v, o := cm.ps.cell(p, d, s)
	cm.cells = append(cm.cells, [3]int{p, d, s})
	cm.units, cm.dv, cm.dobj = cm.units+u, cm.dv+v, cm.dobj+o
}

func (cm *compound) setCoh(d, c int) {
	cm.cohs = append(cm.cohs, [2]int{d, cm.ps.coh[d]})
	u, v := cm.ps.setCoh(d, c)
	cm.units, cm.dv = cm.units+u, cm.dv+v
}

// undoTo undoes the cell changes after the first n (the running change is
// the caller's to restore).
func (cm *compound) undoTo(n int) {
	for i := len(cm.cells) - 1; i >= n; i-- {
		c := cm.cells[i]
		cm.ps.cell(c[0], c[1], -c[2])
	}
	cm.cells = cm.cells[:n]
}

// undo restores the cells and the day cohorts as they were.
func (cm *compound) undo() {
	cm.undoTo(0)
	for i := len(cm.cohs) - 1; i >= 0; i-- {
		cm.ps.coh[cm.cohs[i][0]] = cm.cohs[i][1]
	}
}

// fairChange is the change of the weighted fairness since the counts were last
// summed, over everyone.
func (ps *polisher) fairChange() float64 {
	if ps.wF == 0 {
		return 0
	}
	s := 0.0
	for p := range ps.fair {
		s += ps.fairOf(p, ps.teleN[p], ps.T)
	}
	return ps.wF * (s - ps.fsum)
}

// short is how many units day d lacks (head count and duties).
func (ps *polisher) short(d int) int {
	pb := ps.pb
	n := max(0, pb.minOnsite[d]-ps.cov.day[d])
	for k := range pb.dutyMin {
		n += max(0, pb.dutyMin[k][d]-ps.cov.duty[k][d])
	}
	return n
}

// cover brings people of day d's cohort (at home that day) on site while the
// day lacks anyone: the one covering most missing units first, then the one
// it costs least (objective and own fairness). When the cohort has no one
// left and the plan already breaks a constraint (outsiders), someone of
// another cohort comes in while they fill more than they cost: one cohort
// unit against the head count and every duty they hold (a 60 × 21 A/B/C
// section whose small cohort lacks one person and one counter holder on a
// day: one outsider with the counter duty costs 10, the two shortfalls 20).
func (ps *polisher) cover(cm *compound, d int, outsiders bool) {
	pb := ps.pb
	for {
		if ps.short(d) == 0 {
			return
		}
		best, bestGain, bestCost := -1, 0, 0.0
		for q := 0; q < pb.N; q++ {
			if ps.x[q][d] != mTele || pb.cohortOf[q] != ps.coh[d] {
				continue
			}
			gain := 0
			if ps.cov.day[d] < pb.minOnsite[d] {
				gain++
			}
			for k := range pb.dutyMin {
				if pb.quals[q][k] && ps.cov.duty[k][d] < pb.dutyMin[k][d] {
					gain++
				}
			}
			if gain == 0 {
				continue
			}
			cost := ps.diff[q][d] + ps.wF*(ps.fairOf(q, ps.teleN[q]-1, ps.T)-ps.fair[q])
			if best < 0 || gain > bestGain || (gain == bestGain && cost < bestCost) {
				best, bestGain, bestCost = q, gain, cost
			}
		}
		if best < 0 && outsiders {
			best = ps.outsider(d)
		}
		if best < 0 {
			return
		}
		cm.cell(best, d, 1)
	}
}

// outsider is the person of another cohort than day d's, at home that day,
// whose coming in fills the most of the day's shortfalls by weight, when that
// is more than the cohort unit they cost; −1 when no one does.
func (ps *polisher) outsider(d int) int {
	pb := ps.pb
	best, bestGain := -1, ps.wCoh+1e-9
	for q := 0; q < pb.N; q++ {
		if ps.x[q][d] != mTele || pb.cohortOf[q] == ps.coh[d] {
			continue
		}
		gain := 0.0
		if ps.cov.day[d] < pb.minOnsite[d] {
			gain += ps.wMin
		}
		for k := range pb.dutyMin {
			if pb.quals[q][k] && ps.cov.duty[k][d] < pb.dutyMin[k][d] {
				gain += ps.wDuty
			}
		}
		if gain > bestGain {
			best, bestGain = q, gain
		}
	}
	return best
}

// respread settles, within the weeks of the given days, the people a
// day-cohort move left out of balance: those whose weekly cap it broke in
// such a week and, for a day that went to another cohort (invite), that
// cohort's people at home on it. Each in turn takes the best of their single
// cells and trades of two of their days in the week, as long as one improves
// (by the move's running change: broken units then objective on a plan that
// keeps every constraint, else violation cost then objective; fairness of the
// person alone, the whole move being scored over everyone after). A day that
// goes to another cohort sends that cohort's people home and leaves the new
// cohort's people at home on it: the weekly cap then breaks for the first and
// stays broken for the second, though both only need their on-site days
// re-spread within the week (a 60 × 20 A/B/C section: V 85 → 79 takes a
// cohort change and that re-spread; each alone is worse). Everyone else is
// left to the cell moves of the next pass: re-spreading every person of the
// cohorts involved made each move several times dearer.
func (ps *polisher) respread(cm *compound, feasible, invite bool, days ...int) {
	pb := ps.pb
	var weeks [][]int // the days of each touched week
	for w := 0; w < pb.nWeeks; w++ {
		var ds []int
		touched := false
		for d := 0; d < pb.D; d++ {
			if pb.week[d] == w {
				ds = append(ds, d)
				touched = touched || slices.Contains(days, d)
			}
		}
		if touched {
			weeks = append(weeks, ds)
		}
	}
	// unsettled: p's weekly cap is broken in the week of ds, or p was
	// invited to one of the days.
	unsettled := func(p int, ds []int) bool {
		if pb.cap >= 0 && ps.tele[p][pb.week[ds[0]]] > pb.cap {
			return true
		}
		for _, d := range days {
			if invite && pb.week[d] == pb.week[ds[0]] && ps.x[p][d] == mTele && pb.cohortOf[p] == ps.coh[d] {
				return true
			}
		}
		return false
	}
	flip := func(p, d int) {
		if ps.x[p][d] == mOnsite {
			cm.cell(p, d, -1)
		} else {
			cm.cell(p, d, 1)
		}
	}
	// try makes the cells' changes, returns the change of (units, V,
	// objective with p's fairness) and undoes them.
	try := func(p int, cells ...int) (int, float64, float64) {
		n, units, dv, dobj := len(cm.cells), cm.units, cm.dv, cm.dobj
		f0 := ps.fairOf(p, ps.teleN[p], ps.T)
		for _, d := range cells {
			flip(p, d)
		}
		du, ddv := cm.units-units, cm.dv-dv
		ddobj := cm.dobj - dobj + ps.wF*(ps.fairOf(p, ps.teleN[p], ps.T)-f0)
		cm.undoTo(n)
		cm.units, cm.dv, cm.dobj = units, dv, dobj
		return du, ddv, ddobj
	}
	better := func(u int, dv, dobj float64, bu int, bdv, bdobj float64) bool {
		if feasible {
			return u < bu || (u == bu && dobj < bdobj-1e-9)
		}
		return dv < bdv-1e-9 || (dv <= bdv+1e-9 && dobj < bdobj-1e-9)
	}
	for p := 0; p < pb.N; p++ {
		for _, ds := range weeks {
			if !unsettled(p, ds) {
				continue
			}
			for round := 0; round < len(ds); round++ {
				var best []int
				bu, bdv, bdobj := 0, 0.0, 0.0
				consider := func(cells ...int) {
					if u, dv, dobj := try(p, cells...); better(u, dv, dobj, bu, bdv, bdobj) {
						best, bu, bdv, bdobj = cells, u, dv, dobj
					}
				}
				for i, d1 := range ds {
					if ps.x[p][d1] == mLeave {
						continue
					}
					consider(d1)
					for _, d2 := range ds[i+1:] {
						if m := ps.x[p][d2]; m != mLeave && m != ps.x[p][d1] {
							consider(d1, d2)
						}
					}
				}
				if best == nil {
					break
				}
				for _, d := range best {
					flip(p, d)
				}
			}
		}
	}
}

// cohortSweep tries moves that change day cohorts, keeping those that
// improve (as sweep judges them); it returns how many it kept.
//
//   - Day d goes to cohort c: the people of other cohorts on site that day go
//     home, and people of c come in while the day lacks head count or a duty
//     (cover). Cohorts with too few days on site (too many TELE days against
//     the mean, or a weekly cap only other day cohorts keep) gain one.
//   - Days d1 and d2 of cohorts c1 and c2 trade cohorts, and every person of
//     c1 or c2 available on both days trades their two cells: each keeps their
//     count, and the cohorts' days move between weeks (the weekly cap) and
//     between days of other minimums; then cover on both days.
//
// Before it is scored, each move re-spreads the on-site days of the people
// it left out of balance within the touched weeks (respread), and on a plan
// that already breaks a constraint cover may call in someone of another
// cohort. Each move is then scored whole (cells, cohort units, fairness over
// everyone) and undone when it does not improve; the single-cell and trading
// moves of the next pass then settle the rest. Without the re-spread a
// cohort change that only pays once its people's days move within the week
// was scored on the broken weekly caps it leaves, and never kept.
func (ps *polisher) cohortSweep(feasible bool, deadline time.Time) int {
	pb := ps.pb
	kept := 0
	good := func(cm *compound) bool {
		dobj := cm.dobj + ps.fairChange()
		if feasible {
			return cm.units <= 0 && dobj < -1e-9
		}
		return cm.dv < -1e-9 || (cm.dv <= 1e-9 && dobj < -1e-9)
	}
	finish := func(cm *compound) {
		if good(cm) {
			kept++
			ps.refair()
			return
		}
		cm.undo()
	}
	for d := 0; d < pb.D; d++ {
		for c := 0; c < pb.nCohorts; c++ {
			if c == ps.coh[d] {
				continue
			}
			if !time.Now().Before(deadline) {
				return kept
			}
			cm := &compound{ps: ps}
			cm.setCoh(d, c)
			for p := 0; p < pb.N; p++ {
				if ps.x[p][d] == mOnsite && pb.cohortOf[p] != c {
					cm.cell(p, d, -1)
				}
			}
			ps.cover(cm, d, !feasible)
			ps.respread(cm, feasible, true, d)
			finish(cm)
		}
	}
	for d1 := 0; d1 < pb.D; d1++ {
		for d2 := d1 + 1; d2 < pb.D; d2++ {
			c1, c2 := ps.coh[d1], ps.coh[d2]
			if c1 == c2 {
				continue
			}
			if !time.Now().Before(deadline) {
				return kept
			}
			cm := &compound{ps: ps}
			cm.setCoh(d1, c2)
			cm.setCoh(d2, c1)
			for p := 0; p < pb.N; p++ {
				if k := pb.cohortOf[p]; k != c1 && k != c2 {
					continue
				}
				m1, m2 := ps.x[p][d1], ps.x[p][d2]
				if m1 == mLeave || m2 == mLeave || m1 == m2 {
					continue
				}
				if m1 == mOnsite {
					cm.cell(p, d1, -1)
					cm.cell(p, d2, 1)
				} else {
					cm.cell(p, d1, 1)
					cm.cell(p, d2, -1)
				}
			}
			ps.cover(cm, d1, !feasible)
			ps.cover(cm, d2, !feasible)
			ps.respread(cm, feasible, false, d1, d2)
			finish(cm)
		}
	}
	return kept
}
