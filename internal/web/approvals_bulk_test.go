package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/apply"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestApprovalsBulkReasons: a bulk 差戻し without a comment is the form's
// error on the comment field (422), said once, with nothing returned; an
// application a bulk action could not do is named by its person and days
// (not an internal id) with the reason itself.
func TestApprovalsBulkReasons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		id := submitPage(t, w, staff, dayForm(day, "submit"))
		second := submitPage(t, w, staff, dayForm(cal1(t, db, w, day), "submit"))
		ids := []string{itoa(id), itoa(second)}
		const why = "「コメント」に理由を書いてください"
		res := w.do("POST", "/approvals", url.Values{"action": {"return"}, "ids": ids}, sup)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<p class="field-error" id="f-comment-error">`+why) {
			t.Fatalf("return without a comment: %d\n%s", res.code, res.body)
		}
		// Once on the field and once as its link in the summary.
		if n := strings.Count(res.body, why); n != 2 || strings.Contains(res.body, "処理できませんでした") || strings.Contains(res.body, "申請 "+itoa(id)) {
			t.Errorf("the reason is repeated or names the id (%d times):\n%s", n, res.body)
		}
		if w.appStatus(t, id) != apply.Submitted || w.appStatus(t, second) != apply.Submitted {
			t.Fatal("a refused bulk return changed an application")
		}
		// One already approved: named by person and day, with the state's reason.
		if res = w.do("POST", "/applications/"+itoa(id)+"/decide", url.Values{"action": {"approve"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.code)
		}
		res = w.do("POST", "/approvals", url.Values{"action": {"return"}, "ids": ids, "comment": {"日付を確認してください"}}, sup)
		if res.code != http.StatusConflict || !strings.Contains(res.body, "山田 太郎さんの申請(") || strings.Contains(res.body, "申請 "+itoa(id)) ||
			strings.Contains(res.body, "入力内容に誤りがあります。各項目") {
			t.Fatalf("bulk with one done already: %d\n%s", res.code, res.body)
		}
		if w.appStatus(t, second) != apply.Returned {
			t.Errorf("the other was not returned: %s", w.appStatus(t, second))
		}
	})
}
