package org

import (
	"testing"

	"telework/internal/auth"
)

func TestOwnRecord(t *testing.T) {
	me := &auth.Principal{TenantID: 1, StaffID: 7, UnitID: 3, StaffName: "山田 花子"}
	noName := &auth.Principal{TenantID: 1, StaffID: 7, UnitID: 3}
	noUnit := &auth.Principal{TenantID: 1, StaffID: 7, StaffName: "山田 花子"}
	for _, c := range []struct {
		name     string
		who      *auth.Principal
		tenantID int64
		staffID  int64
		ok       bool
	}{
		{"own record", me, 1, 7, true},
		{"someone else", me, 1, 8, false},
		{"another tenant", me, 2, 7, false},
		{"no staff asked", me, 1, 0, false},
		{"principal without the name", noName, 1, 7, false},
		{"principal without the unit", noUnit, 1, 7, false},
		{"no principal", nil, 1, 7, false},
	} {
		st, ok := OwnRecord(c.who, c.tenantID, c.staffID)
		if ok != c.ok {
			t.Errorf("%s: ok %v, want %v", c.name, ok, c.ok)
			continue
		}
		if ok && (st.ID != 7 || st.UnitID != 3 || st.Name != "山田 花子") {
			t.Errorf("%s: %+v", c.name, st)
		}
	}
}
