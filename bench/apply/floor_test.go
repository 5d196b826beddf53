package applybench

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"telework/bench/benchkit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestSubmitFloor measures, in one run with the bare baseline, the least
// that any submission meeting issue 11's words ("signed in, policy-checked,
// audited, with the outbox row") must do, with none of the product around
// it: a net/http handler that sends ONE statement per request, which finds
// the session's person and their 所属長, refuses a day already applied for
// (the least of the policy's checks), and inserts the application, its day,
// the approver's notification and an unsealed audit entry (no other rule,
// no sealing, no JSON answer). It answers what ratio a request that does its
// own writes can reach on this machine at all (docs/benchmarks.md); it is not
// the product. TELEWORK_BENCH=1 and TELEWORK_BENCH_ENGINE=postgres.
func TestSubmitFloor(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" || os.Getenv("TELEWORK_BENCH_ENGINE") != "postgres" {
		t.Skip("set TELEWORK_BENCH=1 TELEWORK_BENCH_ENGINE=postgres to measure")
	}
	db := storetest.Open(t, store.Postgres)
	w := seed(t, db)
	bare := benchkit.BareHTTP(t, benchkit.DB{SQL: db.SQL, Postgres: true}, w.tenantID, clients, runFor, http.StatusCreated)
	const q = `WITH s AS (SELECT se.tenant_id, us.staff_id, st.unit_id FROM sessions se
			JOIN users us ON us.tenant_id = se.tenant_id AND us.id = se.user_id
			JOIN staff st ON st.tenant_id = us.tenant_id AND st.id = us.staff_id
			WHERE se.token_hash = $1 AND se.expires_at > $3 AND se.tenant_id = $5),
		dup AS (SELECT 1 FROM application_days d, s WHERE d.tenant_id = s.tenant_id AND d.staff_id = s.staff_id AND d.day = $2
			AND d.status IN ('submitted', 'approved', 'started')),
		boss AS (SELECT h.id FROM staff h, s WHERE h.tenant_id = s.tenant_id AND h.unit_id = s.unit_id AND h.is_supervisor = TRUE
			AND h.retired = FALSE AND h.id <> s.staff_id LIMIT 1),
		a AS (INSERT INTO applications (tenant_id, staff_id, decision, status, mode, place, time_unit, plan, first_approver_id, step, steps,
			first_day, last_day, submitted_at, created_at, updated_at)
			SELECT s.tenant_id, s.staff_id, '', 'submitted', 'home', 'home', 'full_day', $4, (SELECT id FROM boss), 1, 1, $2, $2, $3, $3, $3
			FROM s WHERE NOT EXISTS (SELECT 1 FROM dup) RETURNING id, tenant_id, staff_id),
		d AS (INSERT INTO application_days (tenant_id, application_id, staff_id, day, time_unit, status, updated_at)
			SELECT a.tenant_id, a.id, a.staff_id, $2, 'full_day', 'submitted', $3 FROM a),
		n AS (INSERT INTO notifications (tenant_id, staff_id, kind, application_id, args, created_at)
			SELECT a.tenant_id, b.id, 'submitted', a.id, '', $3 FROM a, boss b)
		INSERT INTO audit_pending (tenant_id, at, actor_id, actor_label, action, object_type, object_id, before_json, after_json)
		SELECT a.tenant_id, $3, 0, 'floor', 'application.submit', 'application', CAST(a.id AS TEXT), '', $4 FROM a`
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var in struct {
			Dates []string `json:"dates"`
			Plan  string   `json:"plan"`
		}
		c, err := r.Cookie("telework_session")
		if err != nil || json.NewDecoder(r.Body).Decode(&in) != nil || len(in.Dates) != 1 {
			http.Error(rw, "bad request", http.StatusBadRequest)
			return
		}
		res, err := db.SQL.ExecContext(r.Context(), q, auth.HashToken(c.Value), in.Dates[0], time.Now().UnixMicro(), in.Plan, w.tenantID)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			http.Error(rw, "not written", http.StatusUnprocessableEntity)
			return
		}
		rw.WriteHeader(http.StatusCreated)
	})
	// Each of 800 people applies for the next of 150 business days in turn.
	var cookies []string
	for _, tm := range w.teams[:80] {
		for _, sid := range tm.staff[:10] {
			cookies = append(cookies, w.session(t, sid))
		}
	}
	var future []calendar.Date
	for d := w.cal.AddBusinessDays(w.today, 20); len(future) < 150; d = w.cal.NextBusinessDay(d) {
		future = append(future, d)
	}
	benchkit.Floor(t, "submission", bare, h, clients, runFor, int64(len(cookies)*len(future)), http.StatusCreated,
		func(c *benchkit.Client, url string, k int) (int, []byte, error) {
			body := `{"dates":["` + future[k/len(cookies)].String() + `"],"mode":"home","plan":"資料作成"}`
			return c.Do("POST", url+"/applications", []byte(body), "Cookie", cookies[k%len(cookies)])
		})
}
