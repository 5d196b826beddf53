package web

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/retention"
)

type retentionRow struct {
	Kind    retention.Kind
	Days    int
	Default bool
}

func (s *Server) retentionPage(w http.ResponseWriter, r *http.Request) {
	set, err := s.svc.Retention.Settings(r.Context(), principal(r).TenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderRetention(w, r, http.StatusOK, set, nil)
}

func (s *Server) renderRetention(w http.ResponseWriter, r *http.Request, status int, set map[string]int, err error) {
	eff := retention.Effective(set)
	rows := make([]retentionRow, 0, len(retention.Kinds))
	for _, k := range retention.Kinds {
		_, own := set[k.Name]
		rows = append(rows, retentionRow{k, eff[k.Name], !own})
	}
	s.render(w, r, status, "retention", "retention.title", rows, err)
}

func (s *Server) retentionSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	set := map[string]int{}
	for _, k := range retention.Kinds {
		set[k.Name] = fm.int(k.Name, k.DefaultDays)
	}
	err := fm.v.Err()
	if err == nil {
		err = s.svc.Retention.SetSettings(r.Context(), p.TenantID, actorOf(p), set)
	} else {
		err = fm.merge(retention.ValidateSettings(set))
	}
	if apperr.CodeOf(err) == apperr.Invalid {
		s.renderRetention(w, r, http.StatusUnprocessableEntity, set, err)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/retention", "flash.saved")
}
