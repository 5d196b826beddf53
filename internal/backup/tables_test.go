package backup

import (
	"context"
	"slices"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

type dbColumn struct {
	name string
	kind []Kind // the kinds the declared type may carry
	null bool
}

// schemaColumns reads the migrated schema from the engine's catalogue.
func schemaColumns(t *testing.T, db *store.DB) map[string][]dbColumn {
	t.Helper()
	ctx := context.Background()
	out := map[string][]dbColumn{}
	if db.Engine == store.SQLite {
		rows, err := db.SQL.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, n)
		}
		rows.Close()
		for _, tb := range tables {
			rows, err := db.SQL.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, tb)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var name, typ string
				var notNull, pk int
				if err := rows.Scan(&name, &typ, &notNull, &pk); err != nil {
					t.Fatal(err)
				}
				c := dbColumn{name: name, null: notNull == 0 && pk == 0}
				switch strings.ToUpper(typ) {
				case "INTEGER":
					c.kind = []Kind{Int, Bool} // SQLite keeps booleans as 0/1
				case "BIGINT":
					c.kind = []Kind{Int}
				case "TEXT":
					c.kind = []Kind{Text}
				}
				out[tb] = append(out[tb], c)
			}
			rows.Close()
		}
		return out
	}
	rows, err := db.SQL.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var tb, name, typ, nullable string
		if err := rows.Scan(&tb, &name, &typ, &nullable); err != nil {
			t.Fatal(err)
		}
		c := dbColumn{name: name, null: nullable == "YES"}
		switch typ {
		case "bigint", "integer", "smallint":
			c.kind = []Kind{Int}
		case "boolean":
			c.kind = []Kind{Bool}
		case "text":
			c.kind = []Kind{Text}
		}
		out[tb] = append(out[tb], c)
	}
	return out
}

// TestTablesCoverSchema fails when a migration adds a table or a column
// that the backup does not carry (or describes one wrongly), so that no
// data can be left out of a backup by forgetting this package.
func TestTablesCoverSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		schema := schemaColumns(t, db)
		ignored := append([]string{"goose_db_version"}, Transient...)
		for name, cols := range schema {
			if slices.Contains(ignored, name) {
				continue
			}
			tb := tableByName(name)
			if tb == nil {
				t.Errorf("table %s is neither in backup.Tables nor in backup.Transient: add it to internal/backup/tables.go", name)
				continue
			}
			for _, c := range cols {
				k := tb.column(c.name)
				if k < 0 {
					t.Errorf("column %s.%s is not in backup.Tables", name, c.name)
					continue
				}
				d := tb.Columns[k]
				if !slices.Contains(c.kind, d.Kind) {
					t.Errorf("column %s.%s is described as %s, the schema allows %v", name, c.name, d.Kind, c.kind)
				}
				if d.Null != c.null {
					t.Errorf("column %s.%s: described nullable=%t, schema nullable=%t", name, c.name, d.Null, c.null)
				}
			}
			for _, d := range tb.Columns {
				if !slices.ContainsFunc(cols, func(c dbColumn) bool { return c.name == d.Name }) {
					t.Errorf("column %s.%s is described but not in the schema", name, d.Name)
				}
			}
		}
		for _, tb := range Tables {
			if _, ok := schema[tb.Name]; !ok {
				t.Errorf("table %s is described but not in the schema", tb.Name)
			}
			if len(tb.Key) == 0 {
				t.Errorf("table %s has no key", tb.Name)
			}
			for _, k := range tb.Key {
				if c := tb.column(k); c < 0 || tb.Columns[c].Null || tb.Columns[c].Kind == Bool {
					t.Errorf("table %s: key column %s must be a NOT NULL integer or text column", tb.Name, k)
				}
			}
			if pk := primaryKey(t, db, tb.Name); !slices.Equal(pk, tb.Key) {
				t.Errorf("table %s: key %v, but the primary key is %v", tb.Name, tb.Key, pk)
			}
			if (tb.Identity || tb.Parent != "") && !tb.intKey() {
				t.Errorf("table %s: Identity and Parent need one integer key", tb.Name)
			}
			if tb.Parent != "" && tb.column(tb.Parent) < 0 {
				t.Errorf("table %s: parent column %s missing", tb.Name, tb.Parent)
			}
			if tb.scope == tenantRows && tb.column("tenant_id") < 0 {
				t.Errorf("table %s: tenant rows without tenant_id", tb.Name)
			}
		}
		for _, name := range Transient {
			if _, ok := schema[name]; !ok {
				t.Errorf("transient table %s no longer exists: remove it from backup.Transient", name)
			}
		}
	})
}

// primaryKey lists the primary key columns of a table in key order.
func primaryKey(t *testing.T, db *store.DB, table string) []string {
	t.Helper()
	q := `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`
	if db.Engine == store.Postgres {
		q = `SELECT a.attname FROM pg_index i
			JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON TRUE
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
			WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.n`
	}
	rows, err := db.SQL.QueryContext(context.Background(), q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestTablesInForeignKeyOrder checks that every table comes after the
// tables it refers to, so that loading in Tables order satisfies every
// foreign key (a reference to the table itself must be its Parent; the
// composite keys carry tenant_id along, as in (tenant_id, parent_id)).
func TestTablesInForeignKeyOrder(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	for k, tb := range Tables {
		rows, err := db.SQL.Query(`SELECT "table", group_concat("from", ', ') FROM pragma_foreign_key_list(?) GROUP BY id`, tb.Name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var ref, from string
			if err := rows.Scan(&ref, &from); err != nil {
				t.Fatal(err)
			}
			switch r := slices.IndexFunc(Tables, func(o Table) bool { return o.Name == ref }); {
			case r == k && (tb.Parent == "" || !slices.Contains(strings.Split(from, ", "), tb.Parent)):
				t.Errorf("%s (%s) refers to its own table but is not its Parent column", tb.Name, from)
			case r < 0:
				t.Errorf("%s (%s) refers to %s, which is not backed up", tb.Name, from, ref)
			case r > k:
				t.Errorf("%s (%s) refers to %s, which comes later in Tables", tb.Name, from, ref)
			}
		}
		rows.Close()
	}
}

func TestSchemaVersionsAgree(t *testing.T) {
	lite, err := store.LatestSchemaVersion(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.LatestSchemaVersion(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if lite != pg || lite < 1 {
		t.Errorf("newest migration: sqlite %d, postgres %d; an archive must mean the same schema on both", lite, pg)
	}
}
