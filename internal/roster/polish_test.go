package roster

import (
	"math/big"
	"testing"
	"time"
)

// localOptimum reports a single cell, two people's trade of a day or one
// person's trade of two days that makes the plan better exactly (by
// evaluate), keeping every hard constraint when it held them all; "" when
// there is none.
func localOptimum(pb *problem, x [][]int8, coh []int) string {
	base := pb.evaluate(x, coh)
	// improves flips the cells, evaluates, and flips them back.
	improves := func(cells ...[2]int) bool {
		for _, c := range cells {
			x[c[0]][c[1]] = 1 - x[c[0]][c[1]]
		}
		ev := pb.evaluate(x, coh)
		for _, c := range cells {
			x[c[0]][c[1]] = 1 - x[c[0]][c[1]]
		}
		return (base.broken() || !ev.broken()) && lexBetter(ev, base)
	}
	for p := 0; p < pb.N; p++ {
		for d := 0; d < pb.D; d++ {
			if x[p][d] == mLeave {
				continue
			}
			if improves([2]int{p, d}) {
				return "single cell"
			}
			if x[p][d] != mOnsite {
				continue
			}
			for q := 0; q < pb.N; q++ {
				if x[q][d] == mTele && improves([2]int{p, d}, [2]int{q, d}) {
					return "two people, one day"
				}
			}
			for e := 0; e < pb.D; e++ {
				if x[p][e] == mTele && improves([2]int{p, d}, [2]int{p, e}) {
					return "one person, two days"
				}
			}
		}
	}
	return ""
}

// The improvement pass leaves plans no move of its kinds improves, never
// makes a plan worse, and never breaks a constraint a plan kept. Starting
// points: the greedy plan (feasible or not) of generated sections of every
// kind, and the uniform plans (everyone on site, everyone at home).
func TestPolishReachesLocalOptimum(t *testing.T) {
	for _, sp := range []GenSpec{
		{Staff: 12, Days: 10, Kind: "plain", Seed: 1},
		{Staff: 12, Days: 10, Kind: "cohort2", Seed: 2},
		{Staff: 14, Days: 10, Kind: "cohort3", Seed: 3},
		{Staff: 12, Days: 10, Kind: "replan", Seed: 4},
		{Staff: 12, Days: 10, Kind: "mean", Seed: 5},
		{Staff: 12, Days: 10, Kind: "infeasible", Seed: 6},
	} {
		pb, err := Generate(sp).compile()
		if err != nil {
			t.Fatal(err)
		}
		var coh []int
		if pb.neverMeet {
			coh = make([]int, pb.D)
			for d := range coh {
				coh[d] = d % pb.nCohorts
			}
		}
		ux, uc := pb.uniformPlan()
		for name, start := range map[string][2]any{
			"greedy":  {pb.greedyCohortPlan(coh), coh},
			"uniform": {ux, uc},
		} {
			x0, h := start[0].([][]int8), start[1].([]int)
			ev0 := pb.evaluate(x0, h)
			x, ev := pb.polish(cloneCells(x0), h, ev0, time.Now().Add(time.Minute))
			if got := pb.evaluate(x, h); got.vcost.Cmp(ev.vcost) != 0 || got.objective.Cmp(ev.objective) != 0 {
				t.Errorf("%s %s: polish reports V %s obj %s, evaluate says V %s obj %s", sp.Kind, name,
					ev.vcost.RatString(), ev.objective.RatString(), got.vcost.RatString(), got.objective.RatString())
			}
			if lexBetter(ev0, ev) || (!ev0.broken() && ev.broken()) {
				t.Errorf("%s %s: polish made the plan worse", sp.Kind, name)
			}
			if m := localOptimum(pb, x, h); m != "" {
				t.Errorf("%s %s: after polish, a move (%s) still improves the plan", sp.Kind, name, m)
			}
		}
	}
}

// An outside reviewer's section (30 staff × 20 days, cohorts A/B that never
// meet, fairness against the mean with τ = 0.5, weights {fairness: 1}): the
// planner answered 108.69 at 2 s, not even a 1-flip local optimum (flips from
// it reach 0.38); 20 s proved 0. The improvement pass and the decomposition
// with the incumbent's day cohorts held now reach the optimum in well under
// the limit.
func TestMeanWithDayCohorts(t *testing.T) {
	in := loadTestdata(t, "mean-cohorts-ab-s30-d20.json")
	// A limit no loaded machine comes near (the planner returns once the
	// optimum is proven, in about 0.25 s): the test judges the plan, never
	// the clock.
	pl, err := Solve(in, Options{TimeLimit: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	obj, ok := new(big.Rat).SetString(pl.ObjectiveExact)
	if !ok || pl.ViolationCost != "0" || obj.Cmp(big.NewRat(38, 100)) > 0 {
		t.Errorf("status %s objective %s V %s; want a plan keeping every constraint, objective at most 0.38 (0 is optimal)",
			pl.Status, pl.ObjectiveExact, pl.ViolationCost)
	}
}
