package worktimebench

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"telework/bench/benchkit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestStartFloor measures, in one run with the bare baseline, the least
// that any start report meeting issue 12's words ("signed in with a token,
// checked against the day's application and audited") must do, with none
// of the product around it: a net/http handler that sends ONE statement per
// request, which finds the token's person, looks up the day's application,
// inserts the day's row and an unsealed audit entry (no policy, no
// notification, no sealing, no JSON answer). It answers what ratio a
// request that does its own writes can reach on this machine at all
// (docs/benchmarks.md); it is not the product. TELEWORK_BENCH=1 and
// TELEWORK_BENCH_ENGINE=postgres.
func TestStartFloor(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" || os.Getenv("TELEWORK_BENCH_ENGINE") != "postgres" {
		t.Skip("set TELEWORK_BENCH=1 TELEWORK_BENCH_ENGINE=postgres to measure")
	}
	db := storetest.Open(t, store.Postgres)
	w := seed(t, db)
	bare := benchkit.BareHTTP(t, benchkit.DB{SQL: db.SQL, Postgres: true}, w.tenantID, clients, runFor, http.StatusOK)
	const q = `WITH k AS (SELECT k.tenant_id, us.staff_id FROM api_tokens k JOIN users us ON us.tenant_id = k.tenant_id AND us.id = k.user_id
			WHERE k.token_hash = $1 AND k.revoked_at = 0 AND k.tenant_id = $5),
		a AS (SELECT d.application_id FROM application_days d, k WHERE d.tenant_id = k.tenant_id AND d.staff_id = k.staff_id
			AND d.day = $2 AND d.status IN ('approved', 'started') LIMIT 1),
		w AS (INSERT INTO worktime_days (tenant_id, staff_id, work_date, start_at, mode, place, plan, application_id)
			SELECT k.tenant_id, k.staff_id, $2, $3, 'home', '', $4, (SELECT application_id FROM a) FROM k RETURNING id, tenant_id, staff_id)
		INSERT INTO audit_pending (tenant_id, at, actor_id, actor_label, action, object_type, object_id, before_json, after_json)
		SELECT w.tenant_id, $3, 0, 'floor', 'worktime.start', 'worktime_day', CAST(w.id AS TEXT), '', $4 FROM w`
	day := calendar.DateOf(time.Now()).AddDays(1) // the rush of TestWorktimeNumbers is not run here: any day will do
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var in struct {
			Plan string `json:"plan"`
		}
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || tok == "" {
			http.Error(rw, "bad request", http.StatusBadRequest)
			return
		}
		res, err := db.SQL.ExecContext(r.Context(), q, auth.HashToken(tok), day.String(), time.Now().UnixMicro(), in.Plan, w.tenantID)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			http.Error(rw, "not written", http.StatusInternalServerError)
			return
		}
		rw.WriteHeader(http.StatusOK)
	})
	body := []byte(`{"plan":"窓口の準備と資料作成"}`)
	benchkit.Floor(t, "start", bare, h, clients, runFor, int64(len(w.tokens)), http.StatusOK, func(c *benchkit.Client, url string, k int) (int, []byte, error) {
		return c.Do("POST", url+"/start", body, "Authorization", "Bearer "+w.tokens[k])
	})
}
