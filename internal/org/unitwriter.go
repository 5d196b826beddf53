package org

import (
	"context"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
)

// UnitWriter writes unit changes inside a transaction its caller runs (the
// organisation import applies a whole file in one), with the rules,
// history and audit entries of the Service's own methods: an open parent,
// no cycle, retirement only of an empty unit.
type UnitWriter struct {
	Tx  Tx
	Now func() time.Time
}

// Create adds a validated unit under u.ParentID (0 = top level), effective
// on the given date (today when zero). The parent must exist and be open.
func (w UnitWriter) Create(ctx context.Context, tenantID int64, actor audit.Actor, u *Unit, effective calendar.Date) error {
	tx := w.Tx
	if u.ParentID != 0 {
		parent, err := tx.LockUnit(ctx, tenantID, u.ParentID, false)
		if err != nil {
			return unknownField(err, "parent_id", "field.unit_unknown")
		}
		if parent.Retired {
			return fieldErr("parent_id", "field.unit_retired")
		}
	}
	u.TenantID, u.Version, u.Retired = tenantID, 1, false
	if err := tx.InsertUnit(ctx, tenantID, u); err != nil {
		return fieldTaken(err, "code")
	}
	if err := tx.InsertUnitHistory(ctx, tenantID, w.change(actor, u.ID, "create", nil, u, effective)); err != nil {
		return err
	}
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "unit.create", ObjectType: "unit", ObjectID: itoa(u.ID), After: u})
}

func (w UnitWriter) change(actor audit.Actor, id int64, kind string, before, after *Unit, effective calendar.Date) *UnitChange {
	now := w.Now()
	if effective.IsZero() {
		effective = calendar.DateOf(now)
	}
	c := &UnitChange{UnitID: id, Kind: kind, EffectiveDate: effective, ChangedAt: now.UTC(), ActorLabel: actor.Label}
	if before != nil {
		c.OldName, c.OldParentID = before.Name, before.ParentID
	}
	if after != nil {
		c.NewName, c.NewParentID = after.Name, after.ParentID
	}
	return c
}

// Update applies upd, recording a rename and a move in the unit's
// history. A move under the unit itself or one of its descendants, or
// under a closed unit, is refused; a save that changes nothing writes
// nothing.
func (w UnitWriter) Update(ctx context.Context, tenantID int64, actor audit.Actor, id int64, upd UnitUpdate) (*Unit, error) {
	tx := w.Tx
	before, after, err := checkUnitUpdate(ctx, tx, tenantID, id, upd)
	if err != nil {
		return nil, err
	}
	if after == nil {
		return before, nil // nothing changed: nothing written
	}
	a := *after
	if err := tx.UpdateUnitRow(ctx, tenantID, &a, before.Version); err != nil {
		return nil, fieldTaken(err, "code")
	}
	a.Version = before.Version + 1
	if a.Name != before.Name {
		if err := tx.InsertUnitHistory(ctx, tenantID, w.change(actor, id, "rename", before, &a, upd.Effective)); err != nil {
			return nil, err
		}
	}
	if a.ParentID != before.ParentID {
		if err := tx.InsertUnitHistory(ctx, tenantID, w.change(actor, id, "move", before, &a, upd.Effective)); err != nil {
			return nil, err
		}
	}
	return &a, tx.Audit(ctx, tenantID, actor, audit.Change{Action: "unit.update", ObjectType: "unit", ObjectID: itoa(id), Before: before, After: a})
}

// Retire closes a unit that has no current staff and no open child unit,
// in one conditional statement (see Service.RetireUnit).
func (w UnitWriter) Retire(ctx context.Context, tenantID int64, actor audit.Actor, id, expectVersion int64, effective calendar.Date) error {
	tx := w.Tx
	before, err := tx.LockUnit(ctx, tenantID, id, true)
	if err != nil {
		return err
	}
	if before.Version != expectVersion {
		return apperr.ConflictStale()
	}
	if before.Retired {
		return nil
	}
	done, err := tx.RetireEmptyUnit(ctx, tenantID, id, expectVersion)
	if err != nil {
		return err
	}
	if !done {
		staff, units, err := tx.CountUnitMembers(ctx, tenantID, id)
		if err != nil {
			return err
		}
		return &apperr.Error{Code: apperr.Conflict, Key: "error.unit_not_empty", Args: map[string]any{"Staff": staff, "Units": units}}
	}
	after := *before
	after.Retired, after.Version = true, before.Version+1
	if err := tx.InsertUnitHistory(ctx, tenantID, w.change(actor, id, "retire", before, before, effective)); err != nil {
		return err
	}
	return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "unit.retire", ObjectType: "unit", ObjectID: itoa(id), Before: before, After: after})
}
