package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"telework/internal/store"
)

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// CheckTarget reports, without writing, whether db could take the archive:
// none of its tenants (by slug) and none of its ids may be there already.
// It checks a database whose schema is this binary's (checked reports
// whether it did); an empty one takes any archive. An older one that holds
// tenants is refused: migrating it is a change of its own, which a restore
// that then finds a clash would have made while saying nothing was written
// (and which --dry-run would have passed) — migrate it first, then restore.
// An older one without tenants (a fresh database an earlier release made)
// is checked by Restore after migrating it.
func (a *Archive) CheckTarget(ctx context.Context, db *store.DB) (checked bool, err error) {
	v, latest, err := db.SchemaVersions(ctx)
	if err != nil {
		return false, err
	}
	if v > latest {
		return false, &store.SchemaNewerError{Database: v, Binary: latest}
	}
	if v > 0 && v < latest {
		var n int
		if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants`).Scan(&n); err != nil {
			return false, fmt.Errorf("backup: checking the target: %w", err)
		}
		if n > 0 {
			return false, &Error{Kind: Incompatible,
				Ja: fmt.Sprintf("復元先のデータベースはスキーマが古く (version %d、この telework は version %d)、団体が %d 件あるため、何も書き込まずに中止しました。"+
					"先に telework migrate で更新してから復元してください", v, latest, n),
				En: fmt.Sprintf("the target database has an older schema (version %d, this telework's is %d) and holds %d tenant(s), nothing was written: "+
					"upgrade it with telework migrate first, then restore", v, latest, n)}
		}
	}
	if v != latest {
		return false, nil
	}
	return true, a.checkTarget(ctx, db, db.SQL)
}

// Restore migrates db to this binary's schema and loads the archive into
// it in one transaction, keeping every id, then moves the id sequences past
// the restored ids. A target that already holds one of the archive's
// tenants or ids is refused before anything is written (an existing
// database is checked before it is migrated, too). The archive is read
// again and every file checked again while it is loaded, so an archive
// that changed since Open rolls the transaction back.
func (a *Archive) Restore(ctx context.Context, db *store.DB) error {
	if !a.verified {
		return errors.New("backup: Restore before Verify: the archive's signature was not checked")
	}
	if _, err := a.CheckTarget(ctx, db); err != nil {
		return err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if v, latest, err := db.SchemaVersions(ctx); err != nil {
		return err
	} else if v != latest {
		return &Error{Kind: Incompatible,
			Ja: fmt.Sprintf("復元先のデータベースのスキーマ (version %d) がこの telework (version %d) と異なるため、データを書き込まずに中止しました", v, latest),
			En: fmt.Sprintf("the target database's schema (version %d) is not this telework's (version %d), no data was written", v, latest)}
	}

	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("backup: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := a.checkTarget(ctx, db, tx); err != nil {
		return err
	}
	l := &loader{ctx: ctx, db: db, tx: tx, stmts: map[string]*sql.Stmt{}, held: map[string][][]any{}}
	defer l.close()
	if err := a.scan(l.row, l.tableDone); err != nil {
		return err
	}
	// An archive of an earlier release holds search keys folded as that
	// release did (before 髙 found 高): made again as this one does.
	if _, err := db.RekeyStaffSearch(ctx, tx); err != nil {
		return err
	}
	for k, t := range Tables {
		if t.Identity {
			if err := db.ResetIdentity(ctx, tx, t.Name, t.Key[0], a.Manifest.Tables[k].NextID); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("backup: commit: %w", err)
	}
	return nil
}

// checkTarget refuses a target that holds one of the archive's tenants or
// one of its keys.
func (a *Archive) checkTarget(ctx context.Context, db *store.DB, q queryer) error {
	for _, slug := range a.slugs {
		var n int
		if err := q.QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM tenants WHERE slug = ?`), slug).Scan(&n); err != nil {
			return fmt.Errorf("backup: checking the target: %w", err)
		}
		if n > 0 {
			return &Error{Kind: Conflict,
				Ja: fmt.Sprintf("団体コード %q の団体は復元先のデータベースにすでにあるため、何も書き込まずに中止しました。空のデータベースに復元してください", slug),
				En: fmt.Sprintf("tenant %q already exists in the target database, nothing was written: restore into an empty database", slug)}
		}
	}
	for _, t := range Tables {
		if clash, err := a.firstClash(ctx, db, q, &t); err != nil {
			return fmt.Errorf("backup: checking the target's %s: %w", t.Name, err)
		} else if clash != "" {
			return &Error{Kind: Conflict,
				Ja: fmt.Sprintf("復元先のデータベースの表 %s に %s の行がすでにあるため、何も書き込まずに中止しました。空のデータベースに復元してください", t.Name, clash),
				En: fmt.Sprintf("table %s of the target database already has a row with %s, nothing was written: restore into an empty database", t.Name, clash)}
		}
	}
	return nil
}

// firstClash describes the first of the archive's keys of table t that the
// target already holds, or returns "". Integer keys are compared by walking
// the target's keys in the archive's range beside the archive's sorted
// keys; other keys (small settings tables) one by one.
func (a *Archive) firstClash(ctx context.Context, db *store.DB, q queryer, t *Table) (string, error) {
	if keys := a.keys[t.Name]; len(keys) > 0 {
		k := t.Key[0]
		rows, err := q.QueryContext(ctx, db.Rebind(`SELECT `+k+` FROM `+t.Name+` WHERE `+k+` >= ? AND `+k+` <= ? ORDER BY `+k),
			keys[0], keys[len(keys)-1])
		if err != nil {
			return "", err
		}
		clash, err := firstCommon(rows, keys)
		if err != nil || clash == nil {
			return "", err
		}
		return t.describeKey([]any{*clash}), nil
	}
	where := make([]string, len(t.Key))
	for k, name := range t.Key {
		where[k] = name + ` = ?`
	}
	query := db.Rebind(`SELECT COUNT(*) FROM ` + t.Name + ` WHERE ` + strings.Join(where, ` AND `))
	for _, tuple := range a.tuples[t.Name] {
		var n int
		if err := q.QueryRowContext(ctx, query, tuple...).Scan(&n); err != nil {
			return "", err
		}
		if n > 0 {
			return t.describeKey(tuple), nil
		}
	}
	return "", nil
}

// firstCommon returns the first key both in rows (ascending) and in keys
// (sorted), and closes rows.
func firstCommon(rows *sql.Rows, keys []int64) (*int64, error) {
	defer rows.Close()
	k := 0
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		for k < len(keys) && keys[k] < v {
			k++
		}
		if k == len(keys) {
			break
		}
		if keys[k] == v {
			return &v, nil
		}
	}
	return nil, rows.Err()
}

// loader inserts rows as the archive is read. Rows of a table that refers
// to itself are held until the table is complete and then inserted parents
// first.
type loader struct {
	ctx   context.Context
	db    *store.DB
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	held  map[string][][]any
}

func (l *loader) row(t *Table, row []any) error {
	if t.Parent != "" {
		l.held[t.Name] = append(l.held[t.Name], row)
		return nil
	}
	return l.insert(t, row)
}

func (l *loader) tableDone(t *Table) error {
	if t.Parent == "" {
		return nil
	}
	ordered, err := parentsFirst(t, l.held[t.Name])
	if err != nil {
		return err
	}
	delete(l.held, t.Name)
	for _, row := range ordered {
		if err := l.insert(t, row); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) insert(t *Table, row []any) error {
	st := l.stmts[t.Name]
	if st == nil {
		var err error
		st, err = l.tx.PrepareContext(l.ctx, l.db.InsertKeepingIDs(t.Name, t.ColumnNames()))
		if err != nil {
			return fmt.Errorf("backup: preparing the insert into %s: %w", t.Name, err)
		}
		l.stmts[t.Name] = st
	}
	if _, err := st.ExecContext(l.ctx, row...); err != nil {
		key := t.describeKey(t.keyOf(row))
		switch {
		case store.IsUniqueViolation(err):
			return &Error{Kind: Conflict, Err: err,
				Ja: fmt.Sprintf("表 %s の行 (%s) が復元先のデータベースの既存の行と重複するため、何も書き込まずに中止しました。空のデータベースに復元してください", t.Name, key),
				En: fmt.Sprintf("row %s of table %s collides with a row of the target database, nothing was written: restore into an empty database", key, t.Name)}
		case store.IsForeignKeyViolation(err):
			return corrupt(err, "表 %[1]s の行 (%[2]s) が参照する行がありません", "row %[2]s of table %[1]s refers to a row that does not exist",
				t.Name, key)
		}
		return fmt.Errorf("backup: inserting into %s (%s): %w", t.Name, key, err)
	}
	return nil
}

func (l *loader) close() {
	for _, st := range l.stmts {
		_ = st.Close()
	}
}

// parentsFirst orders rows so that each comes after the row its Parent
// column names (when that row is in the archive), keeping key order
// otherwise. A cycle cannot be inserted and is reported.
func parentsFirst(t *Table, rows [][]any) ([][]any, error) {
	keyCol, parentCol := t.column(t.Key[0]), t.column(t.Parent)
	present := make(map[int64]bool, len(rows))
	for _, r := range rows {
		present[r[keyCol].(int64)] = true
	}
	children := map[int64][][]any{}
	var roots [][]any
	for _, r := range rows {
		p, ok := r[parentCol].(int64)
		if ok && present[p] {
			children[p] = append(children[p], r)
		} else {
			roots = append(roots, r)
		}
	}
	out := make([][]any, 0, len(rows))
	for len(roots) > 0 {
		r := roots[0]
		roots = roots[1:]
		out = append(out, r)
		roots = append(roots, children[r[keyCol].(int64)]...)
	}
	if len(out) != len(rows) {
		var stuck []string
		for _, r := range rows {
			if !slices.ContainsFunc(out, func(o []any) bool { return o[keyCol] == r[keyCol] }) {
				stuck = append(stuck, strconv.FormatInt(r[keyCol].(int64), 10))
			}
		}
		return nil, corrupt(nil, "表 %[1]s の %[2]s が循環しています（%[3]s = %[4]v）", "the %[2]s of table %[1]s form a cycle (%[3]s = %[4]v)",
			t.Name, t.Parent, t.Key[0], stuck)
	}
	return out, nil
}
