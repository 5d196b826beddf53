package web

import (
	"net/http"

	"telework/internal/notify"
)

// deliveryRoutes are the pages of notification delivery (issue 12): the
// signed-in person's own preferences. The service scopes every read and
// write to the person's staff record.
func (s *Server) deliveryRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/notifications/settings", Rule: anyUser, Handler: s.deliveryPrefsPage},
		{Method: "POST", Pattern: "/notifications/settings", Rule: anyUser, Handler: s.deliveryPrefsSave},
	}
}

// deliveryPrefRow is one kind on the preferences page.
type deliveryPrefRow struct {
	notify.Pref
	Label string
}

func (s *Server) deliveryPrefsPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	ps, err := s.svc.Delivery.Prefs(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.deliveryPrefsRender(w, r, http.StatusOK, ps, nil)
}

func (s *Server) deliveryPrefsRender(w http.ResponseWriter, r *http.Request, status int, ps []notify.Pref, formErr error) {
	rows := make([]deliveryPrefRow, 0, len(ps))
	for _, p := range ps {
		rows = append(rows, deliveryPrefRow{Pref: p, Label: "notify.kind." + string(p.Kind)})
	}
	s.render(w, r, status, "delivery_prefs", "delivery.title_prefs", map[string]any{"Rows": rows}, formErr)
}

// deliveryPrefsSave reads one checkbox per kind and channel
// ("<kind>.in_app", "<kind>.email", "<kind>.chat"); an unticked box is off.
func (s *Server) deliveryPrefsSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	var ps []notify.Pref
	for _, ki := range notify.KindList() {
		k := string(ki.Kind)
		ps = append(ps, notify.Pref{Kind: ki.Kind, InApp: fm.bool(k + ".in_app"), Email: fm.bool(k + ".email"), Chat: fm.bool(k + ".chat")})
	}
	if _, err := s.svc.Delivery.SavePrefs(r.Context(), p.TenantID, actorOf(p), p, ps); err != nil {
		if isInvalid(err) {
			s.deliveryPrefsRender(w, r, http.StatusUnprocessableEntity, ps, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/notifications/settings", "flash.delivery_prefs")
}
