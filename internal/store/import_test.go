package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tableimport"
)

// auditAfter returns the after snapshot of the newest entry for a staff id.
func auditAfter(t *testing.T, db *store.DB, tenantID, staffID int64, action string) map[string]any {
	t.Helper()
	es, err := db.FindAuditEntries(context.Background(), tenantID, audit.Filter{Action: action, ObjectType: "staff", ObjectID: itoa(staffID)})
	if err != nil || len(es) != 1 {
		t.Fatalf("audit of %d: %v %v", staffID, es, err)
	}
	var m map[string]any
	if err := json.Unmarshal(es[0].After, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "id")
	delete(m, "staff_no")
	delete(m, "name")
	delete(m, "kana")
	delete(m, "email")
	return m
}

// The batched writes of an import leave the same rows, history and audit
// entries as the one-by-one methods, and the chain verifies.
func TestStaffBatchesMatchSingleWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := mustTenant(t, db, "saga")
		other := mustTenant(t, db, "kobe")
		u1 := mustUnit(t, db, tn.ID, 0, "100", "総務部", "部")
		u2 := mustUnit(t, db, tn.ID, u1.ID, "110", "人事課", "課")
		foreign := mustUnit(t, db, other.ID, 0, "100", "総務局", "局")
		eff := calendar.Date{Year: 2026, Month: time.April, Day: 1}

		single := newStaff("0001", "一 太郎", "いち", u1.ID)
		single.Sensitive = &org.Sensitive{Gender: "male", AgeBand: "40s"}
		if err := storetest.F(db).CreateStaff(ctx, tn.ID, hr, single, eff); err != nil {
			t.Fatal(err)
		}
		batch := make([]*org.Staff, 450) // more than one statement's rows
		effs := make([]calendar.Date, len(batch))
		for i := range batch {
			batch[i] = newStaff(itoa(int64(1000+i)), "一括 太郎", "いっかつ", u1.ID)
			effs[i] = eff
		}
		batch[0].Sensitive = &org.Sensitive{Gender: "male", AgeBand: "40s"}
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateStaffBatch(ctx, tn.ID, hr, batch, effs, org.StaffCreated) })
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range batch {
			got, err := db.FindStaffByNo(ctx, tn.ID, s.StaffNo)
			if err != nil || got.ID != s.ID || got.Version != 1 || got.UnitName != "総務部" {
				t.Fatalf("batch row %s: %+v %v", s.StaffNo, got, err)
			}
		}
		a, b := auditAfter(t, db, tn.ID, single.ID, "staff.create"), auditAfter(t, db, tn.ID, batch[0].ID, "staff.create")
		delete(a, "sensitive") // a digest over the id
		delete(b, "sensitive")
		if ja, _ := json.Marshal(a); string(ja) != mustJSON(b) {
			t.Errorf("audit differs:\n single %s\n batch  %s", ja, mustJSON(b))
		}
		h, err := db.FindStaffHistory(ctx, tn.ID, batch[449].ID)
		if err != nil || len(h) != 1 || h[0].EffectiveDate != eff || h[0].NewUnitID != u1.ID || h[0].ActorLabel != "hr01" {
			t.Errorf("history %+v %v", h, err)
		}

		// Updates: a move with a title, and an e-mail change.
		cur := make([]*org.Staff, 2)
		after := make([]*org.Staff, 2)
		for i, no := range []string{"1000", "1001"} {
			cur[i], _ = db.FindStaffByNo(ctx, tn.ID, no)
			c := *cur[i]
			after[i] = &c
		}
		after[0].UnitID, after[0].Title = u2.ID, "主任"
		after[1].Email = "new@example.lg.jp"
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.UpdateStaffBatch(ctx, tn.ID, hr, after, cur, []calendar.Date{eff, {}}, org.StaffUpdated)
		})
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := db.FindStaffByNo(ctx, tn.ID, "1000"); s.UnitID != u2.ID || s.Title != "主任" || s.Version != 2 {
			t.Errorf("moved: %+v", s)
		}
		if h, _ := db.FindStaffHistory(ctx, tn.ID, after[0].ID); len(h) != 2 || h[0].OldTitle != "" || h[0].NewTitle != "主任" {
			t.Errorf("move history %+v", h)
		}
		if h, _ := db.FindStaffHistory(ctx, tn.ID, after[1].ID); len(h) != 1 {
			t.Errorf("an e-mail change is not a move: %+v", h)
		}
		if m := auditAfter(t, db, tn.ID, after[0].ID, "staff.update"); m["title"] != "主任" || m["version"] != 2.0 {
			t.Errorf("update audit %v", m)
		}
		// A stale version, another tenant's unit and a taken number fail.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.UpdateStaffBatch(ctx, tn.ID, hr, []*org.Staff{after[0]}, []*org.Staff{cur[0]}, []calendar.Date{{}}, org.StaffUpdated)
		})
		if e := apperr.As(err); e == nil || e.Key != "error.stale" {
			t.Errorf("stale batch update: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateStaffBatch(ctx, tn.ID, hr, []*org.Staff{newStaff("9001", "外", "そと", foreign.ID)}, []calendar.Date{{}}, org.StaffCreated)
		})
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("another tenant's unit: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateStaffBatch(ctx, tn.ID, hr, []*org.Staff{newStaff("0001", "重複", "ちょうふく", u1.ID)}, []calendar.Date{{}}, org.StaffCreated)
		})
		if e := apperr.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Key != "field.taken" {
			t.Errorf("taken number: %v", err)
		}
		if n, err := db.VerifyAuditChain(ctx, tn.ID); err != nil || n < 453 {
			t.Errorf("chain: %d %v", n, err)
		}
	})
}

func TestRetireBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := mustTenant(t, db, "ibaraki")
		u := mustUnit(t, db, tn.ID, 0, "100", "総務部", "部")
		var list []*org.Staff
		for _, no := range []string{"1", "2", "3"} {
			s := newStaff(no, "職員"+no, "しょくいん", u.ID)
			if err := storetest.F(db).CreateStaff(ctx, tn.ID, hr, s, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			list = append(list, s)
		}
		user := &auth.User{LoginID: "u1", PasswordHash: "x", StaffID: list[0].ID}
		if err := storetest.F(db).CreateUser(ctx, tn.ID, hr, user); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateSession(ctx, &auth.Session{TokenHash: "h", TenantID: tn.ID, UserID: user.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		read := func(s *org.Staff) *org.Staff {
			got, err := db.FindStaffByID(ctx, tn.ID, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		before := []*org.Staff{read(list[0]), read(list[1])}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetStaffRetiredBatch(ctx, tn.ID, hr, before, true, org.StaffRetired)
		}); err != nil {
			t.Fatal(err)
		}
		if a, b, c := read(list[0]), read(list[1]), read(list[2]); !a.Retired || !b.Retired || c.Retired || a.Version != 2 {
			t.Errorf("retired: %v %v %v", a.Retired, b.Retired, c.Retired)
		}
		if u, _ := db.FindUserByLogin(ctx, tn.ID, "u1"); !u.Disabled {
			t.Error("account of a person who left still enabled")
		}
		var sessions int
		db.SQL.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&sessions)
		if sessions != 0 {
			t.Errorf("%d sessions left", sessions)
		}
		if m := auditAfter(t, db, tn.ID, list[1].ID, "staff.retire"); m["retired"] != true || m["version"] != 2.0 {
			t.Errorf("audit %v", m)
		}
		// A version read before someone else's change refuses the batch.
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetStaffRetiredBatch(ctx, tn.ID, hr, []*org.Staff{read(list[2]), before[0]}, false, org.StaffRetired)
		})
		if e := apperr.As(err); e == nil || e.Key != "error.stale" {
			t.Errorf("stale: %v", err)
		}
		if read(list[2]).Retired || !read(list[0]).Retired {
			t.Error("a refused batch wrote")
		}
		if _, err := db.VerifyAuditChain(ctx, tn.ID); err != nil {
			t.Error(err)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestStaffImportFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := mustTenant(t, db, "kakegawa")
		now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		// staff_imports.user_id refers to users (tenant_id, id): accounts 5 and 6.
		for _, id := range []int64{5, 6} {
			if _, err := db.SQL.Exec(db.Rebind(`INSERT INTO users (id, tenant_id, login_id, password_hash, created_at, updated_at)
				VALUES (?, ?, ?, 'x', 0, 0)`), id, tn.ID, "import-"+itoa(id)); err != nil {
				t.Fatal(err)
			}
		}
		imp := &staffio.Upload{TenantID: tn.ID, UserID: 5, Filename: "名簿.csv", SHA256: "ab", Full: true, Data: []byte("職員番号\n1\n"),
			CreatedAt: now, ExpiresAt: now.Add(staffio.UploadTTL)}
		if err := db.CreateKeptImport(ctx, tableimport.Staff, imp); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindKeptImport(ctx, tableimport.Staff, tn.ID, 5, imp.ID, now)
		if err != nil || string(got.Data) != "職員番号\n1\n" || !got.Full || got.Filename != "名簿.csv" || !got.AppliedAt.IsZero() {
			t.Fatalf("find: %+v %v", got, err)
		}
		if _, err := db.FindKeptImport(ctx, tableimport.Staff, tn.ID, 6, imp.ID, now); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another user's file: %v", err)
		}
		claim := func(user int64) error {
			return db.InTx(ctx, func(tx *store.Tx) error { return tx.ClaimKeptImport(ctx, tableimport.Staff, tn.ID, user, imp.ID, now) })
		}
		if err := claim(6); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("claimed by another user: %v", err)
		}
		if err := claim(5); err != nil {
			t.Fatal(err)
		}
		if err := claim(5); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second claim: %v", err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetKeptImportResult(ctx, tableimport.Staff, tn.ID, 5, imp.ID, `{"created":1}`)
		}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindKeptImport(ctx, tableimport.Staff, tn.ID, 5, imp.ID, now)
		if got.AppliedAt.IsZero() || len(got.Data) != 0 || got.Result != `{"created":1}` {
			t.Errorf("after claim: %+v", got)
		}
		// An hour later it is gone, and the next upload sweeps it away.
		now = now.Add(staffio.UploadTTL)
		if _, err := db.FindKeptImport(ctx, tableimport.Staff, tn.ID, 5, imp.ID, now); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("expired file found: %v", err)
		}
		if err := db.CreateKeptImport(ctx, tableimport.Staff, &staffio.Upload{TenantID: tn.ID, UserID: 5, Data: []byte("x"), CreatedAt: now, ExpiresAt: now.Add(staffio.UploadTTL)}); err != nil {
			t.Fatal(err)
		}
		var n int
		db.SQL.QueryRow(`SELECT COUNT(*) FROM staff_imports`).Scan(&n)
		if n != 1 {
			t.Errorf("%d files kept, want 1", n)
		}
		// The kinds are kept apart: a staff file is not a unit file, and a
		// unit file has no full-roster flag.
		if _, err := db.FindKeptImport(ctx, tableimport.Units, tn.ID, 5, imp.ID, now.Add(-staffio.UploadTTL)); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("staff file found as units: %v", err)
		}
		unit := &tableimport.Upload{TenantID: tn.ID, UserID: 5, Filename: "組織.csv", Full: true, Data: []byte("所属コード\n"),
			CreatedAt: now, ExpiresAt: now.Add(tableimport.UploadTTL)}
		if err := db.CreateKeptImport(ctx, tableimport.Units, unit); err != nil {
			t.Fatal(err)
		}
		if got, err := db.FindKeptImport(ctx, tableimport.Units, tn.ID, 5, unit.ID, now); err != nil || got.Full || got.Filename != "組織.csv" {
			t.Errorf("unit file: %+v %v", got, err)
		}
		db.SQL.QueryRow(`SELECT COUNT(*) FROM unit_imports`).Scan(&n)
		if n != 1 {
			t.Errorf("%d unit files kept, want 1", n)
		}
		if err := db.CreateKeptImport(ctx, tableimport.Kind("tasks"), unit); err == nil {
			t.Error("a kind without a table was kept")
		}
	})
}
