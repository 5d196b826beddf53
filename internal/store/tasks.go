package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/tasks"
)

// The task inventory (issue 13): settings, the systems catalogue, the
// places with their capabilities and the sections' task sheets. The rules
// are in tasks.Service; this file runs the SQL.

var (
	_ tasks.Store = (*DB)(nil)
	_ tasks.Tx    = (*Tx)(nil)
)

// InTasksTx runs one change of the task inventory in a transaction.
func (db *DB) InTasksTx(ctx context.Context, fn func(tasks.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

func joinList[T ~string](xs []T) string {
	ss := make([]string, len(xs))
	for i, x := range xs {
		ss[i] = string(x)
	}
	return strings.Join(ss, ",")
}

func splitList[T ~string](s string) []T {
	if s == "" {
		return []T{}
	}
	parts := strings.Split(s, ",")
	out := make([]T, len(parts))
	for i, p := range parts {
		out[i] = T(p)
	}
	return out
}

// --- settings ---

func findTaskSettings(ctx context.Context, q querier, tenantID int64) (tasks.Settings, error) {
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (tasks.Settings, error) {
		var s tasks.Settings
		var at int64
		var devices string
		if err := sc.Scan(&s.MyNumberAtBranchOffice, &s.Version, &at, &devices); err != nil {
			return s, err
		}
		s.UpdatedAt = fromMicros(at)
		if devices == "" {
			return s, nil
		}
		s.Devices = []tasks.Device{}
		return s, fromJSON(devices, &s.Devices)
	}, `SELECT mynumber_at_branch_office, version, updated_at, devices FROM task_settings WHERE tenant_id = ?`, tenantID)
	if err != nil || len(out) == 0 {
		return tasks.Settings{}, err
	}
	return out[0], nil
}

// FindTaskSettings reads the tenant's settings (zero when never saved).
func (db *DB) FindTaskSettings(ctx context.Context, tenantID int64) (tasks.Settings, error) {
	return findTaskSettings(ctx, db, tenantID)
}

// FindTaskSettings is FindTaskSettings inside a transaction.
func (tx *Tx) FindTaskSettings(ctx context.Context, tenantID int64) (tasks.Settings, error) {
	return findTaskSettings(ctx, tx, tenantID)
}

// SaveTaskSettings writes the tenant's settings.
func (tx *Tx) SaveTaskSettings(ctx context.Context, tenantID int64, s *tasks.Settings, at time.Time) error {
	devices := ""
	if s.Devices != nil {
		b, err := json.Marshal(s.Devices)
		if err != nil {
			return err
		}
		devices = string(b)
	}
	_, err := tx.exec(ctx, `INSERT INTO task_settings (tenant_id, mynumber_at_branch_office, version, updated_at, devices) VALUES (?, ?, 1, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET mynumber_at_branch_office = excluded.mynumber_at_branch_office,
		version = task_settings.version + 1, updated_at = excluded.updated_at, devices = excluded.devices`,
		tenantID, s.MyNumberAtBranchOffice, micros(at), devices)
	return mapErr(err)
}

// --- systems ---

const infoSystemCols = `id, name, segment, data_classes, routes, note, version, updated_at`

func scanInfoSystem(sc interface{ Scan(...any) error }) (*tasks.InfoSystem, error) {
	s := &tasks.InfoSystem{}
	var classes, routes string
	var at int64
	if err := sc.Scan(&s.ID, &s.Name, &s.Segment, &classes, &routes, &s.Note, &s.Version, &at); err != nil {
		return nil, mapErr(err)
	}
	s.DataClasses, s.Routes, s.UpdatedAt = splitList[tasks.DataClass](classes), splitList[tasks.Route](routes), fromMicros(at)
	return s, nil
}

// findRecords lists a tenant's rows of table (only row id when id is
// not 0) in order.
func findRecords[T any](ctx context.Context, q querier, scan func(interface{ Scan(...any) error }) (T, error), cols, table, order string, tenantID, id int64) ([]T, error) {
	query := `SELECT ` + cols + ` FROM ` + table + ` WHERE tenant_id = ?`
	args := []any{tenantID}
	if id != 0 {
		query += ` AND id = ?`
		args = append(args, id)
	}
	out, err := queryAll(ctx, q, scan, query+` ORDER BY `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", table, err)
	}
	return out, nil
}

func findInfoSystems(ctx context.Context, q querier, tenantID int64, id int64) ([]*tasks.InfoSystem, error) {
	return findRecords(ctx, q, scanInfoSystem, infoSystemCols, "info_systems", "name, id", tenantID, id)
}

func one[T any](id int64, list []T, err error, object string) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	// id 0 is the list queries' "no filter": a lookup of id 0 (a path id
	// that did not parse) read the tenant's first row. There is no such
	// record.
	if id <= 0 || len(list) != 1 {
		return zero, apperr.NotFoundErr(object)
	}
	return list[0], nil
}

// FindInfoSystems lists the tenant's systems by name.
func (db *DB) FindInfoSystems(ctx context.Context, tenantID int64) ([]*tasks.InfoSystem, error) {
	return findInfoSystems(ctx, db, tenantID, 0)
}

// FindInfoSystems is FindInfoSystems inside a transaction.
func (tx *Tx) FindInfoSystems(ctx context.Context, tenantID int64) ([]*tasks.InfoSystem, error) {
	return findInfoSystems(ctx, tx, tenantID, 0)
}

// FindInfoSystem reads one system; NotFound outside the tenant.
func (db *DB) FindInfoSystem(ctx context.Context, tenantID, id int64) (*tasks.InfoSystem, error) {
	list, err := findInfoSystems(ctx, db, tenantID, id)
	return one(id, list, err, "info_system")
}

// FindInfoSystem is FindInfoSystem inside a transaction.
func (tx *Tx) FindInfoSystem(ctx context.Context, tenantID, id int64) (*tasks.InfoSystem, error) {
	list, err := findInfoSystems(ctx, tx, tenantID, id)
	return one(id, list, err, "info_system")
}

// InsertInfoSystem writes a new system and sets its id and version.
func (tx *Tx) InsertInfoSystem(ctx context.Context, tenantID int64, s *tasks.InfoSystem, at time.Time) error {
	s.Version, s.UpdatedAt = 1, at
	return mapErr(tx.row(ctx, `INSERT INTO info_systems (tenant_id, name, segment, data_classes, routes, note, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, tenantID, s.Name, s.Segment, joinList(s.DataClasses), joinList(s.Routes), s.Note,
		micros(at), micros(at)).Scan(&s.ID))
}

// UpdateInfoSystemRow writes s at its expected version and advances it.
func (tx *Tx) UpdateInfoSystemRow(ctx context.Context, tenantID int64, s *tasks.InfoSystem, at time.Time) error {
	err := staleIfNone(tx.exec(ctx, `UPDATE info_systems SET name = ?, segment = ?, data_classes = ?, routes = ?, note = ?,
		version = version + 1, updated_at = ? WHERE tenant_id = ? AND id = ? AND version = ?`, s.Name, s.Segment,
		joinList(s.DataClasses), joinList(s.Routes), s.Note, micros(at), tenantID, s.ID, s.Version))
	if err == nil {
		s.Version++
		s.UpdatedAt = at
	}
	return err
}

// DeleteInfoSystem removes a system; a Conflict when a task names it.
func (tx *Tx) DeleteInfoSystem(ctx context.Context, tenantID, id int64) error {
	used, err := queryAll(ctx, tx, scanID, `SELECT task_id FROM sheet_task_systems WHERE tenant_id = ? AND system_id = ? LIMIT 1`, tenantID, id)
	if err != nil {
		return err
	}
	if len(used) > 0 {
		return apperr.New(apperr.Conflict, "tasks.system_in_use")
	}
	return affectedOne(tx.exec(ctx, `DELETE FROM info_systems WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// --- places ---

// taskPlaceCols: a place's phone and 部外者 are the satellite office's (set
// on its page, office_details); a place that is no office has neither.
const taskPlaceCols = `id, name, kind, network, physical_security, version, updated_at,
	EXISTS (SELECT 1 FROM office_details d WHERE d.tenant_id = task_places.tenant_id AND d.office_id = task_places.id AND d.phone),
	EXISTS (SELECT 1 FROM office_details d WHERE d.tenant_id = task_places.tenant_id AND d.office_id = task_places.id AND d.outsiders)`

func scanTaskPlace(sc interface{ Scan(...any) error }) (*tasks.WorkPlace, error) {
	p := &tasks.WorkPlace{}
	var at int64
	if err := sc.Scan(&p.ID, &p.Name, &p.Kind, &p.Network, &p.PhysicalSecurity, &p.Version, &at, &p.Phone, &p.Outsiders); err != nil {
		return nil, mapErr(err)
	}
	p.UpdatedAt = fromMicros(at)
	return p, nil
}

func findTaskPlaces(ctx context.Context, q querier, tenantID, id int64) ([]*tasks.WorkPlace, error) {
	return findRecords(ctx, q, scanTaskPlace, taskPlaceCols, "task_places", "id", tenantID, id)
}

// FindTaskPlaces lists the tenant's places in the order they were added.
func (db *DB) FindTaskPlaces(ctx context.Context, tenantID int64) ([]*tasks.WorkPlace, error) {
	return findTaskPlaces(ctx, db, tenantID, 0)
}

// FindTaskPlaces is FindTaskPlaces inside a transaction.
func (tx *Tx) FindTaskPlaces(ctx context.Context, tenantID int64) ([]*tasks.WorkPlace, error) {
	return findTaskPlaces(ctx, tx, tenantID, 0)
}

// FindTaskPlace reads one place; NotFound outside the tenant.
func (db *DB) FindTaskPlace(ctx context.Context, tenantID, id int64) (*tasks.WorkPlace, error) {
	list, err := findTaskPlaces(ctx, db, tenantID, id)
	return one(id, list, err, "task_place")
}

// FindTaskPlace is FindTaskPlace inside a transaction.
func (tx *Tx) FindTaskPlace(ctx context.Context, tenantID, id int64) (*tasks.WorkPlace, error) {
	list, err := findTaskPlaces(ctx, tx, tenantID, id)
	return one(id, list, err, "task_place")
}

// InsertTaskPlace writes a new place and sets its id.
func (tx *Tx) InsertTaskPlace(ctx context.Context, tenantID int64, p *tasks.WorkPlace, at time.Time) error {
	p.Version, p.UpdatedAt = 1, at
	return mapErr(tx.row(ctx, `INSERT INTO task_places (tenant_id, name, kind, network, physical_security, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, tenantID, p.Name, p.Kind, p.Network, p.PhysicalSecurity, micros(at), micros(at)).Scan(&p.ID))
}

// UpdateTaskPlaceRow writes p at its expected version and advances it.
func (tx *Tx) UpdateTaskPlaceRow(ctx context.Context, tenantID int64, p *tasks.WorkPlace, at time.Time) error {
	if err := tx.lockOfficeDetails(ctx, tenantID, p.ID); err != nil {
		return err
	}
	err := staleIfNone(tx.exec(ctx, `UPDATE task_places SET name = ?, kind = ?, network = ?, physical_security = ?,
		version = version + 1, updated_at = ? WHERE tenant_id = ? AND id = ? AND version = ?`, p.Name, p.Kind, p.Network,
		p.PhysicalSecurity, micros(at), tenantID, p.ID, p.Version))
	if err == nil {
		p.Version++
		p.UpdatedAt = at
	}
	return err
}

// lockOfficeDetails forgets this process's copy of the office and takes the
// place's office_details row (when it is an office) before its task_places
// row is changed, on PostgreSQL: a booking
// reads that row FOR SHARE and then, checking its foreign keys, key-shares
// the task_places row, which a rename (the name is in a unique key) or a
// deletion locks FOR UPDATE. Taken the other way round, the two waited for
// each other (40P01, found by a review); taken in the booking's order, the
// change waits for the bookings in flight and the bookings after it wait
// for the change (docs/places.md).
func (tx *Tx) lockOfficeDetails(ctx context.Context, tenantID, id int64) error {
	tx.db.offices.Delete(officeKey{tenantID, id}) // changed here: no booking need find it stale first
	if tx.db.Engine != Postgres {
		return nil
	}
	_, err := queryAll(ctx, tx, scanID, `SELECT office_id FROM office_details WHERE tenant_id = ? AND office_id = ? FOR UPDATE`, tenantID, id)
	return err
}

// DeleteTaskPlace removes a place; a Conflict (tasks.place_booked) when
// seats were ever booked there: the bookings are the people's record and
// the office's history (a review found a 500 from their foreign key).
func (tx *Tx) DeleteTaskPlace(ctx context.Context, tenantID, id int64) error {
	if err := tx.lockOfficeDetails(ctx, tenantID, id); err != nil {
		return err
	}
	booked, err := queryAll(ctx, tx, scanID, `SELECT id FROM bookings WHERE tenant_id = ? AND office_id = ? LIMIT 1`, tenantID, id)
	if err != nil {
		return err
	}
	if len(booked) > 0 {
		return apperr.New(apperr.Conflict, "tasks.place_booked")
	}
	return affectedOne(tx.exec(ctx, `DELETE FROM task_places WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// --- task sheets ---

const sheetTaskCols = `t.id, t.unit_id, t.name, t.content, t.timing, t.note, t.owner_staff_id, t.paper, t.special_equipment,
	t.on_site, t.face_to_face, t.phone, t.hours_per_year, t.status, t.proposed_by, t.version, t.updated_at`

func scanSheetTask(sc interface{ Scan(...any) error }) (*tasks.SheetTask, error) {
	t := &tasks.SheetTask{}
	var owner, proposer *int64
	var at int64
	if err := sc.Scan(&t.ID, &t.UnitID, &t.Name, &t.Content, &t.Timing, &t.Note, &owner, &t.Paper, &t.SpecialEquipment,
		&t.OnSite, &t.FaceToFace, &t.Phone, &t.HoursPerYear, &t.Status, &proposer, &t.Version, &at); err != nil {
		return nil, mapErr(err)
	}
	if owner != nil {
		t.OwnerStaffID = *owner
	}
	if proposer != nil {
		t.ProposedBy = *proposer
	}
	t.UpdatedAt = fromMicros(at)
	return t, nil
}

type taskSystem struct{ task, system int64 }

func findSheetTasks(ctx context.Context, q querier, tenantID, unitID, id int64) ([]*tasks.SheetTask, error) {
	// and narrows both queries (on the tasks' columns, t. in the join).
	and, args := "", []any{tenantID}
	switch {
	case id != 0:
		and = ` AND t.id = ?`
		args = append(args, id)
	case unitID != 0:
		and = ` AND t.unit_id = ?`
		args = append(args, unitID)
	}
	ts, err := queryAll(ctx, q, scanSheetTask, `SELECT `+sheetTaskCols+` FROM sheet_tasks t WHERE t.tenant_id = ?`+and+
		` ORDER BY t.unit_id, t.position, t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: sheet tasks: %w", err)
	}
	if len(ts) == 0 {
		return ts, nil
	}
	links, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (taskSystem, error) {
		var l taskSystem
		err := sc.Scan(&l.task, &l.system)
		return l, err
	}, `SELECT s.task_id, s.system_id FROM sheet_task_systems s JOIN sheet_tasks t ON t.tenant_id = s.tenant_id AND t.id = s.task_id
		WHERE t.tenant_id = ?`+and+` ORDER BY s.task_id, s.system_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: sheet task systems: %w", err)
	}
	byID := make(map[int64]*tasks.SheetTask, len(ts))
	for _, t := range ts {
		byID[t.ID] = t
	}
	for _, l := range links {
		if t := byID[l.task]; t != nil {
			t.SystemIDs = append(t.SystemIDs, l.system)
		}
	}
	return ts, nil
}

// FindSheetTasks lists a unit's tasks in sheet order (unitID 0: all).
func (db *DB) FindSheetTasks(ctx context.Context, tenantID, unitID int64) ([]*tasks.SheetTask, error) {
	return findSheetTasks(ctx, db, tenantID, unitID, 0)
}

// FindSheetTasks is FindSheetTasks inside a transaction.
func (tx *Tx) FindSheetTasks(ctx context.Context, tenantID, unitID int64) ([]*tasks.SheetTask, error) {
	return findSheetTasks(ctx, tx, tenantID, unitID, 0)
}

// FindSheetTask reads one task with its systems; NotFound outside the tenant.
func (db *DB) FindSheetTask(ctx context.Context, tenantID, id int64) (*tasks.SheetTask, error) {
	list, err := findSheetTasks(ctx, db, tenantID, 0, id)
	return one(id, list, err, "task")
}

// FindSheetTask is FindSheetTask inside a transaction.
func (tx *Tx) FindSheetTask(ctx context.Context, tenantID, id int64) (*tasks.SheetTask, error) {
	list, err := findSheetTasks(ctx, tx, tenantID, 0, id)
	return one(id, list, err, "task")
}

func (tx *Tx) writeTaskSystems(ctx context.Context, tenantID int64, t *tasks.SheetTask) error {
	if _, err := tx.exec(ctx, `DELETE FROM sheet_task_systems WHERE tenant_id = ? AND task_id = ?`, tenantID, t.ID); err != nil {
		return mapErr(err)
	}
	for _, sid := range t.SystemIDs {
		if _, err := tx.exec(ctx, `INSERT INTO sheet_task_systems (tenant_id, task_id, system_id) VALUES (?, ?, ?)`, tenantID, t.ID, sid); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// LockTaskSheet holds a unit's task sheet until the transaction ends.
// SQLite's write transactions are serialised already (the write queue);
// PostgreSQL takes a transaction-scoped advisory lock named for the tenant
// and unit — not the unit's row, which staff moves share-lock — so that an
// import reads the sheet only after any other import or task write of the
// unit has committed.
func (tx *Tx) LockTaskSheet(ctx context.Context, tenantID, unitID int64) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	if err := tx.xactLock(ctx, fmt.Sprintf("telework.task_sheet.%d.%d", tenantID, unitID), false); err != nil {
		return fmt.Errorf("store: lock the task sheet: %w", err)
	}
	return nil
}

// InsertSheetTask writes a new task at the end of its sheet with its systems.
func (tx *Tx) InsertSheetTask(ctx context.Context, tenantID int64, t *tasks.SheetTask, at time.Time) error {
	t.Version, t.UpdatedAt = 1, at
	err := tx.row(ctx, `INSERT INTO sheet_tasks (tenant_id, unit_id, name, content, timing, note, owner_staff_id, paper,
		special_equipment, on_site, face_to_face, phone, hours_per_year, status, proposed_by, position, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
		(SELECT COALESCE(MAX(position), 0) + 1 FROM sheet_tasks WHERE tenant_id = ? AND unit_id = ?), 1, ?, ?) RETURNING id`,
		tenantID, t.UnitID, t.Name, t.Content, t.Timing, t.Note, nullID(t.OwnerStaffID), t.Paper, t.SpecialEquipment, t.OnSite, t.FaceToFace,
		t.Phone, t.HoursPerYear, t.Status, nullID(t.ProposedBy), tenantID, t.UnitID, micros(at), micros(at)).Scan(&t.ID)
	if err != nil {
		return mapErr(err)
	}
	return tx.writeTaskSystems(ctx, tenantID, t)
}

// UpdateSheetTaskRow writes t at its expected version with its systems.
func (tx *Tx) UpdateSheetTaskRow(ctx context.Context, tenantID int64, t *tasks.SheetTask, at time.Time) error {
	err := staleIfNone(tx.exec(ctx, `UPDATE sheet_tasks SET name = ?, content = ?, timing = ?, note = ?, owner_staff_id = ?, paper = ?,
		special_equipment = ?, on_site = ?, face_to_face = ?, phone = ?, hours_per_year = ?, status = ?, proposed_by = ?,
		version = version + 1, updated_at = ? WHERE tenant_id = ? AND id = ? AND version = ?`,
		t.Name, t.Content, t.Timing, t.Note, nullID(t.OwnerStaffID), t.Paper, t.SpecialEquipment, t.OnSite, t.FaceToFace, t.Phone,
		t.HoursPerYear, t.Status, nullID(t.ProposedBy), micros(at), tenantID, t.ID, t.Version))
	if err != nil {
		return err
	}
	t.Version++
	t.UpdatedAt = at
	return tx.writeTaskSystems(ctx, tenantID, t)
}

// DeleteSheetTask removes a task and its system links.
func (tx *Tx) DeleteSheetTask(ctx context.Context, tenantID, id int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM sheet_task_systems WHERE tenant_id = ? AND task_id = ?`, tenantID, id); err != nil {
		return mapErr(err)
	}
	return affectedOne(tx.exec(ctx, `DELETE FROM sheet_tasks WHERE tenant_id = ? AND id = ?`, tenantID, id))
}
