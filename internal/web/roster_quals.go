package web

import (
	"net/http"
	"slices"
	"strconv"

	"telework/internal/org"
	"telework/internal/rosterplan"
	"telework/internal/route"
)

// rosterQualRoutes are the qualifications page (HR only): the duties of
// each person of a section, saved through rosterplan.Service.SetQualifications
// like the API.
func (s *Server) rosterQualRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/roster/qualifications", Rule: route.HROnly, Handler: s.rosterQualsPage},
		{Method: "POST", Pattern: "/roster/qualifications", Rule: route.HROnly, Handler: s.rosterQualsSave},
	}
}

type rosterQualDuty struct {
	Code, JA, EN string
	Checked      bool
}

type rosterQualPerson struct {
	ID            int64
	StaffNo, Name string
	Duties        []string
	Boxes         []rosterQualDuty
}

type rosterQualView struct {
	Units  []*org.Unit
	UnitID int64
	People []rosterQualPerson
}

func (s *Server) rosterQualsView(r *http.Request, unitID int64) (*rosterQualView, error) {
	p := principal(r)
	units, err := s.rosterUnits(r)
	if err != nil {
		return nil, err
	}
	v := &rosterQualView{Units: units, UnitID: unitID}
	if unitID == 0 && len(units) > 0 {
		v.UnitID = units[0].ID
	}
	if v.UnitID == 0 {
		return v, nil
	}
	staff, _, err := s.svc.Org.FindStaff(r.Context(), p.TenantID, org.StaffFilter{UnitID: v.UnitID, Limit: 1000, ByID: true})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(staff))
	for _, st := range staff {
		ids = append(ids, st.ID)
	}
	quals, err := s.svc.Roster.Qualifications(r.Context(), p.TenantID, ids)
	if err != nil {
		return nil, err
	}
	for _, st := range staff {
		pe := rosterQualPerson{ID: st.ID, StaffNo: st.StaffNo, Name: st.Name, Duties: quals[st.ID]}
		for _, d := range rosterplan.Duties {
			pe.Boxes = append(pe.Boxes, rosterQualDuty{Code: d.Code, JA: d.JA, EN: d.EN, Checked: slices.Contains(pe.Duties, d.Code)})
		}
		v.People = append(v.People, pe)
	}
	return v, nil
}

func (s *Server) rosterQualsPage(w http.ResponseWriter, r *http.Request) {
	unitID, _ := strconv.ParseInt(r.URL.Query().Get("unit_id"), 10, 64)
	v, err := s.rosterQualsView(r, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "roster_quals", "roster.quals_title", v, nil)
}

func (s *Server) rosterQualsSave(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	v, err := s.rosterQualsView(r, f.id("unit_id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principal(r)
	for _, pe := range v.People {
		var duties []string
		for _, d := range rosterplan.DutyCodes() {
			if r.PostForm.Get("q."+strconv.FormatInt(pe.ID, 10)+"."+d) != "" {
				duties = append(duties, d)
			}
		}
		if slices.Equal(duties, pe.Duties) {
			continue
		}
		if err := s.svc.Roster.SetQualifications(r.Context(), p.TenantID, p, pe.ID, duties); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.flashRedirect(w, r, "/roster/qualifications?unit_id="+strconv.FormatInt(v.UnitID, 10), "flash.roster_quals_saved")
}
