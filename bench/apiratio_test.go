package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"telework/bench/benchkit"
	"testing"
	"time"

	"telework/internal/store"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// TestAPIReadVsBare compares an authenticated API read of a page of 50
// staff (token check, tenant scope, paging, JSON) with a bare net/http
// handler that runs one SELECT of 50 joined rows on the same engine and
// encodes them: the product's throughput as a share of the bare one and
// its CPU per request as a multiple. Both serve real HTTP on loopback to
// the same closed-loop clients, in the same run. Only reports; run with
// TELEWORK_BENCH=1.
func TestAPIReadVsBare(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure")
	}
	const (
		clients = 8
		run     = 5 * time.Second
	)
	for _, eng := range []store.Engine{store.SQLite, store.Postgres} {
		for _, size := range []string{"demo", "30000"} {
			t.Run(string(eng)+"/"+size, func(t *testing.T) {
				f := seeded(t, eng)
				srv, err := web.New(benchServices(f.db), telemetry.NewLogger(io.Discard, slog.LevelError), telemetry.NewMetrics(nil), web.DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				tenantID := f.tenantID
				if size == "demo" {
					// The demo city: about 300 staff, the size of a town hall.
					tenantID = demoTenant(t, f)
				}
				secret := benchToken(t, f, tenantID)
				bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					type row struct {
						ID                  int64
						StaffNo, Name, Kana string
						Unit                string
					}
					rows, err := f.db.SQL.QueryContext(r.Context(), f.db.Rebind(`SELECT s.id, s.staff_no, s.name, s.kana, u.name
					FROM staff s JOIN units u ON u.id = s.unit_id AND u.tenant_id = s.tenant_id
					WHERE s.tenant_id = ? AND s.id > ? ORDER BY s.id LIMIT 50`), tenantID, 0)
					if err != nil {
						http.Error(w, err.Error(), 500)
						return
					}
					defer rows.Close()
					var out []row
					for rows.Next() {
						var x row
						if err := rows.Scan(&x.ID, &x.StaffNo, &x.Name, &x.Kana, &x.Unit); err != nil {
							http.Error(w, err.Error(), 500)
							return
						}
						out = append(out, x)
					}
					w.Header().Set("Content-Type", "application/json")
					_ = json.NewEncoder(w).Encode(out)
				})
				measure := func(name string, h http.Handler, path, auth string) (float64, time.Duration) {
					ln, err := net.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					hs := &http.Server{Handler: h}
					go hs.Serve(ln)
					defer hs.Close()
					url := "http://" + ln.Addr().String() + path
					client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
					get := func() error {
						req, _ := http.NewRequest("GET", url, nil)
						if auth != "" {
							req.Header.Set("Authorization", "Bearer "+auth)
						}
						res, err := client.Do(req)
						if err != nil {
							return err
						}
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if res.StatusCode != 200 {
							return fmt.Errorf("%s: %d", path, res.StatusCode)
						}
						return nil
					}
					for range 200 { // warm-up
						if err := get(); err != nil {
							t.Fatal(err)
						}
					}
					var n atomic.Int64
					cpu0 := benchkit.CPUTime()
					start := time.Now()
					var wg sync.WaitGroup
					for range clients {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for time.Since(start) < run {
								if err := get(); err != nil {
									t.Error(err)
									return
								}
								n.Add(1)
							}
						}()
					}
					wg.Wait()
					elapsed, cpu := time.Since(start), benchkit.CPUTime()-cpu0
					rps := float64(n.Load()) / elapsed.Seconds()
					per := cpu / time.Duration(n.Load())
					t.Logf("%-8s %-5s %-6s %7.0f req/s, CPU %v per request (server and clients)", eng, size, name, rps, per.Round(time.Microsecond))
					return rps, per
				}
				bareRPS, bareCPU := measure("bare", bare, "/bare", "")
				apiRPS, apiCPU := measure("api", srv, "/api/v1/staff?limit=50", secret)
				t.Logf("%-8s %-5s api/bare: throughput %.0f%%, CPU per request %.1f×", eng, size, 100*apiRPS/bareRPS, float64(apiCPU)/float64(bareCPU))
			})
		}
	}
}
