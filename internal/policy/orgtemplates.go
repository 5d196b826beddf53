package policy

import "encoding/json"

// OrgTemplates gives org's tenant creation the 第6章 templates without org
// importing policy (policy reads org's types).
type OrgTemplates struct{}

// FirstVersion is the template's policy as JSON and the note of a tenant's
// first version.
func (OrgTemplates) FirstVersion(name string) ([]byte, string, bool) {
	t, ok := TemplateByName(name)
	if !ok {
		return nil, "", false
	}
	body, err := json.Marshal(t.Policy)
	if err != nil {
		return nil, "", false
	}
	return body, t.Label + "の例", true
}
