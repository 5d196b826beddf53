package calendar_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
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

func cd(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

func fieldKey(err error, field string) string {
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			if f.Field == field {
				return f.Key
			}
		}
	}
	return ""
}

func TestServiceClosureDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := calendar.NewService(db, db.Now)
		a, b := mustTenant(t, db, "matsumoto"), mustTenant(t, db, "kakegawa")
		if err := svc.AddClosureDay(ctx, a.ID, hr, calendar.Holiday{Date: cd(2025, 6, 2), Name: " 市制施行記念日 "}); err != nil {
			t.Fatal(err)
		}
		if err := svc.AddClosureDay(ctx, a.ID, hr, calendar.Holiday{Date: cd(2026, 6, 1), Name: "市制施行記念日"}); err != nil {
			t.Fatal(err)
		}
		// Refused: the same day again, a day that is off anyway, bad input.
		refusals := []struct {
			h          calendar.Holiday
			field, key string
		}{
			{calendar.Holiday{Date: cd(2025, 6, 2), Name: "二重"}, "closure_date", "field.closure_exists"},
			{calendar.Holiday{Date: cd(2025, 11, 3), Name: "文化の日に"}, "closure_date", "field.closure_not_business"},
			{calendar.Holiday{Date: cd(2025, 12, 30), Name: "年末"}, "closure_date", "field.closure_not_business"},
			{calendar.Holiday{Date: cd(2025, 6, 1), Name: "日曜"}, "closure_date", "field.closure_not_business"},
			{calendar.Holiday{Date: cd(2025, 6, 3), Name: ""}, "closure_name", "field.required"},
		}
		for _, r := range refusals {
			err := svc.AddClosureDay(ctx, a.ID, hr, r.h)
			if got := fieldKey(err, r.field); got != r.key {
				t.Errorf("%v: got %v, want %s on %s", r.h, err, r.key, r.field)
			}
		}
		got, err := svc.ClosureDays(ctx, a.ID, 2025, 2026)
		if err != nil || len(got) != 2 || got[0] != (calendar.Holiday{Date: cd(2025, 6, 2), Name: "市制施行記念日", Kind: calendar.KindClosure}) {
			t.Fatalf("FindClosureDays = %v, %v", got, err)
		}
		if got, _ := svc.ClosureDays(ctx, a.ID, 2026, 2026); len(got) != 1 || got[0].Date != cd(2026, 6, 1) {
			t.Errorf("year filter: %v", got)
		}
		// Tenant isolation: b sees none, and cannot remove a's.
		if got, _ := svc.ClosureDays(ctx, b.ID, 2000, 2100); len(got) != 0 {
			t.Errorf("tenant b sees %v", got)
		}
		if err := svc.RemoveClosureDay(ctx, b.ID, hr, cd(2025, 6, 2)); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("cross-tenant remove: %v", err)
		}
		// b may close the same date.
		if err := svc.AddClosureDay(ctx, b.ID, hr, calendar.Holiday{Date: cd(2025, 6, 2), Name: "選挙事務"}); err != nil {
			t.Fatal(err)
		}
		cal, err := svc.Load(ctx, a.ID, 2025, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if cal.IsBusinessDay(cd(2025, 6, 2)) || cal.Reason(cd(2025, 6, 2)) != "市制施行記念日" || !cal.IsBusinessDay(cd(2025, 6, 3)) {
			t.Error("closure day not in the calendar")
		}
		if err := svc.RemoveClosureDay(ctx, a.ID, hr, cd(2025, 6, 2)); err != nil {
			t.Fatal(err)
		}
		if err := svc.RemoveClosureDay(ctx, a.ID, hr, cd(2025, 6, 2)); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("second remove: %v", err)
		}
		// Every change is in the tenant's chain, which still verifies.
		es, err := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: "calendar."})
		if err != nil || len(es) != 3 {
			t.Fatalf("audit entries: %d %v", len(es), err)
		}
		if es[0].Action != "calendar.closure_remove" || es[0].ObjectID != "2025-06-02" || !strings.Contains(string(es[0].Before), "市制施行記念日") {
			t.Errorf("remove entry: %+v", es[0])
		}
		if es[2].Action != "calendar.closure_add" || !strings.Contains(string(es[2].After), `"name":"市制施行記念日"`) {
			t.Errorf("add entry: %s %s", es[2].Action, es[2].After)
		}
		if _, err := db.VerifyAuditChain(ctx, a.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestServiceImportHolidays(t *testing.T) {
	raw, err := os.ReadFile("testdata/syukujitsu_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := calendar.NewService(db, db.Now)
		a := mustTenant(t, db, "matsumoto")
		op := audit.Actor{ID: 1, Label: "operator:root"}
		if info, err := svc.HolidayData(ctx); err != nil || info.Days != 0 || info.FirstYear != 0 {
			t.Fatalf("empty data: %+v %v", info, err)
		}
		hs, err := calendar.ParseSyukujitsu(raw)
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.ImportHolidays(ctx, op, hs)
		if err != nil {
			t.Fatal(err)
		}
		if res.Days != 58 || res.Added != 58 || res.Removed != 0 || len(res.Years) != 3 {
			t.Errorf("first import: %+v", res)
		}
		info, err := svc.HolidayData(ctx)
		if err != nil || info.Days != 58 || info.FirstYear != 2024 || info.LastYear != 2026 || info.ImportedAt.IsZero() {
			t.Errorf("data: %+v %v", info, err)
		}
		got, err := db.FindImportedHolidays(ctx, 2025, 2025)
		if err != nil || len(got) != 19 || got[4] != (calendar.Holiday{Date: cd(2025, 2, 24), Name: "休日", Kind: calendar.KindSubstitute}) {
			t.Fatalf("2025: %v %v", got, err)
		}

		// A new edition for 2026 only, with a law change the computation
		// does not know: it replaces 2026 and leaves 2024–2025 alone.
		var y2026 []calendar.Holiday
		for _, h := range hs {
			if h.Date.Year == 2026 && h.Name != "海の日" {
				y2026 = append(y2026, h)
			}
		}
		y2026 = append(y2026, calendar.Holiday{Date: cd(2026, 7, 21), Name: "海の日", Kind: calendar.KindNational})
		res, err = svc.ImportHolidays(ctx, op, y2026)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 1 || res.Removed != 1 || res.Renamed != 0 || len(res.Years) != 1 || res.Years[0] != 2026 {
			t.Errorf("second import: %+v", res)
		}
		if info, _ := svc.HolidayData(ctx); info.Days != 58 || info.FirstYear != 2024 {
			t.Errorf("after partial import: %+v", info)
		}
		cal, err := svc.Load(ctx, a.ID, 2026, 2027)
		if err != nil {
			t.Fatal(err)
		}
		if cal.Reason(cd(2026, 7, 21)) != "海の日" || !cal.IsBusinessDay(cd(2026, 7, 20)) || !cal.Imported(2026) || cal.Imported(2027) {
			t.Error("the imported year does not come from the import")
		}
		if cal.Reason(cd(2027, 7, 19)) != "海の日" {
			t.Error("a year without data is not computed")
		}

		// Both imports are in the instance chain, with what changed.
		es, err := db.FindAuditEntries(ctx, 0, audit.Filter{Action: "calendar.holidays_import"})
		if err != nil || len(es) != 2 {
			t.Fatalf("instance audit: %d %v", len(es), err)
		}
		var after map[string]any
		if err := json.Unmarshal(es[0].After, &after); err != nil {
			t.Fatal(err)
		}
		ch, _ := after["changes"].(map[string]any)
		if es[0].ObjectID != "2026-2026" || ch["2026-07-21"] != "海の日" || !strings.Contains(string(es[0].Before), `"2026-07-20":"海の日"`) {
			t.Errorf("import entry: %s before=%s after=%s", es[0].ObjectID, es[0].Before, es[0].After)
		}
		if es[0].ActorLabel != "operator:root" {
			t.Errorf("actor %q", es[0].ActorLabel)
		}
		if _, err := db.VerifyAuditChain(ctx, 0); err != nil {
			t.Error(err)
		}
		if es, _ := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: "calendar."}); len(es) != 0 {
			t.Errorf("national import written to a tenant chain: %d", len(es))
		}
		if _, err := svc.ImportHolidays(ctx, op, nil); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("empty import: %v", err)
		}
		// All or nothing: a write that fails half-way (the same day twice)
		// leaves the data and the instance chain as they were.
		dup := append(append([]calendar.Holiday{}, hs...), hs[len(hs)-1])
		if _, err := svc.ImportHolidays(ctx, op, dup); err == nil {
			t.Fatal("a file with a day twice was imported")
		}
		if cal, _ := svc.Load(ctx, a.ID, 2026, 2026); cal.Reason(cd(2026, 7, 21)) != "海の日" {
			t.Error("a failed import changed 2026")
		}
		if es, _ := db.FindAuditEntries(ctx, 0, audit.Filter{Action: "calendar.holidays_import"}); len(es) != 2 {
			t.Errorf("a failed import was audited: %d entries", len(es))
		}

		// A file that stops part-way through a year: the days after its
		// last one keep what the calendar used — computed for 2027 (no
		// data), imported for 2026 (the 7/21 海の日 of the edition above).
		part := []calendar.Holiday{{Date: cd(2027, 1, 1), Name: "元日", Kind: calendar.KindNational},
			{Date: cd(2027, 1, 11), Name: "成人の日", Kind: calendar.KindNational}}
		res, err = svc.ImportHolidays(ctx, op, part)
		if err != nil || res.Removed != 0 || res.Kept != 15 || res.Added != 2 {
			t.Fatalf("a file cut on 2027-01-11: %+v %v", res, err)
		}
		cal, err = svc.Load(ctx, a.ID, 2027, 2027)
		if err != nil || !cal.Imported(2027) || cal.Reason(cd(2027, 9, 20)) != "敬老の日" || cal.Reason(cd(2027, 11, 23)) != "勤労感謝の日" {
			t.Errorf("2027's holidays after the file's last day are gone: %v", err)
		}
		res, err = svc.ImportHolidays(ctx, op, []calendar.Holiday{{Date: cd(2026, 1, 1), Name: "元日", Kind: calendar.KindNational},
			{Date: cd(2026, 1, 12), Name: "成人の日", Kind: calendar.KindNational}})
		if err != nil || res.Removed != 0 || res.Added != 0 {
			t.Fatalf("2026 cut on 01-12: %+v %v", res, err)
		}
		if cal, _ := svc.Load(ctx, a.ID, 2026, 2026); cal.Reason(cd(2026, 7, 21)) != "海の日" || cal.Reason(cd(2026, 7, 20)) != "" {
			t.Error("2026's imported days after the file's last day were not kept as imported")
		}
	})
}
