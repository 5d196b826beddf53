package store_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestPolicyStore covers the SQL only: which versions may change is
// policy.Service's rule (internal/policy/service_test.go).
func TestPolicyStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustTenant(t, db, "shibuya")
		b := mustTenant(t, db, "saga")
		tp, _ := policy.TemplateByName("shibuya")
		today := calendar.DateOf(time.Now())
		v1 := &policy.Version{Effective: today, Policy: tp.Policy, Note: "one"}
		v2 := &policy.Version{Effective: today.AddDays(10), Policy: tp.Policy, Note: "two"}
		err := db.InPolicyTx(ctx, func(tx policy.Tx) error {
			if err := tx.InsertPolicyVersion(ctx, a.ID, hr, v2); err != nil {
				return err
			}
			return tx.InsertPolicyVersion(ctx, a.ID, hr, v1)
		})
		if err != nil || v1.ID == 0 || v2.ID == 0 {
			t.Fatalf("insert: %v", err)
		}
		dup := &policy.Version{Effective: today, Policy: tp.Policy}
		if err := db.InPolicyTx(ctx, func(tx policy.Tx) error { return tx.InsertPolicyVersion(ctx, a.ID, hr, dup) }); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("two versions on one date: %v", err)
		}
		v2.Note, v2.Policy.Caps.WeeklyMaxDays = "two, changed", 3
		if err := db.InPolicyTx(ctx, func(tx policy.Tx) error { return tx.UpdatePolicyVersion(ctx, a.ID, hr, v2) }); err != nil {
			t.Fatal(err)
		}
		vs, err := db.FindPolicyVersions(ctx, a.ID)
		if err != nil || len(vs) != 2 || vs[0].ID != v1.ID || vs[1].Note != "two, changed" || vs[1].Policy.Caps.WeeklyMaxDays != 3 ||
			vs[1].Effective != v2.Effective {
			t.Fatalf("versions by date: %+v %v", vs, err)
		}
		if other, _ := db.FindPolicyVersions(ctx, b.ID); len(other) != 0 {
			t.Error("versions leak across tenants")
		}
		err = db.InPolicyTx(ctx, func(tx policy.Tx) error {
			if err := tx.UpdatePolicyVersion(ctx, b.ID, hr, v2); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("update across tenants: %v", err)
			}
			if err := tx.DeletePolicyVersion(ctx, b.ID, v2.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("delete across tenants: %v", err)
			}
			return tx.DeletePolicyVersion(ctx, a.ID, v2.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if vs, _ := db.FindPolicyVersions(ctx, a.ID); len(vs) != 1 {
			t.Errorf("after delete: %d versions", len(vs))
		}

		// Facts: zero until recorded; NotFound for no such person.
		u := mustUnit(t, db, a.ID, 0, "1", "総務部", "部")
		s := newStaff("0001", "渋谷 花子", "しぶや はなこ", u.ID)
		if err := storetest.F(db).CreateStaff(ctx, a.ID, hr, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		if f, err := db.FindPolicyFacts(ctx, a.ID, s.ID); err != nil || len(f.Reasons) != 0 || f.HasTerminal || f.Seconded {
			t.Errorf("no facts yet: %+v %v", f, err)
		}
		if _, err := db.FindPolicyFacts(ctx, b.ID, s.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("facts across tenants: %v", err)
		}
		for _, want := range []policy.Facts{{Reasons: []string{"nursing", "childcare"}, HasTerminal: true}, {Seconded: true}} {
			err := db.InPolicyTx(ctx, func(tx policy.Tx) error { return tx.UpsertPolicyFacts(ctx, a.ID, s.ID, want) })
			if err != nil {
				t.Fatal(err)
			}
			f, err := db.FindPolicyFacts(ctx, a.ID, s.ID)
			if err != nil || len(f.Reasons) != len(want.Reasons) || f.HasTerminal != want.HasTerminal || f.Seconded != want.Seconded {
				t.Errorf("facts = %+v %v, want %+v", f, err, want)
			}
		}
		// Reasons alone: the other facts stay.
		if err := db.InPolicyTx(ctx, func(tx policy.Tx) error { return tx.UpsertPolicyReasons(ctx, a.ID, s.ID, []string{"childcare"}) }); err != nil {
			t.Fatal(err)
		}
		if f, err := db.FindPolicyFacts(ctx, a.ID, s.ID); err != nil || len(f.Reasons) != 1 || f.Reasons[0] != "childcare" || !f.Seconded {
			t.Errorf("after reasons alone: %+v %v", f, err)
		}
		s2 := newStaff("0002", "渋谷 次郎", "しぶや じろう", u.ID)
		if err := storetest.F(db).CreateStaff(ctx, a.ID, hr, s2, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		if err := db.InPolicyTx(ctx, func(tx policy.Tx) error { return tx.UpsertPolicyReasons(ctx, a.ID, s2.ID, []string{"nursing"}) }); err != nil {
			t.Fatal(err)
		}
		if f, err := db.FindPolicyFacts(ctx, a.ID, s2.ID); err != nil || len(f.Reasons) != 1 || f.HasTerminal || f.Seconded {
			t.Errorf("first reasons: %+v %v", f, err)
		}
	})
}
