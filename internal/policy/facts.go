package policy

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/audit"
)

// Facts are what a person (the reasons) or HR (everything) declares for
// the eligibility rules.
type Facts struct {
	Reasons     []string // 育児・介護: one of Reasons
	HasTerminal bool     // has a telework terminal
	Seconded    bool     // seconded (派遣)
	Trial       bool     // 試行の対象者: named for a trial
}

// Fact names one yes/no fact (or one reason, "reason:childcare") for the
// bulk setting of facts.
const (
	FactTerminal = "has_terminal"
	FactSeconded = "seconded"
	FactTrial    = "trial"
	FactReason   = "reason:" // + one of Reasons
)

// BulkFacts lists the facts the bulk page sets or clears.
func BulkFacts() []string {
	out := []string{FactTerminal, FactSeconded, FactTrial}
	for _, r := range Reasons {
		out = append(out, FactReason+r)
	}
	return out
}

// With returns f with fact set to on; false when fact is unknown.
func (f Facts) With(fact string, on bool) (Facts, bool) {
	switch fact {
	case FactTerminal:
		f.HasTerminal = on
	case FactSeconded:
		f.Seconded = on
	case FactTrial:
		f.Trial = on
	default:
		r, ok := strings.CutPrefix(fact, FactReason)
		if !ok || !slices.Contains(Reasons, r) {
			return f, false
		}
		rs := slices.DeleteFunc(slices.Clone(f.Reasons), func(x string) bool { return x == r })
		if on {
			rs = append(rs, r)
		}
		f.Reasons = KnownReasons(rs)
	}
	return f, true
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
		_, err := WriteFacts(ctx, tx, tenantID, actor, staffID, f)
		return err
	})
}

// FactsTx is what writing a person's facts needs of a transaction; the
// staff import writes facts read from a file through it in its own.
type FactsTx interface {
	FindPolicyFacts(ctx context.Context, tenantID, staffID int64) (Facts, error)
	UpsertPolicyFacts(ctx context.Context, tenantID, staffID int64, f Facts) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// WriteFacts records every fact of a staff member with its audit entry
// ("staff.policy_facts") inside tx, and reports whether anything changed
// (the same facts again write nothing). Unknown reasons are dropped.
func WriteFacts(ctx context.Context, tx FactsTx, tenantID int64, actor audit.Actor, staffID int64, f Facts) (bool, error) {
	f.Reasons = KnownReasons(f.Reasons)
	before, err := tx.FindPolicyFacts(ctx, tenantID, staffID)
	if err != nil {
		return false, err
	}
	if SameFacts(before, f) {
		return false, nil // nothing changed: nothing written, no audit entry
	}
	if err := tx.UpsertPolicyFacts(ctx, tenantID, staffID, f); err != nil {
		return false, err
	}
	return true, tx.Audit(ctx, tenantID, actor, factsChange(staffID, before, f))
}

// MaxBulkFacts bounds the people one bulk setting changes (a whole city's
// staff in service fits).
const MaxBulkFacts = 60000

// SetFactBulk sets (on) or clears one fact (see BulkFacts) for every
// person in staffIDs in ONE transaction, with an audit entry per person
// whose facts changed; people who already have it as asked are left
// alone. It returns how many changed. An unknown fact, or a person not of
// the tenant, changes nothing (Invalid on "fact", NotFound).
func (s *Service) SetFactBulk(ctx context.Context, tenantID int64, actor audit.Actor, staffIDs []int64, fact string, on bool) (int, error) {
	if _, ok := (Facts{}).With(fact, on); !ok {
		return 0, invalid1("fact", "field.choice", nil)
	}
	if len(staffIDs) == 0 {
		return 0, invalid1("staff_ids", "facts.none_selected", nil)
	}
	if len(staffIDs) > MaxBulkFacts {
		return 0, invalid1("staff_ids", "facts.too_many", map[string]any{"Max": MaxBulkFacts})
	}
	changed := 0
	err := s.st.InPolicyTx(ctx, func(tx Tx) error {
		seen := make(map[int64]bool, len(staffIDs))
		for _, id := range staffIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			before, err := tx.FindPolicyFacts(ctx, tenantID, id)
			if err != nil {
				return err
			}
			after, _ := before.With(fact, on)
			ok, err := WriteFacts(ctx, tx, tenantID, actor, id, after)
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return changed, nil
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
		if SameFacts(before, after) {
			return nil // nothing changed: nothing written, no audit entry
		}
		if err := tx.UpsertPolicyReasons(ctx, tenantID, staffID, reasons); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, factsChange(staffID, before, after))
	})
}

// factsChange is the audit entry of a change of facts. The 育児・介護
// reasons a person declares are shown only to their approvers
// (docs/policy.md), so the entry says only whether some are recorded
// (ReasonsDeclared) and whether they changed (ReasonsChanged), never
// which: with a handful of reasons any digest of them could be reversed
// by trying each combination.
func factsChange(staffID int64, before, after Facts) audit.Change {
	b, a := factsAudit{Reasons: ReasonsNone}, factsAudit{Reasons: ReasonsNone}
	b.HasTerminal, b.Seconded, b.Trial = before.HasTerminal, before.Seconded, before.Trial
	a.HasTerminal, a.Seconded, a.Trial = after.HasTerminal, after.Seconded, after.Trial
	if len(before.Reasons) > 0 {
		b.Reasons = ReasonsDeclared
	}
	if len(after.Reasons) > 0 {
		a.Reasons = ReasonsDeclared
		if len(before.Reasons) > 0 && !SameFacts(Facts{Reasons: before.Reasons}, Facts{Reasons: after.Reasons}) {
			a.Reasons = ReasonsChanged
		}
	}
	return audit.Change{Action: "staff.policy_facts", ObjectType: "staff", ObjectID: strconv.FormatInt(staffID, 10),
		Before: b, After: a}
}

// How a change of facts records the reasons (factsChange).
const (
	ReasonsNone     = "none"
	ReasonsDeclared = "declared"
	ReasonsChanged  = "changed"
)

// factsAudit is Facts as the audit log keeps them (the members named as
// Facts names them, so entries written before read the same way).
type factsAudit struct {
	Reasons     string
	HasTerminal bool
	Seconded    bool
	Trial       bool
}

// SameFacts reports whether two sets of facts say the same (reasons in any
// order).
func SameFacts(a, b Facts) bool {
	if a.HasTerminal != b.HasTerminal || a.Seconded != b.Seconded || a.Trial != b.Trial || len(a.Reasons) != len(b.Reasons) {
		return false
	}
	for _, r := range a.Reasons {
		if !slices.Contains(b.Reasons, r) {
			return false
		}
	}
	return true
}

func invalid1(field, key string, args map[string]any) error {
	var v apperr.Validation
	v.Add(field, key, args)
	return v.Err()
}
