package roster

import (
	"encoding/json"
	"errors"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// verifyScript finds shared/roster/verify.py beside the repository (the
// judge of FORMAT.md). CI sets TELEWORK_REQUIRE_PG=1, and there a missing
// judge or python3 fails the test instead of skipping it.
func verifyScript(t *testing.T) string {
	t.Helper()
	need := os.Getenv("TELEWORK_REQUIRE_PG") == "1"
	skip := func(msg string) {
		if need {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		skip("python3 not found")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repository root (go.mod) not found")
		}
		dir = parent
	}
	script := filepath.Join(dir, "..", "shared", "roster", "verify.py")
	if _, err := os.Stat(script); err != nil {
		skip("verify.py not found at " + script)
	}
	return script
}

type verifyOut struct {
	Feasible       bool     `json:"feasible"`
	ViolationCost  *float64 `json:"violation_cost"`
	ObjectiveExact string   `json:"objective_exact"`
	Malformed      string   `json:"malformed"`
}

func runVerify(t *testing.T, script string, in *Instance, pl *Plan) (int, verifyOut) {
	t.Helper()
	dir := t.TempDir()
	ib, _ := json.Marshal(in)
	pbytes, _ := json.Marshal(pl)
	ip, pp := filepath.Join(dir, "instance.json"), filepath.Join(dir, "plan.json")
	if err := os.WriteFile(ip, ib, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pp, pbytes, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("python3", script, ip, pp, "--json").Output()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var v verifyOut
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("verify.py output %q: %v", out, err)
	}
	return code, v
}

// The judge agrees with the planner on generated sections: every hard
// constraint holds (exit 0) and the objective is the one the plan states;
// on infeasible ones it finds exactly the violations and cost reported.
func TestVerifyPyAgrees(t *testing.T) {
	script := verifyScript(t)
	specs := []GenSpec{
		{Staff: 20, Days: 21, Kind: "plain", Seed: 7},
		{Staff: 40, Days: 22, Kind: "plain", Seed: 8},
		{Staff: 10, Days: 20, Kind: "cohort2", Seed: 9},
		{Staff: 20, Days: 21, Kind: "replan", Seed: 10},
		{Staff: 20, Days: 20, Kind: "infeasible", Seed: 11},
		{Staff: 40, Days: 21, Kind: "infeasible", Seed: 12},
	}
	for _, sp := range specs {
		in := Generate(sp)
		b, _ := json.Marshal(in)
		in, err := ParseInstance(b)
		if err != nil {
			t.Fatal(err)
		}
		pl, err := Solve(in, Options{TimeLimit: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		code, v := runVerify(t, script, in, pl)
		if v.ObjectiveExact != pl.ObjectiveExact {
			t.Errorf("%s: verify.py objective %s, planner %s", in.Name, v.ObjectiveExact, pl.ObjectiveExact)
		}
		if pl.Status == StatusInfeasible {
			if code != 1 || v.ViolationCost == nil || jsonNum(pl.ViolationCost) != *v.ViolationCost {
				t.Errorf("%s: verify.py exit %d cost %v, planner %s", in.Name, code, v.ViolationCost, pl.ViolationCost)
			}
			continue
		}
		if code != 0 {
			t.Errorf("%s: verify.py exit %d on a %s plan", in.Name, code, pl.Status)
		}
	}
	// Tiny random ones exercise what the generator does not: mean with
	// tolerance, cohort labels without neverMeet, custom violation weights.
	rng := rand.New(rand.NewSource(99))
	for i := 0; i < 25; i++ {
		in := randomTiny(rng, i)
		b, _ := json.Marshal(in)
		in, err := ParseInstance(b)
		if err != nil {
			t.Fatal(err)
		}
		pl, err := Solve(in, Options{TimeLimit: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		code, v := runVerify(t, script, in, pl)
		want := 0
		if pl.Status == StatusInfeasible {
			want = 1
		}
		if code != want || v.ObjectiveExact != pl.ObjectiveExact {
			t.Errorf("%s: verify.py exit %d objective %s; planner %s objective %s", in.Name, code, v.ObjectiveExact, pl.Status, pl.ObjectiveExact)
		}
	}
}

func jsonNum(n json.Number) float64 {
	f, _ := n.Float64()
	return f
}
