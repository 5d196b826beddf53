package bench

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// importStaffCount is the size of the roster imported (issue 5): a large
// designated city's whole staff in one file.
const importStaffCount = 50_000

// TestImportStaff50k reports, for `telework import staff` of a 50,000-row
// CP932 CSV into a tenant with an org chart and no staff, on SQLite and on
// PostgreSQL: the wall time and the peak RSS of the process (its getrusage
// maxrss), for a dry run and for the real import. Targets: < 5 s and
// < 300 MB. It only reports; run with TELEWORK_BENCH=1.
func TestImportStaff50k(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure the staff import")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "telework")
	if out, err := exec.Command("go", "build", "-trimpath", "-o", bin, "../cmd/telework").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	t.Logf("machine: %s, %d CPUs, %s", importCPUModel(), runtime.NumCPU(), runtime.Version())
	for _, eng := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(eng), func(t *testing.T) {
			dsn := storetest.DSN(t, eng)
			codes := importSeedUnits(t, dsn)
			file := filepath.Join(dir, string(eng)+"-staff.csv")
			size := importWriteCSV(t, file, codes, 0)
			t.Logf("%s: file %d rows, %.1f MB (CP932), %d units", eng, importStaffCount, float64(size)/1e6, len(codes))
			for _, dry := range []bool{true, false} {
				args := []string{"import", "staff", "--db", dsn, "--tenant", "import-bench"}
				label := "import"
				if dry {
					args, label = append(args, "--dry-run"), "dry run"
				}
				wall, rss, out := importRun(t, bin, append(args, file)...)
				t.Logf("%s %s: wall %.2f s, peak RSS %.0f MB — %s", eng, label, wall.Seconds(), float64(rss)/1024, importFirstLine(out))
			}
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var staff, entries int
			db.SQL.QueryRow(`SELECT COUNT(*) FROM staff`).Scan(&staff)
			db.SQL.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'staff.create'`).Scan(&entries)
			if staff != importStaffCount || entries != importStaffCount {
				t.Errorf("%d staff and %d staff.create audit entries, want %d each", staff, entries, importStaffCount)
			}
			// The same file again: every row unchanged.
			wall, rss, out := importRun(t, bin, "import", "staff", "--db", dsn, "--tenant", "import-bench", file)
			t.Logf("%s re-import (all unchanged): wall %.2f s, peak RSS %.0f MB — %s", eng, wall.Seconds(), float64(rss)/1024, importFirstLine(out))
			// April: one person in five moves to another 係 with a new title.
			april := filepath.Join(dir, string(eng)+"-april.csv")
			importWriteCSV(t, april, codes, 5)
			wall, rss, out = importRun(t, bin, "import", "staff", "--db", dsn, "--tenant", "import-bench", april)
			t.Logf("%s transfers (every 5th moves): wall %.2f s, peak RSS %.0f MB — %s", eng, wall.Seconds(), float64(rss)/1024, importFirstLine(out))
			// The year's end: a full roster without the last 2,000 people.
			b, err := os.ReadFile(april)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.SplitAfter(string(b), "\r\n")
			roster := filepath.Join(dir, string(eng)+"-roster.csv")
			if err := os.WriteFile(roster, []byte(strings.Join(lines[:len(lines)-1-2000], "")), 0o600); err != nil {
				t.Fatal(err)
			}
			wall, rss, out = importRun(t, bin, "import", "staff", "--db", dsn, "--tenant", "import-bench", "--full", "--confirm-retirements", "2000", roster)
			t.Logf("%s full roster (2,000 absent → retired): wall %.2f s, peak RSS %.0f MB — %s", eng, wall.Seconds(), float64(rss)/1024, importFirstLine(out))
			start := time.Now()
			if out, err := exec.Command(bin, "audit", "verify", "--db", dsn, "--tenant", "import-bench").CombinedOutput(); err != nil {
				t.Errorf("audit verify: %v\n%s", err, out)
			}
			t.Logf("%s audit verify of the chain: %.2f s", eng, time.Since(start).Seconds())
		})
	}
}

// importSeedUnits creates the tenant and the bench org chart (10 部, 60
// 課, 250 係) and returns the 係 codes.
func importSeedUnits(t *testing.T, dsn string) []string {
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	op := audit.Actor{Label: "bench"}
	tn := &org.Tenant{Slug: "import-bench", Name: "取込市", Kind: org.DesignatedCity, StaffSize: importStaffCount, GeneralAdminStaff: 30_000}
	if err := storetest.F(db).CreateTenant(ctx, op, tn, nil); err != nil {
		t.Fatal(err)
	}
	var teams []string
	unit := func(parent int64, code, name, level string) int64 {
		u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: level}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	for d, dc := range orgChart {
		dept := unit(0, fmt.Sprintf("%02d00", d+1), dc.dept, "部")
		for s, name := range dc.sections {
			sec := unit(dept, fmt.Sprintf("%02d%d0", d+1, s+1), name, "課")
			n := 4
			if d*6+s < 10 {
				n = 5
			}
			for k := range n {
				code := fmt.Sprintf("%02d%d%d", d+1, s+1, k+1)
				unit(sec, code, teamNames[k], "係")
				teams = append(teams, code)
			}
		}
	}
	return teams
}

// importWriteCSV writes the roster as a 人事 system would: Shift_JIS,
// Japanese headers, 和暦 dates. With moveEvery > 0, every moveEvery-th
// person is in the next 係 with a new title, effective on 1 October 2026
// (in the past: applied now; a future 発令日 would only be scheduled).
func importWriteCSV(t *testing.T, path string, teams []string, moveEvery int) int64 {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(japanese.ShiftJIS.NewEncoder().Writer(f))
	fmt.Fprint(w, "職員番号,氏名,ふりがな,メールアドレス,所属コード,役職,職層,所属長,任用区分,職種,在職区分,発令日\r\n")
	rng := rand.New(rand.NewPCG(50_000, 2026))
	posts := []struct{ title, rank, sup string }{{"主事", "主事・技師級", ""}, {"主任", "主任級", ""}, {"係長", "係長級", "○"}, {"課長補佐", "課長補佐級", ""}}
	employ := []string{"常勤", "常勤", "常勤", "常勤", "会計年度任用職員", "再任用"}
	jobs := []string{"一般行政", "一般行政", "一般行政", "技術", "保育士", "保健師", "現業", "福祉"}
	for i := range importStaffCount {
		sn, gn := surnames[rng.IntN(len(surnames))], givenNames[rng.IntN(len(givenNames))]
		p := posts[rng.IntN(len(posts))]
		team, eff := rng.IntN(len(teams)), "令和8年4月1日"
		if moveEvery > 0 && i%moveEvery == 0 {
			team, eff = (team+1)%len(teams), "令和8年10月1日"
			p.title = p.title + "(異動)"
		}
		fmt.Fprintf(w, "%06d,%s %s,%s %s,s%06d@city.example.lg.jp,%s,%s,%s,%s,%s,%s,在職,%s\r\n",
			i+1, sn.kanji, gn.kanji, sn.kana, gn.kana, i+1, teams[team], p.title, p.rank, p.sup,
			employ[rng.IntN(len(employ))], jobs[rng.IntN(len(jobs))], eff)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// importRun runs the binary and returns its wall time, its peak RSS in KiB
// and its stdout.
func importRun(t *testing.T, bin string, args ...string) (time.Duration, int64, string) {
	var out, errb strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %v\n%s\n%s", args, err, out.String(), importFirstLines(errb.String(), 20))
	}
	wall := time.Since(start)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	return wall, rss, out.String()
}

func importFirstLine(s string) string { return importFirstLines(s, 2) }

func importFirstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " / ")
}

func importCPUModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return runtime.GOARCH
}
