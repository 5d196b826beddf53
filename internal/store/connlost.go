package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// connLost reports whether err says the connection to PostgreSQL is gone:
// the server restarted or ended the session (an administrator, a
// failover), or the network dropped it. The pool keeps idle connections,
// and pgx only pings one that has been idle for more than a second before
// handing it out, so right after a restart the next statements on the pool
// meet dead connections one after another. connLost says when that is
// what happened (a read or a BEGIN can then simply run again on a fresh
// connection; a write cannot, as it may have been done).
func connLost(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 57P01 admin_shutdown (pg_terminate_backend, a fast shutdown),
		// 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or
		// shutting down), class 08 connection exceptions.
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03" || strings.HasPrefix(pgErr.Code, "08")
	}
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		pgconn.SafeToRetry(err)
}

// unavailable reports whether err means no connection could be had (the
// server is down, refuses connections to this database, or is starting):
// nothing was sent, so nothing was done and the request may be sent again
// (503). A connection lost after a statement was sent is not this: a write
// or a COMMIT may have been done, and the caller cannot be told it was not.
func unavailable(err error) bool {
	var ce *pgconn.ConnectError
	var pgErr *pgconn.PgError
	return errors.As(err, &ce) || errors.Is(err, driver.ErrBadConn) || (errors.As(err, &pgErr) && pgErr.Code == "57P03")
}

// readOnly reports whether q only reads (a SELECT): the one kind of
// statement outside a transaction that may run again after a lost
// connection. INSERT … RETURNING and DELETE … RETURNING also go through
// row, and may have been done before the connection was lost.
func readOnly(q string) bool {
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(q)), "SELECT")
}

// afterConnLost drops the pool's idle connections when err says a
// connection was lost: after a server restart every one of them is dead,
// and each would fail the next statement given it. It reports whether it
// did (the caller may then run a read or a BEGIN once more).
func (db *DB) afterConnLost(err error) bool {
	if db.Engine != Postgres || !connLost(err) {
		return false
	}
	db.SQL.SetMaxIdleConns(0) // closes the idle connections now
	db.SQL.SetMaxIdleConns(pgMaxConns)
	return true
}
