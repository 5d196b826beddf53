package tasks_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

var op = audit.Actor{Label: "op"}

type fixture struct {
	db                     *store.DB
	svc                    *tasks.Service
	a, b                   *org.Tenant
	sect, other, bUnit     *org.Unit
	it, boss, member, hr   *auth.Principal
	outsider, bIT, nobody  *auth.Principal
	memberStaff, bossStaff *org.Staff
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, svc: tasks.NewService(db, db.Now)}
	mk := func(slug string) *org.Tenant {
		tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		if err := storetest.F(db).CreateTenant(ctx, op, tn, nil); err != nil {
			t.Fatal(err)
		}
		return tn
	}
	f.a, f.b = mk("matsumoto"), mk("kakegawa")
	unit := func(tn *org.Tenant, code, name string) *org.Unit {
		u := &org.Unit{Code: code, Name: name, Level: "課"}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.sect, f.other, f.bUnit = unit(f.a, "110", "税務課"), unit(f.a, "120", "市民課"), unit(f.b, "110", "税務課")
	person := func(tn *org.Tenant, no string, u *org.Unit) *org.Staff {
		s := &org.Staff{StaffNo: no, Name: "職員" + no, Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general", Email: no + "@example.lg.jp"}
		if err := storetest.F(db).CreateStaff(ctx, tn.ID, op, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	f.bossStaff, f.memberStaff = person(f.a, "1001", f.sect), person(f.a, "1002", f.sect)
	outsider := person(f.a, "1003", f.other)
	f.boss = &auth.Principal{TenantID: f.a.ID, UserID: 1, StaffID: f.bossStaff.ID, UnitID: f.sect.ID, Roles: []auth.Role{auth.Staff, auth.Supervisor}}
	f.member = &auth.Principal{TenantID: f.a.ID, UserID: 2, StaffID: f.memberStaff.ID, UnitID: f.sect.ID, Roles: []auth.Role{auth.Staff}}
	f.outsider = &auth.Principal{TenantID: f.a.ID, UserID: 3, StaffID: outsider.ID, UnitID: f.other.ID, Roles: []auth.Role{auth.Staff, auth.Supervisor}}
	f.it = &auth.Principal{TenantID: f.a.ID, UserID: 4, Roles: []auth.Role{auth.ITAdmin}}
	f.hr = &auth.Principal{TenantID: f.a.ID, UserID: 5, Roles: []auth.Role{auth.HRAdmin}}
	f.bIT = &auth.Principal{TenantID: f.b.ID, UserID: 6, Roles: []auth.Role{auth.ITAdmin}}
	f.nobody = &auth.Principal{TenantID: f.a.ID, UserID: 7, Roles: []auth.Role{auth.Auditor}}
	return f
}

func code(err error) apperr.Code { return apperr.CodeOf(err) }

func TestInventoryAndCheckPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		// The catalogue is IT's.
		zei := &tasks.InfoSystem{Name: "税務システム", Segment: tasks.MyNumber, DataClasses: []tasks.DataClass{tasks.ResidentSensitive}}
		if err := s.SaveSystem(ctx, f.a.ID, f.hr, zei); code(err) != apperr.Forbidden {
			t.Fatalf("HR saving a system: %v", err)
		}
		if err := s.SaveSystem(ctx, f.a.ID, f.it, zei); err != nil {
			t.Fatal(err)
		}
		zaimu := &tasks.InfoSystem{Name: "財務会計システム", Segment: tasks.LGWAN, DataClasses: []tasks.DataClass{tasks.NonPublic}, Routes: []tasks.Route{tasks.RouteSatellite}}
		if err := s.SaveSystem(ctx, f.a.ID, f.it, zaimu); err != nil {
			t.Fatal(err)
		}
		dup := &tasks.InfoSystem{Name: "財務会計システム", Segment: tasks.LGWAN}
		if err := s.SaveSystem(ctx, f.a.ID, f.it, dup); apperr.As(err) == nil || apperr.As(err).Fields[0].Field != "system_name" {
			t.Errorf("duplicate name: %v", err)
		}
		if err := s.SaveSystem(ctx, f.a.ID, f.it, &tasks.InfoSystem{Name: "x", Segment: "lan"}); apperr.As(err) == nil || apperr.As(err).Fields[0].Field != "segment" {
			t.Errorf("bad segment: %v", err)
		}
		shisho := &tasks.WorkPlace{Name: "四賀支所", Kind: tasks.Branch, Network: tasks.OfficeLAN, PhysicalSecurity: true}
		if err := s.SavePlace(ctx, f.a.ID, f.it, shisho); err != nil {
			t.Fatal(err)
		}
		share := &tasks.WorkPlace{Name: "駅前シェアオフィス", Kind: tasks.PrivateShare, Network: tasks.InternetOnly}
		if err := s.SavePlace(ctx, f.a.ID, f.it, share); err != nil {
			t.Fatal(err)
		}
		// Update with the version read; a stale one is refused.
		zaimu.Routes = []tasks.Route{tasks.RouteSatellite, tasks.RouteHome}
		stale := *zaimu
		if err := s.SaveSystem(ctx, f.a.ID, f.it, zaimu); err != nil || zaimu.Version != 2 {
			t.Fatalf("update: %v v%d", err, zaimu.Version)
		}
		if err := s.SaveSystem(ctx, f.a.ID, f.it, &stale); code(err) != apperr.Conflict {
			t.Errorf("stale update: %v", err)
		}
		// Another tenant sees none of it.
		if _, err := s.System(ctx, f.b.ID, zei.ID); code(err) != apperr.NotFound {
			t.Errorf("other tenant's system: %v", err)
		}
		if err := s.DeleteSystem(ctx, f.b.ID, f.bIT, zei.ID); code(err) != apperr.NotFound {
			t.Errorf("deleting another tenant's system: %v", err)
		}

		// The 所属長 owns the sheet; a member proposes; others may not write.
		t1 := &tasks.SheetTask{UnitID: f.sect.ID, Name: "課税資料の入力", Timing: "4月〜6月", SystemIDs: []int64{zei.ID}, HoursPerYear: 300, OwnerStaffID: f.memberStaff.ID}
		if err := s.CreateTask(ctx, f.a.ID, f.boss, t1); err != nil || t1.Status != tasks.Approved {
			t.Fatalf("boss: %v %s", err, t1.Status)
		}
		t2 := &tasks.SheetTask{UnitID: f.sect.ID, Name: "支出命令の確認", SystemIDs: []int64{zaimu.ID}, Paper: tasks.PaperDigitisable, Phone: true}
		if err := s.CreateTask(ctx, f.a.ID, f.member, t2); err != nil || t2.Status != tasks.Proposed || t2.ProposedBy != f.memberStaff.ID {
			t.Fatalf("member: %v %+v", err, t2)
		}
		if err := s.CreateTask(ctx, f.a.ID, f.outsider, &tasks.SheetTask{UnitID: f.sect.ID, Name: "x"}); code(err) != apperr.Forbidden {
			t.Errorf("another section's 所属長: %v", err)
		}
		// IT reads every sheet but proposes only to its own section's.
		itStaff := &auth.Principal{TenantID: f.a.ID, UserID: 8, StaffID: f.outsider.StaffID, UnitID: f.other.ID, Roles: []auth.Role{auth.Staff, auth.ITAdmin}}
		if err := s.CreateTask(ctx, f.a.ID, itStaff, &tasks.SheetTask{UnitID: f.sect.ID, Name: "x"}); code(err) != apperr.Forbidden {
			t.Errorf("IT proposing to another section: %v", err)
		}
		// The 担当 is one of the section's people.
		if err := s.CreateTask(ctx, f.a.ID, f.boss, &tasks.SheetTask{UnitID: f.sect.ID, Name: "x", OwnerStaffID: f.outsider.StaffID}); apperr.As(err) == nil ||
			apperr.As(err).Fields[0].Key != "tasks.field.owner_outside" {
			t.Errorf("a 担当 from another section: %v", err)
		}
		// A system's name cannot hold the sheet's separator.
		if err := s.SaveSystem(ctx, f.a.ID, f.it, &tasks.InfoSystem{Name: "住民票、印鑑登録システム", Segment: tasks.LGWAN}); apperr.As(err) == nil ||
			apperr.As(err).Fields[0].Key != "tasks.field.system_separator" {
			t.Errorf("a system name with 、: %v", err)
		}
		if err := s.CreateTask(ctx, f.a.ID, f.boss, &tasks.SheetTask{UnitID: f.sect.ID, Name: "x", SystemIDs: []int64{999999}}); apperr.As(err) == nil || apperr.As(err).Fields[0].Field != "systems" {
			t.Errorf("unknown system: %v", err)
		}
		if err := s.CreateTask(ctx, f.b.ID, f.bIT, &tasks.SheetTask{UnitID: f.bUnit.ID, Name: "x", SystemIDs: []int64{zei.ID}}); code(err) == "" {
			t.Errorf("another tenant's system in a task: %v", err)
		}
		// The pages offer the member only the sheets the member may read.
		if nodes, err := s.Readable(ctx, f.a.ID, f.member); err != nil || len(nodes) != 1 || nodes[0].Unit.ID != f.sect.ID {
			t.Errorf("readable for a member: %v %v", err, nodes)
		}
		if nodes, _ := s.Readable(ctx, f.a.ID, f.it); len(nodes) != 2 {
			t.Errorf("readable for IT: %v", nodes)
		}
		if err := s.ApproveTask(ctx, f.a.ID, f.member, t2.ID, t2.Version); code(err) != apperr.Forbidden {
			t.Errorf("member approving: %v", err)
		}
		if err := s.ApproveTask(ctx, f.a.ID, f.boss, t2.ID, t2.Version); err != nil {
			t.Fatal(err)
		}
		got, err := s.Task(ctx, f.a.ID, f.member, t2.ID)
		if err != nil || got.Status != tasks.Approved || len(got.SystemIDs) != 1 {
			t.Fatalf("after approval: %v %+v", err, got)
		}
		if _, err := s.Task(ctx, f.a.ID, f.outsider, t2.ID); code(err) != apperr.NotFound {
			t.Errorf("outsider reading: %v", err)
		}
		if _, err := s.Task(ctx, f.b.ID, f.bIT, t2.ID); code(err) != apperr.NotFound {
			t.Errorf("other tenant reading: %v", err)
		}
		got.Name = "支出命令の審査"
		if err := s.UpdateTask(ctx, f.a.ID, f.member, got); code(err) != apperr.Forbidden {
			t.Errorf("member editing an approved task: %v", err)
		}
		if err := s.UpdateTask(ctx, f.a.ID, f.boss, got); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSystem(ctx, f.a.ID, f.it, zaimu.ID); code(err) != apperr.Conflict {
			t.Errorf("deleting a system in use: %v", err)
		}
		// Every change is in the audit log.
		for _, action := range []string{"tasks.system_create", "tasks.system_update", "tasks.place_create", "tasks.task_create", "tasks.task_approve", "tasks.task_update"} {
			es, err := db.FindAuditEntries(ctx, f.a.ID, audit.Filter{Action: action, Limit: 10})
			if err != nil || len(es) == 0 {
				t.Errorf("no audit entry %s: %v", action, err)
			}
		}

		// The sheet rated, and the plan check of the applications.
		sr, err := s.RateSheet(ctx, f.a.ID, f.member, f.sect.ID)
		if err != nil || len(sr.Rated) != 2 || sr.Rated[0].Level != tasks.Level4 || sr.Summary.Tasks != 2 {
			t.Fatalf("rate sheet: %v %+v", err, sr)
		}
		fs, err := s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{t1.ID, t2.ID}, policy.Home, "home")
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, fd := range fs {
			lines = append(lines, string(fd.Severity)+" "+fd.Message("ja"))
			if fd.Rule != "tasks.feasibility" {
				t.Errorf("rule %s", fd.Rule)
			}
		}
		want := []string{
			"warning 「課税資料の入力」(在宅): 「税務システム」は個人番号利用事務系のため、在宅・モバイルでは使えません(図表17)。",
			"info 「支出命令の審査」(在宅): 紙の原本を使う業務です。電子化(PDF化等)すればテレワークで行えます(図表14)。",
			"info 「支出命令の審査」(在宅): 電話対応が必要です。公用携帯・IP電話がなければ一部しか行えません(図表15)。",
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("home plan:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		// A proposal picked by id is not planned work yet.
		prop := &tasks.SheetTask{UnitID: f.sect.ID, Name: "窓口の案内文の見直し"}
		if err := s.CreateTask(ctx, f.a.ID, f.member, prop); err != nil || prop.Status != tasks.Proposed {
			t.Fatalf("proposal: %v", err)
		}
		if fs, _ := s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{prop.ID}, policy.Home, "home"); len(fs) != 1 || fs[0].Key != "tasks.plan.proposed" {
			t.Errorf("a proposal in the plan: %+v", fs)
		}
		if err := s.DeleteTask(ctx, f.a.ID, f.member, prop.ID); err != nil {
			t.Fatal(err)
		}
		// At the 支所 by id: the tenant does not allow 個人番号 there yet.
		fs, _ = s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{t1.ID}, policy.Satellite, itoa(shisho.ID))
		if len(fs) != 1 || fs[0].Key != "tasks.plan.mynumber_tenant" || !strings.Contains(fs[0].Message("en"), "四賀支所") {
			t.Errorf("branch by id: %+v", fs)
		}
		if err := s.SaveSettings(ctx, f.a.ID, f.it, true); err != nil {
			t.Fatal(err)
		}
		if fs, _ = s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{t1.ID}, policy.Satellite, "四賀支所"); len(fs) != 0 {
			t.Errorf("branch by name, allowed: %+v", fs)
		}
		// Mobile ("" place) and an unknown place.
		if fs, _ = s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{t2.ID}, policy.Mobile, ""); len(fs) != 3 || fs[2].Severity != policy.Warning || fs[2].Key != "tasks.plan.unreachable" {
			t.Errorf("mobile: %+v", fs)
		}
		if fs, _ = s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{t1.ID}, policy.Satellite, "どこか"); len(fs) != 1 || fs[0].Severity != policy.Info || fs[0].Key != "tasks.plan.unknown_place" {
			t.Errorf("unknown place: %+v", fs)
		}
		if fs, _ = s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{t1.ID}, policy.Satellite, policy.PlaceSatellite); len(fs) != 1 || fs[0].Key != "tasks.plan.unnamed_place" || strings.Contains(fs[0].Message("ja"), "satellite") {
			t.Errorf("a satellite office without its name: %+v", fs)
		}
		// The application's place codes: 自宅同等 is rated as home, 外出先 as mobile.
		if fs, _ = s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{t1.ID}, policy.Home, policy.PlaceHomeEquivalent); len(fs) != 1 || fs[0].Key != "tasks.plan.mynumber_remote" {
			t.Errorf("home equivalent: %+v", fs)
		}
		if fs, _ = s.CheckPlan(ctx, f.a.ID, f.sect.ID, []int64{t2.ID}, policy.Mobile, policy.PlaceMobile); len(fs) != 3 || fs[2].Key != "tasks.plan.unreachable" {
			t.Errorf("mobile place code: %+v", fs)
		}
		// Another tenant's task (or one deleted since) is a warning naming
		// it, never its name: the application can still be decided.
		fs, err = s.CheckPlan(ctx, f.b.ID, f.bUnit.ID, []int64{t1.ID}, policy.Home, "home")
		if err != nil || len(fs) != 1 || fs[0].Key != "tasks.plan.missing" || fs[0].Severity != policy.Warning || strings.Contains(fs[0].Message("ja"), "課税") {
			t.Errorf("other tenant's task: %v %+v", err, fs)
		}
		// Another section's task is reported as missing, without its name.
		fs, err = s.CheckPlan(ctx, f.a.ID, f.other.ID, []int64{t1.ID}, policy.Home, "home")
		if err != nil || len(fs) != 1 || fs[0].Key != "tasks.plan.missing" || strings.Contains(fs[0].Message("ja"), "課税") {
			t.Errorf("another section's task: %v %+v", err, fs)
		}
		if pts, err := s.PlanTasks(ctx, f.a.ID, f.other.ID, []int64{t2.ID}); err != nil || len(pts) != 1 || !pts[0].Missing || pts[0].Name != "" {
			t.Errorf("another section's task named on a page: %v %+v", err, pts)
		}
		// The names for the pages, and the choices of the section.
		pts, err := s.PlanTasks(ctx, f.a.ID, f.sect.ID, []int64{t2.ID, 999999})
		if err != nil || len(pts) != 2 || pts[0].Name != "支出命令の審査" || !pts[1].Missing {
			t.Errorf("plan tasks: %v %+v", err, pts)
		}
		if pts, _ = s.PlanTasks(ctx, f.b.ID, f.bUnit.ID, []int64{t1.ID}); len(pts) != 1 || !pts[0].Missing || pts[0].Name != "" {
			t.Errorf("plan tasks of another tenant: %+v", pts)
		}
		t3 := &tasks.SheetTask{UnitID: f.sect.ID, Name: "提案中の業務"}
		if err := s.CreateTask(ctx, f.a.ID, f.member, t3); err != nil || t3.Status != tasks.Proposed {
			t.Fatalf("proposal: %v", err)
		}
		var names []string
		cs, err := s.PlanChoices(ctx, f.a.ID, f.member)
		for _, c := range cs {
			names = append(names, c.Name)
		}
		if err != nil || strings.Join(names, ",") != "課税資料の入力,支出命令の審査" {
			t.Errorf("plan choices of a member (approved tasks only): %v %v", err, names)
		}
		if cs, _ = s.PlanChoices(ctx, f.a.ID, f.outsider); len(cs) != 0 {
			t.Errorf("another section's 所属長 gets this section's tasks: %+v", cs)
		}
		// The ranking is for HR and IT.
		if _, _, err := s.Ranking(ctx, f.a.ID, f.member); code(err) != apperr.Forbidden {
			t.Errorf("member ranking: %v", err)
		}
		rk, _, err := s.Ranking(ctx, f.a.ID, f.hr)
		if err != nil || len(rk) == 0 {
			t.Fatalf("ranking: %v %v", err, rk)
		}
		// Deleting: the member may not delete an approved task, the boss may.
		if err := s.DeleteTask(ctx, f.a.ID, f.member, t1.ID); code(err) != apperr.Forbidden {
			t.Errorf("member deleting: %v", err)
		}
		if err := s.DeleteTask(ctx, f.a.ID, f.boss, t1.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSystem(ctx, f.a.ID, f.it, zei.ID); err != nil {
			t.Errorf("deleting a system no longer used: %v", err)
		}
	})
}

// A failing write rolls the whole action back with its audit entry.
func TestRollback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := tasks.NewService(failingAudit{db}, db.Now)
		if err := s.SaveSystem(ctx, f.a.ID, f.it, &tasks.InfoSystem{Name: "住民記録", Segment: tasks.MyNumber}); err == nil {
			t.Fatal("no error")
		}
		if list, _ := f.svc.Systems(ctx, f.a.ID); len(list) != 0 {
			t.Errorf("the system stayed without its audit entry: %+v", list)
		}
	})
}

type failingAudit struct{ *store.DB }

func (f failingAudit) InTasksTx(ctx context.Context, fn func(tasks.Tx) error) error {
	return f.DB.InTasksTx(ctx, func(tx tasks.Tx) error { return fn(failingTx{tx}) })
}

type failingTx struct{ tasks.Tx }

func (failingTx) Audit(context.Context, int64, audit.Actor, audit.Change) error {
	return errors.New("audit down")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestOwnerAfterTransfer: the 担当 must be of the section when it is set
// (on the form and in the import), but one who moved since does not block
// the approval or an edit of the task.
func TestOwnerAfterTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		prop := &tasks.SheetTask{UnitID: f.sect.ID, Name: "窓口の案内文の見直し", OwnerStaffID: f.memberStaff.ID}
		if err := s.CreateTask(ctx, f.a.ID, f.member, prop); err != nil || prop.Status != tasks.Proposed {
			t.Fatalf("proposal: %v", err)
		}
		// 人事異動: the proposer moves to 市民課.
		if _, err := db.SQL.Exec(`UPDATE staff SET unit_id = $1 WHERE id = $2`, f.other.ID, f.memberStaff.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.ApproveTask(ctx, f.a.ID, f.boss, prop.ID, prop.Version); err != nil {
			t.Fatalf("approval after the proposer moved: %v", err)
		}
		cur, _ := s.Task(ctx, f.a.ID, f.boss, prop.ID)
		cur.Note = "edit"
		if err := s.UpdateTask(ctx, f.a.ID, f.boss, cur); err != nil {
			t.Fatalf("edit after the 担当 moved: %v", err)
		}
		// The import names a 担当 of another section as a row problem.
		csv := "業務名,処理の内容,担当職員番号\n住民税の課税,課税資料の入力,1003\n"
		res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(csv), false)
		if err != nil || len(res.Problems) != 1 || res.Problems[0].Key != "tasks.import.owner_outside" {
			t.Fatalf("import with a 担当 of another section: %v %+v", err, res)
		}
	})
}

// TestDeleteAtVersion: a delete naming the version read deletes nothing
// when the record changed since (in the delete's own transaction).
func TestDeleteAtVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		task := &tasks.SheetTask{UnitID: f.sect.ID, Name: "起案"}
		if err := s.CreateTask(ctx, f.a.ID, f.boss, task); err != nil {
			t.Fatal(err)
		}
		read := task.Version
		task.Note = "changed"
		if err := s.UpdateTask(ctx, f.a.ID, f.boss, task); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteTaskAt(ctx, f.a.ID, f.boss, task.ID, read); !apperr.IsStale(err) {
			t.Fatalf("a stale delete: %v", err)
		}
		cur, _ := s.Task(ctx, f.a.ID, f.boss, task.ID)
		if err := s.DeleteTaskAt(ctx, f.a.ID, f.boss, task.ID, cur.Version); err != nil {
			t.Fatalf("a delete at the version read: %v", err)
		}
		sys := &tasks.InfoSystem{Name: "文書管理システム", Segment: tasks.LGWAN}
		if err := s.SaveSystem(ctx, f.a.ID, f.it, sys); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSystemAt(ctx, f.a.ID, f.it, sys.ID, sys.Version+1); !apperr.IsStale(err) {
			t.Fatalf("a stale system delete: %v", err)
		}
	})
}
