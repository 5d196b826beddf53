package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"telework/internal/attach"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/handbook"
	"telework/internal/incident"
	"telework/internal/roadmap"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// trialObject creates, in each fixture tenant, a fresh object of the kind
// an issue 16 route names in its {id} (the walk deletes some), and returns
// their ids (own tenant's, another's); ok is false for other kinds.
func trialObject(t *testing.T, w *world, object string) (ids [2]int64, ok bool) {
	t.Helper()
	ctx := context.Background()
	day := calendar.DateOf(w.db.Now())
	for i, tn := range []int64{w.a.ID, w.b.ID} {
		var id int64
		var err error
		switch object {
		case "roadmap_evidence":
			var f attach.File
			f, err = roadmap.NewService(w.db, w.db.Now).AttachEvidence(ctx, tn, sys, "f4.comm.web", "evidence.pdf", []byte("%PDF"))
			id = f.ID
		case "incident":
			var in incident.Incident
			in, err = incident.NewService(w.db, w.db.Now).Report(ctx, tn, sys, 0, incident.Report{Kind: incident.KindWorry,
				Category: "family", Summary: "家族への負担", Anonymous: true})
			id = in.ID
		case "cost":
			var c cost.Cost
			c, err = cost.NewService(w.db, w.db.Now).Add(ctx, tn, sys, cost.Cost{Kind: "software", Description: "Web会議", AmountYen: 1000, PaidOn: day})
			id = c.ID
		case "handbook_page", "handbook_file":
			hb := handbook.NewService(w.db, w.db.Now)
			var p handbook.Page
			if p, err = hb.SavePage(ctx, tn, sys, handbook.Page{Title: "手引き", Body: "# 手引き", Published: true}); err == nil {
				id = p.ID
				if object == "handbook_file" {
					var f attach.File
					f, err = hb.Attach(ctx, tn, sys, attach.Owner{PageID: p.ID}, "様式.pdf", []byte("%PDF"))
					id = f.ID
				}
			}
		case "briefing":
			var b handbook.Briefing
			b, err = handbook.NewService(w.db, w.db.Now).SaveBriefing(ctx, tn, sys, handbook.Briefing{Title: "説明会", HeldOn: day})
			id = b.ID
		default:
			return ids, false
		}
		if err != nil {
			t.Fatalf("%s fixture: %v", object, err)
		}
		ids[i] = id
	}
	return ids, true
}

// TestTrialCrossTenant: every issue 16 object route answers 404 for the
// right role on another tenant's object and changes nothing there.
func TestTrialCrossTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr, it := w.session(t, "hr"), w.session(t, "it")
		for _, rt := range w.srv.Routes() {
			if rt.Object == "" || !strings.Contains(rt.Pattern, "{id}") {
				continue
			}
			ids, ok := trialObject(t, w, rt.Object)
			if !ok {
				continue
			}
			cookie := hr
			if rt.Rule.Allows(principals["it"]) && !rt.Rule.Allows(principals["hr"]) {
				cookie = it
			}
			path := strings.ReplaceAll(rt.Pattern, "{id}", strconv.FormatInt(ids[1], 10))
			var form url.Values
			if rt.Method == http.MethodPost {
				form = url.Values{"version": {"1"}, "status": {"in_progress"}, "note": {"x"}, "title": {"x"}}
			}
			if res := w.do(rt.Method, path, form, cookie); res.code != http.StatusNotFound {
				t.Errorf("%s %s on another tenant's %s: %d", rt.Method, rt.Pattern, rt.Object, res.code)
			}
		}
		// The other tenant's objects are untouched.
		ctx := context.Background()
		if list, total, _ := incident.NewService(db, db.Now).List(ctx, w.b.ID, incident.Filter{}); total == 0 || list[0].Status != incident.StatusNew {
			t.Errorf("another tenant's incident changed: %+v", list)
		}
		if cs, _ := cost.NewService(db, db.Now).List(ctx, w.b.ID, cost.FiscalYear(calendar.DateOf(db.Now()))); len(cs) == 0 {
			t.Error("another tenant's cost was deleted")
		}
	})
}

// TestTrialFlows goes through the pages and the API of issue 16 as the
// people who use them; every API answer is checked against the document.
func TestTrialFlows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff, hr, it := w.session(t, "staff"), w.session(t, "hr"), w.session(t, "it")
		api := func(method, target, body string, c *http.Cookie, hdr ...string) resp {
			return w.call(method, target, body, "", append([]string{"Cookie", c.Name + "=" + c.Value}, hdr...)...)
		}

		// An anonymous report from a page (its access log: TestIncidentReportsLeaveNoLogLine).
		res := w.do("POST", "/incidents", url.Values{"kind": {"incident"}, "category": {"misdelivery"}, "summary": {"誤送信しました"},
			"anonymous": {"1"}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("anonymous report: %d %s", res.code, res.body)
		}
		// Staff cannot review; IT admin sees the report, without a reporter.
		if res := w.do("GET", "/incidents", nil, staff); res.code != http.StatusForbidden {
			t.Errorf("staff listed incidents: %d", res.code)
		}
		res = api("GET", "/api/v1/incidents", "", it)
		if res.code != 200 || !strings.Contains(res.body, "誤送信しました") || strings.Contains(res.body, "reporter") {
			t.Fatalf("IT list: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/incidents", nil, it); res.code != 200 || !strings.Contains(res.body, "メール・ファイルの誤送信") {
			t.Errorf("IT's incident page: %d", res.code)
		}
		// A named report through the API appears in the reporter's own list.
		res = api("POST", "/api/v1/incidents", `{"kind":"worry","category":"end_of_work","summary":"終業のタイミング"}`, staff)
		if res.code != http.StatusCreated {
			t.Fatalf("named report: %d %s", res.code, res.body)
		}
		if res := api("GET", "/api/v1/incidents/mine", "", staff); !strings.Contains(res.body, "終業のタイミング") || strings.Contains(res.body, "誤送信") {
			t.Errorf("mine: %s", res.body)
		}
		// A bad report names the field in Japanese.
		res = api("POST", "/api/v1/incidents", `{"kind":"worry","category":"malware","summary":""}`, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "概要") {
			t.Errorf("bad report: %d %s", res.code, res.body)
		}

		// Costs: a licence tagged, 光熱費 refused as qualifying, totals and export.
		day := calendar.DateOf(db.Now()).String()
		res = api("POST", "/api/v1/costs", `{"kind":"license","description":"Web会議","amount_yen":300000,"paid_on":"`+day+`","initial":true,"special_grant":true}`, it)
		if res.code != http.StatusCreated {
			t.Fatalf("add cost: %d %s", res.code, res.body)
		}
		res = api("POST", "/api/v1/costs", `{"kind":"utility_allowance","description":"在宅勤務手当","amount_yen":3000,"paid_on":"`+day+`","initial":true,"special_grant":true}`, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "special_grant") {
			t.Errorf("光熱費 tagged: %d %s", res.code, res.body)
		}
		if res := api("GET", "/api/v1/costs/totals", "", hr); !strings.Contains(res.body, `"estimate":150000`) {
			t.Errorf("totals: %s", res.body)
		}
		if res := w.do("GET", "/costs/export?format=csv", nil, hr); res.code != 200 || !strings.Contains(res.body, "Web会議") {
			t.Errorf("export: %d", res.code)
		}
		if res := w.do("GET", "/costs", nil, it); res.code != 200 || !strings.Contains(res.body, "300,000円") || !strings.Contains(res.body, "150,000円") {
			t.Errorf("cost page: %d", res.code)
		}
		if res := w.do("GET", "/costs", nil, staff); res.code != http.StatusForbidden {
			t.Errorf("staff read the costs: %d", res.code)
		}

		// Roadmap: a step and a tick by the 推進 staff, the print page.
		res = api("POST", "/api/v1/roadmap/steps", `{"step":1,"owners":["head","cio"],"status":"done","version":0}`, hr)
		if res.code != 200 || !strings.Contains(res.body, `"done_on":"`+day+`"`) {
			t.Fatalf("step: %d %s", res.code, res.body)
		}
		if res := w.do("POST", "/roadmap/check", url.Values{"item": {"f5.rules.apply"}, "done": {"1"}, "note": {"説明会で説明"}, "version": {"0"}}, it); res.code != http.StatusSeeOther {
			t.Errorf("tick: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/roadmap/print", nil, hr)
		if res.code != 200 || !strings.Contains(res.body, "首長") || !strings.Contains(res.body, "1項目済") {
			t.Errorf("print: %d", res.code)
		}

		// Handbook: HR writes a page in the first_signin slot; a script in it
		// never reaches the page; the password page links it once published.
		res = w.do("POST", "/handbook/pages", url.Values{"title": {"はじめてのサインイン"}, "body": {"## 手順\n\n<script>alert(1)</script>[x](javascript:alert(1))"},
			"slot": {"first_signin"}, "published": {"1"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("page: %d %s", res.code, res.body)
		}
		page := w.do("GET", res.location, nil, staff)
		if page.code != 200 || !strings.Contains(page.body, "<h3>手順</h3>") || strings.Contains(page.body, "<script>alert") || strings.Contains(page.body, "javascript:") {
			t.Errorf("page as staff: %d", page.code)
		}
		if pw := w.do("GET", "/password", nil, staff); !strings.Contains(pw.body, `href="`+res.location+`"`) {
			t.Errorf("the password page does not link the first sign-in page")
		}
		// The take-out rules page links the page in the take_out slot.
		if res := w.do("POST", "/handbook/pages", url.Values{"title": {"持ち出しのルール"}, "body": {"許可制です。"}, "slot": {"take_out"},
			"published": {"1"}}, hr); res.code != http.StatusSeeOther {
			t.Fatalf("take-out page: %d", res.code)
		} else if rules := w.do("GET", "/rules", nil, staff); !strings.Contains(rules.body, `href="`+res.location+`"`) {
			t.Errorf("the rules page does not link the take-out page")
		} else if rules := w.do("GET", "/rules", nil, w.session(t, "auditor")); strings.Contains(rules.body, `href="`+res.location+`"`) {
			t.Errorf("the auditor's rules page links a handbook page the auditor may not open")
		}
		if res := api("GET", "/api/v1/handbook/slots", "", staff); !strings.Contains(res.body, "はじめてのサインイン") {
			t.Errorf("slots: %s", res.body)
		}
		// A briefing with 図表5 topics, then changed.
		if res := w.do("POST", "/handbook/briefings", url.Values{"title": {"試行説明会"}, "held_on": {day}, "topics": {"f5.rules.apply"}}, hr); res.code != http.StatusSeeOther {
			t.Fatalf("briefing: %d %s", res.code, res.body)
		}
		res = api("GET", "/api/v1/handbook/briefings", "", staff)
		if !strings.Contains(res.body, "f5.rules.apply") {
			t.Fatalf("briefings: %s", res.body)
		}
		bid := strings.TrimSuffix(strings.SplitN(strings.SplitN(res.body, `"id":`, 2)[1], ",", 2)[0], "")
		if res := w.do("POST", "/handbook/briefings/"+bid, url.Values{"title": {"試行説明会(第2回)"}, "held_on": {day}, "version": {"1"}}, hr); res.code != http.StatusSeeOther {
			t.Errorf("briefing change: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/handbook", nil, staff); !strings.Contains(res.body, "試行説明会(第2回)") {
			t.Error("the changed briefing is not listed")
		}
		if res := w.do("GET", "/handbook/pages/new", nil, staff); res.code != http.StatusForbidden {
			t.Errorf("staff opened the editor: %d", res.code)
		}
	})
}

// TestIncidentReportsLeaveNoLogLine: a report (anonymous or not, from the
// page or the API), the redirect's page that follows it and the reporter's
// own list leave no access-log line, so nothing in the log ties an
// anonymous report to its author (a review found the POST's line without
// the account followed 2–5 ms later by the redirect's GET /incidents/new
// with it). IT's review pages are still logged.
func TestIncidentReportsLeaveNoLogLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff := w.session(t, "staff")
		reporter := strconv.FormatInt(w.users["staff"].ID, 10)
		cookie := []string{"Cookie", staff.Name + "=" + staff.Value}
		cases := []struct {
			name string
			do   func() resp
			want int
		}{
			{"anonymous page report", func() resp {
				return w.do("POST", "/incidents", url.Values{"kind": {"incident"}, "category": {"misdelivery"}, "summary": {"誤送信"}, "anonymous": {"1"}}, staff)
			}, http.StatusSeeOther},
			{"the redirect's page", func() resp { return w.do("GET", "/incidents/new", nil, staff) }, http.StatusOK},
			{"named page report", func() resp {
				return w.do("POST", "/incidents", url.Values{"kind": {"worry"}, "category": {"end_of_work"}, "summary": {"終業"}}, staff)
			}, http.StatusSeeOther},
			{"anonymous API report", func() resp {
				return w.call("POST", "/api/v1/incidents", `{"kind":"incident","category":"misdelivery","summary":"誤送信","anonymous":true}`, "", cookie...)
			}, http.StatusCreated},
			{"the reporter's list", func() resp { return w.call("GET", "/api/v1/incidents/mine", "", "", cookie...) }, http.StatusOK},
		}
		for _, c := range cases {
			before := w.logs.String()
			if res := c.do(); res.code != c.want {
				t.Fatalf("%s: %d %s", c.name, res.code, res.body)
			}
			for _, line := range strings.Split(strings.TrimPrefix(w.logs.String(), before), "\n") {
				var m map[string]any
				if line == "" || json.Unmarshal([]byte(line), &m) != nil {
					continue
				}
				if uid, ok := m["user_id"]; ok && strconv.FormatFloat(uid.(float64), 'f', -1, 64) == reporter {
					t.Errorf("%s: a log line names the reporter: %s", c.name, line)
				}
				if m["msg"] == "request" {
					t.Errorf("%s: an access-log line: %s", c.name, line)
				}
			}
		}
		// IT's review list is logged as any page.
		before := w.logs.String()
		w.do("GET", "/incidents", nil, w.session(t, "it"))
		if !strings.Contains(strings.TrimPrefix(w.logs.String(), before), `"route":"GET /incidents"`) {
			t.Error("IT's incident list left no access-log line")
		}
	})
}
