package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"telework/internal/apperr"
)

// TestQueuedWriterGivesUpAndTheQueueGoesOn: a writer that waits longer
// than writeWait behind a held transaction gets the busy error (and its
// function never runs); the queue then serves the next writers normally.
func TestQueuedWriterGivesUpAndTheQueueGoesOn(t *testing.T) {
	old := writeWait
	writeWait = 100 * time.Millisecond
	t.Cleanup(func() { writeWait = old })
	ctx := context.Background()
	db := queueDB(t)
	inside, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- db.InTx(ctx, func(tx *Tx) error {
			close(inside)
			<-release
			_, err := tx.exec(ctx, `INSERT INTO q (n) VALUES (1)`)
			return err
		})
	}()
	<-inside
	ran := false
	err := db.InTx(ctx, func(tx *Tx) error {
		ran = true
		_, err := tx.exec(ctx, `INSERT INTO q (n) VALUES (2)`)
		return err
	})
	if e := apperr.As(err); e == nil || e.Key != "error.database_busy" || ran {
		t.Fatalf("queued past the wait: err %v, ran %v; want error.database_busy and not run", err, ran)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if _, err := db.exec(ctx, `INSERT INTO q (n) VALUES (3)`); err != nil {
		t.Fatalf("the queue after a writer gave up: %v", err)
	}
	got := queueRows(t, db)
	if len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Fatalf("rows %v, want [1 3] (the writer that gave up wrote nothing)", got)
	}
}

// TestWriteBatchSurvivesGoexit: a function that leaves its batch by
// runtime.Goexit (what t.Fatal does in a test's callback) neither jams the
// queue nor leaves SQLite's write lock held: the rest of its batch is told
// nothing was written, and the next writers go on.
func TestWriteBatchSurvivesGoexit(t *testing.T) {
	ctx := context.Background()
	db := queueDB(t)
	insert := func(n int) func(*Tx) error {
		return func(tx *Tx) error { _, err := tx.exec(ctx, `INSERT INTO q (n) VALUES (?)`, n); return err }
	}
	inside, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.InTx(ctx, func(tx *Tx) error {
			close(inside)
			<-release
			return insert(1)(tx)
		})
	}()
	<-inside
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		_ = db.InTx(ctx, func(tx *Tx) error {
			_ = insert(2)(tx)
			runtime.Goexit()
			return nil
		})
	}()
	third := make(chan error, 1)
	go func() {
		time.Sleep(20 * time.Millisecond) // queues behind the Goexit writer (not a timing assertion)
		third <- db.InTx(ctx, insert(3))
	}()
	time.Sleep(60 * time.Millisecond)
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	<-exited
	err3 := <-third
	if err3 != nil && !errors.Is(err3, errWriteInterrupted) {
		t.Fatalf("the writer batched with the one that left: %v", err3)
	}
	if err := db.InTx(ctx, insert(4)); err != nil {
		t.Fatalf("the queue after a Goexit: %v", err)
	}
	got := queueRows(t, db)
	want := "[1 4]"
	if err3 == nil {
		want = "[1 3 4]" // it was not batched with the one that left
	}
	if fmt.Sprint(got) != want {
		t.Fatalf("rows %v, want %s (nothing of the interrupted batch)", got, want)
	}
}

// queueDB is a new SQLite database with one table q (n INTEGER) for the
// write-queue tests.
func queueDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.SQL.Exec(`CREATE TABLE q (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// queueRows are the values in q, in order.
func queueRows(t *testing.T, db *DB) []int {
	t.Helper()
	rows, err := db.SQL.Query(`SELECT n FROM q ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	return got
}
