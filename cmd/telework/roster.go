package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"telework/internal/roster"
)

// cmdRoster: the rotation-roster planner from the command line, for 人事 and
// for the benchmark. `solve` reads a roster-instance/1 file and writes the
// roster-plan/1 JSON on stdout; a summary and every violation (in Japanese)
// go to stderr, so `> PLAN.json` keeps a clean file. An infeasible instance is
// not an error: its plan (status "infeasible") breaks the least and says where.
const rosterSolveSynopsis = "roster solve INSTANCE.json [--time-limit 10s] [--quiet] > PLAN.json"

func cmdRoster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "solve" {
		fmt.Fprintln(stderr, "usage: telework roster solve INSTANCE.json [--time-limit 10s] > PLAN.json   (telework roster solve -h)")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return usageError{"サブコマンドは solve です / the subcommand is solve"}
	}
	fs := newFlags("roster solve", rosterSolveSynopsis, stderr)
	limit := fs.Duration("time-limit", 10*time.Second, "search time limit; at the limit the best plan so far is written with its proven gap")
	quiet := fs.Bool("quiet", false, "no summary on stderr")
	// The instance may come before or after the flags.
	var file string
	rest := args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageError{"余分な引数があります / unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	if file == "" {
		return usageError{"インスタンスのファイルを指定してください / give the instance file"}
	}
	if *limit <= 0 {
		return usageError{"--time-limit は正の時間です(例: 5s) / --time-limit must be positive"}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	in, err := roster.ParseInstance(data)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	plan, err := roster.Solve(in, roster.Options{TimeLimit: *limit})
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(plan, "", " ")
	if err != nil {
		return err
	}
	if _, err := stdout.Write(append(out, '\n')); err != nil {
		return err
	}
	if !*quiet {
		for _, v := range plan.Violations {
			fmt.Fprintf(stderr, "違反 / violation: %s  (%s)\n", v.Message, v.English)
		}
		fmt.Fprintf(stderr, "%s: 目的関数 %s (下界 %s, gap %.4g), 違反コスト %s, %.2f s\n",
			plan.Status, plan.Objective, plan.Bound, plan.Gap, plan.ViolationCost, plan.Seconds)
	}
	return nil
}
