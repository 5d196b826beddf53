package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
)

// The business calendar: a tenant's closure days, and the national holidays
// imported from the Cabinet Office's file, which belong to the instance
// (tenant 0, whose audit chain records the imports).

// instanceTenant is the tenant id of instance-level rows.
const instanceTenant int64 = 0

func yearStart(y int) string { return calendar.Date{Year: y, Month: time.January, Day: 1}.String() }

// FindClosureDays lists the tenant's closure days in the years fromYear to
// toYear, in date order.
func (db *DB) FindClosureDays(ctx context.Context, tenantID int64, fromYear, toYear int) ([]calendar.Holiday, error) {
	rows, err := db.query(ctx, `SELECT day, name FROM closure_days WHERE tenant_id = ? AND day >= ? AND day < ? ORDER BY day`,
		tenantID, yearStart(fromYear), yearStart(toYear+1))
	if err != nil {
		return nil, fmt.Errorf("store: closure days: %w", err)
	}
	return scanHolidays(rows, calendar.KindClosure)
}

type rowsScanner interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}

func scanHolidays(rows rowsScanner, kind calendar.Kind) ([]calendar.Holiday, error) {
	defer rows.Close()
	var out []calendar.Holiday
	for rows.Next() {
		var day, name string
		h := calendar.Holiday{Kind: kind}
		var dest = []any{&day, &name}
		if kind == "" {
			dest = append(dest, &h.Kind)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: holiday scan: %w", err)
		}
		d, err := calendar.ParseDate(day)
		if err != nil {
			return nil, fmt.Errorf("store: holiday date %q: %w", day, err)
		}
		h.Date, h.Name = d, name
		out = append(out, h)
	}
	return out, rows.Err()
}

// AddClosureDay records one closure day of the tenant. It refuses a day
// that is already no business day (a weekend, a national holiday, 年末年始)
// and a date that already has a closure day, as field errors on
// closure_date.
func (db *DB) AddClosureDay(ctx context.Context, tenantID int64, actor audit.Actor, h calendar.Holiday) error {
	if err := calendar.ValidateClosure(&h); err != nil {
		return err
	}
	cal, err := db.LoadCalendar(ctx, tenantID, h.Date.Year, h.Date.Year)
	if err != nil {
		return err
	}
	if !cal.IsBusinessDay(h.Date) {
		var v apperr.Validation
		key := "field.closure_not_business"
		if c, ok := cal.Holiday(h.Date); ok && c.Kind == calendar.KindClosure {
			key = "field.closure_exists"
		}
		v.Add("closure_date", key, map[string]any{"Reason": cal.Reason(h.Date)})
		return v.Err()
	}
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO closure_days (tenant_id, day, name, created_at) VALUES (?, ?, ?, ?)`,
			tenantID, h.Date.String(), h.Name, micros(db.Now()))
		if err = mapErr(err); isDuplicate(err) {
			// Another request added the same day since the check above.
			var v apperr.Validation
			v.Add("closure_date", "field.closure_exists", map[string]any{"Reason": h.Name})
			return v.Err()
		} else if err != nil {
			return fmt.Errorf("store: add closure day: %w", err)
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "calendar.closure_add", ObjectType: "closure_day",
			ObjectID: h.Date.String(), After: closureSnapshot(h)})
	})
}

func closureSnapshot(h calendar.Holiday) map[string]string {
	return map[string]string{"date": h.Date.String(), "name": h.Name}
}

// RemoveClosureDay deletes the tenant's closure day on d; NotFound when
// there is none.
func (db *DB) RemoveClosureDay(ctx context.Context, tenantID int64, actor audit.Actor, d calendar.Date) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var name string
		err := tx.row(ctx, `DELETE FROM closure_days WHERE tenant_id = ? AND day = ? RETURNING name`, tenantID, d.String()).Scan(&name)
		if err != nil {
			return mapErr(err)
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "calendar.closure_remove", ObjectType: "closure_day",
			ObjectID: d.String(), Before: closureSnapshot(calendar.Holiday{Date: d, Name: name})})
	})
}

// FindImportedHolidays lists the imported national holidays of the years
// fromYear to toYear, in date order (empty where nothing was imported).
func (db *DB) FindImportedHolidays(ctx context.Context, fromYear, toYear int) ([]calendar.Holiday, error) {
	rows, err := db.query(ctx, `SELECT day, name, kind FROM national_holidays WHERE tenant_id = ? AND day >= ? AND day < ? ORDER BY day`,
		instanceTenant, yearStart(fromYear), yearStart(toYear+1))
	if err != nil {
		return nil, fmt.Errorf("store: imported holidays: %w", err)
	}
	return scanHolidays(rows, "")
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

// ImportNationalHolidays replaces, for every year the parsed file covers,
// that year's imported national holidays, in one transaction recorded in
// the instance audit chain (tenant 0). Years the file does not cover keep
// what they had. hs comes from calendar.ParseSyukujitsu.
func (db *DB) ImportNationalHolidays(ctx context.Context, actor audit.Actor, hs []calendar.Holiday) (calendar.HolidayImport, error) {
	res := calendar.HolidayImport{Years: calendar.ImportedYears(hs), Days: len(hs)}
	if len(hs) == 0 {
		return res, apperr.New(apperr.Invalid, "calendar.import_empty")
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		res.Added, res.Removed, res.Renamed = 0, 0, 0
		before := map[string]string{}
		for _, y := range res.Years {
			rows, err := tx.query(ctx, `SELECT day, name FROM national_holidays WHERE tenant_id = ? AND day >= ? AND day < ?`,
				instanceTenant, yearStart(y), yearStart(y+1))
			if err != nil {
				return fmt.Errorf("store: holiday import: %w", err)
			}
			old, err := scanHolidays(rows, calendar.KindNational)
			if err != nil {
				return err
			}
			for _, h := range old {
				before[h.Date.String()] = h.Name
			}
			if _, err := tx.exec(ctx, `DELETE FROM national_holidays WHERE tenant_id = ? AND day >= ? AND day < ?`,
				instanceTenant, yearStart(y), yearStart(y+1)); err != nil {
				return fmt.Errorf("store: holiday import: %w", err)
			}
		}
		now := micros(db.Now())
		after := map[string]string{}
		for _, h := range hs {
			if _, err := tx.exec(ctx, `INSERT INTO national_holidays (tenant_id, day, name, kind, imported_at) VALUES (?, ?, ?, ?, ?)`,
				instanceTenant, h.Date.String(), h.Name, string(h.Kind), now); err != nil {
				return fmt.Errorf("store: holiday import %s: %w", h.Date, mapErr(err))
			}
			after[h.Date.String()] = h.Name
		}
		// The audit entry holds what changed, not the whole file: a yearly
		// re-import of the same data records only its summary.
		chBefore, chAfter := map[string]string{}, map[string]string{}
		for day, n := range before {
			switch a, ok := after[day]; {
			case !ok:
				res.Removed++
				chBefore[day] = n
			case a != n:
				res.Renamed++
				chBefore[day], chAfter[day] = n, a
			}
		}
		for day, n := range after {
			if _, ok := before[day]; !ok {
				res.Added++
				chAfter[day] = n
			}
		}
		span := strconv.Itoa(res.Years[0]) + "-" + strconv.Itoa(res.Years[len(res.Years)-1])
		return tx.appendAudit(ctx, instanceTenant, actor, audit.Change{Action: "calendar.holidays_import", ObjectType: "national_holidays",
			ObjectID: span, Before: chBefore, After: map[string]any{"years": span, "days": res.Days, "added": res.Added,
				"removed": res.Removed, "renamed": res.Renamed, "changes": chAfter}})
	})
	return res, err
}

// LoadCalendar builds a tenant's business calendar for the years fromYear
// to toYear: national holidays imported where a year was imported and
// computed elsewhere, 年末年始, and the tenant's closure days.
func (db *DB) LoadCalendar(ctx context.Context, tenantID int64, fromYear, toYear int) (*calendar.Calendar, error) {
	if toYear < fromYear {
		fromYear, toYear = toYear, fromYear
	}
	imported, err := db.FindImportedHolidays(ctx, fromYear, toYear)
	if err != nil {
		return nil, err
	}
	var closures []calendar.Holiday
	if tenantID != instanceTenant {
		if closures, err = db.FindClosureDays(ctx, tenantID, fromYear, toYear); err != nil {
			return nil, err
		}
	}
	return calendar.New(calendar.Config{FromYear: fromYear, ToYear: toYear, Imported: imported, Closures: closures}), nil
}
