// Package store owns all SQL, for SQLite and PostgreSQL alike. Queries are
// written once with ? placeholders and rebound for PostgreSQL (see DB.q).
//
// # Tenant boundaries
//
// Every query takes the tenant explicitly and names it (tenant_id = ?);
// national holidays, instance data, carry tenant_id 0 like the instance's
// audit chain. The schema refuses a row that points into another tenant:
// every reference between tenant-scoped tables is a composite foreign key
// such as (tenant_id, unit_id) → units(tenant_id, id), and
// schema_test.go fails for a reference that is not.
//
// # Queries without a tenant
//
// The functions below run queries that legitimately name no tenant.
// scope_test.go reads this list and fails for a query without tenant_id in
// any other function, naming it; when such a function is renamed, rename it
// here too. Entries are "Type.Method" or "function", then the reason.
//
//   - PresenceHub.Publish: pg_notify on the presence channel, no table; the
//     payload carries the tenant id (presence_hub.go).
//   - Tx.InsertTenant, Tx.UpdateTenantRow, Tx.FindTenantByID, DB.FindTenants,
//     DB.FindTenantByID, DB.FindTenantBySlug, DB.FindTenantRefBySlug,
//     Tx.LockPolicyVersions: the tenants table itself, whose id is the
//     tenant (tenants.go, policy.go).
//   - Tx.InsertOperator, Tx.FindOperatorForUpdate, Tx.UpdateOperatorRow,
//     DB.FindOperatorByLogin, DB.FindOperatorByID: instance operators, who
//     belong to no tenant (operator.go).
//   - DB.TouchSession, DB.DeleteSession: a session found by the hash of its
//     cookie token, which is what tells the tenant.
//   - DB.DeleteExpiredSessions: the instance-wide sweep of expired sessions
//     and old login failures.
//   - DB.RecordLoginFailure, DB.RecordLoginAttempt, DB.DeleteLoginAttempts,
//     DB.CountLoginFailures, DB.ClearLoginFailures: sign-in throttling,
//     keyed by a hash of the account or address before any tenant is known.
//   - DB.TouchAPITokens: the last use of tokens already found by their hash.
//   - countInto: the count of a list query its caller passes in whole,
//     which names the tenant itself (helpers.go).
//   - DB.DeleteOldIdempotencyKeys: the instance-wide sweep of the 24-hour
//     replay cache.
//   - DB.CreateSSOState: sweeps expired sign-in flows of every tenant before
//     saving a new one.
//   - DB.ClaimJobRun, DB.FinishJobRun, DB.FailJobRun, DB.RenewJobRun: runs of periodic jobs, which are
//     instance-wide.
//   - Tx.xactLock: an advisory lock whose key names the tenant (the
//     organisation lock, orglock.go; one unit's roster publications,
//     rosterplan.go; one unit's task sheet, tasks.go).
//   - DB.rekeyIfAsked: the one-time recomputation of every tenant's staff
//     search keys after a change of org.SearchKey (search_rekey.go), asked
//     for by a migration's job_runs row.
//   - DB.SchemaVersion, DB.InsertKeepingIDs, DB.NextID, DB.ResetIdentity:
//     schema and whole-table helpers for internal/backup, which chooses the
//     tenant's rows itself.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite" // registers "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"telework/internal/apperr"
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is the application's database handle.
type DB struct {
	SQL    *sql.DB
	Engine Engine
	// Now is the clock; tests replace it.
	Now func() time.Time

	rebound  rebindCache    // query text → PostgreSQL form
	stmts    stmtCache      // SQLite: query text → prepared statement
	writes   writeQueue     // SQLite: this process's write transactions, committed in groups (writer.go)
	sealers  sealers        // this process's audit sealers, one per tenant (audit_seal.go)
	presence presenceMemory // SQLite: the current presence, never written to the file (presence.go)
	offices  sync.Map       // officeKey → *places.Office: the last read of each office (FindOfficeCached)
	file     string         // SQLite: the database file ("" in memory); its migrations are serialised on it
}

// IsPostgresDSN reports whether dsn names a PostgreSQL server rather than a
// SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// pgMaxConns bounds the PostgreSQL pool (open and idle alike).
const pgMaxConns = 20

// Open connects to a SQLite file path or a postgres:// DSN. It does not
// migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now}
	var err error
	if IsPostgresDSN(dsn) {
		db.Engine = Postgres
		db.SQL, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: opening PostgreSQL: %w", err)
		}
		// As many idle connections as open ones: under load a smaller idle
		// pool closes and reopens connections, which cost PostgreSQL about
		// half its CPU in the two-node benchmark (docs/benchmarks.md).
		db.SQL.SetMaxOpenConns(pgMaxConns)
		db.SQL.SetMaxIdleConns(pgMaxConns)
		db.SQL.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		db.Engine = SQLite
		db.file = sqlitePath(dsn)
		if err := createPrivate(db.file); err != nil {
			return nil, err
		}
		db.SQL, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err != nil {
			return nil, fmt.Errorf("store: opening SQLite file %s: %w", dsn, err)
		}
		// WAL lets readers run beside the one writer; immediate
		// transactions take the write lock up front so that two writers
		// wait for each other instead of failing with SQLITE_BUSY.
		db.SQL.SetMaxOpenConns(8)
		db.SQL.SetMaxIdleConns(8)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.SQL.PingContext(pctx); err != nil {
		db.SQL.Close()
		return nil, fmt.Errorf("store: connecting to the %s database: %w", db.Engine, err)
	}
	if db.Engine == SQLite {
		// SQLite gives its -wal and -shm files the database file's mode;
		// files left by an older version are tightened here too.
		if p := sqlitePath(dsn); p != "" {
			for _, f := range []string{p, p + "-wal", p + "-shm"} {
				if err := tightenMode(f); err != nil {
					db.SQL.Close()
					return nil, err
				}
			}
		}
	}
	return db, nil
}

// The SQLite file holds password hashes and SSO client secrets: it is
// created readable by the server's account only (0600), whatever the
// umask, and an existing file, -wal or -shm readable by others loses those
// bits when the store opens it.
const sqliteFileMode = 0o600

// SQLiteFile is the file a SQLite DSN names: the path, or the path of a
// file: URI; "" for PostgreSQL and an in-memory database.
func SQLiteFile(dsn string) string {
	if IsPostgresDSN(dsn) {
		return ""
	}
	return sqlitePath(dsn)
}

// sqlitePath is the file a SQLite DSN names ("" for an in-memory one).
func sqlitePath(dsn string) string {
	p := dsn
	if rest, ok := strings.CutPrefix(dsn, "file:"); ok {
		p, _, _ = strings.Cut(rest, "?")
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
	}
	if p == "" || p == ":memory:" || strings.Contains(dsn, "mode=memory") {
		return ""
	}
	return p
}

// createPrivate creates path with mode 0600 when it does not exist yet, so
// that SQLite opens an empty private file instead of creating one with the
// umask's mode.
func createPrivate(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, sqliteFileMode)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return fmt.Errorf("store: creating SQLite file %s: %w", path, err)
	}
	if err := f.Chmod(sqliteFileMode); err != nil { // the umask may have taken bits
		f.Close()
		return fmt.Errorf("store: creating SQLite file %s: %w", path, err)
	}
	return f.Close()
}

// tightenMode removes the group and other permissions of path, if it exists.
func tightenMode(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("store: SQLite file %s: %w", path, err)
	}
	if st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, st.Mode().Perm()&^0o077); err != nil {
		return fmt.Errorf("store: making SQLite file %s private: %w", path, err)
	}
	return nil
}

func sqliteDSN(path string) string {
	if strings.HasPrefix(path, "file:") {
		return path
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	// FULL: a commit is on disk before anyone is told it happened. With
	// NORMAL a power cut (a town hall's server closet without a UPS) can
	// take back the last commits after their 201 — an attendance record,
	// a decision, and their audit entries, whose chain head may already
	// have been written down elsewhere (an outside copy that no longer
	// matches reads as tampering). The cost is one fsync per commit; the
	// write queue shares it among every request of a batch
	// (docs/architecture.md). An operator who accepts the risk passes a
	// file: URI with its own pragmas.
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	// The path is part of a URI: a '#' or '?' in a directory name would
	// otherwise silently open a different (empty) database.
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	return u.String()
}

// Close closes the prepared statements and the pool.
func (db *DB) Close() error {
	db.stmts.mu.Lock()
	db.stmts.closed = true
	db.stmts.mu.Unlock()
	db.stmts.bg.Wait() // a statement left open would keep a connection, and SQLite's WAL unmerged
	db.stmts.mu.Lock()
	for _, st := range db.stmts.m {
		st.Close()
	}
	db.stmts.m = nil
	db.stmts.mu.Unlock()
	return db.SQL.Close()
}

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.Engine))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.Engine == Postgres {
		dialect = goose.DialectPostgres
		// Several app nodes may start together: a session-level advisory
		// lock makes exactly one of them apply the migrations.
		// Retry the lock every second (goose's default is 5 s), so a node
		// that loses the race is ready soon after the winner.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.SQL, sub, opts...)
}

// SchemaNewerError refuses a database whose schema a newer telework wrote:
// this binary does not know its tables (an older binary put back after an
// upgrade would fail on the first page that reads a table the upgrade
// changed, and its migrations would report "current").
type SchemaNewerError struct{ Database, Binary int64 }

func (e *SchemaNewerError) Error() string {
	return fmt.Sprintf("データベースのスキーマ (version %d) がこの telework (version %d) より新しいため、起動・移行しません。"+
		"データベースを更新した版(またはそれより新しい版)の telework を使ってください / the database schema (version %d) is newer "+
		"than this telework's (version %d): not starting or migrating; run the telework version that upgraded it, or a newer one",
		e.Database, e.Binary, e.Database, e.Binary)
}

// SchemaVersions are the database's schema version (0: never migrated) and
// the newest migration this binary holds.
func (db *DB) SchemaVersions(ctx context.Context) (current, latest int64, err error) {
	if current, err = db.SchemaVersion(ctx, db.SQL); err != nil {
		return 0, 0, err
	}
	latest, err = LatestSchemaVersion(db.Engine)
	return current, latest, err
}

// schemaNewer returns a *SchemaNewerError when the database's schema is
// newer than the newest migration this binary holds.
func (db *DB) schemaNewer(ctx context.Context) error {
	v, latest, err := db.SchemaVersions(ctx)
	if err != nil {
		return err
	}
	if v > latest {
		return &SchemaNewerError{Database: v, Binary: latest}
	}
	return nil
}

// Migrate applies pending migrations and returns how many ran. A database
// a newer telework migrated is refused (*SchemaNewerError), unchanged.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	n, err := db.migrate(ctx, "migrating", func(p *goose.Provider) ([]*goose.MigrationResult, error) {
		if err := db.schemaNewer(ctx); err != nil {
			return nil, err
		}
		return p.Up(ctx)
	})
	if err != nil {
		return n, err
	}
	if err := db.rekeyIfAsked(ctx); err != nil {
		return n, err
	}
	// Entries committed but not sealed when the server last stopped.
	return n, db.SealAllAudit(ctx)
}

// MigrateTo applies pending migrations up to and including version and
// returns how many ran: for testing a migration against rows written by
// the schema before it.
func (db *DB) MigrateTo(ctx context.Context, version int64) (int, error) {
	return db.migrate(ctx, "migrating", func(p *goose.Provider) ([]*goose.MigrationResult, error) { return p.UpTo(ctx, version) })
}

// MigrateDownTo rolls the schema back to version (the migrations after it
// run their Down parts, newest first): for testing a migration against rows
// written by the schema before it, whatever migrations came later.
func (db *DB) MigrateDownTo(ctx context.Context, version int64) (int, error) {
	return db.migrate(ctx, "rolling back", func(p *goose.Provider) ([]*goose.MigrationResult, error) { return p.DownTo(ctx, version) })
}

// migrate runs one step of the engine's migrations and returns how many
// ran; doing names the step in the error.
func (db *DB) migrate(ctx context.Context, doing string, step func(*goose.Provider) ([]*goose.MigrationResult, error)) (int, error) {
	p, err := db.provider()
	if err != nil {
		return 0, fmt.Errorf("store: preparing migrations: %w", err)
	}
	// PostgreSQL's migrations hold an advisory lock (provider); a SQLite
	// file's hold a lock on the file, so that a `telework migrate` beside a
	// starting server, or two starting at once, run them once: otherwise
	// both see a migration pending, the second fails half-way (a column
	// added twice) or applies a data-only one a second time.
	unlock, err := lockFile(ctx, db.file)
	if err != nil {
		return 0, fmt.Errorf("store: locking %s for migrations: %w", db.file, err)
	}
	defer unlock()
	res, err := step(p)
	var newer *SchemaNewerError
	if errors.As(err, &newer) {
		return 0, err
	}
	if err != nil {
		return len(res), fmt.Errorf("store: %s the %s database: %w", doing, db.Engine, err)
	}
	return len(res), nil
}

// MigrationsCurrent reports whether the schema is at the newest version this
// binary knows (for /readyz).
func (db *DB) MigrationsCurrent(ctx context.Context) (bool, error) {
	p, err := db.provider()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil || pending {
		return false, err
	}
	// Nothing pending is also what a database a newer telework migrated
	// reads as: not ready either.
	var newer *SchemaNewerError
	if err := db.schemaNewer(ctx); errors.As(err, &newer) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, nil
}

// q rewrites ? placeholders to $1, $2 … for PostgreSQL. Queries in this
// package never contain a literal question mark.
//
// Rewriting costs about 0.5–0.8 µs for a typical query and 15–30 µs for a
// 900-placeholder batch insert, a cache hit 20–120 ns (BenchmarkRebind), so
// rewritten texts are cached, in a bounded cache: a query text that carries
// data (a number, a list's length) would otherwise grow it without end.
func (db *DB) q(query string) string {
	if db.Engine != Postgres {
		return query
	}
	if v, ok := db.rebound.get(query); ok {
		return v
	}
	out := rebind(query)
	db.rebound.put(query, out)
	return out
}

// rebind numbers the ? placeholders of query.
func rebind(query string) string {
	i := strings.IndexByte(query, '?')
	if i < 0 {
		return query
	}
	buf := make([]byte, 0, len(query)+3*strings.Count(query[i:], "?"))
	n := int64(0)
	for i >= 0 {
		n++
		buf = append(buf, query[:i]...)
		buf = append(buf, '$')
		buf = strconv.AppendInt(buf, n, 10)
		query = query[i+1:]
		i = strings.IndexByte(query, '?')
	}
	return string(append(buf, query...))
}

// rebindGeneration is the number of texts after which the rebind cache
// starts a new generation. The package has a few hundred query texts, so a
// generation holds them all; the cache holds at most two generations.
const rebindGeneration = 2048

// rebindCache is a bounded cache of two generations: texts are added to the
// current one, and when it is full it becomes the previous one and the
// one before is dropped. A text found in the previous generation is copied
// into the current one, so the queries in use stay cached while texts used
// once age out. Reads take no lock.
type rebindCache struct {
	gen atomic.Pointer[rebindGen]
}

type rebindGen struct {
	cur, prev *sync.Map
	n         atomic.Int64 // texts stored in cur
}

func (c *rebindCache) load() *rebindGen {
	if g := c.gen.Load(); g != nil {
		return g
	}
	c.gen.CompareAndSwap(nil, &rebindGen{cur: new(sync.Map), prev: new(sync.Map)})
	return c.gen.Load()
}

func (c *rebindCache) get(query string) (string, bool) {
	g := c.load()
	if v, ok := g.cur.Load(query); ok {
		return v.(string), true
	}
	if v, ok := g.prev.Load(query); ok {
		c.put(query, v.(string))
		return v.(string), true
	}
	return "", false
}

func (c *rebindCache) put(query, out string) {
	g := c.load()
	if _, loaded := g.cur.LoadOrStore(query, out); loaded {
		return
	}
	if g.n.Add(1) >= rebindGeneration {
		// Of the callers that fill the generation together, one rotates;
		// the others' texts stay in the generation that became previous.
		c.gen.CompareAndSwap(g, &rebindGen{cur: new(sync.Map), prev: g.cur})
	}
}

// len counts the cached texts (for tests).
func (c *rebindCache) len() int {
	g := c.load()
	n := 0
	count := func(any, any) bool { n++; return true }
	g.cur.Range(count)
	g.prev.Range(count)
	return n
}

// Tx is one transaction: one user action, with its audit entry.
type Tx struct {
	db      *DB
	tx      *sql.Tx
	audited []int64    // tenants with entries to seal after the commit
	heads   auditHeads // the chain heads this write transaction holds (audit.go)
	// stmtCtx, when set, replaces the callers' contexts for the statements:
	// a transaction shared by a batch of writers (writer.go) must not be
	// interrupted by one of them going away.
	stmtCtx context.Context
	org     int8 // the organisation lock this transaction holds (orglock.go)
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if t.stmtCtx != nil {
		ctx = t.stmtCtx
	}
	if st := t.prepared(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.db.q(q), args...)
}
func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if t.stmtCtx != nil {
		ctx = t.stmtCtx
	}
	if st := t.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.db.q(q), args...)
}
func (t *Tx) row(ctx context.Context, q string, args ...any) *sql.Row {
	if t.stmtCtx != nil {
		ctx = t.stmtCtx
	}
	if st := t.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.db.q(q), args...)
}

// prepared is the cached statement of q on the transaction's connection
// (SQLite; nil: run it unprepared). database/sql prepares a cached
// statement once per connection and keeps it there, so a transaction's
// statements are parsed once per connection instead of at every run (a
// third of a submission's time in the write lock). A statement not yet
// cached is prepared in the background: preparing needs a second
// connection, which a transaction must not wait for.
func (t *Tx) prepared(ctx context.Context, q string) *sql.Stmt {
	if t.db.Engine != SQLite {
		return nil
	}
	c := &t.db.stmts
	c.mu.Lock()
	st, ok := c.m[q]
	full := len(c.m) >= stmtCacheMax
	start := !ok && !full && !c.preparing[q] && !c.closed
	if start {
		if c.preparing == nil {
			c.preparing = map[string]bool{}
		}
		c.preparing[q] = true
		c.bg.Add(1)
	}
	c.mu.Unlock()
	if start {
		go func() {
			defer c.bg.Done()
			t.db.prepared(context.WithoutCancel(ctx), q)
			c.mu.Lock()
			delete(c.preparing, q)
			c.mu.Unlock()
		}()
	}
	if st == nil {
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}

// query and row run a read outside a transaction; a read that met a
// connection lost under it (a PostgreSQL restart) runs once more on a
// fresh one (afterConnLost).
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	rows, err := db.SQL.QueryContext(ctx, db.q(q), args...)
	if db.afterConnLost(err) && readOnly(q) {
		rows, err = db.SQL.QueryContext(ctx, db.q(q), args...)
	}
	return rows, err
}
func (db *DB) row(ctx context.Context, q string, args ...any) *sql.Row {
	if st := db.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	r := db.SQL.QueryRowContext(ctx, db.q(q), args...)
	if db.afterConnLost(r.Err()) && readOnly(q) {
		r = db.SQL.QueryRowContext(ctx, db.q(q), args...)
	}
	return r
}

// stmtCache keeps SQLite's prepared statements for the reads outside a
// transaction. SQLite parses a query's text on every run otherwise (a
// quarter of an API read's CPU); PostgreSQL's driver (pgx) already caches
// its statements per connection. Only the first stmtCacheMax distinct
// texts are kept: texts that vary (IN-lists) simply run unprepared.
type stmtCache struct {
	mu        sync.Mutex
	m         map[string]*sql.Stmt
	preparing map[string]bool // texts a transaction asked for, being prepared
	bg        sync.WaitGroup  // those preparations, waited for by Close
	closed    bool
}

const stmtCacheMax = 512

// prepared returns the cached statement of q (nil: run it unprepared).
func (db *DB) prepared(ctx context.Context, q string) *sql.Stmt {
	if db.Engine != SQLite {
		return nil
	}
	c := &db.stmts
	c.mu.Lock()
	st, ok := c.m[q]
	full := len(c.m) >= stmtCacheMax
	c.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := db.SQL.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared run reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		st.Close()
		return nil
	}
	if old, ok := c.m[q]; ok {
		st.Close()
		return old
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = st
	return st
}
func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.execWrite(ctx, q, args...)
}

// inBulkTx is InTx for a transaction that writes thousands of rows (an
// import). PostgreSQL checks each composite foreign key with a plan it
// caches per connection; a plan made while the referenced table was small
// (a connection that wrote the first staff of a tenant) scans the table,
// and every check of a 50,000-row import then reads all of it (120 s
// instead of 3 s). The transaction starts by discarding the connection's
// plans, so each check is planned afresh on the table as it is, and the
// import writes its history rows after all staff rows (CreateStaffBatch).
func (db *DB) inBulkTx(ctx context.Context, fn func(*Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if db.Engine == Postgres {
			if _, err := tx.exec(ctx, `DISCARD PLANS`); err != nil {
				return fmt.Errorf("store: bulk transaction: %w", err)
			}
		}
		return fn(tx)
	})
}

// InTx runs fn in one transaction, committing when fn returns nil; the
// audit entries it wrote are sealed into their chains after the commit.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	audited, err := db.inTx(ctx, fn)
	if err == nil && len(audited) > 0 {
		db.sealAfterCommit(ctx, audited)
	}
	return err
}

// inTx is InTx without the sealing: it returns the tenants whose audit
// entries wait to be sealed.
func (db *DB) inTx(ctx context.Context, fn func(*Tx) error) ([]int64, error) {
	if db.Engine == SQLite {
		return db.inWriteQueue(ctx, fn)
	}
	sqlTx, err := db.SQL.BeginTx(ctx, nil)
	if db.afterConnLost(err) {
		sqlTx, err = db.SQL.BeginTx(ctx, nil) // nothing was done: BEGIN failed
	}
	if err != nil {
		if connLost(err) || unavailable(err) {
			// Nothing was done: the transaction never began.
			return nil, apperr.UnavailableErr(fmt.Errorf("store: begin: %w", err))
		}
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	t := &Tx{db: db, tx: sqlTx}
	// A panic in fn (recovered further up, e.g. by net/http) must not
	// leave the transaction open with its locks and its connection.
	panicked, err := callTxFn(fn, t)
	if panicked != nil {
		_ = sqlTx.Rollback()
		panic(panicked)
	}
	if err != nil {
		_ = sqlTx.Rollback()
		return nil, err
	}
	// The chain heads this transaction took while sealing (audit_seal.go)
	// and advanced since, written back before the commit.
	if err := t.flushAuditHeads(ctx); err != nil {
		_ = sqlTx.Rollback()
		return nil, err
	}
	if err := sqlTx.Commit(); err != nil {
		return nil, mapErr(fmt.Errorf("store: commit: %w", err))
	}
	return t.audited, nil
}

// Ping checks the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// mapErr turns driver errors into the shared codes: a unique violation
// becomes Conflict, so handlers can say "already in use".
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return &apperr.Error{Code: apperr.Conflict, Key: "error.duplicate", Err: err}
	}
	if unavailable(err) {
		return apperr.UnavailableErr(err)
	}
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return &apperr.Error{Code: apperr.Conflict, Key: "error.duplicate", Err: err}
	}
	return err
}

func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullID stores 0 as NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// sqliteForeignKey is SQLite's extended code of a foreign-key violation.
const sqliteForeignKey = sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY

// sqliteCode is the extended result code of a SQLite error (0 for anything
// else): errors are told apart by code, never by their message text.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}
