package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeListsEveryCommand: every command and subcommand of the usage
// text is in the README's command list (and the usage lists every command
// run knows).
func TestReadmeListsEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^  telework (\S+)\s+(\S+)?`)
	n := 0
	for _, m := range line.FindAllStringSubmatch(usage, -1) {
		cmd, subs := m[1], []string{""}
		if sub := m[2]; sub != "" && !strings.HasPrefix(sub, "[") && !strings.HasPrefix(sub, "-") && strings.ToLower(sub) == sub &&
			regexp.MustCompile(`^[a-z|-]+$`).MatchString(sub) {
			subs = strings.Split(sub, "|")
		}
		for _, sub := range subs {
			want := regexp.MustCompile(`(?m)^telework\s+` + regexp.QuoteMeta(cmd) + `\b` + map[bool]string{true: "", false: `\s+` + regexp.QuoteMeta(sub) + `\b`}[sub == ""])
			if !want.Match(readme) {
				t.Errorf("README lacks `telework %s %s`", cmd, sub)
			}
			n++
		}
	}
	if n < 15 {
		t.Fatalf("read only %d commands from the usage text", n)
	}
	for _, cmd := range []string{"serve", "migrate", "tenant", "user", "token", "roster", "audit", "backup", "restore", "calendar", "import", "export", "version"} {
		if !strings.Contains(usage, "telework "+cmd) {
			t.Errorf("usage lacks %s", cmd)
		}
	}
}
