package tasks

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"telework/internal/i18n"
)

// TestEveryReasonHasAPlanMessage: the plan checker shows a task's reason
// under "tasks.plan." + the reason's name; a reason without that message
// reached applicants and approvers as its raw key (tasks.plan.no_device).
func TestEveryReasonHasAPlanMessage(t *testing.T) {
	raw, err := os.ReadFile("../i18n/messages/tasks.ja.toml")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`(?m)^"tasks\.reason\.([a-z_]+)"`).FindAllStringSubmatch(string(raw), -1)
	if len(keys) < 10 {
		t.Fatalf("read %d reasons", len(keys))
	}
	for _, k := range keys {
		if plan := "tasks.plan." + k[1]; !i18n.Has(plan) {
			t.Errorf("%s has no %s", k[0], plan)
		}
	}
	if got := i18n.T("ja", "tasks.plan.no_device", map[string]any{"Task": "起案", "Where": "在宅", "Route": "在宅"}); strings.Contains(got, "tasks.") {
		t.Errorf("no_device: %q", got)
	}
}
