package policy

import (
	"context"
	"slices"
	"strconv"

	"telework/internal/audit"
)

// Facts are what a person (the reasons) or HR (everything) declares for
// the eligibility rules.
type Facts struct {
	Reasons     []string // 育児・介護: one of Reasons
	HasTerminal bool     // has a telework terminal
	Seconded    bool     // seconded (派遣)
}

// KnownReasons keeps the known reasons of list, each once, in order.
func KnownReasons(list []string) []string {
	var out []string
	for _, x := range list {
		if slices.Contains(Reasons, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// Facts returns a staff member's facts (zero when none were recorded), or
// NotFound when the tenant has no such staff member.
func (s *Service) Facts(ctx context.Context, tenantID, staffID int64) (Facts, error) {
	return s.st.FindPolicyFacts(ctx, tenantID, staffID)
}

// SaveFacts records every fact of a staff member (HR). Unknown reasons are
// dropped.
func (s *Service) SaveFacts(ctx context.Context, tenantID int64, actor audit.Actor, staffID int64, f Facts) error {
	f.Reasons = KnownReasons(f.Reasons)
	return s.st.InPolicyTx(ctx, func(tx Tx) error {
		before, err := tx.FindPolicyFacts(ctx, tenantID, staffID)
		if err != nil {
			return err
		}
		if sameFacts(before, f) {
			return nil // nothing changed: nothing written, no audit entry
		}
		if err := tx.UpsertPolicyFacts(ctx, tenantID, staffID, f); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, factsChange(staffID, before, f))
	})
}

// DeclareReasons records the reasons a person declares for themself
// (育児・介護); the other facts (terminal, secondment) are HR's and stay as
// they are.
func (s *Service) DeclareReasons(ctx context.Context, tenantID int64, actor audit.Actor, staffID int64, reasons []string) error {
	reasons = KnownReasons(reasons)
	return s.st.InPolicyTx(ctx, func(tx Tx) error {
		before, err := tx.FindPolicyFacts(ctx, tenantID, staffID)
		if err != nil {
			return err
		}
		after := before
		after.Reasons = reasons
		if sameFacts(before, after) {
			return nil // nothing changed: nothing written, no audit entry
		}
		if err := tx.UpsertPolicyReasons(ctx, tenantID, staffID, reasons); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, factsChange(staffID, before, after))
	})
}

func factsChange(staffID int64, before, after Facts) audit.Change {
	return audit.Change{Action: "staff.policy_facts", ObjectType: "staff", ObjectID: strconv.FormatInt(staffID, 10),
		Before: before, After: after}
}

// sameFacts reports whether two sets of facts say the same (reasons in any
// order).
func sameFacts(a, b Facts) bool {
	if a.HasTerminal != b.HasTerminal || a.Seconded != b.Seconded || len(a.Reasons) != len(b.Reasons) {
		return false
	}
	for _, r := range a.Reasons {
		if !slices.Contains(b.Reasons, r) {
			return false
		}
	}
	return true
}
