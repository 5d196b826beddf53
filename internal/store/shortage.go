package store

import (
	"context"
	"strconv"
	"strings"

	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/places"
)

// Shortage warnings of the forecast (issue 14; places.WarnShortages).

var (
	_ places.ShortageStore = (*DB)(nil)
	_ places.ShortageTx    = (*Tx)(nil)
)

// FindPoolCapacities lists the tenant's device pools as the forecast rates
// them.
func (db *DB) FindPoolCapacities(ctx context.Context, tenantID int64) ([]places.Capacity, error) {
	pools, err := db.FindDevicePools(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return devices.Capacities(pools), nil
}

// InsertShortageWarning stores w unless its resource and week were warned
// of before (then false).
func (tx *Tx) InsertShortageWarning(ctx context.Context, tenantID int64, w *places.ShortageWarning) (bool, error) {
	var office, pool any
	if w.Type == "pool" {
		pool = w.ID
	} else {
		office = w.ID
	}
	res, err := tx.exec(ctx, `INSERT INTO shortage_warnings (tenant_id, resource, office_id, pool_id, name, week_of, peak_day, peak,
		capacity, warned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, resource, week_of) DO NOTHING`,
		tenantID, w.Key(), office, pool, w.Name, w.WeekOf.String(), w.PeakDay.String(), w.Peak, w.Capacity, micros(w.WarnedAt))
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

func scanShortageWarning(sc interface{ Scan(...any) error }) (*places.ShortageWarning, error) {
	w := &places.ShortageWarning{}
	var resource, week, peakDay string
	var at int64
	if err := sc.Scan(&resource, &w.Name, &week, &peakDay, &w.Peak, &w.Capacity, &at); err != nil {
		return nil, mapErr(err)
	}
	typ, id, _ := strings.Cut(resource, ":")
	w.Type = typ
	w.ID, _ = strconv.ParseInt(id, 10, 64)
	w.WeekOf, _ = calendar.ParseDate(week)
	w.PeakDay, _ = calendar.ParseDate(peakDay)
	w.WarnedAt = fromMicros(at)
	return w, nil
}

// FindShortageWarnings lists the warnings of weeks from the Monday from
// on, by week and name.
func (db *DB) FindShortageWarnings(ctx context.Context, tenantID int64, from calendar.Date) ([]*places.ShortageWarning, error) {
	return queryAll(ctx, db, scanShortageWarning, `SELECT resource, name, week_of, peak_day, peak, capacity, warned_at
		FROM shortage_warnings WHERE tenant_id = ? AND week_of >= ? ORDER BY week_of, name, resource LIMIT 1000`, tenantID, from.String())
}
