package org

import "telework/internal/auth"

// OwnRecord is the signed-in person's own staff record as read with their
// account for this request (id, unit and name only), when staffID is that
// person in tenantID and the principal carries the record; ok is false
// otherwise, and the caller reads the record. It spares a second read on
// the hot paths where people act for themselves (start reports, bookings).
func OwnRecord(who *auth.Principal, tenantID, staffID int64) (st *Staff, ok bool) {
	if who == nil || staffID == 0 || staffID != who.StaffID || who.TenantID != tenantID || who.UnitID == 0 || who.StaffName == "" {
		return nil, false
	}
	return &Staff{ID: who.StaffID, UnitID: who.UnitID, Name: who.StaffName}, true
}
