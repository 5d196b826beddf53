// Command gen writes the roster benchmark's instances: sections of 10–80
// staff over 20–22 business days, plain, with cohorts A/B and A/B/C, against
// the mean, re-plans after an illness, and infeasible ones. The set is fixed
// by the seeds, so every run of the benchmark compares the same instances.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"telework/internal/roster"
)

func main() {
	out := flag.String("out", "bench/roster/instances", "directory for the instance files")
	offset := flag.Int64("seed-offset", 0, "added to every seed: another set of the same shapes, for robustness checks")
	only := flag.String("kinds", "", "comma-separated kinds to write (default all)")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	kinds := []string{"plain", "cohort2", "cohort3", "replan", "infeasible", "mean"}
	sizes := []int{10, 20, 40, 60, 80}
	days := []int{20, 21, 22}
	n := 0
	for ki, k := range kinds {
		if *only != "" && !strings.Contains(","+*only+",", ","+k+",") {
			continue
		}
		for si, s := range sizes {
			for rep := 0; rep < 2; rep++ {
				seed := int64(1000*ki+10*si+rep+1) + *offset
				d := days[(si+rep+ki)%len(days)]
				in := roster.Generate(roster.GenSpec{Staff: s, Days: d, Kind: k, Seed: seed})
				b, err := json.MarshalIndent(in, "", " ")
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				if err := os.WriteFile(filepath.Join(*out, in.Name+".json"), append(b, '\n'), 0o644); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				n++
			}
		}
	}
	fmt.Fprintf(os.Stderr, "%d instances in %s\n", n, *out)
}
