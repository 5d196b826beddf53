package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"telework/internal/calendar"
)

// The business calendar: a tenant's closure days, and the national holidays
// imported from the Cabinet Office's file, which belong to the instance
// (tenant 0, whose audit chain records the imports). The rules are in
// calendar.Service; this file runs the SQL.

var (
	_ calendar.Store = (*DB)(nil)
	_ calendar.Tx    = (*Tx)(nil)
)

// instanceTenant is the tenant id of instance-level rows.
const instanceTenant = calendar.InstanceChain

func yearStart(y int) string { return calendar.Date{Year: y, Month: time.January, Day: 1}.String() }

// InCalendarTx runs one calendar change in a transaction.
func (db *DB) InCalendarTx(ctx context.Context, fn func(calendar.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// holidayScanner scans (day, name) rows, or (day, name, kind) when kind is
// empty, into holidays.
func holidayScanner(kind calendar.Kind) func(interface{ Scan(...any) error }) (calendar.Holiday, error) {
	return func(sc interface{ Scan(...any) error }) (calendar.Holiday, error) {
		var day, name string
		h := calendar.Holiday{Kind: kind}
		dest := []any{&day, &name}
		if kind == "" {
			dest = append(dest, &h.Kind)
		}
		if err := sc.Scan(dest...); err != nil {
			return h, fmt.Errorf("store: holiday scan: %w", err)
		}
		d, err := calendar.ParseDate(day)
		if err != nil {
			return h, fmt.Errorf("store: holiday date %q: %w", day, err)
		}
		h.Date, h.Name = d, name
		return h, nil
	}
}

func findClosureDays(ctx context.Context, q querier, tenantID int64, fromYear, toYear int) ([]calendar.Holiday, error) {
	out, err := queryAll(ctx, q, holidayScanner(calendar.KindClosure),
		`SELECT day, name FROM closure_days WHERE tenant_id = ? AND day >= ? AND day < ? ORDER BY day`,
		tenantID, yearStart(fromYear), yearStart(toYear+1))
	if err != nil {
		return nil, fmt.Errorf("store: closure days: %w", err)
	}
	return out, nil
}

func findImportedHolidays(ctx context.Context, q querier, fromYear, toYear int) ([]calendar.Holiday, error) {
	out, err := queryAll(ctx, q, holidayScanner(""),
		`SELECT day, name, kind FROM national_holidays WHERE tenant_id = ? AND day >= ? AND day < ? ORDER BY day`,
		instanceTenant, yearStart(fromYear), yearStart(toYear+1))
	if err != nil {
		return nil, fmt.Errorf("store: imported holidays: %w", err)
	}
	return out, nil
}

// FindClosureDays lists the tenant's closure days in the years fromYear to
// toYear, in date order.
func (db *DB) FindClosureDays(ctx context.Context, tenantID int64, fromYear, toYear int) ([]calendar.Holiday, error) {
	return findClosureDays(ctx, db, tenantID, fromYear, toYear)
}

// FindClosureDays is FindClosureDays inside a transaction.
func (tx *Tx) FindClosureDays(ctx context.Context, tenantID int64, fromYear, toYear int) ([]calendar.Holiday, error) {
	return findClosureDays(ctx, tx, tenantID, fromYear, toYear)
}

// FindImportedHolidays lists the imported national holidays of the years
// fromYear to toYear, in date order (empty where nothing was imported).
func (db *DB) FindImportedHolidays(ctx context.Context, fromYear, toYear int) ([]calendar.Holiday, error) {
	return findImportedHolidays(ctx, db, fromYear, toYear)
}

// FindImportedHolidays is FindImportedHolidays inside a transaction.
func (tx *Tx) FindImportedHolidays(ctx context.Context, fromYear, toYear int) ([]calendar.Holiday, error) {
	return findImportedHolidays(ctx, tx, fromYear, toYear)
}

// LoadCalendar is calendar.Load over this database (other areas' reads;
// handlers go through calendar.Service).
func (db *DB) LoadCalendar(ctx context.Context, tenantID int64, fromYear, toYear int) (*calendar.Calendar, error) {
	return calendar.Load(ctx, db, tenantID, fromYear, toYear)
}

// InsertClosureDay writes one closure day; a Conflict error (duplicate)
// when the tenant has one on that date.
func (tx *Tx) InsertClosureDay(ctx context.Context, tenantID int64, h calendar.Holiday, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO closure_days (tenant_id, day, name, created_at) VALUES (?, ?, ?, ?)`,
		tenantID, h.Date.String(), h.Name, micros(at))
	if err = mapErr(err); err != nil && !isDuplicate(err) {
		return fmt.Errorf("store: add closure day: %w", err)
	}
	return err
}

// DeleteClosureDay deletes the tenant's closure day on d and returns it;
// NotFound when there is none.
func (tx *Tx) DeleteClosureDay(ctx context.Context, tenantID int64, d calendar.Date) (calendar.Holiday, error) {
	h := calendar.Holiday{Date: d, Kind: calendar.KindClosure}
	err := tx.row(ctx, `DELETE FROM closure_days WHERE tenant_id = ? AND day = ? RETURNING name`, tenantID, d.String()).Scan(&h.Name)
	return h, mapErr(err)
}

// FindHolidayData summarises the imported national holidays.
func (db *DB) FindHolidayData(ctx context.Context) (calendar.HolidayData, error) {
	var out calendar.HolidayData
	var first, last string
	var at int64
	err := db.row(ctx, `SELECT COUNT(*), COALESCE(MIN(day), ''), COALESCE(MAX(day), ''), COALESCE(MAX(imported_at), 0)
		FROM national_holidays WHERE tenant_id = ?`, instanceTenant).Scan(&out.Days, &first, &last, &at)
	if err != nil {
		return out, fmt.Errorf("store: holiday data: %w", err)
	}
	if out.Days > 0 {
		out.FirstYear, _ = strconv.Atoi(first[:4])
		out.LastYear, _ = strconv.Atoi(last[:4])
		out.ImportedAt = fromMicros(at)
	}
	return out, nil
}

// DeleteImportedHolidays removes the imported national holidays of the
// years fromYear to toYear.
func (tx *Tx) DeleteImportedHolidays(ctx context.Context, fromYear, toYear int) error {
	if _, err := tx.exec(ctx, `DELETE FROM national_holidays WHERE tenant_id = ? AND day >= ? AND day < ?`,
		instanceTenant, yearStart(fromYear), yearStart(toYear+1)); err != nil {
		return fmt.Errorf("store: holiday import: %w", err)
	}
	return nil
}

// InsertImportedHolidays writes imported national holidays.
func (tx *Tx) InsertImportedHolidays(ctx context.Context, hs []calendar.Holiday, at time.Time) error {
	for _, h := range hs {
		if _, err := tx.exec(ctx, `INSERT INTO national_holidays (tenant_id, day, name, kind, imported_at) VALUES (?, ?, ?, ?, ?)`,
			instanceTenant, h.Date.String(), h.Name, string(h.Kind), micros(at)); err != nil {
			return fmt.Errorf("store: holiday import %s: %w", h.Date, mapErr(err))
		}
	}
	return nil
}
