package api

import (
	"net/http"
	"time"

	"telework/internal/auth"
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
