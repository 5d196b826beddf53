package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"telework/internal/apperr"
)

func isNotFound(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// likeEscape escapes LIKE wildcards in user input; queries use ESCAPE '\'.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func likePrefix(s string) string   { return likeEscape(s) + "%" }
func likeContains(s string) string { return "%" + likeEscape(s) + "%" }

func staleErr() error { return apperr.ConflictStale() }

// affectedOne turns "no row changed" into NotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.New(apperr.NotFound, "error.not_found")
	}
	return nil
}

// staleIfNone is for updates guarded by "AND version = ?": no row changed
// means another writer got there first (optimistic locking without a
// read-then-write race), so the caller gets the stale-form conflict.
func staleIfNone(res sql.Result, err error) error {
	if err != nil {
		return mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return staleErr()
	}
	return nil
}

// isDuplicate reports a unique-constraint violation (not a stale version).
func isDuplicate(err error) bool {
	e := apperr.As(err)
	return e != nil && e.Code == apperr.Conflict && e.Key == "error.duplicate"
}

// collect reads every row with scan and closes rows: the one loop that
// every list query shares.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// queryAll runs a list query and collects its rows with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scan)
}

// queryCounts reads rows of (key, number) into a map: retention days by
// kind, staff counts by unit.
func queryCounts[K comparable](ctx context.Context, q querier, query string, args ...any) (map[K]int, error) {
	type pair struct {
		key K
		n   int
	}
	rows, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (pair, error) {
		var p pair
		return p, sc.Scan(&p.key, &p.n)
	}, query, args...)
	if err != nil {
		return nil, err
	}
	out := make(map[K]int, len(rows))
	for _, p := range rows {
		out[p.key] = p.n
	}
	return out, nil
}

// scanID reads a single id column.
func scanID(sc interface{ Scan(...any) error }) (int64, error) {
	var id int64
	err := sc.Scan(&id)
	return id, err
}

// countInto sets *total to the number of rows query matches (nothing when
// total is nil): the count of a whole list beside one page of it.
func countInto(ctx context.Context, q querier, total *int, query string, args []any) error {
	if total == nil {
		return nil
	}
	n, err := queryAll(ctx, q, scanID, `SELECT COUNT(*) FROM (`+query+`) c`, args...)
	if err != nil {
		return err
	}
	if len(n) == 1 {
		*total = int(n[0])
	}
	return nil
}

// maxList is the most rows a list query returns in one call when its
// caller names no limit.
const maxList = 5000

// listCap is a list's LIMIT: limit, or maxList when none (or more) is
// asked for.
func listCap(limit int) int {
	if limit <= 0 || limit > maxList {
		return maxList
	}
	return limit
}

// forShare is " FOR SHARE" on PostgreSQL, to end a SELECT whose rows a
// transaction must hold against changes until it commits; SQLite runs one
// write transaction at a time and has no row locks.
func (db *DB) forShare() string {
	if db.Engine == Postgres {
		return " FOR SHARE"
	}
	return ""
}
