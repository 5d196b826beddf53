package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// openTwice opens two handles on one new database, as two nodes (or two
// processes) would: each has its own sealers.
func openTwice(t *testing.T, eng store.Engine) (*store.DB, *store.DB) {
	t.Helper()
	dsn := storetest.DSN(t, eng)
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// checkSealedChain says the tenant's chain holds exactly want entries, seq
// 1…want with none pending, each object once, and verifies.
func checkSealedChain(t *testing.T, db *store.DB, tenantID int64, want int, objects map[string]bool) {
	t.Helper()
	ctx := context.Background()
	var next int64 = 1
	seen := map[string]bool{}
	if err := db.EachAuditEntry(ctx, tenantID, func(e *audit.Entry) error {
		if e.Seq != next {
			return fmt.Errorf("seq %d where %d was due", e.Seq, next)
		}
		next++
		if seen[e.ObjectID] {
			return fmt.Errorf("object %s chained twice", e.ObjectID)
		}
		seen[e.ObjectID] = true
		return nil
	}); err != nil {
		t.Fatalf("tenant %d: %v", tenantID, err)
	}
	if int(next-1) != want {
		t.Fatalf("tenant %d: %d entries chained, want %d", tenantID, next-1, want)
	}
	for id := range objects {
		if !seen[id] {
			t.Fatalf("tenant %d: the entry of %s was lost", tenantID, id)
		}
	}
	n, err := db.VerifyAuditChain(ctx, tenantID)
	if err != nil || n != int64(want) {
		t.Fatalf("tenant %d: verify: %d entries, %v", tenantID, n, err)
	}
	seq, _, err := db.FindAuditHead(ctx, tenantID)
	if err != nil || seq != int64(want) {
		t.Fatalf("tenant %d: head at %d (%v), want %d", tenantID, seq, err, want)
	}
}

// TestAuditSealerConcurrentWriters has many goroutines of two nodes write
// entries for two tenants at once. When every writer has returned, every
// entry is sealed (no reader sealed them), and each chain is complete,
// gap-free and verifies.
func TestAuditSealerConcurrentWriters(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			a, b := openTwice(t, eng)
			const writers, each = 32, 8
			tenants := []int64{11, 12}
			objects := map[int64]map[string]bool{11: {}, 12: {}}
			for w := range writers {
				for _, tn := range tenants {
					for i := range each {
						objects[tn][fmt.Sprintf("w%d-%d", w, i)] = true
					}
				}
			}
			// One goroutine per writer and tenant, on the two handles in turn.
			concurrently(t, writers*len(tenants), func(g int) error {
				w, tn := g/len(tenants), tenants[g%len(tenants)]
				db := a
				if w%2 == 1 {
					db = b
				}
				for i := range each {
					if err := db.Audit(ctx, tn, audit.Actor{ID: int64(w), Label: "w"}, audit.Change{Action: "test.write",
						ObjectType: "test", ObjectID: fmt.Sprintf("w%d-%d", w, i), After: map[string]int{"i": i}}); err != nil {
						return err
					}
				}
				return nil
			})
			for _, tn := range tenants {
				for _, db := range []*store.DB{a, b} {
					if n, err := db.CountPendingAudit(ctx, tn); err != nil || n != 0 {
						t.Fatalf("tenant %d: %d entries still pending after every writer returned (%v)", tn, n, err)
					}
				}
				checkSealedChain(t, a, tn, writers*each, objects[tn])
			}
		})
	}
}

// TestAuditSealerCrashLosesNothing: entries committed by a process that
// stopped before sealing them (written here as such a process leaves
// them, in audit_pending) are sealed at the next start, after the entries
// already chained, and the chain verifies; readers seal before reading.
func TestAuditSealerCrashLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const tn = 7
		for i := range 3 {
			if err := db.Audit(ctx, tn, audit.Actor{Label: "before"}, audit.Change{Action: "test.write", ObjectType: "test",
				ObjectID: fmt.Sprintf("sealed-%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		crashed := func(n int, prefix string) {
			for i := range n {
				if _, err := db.SQL.Exec(db.Rebind(`INSERT INTO audit_pending (tenant_id, at, actor_id, actor_label, action,
					object_type, object_id, before_json, after_json) VALUES (?, ?, 0, 'crashed', 'test.write', 'test', ?, 'null', '{"a":1}')`),
					tn, 1_700_000_000_000_000+int64(i), fmt.Sprintf("%s-%d", prefix, i)); err != nil {
					t.Fatal(err)
				}
			}
		}
		crashed(5, "pending")
		if n, err := db.CountPendingAudit(ctx, tn); err != nil || n != 5 {
			t.Fatalf("pending %d (%v), want 5", n, err)
		}
		// The next start.
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountPendingAudit(ctx, tn); err != nil || n != 0 {
			t.Fatalf("pending %d after the start (%v), want 0", n, err)
		}
		want := map[string]bool{}
		for i := range 3 {
			want[fmt.Sprintf("sealed-%d", i)] = true
		}
		for i := range 5 {
			want[fmt.Sprintf("pending-%d", i)] = true
		}
		checkSealedChain(t, db, tn, 8, want)
		// A reader seals first: the auditor's list never misses a
		// committed change.
		crashed(2, "late")
		es, err := db.FindAuditEntries(ctx, tn, audit.Filter{Limit: 1})
		if err != nil || len(es) != 1 || es[0].ObjectID != "late-1" || es[0].Seq != 10 {
			t.Fatalf("newest entry %+v (%v), want late-1 at seq 10", es, err)
		}
		if _, err := db.VerifyAuditChain(ctx, tn); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAuditSealerWhileHeadHeld (PostgreSQL): while another transaction
// holds the chain head (a sealer of another node), writers do not wait:
// they commit their entries pending; once the head is free, every one is
// sealed before its writer returns.
func TestAuditSealerWhileHeadHeld(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.Postgres)
	const tn, n = 5, 12
	if err := db.Audit(ctx, tn, audit.Actor{Label: "first"}, audit.Change{Action: "test.write", ObjectType: "test", ObjectID: "first"}); err != nil {
		t.Fatal(err)
	}
	holder, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Held the way a sealer of another node holds it: by an UPDATE (a
	// writer's INSERT … ON CONFLICT on the head row would wait for it).
	var seq int64
	if err := holder.QueryRowContext(ctx, `UPDATE audit_heads SET seq = seq WHERE tenant_id = $1 RETURNING seq`, tn).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	objects := map[string]bool{"first": true}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		objects[fmt.Sprintf("o%d", i)] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.Audit(ctx, tn, audit.Actor{Label: "w"}, audit.Change{Action: "test.write", ObjectType: "test", ObjectID: fmt.Sprintf("o%d", i)})
		}()
	}
	// Every writer commits without waiting for the held head.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		p, err := db.CountPendingAudit(ctx, tn)
		if err != nil {
			t.Fatal(err)
		}
		if p == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d entries committed pending while the head was held", p, n)
		}
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p, err := db.CountPendingAudit(ctx, tn); err != nil || p != 0 {
		t.Fatalf("%d entries pending after their writers returned (%v)", p, err)
	}
	checkSealedChain(t, db, tn, n+1, objects)
}

// TestAuditSeveralEntriesInOneTransaction: transactions that write several
// entries (a start report and the application it moves) while others write
// too. On PostgreSQL the first entry of a transaction that finds the head
// free seals and keeps the head, and its later entries are chained in
// place; the chain stays complete, gap-free and verifiable.
func TestAuditSeveralEntriesInOneTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const tn, writers, each, per = 21, 8, 6, 3
		objects := map[string]bool{}
		for w := range writers {
			for i := range each {
				for k := range per {
					objects[fmt.Sprintf("w%d-%d-%d", w, i, k)] = true
				}
			}
		}
		concurrently(t, writers, func(w int) error {
			for i := range each {
				if err := db.InTx(ctx, func(tx *store.Tx) error {
					for k := range per {
						if err := tx.Audit(ctx, tn, audit.Actor{ID: int64(w), Label: "w"}, audit.Change{Action: "test.write",
							ObjectType: "test", ObjectID: fmt.Sprintf("w%d-%d-%d", w, i, k)}); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					return err
				}
			}
			return nil
		})
		if err := db.SealAudit(ctx, tn); err != nil {
			t.Fatal(err)
		}
		checkSealedChain(t, db, tn, len(objects), objects)
		// A rolled-back transaction leaves nothing, neither entry nor head.
		boom := fmt.Errorf("boom")
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for k := range per {
				if err := tx.Audit(ctx, tn, audit.Actor{Label: "x"}, audit.Change{Action: "test.write", ObjectType: "test", ObjectID: fmt.Sprint("gone", k)}); err != nil {
					return err
				}
			}
			return boom
		}); err != boom {
			t.Fatalf("rollback: %v", err)
		}
		checkSealedChain(t, db, tn, len(objects), objects)
	})
}

// concurrently runs fn(0…n-1) in n goroutines and fails the test with the
// first error once all have returned.
func concurrently(t *testing.T, n int, fn func(w int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(w); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestAuditBacklog: more pending entries than one sealing takes (a crash
// or a restore leaves them) are sealed in batches, in id order, on both
// engines; on PostgreSQL a transaction that meets such a backlog keeps its
// own entries in the order it wrote them, after the backlog.
func TestAuditBacklog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const tn, backlog = 9, 1234
		// The chain has a head (a first entry) before the crash.
		if err := db.Audit(ctx, tn, audit.Actor{Label: "first"}, audit.Change{Action: "test.write", ObjectType: "test", ObjectID: "first"}); err != nil {
			t.Fatal(err)
		}
		args := []any{}
		for i := range backlog {
			args = append(args, tn, 1_700_000_000_000_000+int64(i), fmt.Sprintf("old-%04d", i))
		}
		for start := 0; start < backlog; start += 300 {
			end := min(start+300, backlog)
			q := `INSERT INTO audit_pending (tenant_id, at, actor_id, actor_label, action, object_type, object_id, before_json, after_json) VALUES `
			for i := start; i < end; i++ {
				if i > start {
					q += ", "
				}
				q += `(?, ?, 0, 'crashed', 'test.write', 'test', ?, 'null', '{}')`
			}
			if _, err := db.SQL.Exec(db.Rebind(q), args[start*3:end*3]...); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string]bool{"first": true}
		for i := range backlog {
			want[fmt.Sprintf("old-%04d", i)] = true
		}
		mine := []string{"mine-0", "mine-1", "mine-2"}
		if db.Engine == store.Postgres {
			// A transaction of three entries while the backlog waits.
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				for _, id := range mine {
					if err := tx.Audit(ctx, tn, audit.Actor{Label: "w"}, audit.Change{Action: "test.write", ObjectType: "test", ObjectID: id}); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for _, id := range mine {
				want[id] = true
			}
		} else if err := db.SealAudit(ctx, tn); err != nil {
			t.Fatal(err)
		}
		checkSealedChain(t, db, tn, len(want), want)
		seqs := map[string]int64{}
		if err := db.EachAuditEntry(ctx, tn, func(e *audit.Entry) error { seqs[e.ObjectID] = e.Seq; return nil }); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < backlog; i++ {
			if a, b := seqs[fmt.Sprintf("old-%04d", i-1)], seqs[fmt.Sprintf("old-%04d", i)]; b != a+1 {
				t.Fatalf("backlog out of order: old-%04d at %d, old-%04d at %d", i-1, a, i, b)
			}
		}
		if db.Engine == store.Postgres {
			last := seqs[fmt.Sprintf("old-%04d", backlog-1)]
			for k, id := range mine {
				if seqs[id] != last+1+int64(k) {
					t.Errorf("%s at seq %d, want %d (after the backlog, in the order written)", id, seqs[id], last+1+int64(k))
				}
			}
		}
	})
}

// TestAuditHolderChainsInPlaceWhileAnotherNodeWaits (PostgreSQL): node A's
// transaction takes the head with its first entry and chains its later
// ones in place; node B's writers commit pending meanwhile and its sealer
// waits for the head. Whether A commits or rolls back, the chain ends
// complete, in order, and verifies. Entries written one by one and in a
// batch mix in one transaction, in both orders.
func TestAuditHolderChainsInPlaceWhileAnotherNodeWaits(t *testing.T) {
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprint("commit=", commit), func(t *testing.T) {
			ctx := context.Background()
			a, b := openTwice(t, store.Postgres)
			const tn = 31
			if err := a.Audit(ctx, tn, audit.Actor{Label: "first"}, audit.Change{Action: "test.write", ObjectType: "test", ObjectID: "first"}); err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{"first": true}
			change := func(id string) audit.Change {
				return audit.Change{Action: "test.write", ObjectType: "test", ObjectID: id}
			}
			mine := []string{"a-0", "a-1", "a-batch-0", "a-batch-1", "a-2"}
			held, release := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			boom := fmt.Errorf("rolled back")
			go func() {
				done <- a.InTx(ctx, func(tx *store.Tx) error {
					for _, id := range mine[:2] {
						if err := tx.Audit(ctx, tn, audit.Actor{Label: "a"}, change(id)); err != nil {
							return err
						}
					}
					if err := tx.AuditBatch(ctx, tn, audit.Actor{Label: "a"}, []audit.Change{change(mine[2]), change(mine[3])}); err != nil {
						return err
					}
					if err := tx.Audit(ctx, tn, audit.Actor{Label: "a"}, change(mine[4])); err != nil {
						return err
					}
					close(held)
					<-release
					if !commit {
						return boom
					}
					return nil
				})
			}()
			<-held
			const n = 6
			bDone := make(chan error, n)
			for i := range n {
				id := fmt.Sprintf("b-%d", i)
				want[id] = true
				go func() { bDone <- b.Audit(ctx, tn, audit.Actor{Label: "b"}, change(id)) }()
			}
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				p, err := b.CountPendingAudit(ctx, tn)
				if err != nil {
					t.Fatal(err)
				}
				if p == n {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d of %d of node B's entries committed pending while A held the head", p, n)
				}
			}
			close(release)
			if err := <-done; commit && err != nil || !commit && err != boom {
				t.Fatalf("node A: %v", err)
			}
			for range n {
				if err := <-bDone; err != nil {
					t.Fatal(err)
				}
			}
			if commit {
				for _, id := range mine {
					want[id] = true
				}
			}
			checkSealedChain(t, b, tn, len(want), want)
			if commit {
				seqs := map[string]int64{}
				if err := a.EachAuditEntry(ctx, tn, func(e *audit.Entry) error { seqs[e.ObjectID] = e.Seq; return nil }); err != nil {
					t.Fatal(err)
				}
				for k, id := range mine {
					if seqs[id] != 2+int64(k) {
						t.Errorf("%s at seq %d, want %d (node A's entries in the order written, before B's)", id, seqs[id], 2+k)
					}
				}
			}
		})
	}
}
