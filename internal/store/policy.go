package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// FindPolicyVersions lists a tenant's policy versions by effective date.
func (db *DB) FindPolicyVersions(ctx context.Context, tenantID int64) ([]policy.Version, error) {
	rows, err := db.query(ctx, `SELECT id, effective_from, body, note FROM policy_versions WHERE tenant_id = ?
		ORDER BY effective_from`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: policy versions: %w", err)
	}
	defer rows.Close()
	var out []policy.Version
	for rows.Next() {
		var v policy.Version
		var eff, body string
		if err := rows.Scan(&v.ID, &eff, &body, &v.Note); err != nil {
			return nil, err
		}
		if v.Effective, err = calendar.ParseDate(eff); err != nil {
			return nil, fmt.Errorf("store: policy version %d: %w", v.ID, err)
		}
		if err := json.Unmarshal([]byte(body), &v.Policy); err != nil {
			return nil, fmt.Errorf("store: policy version %d body: %w", v.ID, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// SavePolicyVersion stores the policy taking effect on v.Effective,
// replacing a version scheduled for the same day. A version already in
// force (effective on or before today) cannot be replaced: schedule a new
// one instead, so the rules applied to past applications stay on record.
func (db *DB) SavePolicyVersion(ctx context.Context, tenantID int64, actor audit.Actor, v *policy.Version) error {
	body, err := json.Marshal(v.Policy)
	if err != nil {
		return err
	}
	today := calendar.DateOf(db.Now())
	return db.InTx(ctx, func(tx *Tx) error {
		var oldID int64
		var oldBody string
		err := tx.row(ctx, `SELECT id, body FROM policy_versions WHERE tenant_id = ? AND effective_from = ?`,
			tenantID, v.Effective.String()).Scan(&oldID, &oldBody)
		switch {
		case err == nil:
			if !today.Before(v.Effective) {
				var val apperr.Validation
				val.Add("effective_from", "field.policy_in_force", nil)
				return val.Err()
			}
			if _, err := tx.exec(ctx, `UPDATE policy_versions SET body = ?, note = ?, created_at = ?, created_by = ?
				WHERE tenant_id = ? AND id = ?`, string(body), v.Note, micros(db.Now()), actor.Label, tenantID, oldID); err != nil {
				return err
			}
			v.ID = oldID
		case isNotFound(err):
			if v.Effective.Before(today) {
				var val apperr.Validation
				val.Add("effective_from", "field.policy_past", nil)
				return val.Err()
			}
			if err := tx.row(ctx, `INSERT INTO policy_versions (tenant_id, effective_from, body, note, created_at, created_by)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, tenantID, v.Effective.String(), string(body), v.Note,
				micros(db.Now()), actor.Label).Scan(&v.ID); err != nil {
				return mapErr(err)
			}
		default:
			return err
		}
		var before any
		if oldBody != "" {
			before = json.RawMessage(oldBody)
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "policy.save", ObjectType: "policy_version",
			ObjectID: strconv.FormatInt(v.ID, 10), Before: before,
			After: map[string]any{"effective_from": v.Effective.String(), "note": v.Note, "policy": json.RawMessage(body)}})
	})
}

// DeletePolicyVersion removes a version that has not taken effect yet.
func (db *DB) DeletePolicyVersion(ctx context.Context, tenantID int64, actor audit.Actor, id int64) error {
	today := calendar.DateOf(db.Now())
	return db.InTx(ctx, func(tx *Tx) error {
		var eff, body string
		if err := tx.row(ctx, `SELECT effective_from, body FROM policy_versions WHERE tenant_id = ? AND id = ?`, tenantID, id).
			Scan(&eff, &body); err != nil {
			return mapErr(err)
		}
		if eff <= today.String() {
			return &apperr.Error{Code: apperr.Conflict, Key: "error.policy_in_force"}
		}
		if _, err := tx.exec(ctx, `DELETE FROM policy_versions WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
			return err
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "policy.delete", ObjectType: "policy_version",
			ObjectID: strconv.FormatInt(id, 10), Before: map[string]any{"effective_from": eff, "policy": json.RawMessage(body)}})
	})
}

// FindPolicyFacts returns a person's facts (zero when none were declared).
func (db *DB) FindPolicyFacts(ctx context.Context, tenantID, staffID int64) (policy.Facts, error) {
	return findPolicyFacts(ctx, db, tenantID, staffID)
}

func findPolicyFacts(ctx context.Context, q querier, tenantID, staffID int64) (policy.Facts, error) {
	var f policy.Facts
	rows, err := q.query(ctx, `SELECT reasons, has_terminal, seconded FROM staff_policy_facts WHERE tenant_id = ? AND staff_id = ?`,
		tenantID, staffID)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	if rows.Next() {
		var reasons string
		if err := rows.Scan(&reasons, &f.HasTerminal, &f.Seconded); err != nil {
			return f, err
		}
		if reasons != "" {
			f.Reasons = strings.Split(reasons, ",")
		}
	}
	return f, rows.Err()
}

// SavePolicyFacts records a person's facts (HR, or the person for reasons).
func (db *DB) SavePolicyFacts(ctx context.Context, tenantID int64, actor audit.Actor, staffID int64, f policy.Facts) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.staffByID(ctx, tenantID, staffID); err != nil {
			return err
		}
		before, err := findPolicyFacts(ctx, tx, tenantID, staffID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO staff_policy_facts (tenant_id, staff_id, reasons, has_terminal, seconded, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, staff_id) DO UPDATE SET reasons = excluded.reasons,
			has_terminal = excluded.has_terminal, seconded = excluded.seconded, updated_at = excluded.updated_at`,
			tenantID, staffID, strings.Join(f.Reasons, ","), f.HasTerminal, f.Seconded, micros(db.Now())); err != nil {
			return err
		}
		return tx.appendAudit(ctx, tenantID, actor, audit.Change{Action: "staff.policy_facts", ObjectType: "staff",
			ObjectID: strconv.FormatInt(staffID, 10), Before: before, After: f})
	})
}

// StartPolicy gives a new tenant its first policy version, in force from
// today, from one of the 第6章 templates.
func (db *DB) StartPolicy(ctx context.Context, actor audit.Actor, tenantID int64, template string) error {
	t, ok := policy.TemplateByName(template)
	if !ok {
		var v apperr.Validation
		v.Add("policy_template", "field.choice", nil)
		return v.Err()
	}
	return db.SavePolicyVersion(ctx, tenantID, actor, &policy.Version{Effective: calendar.DateOf(db.Now()), Policy: t.Policy, Note: t.Label + "の例"})
}
