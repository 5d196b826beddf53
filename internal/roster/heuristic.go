package roster

import (
	"math"
	"sort"
	"time"
)

// The cohort heuristic. With cohorts that never meet, a day's on-site cohort
// is a small discrete decision, and once every day has one the rest is a
// "plain" section (the cells of the other cohorts are fixed at home) that
// branch and bound solves in milliseconds. The heuristic therefore searches
// the day cohorts on a cheap surrogate — each person's best plan on their
// cohort's days alone (weekly cap, fair band, wishes and changes), by a small
// dynamic programme, with days a cohort cannot cover ruled out — and solves
// the exact plain problem for the best few choices found. It only supplies
// incumbents: optimality is still proven by the full model's bound.

// cellDiff is the objective cost of ONSITE minus that of TELE for each
// available cell, the way buildModel prices it.
func (pb *problem) cellDiff() [][]float64 {
	wP, wC := ratF(pb.wPref), ratF(pb.wChange)
	out := make([][]float64, pb.N)
	for p := range out {
		out[p] = make([]float64, pb.D)
		for d := range out[p] {
			if pb.leave[p][d] {
				continue
			}
			var con, ctl float64
			switch pb.pref[p][d] {
			case 1:
				ctl += wP
			case 2:
				con += wP
			}
			if pb.prev != nil {
				if pb.prev[p][d] != mOnsite {
					con += wC
				}
				if pb.prev[p][d] != mTele {
					ctl += wC
				}
			}
			out[p][d] = con - ctl
		}
	}
	return out
}

// surrogate scores day cohorts: Σ over people of their best own plan, +Inf
// when a day's cohort cannot meet the day's minimums or someone's weekly cap
// cannot hold. It ignores how people share the day minimums and the
// reduction target, which the exact solve of the choice then settles.
type surrogate struct {
	pb   *problem
	diff [][]float64
	wF   float64
	// coverable[d][c]: cohort c alone can meet day d's minimums.
	coverable [][]bool
	buf       []float64
	best      []float64
	// relaxCap lets a week whose allowed days cannot keep the weekly cap
	// take them all instead of making the plan impossible (the shortfall
	// is a violation, counted by violationScore).
	relaxCap bool
}

func newSurrogate(pb *problem) *surrogate {
	s := &surrogate{pb: pb, diff: pb.cellDiff(), wF: ratF(pb.wFair)}
	s.coverable = make([][]bool, pb.D)
	for d := 0; d < pb.D; d++ {
		s.coverable[d] = make([]bool, pb.nCohorts)
		for c := 0; c < pb.nCohorts; c++ {
			n := 0
			duty := make([]int, len(pb.dutyMin))
			for p := 0; p < pb.N; p++ {
				if pb.cohortOf[p] != c || pb.leave[p][d] {
					continue
				}
				n++
				for k := range duty {
					if pb.quals[p][k] {
						duty[k]++
					}
				}
			}
			ok := n >= pb.minOnsite[d]
			for k := range duty {
				if duty[k] < pb.dutyMin[k][d] {
					ok = false
				}
			}
			s.coverable[d][c] = ok
		}
	}
	return s
}

// person is the least cost of p's own plan when p may be on site only on
// the days where allowed is true: the cheapest k on-site days of each week
// (at least what the weekly cap demands), combined over the weeks by count,
// plus the fairness deviation of the total. +Inf if the cap cannot hold.
func (s *surrogate) person(p int, allowed func(d int) bool) float64 {
	pb := s.pb
	a := pb.avail[p]
	inf := math.Inf(1)
	// best[k]: least cost with k on-site days so far.
	best := s.best[:0]
	best = append(best, 0)
	for w := 0; w < pb.nWeeks; w++ {
		availW := 0
		costs := s.buf[:0]
		for d := 0; d < pb.D; d++ {
			if pb.week[d] != w || pb.leave[p][d] {
				continue
			}
			availW++
			if allowed(d) {
				costs = append(costs, s.diff[p][d])
			}
		}
		s.buf = costs
		need := 0
		if pb.cap >= 0 {
			need = availW - pb.cap
		}
		if need > len(costs) {
			if !s.relaxCap {
				return inf
			}
			need = len(costs)
		}
		sort.Float64s(costs)
		next := make([]float64, len(best)+len(costs))
		for i := range next {
			next[i] = inf
		}
		for k0, v0 := range best {
			if math.IsInf(v0, 1) {
				continue
			}
			acc := 0.0
			for k := 0; k <= len(costs); k++ {
				if k > 0 {
					acc += costs[k-1]
				}
				if k < need {
					continue
				}
				// Beyond the wanted count only a negative cost helps, but
				// the fair band may still ask for more: keep every count.
				if v := v0 + acc; v < next[k0+k] {
					next[k0+k] = v
				}
			}
		}
		best = next
	}
	s.best = best
	res := inf
	for o, v := range best {
		if math.IsInf(v, 1) {
			continue
		}
		if !pb.mean && s.wF > 0 && a > 0 {
			t := a - o
			dev := 0
			if pb.lo[p]-t > dev {
				dev = pb.lo[p] - t
			}
			if t-pb.hi[p] > dev {
				dev = t - pb.hi[p]
			}
			v += s.wF * float64(dev)
		}
		if v < res {
			res = v
		}
	}
	return res
}

// score is the surrogate value of one choice of day cohorts.
func (s *surrogate) score(coh []int) float64 {
	pb := s.pb
	for d, c := range coh {
		if !s.coverable[d][c] {
			return math.Inf(1)
		}
	}
	total := 0.0
	for p := 0; p < pb.N; p++ {
		c := pb.cohortOf[p]
		v := s.person(p, func(d int) bool { return coh[d] == c })
		if math.IsInf(v, 1) {
			return v
		}
		total += v
	}
	return total
}

// cohortCandidates returns up to k distinct choices of day cohorts, best
// surrogate first, found by first-improvement local search (one day changed,
// or two days swapped) from a few regular starting patterns.
func (pb *problem) cohortCandidates(k int, deadline time.Time) [][]int {
	s := newSurrogate(pb)
	C := pb.nCohorts
	pool := cohortPool{seen: map[string]bool{}, limit: math.Inf(1)}
	var starts [][]int
	for shift := 0; shift < C; shift++ {
		a := make([]int, pb.D)
		b := make([]int, pb.D)
		for d := range a {
			a[d] = (d + shift) % C
			// Blocks within the week: Mon–Tue A, Wed–Thu B, … (by ISO week).
			b[d] = (d*C/max(1, pb.D) + shift) % C
		}
		starts = append(starts, a, b)
	}
	for si, coh := range starts {
		if si > 0 && time.Now().After(deadline) {
			break
		}
		// Repair days the start's cohort cannot cover.
		for d := range coh {
			if !s.coverable[d][coh[d]] {
				for c := 0; c < C; c++ {
					if s.coverable[d][c] {
						coh[d] = c
						break
					}
				}
			}
		}
		descend(coh, C, s.score, pool.remember, deadline)
	}
	return pool.best(k)
}

// cohortFixes fixes the day cohorts of a choice in the model: the chosen
// cohort's y to 1, the others' to 0 with their members' cells at home.
func (md *model) cohortFixes(coh []int) []fix {
	var fx []fix
	for d := range md.y {
		for c, yj := range md.y[d] {
			if c == coh[d] {
				fx = append(fx, fix{yj, 1, 1})
				continue
			}
			fx = append(fx, fix{yj, 0, 0})
			for _, o := range md.cohortMembers[d][c] {
				fx = append(fx, fix{o, 0, 0})
			}
		}
	}
	return fx
}

// cohortHeuristic solves the plain problems of the best surrogate choices of
// day cohorts exactly and returns the best plan found (nil if none), as a
// model point with its objective value.
func cohortHeuristic(md *model, deadline time.Time, tries int) ([]float64, float64) {
	pb := md.pb
	// The search keeps some of the time for the exact solves.
	cands := pb.cohortCandidates(tries, time.Now().Add(time.Until(deadline)*6/10))
	var best []float64
	bestV := math.Inf(1)
	if len(cands) > 0 {
		// A quick plan first, in case the exact solves run out of time.
		if cells := pb.greedyCohortPlan(cands[0]); cells != nil {
			if ev := pb.evaluate(cells, cands[0]); !ev.broken() {
				best, bestV = md.point(cells, cands[0]), ratF(ev.objective)
			}
		}
	}
	for _, coh := range cands {
		if time.Now().After(deadline) {
			break
		}
		r := branchAndBoundFixed(md, deadline, nil, 0, md.cohortFixes(coh))
		if r.x == nil {
			continue
		}
		if cells, ch := md.plan(r.x); pb.evaluate(cells, ch).broken() {
			continue
		}
		if r.value < bestV-1e-9 {
			best, bestV = r.x, r.value
		}
	}
	return best, bestV
}

// violationScore is violationCohorts's surrogate of the violation cost of a
// choice of day cohorts.
func (pb *problem) violationScore() func(coh []int) float64 {
	C := pb.nCohorts
	vw := func(f string) float64 { return ratF(pb.vw[f]) }
	wMin, wDuty, wCoh, wCap := vw("minOnsite"), vw("duty"), vw("cohort"), vw("maxTelePerWeek")
	// dayCost[d][c]: the surrogate cost of cohort c on day d.
	dayCost := make([][]float64, pb.D)
	for d := range dayCost {
		dayCost[d] = make([]float64, C)
		for c := 0; c < C; c++ {
			n := 0
			duty := make([]int, len(pb.dutyMin))
			for p := 0; p < pb.N; p++ {
				if pb.cohortOf[p] != c || pb.leave[p][d] {
					continue
				}
				n++
				for k := range duty {
					if pb.quals[p][k] {
						duty[k]++
					}
				}
			}
			short := max(0, pb.minOnsite[d]-n)
			shortK := make([]int, len(duty))
			for k := range duty {
				shortK[k] = max(0, pb.dutyMin[k][d]-duty[k])
			}
			// People of other cohorts on site: each costs one cohort
			// unit and covers the head count and every duty they hold
			// at once, so one of them can be cheaper than the two
			// shortfalls it fills (pricing each shortfall apart at the
			// cheaper of the two rates missed that, and a 60 × 21 A/B/C
			// section whose small cohort lacks one person and one
			// counter holder on a day kept V = 85 against 79).
			// Greedily, while someone fills more than they cost.
			used := make([]bool, pb.N)
			for {
				best, bestGain := -1, wCoh
				for p := 0; p < pb.N; p++ {
					if used[p] || pb.cohortOf[p] == c || pb.leave[p][d] {
						continue
					}
					g := 0.0
					if short > 0 {
						g += wMin
					}
					for k := range shortK {
						if shortK[k] > 0 && pb.quals[p][k] {
							g += wDuty
						}
					}
					if g > bestGain+1e-9 {
						best, bestGain = p, g
					}
				}
				if best < 0 {
					break
				}
				used[best] = true
				short = max(0, short-1)
				for k := range shortK {
					if pb.quals[best][k] {
						shortK[k] = max(0, shortK[k]-1)
					}
				}
				dayCost[d][c] += wCoh
			}
			dayCost[d][c] += float64(short) * wMin
			for k := range shortK {
				dayCost[d][c] += float64(shortK[k]) * wDuty
			}
		}
	}
	return func(coh []int) float64 {
		v := 0.0
		for d, c := range coh {
			v += dayCost[d][c]
		}
		if pb.cap < 0 {
			return v
		}
		for p := 0; p < pb.N; p++ {
			c := pb.cohortOf[p]
			for w := 0; w < pb.nWeeks; w++ {
				avail, on := 0, 0
				for d := 0; d < pb.D; d++ {
					if pb.week[d] != w || pb.leave[p][d] {
						continue
					}
					avail++
					if coh[d] == c {
						on++
					}
				}
				if short := avail - pb.cap - on; short > 0 {
					v += float64(short) * min(wCap, wCoh)
				}
			}
		}
		return v
	}
}

// violationCohorts picks day cohorts for a section that cannot keep every
// constraint, on a surrogate of the violation cost: a day's cohort short of
// the day's minimums (the cheaper of a missing person and a person from
// another cohort, per person short), and each person's weekly cap broken by
// the days their cohort is not on site. Local search (one day changed at a
// time) from a few regular patterns; nil without cohorts.
func (pb *problem) violationCohorts(deadline time.Time) []int {
	if !pb.neverMeet || pb.nCohorts < 2 {
		return nil
	}
	C := pb.nCohorts
	score := pb.violationScore()
	var best []int
	bestV := math.Inf(1)
	for shift := 0; shift < C; shift++ {
		for pattern := 0; pattern < 2; pattern++ {
			if best != nil && time.Now().After(deadline) {
				return best
			}
			coh := make([]int, pb.D)
			for d := range coh {
				if pattern == 0 {
					coh[d] = (d + shift) % C
				} else {
					coh[d] = (d*C/max(1, pb.D) + shift) % C
				}
			}
			cur := score(coh)
			for improved := true; improved && !time.Now().After(deadline); {
				improved = false
				for d := 0; d < pb.D; d++ {
					old := coh[d]
					for c := 0; c < C; c++ {
						if c == old {
							continue
						}
						coh[d] = c
						if v := score(coh); v < cur-1e-9 {
							cur, old, improved = v, c, true
						}
					}
					coh[d] = old
				}
			}
			if cur < bestV {
				best, bestV = append([]int(nil), coh...), cur
			}
		}
	}
	return best
}

// yFixes holds the day cohorts of a choice in the model (the y variables
// only: outside phaseFeasible the other cohorts' cells stay free, priced by
// the cohort slack).
func (md *model) yFixes(coh []int) []fix {
	var fx []fix
	for d := range md.y {
		for c, yj := range md.y[d] {
			v := 0.0
			if c == coh[d] {
				v = 1
			}
			fx = append(fx, fix{yj, v, v})
		}
	}
	return fx
}

// greedyCohortPlan builds a plan for given day cohorts in microseconds, for
// when the exact solves have no time (a very short limit or a loaded
// machine): each person takes the cheapest on-site days of their cohort's
// days that the weekly cap asks for, then enough to reach the fair band;
// days still short of their minimums get the cheapest further members of the
// day's cohort, those holding a duty that is short first. The plan may break
// constraints; the caller checks it.
func (pb *problem) greedyCohortPlan(coh []int) [][]int8 {
	diff := pb.cellDiff()
	x := make([][]int8, pb.N)
	// On-site counts so far, so that the days the weekly cap sends people
	// in go where the day minimums and duties are still short: when the
	// reduction cap leaves little room, days filled only afterwards by
	// coverage cannot be trimmed back, and the plan broke H6.
	cov := pb.coverageOf(x)
	helps := func(p, d int) int {
		h := 0
		if cov.day[d] < pb.minOnsite[d] {
			h++
		}
		for k := range cov.duty {
			if pb.quals[p][k] && cov.duty[k][d] < pb.dutyMin[k][d] {
				h++
			}
		}
		return h
	}
	goOn := func(p, d int) {
		x[p][d] = mOnsite
		cov.move(p, d, 1)
	}
	// People holding the most duties first: their days matter most.
	order := make([]int, pb.N)
	for p := range order {
		order[p] = p
	}
	nq := func(p int) int {
		n := 0
		for _, q := range pb.quals[p] {
			if q {
				n++
			}
		}
		return n
	}
	sort.SliceStable(order, func(i, j int) bool { return nq(order[i]) > nq(order[j]) })
	for _, p := range order {
		x[p] = make([]int8, pb.D)
		c := pb.cohortOf[p]
		var allowed []int
		for d := 0; d < pb.D; d++ {
			switch {
			case pb.leave[p][d]:
				x[p][d] = mLeave
			default:
				x[p][d] = mTele
				if coh == nil || coh[d] == c {
					allowed = append(allowed, d)
				}
			}
		}
		sort.SliceStable(allowed, func(i, j int) bool { return diff[p][allowed[i]] < diff[p][allowed[j]] })
		on := 0
		if pb.cap >= 0 {
			for w := 0; w < pb.nWeeks; w++ {
				availW := 0
				for d := 0; d < pb.D; d++ {
					if pb.week[d] == w && !pb.leave[p][d] {
						availW++
					}
				}
				need := availW - pb.cap
				var days []int
				for _, d := range allowed {
					if pb.week[d] == w {
						days = append(days, d)
					}
				}
				// The days still short first (cheapest among equals).
				sort.SliceStable(days, func(i, j int) bool { return helps(p, days[i]) > helps(p, days[j]) })
				for _, d := range days {
					if need <= 0 {
						break
					}
					goOn(p, d)
					on++
					need--
				}
			}
		}
		// The fair band (share): at least a − hi on-site days, and days
		// the person would rather be on site while below a − lo.
		want := 0
		if !pb.mean && pb.avail[p] > 0 {
			want = pb.avail[p] - pb.hi[p]
		}
		for _, d := range allowed {
			if x[p][d] == mOnsite {
				continue
			}
			if on < want || (diff[p][d] < 0 && (pb.mean || on < pb.avail[p]-pb.lo[p])) {
				goOn(p, d)
				on++
			}
		}
	}
	for d := 0; d < pb.D; d++ {
		for {
			n := 0
			duty := make([]int, len(pb.dutyMin))
			for p := 0; p < pb.N; p++ {
				if x[p][d] != mOnsite {
					continue
				}
				n++
				for k := range duty {
					if pb.quals[p][k] {
						duty[k]++
					}
				}
			}
			best, bestScore := -1, math.Inf(-1)
			for p := 0; p < pb.N; p++ {
				if x[p][d] != mTele || (coh != nil && coh[d] != pb.cohortOf[p]) {
					continue
				}
				helps := 0
				for k := range duty {
					if pb.quals[p][k] && duty[k] < pb.dutyMin[k][d] {
						helps++
					}
				}
				if helps == 0 && n >= pb.minOnsite[d] {
					continue
				}
				if s := float64(helps)*1e6 - diff[p][d]; s > bestScore {
					best, bestScore = p, s
				}
			}
			if best < 0 {
				break
			}
			x[best][d] = mOnsite
		}
	}
	if pb.hasTarget {
		pb.trimOnsite(x, diff)
	}
	return x
}

// trimOnsite sends people home, the dearest on-site cells first, while the
// plan is over the reduction cap (H6) and the cell is not needed by the
// person's weekly cap or the day's minimums.
func (pb *problem) trimOnsite(x [][]int8, diff [][]float64) {
	cov := pb.coverageOf(x)
	weekOn := make([][]int, pb.N)
	weekAvail := make([][]int, pb.N)
	type cell struct{ p, d int }
	var cells []cell
	for p := 0; p < pb.N; p++ {
		weekOn[p] = make([]int, pb.nWeeks)
		weekAvail[p] = make([]int, pb.nWeeks)
		for d := 0; d < pb.D; d++ {
			if !pb.leave[p][d] {
				weekAvail[p][pb.week[d]]++
			}
			if x[p][d] != mOnsite {
				continue
			}
			weekOn[p][pb.week[d]]++
			cells = append(cells, cell{p, d})
		}
	}
	sort.SliceStable(cells, func(i, j int) bool { return diff[cells[i].p][cells[i].d] > diff[cells[j].p][cells[j].d] })
	for _, c := range cells {
		if cov.total <= pb.onsiteCap {
			return
		}
		p, d, w := c.p, c.d, pb.week[c.d]
		if cov.day[d]-1 < pb.minOnsite[d] {
			continue
		}
		if pb.cap >= 0 && weekOn[p][w]-1 < weekAvail[p][w]-pb.cap {
			continue
		}
		ok := true
		for k := range cov.duty {
			if pb.quals[p][k] && cov.duty[k][d]-1 < pb.dutyMin[k][d] {
				ok = false
			}
		}
		if !ok {
			continue
		}
		x[p][d] = mTele
		cov.move(p, d, -1)
		weekOn[p][w]--
	}
}

// coverage counts a plan's people on site: per day, per duty and day, and
// in all.
type coverage struct {
	pb    *problem
	day   []int
	duty  [][]int
	total int
}

// coverageOf counts x's on-site cells (rows not yet made count none).
func (pb *problem) coverageOf(x [][]int8) *coverage {
	c := &coverage{pb: pb, day: make([]int, pb.D), duty: make([][]int, len(pb.dutyMin))}
	for k := range c.duty {
		c.duty[k] = make([]int, pb.D)
	}
	for p := range x {
		for d, m := range x[p] {
			if m == mOnsite {
				c.move(p, d, 1)
			}
		}
	}
	return c
}

// move counts p on site on d (s = +1) or no longer (s = −1).
func (c *coverage) move(p, d, s int) {
	c.day[d] += s
	c.total += s
	for k := range c.duty {
		if c.pb.quals[p][k] {
			c.duty[k][d] += s
		}
	}
}

// greedyViolationPlan is the violation phase's first incumbent, built in
// milliseconds without any LP: greedyCohortPlan for the given day cohorts
// (nil without cohorts), then single-cell local search on the violation cost
// (violationDescent), and the better of that and uniformPlan. On large
// infeasible sections the exact searches may not finish even their root LP
// within a short limit; this plan is then the answer.
func (pb *problem) greedyViolationPlan(coh []int, deadline time.Time) ([][]int8, []int) {
	if pb.neverMeet && coh == nil {
		// One cohort only (or none chosen): the majority rule of uniformPlan.
		_, coh = pb.uniformPlan()
	}
	x := pb.greedyCohortPlan(coh)
	if !pb.neverMeet {
		coh = nil
	}
	pb.violationDescent(x, coh, deadline)
	ux, uc := pb.uniformPlan()
	ev, uev := pb.evaluate(x, coh), pb.evaluate(ux, uc)
	if uev.vcost.Cmp(ev.vcost) < 0 || (uev.vcost.Cmp(ev.vcost) == 0 && uev.objective.Cmp(ev.objective) < 0) {
		return ux, uc
	}
	if pb.neverMeet && coh == nil {
		coh = uc
	}
	return x, coh
}

// violationDescent changes single cells (ONSITE ↔ TELE), and moves one
// person's on-site day to another day, while that lowers the violation cost,
// or keeps it and lowers the objective (wishes, changes and the share
// reference's fair band); the day cohorts stay as given. Every family is priced as evaluate prices it, so the cost only goes
// down. It stops at the deadline.
func (pb *problem) violationDescent(x [][]int8, coh []int, deadline time.Time) {
	vw := func(f string) float64 { return ratF(pb.vw[f]) }
	wMin, wDuty, wCoh, wCap, wTgt := vw("minOnsite"), vw("duty"), vw("cohort"), vw("maxTelePerWeek"), vw("targetReduction")
	diff := pb.cellDiff()
	K := len(pb.dutyMin)
	cov := pb.coverageOf(x)
	dayN, duty := cov.day, cov.duty
	tele := make([][]int, pb.N)
	for p := 0; p < pb.N; p++ {
		tele[p] = make([]int, pb.nWeeks)
		for d := 0; d < pb.D; d++ {
			if x[p][d] == mTele {
				tele[p][pb.week[d]]++
			}
		}
	}
	// fairPart: the change of the share-reference fairness term when p
	// goes on site (s = +1: one TELE day fewer) or home. (The mean
	// reference depends on everyone's total; it is left to the exact
	// phases.)
	wF := ratF(pb.wFair)
	teleN := make([]int, pb.N)
	for p := 0; p < pb.N; p++ {
		for _, n := range tele[p] {
			teleN[p] += n
		}
	}
	fairPart := func(p, s int) float64 {
		if pb.mean || wF == 0 || pb.avail[p] == 0 {
			return 0
		}
		dev := func(t int) int { return max(0, pb.lo[p]-t, t-pb.hi[p]) }
		return wF * float64(dev(teleN[p]-s)-dev(teleN[p]))
	}
	short := func(have, need int) int { return max(0, need-have) }
	// dayPart is the change of the day's families (minimum, duties,
	// cohort) when p goes on site on d (s = +1) or home (s = −1).
	dayPart := func(p, d, s int) float64 {
		v := wMin * float64(short(dayN[d]+s, pb.minOnsite[d])-short(dayN[d], pb.minOnsite[d]))
		for k := 0; k < K; k++ {
			if pb.quals[p][k] {
				v += wDuty * float64(short(duty[k][d]+s, pb.dutyMin[k][d])-short(duty[k][d], pb.dutyMin[k][d]))
			}
		}
		if coh != nil && pb.cohortOf[p] != coh[d] {
			v += wCoh * float64(s)
		}
		return v
	}
	// capPart: p's TELE days in week w change by −s.
	capPart := func(p, w, s int) float64 {
		if pb.cap < 0 {
			return 0
		}
		t := tele[p][w]
		return wCap * float64(max(0, t-s-pb.cap)-max(0, t-pb.cap))
	}
	tgtPart := func(s int) float64 {
		if !pb.hasTarget {
			return 0
		}
		return wTgt * float64(max(0, cov.total+s-pb.onsiteCap)-max(0, cov.total-pb.onsiteCap))
	}
	flip := func(p, d, s int) {
		cov.move(p, d, s)
		tele[p][pb.week[d]] -= s
		teleN[p] -= s
		if s > 0 {
			x[p][d] = mOnsite
		} else {
			x[p][d] = mTele
		}
	}
	better := func(dv, dObj float64) bool { return dv < -1e-9 || (dv <= 1e-9 && dObj < -1e-9) }
	for pass := 0; pass < 50 && time.Now().Before(deadline); pass++ {
		changed := false
		// Single cells.
		for p := 0; p < pb.N; p++ {
			for d := 0; d < pb.D; d++ {
				s := 1
				switch x[p][d] {
				case mLeave:
					continue
				case mOnsite:
					s = -1
				}
				dv := dayPart(p, d, s) + capPart(p, pb.week[d], s) + tgtPart(s)
				if better(dv, float64(s)*diff[p][d]+fairPart(p, s)) {
					flip(p, d, s)
					changed = true
				}
			}
		}
		// One person's on-site day moved to another day: the total and,
		// within a week, the weekly count stay, so this reaches what
		// single cells cannot when the reduction cap or the weekly cap
		// is tight.
		for p := 0; p < pb.N && time.Now().Before(deadline); p++ {
			for d1 := 0; d1 < pb.D; d1++ {
				if x[p][d1] != mOnsite {
					continue
				}
				for d2 := 0; d2 < pb.D; d2++ {
					if x[p][d2] != mTele {
						continue
					}
					// The two cells one after the other, exactly.
					dv := dayPart(p, d1, -1) + capPart(p, pb.week[d1], -1) + tgtPart(-1)
					flip(p, d1, -1)
					dv += dayPart(p, d2, 1) + capPart(p, pb.week[d2], 1) + tgtPart(1)
					if better(dv, diff[p][d2]-diff[p][d1]) {
						flip(p, d2, 1)
						changed = true
						break
					}
					flip(p, d1, 1)
				}
			}
		}
		if !changed {
			break
		}
	}
}
