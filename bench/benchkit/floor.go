package benchkit

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Floor measures a floor handler h (the least work a product request
// must do, with none of the product around it) against bare, the bare
// baseline measured in the same run: clients closed loops for runFor or
// total requests, request k sent by send, answering want. It logs the
// ratio under name and returns it.
func Floor(t *testing.T, name string, bare Bare, h http.Handler, clients int, runFor time.Duration, total int64, want int,
	send func(c *Client, url string, k int) (int, []byte, error)) float64 {
	t.Helper()
	url := Serve(t, h)
	c := NewClient(clients)
	cpu0 := CPUTime()
	rps, lat := Load(clients, runFor, total, func(client, k int) bool {
		code, b, err := send(c, url, k)
		if err != nil || code != want {
			t.Errorf("client %d request %d: %d %v %s", client, k, code, err, strings.TrimSpace(string(b)))
			return false
		}
		return true
	})
	n := len(lat)
	t.Logf("floor: %d requests, CPU %v per request", n, (CPUTime()-cpu0)/time.Duration(max(n, 1)))
	t.Logf("postgres %s floor (one statement per request): %.0f req/s (bare INSERT %.0f req/s): %.0f%% of bare; p50 %v, p99 %v",
		name, rps, bare.RPS, 100*rps/bare.RPS, Percentile(lat, 50).Round(100*time.Microsecond), Percentile(lat, 99).Round(100*time.Microsecond))
	return rps / bare.RPS
}
