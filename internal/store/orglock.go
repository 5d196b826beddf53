package store

import (
	"context"
	"fmt"
)

// The organisation lock of a tenant (PostgreSQL; SQLite serialises its
// writers already). A decision on an application or an overtime request is
// judged on the organisation — the decider's unit and head flag, the
// applicant's unit, whether the approver acted for still heads them — and
// takes the lock shared for its transaction; a change of staff or units
// (a transfer, a head flag, a retirement, a unit moved or closed, one
// person or an import of thousands) takes it exclusive. So a decision and
// a change sent at the same moment are ordered: the decision commits on
// the organisation before the change, or is judged on the one after it —
// never a former approver's decision committed after the change (an outside
// review). An applicant's own submission takes it shared as well, before
// its applicant's row lock, and re-reads the applicant and the routing
// under it (apply.Service.recheck). One tenant-wide advisory lock rather than row locks: a decision
// would need the rows of several people, and an import updates people in
// its file's order, so row locks taken by both could deadlock. The lock is
// taken first in a decision; a change takes it at its first write of
// staff or units, and decisions lock no staff or unit row, so no cycle
// forms. Decisions share it and never wait for each other.
const (
	orgShared    = 1
	orgExclusive = 2
)

// lockOrg takes the tenant's organisation lock in the transaction, once
// (an exclusive one covers a later shared request).
func (tx *Tx) lockOrg(ctx context.Context, tenantID int64, mode int8) error {
	if tx.db.Engine != Postgres || tx.org >= mode {
		return nil
	}
	if err := tx.xactLock(ctx, fmt.Sprintf("telework.org.%d", tenantID), mode == orgShared); err != nil {
		return fmt.Errorf("store: organisation lock: %w", err)
	}
	tx.org = mode
	return nil
}

// xactLock takes the PostgreSQL advisory lock named key (shared or
// exclusive) until the transaction ends.
func (tx *Tx) xactLock(ctx context.Context, key string, shared bool) error {
	fn := "pg_advisory_xact_lock"
	if shared {
		fn = "pg_advisory_xact_lock_shared"
	}
	_, err := tx.exec(ctx, `SELECT `+fn+`(hashtextextended(?, 0))`, key)
	return err
}

// HoldOrganisation takes the tenant's organisation lock shared for the
// rest of the transaction: what the decision reads of staff and units
// does not change until it commits.
func (tx *Tx) HoldOrganisation(ctx context.Context, tenantID int64) error {
	return tx.lockOrg(ctx, tenantID, orgShared)
}

// LockOrganisation takes the tenant's organisation lock for a change
// (exclusive) before anything of it is read: an import plans against the
// staff and units as they are until it commits.
func (tx *Tx) LockOrganisation(ctx context.Context, tenantID int64) error {
	return tx.lockOrg(ctx, tenantID, orgExclusive)
}
