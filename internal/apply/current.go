package apply

import (
	"context"
	"errors"
	"slices"

	"telework/internal/apperr"
	"telework/internal/org"
)

// An application is written by its applicant (created, edited, submitted)
// on what was read of them and of the organisation before its transaction
// (prepare, loadEnv, withRoute: outside it, so that the transaction, on
// SQLite the tenant's write queue, stays short). HR may retire or move the
// person, or change a head, in between: an outside review (r39) found
// applications of people already retired committed as submitted, in an
// approver's inbox. So the transaction holds the organisation (shared, as a
// decision does) and reads again what the check and the route depend on:
// unchanged, the action goes on as read; changed, it is taken again from
// the start on the organisation as it now is — where the retirement makes
// the check refuse it (apply.retired) and a transfer routes it to the new
// unit's head. A change of staff or units waits for the held lock, so once
// the reads agree nothing they depend on can commit before this does.

// errOrgChanged: the applicant or their organisation changed between the
// reads before the transaction and the transaction.
var errOrgChanged = errors.New("apply: the applicant or their organisation changed meanwhile")

// orgAttempts is how often an action is taken again after errOrgChanged
// before it gives up (a Conflict apply.organisation_changed): only a run of
// changes to the same person or their units, each landing between the
// reads and the transaction, exhausts it.
const orgAttempts = 4

// onCurrentOrganisation runs fn (reads, then the transaction) again while
// its transaction finds the organisation changed since its reads.
func onCurrentOrganisation[T any](fn func() (T, error)) (T, error) {
	for i := 1; ; i++ {
		v, err := fn()
		if !errors.Is(err, errOrgChanged) {
			return v, err
		}
		if i == orgAttempts {
			return v, apperr.New(apperr.Conflict, "apply.organisation_changed")
		}
	}
}

// recheck holds the organisation for the rest of tx and reads again the
// applicant's record, their unit chain and, when route, the heads routing
// them: errOrgChanged when any differs from what e was built on (the
// record by its version: retired, unit, rank, head flag …; the chain by
// each unit's parent, code, name and level; the heads by the approvers
// they give). Call it before LockApplicant: the organisation lock comes
// before a staff row, as every change of staff takes them.
func (s *Service) recheck(ctx context.Context, tx Tx, tenantID int64, e *env, route bool) error {
	if err := tx.HoldOrganisation(ctx, tenantID); err != nil {
		return err
	}
	st, err := tx.FindStaffByID(ctx, tenantID, e.staff.ID)
	if err != nil {
		return err
	}
	if st.Version != e.staff.Version || st.UnitID != e.staff.UnitID || st.Retired != e.staff.Retired {
		return errOrgChanged
	}
	chain, err := tx.FindUnitChain(ctx, tenantID, st.UnitID)
	if err != nil {
		return err
	}
	if !slices.EqualFunc(chain, e.chain, sameUnit) {
		return errOrgChanged
	}
	if !route {
		return nil
	}
	ids := make([]int64, len(chain))
	for i, u := range chain {
		ids[i] = u.ID
	}
	heads, err := tx.FindApplyHeads(ctx, tenantID, ids)
	if err != nil {
		return err
	}
	first, second, routeErr := Route(e.tree, heads, st.ID, st.UnitID, e.settings)
	if first != e.first || second != e.second || (routeErr == nil) != (e.routeErr == nil) {
		return errOrgChanged
	}
	return nil
}

// sameUnit: the unit as the rules and the route read it.
func sameUnit(a, b *org.Unit) bool {
	return a.ID == b.ID && a.ParentID == b.ParentID && a.Code == b.Code && a.Name == b.Name && a.Level == b.Level
}
