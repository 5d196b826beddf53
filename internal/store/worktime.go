package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/retention"
	"telework/internal/worktime"
)

// Working time (issue 12): the day's start, end, breaks (internal/worktime
// holds the rules).

var (
	_ worktime.Store = (*DB)(nil)
	_ worktime.Tx    = (*Tx)(nil)
)

// InWorktimeTx runs one working-time action in a transaction.
func (db *DB) InWorktimeTx(ctx context.Context, fn func(worktime.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const worktimeCols = `id, staff_id, work_date, start_at, end_at, mode, place, plan, result, start_proxy, end_proxy,
	COALESCE(application_id, 0), overtime_approved, breaks, version,
	COALESCE((SELECT a.time_unit FROM applications a WHERE a.tenant_id = worktime_days.tenant_id AND a.id = worktime_days.application_id), '')`

type worktimeBreak struct {
	S int64 `json:"s"`
	E int64 `json:"e,omitempty"`
	H bool  `json:"h,omitempty"`
	R bool  `json:"r,omitempty"` // reported by phone (worktime.Break.Reported)
}

func scanWorktimeDay(sc interface{ Scan(...any) error }) (worktime.Day, error) {
	var d worktime.Day
	var date, mode, breaks, unit string
	var start, end int64
	var ot int
	if err := sc.Scan(&d.ID, &d.StaffID, &date, &start, &end, &mode, &d.Place, &d.Plan, &d.Result, &d.StartProxy,
		&d.EndProxy, &d.ApplicationID, &ot, &breaks, &d.Version, &unit); err != nil {
		return d, err
	}
	d.PartDay = policy.TimeUnit(unit).PartDay()
	var err error
	if d.Date, err = calendar.ParseDate(date); err != nil {
		return d, err
	}
	d.Mode, d.OvertimeApproved, d.Start = policy.Mode(mode), ot != 0, fromMicros(start)
	if end != 0 {
		d.End = fromMicros(end)
	}
	if breaks != "" {
		var bs []worktimeBreak
		if err := json.Unmarshal([]byte(breaks), &bs); err != nil {
			return d, fmt.Errorf("store: worktime breaks: %w", err)
		}
		for _, b := range bs {
			x := worktime.Break{Start: fromMicros(b.S), Hourly: b.H, Reported: b.R}
			if b.E != 0 {
				x.End = fromMicros(b.E)
			}
			d.Breaks = append(d.Breaks, x)
		}
	}
	return d, nil
}

func worktimeBreaks(d *worktime.Day) string {
	if len(d.Breaks) == 0 {
		return ""
	}
	bs := make([]worktimeBreak, len(d.Breaks))
	for i, b := range d.Breaks {
		bs[i] = worktimeBreak{S: micros(b.Start), H: b.Hourly, R: b.Reported}
		if !b.End.IsZero() {
			bs[i].E = micros(b.End)
		}
	}
	return jsonText(bs)
}

func endMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

// FindWorktimeDay returns the person's day.
func (tx *Tx) FindWorktimeDay(ctx context.Context, tenantID, staffID int64, d calendar.Date) (*worktime.Day, error) {
	day, err := scanWorktimeDay(tx.row(ctx, `SELECT `+worktimeCols+` FROM worktime_days
		WHERE tenant_id = ? AND staff_id = ? AND work_date = ?`, tenantID, staffID, d.String()))
	if err != nil {
		return nil, mapErr(err)
	}
	return &day, nil
}

// InsertWorktimeDay writes a new day.
func (tx *Tx) InsertWorktimeDay(ctx context.Context, tenantID int64, d *worktime.Day) error {
	err := tx.row(ctx, `INSERT INTO worktime_days (tenant_id, staff_id, work_date, start_at, end_at, mode, place, plan, result,
		start_proxy, end_proxy, application_id, overtime_approved, breaks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		tenantID, d.StaffID, d.Date.String(), micros(d.Start), endMicros(d.End), string(d.Mode), d.Place, d.Plan, d.Result,
		d.StartProxy, d.EndProxy, nullID(d.ApplicationID), boolInt(d.OvertimeApproved), worktimeBreaks(d)).Scan(&d.ID)
	if err != nil {
		return mapErr(fmt.Errorf("store: insert worktime day: %w", err))
	}
	d.Version = 1
	return nil
}

// UpdateWorktimeDay writes the day if its version is still version.
func (tx *Tx) UpdateWorktimeDay(ctx context.Context, tenantID int64, d *worktime.Day, version int64) error {
	res, err := tx.exec(ctx, `UPDATE worktime_days SET end_at = ?, mode = ?, place = ?, plan = ?, result = ?, end_proxy = ?,
		overtime_approved = ?, breaks = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`,
		endMicros(d.End), string(d.Mode), d.Place, d.Plan, d.Result, d.EndProxy, boolInt(d.OvertimeApproved), worktimeBreaks(d),
		tenantID, d.ID, version)
	if err := staleIfNone(res, err); err != nil {
		return err
	}
	d.Version = version + 1
	return nil
}

// FindWorktimeDays lists days from..to of these people (all when empty).
func (db *DB) FindWorktimeDays(ctx context.Context, tenantID int64, staffIDs []int64, from, to calendar.Date) ([]worktime.Day, error) {
	q := `SELECT ` + worktimeCols + ` FROM worktime_days WHERE tenant_id = ? AND work_date >= ? AND work_date <= ?`
	args := []any{tenantID, from.String(), to.String()}
	if len(staffIDs) > 0 {
		q += andIn("staff_id", staffIDs, &args)
	}
	return queryAll(ctx, db, scanWorktimeDay, q+` ORDER BY work_date, staff_id`, args...)
}

// removeWorktimeDays is the retention of attendance records: the days
// (and prior overtime requests) before the cutoff's date are deleted, and
// the same record kept on the application's days — the start and finish
// times, and the report's actual times and break — is cleared; the day
// itself, its status and the rest of its report stay (the application's
// history).
func (tx *Tx) removeWorktimeDays(ctx context.Context, tenantID int64, cutoff time.Time) (retention.Applied, error) {
	date := calendar.DateOf(cutoff).String()
	var a retention.Applied
	for _, q := range []string{
		`DELETE FROM worktime_days WHERE tenant_id = ? AND work_date < ?`,
		`DELETE FROM worktime_overtime WHERE tenant_id = ? AND work_date < ?`,
	} {
		res, err := tx.exec(ctx, q, tenantID, date)
		if err != nil {
			return a, fmt.Errorf("store: retention attendance: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return a, err
		}
		a.Removed += n
	}
	n, err := tx.clearApplicationDayTimes(ctx, tenantID, date)
	a.Cleared = map[string]int64{retention.ClearedApplicationDays: n}
	return a, err
}

// clearApplicationDayTimes clears the times of application days before
// date. A report is stored as apply.Report's JSON (its fields in declared
// order), so one that was cleared already reads "ActualStart":"",
// "ActualEnd":"","BreakMinutes":0 and "ActualMinutes":0, and is not read
// again the next day.
func (tx *Tx) clearApplicationDayTimes(ctx context.Context, tenantID int64, date string) (int64, error) {
	days, err := queryIDTexts(ctx, tx, `SELECT id, report FROM application_days WHERE tenant_id = ? AND day < ?
		AND (started_at <> 0 OR finished_at <> 0 OR (report <> '' AND (report NOT LIKE '%"ActualStart":"","ActualEnd":"","BreakMinutes":0,%'
			OR report NOT LIKE '%"ActualMinutes":0,%')))
		ORDER BY id`, tenantID, date)
	if err != nil {
		return 0, fmt.Errorf("store: retention attendance: %w", err)
	}
	for _, d := range days {
		report := d.text
		if report != "" {
			var r apply.Report
			if err := json.Unmarshal([]byte(report), &r); err != nil {
				return 0, fmt.Errorf("store: retention attendance: day %d: %w", d.id, err)
			}
			r.ActualStart, r.ActualEnd, r.BreakMinutes, r.ActualMinutes = "", "", 0, 0
			report = jsonText(&r)
		}
		if _, err := tx.exec(ctx, `UPDATE application_days SET started_at = 0, finished_at = 0, report = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, report, micros(tx.db.Now()), tenantID, d.id); err != nil {
			return 0, fmt.Errorf("store: retention attendance: %w", err)
		}
	}
	return int64(len(days)), nil
}

// worktimeApplicationQuery reads the person's day through their own index
// (tenant, staff, day), then the application by its key. SQLite has no
// statistics here: with the status compared as stored it took the
// tenant-wide (tenant, status, day) index instead — every approved day of
// the tenant that morning, per start report (2.5 times a start report's
// CPU, 2026-12-03) — so the status is compared as an expression no index
// holds; joined, or ordered by the plain application_id, SQLite walked
// the tenant's applications in id order for the ORDER BY instead.
// TestApplicationListPlans checks the plan.
const worktimeApplicationQuery = `SELECT a.id, a.mode, a.place_name, a.flags, COALESCE(a.presence_checker_id, 0), a.time_unit FROM applications a
		WHERE a.tenant_id = ? AND a.id = (SELECT d.application_id FROM application_days d
			WHERE d.tenant_id = ? AND d.staff_id = ? AND d.day = ? AND (d.status || '') IN ('approved', 'started')
			ORDER BY d.application_id + 0 LIMIT 1)`

// FindWorktimeApplication returns the approved (or started) application
// holding the person's day, in one read; NotFound when none.
func (db *DB) FindWorktimeApplication(ctx context.Context, tenantID, staffID int64, d calendar.Date) (worktime.DayApplication, error) {
	var a worktime.DayApplication
	var mode, unit string
	var flags int
	err := db.row(ctx, worktimeApplicationQuery, tenantID, tenantID, staffID, d.String()).Scan(&a.ID, &mode, &a.Place, &flags, &a.PresenceCheckerID, &unit)
	if err != nil {
		return a, mapErr(err)
	}
	a.PartDay = policy.TimeUnit(unit).PartDay()
	a.Mode, a.OvertimeApproved = policy.Mode(mode), flags&flagOvertime != 0
	return a, nil
}

// FindOpenWorktimeDays lists the tenant's days from..to without an end
// report (the sweep of missing end reports).
func (db *DB) FindOpenWorktimeDays(ctx context.Context, tenantID int64, from, to calendar.Date) ([]worktime.Day, error) {
	return queryAll(ctx, db, scanWorktimeDay, `SELECT `+worktimeCols+` FROM worktime_days
		WHERE tenant_id = ? AND work_date >= ? AND work_date <= ? AND end_at = 0 ORDER BY work_date, staff_id`,
		tenantID, from.String(), to.String())
}

// NoteNoClockOut marks the day as told of its missing end report, inside
// the notice's transaction, unless it already is: the notice and the mark
// commit or roll back together, and a second sweep (another node) waits
// for the first's row lock and then finds the mark. The mark is on the day
// (backed up with it), so a restore does not bring the notice back.
func (tx *Tx) NoteNoClockOut(ctx context.Context, tenantID, dayID int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE worktime_days SET no_clock_out_noted = ?
		WHERE tenant_id = ? AND id = ? AND no_clock_out_noted = 0`, micros(tx.db.Now()), tenantID, dayID)
	if err != nil {
		return false, fmt.Errorf("store: worktime no clock-out mark: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
