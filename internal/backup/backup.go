// Package backup owns the engine-neutral archive of an instance or of one
// tenant: writing it from a consistent snapshot, verifying a whole archive
// before anything is written, and loading it into an empty database of
// either engine, ids kept, in one transaction. This is also how a town moves
// from SQLite to PostgreSQL.
//
// An archive is a gzip-compressed tar: manifest.json first, then one
// JSON-Lines file per table in Tables order, one object per row (column →
// value; integers as numbers, booleans as true/false on both engines, NULL
// as null, text as strings). The manifest records each file's row count and
// SHA-256, so a truncated, damaged or edited archive is refused whole; with
// a key, manifest.sig after it holds the manifest's HMAC (sign.go), so an
// archive edited with recomputed checksums is refused too.
package backup

import (
	"fmt"
	"time"
)

const (
	// FormatName is the manifest's format field.
	FormatName = "telework-backup"
	// FormatVersion is the archive layout this package writes and reads.
	FormatVersion = 1
	// ManifestFile is the first entry of every archive.
	ManifestFile = "manifest.json"
	// ScopeAll is the scope of a backup of the whole instance.
	ScopeAll = "all"

	maxManifestSize = 1 << 20
)

// Manifest describes an archive.
type Manifest struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	SchemaVersion int64     `json:"schema_version"` // goose version of the source database
	Engine        string    `json:"engine"`         // of origin: sqlite or postgres
	CreatedAt     time.Time `json:"created_at"`
	Producer      string    `json:"producer,omitempty"`
	// Scope is "all" or the tenant's slug; TenantID tells them apart (a
	// tenant may be called "all"): 0 for the whole instance.
	Scope    string      `json:"scope"`
	TenantID int64       `json:"tenant_id"`
	Tables   []TableFile `json:"tables"`
}

// TableFile is one table's entry in the manifest.
type TableFile struct {
	Name    string   `json:"name"`
	File    string   `json:"file"`
	Rows    int64    `json:"rows"`
	SHA256  string   `json:"sha256"`
	Columns []string `json:"columns"`
	// NextID is, for a table whose ids the database generates, the id the
	// source would have given next; a restore does not give out lower ones,
	// so ids of rows deleted in the source are not reused.
	NextID int64 `json:"next_id,omitempty"`
}

// Rows is the number of rows in the archive.
func (m *Manifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}

// ErrorKind says why a backup or a restore was refused.
type ErrorKind int

const (
	// Corrupt: the archive is damaged, truncated, edited or not an archive.
	Corrupt ErrorKind = iota + 1
	// Incompatible: the archive or the database is of another schema or
	// format version than this binary.
	Incompatible
	// Conflict: the target database already holds some of the rows.
	Conflict
	// Unsigned: the archive carries no signature, or none could be
	// checked (no key), and unsigned archives were not allowed.
	Unsigned
)

// Error is a refusal, explained in Japanese and in English. Nothing has
// been written when a restore returns one.
type Error struct {
	Kind ErrorKind
	Ja   string
	En   string
	Err  error // the underlying cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Ja + " / " + e.En + ": " + e.Err.Error()
	}
	return e.Ja + " / " + e.En
}

func (e *Error) Unwrap() error { return e.Err }

// corrupt explains what is wrong with an archive.
func corrupt(cause error, ja, en string, args ...any) *Error {
	return &Error{Kind: Corrupt,
		Ja:  "バックアップファイルが壊れているか改変されているため、何も書き込まずに中止しました: " + fmt.Sprintf(ja, args...),
		En:  "the backup file is damaged or altered, nothing was written: " + fmt.Sprintf(en, args...),
		Err: cause}
}
