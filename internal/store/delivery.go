package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/notify"
)

// Notification delivery (internal/notify holds the rules): preferences,
// outbound settings, section channels and the leased delivery rows.

var (
	_ notify.DeliveryStore = (*DB)(nil)
	_ notify.DeliveryTx    = (*Tx)(nil)
)

// InDeliveryTx runs one delivery change in a transaction.
func (db *DB) InDeliveryTx(ctx context.Context, fn func(notify.DeliveryTx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// UnplannedNotifications lists outbox rows not yet planned, oldest first.
func (db *DB) UnplannedNotifications(ctx context.Context, tenantID int64, limit int) ([]notify.Notification, error) {
	out, err := queryAll(ctx, db, scanNotification, `SELECT `+notificationCols+` FROM notifications
		WHERE tenant_id = ? AND planned_at = 0 ORDER BY id LIMIT ?`, tenantID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unplanned notifications: %w", err)
	}
	return out, nil
}

// NotifyRecipients returns the address and section of each person.
func (db *DB) NotifyRecipients(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64]notify.Recipient, error) {
	out := map[int64]notify.Recipient{}
	if len(staffIDs) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	rs, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (notify.Recipient, error) {
		var r notify.Recipient
		return r, sc.Scan(&r.StaffID, &r.Email, &r.UnitID, &r.AfterHours)
	}, `SELECT s.id, s.email, s.unit_id, COALESCE(p.after_hours, FALSE) FROM staff s
		LEFT JOIN notify_person p ON p.tenant_id = s.tenant_id AND p.staff_id = s.id
		WHERE s.tenant_id = ? AND NOT s.retired`+andIn("s.id", uniq(staffIDs), &args), args...)
	if err != nil {
		return nil, fmt.Errorf("store: notification recipients: %w", err)
	}
	for _, r := range rs {
		out[r.StaffID] = r
	}
	return out, nil
}

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

type staffPref struct {
	staffID int64
	p       notify.Pref
}

func scanStaffPref(sc interface{ Scan(...any) error }) (staffPref, error) {
	var s staffPref
	return s, sc.Scan(&s.staffID, &s.p.Kind, &s.p.InApp, &s.p.Email, &s.p.Chat)
}

// NotifyPrefsOf returns the stored preferences of each person.
func (db *DB) NotifyPrefsOf(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64][]notify.Pref, error) {
	out := map[int64][]notify.Pref{}
	if len(staffIDs) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	rs, err := queryAll(ctx, db, scanStaffPref, `SELECT staff_id, kind, in_app, email, chat FROM notify_prefs
		WHERE tenant_id = ?`+andIn("staff_id", uniq(staffIDs), &args), args...)
	if err != nil {
		return nil, fmt.Errorf("store: notification preferences: %w", err)
	}
	for _, r := range rs {
		out[r.staffID] = append(out[r.staffID], r.p)
	}
	return out, nil
}

// FindNotifyPrefs returns one person's stored preferences.
func (db *DB) FindNotifyPrefs(ctx context.Context, tenantID, staffID int64) ([]notify.Pref, error) {
	m, err := db.NotifyPrefsOf(ctx, tenantID, []int64{staffID})
	return m[staffID], err
}

// NotifySettings returns the tenant's outbound settings (defaults when none).
func (db *DB) NotifySettings(ctx context.Context, tenantID int64) (notify.Settings, error) {
	s := notify.Settings{SMTPPort: 587, SMTPTLS: "starttls", Charset: "utf-8"}
	err := db.row(ctx, `SELECT smtp_host, smtp_port, smtp_tls, smtp_user, smtp_password <> '', mail_from, charset, version
		FROM notify_settings WHERE tenant_id = ?`, tenantID).Scan(&s.SMTPHost, &s.SMTPPort, &s.SMTPTLS, &s.SMTPUser,
		&s.PasswordSet, &s.MailFrom, &s.Charset, &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("store: notification settings: %w", err)
	}
	return s, nil
}

// NotifyStoredSMTPPasswords lists every tenant's non-empty stored SMTP
// password, for the start-up step that seals them.
func (db *DB) NotifyStoredSMTPPasswords(ctx context.Context) ([]notify.StoredPassword, error) {
	return queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (notify.StoredPassword, error) {
		var p notify.StoredPassword
		err := sc.Scan(&p.TenantID, &p.Stored)
		return p, err
	}, `SELECT tenant_id, smtp_password FROM notify_settings WHERE smtp_password <> '' ORDER BY tenant_id`)
}

// ReplaceNotifySMTPPassword writes next over the tenant's stored SMTP
// password while it is still old; false when a save came in between.
func (tx *Tx) ReplaceNotifySMTPPassword(ctx context.Context, tenantID int64, old, next string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE notify_settings SET smtp_password = ? WHERE tenant_id = ? AND smtp_password = ?`, next, tenantID, old)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// NotifySMTPPassword returns the stored (sealed) SMTP password.
func (db *DB) NotifySMTPPassword(ctx context.Context, tenantID int64) (string, error) {
	var pw string
	err := db.row(ctx, `SELECT smtp_password FROM notify_settings WHERE tenant_id = ?`, tenantID).Scan(&pw)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return pw, err
}

// NotifyChannels lists the tenant's section channels.
func (db *DB) NotifyChannels(ctx context.Context, tenantID int64) ([]notify.ChatChannel, error) {
	out, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (notify.ChatChannel, error) {
		var c notify.ChatChannel
		return c, sc.Scan(&c.UnitID, &c.URL, &c.Format)
	}, `SELECT unit_id, url, format FROM notify_channels WHERE tenant_id = ? ORDER BY unit_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: notification channels: %w", err)
	}
	return out, nil
}

const deliveryCols = `id, tenant_id, notification_id, channel, target, status, attempts, next_at, lease_owner, lease_until,
	last_error, created_at, sent_at`

func scanDelivery(sc interface{ Scan(...any) error }) (notify.Delivery, error) {
	var d notify.Delivery
	var next, lease, created, sent int64
	err := sc.Scan(&d.ID, &d.TenantID, &d.NotificationID, &d.Channel, &d.Target, &d.Status, &d.Attempts, &next,
		&d.LeaseOwner, &lease, &d.LastError, &created, &sent)
	d.NextAt, d.LeaseUntil, d.CreatedAt = fromMicros(next), fromMicros(lease), fromMicros(created)
	if sent != 0 {
		d.SentAt = fromMicros(sent)
	}
	return d, err
}

// withNotifications fills each delivery's notification.
func withNotifications(ctx context.Context, q querier, tenantID int64, ds []notify.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	var ids []int64
	for _, d := range ds {
		ids = append(ids, d.NotificationID)
	}
	args := []any{tenantID}
	ns, err := queryAll(ctx, q, scanNotification, `SELECT `+notificationCols+` FROM notifications WHERE tenant_id = ?`+
		andIn("id", uniq(ids), &args), args...)
	if err != nil {
		return err
	}
	by := map[int64]notify.Notification{}
	for _, n := range ns {
		by[n.ID] = n
	}
	for i := range ds {
		ds[i].Notification = by[ds[i].NotificationID]
	}
	return nil
}

// ClaimDeliveries leases due pending deliveries to owner. On PostgreSQL
// rows another node is claiming are skipped (SKIP LOCKED; the claim is a
// materialised CTE so the planner cannot re-run the LIMIT per row); SQLite
// runs one write transaction at a time. Either way the UPDATE re-checks
// the lease, so a row goes to one owner per lease.
func (db *DB) ClaimDeliveries(ctx context.Context, tenantID int64, owner string, now, leaseUntil time.Time, limit int) ([]notify.Delivery, error) {
	var out []notify.Delivery
	err := db.InTx(ctx, func(tx *Tx) error {
		var rows *sql.Rows
		var err error
		if db.Engine == Postgres {
			rows, err = tx.query(ctx, `WITH c AS (SELECT id FROM notify_deliveries WHERE tenant_id = ? AND status = 'pending'
				AND next_at <= ? AND lease_until <= ? ORDER BY next_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
				UPDATE notify_deliveries d SET lease_owner = ?, lease_until = ?, attempts = d.attempts + 1
				FROM c WHERE d.tenant_id = ? AND d.id = c.id
				RETURNING `+qualified("d", deliveryCols), tenantID, micros(now), micros(now), limit, owner, micros(leaseUntil), tenantID)
		} else {
			rows, err = tx.query(ctx, `UPDATE notify_deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
				WHERE tenant_id = ? AND id IN (SELECT id FROM notify_deliveries WHERE tenant_id = ? AND status = 'pending'
				AND next_at <= ? AND lease_until <= ? ORDER BY next_at, id LIMIT ?)
				RETURNING `+deliveryCols, owner, micros(leaseUntil), tenantID, tenantID, micros(now), micros(now), limit)
		}
		if err != nil {
			return err
		}
		if out, err = collect(rows, scanDelivery); err != nil {
			return err
		}
		return withNotifications(ctx, tx, tenantID, out)
	})
	if err != nil {
		return nil, mapErr(fmt.Errorf("store: claim deliveries: %w", err))
	}
	return out, nil
}

// qualified prefixes each column of a list with alias.
func qualified(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// FinishDeliveries records owner's attempts in one transaction; each row
// changes only while owner holds its lease.
func (db *DB) FinishDeliveries(ctx context.Context, tenantID int64, owner string, fs []notify.Finished) (int, error) {
	sent := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		sent = 0
		for _, f := range fs {
			res, err := tx.exec(ctx, finishDeliverySQL(f), finishDeliveryArgs(tenantID, owner, f)...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if f.Sent {
				sent += int(n)
			}
		}
		return nil
	})
	if err != nil {
		return 0, mapErr(fmt.Errorf("store: finish deliveries: %w", err))
	}
	return sent, nil
}

// FinishDelivery records the outcome of owner's attempt on one delivery in
// one short statement, the moment the receiver has answered, and only while
// owner still holds its lease; it reports whether the row changed. The
// deliverer calls it after every message, so that a node that dies leaves
// at most the one message it was sending unrecorded.
func (db *DB) FinishDelivery(ctx context.Context, tenantID int64, owner string, f notify.Finished) (bool, error) {
	res, err := db.exec(ctx, finishDeliverySQL(f), finishDeliveryArgs(tenantID, owner, f)...)
	if err != nil {
		return false, mapErr(fmt.Errorf("store: finish delivery: %w", err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: finish delivery: %w", err)
	}
	return n == 1, nil
}

func finishDeliverySQL(f notify.Finished) string {
	switch {
	case f.Sent:
		return `UPDATE notify_deliveries SET status = 'sent', sent_at = ?, lease_until = 0, last_error = ''
			WHERE tenant_id = ? AND id = ? AND lease_owner = ? AND status = 'pending'`
	case f.Dead:
		return `UPDATE notify_deliveries SET status = 'dead', lease_until = 0, last_error = ?
			WHERE tenant_id = ? AND id = ? AND lease_owner = ? AND status = 'pending'`
	case f.Cancelled:
		return `UPDATE notify_deliveries SET status = 'cancelled', lease_until = 0, last_error = ?
			WHERE tenant_id = ? AND id = ? AND lease_owner = ? AND status = 'pending'`
	default:
		return `UPDATE notify_deliveries SET next_at = ?, lease_until = 0, last_error = ?
			WHERE tenant_id = ? AND id = ? AND lease_owner = ? AND status = 'pending'`
	}
}

func finishDeliveryArgs(tenantID int64, owner string, f notify.Finished) []any {
	switch {
	case f.Sent:
		return []any{micros(f.At), tenantID, f.ID, owner}
	case f.Dead, f.Cancelled:
		return []any{f.Error, tenantID, f.ID, owner}
	default:
		return []any{micros(f.NextAt), f.Error, tenantID, f.ID, owner}
	}
}

// ReleaseDeliveries gives back owner's lease on the pending deliveries
// ids that it claimed but did not try (a node stopping), uncounting the
// attempt, so that any node can claim them at once.
func (db *DB) ReleaseDeliveries(ctx context.Context, tenantID int64, owner string, ids []int64) error {
	for start := 0; start < len(ids); start += 500 {
		args := []any{tenantID, owner}
		if _, err := db.exec(ctx, `UPDATE notify_deliveries SET lease_until = 0, attempts = attempts - 1
			WHERE tenant_id = ? AND lease_owner = ? AND status = 'pending' AND attempts > 0`+andIn("id", ids[start:min(start+500, len(ids))], &args), args...); err != nil {
			return mapErr(fmt.Errorf("store: release delivery leases: %w", err))
		}
	}
	return nil
}

// HoldDeliveries gives back owner's lease on the pending deliveries ids
// without counting the attempt, to be claimed again from until.
func (db *DB) HoldDeliveries(ctx context.Context, tenantID int64, owner string, ids []int64, until time.Time) error {
	for start := 0; start < len(ids); start += 500 {
		args := []any{micros(until), tenantID, owner}
		if _, err := db.exec(ctx, `UPDATE notify_deliveries SET next_at = ?, lease_until = 0, attempts = attempts - 1
			WHERE tenant_id = ? AND lease_owner = ? AND status = 'pending' AND attempts > 0`+andIn("id", ids[start:min(start+500, len(ids))], &args), args...); err != nil {
			return mapErr(fmt.Errorf("store: hold deliveries: %w", err))
		}
	}
	return nil
}

// RenewDeliveries extends owner's lease on the pending deliveries ids to
// until, in one statement; it returns how many rows owner still held.
func (db *DB) RenewDeliveries(ctx context.Context, tenantID int64, owner string, ids []int64, until time.Time) (int, error) {
	renewed := 0
	for start := 0; start < len(ids); start += 500 {
		args := []any{micros(until), tenantID, owner}
		res, err := db.exec(ctx, `UPDATE notify_deliveries SET lease_until = ?
			WHERE tenant_id = ? AND lease_owner = ? AND status = 'pending'`+andIn("id", ids[start:min(start+500, len(ids))], &args), args...)
		if err != nil {
			return renewed, mapErr(fmt.Errorf("store: renew delivery leases: %w", err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return renewed, fmt.Errorf("store: renew delivery leases: %w", err)
		}
		renewed += int(n)
	}
	return renewed, nil
}

// DeadDeliveries lists the tenant's dead letters, newest first.
func (db *DB) DeadDeliveries(ctx context.Context, tenantID int64, limit int) ([]notify.Delivery, error) {
	out, err := queryAll(ctx, db, scanDelivery, `SELECT `+deliveryCols+` FROM notify_deliveries
		WHERE tenant_id = ? AND status = 'dead' ORDER BY id DESC LIMIT ?`, tenantID, limit)
	if err == nil {
		err = withNotifications(ctx, db, tenantID, out)
	}
	if err != nil {
		return nil, fmt.Errorf("store: dead deliveries: %w", err)
	}
	return out, nil
}

// PlanNotificationDeliveries inserts ds (those that exist stay as they
// are) and marks the notifications planned.
func (tx *Tx) PlanNotificationDeliveries(ctx context.Context, tenantID int64, ids []int64, ds []notify.Delivery, at time.Time) error {
	for start := 0; start < len(ds); start += 200 {
		chunk := ds[start:min(start+200, len(ds))]
		var vals []string
		var args []any
		for _, d := range chunk {
			vals = append(vals, `(?, ?, ?, ?, ?, ?)`)
			args = append(args, tenantID, d.NotificationID, string(d.Channel), d.Target, micros(d.NextAt), micros(at))
		}
		if _, err := tx.exec(ctx, `INSERT INTO notify_deliveries (tenant_id, notification_id, channel, target, next_at, created_at)
			VALUES `+strings.Join(vals, ", ")+` ON CONFLICT (tenant_id, notification_id, channel) DO NOTHING`, args...); err != nil {
			return mapErr(fmt.Errorf("store: plan deliveries: %w", err))
		}
	}
	for start := 0; start < len(ids); start += 500 {
		args := []any{micros(at), tenantID}
		if _, err := tx.exec(ctx, `UPDATE notifications SET planned_at = ? WHERE tenant_id = ? AND planned_at = 0`+
			andIn("id", ids[start:min(start+500, len(ids))], &args), args...); err != nil {
			return mapErr(fmt.Errorf("store: mark notifications planned: %w", err))
		}
	}
	return nil
}

// SaveNotifyPrefs replaces a person's stored preferences.
func (tx *Tx) SaveNotifyPrefs(ctx context.Context, tenantID, staffID int64, ps []notify.Pref) error {
	if err := tx.lockPerson(ctx, tenantID, staffID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM notify_prefs WHERE tenant_id = ? AND staff_id = ?`, tenantID, staffID); err != nil {
		return mapErr(fmt.Errorf("store: notification preferences: %w", err))
	}
	for _, p := range ps {
		if _, err := tx.exec(ctx, `INSERT INTO notify_prefs (tenant_id, staff_id, kind, in_app, email, chat) VALUES (?, ?, ?, ?, ?, ?)`,
			tenantID, staffID, string(p.Kind), p.InApp, p.Email, p.Chat); err != nil {
			return mapErr(fmt.Errorf("store: notification preferences: %w", err))
		}
	}
	return nil
}

// SaveNotifySettings writes the tenant's settings; password nil keeps the
// stored one.
func (tx *Tx) SaveNotifySettings(ctx context.Context, tenantID int64, s notify.Settings, password *string, at time.Time) error {
	keep, pw := password == nil, ""
	if password != nil {
		pw = *password
	}
	_, err := tx.exec(ctx, `INSERT INTO notify_settings (tenant_id, smtp_host, smtp_port, smtp_tls, smtp_user, smtp_password,
		mail_from, charset, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port,
		smtp_tls = excluded.smtp_tls, smtp_user = excluded.smtp_user,
		smtp_password = CASE WHEN ? THEN notify_settings.smtp_password ELSE excluded.smtp_password END,
		mail_from = excluded.mail_from, charset = excluded.charset, updated_at = excluded.updated_at,
		version = notify_settings.version + 1`,
		tenantID, s.SMTPHost, s.SMTPPort, s.SMTPTLS, s.SMTPUser, pw, s.MailFrom, s.Charset, micros(at), keep)
	if err != nil {
		return mapErr(fmt.Errorf("store: notification settings: %w", err))
	}
	return nil
}

// SaveNotifyChannel sets a section's channel; a unit not of the tenant is
// not found.
func (tx *Tx) SaveNotifyChannel(ctx context.Context, tenantID int64, c notify.ChatChannel, at time.Time) error {
	res, err := tx.exec(ctx, `INSERT INTO notify_channels (tenant_id, unit_id, url, format, updated_at)
		SELECT tenant_id, id, ?, ?, ? FROM units WHERE tenant_id = ? AND id = ?
		ON CONFLICT (tenant_id, unit_id) DO UPDATE SET url = excluded.url, format = excluded.format, updated_at = excluded.updated_at`,
		c.URL, c.Format, micros(at), tenantID, c.UnitID)
	if err != nil {
		return mapErr(fmt.Errorf("store: notification channel: %w", err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return apperr.NotFoundErr("unit")
	}
	return nil
}

// FindNotifyChannel reads a section's channel inside the transaction
// (ok false: none).
func (tx *Tx) FindNotifyChannel(ctx context.Context, tenantID, unitID int64) (notify.ChatChannel, bool, error) {
	c := notify.ChatChannel{UnitID: unitID}
	err := tx.row(ctx, `SELECT url, format FROM notify_channels WHERE tenant_id = ? AND unit_id = ?`, tenantID, unitID).Scan(&c.URL, &c.Format)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, mapErr(err)
}

// NotifyAfterHours reports whether the person asked to be told outside
// working time too (notify_person; no row: no).
func (db *DB) NotifyAfterHours(ctx context.Context, tenantID, staffID int64) (bool, error) {
	var on bool
	err := db.row(ctx, `SELECT after_hours FROM notify_person WHERE tenant_id = ? AND staff_id = ?`, tenantID, staffID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return on, mapErr(err)
}

// SaveNotifyAfterHours sets the person's choice.
func (tx *Tx) SaveNotifyAfterHours(ctx context.Context, tenantID, staffID int64, on bool) error {
	_, err := tx.exec(ctx, `INSERT INTO notify_person (tenant_id, staff_id, after_hours) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id, staff_id) DO UPDATE SET after_hours = excluded.after_hours`, tenantID, staffID, on)
	return mapErr(err)
}

// DeleteNotifyChannel removes a section's channel.
func (tx *Tx) DeleteNotifyChannel(ctx context.Context, tenantID, unitID int64) error {
	_, err := tx.exec(ctx, `DELETE FROM notify_channels WHERE tenant_id = ? AND unit_id = ?`, tenantID, unitID)
	return mapErr(err)
}

// RetryDeadDelivery makes a dead delivery pending again.
func (tx *Tx) RetryDeadDelivery(ctx context.Context, tenantID, id int64, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE notify_deliveries SET status = 'pending', attempts = 0, next_at = ?, lease_until = 0
		WHERE tenant_id = ? AND id = ? AND status = 'dead'`, micros(at), tenantID, id)
	if err != nil {
		return false, mapErr(fmt.Errorf("store: retry delivery: %w", err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
