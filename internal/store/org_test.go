package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var hr = audit.Actor{ID: 1, Label: "hr01"}

func mustTenant(t *testing.T, db *store.DB, slug string) *org.Tenant {
	t.Helper()
	tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 1000, GeneralAdminStaff: 600}
	if err := storetest.F(db).CreateTenant(context.Background(), audit.Actor{Label: "op"}, tn, nil); err != nil {
		t.Fatal(err)
	}
	return tn
}

func mustUnit(t *testing.T, db *store.DB, tenantID, parent int64, code, name, level string) *org.Unit {
	t.Helper()
	u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: level}
	if err := storetest.F(db).CreateUnit(context.Background(), tenantID, hr, u, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	return u
}

func newStaff(no, name, kana string, unit int64) *org.Staff {
	return &org.Staff{StaffNo: no, Name: name, Kana: kana, UnitID: unit, Rank: org.RankStaff,
		Employment: org.Regular, JobType: "general", Email: no + "@example.lg.jp"}
}

func TestOrgStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustTenant(t, db, "matsumoto")
		b := mustTenant(t, db, "kakegawa")
		dept := mustUnit(t, db, a.ID, 0, "100", "総務部", "部")
		sect := mustUnit(t, db, a.ID, dept.ID, "110", "人事課", "課")
		team := mustUnit(t, db, a.ID, sect.ID, "111", "人事係", "係")
		other := mustUnit(t, db, b.ID, 0, "100", "総務部", "部")

		// The same unit code is fine in another tenant, not twice in one.
		dup := &org.Unit{Code: "110", Name: "重複", Level: "課"}
		if err := storetest.F(db).CreateUnit(ctx, a.ID, hr, dup, calendar.Date{}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("duplicate unit code: got %v, want invalid", err)
		}
		// A unit cannot be placed under another tenant's unit.
		if err := storetest.F(db).CreateUnit(ctx, a.ID, hr, &org.Unit{ParentID: other.ID, Code: "999", Name: "x", Level: "課"}, calendar.Date{}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("parent from another tenant: got %v", err)
		}

		s1 := newStaff("0001", "山田 太郎", "やまだ たろう", team.ID)
		s2 := newStaff("0002", "髙橋 花子", "タカハシ ハナコ", sect.ID)
		s3 := newStaff("0003", "山本 一郎", "ﾔﾏﾓﾄ ｲﾁﾛｳ", dept.ID)
		for _, s := range []*org.Staff{s1, s2, s3} {
			if err := storetest.F(db).CreateStaff(ctx, a.ID, hr, s, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := storetest.F(db).CreateStaff(ctx, b.ID, hr, newStaff("0001", "他団体", "たたい", team.ID), calendar.Date{}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("staff in another tenant's unit: got %v", err)
		}

		search := []struct {
			q    string
			unit int64
			want int
		}{
			{"ヤマ", 0, 2}, {"やま", 0, 2}, {"ﾔﾏﾀﾞ", 0, 1}, {"山田", 0, 1}, {"０００２", 0, 1},
			{"たかはし はなこ", 0, 1}, {"山 郎", 0, 2}, {"山 太", 0, 1}, {"", sect.ID, 2}, {"", team.ID, 1}, {"%", 0, 0},
			{"高橋", 0, 1}, {"髙橋", 0, 1},
		}
		for _, tt := range search {
			got, total, err := db.FindStaff(ctx, a.ID, org.StaffFilter{Query: tt.q, UnitID: tt.unit})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want || total != tt.want {
				t.Errorf("FindStaff(%q, unit %d) = %d (total %d), want %d", tt.q, tt.unit, len(got), total, tt.want)
			}
		}
		if got, _, _ := db.FindStaff(ctx, b.ID, org.StaffFilter{Query: "山田"}); len(got) != 0 {
			t.Error("search crossed tenants")
		}
		if _, err := db.FindStaffByID(ctx, b.ID, s1.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("FindStaffByID across tenants: %v", err)
		}

		// Move with an effective date (人事異動) and a stale second edit.
		moved := *s1
		moved.UnitID, moved.Title = sect.ID, "主任"
		if err := storetest.F(db).UpdateStaff(ctx, a.ID, hr, &moved, s1.Version, calendar.Date{Year: 2026, Month: time.April, Day: 1}); err != nil {
			t.Fatal(err)
		}
		if err := storetest.F(db).UpdateStaff(ctx, a.ID, hr, &moved, s1.Version, calendar.Date{}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale update: got %v, want conflict", err)
		}
		hist, err := db.FindStaffHistory(ctx, a.ID, s1.ID)
		// Sorted by effective date: the creation (today) precedes the April move.
		if err != nil || len(hist) != 2 || hist[1].OldUnitName != "人事係" || hist[1].NewUnitName != "人事課" || hist[1].EffectiveDate.String() != "2026-04-01" || hist[1].NewTitle != "主任" {
			t.Errorf("staff history = %+v, %v", hist, err)
		}

		// Rename and move a unit; a cycle is refused.
		up, err := storetest.F(db).UpdateUnit(ctx, a.ID, hr, sect.ID, org.Unit{Name: "職員課", Level: "課", Code: "110", ParentID: dept.ID, Version: sect.Version}, calendar.Date{})
		if err != nil || up.Name != "職員課" {
			t.Fatalf("rename: %v", err)
		}
		if _, err := storetest.F(db).UpdateUnit(ctx, a.ID, hr, dept.ID, org.Unit{Name: "総務部", Level: "部", Code: "100", ParentID: team.ID, Version: dept.Version}, calendar.Date{}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("cycle: got %v", err)
		}
		uh, _ := db.FindUnitHistory(ctx, a.ID, sect.ID)
		if len(uh) != 2 || uh[0].Kind != "rename" || uh[0].OldName != "人事課" {
			t.Errorf("unit history = %+v", uh)
		}
		if err := storetest.F(db).Org.RetireUnit(ctx, a.ID, hr, sect.ID, up.Version, calendar.Date{}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("retiring a unit with staff: %v", err)
		}

		// Every change above is in the audit chain, and it verifies.
		n, err := db.VerifyAuditChain(ctx, a.ID)
		if err != nil || n < 8 {
			t.Errorf("verify: n=%d err=%v", n, err)
		}
		ents, err := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: "staff."})
		if err != nil || len(ents) != 4 {
			t.Errorf("audit staff entries = %d, %v", len(ents), err)
		}
	})
}

func TestAuditTamper(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustTenant(t, db, "ibaraki")
		for i := range 5 {
			mustUnit(t, db, a.ID, 0, string(rune('a'+i)), "部"+string(rune('A'+i)), "部")
		}
		if _, err := db.VerifyAuditChain(ctx, a.ID); err != nil {
			t.Fatalf("fresh chain: %v", err)
		}
		// The application cannot change the log: the triggers refuse.
		if _, err := db.SQL.ExecContext(ctx, `UPDATE audit_log SET actor_label = 'x'`); err == nil {
			t.Fatal("audit_log accepted an UPDATE")
		}
		if _, err := db.SQL.ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("audit_log accepted a DELETE")
		}
		// Someone with direct database access drops the guard and edits.
		tamper := func(stmts ...string) {
			for _, s := range stmts {
				if _, err := db.SQL.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
		}
		if db.Engine == store.Postgres {
			tamper(`ALTER TABLE audit_log DISABLE TRIGGER USER`)
		} else {
			tamper(`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`)
		}
		tamper(`UPDATE audit_log SET after_json = '{"name":"改ざん"}' WHERE tenant_id = ` + itoa(a.ID) + ` AND seq = 4`)
		_, err := db.VerifyAuditChain(ctx, a.ID)
		var br *audit.Break
		if !asBreak(err, &br) || br.Seq != 4 {
			t.Fatalf("edited entry: got %v, want break at seq 4", err)
		}
		tamper(`DELETE FROM audit_log WHERE tenant_id = ` + itoa(a.ID) + ` AND seq >= 4 AND seq <= 4`)
		_, err = db.VerifyAuditChain(ctx, a.ID)
		if !asBreak(err, &br) || br.Seq != 4 {
			t.Fatalf("deleted entry: got %v, want break at seq 4", err)
		}
	})
}

func TestSQLitePathWithURICharacters(t *testing.T) {
	dir := t.TempDir() + "/a#b?c d"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := dir + "/x.db"
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database was not created at %q: %v", path, err)
	}
}
