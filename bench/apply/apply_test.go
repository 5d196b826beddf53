// Package applybench measures the application lifecycle's hot paths (issue
// 11) on a 10,000-staff tenant with a year of history (about 300,000
// application days), on SQLite and PostgreSQL: one-day submissions against
// a bare INSERT handler, the approver's inbox of 200 pending days, and a
// bulk approval of 100 days. It only reports: run with TELEWORK_BENCH=1
// (see docs/benchmarks.md).
package applybench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
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
	staffTotal  = 10_000
	historyDays = 31 // per person over the past year: ~300,000 days
	clients     = 8
	runFor      = 5 * time.Second
)

var actor = audit.Actor{Label: "bench"}

type team struct {
	unit  int64
	head  int64 // 係長
	staff []int64
}

type world struct {
	db       *store.DB
	tenantID int64
	teams    []team
	cal      *calendar.Calendar
	today    calendar.Date
	srv      http.Handler
	svc      web.Services
}

func TestApplyNumbers(t *testing.T) {
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
			var days int
			if err := db.SQL.QueryRow(`SELECT COUNT(*) FROM application_days`).Scan(&days); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: seeded %d staff, %d application days of history in %s", eng, staffTotal, days, time.Since(start).Round(time.Millisecond))
			b := benchkit.BareHTTP(t, benchkit.DB{SQL: w.db.SQL, Postgres: w.db.Engine == store.Postgres}, w.tenantID, clients, runFor, http.StatusCreated)
			t.Logf("bare: %d in %v, CPU %v per request", b.N, runFor, b.CPU)
			bareRPS := b.RPS
			rps, p50, p99 := submissions(t, w)
			t.Logf("%s submissions: %.0f req/s (bare INSERT %.0f req/s): %.0f%% of bare; p50 %v, p99 %v",
				eng, rps, bareRPS, 100*rps/bareRPS, p50.Round(100*time.Microsecond), p99.Round(100*time.Microsecond))
			inbox(t, w, eng)
			bulk(t, w, eng)
		})
	}
}

// seed builds the tenant: 10 部 × 5 課 × 4 係, heads at each level, the rest
// in the 係; 松本市's policy (without eligibility limits) in force since a
// year ago; routing to the 係長; and a year of history.
func seed(t *testing.T, db *store.DB) *world {
	ctx := context.Background()
	svc := app.NewServices(db)
	w := &world{db: db, svc: svc, today: calendar.DateOf(time.Now())}
	tn := &org.Tenant{Slug: "bench-apply", Name: "申請ベンチ市", Kind: org.Municipality, StaffSize: staffTotal, GeneralAdminStaff: 8000}
	storetest.Must(t, storetest.F(db).CreateTenant(ctx, actor, tn, nil))
	w.tenantID = tn.ID
	eff := w.today.AddDays(-400)
	unit := func(parent int64, code, name, level string) int64 {
		u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: level}
		storetest.Must(t, svc.Org.CreateUnit(ctx, tn.ID, actor, u, eff))
		return u.ID
	}
	var list []*org.Staff
	no := 100000
	person := func(unitID int64, rank org.Rank, head bool) *org.Staff {
		no++
		s := &org.Staff{StaffNo: fmt.Sprint(no), Name: fmt.Sprintf("職員 %d", no), Kana: "しょくいん", UnitID: unitID,
			Rank: rank, IsSupervisor: head, Employment: org.Regular, JobType: "general", Title: "主事"}
		list = append(list, s)
		return s
	}
	type teamPlan struct {
		unit  int64
		head  *org.Staff
		staff []*org.Staff
	}
	var plans []*teamPlan
	for d := range 10 {
		dept := unit(0, fmt.Sprintf("%02d00", d+1), fmt.Sprintf("第%d部", d+1), "部")
		person(dept, org.RankExecutive, true)
		for s := range 5 {
			sect := unit(dept, fmt.Sprintf("%02d%d0", d+1, s+1), fmt.Sprintf("第%d課", s+1), "課")
			person(sect, org.RankManager, true)
			for k := range 4 {
				tm := unit(sect, fmt.Sprintf("%02d%d%d", d+1, s+1, k+1), fmt.Sprintf("第%d係", k+1), "係")
				plans = append(plans, &teamPlan{unit: tm, head: person(tm, org.RankChief, true)})
			}
		}
	}
	for i := 0; len(list) < staffTotal; i++ {
		p := plans[i%len(plans)]
		p.staff = append(p.staff, person(p.unit, org.RankStaff, false))
	}
	storetest.Must(t, svc.Org.CreateStaffMany(ctx, tn.ID, actor, list, eff))
	for _, p := range plans {
		tm := team{unit: p.unit, head: p.head.ID}
		for _, s := range p.staff {
			tm.staff = append(tm.staff, s.ID)
		}
		w.teams = append(w.teams, tm)
	}
	tp, _ := policy.TemplateByName("matsumoto")
	pol := tp.Policy
	pol.Eligibility = policy.Eligibility{}
	storetest.Must(t, db.InPolicyTx(ctx, func(tx policy.Tx) error {
		return tx.InsertPolicyVersion(ctx, tn.ID, actor, &policy.Version{Effective: eff, Policy: pol, Note: "bench"})
	}))
	set := apply.DefaultSettings()
	set.Approver = apply.ApproverTeam
	storetest.Must(t, svc.Apply.Configure(ctx, tn.ID, actor, set))
	cal, err := db.LoadCalendar(ctx, tn.ID, w.today.Year-2, w.today.Year+2)
	storetest.Must(t, err)
	w.cal = cal

	// A year of history: each person about 31 days in runs of 1–3
	// business days, most confirmed, some cancelled or rejected.
	rng := rand.New(rand.NewPCG(11, 2026))
	var past []calendar.Date
	for d := w.today.AddDays(-365); d.Before(w.today); d = d.AddDays(1) {
		if cal.IsBusinessDay(d) {
			past = append(past, d)
		}
	}
	var apps []*apply.Application
	now := time.Now()
	for _, tm := range w.teams {
		for _, sid := range tm.staff {
			got := 0
			for i := rng.IntN(8); i < len(past) && got < historyDays; i += 5 + rng.IntN(6) {
				n := min(1+rng.IntN(3), historyDays-got, len(past)-i)
				st := apply.Confirmed
				switch r := rng.IntN(100); {
				case r < 5:
					st = apply.Cancelled
				case r < 8:
					st = apply.Reported
				}
				a := &apply.Application{StaffID: sid, Decision: apply.Approved, Status: st, Mode: policy.Home,
					Place: policy.PlaceHome, TimeUnit: policy.FullDay, Plan: "定型業務", FirstApproverID: tm.head, Step: 1, Steps: 1,
					SubmittedAt: past[i].Time().Add(-72 * time.Hour), CreatedAt: now, UpdatedAt: now, Version: 4}
				for k := range n {
					a.Days = append(a.Days, apply.Day{Date: past[i+k], Status: st, ReportDue: past[i+k]})
				}
				apps = append(apps, a)
				got += n
			}
		}
	}
	storetest.Must(t, db.InsertApplicationHistory(ctx, tn.ID, apps))
	// PostgreSQL's autovacuum analyzes the new rows within a minute; SQLite
	// has none and the product never runs ANALYZE, so the SQLite file is
	// measured without statistics, as in production (until 2026-12-03 it
	// was analyzed here, which hid a plan that tripled a start report's
	// CPU in production: docs/benchmarks.md).
	if db.Engine == store.Postgres {
		_, _ = db.SQL.Exec(`ANALYZE`)
	}
	w.srv, err = web.New(svc, telemetry.NewLogger(io.Discard, slog.LevelError), telemetry.NewMetrics(nil), web.DefaultConfig())
	storetest.Must(t, err)
	return w
}

// session signs staffID in (an account is made for them) and returns the
// Cookie header value.
func (w *world) session(t *testing.T, staffID int64) string {
	t.Helper()
	ctx := context.Background()
	u := &auth.User{LoginID: fmt.Sprintf("u%d", staffID), PasswordHash: "x", StaffID: staffID}
	storetest.Must(t, storetest.F(w.db).CreateUser(ctx, w.tenantID, actor, u))
	token, hash := auth.NewSessionToken()
	storetest.Must(t, w.db.CreateSession(ctx, &auth.Session{TokenHash: hash, TenantID: w.tenantID, UserID: u.ID,
		ExpiresAt: time.Now().Add(2 * time.Hour)}))
	return "telework_session=" + token
}

// submissions: one-day applications through POST /api/v1/applications,
// signed in, each by its own person on a day they have not applied for.
func submissions(t *testing.T, w *world) (float64, time.Duration, time.Duration) {
	url := benchkit.Serve(t, w.srv) + "/api/v1/applications"
	var future []calendar.Date
	for d := w.cal.AddBusinessDays(w.today, 20); len(future) < 150; d = w.cal.NextBusinessDay(d) {
		future = append(future, d)
	}
	// Each client applies for the people of its own teams in turn.
	type who struct {
		cookie string
		next   int
	}
	people := make([][]*who, clients)
	for i, tm := range w.teams[:80] {
		for _, sid := range tm.staff[:10] {
			people[i%clients] = append(people[i%clients], &who{cookie: w.session(t, sid)})
		}
	}
	// Warm-up.
	for c := range clients {
		p := people[c][0]
		code, body, err := client.Do("POST", url, []byte(fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, future[p.next])), "Cookie", p.cookie)
		p.next++
		if err != nil || code != http.StatusCreated {
			t.Fatalf("warm-up: %d %v %s", code, err, body)
		}
	}
	cpu0 := benchkit.CPUTime()
	stop := benchkit.Profile(t, string(w.db.Engine))
	defer stop()
	stats := benchkit.PGStatements(t, w.db.SQL, w.db.Engine == store.Postgres)
	var turn [clients]int
	rps, lat := benchkit.Load(clients, runFor, -1, func(c, _ int) bool {
		p := people[c][turn[c]%len(people[c])]
		turn[c]++
		d := future[p.next%len(future)]
		p.next++
		code, body, err := client.Do("POST", url, []byte(fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, d)), "Cookie", p.cookie)
		if err != nil || code != http.StatusCreated {
			t.Errorf("client %d: %d %v %s", c, code, err, body)
			return false
		}
		return true
	})
	t.Logf("submissions: %d in %v, CPU %v per request", len(lat), runFor, (benchkit.CPUTime()-cpu0)/time.Duration(max(len(lat), 1)))
	stats(len(lat))
	return rps, benchkit.Percentile(lat, 50), benchkit.Percentile(lat, 99)
}

// pending gives the 係長 of team i n submitted one-day applications of
// their people, on business days from a week ahead.
func pending(t *testing.T, w *world, i, n int) []int64 {
	tm := w.teams[i]
	now := time.Now()
	var apps []*apply.Application
	d := w.cal.AddBusinessDays(w.today, 5)
	for k := 0; len(apps) < n; k++ {
		sid := tm.staff[k%len(tm.staff)]
		if k > 0 && k%len(tm.staff) == 0 {
			d = w.cal.NextBusinessDay(d)
		}
		apps = append(apps, &apply.Application{StaffID: sid, Decision: apply.Submitted, Status: apply.Submitted,
			Mode: policy.Home, Place: policy.PlaceHome, TimeUnit: policy.FullDay, Plan: "資料作成", ApproverID: tm.head,
			FirstApproverID: tm.head, Step: 1, Steps: 1, SubmittedAt: now, CreatedAt: now, UpdatedAt: now,
			Days: []apply.Day{{Date: d, Status: apply.Submitted}}})
	}
	storetest.Must(t, w.db.InsertApplicationHistory(context.Background(), w.tenantID, apps))
	var ids []int64
	for _, a := range apps {
		ids = append(ids, a.ID)
	}
	return ids
}

func inbox(t *testing.T, w *world, eng store.Engine) {
	pending(t, w, 100, 200)
	cookie := w.session(t, w.teams[100].head)
	url := benchkit.Serve(t, w.srv) + "/api/v1/approvals?limit=200"
	var lat []time.Duration
	for i := range 220 {
		t0 := time.Now()
		code, out, err := client.Do("GET", url, nil, "Cookie", cookie)
		var pg struct {
			Items []json.RawMessage `json:"items"`
		}
		if err == nil {
			err = json.Unmarshal(out, &pg)
		}
		if err != nil || code != 200 || len(pg.Items) != 200 {
			t.Fatalf("inbox: %d %v %d items", code, err, len(pg.Items))
		}
		if i >= 20 {
			lat = append(lat, time.Since(t0))
		}
	}
	t.Logf("%s inbox of 200 pending days (GET /api/v1/approvals?limit=200): p50 %v, p95 %v", eng,
		benchkit.Percentile(lat, 50).Round(100*time.Microsecond), benchkit.Percentile(lat, 95).Round(100*time.Microsecond))
}

func bulk(t *testing.T, w *world, eng store.Engine) {
	url := benchkit.Serve(t, w.srv) + "/api/v1/approvals"
	for round := range 3 {
		ids := pending(t, w, 110+round, 100)
		cookie := w.session(t, w.teams[110+round].head)
		body, _ := json.Marshal(map[string]any{"ids": ids, "action": "approve"})
		t0 := time.Now()
		code, out, err := client.Do("POST", url, body, "Cookie", cookie)
		el := time.Since(t0)
		var res struct {
			Done   []json.RawMessage `json:"done"`
			Failed []json.RawMessage `json:"failed"`
		}
		if err != nil || code != 200 || json.Unmarshal(out, &res) != nil || len(res.Done) != 100 {
			t.Fatalf("bulk: %d %v %.300s", code, err, out)
		}
		t.Logf("%s bulk approval of 100 days, rules re-checked (round %d): %v", eng, round+1, el.Round(time.Millisecond))
	}
}
