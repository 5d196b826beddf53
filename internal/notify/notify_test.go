package notify

import (
	"strings"
	"testing"

	"telework/internal/i18n"
)

// TestEveryKindReads: every kind has a message in Japanese and English
// that fills in its arguments.
func TestEveryKindReads(t *testing.T) {
	args := map[string]any{"Name": "山田 太郎", "Dates": "2026-12-04", "Count": 3, "To": "2026-12-10"}
	for _, k := range Kinds {
		if !i18n.Has("notify." + string(k)) {
			t.Errorf("%s has no ja/en message", k)
			continue
		}
		for _, lang := range []string{"ja", "en"} {
			m := Notification{Kind: k, Args: args}.Message(lang)
			if m == "" || strings.Contains(m, "<no value>") || strings.Contains(m, "{{") {
				t.Errorf("%s (%s) reads %q", k, lang, m)
			}
		}
	}
	// The other areas' kinds take their own arguments; each has a message.
	for _, ki := range KindList() {
		if !i18n.Has("notify." + string(ki.Kind)) {
			t.Errorf("registered kind %s has no ja/en message", ki.Kind)
		}
	}
	if m := (Notification{Kind: DelegationStarted, Args: map[string]any{"Name": "佐藤"}}).Message("ja"); strings.Contains(m, "まで") {
		t.Errorf("a standing proxy has no end: %q", m)
	}
}
