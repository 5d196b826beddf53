package app

import (
	"context"
	"io"
	"time"

	"telework/internal/audit"
	"telework/internal/backup"
	"telework/internal/store"
)

// Backup opens the database named by dsn (without migrating it: a backup
// records the schema as it is) and writes an archive of it to w.
func Backup(ctx context.Context, dsn string, w io.Writer, opt backup.Options) (*backup.Manifest, error) {
	if DatabaseMissing(dsn) { // a file: URI too, which the command's check of the path misses
		return nil, ErrNoDatabase{store.SQLiteFile(dsn)}
	}
	d, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return backup.Create(ctx, d, w, opt)
}

// CheckRestoreTarget reports whether the database named by dsn could take
// the archive (false: it must be migrated first to tell).
func CheckRestoreTarget(ctx context.Context, dsn string, a *backup.Archive) (bool, error) {
	d, err := store.Open(ctx, dsn)
	if err != nil {
		return false, err
	}
	defer d.Close()
	return a.CheckTarget(ctx, d)
}

// Restored says what a restore wrote and how its audit chains verify.
type Restored struct {
	Engine string
	Chains []audit.ChainResult
}

// Restore writes the archive into the database named by dsn and verifies
// the restored audit chains (a broken chain was broken in the source: the
// restore stands, and the result says where).
func Restore(ctx context.Context, dsn string, a *backup.Archive) (*Restored, error) {
	d, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if err := a.Restore(ctx, d); err != nil {
		return nil, err
	}
	var ids []int64
	if a.Manifest.TenantID != 0 {
		ids = []int64{a.Manifest.TenantID}
	}
	chains, err := audit.NewService(d, func() time.Time { return d.Now() }).VerifyChains(ctx, ids)
	if err != nil {
		return nil, err
	}
	return &Restored{Engine: string(d.Engine), Chains: chains}, nil
}

// IsPostgresDSN reports whether dsn names a PostgreSQL server.
func IsPostgresDSN(dsn string) bool { return store.IsPostgresDSN(dsn) }
