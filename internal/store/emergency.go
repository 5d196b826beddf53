package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/emergency"
	"telework/internal/policy"
)

// Emergencies of issue 15. The rules are in emergency.Service and the
// policy engine (policy.Override); this file runs the SQL.

var (
	_ emergency.Store = (*DB)(nil)
	_ emergency.Tx    = (*Tx)(nil)
)

// InEmergencyTx runs one emergency change in a transaction.
func (db *DB) InEmergencyTx(ctx context.Context, fn func(emergency.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const emergencyCols = `id, kind, title, from_date, to_date, planned_to, rules, declared_at, declared_by, ended_at, ended_by, version`

func scanEmergency(sc interface{ Scan(...any) error }) (emergency.Emergency, error) {
	var e emergency.Emergency
	var from, to, planned, rules string
	var declared, ended int64
	if err := sc.Scan(&e.ID, &e.Kind, &e.Title, &from, &to, &planned, &rules, &declared, &e.DeclaredBy, &ended, &e.EndedBy, &e.Version); err != nil {
		return e, err
	}
	e.From, e.To, e.PlannedTo, e.DeclaredAt = civil(from), civil(to), civil(planned), fromMicros(declared)
	if ended != 0 {
		e.EndedAt = fromMicros(ended)
	}
	if err := json.Unmarshal([]byte(rules), &e.Rules); err != nil {
		return e, fmt.Errorf("store: emergency %d rules: %w", e.ID, err)
	}
	return e, nil
}

type emergencyUnit struct {
	emergencyID, unitID int64
	code, name          string
}

// withEmergencyUnits fills in the units of es (one query for all).
func withEmergencyUnits(ctx context.Context, q querier, tenantID int64, es []emergency.Emergency) error {
	if len(es) == 0 {
		return nil
	}
	us, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (emergencyUnit, error) {
		var u emergencyUnit
		return u, sc.Scan(&u.emergencyID, &u.unitID, &u.code, &u.name)
	}, `SELECT eu.emergency_id, eu.unit_id, u.code, u.name FROM emergency_units eu
		JOIN units u ON u.tenant_id = eu.tenant_id AND u.id = eu.unit_id
		WHERE eu.tenant_id = ? ORDER BY u.code, u.id`, tenantID)
	if err != nil {
		return fmt.Errorf("store: emergency units: %w", err)
	}
	at := map[int64]int{}
	for i, e := range es {
		at[e.ID] = i
	}
	for _, u := range us {
		if i, ok := at[u.emergencyID]; ok {
			es[i].UnitIDs = append(es[i].UnitIDs, u.unitID)
			es[i].UnitCodes = append(es[i].UnitCodes, u.code)
			es[i].UnitNames = append(es[i].UnitNames, u.name)
		}
	}
	return nil
}

func findEmergencies(ctx context.Context, q querier, tenantID int64, from, to calendar.Date) ([]emergency.Emergency, error) {
	where := ` FROM emergencies WHERE tenant_id = ?`
	args := []any{tenantID}
	if !from.IsZero() {
		where += ` AND to_date >= ?`
		args = append(args, from.String())
	}
	if !to.IsZero() {
		where += ` AND from_date <= ?`
		args = append(args, to.String())
	}
	es, err := queryAll(ctx, q, scanEmergency, `SELECT `+emergencyCols+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: emergencies: %w", err)
	}
	return es, withEmergencyUnits(ctx, q, tenantID, es)
}

func findEmergency(ctx context.Context, q rowQuerier2, tenantID, id int64) (emergency.Emergency, error) {
	e, err := scanEmergency(q.row(ctx, `SELECT `+emergencyCols+` FROM emergencies WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return e, mapErr(err)
	}
	es := []emergency.Emergency{e}
	err = withEmergencyUnits(ctx, q, tenantID, es)
	return es[0], err
}

// FindEmergencies lists the emergencies meeting from..to, latest first.
func (db *DB) FindEmergencies(ctx context.Context, tenantID int64, from, to calendar.Date) ([]emergency.Emergency, error) {
	return findEmergencies(ctx, db, tenantID, from, to)
}

// FindEmergency reads one with its units.
func (db *DB) FindEmergency(ctx context.Context, tenantID, id int64) (emergency.Emergency, error) {
	return findEmergency(ctx, db, tenantID, id)
}

// FindEmergency is FindEmergency inside a transaction.
func (tx *Tx) FindEmergency(ctx context.Context, tenantID, id int64) (emergency.Emergency, error) {
	return findEmergency(ctx, tx, tenantID, id)
}

// InsertEmergency stores e and its units; a unit not of the tenant is a
// validation error on unit_ids.
func (tx *Tx) InsertEmergency(ctx context.Context, tenantID int64, e emergency.Emergency) (int64, error) {
	rules, err := json.Marshal(e.Rules)
	if err != nil {
		return 0, err
	}
	for _, u := range e.UnitIDs {
		var one int
		if err := tx.row(ctx, `SELECT 1 FROM units WHERE tenant_id = ? AND id = ?`, tenantID, u).Scan(&one); err != nil {
			if apperr.CodeOf(mapErr(err)) == apperr.NotFound {
				var v apperr.Validation
				v.Add("unit_ids", "field.choice", nil)
				return 0, v.Err()
			}
			return 0, err
		}
	}
	var id int64
	err = tx.row(ctx, `INSERT INTO emergencies (tenant_id, kind, title, from_date, to_date, planned_to, rules, declared_at, declared_by, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`, tenantID, e.Kind, e.Title, e.From.String(), e.To.String(), e.PlannedTo.String(),
		string(rules), micros(e.DeclaredAt), e.DeclaredBy).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: emergency: %w", mapErr(err))
	}
	for _, u := range e.UnitIDs {
		if _, err := tx.exec(ctx, `INSERT INTO emergency_units (tenant_id, emergency_id, unit_id) VALUES (?, ?, ?)`, tenantID, id, u); err != nil {
			return 0, fmt.Errorf("store: emergency unit: %w", mapErr(err))
		}
	}
	return id, nil
}

// EndEmergency sets the end of an emergency at its version.
func (tx *Tx) EndEmergency(ctx context.Context, tenantID, id, version int64, to calendar.Date, at time.Time, by string) error {
	return staleIfNone(tx.exec(ctx, `UPDATE emergencies SET to_date = ?, ended_at = ?, ended_by = ?, version = version + 1
		WHERE tenant_id = ? AND id = ? AND version = ?`, to.String(), micros(at), by, tenantID, id, version))
}

func findPolicyOverrides(ctx context.Context, q querier, tenantID int64, from, to calendar.Date) ([]policy.Override, error) {
	es, err := findEmergencies(ctx, q, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	var out []policy.Override
	for _, e := range es {
		if !e.Cancelled() {
			out = append(out, e.Override())
		}
	}
	return out, nil
}

// FindPolicyOverrides lists the emergencies meeting from..to as the policy
// engine sees them.
func (db *DB) FindPolicyOverrides(ctx context.Context, tenantID int64, from, to calendar.Date) ([]policy.Override, error) {
	return findPolicyOverrides(ctx, db, tenantID, from, to)
}

// FindPolicyOverrides is FindPolicyOverrides inside a transaction.
func (tx *Tx) FindPolicyOverrides(ctx context.Context, tenantID int64, from, to calendar.Date) ([]policy.Override, error) {
	return findPolicyOverrides(ctx, tx, tenantID, from, to)
}
