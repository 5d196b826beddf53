package org

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// Store is what the org service reads and the transaction it runs;
// internal/store implements it.
type Store interface {
	InOrgTx(ctx context.Context, fn func(Tx) error) error
	FindTenants(ctx context.Context) ([]*Tenant, error)
	FindTenantByID(ctx context.Context, id int64) (*Tenant, error)
	FindTenantBySlug(ctx context.Context, slug string) (*Tenant, error)
	TenantCounts(ctx context.Context, tenantID int64) (staff, users int, err error)
	FindUnitByID(ctx context.Context, tenantID, id int64) (*Unit, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*Unit, error)
	FindUnitHistory(ctx context.Context, tenantID, unitID int64) ([]*UnitChange, error)
	FindStaffByID(ctx context.Context, tenantID, id int64) (*Staff, error)
	FindStaffByNo(ctx context.Context, tenantID int64, staffNo string) (*Staff, error)
	FindStaff(ctx context.Context, tenantID int64, f StaffFilter) ([]*Staff, int, error)
	FindStaffHistory(ctx context.Context, tenantID, staffID int64) ([]*StaffChange, error)
}

// Tx is what one org action writes, all in one transaction. Every method
// runs SQL only; the rules are the service's.
type Tx interface {
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error

	InsertTenant(ctx context.Context, t *Tenant) error
	FindTenantByID(ctx context.Context, id int64) (*Tenant, error)
	UpdateTenantRow(ctx context.Context, t *Tenant, expectVersion int64) error
	InsertUser(ctx context.Context, tenantID int64, u *auth.User) error
	InsertPolicyVersionJSON(ctx context.Context, tenantID int64, effective calendar.Date, body []byte, note, createdBy string) (int64, error)

	// LockUnit reads a unit and locks its row until the transaction ends:
	// exclusive for a change of the unit itself, shared while staff are
	// put into it (so a unit cannot be retired under a concurrent move).
	LockUnit(ctx context.Context, tenantID, id int64, exclusive bool) (*Unit, error)
	InsertUnit(ctx context.Context, tenantID int64, u *Unit) error
	UpdateUnitRow(ctx context.Context, tenantID int64, u *Unit, expectVersion int64) error
	// RetireEmptyUnit retires the unit in one conditional statement when
	// its version matches and it has no current staff and no open child
	// unit; it reports whether it did.
	RetireEmptyUnit(ctx context.Context, tenantID, id, expectVersion int64) (bool, error)
	CountUnitMembers(ctx context.Context, tenantID, id int64) (staff, units int, err error)
	InsertUnitHistory(ctx context.Context, tenantID int64, c *UnitChange) error

	FindStaffByID(ctx context.Context, tenantID, id int64) (*Staff, error)
	InsertStaff(ctx context.Context, tenantID int64, s *Staff) error
	UpdateStaffRow(ctx context.Context, tenantID int64, s *Staff, expectVersion int64) error
	SetStaffRetiredRow(ctx context.Context, tenantID, id, expectVersion int64, retired bool) error
	// DisableStaffAccounts disables the person's accounts and ends their
	// sessions (a person who left can no longer sign in).
	DisableStaffAccounts(ctx context.Context, tenantID, staffID int64) error
	// RevokeStaffAPITokens revokes the API tokens of the person's accounts
	// and returns their ids (a token must not outlive the account).
	RevokeStaffAPITokens(ctx context.Context, tenantID, staffID int64) ([]int64, error)
	InsertStaffHistory(ctx context.Context, tenantID int64, c *StaffChange) error

	// InsertScheduledChange stores a change to apply on its date (ID,
	// Status pending and CreatedAt set on return).
	InsertScheduledChange(ctx context.Context, tenantID int64, c *ScheduledChange) error
}

// PolicyTemplates gives a new tenant its first telework policy. The policy
// package implements it; org cannot import policy (policy reads org).
type PolicyTemplates interface {
	// FirstVersion returns the template's policy as JSON and a note for
	// the version, or false when no template has that name.
	FirstVersion(name string) (body []byte, note string, ok bool)
}

// Service holds the org workflows: tenants with their first account and
// policy, the unit tree and staff records. Each method checks the rules,
// opens the one transaction of the action and writes its audit entry.
type Service struct {
	st        Store
	now       func() time.Time
	templates PolicyTemplates
	// Changed is told of every change of staff or units made here.
	Changed ChangeHook
}

// NewService returns the service over st; now is the clock (tests move it).
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}

// SetPolicyTemplates lets tenant creation start from a 第6章 template.
func (s *Service) SetPolicyTemplates(t PolicyTemplates) { s.templates = t }

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

// --- tenants ---

// NewTenant is what the operator gives to create a 団体.
type NewTenant struct {
	Tenant Tenant
	// AdminLogin, when set, creates the first HR account with a one-time
	// temporary password.
	AdminLogin string
	// PolicyTemplate, when set, names the 第6章 template of the first
	// policy version, in force from today.
	PolicyTemplate string
}

// TenantCreated is the outcome: the temporary password is shown once.
type TenantCreated struct {
	Tenant       *Tenant
	AdminLogin   string
	TempPassword string
}

// CreateTenant creates the tenant, its first HR account and its first
// policy version in ONE transaction: a failure leaves nothing behind. The
// change opens the tenant's own audit chain and is also recorded in the
// instance chain (tenant 0).
func (s *Service) CreateTenant(ctx context.Context, actor audit.Actor, in NewTenant) (*TenantCreated, error) {
	t := in.Tenant
	var v apperr.Validation
	if in.AdminLogin != "" && !auth.ValidLogin(in.AdminLogin) {
		v.Add("admin_login", "field.login_format", nil)
	}
	var body []byte
	var note string
	if in.PolicyTemplate != "" {
		ok := false
		if s.templates != nil {
			body, note, ok = s.templates.FirstVersion(in.PolicyTemplate)
		}
		if !ok {
			v.Add("policy_template", "field.choice", nil)
		}
	}
	if err := apperr.Merge(v.Err(), t.Validate()); err != nil {
		return nil, err
	}
	out := &TenantCreated{Tenant: &t, AdminLogin: in.AdminLogin}
	var admin *auth.User
	if in.AdminLogin != "" {
		out.TempPassword = auth.RandomPassword()
		hash, err := auth.HashPassword(out.TempPassword)
		if err != nil {
			return nil, err
		}
		admin = &auth.User{LoginID: in.AdminLogin, PasswordHash: hash, Granted: []auth.Role{auth.HRAdmin}, MustChange: true}
	}
	err := s.st.InOrgTx(ctx, func(tx Tx) error {
		t.CreatedAt, t.Version = s.now().UTC(), 1
		if err := tx.InsertTenant(ctx, &t); err != nil {
			return fieldTaken(err, "slug")
		}
		c := audit.Change{Action: "tenant.create", ObjectType: "tenant", ObjectID: itoa(t.ID), After: t}
		if err := tx.Audit(ctx, 0, actor, c); err != nil {
			return err
		}
		if err := tx.Audit(ctx, t.ID, actor, c); err != nil {
			return err
		}
		if admin != nil {
			if err := tx.InsertUser(ctx, t.ID, admin); err != nil {
				return err
			}
			if err := tx.Audit(ctx, t.ID, actor, audit.Change{Action: "user.create", ObjectType: "user",
				ObjectID: itoa(admin.ID), After: admin.AuditView()}); err != nil {
				return err
			}
		}
		if body != nil {
			eff := s.today()
			id, err := tx.InsertPolicyVersionJSON(ctx, t.ID, eff, body, note, actor.Label)
			if err != nil {
				return err
			}
			return tx.Audit(ctx, t.ID, actor, audit.Change{Action: "policy.save", ObjectType: "policy_version",
				ObjectID: itoa(id), After: map[string]any{"effective_from": eff.String(), "note": note, "template": in.PolicyTemplate}})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TenantUpdate changes a tenant's name, kind and sizes; nil fields stay.
// The slug never changes: it is in every sign-in URL.
type TenantUpdate struct {
	Name              *string
	Kind              *TenantKind
	StaffSize         *int
	GeneralAdminStaff *int
	ExpectVersion     int64
}

// UpdateTenant applies upd if the tenant's version is still
// upd.ExpectVersion (optimistic locking in the UPDATE itself).
func (s *Service) UpdateTenant(ctx context.Context, actor audit.Actor, id int64, upd TenantUpdate) (*Tenant, error) {
	var after *Tenant
	err := s.st.InOrgTx(ctx, func(tx Tx) error {
		before, err := tx.FindTenantByID(ctx, id)
		if err != nil {
			return err
		}
		if before.Version != upd.ExpectVersion {
			return apperr.ConflictStale()
		}
		t := *before
		setIf(&t.Name, upd.Name)
		setIf(&t.Kind, upd.Kind)
		setIf(&t.StaffSize, upd.StaffSize)
		setIf(&t.GeneralAdminStaff, upd.GeneralAdminStaff)
		if err := t.Validate(); err != nil {
			return err
		}
		if t == *before {
			after = before // nothing changed: nothing written
			return nil
		}
		if err := tx.UpdateTenantRow(ctx, &t, before.Version); err != nil {
			return err
		}
		t.Version = before.Version + 1
		after = &t
		c := audit.Change{Action: "tenant.update", ObjectType: "tenant", ObjectID: itoa(id), Before: before, After: t}
		if err := tx.Audit(ctx, 0, actor, c); err != nil {
			return err
		}
		return tx.Audit(ctx, id, actor, c)
	})
	return after, err
}

// Tenants lists every tenant (operator).
func (s *Service) Tenants(ctx context.Context) ([]*Tenant, error) { return s.st.FindTenants(ctx) }

// TenantByID returns one tenant or NotFound.
func (s *Service) TenantByID(ctx context.Context, id int64) (*Tenant, error) {
	return s.st.FindTenantByID(ctx, id)
}

// TenantBySlug returns one tenant or NotFound.
func (s *Service) TenantBySlug(ctx context.Context, slug string) (*Tenant, error) {
	return s.st.FindTenantBySlug(ctx, slug)
}

// TenantCounts gives the operator the current staff and accounts of a tenant.
func (s *Service) TenantCounts(ctx context.Context, tenantID int64) (staff, users int, err error) {
	return s.st.TenantCounts(ctx, tenantID)
}

// --- units ---

// CreateUnit adds a unit under u.ParentID (0 = top level), effective on
// the given date (today when zero). The parent must exist and be open.
func (s *Service) CreateUnit(ctx context.Context, tenantID int64, actor audit.Actor, u *Unit, effective calendar.Date) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.st.InOrgTx(ctx, func(tx Tx) error {
		return UnitWriter{Tx: tx, Now: s.now}.Create(ctx, tenantID, actor, u, effective)
	})
}

// UnitUpdate renames, moves or reorders a unit; nil fields stay as they
// are. Effective dates the change in the unit's history (today when zero).
type UnitUpdate struct {
	Name, Level, Code *string
	ParentID          *int64
	SortOrder         *int
	Effective         calendar.Date
	ExpectVersion     int64
}

// UpdateUnit applies upd, recording a rename and a move in the unit's
// history. A move under the unit itself or one of its descendants, or
// under a closed unit, is refused. A change dated after today is checked
// against the tree as it is and stored as a scheduled change, applied on
// its date by the daily job (the unit returned is then the unit as it
// still is; ScheduleUnitUpdate returns the scheduled change).
func (s *Service) UpdateUnit(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd UnitUpdate) (*Unit, error) {
	if upd.Effective.After(s.today()) {
		_, before, err := s.ScheduleUnitUpdate(ctx, tenantID, actor, id, upd, "")
		if err != nil {
			return nil, err
		}
		return before, nil
	}
	var after *Unit
	err := s.st.InOrgTx(ctx, func(tx Tx) error {
		var err error
		after, err = UnitWriter{Tx: tx, Now: s.now}.Update(ctx, tenantID, actor, id, upd)
		return err
	})
	return after, s.Changed.After(ctx, tenantID, err)
}

// ScheduleUnitUpdate stores upd, dated after today, as a change the daily
// job applies on upd.Effective, with its audit entry ("unit.schedule").
// The change is checked now against the tree as it is (fields, the new
// parent open and not below the unit) and again on its date. It returns
// the scheduled change (nil when upd changes nothing) and the unit as it
// is.
func (s *Service) ScheduleUnitUpdate(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd UnitUpdate, source string) (*ScheduledChange, *Unit, error) {
	if !upd.Effective.After(s.today()) {
		return nil, nil, fieldErr("effective_date", "field.date_future")
	}
	var sc *ScheduledChange
	var unit *Unit
	err := s.st.InOrgTx(ctx, func(tx Tx) error {
		before, a, err := checkUnitUpdate(ctx, tx, tenantID, id, upd)
		unit = before
		if err != nil || a == nil {
			return err
		}
		var lines []ChangeLine
		line := func(field, b, a string) {
			if b != a {
				lines = append(lines, ChangeLine{Field: field, Before: b, After: a})
			}
		}
		line("unit_name", before.Name, a.Name)
		line("level", before.Level, a.Level)
		line("code", before.Code, a.Code)
		if a.ParentID != before.ParentID {
			name := func(pid int64) string {
				if pid == 0 {
					return ""
				}
				if pu, err := tx.LockUnit(ctx, tenantID, pid, false); err == nil {
					return pu.Name
				}
				return ""
			}
			line("parent_id", name(before.ParentID), name(a.ParentID))
		}
		if a.SortOrder != before.SortOrder {
			line("sort_order", strconv.Itoa(before.SortOrder), strconv.Itoa(a.SortOrder))
		}
		body := &UnitBody{Name: upd.Name, Level: upd.Level, Code: upd.Code, ParentID: upd.ParentID, SortOrder: upd.SortOrder}
		sc = &ScheduledChange{Kind: ScheduledUnitUpdate, UnitID: id, StaffNo: before.Code, Name: before.Name,
			Effective: upd.Effective, Body: ScheduledBody{Unit: body, ActorID: actor.ID}, Changes: lines, Source: source,
			CreatedAt: s.now().UTC(), CreatedBy: actor.Label}
		if err := tx.InsertScheduledChange(ctx, tenantID, sc); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "unit.schedule", ObjectType: "scheduled_change",
			ObjectID: itoa(sc.ID), After: sc.AuditView()})
	})
	return sc, unit, err
}

// checkUnitUpdate reads and locks the unit and checks upd against the
// tree as it is: it returns the unit and the unit after upd, or nil after
// when upd changes nothing.
func checkUnitUpdate(ctx context.Context, tx Tx, tenantID, id int64, upd UnitUpdate) (before, after *Unit, err error) {
	before, err = tx.LockUnit(ctx, tenantID, id, true)
	if err != nil {
		return nil, nil, err
	}
	if before.Version != upd.ExpectVersion {
		return before, nil, apperr.ConflictStale()
	}
	a := *before
	setIf(&a.Name, upd.Name)
	setIf(&a.Level, upd.Level)
	setIf(&a.Code, upd.Code)
	setIf(&a.ParentID, upd.ParentID)
	setIf(&a.SortOrder, upd.SortOrder)
	if err := a.Validate(); err != nil {
		return before, nil, err
	}
	if a.Name == before.Name && a.Level == before.Level && a.Code == before.Code && a.ParentID == before.ParentID && a.SortOrder == before.SortOrder {
		return before, nil, nil // nothing changed: nothing written
	}
	if a.ParentID != before.ParentID && a.ParentID != 0 {
		// Walk up from the new parent: meeting the unit itself is a cycle.
		for p, first := a.ParentID, true; p != 0; first = false {
			if p == id {
				return before, nil, fieldErr("parent_id", "field.unit_cycle")
			}
			pu, err := tx.LockUnit(ctx, tenantID, p, false)
			if err != nil {
				return before, nil, unknownField(err, "parent_id", "field.unit_unknown")
			}
			if first && pu.Retired {
				return before, nil, fieldErr("parent_id", "field.unit_retired")
			}
			p = pu.ParentID
		}
	}
	return before, &a, nil
}

// RetireUnit closes a unit that has no current staff and no open child
// unit. The check and the change are one conditional statement, and staff
// moving in hold a shared lock on the unit, so a concurrent move cannot
// slip a person into a closed unit.
func (s *Service) RetireUnit(ctx context.Context, tenantID int64, actor audit.Actor, id, expectVersion int64, effective calendar.Date) error {
	return s.Changed.After(ctx, tenantID, s.st.InOrgTx(ctx, func(tx Tx) error {
		return UnitWriter{Tx: tx, Now: s.now}.Retire(ctx, tenantID, actor, id, expectVersion, effective)
	}))
}

// UnitByID returns one unit or NotFound.
func (s *Service) UnitByID(ctx context.Context, tenantID, id int64) (*Unit, error) {
	return s.st.FindUnitByID(ctx, tenantID, id)
}

// Units lists every unit of the tenant in tree order.
func (s *Service) Units(ctx context.Context, tenantID int64) ([]*Unit, error) {
	return s.st.FindUnits(ctx, tenantID)
}

// Tree is the tenant's organisation tree.
func (s *Service) Tree(ctx context.Context, tenantID int64) (*Tree, error) {
	us, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return NewTree(us), nil
}

// UnitHistory lists a unit's changes, newest first.
func (s *Service) UnitHistory(ctx context.Context, tenantID, unitID int64) ([]*UnitChange, error) {
	return s.st.FindUnitHistory(ctx, tenantID, unitID)
}

// --- staff ---

// CreateStaff registers a person in an open unit, effective on the given
// date (today when zero).
func (s *Service) CreateStaff(ctx context.Context, tenantID int64, actor audit.Actor, st *Staff, effective calendar.Date) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.st.InOrgTx(ctx, func(tx Tx) error {
		return s.CreateStaffIn(ctx, tx, tenantID, actor, st, effective)
	})
}

// CreateStaffMany registers many people in one transaction: all or none.
func (s *Service) CreateStaffMany(ctx context.Context, tenantID int64, actor audit.Actor, list []*Staff, effective calendar.Date) error {
	for _, st := range list {
		if err := st.Validate(); err != nil {
			return fmt.Errorf("%s: %w", st.StaffNo, err)
		}
	}
	return s.st.InOrgTx(ctx, func(tx Tx) error {
		for _, st := range list {
			if err := s.CreateStaffIn(ctx, tx, tenantID, actor, st, effective); err != nil {
				return fmt.Errorf("%s: %w", st.StaffNo, err)
			}
		}
		return nil
	})
}

// CreateStaffIn is CreateStaff inside a transaction the caller runs. st
// is already validated.
func (s *Service) CreateStaffIn(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, st *Staff, effective calendar.Date) error {
	return StaffWriter{Tx: tx, Now: s.now}.Create(ctx, tenantID, actor, st, effective)
}

// StaffWriter writes staff changes inside a transaction its caller runs
// (the staff import applies a whole file in one), with the rules, history
// and audit entries of the Service's own methods.
type StaffWriter struct {
	Tx  Tx
	Now func() time.Time
}

// Create registers a validated person in an open unit.
func (w StaffWriter) Create(ctx context.Context, tenantID int64, actor audit.Actor, st *Staff, effective calendar.Date) error {
	tx := w.Tx
	unit, err := openUnit(ctx, tx, tenantID, st.UnitID)
	if err != nil {
		return err
	}
	st.TenantID, st.Version, st.Retired, st.UnitName, st.UpdatedAt = tenantID, 1, false, unit.Name, w.Now().UTC()
	if err := tx.InsertStaff(ctx, tenantID, st); err != nil {
		return fieldTaken(err, "staff_no")
	}
	if err := tx.InsertStaffHistory(ctx, tenantID, StaffHistory(actor, nil, st, effective, w.Now())); err != nil {
		return err
	}
	return tx.Audit(ctx, tenantID, actor, StaffCreated(st))
}

// openUnit locks the unit a person is put into (shared) and refuses a
// closed or unknown one.
func openUnit(ctx context.Context, tx Tx, tenantID, unitID int64) (*Unit, error) {
	unit, err := tx.LockUnit(ctx, tenantID, unitID, false)
	if err != nil {
		return nil, unknownField(err, "unit_id", "field.unit_unknown")
	}
	if unit.Retired {
		return nil, fieldErr("unit_id", "field.unit_retired")
	}
	return unit, nil
}

// StaffHistory is the history entry of a new record (before nil), a move
// or a new title, effective on the given date (the day of now when zero).
func StaffHistory(actor audit.Actor, before, after *Staff, effective calendar.Date, now time.Time) *StaffChange {
	if effective.IsZero() {
		effective = calendar.DateOf(now)
	}
	c := &StaffChange{StaffID: after.ID, EffectiveDate: effective, ChangedAt: now.UTC(), ActorLabel: actor.Label,
		NewUnitID: after.UnitID, NewTitle: after.Title}
	if before != nil {
		c.OldUnitID, c.OldTitle = before.UnitID, before.Title
	}
	return c
}

// StaffCreated is the audit entry of a new staff record.
func StaffCreated(st *Staff) audit.Change {
	return audit.Change{Action: "staff.create", ObjectType: "staff", ObjectID: itoa(st.ID), After: st.AuditView()}
}

// StaffUpdated is the audit entry of a changed staff record.
func StaffUpdated(before, after *Staff) audit.Change {
	return audit.Change{Action: "staff.update", ObjectType: "staff", ObjectID: itoa(after.ID), Before: before.AuditView(), After: after.AuditView()}
}

// StaffRetired is the audit entry of a retirement (退職) or a
// reinstatement, as after.Retired says.
func StaffRetired(before, after *Staff) audit.Change {
	action := "staff.retire"
	if !after.Retired {
		action = "staff.reinstate"
	}
	return audit.Change{Action: action, ObjectType: "staff", ObjectID: itoa(after.ID), Before: before.AuditView(), After: after.AuditView()}
}

// StaffUpdate changes a staff record; nil fields stay as they are.
// Sensitive, when set, replaces the opt-in attributes (a nil inner value
// withdraws consent and erases them). Retired retires or reinstates the
// person in the same transaction. Effective dates a move or a new title
// (人事異動 on 4月1日; today when zero).
type StaffUpdate struct {
	StaffNo, Name, Kana, Email, Title, JobType *string
	UnitID                                     *int64
	Rank                                       *Rank
	IsSupervisor                               *bool
	Employment                                 *Employment
	Sensitive                                  **Sensitive
	Retired                                    *bool
	Effective                                  calendar.Date
	ExpectVersion                              int64
}

// FullUpdate sets every field of a form or file that carries the whole
// record, at the record's version.
func FullUpdate(st *Staff, eff calendar.Date) StaffUpdate {
	sens := st.Sensitive
	return StaffUpdate{StaffNo: &st.StaffNo, Name: &st.Name, Kana: &st.Kana, Email: &st.Email, Title: &st.Title,
		JobType: &st.JobType, UnitID: &st.UnitID, Rank: &st.Rank, IsSupervisor: &st.IsSupervisor, Employment: &st.Employment,
		Sensitive: &sens, Effective: eff, ExpectVersion: st.Version}
}

// Apply returns cur with the update's fields set.
func (u StaffUpdate) Apply(cur Staff) Staff {
	setIf(&cur.StaffNo, u.StaffNo)
	setIf(&cur.Name, u.Name)
	setIf(&cur.Kana, u.Kana)
	setIf(&cur.Email, u.Email)
	setIf(&cur.Title, u.Title)
	setIf(&cur.JobType, u.JobType)
	setIf(&cur.UnitID, u.UnitID)
	setIf(&cur.Rank, u.Rank)
	setIf(&cur.IsSupervisor, u.IsSupervisor)
	setIf(&cur.Employment, u.Employment)
	setIf(&cur.Sensitive, u.Sensitive)
	return cur
}

// UpdateStaff applies upd in one transaction: the fields, a move (only
// into an open unit, recorded in the history with its date) and a
// retirement, each with its audit entry. Nothing is written when any part
// fails.
//
// A change dated after today (a transfer entered in March for 1 April) is
// checked now and stored as a scheduled change, applied on its date by the
// daily job; the record returned is the record as it still is.
func (s *Service) UpdateStaff(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd StaffUpdate) (*Staff, error) {
	if upd.Effective.After(s.today()) {
		_, before, err := s.ScheduleStaffUpdate(ctx, tenantID, actor, id, upd, "")
		return before, err
	}
	var after *Staff
	err := s.st.InOrgTx(ctx, func(tx Tx) error {
		var err error
		after, err = s.UpdateStaffIn(ctx, tx, tenantID, actor, id, upd)
		return err
	})
	return after, s.Changed.After(ctx, tenantID, err)
}

// ScheduleStaffUpdate stores upd, dated after today, as a change the daily
// job applies on upd.Effective (through StaffWriter, so the rules are those
// of that day), with its audit entry ("staff.schedule"). The change is
// checked against the record and the tree as they are now; only the fields
// it changes are applied on the day, so edits made in between are kept.
func (s *Service) ScheduleStaffUpdate(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd StaffUpdate, source string) (*ScheduledChange, *Staff, error) {
	if !upd.Effective.After(s.today()) {
		return nil, nil, fieldErr("effective_date", "field.date_future")
	}
	var sc *ScheduledChange
	var cur *Staff
	err := s.st.InOrgTx(ctx, func(tx Tx) error {
		before, err := tx.FindStaffByID(ctx, tenantID, id)
		if err != nil {
			return err
		}
		cur = before
		if before.Version != upd.ExpectVersion {
			return apperr.ConflictStale()
		}
		a := upd.Apply(*before)
		if err := a.Validate(); err != nil {
			return err
		}
		unitName := before.UnitName
		if a.UnitID != before.UnitID {
			unit, err := openUnit(ctx, tx, tenantID, a.UnitID)
			if err != nil {
				return err
			}
			unitName = unit.Name
		}
		fields := ChangedFields(before, &a)
		var retired *bool
		if upd.Retired != nil && *upd.Retired != before.Retired {
			retired = upd.Retired
		}
		if len(fields) == 0 && retired == nil {
			return nil // nothing changes: nothing scheduled
		}
		var lines []ChangeLine
		for _, f := range fields {
			l := ChangeLine{Field: f}
			switch f {
			case FieldStaffNo:
				l.Before, l.After = before.StaffNo, a.StaffNo
			case FieldName:
				l.Before, l.After = before.Name, a.Name
			case FieldKana:
				l.Before, l.After = before.Kana, a.Kana
			case FieldEmail:
				l.Before, l.After = before.Email, a.Email
			case FieldUnit:
				l.Before, l.After = before.UnitName, unitName
			case FieldTitle:
				l.Before, l.After = before.Title, a.Title
			case FieldRank:
				l.Before, l.After = string(before.Rank), string(a.Rank)
			case FieldIsSupervisor:
				l.Before, l.After = strconv.FormatBool(before.IsSupervisor), strconv.FormatBool(a.IsSupervisor)
			case FieldEmployment:
				l.Before, l.After = string(before.Employment), string(a.Employment)
			case FieldJobType:
				l.Before, l.After = before.JobType, a.JobType
			case FieldSensitive:
				l.Sensitive = true
			}
			lines = append(lines, l)
		}
		if retired != nil {
			lines = append(lines, ChangeLine{Field: "retired", Before: strconv.FormatBool(before.Retired), After: strconv.FormatBool(*retired)})
		}
		body := ScheduledBody{Retired: retired, ActorID: actor.ID}
		if len(fields) > 0 {
			body.Staff, body.Fields = &a, fields
		}
		if source == "" {
			source = "form"
		}
		sc = &ScheduledChange{Kind: ScheduledStaffUpdate, StaffID: id, StaffNo: before.StaffNo, Name: before.Name,
			Effective: upd.Effective, Body: body, Changes: lines, Source: source, CreatedAt: s.now().UTC(), CreatedBy: actor.Label}
		if err := tx.InsertScheduledChange(ctx, tenantID, sc); err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "staff.schedule", ObjectType: "scheduled_change",
			ObjectID: itoa(sc.ID), After: sc.AuditView()})
	})
	return sc, cur, err
}

// UpdateStaffIn is UpdateStaff inside a transaction the caller runs.
func (s *Service) UpdateStaffIn(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, id int64, upd StaffUpdate) (*Staff, error) {
	return StaffWriter{Tx: tx, Now: s.now}.Update(ctx, tenantID, actor, id, upd)
}

// Update applies upd: the fields, a move (only into an open unit, recorded
// in the history with its date) and a retirement, each with its audit
// entry; a save that changes nothing writes nothing.
func (w StaffWriter) Update(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd StaffUpdate) (*Staff, error) {
	tx := w.Tx
	before, err := tx.FindStaffByID(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if before.Version != upd.ExpectVersion {
		return nil, apperr.ConflictStale()
	}
	a := upd.Apply(*before)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	version := before.Version
	if changed(before, &a) {
		unitName := before.UnitName
		if a.UnitID != before.UnitID {
			unit, err := openUnit(ctx, tx, tenantID, a.UnitID)
			if err != nil {
				return nil, err
			}
			unitName = unit.Name
		}
		if err := tx.UpdateStaffRow(ctx, tenantID, &a, version); err != nil {
			return nil, fieldTaken(err, "staff_no")
		}
		version++
		a.Version, a.UnitName, a.UpdatedAt = version, unitName, w.Now().UTC()
		if before.UnitID != a.UnitID || before.Title != a.Title {
			if err := tx.InsertStaffHistory(ctx, tenantID, StaffHistory(actor, before, &a, upd.Effective, w.Now())); err != nil {
				return nil, err
			}
		}
		if err := tx.Audit(ctx, tenantID, actor, StaffUpdated(before, &a)); err != nil {
			return nil, err
		}
	}
	if upd.Retired != nil && *upd.Retired != before.Retired {
		cur := a
		if !*upd.Retired {
			// Reinstated into a unit that has closed meanwhile: HR moves
			// the person first.
			if _, err := openUnit(ctx, tx, tenantID, cur.UnitID); err != nil {
				return nil, err
			}
		}
		if err := setRetired(ctx, tx, tenantID, actor, &cur, *upd.Retired); err != nil {
			return nil, err
		}
		a = cur
	}
	return &a, nil
}

// changed reports whether a stored field differs (a save that changes
// nothing writes nothing).
func changed(a, b *Staff) bool {
	return a.StaffNo != b.StaffNo || a.Name != b.Name || a.Kana != b.Kana || a.Email != b.Email || a.UnitID != b.UnitID ||
		a.Title != b.Title || a.Rank != b.Rank || a.IsSupervisor != b.IsSupervisor || a.Employment != b.Employment ||
		a.JobType != b.JobType || a.AuditView().Sensitive != b.AuditView().Sensitive
}

// RetireStaff marks a person as having left (退職), which disables their
// accounts and ends their sessions, or brings them back. Staff are never
// deleted: their history and audit trail stay.
func (s *Service) RetireStaff(ctx context.Context, tenantID int64, actor audit.Actor, id, expectVersion int64, retired bool) error {
	return s.Changed.After(ctx, tenantID, s.retireStaff(ctx, tenantID, actor, id, expectVersion, retired))
}

func (s *Service) retireStaff(ctx context.Context, tenantID int64, actor audit.Actor, id, expectVersion int64, retired bool) error {
	return s.st.InOrgTx(ctx, func(tx Tx) error {
		before, err := tx.FindStaffByID(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if before.Version != expectVersion {
			return apperr.ConflictStale()
		}
		if before.Retired == retired {
			return nil
		}
		r := retired
		_, err = StaffWriter{Tx: tx, Now: s.now}.Update(ctx, tenantID, actor, id, StaffUpdate{Retired: &r, ExpectVersion: expectVersion})
		return err
	})
}

func setRetired(ctx context.Context, tx Tx, tenantID int64, actor audit.Actor, cur *Staff, retired bool) error {
	before := *cur
	if err := tx.SetStaffRetiredRow(ctx, tenantID, cur.ID, cur.Version, retired); err != nil {
		return err
	}
	if retired {
		if err := tx.DisableStaffAccounts(ctx, tenantID, cur.ID); err != nil {
			return err
		}
		if ids, err := tx.RevokeStaffAPITokens(ctx, tenantID, cur.ID); err != nil {
			return err
		} else if len(ids) > 0 {
			if err := tx.Audit(ctx, tenantID, actor, audit.Change{Action: "token.revoke_all", ObjectType: "staff",
				ObjectID: itoa(cur.ID), After: map[string]any{"revoked_tokens": ids, "reason": "staff.retire"}}); err != nil {
				return err
			}
		}
	}
	cur.Retired, cur.Version = retired, cur.Version+1
	return tx.Audit(ctx, tenantID, actor, StaffRetired(&before, cur))
}

// StaffByID returns one staff record or NotFound.
func (s *Service) StaffByID(ctx context.Context, tenantID, id int64) (*Staff, error) {
	return s.st.FindStaffByID(ctx, tenantID, id)
}

// StaffByNo returns a staff record by 職員番号 or NotFound.
func (s *Service) StaffByNo(ctx context.Context, tenantID int64, staffNo string) (*Staff, error) {
	return s.st.FindStaffByNo(ctx, tenantID, staffNo)
}

// FindStaff searches staff: one page and the total.
func (s *Service) FindStaff(ctx context.Context, tenantID int64, f StaffFilter) ([]*Staff, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	return s.st.FindStaff(ctx, tenantID, f)
}

// StaffHistory lists a person's moves and title changes, newest first.
func (s *Service) StaffHistory(ctx context.Context, tenantID, staffID int64) ([]*StaffChange, error) {
	return s.st.FindStaffHistory(ctx, tenantID, staffID)
}

// StaffAudit is how a staff record appears in the audit log. The opt-in
// analysis attributes are reduced to a digest: the auditor sees that they
// changed without seeing gender, age or care duties.
type StaffAudit struct {
	ID           int64  `json:"id"`
	StaffNo      string `json:"staff_no"`
	Name         string `json:"name"`
	Kana         string `json:"kana"`
	Email        string `json:"email"`
	UnitID       int64  `json:"unit_id"`
	Title        string `json:"title"`
	Rank         string `json:"rank"`
	IsSupervisor bool   `json:"is_supervisor"`
	Employment   string `json:"employment"`
	JobType      string `json:"job_type"`
	Sensitive    string `json:"sensitive"`
	Retired      bool   `json:"retired"`
	Version      int64  `json:"version"`
}

// AuditView is the record as the audit log keeps it.
func (s *Staff) AuditView() StaffAudit {
	sn := StaffAudit{s.ID, s.StaffNo, s.Name, s.Kana, s.Email, s.UnitID, s.Title, string(s.Rank), s.IsSupervisor,
		string(s.Employment), s.JobType, "none", s.Retired, s.Version}
	if p := s.Sensitive; p != nil {
		sum := sha256.Sum256(fmt.Appendf(nil, "%d|%s|%s|%s|%d", s.ID, p.Gender, p.AgeBand, p.Care, p.CommuteMinutes))
		sn.Sensitive = "opt-in:" + hex.EncodeToString(sum[:6])
	}
	return sn
}

// --- small helpers ---

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func fieldErr(field, key string) error {
	var v apperr.Validation
	v.Add(field, key, nil)
	return v.Err()
}

// fieldTaken turns a unique violation into "already in use" on the field.
func fieldTaken(err error, field string) error {
	if apperr.IsDuplicate(err) {
		return fieldErr(field, "field.taken")
	}
	return err
}

// unknownField turns NotFound of a referenced row into a field error.
func unknownField(err error, field, key string) error {
	if apperr.CodeOf(err) == apperr.NotFound {
		return fieldErr(field, key)
	}
	return err
}
