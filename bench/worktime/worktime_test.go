// Package worktimebench measures the morning rush of start reports (issue
// 12) on a 10,000-staff tenant against a bare one-INSERT handler in the
// same run, and the 50-person team board, on SQLite and PostgreSQL. It
// only reports: run with TELEWORK_BENCH=1 (see docs/benchmarks.md).
package worktimebench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"telework/bench/benchkit"
	"telework/internal/app"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

var client = benchkit.NewClient(clients)

const (
	staffTotal = 10_000
	clients    = 8
	runFor     = 5 * time.Second
)

var actor = audit.Actor{Label: "bench"}

type world struct {
	db       *store.DB
	tenantID int64
	staff    []int64
	tokens   []string
	boardTok string
	unit50   int64
	srv      http.Handler
	svc      web.Services
	next     int // the first token not used yet
}

func TestWorktimeNumbers(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure")
	}
	for _, eng := range []store.Engine{store.SQLite, store.Postgres} {
		if only := os.Getenv("TELEWORK_BENCH_ENGINE"); only != "" && only != string(eng) {
			continue
		}
		t.Run(string(eng), func(t *testing.T) {
			db := storetest.Open(t, eng)
			start := time.Now()
			w := seed(t, db)
			t.Logf("%s: seeded %d staff with tokens in %s", eng, staffTotal, time.Since(start).Round(time.Millisecond))
			b := benchkit.BareHTTP(t, benchkit.DB{SQL: w.db.SQL, Postgres: w.db.Engine == store.Postgres}, w.tenantID, clients, runFor, http.StatusOK)
			bareRPS, bareP99 := b.RPS, b.P99
			t.Logf("bare: %d in %v, CPU %v per request", b.N, runFor, b.CPU)
			rps, p50, p99, n := rush(t, w)
			t.Logf("%s start reports: %.0f req/s (bare INSERT %.0f req/s, p99 %v): %.0f%% of bare; p50 %v, p99 %v; %d starts",
				eng, rps, bareRPS, bareP99.Round(100*time.Microsecond), 100*rps/bareRPS, p50.Round(100*time.Microsecond), p99.Round(100*time.Microsecond), n)
			board(t, w, eng)
		})
	}
}

// seed: 10 部 × 5 課 × 4 係 with about 50 people in each 係, a token for
// everyone, 松本市's policy, and an approved application for today for
// every other person (the rest are flagged).
func seed(t *testing.T, db *store.DB) *world {
	ctx := context.Background()
	// The rush happens at 8:30 in the morning, whatever the hour of the run.
	db.Now = benchkit.Morning("08:30")
	svc := app.NewServices(db)
	today := calendar.DateOf(db.Now())
	w := &world{db: db, svc: svc}
	tn := &org.Tenant{Slug: "bench-worktime", Name: "勤務ベンチ市", Kind: org.Municipality, StaffSize: staffTotal, GeneralAdminStaff: 8000}
	storetest.Must(t, storetest.F(db).CreateTenant(ctx, actor, tn, nil))
	w.tenantID = tn.ID
	eff := today.AddDays(-30)
	var teams []int64
	var list []*org.Staff
	no := 100000
	person := func(unitID int64, rank org.Rank, head bool) {
		no++
		list = append(list, &org.Staff{StaffNo: fmt.Sprint(no), Name: fmt.Sprintf("職員 %d", no), Kana: "しょくいん", UnitID: unitID,
			Rank: rank, IsSupervisor: head, Employment: org.Regular, JobType: "general", Title: "主事"})
	}
	unit := func(parent int64, code, name, level string) int64 {
		u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: level}
		storetest.Must(t, svc.Org.CreateUnit(ctx, tn.ID, actor, u, eff))
		return u.ID
	}
	for d := range 10 {
		dept := unit(0, fmt.Sprintf("%02d00", d+1), fmt.Sprintf("第%d部", d+1), "部")
		person(dept, org.RankExecutive, true)
		for s := range 5 {
			sect := unit(dept, fmt.Sprintf("%02d%d0", d+1, s+1), fmt.Sprintf("第%d課", s+1), "課")
			person(sect, org.RankManager, true)
			for k := range 4 {
				tm := unit(sect, fmt.Sprintf("%02d%d%d", d+1, s+1, k+1), fmt.Sprintf("第%d係", k+1), "係")
				teams = append(teams, tm)
				person(tm, org.RankChief, true)
			}
		}
	}
	for i := 0; len(list) < staffTotal; i++ {
		person(teams[i%len(teams)], org.RankStaff, false)
	}
	storetest.Must(t, svc.Org.CreateStaffMany(ctx, tn.ID, actor, list, eff))
	w.unit50 = teams[0]
	tp, _ := policy.TemplateByName("matsumoto")
	pol := tp.Policy
	pol.Eligibility = policy.Eligibility{}
	storetest.Must(t, db.InPolicyTx(ctx, func(tx policy.Tx) error {
		return tx.InsertPolicyVersion(ctx, tn.ID, actor, &policy.Version{Effective: eff, Policy: pol, Note: "bench"})
	}))
	var apps []*apply.Application
	now := db.Now()
	for i, s := range list {
		w.staff = append(w.staff, s.ID)
		if i%2 == 0 {
			apps = append(apps, &apply.Application{StaffID: s.ID, Decision: apply.Approved, Status: apply.Approved, Mode: policy.Home,
				Place: policy.PlaceHome, TimeUnit: policy.FullDay, Plan: "定型業務", FirstApproverID: s.ID, Step: 1, Steps: 1,
				SubmittedAt: now.Add(-72 * time.Hour), CreatedAt: now, UpdatedAt: now, Version: 2,
				Days: []apply.Day{{Date: today, Status: apply.Approved, ReportDue: today}}})
		}
	}
	storetest.Must(t, db.InsertApplicationHistory(ctx, tn.ID, apps))
	// An account and a token for everyone (the rush signs in with them).
	for _, s := range list {
		u := &auth.User{LoginID: "u" + s.StaffNo, PasswordHash: "x", StaffID: s.ID}
		storetest.Must(t, storetest.F(db).CreateUser(ctx, tn.ID, actor, u))
		_, secret, err := svc.Auth.IssueToken(ctx, actor, tn.ID, u.ID, auth.NewToken{Name: "bench", Days: 30})
		storetest.Must(t, err)
		w.tokens = append(w.tokens, secret)
		if s.UnitID == w.unit50 && w.boardTok == "" && !s.IsSupervisor {
			w.boardTok = secret
		}
	}
	// SQLite without statistics, as in production (see bench/apply).
	if db.Engine == store.Postgres {
		_, _ = db.SQL.Exec(`ANALYZE`)
	}
	var err error
	w.srv, err = web.New(svc, telemetry.NewLogger(io.Discard, slog.LevelError), telemetry.NewMetrics(nil), web.DefaultConfig())
	storetest.Must(t, err)
	return w
}

// rush: each request is a different person's start report through
// POST /api/v1/worktime/start with their own token.
func rush(t *testing.T, w *world) (float64, time.Duration, time.Duration, int) {
	url := benchkit.Serve(t, w.srv) + "/api/v1/worktime/start"
	body := []byte(`{"plan":"窓口の準備と資料作成"}`)
	first := w.next
	cpu0 := benchkit.CPUTime()
	stop := benchkit.Profile(t, "worktime-"+string(w.db.Engine))
	stats := benchkit.PGStatements(t, w.db.SQL, w.db.Engine == store.Postgres)
	rps, lat := benchkit.Load(clients, runFor, int64(len(w.tokens)-first), func(c, k int) bool {
		code, b, err := client.Do("POST", url, body, "Authorization", "Bearer "+w.tokens[first+k])
		if err != nil || code != http.StatusOK {
			t.Errorf("client %d start %d: %d %v %s", c, k, code, err, b)
			return false
		}
		return true
	})
	stop()
	n := len(lat)
	stats(n)
	t.Logf("start reports: %d, CPU %v per request", n, (benchkit.CPUTime()-cpu0)/time.Duration(max(n, 1)))
	w.next = first + n + clients
	return rps, benchkit.Percentile(lat, 50), benchkit.Percentile(lat, 99), n
}

// board: GET /api/v1/board of a 係 of about 50 people, after the rush (so
// the board has days, plans and presence to show).
func board(t *testing.T, w *world, eng store.Engine) {
	url := fmt.Sprintf("%s/api/v1/board?unit_id=%d", benchkit.Serve(t, w.srv), w.unit50)
	code, b, err := client.Do("GET", url, nil, "Authorization", "Bearer "+w.boardTok)
	if err != nil || code != http.StatusOK {
		t.Fatalf("board: %d %v %s", code, err, b)
	}
	var page struct {
		Total int `json:"total"`
	}
	_ = json.Unmarshal(b, &page)
	var lat []time.Duration
	for range 300 {
		t0 := time.Now()
		code, _, err := client.Do("GET", url, nil, "Authorization", "Bearer "+w.boardTok)
		if err != nil || code != http.StatusOK {
			t.Fatalf("board: %d %v", code, err)
		}
		lat = append(lat, time.Since(t0))
	}
	t.Logf("%s board of %d people: p50 %v, p95 %v", eng, page.Total, benchkit.Percentile(lat, 50).Round(10*time.Microsecond), benchkit.Percentile(lat, 95).Round(10*time.Microsecond))
}
