package policy

import (
	"encoding/json"

	"telework/internal/calendar"
)

// OrgTemplates gives org's tenant creation the 第6章 templates without org
// importing policy (policy reads org's types).
type OrgTemplates struct{}

// FirstVersion is the template's policy as JSON and the note of a tenant's
// first version (FirstVersion's).
func (OrgTemplates) FirstVersion(name string) ([]byte, string, bool) {
	v, ok := FirstVersion(name, calendar.Date{})
	if !ok {
		return nil, "", false
	}
	body, err := json.Marshal(v.Policy)
	if err != nil {
		return nil, "", false
	}
	return body, v.Note, true
}
