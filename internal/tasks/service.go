package tasks

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/policy"
)

// Reader is what the task inventory reads.
type Reader interface {
	FindTaskSettings(ctx context.Context, tenantID int64) (Settings, error)
	FindInfoSystems(ctx context.Context, tenantID int64) ([]*InfoSystem, error)
	FindInfoSystem(ctx context.Context, tenantID, id int64) (*InfoSystem, error)
	FindTaskPlaces(ctx context.Context, tenantID int64) ([]*WorkPlace, error)
	FindTaskPlace(ctx context.Context, tenantID, id int64) (*WorkPlace, error)
	// FindSheetTasks lists a unit's tasks in sheet order (unitID 0: the
	// whole tenant's, by unit).
	FindSheetTasks(ctx context.Context, tenantID, unitID int64) ([]*SheetTask, error)
	FindSheetTask(ctx context.Context, tenantID, id int64) (*SheetTask, error)
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
}

// Store is the task inventory's storage.
type Store interface {
	Reader
	FindStaffByNo(ctx context.Context, tenantID int64, staffNo string) (*org.Staff, error)
	InTasksTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one change of the inventory writes, with its audit entry.
type Tx interface {
	Reader
	SaveTaskSettings(ctx context.Context, tenantID int64, s *Settings, at time.Time) error
	InsertInfoSystem(ctx context.Context, tenantID int64, s *InfoSystem, at time.Time) error
	// UpdateInfoSystemRow writes s if its version is still s.Version (a
	// stale conflict otherwise) and advances the version.
	UpdateInfoSystemRow(ctx context.Context, tenantID int64, s *InfoSystem, at time.Time) error
	DeleteInfoSystem(ctx context.Context, tenantID, id int64) error
	InsertTaskPlace(ctx context.Context, tenantID int64, p *WorkPlace, at time.Time) error
	UpdateTaskPlaceRow(ctx context.Context, tenantID int64, p *WorkPlace, at time.Time) error
	DeleteTaskPlace(ctx context.Context, tenantID, id int64) error
	// LockTaskSheet holds the unit's sheet for the rest of the
	// transaction: whatever plans against the sheet's tasks (an import)
	// reads them after taking it, and every write of a task takes it, so
	// none lands between that read and its writes.
	LockTaskSheet(ctx context.Context, tenantID, unitID int64) error
	InsertSheetTask(ctx context.Context, tenantID int64, t *SheetTask, at time.Time) error
	UpdateSheetTaskRow(ctx context.Context, tenantID int64, t *SheetTask, at time.Time) error
	DeleteSheetTask(ctx context.Context, tenantID, id int64) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the task inventory's workflows.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

func forbidUnless(ok bool) error {
	if !ok {
		return apperr.Forbid()
	}
	return nil
}

// --- settings, systems and places (IT admin) ---

// Settings are the tenant's decisions (defaults when never saved).
func (s *Service) Settings(ctx context.Context, tenantID int64) (Settings, error) {
	return s.st.FindTaskSettings(ctx, tenantID)
}

// SaveSettings records whether 個人番号利用事務系 may be used at branch
// offices (IT admin).
func (s *Service) SaveSettings(ctx context.Context, tenantID int64, who *auth.Principal, myNumberAtBranch bool) error {
	if err := forbidUnless(who.Has(auth.ITAdmin)); err != nil {
		return err
	}
	return s.st.InTasksTx(ctx, func(tx Tx) error {
		before, err := tx.FindTaskSettings(ctx, tenantID)
		if err != nil {
			return err
		}
		if before.Version != 0 && before.MyNumberAtBranchOffice == myNumberAtBranch {
			return nil
		}
		after := Settings{MyNumberAtBranchOffice: myNumberAtBranch, Devices: before.Devices}
		if err := tx.SaveTaskSettings(ctx, tenantID, &after, s.now()); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks.settings", ObjectType: "task_settings", ObjectID: "tenant",
			Before: map[string]any{"mynumber_at_branch_office": before.MyNumberAtBranchOffice}, After: map[string]any{"mynumber_at_branch_office": myNumberAtBranch}})
	})
}

// SaveDevices records the device types the tenant provides for telework
// (IT admin); nil withdraws the declaration, so devices play no part in
// the rating again.
func (s *Service) SaveDevices(ctx context.Context, tenantID int64, who *auth.Principal, devices []Device) error {
	if err := forbidUnless(who.Has(auth.ITAdmin)); err != nil {
		return err
	}
	if devices != nil {
		var clean []Device
		for _, d := range devices {
			if !slices.Contains(Devices, d) {
				var v apperr.Validation
				v.Add("devices", "field.choice", nil)
				return v.Err()
			}
			if !slices.Contains(clean, d) {
				clean = append(clean, d)
			}
		}
		devices = append([]Device{}, clean...)
	}
	return s.st.InTasksTx(ctx, func(tx Tx) error {
		before, err := tx.FindTaskSettings(ctx, tenantID)
		if err != nil {
			return err
		}
		if (before.Devices == nil) == (devices == nil) && slices.Equal(before.Devices, devices) {
			return nil
		}
		after := before
		after.Devices = devices
		if err := tx.SaveTaskSettings(ctx, tenantID, &after, s.now()); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks.settings", ObjectType: "task_settings", ObjectID: "tenant",
			Before: map[string]any{"devices": before.Devices}, After: map[string]any{"devices": devices}})
	})
}

// Systems lists the catalogue by name.
func (s *Service) Systems(ctx context.Context, tenantID int64) ([]*InfoSystem, error) {
	return s.st.FindInfoSystems(ctx, tenantID)
}

// System is one system of the catalogue.
func (s *Service) System(ctx context.Context, tenantID, id int64) (*InfoSystem, error) {
	return s.st.FindInfoSystem(ctx, tenantID, id)
}

// nameTaken turns a duplicate name into an error on field.
func nameTaken(err error, field string) error {
	if apperr.IsDuplicate(err) {
		var v apperr.Validation
		v.Add(field, "field.taken", nil)
		return v.Err()
	}
	return err
}

// record is a catalogue object IT keeps: a system or a place.
type record interface {
	Validate() error
	AuditView() map[string]any
}

// catalogueKind says how one kind of record is stored and audited.
type catalogueKind[T record] struct {
	noun, objectType, nameField string
	find                        func(tx Tx, ctx context.Context, tenantID, id int64) (T, error)
	insert, update              func(tx Tx, ctx context.Context, tenantID int64, x T, at time.Time) error
	remove                      func(tx Tx, ctx context.Context, tenantID, id int64) error
	version                     func(T) int64
}

var systemKind = catalogueKind[*InfoSystem]{noun: "system", objectType: "info_system", nameField: "system_name",
	find: Tx.FindInfoSystem, insert: Tx.InsertInfoSystem, update: Tx.UpdateInfoSystemRow, remove: Tx.DeleteInfoSystem,
	version: func(x *InfoSystem) int64 { return x.Version }}

var placeKind = catalogueKind[*WorkPlace]{noun: "place", objectType: "task_place", nameField: "place_name",
	find: Tx.FindTaskPlace, insert: Tx.InsertTaskPlace, update: Tx.UpdateTaskPlaceRow, remove: Tx.DeleteTaskPlace,
	version: func(x *WorkPlace) int64 { return x.Version }}

// save creates (id 0) or updates x at its version (IT admin), audited.
func save[T record](s *Service, ctx context.Context, tenantID int64, who *auth.Principal, k catalogueKind[T], x T, id func() int64) error {
	if err := forbidUnless(who.Has(auth.ITAdmin)); err != nil {
		return err
	}
	if err := x.Validate(); err != nil {
		return err
	}
	return s.st.InTasksTx(ctx, func(tx Tx) error {
		c := audit.Change{Action: "tasks." + k.noun + "_create", ObjectType: k.objectType, After: x.AuditView()}
		write := k.insert
		if id() != 0 {
			before, err := k.find(tx, ctx, tenantID, id())
			if err != nil {
				return err
			}
			c.Action, c.Before, write = "tasks."+k.noun+"_update", before.AuditView(), k.update
		}
		if err := write(tx, ctx, tenantID, x, s.now()); err != nil {
			return nameTaken(err, k.nameField)
		}
		c.ObjectID = idText(id())
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), c)
	})
}

// remove deletes the record id (IT admin), audited.
func remove[T record](s *Service, ctx context.Context, tenantID int64, who *auth.Principal, k catalogueKind[T], id, version int64) error {
	if err := forbidUnless(who.Has(auth.ITAdmin)); err != nil {
		return err
	}
	return s.st.InTasksTx(ctx, func(tx Tx) error {
		before, err := k.find(tx, ctx, tenantID, id)
		if err != nil {
			return err
		}
		if version != 0 && k.version(before) != version {
			return apperr.ConflictStale() // changed since the caller read it
		}
		if err := k.remove(tx, ctx, tenantID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks." + k.noun + "_delete", ObjectType: k.objectType,
			ObjectID: idText(id), Before: before.AuditView()})
	})
}

// SaveSystem creates (ID 0) or updates a system of the catalogue (IT admin).
func (s *Service) SaveSystem(ctx context.Context, tenantID int64, who *auth.Principal, sys *InfoSystem) error {
	return save(s, ctx, tenantID, who, systemKind, sys, func() int64 { return sys.ID })
}

// DeleteSystem removes a system no task names (IT admin); a Conflict
// (tasks.system_in_use) while a task uses it.
func (s *Service) DeleteSystem(ctx context.Context, tenantID int64, who *auth.Principal, id int64) error {
	return remove(s, ctx, tenantID, who, systemKind, id, 0)
}

// DeleteSystemAt is DeleteSystem of the system at version (the version
// the caller read; another is error.stale, nothing deleted).
func (s *Service) DeleteSystemAt(ctx context.Context, tenantID int64, who *auth.Principal, id, version int64) error {
	return remove(s, ctx, tenantID, who, systemKind, id, version)
}

// Places lists the places with their capabilities.
func (s *Service) Places(ctx context.Context, tenantID int64) ([]*WorkPlace, error) {
	return s.st.FindTaskPlaces(ctx, tenantID)
}

// Place is one place.
func (s *Service) Place(ctx context.Context, tenantID, id int64) (*WorkPlace, error) {
	return s.st.FindTaskPlace(ctx, tenantID, id)
}

// SavePlace creates (ID 0) or updates a place (IT admin).
func (s *Service) SavePlace(ctx context.Context, tenantID int64, who *auth.Principal, p *WorkPlace) error {
	return save(s, ctx, tenantID, who, placeKind, p, func() int64 { return p.ID })
}

// DeletePlace removes a place (IT admin).
func (s *Service) DeletePlace(ctx context.Context, tenantID int64, who *auth.Principal, id int64) error {
	return remove(s, ctx, tenantID, who, placeKind, id, 0)
}

// DeletePlaceAt is DeletePlace of the place at version.
func (s *Service) DeletePlaceAt(ctx context.Context, tenantID int64, who *auth.Principal, id, version int64) error {
	return remove(s, ctx, tenantID, who, placeKind, id, version)
}

// --- task sheets (所属長 owns, staff propose) ---

// access tells what who may do with unit's sheet: read it (its members,
// the 所属長 above it, HR and IT) and own it (the 所属長 of the unit or a
// unit above it, and HR).
func (s *Service) access(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) (read, own bool, err error) {
	_, a, err := s.accessTree(ctx, tenantID, who, unitID)
	return a != noAccess, a == owns, err
}

// accessTree is access with the unit tree it read.
func (s *Service) accessTree(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) (*org.Tree, accessLevel, error) {
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, noAccess, err
	}
	tr := org.NewTree(units)
	if tr.Unit(unitID) == nil {
		return nil, noAccess, apperr.NotFoundErr("unit")
	}
	return tr, sheetAccess(who, tr, unitID), nil
}

type accessLevel int

const (
	noAccess accessLevel = iota
	reads
	owns
)

// sheetAccess: the 所属長 of the unit or a unit above it, and HR, own the
// sheet; IT and the members of the unit (and of the units below it) read it.
func sheetAccess(who *auth.Principal, tr *org.Tree, unitID int64) accessLevel {
	switch {
	case who.Has(auth.HRAdmin) || (who.Has(auth.Supervisor) && who.UnitID != 0 && tr.IsWithin(unitID, who.UnitID)):
		return owns
	case who.Has(auth.ITAdmin) || (who.UnitID != 0 && tr.IsWithin(who.UnitID, unitID)):
		return reads
	}
	return noAccess
}

// Readable lists the units whose sheet who may read, in tree order (the
// pages offer only these).
func (s *Service) Readable(ctx context.Context, tenantID int64, who *auth.Principal) ([]org.Node, error) {
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	var out []org.Node
	for _, n := range tr.Flatten(false) {
		if sheetAccess(who, tr, n.Unit.ID) != noAccess {
			out = append(out, n)
		}
	}
	return out, nil
}

// CanOwn reports whether who owns unit's sheet (for the pages).
func (s *Service) CanOwn(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) bool {
	_, own, err := s.access(ctx, tenantID, who, unitID)
	return err == nil && own
}

// Sheet lists a unit's tasks.
func (s *Service) Sheet(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) ([]*SheetTask, error) {
	read, _, err := s.access(ctx, tenantID, who, unitID)
	if err != nil {
		return nil, err
	}
	if err := forbidUnless(read); err != nil {
		return nil, err
	}
	return s.st.FindSheetTasks(ctx, tenantID, unitID)
}

// Task is one task, for those who may read its sheet.
func (s *Service) Task(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*SheetTask, error) {
	t, err := s.st.FindSheetTask(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	read, _, err := s.access(ctx, tenantID, who, t.UnitID)
	if err != nil {
		return nil, err
	}
	if !read {
		return nil, apperr.NotFoundErr("task")
	}
	return t, nil
}

// checkSystems refuses system ids outside the tenant's catalogue.
func checkSystems(ctx context.Context, r Reader, tenantID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	all, err := r.FindInfoSystems(ctx, tenantID)
	if err != nil {
		return err
	}
	known := map[int64]bool{}
	for _, s := range all {
		known[s.ID] = true
	}
	for _, id := range ids {
		if !known[id] {
			var v apperr.Validation
			v.Add("systems", "tasks.field.unknown_system", map[string]any{"ID": id})
			return v.Err()
		}
	}
	return nil
}

// CreateTask adds a task to its unit's sheet: as the sheet's owner it is
// on the sheet at once; a member of the section proposes it.
func (s *Service) CreateTask(ctx context.Context, tenantID int64, who *auth.Principal, t *SheetTask) error {
	if err := t.Validate(); err != nil {
		return err
	}
	tr, a, err := s.accessTree(ctx, tenantID, who, t.UnitID)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			var v apperr.Validation
			v.Add("unit_id", "field.unit_unknown", nil)
			return v.Err()
		}
		return err
	}
	own := a == owns
	if err := forbidUnless(a != noAccess && (own || mayPropose(tr, who, t.UnitID))); err != nil {
		return err
	}
	t.Status, t.ProposedBy = Approved, 0
	if !own {
		t.Status, t.ProposedBy = Proposed, who.StaffID
	}
	return s.st.InTasksTx(ctx, func(tx Tx) error {
		// An import of the sheet running now plans with this task or
		// before it, not around it.
		if err := tx.LockTaskSheet(ctx, tenantID, t.UnitID); err != nil {
			return err
		}
		if err := checkRefs(ctx, tx, tenantID, t, nil); err != nil {
			return err
		}
		if err := tx.InsertSheetTask(ctx, tenantID, t, s.now()); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks.task_create", ObjectType: "sheet_task", ObjectID: idText(t.ID), After: t.AuditView()})
	})
}

// mayPropose: a proposal comes from a member of the section whose sheet
// it is — its unit, or a 係 directly under that 課 — not from IT (who
// reads every sheet) or from a 係 two levels below (a 部's sheet).
func mayPropose(tr *org.Tree, who *auth.Principal, unitID int64) bool {
	if who.StaffID == 0 || who.UnitID == 0 {
		return false
	}
	u := tr.Unit(who.UnitID)
	return who.UnitID == unitID || (u != nil && u.ParentID == unitID)
}

// checkRefs refuses systems outside the tenant's catalogue and an owner
// who is not one of its staff in service.
func checkRefs(ctx context.Context, r Reader, tenantID int64, t *SheetTask, before *SheetTask) error {
	if err := checkSystems(ctx, r, tenantID, t.SystemIDs); err != nil {
		return err
	}
	// The 担当 is checked when it is set or changed: one who moved to
	// another section since (人事異動) does not block the approval or an
	// edit of the task.
	if t.OwnerStaffID != 0 && (before == nil || before.OwnerStaffID != t.OwnerStaffID) {
		st, err := r.FindStaffByID(ctx, tenantID, t.OwnerStaffID)
		if apperr.CodeOf(err) == apperr.NotFound || (err == nil && st.Retired) {
			var v apperr.Validation
			v.Add("owner_staff_id", "field.staff_unknown", nil)
			return v.Err()
		}
		if err != nil {
			return err
		}
		// The 担当 is one of the section's people (of its unit or a unit
		// below it), not anyone in the tenant.
		units, err := r.FindUnits(ctx, tenantID)
		if err != nil {
			return err
		}
		if !org.NewTree(units).IsWithin(st.UnitID, t.UnitID) {
			var v apperr.Validation
			v.Add("owner_staff_id", "tasks.field.owner_outside", nil)
			return v.Err()
		}
	}
	return nil
}

// mayEdit: the owner of the sheet, or the proposer while it is proposed.
func mayEdit(who *auth.Principal, t *SheetTask, own bool) bool {
	return own || (t.Status == Proposed && who.StaffID != 0 && t.ProposedBy == who.StaffID)
}

// UpdateTask changes a task (its unit and status stay); t.Version must be
// the version read.
func (s *Service) UpdateTask(ctx context.Context, tenantID int64, who *auth.Principal, t *SheetTask) error {
	return s.changeTask(ctx, tenantID, who, t.ID, "tasks.task_update", func(before *SheetTask, own bool) (*SheetTask, error) {
		if !mayEdit(who, before, own) {
			return nil, apperr.Forbid()
		}
		t.UnitID, t.Status, t.ProposedBy = before.UnitID, before.Status, before.ProposedBy
		if err := t.Validate(); err != nil {
			return nil, err
		}
		return t, nil
	})
}

// ApproveTask puts a proposed task on the sheet (the sheet's owner).
func (s *Service) ApproveTask(ctx context.Context, tenantID int64, who *auth.Principal, id, version int64) error {
	return s.changeTask(ctx, tenantID, who, id, "tasks.task_approve", func(before *SheetTask, own bool) (*SheetTask, error) {
		if !own {
			return nil, apperr.Forbid()
		}
		if before.Status == Approved {
			return nil, nil
		}
		after := *before
		after.Status, after.Version = Approved, version
		return &after, nil
	})
}

// taskIn reads task id inside tx for who: NotFound unless who may read
// its sheet; own tells whether who owns that sheet.
func (s *Service) taskIn(ctx context.Context, tx Tx, tenantID int64, who *auth.Principal, id int64) (*SheetTask, bool, error) {
	t, err := tx.FindSheetTask(ctx, tenantID, id)
	if err != nil {
		return nil, false, err
	}
	read, own, err := s.access(ctx, tenantID, who, t.UnitID)
	if err != nil {
		return nil, false, err
	}
	if !read {
		return nil, false, apperr.NotFoundErr("task")
	}
	// Not between an import's reading of the sheet and its writes: the
	// write below then meets the import's versions (error.stale) instead
	// of failing the whole import.
	if err := tx.LockTaskSheet(ctx, tenantID, t.UnitID); err != nil {
		return nil, false, err
	}
	return t, own, nil
}

func (s *Service) changeTask(ctx context.Context, tenantID int64, who *auth.Principal, id int64, action string, change func(before *SheetTask, own bool) (*SheetTask, error)) error {
	return s.st.InTasksTx(ctx, func(tx Tx) error {
		before, own, err := s.taskIn(ctx, tx, tenantID, who, id)
		if err != nil {
			return err
		}
		after, err := change(before, own)
		if err != nil || after == nil {
			return err
		}
		if err := checkRefs(ctx, tx, tenantID, after, before); err != nil {
			return err
		}
		if err := tx.UpdateSheetTaskRow(ctx, tenantID, after, s.now()); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: action, ObjectType: "sheet_task", ObjectID: idText(id), Before: before.AuditView(), After: after.AuditView()})
	})
}

// DeleteTask removes a task (the owner, or the proposer of a proposal).
func (s *Service) DeleteTask(ctx context.Context, tenantID int64, who *auth.Principal, id int64) error {
	return s.DeleteTaskAt(ctx, tenantID, who, id, 0)
}

// DeleteTaskAt is DeleteTask of the task at version (0: as it is now).
func (s *Service) DeleteTaskAt(ctx context.Context, tenantID int64, who *auth.Principal, id, version int64) error {
	return s.st.InTasksTx(ctx, func(tx Tx) error {
		before, own, err := s.taskIn(ctx, tx, tenantID, who, id)
		if err != nil {
			return err
		}
		if version != 0 && before.Version != version {
			return apperr.ConflictStale()
		}
		if !mayEdit(who, before, own) {
			return apperr.Forbid()
		}
		if err := tx.DeleteSheetTask(ctx, tenantID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks.task_delete", ObjectType: "sheet_task", ObjectID: idText(id), Before: before.AuditView()})
	})
}

// --- rating ---

// Catalogue is the tenant's engine input as stored.
type Catalogue struct {
	Engine  *Engine
	Systems []*InfoSystem
	Places  []*WorkPlace
}

// Catalogue builds the engine over the tenant's systems and places.
func (s *Service) Catalogue(ctx context.Context, tenantID int64) (*Catalogue, error) {
	set, err := s.st.FindTaskSettings(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	sys, err := s.st.FindInfoSystems(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	pls, err := s.st.FindTaskPlaces(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	es := make([]System, len(sys))
	for i, x := range sys {
		es[i] = x.EngineSystem()
	}
	ep := make([]Place, len(pls))
	for i, x := range pls {
		ep[i] = x.EnginePlace()
	}
	return &Catalogue{Engine: NewEngine(Tenant{MyNumberAtBranchOffice: set.MyNumberAtBranchOffice, Devices: set.Devices}, es, ep), Systems: sys, Places: pls}, nil
}

// SheetRating is a unit's sheet rated, with its summary.
type SheetRating struct {
	Catalogue *Catalogue
	Tasks     []*SheetTask
	Rated     []Rated
	Summary   Summary
}

// RateSheet rates a unit's tasks (approved and proposed, so that a
// proposer sees the rating) and sums up the approved ones.
func (s *Service) RateSheet(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64) (*SheetRating, error) {
	ts, err := s.Sheet(ctx, tenantID, who, unitID)
	if err != nil {
		return nil, err
	}
	cat, err := s.Catalogue(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := &SheetRating{Catalogue: cat, Tasks: ts, Rated: make([]Rated, len(ts))}
	ets := make([]Task, len(ts))
	var approved []*Task
	for i, t := range ts {
		ets[i] = t.EngineTask()
		out.Rated[i] = cat.Engine.Rate(&ets[i])
		if t.Status == Approved {
			approved = append(approved, &ets[i])
		}
	}
	out.Summary = cat.Engine.Summarise(approved)
	return out, nil
}

// Ranking ranks the improvements over the whole tenant's approved tasks
// (HR and IT: the business case for the 予算要求).
func (s *Service) Ranking(ctx context.Context, tenantID int64, who *auth.Principal) ([]Ranked, *Catalogue, error) {
	if err := forbidUnless(who.HasAny(auth.HRAdmin, auth.ITAdmin)); err != nil {
		return nil, nil, err
	}
	ts, err := s.st.FindSheetTasks(ctx, tenantID, 0)
	if err != nil {
		return nil, nil, err
	}
	cat, err := s.Catalogue(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	ets := make([]Task, 0, len(ts))
	for _, t := range ts {
		if t.Status == Approved {
			ets = append(ets, t.EngineTask())
		}
	}
	sts := make([]SectionTask, 0, len(ets))
	i := 0
	for _, t := range ts {
		if t.Status == Approved {
			sts = append(sts, SectionTask{Section: t.UnitID, Task: &ets[i]})
			i++
		}
	}
	return cat.Engine.Rank(sts), cat, nil
}

// --- the applications' plan check ---

// CheckPlan tells, for each planned task the mode and place cannot carry,
// why: a Warning per reason that makes the task × there, an Info per
// reason that makes it only △ (e.g. the phone). place resolves as: "home"
// → home; "" → mobile when mode is mobile, home when mode is home; a
// number → the place of the inventory with that id; otherwise the place
// whose name equals it (spaces trimmed). A place the inventory does not
// know gives one Info finding and no rating (nothing is guessed). The
// application's place codes are understood too (home_equivalent as home,
// mobile as mobile). A task not on the inventory (deleted since it was
// picked, or another tenant's id) is a Warning, so that an application
// picked before a deletion can still be decided. unitID is the
// applicant's unit: a task on the sheet of a unit that is neither theirs
// nor above it is reported exactly as a missing one — the application
// must not become a way to read other sections' sheets by id.
func (s *Service) CheckPlan(ctx context.Context, tenantID, unitID int64, taskIDs []int64, mode policy.Mode, place string) ([]policy.Finding, error) {
	if len(taskIDs) == 0 {
		return nil, nil
	}
	cat, err := s.Catalogue(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	mode, place = planPlaceCode(mode, place)
	tg, where, ok := resolveTarget(cat, mode, place)
	if !ok {
		key := "tasks.plan.unknown_place"
		if place == policy.PlaceSatellite {
			key = "tasks.plan.unnamed_place" // a satellite office not named on the application
		}
		return []policy.Finding{{Rule: "tasks.feasibility", Severity: policy.Info, Key: key, Args: map[string]any{"Place": place}}}, nil
	}
	var out []policy.Finding
	for _, id := range taskIDs {
		t, err := s.st.FindSheetTask(ctx, tenantID, id)
		if apperr.CodeOf(err) == apperr.NotFound || err == nil && !tr.IsWithin(unitID, t.UnitID) {
			out = append(out, missingTask(id))
			continue
		}
		if err != nil {
			return nil, err
		}
		if t.Status != Approved {
			// A proposal is not on the sheet yet (the form lists approved
			// tasks only): the approver is told, not shown it as planned.
			out = append(out, policy.Finding{Rule: "tasks.feasibility", Severity: policy.Warning, Key: "tasks.plan.proposed", Args: map[string]any{"Task": t.Name}})
			continue
		}
		et := t.EngineTask()
		res := cat.Engine.RateAt(&et, tg)
		for _, n := range res.Reasons {
			sev := policy.Warning
			if n.Rating != No {
				sev = policy.Info
			}
			args := map[string]any{"Task": t.Name, "Where": where}
			for k, v := range n.Args {
				args[k] = v
			}
			out = append(out, policy.Finding{Rule: "tasks.feasibility", Severity: sev,
				Key: "tasks.plan." + strings.TrimPrefix(n.Key, "tasks.reason."), Args: args})
		}
	}
	return out, nil
}

// resolveTarget finds where the plan is rated, and how to name it.
func resolveTarget(cat *Catalogue, mode policy.Mode, place string) (Target, string, bool) {
	place = strings.TrimSpace(place)
	switch {
	case place == "home" || (place == "" && mode == policy.Home):
		return Target{Kind: AtHome}, "@tasks.route.home", true
	case place == "" && mode == policy.Mobile:
		return Target{Kind: AtMobile}, "@tasks.route.mobile", true
	case place == "":
		return Target{}, "", false
	}
	id, _ := strconv.ParseInt(place, 10, 64)
	for i, p := range cat.Places {
		if p.ID == id || p.Name == place {
			tgs := cat.Engine.Targets()
			return tgs[2+i], p.Name, true
		}
	}
	return Target{}, "", false
}
