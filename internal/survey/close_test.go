package survey_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

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
