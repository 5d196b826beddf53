package i18n_test

import (
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/i18n"
)

// TestFieldLabelOfItsArea: a field named like another area's field (an
// overtime request's "status") is labelled with its own key, not with the
// shared fieldname.status (the staff record's 在職区分).
func TestFieldLabelOfItsArea(t *testing.T) {
	var v apperr.Validation
	v.Add("status", "field.choice", map[string]any{"LabelKey": "worktime.field_overtime_status"})
	got := i18n.FieldMessages("ja", v.Err())["status"]
	if !strings.Contains(got, "申請の状態") || strings.Contains(got, "在職区分") {
		t.Errorf("label: %q", got)
	}
	var plain apperr.Validation
	plain.Add("status", "field.choice", nil)
	if got := i18n.FieldMessages("ja", plain.Err())["status"]; !strings.Contains(got, "在職区分") {
		t.Errorf("shared label: %q", got)
	}
}
