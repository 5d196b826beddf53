package integration

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/demo"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/testnodes"
)

// TestPresenceReachesBoardAcrossNodes holds the team board's event stream
// (GET /board/events, as the board page's EventSource does) open through
// nginx, with the nginx configuration of docs/operations.md, in front of
// two real nodes on one PostgreSQL database, while another person changes
// presence (POST /presence) through the same nginx. nginx deals the
// requests to the nodes in turn, so the changes land on both nodes; which
// node served the stream and each change is read from the nodes' request
// logs afterwards (X-Request-Id). Every change must reach the open stream
// as an "event: changed", those made on the other node included (through
// PostgreSQL LISTEN/NOTIFY), and arrive through nginx while the response
// is still open (no proxy buffering). The times are reported for
// docs/benchmarks.md; only a generous bound (5 s) is asserted.
func TestPresenceReachesBoardAcrossNodes(t *testing.T) {
	nginx := testnodes.RequireNginx(t)
	dsn := storetest.DSN(t, store.Postgres)
	bin := testnodes.Build(t)
	n1 := testnodes.StartNode(t, bin, "node1", dsn, "--demo")
	n2 := testnodes.StartNode(t, bin, "node2", dsn, "--demo")
	testnodes.WaitReady(t, 120*time.Second, n1, n2)
	nodes := []*testnodes.Node{n1, n2}
	ng := testnodes.StartNginx(t, nginx, []string{n1.Addr, n2.Addr}, testnodes.NginxOptions{})
	viewer := testnodes.Login(t, ng.URL(), demo.Slug, "supervisor", demo.Password)
	changer := testnodes.Login(t, ng.URL(), demo.Slug, "staff", demo.Password)

	// The open board.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", ng.URL()+"/board/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.AddCookie(viewer)
	// The headers and the first bytes are flushed at once; a buffering
	// proxy holds them back.
	slow := time.AfterFunc(10*time.Second, cancel)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("board events through nginx: %v (no answer within 10 s: does nginx buffer the stream? X-Accel-Buffering, proxy_buffering)", err)
	}
	slow.Stop()
	streamID := res.Header.Get("X-Request-Id")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("board events through nginx: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := make(chan time.Time, 16)
	opened := make(chan struct{})
	go func() {
		defer res.Body.Close()
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			switch line := sc.Text(); {
			case strings.HasPrefix(line, "retry:"):
				close(opened)
			case line == "event: changed":
				events <- time.Now()
			}
		}
	}()
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream's first bytes (retry:) did not come through nginx within 10 s: buffered?")
	}

	client := testnodes.NoRedirect(15 * time.Second)
	const changes = 8
	// A presence change leaves no request-log line (docs/worktime.md):
	// the node that served it is the one whose metrics counted it.
	servedBy := make([]string, changes)
	took := make([]time.Duration, changes)
	for i := range changes {
		for drained := false; !drained; { // events of earlier changes
			select {
			case <-events:
			default:
				drained = true
			}
		}
		status := []string{"busy", "available"}[i%2]
		form := url.Values{"status": {status}, "note": {fmt.Sprintf("試験 %d", i)}, "place": {""}}
		counted := presenceChanges(t, nodes)
		t0 := time.Now()
		pres, body := post(t, client, ng.URL()+"/presence", changer, form)
		if pres.StatusCode != http.StatusSeeOther {
			t.Fatalf("change %d: POST /presence through nginx: %d\n%.500s", i, pres.StatusCode, body)
		}
		select {
		case at, ok := <-events:
			if !ok {
				t.Fatalf("change %d: the stream ended", i)
			}
			took[i] = at.Sub(t0)
		case <-time.After(5 * time.Second):
			t.Fatalf("change %d (%s) did not reach the open board within 5 s", i, status)
		}
		for j, n := range presenceChanges(t, nodes) {
			if n > counted[j] {
				servedBy[i] = nodes[j].Name
			}
		}
		if servedBy[i] == "" {
			t.Fatalf("change %d was counted by no node's metrics", i)
		}
	}
	cancel() // closes the stream; the node logs the request once it ends

	// Which node served what.
	where := map[string]string{}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		for _, n := range nodes {
			for _, m := range requestLine.FindAllStringSubmatch(n.Logs(), -1) {
				where[m[1]] = n.Name
			}
		}
		if where[streamID] != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stream's request id %s was not found in the nodes' logs", streamID)
		}
	}
	var cross, same []time.Duration
	for i, node := range servedBy {
		if node != where[streamID] {
			cross = append(cross, took[i])
		} else {
			same = append(same, took[i])
		}
	}
	if len(cross) == 0 {
		t.Errorf("no change was made on the node other than the stream's (%s): nginx sent every request to one node", where[streamID])
	}
	t.Logf("board stream on %s through nginx; a presence change made on the other node reached it in %s, on the same node in %s",
		where[streamID], durations(cross), durations(same))
	stopCleanly(t, nodes)
}

// durations lists d sorted, rounded to 0.1 ms, with the largest.
func durations(d []time.Duration) string {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var parts []string
	for _, x := range s {
		parts = append(parts, x.Round(100*time.Microsecond).String())
	}
	if len(s) == 0 {
		return "(none)"
	}
	return fmt.Sprintf("[%s] (max %s)", strings.Join(parts, " "), s[len(s)-1].Round(100*time.Microsecond))
}

// presenceChanges is how many presence changes each node has served, as
// its metrics count them (telework_http_requests_total for POST /presence).
func presenceChanges(t *testing.T, nodes []*testnodes.Node) []float64 {
	t.Helper()
	out := make([]float64, len(nodes))
	c := &http.Client{Timeout: 5 * time.Second}
	for i, n := range nodes {
		res, err := c.Get("http://" + n.Addr + "/metrics")
		if err != nil {
			t.Fatalf("%s /metrics: %v", n.Name, err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("%s /metrics: %v", n.Name, err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "telework_http_requests_total{") && strings.Contains(line, `route="POST /presence"`) {
				fs := strings.Fields(line)
				if v, err := strconv.ParseFloat(fs[len(fs)-1], 64); err == nil {
					out[i] += v
				}
			}
		}
	}
	return out
}
