package store

import (
	"context"
	"fmt"
	"strings"
	"telework/internal/apperr"
	"time"

	"telework/internal/notify"
)

// The notification outbox (internal/notify holds the rules).

var (
	_ notify.Store = (*DB)(nil)
	_ notify.Tx    = (*Tx)(nil)
)

// InNotifyTx runs one notification change in a transaction.
func (db *DB) InNotifyTx(ctx context.Context, fn func(notify.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// InsertNotifications adds rows to the outbox, many per statement.
func (tx *Tx) InsertNotifications(ctx context.Context, tenantID int64, ns []notify.Notification) error {
	now := tx.db.Now()
	for start := 0; start < len(ns); start += 200 {
		chunk := ns[start:min(start+200, len(ns))]
		var vals []string
		var args []any
		for i := range chunk {
			n := &chunk[i]
			n.TenantID = tenantID
			if n.CreatedAt.IsZero() {
				n.CreatedAt = now
			}
			vals = append(vals, `(?, ?, ?, ?, ?, ?)`)
			args = append(args, tenantID, n.StaffID, string(n.Kind), nullID(n.ApplicationID), jsonText(n.Args), micros(n.CreatedAt))
		}
		rows, err := tx.query(ctx, `INSERT INTO notifications (tenant_id, staff_id, kind, application_id, args, created_at)
			VALUES `+strings.Join(vals, ", ")+` RETURNING id`, args...)
		if err != nil {
			return mapErr(fmt.Errorf("store: insert notifications: %w", err))
		}
		ids, err := collect(rows, scanID)
		if err != nil {
			return mapErr(fmt.Errorf("store: insert notifications: %w", err))
		}
		for i := range chunk {
			if i < len(ids) {
				chunk[i].ID = ids[i]
			}
		}
	}
	return nil
}

// MarkNotificationsRead marks a person's notifications read: ids (all
// when empty), none newer than upToID (0: no bound).
func (tx *Tx) MarkNotificationsRead(ctx context.Context, tenantID, staffID int64, ids []int64, upToID int64, at time.Time) (int, error) {
	q := `UPDATE notifications SET read_at = ? WHERE tenant_id = ? AND staff_id = ? AND read_at = 0`
	args := []any{micros(at), tenantID, staffID}
	if upToID > 0 {
		q += ` AND id <= ?`
		args = append(args, upToID)
	}
	if len(ids) > 0 {
		q += andIn("id", ids, &args)
	}
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return 0, mapErr(fmt.Errorf("store: mark notifications read: %w", err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// notificationFilter is the condition of f on a person's notifications,
// after "tenant_id = ? AND staff_id = ?"; its arguments follow those two.
func notificationFilter(f notify.Filter) (string, []any) {
	where := ""
	var args []any
	if f.UnreadOnly {
		where += ` AND read_at = 0`
	}
	if f.BeforeID > 0 {
		where += ` AND id < ?`
		args = append(args, f.BeforeID)
	}
	if f.InApp {
		// The defaults are in the app: only a stored "not in the app"
		// leaves a kind out (an index lookup on the preferences' key).
		where += ` AND NOT EXISTS (SELECT 1 FROM notify_prefs p WHERE p.tenant_id = notifications.tenant_id
			AND p.staff_id = notifications.staff_id AND p.kind = notifications.kind AND p.in_app = FALSE)`
		if len(f.OffByDefault) > 0 {
			// A kind off by default shows only where the person turned it on.
			in := strings.TrimSuffix(strings.Repeat("?, ", len(f.OffByDefault)), ", ")
			where += ` AND (kind NOT IN (` + in + `) OR EXISTS (SELECT 1 FROM notify_prefs p WHERE p.tenant_id = notifications.tenant_id
				AND p.staff_id = notifications.staff_id AND p.kind = notifications.kind AND p.in_app = TRUE))`
			for _, k := range f.OffByDefault {
				args = append(args, string(k))
			}
		}
	}
	return where, args
}

// FindNotifications lists a person's notifications matching f, newest first.
func (db *DB) FindNotifications(ctx context.Context, tenantID, staffID int64, f notify.Filter, limit, offset int) ([]notify.Notification, error) {
	cond, args := notificationFilter(f)
	where := ` WHERE tenant_id = ? AND staff_id = ?` + cond
	out, err := queryAll(ctx, db, scanNotification, notificationColumns+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(append([]any{tenantID, staffID}, args...), limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("store: notifications: %w", err)
	}
	return out, nil
}

// CountNotifications counts a person's notifications matching f.
func (db *DB) CountNotifications(ctx context.Context, tenantID, staffID int64, f notify.Filter) (int, error) {
	cond, args := notificationFilter(f)
	var n int
	err := db.row(ctx, `SELECT COUNT(*) FROM notifications WHERE tenant_id = ? AND staff_id = ?`+cond,
		append([]any{tenantID, staffID}, args...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count notifications: %w", err)
	}
	return n, nil
}

const (
	notificationCols    = `id, tenant_id, staff_id, kind, COALESCE(application_id, 0), args, created_at, read_at`
	notificationColumns = `SELECT ` + notificationCols + ` FROM notifications`
)

func scanNotification(sc interface{ Scan(...any) error }) (notify.Notification, error) {
	var n notify.Notification
	var args string
	var created, read int64
	if err := sc.Scan(&n.ID, &n.TenantID, &n.StaffID, &n.Kind, &n.ApplicationID, &args, &created, &read); err != nil {
		return n, err
	}
	n.CreatedAt = fromMicros(created)
	if read != 0 {
		n.ReadAt = fromMicros(read)
	}
	return n, fromJSON(args, &n.Args)
}

// FindNotification reads one of a person's notifications by id; another
// person's (or tenant's) is NotFound.
func (db *DB) FindNotification(ctx context.Context, tenantID, staffID, id int64) (notify.Notification, error) {
	n, err := scanNotification(db.row(ctx, notificationColumns+` WHERE tenant_id = ? AND staff_id = ? AND id = ?`, tenantID, staffID, id))
	if isNotFound(err) {
		return n, apperr.NotFoundErr("notification")
	}
	if err != nil {
		return n, fmt.Errorf("store: notification: %w", err)
	}
	return n, nil
}
