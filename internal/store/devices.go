package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"telework/internal/calendar"
	"telework/internal/devices"
)

var (
	_ devices.Store = (*DB)(nil)
	_ devices.Tx    = (*Tx)(nil)
)

// InDevicesTx runs fn in one transaction.
func (db *DB) InDevicesTx(ctx context.Context, fn func(devices.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const devicePoolCols = `id, name, kind, capacity, loan_days, note, version, updated_at`

func scanDevicePool(sc interface{ Scan(...any) error }) (*devices.Pool, error) {
	p := &devices.Pool{}
	var at int64
	if err := sc.Scan(&p.ID, &p.Name, &p.Kind, &p.Capacity, &p.LoanDays, &p.Note, &p.Version, &at); err != nil {
		return nil, mapErr(err)
	}
	p.UpdatedAt = fromMicros(at)
	return p, nil
}

// FindDevicePools lists the pools in the order they were added.
func (db *DB) FindDevicePools(ctx context.Context, tenantID int64) ([]*devices.Pool, error) {
	return findRecords(ctx, db, scanDevicePool, devicePoolCols, "device_pools", "id", tenantID, 0)
}

// FindDevicePools is FindDevicePools inside a transaction.
func (tx *Tx) FindDevicePools(ctx context.Context, tenantID int64) ([]*devices.Pool, error) {
	return findRecords(ctx, tx, scanDevicePool, devicePoolCols, "device_pools", "id", tenantID, 0)
}

// FindDevicePool reads one pool; NotFound outside the tenant.
func (db *DB) FindDevicePool(ctx context.Context, tenantID, id int64) (*devices.Pool, error) {
	list, err := findRecords(ctx, db, scanDevicePool, devicePoolCols, "device_pools", "id", tenantID, id)
	return one(id, list, err, "device_pool")
}

// FindDevicePool is FindDevicePool inside a transaction.
func (tx *Tx) FindDevicePool(ctx context.Context, tenantID, id int64) (*devices.Pool, error) {
	list, err := findRecords(ctx, tx, scanDevicePool, devicePoolCols, "device_pools", "id", tenantID, id)
	return one(id, list, err, "device_pool")
}

// InsertDevicePool writes a new pool and sets its id.
func (tx *Tx) InsertDevicePool(ctx context.Context, tenantID int64, p *devices.Pool, at time.Time) error {
	p.Version, p.UpdatedAt = 1, at
	return mapErr(tx.row(ctx, `INSERT INTO device_pools (tenant_id, name, kind, capacity, loan_days, note, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, tenantID, p.Name, p.Kind, p.Capacity, p.LoanDays, p.Note, micros(at), micros(at)).Scan(&p.ID))
}

// UpdateDevicePoolRow writes p at its expected version and advances it.
func (tx *Tx) UpdateDevicePoolRow(ctx context.Context, tenantID int64, p *devices.Pool, at time.Time) error {
	err := staleIfNone(tx.exec(ctx, `UPDATE device_pools SET name = ?, kind = ?, capacity = ?, loan_days = ?, note = ?,
		version = version + 1, updated_at = ? WHERE tenant_id = ? AND id = ? AND version = ?`, p.Name, p.Kind, p.Capacity, p.LoanDays,
		p.Note, micros(at), tenantID, p.ID, p.Version))
	if err == nil {
		p.Version++
		p.UpdatedAt = at
	}
	return err
}

// TakeDeviceSlots raises the pool's counter of every day from first to
// last by one if each stays within the pool's capacity, read in the same
// statement (counter.take), and reports whether all did.
func (tx *Tx) TakeDeviceSlots(ctx context.Context, tenantID, poolID int64, first, last calendar.Date) (bool, error) {
	return tx.take(ctx, deviceCounter, tenantID, deviceDays(poolID, first, last), poolID)
}

// HoldDeviceSlots raises the counters of the days from first to last by
// one whatever the capacity: a device that has not come back is out.
func (tx *Tx) HoldDeviceSlots(ctx context.Context, tenantID, poolID int64, first, last calendar.Date) error {
	return tx.hold(ctx, deviceCounter, tenantID, deviceDays(poolID, first, last))
}

// ReleaseDeviceSlots lowers the counters of the days from first to last
// by one (never below zero).
func (tx *Tx) ReleaseDeviceSlots(ctx context.Context, tenantID, poolID int64, first, last calendar.Date) error {
	_, err := tx.exec(ctx, `UPDATE device_slots SET used = used - 1 WHERE tenant_id = ? AND pool_id = ? AND day >= ? AND day <= ? AND used > 0`,
		tenantID, poolID, first.String(), last.String())
	return mapErr(err)
}

// ExtendDeviceHold moves a lent reservation's held_to from from to to.
func (tx *Tx) ExtendDeviceHold(ctx context.Context, tenantID, id int64, from, to calendar.Date) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE device_reservations SET held_to = ? WHERE tenant_id = ? AND id = ? AND status = 'lent' AND held_to = ?`,
		to.String(), tenantID, id, from.String())
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// deviceDays are the counter keys of the days from first to last.
func deviceDays(poolID int64, first, last calendar.Date) [][]any {
	var keys [][]any
	for d := first; !d.After(last); d = d.AddDays(1) {
		keys = append(keys, []any{poolID, d.String()})
	}
	return keys
}

// InsertDeviceReservation writes r and sets its id.
func (tx *Tx) InsertDeviceReservation(ctx context.Context, tenantID int64, r *devices.Reservation, at time.Time) error {
	return mapErr(tx.row(ctx, `INSERT INTO device_reservations (tenant_id, pool_id, staff_id, day, application_id, status, due_day, held_to, booked_by, created_at)
		VALUES (?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?) RETURNING id`, tenantID, r.PoolID, r.StaffID, r.Day.String(), nullID(r.ApplicationID),
		r.DueDay.String(), r.HeldTo.String(), r.BookedBy, micros(at)).Scan(&r.ID))
}

// SetDeviceReservationStatus moves r to r.Status from one of from.
func (tx *Tx) SetDeviceReservationStatus(ctx context.Context, tenantID int64, r *devices.Reservation, from []devices.Status, heldWas calendar.Date, at time.Time) (bool, error) {
	var cancelled, lent, returned int64
	if r.Status == devices.Cancelled {
		cancelled = micros(at)
	}
	if !r.LentAt.IsZero() {
		lent = micros(r.LentAt)
	}
	if !r.ReturnedAt.IsZero() {
		returned = micros(r.ReturnedAt)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(from)), ", ")
	args := []any{r.Status, r.AssetNo, lent, returned, cancelled, r.HeldTo.String(), tenantID, r.ID, heldWas.String()}
	for _, s := range from {
		args = append(args, s)
	}
	res, err := tx.exec(ctx, `UPDATE device_reservations SET status = ?, asset_no = ?, lent_at = ?, returned_at = ?, cancelled_at = ?, held_to = ?
		WHERE tenant_id = ? AND id = ? AND held_to = ? AND status IN (`+marks+`)`, args...)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

const deviceResCols = `r.id, r.pool_id, p.name, r.staff_id, s.name, r.day, COALESCE(r.application_id, 0), r.status, r.asset_no, r.due_day,
	r.lent_at, r.returned_at, r.booked_by, r.created_at, r.held_to`

func scanDeviceReservation(sc interface{ Scan(...any) error }) (*devices.Reservation, error) {
	r := &devices.Reservation{}
	var day, due, held string
	var lent, returned, created int64
	if err := sc.Scan(&r.ID, &r.PoolID, &r.PoolName, &r.StaffID, &r.StaffName, &day, &r.ApplicationID, &r.Status, &r.AssetNo, &due,
		&lent, &returned, &r.BookedBy, &created, &held); err != nil {
		return nil, mapErr(err)
	}
	r.Day, _ = calendar.ParseDate(day)
	r.DueDay, _ = calendar.ParseDate(due)
	r.HeldTo, _ = calendar.ParseDate(held)
	r.CreatedAt = fromMicros(created)
	if lent != 0 {
		r.LentAt = fromMicros(lent)
	}
	if returned != 0 {
		r.ReturnedAt = fromMicros(returned)
	}
	return r, nil
}

func findDeviceReservations(ctx context.Context, q querier, tenantID, id int64, f devices.Filter) ([]*devices.Reservation, error) {
	query := `SELECT ` + deviceResCols + ` FROM device_reservations r
		JOIN device_pools p ON p.tenant_id = r.tenant_id AND p.id = r.pool_id
		JOIN staff s ON s.tenant_id = r.tenant_id AND s.id = r.staff_id WHERE r.tenant_id = ?`
	args := []any{tenantID}
	add := func(cond string, v any) {
		query += ` AND ` + cond
		args = append(args, v)
	}
	if id != 0 {
		add(`r.id = ?`, id)
	}
	if f.PoolID != 0 {
		add(`r.pool_id = ?`, f.PoolID)
	}
	if f.StaffID != 0 {
		add(`r.staff_id = ?`, f.StaffID)
	}
	if !f.From.IsZero() {
		add(`r.day >= ?`, f.From.String())
	}
	if !f.To.IsZero() {
		add(`r.day <= ?`, f.To.String())
	}
	if !f.HeldFrom.IsZero() {
		add(`r.held_to >= ?`, f.HeldFrom.String())
	}
	if !f.Overdue.IsZero() {
		add(`r.status = 'lent' AND r.due_day < ?`, f.Overdue.String())
	}
	if !f.OutBefore.IsZero() {
		add(`r.status = 'lent' AND r.held_to < ?`, f.OutBefore.String())
	}
	if f.AssetNo != "" {
		add(`r.asset_no = ?`, f.AssetNo)
	}
	if id == 0 && !f.IncludeCancelled {
		query += ` AND r.status <> 'cancelled'`
	}
	if err := countInto(ctx, q, f.Total, query, args); err != nil {
		return nil, fmt.Errorf("store: count device reservations: %w", err)
	}
	if a := f.After; a != nil {
		day := a.Day.String()
		query += ` AND (r.day > ? OR r.day = ? AND r.id > ?)`
		args = append(args, day, day, a.ID)
	}
	return queryAll(ctx, q, scanDeviceReservation, query+` ORDER BY r.day, r.id LIMIT ?`, append(args, listCap(f.Limit))...)
}

// FindDeviceReservations lists reservations by day.
func (db *DB) FindDeviceReservations(ctx context.Context, tenantID int64, f devices.Filter) ([]*devices.Reservation, error) {
	return findDeviceReservations(ctx, db, tenantID, 0, f)
}

// FindDeviceReservations is FindDeviceReservations inside a transaction.
func (tx *Tx) FindDeviceReservations(ctx context.Context, tenantID int64, f devices.Filter) ([]*devices.Reservation, error) {
	return findDeviceReservations(ctx, tx, tenantID, 0, f)
}

// FindDeviceReservation reads one reservation; NotFound outside the tenant.
func (db *DB) FindDeviceReservation(ctx context.Context, tenantID, id int64) (*devices.Reservation, error) {
	list, err := findDeviceReservations(ctx, db, tenantID, id, devices.Filter{})
	return one(id, list, err, "device_reservation")
}

// FindDeviceReservation is FindDeviceReservation inside a transaction.
func (tx *Tx) FindDeviceReservation(ctx context.Context, tenantID, id int64) (*devices.Reservation, error) {
	list, err := findDeviceReservations(ctx, tx, tenantID, id, devices.Filter{})
	return one(id, list, err, "device_reservation")
}
