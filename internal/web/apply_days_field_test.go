package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestActionErrorsNameTheBodysDays: an action's refusal about the days it
// names points at the body's member, "days" — not the service's "dates"
// (a review).
func TestActionErrorsNameTheBodysDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, staff, sup, a, day := submittedOne(t, db)
		if res := w.call("POST", fmt.Sprintf("/api/v1/applications/%d/approve", a.ID), "{}", sup); res.code != http.StatusOK {
			t.Fatalf("approve: %d %s", res.code, res.body)
		}
		// A report of a day still to come.
		res := w.call("POST", fmt.Sprintf("/api/v1/applications/%d/report", a.ID),
			fmt.Sprintf(`{"days":[%q],"actual_start":"08:30","actual_end":"17:15","work":"資料作成"}`, day), staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"days"`) || strings.Contains(res.body, `"field":"dates"`) {
			t.Fatalf("report of a day to come: %d %s", res.code, res.body)
		}
	})
}

// TestActionIfMatchMalformed: an If-Match that is not this application's
// ETag is a 422 naming If-Match and its form, nothing decided — not 412
// 「他の人が更新しました」 (a review).
func TestActionIfMatchMalformed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _, sup, a, _ := submittedOne(t, db)
		for _, tag := range []string{`"garbage"`, "garbage", fmt.Sprintf(`"application-%d-v1"`, a.ID+1000)} {
			res := w.call("POST", fmt.Sprintf("/api/v1/applications/%d/approve", a.ID), "{}", sup, "If-Match", tag)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"If-Match"`) {
				t.Errorf("If-Match %s: %d %s", tag, res.code, res.body)
			}
		}
		if res := w.call("POST", fmt.Sprintf("/api/v1/applications/%d/approve", a.ID), "{}", sup, "If-Match", fmt.Sprintf(`"application-%d-v%d"`, a.ID, a.Version)); res.code != http.StatusOK {
			t.Fatalf("the right tag: %d %s", res.code, res.body)
		}
	})
}

// submittedOne is applyWorld with staff's one-day application, submitted
// for the supervisor, and both tokens.
func submittedOne(t *testing.T, db *store.DB) (w *world, staff, sup string, a appJSON, day calendar.Date) {
	t.Helper()
	w, day = applyWorld(t, db)
	staff, sup = mkToken(t, w, "staff", false), mkToken(t, w, "supervisor", false)
	res := w.call("POST", "/api/v1/applications", fmt.Sprintf(`{"dates":[%q],"mode":"home","plan":"資料作成","submit":true}`, day), staff)
	decode(t, res, &a)
	if res.code != http.StatusCreated {
		t.Fatalf("apply: %d %s", res.code, res.body)
	}
	return w, staff, sup, a, day
}
