package places

import (
	"golang.org/x/text/unicode/norm"

	"context"
	"strings"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/org"
)

// Choosable are the people a supervisor picks from on a booking form:
// staff, the people of their unit and the units below it (org.StaffFilter
// with UnitID), less the supervisor; nobody for anyone else.
func Choosable(who *auth.Principal, staff []*org.Staff) []*org.Staff {
	if !who.Has(auth.Supervisor) || who.UnitID == 0 {
		return nil
	}
	var out []*org.Staff
	for _, st := range staff {
		if st.ID != who.StaffID {
			out = append(out, st)
		}
	}
	return out
}

// ByNumber reports whether who may name anyone by staff number (HR, IT).
func ByNumber(who *auth.Principal) bool { return Manages(who) }

// ForWhom resolves the person a booking form names: staffNo (HR and IT
// name anyone by staff number; anyone else is refused before any lookup,
// so numbers tell nothing), else staffID from the list (0: the caller).
// Whether who may act for the person is judged by Book and Reserve.
func ForWhom(ctx context.Context, who *auth.Principal, staffID int64, staffNo string,
	byNo func(ctx context.Context, staffNo string) (*org.Staff, error)) (int64, error) {
	// 全角 digits (an IME's default) name the same number.
	staffNo = strings.TrimSpace(norm.NFKC.String(staffNo))
	if staffNo == "" {
		return staffID, nil
	}
	if !ByNumber(who) {
		return 0, &apperr.Error{Code: apperr.Forbidden, Key: "places.refused.on_behalf"}
	}
	st, err := byNo(ctx, staffNo)
	if apperr.CodeOf(err) == apperr.NotFound {
		var v apperr.Validation
		v.Add("staff_no", "places.error.staff", nil)
		return 0, v.Err()
	}
	if err != nil {
		return 0, err
	}
	return st.ID, nil
}
