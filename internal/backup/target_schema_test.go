package backup

import (
	"errors"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestRestoreTargetSchemas: a target that holds tenants under an older
// schema is refused before anything changes — the dry-run check too, and
// the database is not migrated (a restore that migrated it and then found
// a clash said "nothing was written" over a changed schema); a target a
// newer telework migrated is refused, unchanged.
func TestRestoreTargetSchemas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src *store.DB) {
		seedTown(t, src, "saga", "佐賀県")
		archive := create(t, src, "saga")
		latest, err := store.LatestSchemaVersion(src.Engine)
		if err != nil {
			t.Fatal(err)
		}

		older := storetest.Open(t, src.Engine)
		seedTown(t, older, "kobe", "神戸市")
		if _, err := older.MigrateDownTo(ctx, latest-1); err != nil {
			t.Fatal(err)
		}
		a, err := Open(strings.NewReader(string(archive)))
		if err != nil {
			t.Fatal(err)
		}
		var be *Error
		if checked, err := a.CheckTarget(ctx, older); checked || !errors.As(err, &be) || be.Kind != Incompatible || !strings.Contains(be.Ja, "telework migrate") {
			t.Errorf("dry-run check of an older target with a tenant: %t %v", checked, err)
		}
		if err := restore(older, archive); !errors.As(err, &be) || be.Kind != Incompatible {
			t.Errorf("restore into an older target with a tenant: %v", err)
		}
		if v, err := older.SchemaVersion(ctx, older.SQL); err != nil || v != latest-1 {
			t.Errorf("the refused restore migrated the target: version %d %v", v, err)
		}

		// An older target without tenants is migrated and takes the archive.
		empty := storetest.Open(t, src.Engine)
		if _, err := empty.MigrateDownTo(ctx, latest-1); err != nil {
			t.Fatal(err)
		}
		if err := restore(empty, archive); err != nil {
			t.Errorf("restore into an older empty target: %v", err)
		}

		newer := storetest.Open(t, src.Engine)
		if _, err := newer.SQL.ExecContext(ctx, newer.Rebind(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)`), latest+1, true); err != nil {
			t.Fatal(err)
		}
		var sn *store.SchemaNewerError
		if checked, err := a.CheckTarget(ctx, newer); checked || !errors.As(err, &sn) {
			t.Errorf("dry-run check of a newer target: %t %v", checked, err)
		}
		if err := restore(newer, archive); !errors.As(err, &sn) {
			t.Errorf("restore into a newer target: %v", err)
		}
		if _, err := newer.FindTenantBySlug(ctx, "saga"); err == nil {
			t.Error("the archive was restored into a newer schema")
		}
	})
}
