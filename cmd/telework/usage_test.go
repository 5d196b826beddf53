package main

import (
	"regexp"
	"strings"
	"testing"
)

// subcommand is the words of a synopsis before its first flag or
// argument ("calendar import-holidays", "backup").
func subcommand(synopsis string) []string {
	var words []string
	for _, w := range strings.Fields(synopsis) {
		if !regexp.MustCompile(`^[a-z][a-z-]*$`).MatchString(w) {
			break
		}
		words = append(words, w)
	}
	return words
}

// TestUsageIsEachCommandsSynopsis: the top-level help lists each
// subcommand with the synopsis its own -h prints, and the synopsis names
// every flag the subcommand has (unless it says [flags] and leaves them
// to -h, or the flag is for another subcommand: "create: …").
func TestUsageIsEachCommandsSynopsis(t *testing.T) {
	_, top, _ := cli(t, "--help")
	defaults := regexp.MustCompile(`(?m)^  -(\S+)(?: \S+)?\n\s+(.*)$`)
	for _, c := range commands {
		words := subcommand(c.synopsis)
		if !strings.Contains(top, "  telework "+c.synopsis) {
			t.Errorf("top-level help lacks %q", c.synopsis)
		}
		code, _, help := cli(t, append(words, "-h")...)
		if code != 0 || !strings.Contains(help, "usage: telework "+c.synopsis+"\n") {
			t.Errorf("%v -h: exit %d, want the synopsis %q in\n%s", words, code, c.synopsis, help)
			continue
		}
		if strings.Contains(c.synopsis, "[flags]") {
			continue
		}
		sub := words[len(words)-1]
		n := 0
		for _, m := range defaults.FindAllStringSubmatch(help, -1) {
			if other, _, ok := strings.Cut(m[2], ":"); ok && regexp.MustCompile(`^[a-z-]+$`).MatchString(other) && other != sub {
				continue // a flag of a sibling subcommand (token create: …)
			}
			n++
			if !regexp.MustCompile(`--` + regexp.QuoteMeta(m[1]) + `\b`).MatchString(c.synopsis) {
				t.Errorf("the synopsis of %v does not name --%s: %q", words, m[1], c.synopsis)
			}
		}
		if n == 0 && c.synopsis != versionSynopsis {
			t.Errorf("%v -h: read no flags from\n%s", words, help)
		}
	}
	for _, want := range []string{"--allow-unsigned", "--backup-key", "restore [--dry-run]"} {
		if !strings.Contains(top, want) {
			t.Errorf("top-level help lacks %s", want)
		}
	}
}

// TestFlagErrorsExitTwo: an unknown flag or a flag's bad value is a usage
// error (exit 2) in every subcommand, as the README says.
func TestFlagErrorsExitTwo(t *testing.T) {
	cases := [][]string{{"roster", "solve", "--time-limit", "soon"}}
	for _, c := range commands {
		cases = append(cases, append(subcommand(c.synopsis), "--no-such-flag"))
	}
	for _, args := range cases {
		code, _, errb := cli(t, args...)
		if code != 2 || !strings.Contains(errb, "usage: telework") {
			t.Errorf("%v: exit %d, want 2 with the usage; stderr %q", args, code, errb)
		}
	}
}
