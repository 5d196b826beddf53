package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
)

// Telework applications, their days and decisions (internal/apply holds
// the rules; this file runs the SQL).

var (
	_ apply.Store = (*DB)(nil)
	_ apply.Tx    = (*Tx)(nil)
)

// InApplyTx runs one application action in a transaction.
func (db *DB) InApplyTx(ctx context.Context, fn func(apply.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const appCols = `a.id, a.staff_id, a.decision, a.status, a.mode, a.place, a.place_kind, a.place_reason, a.place_name,
	a.time_unit, a.start_hm, a.end_hm, a.break_minutes, a.flags, a.devices, a.plan, a.task_ids, a.segments, a.take_out,
	COALESCE(a.presence_checker_id, 0), a.recurrence, a.skipped, COALESCE(a.approver_id, 0),
	COALESCE(a.first_approver_id, 0), COALESCE(a.second_approver_id, 0), a.step, a.steps, a.travel_order_no,
	a.findings, a.submitted_at, a.created_at, a.updated_at, a.version, s.name, s.staff_no, s.unit_id,
	COALESCE(u.name, ''), COALESCE(ap.name, '')`

const appFrom = ` FROM applications a JOIN staff s ON s.tenant_id = a.tenant_id AND s.id = a.staff_id
	LEFT JOIN units u ON u.tenant_id = s.tenant_id AND u.id = s.unit_id
	LEFT JOIN staff ap ON ap.tenant_id = a.tenant_id AND ap.id = a.approver_id`

// Application flags.
const (
	flagOvertime = 1 << iota
	flagMidDay
	flagConsent
)

// recurrenceRow is a recurrence as stored.
type recurrenceRow struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Weekdays []int  `json:"weekdays"`
}

// jsonText is v as JSON, "" for an empty value.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	switch s := string(b); s {
	case "null", "[]", "{}", `""`:
		return ""
	default:
		return s
	}
}

// fromJSON reads s into v; "" leaves v as it is.
func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

func scanApplication(sc interface{ Scan(...any) error }) (*apply.Application, error) {
	a := &apply.Application{}
	var flags int
	var devices, tasks, segs, takeOut, rec, skipped, findings string
	var submitted, created, updated int64
	err := sc.Scan(&a.ID, &a.StaffID, &a.Decision, &a.Status, &a.Mode, &a.Place, &a.PlaceKind, &a.PlaceReason,
		&a.PlaceName, &a.TimeUnit, &a.Start, &a.End, &a.BreakMinutes, &flags, &devices, &a.Plan, &tasks, &segs,
		&takeOut, &a.PresenceCheckerID, &rec, &skipped, &a.ApproverID, &a.FirstApproverID, &a.SecondApproverID,
		&a.Step, &a.Steps, &a.TravelOrderNo, &findings, &submitted, &created, &updated, &a.Version, &a.StaffName,
		&a.StaffNo, &a.UnitID, &a.UnitName, &a.ApproverName)
	if err != nil {
		return nil, err
	}
	a.OvertimeApproved, a.MidDayBreak, a.PriorConsent = flags&flagOvertime != 0, flags&flagMidDay != 0, flags&flagConsent != 0
	a.TravelOrder = a.TravelOrderNo != ""
	var rr recurrenceRow
	for _, x := range []struct {
		s string
		v any
	}{{devices, &a.Devices}, {tasks, &a.TaskIDs}, {segs, &a.Segments}, {takeOut, &a.TakeOut}, {rec, &rr},
		{skipped, &a.Skipped}, {findings, &a.Findings}} {
		if err := fromJSON(x.s, x.v); err != nil {
			return nil, fmt.Errorf("store: application %d: %w", a.ID, err)
		}
	}
	if rec != "" {
		r := &apply.Recurrence{}
		r.From, _ = calendar.ParseDate(rr.From)
		r.To, _ = calendar.ParseDate(rr.To)
		for _, w := range rr.Weekdays {
			r.Weekdays = append(r.Weekdays, time.Weekday(w))
		}
		a.Recurrence = r
	}
	if submitted != 0 {
		a.SubmittedAt = fromMicros(submitted)
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return a, nil
}

const dayCols = `id, application_id, day, status, started_at, finished_at, report_due, report, updated_at`

func scanDay(sc interface{ Scan(...any) error }) (apply.Day, error) {
	var d apply.Day
	var day, due, report string
	var started, finished, updated int64
	if err := sc.Scan(&d.ID, &d.ApplicationID, &day, &d.Status, &started, &finished, &due, &report, &updated); err != nil {
		return d, err
	}
	var err error
	if d.Date, err = calendar.ParseDate(day); err != nil {
		return d, fmt.Errorf("store: application day %q: %w", day, err)
	}
	if due != "" {
		d.ReportDue, _ = calendar.ParseDate(due)
	}
	if report != "" {
		d.Report = &apply.Report{}
		if err := json.Unmarshal([]byte(report), d.Report); err != nil {
			return d, fmt.Errorf("store: report of day %d: %w", d.ID, err)
		}
	}
	if started != 0 {
		d.StartedAt = fromMicros(started)
	}
	if finished != 0 {
		d.FinishedAt = fromMicros(finished)
	}
	d.UpdatedAt = fromMicros(updated)
	return d, nil
}

// withDays reads the days of the applications and attaches them.
func withDays(ctx context.Context, q querier, tenantID int64, apps []*apply.Application) error {
	if len(apps) == 0 {
		return nil
	}
	byID := make(map[int64]*apply.Application, len(apps))
	args := []any{tenantID}
	for _, a := range apps {
		byID[a.ID] = a
		args = append(args, a.ID)
	}
	days, err := queryAll(ctx, q, scanDay, `SELECT `+dayCols+` FROM application_days WHERE tenant_id = ? AND application_id IN (`+
		marks(len(apps))+`) ORDER BY application_id, day`, args...)
	if err != nil {
		return fmt.Errorf("store: application days: %w", err)
	}
	for _, d := range days {
		if a := byID[d.ApplicationID]; a != nil {
			a.Days = append(a.Days, d)
		}
	}
	return nil
}

// marks is n placeholders separated by commas.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func findApplication(ctx context.Context, q interface {
	querier
	row(ctx context.Context, q string, args ...any) *sql.Row
}, tenantID, id int64, lock string) (*apply.Application, error) {
	a, err := scanApplication(q.row(ctx, `SELECT `+appCols+appFrom+` WHERE a.tenant_id = ? AND a.id = ?`+lock, tenantID, id))
	if isNotFound(err) {
		return nil, apperr.NotFoundErr("application")
	}
	if err != nil {
		return nil, fmt.Errorf("store: application: %w", err)
	}
	if err := withDays(ctx, q, tenantID, []*apply.Application{a}); err != nil {
		return nil, err
	}
	return a, nil
}

// FindApplication returns an application with its days, or NotFound.
func (db *DB) FindApplication(ctx context.Context, tenantID, id int64) (*apply.Application, error) {
	return findApplication(ctx, db, tenantID, id, "")
}

// FindApplication is FindApplication inside a transaction. On PostgreSQL
// it locks the application's row, so that the days read next are those of
// the version read, and a concurrent action waits for this one (SQLite's
// write transactions are serial already).
func (tx *Tx) FindApplication(ctx context.Context, tenantID, id int64) (*apply.Application, error) {
	if tx.db.Engine == Postgres {
		// The row is locked first, alone, and read after: a SELECT … FOR
		// UPDATE that waited for a concurrent change re-reads the locked
		// row but keeps the joined rows of its first read (the approver's
		// name of the step before: "いまはさんの承認待ち").
		if _, err := tx.exec(ctx, `SELECT id FROM applications WHERE tenant_id = ? AND id = ? FOR UPDATE`, tenantID, id); err != nil {
			return nil, mapErr(fmt.Errorf("store: lock application: %w", err))
		}
	}
	return findApplication(ctx, tx, tenantID, id, "")
}

func andIn[T any](col string, vs []T, args *[]any) string {
	for _, v := range vs {
		*args = append(*args, v)
	}
	return ` AND ` + col + ` IN (` + marks(len(vs)) + `)`
}

// activeDayStates are the states of a day whose report is still to come.
var reportPending = []any{string(apply.Approved), string(apply.Started), string(apply.Finished)}

// appWhere is the WHERE clause (and its arguments) of the applications f
// chooses, over appFrom.
func appWhere(tenantID int64, f apply.Filter) (string, []any) {
	where := ` WHERE a.tenant_id = ?`
	args := []any{tenantID}
	if len(f.StaffIDs) > 0 {
		where += andIn("a.staff_id", f.StaffIDs, &args)
	}
	if f.NotStaffID != 0 {
		where += ` AND a.staff_id <> ?`
		args = append(args, f.NotStaffID)
	}
	if f.HideDrafts {
		where += ` AND (a.decision <> ? OR a.staff_id = ?)`
		args = append(args, string(apply.Draft), f.DraftsOf)
	}
	if len(f.ApproverIDs) > 0 {
		// IS NOT NULL lets both engines use the partial index of waiting
		// applications.
		where += ` AND a.approver_id IS NOT NULL` + andIn("a.approver_id", f.ApproverIDs, &args)
	}
	if len(f.UnitIDs) > 0 {
		// The people of the units first (staff_unit), then their
		// applications (applications_staff): as a join condition on s,
		// SQLite without statistics walked every application of the
		// tenant to keep a section's (docs/benchmarks.md, 2026-12-03).
		args = append(args, tenantID)
		where += ` AND a.staff_id IN (SELECT su.id FROM staff su WHERE su.tenant_id = ?` + andIn("su.unit_id", f.UnitIDs, &args) + `)`
	}
	if len(f.Statuses) > 0 {
		where += andIn("a.status", f.Statuses, &args)
	}
	if len(f.Decisions) > 0 {
		where += andIn("a.decision", f.Decisions, &args)
	}
	if f.Mode != "" {
		where += ` AND a.mode = ?`
		args = append(args, string(f.Mode))
	}
	if !f.SubmittedBefore.IsZero() {
		where += ` AND a.decision = 'submitted' AND a.submitted_at < ?`
		args = append(args, micros(f.SubmittedBefore))
	}
	// The application's span narrows first (an index range), the days
	// then say whether one of them matches.
	if !f.From.IsZero() {
		where += ` AND a.last_day >= ?`
		args = append(args, f.From.String())
	}
	if !f.To.IsZero() {
		where += ` AND a.first_day <= ?`
		args = append(args, f.To.String())
	}
	// The days' conditions. Narrowed to some people (or a waiting list),
	// each application's days are probed through its own key (tenant,
	// application, day): a column read as `col || ''` (an expression no
	// index holds, in both engines) keeps SQLite, which has no statistics
	// here, from probing the tenant-wide status or report_due index once
	// per application instead (minutes for a year of a large tenant: an
	// outside review, 2026-12-03). Not narrowed, a status or due date
	// picks the few days first (their indexes) and then their
	// applications.
	narrow := len(f.StaffIDs) > 0 || len(f.UnitIDs) > 0 || len(f.ApproverIDs) > 0
	col := func(c string) string {
		if narrow {
			return c + ` || ''`
		}
		return c
	}
	var day []string
	var dayArgs []any
	if len(f.DayStatuses) > 0 {
		day = append(day, col(`d.status`)+` IN (`+marks(len(f.DayStatuses))+`)`)
		for _, s := range f.DayStatuses {
			dayArgs = append(dayArgs, string(s))
		}
	}
	if !f.From.IsZero() {
		day = append(day, `d.day >= ?`)
		dayArgs = append(dayArgs, f.From.String())
	}
	if !f.To.IsZero() {
		day = append(day, `d.day <= ?`)
		dayArgs = append(dayArgs, f.To.String())
	}
	if !f.ReportOverdue.IsZero() {
		day = append(day, col(`d.report_due`)+` <> '' AND `+col(`d.report_due`)+` < ? AND `+col(`d.status`)+` IN (?, ?, ?)`)
		dayArgs = append(append(dayArgs, f.ReportOverdue.String()), reportPending...)
	}
	if !f.ReportDueOn.IsZero() {
		day = append(day, col(`d.report_due`)+` = ? AND `+col(`d.status`)+` IN (?, ?, ?)`)
		dayArgs = append(append(dayArgs, f.ReportDueOn.String()), reportPending...)
	}
	selective := len(f.DayStatuses) > 0 || !f.ReportOverdue.IsZero() || !f.ReportDueOn.IsZero()
	switch {
	case len(day) > 0 && !narrow && selective:
		where += ` AND a.id IN (SELECT d.application_id FROM application_days d WHERE d.tenant_id = ? AND ` + strings.Join(day, ` AND `) + `)`
		args = append(append(args, tenantID), dayArgs...)
	case len(day) > 0:
		where += ` AND EXISTS (SELECT 1 FROM application_days d WHERE d.tenant_id = a.tenant_id AND d.application_id = a.id AND ` +
			strings.Join(day, ` AND `) + `)`
		args = append(args, dayArgs...)
	}
	return where, args
}

// FindApplications lists applications matching f, with their days.
func (db *DB) FindApplications(ctx context.Context, tenantID int64, f apply.Filter) ([]*apply.Application, error) {
	where, args := appWhere(tenantID, f)
	if f.Total != nil {
		if err := db.row(ctx, `SELECT COUNT(*)`+appFrom+where, args...).Scan(f.Total); err != nil {
			return nil, fmt.Errorf("store: count applications: %w", err)
		}
	}
	order, cmp := ` ORDER BY a.first_day DESC, a.id DESC`, `<`
	if f.Ascending {
		order, cmp = ` ORDER BY a.first_day, a.id`, `>`
	}
	if f.After.ID != 0 {
		// The keyset of the order: after the last item read, whatever was
		// added or left the list since.
		day := f.After.FirstDay.String()
		where += ` AND (a.first_day ` + cmp + ` ? OR a.first_day = ? AND a.id ` + cmp + ` ?)`
		args = append(args, day, day, f.After.ID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = apply.MaxPage
	}
	args = append(args, limit, max(f.Offset, 0))
	apps, err := queryAll(ctx, db, scanApplication, `SELECT `+appCols+appFrom+where+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: applications: %w", err)
	}
	for start := 0; start < len(apps); start += 500 {
		if err := withDays(ctx, db, tenantID, apps[start:min(start+500, len(apps))]); err != nil {
			return nil, err
		}
	}
	return apps, nil
}

// FindLastApplication returns the person's latest application that is not
// a draft, or NotFound.
func (db *DB) FindLastApplication(ctx context.Context, tenantID, staffID int64) (*apply.Application, error) {
	a, err := scanApplication(db.row(ctx, `SELECT `+appCols+appFrom+` WHERE a.tenant_id = ? AND a.staff_id = ?
		AND a.decision <> 'draft' ORDER BY a.created_at DESC, a.id DESC LIMIT 1`, tenantID, staffID))
	if isNotFound(err) {
		return nil, apperr.NotFoundErr("application")
	}
	if err != nil {
		return nil, fmt.Errorf("store: last application: %w", err)
	}
	return a, withDays(ctx, db, tenantID, []*apply.Application{a})
}

// FindDecider reads the unit and head flag of a person deciding (or acted
// for) in the transaction, under the tenant's organisation lock
// (HoldOrganisation, taken here if the transaction does not hold it yet):
// a change of them (a 所属長 no longer marked, a transfer) commits before
// or after the decision, never between its check and its commit. A
// retired person heads nothing.
func (tx *Tx) FindDecider(ctx context.Context, tenantID, staffID int64) (unitID int64, supervisor bool, err error) {
	if err := tx.HoldOrganisation(ctx, tenantID); err != nil {
		return 0, false, err
	}
	var retired bool
	err = tx.row(ctx, `SELECT unit_id, is_supervisor, retired FROM staff WHERE tenant_id = ? AND id = ?`, tenantID, staffID).Scan(&unitID, &supervisor, &retired)
	if isNotFound(err) {
		return 0, false, apperr.NotFoundErr("staff")
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: decider: %w", err)
	}
	return unitID, supervisor && !retired, nil
}

// LockApplicant serialises one person's application writers. SQLite
// transactions are serialised already (BEGIN IMMEDIATE); PostgreSQL locks
// the person's staff row.
func (tx *Tx) LockApplicant(ctx context.Context, tenantID, staffID int64) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	var id int64
	err := tx.row(ctx, `SELECT id FROM staff WHERE tenant_id = ? AND id = ? FOR NO KEY UPDATE`, tenantID, staffID).Scan(&id)
	if isNotFound(err) {
		return apperr.NotFoundErr("staff")
	}
	if err != nil {
		return fmt.Errorf("store: lock applicant: %w", err)
	}
	return nil
}

// FindStaffTelework lists the person's applications holding a day from..to
// as the policy engine counts them: each with those days, Status the day's
// state.
func (tx *Tx) FindStaffTelework(ctx context.Context, tenantID, staffID int64, from, to calendar.Date) ([]policy.Application, error) {
	return findStaffTelework(ctx, tx, tenantID, staffID, from, to)
}

// FindStaffTelework is FindStaffTelework outside a transaction (the live
// check as a form is filled in).
func (db *DB) FindStaffTelework(ctx context.Context, tenantID, staffID int64, from, to calendar.Date) ([]policy.Application, error) {
	return findStaffTelework(ctx, db, tenantID, staffID, from, to)
}

// unprobed is a text parameter SQLite's planner does not look into. With
// the sample statistics ANALYZE keeps (STAT4), SQLite re-plans a prepared
// statement each time the value bound to a range on an indexed column
// changes (sqlite3Reprepare: two thirds of this query's time, inside the
// submission's write transaction); a concatenation is not evaluated for
// the estimate, so the plan (the same index range) is made once.
// PostgreSQL reads it as the text it is.
const unprobed = `(CAST(? AS TEXT) || '')`

// unprobedIDs is a list of integer parameters SQLite's planner does not
// look into (an IN list on an indexed column is probed the same way as a
// range), for the lists of a hot path whose values change every time.
func unprobedIDs(ids []int64, args *[]any) string {
	for _, id := range ids {
		*args = append(*args, id)
	}
	return strings.TrimSuffix(strings.Repeat(`(CAST(? AS BIGINT) + 0), `, len(ids)), ", ")
}

func findStaffTelework(ctx context.Context, q querier, tenantID, staffID int64, from, to calendar.Date) ([]policy.Application, error) {
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (policy.Application, error) {
		var id int64
		var day, status, unit, start, end string
		if err := sc.Scan(&id, &day, &status, &unit, &start, &end); err != nil {
			return policy.Application{}, err
		}
		d, err := calendar.ParseDate(day)
		// One entry per day: each day carries its own state. The times
		// tell whether an hourly application meets another one.
		return policy.Application{ID: id, Dates: []calendar.Date{d}, Status: status, TimeUnit: policy.TimeUnit(unit),
			Start: start, End: end}, err
	}, `SELECT d.application_id, d.day, d.status, d.time_unit, a.start_hm, a.end_hm FROM application_days d
		JOIN applications a ON a.tenant_id = d.tenant_id AND a.id = d.application_id
		WHERE d.tenant_id = ? AND d.staff_id = ? AND d.day >= `+unprobed+` AND d.day <= `+unprobed+` ORDER BY d.day`,
		tenantID, staffID, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("store: staff telework: %w", err)
	}
	return out, nil
}

func appFlags(a *apply.Application) int {
	f := 0
	if a.OvertimeApproved {
		f |= flagOvertime
	}
	if a.MidDayBreak {
		f |= flagMidDay
	}
	if a.PriorConsent {
		f |= flagConsent
	}
	return f
}

func recurrenceText(r *apply.Recurrence) string {
	if r == nil {
		return ""
	}
	rr := recurrenceRow{From: r.From.String(), To: r.To.String()}
	for _, w := range r.Weekdays {
		rr.Weekdays = append(rr.Weekdays, int(w))
	}
	return jsonText(rr)
}

// span is the first and last day of the application.
func appSpan(a *apply.Application) (string, string) {
	if len(a.Days) == 0 {
		return "", ""
	}
	lo, hi := a.Days[0].Date, a.Days[0].Date
	for _, d := range a.Days {
		if d.Date.Before(lo) {
			lo = d.Date
		}
		if hi.Before(d.Date) {
			hi = d.Date
		}
	}
	return lo.String(), hi.String()
}

// appValues are the application's own columns after id and tenant, in the
// order of the INSERT and UPDATE below.
func appValues(a *apply.Application) []any {
	first, last := appSpan(a)
	submitted := int64(0)
	if !a.SubmittedAt.IsZero() {
		submitted = micros(a.SubmittedAt)
	}
	return []any{a.StaffID, string(a.Decision), string(a.Status), string(a.Mode), a.Place, a.PlaceKind, a.PlaceReason,
		a.PlaceName, string(a.TimeUnit), a.Start, a.End, a.BreakMinutes, appFlags(a), jsonText(a.Devices), a.Plan,
		jsonText(a.TaskIDs), jsonText(a.Segments), jsonText(a.TakeOut), nullID(a.PresenceCheckerID),
		recurrenceText(a.Recurrence), jsonText(a.Skipped), nullID(a.ApproverID), nullID(a.FirstApproverID),
		nullID(a.SecondApproverID), a.Step, a.Steps, a.TravelOrderNo, jsonText(a.Findings), first, last, submitted,
		micros(a.UpdatedAt)}
}

// appWriteColList are the columns appValues gives, in its order.
var appWriteColList = []string{"staff_id", "decision", "status", "mode", "place", "place_kind", "place_reason",
	"place_name", "time_unit", "start_hm", "end_hm", "break_minutes", "flags", "devices", "plan", "task_ids", "segments",
	"take_out", "presence_checker_id", "recurrence", "skipped", "approver_id", "first_approver_id", "second_approver_id",
	"step", "steps", "travel_order_no", "findings", "first_day", "last_day", "submitted_at", "updated_at"}

var (
	appWriteCols = strings.Join(appWriteColList, ", ")
	appSetCols   = strings.Join(appWriteColList, " = ?, ") + " = ?"
)

// InsertApplication writes a new application and its days.
func (tx *Tx) InsertApplication(ctx context.Context, tenantID int64, a *apply.Application) error {
	vals := append([]any{tenantID}, appValues(a)...)
	vals = append(vals, micros(a.CreatedAt))
	err := tx.row(ctx, `INSERT INTO applications (tenant_id, `+appWriteCols+`, created_at, version)
		VALUES (?, `+marks(len(vals)-1)+`, 1) RETURNING id`, vals...).Scan(&a.ID)
	if err != nil {
		return mapErr(fmt.Errorf("store: insert application: %w", err))
	}
	a.TenantID, a.Version = tenantID, 1
	return tx.insertDays(ctx, tenantID, a.ID, a.StaffID, string(a.TimeUnit), a.Days)
}

// insertDays writes days of an application, many rows per statement.
func (tx *Tx) insertDays(ctx context.Context, tenantID, appID, staffID int64, unit string, days []apply.Day) error {
	for start := 0; start < len(days); start += 100 {
		chunk := days[start:min(start+100, len(days))]
		var vals []string
		var args []any
		for _, d := range chunk {
			vals = append(vals, `(?, ?, ?, ?, ?, ?, ?, ?)`)
			args = append(args, tenantID, appID, staffID, d.Date.String(), unit, string(d.Status), dueText(d.ReportDue),
				micros(d.UpdatedAt))
		}
		rows, err := tx.query(ctx, `INSERT INTO application_days (tenant_id, application_id, staff_id, day, time_unit, status,
			report_due, updated_at) VALUES `+strings.Join(vals, ", ")+` RETURNING id, day`, args...)
		if err != nil {
			return mapErr(fmt.Errorf("store: insert application days: %w", err))
		}
		ids := map[string]int64{}
		for rows.Next() {
			var id int64
			var day string
			if err := rows.Scan(&id, &day); err != nil {
				rows.Close()
				return err
			}
			ids[day] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return mapErr(err)
		}
		for i := range chunk {
			chunk[i].ID, chunk[i].ApplicationID = ids[chunk[i].Date.String()], appID
		}
	}
	return nil
}

func dueText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// UpdateApplication writes the application's own fields if its version is
// still version.
func (tx *Tx) UpdateApplication(ctx context.Context, tenantID int64, a *apply.Application, version int64) error {
	args := append(appValues(a), tenantID, a.ID, version)
	if err := staleIfNone(tx.exec(ctx, `UPDATE applications SET `+appSetCols+`, version = version + 1
		WHERE tenant_id = ? AND id = ? AND version = ?`, args...)); err != nil {
		return err
	}
	a.Version = version + 1
	return nil
}

// UpdateApplicationDays writes the state, times, report and due date of
// days.
func (tx *Tx) UpdateApplicationDays(ctx context.Context, tenantID int64, days []apply.Day) error {
	for _, d := range days {
		report := ""
		if d.Report != nil {
			report = jsonText(d.Report)
		}
		var started, finished int64
		if !d.StartedAt.IsZero() {
			started = micros(d.StartedAt)
		}
		if !d.FinishedAt.IsZero() {
			finished = micros(d.FinishedAt)
		}
		if err := affectedOne(tx.exec(ctx, `UPDATE application_days SET status = ?, started_at = ?, finished_at = ?,
			report_due = ?, report = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`, string(d.Status), started, finished,
			dueText(d.ReportDue), report, micros(d.UpdatedAt), tenantID, d.ID)); err != nil {
			return fmt.Errorf("store: update application day %d: %w", d.ID, err)
		}
	}
	return nil
}

// ReplaceApplicationDays replaces an edited application's days.
func (tx *Tx) ReplaceApplicationDays(ctx context.Context, tenantID, appID, staffID int64, days []apply.Day) error {
	if _, err := tx.exec(ctx, `DELETE FROM application_days WHERE tenant_id = ? AND application_id = ?`, tenantID, appID); err != nil {
		return mapErr(fmt.Errorf("store: replace application days: %w", err))
	}
	var unit string
	if err := tx.row(ctx, `SELECT time_unit FROM applications WHERE tenant_id = ? AND id = ?`, tenantID, appID).Scan(&unit); err != nil {
		return mapErr(fmt.Errorf("store: replace application days: %w", err))
	}
	return tx.insertDays(ctx, tenantID, appID, staffID, unit, days)
}

// DeleteApplication removes a draft with its days and decisions.
func (tx *Tx) DeleteApplication(ctx context.Context, tenantID, id int64) error {
	for _, q := range []string{
		`DELETE FROM notifications WHERE tenant_id = ? AND application_id = ?`,
		`DELETE FROM application_decisions WHERE tenant_id = ? AND application_id = ?`,
		`DELETE FROM application_days WHERE tenant_id = ? AND application_id = ?`,
	} {
		if _, err := tx.exec(ctx, q, tenantID, id); err != nil {
			return mapErr(fmt.Errorf("store: delete application: %w", err))
		}
	}
	return affectedOne(tx.exec(ctx, `DELETE FROM applications WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// InsertApplicationDecision records a decision.
func (tx *Tx) InsertApplicationDecision(ctx context.Context, tenantID int64, d *apply.Decision) error {
	var dates []string
	for _, x := range d.Dates {
		dates = append(dates, x.String())
	}
	err := tx.row(ctx, `INSERT INTO application_decisions (tenant_id, application_id, action, step, by_staff_id, by_user_id,
		on_behalf_of, proxy, comment, dates, findings, at, roster) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		tenantID, d.ApplicationID, string(d.Action), d.Step, nullID(d.ByStaffID), nullID(d.ByUserID), nullID(d.OnBehalfOf),
		boolInt(d.Proxy), d.Comment, jsonText(dates), jsonText(d.Findings), micros(d.At), boolInt(d.Roster)).Scan(&d.ID)
	if err != nil {
		return mapErr(fmt.Errorf("store: insert decision: %w", err))
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FindLastApplicationDecision returns who took the application's latest
// decision and when (zero when none).
func (tx *Tx) FindLastApplicationDecision(ctx context.Context, tenantID, appID int64) (apply.Decision, error) {
	d := apply.Decision{ApplicationID: appID}
	var at int64
	var roster int
	err := tx.row(ctx, `SELECT id, action, COALESCE(by_staff_id, 0), COALESCE(by_user_id, 0), at, roster FROM application_decisions
		WHERE tenant_id = ? AND application_id = ? ORDER BY at DESC, id DESC LIMIT 1`, tenantID, appID).Scan(&d.ID, &d.Action,
		&d.ByStaffID, &d.ByUserID, &at, &roster)
	if errors.Is(err, sql.ErrNoRows) {
		return apply.Decision{}, nil
	}
	if err != nil {
		return d, mapErr(fmt.Errorf("store: last decision: %w", err))
	}
	d.At, d.Roster = fromMicros(at), roster != 0
	return d, nil
}

// FindApplicationCancels lists the cancellations of the applications
// (which days, by whom, whether a roster publication made them), in the
// transaction.
func (tx *Tx) FindApplicationCancels(ctx context.Context, tenantID int64, appIDs []int64) ([]apply.Decision, error) {
	if len(appIDs) == 0 {
		return nil, nil
	}
	args := []any{tenantID}
	out, err := queryAll(ctx, tx, scanDecision, decisionColumns+` WHERE c.tenant_id = ? AND c.action = 'cancel'
		AND c.application_id IN (`+unprobedIDs(appIDs, &args)+`) ORDER BY c.at, c.id`, args...)
	if err != nil {
		return nil, mapErr(fmt.Errorf("store: cancellations: %w", err))
	}
	return out, nil
}

// decisionColumns reads decisions with the names of who decided and in
// whose name (scanDecision).
const decisionColumns = `SELECT c.id, c.application_id, c.action, c.step, COALESCE(c.by_staff_id, 0), COALESCE(c.by_user_id, 0),
		COALESCE(c.on_behalf_of, 0), c.proxy, c.comment, c.dates, c.findings, c.at, c.roster, COALESCE(b.name, ''), COALESCE(o.name, '')
		FROM application_decisions c
		LEFT JOIN staff b ON b.tenant_id = c.tenant_id AND b.id = c.by_staff_id
		LEFT JOIN staff o ON o.tenant_id = c.tenant_id AND o.id = c.on_behalf_of`

func scanDecision(sc interface{ Scan(...any) error }) (apply.Decision, error) {
	var d apply.Decision
	var proxy, roster int
	var dates, findings string
	var at int64
	err := sc.Scan(&d.ID, &d.ApplicationID, &d.Action, &d.Step, &d.ByStaffID, &d.ByUserID, &d.OnBehalfOf, &proxy,
		&d.Comment, &dates, &findings, &at, &roster, &d.ByName, &d.OnBehalfOfName)
	if err != nil {
		return d, err
	}
	d.Proxy, d.Roster, d.At = proxy != 0, roster != 0, fromMicros(at)
	var ds []string
	if err := fromJSON(dates, &ds); err != nil {
		return d, err
	}
	for _, s := range ds {
		if x, err := calendar.ParseDate(s); err == nil {
			d.Dates = append(d.Dates, x)
		}
	}
	return d, fromJSON(findings, &d.Findings)
}

// FindApplicationDecisions lists an application's decisions in order.
func (db *DB) FindApplicationDecisions(ctx context.Context, tenantID, appID int64) ([]apply.Decision, error) {
	out, err := queryAll(ctx, db, scanDecision, decisionColumns+` WHERE c.tenant_id = ? AND c.application_id = ? ORDER BY c.at, c.id`,
		tenantID, appID)
	if err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	return out, nil
}

// FindApplyHeads lists the current heads of the units (by the staff_unit
// index).
func (db *DB) FindApplyHeads(ctx context.Context, tenantID int64, unitIDs []int64) ([]apply.Head, error) {
	return findApplyHeads(ctx, db, tenantID, unitIDs)
}

// FindApplyHeads is FindApplyHeads inside a transaction (a submission
// routes on the heads as they are at its commit).
func (tx *Tx) FindApplyHeads(ctx context.Context, tenantID int64, unitIDs []int64) ([]apply.Head, error) {
	return findApplyHeads(ctx, tx, tenantID, unitIDs)
}

func findApplyHeads(ctx context.Context, q querier, tenantID int64, unitIDs []int64) ([]apply.Head, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	args := []any{tenantID}
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (apply.Head, error) {
		var h apply.Head
		return h, sc.Scan(&h.StaffID, &h.UnitID, &h.Rank, &h.Name)
	}, `SELECT id, unit_id, rank, name FROM staff WHERE tenant_id = ? AND unit_id IN (`+unprobedIDs(unitIDs, &args)+
		`) AND is_supervisor = TRUE AND retired = FALSE`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unit heads: %w", err)
	}
	return out, nil
}

// FindWaitingRoutes lists the tenant's applications waiting for a
// decision with their applicant's unit as it now is (apply.Service.Reroute).
func (db *DB) FindWaitingRoutes(ctx context.Context, tenantID int64) ([]apply.Waiting, error) {
	out, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (apply.Waiting, error) {
		var w apply.Waiting
		return w, sc.Scan(&w.ApplicationID, &w.StaffID, &w.UnitID, &w.ApproverID, &w.Step, &w.Steps, &w.SecondApproverID)
	}, `SELECT a.id, a.staff_id, s.unit_id, COALESCE(a.approver_id, 0), a.step, a.steps, COALESCE(a.second_approver_id, 0)
		FROM applications a JOIN staff s ON s.tenant_id = a.tenant_id AND s.id = a.staff_id
		WHERE a.tenant_id = ? AND a.decision = 'submitted' ORDER BY a.id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: applications waiting: %w", err)
	}
	return out, nil
}

func findApplySettings(ctx context.Context, q interface {
	querier
	row(ctx context.Context, q string, args ...any) *sql.Row
}, tenantID int64) (apply.Settings, error) {
	s := apply.DefaultSettings()
	var two int
	err := q.row(ctx, `SELECT approver, two_step, reminder_hours, version FROM apply_settings WHERE tenant_id = ?`, tenantID).
		Scan(&s.Approver, &two, &s.ReminderHours, &s.Version)
	if err != nil && !isNotFound(err) {
		return s, fmt.Errorf("store: apply settings: %w", err)
	}
	s.TwoStep = two != 0
	units, err := queryAll(ctx, q, scanID, `SELECT unit_id FROM apply_two_step_units WHERE tenant_id = ? ORDER BY unit_id`, tenantID)
	if err != nil {
		return s, fmt.Errorf("store: two-step units: %w", err)
	}
	s.TwoStepUnits = units
	return s, nil
}

// FindApplySettings returns the tenant's routing settings.
func (db *DB) FindApplySettings(ctx context.Context, tenantID int64) (apply.Settings, error) {
	return findApplySettings(ctx, db, tenantID)
}

// FindApplySettings is FindApplySettings inside a transaction.
func (tx *Tx) FindApplySettings(ctx context.Context, tenantID int64) (apply.Settings, error) {
	return findApplySettings(ctx, tx, tenantID)
}

// SaveApplySettings writes the settings if their version is still
// s.Version.
func (tx *Tx) SaveApplySettings(ctx context.Context, tenantID int64, s *apply.Settings) error {
	now := micros(tx.db.Now())
	if s.Version == 0 {
		_, err := tx.exec(ctx, `INSERT INTO apply_settings (tenant_id, approver, two_step, reminder_hours, updated_at, version)
			VALUES (?, ?, ?, ?, ?, 1)`, tenantID, s.Approver, boolInt(s.TwoStep), s.ReminderHours, now)
		if isDuplicate(mapErr(err)) {
			return staleErr()
		}
		if err != nil {
			return mapErr(fmt.Errorf("store: apply settings: %w", err))
		}
		s.Version = 1
	} else {
		if err := staleIfNone(tx.exec(ctx, `UPDATE apply_settings SET approver = ?, two_step = ?, reminder_hours = ?,
			updated_at = ?, version = version + 1 WHERE tenant_id = ? AND version = ?`, s.Approver, boolInt(s.TwoStep),
			s.ReminderHours, now, tenantID, s.Version)); err != nil {
			return err
		}
		s.Version++
	}
	if _, err := tx.exec(ctx, `DELETE FROM apply_two_step_units WHERE tenant_id = ?`, tenantID); err != nil {
		return mapErr(err)
	}
	for _, u := range s.TwoStepUnits {
		if _, err := tx.exec(ctx, `INSERT INTO apply_two_step_units (tenant_id, unit_id) VALUES (?, ?)`, tenantID, u); err != nil {
			return mapErr(fmt.Errorf("store: two-step unit: %w", err))
		}
	}
	return nil
}

const delegationSelect = `SELECT d.id, d.approver_id, d.delegate_id, d.kind, d.from_day, d.to_day, d.note, d.created_at,
	COALESCE(d.created_by, 0), a.name, b.name FROM apply_delegations d
	JOIN staff a ON a.tenant_id = d.tenant_id AND a.id = d.approver_id
	JOIN staff b ON b.tenant_id = d.tenant_id AND b.id = d.delegate_id`

func scanDelegation(sc interface{ Scan(...any) error }) (apply.Delegation, error) {
	var d apply.Delegation
	var from, to string
	var created int64
	if err := sc.Scan(&d.ID, &d.ApproverID, &d.DelegateID, &d.Kind, &from, &to, &d.Note, &created, &d.CreatedByID,
		&d.ApproverName, &d.DelegateName); err != nil {
		return d, err
	}
	if from != "" {
		d.From, _ = calendar.ParseDate(from)
	}
	if to != "" {
		d.To, _ = calendar.ParseDate(to)
	}
	d.CreatedAt = fromMicros(created)
	return d, nil
}

// FindDelegations lists delegations matching f.
func (db *DB) FindDelegations(ctx context.Context, tenantID int64, f apply.DelegationFilter) ([]apply.Delegation, error) {
	return findDelegations(ctx, db, tenantID, f, "")
}

// FindDelegationsLocked is FindDelegations inside an application
// transaction, each row share-locked on PostgreSQL: a decision taken on a
// delegation and the delegation's end are ordered (the end waits for the
// decision's commit, or the decision sees the delegation gone), never a
// decision in the approver's name committed after the approver ended the
// delegation (an outside review). SQLite serialises the writers already.
func (tx *Tx) FindDelegationsLocked(ctx context.Context, tenantID int64, f apply.DelegationFilter) ([]apply.Delegation, error) {
	lock := ""
	if tx.db.Engine == Postgres {
		lock = ` FOR SHARE OF d`
	}
	return findDelegations(ctx, tx, tenantID, f, lock)
}

func findDelegations(ctx context.Context, q querier, tenantID int64, f apply.DelegationFilter, lock string) ([]apply.Delegation, error) {
	where := ` WHERE d.tenant_id = ?`
	args := []any{tenantID}
	if f.ApproverID != 0 {
		where += ` AND d.approver_id = ?`
		args = append(args, f.ApproverID)
	}
	if f.DelegateID != 0 {
		where += ` AND d.delegate_id = ?`
		args = append(args, f.DelegateID)
	}
	if !f.On.IsZero() {
		where += ` AND (d.kind = 'proxy' OR (d.from_day <= ? AND d.to_day >= ?))`
		args = append(args, f.On.String(), f.On.String())
	}
	if !f.StartsOn.IsZero() {
		where += ` AND d.kind = 'absence' AND d.from_day = ?`
		args = append(args, f.StartsOn.String())
	}
	out, err := queryAll(ctx, q, scanDelegation, delegationSelect+where+` ORDER BY d.id`+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("store: delegations: %w", err)
	}
	return out, nil
}

// InsertDelegation records a delegation.
func (tx *Tx) InsertDelegation(ctx context.Context, tenantID int64, d *apply.Delegation) error {
	err := tx.row(ctx, `INSERT INTO apply_delegations (tenant_id, approver_id, delegate_id, kind, from_day, to_day, note,
		created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, d.ApproverID, d.DelegateID, d.Kind,
		dueText(d.From), dueText(d.To), d.Note, micros(d.CreatedAt), nullID(d.CreatedByID)).Scan(&d.ID)
	if err != nil {
		return mapErr(fmt.Errorf("store: insert delegation: %w", err))
	}
	return nil
}

// DeleteDelegation removes a delegation and returns it.
func (tx *Tx) DeleteDelegation(ctx context.Context, tenantID, id int64) (apply.Delegation, error) {
	d, err := scanDelegation(tx.row(ctx, delegationSelect+` WHERE d.tenant_id = ? AND d.id = ?`, tenantID, id))
	if isNotFound(err) {
		return d, apperr.NotFoundErr("delegation")
	}
	if err != nil {
		return d, fmt.Errorf("store: delegation: %w", err)
	}
	return d, affectedOne(tx.exec(ctx, `DELETE FROM apply_delegations WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// FindUnitChain returns a unit and the units above it, nearest first (id,
// parent and code only), by one recursive query.
func (db *DB) FindUnitChain(ctx context.Context, tenantID, unitID int64) ([]*org.Unit, error) {
	return findUnitChain(ctx, db, tenantID, unitID)
}

// FindUnitChain is FindUnitChain inside a transaction.
func (tx *Tx) FindUnitChain(ctx context.Context, tenantID, unitID int64) ([]*org.Unit, error) {
	return findUnitChain(ctx, tx, tenantID, unitID)
}

func findUnitChain(ctx context.Context, q querier, tenantID, unitID int64) ([]*org.Unit, error) {
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (*org.Unit, error) {
		u := &org.Unit{TenantID: tenantID}
		return u, sc.Scan(&u.ID, &u.ParentID, &u.Code, &u.Name, &u.Level)
	}, `WITH RECURSIVE chain (id, parent_id, code, name, level, depth) AS (
			SELECT id, parent_id, code, name, level, 0 FROM units WHERE tenant_id = ? AND id = ?
			UNION ALL
			SELECT u.id, u.parent_id, u.code, u.name, u.level, c.depth + 1 FROM units u
			JOIN chain c ON u.id = c.parent_id WHERE u.tenant_id = ? AND c.depth < 64)
		SELECT id, COALESCE(parent_id, 0), code, name, level FROM chain ORDER BY depth`, tenantID, unitID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: unit chain: %w", err)
	}
	return out, nil
}
