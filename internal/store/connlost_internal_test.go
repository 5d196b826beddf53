package store

import (
	"database/sql/driver"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"telework/internal/apperr"
)

// Only a SELECT runs again after a lost connection: INSERT … RETURNING and
// DELETE … RETURNING also read a row back, and may have been done.
func TestOnlyReadsRunAgain(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT id FROM users WHERE tenant_id = ?": true,
		"\n\t\tselect 1": true,
		"INSERT INTO login_failures (tenant_id) VALUES (?) RETURNING id":   false,
		"DELETE FROM sso_states WHERE state = ? RETURNING tenant_id":       false,
		"WITH p AS (INSERT INTO audit_pending VALUES (?)) SELECT 1":        false,
		"UPDATE api_tokens SET last_used_at = ? WHERE id = ? RETURNING id": false,
	} {
		if got := readOnly(q); got != want {
			t.Errorf("readOnly(%q) = %v, want %v", q, got, want)
		}
	}
}

// 503 "nothing was done" only where nothing was sent: no connection could
// be had. A connection lost after a statement or a COMMIT went out may
// have done it, and stays an internal error (the caller must not be told
// to send it again).
func TestUnavailableOnlyWhenNothingWasSent(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"no connection", &pgconn.ConnectError{}, true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"bad connection before sending", driver.ErrBadConn, true},
		{"commit, connection reset", fmt.Errorf("store: commit: %w", syscall.ECONNRESET), false},
		{"commit, reply lost", fmt.Errorf("store: commit: %w", io.ErrUnexpectedEOF), false},
		{"session ended after the statement", &pgconn.PgError{Code: "57P01"}, false},
	}
	for _, c := range cases {
		if got := apperr.CodeOf(mapErr(c.err)) == apperr.Unavailable; got != c.want {
			t.Errorf("%s: unavailable %v, want %v", c.name, got, c.want)
		}
	}
}
