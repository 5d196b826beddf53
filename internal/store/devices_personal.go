package store

import (
	"context"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/policy"
)

var _ devices.PersonalStore = (*Tx)(nil)

const personalCols = `d.id, d.staff_id, s.name, d.description, d.os, d.status, d.expires_on, d.requested_at, d.decided_at`

func scanPersonal(sc interface{ Scan(...any) error }) (*devices.PersonalDevice, error) {
	d := &devices.PersonalDevice{}
	var exp string
	var req, dec int64
	if err := sc.Scan(&d.ID, &d.StaffID, &d.StaffName, &d.Description, &d.OS, &d.Status, &exp, &req, &dec); err != nil {
		return nil, mapErr(err)
	}
	d.ExpiresOn, _ = calendar.ParseDate(exp)
	d.RequestedAt = fromMicros(req)
	if dec != 0 {
		d.DecidedAt = fromMicros(dec)
	}
	return d, nil
}

func findPersonal(ctx context.Context, q querier, tenantID, staffID, id int64) ([]*devices.PersonalDevice, error) {
	query := `SELECT ` + personalCols + ` FROM personal_devices d JOIN staff s ON s.tenant_id = d.tenant_id AND s.id = d.staff_id
		WHERE d.tenant_id = ?`
	args := []any{tenantID}
	if staffID != 0 {
		query += ` AND d.staff_id = ?`
		args = append(args, staffID)
	}
	if id != 0 {
		query += ` AND d.id = ?`
		args = append(args, id)
	}
	return queryAll(ctx, q, scanPersonal, query+` ORDER BY d.id`, args...)
}

// FindPersonalDevices lists personal devices (staffID 0: everyone's).
func (db *DB) FindPersonalDevices(ctx context.Context, tenantID, staffID int64) ([]*devices.PersonalDevice, error) {
	return findPersonal(ctx, db, tenantID, staffID, 0)
}

// FindPersonalDevices is FindPersonalDevices inside a transaction.
func (tx *Tx) FindPersonalDevices(ctx context.Context, tenantID, staffID int64) ([]*devices.PersonalDevice, error) {
	return findPersonal(ctx, tx, tenantID, staffID, 0)
}

// FindPersonalDeviceRegistrations lists the person's registrations for
// the application rule check (apply reads them through its interface).
func (db *DB) FindPersonalDeviceRegistrations(ctx context.Context, tenantID, staffID int64) ([]apply.PersonalDevice, error) {
	return personalRegistrations(findPersonal(ctx, db, tenantID, staffID, 0))
}

// FindPersonalDeviceRegistrations is FindPersonalDeviceRegistrations
// inside a transaction.
func (tx *Tx) FindPersonalDeviceRegistrations(ctx context.Context, tenantID, staffID int64) ([]apply.PersonalDevice, error) {
	return personalRegistrations(findPersonal(ctx, tx, tenantID, staffID, 0))
}

func personalRegistrations(list []*devices.PersonalDevice, err error) ([]apply.PersonalDevice, error) {
	out := make([]apply.PersonalDevice, len(list))
	for i, d := range list {
		out[i] = d
	}
	return out, err
}

// FindPersonalDevice reads one personal device; NotFound outside the tenant.
func (tx *Tx) FindPersonalDevice(ctx context.Context, tenantID, id int64) (*devices.PersonalDevice, error) {
	list, err := findPersonal(ctx, tx, tenantID, 0, id)
	return one(id, list, err, "personal_device")
}

// InsertPersonalDevice writes a request and sets its id.
func (tx *Tx) InsertPersonalDevice(ctx context.Context, tenantID int64, d *devices.PersonalDevice) error {
	return mapErr(tx.row(ctx, `INSERT INTO personal_devices (tenant_id, staff_id, description, os, status, requested_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, d.StaffID, d.Description, d.OS, d.Status, micros(d.RequestedAt)).Scan(&d.ID))
}

// DecidePersonalDeviceRow moves a device from one status to d.Status.
func (tx *Tx) DecidePersonalDeviceRow(ctx context.Context, tenantID int64, d *devices.PersonalDevice, from devices.PersonalStatus, by int64) (bool, error) {
	exp := ""
	if !d.ExpiresOn.IsZero() {
		exp = d.ExpiresOn.String()
	}
	res, err := tx.exec(ctx, `UPDATE personal_devices SET status = ?, expires_on = ?, decided_at = ?, decided_by = ?
		WHERE tenant_id = ? AND id = ? AND status = ?`, d.Status, exp, micros(d.DecidedAt), by, tenantID, d.ID, from)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// InsertRemoteCredential stores a credential's hash and sets its id.
func (tx *Tx) InsertRemoteCredential(ctx context.Context, tenantID int64, c *devices.Credential, secretHash string) error {
	return mapErr(tx.row(ctx, `INSERT INTO remote_credentials (tenant_id, staff_id, day, login, secret_hash, issued_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, c.StaffID, c.Day.String(), c.Login, secretHash, micros(c.IssuedAt),
		micros(c.ExpiresAt)).Scan(&c.ID))
}

// SetRemoteCredentialPool records the pool whose unit credential id holds.
func (tx *Tx) SetRemoteCredentialPool(ctx context.Context, tenantID, id, poolID int64) error {
	return affectedOne(tx.exec(ctx, `UPDATE remote_credentials SET pool_id = ? WHERE tenant_id = ? AND id = ?`, poolID, tenantID, id))
}

// FindRemoteCredentialsHeld lists the credentials of poolID for from or
// later with their holders' names, oldest issued first (no secret: only
// its hash is stored).
func (tx *Tx) FindRemoteCredentialsHeld(ctx context.Context, tenantID, poolID int64, from calendar.Date) ([]*devices.Credential, error) {
	return queryAll(ctx, tx, func(sc interface{ Scan(...any) error }) (*devices.Credential, error) {
		c := &devices.Credential{PoolID: poolID}
		var day string
		var issued, expires int64
		if err := sc.Scan(&c.ID, &c.StaffID, &c.StaffName, &day, &c.Login, &issued, &expires); err != nil {
			return nil, err
		}
		c.Day, _ = calendar.ParseDate(day)
		c.IssuedAt, c.ExpiresAt = fromMicros(issued), fromMicros(expires)
		return c, nil
	}, `SELECT c.id, c.staff_id, s.name, c.day, c.login, c.issued_at, c.expires_at FROM remote_credentials c
		JOIN staff s ON s.tenant_id = c.tenant_id AND s.id = c.staff_id
		WHERE c.tenant_id = ? AND c.pool_id = ? AND c.day >= ? ORDER BY c.issued_at, c.id`, tenantID, poolID, from.String())
}

// TeleworksOn reports whether the person teleworks on day as the records
// say: one of their application days for day is in one of states, or they
// started working that day in one of modes. Two indexed look-ups
// (application_days_staff, worktime_days' unique key) in one statement.
func (tx *Tx) TeleworksOn(ctx context.Context, tenantID, staffID int64, day calendar.Date, states []apply.Status, modes []policy.Mode) (bool, error) {
	if len(states) == 0 || len(modes) == 0 {
		return false, nil
	}
	args := []any{tenantID, staffID, day.String()}
	for _, s := range states {
		args = append(args, s)
	}
	args = append(args, tenantID, staffID, day.String())
	for _, m := range modes {
		args = append(args, m)
	}
	var n int
	// (a.status || ''): the person's own index, not the tenant-wide status
	// one (see worktimeApplicationQuery).
	err := tx.row(ctx, `SELECT CASE WHEN EXISTS (SELECT 1 FROM application_days a WHERE a.tenant_id = ? AND a.staff_id = ? AND a.day = ?
			AND (a.status || '') IN (`+marks(len(states))+`))
		OR EXISTS (SELECT 1 FROM worktime_days w WHERE w.tenant_id = ? AND w.staff_id = ? AND w.work_date = ?
			AND w.mode IN (`+marks(len(modes))+`)) THEN 1 ELSE 0 END`, args...).Scan(&n)
	return n == 1, mapErr(err)
}
