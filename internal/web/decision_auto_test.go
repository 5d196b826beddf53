package web

import (
	"testing"

	"telework/internal/apply"
)

// TestDecisionTextNamesTheSystem: the history line of an auto-approval
// names 「システム(自動承認)」, not a blank name.
func TestDecisionTextNamesTheSystem(t *testing.T) {
	cases := []struct {
		d    apply.Decision
		lang string
		want string
	}{
		{apply.Decision{Action: apply.ActApprove, Step: 1}, "ja", "システム(自動承認): 承認"},
		{apply.Decision{Action: apply.ActApprove, Step: 1}, "en", "System (auto-approval): Approve"},
		{apply.Decision{Action: apply.ActApprove, Step: 1, ByStaffID: 5, ByUserID: 7, ByName: "課長 太郎"}, "ja", "課長 太郎: 承認"},
	}
	for _, c := range cases {
		if got := decisionText(&view{Lang: c.lang}, c.d, 0); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
}
