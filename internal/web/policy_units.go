package web

import (
	"net/http"
	"strconv"
	"strings"

	"telework/internal/apperr"
)

// The policy form chooses unit codes from the organisation tree (issue 9
// §3): a <datalist> of the open units (code and path) serves every unit
// code field, so a person types part of a name or a code and picks; the
// service refuses a name or an unknown code on save.

// unitChoice is one unit offered by the picker.
type unitChoice struct {
	Code, Path string
}

// policyFormPage is the form's state with the units to choose from.
type policyFormPage struct {
	*policyForm
	Units []unitChoice
}

// renderPolicyForm renders the policy form with the tenant's open units.
// The service names a unit rule by its place among the rules saved; the
// form also shows empty rows, so the error is moved to the row it is on.
func (s *Server) renderPolicyForm(w http.ResponseWriter, r *http.Request, status int, f *policyForm, err error) {
	tree, terr := s.svc.Org.Tree(r.Context(), principal(r).TenantID)
	if terr != nil {
		s.serverError(w, r, terr)
		return
	}
	page := &policyFormPage{policyForm: f}
	for _, n := range tree.Flatten(false) {
		page.Units = append(page.Units, unitChoice{Code: n.Unit.Code, Path: tree.PathString(n.Unit.ID)})
	}
	s.render(w, r, status, "policy_form", "policy.new_title", page, unitRuleRows(f, err))
}

// unitRuleRows renames the errors of unit_rules.<k>.unit_code (the k-th
// rule with a code) to the form row that holds it.
func unitRuleRows(f *policyForm, err error) error {
	e := apperr.As(err)
	if e == nil || len(e.Fields) == 0 {
		return err
	}
	var rows []int // rule k → form row
	for j, row := range f.UnitRules {
		if row.UnitCode != "" {
			rows = append(rows, j)
		}
	}
	out := *e
	out.Fields = make([]apperr.FieldError, len(e.Fields))
	for i, fe := range e.Fields {
		rest, ok := strings.CutPrefix(fe.Field, "unit_rules.")
		k, tail, _ := strings.Cut(rest, ".")
		n, nerr := strconv.Atoi(k)
		if ok && nerr == nil && n < len(rows) {
			fe.Field = "unit_rules." + strconv.Itoa(rows[n]) + "." + tail
			if _, has := fe.Args["Row"]; has {
				args := map[string]any{}
				for a, v := range fe.Args {
					args[a] = v
				}
				args["Row"] = rows[n] + 1
				fe.Args = args
			}
		}
		out.Fields[i] = fe
	}
	return &out
}
