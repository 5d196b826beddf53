package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
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

// TestApprovalsBulkKeepsTheForm: after each refusal of a bulk action the
// ticked applications and the typed comment come back as sent; the
// comment's error marks the field (aria-invalid, described by the error),
// and "choose at least one" is tied to the group of applications the
// summary links to.
func TestApprovalsBulkKeepsTheForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		id := submitPage(t, w, staff, dayForm(day, "submit"))
		second := submitPage(t, w, staff, dayForm(cal1(t, db, w, day), "submit"))
		box := func(id int64) string {
			return `id="f-app-` + itoa(id) + `" name="ids" value="` + itoa(id) + `" data-group="inbox"`
		}
		for _, c := range []struct {
			name    string
			form    url.Values
			want    []string
			notWant []string
		}{
			{"reject without a comment", url.Values{"action": {"reject"}, "ids": {itoa(id), itoa(second)}},
				[]string{box(id) + ` checked>`, box(second) + ` checked>`,
					`<textarea id="f-comment" name="comment" rows="2" aria-describedby="f-comment-hint f-comment-error" aria-invalid="true"></textarea>`},
				nil},
			{"return with one ticked, no comment", url.Values{"action": {"return"}, "ids": {itoa(second)}},
				[]string{box(id) + `>`, box(second) + ` checked>`, `aria-describedby="f-comment-hint f-comment-error" aria-invalid="true"`},
				nil},
			{"nothing ticked", url.Values{"action": {"reject"}, "comment": {"理由テキスト"}},
				[]string{box(id) + `>`, box(second) + `>`,
					`<textarea id="f-comment" name="comment" rows="2" aria-describedby="f-comment-hint">理由テキスト</textarea>`,
					`<div id="f-ids" class="inbox-apps" role="group" aria-label="処理する申請" tabindex="-1" aria-describedby="f-ids-error">`,
					`<p class="field-error" id="f-ids-error">処理する申請を1件以上選んでください`, `<a href="#f-ids">処理する申請を1件以上選んでください`},
				[]string{`aria-invalid`}},
		} {
			t.Run(c.name, func(t *testing.T) {
				res := w.do("POST", "/approvals", c.form, sup)
				if res.code != http.StatusUnprocessableEntity {
					t.Fatalf("%d\n%s", res.code, res.body)
				}
				for _, s := range c.want {
					if !strings.Contains(res.body, s) {
						t.Errorf("missing %s", s)
					}
				}
				for _, s := range c.notWant {
					if strings.Contains(res.body, s) {
						t.Errorf("unexpected %s", s)
					}
				}
				if t.Failed() {
					t.Log(res.body)
				}
			})
		}
		// A plain visit has nothing ticked and no comment.
		if res := w.do("GET", "/approvals", nil, sup); strings.Contains(res.body, " checked>") || !strings.Contains(res.body, `aria-describedby="f-comment-hint"></textarea>`) {
			t.Errorf("a plain visit is not blank:\n%s", res.body)
		}
	})
}

// TestApprovalsFollowTheEraSetting: the inbox shows the days as the
// supervisor chose in /settings (和暦 here), like the other daily pages.
func TestApprovalsFollowTheEraSetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		// A day of next year: the inbox names the year only then.
		today := calendar.DateOf(time.Now())
		day := calendar.Date{Year: today.Year + 1, Month: 1, Day: 15} // after 成人の日
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDays(1)
		}
		submitPage(t, w, staff, dayForm(day, "submit"))
		if res := w.do("POST", "/settings", url.Values{"lang": {"ja"}, "era": {"wareki"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("settings: %d", res.code)
		}
		res := w.do("GET", "/approvals", nil, sup)
		if want := calendar.WarekiYear(day); res.code != http.StatusOK || !strings.Contains(res.body, want) {
			t.Fatalf("inbox in 和暦 lacks %q: %d", want, res.code)
		}
		if strings.Contains(res.body, fmt.Sprintf(">%d年", day.Year)) || strings.Contains(res.body, fmt.Sprintf("%d年%d月%d日", day.Year, day.Month, day.Day)) {
			t.Error("inbox in 和暦 still shows the 西暦 year")
		}
	})
}

// TestApprovalsBulkKeepsTheFilter: the filtered inbox posts its bulk form
// to the filtered address, so a refused bulk action shows the same
// filtered list (not every application again, with the filter lost).
func TestApprovalsBulkKeepsTheFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		id := submitPage(t, w, staff, dayForm(day, "submit"))
		later := cal1(t, db, w, day)
		other := submitPage(t, w, staff, dayForm(later, "submit"))
		filter := "from=" + day.String() + "&to=" + day.String()
		page := w.do("GET", "/approvals?"+filter, nil, sup)
		action := `action="/approvals?` + strings.ReplaceAll(filter, "&", "&amp;") + `"`
		if page.code != http.StatusOK || !strings.Contains(page.body, action) {
			t.Fatalf("the filtered inbox's form does not post to its address (%s):\n%s", action, page.body)
		}
		res := w.do("POST", "/approvals?"+filter, url.Values{"action": {"return"}, "ids": {itoa(id)}}, sup)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `value="`+day.String()+`"`) ||
			!strings.Contains(res.body, `id="f-app-`+itoa(id)+`"`) || strings.Contains(res.body, `id="f-app-`+itoa(other)+`"`) {
			t.Fatalf("the refused bulk action lost the filter: %d\n%s", res.code, res.body)
		}
	})
}
