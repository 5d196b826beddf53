package store_test

import (
	"context"
	"testing"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestRekeyStaffSearch: keys stored before a change of org.SearchKey (a
// database of an earlier release) are made again at start-up when a
// migration asks for it, once; the person is then found by the usual
// form of a variant kanji.
func TestRekeyStaffSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := &org.Tenant{Slug: "saga", Name: "佐賀県", Kind: org.Prefecture, StaffSize: 10, GeneralAdminStaff: 8}
		storetest.Must(t, storetest.F(db).CreateTenant(ctx, hr, tn, nil))
		u := &org.Unit{Code: "1", Name: "人事課", Level: "課"}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, hr, u, calendar.Date{}))
		s := &org.Staff{StaffNo: "0001", Name: "山﨑 髙志", Kana: "やまさき たかし", UnitID: u.ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, hr, s, calendar.Date{}))
		// As an earlier release stored it, and the migration's request.
		old := "山﨑髙志\x1fヤマサキタカシ\x1f0001"
		if _, err := db.SQL.ExecContext(ctx, db.Rebind(`UPDATE staff SET search_key = ? WHERE id = ?`), old, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.ExecContext(ctx, db.Rebind(`UPDATE job_runs SET finished_at = 0 WHERE job = 'staff_search_keys'`)); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := db.FindStaff(ctx, tn.ID, org.StaffFilter{Query: "山崎"}); len(got) != 0 {
			t.Fatal("the old key already matched")
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := db.FindStaff(ctx, tn.ID, org.StaffFilter{Query: "山崎 高志"}); len(got) != 1 {
			t.Fatalf("after the start-up: %d found", len(got))
		}
		var pending int
		if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM job_runs WHERE job = 'staff_search_keys' AND finished_at = 0`).Scan(&pending); err != nil || pending != 0 {
			t.Fatalf("still asked for: %d %v", pending, err)
		}
	})
}
