package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"telework/internal/store"
)

// maxLine bounds one row, so that a damaged file without newlines cannot
// exhaust memory.
const maxLine = 16 << 20

// Archive is an archive that has been read whole and verified.
type Archive struct {
	Manifest Manifest

	src         io.ReadSeeker
	opened      bool
	manifestSum [sha256.Size]byte
	manifestRaw []byte
	sig         []byte // manifest.sig, nil when absent
	verified    bool   // Verify passed: Restore may write
	summary     Summary
	keys        map[string][]int64 // table → its rows' keys, sorted (tables with one integer key)
	tuples      map[string][][]any // table → its rows' keys (other tables)
	slugs       []string
}

// Open reads the whole archive from r and verifies it before anything is
// written anywhere: the format and its version, the gzip and tar framing to
// the last byte, every table file present and in order, their row counts
// and SHA-256 checksums, the schema version, and that every row has exactly
// the expected columns with values of the right kind. Whatever is wrong, it
// returns an *Error that names it. r is read again by Restore.
func Open(r io.ReadSeeker) (*Archive, error) {
	a := &Archive{src: r, keys: map[string][]int64{}, tuples: map[string][][]any{}}
	if err := a.scan(a.collect, a.tableCollected); err != nil {
		return nil, err
	}
	if a.Manifest.TenantID != 0 && len(a.slugs) != 1 {
		return nil, corrupt(nil, "団体 %q の行がありません", "the row of tenant %q is missing", a.Manifest.Scope)
	}
	return a, nil
}

// collect checks that a row belongs to the archive's scope and keeps what
// the conflict check needs.
func (a *Archive) collect(t *Table, row []any) error {
	m := &a.Manifest
	a.summarise(t, row)
	if t.Name == "tenants" {
		slug, _ := row[t.column("slug")].(string)
		if m.TenantID != 0 && (row[t.column("id")] != m.TenantID || slug != m.Scope) {
			return corrupt(nil, "団体 %q だけのバックアップに別の団体 %q が入っています", "a backup of tenant %q holds another tenant, %q",
				m.Scope, slug)
		}
		a.slugs = append(a.slugs, slug)
	}
	if m.TenantID != 0 {
		switch t.scope {
		case instanceRows:
			return corrupt(nil, "団体 %q だけのバックアップに表 %s の行が入っています", "a backup of tenant %q holds rows of %s",
				m.Scope, t.Name)
		case tenantRows:
			if row[t.column("tenant_id")] != m.TenantID {
				return corrupt(nil, "団体 %q だけのバックアップの表 %s に別の団体の行があります", "a backup of tenant %q holds another tenant's rows in %s",
					m.Scope, t.Name)
			}
		}
	}
	if t.intKey() {
		a.keys[t.Name] = append(a.keys[t.Name], row[t.column(t.Key[0])].(int64))
		return nil
	}
	a.tuples[t.Name] = append(a.tuples[t.Name], t.keyOf(row))
	return nil
}

func (a *Archive) tableCollected(t *Table) error {
	keys := a.keys[t.Name]
	slices.Sort(keys)
	for k := 1; k < len(keys); k++ {
		if keys[k] == keys[k-1] {
			return corrupt(nil, "表 %s に %s の行が2つあります", "table %s holds two rows with %s",
				t.Name, t.describeKey([]any{keys[k]}))
		}
	}
	seen := map[string]bool{}
	for _, tuple := range a.tuples[t.Name] {
		s := fmt.Sprintf("%#v", tuple)
		if seen[s] {
			return corrupt(nil, "表 %s に %s の行が2つあります", "table %s holds two rows with %s", t.Name, t.describeKey(tuple))
		}
		seen[s] = true
	}
	return nil
}

// scan reads the archive from its start, checking everything, and hands
// each row to visit and each finished table to done. The first scan keeps
// the manifest; a later one insists on the same manifest, so a file
// changed between Open and Restore is noticed.
func (a *Archive) scan(visit func(*Table, []any) error, done func(*Table) error) error {
	if _, err := a.src.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("backup: rewinding the archive: %w", err)
	}
	gz, err := gzip.NewReader(a.src)
	switch {
	case errors.Is(err, io.EOF):
		return corrupt(err, "ファイルが空です", "the file is empty")
	case errors.Is(err, gzip.ErrHeader):
		return corrupt(err, "gzip 形式ではありません（telework backup で作ったファイルを指定してください）",
			"not a gzip file (give a file made by telework backup)")
	case err != nil:
		return corrupt(err, "gzip の先頭を読めません（途中で切れています）", "cannot read the gzip header (truncated)")
	}
	defer gz.Close()
	tr := tar.NewReader(gz)

	hdr, err := tr.Next()
	if err != nil {
		return corrupt(err, "tar の先頭を読めません（途中で切れています）", "cannot read the first tar entry (truncated)")
	}
	if hdr.Name != ManifestFile || hdr.Typeflag != tar.TypeReg {
		return corrupt(nil, "先頭が %s ではありません（%q）", "the first entry is not %s but %q", ManifestFile, hdr.Name)
	}
	raw, err := io.ReadAll(io.LimitReader(tr, maxManifestSize+1))
	if err != nil {
		return corrupt(err, "%s を読めません（途中で切れています）", "cannot read %s (truncated)", ManifestFile)
	}
	if len(raw) > maxManifestSize {
		return corrupt(nil, "%s が大きすぎます", "%s is too large", ManifestFile)
	}
	sum := sha256.Sum256(raw)
	if !a.opened {
		if err := a.readManifest(raw); err != nil {
			return err
		}
		a.manifestSum, a.manifestRaw = sum, raw
	} else if sum != a.manifestSum {
		return corrupt(nil, "読み込みの途中でファイルが変わりました", "the file changed while it was being restored")
	}
	// The signature, when there is one, comes next.
	next, nextErr := tr.Next()
	if nextErr == nil && next.Name == SignatureFile {
		if next.Typeflag != tar.TypeReg {
			return corrupt(nil, "%s が通常のファイルではありません", "%s is not a regular file", SignatureFile)
		}
		sig, err := io.ReadAll(io.LimitReader(tr, maxSignatureSize+1))
		if err != nil || len(sig) > maxSignatureSize || len(sig) == 0 {
			return corrupt(err, "%s を読めません", "cannot read %s", SignatureFile)
		}
		if a.opened && !bytes.Equal(sig, a.sig) {
			return corrupt(nil, "読み込みの途中でファイルが変わりました", "the file changed while it was being restored")
		}
		a.sig = sig
		next, nextErr = tr.Next()
	} else if a.opened && a.sig != nil {
		return corrupt(nil, "読み込みの途中でファイルが変わりました", "the file changed while it was being restored")
	}
	a.opened = true

	for k, tf := range a.Manifest.Tables {
		t := &Tables[k] // readManifest checked that the lists agree
		hdr, err := next, nextErr
		if k > 0 {
			hdr, err = tr.Next()
		}
		if errors.Is(err, io.EOF) {
			return corrupt(err, "%s がありません（ファイルが途中で切れているか、欠けています）", "%s is missing (truncated or removed)", tf.File)
		}
		if err != nil {
			return corrupt(err, "%s の前で読めなくなりました（途中で切れています）", "unreadable before %s (truncated)", tf.File)
		}
		if hdr.Name != tf.File {
			if slices.ContainsFunc(a.Manifest.Tables[k+1:], func(o TableFile) bool { return o.File == hdr.Name }) {
				return corrupt(nil, "%s がありません", "%s is missing", tf.File)
			}
			return corrupt(nil, "%s の位置に予期しないファイル %q があります", "unexpected entry %[2]q where %[1]s belongs", tf.File, hdr.Name)
		}
		if hdr.Typeflag != tar.TypeReg {
			return corrupt(nil, "%s が通常のファイルではありません", "%s is not a regular file", tf.File)
		}
		if err := readTable(tr, t, &tf, visit); err != nil {
			return err
		}
		if done != nil {
			if err := done(t); err != nil {
				return err
			}
		}
	}
	hdr, err = tr.Next()
	if err == nil {
		return corrupt(nil, "manifest にないファイル %q があります", "entry %q is not in the manifest", hdr.Name)
	}
	if !errors.Is(err, io.EOF) {
		return corrupt(err, "tar の終わりが壊れています（途中で切れています）", "the end of the tar is damaged (truncated)")
	}
	// The gzip trailer (CRC-32 and length) is checked only when the stream
	// is read to its end; a cut there would go unnoticed otherwise.
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return corrupt(err, "gzip の終わりが壊れています（途中で切れているか、後ろに余分なデータがあります）",
			"the end of the gzip stream is damaged (truncated, or followed by other data)")
	}
	return nil
}

// readManifest parses and checks the manifest against this binary.
func (a *Archive) readManifest(raw []byte) error {
	m := &a.Manifest
	if err := json.Unmarshal(raw, m); err != nil {
		return corrupt(err, "%s を解釈できません", "%s does not parse", ManifestFile)
	}
	if m.Format != FormatName {
		return corrupt(nil, "telework のバックアップではありません（format %q）", "not a telework backup (format %q)", m.Format)
	}
	if m.FormatVersion > FormatVersion {
		return &Error{Kind: Incompatible,
			Ja: fmt.Sprintf("バックアップの形式 (version %d) がこの telework (version %d) より新しいため、何も書き込まずに中止しました。新しい版の telework で復元してください", m.FormatVersion, FormatVersion),
			En: fmt.Sprintf("the backup format (version %d) is newer than this telework's (version %d), nothing was written: restore with a newer telework", m.FormatVersion, FormatVersion)}
	}
	if m.FormatVersion != FormatVersion {
		return corrupt(nil, "形式の版 %d は不正です", "format version %d is not valid", m.FormatVersion)
	}
	latest, err := latestSchemaVersion()
	if err != nil {
		return err
	}
	if m.SchemaVersion > latest {
		return &Error{Kind: Incompatible,
			Ja: fmt.Sprintf("バックアップ元のスキーマ (version %d) がこの telework (version %d) より新しいため、何も書き込まずに中止しました。新しい版の telework で復元してください", m.SchemaVersion, latest),
			En: fmt.Sprintf("the backup's schema (version %d) is newer than this telework's (version %d), nothing was written: restore with a newer telework", m.SchemaVersion, latest)}
	}
	if m.SchemaVersion < 1 {
		return corrupt(nil, "スキーマの版 %d は不正です", "schema version %d is not valid", m.SchemaVersion)
	}
	if m.TenantID < 0 || (m.TenantID == 0) != (m.Scope == ScopeAll) || m.Scope == "" {
		return corrupt(nil, "範囲 (scope %q, tenant_id %d) が不正です", "scope %q with tenant_id %d is not valid", m.Scope, m.TenantID)
	}
	for k, t := range Tables {
		if m.SchemaVersion < latest && (k >= len(m.Tables) || m.Tables[k].Name != t.Name) {
			return &Error{Kind: Incompatible,
				Ja: fmt.Sprintf("バックアップ元のスキーマ (version %d) にない表 %s があるため、何も書き込まずに中止しました。バックアップを取った版の telework で復元してから、この版に更新してください", m.SchemaVersion, t.Name),
				En: fmt.Sprintf("table %s is not in the backup's schema (version %d), nothing was written: restore with the telework release that made the backup, then upgrade", t.Name, m.SchemaVersion)}
		}
		if k >= len(m.Tables) {
			return corrupt(nil, "manifest に表 %s がありません", "the manifest does not list table %s", t.Name)
		}
		tf := m.Tables[k]
		if tf.Name != t.Name || tf.File != t.File() {
			return corrupt(nil, "manifest の %d 番目が表 %s（%s）ではなく %q（%q）です", "entry %d of the manifest is %[4]q (%[5]q), not table %[2]s (%[3]s)",
				k+1, t.Name, t.File(), tf.Name, tf.File)
		}
		if !slices.Equal(tf.Columns, t.ColumnNames()) {
			return &Error{Kind: Incompatible,
				Ja: fmt.Sprintf("表 %s の列がこの telework のスキーマと一致しないため、何も書き込まずに中止しました（バックアップ: %v、この版: %v）。バックアップを取った版の telework で復元してから、この版に更新してください", t.Name, tf.Columns, t.ColumnNames()),
				En: fmt.Sprintf("the columns of table %s differ from this telework's schema, nothing was written (backup: %v, this release: %v): restore with the telework release that made the backup, then upgrade", t.Name, tf.Columns, t.ColumnNames())}
		}
		if tf.NextID < 0 {
			return corrupt(nil, "%s の next_id %d は不正です", "next_id %[2]d of %[1]s is not valid", tf.File, tf.NextID)
		}
		if tf.Rows < 0 {
			return corrupt(nil, "%s の行数 %d は不正です", "row count %[2]d of %[1]s is not valid", tf.File, tf.Rows)
		}
		if sum, err := hex.DecodeString(tf.SHA256); err != nil || len(sum) != sha256.Size {
			return corrupt(nil, "%s の SHA-256 %q は不正です", "SHA-256 %[2]q of %[1]s is not valid", tf.File, tf.SHA256)
		}
	}
	if len(m.Tables) > len(Tables) {
		return corrupt(nil, "manifest に未知の表 %q があります", "the manifest lists unknown table %q", m.Tables[len(Tables)].Name)
	}
	return nil
}

// latestSchemaVersion is the newest schema this binary can restore into
// either engine, as an archive may go to either.
func latestSchemaVersion() (int64, error) {
	var latest int64 = -1
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		v, err := store.LatestSchemaVersion(e)
		if err != nil {
			return 0, err
		}
		if latest < 0 || v < latest {
			latest = v
		}
	}
	return latest, nil
}

// readTable reads one table file, checks its checksum and row count, and
// hands each row to visit. A row that does not parse is reported only
// after the checksum: when the file was damaged, that is the better
// explanation.
func readTable(r io.Reader, t *Table, tf *TableFile, visit func(*Table, []any) error) error {
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(r, h), 64<<10)
	var n int64
	var bad error
	for {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errLongLine) || errors.Is(err, errNoNewline) {
			if bad == nil {
				bad = corrupt(err, "%s の %d 行目が途中で切れています", "line %[2]d of %[1]s is cut short", tf.File, n+1)
			}
			_, err = io.Copy(io.Discard, br)
		}
		if err != nil {
			return corrupt(err, "%s を読めません（途中で切れています）", "cannot read %s (truncated)", tf.File)
		}
		if line == nil {
			continue
		}
		n++
		if bad != nil {
			continue
		}
		row, perr := parseRow(t, line)
		if perr != nil {
			bad = corrupt(nil, "%[1]s の %[2]d 行目: %[3]s", "line %[2]d of %[1]s: %[4]s", tf.File, n, perr.ja, perr.en)
			continue
		}
		if err := visit(t, row); err != nil {
			// A row out of place is, like one that does not parse, reported
			// after the checksum; a failing insert ends the load at once.
			var be *Error
			if !errors.As(err, &be) || be.Kind != Corrupt {
				return err
			}
			bad = err
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != tf.SHA256 {
		return corrupt(nil, "%s のチェックサム (SHA-256) が manifest の値と一致しません", "the SHA-256 of %s does not match the manifest", tf.File)
	}
	if bad != nil {
		return bad
	}
	if n != tf.Rows {
		return corrupt(nil, "%s の行数 (%d) が manifest の値 (%d) と一致しません", "%s has %d rows, the manifest says %d", tf.File, n, tf.Rows)
	}
	return nil
}

var (
	errLongLine  = errors.New("line too long")
	errNoNewline = errors.New("last line has no newline")
)

// readLine returns the next line without its newline. It returns io.EOF at
// a clean end.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > maxLine {
			return nil, errLongLine
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return nil, errNoNewline
		default:
			return nil, err
		}
	}
}

type rowError struct{ ja, en string }

func rowErr(ja, en string, args ...any) *rowError {
	return &rowError{fmt.Sprintf(ja, args...), fmt.Sprintf(en, args...)}
}

// parseRow reads one JSON object with exactly the table's columns, each
// value of its column's kind, and returns the values in column order as
// int64, bool, string or nil.
func parseRow(t *Table, line []byte) ([]any, *rowError) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, rowErr("JSON のオブジェクトではありません", "not a JSON object")
	}
	row := make([]any, len(t.Columns))
	seen := make([]bool, len(t.Columns))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, rowErr("JSON として読めません", "not valid JSON")
		}
		name, _ := tok.(string)
		k := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == name })
		if k < 0 {
			return nil, rowErr("未知の列 %q があります", "unknown column %q", name)
		}
		if seen[k] {
			return nil, rowErr("列 %s が2回あります", "column %s appears twice", name)
		}
		seen[k] = true
		tok, err = dec.Token()
		if err != nil {
			return nil, rowErr("JSON として読めません", "not valid JSON")
		}
		c := t.Columns[k]
		switch v := tok.(type) {
		case nil:
			if !c.Null {
				return nil, rowErr("列 %s が null です", "column %s is null", name)
			}
			row[k] = nil
		case json.Number:
			n, err := strconv.ParseInt(string(v), 10, 64)
			if c.Kind != Int || err != nil {
				return nil, rowErr("列 %[1]s の値 %[2]s は%[4]sではありません", "column %[1]s: %[2]s is not %[3]s", name, v, c.Kind, c.Kind.ja())
			}
			row[k] = n
		case bool:
			if c.Kind != Bool {
				return nil, rowErr("列 %[1]s の値 %[2]t は%[4]sではありません", "column %[1]s: %[2]t is not %[3]s", name, v, c.Kind, c.Kind.ja())
			}
			row[k] = v
		case string:
			if c.Kind != Text {
				return nil, rowErr("列 %[1]s の値 %[2]q は%[4]sではありません", "column %[1]s: %[2]q is not %[3]s", name, v, c.Kind, c.Kind.ja())
			}
			row[k] = v
		default:
			return nil, rowErr("列 %s の値が単純な値ではありません", "column %s holds an array or object", name)
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, rowErr("JSON として読めません", "not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, rowErr("オブジェクトの後ろに余分なデータがあります", "data after the object")
	}
	for k, c := range t.Columns {
		if !seen[k] {
			return nil, rowErr("列 %s がありません", "column %s is missing", c.Name)
		}
	}
	return row, nil
}
