package places

import (
	"context"
	"strings"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
)

// EligibilityReader reads what deciding who may telework needs: the
// policy versions, the active staff, their units and their declared facts.
type EligibilityReader interface {
	FindPolicyVersions(ctx context.Context, tenantID int64) ([]policy.Version, error)
	FindAllPolicyFacts(ctx context.Context, tenantID int64) (map[int64]policy.Facts, error)
	// FindActiveStaff lists the staff not retired.
	FindActiveStaff(ctx context.Context, tenantID int64) ([]*org.Staff, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	// FindPolicyOverrides lists the emergencies meeting from..to.
	FindPolicyOverrides(ctx context.Context, tenantID int64, from, to calendar.Date) ([]policy.Override, error)
}

// Eligible counts the people of staff who may telework under p on day.
// The decision is the policy engine's own (policy.Evaluate, whose
// eligibility findings refuse an application): a person counts when it
// finds nothing under an "eligibility." rule, tenant-wide or of their
// unit's rules, so the what-if and the application check can never
// disagree. An emergency of overrides covering day and the person's unit
// applies to them as it does to their applications (a waived condition
// no longer excludes anyone).
func Eligible(p policy.Policy, units []*org.Unit, staff []*org.Staff, facts map[int64]policy.Facts, overrides []policy.Override, day calendar.Date) int {
	tr := org.NewTree(units)
	n := 0
	for _, st := range staff {
		if st.Retired {
			continue
		}
		in := policy.Input{Policy: p, Person: policy.PersonOf(tr, st, facts[st.ID])}
		if len(overrides) > 0 {
			// The engine applies an emergency to the days applied for.
			in.Overrides, in.App.Dates = overrides, []calendar.Date{day}
		}
		eligible := true
		for _, f := range policy.Evaluate(in) {
			if f.Severity == policy.Error && strings.HasPrefix(f.Rule, "eligibility.") {
				eligible = false
				break
			}
		}
		if eligible {
			n++
		}
	}
	return n
}

// eligibleNow counts the active staff eligible under the policy version in
// force on today and the emergencies declared for today; with no version
// in force, every active staff member (the
// what-if's upper bound: there is no rule yet that excludes anyone).
func eligibleNow(ctx context.Context, er EligibilityReader, tenantID int64, today calendar.Date) (int, error) {
	staff, err := er.FindActiveStaff(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	vs, err := er.FindPolicyVersions(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	v, ok := policy.InForce(vs, today)
	if !ok {
		return len(staff), nil
	}
	units, err := er.FindUnits(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	facts, err := er.FindAllPolicyFacts(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	overrides, err := er.FindPolicyOverrides(ctx, tenantID, today, today)
	if err != nil {
		return 0, err
	}
	return Eligible(v.Policy, units, staff, facts, overrides, today), nil
}
