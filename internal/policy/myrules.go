package policy

import (
	"context"

	"telework/internal/calendar"
	"telework/internal/org"
)

// Applying is the telework policy as it applies to one person today: the
// version in force, what their unit's rules leave of the modes and caps,
// and — when they are not eligible — why (「あなたのテレワークの制度」).
type Applying struct {
	Version Version
	// Next is the date the next scheduled version takes effect (zero when
	// none is scheduled).
	Next calendar.Date
	// Future are the versions scheduled after today, in effective order.
	Future []Version
	// Modes, WeeklyMax and MonthlyMax are the tenant's, narrowed by the
	// unit rules of the person's unit and the units above it.
	Modes                 []Mode
	WeeklyMax, MonthlyMax int
	UnitRules             []UnitRule // the unit rules that apply to the person
	// Person: the account has a staff record and the rules were applied
	// to it; NotEligible lists what makes them ineligible (empty: eligible).
	Person      bool
	NotEligible []Finding
}

// Eligible reports whether the person may telework under these rules.
func (a *Applying) Eligible() bool { return a.Person && len(a.NotEligible) == 0 }

// Applying returns the rules in force today for the staff member staffID
// (0: an account without a staff record, which sees the tenant's rules
// as they are). It is a Conflict (error.no_policy) when no version is in
// force.
func (s *Service) Applying(ctx context.Context, tenantID, staffID int64) (*Applying, error) {
	vs, err := s.st.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	v, ok := InForce(vs, today)
	if !ok {
		return nil, errNoPolicy()
	}
	out := &Applying{Version: v}
	for _, o := range vs {
		if today.Before(o.Effective) {
			out.Future = append(out.Future, o)
			if out.Next.IsZero() || o.Effective.Before(out.Next) {
				out.Next = o.Effective
			}
		}
	}
	var per Person
	if staffID != 0 {
		st, err := s.st.FindStaffByID(ctx, tenantID, staffID)
		if err != nil {
			return nil, err
		}
		units, err := s.st.FindUnits(ctx, tenantID)
		if err != nil {
			return nil, err
		}
		if per, err = s.person(ctx, tenantID, org.NewTree(units), st); err != nil {
			return nil, err
		}
		out.Person = true
	}
	e := &evaluator{in: Input{Policy: v.Policy, Person: per}, p: v.Policy}
	e.effective()
	out.Modes, out.WeeklyMax, out.MonthlyMax, out.UnitRules = e.modes, e.weeklyMax, e.monthMax, e.unitRules
	if out.Person {
		e.eligibility(v.Policy.Eligibility, "")
		for _, ur := range e.unitRules {
			if ur.Eligibility != nil {
				e.eligibility(*ur.Eligibility, ur.UnitCode)
			}
		}
		out.NotEligible = e.out
	}
	return out, nil
}
