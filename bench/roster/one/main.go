// Command one runs the roster planner on instance files and prints one
// summary line each (status, V, objective, bound, nodes, seconds): a quick
// probe for development when the full benchmark is too slow.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"telework/internal/roster"
)

func main() {
	limit := flag.Duration("time-limit", time.Second, "planner time limit per instance")
	flag.Parse()
	for _, file := range flag.Args() {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		in, err := roster.ParseInstance(data)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		t0 := time.Now()
		pl, err := roster.Solve(in, roster.Options{TimeLimit: *limit})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%-28s %-10s V=%-6s obj=%-14s bound=%-12s gap=%.4f nodes=%d %.3fs\n",
			filepath.Base(file), pl.Status, pl.ViolationCost, pl.Objective, pl.Bound, pl.Gap, pl.Nodes, time.Since(t0).Seconds())
	}
	stopProfile()
}
