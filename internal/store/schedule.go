package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"telework/internal/schedule"
)

// The iCalendar feed tokens (internal/schedule holds the rules).

var (
	_ schedule.Store = (*DB)(nil)
	_ schedule.Tx    = (*Tx)(nil)
)

// InScheduleTx runs one feed change in a transaction.
func (db *DB) InScheduleTx(ctx context.Context, fn func(schedule.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const feedCols = `id, tenant_id, owner_staff_id, COALESCE(staff_id, 0), COALESCE(unit_id, 0), token_hash, created_at, revoked_at`

func scanFeed(sc interface{ Scan(...any) error }) (schedule.Feed, error) {
	var f schedule.Feed
	var created, revoked int64
	err := sc.Scan(&f.ID, &f.TenantID, &f.OwnerStaffID, &f.StaffID, &f.UnitID, &f.TokenHash, &created, &revoked)
	f.CreatedAt = fromMicros(created)
	if revoked != 0 {
		f.RevokedAt = fromMicros(revoked)
	}
	return f, err
}

// FindCalendarFeeds lists a person's live feeds.
func (db *DB) FindCalendarFeeds(ctx context.Context, tenantID, ownerStaffID int64) ([]schedule.Feed, error) {
	out, err := queryAll(ctx, db, scanFeed, `SELECT `+feedCols+` FROM calendar_feeds
		WHERE tenant_id = ? AND owner_staff_id = ? AND revoked_at = 0 ORDER BY id`, tenantID, ownerStaffID)
	if err != nil {
		return nil, fmt.Errorf("store: calendar feeds: %w", err)
	}
	return out, nil
}

// FindCalendarFeedByHash finds a live feed by its token's hash (nil: none),
// with its owner as they are now: their section, whether they retired,
// whether they head their section and whether their account is enabled (the service decides what that means).
func (db *DB) FindCalendarFeedByHash(ctx context.Context, hash string) (*schedule.Feed, error) {
	var f schedule.Feed
	var created, revoked int64
	err := db.row(ctx, `SELECT f.id, f.tenant_id, f.owner_staff_id, COALESCE(f.staff_id, 0), COALESCE(f.unit_id, 0), f.token_hash,
			f.created_at, f.revoked_at, s.unit_id, s.retired, s.is_supervisor,
			EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = f.tenant_id AND u.staff_id = f.owner_staff_id AND u.disabled = FALSE)
		FROM calendar_feeds f JOIN staff s ON s.tenant_id = f.tenant_id AND s.id = f.owner_staff_id
		WHERE f.token_hash = ? AND f.revoked_at = 0`, hash).Scan(&f.ID, &f.TenantID, &f.OwnerStaffID, &f.StaffID, &f.UnitID,
		&f.TokenHash, &created, &revoked, &f.Owner.UnitID, &f.Owner.Retired, &f.Owner.Head, &f.Owner.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: calendar feed: %w", err)
	}
	f.CreatedAt = fromMicros(created)
	if revoked != 0 {
		f.RevokedAt = fromMicros(revoked)
	}
	return &f, nil
}

// ScheduleStaffNames returns the names of staff ids.
func (db *DB) ScheduleStaffNames(ctx context.Context, tenantID int64, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{tenantID}
	type row struct {
		id   int64
		name string
	}
	rs, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (row, error) {
		var r row
		return r, sc.Scan(&r.id, &r.name)
	}, `SELECT id, name FROM staff WHERE tenant_id = ?`+andIn("id", uniq(ids), &args), args...)
	if err != nil {
		return nil, fmt.Errorf("store: staff names: %w", err)
	}
	for _, r := range rs {
		out[r.id] = r.name
	}
	return out, nil
}

// InsertCalendarFeed stores a feed (setting its id and tenant).
func (tx *Tx) InsertCalendarFeed(ctx context.Context, tenantID int64, f *schedule.Feed) error {
	f.TenantID = tenantID
	err := tx.row(ctx, `INSERT INTO calendar_feeds (tenant_id, owner_staff_id, staff_id, unit_id, token_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, f.OwnerStaffID, nullID(f.StaffID), nullID(f.UnitID), f.TokenHash,
		micros(f.CreatedAt)).Scan(&f.ID)
	return mapErr(err)
}

// RevokeCalendarFeed ends a person's feed.
func (tx *Tx) RevokeCalendarFeed(ctx context.Context, tenantID, ownerStaffID, id int64, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE calendar_feeds SET revoked_at = ? WHERE tenant_id = ? AND owner_staff_id = ? AND id = ? AND revoked_at = 0`,
		micros(at), tenantID, ownerStaffID, id)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
