package policy

import (
	"strings"
	"testing"

	"telework/internal/i18n"
)

// TestStoredOvertimeFindingsRead: findings stored before the lengths were
// given as hours and minutes ({"Worked":"9:30"}) still read, and new ones
// read as lengths (「9時間30分」).
func TestStoredOvertimeFindingsRead(t *testing.T) {
	for _, key := range []string{"policy.hours.overtime_prohibited", "policy.hours.overtime_needs_approval"} {
		for _, lang := range i18n.Langs {
			old := i18n.T(lang, key, map[string]any{"Worked": "9:30", "Standard": "7:45"})
			if strings.Contains(old, "no value") || !strings.Contains(old, "9:30") || !strings.Contains(old, "7:45") {
				t.Errorf("%s %s, stored args: %s", lang, key, old)
			}
			cur := i18n.T(lang, key, map[string]any{"WorkedH": 9, "WorkedM": 30, "StandardH": 7, "StandardM": 45})
			if strings.Contains(cur, "no value") || lang == "ja" && (!strings.Contains(cur, "9時間30分") || !strings.Contains(cur, "7時間45分")) {
				t.Errorf("%s %s: %s", lang, key, cur)
			}
		}
	}
}
