package api

import (
	"net/http"
	"slices"
	"strings"

	"telework/internal/apperr"
	"telework/internal/org"
)

// Tenants (operator): list, get, create, update.

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
