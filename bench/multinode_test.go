package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	"telework/internal/demo"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/testnodes"
)

// TestMultiNodeThroughput measures a fixed signed-in read load (the staff
// search 「さとう」 and the organisation tree, alternately) against one node
// directly, nginx with one upstream, and nginx with two upstreams, all on
// one PostgreSQL database, and reports requests/s, latency percentiles and
// the CPU each process used, so that the bottleneck can be named. It only
// reports; run with TELEWORK_BENCH=1 (docs/benchmarks.md,
// 「2ノード構成のスループット」). TELEWORK_BENCH_CLIENTS,
// TELEWORK_BENCH_REQUESTS and TELEWORK_BENCH_ROUNDS change the load.
func TestMultiNodeThroughput(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure multi-node throughput")
	}
	nginx := testnodes.RequireNginx(t)
	clients := multinodeEnvInt("TELEWORK_BENCH_CLIENTS", 16)
	total := multinodeEnvInt("TELEWORK_BENCH_REQUESTS", 4000)
	rounds := multinodeEnvInt("TELEWORK_BENCH_ROUNDS", 3)
	const limit = 60 * time.Second // per scenario, whatever the count

	dsn := storetest.DSN(t, store.Postgres)
	bin := testnodes.Build(t)
	n1 := testnodes.StartNode(t, bin, "node1", dsn, "--demo")
	n2 := testnodes.StartNode(t, bin, "node2", dsn, "--demo")
	testnodes.WaitReady(t, 60*time.Second, n1, n2)
	ng1 := testnodes.StartNginx(t, nginx, []string{n1.Addr}, testnodes.NginxOptions{})
	ng2 := testnodes.StartNginx(t, nginx, []string{n1.Addr, n2.Addr}, testnodes.NginxOptions{})
	ngk := testnodes.StartNginx(t, nginx, []string{n1.Addr, n2.Addr}, testnodes.NginxOptions{Keepalive: 32})
	cookie := testnodes.Login(t, n1.URL(), demo.Slug, "hr", demo.Password)

	scenarios := []struct{ name, base string }{
		{"node1 direct", n1.URL()},
		{"nginx → node1", ng1.URL()},
		{"nginx → node1+node2", ng2.URL()},
		{"nginx keepalive → node1+node2", ngk.URL()},
	}
	var nginxPIDs []int
	for _, ng := range []*testnodes.Nginx{ng1, ng2, ngk} {
		nginxPIDs = append(nginxPIDs, ng.PIDs()...)
	}
	// PostgreSQL: the server (postmaster) behind the DSN and all its
	// processes. On a shared server that includes other users' work, so
	// measure on a server of its own (./scripts/test starts one).
	postmaster := multinodePostmaster(t, dsn)
	groups := func() map[string][]int {
		g := map[string][]int{"node1": {n1.PID()}, "node2": {n2.PID()}, "nginx": nginxPIDs, "loadgen": {os.Getpid()}}
		if postmaster > 0 {
			g["postgres"] = append([]int{postmaster}, testnodes.Children(postmaster)...)
		}
		return g
	}
	cols := []string{"node1", "node2", "nginx", "postgres", "loadgen"}

	var report strings.Builder
	tw := tabwriter.NewWriter(&report, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "round\tscenario\treq/s\tp50 ms\tp95 ms\tp99 ms\t%s\tother CPU\tmachine busy\tapp CPU ms/req\tpg CPU ms/req\tDB conns reopened\t\n",
		strings.Join(cols, " CPU\t")+" CPU")
	// Connections the pools closed because more than MaxIdleConns were
	// idle at once: each is reopened (a new backend) later.
	churn := func() float64 {
		return testnodes.Metric(n1.URL(), "go_sql_max_idle_closed_total") + testnodes.Metric(n2.URL(), "go_sql_max_idle_closed_total")
	}
	rates := map[string][]float64{}
	for round := 1; round <= rounds; round++ {
		// Scenarios interleave, so that a burst of other work on the
		// machine does not fall on one scenario only.
		for _, sc := range scenarios {
			// Warm-up: connections, PostgreSQL's caches, the Go heap.
			multinodeLoad(sc.base, cookie, clients, min(total/10, 400), limit)
			churnBefore := churn()
			before, mBefore := multinodeCPU(groups()), multinodeMachine()
			r := multinodeLoad(sc.base, cookie, clients, total, limit)
			after, mAfter := multinodeCPU(groups()), multinodeMachine()
			churnAfter := churn()
			if r.errs > 0 {
				t.Errorf("%s: %d of %d requests failed (first: %s)", sc.name, r.errs, r.n, r.firstErr)
			}
			if r.n < total {
				t.Logf("%s: stopped after %d of %d requests (%s limit)", sc.name, r.n, total, limit)
			}
			lat := testnodes.SortDurations(r.lat)
			rate := float64(len(lat)) / r.wall.Seconds()
			rates[sc.name] = append(rates[sc.name], rate)
			fmt.Fprintf(tw, "%d\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t", round, sc.name, rate,
				multinodeMS(testnodes.Percentile(lat, 50)), multinodeMS(testnodes.Percentile(lat, 95)),
				multinodeMS(testnodes.Percentile(lat, 99)))
			// CPU in cores: 1.00 = one core busy for the whole run.
			ours := 0.0
			cpu := map[string]time.Duration{}
			for _, c := range cols {
				cpu[c] = multinodeDelta(before[c], after[c])
				cores := cpu[c].Seconds() / r.wall.Seconds()
				ours += cores
				fmt.Fprintf(tw, "%.2f\t", cores)
			}
			busy, all := mAfter[0]-mBefore[0], mAfter[1]-mBefore[1]
			share := float64(busy) / float64(max(all, 1))
			perReq := func(d time.Duration) float64 { return multinodeMS(d) / float64(max(len(lat), 1)) }
			// other: everything else on the machine (the kernel's softirq
			// work for loopback traffic, and any other program running).
			fmt.Fprintf(tw, "%.2f\t%.0f%%\t%.2f\t%.2f\t%.0f\t\n", share*float64(runtime.NumCPU())-ours, 100*share,
				perReq(cpu["node1"]+cpu["node2"]), perReq(cpu["postgres"]), churnAfter-churnBefore)
		}
	}
	tw.Flush()
	var summary strings.Builder
	for _, sc := range scenarios {
		r := rates[sc.name]
		sort.Float64s(r)
		fmt.Fprintf(&summary, "  %-32s median %4.0f req/s (min %.0f, max %.0f)\n", sc.name, r[len(r)/2], r[0], r[len(r)-1])
	}
	t.Logf("%d CPUs (GOMAXPROCS %d), %d clients, %d requests per scenario and round (GET /staff?q=さとう and GET /units alternately, signed in as hr)\n%s\n%s",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), clients, total, report.String(), summary.String())
}

// multinodePostmaster finds the PostgreSQL server process from a backend's
// parent, or returns 0 when it is not visible (another host or container).
func multinodePostmaster(t *testing.T, dsn string) int {
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var backend int
	if err := db.SQL.QueryRow(`SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		t.Fatal(err)
	}
	pm, err := testnodes.ParentPID(backend)
	if err != nil {
		t.Logf("PostgreSQL's processes are not visible here (%v): no CPU figure for it", err)
		return 0
	}
	if others, _ := os.ReadFile("/proc/" + strconv.Itoa(pm) + "/cmdline"); len(others) > 0 {
		t.Logf("PostgreSQL server: pid %d (%s)", pm, strings.ReplaceAll(strings.TrimRight(string(others), "\x00"), "\x00", " "))
	}
	return pm
}

type multinodeResult struct {
	n, errs  int
	firstErr string
	wall     time.Duration
	lat      []time.Duration
}

// multinodeLoad sends total requests (or as many as fit in limit) from
// clients concurrent keep-alive connections and records each latency.
func multinodeLoad(base string, cookie *http.Cookie, clients, total int, limit time.Duration) multinodeResult {
	tr := &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients, IdleConnTimeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	paths := []string{"/staff?q=" + url.QueryEscape("さとう"), "/units"}
	var next atomic.Int64
	var mu sync.Mutex
	var res multinodeResult
	deadline := time.Now().Add(limit)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			var lat []time.Duration
			errs, firstErr := 0, ""
			for {
				i := next.Add(1) - 1
				if i >= int64(total) || time.Now().After(deadline) {
					break
				}
				req, _ := http.NewRequest("GET", base+paths[i%2], nil)
				req.AddCookie(cookie)
				t0 := time.Now()
				resp, err := c.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("%s: status %d", paths[i%2], resp.StatusCode)
					}
				}
				if err != nil {
					if errs++; firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.errs += errs
			if res.firstErr == "" {
				res.firstErr = firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.wall = time.Since(start)
	res.n = len(res.lat) + res.errs
	return res
}

// multinodeCPU reads the CPU time of every process of each group, per PID,
// so that a PostgreSQL backend that appears during the run counts from 0.
func multinodeCPU(groups map[string][]int) map[string]map[int]time.Duration {
	out := map[string]map[int]time.Duration{}
	for g, pids := range groups {
		out[g] = map[int]time.Duration{}
		for _, pid := range pids {
			// With the children already reaped: PostgreSQL backends that
			// ended during the run still count.
			if d, err := testnodes.CPUTimeWithChildren(pid); err == nil {
				out[g][pid] = d
			}
		}
	}
	return out
}

func multinodeDelta(before, after map[int]time.Duration) time.Duration {
	var d time.Duration
	for pid, a := range after {
		d += a - before[pid]
	}
	return d
}

// multinodeMachine returns the busy and total jiffies of all CPUs from
// /proc/stat.
func multinodeMachine() [2]uint64 {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return [2]uint64{}
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return [2]uint64{}
	}
	var busy, all uint64
	for i, field := range strings.Fields(sc.Text())[1:] {
		v, _ := strconv.ParseUint(field, 10, 64)
		if i >= 8 { // guest times are already in user and nice
			break
		}
		all += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return [2]uint64{busy, all}
}

func multinodeEnvInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil && n > 0 {
		return n
	}
	return def
}

func multinodeMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
