package bench

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// TestAPIReadPercentiles reports the latency of the two API reads named in
// issue 4 on the 30,000-staff tenant: one staff record (target p95 < 10 ms)
// and a page of 100 (target < 20 ms), on both engines. The requests go
// through the whole handler (token check, tenant scope, JSON) in process.
// It only reports; run with TELEWORK_BENCH=1.
func TestAPIReadPercentiles(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure")
	}
	for _, eng := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(eng), func(t *testing.T) {
			f := seeded(t, eng)
			ctx := context.Background()
			srv, err := web.New(app.NewServices(f.db), telemetry.NewLogger(io.Discard, slog.LevelError), telemetry.NewMetrics(nil), web.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			login := fmt.Sprintf("bench-api-%d", time.Now().UnixNano())
			u := &auth.User{LoginID: login, PasswordHash: "x", Granted: []auth.Role{auth.HRAdmin}}
			if err := storetest.F(f.db).CreateUser(ctx, f.tenantID, audit.Actor{Label: "bench"}, u); err != nil {
				t.Fatal(err)
			}
			_, secret, err := storetest.F(f.db).Auth.CreateToken(ctx, &auth.Principal{TenantID: f.tenantID, UserID: u.ID, LoginID: login},
				auth.NewToken{Name: "bench", Days: 1})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			var after int64
			for {
				list, _, err := f.db.FindStaff(ctx, f.tenantID, org.StaffFilter{ByID: true, AfterID: after, Limit: 500, IncludeRetire: true})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range list {
					ids = append(ids, s.ID)
				}
				if len(list) < 500 {
					break
				}
				after = list[len(list)-1].ID
			}
			get := func(path string) time.Duration {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Authorization", "Bearer "+secret)
				rec := httptest.NewRecorder()
				start := time.Now()
				srv.ServeHTTP(rec, req)
				d := time.Since(start)
				if rec.Code != 200 {
					t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
				}
				return d
			}
			rng := rand.New(rand.NewPCG(7, 11))
			var one, pages []time.Duration
			for range 50 { // warm-up
				get(fmt.Sprintf("/api/v1/staff/%d", ids[rng.IntN(len(ids))]))
			}
			for range 1000 {
				one = append(one, get(fmt.Sprintf("/api/v1/staff/%d", ids[rng.IntN(len(ids))])))
			}
			for range 300 {
				// A page of 100 starting somewhere in the middle of the list.
				pages = append(pages, get(fmt.Sprintf("/api/v1/staff?limit=100&cursor=%s", cursorFor(ids[rng.IntN(len(ids)-100)]))))
			}
			for _, r := range []struct {
				name string
				d    []time.Duration
			}{{"GET /api/v1/staff/{id}", one}, {"GET /api/v1/staff?limit=100", pages}} {
				sort.Slice(r.d, func(i, j int) bool { return r.d[i] < r.d[j] })
				t.Logf("%-8s %-28s n=%d p50=%v p95=%v p99=%v", eng, r.name, len(r.d),
					percentile(r.d, 0.50).Round(10*time.Microsecond), percentile(r.d, 0.95).Round(10*time.Microsecond), percentile(r.d, 0.99).Round(10*time.Microsecond))
			}
		})
	}
}

// cursorFor builds the API's opaque cursor (base64url of "id:N").
func cursorFor(afterID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("id:%d", afterID)))
}
