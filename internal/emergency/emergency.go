// Package emergency is emergency mode (issue 15; SPEC §1 and §7; guide
// 第1章): HR declares an emergency (感染症 / 災害) for the tenant or some
// units, with a start and an end; while it lasts its rules
// (policy.OverrideRules) apply on top of the policy version in force, in
// every check of the policy engine. Ending it brings its end forward to
// the day before; decisions already made stay as they are.
package emergency

import (
	"slices"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/invisible"
	"telework/internal/policy"
)

// Kinds of emergency.
const (
	Infection = "infection" // 感染症
	Disaster  = "disaster"  // 災害
)

// Kinds lists them in the order the forms show.
var Kinds = []string{Infection, Disaster}

// MaxTitle is the longest title, in characters.
const MaxTitle = 200

// Emergency is one declared emergency.
type Emergency struct {
	ID        int64
	Kind      string
	Title     string // e.g. 新型インフルエンザ等対策特別措置法に基づく緊急事態宣言
	From, To  calendar.Date
	PlannedTo calendar.Date // the end first declared (To moves when it ends early)
	UnitIDs   []int64       // none: the whole tenant
	Rules     policy.OverrideRules
	// UnitNames are the units' names, filled in on reads for the pages.
	UnitNames  []string
	UnitCodes  []string
	DeclaredAt time.Time
	DeclaredBy string
	EndedAt    time.Time // zero while not ended by HR
	EndedBy    string
	Version    int64
}

// Declaration is what HR enters.
type Declaration struct {
	Kind     string
	Title    string
	From, To calendar.Date
	UnitIDs  []int64
	Rules    policy.OverrideRules
}

// Validate refuses an unknown kind, an empty or long title, a missing or
// reversed period, an end already past and unknown rule choices.
func (d *Declaration) Validate(today calendar.Date) error {
	d.Title = strings.TrimSpace(d.Title)
	var v apperr.Validation
	if !slices.Contains(Kinds, d.Kind) {
		v.Add("emergency_kind", "field.choice", nil)
	}
	invisible.Required(&v, "emergency_title", d.Title, MaxTitle, false, nil)
	switch {
	case d.From.IsZero():
		v.Add("from", "field.required", nil)
	case d.To.IsZero():
		v.Add("to", "field.required", nil)
	case d.To.Before(d.From):
		v.Add("to", "emergency.to_before_from", nil)
	case d.To.Before(today):
		v.Add("to", "emergency.to_past", nil)
	}
	d.Rules.Check(&v, "rules.")
	slices.Sort(d.UnitIDs)
	d.UnitIDs = slices.Compact(d.UnitIDs)
	return v.Err()
}

// Ended reports whether HR ended it.
func (e *Emergency) Ended() bool { return !e.EndedAt.IsZero() }

// InForce reports whether it covers day d (for some unit).
func (e *Emergency) InForce(d calendar.Date) bool { return !d.Before(e.From) && !e.To.Before(d) }

// Cancelled reports an emergency ended before its first day: it never
// applied.
func (e *Emergency) Cancelled() bool { return e.To.Before(e.From) }

// Override is what the policy engine sees of it.
func (e *Emergency) Override() policy.Override {
	return policy.Override{ID: e.ID, Kind: e.Kind, From: e.From, To: e.To, UnitCodes: e.UnitCodes, Rules: e.Rules}
}

// AuditView is what the audit log keeps (no personal data).
func (e *Emergency) AuditView() map[string]any {
	return map[string]any{"kind": e.Kind, "title": e.Title, "from": e.From.String(), "to": e.To.String(),
		"planned_to": e.PlannedTo.String(), "unit_ids": e.UnitIDs, "rules": e.Rules, "ended": e.Ended()}
}
