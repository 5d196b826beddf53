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

func TestPolicyVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustTenant(t, db, "shibuya")
		b := mustTenant(t, db, "saga")
		tp, _ := policy.TemplateByName("shibuya")
		today := calendar.DateOf(time.Now())
		save := func(tenant int64, d calendar.Date) (*policy.Version, error) {
			v := &policy.Version{Effective: d, Policy: tp.Policy, Note: d.String()}
			return v, db.SavePolicyVersion(ctx, tenant, hr, v)
		}
		if _, err := save(a.ID, today.AddDays(-1)); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("past effective date: %v", err)
		}
		cur, err := save(a.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := save(a.ID, today); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("replacing the version in force: %v", err)
		}
		next, err := save(a.ID, today.AddDays(10))
		if err != nil {
			t.Fatal(err)
		}
		again, err := save(a.ID, today.AddDays(10)) // replaces the scheduled one
		if err != nil || again.ID != next.ID {
			t.Fatalf("replace scheduled: %v %d/%d", err, again.ID, next.ID)
		}
		vs, _ := db.FindPolicyVersions(ctx, a.ID)
		if len(vs) != 2 {
			t.Fatalf("%d versions", len(vs))
		}
		if v, ok := policy.InForce(vs, today.AddDays(9)); !ok || v.ID != cur.ID {
			t.Error("wrong version in force before the change")
		}
		if other, _ := db.FindPolicyVersions(ctx, b.ID); len(other) != 0 {
			t.Error("versions leak across tenants")
		}
		if err := db.DeletePolicyVersion(ctx, b.ID, hr, next.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("delete across tenants: %v", err)
		}
		if err := db.DeletePolicyVersion(ctx, a.ID, hr, cur.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("delete in force: %v", err)
		}
		if err := db.DeletePolicyVersion(ctx, a.ID, hr, next.ID); err != nil {
			t.Errorf("delete scheduled: %v", err)
		}
		// Facts for eligibility.
		u := mustUnit(t, db, a.ID, 0, "1", "総務部", "部")
		s := newStaff("0001", "渋谷 花子", "しぶや はなこ", u.ID)
		if err := storetest.F(db).CreateStaff(ctx, a.ID, hr, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePolicyFacts(ctx, a.ID, hr, s.ID, policy.Facts{Reasons: []string{"nursing"}, HasTerminal: true}); err != nil {
			t.Fatal(err)
		}
		f, err := db.FindPolicyFacts(ctx, a.ID, s.ID)
		if err != nil || len(f.Reasons) != 1 || f.Reasons[0] != "nursing" || !f.HasTerminal || f.Seconded {
			t.Errorf("facts = %+v %v", f, err)
		}
		if err := db.SavePolicyFacts(ctx, b.ID, hr, s.ID, policy.Facts{}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("facts across tenants: %v", err)
		}
		if _, err := db.VerifyAuditChain(ctx, a.ID); err != nil {
			t.Error(err)
		}
	})
}
