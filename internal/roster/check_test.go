package roster

import (
	"testing"
	"time"
)

// Evaluate agrees with the solver on the solver's own plan, and names the
// constraint a hand edit breaks.
func TestEvaluateEditedPlan(t *testing.T) {
	in := Generate(GenSpec{Staff: 10, Days: 5, Kind: "cohort2", Seed: 3})
	pl, err := Solve(in, Options{TimeLimit: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	again, err := Evaluate(in, pl.Assignments)
	if err != nil || again.Objective != pl.Objective || len(again.Violations) != len(pl.Violations) {
		t.Fatalf("re-evaluated %v (%d violations), solver %v (%d): %v", again.Objective, len(again.Violations), pl.Objective, len(pl.Violations), err)
	}
	// Everyone at home on the first day (except leave): the headcount fails.
	edited := map[string][]string{}
	for id, row := range pl.Assignments {
		r := append([]string(nil), row...)
		if r[0] != Leave {
			r[0] = Tele
		}
		edited[id] = r
	}
	ev, err := Evaluate(in, edited)
	if err != nil || ev.Status != StatusInfeasible || len(ev.Violations) == 0 {
		t.Fatalf("edited plan: %+v %v", ev, err)
	}
	if _, err := Evaluate(in, map[string][]string{}); err == nil {
		t.Fatal("a plan without rows was scored")
	}
}
