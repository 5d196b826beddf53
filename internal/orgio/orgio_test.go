package orgio_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/orgio"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

var hr = audit.Actor{Label: "jinji01"}

type fixture struct {
	db     *store.DB
	tenant int64
	svc    *orgio.Service
	units  map[string]*org.Unit // by code
	ctx    context.Context
}

// newFixture is a small city: 総務部(100)/人事課(110)/人事係(111) and
// 市民部(200)/市民課(210), one person in 人事係.
func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	tn := &org.Tenant{Slug: "matsumoto", Name: "松本市", Kind: org.Municipality, StaffSize: 10, GeneralAdminStaff: 5}
	storetest.Must(t, storetest.F(db).CreateTenant(ctx, hr, tn, nil))
	f := &fixture{db: db, tenant: tn.ID, units: map[string]*org.Unit{}, ctx: ctx,
		svc: orgio.NewService(db, func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) })}
	for _, u := range []struct{ code, name, level, parent string }{
		{"100", "総務部", "部", ""}, {"110", "人事課", "課", "100"}, {"111", "人事係", "係", "110"},
		{"200", "市民部", "部", ""}, {"210", "市民課", "課", "200"},
	} {
		x := &org.Unit{Code: u.code, Name: u.name, Level: u.level, SortOrder: 10}
		if p := f.units[u.parent]; p != nil {
			x.ParentID = p.ID
		}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, f.tenant, hr, x, calendar.Date{}))
		f.units[u.code] = x
	}
	s := &org.Staff{StaffNo: "0001", Name: "一", Kana: "いち", UnitID: f.units["111"].ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
	storetest.Must(t, storetest.F(db).CreateStaff(ctx, f.tenant, hr, s, calendar.Date{}))
	u := &auth.User{LoginID: "jinji01", PasswordHash: "x", Granted: []auth.Role{auth.HRAdmin}}
	storetest.Must(t, storetest.F(db).CreateUser(ctx, f.tenant, hr, u))
	hr.ID = u.ID
	return f
}

func (f *fixture) byCode(t *testing.T) map[string]*org.Unit {
	t.Helper()
	us, err := f.db.FindUnits(f.ctx, f.tenant)
	if err != nil {
		t.Fatal(err)
	}
	tree := org.NewTree(us)
	m := map[string]*org.Unit{}
	for _, u := range us {
		u.Path = strings.Split(tree.PathString(u.ID), "/")
		m[u.Code] = u
	}
	return m
}

func (f *fixture) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := f.db.SQL.QueryRowContext(f.ctx, f.db.Rebind(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = ?`), f.tenant, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func csvFile(s string) orgio.File { return orgio.File{Name: "組織.csv", Data: []byte(s)} }

// An exported file imports unchanged, in each of the three formats; an
// edited one creates, renames, moves and closes units in one transaction
// with an audit entry per change, and the history keeps the 適用日.
func TestImportExportRoundTripAndApply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, format := range tabular.Formats {
			file, err := f.svc.Export(f.ctx, f.tenant, hr, format, false)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := f.svc.Preview(f.ctx, f.tenant, orgio.File{Name: file.Name, Data: file.Data})
			if err != nil || !plan.OK() || !plan.Empty() || plan.Unchanged != 5 {
				t.Fatalf("%s round trip: %+v problems=%v %v", format, plan.Summary(""), plan.Problems, err)
			}
		}
		if n := f.auditCount(t, "unit.export"); n != 3 {
			t.Errorf("export audit entries: %d", n)
		}
		before := f.auditCount(t, "unit.create") + f.auditCount(t, "unit.update") + f.auditCount(t, "unit.retire")
		// 市民課 moves under a new 市民生活部 (created by its path in the
		// same file), 人事課 is renamed, 市民部 closes (its only child
		// moves away); parents named by code or by path.
		data := "所属コード,所属名,区分,上位所属コード,上位所属,表示順,廃止,適用日\n" +
			"100,総務部,部,,,10,,\n" +
			"110,職員課,課,100,総務部,10,,2026/4/1\n" +
			"300,市民生活部,部,,,20,,2026/4/1\n" +
			"310,協働推進課,課,,市民生活部,5,,2026/4/1\n" +
			"210,市民課,課,300,,10,,2026/4/1\n" +
			"200,市民部,部,,,10,○,2026/4/1\n"
		plan, err := f.svc.Apply(f.ctx, f.tenant, hr, csvFile(data))
		if err != nil {
			t.Fatalf("apply: %v %v", err, plan.Problems)
		}
		s := plan.Summary("")
		if s.Created != 2 || s.Changed != 2 || s.Retired != 1 || s.Unchanged != 1 {
			t.Fatalf("summary: %+v", s)
		}
		m := f.byCode(t)
		if m["110"].Name != "職員課" || m["310"].ParentID != m["300"].ID || m["210"].ParentID != m["300"].ID || !m["200"].Retired {
			t.Fatalf("applied: %+v %+v %+v", m["110"], m["310"], m["210"])
		}
		after := f.auditCount(t, "unit.create") + f.auditCount(t, "unit.update") + f.auditCount(t, "unit.retire")
		if after-before != 5 || f.auditCount(t, "unit.import") != 1 {
			t.Errorf("audit entries: %d per change, %d imports", after-before, f.auditCount(t, "unit.import"))
		}
		hist, err := db.FindUnitHistory(f.ctx, f.tenant, m["210"].ID)
		moved := false
		for _, h := range hist {
			moved = moved || h.Kind == "move" && h.EffectiveDate.String() == "2026-04-01" && h.NewParentID == m["300"].ID
		}
		if err != nil || !moved {
			t.Errorf("history: %v %v", hist, err)
		}
		// Exported again, it imports unchanged.
		file, err := f.svc.Export(f.ctx, f.tenant, hr, tabular.XLSX, false)
		if err != nil {
			t.Fatal(err)
		}
		plan, err = f.svc.Preview(f.ctx, f.tenant, orgio.File{Name: file.Name, Data: file.Data})
		if err != nil || !plan.OK() || !plan.Empty() || plan.Unchanged != 7 {
			t.Fatalf("second round trip: %+v %v %v", plan.Summary(""), plan.Problems, err)
		}
		if !strings.HasSuffix(orgio.ExportFileName(time.Now(), tabular.CSVSJIS), "-sjis.csv") {
			t.Error("the CP932 export has the UTF-8 file's name")
		}
	})
}

// Each refusal names the line, the column and the rule, and nothing of a
// refused file is written.
func TestImportRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		head := "所属コード,所属名,区分,上位所属コード,上位所属,表示順,廃止\n"
		cases := []struct {
			name, rows, key, column string
			line                    int
		}{
			{"cycle", "100,総務部,部,111,,10,\n", "orgio.cycle", "上位所属コード", 2},
			{"self", "100,総務部,部,100,,10,\n", "orgio.parent_self", "上位所属コード", 2},
			{"unknown parent", "120,企画課,課,999,,10,\n", "import.unit_code_unknown", "上位所属コード", 2},
			{"unknown path", "120,企画課,課,,企画部,10,\n", "import.unit_unknown", "上位所属", 2},
			{"closed with staff", "111,人事係,係,110,,10,○\n", "orgio.retire_staff", "廃止", 2},
			{"closed with open child", "200,市民部,部,,,10,○\n", "orgio.retire_children", "廃止", 2},
			{"under a closed unit", "210,市民課,課,200,,10,○\n120,企画課,課,210,,10,\n", "orgio.parent_retired", "上位所属コード", 3},
			{"duplicate", "120,企画課,課,100,,10,\n120,企画課,課,100,,10,\n", "orgio.duplicate_code", "所属コード", 3},
			{"bad code", "12 0?,企画課,課,100,,10,\n", "field.code_format", "所属コード", 2},
			{"no name", "120,,課,100,,10,\n", "field.required", "所属名", 2},
			{"sort order", "120,企画課,課,100,,十,\n", "orgio.sort_order", "表示順", 2},
			{"flag", "120,企画課,課,100,,10,たぶん\n", "orgio.retired_value", "廃止", 2},
			{"mismatch", "120,企画課,課,100,市民部,10,\n", "orgio.parent_mismatch", "上位所属", 2},
		}
		for _, c := range cases {
			plan, err := f.svc.Apply(f.ctx, f.tenant, hr, csvFile(head+c.rows))
			if apperr.CodeOf(err) != apperr.Invalid || plan == nil || len(plan.Problems) == 0 {
				t.Errorf("%s: not refused: %v", c.name, err)
				continue
			}
			var p *orgio.Problem
			for i, q := range plan.Problems {
				if q.Line == c.line && q.Key == c.key {
					p = &plan.Problems[i]
				}
			}
			if p == nil || p.Column != c.column {
				t.Errorf("%s: want %d %s %s, got %+v", c.name, c.line, c.column, c.key, plan.Problems)
				continue
			}
			if msg := p.Message("ja"); strings.Contains(msg, "orgio.") || strings.Contains(msg, "<no value>") {
				t.Errorf("%s: message %q", c.name, msg)
			}
		}
		if n := f.auditCount(t, "unit.import"); n != 0 {
			t.Errorf("a refused file was applied: %d", n)
		}
		// A staff file is refused as a whole.
		plan, _ := f.svc.Preview(f.ctx, f.tenant, csvFile("職員番号,氏名,所属コード\n0001,一,111\n"))
		if plan.OK() || plan.Problems[0].Key != "orgio.staff_file" {
			t.Errorf("staff file: %+v", plan.Problems)
		}
	})
}

// A move whose final tree is sound is applied even when the rows come in
// an order that would make a cycle one step at a time: 人事課 becomes a
// top-level unit and 総務部 moves under it.
func TestImportMoveOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		data := "所属コード,所属名,区分,上位所属コード\n100,総務部,部,110\n110,人事課,課,\n"
		if plan, err := f.svc.Apply(f.ctx, f.tenant, hr, csvFile(data)); err != nil {
			t.Fatalf("%v %v", err, plan.Problems)
		}
		m := f.byCode(t)
		if m["110"].ParentID != 0 || m["100"].ParentID != m["110"].ID {
			t.Fatalf("tree: %+v %+v", m["100"], m["110"])
		}
	})
}

// The page workflow: a kept file is confirmed once by its uploader; a
// second confirmation writes nothing; a changed plan is not applied.
func TestUploadConfirm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		file := csvFile("所属コード,所属名,区分,上位所属コード\n120,企画課,課,100\n")
		plan, up, err := f.svc.Upload(f.ctx, f.tenant, hr, file)
		if err != nil || up == nil || len(f.byCode(t)) != 5 {
			t.Fatalf("upload: %v %v", up, err)
		}
		// Someone renames 総務部 meanwhile: the plan (its path) changes.
		u := f.byCode(t)["100"]
		name := "総務局"
		if _, err := org.NewService(db, time.Now).UpdateUnit(f.ctx, f.tenant, hr, u.ID, org.UnitUpdate{Name: &name, ExpectVersion: u.Version}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Confirm(f.ctx, f.tenant, hr, up.ID, plan.Digest()+"x"); !staffio.IsPlanChanged(err) {
			t.Fatalf("stale digest: %v", err)
		}
		_, plan2, err := f.svc.Confirm(f.ctx, f.tenant, hr, up.ID, plan.Digest())
		if err != nil || len(plan2.Creates) != 1 {
			t.Fatalf("confirm: %v", err)
		}
		if _, _, err := f.svc.Confirm(f.ctx, f.tenant, hr, up.ID, plan.Digest()); !staffio.IsAlreadyApplied(err) {
			t.Fatalf("second confirmation: %v", err)
		}
		sum, err := f.svc.UploadResult(f.ctx, f.tenant, hr, up.ID)
		if err != nil || sum.Created != 1 {
			t.Fatalf("result: %+v %v", sum, err)
		}
	})
}

// A failing write inside the transaction leaves nothing behind.
func TestImportRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		data := "所属コード,所属名,区分,上位所属コード\n120,企画課,課,100\n130,広報課,課,100\n"
		boom := errors.New("boom")
		st := failingStore{DB: db, failOn: "130", err: boom}
		if _, err := orgio.Apply(f.ctx, st, f.tenant, hr, csvFile(data), ""); !errors.Is(err, boom) {
			t.Fatalf("want the injected failure, got %v", err)
		}
		if n := len(f.byCode(t)); n != 5 {
			t.Fatalf("a failed import left %d units", n)
		}
	})
}

type failingStore struct {
	*store.DB
	failOn string
	err    error
}

func (s failingStore) InUnitImport(ctx context.Context, fn func(orgio.Tx) error) error {
	return s.DB.InUnitImport(ctx, func(tx orgio.Tx) error { return fn(failingTx{Tx: tx, s: s}) })
}

type failingTx struct {
	orgio.Tx
	s failingStore
}

func (t failingTx) InsertUnit(ctx context.Context, tenantID int64, u *org.Unit) error {
	if u.Code == t.s.failOn {
		return t.s.err
	}
	return t.Tx.InsertUnit(ctx, tenantID, u)
}
