package audit_test

import (
	"context"
	"strconv"
	"testing"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestExportReadsTheWholeChain exports more entries than one read holds,
// oldest first, each once, with a kind that is tested entry by entry.
func TestExportReadsTheWholeChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := &org.Tenant{Slug: "saga", Name: "佐賀県", Kind: org.Prefecture, StaffSize: 10, GeneralAdminStaff: 5}
		if err := storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "test"}, tn, nil); err != nil {
			t.Fatal(err)
		}
		const n = 1100
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range n {
				c := audit.Change{Action: "staff.update", ObjectType: "staff", ObjectID: "1",
					Before: map[string]any{"unit_id": i}, After: map[string]any{"unit_id": i + i%2}}
				if err := tx.Audit(ctx, tn.ID, audit.Actor{ID: 1, Label: "hr"}, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		svc := app.NewServices(db).Audit
		var seqs []int64
		if err := svc.Export(ctx, tn.ID, audit.Query{Kind: audit.KindStaffMove}, func(v *audit.View) error {
			seqs = append(seqs, v.Seq)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(seqs) != n/2 {
			t.Fatalf("exported %d moves, want %d", len(seqs), n/2)
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] <= seqs[i-1] {
				t.Fatalf("not oldest first at %d: %s", i, strconv.FormatInt(seqs[i], 10))
			}
		}
	})
}
