package store

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"SELECT 1":              "SELECT 1",
		"?":                     "$1",
		"a = ? AND b IN (?, ?)": "a = $1 AND b IN ($2, $3)",
		"名前 = ? AND かな LIKE ? ESCAPE '\\'": "名前 = $1 AND かな LIKE $2 ESCAPE '\\'",
		strings.Repeat("?,", 12) + "?":     "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13",
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
	sqlite := &DB{Engine: SQLite}
	if got := sqlite.q("a = ?"); got != "a = ?" {
		t.Errorf("SQLite rebinds: %q", got)
	}
}

// TestRebindCacheBounded: query texts that carry data (a LIMIT written into
// the text, an IN list of any length) must not grow the cache without end,
// and the queries in steady use must stay cached meanwhile.
func TestRebindCacheBounded(t *testing.T) {
	db := &DB{Engine: Postgres}
	const hot = `SELECT id FROM staff WHERE tenant_id = ? AND id = ?`
	const limit = 2*rebindGeneration + 64 // two generations and what racing writers add
	if limit > 10_000 {
		t.Fatalf("the cache's bound (%d texts) is larger than the 10,000 texts this test needs it to stop", limit)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10_000 {
				q := `SELECT id FROM staff WHERE tenant_id = ? LIMIT ` + strconv.Itoa(w*10_000+i)
				if got, want := db.q(q), strings.Replace(q, "?", "$1", 1); got != want {
					t.Errorf("q(%q) = %q", q, got)
					return
				}
				if i%100 == 0 {
					if got := db.q(hot); got != `SELECT id FROM staff WHERE tenant_id = $1 AND id = $2` {
						t.Errorf("q(hot) = %q", got)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := db.rebound.len(); n > limit {
		t.Errorf("after 40,000 distinct texts the cache holds %d, more than its bound %d", n, limit)
	}
	if _, ok := db.rebound.get(hot); !ok {
		t.Error("a query used all along fell out of the cache")
	}
}

// Rewriting a typical query costs a few hundred ns and a hit tens of ns:
// next to a PostgreSQL round trip (≥ 50 µs) either is noise, so the cache
// needs to be bounded more than it needs to be clever.
func BenchmarkRebind(b *testing.B) {
	typical := `SELECT s.id, s.tenant_id, s.staff_no, s.name, s.kana, s.email, s.unit_id, u.name, s.title, s.rank,
		s.is_supervisor, s.employment, s.job_type, s.retired, s.created_at, s.updated_at, s.version, s.retired_at
		FROM staff s JOIN units u ON u.id = s.unit_id AND u.tenant_id = s.tenant_id
		WHERE s.tenant_id = ? AND s.retired = FALSE AND s.search_key LIKE ? ESCAPE '\' ORDER BY s.kana, s.staff_no LIMIT ? OFFSET ?`
	batch := `INSERT INTO staff_history (tenant_id, staff_id, effective_date, old_unit_id, new_unit_id, old_title, new_title,
		changed_at, actor_label) VALUES ` + strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?), `, 99) + `(?, ?, ?, ?, ?, ?, ?, ?, ?)`
	var sink string
	for _, c := range []struct{ name, q string }{{"typical", typical}, {"batch900", batch}} {
		b.Run("rewrite/"+c.name, func(b *testing.B) {
			for b.Loop() {
				sink = rebind(c.q)
			}
		})
		b.Run("cached/"+c.name, func(b *testing.B) {
			db := &DB{Engine: Postgres}
			db.q(c.q)
			for b.Loop() {
				sink = db.q(c.q)
			}
		})
	}
	_ = sink
}
