package policy_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// sumTable counts the table's rows by status, as a person reading it would.
func sumTable(sim *policy.Simulation) (refused, warned, unknown int) {
	for _, r := range sim.Rows {
		switch {
		case r.Status == "unknown":
			unknown++
		case len(r.Errors) > 0:
			refused++
		case len(r.Warnings) > 0:
			warned++
		}
	}
	return
}

func checkSums(t *testing.T, sim *policy.Simulation) {
	t.Helper()
	refused, warned, unknown := sumTable(sim)
	if refused != sim.Refused || warned != sim.Warned || unknown != sim.Unknown ||
		sim.Refused+sim.Warned+sim.Unknown+sim.OK != sim.Total || sim.Listed() != len(sim.Rows) {
		t.Errorf("summary %d refused, %d warned, %d unknown, %d ok of %d; the table has %d, %d, %d",
			sim.Refused, sim.Warned, sim.Unknown, sim.OK, sim.Total, refused, warned, unknown)
	}
}

// TestSimulateTrialFile is the trial's file: Excel's own date-times in
// 申請日時, a 事前了承 column, a leaver among the staff numbers; the
// summary agrees with the table.
func TestSimulateTrialFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		kobe, _ := policy.TemplateByName("kobe") // 事前了承 and a deadline
		p := kobe.Policy
		p.Caps.WeeklyMaxDays = 2
		p.Caps.MinOfficeDaysPerWeek = 3
		csv := "職員番号,日付,形態,時間単位,申請日時,事前了承\r\n" +
			"1001,2026/11/9,在宅,終日,2026/11/6 10:00,○\r\n" + // fine, but the week has 3 office days … then 2
			"1001,2026/11/10,在宅,終日,2026/11/6 10:00,○\r\n" + // 2 office days left: warning
			"1001,2026/11/11,在宅,終日,2026/11/6 10:00,○\r\n" + // over 週2日: refused
			"1001,2026/11/12,在宅,終日,2026/11/5 9:05,×\r\n" + // no prior consent: refused
			"0999,2026/11/12,在宅,終日,2026/11/5 9:05,○\r\n" + // a leaver: a warning row
			"１００１,2026/11/20,在宅,午前,2026年11月18日 17:00,有\r\n" // fine
		sim, err := f.svc.Simulate(ctx, f.a.ID, p, []byte(csv), "ja")
		if err != nil {
			t.Fatal(err)
		}
		if sim.Total != 6 || sim.Unknown != 1 || sim.DeadlinesSkipped {
			t.Fatalf("%+v", sim)
		}
		checkSums(t, sim)
		var text []string
		for _, r := range sim.Rows {
			text = append(text, r.Errors...)
			text = append(text, r.Warnings...)
		}
		all := strings.Join(text, "\n")
		for _, want := range []string{"職員番号 0999 の職員は登録されていません", "週2日までの上限", "下回ります"} {
			if !strings.Contains(all, want) {
				t.Errorf("missing %q in\n%s", want, all)
			}
		}
		refusedDays := map[int]bool{}
		for _, r := range sim.Rows {
			if r.Status == "refused" {
				refusedDays[r.Date.Day] = true
			}
		}
		if len(refusedDays) != 2 || !refusedDays[11] || !refusedDays[12] {
			t.Errorf("refused days %v, want 11 and 12 (consent given, in time, within the caps otherwise):\n%s", refusedDays, all)
		}
		// The same without 事前了承: every known day is refused for it.
		noConsent := strings.NewReplacer(",○\r\n", ",×\r\n", ",有\r\n", ",なし\r\n").Replace(csv)
		sim, err = f.svc.Simulate(ctx, f.a.ID, p, []byte(noConsent), "ja")
		if err != nil {
			t.Fatal(err)
		}
		checkSums(t, sim)
		if sim.Refused != 5 {
			t.Errorf("without 事前了承: %d refused, want 5", sim.Refused)
		}

		// A column that cannot be read is named by its heading, with the value.
		bad := "職員番号,日付,形態,申請日時,事前了承\r\n1001,2026/11/9,在宅,昨日の朝,○\r\n1001,2026/11/10,在宅,2026/11/6 10:00,たぶん\r\n"
		_, err = f.svc.Simulate(ctx, f.a.ID, p, []byte(bad), "ja")
		e := apperr.As(err)
		if e == nil || len(e.Fields) != 2 || e.Fields[0].Args["Column"] != "申請日時" || e.Fields[0].Args["Value"] != "昨日の朝" ||
			e.Fields[1].Args["Column"] != "事前了承" || e.Fields[1].Args["Line"] != 3 {
			t.Errorf("unreadable cells: %+v", err)
		}
	})
}

// TestSimulateXLSXDateCells: date and date-time cells of an Excel file are
// read by their stored value, whatever their display format.
func TestSimulateXLSXDateCells(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		other := &org.Staff{StaffNo: "1002", Name: "佐藤 花子", Kana: "さとう はなこ", UnitID: f.staff.UnitID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general", Email: "1002@example.lg.jp"}
		if err := storetest.F(db).CreateStaff(ctx, f.a.ID, hr, other, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		x := excelize.NewFile()
		sh := x.GetSheetName(0)
		_ = x.SetSheetRow(sh, "A1", &[]any{"職員番号", "日付", "形態", "時間単位", "申請日時"})
		_ = x.SetSheetRow(sh, "A2", &[]any{"1001", time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC), "在宅", "終日", time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)})
		_ = x.SetSheetRow(sh, "A3", &[]any{"1002", time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC), "在宅", "終日", time.Date(2026, 11, 6, 10, 0, 0, 0, time.UTC)})
		// Displayed 令和 style, stored as a serial.
		style, _ := x.NewStyle(&excelize.Style{CustomNumFmt: strPtr(`[$-ja-JP-x-gannen]ggge"年"m"月"d"日"`)})
		_ = x.SetCellStyle(sh, "B2", "B3", style)
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			t.Fatal(err)
		}
		mat := matsumoto(t) // 2 business days before, by the end of the day
		sim, err := f.svc.Simulate(ctx, f.a.ID, mat, buf.Bytes(), "ja")
		if err != nil {
			t.Fatal(err)
		}
		checkSums(t, sim)
		if sim.Total != 2 || sim.DeadlinesSkipped || sim.Refused != 1 || len(sim.Rows) != 1 || sim.Rows[0].StaffNo != "1001" ||
			sim.Rows[0].Date != (calendar.Date{Year: 2026, Month: time.November, Day: 12}) {
			t.Fatalf("%+v", sim)
		}
		if !strings.Contains(strings.Join(sim.Rows[0].Errors, ""), "締切") {
			t.Errorf("the late day is not refused for its deadline: %v", sim.Rows[0].Errors)
		}
	})
}

func strPtr(s string) *string { return &s }
