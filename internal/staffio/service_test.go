package staffio_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

// The page workflow: a previewed file is kept, confirmed once by the
// person who uploaded it, and its result recorded, all through the service.
func TestServiceUploadAndConfirm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
		svc := staffio.NewService(db, func() time.Time { return now })
		// A kept file belongs to an account (staff_imports.user_id refers to
		// users): the uploader and another HR clerk.
		hr := hr
		for _, a := range []*audit.Actor{&hr} {
			u := &auth.User{LoginID: a.Label, PasswordHash: "x", Granted: []auth.Role{auth.HRAdmin}}
			storetest.Must(t, storetest.F(db).CreateUser(ctx, f.tenant, *a, u))
			a.ID = u.ID
		}
		otherUser := &auth.User{LoginID: "hr02", PasswordHash: "x", Granted: []auth.Role{auth.HRAdmin}}
		storetest.Must(t, storetest.F(db).CreateUser(ctx, f.tenant, hr, otherUser))
		if _, err := f.apply(t, []byte("職員番号,氏名,ふりがな,所属コード,役職\n0001,一,いち,111,主事\n"), staffio.Options{}); err != nil {
			t.Fatal(err)
		}

		// A refused file is not kept.
		plan, up, err := svc.Upload(ctx, f.tenant, hr, staffio.File{Name: "bad.csv", Data: []byte("職員番号,氏名\n0002,\n")}, staffio.Options{})
		if err != nil || plan.OK() || up != nil || f.count(t, "staff_imports") != 0 {
			t.Fatalf("refused file: ok=%v kept=%v %v", plan.OK(), up, err)
		}
		// Neither is one that changes nothing.
		plan, up, err = svc.Upload(ctx, f.tenant, hr, staffio.File{Name: "same.csv", Data: []byte("職員番号,役職\n0001,主事\n")}, staffio.Options{})
		if err != nil || !plan.OK() || !plan.Empty() || up != nil {
			t.Fatalf("empty plan: %+v kept=%v %v", plan.Summary(""), up, err)
		}

		file := staffio.File{Name: "名簿.csv", Data: []byte("職員番号,氏名,ふりがな,所属コード,役職\n0001,一,いち,111,主任\n0002,二,に,111,主事\n")}
		plan, up, err = svc.Upload(ctx, f.tenant, hr, file, staffio.Options{})
		if err != nil || up == nil || up.UserID != hr.ID || !up.ExpiresAt.Equal(now.Add(staffio.UploadTTL)) {
			t.Fatalf("upload: %+v %v", up, err)
		}
		if n := f.count(t, "staff"); n != 1 {
			t.Fatalf("a preview wrote staff: %d", n)
		}
		digest := plan.Digest()

		// Another person cannot confirm it.
		other := audit.Actor{ID: otherUser.ID, Label: "hr02"}
		if _, _, err := svc.Confirm(ctx, f.tenant, other, up.ID, digest, 0); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("confirmed by another person: %v", err)
		}

		// The data changes before the confirmation: the new plan comes back,
		// nothing is written and the file is not used up.
		s := f.staff(t, "0001")
		s.Title = "係長"
		if err := storetest.F(db).UpdateStaff(ctx, f.tenant, hr, s, s.Version, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		_, plan2, err := svc.Confirm(ctx, f.tenant, hr, up.ID, digest, 0)
		if !staffio.IsPlanChanged(err) || plan2 == nil || plan2.Digest() == digest {
			t.Fatalf("stale confirmation: %v", err)
		}
		if f.count(t, "staff") != 1 || f.staff(t, "0001").Title != "係長" {
			t.Fatal("a changed plan was applied")
		}
		if _, err := svc.UploadResult(ctx, f.tenant, hr, up.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("result before applying: %v", err)
		}

		got, _, err := svc.Confirm(ctx, f.tenant, hr, up.ID, plan2.Digest(), 0)
		if err != nil || got.ID != up.ID {
			t.Fatalf("confirm: %v", err)
		}
		if f.count(t, "staff") != 2 || f.staff(t, "0001").Title != "主任" {
			t.Error("the confirmed plan was not applied")
		}
		sum, err := svc.UploadResult(ctx, f.tenant, hr, up.ID)
		if err != nil || sum.Created != 1 || sum.Changed != 1 || sum.File != "名簿.csv" {
			t.Errorf("result: %+v %v", sum, err)
		}

		// A second confirmation (a double click, another node) does nothing.
		auditBefore := f.count(t, "audit_log")
		if _, _, err := svc.Confirm(ctx, f.tenant, hr, up.ID, plan2.Digest(), 0); !staffio.IsAlreadyApplied(err) {
			t.Errorf("second confirmation: %v", err)
		}
		if n := f.count(t, "audit_log"); n != auditBefore {
			t.Errorf("second confirmation wrote %d audit entries", n-auditBefore)
		}

		// A kept file expires.
		_, up, err = svc.Upload(ctx, f.tenant, hr, staffio.File{Name: "late.csv", Data: []byte("職員番号,役職\n0002,主任\n")}, staffio.Options{})
		if err != nil || up == nil {
			t.Fatalf("upload: %v", err)
		}
		now = now.Add(staffio.UploadTTL)
		if _, _, err := svc.Confirm(ctx, f.tenant, hr, up.ID, "", 0); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("expired file confirmed: %v", err)
		}
		if _, err := db.VerifyAuditChain(ctx, f.tenant); err != nil {
			t.Error(err)
		}
	})
}

// Applying at once (API, CLI) through the service: a file with one bad row
// writes nothing at all.
func TestServiceApplyAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		svc := staffio.NewService(db, db.Now)
		staffBefore, auditBefore := f.count(t, "staff"), f.count(t, "audit_log")
		file := staffio.File{Name: "x.csv", Data: []byte("職員番号,氏名,ふりがな,所属コード\n1001,山田 太郎,やまだ たろう,111\n1002,鈴木 一郎,Suzuki,111\n")}
		plan, err := svc.Apply(ctx, f.tenant, hr, file, staffio.ApplyOptions{})
		if err == nil || plan.OK() || len(plan.Creates) != 1 {
			t.Fatalf("a file with a problem: %v", err)
		}
		if a, b := f.count(t, "staff"), f.count(t, "audit_log"); a != staffBefore || b != auditBefore {
			t.Errorf("a refused file wrote: staff %d→%d, audit %d→%d", staffBefore, a, auditBefore, b)
		}
		file.Data = []byte("職員番号,氏名,ふりがな,所属コード\n1001,山田 太郎,やまだ たろう,111\n1002,鈴木 一郎,すずき いちろう,111\n")
		if _, err := svc.Apply(ctx, f.tenant, hr, file, staffio.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "staff"); n != staffBefore+2 {
			t.Errorf("staff %d", n)
		}
	})
}

func TestServiceExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		svc := staffio.NewService(db, func() time.Time { return time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC) })
		if _, err := f.apply(t, []byte("職員番号,氏名,ふりがな,所属コード\n0001,一,いち,111\n"), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		file, err := svc.Export(ctx, f.tenant, hr, tabular.CSV, staffio.ExportOptions{})
		if err != nil || file.Name != "職員一覧_20261124_UTF-8.csv" || !strings.Contains(string(file.Data), "0001") {
			t.Fatalf("export: %+v %v", file, err)
		}
		if es, _ := db.FindAuditEntries(ctx, f.tenant, audit.Filter{Action: "staff.export"}); len(es) != 1 {
			t.Errorf("export audited %d times", len(es))
		}
		// The two encodings have names of their own.
		names := map[string]bool{}
		for _, format := range tabular.Formats {
			names[staffio.ExportFileName(time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC), format)] = true
		}
		if !names["職員一覧_20261124_ShiftJIS.csv"] || !names["職員一覧_20261124.xlsx"] || len(names) != 3 {
			t.Errorf("export names %v", names)
		}
	})
}
