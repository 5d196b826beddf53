package api

import (
	"cmp"
	"net/http"
	"slices"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
)

// Units (部・課・係): list, get, create, update.

func (s *API) apiListUnits(w http.ResponseWriter, r *http.Request) {
	var v apperr.Validation
	limit, after, perr := paging(r)
	parent := queryInt(r, "parent_id", &v)
	hasParent := r.URL.Query().Has("parent_id")
	withRetired := queryBool(r, "include_retired", &v)
	if err := apperr.Merge(perr, v.Err()); err != nil {
		s.apiFail(w, r, err)
		return
	}
	tr, err := s.tree(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var all []*org.Unit
	for _, n := range tr.Flatten(withRetired) {
		if hasParent && n.Unit.ParentID != parent {
			continue
		}
		all = append(all, n.Unit)
	}
	// Tree order is not id order, so the cursor is the position's id: the
	// page starts after the unit with that id.
	start := 0
	if after > 0 {
		start = slices.IndexFunc(all, func(u *org.Unit) bool { return u.ID == after }) + 1
	}
	out := page[unitJSON]{Items: []unitJSON{}, Total: len(all)}
	for i := start; i < len(all) && len(out.Items) < limit; i++ {
		out.Items = append(out.Items, toUnitJSON(all[i]))
	}
	if end := start + len(out.Items); end < len(all) && len(out.Items) > 0 {
		out.NextCursor = encodeCursor(all[end-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiUnit(w http.ResponseWriter, r *http.Request) (*org.Unit, bool) {
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("unit"))
		return nil, false
	}
	tr, err := s.tree(r)
	if err != nil {
		s.apiFail(w, r, err)
		return nil, false
	}
	u := tr.Unit(id)
	if u == nil {
		s.apiFail(w, r, apperr.NotFoundErr("unit"))
		return nil, false
	}
	return u, true
}

func (s *API) apiGetUnit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.apiUnit(w, r)
	if !ok {
		return
	}
	w.Header().Set("ETag", etag("unit", u.ID, u.Version))
	writeJSON(w, http.StatusOK, toUnitJSON(u))
}

type unitInput struct {
	ParentID      *int64  `json:"parent_id"`
	Code          *string `json:"code"`
	Name          *string `json:"name"`
	Level         *string `json:"level"`
	SortOrder     *int    `json:"sort_order"`
	EffectiveDate *string `json:"effective_date"`
}

func (in *unitInput) apply(u *org.Unit) {
	if in.ParentID != nil {
		u.ParentID = *in.ParentID
	}
	if in.Code != nil {
		u.Code = *in.Code
	}
	if in.Name != nil {
		u.Name = *in.Name
	}
	if in.Level != nil {
		u.Level = *in.Level
	}
	if in.SortOrder != nil {
		u.SortOrder = *in.SortOrder
	}
}

func effectiveDate(s *string, v *apperr.Validation) calendar.Date {
	if s == nil || *s == "" {
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(*s)
	if err != nil {
		v.Add("effective_date", "field.date", nil)
	}
	return d
}

func (s *API) apiCreateUnit(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in unitInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var u org.Unit
	in.apply(&u)
	var v apperr.Validation
	eff := effectiveDate(in.EffectiveDate, &v)
	err := apperr.Merge(v.Err(), u.Validate())
	if err == nil {
		err = s.svc.Org.CreateUnit(r.Context(), p.TenantID, actorOf(p), &u, eff)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.respondUnit(w, r, u.ID, http.StatusCreated)
}

func (s *API) respondUnit(w http.ResponseWriter, r *http.Request, id int64, status int) {
	tr, err := s.tree(r)
	if err != nil || tr.Unit(id) == nil {
		s.apiFail(w, r, cmp.Or(err, error(apperr.NotFoundErr("unit"))))
		return
	}
	u := tr.Unit(id)
	w.Header().Set("ETag", etag("unit", u.ID, u.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/units/"+itoa(u.ID))
	}
	writeJSON(w, status, toUnitJSON(u))
}

func (s *API) apiUpdateUnit(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	cur, ok := s.apiUnit(w, r)
	if !ok {
		return
	}
	version, ok := s.ifMatch(w, r, "unit", cur.ID)
	if !ok {
		return
	}
	var in unitInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	u := *cur
	in.apply(&u)
	var v apperr.Validation
	eff := effectiveDate(in.EffectiveDate, &v)
	err := apperr.Merge(v.Err(), u.Validate())
	if err == nil {
		_, err = s.svc.Org.UpdateUnit(r.Context(), p.TenantID, actorOf(p), cur.ID, org.UnitUpdate{Name: &u.Name, Level: &u.Level,
			Code: &u.Code, ParentID: &u.ParentID, SortOrder: &u.SortOrder, Effective: eff, ExpectVersion: version})
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.respondUnit(w, r, cur.ID, http.StatusOK)
}
