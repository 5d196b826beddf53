package incident_test

import (
	"testing"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/incident"
)

// TestCategoryErrorSaysWhy: a category that is not in the list is asked
// for from the list; one that is in the list but under the other kind's
// heading is told that it does not fit the kind (the person chose it from
// the list, so 「一覧から選んでください」 would not help).
func TestCategoryErrorSaysWhy(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 12, Day: 17}
	for _, c := range []struct {
		name     string
		kind     incident.Kind
		category string
		key      string // "" for no category error
	}{
		{"fits its kind", incident.KindIncident, "malware", ""},
		{"worry's category for a worry", incident.KindWorry, "distraction", ""},
		{"incident's category for a worry", incident.KindWorry, "malware", "field.incident_category_kind"},
		{"worry's category for an incident", incident.KindIncident, "distraction", "field.incident_category_kind"},
		{"not in the list", incident.KindIncident, "nonsense", "field.choice"},
		{"empty", incident.KindWorry, "", "field.choice"},
		{"no kind chosen: only the kind is asked for", "", "malware", ""},
	} {
		r := incident.Report{Kind: c.kind, Category: c.category, Summary: "x"}
		key := ""
		if e := apperr.As(r.Validate(today)); e != nil {
			for _, f := range e.Fields {
				if f.Field == "category" {
					key = f.Key
				}
			}
		}
		if key != c.key {
			t.Errorf("%s: category error %q, want %q", c.name, key, c.key)
		}
	}
}
