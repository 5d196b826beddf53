package api

import (
	"testing"

	"telework/internal/apply"
)

// TestDecisionOutNamesTheSystem: an auto-approval reads by_name
// 「システム(自動承認)」 (English when asked) with auto: true; a person's
// decision keeps their name and auto: false.
func TestDecisionOutNamesTheSystem(t *testing.T) {
	cases := []struct {
		d      apply.Decision
		lang   string
		name   string
		isAuto bool
	}{
		{apply.Decision{Action: apply.ActApprove, Step: 1}, "ja", "システム(自動承認)", true},
		{apply.Decision{Action: apply.ActApprove, Step: 1}, "en", "System (auto-approval)", true},
		{apply.Decision{Action: apply.ActApprove, Step: 1, ByStaffID: 5, ByUserID: 7, ByName: "課長 太郎"}, "ja", "課長 太郎", false},
		{apply.Decision{Action: apply.ActSubmit, ByStaffID: 6, ByUserID: 8, ByName: "職員 花子"}, "ja", "職員 花子", false},
	}
	for _, c := range cases {
		o := toDecisionOut(c.d, 0, c.lang)
		if o.ByName != c.name || o.Auto != c.isAuto {
			t.Errorf("%+v (%s): by_name %q auto %v, want %q %v", c.d, c.lang, o.ByName, o.Auto, c.name, c.isAuto)
		}
	}
}
