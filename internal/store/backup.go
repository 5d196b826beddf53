package store

// The engine-specific pieces that internal/backup needs to read and load
// whole tables over DB.SQL. Everything else about backups lives there.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
)

// Querier is what *sql.DB and *sql.Tx have in common for reading.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Rebind turns ? placeholders into the engine's form, for packages that
// write their own SQL over DB.SQL.
func (db *DB) Rebind(query string) string { return db.q(query) }

// BeginSnapshot starts a read-only transaction that sees one consistent
// state of the whole database: REPEATABLE READ on PostgreSQL; on SQLite a
// deferred BEGIN, whose snapshot (WAL) holds from its first read to its end
// without taking the write lock.
func (db *DB) BeginSnapshot(ctx context.Context) (*sql.Tx, error) {
	// Entries committed but not yet chained are sealed first, so that the
	// archive's chains hold them (audit_seal.go); any committed after this
	// are archived as pending (audit_pending) and sealed after a restore.
	if v, err := db.SchemaVersion(ctx, db.SQL); err == nil && v >= auditPendingVersion {
		if err := db.SealAllAudit(ctx); err != nil {
			return nil, err
		}
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.SQL.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store: begin snapshot: %w", err)
	}
	return tx, nil
}

// SchemaVersion returns the goose version of the schema as q sees it, or 0
// for a database that was never migrated. It reads goose's table itself
// because goose's GetDBVersion creates that table when it is missing.
func (db *DB) SchemaVersion(ctx context.Context, q Querier) (int64, error) {
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	if db.Engine == Postgres {
		exists = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'goose_db_version'`
	}
	var n int
	if err := q.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v.Int64, nil
}

// LatestSchemaVersion is the newest migration this binary holds for the
// engine.
func LatestSchemaVersion(e Engine) (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(e))
	if err != nil {
		return 0, fmt.Errorf("store: migrations of %s: %w", e, err)
	}
	var latest int64
	for _, f := range entries {
		if !strings.HasSuffix(f.Name(), ".sql") {
			continue
		}
		v, err := goose.NumericComponent(f.Name())
		if err != nil {
			return 0, fmt.Errorf("store: migration %s: %w", f.Name(), err)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// InsertKeepingIDs is an INSERT of one row into table that keeps the
// values given for identity columns. OVERRIDING SYSTEM VALUE also covers
// PostgreSQL databases created while the ids were GENERATED ALWAYS;
// SQLite takes explicit ids as they are and advances sqlite_sequence
// itself.
func (db *DB) InsertKeepingIDs(table string, cols []string) string {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	override := ""
	if db.Engine == Postgres {
		override = " OVERRIDING SYSTEM VALUE"
	}
	return db.q(`INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `)` + override + ` VALUES (` + marks + `)`)
}

// NextID is the id the database would give the next row of table: past
// its largest id, and past ids of rows deleted since (a restore keeps them
// unused, so that an audit entry about a deleted row never comes to name
// a new one).
func (db *DB) NextID(ctx context.Context, q Querier, table, column string) (int64, error) {
	var last sql.NullInt64
	var err error
	if db.Engine == Postgres {
		err = q.QueryRowContext(ctx, `SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass)`, table, column).Scan(&last)
	} else {
		err = q.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = ?`, table).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
	}
	if err != nil {
		return 0, fmt.Errorf("store: id sequence of %s: %w", table, err)
	}
	var top sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(`+column+`) FROM `+table).Scan(&top); err != nil {
		return 0, fmt.Errorf("store: id sequence of %s: %w", table, err)
	}
	return max(last.Int64, top.Int64) + 1, nil
}

// ResetIdentity moves the id sequence of table past its largest id and to
// at least next, after rows were inserted with explicit ids, so that the
// next generated id collides with nothing and reuses no id of the source.
// SQLite advances sqlite_sequence past explicit ids itself; only next
// needs setting there.
func (db *DB) ResetIdentity(ctx context.Context, tx *sql.Tx, table, column string, next int64) error {
	var err error
	if db.Engine == Postgres {
		_, err = tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE(MAX(`+column+`), 0) + 1, $3), false) FROM `+table,
			table, column, next)
	} else if next > 1 {
		if _, err = tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?`, next-1, table, next-1); err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS
				(SELECT 1 FROM sqlite_sequence WHERE name = ?)`, table, next-1, table)
		}
	}
	if err != nil {
		return fmt.Errorf("store: resetting the id sequence of %s: %w", table, err)
	}
	return nil
}

// IsUniqueViolation reports a unique or primary-key violation on either
// engine.
func IsUniqueViolation(err error) bool { return isDuplicate(mapErr(err)) }

// IsForeignKeyViolation reports a foreign-key violation on either engine.
func IsForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	return sqliteCode(err) == sqliteForeignKey
}

// Bytewise is col for an ORDER BY that sorts text by its bytes on both
// engines: SQLite's BINARY collation does; PostgreSQL's default collation
// follows the server's locale, so it is told "C".
func (db *DB) Bytewise(col string) string {
	if db.Engine == Postgres {
		return col + ` COLLATE "C"`
	}
	return col
}
