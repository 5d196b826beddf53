package worktime

import (
	"testing"

	"telework/internal/auth"
	"telework/internal/org"
)

// TestOvertimeWhoDecides: the routed approver or whoever acts for them; a
// supervisor above the person's unit; in the person's own unit a
// supervisor only over a member who heads nothing — never a peer
// supervisor over the unit's head, and never one's own request.
func TestOvertimeWhoDecides(t *testing.T) {
	tr := org.NewTree([]*org.Unit{{ID: 1, Name: "総務部"}, {ID: 2, ParentID: 1, Name: "総務課"}, {ID: 3, ParentID: 2, Name: "総務係"},
		{ID: 4, ParentID: 1, Name: "人事課"}})
	sup := func(staff, unit int64) *auth.Principal {
		return &auth.Principal{StaffID: staff, UnitID: unit, Roles: []auth.Role{auth.Staff, auth.Supervisor}}
	}
	member := &Overtime{StaffID: 10, UnitID: 3, ApproverID: 20}
	kacho := &Overtime{StaffID: 30, UnitID: 2, Supervisor: true, ApproverID: 40}
	cases := []struct {
		name   string
		who    *auth.Principal
		acting []int64
		o      *Overtime
		want   bool
	}{
		{"the 係長 over a 係員 (same unit)", sup(21, 3), nil, member, true},
		{"the routed approver", sup(20, 2), []int64{20}, member, true},
		{"a delegate acting for the approver", &auth.Principal{StaffID: 22, UnitID: 4}, []int64{20}, member, true},
		{"the 課長 above the 係", sup(30, 2), nil, member, true},
		{"another section's head", sup(50, 4), nil, member, false},
		{"a plain colleague", &auth.Principal{StaffID: 11, UnitID: 3}, nil, member, false},
		{"a 課長補佐 beside the 課長 (same unit, peer supervisor)", sup(31, 2), nil, kacho, false},
		{"the 部長 above the 課長", sup(40, 1), nil, kacho, true},
		{"the 課長's own request", sup(30, 2), []int64{30}, kacho, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &overtimeRel{who: c.who, tree: tr, acting: c.acting}
			if got := r.canDecide(c.o); got != c.want {
				t.Errorf("canDecide = %v, want %v", got, c.want)
			}
		})
	}
}
