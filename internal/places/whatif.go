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
}

// Eligible counts the people of staff who may telework under p. The
// decision is the policy engine's own (policy.Evaluate, whose eligibility
// findings refuse an application): a person counts when it finds nothing
// under an "eligibility." rule, tenant-wide or of their unit's rules, so
// the what-if and the application check can never disagree.
func Eligible(p policy.Policy, units []*org.Unit, staff []*org.Staff, facts map[int64]policy.Facts) int {
	tr := org.NewTree(units)
	n := 0
	for _, st := range staff {
		if st.Retired {
			continue
		}
		eligible := true
		for _, f := range policy.Evaluate(policy.Input{Policy: p, Person: policy.PersonOf(tr, st, facts[st.ID])}) {
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
// force on today; with no version in force, every active staff member (the
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
	return Eligible(v.Policy, units, staff, facts), nil
}
