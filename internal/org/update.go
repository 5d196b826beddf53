package org

import "telework/internal/calendar"

// Changes to units, with pointer fields for what changes.

// UnitUpdate is a rename, move or reorder of a unit.
type UnitUpdate struct {
	Name, Level, Code string
	ParentID          int64
	SortOrder         int
	Effective         calendar.Date
	ExpectVersion     int64
}
