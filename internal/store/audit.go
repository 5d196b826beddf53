package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"telework/internal/audit"
)

// appendAudit writes one entry for the tenant's chain inside the caller's
// transaction, so the change and its record commit together or not at all.
// On PostgreSQL the entry is written unsealed and chained by one sealer
// (audit_seal.go), so that writers of one tenant do not queue on the chain
// head. SQLite has one writer at a time whatever the chain does: there the
// writer, holding the write lock, chains its entry in place, which costs
// fewer statements than a pending row and a sealing; the chain's head is
// kept in memory for the whole write transaction (heads, below) and
// written back once before the commit.
//
// A PostgreSQL transaction that took the head while sealing its first entry
// (appendPendingAudit) holds the head's row lock until its commit: its
// later entries are chained in place the same way, with the head kept in
// memory and written back once before the commit.
func (t *Tx) appendAudit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error {
	h := t.heads[tenantID]
	if h == nil && t.db.Engine == Postgres {
		return t.appendPendingAudit(ctx, tenantID, actor, c)
	}
	if h == nil {
		var err error
		if h, err = t.auditHead(ctx, tenantID); err != nil {
			return err
		}
	}
	e := audit.NewEntry(tenantID, t.db.Now().UTC().Truncate(1000), actor, c)
	e.Seq, e.PrevHash = h.seq+1, h.hash
	e.Hash = audit.ComputeHash(e)
	if _, err := t.exec(ctx, `INSERT INTO audit_log (tenant_id, seq, at, actor_id, actor_label, action, object_type,
		object_id, before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.TenantID, e.Seq, micros(e.At), e.ActorID, e.ActorLabel, e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After), e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("store: audit insert: %w", err)
	}
	h.seq, h.hash, h.dirty = e.Seq, e.Hash, true
	return nil
}

// Audit records a change that has no other row to write (e.g. a sign-in
// policy event) in its own transaction.
func (db *DB) Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error {
	return db.InTx(ctx, func(t *Tx) error { return t.appendAudit(ctx, tenantID, actor, c) })
}

const auditCols = `id, tenant_id, seq, at, actor_id, actor_label, action, object_type, object_id, before_json, after_json, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (*audit.Entry, error) {
	var e audit.Entry
	var at int64
	var before, after string
	if err := sc.Scan(&e.ID, &e.TenantID, &e.Seq, &at, &e.ActorID, &e.ActorLabel, &e.Action, &e.ObjectType,
		&e.ObjectID, &before, &after, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = fromMicros(at)
	e.Before, e.After = json.RawMessage(before), json.RawMessage(after)
	return &e, nil
}

var _ audit.Store = (*DB)(nil)

// FindAuditEntries lists a tenant's entries, newest first, narrowed by f.
// With f.AfterSeq (and no BeforeSeq) it takes the f.Limit entries just
// newer than AfterSeq (f.Forward: the oldest, from the start when
// AfterSeq is 0), still returned newest first.
func (db *DB) FindAuditEntries(ctx context.Context, tenantID int64, f audit.Filter) ([]*audit.Entry, error) {
	if err := db.SealAudit(ctx, tenantID); err != nil {
		return nil, err
	}
	f.Normalize() // callers outside the service (tests) pass a bare filter
	q := `SELECT ` + auditCols + ` FROM audit_log WHERE tenant_id = ?`
	args := []any{tenantID}
	if f.Action != "" {
		q += ` AND action LIKE ? ESCAPE '\'`
		args = append(args, likePrefix(f.Action))
	}
	if len(f.Actions) > 0 {
		in, a := inStrings(f.Actions)
		q += ` AND action IN ` + in
		args = append(args, a...)
	}
	if f.ObjectType != "" {
		q += ` AND object_type = ?`
		args = append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		q += ` AND object_id = ?`
		args = append(args, f.ObjectID)
	}
	if len(f.ObjectIDs) > 0 {
		in, a := inStrings(f.ObjectIDs)
		q += ` AND object_id IN ` + in
		args = append(args, a...)
	}
	if f.Actor != "" {
		// Changes made with an API token are labelled "login (token #N name)".
		q += ` AND (actor_label = ? OR actor_label LIKE ? ESCAPE '\')`
		args = append(args, f.Actor, likePrefix(f.Actor+" (token #"))
	}
	if len(f.Actors) > 0 {
		q += ` AND (`
		for i, a := range f.Actors {
			if i > 0 {
				q += ` OR `
			}
			q += `actor_label = ? OR actor_label LIKE ? ESCAPE '\'`
			args = append(args, a, likePrefix(a+" (token #"))
		}
		q += `)`
	}
	if !f.From.IsZero() {
		q += ` AND at >= ?`
		args = append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		q += ` AND at < ?`
		args = append(args, micros(f.To))
	}
	if f.BeforeSeq > 0 {
		q += ` AND seq < ?`
		args = append(args, f.BeforeSeq)
	}
	forward := (f.AfterSeq > 0 || f.Forward) && f.BeforeSeq == 0
	if f.AfterSeq > 0 {
		q += ` AND seq > ?`
		args = append(args, f.AfterSeq)
	}
	if forward {
		q += ` ORDER BY seq LIMIT ?`
	} else {
		q += ` ORDER BY seq DESC LIMIT ?`
	}
	args = append(args, f.Limit)
	out, err := queryAll(ctx, db, scanAudit, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit list: %w", err)
	}
	if forward {
		slices.Reverse(out)
	}
	return out, nil
}

// inStrings is an IN list for vals, padded (with the last value) to one of
// a few lengths so that the statement cache holds a handful of texts.
func inStrings(vals []string) (string, []any) {
	n := 1
	for n < len(vals) {
		n *= 4
	}
	args := make([]any, n)
	for i := range args {
		args[i] = vals[min(i, len(vals)-1)]
	}
	return placeholders(1, n), args
}

// FindAuditSnapshots lists the entries about objects of one type (ids nil:
// every object of the type) at or before seq maxSeq (0: any), in seq
// order, leaving out sign-ins, which name no object and are most of a
// log. The auditor's pages read names from them.
func (db *DB) FindAuditSnapshots(ctx context.Context, tenantID int64, objectType string, ids []string, maxSeq int64) ([]*audit.Entry, error) {
	if ids != nil && len(ids) == 0 {
		return nil, nil
	}
	if err := db.SealAudit(ctx, tenantID); err != nil {
		return nil, err
	}
	var out []*audit.Entry
	for {
		q := `SELECT ` + auditCols + ` FROM audit_log WHERE tenant_id = ? AND object_type = ?
			AND action NOT IN ('auth.login', 'auth.login_failed')`
		args := []any{tenantID, objectType}
		var chunk []string
		if ids != nil {
			chunk, ids = ids[:min(len(ids), 256)], ids[min(len(ids), 256):]
			in, a := inStrings(chunk)
			q += ` AND object_id IN ` + in
			args = append(args, a...)
		}
		if maxSeq > 0 {
			q += ` AND seq <= ?`
			args = append(args, maxSeq)
		}
		es, err := queryAll(ctx, db, scanAudit, q+` ORDER BY seq`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: audit snapshots: %w", err)
		}
		out = append(out, es...)
		if len(ids) == 0 {
			break
		}
	}
	slices.SortFunc(out, func(a, b *audit.Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// FindAuditActors lists who appears as the actor of the tenant's entries:
// each account id and label once.
func (db *DB) FindAuditActors(ctx context.Context, tenantID int64) ([]audit.Actor, error) {
	if err := db.SealAudit(ctx, tenantID); err != nil {
		return nil, err
	}
	out, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (audit.Actor, error) {
		var a audit.Actor
		return a, sc.Scan(&a.ID, &a.Label)
	}, `SELECT DISTINCT actor_id, actor_label FROM audit_log WHERE tenant_id = ? ORDER BY actor_label, actor_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: audit actors: %w", err)
	}
	return out, nil
}

// EachAuditEntry streams one tenant's chain in seq order through fn and
// returns fn's first error as it is (a verifier's *audit.Break). It does
// not collect: a chain may hold millions of entries.
func (db *DB) EachAuditEntry(ctx context.Context, tenantID int64, fn func(*audit.Entry) error) error {
	if err := db.SealAudit(ctx, tenantID); err != nil {
		return err
	}
	rows, err := db.query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE tenant_id = ? ORDER BY seq`, tenantID)
	if err != nil {
		return fmt.Errorf("store: audit chain: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("store: audit scan: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindAuditHead returns the last seq and hash recorded on the tenant's
// chain head; NotFound when the tenant has no chain.
func (db *DB) FindAuditHead(ctx context.Context, tenantID int64) (int64, string, error) {
	if err := db.SealAudit(ctx, tenantID); err != nil {
		return 0, "", err
	}
	var seq int64
	var last string
	if err := db.row(ctx, `SELECT seq, last_hash FROM audit_heads WHERE tenant_id = ?`, tenantID).Scan(&seq, &last); err != nil {
		return 0, "", mapErr(err)
	}
	return seq, last, nil
}

// VerifyAuditChain is audit.VerifyChain over this database, for the checks
// after a restore and for tests; the product goes through audit.Service.
func (db *DB) VerifyAuditChain(ctx context.Context, tenantID int64) (int64, error) {
	return audit.VerifyChain(ctx, db, tenantID)
}

// AuditChainTenants lists every tenant id that has a chain, 0 included,
// and every tenant (whose chain holds at least its creation: an empty
// one was erased, audit.Service.VerifyChainsAgainst).
func (db *DB) AuditChainTenants(ctx context.Context) ([]int64, error) {
	if err := db.SealAllAudit(ctx); err != nil {
		return nil, err
	}
	ids, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT id FROM tenants UNION SELECT tenant_id FROM audit_heads UNION SELECT DISTINCT tenant_id FROM audit_log ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("store: audit tenants: %w", err)
	}
	return ids, nil
}

// FindAuditHeads lists the head kept for every chain, in tenant id order,
// with the tenant's slug ("" for the instance's chain, 0).
func (db *DB) FindAuditHeads(ctx context.Context) ([]audit.Head, error) {
	if err := db.SealAllAudit(ctx); err != nil {
		return nil, err
	}
	heads, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (audit.Head, error) {
		var h audit.Head
		return h, sc.Scan(&h.TenantID, &h.Slug, &h.Seq, &h.Hash)
	}, `SELECT h.tenant_id, COALESCE(t.slug, ''), h.seq, h.last_hash FROM audit_heads h
		LEFT JOIN tenants t ON t.id = h.tenant_id ORDER BY h.tenant_id`)
	if err != nil {
		return nil, fmt.Errorf("store: audit heads: %w", err)
	}
	return heads, nil
}

// auditHead is a tenant's chain head as a write transaction holds it: read
// once, advanced in memory by each entry, written back by flushAuditHeads
// before the commit. Nothing else can change the row meanwhile: on SQLite
// the transaction holds the database's only write lock, on PostgreSQL the
// head's row lock (taken by appendPendingAudit, never by auditHead).
type auditHead struct {
	seq   int64
	hash  string
	dirty bool // advanced since it was read or written back
}

// auditHeads are the heads a write transaction (or batch) holds, by tenant.
type auditHeads map[int64]*auditHead

func (t *Tx) auditHead(ctx context.Context, tenantID int64) (*auditHead, error) {
	if h := t.heads[tenantID]; h != nil {
		return h, nil
	}
	h := &auditHead{}
	err := t.row(ctx, `SELECT seq, last_hash FROM audit_heads WHERE tenant_id = ?`, tenantID).Scan(&h.seq, &h.hash)
	if errors.Is(err, sql.ErrNoRows) {
		h.seq, h.hash = 0, audit.GenesisHash
		_, err = t.exec(ctx, `INSERT INTO audit_heads (tenant_id, seq, last_hash) VALUES (?, 0, ?)`, tenantID, audit.GenesisHash)
	}
	if err != nil {
		return nil, fmt.Errorf("store: audit head: %w", err)
	}
	if t.heads == nil {
		t.heads = auditHeads{}
	}
	t.heads[tenantID] = h
	return h, nil
}

// syncAuditHead writes the tenant's held head back and forgets it: for the
// writers that change the head row themselves (a batch reservation, the
// sealer).
func (t *Tx) syncAuditHead(ctx context.Context, tenantID int64) error {
	h := t.heads[tenantID]
	if h == nil {
		return nil
	}
	delete(t.heads, tenantID)
	if !h.dirty {
		return nil
	}
	if _, err := t.exec(ctx, `UPDATE audit_heads SET seq = ?, last_hash = ? WHERE tenant_id = ?`, h.seq, h.hash, tenantID); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	return nil
}

// flushAuditHeads writes every advanced head back (before the commit).
func (t *Tx) flushAuditHeads(ctx context.Context) error {
	for id := range t.heads {
		if err := t.syncAuditHead(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// snapshot copies the held heads, to restore them when a batched
// function's writes are rolled back to its savepoint.
func (hs auditHeads) snapshot() map[int64]auditHead {
	out := make(map[int64]auditHead, len(hs))
	for id, h := range hs {
		out[id] = *h
	}
	return out
}

func (hs auditHeads) restore(snap map[int64]auditHead) {
	for id := range hs {
		if _, ok := snap[id]; !ok {
			delete(hs, id)
		}
	}
	for id, h := range snap {
		if cur := hs[id]; cur != nil {
			*cur = h
		} else {
			c := h
			hs[id] = &c
		}
	}
}
