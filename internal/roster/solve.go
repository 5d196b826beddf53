package roster

import (
	"encoding/json"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Plan statuses.
const (
	StatusOptimal  = "optimal"  // every hard constraint holds; no better plan exists
	StatusFeasible = "feasible" // every hard constraint holds; the time limit came before the proof
	// StatusInfeasible: the plan breaks hard constraints (Violations), the
	// least violation cost found. The contract (issue 15) knows only these
	// three statuses: what is proven is in ViolationCostBound — equal to
	// ViolationCost when the minimum is proven, below it when the time
	// limit came first, and 0 when not even "no plan keeps every
	// constraint" is proven (the planner used to say "unknown" then).
	StatusInfeasible = "infeasible"
)

// Plan is a roster-plan/1 document with the planner's report.
type Plan struct {
	Schema      string              `json:"schema"`
	Instance    string              `json:"instance"`
	Assignments map[string][]string `json:"assignments"`
	CohortByDay []string            `json:"cohortByDay,omitempty"`
	// Objective is w_fair·F + w_pref·P + w_change·C of this plan, exact
	// when it is a terminating decimal; ObjectiveExact is the fraction.
	Objective      json.Number `json:"objective"`
	ObjectiveExact string      `json:"objectiveExact"`
	// Bound is the proven lower bound on the objective (on the least
	// violation cost when infeasible) and Gap = (Objective − Bound) /
	// max(Bound, 1): 0 when Status is optimal.
	Bound              json.Number `json:"bound"`
	Gap                float64     `json:"gap"`
	ViolationCost      json.Number `json:"violationCost"`
	ViolationCostBound json.Number `json:"violationCostBound"`
	Status             string      `json:"status"`
	Violations         []Violation `json:"violations"`
	Terms              Terms       `json:"terms"`
	Nodes              int         `json:"nodes"`
	Seconds            float64     `json:"seconds"`
}

// Terms are the parts of the objective before weighting.
type Terms struct {
	Fairness    string `json:"fairness"`
	Preferences int    `json:"preferenceViolations"`
	Changes     int    `json:"changes"`
}

// Options tune one run.
type Options struct {
	// TimeLimit bounds the search; the best plan so far is returned with
	// its proven gap when it runs out. Zero means 10 s.
	TimeLimit time.Duration
}

// Solve plans one instance. It returns an error only for a malformed
// instance: at the time limit it answers with the best plan it has.
func Solve(in *Instance, opt Options) (*Plan, error) {
	pb, err := in.compile()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	limit := opt.TimeLimit
	if limit <= 0 {
		limit = 10 * time.Second
	}
	// A little of the limit is kept for reading the plan back and writing
	// it, and a tenth for the improvement pass every answer goes through
	// (polish.go): the searches run in the rest.
	end := start.Add(limit - min(limit/20, 50*time.Millisecond))
	pl := pb.solve(start, limit*9/10)
	if pl.Status != StatusOptimal {
		pl = pb.finish(pl, end)
	}
	pl.Seconds = time.Since(start).Seconds()
	return pl, nil
}

// finish runs the improvement pass on a plan the searches did not prove
// optimal, and writes it again when the pass improved it (same bounds; a
// plan that now keeps every hard constraint is feasible).
func (pb *problem) finish(pl *Plan, end time.Time) *Plan {
	cells, coh := pb.cellsOf(pl)
	ev := pb.evaluate(cells, coh)
	cells2, coh2, ev2 := pb.polish(cells, coh, ev, end)
	if !lexBetter(ev2, ev) {
		return pl
	}
	bound, _ := pl.Bound.Float64()
	vBound, _ := pl.ViolationCostBound.Float64()
	status, vExact := pl.Status, (*big.Rat)(nil)
	if !ev2.broken() {
		status, vExact = StatusFeasible, ev2.vcost
		if ev.broken() {
			// The bound was the violation phase's: of no use here.
			bound = 0
		}
		if tol := 1e-9 * math.Max(1, bound); ratF(ev2.objective) <= bound+tol {
			status = StatusOptimal
		}
	}
	out := pb.report(cells2, coh2, ev2, status, bound, 0, vExact, vBound)
	out.Nodes = pl.Nodes
	return out
}

// cellsOf reads a plan of this problem back into cells and day cohorts (nil
// without cohorts that never meet).
func (pb *problem) cellsOf(pl *Plan) ([][]int8, []int) {
	cells := make([][]int8, pb.N)
	for p, id := range pb.ids {
		cells[p] = make([]int8, pb.D)
		for d, m := range pl.Assignments[id] {
			cells[p][d] = modeIndex(m)
		}
	}
	var coh []int
	if pb.neverMeet {
		coh = make([]int, pb.D)
		for d, name := range pl.CohortByDay {
			coh[d] = max(0, slices.Index(pb.cohortNms, name))
		}
	}
	return cells, coh
}

// solve runs the exact searches within limit of start.
func (pb *problem) solve(start time.Time, limit time.Duration) *Plan {
	// A little of the limit is kept for reading the plan back and writing it.
	deadline := start.Add(limit - min(limit/20, 50*time.Millisecond))

	md := buildModel(pb, phaseFeasible, nil)
	extraLB := math.Inf(-1)
	var seed []float64
	seedValue := 0.0
	uncovered := false
	if pb.neverMeet && pb.nCohorts > 1 {
		for _, cov := range newSurrogate(pb).coverable {
			if !slices.Contains(cov, true) {
				uncovered = true
			}
		}
	}
	if pb.neverMeet && pb.nCohorts > 1 && !uncovered {
		// Day cohorts first: the plain problems of the best few choices
		// give an incumbent before the full model's search starts.
		share, tries := limit/8, 1
		if limit < 400*time.Millisecond {
			share = limit / 3
		}
		if pb.mean {
			// No Lagrangian, so no priced search, against the mean: the
			// best of the surrogate's three first choices, as before it.
			share, tries = limit/4, 3
			if limit < 400*time.Millisecond {
				share = limit / 2
			}
		}
		// One exact solve otherwise: the priced search (cohortsearch.go)
		// finds better day cohorts than more of the surrogate's would.
		seed, seedValue = cohortHeuristic(md, start.Add(share), tries)
		// The Lagrangian bound often proves the heuristic's plan optimal
		// without the root LP and its thousands of links. When it does not,
		// its day prices steer a search for better day cohorts
		// (cohortsearch.go), and the cohort tree on the same prices
		// finishes the proof.
		if seed != nil {
			pl, co := cohortPhase(md, seed, seedValue, start, limit)
			if pl != nil {
				return pl
			}
			extraLB = co.bound
			seed, seedValue = co.x, co.value
		}
	}
	if seed == nil && !(pb.neverMeet && pb.nCohorts > 1) {
		// Sections without day cohorts: a greedy plan in milliseconds
		// (weekly cap, fair band, day minimums and duties, trimmed to the
		// reduction cap; single-cell repairs if it still breaks one) is
		// the first incumbent. Without it, a large section whose LPs do
		// not finish in time had no plan at all and ended with the
		// all-on-site plan.
		var coh []int
		if pb.neverMeet {
			coh = make([]int, pb.D)
		}
		x := pb.greedyCohortPlan(coh)
		ev := pb.evaluate(x, coh)
		if ev.broken() {
			pb.violationDescent(x, coh, start.Add(limit/10))
			ev = pb.evaluate(x, coh)
		}
		if !ev.broken() {
			seed, seedValue = md.point(x, coh), ratF(ev.objective)
		}
	}
	extraBound, meanNodes := extraLB, 0
	if pb.mean && pb.wFair.Sign() > 0 {
		// The mean reference: the decomposition over the TELE total
		// (mean.go) settles it on its own when it finishes in time.
		var c0 [][]int8
		var h0 []int
		if seed != nil {
			c0, h0 = md.plan(seed)
		}
		if h0 != nil && pb.neverMeet && pb.nCohorts > 1 {
			// Day cohorts: the decomposition with the incumbent's day
			// cohorts held first, in a fifth of the limit; its plan is
			// the incumbent of the full decomposition.
			fr := meanSearchCohorts(pb, phaseFeasible, nil, start.Add(limit*45/100), c0, h0, h0)
			meanNodes += fr.nodes
			if fr.cells != nil && fr.value < seedValue {
				c0, h0 = fr.cells, fr.coh
				seed, seedValue = md.point(c0, h0), fr.value
			}
			// Then the improvement pass with its day-cohort moves, until
			// it settles (or 55 % of the limit): the fixed-cohort plan is
			// often one cohort change away from a far better one, and the
			// full decomposition below prunes its totals against it (a
			// 73 × 21 A/B/C section: 414.87 → 9.35 in about 0.1 s).
			if ev0 := pb.evaluate(c0, h0); !ev0.broken() {
				if c1, h1, ev1 := pb.polish(c0, h0, ev0, start.Add(limit*55/100)); lexBetter(ev1, ev0) && !ev1.broken() {
					c0, h0 = c1, h1
					seed, seedValue = md.point(c0, h0), ratF(ev1.objective)
				}
			}
		}
		mr := meanSearch(pb, phaseFeasible, nil, start.Add(limit*7/10), c0, h0)
		if mr.complete {
			pl := pb.report(mr.cells, mr.coh, mr.ev, StatusOptimal, mr.value, md.gran, new(big.Rat), 0)
			pl.Nodes, pl.Seconds = mr.nodes, time.Since(start).Seconds()
			return pl
		}
		meanNodes += mr.nodes
		if mr.cells != nil && (seed == nil || mr.value < seedValue) {
			seed, seedValue = md.point(mr.cells, mr.coh), mr.value
		}
		extraBound = mr.bound
	}
	// Without a plan in hand by 60 % of the limit, keep the rest for the
	// fallback searches.
	// (After the mean reference's search, half of what is left.)
	md.soft = start.Add(limit * 6 / 10)
	if half := time.Now().Add(time.Until(deadline) / 2); half.After(md.soft) {
		md.soft = half
	}
	if seed == nil && pb.neverMeet && pb.nCohorts > 1 {
		// Day cohorts and no plan from their exact solves: most likely
		// no plan keeps every constraint, and the violation phase needs
		// the time (it used to get a sixth of a short limit, and a
		// 60 × 21 A/B/C section answered V = 85 at 1 s against 79).
		md.soft = start.Add(limit * 35 / 100)
	}
	var res bnbResult
	if uncovered {
		// A day no cohort can staff alone: H2/H3 and H5 cannot both hold.
		res = bnbResult{infeasible: true, complete: true, value: math.Inf(1), bound: math.Inf(1)}
	} else {
		res = branchAndBound(md, deadline, seed, seedValue)
	}
	nodes := res.nodes + meanNodes
	if res.x != nil {
		// The plan is read back and checked exactly: a point the float
		// arithmetic let through with a broken constraint is no plan.
		cells, coh := md.plan(res.x)
		if ev := pb.evaluate(cells, coh); ev.broken() {
			res.x, res.complete = nil, false
			if seed != nil {
				// The seed was checked when it was found.
				res.x, res.value = seed, seedValue
			}
		}
	}
	if res.x == nil && !res.infeasible && pb.neverMeet && pb.nCohorts > 1 {
		// Not proven infeasible: keep looking for a plan that keeps every
		// constraint, with more day-cohort choices.
		// A quarter of what is left: the rest is the violation phase's.
		if x, v := cohortHeuristic(md, time.Now().Add(time.Until(deadline)/4), 12); x != nil {
			cells, coh := md.plan(x)
			if !pb.evaluate(cells, coh).broken() {
				res.x, res.value = x, v
			}
		}
	}
	if res.x != nil {
		cells, coh := md.plan(res.x)
		ev := pb.evaluate(cells, coh)
		status := StatusFeasible
		if res.complete {
			status = StatusOptimal
		}
		pl := pb.report(cells, coh, ev, status, math.Max(res.bound, extraBound), md.gran, new(big.Rat), 0)
		pl.Nodes, pl.Seconds = nodes, time.Since(start).Seconds()
		return pl
	}

	// No plan keeps every hard constraint (or none was found in time):
	// first the least violation cost, then the objective at that cost.
	mv := buildModel(pb, phaseViolation, nil)
	rest := time.Until(deadline)
	vdeadline := time.Now().Add(rest * 2 / 3)
	if pb.neverMeet && pb.nCohorts > 1 {
		// Cohort sections: the full violation model's LP is weak and its
		// search seldom finishes or improves on the day-cohort searches,
		// while the objective at V gains from more time (cohortFlips).
		vdeadline = time.Now().Add(rest * 60 / 100)
	}
	// A greedy plan first, in milliseconds: the exact searches below start
	// from it, and it is the answer when they run out of time (on large
	// sections the violation model's root LP alone can take seconds; the
	// planner used to fall back to the all-TELE plan, V in the tens of
	// thousands, where a V of a few hundred was at hand).
	vcoh := pb.violationCohorts(time.Now().Add(time.Until(vdeadline) / 10))
	gc, gh := pb.greedyViolationPlan(vcoh, time.Now().Add(time.Until(vdeadline)/10))
	gev := pb.evaluate(gc, gh)
	vseed, vseedValue := mv.point(gc, gh), ratF(gev.vcost)
	if vcoh != nil {
		// Cohort sections: the least violation with the surrogate's day
		// cohorts held is a better incumbent (the full model's LP,
		// cohort slacks and all, is weak).
		r := branchAndBoundFixed(mv, time.Now().Add(time.Until(vdeadline)*3/10), vseed, vseedValue, mv.yFixes(vcoh))
		nodes += r.nodes
		if r.x != nil {
			vseed, vseedValue = r.x, r.value
		}
	}
	cohortSection := pb.neverMeet && pb.nCohorts > 1
	firstEnd := vdeadline
	if cohortSection {
		// A quarter first: what the full search settles at once (most
		// sections) is not held up by the day-cohort flips.
		firstEnd = time.Now().Add(time.Until(vdeadline) / 4)
	}
	rv := branchAndBound(mv, firstEnd, vseed, vseedValue)
	nodes += rv.nodes
	if !rv.complete && rv.x != nil && firstEnd.Before(vdeadline) {
		// Other day cohorts, one day changed at a time, then the full
		// search again from the better plan.
		c0, h0 := mv.plan(rv.x)
		c1, h1, ev1, n := pb.cohortFlips(mv, c0, h0, pb.evaluate(c0, h0), time.Now().Add(time.Until(vdeadline)*4/10))
		nodes += n
		seed, seedV := rv.x, rv.value
		if v := ratF(ev1.vcost); v < seedV-1e-9 {
			seed, seedV = mv.point(c1, h1), v
		}
		r2 := branchAndBound(mv, vdeadline, seed, seedV)
		nodes += r2.nodes
		r2.bound = math.Max(r2.bound, rv.bound)
		rv = r2
	}
	var cells [][]int8
	var coh []int
	if rv.x != nil {
		cells, coh = mv.plan(rv.x)
	} else {
		// Out of time without any plan: still answer, with the better
		// of the two uniform plans, and a gap that says how far it may be.
		cells, coh = pb.uniformPlan()
	}
	ev := pb.evaluate(cells, coh)
	vBound := rv.bound
	if rv.complete {
		vBound = ratF(ev.vcost)
	}
	if mv.gran > 0 {
		vBound = math.Ceil(vBound/mv.gran-1e-6) * mv.gran
	}
	lexBound := math.Inf(-1)
	var rl bnbResult
	if pb.mean && pb.wFair.Sign() > 0 {
		// The mean reference: the decomposition over the TELE total,
		// at the violation cost found.
		mr := meanSearch(pb, phaseLex, ev.vcost, time.Now().Add(time.Until(deadline)*7/10), cells, coh)
		nodes += mr.nodes
		if mr.cells != nil && mr.ev.objective.Cmp(ev.objective) < 0 {
			cells, coh, ev = mr.cells, mr.coh, mr.ev
		}
		rl.complete = mr.complete
		lexBound = mr.bound
	}
	ml := buildModel(pb, phaseLex, ev.vcost)
	if !rl.complete && pb.neverMeet && pb.nCohorts > 1 {
		// With the day cohorts of the plan in hand held fixed, the
		// lexicographic problem is far easier: a better incumbent first.
		r := branchAndBoundFixed(ml, time.Now().Add(time.Until(deadline)*2/10), ml.point(cells, coh), ratF(ev.objective)+1e-9, ml.yFixes(coh))
		nodes += r.nodes
		if r.x != nil {
			c2, h2 := ml.plan(r.x)
			if ev2 := pb.evaluate(c2, h2); ev2.vcost.Cmp(ev.vcost) == 0 && ev2.objective.Cmp(ev.objective) < 0 {
				cells, coh, ev = c2, h2, ev2
			}
		}
		// The full search from the plan in hand, until end; a better
		// plan it finds is kept.
		full := func(end time.Time) bnbResult {
			r := branchAndBound(ml, end, ml.point(cells, coh), ratF(ev.objective)+1e-9)
			nodes += r.nodes
			if r.x != nil {
				c2, h2 := ml.plan(r.x)
				if ev2 := pb.evaluate(c2, h2); ev2.vcost.Cmp(ev.vcost) == 0 && ev2.objective.Cmp(ev.objective) < 0 {
					cells, coh, ev = c2, h2, ev2
				}
			}
			return r
		}
		// A tenth of the rest for the full search first: it settles
		// most sections at once. Then other day cohorts at the same V,
		// scored on a cheap surrogate with the best few solved exactly
		// (lexCohortSearch), a quarter of the rest for the full search
		// from the better plan, one day's cohort changed at a time
		// (cohortFlips), and the full search to the end.
		r1 := full(time.Now().Add(time.Until(deadline) / 10))
		if !r1.complete {
			lexBound = math.Max(lexBound, r1.bound)
			var n int
			cells, coh, ev, n = pb.lexCohortSearch(ml, cells, coh, ev, time.Now().Add(time.Until(deadline)/4))
			nodes += n
			r1 = full(time.Now().Add(time.Until(deadline) / 4))
		}
		if r1.complete {
			rl = r1
		} else {
			lexBound = math.Max(lexBound, r1.bound)
			var n int
			cells, coh, ev, n = pb.cohortFlips(ml, cells, coh, ev, time.Now().Add(time.Until(deadline)*5/10))
			nodes += n
		}
	}
	if !rl.complete {
		seedL := ml.point(cells, coh)
		rl = branchAndBound(ml, deadline, seedL, ratF(ev.objective)+1e-9)
		rl.bound = math.Max(rl.bound, lexBound)
		nodes += rl.nodes
	}
	if rl.x != nil {
		c2, h2 := ml.plan(rl.x)
		ev2 := pb.evaluate(c2, h2)
		// Keep the lexicographically better of the two (float rounding
		// in the cap row must never trade violation for objective).
		if ev2.vcost.Cmp(ev.vcost) < 0 || (ev2.vcost.Cmp(ev.vcost) == 0 && ev2.objective.Cmp(ev.objective) < 0) {
			cells, coh, ev = c2, h2, ev2
		}
	}
	var status string
	switch {
	case !ev.broken() && rl.complete:
		status = StatusOptimal
	case !ev.broken():
		status = StatusFeasible
	default:
		// provenV or not: violationCostBound says how much is proven.
		status = StatusInfeasible
	}
	objBound := rl.bound
	if rl.complete {
		objBound = ratF(ev.objective)
	}
	var vExact *big.Rat
	if ev.vcost.Sign() == 0 {
		vExact = ev.vcost
	}
	pl := pb.report(cells, coh, ev, status, objBound, ml.gran, vExact, vBound)
	pl.Nodes, pl.Seconds = nodes, time.Since(start).Seconds()
	return pl
}

// uniformPlan is the lexicographically better of "everyone on site" and
// "everyone at home" (each on its available days), the day's cohort being the
// one with most people on site: a plan that always exists.
func (pb *problem) uniformPlan() ([][]int8, []int) {
	var best [][]int8
	var bestCoh []int
	var bestEv evaluation
	for _, m := range []int8{mOnsite, mTele} {
		x := make([][]int8, pb.N)
		for p := range x {
			x[p] = make([]int8, pb.D)
			for d := range x[p] {
				x[p][d] = m
				if pb.leave[p][d] {
					x[p][d] = mLeave
				}
			}
		}
		var coh []int
		if pb.neverMeet {
			coh = make([]int, pb.D)
			for d := range coh {
				cnt := make([]int, pb.nCohorts)
				for p := 0; p < pb.N; p++ {
					if x[p][d] == mOnsite {
						cnt[pb.cohortOf[p]]++
					}
				}
				for c := range cnt {
					if cnt[c] > cnt[coh[d]] {
						coh[d] = c
					}
				}
			}
		}
		ev := pb.evaluate(x, coh)
		if best == nil || ev.vcost.Cmp(bestEv.vcost) < 0 ||
			(ev.vcost.Cmp(bestEv.vcost) == 0 && ev.objective.Cmp(bestEv.objective) < 0) {
			best, bestCoh, bestEv = x, coh, ev
		}
	}
	return best, bestCoh
}

// report assembles the plan document. vBound is the proven lower bound on
// the violation cost (ignored when vExact is given: a feasible plan).
func (pb *problem) report(cells [][]int8, coh []int, ev evaluation, status string, bound, gran float64, vExact *big.Rat, vBound float64) *Plan {
	pl := &Plan{Schema: "roster-plan/1", Instance: pb.in.Name, Status: status,
		Assignments: make(map[string][]string, pb.N), Violations: ev.violations}
	if pl.Violations == nil {
		pl.Violations = []Violation{}
	}
	for p, id := range pb.ids {
		row := make([]string, pb.D)
		for d, m := range cells[p] {
			row[d] = modeNames[m]
		}
		pl.Assignments[id] = row
	}
	if pb.neverMeet {
		for _, c := range coh {
			pl.CohortByDay = append(pl.CohortByDay, pb.cohortNms[c])
		}
	}
	pl.Objective = ratNumber(ev.objective)
	pl.ObjectiveExact = ev.objective.RatString()
	obj := ratF(ev.objective)
	if bound < 0 {
		bound = 0
	}
	if gran > 0 {
		// Objective values lie on the lattice gran·ℤ: round the bound up.
		bound = math.Ceil(bound/gran-1e-6) * gran
	}
	if bound > obj || status == StatusOptimal {
		bound = obj
	}
	pl.Bound = floatNumber(bound)
	pl.Gap = (obj - bound) / math.Max(bound, 1)
	pl.ViolationCost = ratNumber(ev.vcost)
	if vExact != nil {
		pl.ViolationCostBound = ratNumber(vExact)
	} else {
		if vb := ratF(ev.vcost); vBound > vb {
			vBound = vb
		}
		pl.ViolationCostBound = floatNumber(math.Max(vBound, 0))
	}
	pl.Terms = Terms{Fairness: ev.fairness.RatString(), Preferences: ev.prefMissed, Changes: ev.changes}
	return pl
}

// ratNumber writes a rational as a JSON number: exactly when its decimal
// terminates, else to 12 places.
func ratNumber(r *big.Rat) json.Number {
	if r.IsInt() {
		return json.Number(r.Num().String())
	}
	d := new(big.Int).Set(r.Denom())
	for _, f := range []int64{2, 5} {
		bf := big.NewInt(f)
		for new(big.Int).Mod(d, bf).Sign() == 0 {
			d.Quo(d, bf)
		}
	}
	prec := 12
	if d.Cmp(big.NewInt(1)) == 0 {
		prec = 40
	}
	s := r.FloatString(prec)
	s = strings.TrimRight(s, "0")
	return json.Number(strings.TrimSuffix(s, "."))
}

func floatNumber(f float64) json.Number {
	r := new(big.Rat)
	r.SetFloat64(math.Round(f*1e9) / 1e9)
	return json.Number(strings.TrimSuffix(strings.TrimRight(r.FloatString(9), "0"), "."))
}
