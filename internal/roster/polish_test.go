package roster

import (
	"encoding/json"
	"math/big"
	"os"
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
			x, h, ev := pb.polish(cloneCells(x0), h, ev0, time.Now().Add(time.Minute))
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

// bestWithCohorts is the best plan (by (V, objective)) whose day cohorts are
// coh, by enumerating every cell: no move of cells alone improves it.
func bestWithCohorts(pb *problem, coh []int) ([][]int8, evaluation) {
	x, _ := pb.uniformPlan() // leave days set
	var free [][2]int
	for p := range x {
		for d, m := range x[p] {
			if m != mLeave {
				free = append(free, [2]int{p, d})
			}
		}
	}
	var best [][]int8
	var bestEv evaluation
	for mask := 0; mask < 1<<len(free); mask++ {
		for i, c := range free {
			x[c[0]][c[1]] = mTele
			if mask&(1<<i) != 0 {
				x[c[0]][c[1]] = mOnsite
			}
		}
		if ev := pb.evaluate(x, coh); best == nil || lexBetter(ev, bestEv) {
			best, bestEv = cloneCells(x), ev
		}
	}
	return best, bestEv
}

// The improvement pass changes day cohorts (issue 15): from the best plan of
// some day cohorts — which no cell move improves, so the pass before this
// change returned it as it was — it reaches a better plan with other day
// cohorts, lowering the violation cost or, at the same cost, the objective.
func TestPolishChangesDayCohorts(t *testing.T) {
	const head = `{"schema":"roster-instance/1","name":"t","cohorts":{"names":["A","B"],"neverMeet":true},"targetReduction":null,`
	for _, tc := range []struct {
		name, instance string
		cohorts        []int // the starting day cohorts
		wantV, wantObj string
	}{{
		// One person per cohort, a cap of one TELE day a week, two weeks
		// of two days: with A, A, B, B each person overflows the cap by
		// one (V = 2); A, B, A, B or A, B, B, A keep it (V = 0).
		name: "weekly cap only other day cohorts keep",
		instance: head + `"days":["2026-06-01","2026-06-02","2026-06-08","2026-06-09"],
			"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B"}],
			"minOnsite":[1,1,1,1],"maxTelePerWeek":1,"previousPlan":null}`,
		cohorts: []int{0, 0, 1, 1}, wantV: "0", wantObj: "0",
	}, {
		// One person per cohort, fairness against the mean: with A on
		// three days of four, a1 works one day at home and b1 three
		// (F = 2); two days each is fair (F = 0).
		name: "mean fairness with day cohorts",
		instance: head + `"days":["2026-06-01","2026-06-02","2026-06-03","2026-06-04"],
			"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B"}],
			"minOnsite":[1,1,1,1],"maxTelePerWeek":null,"previousPlan":null,
			"weights":{"fairness":1},"fairness":{"reference":"mean","tolerance":0}}`,
		cohorts: []int{0, 0, 0, 1}, wantV: "0", wantObj: "0",
	}, {
		// The same at a violation cost: one person per cohort, the cap of
		// the first case and a duty only b1 holds on the last day; A on
		// three days breaks the cap and the duty, B on two days of each
		// week keeps both.
		name: "duty and cap, infeasible start",
		instance: head + `"days":["2026-06-01","2026-06-02","2026-06-08","2026-06-09"],
			"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B","qualifications":["counter"]}],
			"minOnsite":[1,1,1,1],"duties":[{"id":"counter","minOnsite":[0,0,0,1]}],"maxTelePerWeek":1,"previousPlan":null}`,
		cohorts: []int{0, 1, 0, 0}, wantV: "0", wantObj: "0",
	}, {
		// Only with the re-spread of the cohort's days within the week
		// (one week of five days, a cap of three TELE days): with B, B,
		// B, B, A, a1 works one day on site and overflows the cap by one
		// (V = 1), b1 works days 1 and 4, at the cap. Day 2 or 3 going to
		// A gains nothing until a1 comes in on it (no minimum calls them
		// in); day 1 or 4 going to A sends b1 home into the cap's
		// overflow unless b1 comes in on another B day. The pass before
		// the re-spread scored each of these on its own and kept V = 1.
		name: "weekly cap kept only when the days are re-spread",
		instance: head + `"days":["2026-06-01","2026-06-02","2026-06-03","2026-06-04","2026-06-05"],
			"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B"}],
			"minOnsite":[1,0,0,1,1],"maxTelePerWeek":3,"previousPlan":null,"weights":{"preference":1},
			"preferences":[{"staff":"b1","day":"2026-06-02","mode":"TELE"},{"staff":"b1","day":"2026-06-03","mode":"TELE"}]}`,
		cohorts: []int{1, 1, 1, 1, 0}, wantV: "0", wantObj: "0",
	}, {
		// The same on a plan that keeps every constraint: a1 wishes to
		// be on site on day 2, a B day that needs no one. Day 2 going to
		// A honours the wish only if a1 then comes in; trading days 2
		// and 5 would call b1 in on day 5 against their wish.
		name: "a wish met only when the days are re-spread",
		instance: head + `"days":["2026-06-01","2026-06-02","2026-06-03","2026-06-04","2026-06-05"],
			"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B"}],
			"minOnsite":[1,0,0,1,1],"maxTelePerWeek":null,"previousPlan":null,"weights":{"preference":1},
			"preferences":[{"staff":"a1","day":"2026-06-02","mode":"ONSITE"},{"staff":"b1","day":"2026-06-02","mode":"TELE"},
				{"staff":"b1","day":"2026-06-03","mode":"TELE"},{"staff":"b1","day":"2026-06-05","mode":"TELE"}]}`,
		cohorts: []int{1, 1, 1, 1, 0}, wantV: "0", wantObj: "0",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := ParseInstance([]byte(tc.instance))
			if err != nil {
				t.Fatal(err)
			}
			pb, err := in.compile()
			if err != nil {
				t.Fatal(err)
			}
			x0, ev0 := bestWithCohorts(pb, tc.cohorts)
			x, coh, ev := pb.polish(cloneCells(x0), tc.cohorts, ev0, time.Now().Add(time.Minute))
			if !lexBetter(ev, ev0) {
				t.Fatalf("polish kept V %s objective %s (day cohorts %v); a cohort change improves it",
					ev0.vcost.RatString(), ev0.objective.RatString(), tc.cohorts)
			}
			if got := pb.evaluate(x, coh); got.vcost.Cmp(ev.vcost) != 0 || got.objective.Cmp(ev.objective) != 0 {
				t.Errorf("polish reports V %s obj %s, evaluate says V %s obj %s", ev.vcost.RatString(),
					ev.objective.RatString(), got.vcost.RatString(), got.objective.RatString())
			}
			if ev.vcost.RatString() != tc.wantV || ev.objective.RatString() != tc.wantObj {
				t.Errorf("V %s objective %s (day cohorts %v); want V %s objective %s", ev.vcost.RatString(),
					ev.objective.RatString(), coh, tc.wantV, tc.wantObj)
			}
		})
	}
}

// The outside review's 73 × 21 A/B/C section against the mean (issue 15):
// a 1 s run answered 414.87, the fixed-cohort decomposition's plan, and the
// pass could not leave its day cohorts (the planner before that pass gave
// 346.11 at 2 s, single cells from a 10 s plan 341.93). From that plan the
// pass with cohort moves goes far below (9.35 with a free hand).
func TestPolishLeavesFixedCohortPlan(t *testing.T) {
	pb, x, coh := loadPlan(t, "mean-cohorts-abc-s73-d21.json", "mean-cohorts-abc-s73-d21.plan-414.json")
	ev0 := pb.evaluate(x, coh)
	x, coh, ev := pb.polish(x, coh, ev0, time.Now().Add(time.Minute))
	if ev.broken() || ratF(ev.objective) > 341.94 {
		t.Errorf("from %s: V %s objective %s (%d violations); want a plan keeping every constraint below 341.94",
			ev0.objective.FloatString(2), ev.vcost.RatString(), ev.objective.FloatString(2), len(ev.violations))
	}
	if got := pb.evaluate(x, coh); got.objective.Cmp(ev.objective) != 0 {
		t.Errorf("polish reports %s, evaluate says %s", ev.objective.RatString(), got.objective.RatString())
	}
}

// The outside review's 60 × 20 A/B/C section that no plan keeps (issue 15,
// large005; HiGHS: least V = 79, objective 1916 at it): 1–2 s runs answered
// V = 85 (testdata/…plan-85.json, a 1 s plan). From it the pass reaches
// V = 79 by sending day 16 (2026-05-21) to cohort A, calling in one person
// of another cohort who holds the counter duty A lacks that day, and
// re-spreading both cohorts' on-site days within the week. Before the
// re-spread no cohort move was kept and the plan stayed at 85.
func TestPolishReachesLeastViolationLarge005(t *testing.T) {
	pb, x, coh := loadPlan(t, "infeasible-abc-s60-d20.json", "infeasible-abc-s60-d20.plan-85.json")
	ev0 := pb.evaluate(x, coh)
	if ev0.vcost.RatString() != "85" {
		t.Fatalf("the starting plan has V %s, want 85", ev0.vcost.RatString())
	}
	x, coh, ev := pb.polish(x, coh, ev0, time.Now().Add(time.Minute))
	if ev.vcost.RatString() != "79" {
		t.Errorf("from V 85: V %s objective %s (day cohorts %v); want V 79, the least (HiGHS)",
			ev.vcost.RatString(), ev.objective.RatString(), coh)
	}
	if got := pb.evaluate(x, coh); got.vcost.Cmp(ev.vcost) != 0 || got.objective.Cmp(ev.objective) != 0 {
		t.Errorf("polish reports V %s obj %s, evaluate says V %s obj %s", ev.vcost.RatString(),
			ev.objective.RatString(), got.vcost.RatString(), got.objective.RatString())
	}
}

// loadPlan reads a testdata instance and a plan of it, as cells and day
// cohorts.
func loadPlan(t *testing.T, instance, plan string) (*problem, [][]int8, []int) {
	t.Helper()
	pb, err := loadTestdata(t, instance).compile()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/" + plan)
	if err != nil {
		t.Fatal(err)
	}
	var pl Plan
	if err := json.Unmarshal(b, &pl); err != nil {
		t.Fatal(err)
	}
	x, coh := pb.cellsOf(&pl)
	return pb, x, coh
}
