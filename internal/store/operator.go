package store

// Operator accounts: instance-level, in no tenant.

import (
	"context"
	"strconv"

	"telework/internal/audit"
	"telework/internal/auth"
)

const operatorCols = `id, login_id, password_hash, must_change_password, locale, wareki, version`

func scanOperator(sc interface{ Scan(...any) error }) (*auth.OperatorAccount, error) {
	var o auth.OperatorAccount
	if err := sc.Scan(&o.ID, &o.LoginID, &o.PasswordHash, &o.MustChange, &o.Locale, &o.Wareki, &o.Version); err != nil {
		return nil, mapErr(err)
	}
	return &o, nil
}

// CreateOperator adds an instance operator account.
func (db *DB) CreateOperator(ctx context.Context, actor audit.Actor, loginID, hash string, mustChange bool) (*auth.OperatorAccount, error) {
	o := &auth.OperatorAccount{LoginID: loginID, PasswordHash: hash, MustChange: mustChange, Locale: "ja", Version: 1}
	err := db.InTx(ctx, func(tx *Tx) error {
		if err := tx.row(ctx, `INSERT INTO operators (login_id, password_hash, must_change_password, created_at)
			VALUES (?, ?, ?, ?) RETURNING id`, loginID, hash, mustChange, micros(db.Now())).Scan(&o.ID); err != nil {
			return mapErr(err)
		}
		return tx.appendAudit(ctx, 0, actor, audit.Change{Action: "operator.create", ObjectType: "operator",
			ObjectID: strconv.FormatInt(o.ID, 10), After: map[string]any{"login_id": loginID}})
	})
	return o, err
}

// FindOperatorByLogin returns an operator or NotFound.
func (db *DB) FindOperatorByLogin(ctx context.Context, loginID string) (*auth.OperatorAccount, error) {
	return scanOperator(db.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE login_id = ?`, loginID))
}

// FindOperatorByID returns an operator or NotFound.
func (db *DB) FindOperatorByID(ctx context.Context, id int64) (*auth.OperatorAccount, error) {
	return scanOperator(db.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE id = ?`, id))
}

// SetOperatorPassword stores a new hash; mustChange marks an admin reset.
func (db *DB) SetOperatorPassword(ctx context.Context, actor audit.Actor, id int64, hash string, mustChange bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE operators SET password_hash = ?, must_change_password = ?, version = version + 1
			WHERE id = ?`, hash, mustChange, id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE tenant_id = 0 AND user_id = ?`, id); err != nil {
			return err
		}
		return tx.appendAudit(ctx, 0, actor, audit.Change{Action: "operator.password", ObjectType: "operator",
			ObjectID: strconv.FormatInt(id, 10), After: map[string]any{"must_change_password": mustChange}})
	})
}

// SetOperatorSettings stores the operator's display settings.
func (db *DB) SetOperatorSettings(ctx context.Context, actor audit.Actor, id int64, locale string, wareki bool) error {
	return db.InTx(ctx, func(tx *Tx) error {
		before, err := scanOperator(tx.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if err := staleIfNone(tx.exec(ctx, `UPDATE operators SET locale = ?, wareki = ?, version = version + 1 WHERE id = ? AND version = ?`,
			locale, wareki, id, before.Version)); err != nil {
			return err
		}
		return tx.appendAudit(ctx, 0, actor, audit.Change{Action: "operator.settings", ObjectType: "operator",
			ObjectID: strconv.FormatInt(id, 10), Before: map[string]any{"locale": before.Locale, "wareki": before.Wareki},
			After: map[string]any{"locale": locale, "wareki": wareki}})
	})
}
