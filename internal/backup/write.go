package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/store"
)

// Options narrow and label a backup.
type Options struct {
	// Tenant is the slug of the one tenant to back up; "" backs up the
	// whole instance (every tenant, the operators, the instance chain).
	Tenant string
	// Producer names the program in the manifest, e.g. "telework v1.2.0".
	Producer string
	// Now is the manifest's created_at; zero means the current time.
	Now time.Time
	// SpoolDir holds the uncompressed tables while the archive is written
	// (the size of the data); "" means the system's temporary directory.
	SpoolDir string
	// Key signs the manifest (at least MinKeyBytes); nil writes an
	// unsigned archive, which a restore refuses without --allow-unsigned.
	Key []byte
}

// Create writes an archive of db to w. Every table is read in one read-only
// transaction, so the archive is one consistent state even while the
// server runs. The tables are spooled to a temporary directory first,
// because the manifest, which comes first, holds their counts and checksums.
//
// It refuses a database whose schema is not the newest this binary knows,
// since Tables describes that schema and no other.
func Create(ctx context.Context, db *store.DB, w io.Writer, opt Options) (*Manifest, error) {
	tx, err := db.BeginSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	ver, err := sourceSchemaCurrent(ctx, db, tx)
	if err != nil {
		return nil, err
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	m := &Manifest{Format: FormatName, FormatVersion: FormatVersion, SchemaVersion: ver, Engine: string(db.Engine),
		CreatedAt: now.UTC().Truncate(time.Second), Producer: opt.Producer, Scope: ScopeAll}
	if opt.Tenant != "" {
		err := tx.QueryRowContext(ctx, db.Rebind(`SELECT id FROM tenants WHERE slug = ?`), opt.Tenant).Scan(&m.TenantID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("団体コード %q の団体がありません / no tenant with the code %q", opt.Tenant, opt.Tenant)
		}
		if err != nil {
			return nil, fmt.Errorf("backup: finding tenant %q: %w", opt.Tenant, err)
		}
		m.Scope = opt.Tenant
	}

	spool, err := os.MkdirTemp(opt.SpoolDir, ".telework-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: temporary directory: %w", err)
	}
	defer os.RemoveAll(spool)
	for k := range Tables {
		t := &Tables[k]
		tf, err := spoolTable(ctx, db, tx, t, m.TenantID, filepath.Join(spool, t.File()))
		if err != nil {
			return nil, err
		}
		if t.Identity {
			if tf.NextID, err = db.NextID(ctx, tx, t.Name, t.Key[0]); err != nil {
				return nil, err
			}
		}
		m.Tables = append(m.Tables, *tf)
	}
	_ = tx.Rollback() // the snapshot is no longer needed while compressing

	if opt.Key != nil && len(opt.Key) < MinKeyBytes {
		return nil, fmt.Errorf("backup: the signing key must be at least %d bytes", MinKeyBytes)
	}
	if err := writeArchive(w, m, spool, opt.Key); err != nil {
		return nil, err
	}
	return m, nil
}

// sourceSchemaCurrent refuses to back up a schema this binary does not
// describe. Migrating the source first would change it before its backup,
// which is the moment a backup is usually taken for.
func sourceSchemaCurrent(ctx context.Context, db *store.DB, q store.Querier) (int64, error) {
	ver, err := db.SchemaVersion(ctx, q)
	if err != nil {
		return 0, err
	}
	latest, err := store.LatestSchemaVersion(db.Engine)
	if err != nil {
		return 0, err
	}
	switch {
	case ver == 0:
		return 0, &Error{Kind: Incompatible, Ja: "データベースに telework のテーブルがありません（接続先が正しいか確認してください）",
			En: "the database holds no telework schema (check --db)"}
	case ver < latest:
		return 0, &Error{Kind: Incompatible,
			Ja: fmt.Sprintf("データベースのスキーマ (version %d) がこの telework (version %d) より古いため、バックアップできません。データベースと同じ版の telework でバックアップするか、telework migrate の後で実行してください", ver, latest),
			En: fmt.Sprintf("the database schema (version %d) is older than this telework's (version %d): back it up with the telework release that matches it, or run telework migrate first", ver, latest)}
	case ver > latest:
		return 0, &Error{Kind: Incompatible,
			Ja: fmt.Sprintf("データベースのスキーマ (version %d) がこの telework (version %d) より新しいため、バックアップできません。新しい版の telework で実行してください", ver, latest),
			En: fmt.Sprintf("the database schema (version %d) is newer than this telework's (version %d): use a newer telework", ver, latest)}
	}
	return ver, nil
}

func spoolTable(ctx context.Context, db *store.DB, tx *sql.Tx, t *Table, tenantID int64, path string) (*TableFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("backup: spooling %s: %w", t.Name, err)
	}
	defer f.Close()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 64<<10)
	n, err := dumpTable(ctx, db, tx, t, tenantID, bw)
	if err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("backup: spooling %s: %w", t.Name, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("backup: spooling %s: %w", t.Name, err)
	}
	return &TableFile{Name: t.Name, File: t.File(), Rows: n, SHA256: hex.EncodeToString(h.Sum(nil)), Columns: t.ColumnNames()}, nil
}

// dumpTable writes the table's rows in the scope (tenantID 0: all rows) in
// key order as JSON Lines, and returns how many it wrote. The same text
// comes out of either engine for the same data.
func dumpTable(ctx context.Context, db *store.DB, q queryer, t *Table, tenantID int64, w io.Writer) (int64, error) {
	query := `SELECT ` + strings.Join(t.ColumnNames(), ", ") + ` FROM ` + t.Name
	var args []any
	if tenantID != 0 {
		switch t.scope {
		case instanceRows:
			return 0, nil
		case tenantItself:
			query += ` WHERE id = ?`
		case tenantRows:
			query += ` WHERE tenant_id = ?`
		}
		args = append(args, tenantID)
	}
	order := make([]string, len(t.Key))
	for k, name := range t.Key {
		order[k] = name
		if t.Columns[t.column(name)].Kind == Text {
			order[k] = db.Bytewise(name) // the same order on both engines
		}
	}
	query += ` ORDER BY ` + strings.Join(order, ", ")
	rows, err := q.QueryContext(ctx, db.Rebind(query), args...)
	if err != nil {
		return 0, fmt.Errorf("backup: reading %s: %w", t.Name, err)
	}
	defer rows.Close()
	dest := make([]any, len(t.Columns))
	for k, c := range t.Columns {
		switch c.Kind {
		case Int:
			dest[k] = new(sql.NullInt64)
		case Bool:
			dest[k] = new(sql.NullBool) // takes SQLite's 0/1 as well as BOOLEAN
		case Text:
			dest[k] = new(sql.NullString)
		}
	}
	var n int64
	var line []byte
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, fmt.Errorf("backup: reading %s: %w", t.Name, err)
		}
		line, err = appendRow(line[:0], t, dest)
		if err != nil {
			return n, err
		}
		if _, err := w.Write(line); err != nil {
			return n, fmt.Errorf("backup: writing %s: %w", t.Name, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("backup: reading %s: %w", t.Name, err)
	}
	return n, nil
}

// appendRow renders one scanned row as a JSON object in column order and
// a newline.
func appendRow(buf []byte, t *Table, dest []any) ([]byte, error) {
	buf = append(buf, '{')
	for k, c := range t.Columns {
		if k > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, c.Name)
		buf = append(buf, ':')
		switch v := dest[k].(type) {
		case *sql.NullInt64:
			if !v.Valid {
				buf = append(buf, "null"...)
			} else {
				buf = strconv.AppendInt(buf, v.Int64, 10)
			}
		case *sql.NullBool:
			if !v.Valid {
				buf = append(buf, "null"...)
			} else {
				buf = strconv.AppendBool(buf, v.Bool)
			}
		case *sql.NullString:
			if !v.Valid {
				buf = append(buf, "null"...)
				break
			}
			if !utf8.ValidString(v.String) {
				// JSON would silently replace the bytes; refuse rather than
				// write an archive that differs from the database.
				return nil, fmt.Errorf("表 %s の列 %s に UTF-8 でない文字列があります（%s）/ table %s, column %s holds text that is not UTF-8 (%s)",
					t.Name, c.Name, rowKey(t, dest), t.Name, c.Name, rowKey(t, dest))
			}
			buf = appendJSONString(buf, v.String)
		}
		if (!c.Null) && isNull(dest[k]) {
			return nil, fmt.Errorf("表 %s の列 %s が NULL です（%s）/ table %s, column %s is NULL (%s)",
				t.Name, c.Name, rowKey(t, dest), t.Name, c.Name, rowKey(t, dest))
		}
	}
	return append(buf, '}', '\n'), nil
}

func isNull(v any) bool {
	switch v := v.(type) {
	case *sql.NullInt64:
		return !v.Valid
	case *sql.NullBool:
		return !v.Valid
	case *sql.NullString:
		return !v.Valid
	}
	return false
}

func rowKey(t *Table, dest []any) string {
	vals := make([]any, len(t.Key))
	for k, name := range t.Key {
		switch v := dest[t.column(name)].(type) {
		case *sql.NullInt64:
			vals[k] = v.Int64
		case *sql.NullString:
			vals[k] = v.String
		case *sql.NullBool:
			vals[k] = v.Bool
		}
	}
	return t.describeKey(vals)
}

// appendJSONString quotes s as JSON without escaping <, > and &, so that
// Japanese text and HTML-ish audit snapshots stay readable.
func appendJSONString(buf []byte, s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(buf, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}

// writeArchive writes manifest.json and the spooled table files as a
// gzip-compressed tar.
func writeArchive(w io.Writer, m *Manifest, spool string, key []byte) error {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("backup: manifest: %w", err)
	}
	raw = append(raw, '\n')
	gz, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	if err != nil {
		return err
	}
	gz.ModTime = m.CreatedAt
	tw := tar.NewWriter(gz)
	hdr := func(name string, size int64) *tar.Header {
		return &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o600, ModTime: m.CreatedAt}
	}
	if err := tw.WriteHeader(hdr(ManifestFile, int64(len(raw)))); err != nil {
		return fmt.Errorf("backup: writing the archive: %w", err)
	}
	if _, err := tw.Write(raw); err != nil {
		return fmt.Errorf("backup: writing the archive: %w", err)
	}
	if key != nil {
		sig := sign(key, raw)
		if err := tw.WriteHeader(hdr(SignatureFile, int64(len(sig)))); err != nil {
			return fmt.Errorf("backup: writing the archive: %w", err)
		}
		if _, err := tw.Write(sig); err != nil {
			return fmt.Errorf("backup: writing the archive: %w", err)
		}
	}
	for _, tf := range m.Tables {
		if err := copyFile(tw, hdr, filepath.Join(spool, tf.File), tf.File); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("backup: writing the archive: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("backup: writing the archive: %w", err)
	}
	return nil
}

func copyFile(tw *tar.Writer, hdr func(string, int64) *tar.Header, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := tw.WriteHeader(hdr(name, st.Size())); err != nil {
		return fmt.Errorf("backup: writing the archive: %w", err)
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("backup: writing the archive: %w", err)
	}
	return nil
}
