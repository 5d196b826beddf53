// Package integration runs the real binary as a deployment runs it: two app
// nodes on one PostgreSQL database behind nginx (docs/operations.md,
// 「複数ノードでの運用」). It needs PostgreSQL (TELEWORK_TEST_PG) and nginx
// (Debian package nginx); ./scripts/test provides both.
package integration

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/demo"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/testnodes"
)

// TestTwoNodesBehindNginx starts two nodes with --demo at the same moment
// on a database that was never migrated, puts nginx in front of them, and
// checks that start-up, sessions and concurrent writes behave as one
// system.
func TestTwoNodesBehindNginx(t *testing.T) {
	nginx := testnodes.RequireNginx(t)
	dsn := storetest.DSN(t, store.Postgres)
	bin := testnodes.Build(t)
	ctx := context.Background()

	// Both at once: migrations and demo seeding race for real.
	began := time.Now()
	n1 := testnodes.StartNode(t, bin, "node1", dsn, "--demo")
	n2 := testnodes.StartNode(t, bin, "node2", dsn, "--demo")
	testnodes.WaitReady(t, 120*time.Second, n1, n2)
	t.Logf("both nodes ready %s after start", time.Since(began).Round(time.Millisecond))
	nodes := []*testnodes.Node{n1, n2}

	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	t.Run("migrations ran once", func(t *testing.T) {
		want := migrationVersions(t)
		rows, err := db.SQL.QueryContext(ctx, `SELECT version_id, COUNT(*) FROM goose_db_version GROUP BY version_id ORDER BY version_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []int64
		for rows.Next() {
			var v, n int64
			if err := rows.Scan(&v, &n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("goose_db_version: version %d recorded %d times", v, n)
			}
			got = append(got, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("goose_db_version versions %v, want %v (0 and every migration)", got, want)
		}
		applied := 0
		for _, n := range nodes {
			applied += strings.Count(n.Logs(), `"msg":"migrations applied"`)
		}
		if applied != 1 {
			t.Errorf("%d nodes logged applied migrations, want exactly 1", applied)
		}
	})

	t.Run("demo seeded once", func(t *testing.T) { checkDemoOnce(t, db, nodes) })

	ng := testnodes.StartNginx(t, nginx, []string{n1.Addr, n2.Addr}, testnodes.NginxOptions{})
	client := testnodes.NoRedirect(15 * time.Second)
	cookie := testnodes.Login(t, ng.URL(), demo.Slug, "hr", demo.Password)

	t.Run("round robin with one session", func(t *testing.T) {
		var ids []string
		for i := range 20 {
			res, body := get(t, client, ng.URL()+"/staff?q="+url.QueryEscape("さとう"), cookie)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "<h1") {
				t.Fatalf("request %d through nginx: %d\n%.1000s", i, res.StatusCode, body)
			}
			id := res.Header.Get("X-Request-Id")
			if id == "" {
				t.Fatalf("request %d: no X-Request-Id", i)
			}
			ids = append(ids, id)
		}
		// A request is logged once the response is written: give the
		// log lines a moment to land.
		var served map[string]int
		var missing []string
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			served, missing = whoServed(nodes, ids, "GET /staff")
			if len(missing) == 0 || time.Now().After(deadline) {
				break
			}
		}
		if len(missing) > 0 {
			t.Errorf("request ids in no node's log as GET /staff: %v", missing)
		}
		t.Logf("20 requests through nginx: %v", served)
		for _, n := range nodes {
			if served[n.Name] == 0 {
				t.Errorf("%s served none of the requests: %v", n.Name, served)
			}
			if !strings.Contains(n.Logs(), `"route":"GET /staff"`) {
				t.Errorf("%s logged no GET /staff request", n.Name)
			}
		}
		// The session lives in the database: each node accepts the cookie
		// that came through the proxy.
		for _, n := range nodes {
			res, body := get(t, client, n.URL()+"/staff", cookie)
			if res.StatusCode != http.StatusOK || strings.Contains(body, `name="password"`) {
				t.Errorf("%s directly with the proxy's session cookie: %d\n%.500s", n.Name, res.StatusCode, body)
			}
		}
	})

	var tenantID int64
	if err := db.SQL.QueryRowContext(ctx, `SELECT id FROM tenants WHERE slug = 'demo'`).Scan(&tenantID); err != nil {
		t.Fatal(err)
	}

	const creates = 40
	var firstUnit int64
	t.Run("concurrent creates on both nodes", func(t *testing.T) {
		type result struct {
			i      int
			status int
			loc    string
			body   string
		}
		results := make([]result, creates)
		var wg sync.WaitGroup
		jobs := make(chan int)
		for range 8 {
			wg.Go(func() {
				for i := range jobs {
					n := nodes[i%2]
					form := url.Values{"name": {fmt.Sprintf("多拠点試験課%02d", i)}, "code": {fmt.Sprintf("MN%03d", i)},
						"level": {"課"}, "parent_id": {"0"}, "sort_order": {strconv.Itoa(900 + i)}}
					res, body := post(t, client, n.URL()+"/units", cookie, form)
					results[i] = result{i, res.StatusCode, res.Header.Get("Location"), body}
				}
			})
		}
		for i := range creates {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		seen := map[string]int{}
		for _, r := range results {
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/units/") {
				t.Errorf("create %d on %s: %d %q\n%.500s", r.i, nodes[r.i%2].Name, r.status, r.loc, r.body)
				continue
			}
			seen[r.loc]++
		}
		if len(seen) != creates {
			t.Errorf("%d distinct units in the redirects, want %d", len(seen), creates)
		}
		rows, err := db.SQL.QueryContext(ctx, `SELECT code, COUNT(*), MIN(id) FROM units WHERE tenant_id = $1 AND code LIKE 'MN%'
			GROUP BY code ORDER BY code`, tenantID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := 0
		for rows.Next() {
			var code string
			var n, id int64
			if err := rows.Scan(&code, &n, &id); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("unit %s stored %d times", code, n)
			}
			if code == "MN000" {
				firstUnit = id
			}
			got++
		}
		if got != creates {
			t.Errorf("%d units stored, want %d", got, creates)
		}
		var audited int
		if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE tenant_id = $1 AND action = 'unit.create'
			AND actor_label = 'hr'`, tenantID).Scan(&audited); err != nil {
			t.Fatal(err)
		}
		if audited != creates {
			t.Errorf("%d unit.create audit entries by hr, want %d", audited, creates)
		}
	})

	t.Run("concurrent edits of one unit", func(t *testing.T) {
		if firstUnit == 0 {
			t.Skip("no unit created")
		}
		const editors = 6
		statuses := make([]int, editors)
		bodies := make([]string, editors)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range editors {
			wg.Go(func() {
				<-start
				form := url.Values{"name": {fmt.Sprintf("同時編集%d", i)}, "code": {"MN000"}, "level": {"課"},
					"parent_id": {"0"}, "sort_order": {"900"}, "version": {"1"}}
				res, body := post(t, client, fmt.Sprintf("%s/units/%d", nodes[i%2].URL(), firstUnit), cookie, form)
				statuses[i], bodies[i] = res.StatusCode, body
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, s := range statuses {
			switch s {
			case http.StatusSeeOther:
				if winner >= 0 {
					t.Errorf("edits %d and %d both won", winner, i)
				}
				winner = i
			case http.StatusConflict:
			default:
				t.Errorf("edit %d on %s: %d, want 303 or 409\n%.500s", i, nodes[i%2].Name, s, bodies[i])
			}
		}
		if winner < 0 {
			t.Fatalf("no edit won: %v", statuses)
		}
		var name string
		var version int64
		if err := db.SQL.QueryRowContext(ctx, `SELECT name, version FROM units WHERE tenant_id = $1 AND id = $2`, tenantID, firstUnit).
			Scan(&name, &version); err != nil {
			t.Fatal(err)
		}
		if version != 2 || name != fmt.Sprintf("同時編集%d", winner) {
			t.Errorf("unit after the race: %q version %d, want 同時編集%d version 2 (statuses %v)", name, version, winner, statuses)
		}
		t.Logf("edit statuses (node1, node2, …): %v", statuses)
	})

	t.Run("audit chain intact", func(t *testing.T) {
		out, err := exec.Command(bin, "audit", "verify", "--db", dsn).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "OK") || strings.Contains(string(out), "BROKEN") {
			t.Errorf("audit verify: %v\n%s", err, out)
		}
	})

	stopCleanly(t, nodes)
	if t.Failed() {
		t.Logf("nginx error log:\n%s", ng.ErrorLog())
	}
}

// TestTwoNodesSeedDemoTogether covers the other start-up order: the schema
// is already migrated (telework migrate ran first), so nothing holds the
// nodes apart and both seed the demo tenant at the same moment. One must
// create it, the other must find it, and neither may fail or duplicate.
func TestTwoNodesSeedDemoTogether(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	bin := testnodes.Build(t)
	if out, err := exec.Command(bin, "migrate", "--db", dsn).CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	n1 := testnodes.StartNode(t, bin, "node1", dsn, "--demo")
	n2 := testnodes.StartNode(t, bin, "node2", dsn, "--demo")
	nodes := []*testnodes.Node{n1, n2}
	testnodes.WaitReady(t, 120*time.Second, n1, n2)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkDemoOnce(t, db, nodes)
	for _, n := range nodes {
		// The node that found the tenant lists only the accounts that
		// existed at that moment; that is a display matter, not an error.
		t.Logf("%s listed %d demo accounts", n.Name, strings.Count(n.Stdout(), demo.Password))
	}
	// Both nodes serve the finished tenant.
	for _, n := range nodes {
		testnodes.Login(t, n.URL(), demo.Slug, "hr", demo.Password)
	}
	if out, err := exec.Command(bin, "audit", "verify", "--db", dsn).CombinedOutput(); err != nil {
		t.Errorf("audit verify: %v\n%s", err, out)
	}
	stopCleanly(t, nodes)
}

// checkDemoOnce asserts that exactly one node created the demo tenant and
// that its rows exist once.
func checkDemoOnce(t *testing.T, db *store.DB, nodes []*testnodes.Node) {
	t.Helper()
	created := 0
	for _, n := range nodes {
		out := n.Stdout()
		if strings.Contains(out, "作成しました") {
			created++
		} else if !strings.Contains(out, "既にあります") {
			t.Errorf("%s printed no demo summary:\n%s\n%s", n.Name, out, n.Logs())
		}
	}
	if created != 1 {
		t.Errorf("%d nodes created the demo tenant, want 1", created)
	}
	counts := map[string]int{}
	for _, c := range []struct{ label, query string }{
		{"tenants", `SELECT COUNT(*) FROM tenants WHERE slug = 'demo'`},
		{"operators", `SELECT COUNT(*) FROM operators WHERE login_id = 'operator'`},
		{"users", `SELECT COUNT(*) FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.slug = 'demo'`},
		{"operator audit entries", `SELECT COUNT(*) FROM audit_log WHERE tenant_id = 0 AND action = 'operator.create'`},
		{"tenant audit entries", `SELECT COUNT(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id
			WHERE t.slug = 'demo' AND a.action = 'tenant.create'`},
	} {
		var n int
		if err := db.SQL.QueryRowContext(context.Background(), c.query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		counts[c.label] = n
	}
	want := map[string]int{"tenants": 1, "operators": 1, "users": 5, "operator audit entries": 1, "tenant audit entries": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("demo rows %v, want %v", counts, want)
	}
}

// stopCleanly stops the nodes with SIGTERM and fails on an unclean exit or
// on any error the nodes logged.
func stopCleanly(t *testing.T, nodes []*testnodes.Node) {
	t.Helper()
	for _, n := range nodes {
		if err := n.Stop(); err != nil {
			t.Errorf("%s exit: %v", n.Name, err)
		}
		for _, line := range strings.Split(n.Logs(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				t.Errorf("%s logged an error: %s", n.Name, line)
			}
		}
	}
	if t.Failed() {
		for _, n := range nodes {
			t.Logf("%s stdout:\n%s\n%s stderr (tail):\n%s", n.Name, n.Stdout(), n.Name, tail(n.Logs(), 4000))
		}
	}
}

// migrationVersions lists 0 (goose's initial row) and the version of every
// PostgreSQL migration file.
func migrationVersions(t *testing.T) []int64 {
	files, err := filepath.Glob(filepath.Join("..", "internal", "store", "migrations", "postgres", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migration files: %v", err)
	}
	out := []int64{0}
	for _, f := range files {
		v, err := strconv.ParseInt(strings.SplitN(filepath.Base(f), "_", 2)[0], 10, 64)
		if err != nil {
			t.Fatalf("migration file %s: %v", f, err)
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

var requestLine = regexp.MustCompile(`"request_id":"([^"]+)"[^\n]*"route":"([^"]+)"`)

// whoServed finds each request id in the nodes' request log lines for
// route, and returns how many each node served and the ids found nowhere.
func whoServed(nodes []*testnodes.Node, ids []string, route string) (map[string]int, []string) {
	where := map[string]string{}
	for _, n := range nodes {
		for _, m := range requestLine.FindAllStringSubmatch(n.Logs(), -1) {
			if m[2] == route {
				where[m[1]] = n.Name
			}
		}
	}
	served := map[string]int{}
	var missing []string
	for _, id := range ids {
		if name, ok := where[id]; ok {
			served[name]++
		} else {
			missing = append(missing, id)
		}
	}
	return served, missing
}

func get(t *testing.T, c *http.Client, u string, cookie *http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(cookie)
	return do(t, c, req)
}

func post(t *testing.T, c *http.Client, u string, cookie *http.Cookie, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	return do(t, c, req)
}

// do sends one request; a transport error is reported and returned as a
// 599 so that helpers can run in goroutines (no FailNow there).
func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", req.Method, req.URL, err)
		return &http.Response{StatusCode: 599, Header: http.Header{}}, err.Error()
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Errorf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return res, string(b)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
