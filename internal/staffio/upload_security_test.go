package staffio_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

// Issue 10 #4 and the info items, through the service on both engines.

func hrAccount(t *testing.T, db *store.DB, tenant int64, login string) audit.Actor {
	t.Helper()
	a := audit.Actor{Label: login}
	u := &auth.User{LoginID: login, PasswordHash: "x", Granted: []auth.Role{auth.HRAdmin}}
	storetest.Must(t, storetest.F(db).CreateUser(context.Background(), tenant, hr, u))
	a.ID = u.ID
	return a
}

// A person keeps at most MaxKeptUploads previews: the fourth drops the
// oldest, whose confirmation then finds nothing.
func TestKeptUploadsPerPersonAreBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		svc := staffio.NewService(db, db.Now)
		me, other := hrAccount(t, db, f.tenant, "hr01"), hrAccount(t, db, f.tenant, "hr02")
		upload := func(a audit.Actor, i int) *staffio.Upload {
			t.Helper()
			data := fmt.Sprintf("職員番号,氏名,ふりがな,所属コード\n%04d,一,いち,111\n", i)
			_, up, err := svc.Upload(ctx, f.tenant, a, staffio.File{Name: "f.csv", Data: []byte(data)}, staffio.Options{})
			if err != nil || up == nil {
				t.Fatalf("upload %d: %v", i, err)
			}
			return up
		}
		theirs := upload(other, 0)
		var mine []*staffio.Upload
		for i := range 4 {
			mine = append(mine, upload(me, i+1))
		}
		if _, err := svc.FindUpload(ctx, f.tenant, me, mine[0].ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("the oldest of four previews is still kept: %v", err)
		}
		for _, u := range mine[1:] {
			if _, err := svc.FindUpload(ctx, f.tenant, me, u.ID); err != nil {
				t.Errorf("preview %d: %v", u.ID, err)
			}
		}
		if _, err := svc.FindUpload(ctx, f.tenant, other, theirs.ID); err != nil {
			t.Errorf("another person's preview was dropped: %v", err)
		}
		if _, _, err := svc.Confirm(ctx, f.tenant, me, mine[0].ID, "", 0); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("confirming the dropped preview: %v", err)
		}
	})
}

// Imports beyond the gate are refused with upload.busy; a hostile file is
// a problem of the file, named, not a server error.
func TestServiceImportBounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		svc := staffio.NewService(db, db.Now)
		me := hrAccount(t, db, f.tenant, "hr01")
		gate := tabular.NewGate(2, 1)
		svc.SetGate(gate)
		release, err := gate.Enter(f.tenant, 0)
		if err != nil {
			t.Fatal(err)
		}
		file := staffio.File{Name: "f.csv", Data: []byte("職員番号,氏名,ふりがな,所属コード\n0001,一,いち,111\n")}
		if _, _, err := svc.Upload(ctx, f.tenant, me, file, staffio.Options{}); apperr.CodeOf(err) != apperr.RateLimited {
			t.Errorf("upload while the tenant's import runs: %v", err)
		}
		if _, err := svc.Apply(ctx, f.tenant, me, file, staffio.ApplyOptions{}); apperr.CodeOf(err) != apperr.RateLimited {
			t.Errorf("apply while the tenant's import runs: %v", err)
		}
		if _, err := svc.Preview(ctx, f.tenant, file, staffio.Options{}); apperr.CodeOf(err) != apperr.RateLimited {
			t.Errorf("preview while the tenant's import runs: %v", err)
		}
		release()
		if gate.Running() != 0 {
			t.Fatalf("%d imports still counted", gate.Running())
		}

		commas := []byte("職員番号,氏名\n" + strings.Repeat(strings.Repeat(",", 400)+"\n", 10_000))
		plan, err := svc.Preview(ctx, f.tenant, staffio.File{Name: "commas.csv", Data: commas}, staffio.Options{})
		if err != nil || plan.OK() || plan.Problems[0].Key != "tabular.too_many_cells" {
			t.Fatalf("a file of 4 million empty cells: %+v %v", plan, err)
		}
		if msg := plan.Problems[0].Message("ja"); !strings.Contains(msg, "セルが多すぎます") {
			t.Errorf("message %q", msg)
		}
		if gate.Running() != 0 {
			t.Fatalf("%d imports still counted after a refusal", gate.Running())
		}
	})
}

// A CP932 export with a character the encoding lacks names the rows and
// writes nothing until the person accepts 〓; then everyone else is
// exported and the rows are in the audit entry.
func TestExportCP932Substitutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		svc := staffio.NewService(db, func() time.Time { return time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC) })
		if _, err := f.apply(t, []byte("職員番号,氏名,ふりがな,所属コード\n0001,山田 一,やまだ いち,111\n0002,𠮷田 二,よしだ に,111\n"), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		file, err := svc.Export(ctx, f.tenant, hr, tabular.CSVSJIS, staffio.ExportOptions{})
		if e := apperr.As(err); e == nil || e.Key != "export.cp932_substituted" || e.Args["Lines"] != "3" || len(file.Substituted) != 1 {
			t.Fatalf("export without accepting 〓: %+v %v", file, err)
		}
		if es, _ := db.FindAuditEntries(ctx, f.tenant, audit.Filter{Action: "staff.export"}); len(es) != 0 {
			t.Errorf("a refused export was audited")
		}
		file, err = svc.Export(ctx, f.tenant, hr, tabular.CSVSJIS, staffio.ExportOptions{Substitute: true})
		if err != nil {
			t.Fatal(err)
		}
		back, err := tabular.ReadCSV(file.Data)
		if err != nil || len(back.Rows) != 3 || back.Rows[2].Cell(1) != "〓田 二" || back.Rows[1].Cell(1) != "山田 一" {
			t.Fatalf("exported: %+v %v", back, err)
		}
		es, _ := db.FindAuditEntries(ctx, f.tenant, audit.Filter{Action: "staff.export"})
		if len(es) != 1 || !strings.Contains(string(es[0].After), `"substituted_lines":"3"`) {
			t.Errorf("audit: %+v", es)
		}
		// The file imported back (opened in Excel and saved, say) changes
		// nothing: 〓田 二 is what the export wrote of 𠮷田 二, not a new name.
		if p := f.preview(t, file.Data, staffio.Options{}); len(p.Problems) != 0 || len(p.Changes) != 0 || p.Unchanged != 2 {
			t.Errorf("the export imported back: %d changes, %d unchanged, %s", len(p.Changes), p.Unchanged, problems(p))
		}
	})
}
