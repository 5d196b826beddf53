package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"telework/internal/apperr"
)

// SQLite has one writer at a time. Left to itself, a writer that finds the
// write lock taken polls for it with growing sleeps (the busy handler), so
// under a burst most of the time goes to sleeping, and every transaction
// pays its own commit (the WAL frames written by one system call each).
//
// This process's write transactions therefore queue here, and the one at
// the head of the queue (the leader) runs the transactions waiting behind
// it together with its own in ONE SQLite transaction, each inside its own
// savepoint, and commits once: group commit. Each caller still sees exactly
// its own outcome: a function that fails is rolled back to its savepoint
// alone and gets its own error; the others commit. Nobody returns before the
// commit that holds their writes, so durability and "the audit entry is in
// the same transaction as the change" are unchanged. The writes of one batch
// run one after another, in queue order, as they would have under the lock.
// PostgreSQL has row locks and concurrent writers and does not use this.

// writeBatchMax bounds how many transactions one commit carries, so that a
// batch's first caller does not wait behind an unbounded queue.
const writeBatchMax = 64

// writeWait bounds how long a caller waits for its turn (the busy timeout
// the SQLite connection had before: a write queued behind a 50,000-row
// import takes seconds, not minutes).
var writeWait = 30 * time.Second

// errWriteBusy is returned to a caller that waited writeWait in the queue.
var errWriteBusy = &apperr.Error{Code: apperr.RateLimited, Key: "error.database_busy",
	Err: errors.New("store: the database stayed busy with other writes; try again")}

type writeQueue struct {
	mu      sync.Mutex
	leading bool        // a leader is running (invariant: !leading ⇒ waiting is empty)
	waiting []*writeReq // in arrival order
}

// A request moves from waiting to taken (by a leader, into a batch or as
// the next leader) or to abandoned (by its caller, after writeWait), once.
const (
	reqWaiting int32 = iota
	reqTaken
	reqAbandoned
)

type writeReq struct {
	ctx   context.Context
	fn    func(*Tx) error
	done  chan writeResult // buffered: the leader never blocks on it
	state atomic.Int32
}

type writeResult struct {
	lead     bool // the caller leads the next batch (no outcome yet)
	audited  []int64
	err      error
	panicked any // fn panicked: re-raised in the caller's goroutine
}

// inWriteQueue runs fn in a write transaction through the queue (SQLite).
func (db *DB) inWriteQueue(ctx context.Context, fn func(*Tx) error) ([]int64, error) {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	q := &db.writes
	q.mu.Lock()
	lead := !q.leading
	if lead {
		q.leading = true
		r.state.Store(reqTaken)
	}
	q.waiting = append(q.waiting, r)
	q.mu.Unlock()
	if !lead {
		res := r.wait()
		if !res.lead {
			return res.outcome()
		}
	}
	return db.leadWriteBatch(r)
}

// wait waits for the request's outcome or its turn to lead, for at most
// writeWait, or until its caller goes away.
func (r *writeReq) wait() writeResult {
	timer := time.NewTimer(writeWait)
	defer timer.Stop()
	var gaveUp writeResult
	select {
	case res := <-r.done:
		return res
	case <-timer.C:
		gaveUp = writeResult{err: errWriteBusy}
	case <-r.ctx.Done():
		gaveUp = writeResult{err: r.ctx.Err()}
	}
	if r.state.CompareAndSwap(reqWaiting, reqAbandoned) {
		return gaveUp
	}
	return <-r.done // a leader took it in the same instant: its outcome (or the lead) follows
}

func (res writeResult) outcome() ([]int64, error) {
	if res.panicked != nil {
		panic(res.panicked)
	}
	return res.audited, res.err
}

// leadWriteBatch runs the batch headed by r (r is at the queue's head),
// hands the lead to the next waiting request, and returns r's outcome.
// Whatever happens to the batch — even a panic or runtime.Goexit that
// escapes it (a driver's panic, t.Fatal in a test's callback) — every
// member gets an outcome and the lead goes on: the queue never jams.
func (db *DB) leadWriteBatch(r *writeReq) ([]int64, error) {
	q := &db.writes
	q.mu.Lock()
	batch := make([]*writeReq, 0, min(len(q.waiting), writeBatchMax))
	n := 0
	for _, w := range q.waiting {
		if len(batch) == writeBatchMax {
			break
		}
		n++
		if w == r || w.state.CompareAndSwap(reqWaiting, reqTaken) {
			batch = append(batch, w)
		}
	}
	clear(q.waiting[:n]) // let the finished requests (and what their functions hold) go
	q.waiting = q.waiting[n:]
	q.mu.Unlock()

	var results []writeResult
	defer func() {
		if results == nil {
			results = make([]writeResult, len(batch))
			for i := range results {
				results[i] = writeResult{err: errWriteInterrupted}
			}
		}
		for i, w := range batch[1:] {
			w.done <- results[i+1]
		}
		db.passWriteLead()
	}()
	results = db.runWriteBatch(batch)
	return results[0].outcome()
}

// errWriteInterrupted is the outcome of the members of a batch that did
// not finish (its transaction was rolled back).
var errWriteInterrupted = errors.New("store: the write batch was interrupted; nothing of it was written, try again")

// passWriteLead hands the lead to the first request still waiting, or
// leaves the queue idle.
func (db *DB) passWriteLead() {
	q := &db.writes
	q.mu.Lock()
	var next *writeReq
	for i, w := range q.waiting {
		if w.state.CompareAndSwap(reqWaiting, reqTaken) {
			next = w
			clear(q.waiting[:i])
			q.waiting = q.waiting[i:]
			break
		}
	}
	if next == nil {
		clear(q.waiting)
		q.waiting = q.waiting[:0]
		q.leading = false
	}
	q.mu.Unlock()
	if next != nil {
		next.done <- writeResult{lead: true}
	}
}

// savepoint is the name each batched function runs under.
const savepoint = "tw_write"

// runWriteBatch runs the batch's functions in one transaction and commits.
func (db *DB) runWriteBatch(batch []*writeReq) []writeResult {
	results := make([]writeResult, len(batch))
	// A caller that goes away must not interrupt the statements of the
	// others: SQLite answers an interrupted write inside a transaction by
	// rolling back the whole transaction. A lone function keeps its own
	// context, as before.
	ctx := context.WithoutCancel(batch[0].ctx)
	single := len(batch) == 1
	if single {
		ctx = batch[0].ctx
	}
	failAll := func(err error) []writeResult {
		for i := range results {
			if results[i].err == nil && results[i].panicked == nil {
				results[i] = writeResult{err: err}
			}
		}
		return results
	}
	sqlTx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return failAll(fmt.Errorf("store: begin: %w", err))
	}
	// Every way out but the commit rolls back — a failure, nothing to
	// commit, or a panic or Goexit escaping the batch: SQLite's write lock
	// and the connection must not stay held. After a commit it does
	// nothing.
	defer func() { _ = sqlTx.Rollback() }()
	ran := false
	heads := auditHeads{}
	for i, w := range batch {
		if err := w.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		t := &Tx{db: db, tx: sqlTx, heads: heads}
		snap := heads.snapshot()
		if !single {
			t.stmtCtx = ctx
			if _, err := t.exec(ctx, "SAVEPOINT "+savepoint); err != nil {
				return failAll(fmt.Errorf("store: savepoint: %w", err))
			}
		}
		pv, err := callTxFn(w.fn, t)
		if err == nil && pv == nil {
			results[i].audited = t.audited
			ran = true
			if !single {
				if _, err := t.exec(ctx, "RELEASE "+savepoint); err != nil {
					return failAll(fmt.Errorf("store: savepoint: %w", err))
				}
			}
			continue
		}
		results[i].err, results[i].panicked = err, pv
		heads.restore(snap)
		if single {
			return results
		}
		// Undo this function's writes only. Should SQLite have rolled back
		// the whole transaction (a full disk, an I/O error), the savepoint
		// is gone: every function of the batch fails with that error.
		if _, rerr := t.exec(ctx, "ROLLBACK TO "+savepoint); rerr != nil {
			return failAll(fmt.Errorf("store: the write batch was rolled back (%v): %w", rerr, errOr(err, pv)))
		}
		if _, rerr := t.exec(ctx, "RELEASE "+savepoint); rerr != nil {
			return failAll(fmt.Errorf("store: savepoint: %w", rerr))
		}
	}
	if !ran {
		return results
	}
	if err := (&Tx{db: db, tx: sqlTx, heads: heads, stmtCtx: ctx}).flushAuditHeads(ctx); err != nil {
		return failAll(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return failAll(mapErr(fmt.Errorf("store: commit: %w", err)))
	}
	return results
}

// callTxFn runs fn, turning a panic into a value the caller re-raises.
func callTxFn(fn func(*Tx) error, t *Tx) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return nil, fn(t)
}

func errOr(err error, panicked any) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("panic: %v", panicked)
}

// execWrite runs one writing statement outside a transaction: on SQLite
// through the write queue (it joins a batch instead of polling for the
// lock), elsewhere directly.
func (db *DB) execWrite(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if db.Engine != SQLite {
		return db.SQL.ExecContext(ctx, db.q(q), args...)
	}
	var res sql.Result
	_, err := db.inWriteQueue(ctx, func(t *Tx) error {
		var err error
		res, err = t.exec(ctx, q, args...)
		return err
	})
	return res, err
}
