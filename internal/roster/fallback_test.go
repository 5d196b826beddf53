package roster

import (
	"math/big"
	"math/rand"
	"os"
	"testing"
	"time"
)

func loadTestdata(t *testing.T, name string) *Instance {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ParseInstance(b)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// Large sections whose exact phases cannot finish within a short limit must
// still answer with a plan near the least violation (or one that keeps every
// constraint), not the all-TELE or all-on-site plan. The instances are copies
// of an outside reviewer's: an A/B/C section of 40 staff × 62 days whose
// weekly cap cannot hold (V = 156 at best known; the all-TELE plan is 9,640),
// and mean-reference sections of 80 × 22 and 300 × 62 that have plans keeping
// every constraint. A limit of 1 ms leaves the exact searches no time at all,
// so what is asserted is the quality of the plan the planner falls back on,
// not a duration.
func TestShortLimitFallbackPlans(t *testing.T) {
	for _, tc := range []struct {
		file string
		// maxV: the plan's violation cost must not exceed it (0: the plan
		// must keep every constraint).
		maxV int64
	}{
		{"infeasible-abc-cap3-s40-d62.json", 400},
		{"infeasible-cohorts-abc.json", 40},
		{"mean-s80-d22-tau025.json", 0},
		{"mean-s300-d62.json", 0},
	} {
		in := loadTestdata(t, tc.file)
		pb, err := in.compile()
		if err != nil {
			t.Fatal(err)
		}
		uc, uh := pb.uniformPlan()
		uv := pb.evaluate(uc, uh).vcost
		for _, limit := range []time.Duration{time.Millisecond, 20 * time.Millisecond} {
			pl, err := Solve(in, Options{TimeLimit: limit})
			if err != nil {
				t.Fatal(err)
			}
			v, _ := new(big.Rat).SetString(string(pl.ViolationCost))
			if v.Cmp(big.NewRat(tc.maxV, 1)) > 0 {
				t.Errorf("%s at %v: %s V=%s, want at most %d (the uniform plan's V is %s)",
					tc.file, limit, pl.Status, pl.ViolationCost, tc.maxV, uv.RatString())
			}
			if tc.maxV == 0 && pl.Status != StatusFeasible && pl.Status != StatusOptimal {
				t.Errorf("%s at %v: status %s, want a plan keeping every constraint", tc.file, limit, pl.Status)
			}
			if ev := checkPlan(t, in, pl); ev.vcost.Cmp(v) != 0 {
				t.Errorf("%s: reported V %s, recomputed %s", tc.file, pl.ViolationCost, ev.vcost.RatString())
			}
		}
	}
}

// checkPlan recomputes a plan's evaluation from its assignments.
func checkPlan(t *testing.T, in *Instance, pl *Plan) evaluation {
	t.Helper()
	pb, err := in.compile()
	if err != nil {
		t.Fatal(err)
	}
	x, coh := pb.cellsOf(pl)
	return pb.evaluate(x, coh)
}

// The violation phase's greedy incumbent (greedyViolationPlan) only ever
// lowers the violation cost of the plan it starts from, and on the reviewer's
// A/B/C section it lands within a few percent of the best known V (156)
// where the uniform plans are at 9,640.
func TestGreedyViolationPlan(t *testing.T) {
	in := loadTestdata(t, "infeasible-abc-cap3-s40-d62.json")
	pb, err := in.compile()
	if err != nil {
		t.Fatal(err)
	}
	far := time.Now().Add(time.Hour)
	coh := pb.violationCohorts(far)
	start := pb.greedyCohortPlan(coh)
	v0 := pb.evaluate(start, coh).vcost
	x, h := pb.greedyViolationPlan(coh, far)
	ev := pb.evaluate(x, h)
	if ev.vcost.Cmp(v0) > 0 {
		t.Errorf("descent raised V from %s to %s", v0.RatString(), ev.vcost.RatString())
	}
	if ev.vcost.Cmp(big.NewRat(170, 1)) > 0 {
		t.Errorf("greedy V = %s, want at most 170 (best known 156)", ev.vcost.RatString())
	}
	// On random small sections the descent never raises V either.
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 40; i++ {
		kind := []string{"plain", "cohort2", "cohort3", "infeasible", "mean"}[i%5]
		g := Generate(GenSpec{Staff: 4 + rng.Intn(20), Days: 5 + rng.Intn(15), Kind: kind, Seed: int64(100 + i)})
		pb, err := g.compile()
		if err != nil {
			t.Fatal(err)
		}
		var coh []int
		if pb.neverMeet && pb.nCohorts > 1 {
			coh = pb.violationCohorts(far)
		}
		x := pb.greedyCohortPlan(coh)
		if pb.neverMeet && coh == nil {
			_, coh = pb.uniformPlan()
		}
		before := pb.evaluate(x, coh)
		pb.violationDescent(x, coh, far)
		after := pb.evaluate(x, coh)
		if after.vcost.Cmp(before.vcost) > 0 {
			t.Errorf("%s: descent raised V from %s to %s", g.Name, before.vcost.RatString(), after.vcost.RatString())
		}
	}
}

// bandInt, the constant-time band of the mean reference at a fixed total,
// agrees with the scan over every count it replaced (and with the rational
// computation), on random sizes, totals and tolerances.
func TestMeanBandClosedForm(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 3000; i++ {
		a := 1 + rng.Intn(30)
		A := int64(a + rng.Intn(500))
		T := rng.Intn(int(A) + 1)
		q := []int64{1, 2, 4, 8, 20, 100}[rng.Intn(6)]
		n := int64(rng.Intn(int(3 * q)))
		U, M, N := A*q, int64(a)*int64(T)*q, n*A
		S := func(t int) int64 {
			v := int64(t)*U - M
			if v < 0 {
				v = -v
			}
			return max(0, v-N)
		}
		best := int64(-1)
		for t := 0; t <= a; t++ {
			if best < 0 || S(t) < best {
				best = S(t)
			}
		}
		wantLo, wantHi := -1, -1
		for t := 0; t <= a; t++ {
			if S(t) == best {
				if wantLo < 0 {
					wantLo = t
				}
				wantHi = t
			}
		}
		mf := &meanFixed{fmin: make([]float64, 1), up1: make([]float64, 1), dn1: make([]float64, 1)}
		lo, hi := mf.bandInt(0, a, U, M, N, 1)
		if lo != wantLo || hi != wantHi || mf.fmin[0] != float64(best) {
			t.Fatalf("a=%d A=%d T=%d τ=%d/%d: band [%d,%d] fmin %v, want [%d,%d] %d", a, A, T, n, q, lo, hi, mf.fmin[0], wantLo, wantHi, best)
		}
		if hi < a && mf.up1[0] != float64(S(hi+1)-best) || lo > 0 && mf.dn1[0] != float64(S(lo-1)-best) {
			t.Fatalf("a=%d A=%d T=%d: steps %v %v", a, A, T, mf.up1[0], mf.dn1[0])
		}
	}
}

// The mean decomposition on the reviewer's 80 × 22 section (τ = 0.25): the
// reduction target makes T ≥ 1,037 and the weekly cap plus the last short
// week's day minimums T ≤ 1,065, so it settles 29 totals, not the 79 the
// weaker range gave (T = 1,091…1,106, all without a plan, were each proven
// empty by an LP while the limit ran out). It proves the optimum 5533/432
// (HiGHS 12.81) at once, and a plan given to it is its first incumbent and
// is kept even when the deadline has already passed.
func TestMeanSearchRangeAndIncumbent(t *testing.T) {
	in := loadTestdata(t, "mean-s80-d22-tau025.json")
	pb, err := in.compile()
	if err != nil {
		t.Fatal(err)
	}
	x := pb.greedyCohortPlan(nil)
	ev := pb.evaluate(x, nil)
	if ev.broken() {
		t.Fatalf("the greedy plan breaks %d constraints", len(ev.violations))
	}
	mr := meanSearch(pb, phaseFeasible, nil, time.Now().Add(-time.Second), x, nil)
	if mr.cells == nil || mr.ev.objective.Cmp(ev.objective) != 0 || mr.complete {
		t.Errorf("past deadline: got plan %v objective %v complete %v, want the given plan (%s), incomplete",
			mr.cells != nil, mr.value, mr.complete, ev.objective.RatString())
	}
	mr = meanSearch(pb, phaseFeasible, nil, time.Now().Add(time.Minute), x, nil)
	if !mr.complete || mr.ev.objective.Cmp(big.NewRat(5533, 432)) != 0 {
		t.Fatalf("complete %v objective %s, want 5533/432 proven", mr.complete, mr.ev.objective.RatString())
	}
	if mr.nodes > 20 {
		t.Errorf("%d nodes: totals without any plan should be settled by the range, not one LP each", mr.nodes)
	}
}

// The violation phase's first plan — the surrogate's day cohorts, greedy
// cells and the descent, no LP — at the least violation cost known, and with
// an objective the lexicographic phase can start from:
//   - at the same violation cost the descent also lowers the objective (the
//     share reference's fair band, wishes): on an A/B section of 20 staff ×
//     62 days (the /roster page's shape; V = 116) the greedy plan's objective
//     used to be 216, against 92 for the plan the exact violation search
//     found, and the lexicographic phase could not close the gap within 1 s;
//   - on the outside review's 60 × 20 A/B/C section (large005; least V = 79
//     by HiGHS, objective 1916 at it) the surrogate sees that cohort A, one
//     person and one counter holder short on 2026-05-21, is staffed by one
//     outsider (TestViolationScoreCallsInOutsiders). It was V = 85, and
//     1–2 s runs answered 85.
func TestGreedyViolationPlanObjective(t *testing.T) {
	for _, tc := range []struct {
		file          string
		wantV, maxObj int64
	}{
		{"infeasible-ab-s20-d62.json", 116, 92},
		{"infeasible-abc-s60-d20.json", 79, 2000},
	} {
		in := loadTestdata(t, tc.file)
		pb, err := in.compile()
		if err != nil {
			t.Fatal(err)
		}
		far := time.Now().Add(time.Hour)
		x, h := pb.greedyViolationPlan(pb.violationCohorts(far), far)
		ev := pb.evaluate(x, h)
		if ev.vcost.Cmp(big.NewRat(tc.wantV, 1)) != 0 || ev.objective.Cmp(big.NewRat(tc.maxObj, 1)) > 0 {
			t.Errorf("%s: greedy plan V = %s, objective %s (day cohorts %v); want V = %d and objective at most %d",
				tc.file, ev.vcost.RatString(), ev.objective.RatString(), h, tc.wantV, tc.maxObj)
		}
	}
}

// The violation phase's surrogate prices a day's cohort at the cheapest way
// to staff it: a person of another cohort on site costs one cohort unit and
// fills the head count and every duty they hold at once. It used to price
// each shortfall apart at the cheaper of its own rate and the cohort's, so a
// day short of one person and one counter holder cost two units where one
// outsider with the counter duty does it for one.
func TestViolationScoreCallsInOutsiders(t *testing.T) {
	const head = `{"schema":"roster-instance/1","name":"t","cohorts":{"names":["A","B"],"neverMeet":true},"targetReduction":null,
		"days":["2026-06-01"],"maxTelePerWeek":null,"previousPlan":null,"duties":[{"id":"counter","minOnsite":[1]}],
		"minOnsite":[2],`
	for _, tc := range []struct {
		name, rest string
		want       float64 // the surrogate with day 1 given to A
	}{
		{"one outsider fills both", `"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B","qualifications":["counter"]},{"id":"b2","cohort":"B"}]}`, 10},
		{"no outsider holds the duty", `"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B"},{"id":"b2","cohort":"B"}]}`, 20},
		{"the cohort unit dearer than both", `"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B","qualifications":["counter"]}],
			"violationWeights":{"cohort":25}}`, 20},
		{"outsiders on leave", `"staff":[{"id":"a1","cohort":"A"},{"id":"b1","cohort":"B","qualifications":["counter"]}],
			"leave":{"b1":["2026-06-01"]}}`, 20},
		{"the cohort staffs it", `"staff":[{"id":"a1","cohort":"A","qualifications":["counter"]},{"id":"a2","cohort":"A"}]}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := ParseInstance([]byte(head + tc.rest))
			if err != nil {
				t.Fatal(err)
			}
			pb, err := in.compile()
			if err != nil {
				t.Fatal(err)
			}
			if got := pb.violationScore()([]int{0}); got != tc.want {
				t.Errorf("surrogate %v, want %v", got, tc.want)
			}
		})
	}
}
