package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// holidays2025 is what `calendar holidays --year 2025 --weekdays` prints
// without a tenant: weekday days off only (2/23, 5/3, 5/4 and 11/23 fall on a
// weekend), 年末年始 included.
const holidays2025 = `2025-01-01	元日
2025-01-02	年末年始
2025-01-03	年末年始
2025-01-13	成人の日
2025-02-11	建国記念の日
2025-02-24	休日
2025-03-20	春分の日
2025-04-29	昭和の日
2025-05-05	こどもの日
2025-05-06	休日
2025-07-21	海の日
2025-08-11	山の日
2025-09-15	敬老の日
2025-09-23	秋分の日
2025-10-13	スポーツの日
2025-11-03	文化の日
2025-11-24	休日
2025-12-29	年末年始
2025-12-30	年末年始
2025-12-31	年末年始
`

func TestCalendarHelp(t *testing.T) {
	for _, args := range [][]string{{"calendar", "holidays", "-h"}, {"calendar", "import-holidays", "-h"}, {"calendar", "-h"}} {
		code, _, errb := cli(t, args...)
		if code != 0 || !strings.Contains(errb, "usage: telework calendar") {
			t.Errorf("%v: exit %d, help %q", args, code, errb)
		}
	}
	if code, _, _ := cli(t, "calendar", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand exit %d, want 2", code)
	}
	if code, _, errb := cli(t, "calendar", "holidays", "--year", "1900"); code != 2 || !strings.Contains(errb, "--year") {
		t.Errorf("bad year: %d %s", code, errb)
	}
	if code, _, _ := cli(t, "--help"); code != 0 {
		t.Error("help")
	}
	if _, out, _ := cli(t, "help"); !strings.Contains(out, "telework calendar holidays") {
		t.Error("usage does not list the calendar commands")
	}
}

// TestCalendarHolidaysWithoutDB: with no database anywhere, the computed
// holidays are printed and no database file is created.
func TestCalendarHolidaysWithoutDB(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("TELEWORK_DB", "")
	code, out, errb := cli(t, "calendar", "holidays", "--year", "2025", "--weekdays")
	if code != 0 || out != holidays2025 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	if _, err := os.Stat(filepath.Join(dir, "telework.db")); err == nil {
		t.Error("listing holidays created a database file")
	}
	// 2019: 天皇の即位の日 and the 国民の休日 either side.
	_, out, _ = cli(t, "calendar", "holidays", "--year", "2019", "--weekdays")
	for _, line := range []string{"2019-04-30\t休日\n", "2019-05-01\t休日（祝日扱い）\n", "2019-05-02\t休日\n", "2019-10-22\t休日（祝日扱い）\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("2019 lacks %q", line)
		}
	}
}

func TestCalendarCommands(t *testing.T) {
	sample, err := filepath.Abs("../../internal/calendar/testdata/syukujitsu_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, eng)
			if code, out, errb := cli(t, "tenant", "create", "--db", dsn, "--slug", "matsumoto", "--name", "松本市", "--kind", "municipality"); code != 0 {
				t.Fatalf("tenant: %s %s", out, errb)
			}
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			tn, err := db.FindTenantBySlug(ctx, "matsumoto")
			if err != nil {
				t.Fatal(err)
			}
			if err := calendar.NewService(db, db.Now).AddClosureDay(ctx, tn.ID, audit.Actor{Label: "test"}, calendar.Holiday{Date: calendar.Date{Year: 2025, Month: 6, Day: 2}, Name: "市制施行記念日"}); err != nil {
				t.Fatal(err)
			}

			// Without --tenant: national days only; with it, the closure too.
			code, out, errb := cli(t, "calendar", "holidays", "--db", dsn, "--year", "2025", "--weekdays")
			if code != 0 || out != holidays2025 {
				t.Fatalf("holidays: %d\n%s\n%s", code, out, errb)
			}
			code, out, _ = cli(t, "calendar", "holidays", "--db", dsn, "--year", "2025", "--tenant", "matsumoto", "--weekdays")
			want := strings.Replace(holidays2025, "2025-05-06\t休日\n", "2025-05-06\t休日\n2025-06-02\t市制施行記念日\n", 1)
			if code != 0 || out != want {
				t.Errorf("with tenant: %d\n%s", code, out)
			}
			if code, _, errb := cli(t, "calendar", "holidays", "--db", dsn, "--tenant", "nowhere"); code != 1 || !strings.Contains(errb, "nowhere") {
				t.Errorf("unknown tenant: %d %s", code, errb)
			}

			// A bad file: refused with the line and the reason, nothing written.
			bad := filepath.Join(t.TempDir(), "bad.csv")
			os.WriteFile(bad, append(append([]byte{}, raw...), "2026/9/31,休日\r\n"...), 0o600)
			code, _, errb = cli(t, "calendar", "import-holidays", "--db", dsn, bad)
			if code != 1 || !strings.Contains(errb, "60行目: 日付「2026/9/31」は存在しない日です。") || !strings.Contains(errb, "何も変更していません") {
				t.Errorf("bad file: %d %s", code, errb)
			}
			if d, _ := db.FindHolidayData(ctx); d.Days != 0 {
				t.Fatalf("bad file wrote %d days", d.Days)
			}
			if code, _, errb := cli(t, "calendar", "import-holidays", "--db", dsn); code != 2 || !strings.Contains(errb, "FILE") {
				t.Errorf("no file: %d %s", code, errb)
			}
			if code, _, errb := cli(t, "calendar", "import-holidays", "--db", dsn, filepath.Join(t.TempDir(), "none.csv")); code != 1 || !strings.Contains(errb, "開けません") {
				t.Errorf("missing file: %d %s", code, errb)
			}

			// The real format; the flag may follow the file.
			code, out, errb = cli(t, "calendar", "import-holidays", sample, "--db", dsn)
			if code != 0 || !strings.Contains(out, "2024–2026年の祝日・休日 58日分を取り込みました") || strings.Contains(out, "計算値と異なる") {
				t.Fatalf("import: %d %s %s", code, out, errb)
			}
			// A new edition moving 海の日 2026: reported, and used.
			moved := filepath.Join(t.TempDir(), "syukujitsu.csv")
			os.WriteFile(moved, []byte(strings.Replace(string(raw), "2026/7/20,", "2026/7/21,", 1)), 0o600)
			code, out, _ = cli(t, "calendar", "import-holidays", "--db", dsn, moved)
			if code != 0 || !strings.Contains(out, "2026-07-20\tファイル: —\t計算値: 海の日") || !strings.Contains(out, "2026-07-21\tファイル: 海の日\t計算値: —") {
				t.Errorf("moved: %d %s", code, out)
			}
			_, out, _ = cli(t, "calendar", "holidays", "--db", dsn, "--year", "2026")
			if !strings.Contains(out, "2026-07-21\t火\t海の日\n") || strings.Contains(out, "2026-07-20") {
				t.Errorf("2026 after import:\n%s", out)
			}
			// Both imports are audited in the instance chain, by the CLI.
			es, err := db.FindAuditEntries(ctx, 0, audit.Filter{Action: "calendar.holidays_import"})
			if err != nil || len(es) != 2 || es[0].ActorLabel != "cli" {
				t.Errorf("audit: %d %v", len(es), err)
			}
			if code, out, _ := cli(t, "audit", "verify", "--db", dsn); code != 0 || !strings.Contains(out, "OK") {
				t.Errorf("verify: %d %s", code, out)
			}
		})
	}
}

// TestCalendarHolidaysAll: without --weekdays every national holiday is
// listed with its weekday, those on a weekend included (2025: 2/23 天皇誕生日
// on a Sunday, whose 振替休日 is 2/24; 5/3 and 5/4 on a weekend; 11/23),
// as the Cabinet Office's syukujitsu.csv lists them.
func TestCalendarHolidaysAll(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("TELEWORK_DB", "")
	code, out, errb := cli(t, "calendar", "holidays", "--year", "2025")
	if code != 0 {
		t.Fatalf("exit %d %s", code, errb)
	}
	for _, line := range []string{"2025-01-01\t水\t元日\n", "2025-02-23\t日\t天皇誕生日\n", "2025-02-24\t月\t休日\n",
		"2025-05-03\t土\t憲法記念日\n", "2025-05-04\t日\tみどりの日\n", "2025-05-05\t月\tこどもの日\n", "2025-05-06\t火\t休日\n",
		"2025-11-23\t日\t勤労感謝の日\n", "2025-11-24\t月\t休日\n", "2025-12-31\t水\t年末年始\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("missing %q in\n%s", line, out)
		}
	}
	// Every national holiday of the computation is there.
	for _, h := range calendar.NationalHolidays(2025) {
		if !strings.Contains(out, h.Date.String()+"\t") {
			t.Errorf("missing %s %s", h.Date, h.Name)
		}
	}
}
