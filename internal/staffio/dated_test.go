package staffio_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// clock is a movable clock shared by the database and the services.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func tokyo(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, calendar.Tokyo)
}

func auditCount(t *testing.T, db *store.DB, tenant int64, action string) int {
	t.Helper()
	var n int
	if err := db.SQL.QueryRow(db.Rebind(`SELECT COUNT(*) FROM audit_log WHERE tenant_id = ? AND action = ?`), tenant, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The April 人事異動 imported in March moves no one early: future 発令日 are
// stored as scheduled changes (the preview says so, with the date), the
// staff rows stay as they are until the daily job — claimed by one of two
// nodes — applies each change on its date through org's rules; a change
// whose unit closed meanwhile is kept as failed with the reason; HR can
// cancel one before its date.
func TestDatedChangesTakeEffectOnTheirDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: tokyo(2027, time.March, 10, 10)}
		db.Now = clk.now
		f := newFixture(t, db)
		svc := staffio.NewService(db, clk.now)
		orgs := org.NewService(db, clk.now)
		first := "職員番号,氏名,ふりがな,所属コード,役職\n0001,一 太郎,いち,111,主事\n0002,二 花子,に,111,主事\n0003,三 次郎,さん,211,主事\n0004,四 三郎,よん,211,主事\n"
		if _, err := svc.Apply(ctx, f.tenant, hr, staffio.File{Name: "first.csv", Data: []byte(first)}, staffio.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		// 内示 on 10 March: 0001 moves on 1 April, 0002 leaves on 31 March,
		// 0005 is hired on 1 April (with a telework terminal), 0004 moves to
		// 人事係 (112, closed before April), 0003's title is corrected today.
		april := "職員番号,氏名,ふりがな,所属コード,役職,在職区分,発令日,テレワーク端末\n" +
			"0001,一 太郎,いち,211,主任,,2027/4/1,\n" +
			"0002,,,,,退職,2027/3/31,\n" +
			"0005,五 四郎,ご,111,主事,,R9.4.1,○\n" +
			"0004,四 三郎,よん,112,主事,,2027-04-01,\n" +
			"0003,三 次郎,さん,211,主任,,,\n"
		file := staffio.File{Name: "内示.csv", Data: []byte(april)}
		plan, err := svc.Preview(ctx, f.tenant, file, staffio.Options{})
		if err != nil || !plan.OK() {
			t.Fatalf("preview: %v %+v", err, plan.Problems)
		}
		if got := plan.Summary("").Scheduled; got != 4 {
			t.Fatalf("scheduled in the preview: %d, want 4 (%+v)", got, plan.Summary(""))
		}
		if c := plan.Creates[0]; !c.Scheduled || c.Effective.String() != "2027-04-01" || len(c.Changes) == 0 {
			t.Errorf("hire in the preview: %+v", c)
		}
		if _, err := svc.Apply(ctx, f.tenant, hr, file, staffio.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		if s := f.staff(t, "0001"); s.UnitID != f.units["111"].ID || s.Title != "主事" {
			t.Errorf("0001 moved before its date: %+v", s)
		}
		if f.staff(t, "0002").Retired {
			t.Error("0002 retired before the date")
		}
		if _, err := db.FindStaffByNo(ctx, f.tenant, "0005"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("the hire is in the directory before the date: %v", err)
		}
		if s := f.staff(t, "0003"); s.Title != "主任" {
			t.Errorf("an undated row waits: %+v", s)
		}
		pending, err := svc.Scheduled(ctx, f.tenant, org.ScheduleFilter{Status: []string{org.SchedulePending}})
		if err != nil || len(pending) != 4 {
			t.Fatalf("pending %d %v", len(pending), err)
		}
		// The same file again schedules nothing twice.
		plan, err = svc.Apply(ctx, f.tenant, hr, file, staffio.ApplyOptions{})
		if err != nil || plan.Summary("").Scheduled != 0 || plan.Unchanged != 5 {
			t.Fatalf("again: %v %+v", err, plan.Summary(""))
		}
		// A unit renamed from 1 April waits too (org.Service.UpdateUnit).
		u := f.units["210"]
		if _, err := storetest.F(db).UpdateUnit(ctx, f.tenant, hr, u.ID, org.Unit{Name: "市民生活課", Level: u.Level, Code: u.Code,
			ParentID: u.ParentID, Version: u.Version}, calendar.Date{Year: 2027, Month: time.April, Day: 1}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindUnitByID(ctx, f.tenant, u.ID); got.Name != "市民課" {
			t.Errorf("unit renamed early: %q", got.Name)
		}
		// An extra change, cancelled by HR before its date (audited).
		extra := "職員番号,役職,発令日\n0003,係長,2027/5/1\n"
		if _, err := svc.Apply(ctx, f.tenant, hr, staffio.File{Name: "extra.csv", Data: []byte(extra)}, staffio.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		list, _ := svc.Scheduled(ctx, f.tenant, org.ScheduleFilter{StaffID: f.staff(t, "0003").ID})
		if len(list) != 1 || list[0].Effective.String() != "2027-05-01" {
			t.Fatalf("0003's scheduled changes: %+v", list)
		}
		if err := svc.CancelScheduled(ctx, f.tenant, hr, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.CancelScheduled(ctx, f.tenant, hr, list[0].ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("cancelled twice: %v", err)
		}
		if n := auditCount(t, db, f.tenant, "schedule.cancel"); n != 1 {
			t.Errorf("cancel audit entries: %d", n)
		}
		// 庶務係 (112) closes before April: 0004's move cannot be applied.
		closed, _ := db.FindUnitByID(ctx, f.tenant, f.units["112"].ID)
		if err := orgs.RetireUnit(ctx, f.tenant, hr, closed.ID, closed.Version, calendar.Date{}); err != nil {
			t.Fatal(err)
		}

		// Before the date the job does nothing.
		if res, err := svc.RunDaily(ctx, "ap1"); err != nil || !res.Ran || res.Applied != 0 {
			t.Fatalf("March run: %+v %v", res, err)
		}
		// 1 April, 06:00 in Tokyo: two nodes at once, one does the work.
		clk.set(tokyo(2027, time.April, 1, 6))
		var wg sync.WaitGroup
		results := make([]*staffio.DailyResult, 2)
		for i, node := range []string{"ap1", "ap2"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := staffio.NewService(db, clk.now).RunDaily(ctx, node)
				if err != nil {
					t.Errorf("%s: %v", node, err)
				}
				results[i] = res
			}()
		}
		wg.Wait()
		ran := 0
		for _, r := range results {
			if r != nil && r.Ran {
				ran++
				if r.Applied != 4 || r.Failed != 1 {
					t.Errorf("run: %+v, want 4 applied (0001, 0002, 0005, the unit) and 1 failed (0004)", r)
				}
			}
		}
		if ran != 1 {
			t.Fatalf("%d nodes ran the day's job", ran)
		}
		s := f.staff(t, "0001")
		hist, _ := db.FindStaffHistory(ctx, f.tenant, s.ID)
		if s.UnitID != f.units["211"].ID || s.Title != "主任" || len(hist) != 2 || hist[0].EffectiveDate.String() != "2027-04-01" {
			t.Errorf("0001 on 1 April: %+v %+v", s, hist)
		}
		if !f.staff(t, "0002").Retired {
			t.Error("0002 not retired")
		}
		hired := f.staff(t, "0005")
		facts, _ := db.FindPolicyFacts(ctx, f.tenant, hired.ID)
		if hired.UnitID != f.units["111"].ID || !facts.HasTerminal {
			t.Errorf("hire: %+v %+v", hired, facts)
		}
		if got, _ := db.FindUnitByID(ctx, f.tenant, u.ID); got.Name != "市民生活課" {
			t.Errorf("unit not renamed: %q", got.Name)
		}
		if s := f.staff(t, "0004"); s.UnitID != f.units["211"].ID {
			t.Errorf("0004 moved into a closed unit: %+v", s)
		}
		failed, _ := svc.Scheduled(ctx, f.tenant, org.ScheduleFilter{Status: []string{org.ScheduleFailed}})
		if len(failed) != 1 || failed[0].StaffNo != "0004" || failed[0].Failure == nil || failed[0].Failure.Key != "field.unit_retired" {
			t.Fatalf("failed: %+v", failed)
		}
		if n := auditCount(t, db, f.tenant, "schedule.apply"); n != 4 {
			t.Errorf("apply audit entries: %d", n)
		}
		if n := auditCount(t, db, f.tenant, "schedule.fail"); n != 1 {
			t.Errorf("fail audit entries: %d", n)
		}
		if n := auditCount(t, db, f.tenant, "staff.create"); n != 5 {
			t.Errorf("staff.create entries: %d (the hire once)", n)
		}
		// Later the same day, and the next day: nothing more.
		if res, err := svc.RunDaily(ctx, "ap2"); err != nil || res.Ran {
			t.Errorf("second run the same day: %+v %v", res, err)
		}
		clk.set(tokyo(2027, time.April, 2, 6))
		if res, err := svc.RunDaily(ctx, "ap2"); err != nil || !res.Ran || res.Applied+res.Failed != 0 {
			t.Errorf("next day: %+v %v", res, err)
		}
		if n, err := db.VerifyAuditChain(ctx, f.tenant); err != nil {
			t.Errorf("audit chain (%d): %v", n, err)
		}
		// HR removes the failed change from the list.
		if err := svc.CancelScheduled(ctx, f.tenant, hr, failed[0].ID); err != nil {
			t.Errorf("dismissing a failed change: %v", err)
		}
	})
}

// Two runs that both got past the day's claim (a run left unfinished and
// a manual one, say) still apply each change once: the change's row is
// claimed in the transaction that applies it.
func TestScheduledChangeAppliedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: tokyo(2027, time.March, 10, 10)}
		db.Now = clk.now
		f := newFixture(t, db)
		svc := staffio.NewService(db, clk.now)
		var b []byte
		b = append(b, "職員番号,氏名,ふりがな,所属コード,発令日\n"...)
		for _, no := range []string{"0101", "0102", "0103", "0104", "0105", "0106"} {
			b = append(b, no+",職員,しょくいん,111,2027/4/1\n"...)
		}
		if _, err := svc.Apply(ctx, f.tenant, hr, staffio.File{Name: "hires.csv", Data: b}, staffio.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		clk.set(tokyo(2027, time.April, 1, 6))
		day := calendar.DateOf(clk.now())
		var wg sync.WaitGroup
		total := make([]int, 3)
		for i := range total {
			wg.Add(1)
			go func() {
				defer wg.Done()
				applied, _, err := staffio.NewService(db, clk.now).ApplyDue(ctx, f.tenant, day)
				if err != nil {
					t.Error(err)
				}
				total[i] = applied
			}()
		}
		wg.Wait()
		if sum := total[0] + total[1] + total[2]; sum != 6 || f.count(t, "staff") != 6 {
			t.Errorf("applied %v, %d staff rows; want 6 once", total, f.count(t, "staff"))
		}
		if n := auditCount(t, db, f.tenant, "staff.create"); n != 6 {
			t.Errorf("staff.create entries %d", n)
		}
	})
}

// Policy facts as staff-file columns: read with the file's flag words,
// all or nothing with per-row errors, compared with what is stored (the
// same file again writes nothing), exported and read back unchanged.
func TestFactColumns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		file := "職員番号,氏名,ふりがな,所属コード,テレワーク端末,育児・介護の事由,派遣中,試行対象者\n" +
			"0001,一,いち,111,〇,育児,,はい\n" +
			"0002,二,に,111,✓,育児、介護,1,\n" +
			"0003,三,さん,111,,なし,いいえ,0\n"
		p, err := f.apply(t, []byte(file), staffio.Options{})
		if err != nil {
			t.Fatalf("%v %s", err, problems(p))
		}
		want := map[string]policy.Facts{
			"0001": {Reasons: []string{"childcare"}, HasTerminal: true, Trial: true},
			"0002": {Reasons: []string{"childcare", "nursing"}, HasTerminal: true, Seconded: true},
			"0003": {},
		}
		for no, w := range want {
			got, _ := db.FindPolicyFacts(ctx, f.tenant, f.staff(t, no).ID)
			if !policy.SameFacts(got, w) {
				t.Errorf("%s: %+v, want %+v", no, got, w)
			}
		}
		if n := auditCount(t, db, f.tenant, "staff.policy_facts"); n != 2 {
			t.Errorf("facts audit entries %d (0003 has none to record)", n)
		}
		if p, err := f.apply(t, []byte(file), staffio.Options{}); err != nil || !p.Empty() {
			t.Errorf("same file again: %v %+v", err, p.Summary(""))
		}
		// Only a fact changes: the staff record is not written.
		p, err = f.apply(t, []byte("職員番号,派遣中\n0001,○\n"), staffio.Options{})
		if err != nil || len(p.Changes) != 1 || p.Changes[0].StaffChanged || f.staff(t, "0001").Version != 1 {
			t.Errorf("fact only: %v %+v v%d", err, p.Summary(""), f.staff(t, "0001").Version)
		}
		// A value that is no flag refuses the whole file, naming the row.
		bad := "職員番号,テレワーク端末,育児・介護の事由\n0002,たぶん,\n0003,,出産\n"
		p = f.preview(t, []byte(bad), staffio.Options{})
		if len(p.Problems) != 2 || p.Problems[0].Line != 2 || p.Problems[0].Column != "テレワーク端末" || p.Problems[1].Column != "育児・介護の事由" {
			t.Errorf("problems: %s", problems(p))
		}
		// Export → import: unchanged, facts included.
		units, _ := db.FindUnits(ctx, f.tenant)
		staff, _ := db.FindAllStaff(ctx, f.tenant)
		facts, _ := db.FindAllPolicyFacts(ctx, f.tenant)
		rows := staffio.ExportRows(units, staff, staffio.ExportOptions{Facts: facts})
		var csv []byte
		for _, r := range rows {
			for i, c := range r {
				if i > 0 {
					csv = append(csv, ',')
				}
				csv = append(csv, c...)
			}
			csv = append(csv, '\n')
		}
		if p := f.preview(t, csv, staffio.Options{}); !p.OK() || !p.Empty() {
			t.Errorf("export re-imported: %s %+v", problems(p), p.Summary(""))
		}
	})
}

// The bulk setting of one fact: one transaction, an audit entry per
// person whose facts change.
func TestSetFactBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := f.apply(t, []byte("職員番号,氏名,ふりがな,所属コード,試行の対象者\n0001,一,いち,111,○\n0002,二,に,111,\n0003,三,さん,211,\n"), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		ps := policy.NewService(db, db.Now)
		ids := []int64{f.staff(t, "0001").ID, f.staff(t, "0002").ID, f.staff(t, "0003").ID}
		before := auditCount(t, db, f.tenant, "staff.policy_facts")
		n, err := ps.SetFactBulk(ctx, f.tenant, hr, ids, policy.FactTrial, true)
		if err != nil || n != 2 || auditCount(t, db, f.tenant, "staff.policy_facts") != before+2 {
			t.Fatalf("set: %d %v", n, err)
		}
		n, err = ps.SetFactBulk(ctx, f.tenant, hr, ids[:2], policy.FactReason+"nursing", true)
		if err != nil || n != 2 {
			t.Fatalf("reason: %d %v", n, err)
		}
		if got, _ := db.FindPolicyFacts(ctx, f.tenant, ids[1]); !got.Trial || len(got.Reasons) != 1 {
			t.Errorf("0002: %+v", got)
		}
		// Someone of another tenant (or no one) in the list: nothing changes.
		if _, err := ps.SetFactBulk(ctx, f.tenant, hr, []int64{ids[0], 999999}, policy.FactTrial, false); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("unknown person: %v", err)
		}
		if got, _ := db.FindPolicyFacts(ctx, f.tenant, ids[0]); !got.Trial {
			t.Error("a refused bulk change wrote")
		}
		if _, err := ps.SetFactBulk(ctx, f.tenant, hr, ids, "has_car", true); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("unknown fact: %v", err)
		}
		_ = audit.Actor{}
	})
}
