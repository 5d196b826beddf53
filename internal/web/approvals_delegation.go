package web

import (
	"net/http"
	"slices"

	"telework/internal/apply"
	"telework/internal/i18n"
	"telework/internal/org"
)

type delegationRow struct {
	ID                         int64
	Kind                       string
	ApproverName, DelegateName string
	Period                     string
	Note                       string
}

type delegationForm struct {
	Kind       string
	DelegateID int64
	From, To   string
	Note       string
}

// delegation is 代決・委任: who may decide in the signed-in approver's name
// (a standing 代決者, or a delegate during an absence), whom they may
// decide for, and a form to add one. Only supervisors may delegate (the
// service refuses others); everyone sees whom they act for.
func (s *Server) delegation(w http.ResponseWriter, r *http.Request) {
	s.delegationPage(w, r, http.StatusOK, &delegationForm{Kind: apply.DelegateAbsence}, nil)
}

func (s *Server) delegationPage(w http.ResponseWriter, r *http.Request, status int, f *delegationForm, formErr error) {
	p := principal(r)
	list, err := s.svc.Apply.Delegations(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	v := dateView(r)
	var mine, forMe []delegationRow
	for _, d := range list {
		row := delegationRow{ID: d.ID, Kind: d.Kind, ApproverName: d.ApproverName, DelegateName: d.DelegateName, Note: d.Note,
			Period: i18n.T(l, "applyweb.delegation_always", nil)}
		if d.Kind == apply.DelegateAbsence {
			row.Period = i18n.T(l, "applyweb.delegation_period", map[string]any{"From": v.Date(d.From), "To": v.Date(d.To)})
		}
		switch {
		case d.ApproverID == p.StaffID:
			mine = append(mine, row)
		case d.DelegateID == p.StaffID:
			forMe = append(forMe, row)
		}
	}
	people, err := s.delegateChoices(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "approvals_delegation", "applyweb.title_delegation", map[string]any{
		"Mine": mine, "ForMe": forMe, "Form": f, "People": people}, formErr)
}

// delegateChoices are the people a supervisor may name: their section's,
// supervisors first.
func (s *Server) delegateChoices(r *http.Request) ([]*org.Staff, error) {
	list, err := s.sectionPeople(r, principal(r))
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, func(a, b *org.Staff) int {
		switch {
		case a.IsSupervisor == b.IsSupervisor:
			return 0
		case a.IsSupervisor:
			return -1
		}
		return 1
	})
	return list, nil
}

func (s *Server) delegationCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	f := &delegationForm{Kind: fm.str("kind"), DelegateID: fm.id("delegate_id"), From: fm.str("from"), To: fm.str("to"), Note: fm.str("note")}
	d := apply.Delegation{Kind: f.Kind, DelegateID: f.DelegateID, Note: f.Note}
	if f.Kind == apply.DelegateAbsence {
		d.From, d.To = fm.date("from"), fm.date("to")
	}
	if err := fm.v.Err(); err != nil {
		s.delegationPage(w, r, http.StatusUnprocessableEntity, f, err)
		return
	}
	if _, err := s.svc.Apply.Delegate(r.Context(), p.TenantID, p, d); err != nil {
		if isInvalid(err) {
			s.delegationPage(w, r, http.StatusUnprocessableEntity, f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/approvals/delegation", "flash.applyweb_delegated")
}

// delegationEnd ends one of the approver's delegations (another's, or
// another tenant's, is not found).
func (s *Server) delegationEnd(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r)
	if !ok {
		return
	}
	p := principal(r)
	if err := s.svc.Apply.Undelegate(r.Context(), p.TenantID, p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/approvals/delegation", "flash.applyweb_undelegated")
}
