package store

import (
	"context"
	"strings"
)

// counter is a capacity counter table (place_slots, device_slots): one row
// per tenant and key, its used count raised by one statement that reads the
// cap in the same statement, so a capacity lowered by a concurrent change
// is never read stale (issue 14 review):
//
//	INSERT INTO t (tenant_id, keys…, used) SELECT ?, …, 1 WHERE 1 <= (cap) [UNION ALL …]
//	ON CONFLICT (tenant_id, keys…) DO UPDATE SET used = t.used + 1 WHERE t.used + 1 <= (cap)
//
// On PostgreSQL the cap's row is read FOR SHARE: a transaction changing the
// capacity (which updates that row) waits for the bookings in flight to
// commit, so it lists them among those beyond the new capacity, and a
// booking that comes after the change waits for it and reads the new cap.
// On SQLite the write lock serialises whole transactions.
type counter struct {
	table string
	keys  []string // the key columns after tenant_id, the first an integer id
	// capOf is the scalar sub-select of the cap (no cap: a large number);
	// its placeholders are tenant_id and the office or pool id. "FOR_SHARE" stands
	// where the engine's row lock goes.
	capOf string
}

var (
	placeSeatCounter = counter{table: "place_slots", keys: []string{"office_id", "day", "half", "resource"},
		capOf: `SELECT ` + seatCap + ` FROM office_details d WHERE d.tenant_id = ? AND d.office_id = ? FOR_SHARE`}
	placePCCounter = counter{table: "place_slots", keys: placeSeatCounter.keys,
		capOf: `SELECT d.pcs FROM office_details d WHERE d.tenant_id = ? AND d.office_id = ? FOR_SHARE`}
	deviceCounter = counter{table: "device_slots", keys: []string{"pool_id", "day"},
		capOf: `SELECT p.capacity FROM device_pools p WHERE p.tenant_id = ? AND p.id = ? FOR_SHARE`}
)

// seatCap is an office's seat cap read from its office_details row d, as
// places.Office.Capacity has it: none (a large number) for an hourly
// private share office only; an hourly flag left on another kind (its kind
// changed in the task inventory) caps as usual. The kind is read without a
// lock: the booking locks the place row itself (BookSeat), and a kind
// change locks office_details first (lockOfficeDetails). PCs are always
// capped.
const seatCap = `CASE WHEN d.hourly AND EXISTS (SELECT 1 FROM task_places k WHERE k.tenant_id = d.tenant_id AND k.id = d.office_id
	AND k.kind = 'private_share') THEN 2147483647 ELSE d.seats END`

// takeSQL raises the counters of rows keys at once, each only if it stays
// within the cap: one SELECT per key (the cap read in it), then the upsert.
func (c counter) takeSQL(pg bool, rows int) string {
	lock := ""
	if pg {
		lock = "FOR SHARE"
	}
	capOf := "(" + strings.ReplaceAll(c.capOf, "FOR_SHARE", lock) + ")"
	cols := "tenant_id, " + strings.Join(c.keys, ", ")
	// The tenant and the first key (the office or pool id) are integers:
	// in a UNION, PostgreSQL would take an untyped parameter for text.
	one := `CAST(? AS BIGINT), CAST(? AS BIGINT), ` + strings.Repeat("?, ", len(c.keys)-1) + `1 WHERE 1 <= ` + capOf
	return `INSERT INTO ` + c.table + ` (` + cols + `, used) SELECT ` + strings.TrimSuffix(strings.Repeat(one+" UNION ALL SELECT ", rows), " UNION ALL SELECT ") +
		` ON CONFLICT (` + cols + `) DO UPDATE SET used = ` + c.table + `.used + 1 WHERE ` + c.table + `.used + 1 <= ` + capOf
}

// keyWhere matches the key columns (after tenant_id).
func (c counter) keyWhere() string { return strings.Join(c.keys, " = ? AND ") + ` = ?` }

// take raises the counter of each of keys by one if every one stays within
// the cap read in the same statement (capArg: the id of the cap's row, the
// office or pool) and reports whether all did; when one did not, the
// caller fails its transaction, which undoes the others. Several counters
// in one statement (the two halves of a full-day seat) keep the time the
// counter rows stay locked to one round trip before the commit. The rows
// are locked in the order of keys; callers list them in one order (a
// morning before its afternoon).
func (tx *Tx) take(ctx context.Context, c counter, tenantID int64, keys [][]any, capArg int64) (bool, error) {
	var args []any
	for _, k := range keys {
		args = append(append(append(args, tenantID), k...), tenantID, capArg)
	}
	args = append(args, tenantID, capArg)
	res, err := tx.exec(ctx, c.takeSQL(tx.db.Engine == Postgres, len(keys)), args...)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == int64(len(keys)), mapErr(err)
}

// release lowers the counter of keys by one (never below zero).
func (tx *Tx) release(ctx context.Context, c counter, tenantID int64, keys []any) error {
	_, err := tx.exec(ctx, `UPDATE `+c.table+` SET used = used - 1 WHERE tenant_id = ? AND `+c.keyWhere()+` AND used > 0`,
		append([]any{tenantID}, keys...)...)
	return mapErr(err)
}

// hold raises the counter of each of keys by one whatever the cap (what is
// physically out counts even beyond it).
func (tx *Tx) hold(ctx context.Context, c counter, tenantID int64, keys [][]any) error {
	if len(keys) == 0 {
		return nil
	}
	cols := "tenant_id, " + strings.Join(c.keys, ", ")
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(c.keys)+1), ", ") + ", 1)"
	var args []any
	for _, k := range keys {
		args = append(append(args, tenantID), k...)
	}
	_, err := tx.exec(ctx, `INSERT INTO `+c.table+` (`+cols+`, used) VALUES `+strings.TrimSuffix(strings.Repeat(one+", ", len(keys)), ", ")+
		` ON CONFLICT (`+cols+`) DO UPDATE SET used = `+c.table+`.used + 1`, args...)
	return mapErr(err)
}
