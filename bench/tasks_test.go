package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"telework/bench/benchkit"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// The task inventory's numbers (issue 13): rating a 20,000-task tenant for
// every mode and every candidate improvement (< 1 s), a section summary
// (< 50 ms p95) and the tenant-wide improvement ranking (< 2 s). Report
// only; run with TELEWORK_BENCH=1.

const (
	benchTasks    = 20_000
	benchSections = 200 // 100 tasks a section
)

// benchCatalogue is a municipality's catalogue: the common systems with
// routes that vary, and five places of every kind of network.
func benchCatalogue() ([]tasks.System, []tasks.Place) {
	var sys []tasks.System
	for i, c := range tasks.CommonSystems {
		var routes []tasks.Route
		if i%2 == 0 {
			routes = append(routes, tasks.RouteHome)
		}
		if i%3 == 0 {
			routes = append(routes, tasks.RouteSatellite)
		}
		if i%4 == 0 {
			routes = append(routes, tasks.RouteMobile)
		}
		sys = append(sys, tasks.System{ID: fmt.Sprint("s", i), Name: c.Name, Segment: c.Segment, DataClasses: c.DataClasses, Routes: routes})
	}
	places := []tasks.Place{
		{ID: "p1", Name: "本庁舎会議室", Kind: tasks.OfficeBuilding, Network: tasks.OfficeLAN, PhysicalSecurity: true},
		{ID: "p2", Name: "四賀支所", Kind: tasks.Branch, Network: tasks.OfficeLAN, PhysicalSecurity: true},
		{ID: "p3", Name: "中央公民館", Kind: tasks.Community, Network: tasks.InternetOnly},
		{ID: "p4", Name: "中央図書館", Kind: tasks.Library, Network: tasks.InternetOnly},
		{ID: "p5", Name: "駅前シェアオフィス", Kind: tasks.PrivateShare, Network: tasks.InternetOnly},
	}
	return sys, places
}

// benchTask is task i of a mixed sheet: 0–3 systems, paper, phone,
// counter work and equipment in the proportions of a real section.
func benchTask(r *rand.Rand, i int, nsys int) tasks.Task {
	t := tasks.Task{ID: fmt.Sprint(i), Name: fmt.Sprint("業務", i), Hours: float64(10 + r.IntN(500))}
	for range r.IntN(4) {
		t.Systems = append(t.Systems, fmt.Sprint("s", r.IntN(nsys)))
	}
	switch r.IntN(10) {
	case 0, 1:
		t.Paper = tasks.PaperDigitisable
	case 2:
		t.Paper = tasks.PaperResidents
	default:
		t.Paper = tasks.PaperNone
	}
	t.Phone = r.IntN(3) == 0
	t.FaceToFace = r.IntN(8) == 0
	t.SpecialEquipment = r.IntN(50) == 0
	return t
}

// Wall time on a machine shared with other work measures the neighbours
// too; CPU time (benchkit.CPUTime) much less so. Both are reported.

// timed runs f and returns its wall and CPU time.
func timed(f func()) (wall, cpu time.Duration) {
	c0, t0 := benchkit.CPUTime(), time.Now()
	f()
	return time.Since(t0), benchkit.CPUTime() - c0
}

// bestOf runs f n times and returns the least wall and CPU times.
func bestOf(n int, f func()) (wall, cpu time.Duration) {
	for range n {
		w, c := timed(f)
		if wall == 0 || w < wall {
			wall = w
		}
		if cpu == 0 || c < cpu {
			cpu = c
		}
	}
	return wall, cpu
}

// spread is the percentiles of ds after sorting it.
func spread(ds []time.Duration) string {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return fmt.Sprintf("p50=%v p95=%v max=%v", percentile(ds, 0.50), percentile(ds, 0.95), ds[len(ds)-1])
}

func TestTasksRatingNumbers(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure")
	}
	sys, places := benchCatalogue()
	r := rand.New(rand.NewPCG(13, 13))
	in := tasks.Input{Tenant: tasks.Tenant{MyNumberAtBranchOffice: true}, Systems: sys, Places: places}
	for i := range benchTasks {
		in.Tasks = append(in.Tasks, benchTask(r, i, len(sys)))
	}
	// Rating every task at home, mobile and the five places, each result
	// with every candidate improvement rated too.
	var rated []tasks.Rated
	wall, cpu := bestOf(5, func() { rated = tasks.RateAll(&in) })
	imps := 0
	for _, rt := range rated {
		for _, res := range rt.Results {
			imps += len(res.Improvements)
		}
	}
	t.Logf("rate %d tasks × %d targets (%d improvements rated): best of 5 wall %v, CPU %v", len(rated), len(rated[0].Results), imps, wall, cpu)

	e := tasks.NewEngine(in.Tenant, sys, places)
	sts := make([]tasks.SectionTask, len(in.Tasks))
	for i := range in.Tasks {
		sts[i] = tasks.SectionTask{Section: int64(i % benchSections), Task: &in.Tasks[i]}
	}
	var rk []tasks.Ranked
	wall, cpu = bestOf(5, func() { rk = e.Rank(sts) })
	t.Logf("ranking over %d tasks: %d improvements, best of 5 wall %v, CPU %v (pure; the service adds the reads, below)", len(sts), len(rk), wall, cpu)
}

// TestTasksServiceNumbers measures, on each engine, the section summary
// (reads of one sheet and the catalogue, rating, summary) and the ranking
// over a stored 20,000-task tenant.
func TestTasksServiceNumbers(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tn := &org.Tenant{Slug: "bench-tasks", Name: "棚卸市", Kind: org.Municipality, StaffSize: 3000, GeneralAdminStaff: 2000}
		op := audit.Actor{Label: "op"}
		if err := storetest.F(db).CreateTenant(ctx, op, tn, nil); err != nil {
			t.Fatal(err)
		}
		svc := tasks.NewService(db, db.Now)
		it := &auth.Principal{TenantID: tn.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
		sys, places := benchCatalogue()
		sysID := map[string]int64{}
		for _, s := range sys {
			x := &tasks.InfoSystem{Name: s.Name, Segment: s.Segment, DataClasses: s.DataClasses, Routes: s.Routes}
			if err := svc.SaveSystem(ctx, tn.ID, it, x); err != nil {
				t.Fatal(err)
			}
			sysID[s.ID] = x.ID
		}
		for _, p := range places {
			if err := svc.SavePlace(ctx, tn.ID, it, &tasks.WorkPlace{Name: p.Name, Kind: p.Kind, Network: p.Network, PhysicalSecurity: p.PhysicalSecurity}); err != nil {
				t.Fatal(err)
			}
		}
		var units []int64
		for i := range benchSections {
			u := &org.Unit{Code: fmt.Sprint(1000 + i), Name: fmt.Sprint("課", i), Level: "課"}
			if err := storetest.F(db).CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
				t.Fatal(err)
			}
			units = append(units, u.ID)
		}
		r := rand.New(rand.NewPCG(13, 13))
		t0 := time.Now()
		// Seeding writes the rows directly (one transaction per section):
		// what is measured is the reading and rating.
		for s, unit := range units {
			err := db.InTasksTx(ctx, func(tx tasks.Tx) error {
				for i := range benchTasks / benchSections {
					et := benchTask(r, s*1000+i, len(sys))
					st := &tasks.SheetTask{UnitID: unit, Name: et.Name, Paper: et.Paper, Phone: et.Phone, FaceToFace: et.FaceToFace,
						SpecialEquipment: et.SpecialEquipment, HoursPerYear: int64(et.Hours), Status: tasks.Approved}
					for _, id := range et.Systems {
						st.SystemIDs = append(st.SystemIDs, sysID[id])
					}
					if err := st.Validate(); err != nil {
						return err
					}
					if err := tx.InsertSheetTask(ctx, tn.ID, st, db.Now()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("%s: seeded %d tasks in %v", db.Engine, benchTasks, time.Since(t0))

		var ds, cs []time.Duration
		for i := range 200 {
			var sr *tasks.SheetRating
			var err error
			w, c := timed(func() { sr, err = svc.RateSheet(ctx, tn.ID, it, units[i%len(units)]) })
			ds, cs = append(ds, w), append(cs, c)
			if err != nil || len(sr.Rated) != benchTasks/benchSections {
				t.Fatalf("rate sheet: %v", err)
			}
		}
		t.Logf("%s: section summary (100 tasks: reads, rating, summary) n=%d wall %s; CPU %s", db.Engine, len(ds), spread(ds), spread(cs))

		// The same summary as the page the 所属長 opens: the whole handler
		// (session, rating, template with the chart and tables).
		srv, err := web.New(app.NewServices(db), telemetry.NewLogger(io.Discard, slog.LevelError), telemetry.NewMetrics(nil), web.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		u := &auth.User{LoginID: "bench-tasks", PasswordHash: "x", Granted: []auth.Role{auth.HRAdmin}}
		if err := storetest.F(db).CreateUser(ctx, tn.ID, op, u); err != nil {
			t.Fatal(err)
		}
		token, hash := auth.NewSessionToken()
		if err := db.CreateSession(ctx, &auth.Session{TokenHash: hash, TenantID: tn.ID, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		ds, cs = ds[:0], cs[:0]
		for i := range 200 {
			req := httptest.NewRequest("GET", fmt.Sprintf("/tasks?unit_id=%d", units[i%len(units)]), nil)
			req.AddCookie(&http.Cookie{Name: "telework_session", Value: token})
			rec := httptest.NewRecorder()
			w, c := timed(func() { srv.ServeHTTP(rec, req) })
			ds, cs = append(ds, w), append(cs, c)
			if rec.Code != http.StatusOK {
				t.Fatalf("page: %d", rec.Code)
			}
		}
		t.Logf("%s: section summary page GET /tasks (100 tasks, whole handler) n=%d wall %s; CPU %s", db.Engine, len(ds), spread(ds), spread(cs))

		if db.Engine == store.SQLite {
			// The stateless what-if API with 20,000 tasks: decoding,
			// validation, rating, the reasons in Japanese, JSON.
			body := map[string]any{"tenant": map[string]any{"mynumber_at_branch_office": true}, "systems": sys, "places": places}
			var ts []tasks.Task
			r := rand.New(rand.NewPCG(7, 7))
			for i := range benchTasks {
				ts = append(ts, benchTask(r, i, len(sys)))
			}
			body["tasks"] = ts
			data, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			size := 0
			wall, cpu := bestOf(3, func() {
				req := httptest.NewRequest("POST", "/api/v1/feasibility/rate", bytes.NewReader(data))
				req.Header.Set("Content-Type", "application/json")
				req.AddCookie(&http.Cookie{Name: "telework_session", Value: token})
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					t.Fatalf("rate: %d", rec.Code)
				}
				size = rec.Body.Len()
			})
			t.Logf("POST /api/v1/feasibility/rate with %d tasks (%d KB in, %d KB out): best of 3 wall %v, CPU %v", benchTasks, len(data)>>10, size>>10, wall, cpu)
		}

		wall, cpu := bestOf(3, func() {
			rk, _, err := svc.Ranking(ctx, tn.ID, it)
			if err != nil || len(rk) == 0 {
				t.Fatalf("ranking: %v", err)
			}
		})
		t.Logf("%s: improvement ranking over %d stored tasks (reads + rating): best of 3 wall %v, CPU %v", db.Engine, benchTasks, wall, cpu)
	})
}
