package store

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"telework/internal/audit"
)

// The audit chain is written in two steps (docs/architecture.md, "Audit
// chain: writers append, one sealer chains"). A writer inserts its entry
// into audit_pending inside the transaction of the change it records —
// content, tenant and the time, no sequence number and no hash — so that
// writers of one tenant never wait for each other on the chain head. After
// the commit, one sealer per tenant at a time moves the pending entries,
// in id order, into audit_log: each gets the next seq, the hash of the one
// before and its own hash (audit.ComputeHash over the stored bytes, as
// always), and the head moves, all in one transaction. audit_log stays
// append-only and holds only sealed entries.
//
// Who seals: the writer that committed, if no sealer of the tenant is at
// work in this process (otherwise that sealer takes its entry too: it
// loops while entries arrive); every reader of the chain (listing,
// verification, heads) and a backup seal first; Migrate seals what a crash
// between a commit and its sealing left. On PostgreSQL, sealers of several
// nodes take the head's row lock in turn.

// auditPendingVersion is the migration that made audit_pending.
const auditPendingVersion = 23

// sealBatch bounds the entries one sealing transaction moves.
const sealBatch = 500

// sealState is this process's sealer of one tenant: mu is held by the
// goroutine sealing; dirty says entries were committed since it last read.
type sealState struct {
	mu    sync.Mutex
	dirty atomic.Bool
}

type sealers struct{ m sync.Map } // tenant id → *sealState

func (s *sealers) of(tenantID int64) *sealState {
	if st, ok := s.m.Load(tenantID); ok {
		return st.(*sealState)
	}
	st, _ := s.m.LoadOrStore(tenantID, &sealState{})
	return st.(*sealState)
}

// appendPendingAudit writes one unsealed entry in the caller's transaction
// (PostgreSQL) and, in the same statement, tries the tenant's head without
// waiting (FOR UPDATE SKIP LOCKED). When the head is free, the transaction
// seals the pending entries now, its own included, and holds the head until
// its commit (its later entries are chained in place, appendAudit): a lone
// writer pays no second transaction. When another transaction holds it, the
// entry is noted for sealing after the commit.
//
// Nothing here waits for the head: an INSERT … ON CONFLICT on the head row
// would wait for the transaction holding it to end, which is exactly the
// queue this design removes.
func (t *Tx) appendPendingAudit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error {
	e := audit.NewEntry(tenantID, t.db.Now().UTC().Truncate(1000), actor, c)
	var seq int64
	var prev string
	err := t.row(ctx, `WITH p AS (INSERT INTO audit_pending (tenant_id, at, actor_id, actor_label, action, object_type,
		object_id, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?))
		SELECT seq, last_hash FROM audit_heads WHERE tenant_id = ? FOR UPDATE SKIP LOCKED`,
		e.TenantID, micros(e.At), e.ActorID, e.ActorLabel, e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After), tenantID).Scan(&seq, &prev)
	if isNotFound(err) {
		// Held by another transaction, or no chain yet (the sealer after
		// the commit creates the head).
		t.noteAudit(tenantID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: audit insert: %w", err)
	}
	n, seq, prev, err := t.sealPending(ctx, tenantID, seq, prev)
	if err != nil {
		return err
	}
	if n == sealBatch {
		// More wait, perhaps this entry among them (a backlog left by a
		// crash or a restore): chaining the later entries in place would
		// put them before it. They go through here again (the head is
		// this transaction's now, SKIP LOCKED returns it), and what is
		// left after the commit is sealed then, all in id order.
		t.noteAudit(tenantID)
		return nil
	}
	if t.heads == nil {
		t.heads = auditHeads{}
	}
	t.heads[tenantID] = &auditHead{seq: seq, hash: prev}
	return nil
}

func (t *Tx) noteAudit(tenantID int64) {
	for _, id := range t.audited {
		if id == tenantID {
			return
		}
	}
	t.audited = append(t.audited, tenantID)
}

// sealAfterCommit seals the tenants a committed transaction wrote entries
// for, unless a sealer of the tenant is already at work here (it takes
// them). The change is committed whatever happens: a failure is logged and
// the entries wait, pending, for the next sealer.
func (db *DB) sealAfterCommit(ctx context.Context, tenants []int64) {
	ctx = context.WithoutCancel(ctx)
	for _, id := range tenants {
		st := db.sealers.of(id)
		st.dirty.Store(true)
		if err := db.drainSeal(ctx, id, st); err != nil {
			slog.Warn("audit entries left pending; the next sealer takes them", "tenant", id, "err", err)
		}
	}
}

// drainSeal seals while entries are flagged and no other goroutine of this
// process is sealing the tenant. A writer that finds the sealer busy
// leaves its flag, which the sealer sees either in its loop or, once it
// has let go, in this loop's condition.
func (db *DB) drainSeal(ctx context.Context, tenantID int64, st *sealState) error {
	for st.dirty.Load() && st.mu.TryLock() {
		var err error
		for err == nil && st.dirty.Swap(false) {
			err = db.sealAudit(ctx, tenantID)
		}
		st.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// SealAudit seals every entry of the tenant committed so far and returns
// when they are in the chain: readers of the chain call it first, so that
// what they show, verify or export is never short of a committed change.
func (db *DB) SealAudit(ctx context.Context, tenantID int64) error {
	var n int
	err := db.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM audit_pending WHERE tenant_id = ? LIMIT 1) p`, tenantID).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: audit pending: %w", err)
	}
	if n == 0 {
		return nil
	}
	st := db.sealers.of(tenantID)
	st.mu.Lock()
	st.dirty.Store(false)
	err = db.sealAudit(ctx, tenantID)
	st.mu.Unlock()
	if err != nil {
		return err
	}
	return db.drainSeal(ctx, tenantID, st)
}

// SealAllAudit seals the pending entries of every tenant: at start (what
// a crash between a commit and its sealing left) and before a backup.
func (db *DB) SealAllAudit(ctx context.Context) error {
	ids, err := queryAll(ctx, db, func(sc interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT DISTINCT tenant_id FROM audit_pending WHERE tenant_id >= 0 ORDER BY tenant_id`)
	if err != nil {
		return fmt.Errorf("store: audit pending: %w", err)
	}
	for _, id := range ids {
		if err := db.SealAudit(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// CountPendingAudit says how many of the tenant's entries wait for sealing.
func (db *DB) CountPendingAudit(ctx context.Context, tenantID int64) (int, error) {
	var n int
	if err := db.row(ctx, `SELECT COUNT(*) FROM audit_pending WHERE tenant_id = ?`, tenantID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: audit pending: %w", err)
	}
	return n, nil
}

// sealAudit moves the tenant's pending entries into the chain, in id
// order, sealBatch per transaction, until none is left. The head's row
// lock (PostgreSQL) or the write lock (SQLite) makes one sealer at a time;
// the pending rows are read after taking it, so a sealer never chains an
// entry another has chained. On SQLite the sealer queues with this
// process's other writers (writer.go) instead of polling for the lock.
func (db *DB) sealAudit(ctx context.Context, tenantID int64) error {
	for {
		var n int
		_, err := db.inTx(ctx, func(t *Tx) error {
			var err error
			n, err = t.sealAuditBatch(ctx, tenantID)
			return err
		})
		if err != nil || n < sealBatch {
			return err
		}
	}
}

func (t *Tx) sealAuditBatch(ctx context.Context, tenantID int64) (int, error) {
	if err := t.syncAuditHead(ctx, tenantID); err != nil {
		return 0, err
	}
	var seq int64
	var prev string
	for range 2 {
		err := t.row(ctx, `UPDATE audit_heads SET seq = seq WHERE tenant_id = ? RETURNING seq, last_hash`, tenantID).Scan(&seq, &prev)
		if err == nil {
			n, _, _, err := t.sealPending(ctx, tenantID, seq, prev)
			return n, err
		}
		if !isNotFound(err) {
			return 0, fmt.Errorf("store: audit head: %w", err)
		}
		// A new chain: its head, then take it (a concurrent sealer may
		// have created it meanwhile).
		if _, err := t.exec(ctx, `INSERT INTO audit_heads (tenant_id, seq, last_hash) VALUES (?, 0, ?)
			ON CONFLICT (tenant_id) DO NOTHING`, tenantID, audit.GenesisHash); err != nil {
			return 0, fmt.Errorf("store: audit head: %w", err)
		}
	}
	return 0, fmt.Errorf("store: audit head of tenant %d: not found after creating it", tenantID)
}

// pendingEntry is an unsealed entry as the sealer takes it.
type pendingEntry struct {
	id, at        int64
	e             audit.Entry
	before, after string
}

// sealPending chains up to sealBatch pending entries after the head
// (seq, prev), which the transaction holds locked, and returns how many it
// chained and the new head. The entries are taken off audit_pending and
// read in one statement (DELETE … RETURNING) and put in id order here; on
// PostgreSQL the chained rows and the head's move are one more statement.
func (t *Tx) sealPending(ctx context.Context, tenantID, seq int64, prev string) (int, int64, string, error) {
	rows, err := t.query(ctx, `DELETE FROM audit_pending WHERE tenant_id = ? AND id IN
		(SELECT id FROM audit_pending WHERE tenant_id = ? ORDER BY id LIMIT ?)
		RETURNING id, at, actor_id, actor_label, action, object_type, object_id, before_json, after_json`, tenantID, tenantID, sealBatch)
	if err != nil {
		return 0, 0, "", fmt.Errorf("store: audit pending: %w", err)
	}
	var ps []pendingEntry
	for rows.Next() {
		p := pendingEntry{e: audit.Entry{TenantID: tenantID}}
		if err := rows.Scan(&p.id, &p.at, &p.e.ActorID, &p.e.ActorLabel, &p.e.Action, &p.e.ObjectType, &p.e.ObjectID, &p.before, &p.after); err != nil {
			rows.Close()
			return 0, 0, "", fmt.Errorf("store: audit pending: %w", err)
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, "", fmt.Errorf("store: audit pending: %w", err)
	}
	if len(ps) == 0 {
		return 0, seq, prev, nil
	}
	slices.SortFunc(ps, func(a, b pendingEntry) int { return cmp.Compare(a.id, b.id) })
	r := auditRows{}
	for i := range ps {
		e := &ps[i].e
		seq++
		e.Seq, e.At, e.PrevHash = seq, fromMicros(ps[i].at), prev
		e.Before, e.After = []byte(ps[i].before), []byte(ps[i].after)
		e.Hash = audit.ComputeHash(e)
		prev = e.Hash
		r.n++
		r.args = append(r.args, e.TenantID, e.Seq, ps[i].at, e.ActorID, e.ActorLabel, e.Action, e.ObjectType,
			e.ObjectID, ps[i].before, ps[i].after, e.PrevHash, e.Hash)
	}
	if t.db.Engine == Postgres && r.n <= importBatchRows {
		if _, err := t.exec(ctx, `WITH h AS (UPDATE audit_heads SET seq = ?, last_hash = ? WHERE tenant_id = ?)
			INSERT INTO audit_log (tenant_id, seq, at, actor_id, actor_label, action, object_type,
			object_id, before_json, after_json, prev_hash, hash) VALUES `+placeholders(r.n, auditCols12),
			append([]any{seq, prev, tenantID}, r.args...)...); err != nil {
			return 0, 0, "", fmt.Errorf("store: audit insert: %w", err)
		}
		return r.n, seq, prev, nil
	}
	for start := 0; start < r.n; start += importBatchRows {
		end := min(start+importBatchRows, r.n)
		if err := t.insertAudit(ctx, auditRows{n: end - start, args: r.args[start*auditCols12 : end*auditCols12]}); err != nil {
			return 0, 0, "", err
		}
	}
	if _, err := t.exec(ctx, `UPDATE audit_heads SET seq = ?, last_hash = ? WHERE tenant_id = ?`, seq, prev, tenantID); err != nil {
		return 0, 0, "", fmt.Errorf("store: audit head: %w", err)
	}
	return r.n, seq, prev, nil
}
