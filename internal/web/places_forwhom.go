package web

import (
	"context"
	"net/http"

	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/places"
)

// placesForWhom is the staff picker of the booking and reservation forms
// (issue 14: booking on someone's behalf from the UI), without JavaScript:
// a supervisor picks from a select of the people they may act for, HR and
// IT also type anyone's staff number. Whether the caller may act for the
// person is judged by the service (places.MayActFor).
type placesForWhom struct {
	People   []*org.Staff
	ByNumber bool
	// The posted choice, kept on a refused form.
	StaffID int64
	StaffNo string
}

// Offer reports whether the form shows the picker at all.
func (v *placesForWhom) Offer() bool { return v != nil && (len(v.People) > 0 || v.ByNumber) }

func (s *Server) placesForWhomOf(r *http.Request) (*placesForWhom, error) {
	p := principal(r)
	v := &placesForWhom{ByNumber: places.ByNumber(p)}
	if p.Has(auth.Supervisor) && p.UnitID != 0 {
		list, _, err := s.svc.Org.FindStaff(r.Context(), p.TenantID, org.StaffFilter{UnitID: p.UnitID, Limit: 1000})
		if err != nil {
			return nil, err
		}
		v.People = places.Choosable(p, list)
	}
	if r.Method == http.MethodPost {
		f := newForm(r)
		v.StaffID, v.StaffNo = f.id("staff_id"), f.str("staff_no")
	}
	return v, nil
}

// placesTarget is the person a posted form names (0: the caller).
func (s *Server) placesTarget(r *http.Request, f *form) (int64, error) {
	p := principal(r)
	id := f.id("staff_id")
	if err := f.v.Err(); err != nil {
		return 0, err
	}
	return places.ForWhom(r.Context(), p, id, f.str("staff_no"), func(ctx context.Context, no string) (*org.Staff, error) {
		return s.svc.Org.StaffByNo(ctx, p.TenantID, no)
	})
}
