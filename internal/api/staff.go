package api

import (
	"net/http"
	"slices"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/org"
)

// Staff: search, get, register, change (one transaction with a move and a retirement).

func (s *API) apiListStaff(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var v apperr.Validation
	limit, after, perr := paging(r)
	q := r.URL.Query()
	f := org.StaffFilter{Query: q.Get("q"), UnitID: queryInt(r, "unit_id", &v), Employment: org.Employment(q.Get("employment")),
		JobType: q.Get("job_type"), IncludeRetire: queryBool(r, "include_retired", &v), Limit: limit, AfterID: after, ByID: true}
	if f.Employment != "" && !slices.Contains(org.Employments, f.Employment) {
		v.Add("employment", "field.choice", nil)
	}
	if f.JobType != "" && !slices.Contains(org.JobTypes, f.JobType) {
		v.Add("job_type", "field.choice", nil)
	}
	if f.IncludeRetire && !p.Has(auth.HRAdmin) {
		f.IncludeRetire = false // people who left are in HR's records only
	}
	if err := apperr.Merge(perr, v.Err()); err != nil {
		s.apiFail(w, r, err)
		return
	}
	list, total, err := s.svc.Org.FindStaff(r.Context(), p.TenantID, f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	hr := p.Has(auth.HRAdmin)
	out := page[staffJSON]{Items: make([]staffJSON, 0, len(list)), Total: total}
	for _, st := range list {
		out.Items = append(out.Items, toStaffJSON(st, hr))
	}
	if len(list) == limit {
		out.NextCursor = encodeCursor(list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiStaff(w http.ResponseWriter, r *http.Request) (*org.Staff, bool) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("staff"))
		return nil, false
	}
	st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, id)
	if err == nil && st.Retired && !p.Has(auth.HRAdmin) {
		err = apperr.NotFoundErr("staff")
	}
	if err != nil {
		s.apiFail(w, r, err)
		return nil, false
	}
	return st, true
}

func (s *API) apiGetStaff(w http.ResponseWriter, r *http.Request) {
	st, ok := s.apiStaff(w, r)
	if !ok {
		return
	}
	w.Header().Set("ETag", etag("staff", st.ID, st.Version))
	writeJSON(w, http.StatusOK, toStaffJSON(st, principal(r).Has(auth.HRAdmin)))
}

type staffInput struct {
	StaffNo       *string         `json:"staff_no"`
	Name          *string         `json:"name"`
	Kana          *string         `json:"kana"`
	Email         *string         `json:"email"`
	UnitID        *int64          `json:"unit_id"`
	Title         *string         `json:"title"`
	Rank          *org.Rank       `json:"rank"`
	IsSupervisor  *bool           `json:"is_supervisor"`
	Employment    *org.Employment `json:"employment"`
	JobType       *string         `json:"job_type"`
	Retired       *bool           `json:"retired"`
	Sensitive     **sensitiveJSON `json:"sensitive"`
	EffectiveDate *string         `json:"effective_date"`
}

func (in *staffInput) apply(st *org.Staff) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&st.StaffNo, in.StaffNo)
	set(&st.Name, in.Name)
	set(&st.Kana, in.Kana)
	set(&st.Email, in.Email)
	set(&st.Title, in.Title)
	set(&st.JobType, in.JobType)
	if in.UnitID != nil {
		st.UnitID = *in.UnitID
	}
	if in.Rank != nil {
		st.Rank = *in.Rank
	}
	if in.IsSupervisor != nil {
		st.IsSupervisor = *in.IsSupervisor
	}
	if in.Employment != nil {
		st.Employment = *in.Employment
	}
	if in.Sensitive != nil {
		// null withdraws consent and erases the attributes.
		if sj := *in.Sensitive; sj == nil {
			st.Sensitive = nil
		} else {
			st.Sensitive = &org.Sensitive{Gender: sj.Gender, AgeBand: sj.AgeBand, Care: sj.Care, CommuteMinutes: sj.CommuteMinutes}
		}
	}
}

func (s *API) apiCreateStaff(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in staffInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	st := org.Staff{Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
	in.apply(&st)
	var v apperr.Validation
	if in.Retired != nil {
		v.Add("retired", "field.read_only", nil)
	}
	eff := effectiveDate(in.EffectiveDate, &v)
	err := apperr.Merge(v.Err(), st.Validate())
	if err == nil {
		err = s.svc.Org.CreateStaff(r.Context(), p.TenantID, actorOf(p), &st, eff)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.respondStaff(w, r, st.ID, http.StatusCreated)
}

func (s *API) respondStaff(w http.ResponseWriter, r *http.Request, id int64, status int) {
	st, err := s.svc.Org.StaffByID(r.Context(), principal(r).TenantID, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag("staff", st.ID, st.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/staff/"+itoa(st.ID))
	}
	writeJSON(w, status, toStaffJSON(st, true))
}

func (s *API) apiUpdateStaff(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	cur, ok := s.apiStaff(w, r)
	if !ok {
		return
	}
	version, ok := s.ifMatch(w, r, "staff", cur.ID)
	if !ok {
		return
	}
	var in staffInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	st := *cur
	in.apply(&st)
	var v apperr.Validation
	eff := effectiveDate(in.EffectiveDate, &v)
	err := apperr.Merge(v.Err(), st.Validate())
	if err == nil {
		// One transaction: the fields, a move and a retirement together.
		st.Version = version
		upd := org.FullUpdate(&st, eff)
		upd.Retired = in.Retired
		_, err = s.svc.Org.UpdateStaff(r.Context(), p.TenantID, actorOf(p), cur.ID, upd)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.respondStaff(w, r, cur.ID, http.StatusOK)
}
