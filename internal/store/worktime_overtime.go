package store

import (
	"context"
	"fmt"
	"strings"

	"telework/internal/calendar"
	"telework/internal/worktime"
)

// Prior overtime requests (時間外勤務の事前承認, issue 12); internal/worktime
// holds the rules.

var (
	_ worktime.OvertimeStore = (*DB)(nil)
	_ worktime.OvertimeTx    = (*Tx)(nil)
)

// InOvertimeTx runs one request action in a transaction.
func (db *DB) InOvertimeTx(ctx context.Context, fn func(worktime.OvertimeTx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const overtimeCols = `o.id, o.staff_id, s.name, s.unit_id, s.is_supervisor, o.work_date, o.until_hm, o.reason, o.status, COALESCE(o.approver_id, 0),
	o.decided_by, o.decided_at, o.comment, o.created_at, o.version`

const overtimeFrom = ` FROM worktime_overtime o JOIN staff s ON s.tenant_id = o.tenant_id AND s.id = o.staff_id`

func scanOvertime(sc interface{ Scan(...any) error }) (worktime.Overtime, error) {
	var o worktime.Overtime
	var date string
	var decided, created int64
	if err := sc.Scan(&o.ID, &o.StaffID, &o.StaffName, &o.UnitID, &o.Supervisor, &date, &o.Until, &o.Reason, &o.Status, &o.ApproverID,
		&o.DecidedBy, &decided, &o.Comment, &created, &o.Version); err != nil {
		return o, err
	}
	var err error
	if o.Date, err = calendar.ParseDate(date); err != nil {
		return o, err
	}
	o.CreatedAt = fromMicros(created)
	if decided != 0 {
		o.DecidedAt = fromMicros(decided)
	}
	return o, nil
}

// FindOvertime returns one request.
func (db *DB) FindOvertime(ctx context.Context, tenantID, id int64) (*worktime.Overtime, error) {
	o, err := scanOvertime(db.row(ctx, `SELECT `+overtimeCols+overtimeFrom+` WHERE o.tenant_id = ? AND o.id = ?`, tenantID, id))
	if err != nil {
		return nil, mapErr(err)
	}
	return &o, nil
}

// FindOvertimeForDay returns the person's request of the day.
func (tx *Tx) FindOvertimeForDay(ctx context.Context, tenantID, staffID int64, d calendar.Date) (*worktime.Overtime, error) {
	o, err := scanOvertime(tx.row(ctx, `SELECT `+overtimeCols+overtimeFrom+`
		WHERE o.tenant_id = ? AND o.staff_id = ? AND o.work_date = ?`, tenantID, staffID, d.String()))
	if err != nil {
		return nil, mapErr(err)
	}
	return &o, nil
}

// FindOvertimes lists requests matching f, newest day first.
func (db *DB) FindOvertimes(ctx context.Context, tenantID int64, f worktime.OvertimeFilter) ([]worktime.Overtime, error) {
	q := `SELECT ` + overtimeCols + overtimeFrom + ` WHERE o.tenant_id = ? AND o.work_date >= ? AND o.work_date <= ?`
	args := []any{tenantID, f.From.String(), f.To.String()}
	if len(f.Statuses) > 0 {
		q += andIn("o.status", f.Statuses, &args)
	}
	if !f.All {
		var who []string
		if len(f.StaffIDs) > 0 {
			who = append(who, strings.TrimPrefix(andIn("o.staff_id", f.StaffIDs, &args), " AND "))
		}
		if len(f.ApproverIDs) > 0 {
			who = append(who, strings.TrimPrefix(andIn("o.approver_id", f.ApproverIDs, &args), " AND "))
		}
		if len(f.UnitIDs) > 0 {
			who = append(who, strings.TrimPrefix(andIn("s.unit_id", f.UnitIDs, &args), " AND "))
		}
		if len(who) == 0 {
			return nil, nil
		}
		q += ` AND (` + strings.Join(who, ` OR `) + `)`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = worktime.MaxOvertimeList
	}
	args = append(args, limit)
	out, err := queryAll(ctx, db, scanOvertime, q+` ORDER BY o.work_date DESC, o.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: overtime requests: %w", err)
	}
	return out, nil
}

// FindOvertimeGrants maps each person's day with an approved request to
// its end.
func (db *DB) FindOvertimeGrants(ctx context.Context, tenantID int64, staffIDs []int64, from, to calendar.Date) (map[worktime.Grant]string, error) {
	out := map[worktime.Grant]string{}
	if len(staffIDs) == 0 {
		return out, nil
	}
	args := []any{tenantID, from.String(), to.String()}
	q := `SELECT staff_id, work_date, until_hm FROM worktime_overtime WHERE tenant_id = ? AND work_date >= ? AND work_date <= ?
		AND status = 'approved'` + andIn("staff_id", staffIDs, &args)
	type grant struct {
		g     worktime.Grant
		until string
	}
	list, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (grant, error) {
		var x grant
		var date string
		if err := sc.Scan(&x.g.StaffID, &date, &x.until); err != nil {
			return x, err
		}
		var err error
		x.g.Date, err = calendar.ParseDate(date)
		return x, err
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: overtime grants: %w", err)
	}
	for _, x := range list {
		out[x.g] = x.until
	}
	return out, nil
}

// InsertOvertime writes a new request.
func (tx *Tx) InsertOvertime(ctx context.Context, tenantID int64, o *worktime.Overtime) error {
	err := tx.row(ctx, `INSERT INTO worktime_overtime (tenant_id, staff_id, work_date, until_hm, status, decided_by, created_at,
		decided_at, reason, approver_id, comment, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		tenantID, o.StaffID, o.Date.String(), o.Until, o.Status, o.DecidedBy, micros(o.CreatedAt), endMicros(o.DecidedAt),
		o.Reason, nullID(o.ApproverID), o.Comment).Scan(&o.ID)
	if err != nil {
		return mapErr(fmt.Errorf("store: insert overtime request: %w", err))
	}
	o.Version = 1
	return nil
}

// UpdateOvertime writes the request if its version is still version.
func (tx *Tx) UpdateOvertime(ctx context.Context, tenantID int64, o *worktime.Overtime, version int64) error {
	res, err := tx.exec(ctx, `UPDATE worktime_overtime SET until_hm = ?, status = ?, decided_by = ?, created_at = ?, decided_at = ?,
		reason = ?, approver_id = ?, comment = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`,
		o.Until, o.Status, o.DecidedBy, micros(o.CreatedAt), endMicros(o.DecidedAt), o.Reason, nullID(o.ApproverID), o.Comment,
		tenantID, o.ID, version)
	if err := staleIfNone(res, err); err != nil {
		return err
	}
	o.Version = version + 1
	return nil
}
