package store

import (
	"context"
	"fmt"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/places"
)

var _ places.DemandReader = (*DB)(nil)

func scanDayCount(sc interface{ Scan(...any) error }) (places.DayCount, error) {
	var c places.DayCount
	var day string
	if err := sc.Scan(&c.Key, &c.Name, &day, &c.Count); err != nil {
		return c, mapErr(err)
	}
	c.Day, _ = calendar.ParseDate(day)
	return c, nil
}

// scanDeviceDayCount reads a day count whose name is an application's
// devices, stored as a JSON array of kinds.
func scanDeviceDayCount(sc interface{ Scan(...any) error }) (places.DayCount, error) {
	c, err := scanDayCount(sc)
	if err != nil {
		return c, err
	}
	if err := fromJSON(c.Name, &c.Kinds); err != nil {
		return c, fmt.Errorf("store: application devices %q: %w", c.Name, err)
	}
	c.Name = ""
	return c, nil
}

// FindDemandInputs reads the counts the forecast and the reports need for
// days from..to.
func (db *DB) FindDemandInputs(ctx context.Context, tenantID int64, from, to calendar.Date) (*places.DemandInputs, error) {
	f, t := from.String(), to.String()
	var in places.DemandInputs
	var err error
	if in.Bookings, err = queryAll(ctx, db, scanDayCount, `SELECT office_id, '', day, COUNT(*) FROM bookings
		WHERE tenant_id = ? AND status = 'booked' AND day >= ? AND day <= ? GROUP BY office_id, day`, tenantID, f, t); err != nil {
		return nil, err
	}
	// A pool's units out on a day are its counter: a loan counts on every
	// day of its period (and on the days a device is overdue), a one-time
	// remote-access ID on its day.
	if in.Reservations, err = queryAll(ctx, db, scanDayCount, `SELECT pool_id, '', day, used FROM device_slots
		WHERE tenant_id = ? AND used > 0 AND day >= ? AND day <= ? ORDER BY pool_id, day`, tenantID, f, t); err != nil {
		return nil, err
	}
	if in.SatelliteDays, err = queryAll(ctx, db, scanDayCount, `SELECT 0, a.place_name, d.day, COUNT(*) FROM application_days d
		JOIN applications a ON a.tenant_id = d.tenant_id AND a.id = d.application_id
		WHERE d.tenant_id = ? AND a.mode = 'satellite' AND d.status IN ('approved', 'submitted') AND d.day >= ? AND d.day <= ?
		AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.tenant_id = d.tenant_id AND b.staff_id = d.staff_id AND b.day = d.day AND b.status = 'booked')
		GROUP BY a.place_name, d.day`, tenantID, f, t); err != nil {
		return nil, err
	}
	// applications.devices is a JSON array (jsonText), decoded here so
	// the forecast matches each kind against the pools.
	if in.DeviceDays, err = queryAll(ctx, db, scanDeviceDayCount, `SELECT 0, a.devices, d.day, COUNT(*) FROM application_days d
		JOIN applications a ON a.tenant_id = d.tenant_id AND a.id = d.application_id
		WHERE d.tenant_id = ? AND a.devices <> '' AND d.status IN ('approved', 'submitted') AND d.day >= ? AND d.day <= ?
		AND NOT EXISTS (SELECT 1 FROM device_reservations r WHERE r.tenant_id = d.tenant_id AND r.staff_id = d.staff_id
			AND r.day <= d.day AND r.held_to >= d.day AND r.status <> 'cancelled')
		GROUP BY a.devices, d.day`, tenantID, f, t); err != nil {
		return nil, err
	}
	return &in, nil
}

// FindActiveStaff lists the tenant's staff not retired, in id order.
func (db *DB) FindActiveStaff(ctx context.Context, tenantID int64) ([]*org.Staff, error) {
	return queryAll(ctx, db, scanStaff, `SELECT `+staffCols+staffFrom+` WHERE s.tenant_id = ? AND s.retired = ? ORDER BY s.id`, tenantID, false)
}
