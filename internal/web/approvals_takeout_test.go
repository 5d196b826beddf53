package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestInboxShowsWhatIsApproved: an inbox row shows what a bulk approval
// approves with the application — the paper or data taken out (持ち出し)
// — so that nothing is approved unseen (a review).
func TestInboxShowsWhatIsApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := mkToken(t, w, "staff", false)
		body := fmt.Sprintf(`{"dates":[%q],"mode":"home","plan":"予算資料の作成","submit":true,
			"take_out":{"paper":true,"paper_classes":["confidential"],"items":"予算査定資料一式"}}`, day)
		if res := w.call("POST", "/api/v1/applications", body, staff); res.code != http.StatusCreated {
			t.Fatalf("apply: %d %s", res.code, res.body)
		}
		res := w.do("GET", "/approvals", nil, w.session(t, "supervisor"))
		if res.code != http.StatusOK || !strings.Contains(res.body, "<strong>持ち出し</strong>") || !strings.Contains(res.body, "予算査定資料一式") {
			t.Fatalf("inbox row without the take-out: %d\n%s", res.code, res.body)
		}
	})
}
