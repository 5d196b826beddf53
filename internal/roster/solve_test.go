package roster

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, s string) *Instance {
	t.Helper()
	in, err := ParseInstance([]byte(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return in
}

// Small instances whose optimum is worked out by hand in the comment of
// each case.
func TestSolveHandChecked(t *testing.T) {
	cases := []struct {
		name, json   string
		status, obj  string
		vcost        string
		wantMessages []string
	}{
		{
			// Two people, two days, one on site a day; a fair share of
			// half means one TELE day each: alternate, objective 0.
			name: "alternate",
			json: `{"schema":"roster-instance/1","name":"alt","days":["2026-06-01","2026-06-02"],
			 "staff":[{"id":"a"},{"id":"b"}],"minOnsite":[1,1],"maxTelePerWeek":null,"cohorts":null,
			 "targetReduction":0.5,"previousPlan":null,"weights":{"fairness":1}}`,
			status: StatusOptimal, obj: "0", vcost: "0",
		},
		{
			// One person must be on site but wishes TELE: one unmet wish.
			name: "wish",
			json: `{"schema":"roster-instance/1","name":"wish","days":["2026-06-01"],
			 "staff":[{"id":"a"}],"minOnsite":[1],"maxTelePerWeek":null,"cohorts":null,"targetReduction":null,
			 "preferences":[{"staff":"a","day":"2026-06-01","mode":"TELE"}],"previousPlan":null,
			 "weights":{"preference":1}}`,
			status: StatusOptimal, obj: "1", vcost: "0",
		},
		{
			// Three on site needed each day of a week of 3 days, 3 staff,
			// target 0.5: at most ⌊0.5·9⌋ = 4 on-site person-days, 9
			// needed: 5 over at weight 1 beats 5 short at weight 10.
			name: "target-vs-headcount",
			json: `{"schema":"roster-instance/1","name":"tgt","days":["2026-06-01","2026-06-02","2026-06-03"],
			 "staff":[{"id":"a"},{"id":"b"},{"id":"c"}],"minOnsite":[3,3,3],"maxTelePerWeek":null,"cohorts":null,
			 "targetReduction":0.5,"previousPlan":null,"weights":{"fairness":2},
			 "fairness":{"reference":"share","share":0,"tolerance":0}}`,
			status: StatusInfeasible, obj: "0", vcost: "5",
			wantMessages: []string{"期間全体: 出勤が削減目標の上限4人日を5人日超過"},
		},
		{
			// The counter rota wants 2 qualified on 6月10日 but only one
			// person holds it: one short, cost 10; everyone else may stay home.
			name: "duty-short",
			json: `{"schema":"roster-instance/1","name":"duty","days":["2026-06-10"],
			 "staff":[{"id":"a","qualifications":["counter"]},{"id":"b"}],"minOnsite":[0],
			 "duties":[{"id":"counter","name":"窓口当番","minOnsite":[2]}],
			 "maxTelePerWeek":null,"cohorts":null,"targetReduction":null,"previousPlan":null,"weights":{"preference":1}}`,
			status: StatusInfeasible, obj: "0", vcost: "10",
			wantMessages: []string{"6月10日: 窓口当番の有資格者が1名不足"},
		},
		{
			// Re-plan: b falls ill on day 2 (a forced change); a must then
			// come in on day 2 instead of day 1... or keep day 1 too: the
			// minimum is 2 changes (b's leave cell, a's day 2).
			name: "replan",
			json: `{"schema":"roster-instance/1","name":"re","days":["2026-06-01","2026-06-02"],
			 "staff":[{"id":"a"},{"id":"b"}],"leave":{"b":["2026-06-02"]},"minOnsite":[1,1],
			 "maxTelePerWeek":null,"cohorts":null,"targetReduction":null,
			 "previousPlan":{"a":["ONSITE","TELE"],"b":["TELE","ONSITE"]},"weights":{"change":3}}`,
			status: StatusOptimal, obj: "6", vcost: "0",
		},
		{
			// Cohorts A and B never meet; two days each needing one on
			// site; a wishes ONSITE both days, b wishes ONSITE on day 2:
			// day 1 A, day 2 either way costs one wish.
			name: "cohorts",
			json: `{"schema":"roster-instance/1","name":"co","days":["2026-06-01","2026-06-02"],
			 "staff":[{"id":"a","cohort":"A"},{"id":"b","cohort":"B"}],"minOnsite":[1,1],
			 "maxTelePerWeek":null,"cohorts":{"names":["A","B"],"neverMeet":true},"targetReduction":null,
			 "preferences":[{"staff":"a","day":"2026-06-01","mode":"ONSITE"},{"staff":"a","day":"2026-06-02","mode":"ONSITE"},
			                {"staff":"b","day":"2026-06-02","mode":"ONSITE"}],
			 "previousPlan":null,"weights":{"preference":1}}`,
			status: StatusOptimal, obj: "1", vcost: "0",
		},
		{
			// Mean reference, τ = 0: a has 2 days, b has 1 (leave); one on
			// site each day and at most 1 TELE... T = 1 total: a TELE on
			// its day 2 gives |1 − 2/3| + |0 − 1/3| = 2/3; b TELE instead
			// gives |0 − 2/3| + |1 − 1/3| = 4/3. Weight 3: objective 2.
			name: "mean",
			json: `{"schema":"roster-instance/1","name":"mean","days":["2026-06-01","2026-06-02"],
			 "staff":[{"id":"a"},{"id":"b"}],"leave":{"b":["2026-06-01"]},"minOnsite":[1,1],
			 "maxTelePerWeek":null,"cohorts":null,"targetReduction":null,"previousPlan":null,
			 "weights":{"fairness":3},"fairness":{"reference":"mean","tolerance":0}}`,
			status: StatusOptimal, obj: "0", vcost: "0",
		},
		{
			// Weekly cap 0: nobody may work from home, so the share band
			// [1,1] of 2 days costs 1 each at weight 2: objective 4.
			name: "cap-zero",
			json: `{"schema":"roster-instance/1","name":"cap","days":["2026-06-01","2026-06-02"],
			 "staff":[{"id":"a"},{"id":"b"}],"minOnsite":[0,0],"maxTelePerWeek":0,"cohorts":null,
			 "targetReduction":null,"previousPlan":null,"weights":{"fairness":2},
			 "fairness":{"share":0.5}}`,
			status: StatusOptimal, obj: "4", vcost: "0",
		},
		{
			// Infeasible (2 on site needed, 1 person) with the headcount's
			// slack priced at 0: V is 0, the constraint is still broken,
			// so the plan is no "optimal" one (verify.py exits 1 on it).
			name: "free-violation",
			json: `{"schema":"roster-instance/1","name":"free","days":["2026-06-01"],
			 "staff":[{"id":"a"}],"minOnsite":[2],"maxTelePerWeek":null,"cohorts":null,
			 "targetReduction":null,"previousPlan":null,"violationWeights":{"minOnsite":0}}`,
			status: StatusInfeasible, obj: "0", vcost: "0",
			wantMessages: []string{"6月1日: 出勤者が1名不足"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := mustParse(t, tc.json)
			pl, err := Solve(in, Options{TimeLimit: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if pl.Status != tc.status || string(pl.Objective) != tc.obj || string(pl.ViolationCost) != tc.vcost {
				t.Errorf("got %s obj %s V %s, want %s obj %s V %s (plan %v)", pl.Status, pl.Objective, pl.ViolationCost,
					tc.status, tc.obj, tc.vcost, pl.Assignments)
			}
			var msgs []string
			for _, v := range pl.Violations {
				msgs = append(msgs, v.Message)
			}
			for _, want := range tc.wantMessages {
				if !strings.Contains(strings.Join(msgs, "\n"), want) {
					t.Errorf("messages %q lack %q", msgs, want)
				}
			}
		})
	}
}

// The mean case above: a TELE on day 2 would cost more than nobody TELE?
// With T = 0 every deviation is 0, which the case asserts; this one forces
// a TELE day by the target reduction and checks the fraction.
func TestMeanFraction(t *testing.T) {
	in := mustParse(t, `{"schema":"roster-instance/1","name":"mean2","days":["2026-06-01","2026-06-02"],
	 "staff":[{"id":"a"},{"id":"b"}],"leave":{"b":["2026-06-01"]},"minOnsite":[1,1],
	 "maxTelePerWeek":null,"cohorts":null,"targetReduction":0.5,"previousPlan":null,
	 "weights":{"fairness":3},"fairness":{"reference":"mean","tolerance":0}}`)
	// A = 3, cap ⌊1.5⌋ = 1 on-site person-day: but two days need one each:
	// one over (cost 1). Then T = 1 on the best side: a TELE on day 2
	// (b on site) gives 2/3, b TELE gives 4/3 ⇒ objective 3·2/3 = 2.
	pl, err := Solve(in, Options{TimeLimit: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Status != StatusInfeasible || pl.ObjectiveExact != "2" || pl.ViolationCost != "1" {
		t.Fatalf("got %s %s V %s %v", pl.Status, pl.ObjectiveExact, pl.ViolationCost, pl.Assignments)
	}
}

// randomTiny draws a small instance touching every feature: leave, duties,
// weekly caps across two ISO weeks, cohorts, the reduction target, wishes,
// a previous plan and both fairness references.
func randomTiny(rng *rand.Rand, i int) *Instance {
	days := []string{"2026-06-04", "2026-06-05", "2026-06-08", "2026-06-09"}
	D := 2 + rng.Intn(3)
	N := 2 + rng.Intn(2)
	in := &Instance{Schema: "roster-instance/1", Name: fmt.Sprintf("tiny-%d", i), Days: days[:D]}
	coh := rng.Intn(3) // 0 none, 1 labels, 2 never meet
	names := []string{"A", "B"}
	for p := 0; p < N; p++ {
		s := Staff{ID: fmt.Sprintf("p%d", p)}
		if rng.Intn(2) == 0 {
			s.Qualifications = []string{"counter"}
		}
		if coh > 0 {
			c := names[rng.Intn(2)]
			s.Cohort = &c
		}
		in.Staff = append(in.Staff, s)
	}
	if coh > 0 {
		in.Cohorts = &Cohorts{Names: names, NeverMeet: coh == 2}
	}
	in.Leave = map[string][]string{}
	if rng.Intn(2) == 0 {
		in.Leave["p0"] = []string{in.Days[rng.Intn(D)]}
	}
	in.MinOnsite = make([]int, D)
	cnt := make([]int, D)
	for d := range in.MinOnsite {
		in.MinOnsite[d] = rng.Intn(N)
		cnt[d] = rng.Intn(2)
	}
	in.Duties = []Duty{{ID: "counter", Name: "窓口当番", MinOnsite: cnt}}
	if rng.Intn(2) == 0 {
		c := rng.Intn(2)
		in.MaxTelePerWeek = &c
	}
	if rng.Intn(2) == 0 {
		r := json.Number([]string{"0.3", "0.5", "0.6"}[rng.Intn(3)])
		in.TargetReduction = &r
	}
	for p := 0; p < N; p++ {
		for d := 0; d < D; d++ {
			if rng.Intn(3) == 0 {
				in.Preferences = append(in.Preferences, Preference{Staff: in.Staff[p].ID, Day: in.Days[d],
					Mode: []string{Onsite, Tele}[rng.Intn(2)]})
			}
		}
	}
	if rng.Intn(2) == 0 {
		in.PreviousPlan = map[string][]string{}
		for p := 0; p < N; p++ {
			row := make([]string, D)
			for d := range row {
				row[d] = modeNames[rng.Intn(3)]
			}
			in.PreviousPlan[in.Staff[p].ID] = row
		}
	}
	in.Weights = map[string]json.Number{
		"fairness": json.Number(fmt.Sprint(rng.Intn(3))), "preference": json.Number(fmt.Sprint(rng.Intn(3))),
		"change": json.Number(fmt.Sprint(rng.Intn(4)))}
	if rng.Intn(3) == 0 {
		tol := json.Number([]string{"0", "0.25", "1"}[rng.Intn(3)])
		in.Fairness = &Fairness{Reference: "mean", Tolerance: &tol}
	} else {
		sh := json.Number([]string{"0.4", "0.5", "0.75"}[rng.Intn(3)])
		tol := json.Number(fmt.Sprint(rng.Intn(2)))
		in.Fairness = &Fairness{Reference: "share", Share: &sh, Tolerance: &tol}
	}
	if rng.Intn(3) == 0 {
		in.ViolationWeights = map[string]json.Number{"minOnsite": "3", "targetReduction": "2.5"}
	}
	return in
}

// blankPlan is a plan with the leave days marked and every other cell
// left to choose, and those cells.
func blankPlan(pb *problem) ([][]int8, [][2]int) {
	var cells [][2]int
	x := make([][]int8, pb.N)
	for p := range x {
		x[p] = make([]int8, pb.D)
		for d := range x[p] {
			if pb.leave[p][d] {
				x[p][d] = mLeave
			} else {
				cells = append(cells, [2]int{p, d})
			}
		}
	}
	return x, cells
}

// bruteForce enumerates every plan (and every cohort choice per day) and
// returns the least (violation cost, objective), lexicographically.
func bruteForce(pb *problem) (v, obj *big.Rat) {
	x, cells := blankPlan(pb)
	nc := 1
	if pb.neverMeet {
		nc = pb.nCohorts
	}
	choices := 1
	for d := 0; d < pb.D; d++ {
		choices *= nc
	}
	coh := make([]int, pb.D)
	for mask := 0; mask < 1<<len(cells); mask++ {
		for i, c := range cells {
			if mask>>i&1 == 1 {
				x[c[0]][c[1]] = mOnsite
			} else {
				x[c[0]][c[1]] = mTele
			}
		}
		for ch := 0; ch < choices; ch++ {
			k := ch
			for d := range coh {
				coh[d] = k % nc
				k /= nc
			}
			ev := pb.evaluate(x, coh)
			if v == nil || ev.vcost.Cmp(v) < 0 || (ev.vcost.Cmp(v) == 0 && ev.objective.Cmp(obj) < 0) {
				v, obj = ev.vcost, ev.objective
			}
		}
	}
	return v, obj
}

// Every optimum on tiny random instances is checked against enumeration of
// all plans: the planner must be exact, not merely good.
func TestBruteForceCrossCheck(t *testing.T) {
	rng := rand.New(rand.NewSource(15))
	for i := 0; i < 300; i++ {
		in := randomTiny(rng, i)
		b, _ := json.Marshal(in)
		in2, err := ParseInstance(b)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		pb, _ := in2.compile()
		wantV, wantObj := bruteForce(pb)
		pl, err := Solve(in2, Options{TimeLimit: 10 * time.Second})
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		gotV, _ := new(big.Rat).SetString(string(pl.ViolationCost))
		gotObj, _ := new(big.Rat).SetString(pl.ObjectiveExact)
		if gotV.Cmp(wantV) != 0 || gotObj.Cmp(wantObj) != 0 {
			t.Fatalf("instance %d: planner V=%s obj=%s, enumeration V=%s obj=%s\n%s\nplan %v %v",
				i, gotV.RatString(), gotObj.RatString(), wantV.RatString(), wantObj.RatString(), b, pl.Assignments, pl.CohortByDay)
		}
		if wantV.Sign() == 0 && pl.Status != StatusOptimal {
			t.Fatalf("instance %d: status %s", i, pl.Status)
		}
		if wantV.Sign() > 0 && pl.Status != StatusInfeasible {
			t.Fatalf("instance %d: status %s", i, pl.Status)
		}
	}
}

// The status rule: the contract's three statuses only, "infeasible" exactly
// when the plan breaks a constraint, and what is proven in
// violationCostBound (the planner used to answer "unknown" when it had
// neither a plan keeping every constraint nor a proof that none exists). A
// feasible cohort section solved under a limit far too short for the full
// model (the first phase times out) comes back feasible or optimal from the
// day-cohort heuristic; at worst, at a few milliseconds, "infeasible" with a
// violation bound of 0 (nothing proven); and the limit holds.
func TestStatusNeverInfeasibleUnproven(t *testing.T) {
	for _, sp := range []GenSpec{
		{Staff: 80, Days: 22, Kind: "cohort2", Seed: 1041},
		{Staff: 60, Days: 22, Kind: "cohort2", Seed: 1032},
		{Staff: 80, Days: 20, Kind: "cohort3", Seed: 2041},
	} {
		in := Generate(sp)
		for _, limit := range []time.Duration{5 * time.Millisecond, 60 * time.Millisecond, 2 * time.Second} {
			t0 := time.Now()
			pl, err := Solve(in, Options{TimeLimit: limit})
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(t0)
			if !slices.Contains([]string{StatusOptimal, StatusFeasible, StatusInfeasible}, pl.Status) {
				t.Errorf("%s at %v: status %q is not one of the contract's", in.Name, limit, pl.Status)
			}
			if (len(pl.Violations) > 0) != (pl.Status == StatusInfeasible) {
				t.Errorf("%s at %v: %d violations but status %s", in.Name, limit, len(pl.Violations), pl.Status)
			}
			if pl.Status == StatusInfeasible && pl.ViolationCostBound != "0" {
				t.Errorf("%s at %v: a feasible section with a violation bound of %s", in.Name, limit, pl.ViolationCostBound)
			}
			if limit >= 2*time.Second && pl.Status == StatusInfeasible {
				t.Errorf("%s at %v: no plan keeping every constraint", in.Name, limit)
			}
			// Only that the limit is not ignored: how close the planner
			// keeps to it is measured in bench/roster, not asserted here
			// (a loaded machine would make a tight bound fail by chance).
			if took > limit+5*time.Second {
				t.Errorf("%s: took %v with a limit of %v", in.Name, took, limit)
			}
		}
	}
}

// The mean reference is settled by the decomposition over the TELE total
// (mean.go): on tiny random instances with the mean reference and a positive
// fairness weight, its optimum and proof must match enumeration.
func TestMeanDecompositionCrossCheck(t *testing.T) {
	rng := rand.New(rand.NewSource(51))
	for i := 0; i < 100; i++ {
		in := randomTiny(rng, i)
		tol := json.Number([]string{"0", "0.25", "0.5", "1"}[rng.Intn(4)])
		in.Fairness = &Fairness{Reference: "mean", Tolerance: &tol}
		in.Weights["fairness"] = json.Number(fmt.Sprint(1 + rng.Intn(3)))
		b, _ := json.Marshal(in)
		in2, err := ParseInstance(b)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		pb, _ := in2.compile()
		wantV, wantObj := bruteForce(pb)
		pl, err := Solve(in2, Options{TimeLimit: 10 * time.Second})
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		gotV, _ := new(big.Rat).SetString(string(pl.ViolationCost))
		gotObj, _ := new(big.Rat).SetString(pl.ObjectiveExact)
		if gotV.Cmp(wantV) != 0 || gotObj.Cmp(wantObj) != 0 {
			t.Fatalf("instance %d: planner V=%s obj=%s, enumeration V=%s obj=%s\n%s",
				i, gotV.RatString(), gotObj.RatString(), wantV.RatString(), wantObj.RatString(), b)
		}
		if wantV.Sign() == 0 && pl.Status != StatusOptimal {
			t.Fatalf("instance %d: status %s", i, pl.Status)
		}
	}
}

// The Lagrangian bound (lagrange.go) is a lower bound: on tiny random
// sections whose cohorts never meet it never exceeds the enumerated optimum,
// even when asked to reach a higher target.
func TestLagrangeBoundValid(t *testing.T) {
	rng := rand.New(rand.NewSource(77))
	checked := 0
	for i := 0; checked < 25 && i < 1000; i++ {
		pb := tinyShareCohorts(t, rng, i)
		if pb == nil {
			continue
		}
		v, obj := bruteForce(pb)
		if v.Sign() != 0 {
			continue
		}
		checked++
		opt := ratF(obj)
		md := buildModel(pb, phaseFeasible, nil)
		for _, target := range []float64{opt, opt + 5} {
			lb, _, _ := lagrangeBound(md, nil, target, time.Now().Add(200*time.Millisecond))
			if lb > opt+1e-6 {
				t.Fatalf("instance %d: Lagrangian bound %g above the optimum %g (target %g)", i, lb, opt, target)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d feasible cohort sections drawn", checked)
	}
}

// TestParseRefusesWhatVerifyRefuses: instances verify.py calls malformed
// are refused, not planned: a quoted number, text after the object, an
// empty list of cohort names.
func TestParseRefusesWhatVerifyRefuses(t *testing.T) {
	base := `{"schema":"roster-instance/1","name":"x","days":["2026-06-01"],"staff":[{"id":"a"}],"minOnsite":[0],
	 "maxTelePerWeek":null,"previousPlan":null`
	for _, tc := range []struct{ name, json string }{
		{"quoted reduction", base + `,"cohorts":null,"targetReduction":"0.5"}`},
		{"quoted weight", base + `,"cohorts":null,"targetReduction":null,"weights":{"fairness":"2"}}`},
		{"quoted violation weight", base + `,"cohorts":null,"targetReduction":null,"violationWeights":{"duty":"5"}}`},
		{"quoted share", base + `,"cohorts":null,"targetReduction":null,"fairness":{"share":"0.5"}}`},
		{"trailing text", base + `,"cohorts":null,"targetReduction":null} trailing`},
		{"second object", base + `,"cohorts":null,"targetReduction":null}{}`},
		{"no cohort names", base + `,"cohorts":{"names":[],"neverMeet":false},"targetReduction":null}`},
	} {
		if _, err := ParseInstance([]byte(tc.json)); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if _, err := ParseInstance([]byte(base + `,"cohorts":null,"targetReduction":0.5,"fairness":{"reference":"mean","share":null,"tolerance":1}}` + "\n")); err != nil {
		t.Errorf("a valid instance: %v", err)
	}
}

// An outside reviewer's A/B/C section of 60 staff × 21 days that no plan
// keeps (10 s: V = 42 with a bound of 36): at 1 s the planner answered
// status "unknown", which the contract does not have. It is "infeasible"
// now, with violationCostBound saying how much is proven.
func TestInfeasibleShortLimitStatus(t *testing.T) {
	in := loadTestdata(t, "infeasible-abc-s60-d21.json")
	pl, err := Solve(in, Options{TimeLimit: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	vb, _ := pl.ViolationCostBound.Float64()
	v, _ := pl.ViolationCost.Float64()
	if pl.Status != StatusInfeasible || len(pl.Violations) == 0 || vb > v {
		t.Errorf("status %s, %d violations, V %s, V bound %s; want infeasible with violations and bound ≤ V",
			pl.Status, len(pl.Violations), pl.ViolationCost, pl.ViolationCostBound)
	}
}
