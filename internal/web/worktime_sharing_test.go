package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/schedule"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestPlanSharingEnforced: a team member sees a colleague's plan and
// result neither on the board API nor in the section's calendar feed until
// the section opts in; the person and the head over them always see them;
// the setting is changed over the API (audited) and on the board page, and
// another tenant's unit is not found. (鈴木, the fixture's colleague, is HR
// and sees everything; 中村 is a plain team member.)
func TestPlanSharingEnforced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		ctx := context.Background()
		today := calendar.DateOf(time.Now())
		// A 係長 heading 人事係 (a-team), where 山田 (a-staff) and 鈴木 (a-hr) work.
		chief := &org.Staff{StaffNo: "1010", Name: "高木 係長", Kana: "たかぎ", UnitID: w.units["a-team"].ID, Rank: org.RankChief,
			IsSupervisor: true, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, w.a.ID, sys, chief, calendar.Date{}))
		chiefC := w.sessionFor(t, chief.ID, "chief")
		mate := &org.Staff{StaffNo: "1011", Name: "中村 同僚", Kana: "なかむら", UnitID: w.units["a-team"].ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, w.a.ID, sys, mate, calendar.Date{}))
		colleagueC := w.sessionFor(t, mate.ID, "mate")
		staffC, bC := w.session(t, "staff"), w.session(t, "b-hr")
		call := func(c *http.Cookie, method, path, body string) resp {
			return w.call(method, path, body, "", "Cookie", c.Name+"="+c.Value)
		}
		// 山田 teleworks today on an approved application and reports plan and result.
		storetest.Must(t, db.InApplyTx(ctx, func(tx apply.Tx) error {
			now := time.Now()
			a := &apply.Application{StaffID: w.staff["a-staff"].ID, Decision: apply.Approved, Status: apply.Approved, Mode: policy.Home,
				Place: policy.PlaceHome, TimeUnit: policy.FullDay, CreatedAt: now, UpdatedAt: now,
				Days: []apply.Day{{Date: today, Status: apply.Approved, UpdatedAt: now}}}
			return tx.InsertApplication(ctx, w.a.ID, a)
		}))
		if res := call(staffC, "POST", "/api/v1/worktime/start", `{"plan":"条例案の作成"}`); res.code != http.StatusOK {
			t.Fatalf("start: %d %s", res.code, res.body)
		}
		if res := call(staffC, "POST", "/api/v1/worktime/end", `{"result":"条例案を提出"}`); res.code != http.StatusOK {
			t.Fatalf("end: %d %s", res.code, res.body)
		}
		team := w.units["a-team"].ID
		board := func(c *http.Cookie) (plan, result string) {
			t.Helper()
			res := call(c, "GET", fmt.Sprintf("/api/v1/board?unit_id=%d", team), "")
			var b struct {
				Items []struct {
					StaffID      int64 `json:"staff_id"`
					Plan, Result string
				} `json:"items"`
			}
			if res.code != http.StatusOK || json.Unmarshal([]byte(res.body), &b) != nil {
				t.Fatalf("board: %d %s", res.code, res.body)
			}
			for _, it := range b.Items {
				if it.StaffID == w.staff["a-staff"].ID {
					return it.Plan, it.Result
				}
			}
			t.Fatalf("山田 not on the board: %s", res.body)
			return "", ""
		}
		feed := func(c *http.Cookie, section bool) string {
			t.Helper()
			res := call(c, "POST", "/api/v1/calendar-feeds", fmt.Sprintf(`{"section":%v}`, section))
			var f struct {
				Path string `json:"path"`
			}
			if res.code != http.StatusCreated || json.Unmarshal([]byte(res.body), &f) != nil {
				t.Fatalf("feed: %d %s", res.code, res.body)
			}
			return f.Path
		}
		description := func(path string) string {
			t.Helper()
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			cal, err := ical.NewDecoder(bytes.NewReader(rec.Body.Bytes())).Decode()
			if rec.Code != http.StatusOK || err != nil {
				t.Fatalf("feed: %d %v", rec.Code, err)
			}
			var out []string
			for _, ev := range cal.Events() {
				if d, _ := ev.Props.Text(ical.PropDescription); d != "" {
					out = append(out, d)
				}
			}
			return strings.Join(out, "|")
		}
		chiefFeed, ownFeed := feed(chiefC, true), feed(staffC, false)
		// A section feed is the 所属長's alone (it carries the colleagues'
		// names and days out to a calendar app), on the API as on the page.
		if res := call(colleagueC, "POST", "/api/v1/calendar-feeds", `{"section":true}`); res.code != http.StatusForbidden ||
			!strings.Contains(res.body, "schedule.section_feed_supervisor") {
			t.Errorf("a colleague's section feed: %d %s", res.code, res.body)
		}
		// One made before that rule (by someone who is no 所属長) answers
		// like a revoked token, whatever the section shares.
		legacy := &schedule.Feed{OwnerStaffID: mate.ID, UnitID: team, TokenHash: schedule.HashToken("legacy-colleague-feed"), CreatedAt: time.Now()}
		storetest.Must(t, db.InScheduleTx(ctx, func(tx schedule.Tx) error { return tx.InsertCalendarFeed(ctx, w.a.ID, legacy) }))
		colleagueFeed := "/api/v1/calendar-feeds/ics?token=legacy-colleague-feed"
		gone := func(when string) {
			t.Helper()
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, httptest.NewRequest("GET", colleagueFeed, nil))
			if rec.Code != http.StatusNotFound {
				t.Errorf("a non-head's section feed %s: %d", when, rec.Code)
			}
		}
		want := "予定: 条例案の作成\n結果: 条例案を提出"
		// Not opted in: the colleague sees neither; the 係長 and 山田 see both.
		if p, r := board(colleagueC); p != "" || r != "" {
			t.Errorf("colleague's board shows %q / %q", p, r)
		}
		for name, c := range map[string]*http.Cookie{"chief": chiefC, "staff": staffC} {
			if p, r := board(c); p != "条例案の作成" || r != "条例案を提出" {
				t.Errorf("%s's board shows %q / %q", name, p, r)
			}
		}
		gone("not opted in")
		for name, path := range map[string]string{"chief": chiefFeed, "own": ownFeed} {
			if d := description(path); d != want {
				t.Errorf("%s feed shows %q, want %q", name, d, want)
			}
		}
		// Only the head over the unit or HR changes it; another tenant's account finds no unit.
		sharing := fmt.Sprintf("/api/v1/units/%d/plan-sharing", team)
		if res := call(staffC, "PUT", sharing, `{"enabled":true}`); res.code != http.StatusForbidden {
			t.Fatalf("staff opts in: %d %s", res.code, res.body)
		}
		if res := call(bC, "PUT", sharing, `{"enabled":true}`); res.code != http.StatusNotFound {
			t.Fatalf("another tenant opts in: %d %s", res.code, res.body)
		}
		if res := call(bC, "GET", sharing, ""); res.code != http.StatusNotFound {
			t.Fatalf("another tenant reads: %d %s", res.code, res.body)
		}
		if res := call(chiefC, "PUT", sharing, `{}`); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("no enabled: %d %s", res.code, res.body)
		}
		res := call(chiefC, "PUT", sharing, `{"enabled":true}`)
		if res.code != http.StatusOK || !strings.Contains(res.body, `"enabled":true`) {
			t.Fatalf("opt in: %d %s", res.code, res.body)
		}
		if res := call(staffC, "GET", sharing, ""); res.code != http.StatusOK || !strings.Contains(res.body, `"enabled":true`) || !strings.Contains(res.body, `"can_change":false`) {
			t.Fatalf("read: %d %s", res.code, res.body)
		}
		if p, r := board(colleagueC); p != "条例案の作成" || r != "条例案を提出" {
			t.Errorf("opted-in board shows %q / %q", p, r)
		}
		gone("opted in")
		es, err := db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Action: "presence.plan_sharing", Limit: 10})
		storetest.Must(t, err)
		if len(es) != 1 {
			t.Fatalf("audit entries: %d", len(es))
		}
		// The page: the head sees the control and turns it off.
		page := w.do("GET", fmt.Sprintf("/board?unit_id=%d", team), nil, chiefC)
		if page.code != http.StatusOK || !strings.Contains(page.body, "所属の全員に表示する") {
			t.Fatalf("board page: %d", page.code)
		}
		if page := w.do("GET", "/board", nil, colleagueC); strings.Contains(page.body, `action="/board/plan-sharing"`) {
			t.Errorf("a team member gets the control")
		}
		if res := w.do("POST", "/board/plan-sharing", url.Values{"unit_id": {fmt.Sprint(team)}, "enabled": {"0"}}, chiefC); res.code != http.StatusSeeOther {
			t.Fatalf("page opt-out: %d %s", res.code, res.body)
		}
		if res := w.do("POST", "/board/plan-sharing", url.Values{"unit_id": {fmt.Sprint(team)}, "enabled": {"1"}}, colleagueC); res.code != http.StatusForbidden {
			t.Fatalf("page opt-in by a team member: %d", res.code)
		}
		if p, _ := board(colleagueC); p != "" {
			t.Errorf("after the page's opt-out the board shows %q", p)
		}
		gone("after the opt-out")
	})
}
