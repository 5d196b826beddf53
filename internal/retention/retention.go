// Package retention owns the data-retention rules: which kinds of record a
// tenant keeps for how long, and what "removing" means for each kind. The
// store applies them; a daily job runs them once per day across all nodes.
package retention

import (
	"slices"

	"telework/internal/apperr"
)

// Kind is one kind of record with a retention period.
type Kind struct {
	Name string
	// DefaultDays applies when the tenant has set nothing; 0 = keep forever.
	DefaultDays int
	// MinDays is the shortest period allowed (legal minimums).
	MinDays int
}

// Kinds known to the product, each with its removal in store.ApplyRetention
// (docs/operations.md lists them).
var Kinds = []Kind{
	// Personal data of staff who left: name, reading, e-mail and the
	// opt-in attributes are erased; the 職員番号 and history remain.
	{Name: "retired_staff", DefaultDays: 0, MinDays: 365},
	// Revoked or expired API tokens.
	{Name: "api_tokens", DefaultDays: 365, MinDays: 30},
	// Attendance records (勤務記録: start and end reports, breaks, prior
	// overtime requests), five years by 労働基準法 第109条 (SPEC §8),
	// counted from the working day.
	{Name: "attendance", DefaultDays: 1827, MinDays: 1827},
}

// Find returns the kind with this name.
func Find(name string) (Kind, bool) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Name == name })
	if i < 0 {
		return Kind{}, false
	}
	return Kinds[i], true
}

// Validate checks a setting: 0 (keep forever) or at least the minimum, and
// at most 100 years.
func Validate(name string, days int) error {
	var v apperr.Validation
	k, ok := Find(name)
	switch {
	case !ok:
		v.Add(name, "field.choice", nil)
	case days < 0 || days > 36500:
		v.Add(name, "field.range", map[string]any{"Min": 0, "Max": 36500})
	case days != 0 && days < k.MinDays:
		v.Add(name, "field.retention_min", map[string]any{"Min": k.MinDays})
	}
	return v.Err()
}

// Effective returns the days in force for each kind, given the tenant's
// own settings.
func Effective(set map[string]int) map[string]int {
	out := make(map[string]int, len(Kinds))
	for _, k := range Kinds {
		d, ok := set[k.Name]
		if !ok {
			d = k.DefaultDays
		}
		out[k.Name] = d
	}
	return out
}
