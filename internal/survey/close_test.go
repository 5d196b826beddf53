package survey_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/survey"
)

// submitted counts the submitted answer rows of a survey in the database.
func submitted(t *testing.T, db *store.DB, tenantID, id int64) int {
	t.Helper()
	var n int
	storetest.Must(t, db.SQL.QueryRowContext(context.Background(), db.Rebind(`SELECT COUNT(*) FROM survey_answers
		WHERE tenant_id = ? AND survey_id = ? AND submitted = ?`), tenantID, id, true).Scan(&n))
	return n
}

// april is a service on db dated 10 April 2026 (JST), over a tenant of n
// staff.
func april(t *testing.T, db *store.DB, n int) (*survey.Service, world) {
	t.Helper()
	db.Now = func() time.Time { return time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC) }
	return survey.NewService(db, db.Now), setup(t, db, "matsumoto", n)
}

// openCustom makes an April survey of the questions for the whole tenant,
// and opens it.
func openCustom(t *testing.T, svc *survey.Service, tenantID int64, qs ...survey.Question) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := svc.Create(ctx, tenantID, hr, survey.Draft{Kind: survey.KindCustom, Title: "職場の調査", OpensOn: "2026-04-01",
		ClosesOn: "2026-04-30", Custom: qs})
	storetest.Must(t, err)
	sv, _ := svc.Get(ctx, tenantID, id)
	storetest.Must(t, svc.Open(ctx, tenantID, hr, id, sv.Version))
	return id
}

// TestCloseWaitsForAnswers: answers submitted while HR closes the survey
// either land before the close (counted in the published results) or are
// refused as "not open"; none lands after it. The review found on
// PostgreSQL that a submission which had read the survey as open before
// the close committed wrote its answer after it, so the results published
// at the close changed later (and differed between nodes, each with its
// own cache).
func TestCloseWaitsForAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, w := april(t, db, 24)
		tid := w.tenant.ID
		for round := range 4 {
			id := openCustom(t, svc, tid, survey.Question{Type: survey.Number, Text: "会議の回数"})
			sv, _ := svc.Get(ctx, tid, id)
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				landed   int
				refused  int
				atClose  int
				closeErr error
			)
			start := make(chan struct{})
			for _, s := range w.staff {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					err := svc.SaveAnswer(ctx, tid, s.ID, id, survey.Answer{"c1": {"3"}}, true)
					mu.Lock()
					defer mu.Unlock()
					switch code(err) {
					case "":
						landed++
					case "conflict:survey.not_open":
						refused++
					default:
						t.Errorf("a submission failed otherwise: %v", err)
					}
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond)
				closeErr = svc.Close(ctx, tid, hr, id, sv.Version)
				if closeErr == nil {
					// What the close fixed: read as soon as it returns.
					atClose = submitted(t, db, tid, id)
				}
			}()
			close(start)
			wg.Wait()
			storetest.Must(t, closeErr)
			if now := submitted(t, db, tid, id); now != atClose || landed != atClose || landed+refused != len(w.staff) {
				t.Fatalf("round %d: %d answers at the close, %d now; %d submissions succeeded, %d refused", round, atClose, now, landed, refused)
			}
			res, err := svc.Results(ctx, tid, id, "ja")
			storetest.Must(t, err)
			if res.N != atClose {
				t.Fatalf("round %d: results count %d respondents, the close fixed %d", round, res.N, atClose)
			}
		}
	})
}

// TestCloseRewritesAnswers: once a survey is closed its answer rows keep
// nothing of the order in which people answered. Each save wrote its row
// when the person sent it, so on PostgreSQL `ORDER BY xmin` (or the rows'
// physical order, ctid) listed the answers in the order people submitted,
// which the time of a log line or a sign-in tied to each person. The close
// rewrites them all in its own transaction: one xmin, in pseudonym order.
// No audit entry is written per submission (its time would do the same);
// the close's records how many answers it fixed. Drafts never sent are
// deleted at the close.
func TestCloseRewritesAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, w := april(t, db, 13)
		tid := w.tenant.ID
		id := openCustom(t, svc, tid, survey.Question{Type: survey.Number, Text: "会議の回数"})
		for i, s := range w.staff[:12] {
			storetest.Must(t, svc.SaveAnswer(ctx, tid, s.ID, id, survey.Answer{"c1": {fmt.Sprint(i)}}, true))
		}
		// One person saved a draft and never sent it.
		storetest.Must(t, svc.SaveAnswer(ctx, tid, w.staff[12].ID, id, survey.Answer{"c1": {"99"}}, false))
		order := func(q string) []string {
			rows, err := db.SQL.QueryContext(ctx, db.Rebind(q), tid, id)
			storetest.Must(t, err)
			defer rows.Close()
			var out []string
			for rows.Next() {
				var v string
				storetest.Must(t, rows.Scan(&v))
				out = append(out, v)
			}
			return out
		}
		if db.Engine == store.Postgres {
			byXmin := order(`SELECT body FROM survey_answers WHERE tenant_id = ? AND survey_id = ? ORDER BY xmin::text::bigint`)
			if !strings.Contains(byXmin[0], `"0"`) || !strings.Contains(byXmin[11], `"11"`) {
				t.Fatalf("the open survey's rows are not in submission order by xmin (the test sees nothing): %v", byXmin)
			}
		}
		sv, _ := svc.Get(ctx, tid, id)
		storetest.Must(t, svc.Close(ctx, tid, hr, id, sv.Version))
		// The draft is gone: it counts nowhere, and kept it would stay in
		// the database and its backups for good.
		if all := order(`SELECT body FROM survey_answers WHERE tenant_id = ? AND survey_id = ?`); len(all) != 12 || strings.Contains(strings.Join(all, ""), "99") {
			t.Errorf("after the close %d rows remain: %v", len(all), all)
		}
		if db.Engine == store.Postgres {
			if x := order(`SELECT DISTINCT xmin::text FROM survey_answers WHERE tenant_id = ? AND survey_id = ?`); len(x) != 1 {
				t.Errorf("after the close the answers carry %d xmins, want 1", len(x))
			}
			physical := order(`SELECT pseudonym FROM survey_answers WHERE tenant_id = ? AND survey_id = ? ORDER BY ctid`)
			if !slices.IsSorted(physical) || len(physical) != 12 {
				t.Errorf("after the close the rows lie in another order than the pseudonyms': %v", physical)
			}
		}
		es, err := db.FindAuditEntries(ctx, tid, audit.Filter{Action: "survey."})
		storetest.Must(t, err)
		var actions []string
		for _, e := range es {
			actions = append(actions, e.Action)
			if e.Action == "survey.close" && (!strings.Contains(string(e.After), `"answers":12`) || !strings.Contains(string(e.After), `"drafts_deleted":1`)) {
				t.Errorf("the close's entry does not count the answers and the deleted drafts: %s", e.After)
			}
		}
		if slices.Contains(actions, "survey.answer") || !slices.Contains(actions, "survey.close") {
			t.Errorf("audit actions %v: want the close's, none per answer", actions)
		}
		res, err := svc.Results(ctx, tid, id, "ja")
		storetest.Must(t, err)
		if res.N != 12 {
			t.Errorf("results of %d answers after the rewrite", res.N)
		}
	})
}

// TestOpenNeedsItsPeriod: a survey whose closing day has passed cannot be
// opened (it said 受付中 while nobody could answer); the lists say 期間終了
// of an open survey whose period has ended.
func TestOpenNeedsItsPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, w := april(t, db, survey.K)
		tid := w.tenant.ID
		cases := []struct{ closes, want string }{
			{"2026-04-09", "invalid:error.invalid:closes_on=survey.closes_passed"},
			{"2026-04-10", ""},
		}
		for _, c := range cases {
			id, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindCustom, Title: "期間", OpensOn: "2026-04-01", ClosesOn: c.closes,
				Custom: []survey.Question{{Type: survey.Number, Text: "会議の回数"}}})
			storetest.Must(t, err)
			sv, _ := svc.Get(ctx, tid, id)
			if err := svc.Open(ctx, tid, hr, id, sv.Version); code(err) != c.want {
				t.Errorf("closing on %s: %q, want %q", c.closes, code(err), c.want)
			}
		}
	})
	shown := []struct {
		status survey.Status
		closes string
		want   string
	}{
		{survey.StatusOpen, "2026-04-09", "ended"},
		{survey.StatusOpen, "2026-04-10", "open"},
		{survey.StatusDraft, "2026-04-09", "draft"},
		{survey.StatusClosed, "2026-04-09", "closed"},
	}
	for _, c := range shown {
		sv := survey.Survey{Status: c.status, ClosesOn: c.closes}
		if got := sv.StatusShown("2026-04-10"); got != c.want {
			t.Errorf("%s closing %s: shown %q, want %q", c.status, c.closes, got, c.want)
		}
	}
}
