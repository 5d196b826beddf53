package store

// Operator accounts: instance-level, in no tenant.

import (
	"context"

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

// FindOperatorByLogin returns an operator or NotFound.
func (db *DB) FindOperatorByLogin(ctx context.Context, loginID string) (*auth.OperatorAccount, error) {
	return scanOperator(db.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE login_id = ?`, loginID))
}

// FindOperatorByID returns an operator or NotFound.
func (db *DB) FindOperatorByID(ctx context.Context, id int64) (*auth.OperatorAccount, error) {
	return scanOperator(db.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE id = ?`, id))
}

// InsertOperator writes a new operator account and sets o.ID.
func (tx *Tx) InsertOperator(ctx context.Context, o *auth.OperatorAccount) error {
	return mapErr(tx.row(ctx, `INSERT INTO operators (login_id, password_hash, must_change_password, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`, o.LoginID, o.PasswordHash, o.MustChange, micros(tx.db.Now())).Scan(&o.ID))
}

// FindOperatorForUpdate reads an operator inside the transaction.
func (tx *Tx) FindOperatorForUpdate(ctx context.Context, id int64) (*auth.OperatorAccount, error) {
	return scanOperator(tx.row(ctx, `SELECT `+operatorCols+` FROM operators WHERE id = ?`, id))
}

// UpdateOperatorRow writes an operator's password and settings at the
// expected version.
func (tx *Tx) UpdateOperatorRow(ctx context.Context, o *auth.OperatorAccount, expectVersion int64) error {
	return staleIfNone(tx.exec(ctx, `UPDATE operators SET password_hash = ?, must_change_password = ?, locale = ?, wareki = ?,
		version = version + 1 WHERE id = ? AND version = ?`, o.PasswordHash, o.MustChange, o.Locale, o.Wareki, o.ID, expectVersion))
}
