package api

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
)

// JSON shapes of the API. Field names are stable; the OpenAPI document in
// openapi.go describes the same shapes.

type unitJSON struct {
	ID        int64    `json:"id"`
	ParentID  *int64   `json:"parent_id"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Level     string   `json:"level"`
	SortOrder int      `json:"sort_order"`
	Retired   bool     `json:"retired"`
	Path      []string `json:"path"`
	Version   int64    `json:"version"`
}

func toUnitJSON(u *org.Unit) unitJSON {
	j := unitJSON{ID: u.ID, Code: u.Code, Name: u.Name, Level: u.Level, SortOrder: u.SortOrder, Retired: u.Retired, Path: u.Path, Version: u.Version}
	if u.ParentID != 0 {
		p := u.ParentID
		j.ParentID = &p
	}
	if j.Path == nil {
		j.Path = []string{u.Name}
	}
	return j
}

type sensitiveJSON struct {
	Gender         string `json:"gender"`
	AgeBand        string `json:"age_band"`
	Care           string `json:"care"`
	CommuteMinutes int    `json:"commute_minutes"`
}

type staffJSON struct {
	ID           int64          `json:"id"`
	StaffNo      string         `json:"staff_no"`
	Name         string         `json:"name"`
	Kana         string         `json:"kana"`
	Email        string         `json:"email"`
	UnitID       int64          `json:"unit_id"`
	UnitName     string         `json:"unit_name"`
	Title        string         `json:"title"`
	Rank         org.Rank       `json:"rank"`
	IsSupervisor bool           `json:"is_supervisor"`
	Employment   org.Employment `json:"employment"`
	JobType      string         `json:"job_type"`
	Retired      bool           `json:"retired"`
	Version      int64          `json:"version"`
	UpdatedAt    time.Time      `json:"updated_at"`
	// Only for HR, and only when the person opted in.
	Sensitive *sensitiveJSON `json:"sensitive,omitempty"`
}

func toStaffJSON(s *org.Staff, showSensitive bool) staffJSON {
	j := staffJSON{ID: s.ID, StaffNo: s.StaffNo, Name: s.Name, Kana: s.Kana, Email: s.Email, UnitID: s.UnitID, UnitName: s.UnitName,
		Title: s.Title, Rank: s.Rank, IsSupervisor: s.IsSupervisor, Employment: s.Employment, JobType: s.JobType,
		Retired: s.Retired, Version: s.Version, UpdatedAt: s.UpdatedAt}
	if showSensitive && s.Sensitive != nil {
		j.Sensitive = &sensitiveJSON{s.Sensitive.Gender, s.Sensitive.AgeBand, s.Sensitive.Care, s.Sensitive.CommuteMinutes}
	}
	return j
}

type tenantJSON struct {
	ID                int64          `json:"id"`
	Slug              string         `json:"slug"`
	Name              string         `json:"name"`
	Kind              org.TenantKind `json:"kind"`
	StaffSize         int            `json:"staff_size"`
	GeneralAdminStaff int            `json:"general_admin_staff"`
	CreatedAt         time.Time      `json:"created_at"`
	Version           int64          `json:"version"`
}

func toTenantJSON(t *org.Tenant) tenantJSON {
	return tenantJSON{t.ID, t.Slug, t.Name, t.Kind, t.StaffSize, t.GeneralAdminStaff, t.CreatedAt, t.Version}
}

func (s *API) apiMe(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	me := map[string]any{
		"tenant": map[string]any{"id": p.TenantID, "slug": p.TenantSlug, "name": p.TenantName},
		"user":   map[string]any{"id": p.UserID, "login_id": p.LoginID, "roles": p.Roles, "locale": p.Locale, "wareki": p.Wareki},
		"staff":  nil,
	}
	if p.StaffID != 0 {
		st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, p.StaffID)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		me["staff"] = toStaffJSON(st, p.Has(auth.HRAdmin))
	}
	writeJSON(w, http.StatusOK, me)
}

// --- units ---

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

// --- staff ---

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

// --- tenants (operator) ---

func (s *API) apiListTenants(w http.ResponseWriter, r *http.Request) {
	limit, after, err := paging(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ts, err := s.svc.Org.Tenants(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	slices.SortFunc(ts, func(a, b *org.Tenant) int { return int(a.ID - b.ID) })
	out := page[tenantJSON]{Items: []tenantJSON{}, Total: len(ts)}
	for _, t := range ts {
		if t.ID > after && len(out.Items) < limit {
			out.Items = append(out.Items, toTenantJSON(t))
		}
	}
	if n := len(out.Items); n == limit && out.Items[n-1].ID != ts[len(ts)-1].ID {
		out.NextCursor = encodeCursor(out.Items[n-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiTenant(w http.ResponseWriter, r *http.Request) (*org.Tenant, bool) {
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("tenant"))
		return nil, false
	}
	t, err := s.svc.Org.TenantByID(r.Context(), id)
	if err != nil {
		s.apiFail(w, r, err)
		return nil, false
	}
	return t, true
}

func (s *API) apiGetTenant(w http.ResponseWriter, r *http.Request) {
	t, ok := s.apiTenant(w, r)
	if !ok {
		return
	}
	w.Header().Set("ETag", etag("tenant", t.ID, t.Version))
	writeJSON(w, http.StatusOK, toTenantJSON(t))
}

type tenantInput struct {
	Slug              *string         `json:"slug"`
	Name              *string         `json:"name"`
	Kind              *org.TenantKind `json:"kind"`
	StaffSize         *int            `json:"staff_size"`
	GeneralAdminStaff *int            `json:"general_admin_staff"`
}

func (in *tenantInput) apply(t *org.Tenant) {
	if in.Slug != nil {
		t.Slug = strings.TrimSpace(*in.Slug)
	}
	if in.Name != nil {
		t.Name = *in.Name
	}
	if in.Kind != nil {
		t.Kind = *in.Kind
	}
	if in.StaffSize != nil {
		t.StaffSize = *in.StaffSize
	}
	if in.GeneralAdminStaff != nil {
		t.GeneralAdminStaff = *in.GeneralAdminStaff
	}
}

func (s *API) apiCreateTenant(w http.ResponseWriter, r *http.Request) {
	var in tenantInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	t := org.Tenant{Kind: org.Municipality}
	in.apply(&t)
	created, err := s.svc.Org.CreateTenant(r.Context(), actorOf(principal(r)), org.NewTenant{Tenant: t})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	t = *created.Tenant
	w.Header().Set("ETag", etag("tenant", t.ID, t.Version))
	w.Header().Set("Location", "/api/v1/tenants/"+itoa(t.ID))
	writeJSON(w, http.StatusCreated, toTenantJSON(&t))
}

func (s *API) apiUpdateTenant(w http.ResponseWriter, r *http.Request) {
	cur, ok := s.apiTenant(w, r)
	if !ok {
		return
	}
	version, ok := s.ifMatch(w, r, "tenant", cur.ID)
	if !ok {
		return
	}
	var in tenantInput
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	t := *cur
	in.apply(&t)
	var v apperr.Validation
	if t.Slug != cur.Slug {
		v.Add("slug", "field.read_only", nil)
	}
	err := apperr.Merge(v.Err(), t.Validate())
	var after *org.Tenant
	if err == nil {
		after, err = s.svc.Org.UpdateTenant(r.Context(), actorOf(principal(r)), cur.ID, org.TenantUpdate{Name: &t.Name, Kind: &t.Kind,
			StaffSize: &t.StaffSize, GeneralAdminStaff: &t.GeneralAdminStaff, ExpectVersion: version})
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag("tenant", after.ID, after.Version))
	writeJSON(w, http.StatusOK, toTenantJSON(after))
}
