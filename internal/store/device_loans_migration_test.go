package store_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDeviceLoansMigration runs migration 00028 over reservations written
// before it: each live reservation holds its pool from its day to its due
// day, a returned one keeps its day, a cancelled one nothing, and the
// counters are rebuilt to match (they counted the first day only).
func TestDeviceLoansMigration(t *testing.T) {
	ctx := context.Background()
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			db, err := store.Open(ctx, storetest.DSN(t, eng))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.MigrateTo(ctx, 27); err != nil {
				t.Fatal(err)
			}
			var tenant, unit, staff, pool int64
			row := func(dst *int64, q string, args ...any) {
				t.Helper()
				if err := db.SQL.QueryRowContext(ctx, db.Rebind(q+" RETURNING id"), args...).Scan(dst); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.SQL.ExecContext(ctx, db.Rebind(q), args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			row(&tenant, `INSERT INTO tenants (slug, name, kind, created_at) VALUES ('t', 't', 'city', 0)`)
			row(&unit, `INSERT INTO units (tenant_id, parent_id, code, name, level, created_at, updated_at) VALUES (?, NULL, '1', '課', '課', 0, 0)`, tenant)
			row(&staff, `INSERT INTO staff (tenant_id, staff_no, name, kana, search_key, email, unit_id, rank, employment, job_type, created_at, updated_at)
				VALUES (?, '1', '山田', 'やまだ', 'やまだ', '', ?, 'staff', 'regular', 'general', 0, 0)`, tenant, unit)
			row(&pool, `INSERT INTO device_pools (tenant_id, name, kind, capacity, loan_days, created_at, updated_at) VALUES (?, 'PC', 'loan_pc', 5, 3, 0, 0)`, tenant)
			for i, r := range []struct{ day, due, status, asset string }{
				{"2026-11-30", "2026-12-02", "reserved", ""},
				{"2026-12-01", "2026-12-03", "lent", "PC-1"},
				{"2026-11-20", "2026-11-22", "returned", "PC-2"},
				{"2026-12-01", "2026-12-03", "cancelled", ""},
				{"2026-11-10", "2026-11-12", "lent", "PC-9"}, // PC-9 recorded out twice (the old code let it)
				{"2026-11-25", "2026-11-27", "lent", "PC-9"},
			} {
				exec(`INSERT INTO device_reservations (tenant_id, pool_id, staff_id, day, status, asset_no, due_day, created_at, cancelled_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`, tenant, pool, staff, r.day, r.status, r.asset, r.due, i)
			}
			// The counters as the code before kept them: the first day.
			for day, used := range map[string]int{"2026-11-30": 1, "2026-12-01": 1, "2026-11-20": 1} {
				exec(`INSERT INTO device_slots (tenant_id, pool_id, day, used) VALUES (?, ?, ?, ?)`, tenant, pool, day, used)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			rows, err := db.SQL.QueryContext(ctx, `SELECT day, used FROM device_slots`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var day string
				var used int
				if err := rows.Scan(&day, &used); err != nil {
					t.Fatal(err)
				}
				got[day] = used
			}
			rows.Close()
			want := map[string]int{"2026-11-20": 1, "2026-11-30": 1, "2026-12-01": 2, "2026-12-02": 2, "2026-12-03": 1,
				"2026-11-10": 1, "2026-11-11": 1, "2026-11-12": 1, "2026-11-25": 1, "2026-11-26": 1, "2026-11-27": 1}
			if !maps.Equal(got, want) {
				t.Fatalf("counters after the migration: %v, want %v", got, want)
			}
			var held []string
			rows, err = db.SQL.QueryContext(ctx, `SELECT held_to FROM device_reservations ORDER BY cancelled_at`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var h string
				if err := rows.Scan(&h); err != nil {
					t.Fatal(err)
				}
				held = append(held, h)
			}
			rows.Close()
			if want := []string{"2026-12-02", "2026-12-03", "2026-11-20", "2026-12-01", "2026-11-12", "2026-11-27"}; !slices.Equal(held, want) {
				t.Fatalf("held_to: %v, want %v", held, want)
			}
			// The older of the two PC-9 loans is kept, lent, with its number marked.
			var assets []string
			rows, err = db.SQL.QueryContext(ctx, `SELECT asset_no FROM device_reservations WHERE asset_no LIKE 'PC-9%' ORDER BY cancelled_at`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var a string
				if err := rows.Scan(&a); err != nil {
					t.Fatal(err)
				}
				assets = append(assets, a)
			}
			rows.Close()
			if len(assets) != 2 || !strings.HasPrefix(assets[0], "PC-9 (重複 ") || assets[1] != "PC-9" {
				t.Fatalf("PC-9 out twice before the migration: %v", assets)
			}
			// One asset number out once.
			_, err = db.SQL.ExecContext(ctx, db.Rebind(`INSERT INTO device_reservations (tenant_id, pool_id, staff_id, day, status, asset_no, due_day, created_at, cancelled_at)
				VALUES (?, ?, ?, '2026-12-05', 'lent', 'PC-1', '2026-12-07', 0, 9)`), tenant, pool, staff)
			if err == nil {
				t.Fatal("PC-1 lent twice")
			}
		})
	}
}
