// Command compare runs the roster planner on the benchmark instances and
// sets each result beside the exact optimum HiGHS proved (exact.mjs output),
// with verify.py as the judge of every plan. It prints the markdown table of
// docs/benchmarks.md (section 交代勤務表の最適化). It needs python3 and the exact results, so it is
// a program run by run.sh, not a test of `go test ./...`.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"telework/internal/roster"
)

type exact struct {
	Name          string  `json:"name"`
	ViolationCost float64 `json:"violationCost"`
	Objective     float64 `json:"objective"`
	Seconds       float64 `json:"seconds"`
	Error         string  `json:"error"`
}

func main() {
	dir := flag.String("instances", "bench/roster/out/instances", "instance directory")
	ex := flag.String("exact", "bench/roster/out/exact.jsonl", "exact.mjs output")
	verify := flag.String("verify", "../shared/roster/verify.py", "the judge")
	limit := flag.Duration("time-limit", time.Second, "planner time limit per instance")
	plans := flag.String("plans", "bench/roster/out/plans", "where to write the plans")
	flag.Parse()
	ref := map[string]exact{}
	f, err := os.Open(*ex)
	if err != nil {
		fail(err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e exact
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			ref[e.Name] = e
		}
	}
	f.Close()
	files, _ := filepath.Glob(filepath.Join(*dir, "*.json"))
	sort.Strings(files)
	if err := os.MkdirAll(*plans, 0o755); err != nil {
		fail(err)
	}
	var n, opt, proven, provenAll, known, within1, under1s, vOK, vN, judged int
	var worst float64
	fmt.Println("| instance | staff×days | exact V | exact obj | HiGHS s | planner status | V | obj | gap vs exact | proven gap | planner s | verify.py |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			fail(err)
		}
		in, err := roster.ParseInstance(data)
		if err != nil {
			fail(err)
		}
		t0 := time.Now()
		pl, err := roster.Solve(in, roster.Options{TimeLimit: *limit})
		secs := time.Since(t0).Seconds()
		e, ok := ref[in.Name]
		n++
		if err != nil {
			fmt.Printf("| %s | %d×%d | | | | error: %v | | | | | %.3f | |\n", in.Name, len(in.Staff), len(in.Days), err, secs)
			continue
		}
		pb, _ := json.Marshal(pl)
		pp := filepath.Join(*plans, in.Name+".json")
		if err := os.WriteFile(pp, pb, 0o644); err != nil {
			fail(err)
		}
		judge := "—"
		if out, err := exec.Command("python3", *verify, file, pp, "--json").Output(); out != nil {
			var v struct {
				ObjectiveExact string   `json:"objective_exact"`
				ViolationCost  *float64 `json:"violation_cost"`
			}
			_ = json.Unmarshal(out, &v)
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			judge = fmt.Sprintf("exit %d", code)
			if v.ObjectiveExact == pl.ObjectiveExact {
				judge += ", obj ✓"
				judged++
			} else {
				judge += ", obj " + v.ObjectiveExact + " ✗"
			}
		}
		obj, _ := pl.Objective.Float64()
		vc, _ := pl.ViolationCost.Float64()
		if secs < 1.0+0.05 {
			under1s++
		}
		// Proven by the planner itself: optimal, or infeasible with V and
		// the objective both proven (whether or not HiGHS finished).
		selfProven := pl.Status == roster.StatusOptimal || (pl.Status == roster.StatusInfeasible && pl.Gap == 0 &&
			pl.ViolationCostBound == pl.ViolationCost)
		if selfProven {
			provenAll++
		}
		gapS := "n/a"
		eV, eObj, eS := "?", "?", "?"
		if ok && e.Error == "" {
			known++
			eV, eObj, eS = fmt.Sprint(e.ViolationCost), fmt.Sprint(round(e.Objective)), fmt.Sprintf("%.2f", e.Seconds)
			gap := (obj - e.Objective) / math.Max(math.Abs(e.Objective), 1)
			if math.Abs(vc-e.ViolationCost) > 1e-6 {
				gap = math.Inf(1)
			}
			if e.ViolationCost > 0 {
				vN++
				if math.Abs(vc-e.ViolationCost) <= 1e-6 {
					vOK++
				}
			}
			// HiGHS meets its rows to a tolerance of about 1e-6, so its
			// optimum can sit that far below the exact one (3/53 comes back
			// as 0.05660277): within 1e-5 counts as reaching it.
			if gap <= 1e-5 {
				opt++
				// Proven: the planner itself closed the gap (optimal, or
				// infeasible with V and the objective both proven).
				if selfProven {
					proven++
				}
			}
			if gap <= 0.01 {
				within1++
			}
			worst = math.Max(worst, gap)
			gapS = fmt.Sprintf("%.2f%%", 100*gap)
		}
		fmt.Printf("| %s | %d×%d | %s | %s | %s | %s | %s | %s | %s | %.2f%% | %.3f | %s |\n",
			in.Name, len(in.Staff), len(in.Days), eV, eObj, eS, pl.Status, pl.ViolationCost, pl.Objective, gapS, 100*pl.Gap, secs, judge)
	}
	fmt.Printf("\n%d instances (%d with HiGHS's optimum): HiGHS's optimum reached on %d, and proven by the planner on %d of them; "+
		"proven optimal by the planner on %d of %d (%.0f%%); within 1%% of HiGHS on %d of %d; under 1 s on %d; "+
		"infeasible with the exact minimum violation cost: %d of %d; verify.py agrees on the objective of %d; worst gap %.2f%%.\n",
		n, known, opt, proven, provenAll, n, 100*float64(provenAll)/float64(max(n, 1)), within1, known, under1s, vOK, vN, judged, 100*worst)
}

func round(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
