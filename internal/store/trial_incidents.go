package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"telework/internal/cost"
	"telework/internal/incident"
)

// Incidents and the cost register of issue 16. The rules are in
// incident.Service and cost.Service; this file runs the SQL.

var (
	_ incident.Store = (*DB)(nil)
	_ incident.Tx    = (*Tx)(nil)
	_ cost.Store     = (*DB)(nil)
	_ cost.Tx        = (*Tx)(nil)
)

// InIncidentTx runs one incident change in a transaction.
func (db *DB) InIncidentTx(ctx context.Context, fn func(incident.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

// InCostTx runs one cost change in a transaction.
func (db *DB) InCostTx(ctx context.Context, fn func(cost.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const incidentCols = `id, kind, category, occurred_on, summary, detail, anonymous, reporter_user_id, reported_on, status, version, updated_at`

func scanIncident(sc interface{ Scan(...any) error }) (incident.Incident, error) {
	var in incident.Incident
	var kind, status, occurred, reported string
	var reporter sql.NullInt64
	var at int64
	err := sc.Scan(&in.ID, &kind, &in.Category, &occurred, &in.Summary, &in.Detail, &in.Anonymous, &reporter, &reported, &status,
		&in.Version, &at)
	in.Kind, in.Status, in.OccurredOn, in.ReportedOn = incident.Kind(kind), incident.Status(status), civil(occurred), civil(reported)
	in.ReporterID, in.UpdatedAt = reporter.Int64, fromMicros(at)
	return in, err
}

func findIncidents(ctx context.Context, q rowQuerier2, tenantID int64, f incident.Filter) ([]incident.Incident, int, error) {
	where := ` FROM incidents WHERE tenant_id = ?`
	args := []any{tenantID}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.Kind != "" {
		where += ` AND kind = ?`
		args = append(args, string(f.Kind))
	}
	if f.ReporterID != 0 {
		where += ` AND reporter_user_id = ?`
		args = append(args, f.ReporterID)
	}
	var total int
	if err := q.row(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: incidents: %w", err)
	}
	out, err := queryAll(ctx, q, scanIncident, `SELECT `+incidentCols+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: incidents: %w", err)
	}
	return out, total, nil
}

// rowQuerier2 is what a list with its count needs: *DB and *Tx alike.
type rowQuerier2 interface {
	querier
	rowQuerier
}

func findIncident(ctx context.Context, q rowQuerier2, tenantID, id int64) (incident.Incident, error) {
	in, err := scanIncident(q.row(ctx, `SELECT `+incidentCols+` FROM incidents WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return in, mapErr(err)
	}
	in.Actions, err = queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (incident.Action, error) {
		var a incident.Action
		var from, to string
		var at int64
		err := sc.Scan(&a.ID, &at, &a.By, &from, &to, &a.Note)
		a.At, a.StatusFrom, a.StatusTo = fromMicros(at), incident.Status(from), incident.Status(to)
		return a, err
	}, `SELECT id, at, by_label, status_from, status_to, note FROM incident_actions WHERE tenant_id = ? AND incident_id = ? ORDER BY id`,
		tenantID, id)
	if err != nil {
		return in, fmt.Errorf("store: incident actions: %w", err)
	}
	return in, nil
}

// FindIncidents lists reports newest first with the total.
func (db *DB) FindIncidents(ctx context.Context, tenantID int64, f incident.Filter) ([]incident.Incident, int, error) {
	return findIncidents(ctx, db, tenantID, f)
}

// FindIncidents is FindIncidents inside a transaction.
func (tx *Tx) FindIncidents(ctx context.Context, tenantID int64, f incident.Filter) ([]incident.Incident, int, error) {
	return findIncidents(ctx, tx, tenantID, f)
}

// FindIncident reads one report with its actions.
func (db *DB) FindIncident(ctx context.Context, tenantID, id int64) (incident.Incident, error) {
	return findIncident(ctx, db, tenantID, id)
}

// FindIncident is FindIncident inside a transaction.
func (tx *Tx) FindIncident(ctx context.Context, tenantID, id int64) (incident.Incident, error) {
	return findIncident(ctx, tx, tenantID, id)
}

// InsertIncident stores a report; an anonymous one with no reporter.
func (tx *Tx) InsertIncident(ctx context.Context, tenantID int64, in incident.Incident) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO incidents (tenant_id, kind, category, occurred_on, summary, detail, anonymous, reporter_user_id,
		reported_on, status, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`,
		tenantID, string(in.Kind), in.Category, in.OccurredOn.String(), in.Summary, in.Detail, in.Anonymous, nullID(in.ReporterID),
		in.ReportedOn.String(), string(in.Status), micros(in.UpdatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: incident: %w", mapErr(err))
	}
	return id, nil
}

// UpdateIncidentStatus sets a report's status at its version.
func (tx *Tx) UpdateIncidentStatus(ctx context.Context, tenantID, id, version int64, to incident.Status, at time.Time) error {
	return staleIfNone(tx.exec(ctx, `UPDATE incidents SET status = ?, updated_at = ?, version = version + 1
		WHERE tenant_id = ? AND id = ? AND version = ?`, string(to), micros(at), tenantID, id, version))
}

// InsertIncidentAction records a review step.
func (tx *Tx) InsertIncidentAction(ctx context.Context, tenantID, incidentID int64, a incident.Action) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO incident_actions (tenant_id, incident_id, at, by_label, status_from, status_to, note)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, incidentID, micros(a.At), a.By, string(a.StatusFrom), string(a.StatusTo),
		a.Note).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: incident action: %w", mapErr(err))
	}
	return id, nil
}

const costCols = `id, kind, description, amount_yen, paid_on, fiscal_year, initial, special_grant, note, version, updated_at`

func scanCost(sc interface{ Scan(...any) error }) (cost.Cost, error) {
	var c cost.Cost
	var paid string
	var at int64
	err := sc.Scan(&c.ID, &c.Kind, &c.Description, &c.AmountYen, &paid, &c.FiscalYear, &c.Initial, &c.SpecialGrant, &c.Note, &c.Version, &at)
	c.PaidOn, c.UpdatedAt = civil(paid), fromMicros(at)
	return c, err
}

func findCosts(ctx context.Context, q querier, tenantID int64, fy int) ([]cost.Cost, error) {
	out, err := queryAll(ctx, q, scanCost, `SELECT `+costCols+` FROM costs WHERE tenant_id = ? AND fiscal_year = ? ORDER BY paid_on, id`,
		tenantID, fy)
	if err != nil {
		return nil, fmt.Errorf("store: costs: %w", err)
	}
	return out, nil
}

func findCost(ctx context.Context, q rowQuerier, tenantID, id int64) (cost.Cost, error) {
	c, err := scanCost(q.row(ctx, `SELECT `+costCols+` FROM costs WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return c, mapErr(err)
}

func findCostYears(ctx context.Context, q querier, tenantID int64) ([]int, error) {
	out, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (int, error) {
		var y int
		return y, sc.Scan(&y)
	}, `SELECT DISTINCT fiscal_year FROM costs WHERE tenant_id = ? ORDER BY fiscal_year DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: cost years: %w", err)
	}
	return out, nil
}

// FindCosts lists one fiscal year's costs.
func (db *DB) FindCosts(ctx context.Context, tenantID int64, fy int) ([]cost.Cost, error) {
	return findCosts(ctx, db, tenantID, fy)
}

// FindCosts is FindCosts inside a transaction.
func (tx *Tx) FindCosts(ctx context.Context, tenantID int64, fy int) ([]cost.Cost, error) {
	return findCosts(ctx, tx, tenantID, fy)
}

// FindCost reads one cost.
func (db *DB) FindCost(ctx context.Context, tenantID, id int64) (cost.Cost, error) {
	return findCost(ctx, db, tenantID, id)
}

// FindCost is FindCost inside a transaction.
func (tx *Tx) FindCost(ctx context.Context, tenantID, id int64) (cost.Cost, error) {
	return findCost(ctx, tx, tenantID, id)
}

// FindCostYears lists the fiscal years with costs.
func (db *DB) FindCostYears(ctx context.Context, tenantID int64) ([]int, error) {
	return findCostYears(ctx, db, tenantID)
}

// FindCostYears is FindCostYears inside a transaction.
func (tx *Tx) FindCostYears(ctx context.Context, tenantID int64) ([]int, error) {
	return findCostYears(ctx, tx, tenantID)
}

// InsertCost stores a cost.
func (tx *Tx) InsertCost(ctx context.Context, tenantID int64, c cost.Cost) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO costs (tenant_id, kind, description, amount_yen, paid_on, fiscal_year, initial, special_grant, note,
		version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`, tenantID, c.Kind, c.Description, c.AmountYen,
		c.PaidOn.String(), c.FiscalYear, c.Initial, c.SpecialGrant, c.Note, micros(c.UpdatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: cost: %w", mapErr(err))
	}
	return id, nil
}

// UpdateCost writes a cost at its version.
func (tx *Tx) UpdateCost(ctx context.Context, tenantID int64, c cost.Cost) error {
	return staleIfNone(tx.exec(ctx, `UPDATE costs SET kind = ?, description = ?, amount_yen = ?, paid_on = ?, fiscal_year = ?, initial = ?,
		special_grant = ?, note = ?, updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`,
		c.Kind, c.Description, c.AmountYen, c.PaidOn.String(), c.FiscalYear, c.Initial, c.SpecialGrant, c.Note, micros(c.UpdatedAt),
		tenantID, c.ID, c.Version))
}

// DeleteCost removes a cost at its version.
func (tx *Tx) DeleteCost(ctx context.Context, tenantID, id, version int64) error {
	return staleIfNone(tx.exec(ctx, `DELETE FROM costs WHERE tenant_id = ? AND id = ? AND version = ?`, tenantID, id, version))
}
