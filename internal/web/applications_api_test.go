package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// applyObjects makes the objects of the application routes for the route
// walk: a draft of the hr account's person in tenant a and one in tenant
// b (or a delegation in each).
//
// An application is a draft when draft is set, else submitted: a draft is
// read by its author only, so routes of others (a supervisor's) get a
// submitted one.
func (w *world) applyObjects(t *testing.T, kind string, draft bool) [2]int64 {
	t.Helper()
	ctx := context.Background()
	var out [2]int64
	for i, sp := range []struct {
		tenant  int64
		staffID int64
	}{{w.a.ID, w.staff["a-hr"].ID}, {w.b.ID, w.staff["b-staff"].ID}} {
		err := w.db.InApplyTx(ctx, func(tx apply.Tx) error {
			if kind == "delegation" {
				d := &apply.Delegation{ApproverID: sp.staffID, DelegateID: sp.staffID, Kind: apply.DelegateProxy, CreatedAt: time.Now()}
				if i == 0 {
					d.ApproverID = w.staff["a-super"].ID
				}
				err := tx.InsertDelegation(ctx, sp.tenant, d)
				out[i] = d.ID
				return err
			}
			now := time.Now()
			st := apply.Draft
			if !draft {
				st = apply.Submitted
			}
			a := &apply.Application{StaffID: sp.staffID, Decision: st, Status: st, Mode: policy.Home,
				Place: policy.PlaceHome, TimeUnit: policy.FullDay, CreatedAt: now, UpdatedAt: now,
				Days: []apply.Day{{Date: calendar.DateOf(now).AddDays(30), Status: st, UpdatedAt: now}}}
			err := tx.InsertApplication(ctx, sp.tenant, a)
			out[i] = a.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// applyWorld puts 松本市's policy in force in tenant a today and returns a
// business day three business days ahead.
func applyWorld(t *testing.T, db *store.DB) (*world, calendar.Date) {
	t.Helper()
	return applyWorldWith(t, db, "matsumoto")
}

// applyWorldWith is applyWorld under the guide's template of that name.
func applyWorldWith(t *testing.T, db *store.DB, template string) (*world, calendar.Date) {
	t.Helper()
	w := newWorld(t, db)
	ctx := context.Background()
	tp, ok := policy.TemplateByName(template)
	if !ok {
		t.Fatalf("no template %q", template)
	}
	today := calendar.DateOf(time.Now())
	if err := policy.NewService(db, db.Now).Save(ctx, w.a.ID, sys, &policy.Version{Effective: today, Policy: tp.Policy}); err != nil {
		t.Fatal(err)
	}
	cal, err := db.LoadCalendar(ctx, w.a.ID, today.Year, today.Year+1)
	if err != nil {
		t.Fatal(err)
	}
	return w, cal.AddBusinessDays(today, 3)
}

type appJSON struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	Version  int64  `json:"version"`
	Approver int64  `json:"approver_id"`
	Days     []struct {
		Date   string `json:"date"`
		Status string `json:"status"`
	} `json:"days"`
	Findings []struct {
		Rule, Severity, Message string
	} `json:"findings"`
}

func TestApplicationsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup, other := w.session(t, "staff"), w.session(t, "supervisor"), w.session(t, "it")
		call := func(c *http.Cookie, method, path, body string, hdr ...string) resp {
			hdr = append(hdr, "Cookie", c.Name+"="+c.Value)
			return w.call(method, path, body, "", hdr...)
		}
		body := fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"議会答弁資料の作成"}`, day)
		res := call(staff, "POST", "/api/v1/applications", body, "Idempotency-Key", "k1")
		if res.code != http.StatusCreated {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		var a appJSON
		decode(t, res, &a)
		if a.Status != "submitted" || len(a.Days) != 1 || a.Days[0].Date != day.String() || a.Approver != w.staff["a-super"].ID {
			t.Fatalf("created: %s", res.body)
		}
		// A double submission with the same key is one application.
		again := call(staff, "POST", "/api/v1/applications", body, "Idempotency-Key", "k1")
		var a2 appJSON
		decode(t, again, &a2)
		if again.code != http.StatusCreated || a2.ID != a.ID {
			t.Fatalf("replay: %d %s", again.code, again.body)
		}
		// The same day again: refused, in Japanese, with the findings.
		dup := call(staff, "POST", "/api/v1/applications", body)
		if dup.code != http.StatusUnprocessableEntity || !strings.Contains(dup.body, "caps.duplicate") || !strings.Contains(dup.body, "既に") && !strings.Contains(dup.body, "申請") {
			t.Fatalf("duplicate: %d %s", dup.code, dup.body)
		}
		if !strings.Contains(res.body, `"staff_name":"山田 太郎"`) || !strings.Contains(res.body, `"unit_name":"人事係"`) {
			t.Errorf("the new application does not name its person: %s", res.body)
		}
		// Only days off: refused, each listed with its reason.
		sat := day
		for sat.Weekday() != time.Saturday {
			sat = sat.AddDays(1)
		}
		off := call(staff, "POST", "/api/v1/applications", fmt.Sprintf(`{"range":{"from":"%s","to":"%s"},"mode":"home","plan":"資料作成"}`, sat, sat.AddDays(1)))
		if off.code != http.StatusUnprocessableEntity || !strings.Contains(off.body, `"reason":"土曜日"`) || !strings.Contains(off.body, "dates.no_business_day") {
			t.Errorf("days off only: %d %s", off.code, off.body)
		}
		pv := call(staff, "POST", "/api/v1/applications/preview", fmt.Sprintf(`{"range":{"from":"%s","to":"%s"},"mode":"home","plan":"資料作成"}`, sat.AddDays(-1), sat.AddDays(2)))
		if pv.code != 200 || !strings.Contains(pv.body, `"reason":"日曜日"`) || !strings.Contains(pv.body, fmt.Sprintf(`"approver_id":%d`, w.staff["a-super"].ID)) {
			t.Errorf("preview: %d %s", pv.code, pv.body)
		}
		past := call(staff, "POST", "/api/v1/applications", `{"dates":["2020-01-06"],"mode":"home","plan":"資料作成"}`)
		if past.code != http.StatusUnprocessableEntity || !strings.Contains(past.body, "date.past") {
			t.Fatalf("past: %d %s", past.code, past.body)
		}
		// The plan: without it, an application goes to the approver with a
		// warning (plan.required), submitted at once or as a draft.
		later := day.AddDays(7)
		for later.Weekday() == time.Saturday || later.Weekday() == time.Sunday {
			later = later.AddDays(1)
		}
		noPlan := call(staff, "POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home"}`, later))
		if noPlan.code != http.StatusCreated || !strings.Contains(noPlan.body, `"rule":"plan.required","severity":"warning"`) ||
			!strings.Contains(noPlan.body, `"status":"submitted"`) {
			t.Errorf("submitted without a plan: %d %s", noPlan.code, noPlan.body)
		}
		for later = later.AddDays(1); later.Weekday() == time.Saturday || later.Weekday() == time.Sunday; later = later.AddDays(1) {
		}
		draft := call(staff, "POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","submit":false}`, later))
		var dj appJSON
		decode(t, draft, &dj)
		if draft.code != http.StatusCreated || !strings.Contains(draft.body, "plan.required") {
			t.Fatalf("draft without a plan: %d %s", draft.code, draft.body)
		}
		// An action's body is optional: none at all, or none with a JSON
		// Content-Type (clients that always send one), is {}.
		for i, hdr := range [][]string{nil, {"Content-Type", "application/json"}} {
			sub := call(staff, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", dj.ID), "", hdr...)
			switch {
			case i == 0 && (sub.code != http.StatusOK || !strings.Contains(sub.body, `"rule":"plan.required","severity":"warning"`)):
				t.Errorf("draft submitted without a plan (%v): %d %s", hdr, sub.code, sub.body)
			case i == 1 && sub.code != http.StatusConflict: // submitted already
				t.Errorf("draft submitted twice (%v): %d %s", hdr, sub.code, sub.body)
			}
		}
		// Another person of the tenant does not see it; another tenant neither.
		if res := call(other, "GET", fmt.Sprintf("/api/v1/applications/%d", a.ID), ""); res.code != http.StatusNotFound {
			t.Errorf("another person's application: %d", res.code)
		}
		if res := call(other, "POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", a.ID), ""); res.code != http.StatusNotFound {
			t.Errorf("withdrawing another person's application: %d", res.code)
		}
		// The approver reads it but only the applicant withdraws or
		// cancels it: 403 saying so, not a 404 about an application they
		// have just read.
		for _, act := range []string{"withdraw", "cancel", "start", "finish"} {
			res := call(sup, "POST", fmt.Sprintf("/api/v1/applications/%d/%s", a.ID, act), "")
			if res.code != http.StatusForbidden || !strings.Contains(res.body, `"code":"apply.applicant_only"`) || !strings.Contains(res.body, "本人だけ") {
				t.Errorf("the approver's %s: %d %s", act, res.code, res.body)
			}
		}
		if res := call(w.session(t, "b-hr"), "GET", fmt.Sprintf("/api/v1/applications/%d", a.ID), ""); res.code != http.StatusNotFound {
			t.Errorf("cross-tenant read: %d", res.code)
		}
		if res := call(w.session(t, "b-hr"), "POST", fmt.Sprintf("/api/v1/applications/%d/approve", a.ID), ""); res.code != http.StatusNotFound {
			t.Errorf("cross-tenant approve: %d", res.code)
		}
		// The supervisor's inbox holds it; approve.
		inbox := call(sup, "GET", "/api/v1/approvals", "")
		if inbox.code != 200 || !strings.Contains(inbox.body, fmt.Sprintf(`"id":%d`, a.ID)) {
			t.Fatalf("inbox: %d %s", inbox.code, inbox.body)
		}
		ok := call(sup, "POST", fmt.Sprintf("/api/v1/applications/%d/approve", a.ID), `{"comment":"承認します"}`)
		var ap appJSON
		decode(t, ok, &ap)
		if ok.code != 200 || ap.Status != "approved" {
			t.Fatalf("approve: %d %s", ok.code, ok.body)
		}
		conflict := call(sup, "POST", fmt.Sprintf("/api/v1/applications/%d/reject", a.ID), `{"comment":"x"}`)
		if conflict.code != http.StatusConflict || !strings.Contains(conflict.body, "承認されています") {
			t.Fatalf("reject after approval: %d %s", conflict.code, conflict.body)
		}
		// Withdraw reads withdrawn.
		next := cal1(t, db, w, day)
		res = call(staff, "POST", "/api/v1/applications", fmt.Sprintf(`{"range":{"from":"%s","to":"%s"},"mode":"home","plan":"資料作成"}`, next, next))
		var b appJSON
		decode(t, res, &b)
		res = call(staff, "POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", b.ID), "")
		decode(t, res, &b)
		if res.code != 200 || b.Status != "withdrawn" {
			t.Fatalf("withdraw: %d %s", res.code, res.body)
		}
		// Bulk: one approved, one already decided.
		res = call(staff, "POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, next))
		var c appJSON
		decode(t, res, &c)
		res = call(sup, "POST", "/api/v1/approvals", fmt.Sprintf(`{"ids":[%d,%d],"action":"approve"}`, c.ID, a.ID))
		var bulk struct {
			Done   []appJSON `json:"done"`
			Failed []struct {
				ID     int64 `json:"id"`
				Status int   `json:"status"`
			} `json:"failed"`
		}
		decode(t, res, &bulk)
		if res.code != 200 || len(bulk.Done) != 1 || len(bulk.Failed) != 1 || bulk.Failed[0].Status != 409 {
			t.Fatalf("bulk: %d %s", res.code, res.body)
		}
		// Notifications: the applicant has approved ones.
		res = call(staff, "GET", "/api/v1/notifications", "")
		if res.code != 200 || !strings.Contains(res.body, `"kind":"approved"`) {
			t.Fatalf("notifications: %d %s", res.code, res.body)
		}
		res = call(staff, "POST", "/api/v1/notifications/read", "")
		if res.code != 200 || !strings.Contains(res.body, `"unread":0`) {
			t.Fatalf("mark read: %d %s", res.code, res.body)
		}
		// The list of one's own.
		res = call(staff, "GET", "/api/v1/applications?status=approved", "")
		if res.code != 200 || !strings.Contains(res.body, `"total":2`) {
			t.Fatalf("list: %d %s", res.code, res.body)
		}
		if res := call(other, "GET", fmt.Sprintf("/api/v1/applications?staff_id=%d", w.staff["a-staff"].ID), ""); res.code != http.StatusForbidden {
			t.Errorf("listing another person's: %d", res.code)
		}
	})
}

// cal1 is the business day after d.
func cal1(t *testing.T, db *store.DB, w *world, d calendar.Date) calendar.Date {
	t.Helper()
	cal, err := db.LoadCalendar(context.Background(), w.a.ID, d.Year, d.Year+1)
	if err != nil {
		t.Fatal(err)
	}
	return cal.AddBusinessDays(d, 1)
}

// TestOneDecisionWinsThroughHTTP: the supervisor and a standing proxy
// approve while the applicant cancels, at once over real HTTP, each acting
// on the version they read: exactly one wins, the others get 409 problem
// details, and the audit log shows one decision.
func TestOneDecisionWinsThroughHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		ts := httptest.NewServer(w.srv)
		defer ts.Close()
		cookies := map[string]*http.Cookie{}
		for _, k := range []string{"staff", "supervisor", "hr"} {
			cookies[k] = w.session(t, k)
		}
		do := func(k, method, path, body string, hdr ...string) (int, string) {
			req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
			req.AddCookie(cookies[k])
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			for i := 0; i+1 < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return 0, ""
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		// The hr account's person is the supervisor's standing proxy (代決者).
		code, body := do("supervisor", "POST", "/api/v1/delegations", fmt.Sprintf(`{"delegate_id":%d,"kind":"proxy"}`, w.staff["a-hr"].ID))
		if code != http.StatusCreated {
			t.Fatalf("delegation: %d %s", code, body)
		}
		days := []calendar.Date{day, cal1(t, db, w, day), cal1(t, db, w, cal1(t, db, w, day))}
		for round, d := range days {
			code, body := do("staff", "POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, d))
			var a appJSON
			if code != http.StatusCreated || json.Unmarshal([]byte(body), &a) != nil {
				t.Fatalf("create: %d %s", code, body)
			}
			tag := fmt.Sprintf(`"application-%d-v%d"`, a.ID, a.Version)
			base := fmt.Sprintf("/api/v1/applications/%d/", a.ID)
			var wg sync.WaitGroup
			start := make(chan struct{})
			codes := make([]int, 3)
			bodies := make([]string, 3)
			for i, c := range []struct{ who, action string }{{"supervisor", "approve"}, {"hr", "approve"}, {"staff", "cancel"}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					codes[i], bodies[i] = do(c.who, "POST", base+c.action, "", "If-Match", tag)
				}()
			}
			close(start)
			wg.Wait()
			wins := 0
			for i, c := range codes {
				switch c {
				case http.StatusOK:
					wins++
				case http.StatusConflict:
					if !strings.Contains(bodies[i], "application/problem") && !strings.Contains(bodies[i], `"status":409`) {
						t.Errorf("round %d: 409 without problem details: %s", round, bodies[i])
					}
				default:
					t.Errorf("round %d: %d %s", round, c, bodies[i])
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d winners %v", round, wins, codes)
			}
		}
		es, err := db.FindAuditEntries(context.Background(), w.a.ID, audit.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range es {
			if e.Action == "application.approve" || e.Action == "application.cancel" {
				n++
			}
		}
		if n != len(days) {
			t.Errorf("audit shows %d decisions for %d applications", n, len(days))
		}
	})
}

// TestApplicationRoutesAcrossTenants: every application and approval route
// refuses another tenant's objects (404) and lists none of them, even for
// the other tenant's HR; a delegation of tenant a cannot be ended from b.
func TestApplicationRoutesAcrossTenants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		res := w.call("POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, day), "", "Cookie", "telework_session="+staff.Value)
		var a appJSON
		decode(t, res, &a)
		if res.code != http.StatusCreated {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		dl := w.applyObjects(t, "delegation", false)[0]
		bhr := "telework_session=" + w.session(t, "b-hr").Value
		n := 0
		for _, rt := range w.srv.Routes() {
			if !strings.HasPrefix(rt.Pattern, "/api/v1/applications/{id}") && !strings.HasPrefix(rt.Pattern, "/api/v1/delegations/{id}") {
				continue
			}
			id := a.ID
			if rt.Object == "delegation" {
				id = dl
			}
			path := strings.ReplaceAll(rt.Pattern, "{id}", fmt.Sprint(id))
			body := ""
			if rt.Method == "POST" || rt.Method == "PUT" {
				body = `{"comment":"x"}`
				if rt.Method == "PUT" {
					body = fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, day)
				}
			}
			if res := w.call(rt.Method, path, body, "", "Cookie", bhr); res.code != http.StatusNotFound {
				t.Errorf("%s %s from another tenant: %d %s", rt.Method, rt.Pattern, res.code, res.body)
			}
			n++
		}
		if n < 12 {
			t.Fatalf("only %d routes tried", n)
		}
		for _, path := range []string{"/api/v1/applications", "/api/v1/approvals", "/api/v1/notifications", "/api/v1/delegations"} {
			res := w.call("GET", path, "", "", "Cookie", bhr)
			if res.code != 200 || strings.Contains(res.body, fmt.Sprintf(`"id":%d,`, a.ID)) || strings.Contains(res.body, fmt.Sprintf(`"application_id":%d`, a.ID)) {
				t.Errorf("%s from another tenant: %d %s", path, res.code, res.body)
			}
		}
		res = w.call("GET", fmt.Sprintf("/api/v1/applications?staff_id=%d", w.staff["a-staff"].ID), "", "", "Cookie", bhr)
		if res.code != 200 || !strings.Contains(res.body, `"total":0`) {
			t.Errorf("listing another tenant's person: %d %s", res.code, res.body)
		}
		// The application is still as it was.
		res = w.call("GET", fmt.Sprintf("/api/v1/applications/%d", a.ID), "", "", "Cookie", "telework_session="+staff.Value)
		if !strings.Contains(res.body, `"status":"submitted"`) {
			t.Errorf("after the other tenant's attempts: %s", res.body)
		}
	})
}

// TestTransferHandsOnTheApplication: HR moves a person whose application
// waits for their 課長 to a unit with another head (PATCH /api/v1/staff):
// the application waits for the new head at once, and the former approver
// may no longer decide it (a review found it stuck with them).
func TestTransferHandsOnTheApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup, hr := w.session(t, "staff"), w.session(t, "supervisor"), w.session(t, "hr")
		call := func(c *http.Cookie, method, path, body string, hdr ...string) resp {
			hdr = append(hdr, "Cookie", c.Name+"="+c.Value)
			return w.call(method, path, body, "", hdr...)
		}
		res := call(staff, "POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, day))
		var a appJSON
		decode(t, res, &a)
		if res.code != http.StatusCreated || a.Approver != w.staff["a-super"].ID {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		patch := func(key, body string) {
			t.Helper()
			path := fmt.Sprintf("/api/v1/staff/%d", w.staff[key].ID)
			tag := call(hr, "GET", path, "").header.Get("ETag")
			if res := call(hr, "PATCH", path, body, "If-Match", tag); res.code != http.StatusOK {
				t.Fatalf("PATCH %s: %d %s", key, res.code, res.body)
			}
		}
		patch("a-it", `{"is_supervisor":true,"rank":"manager"}`)
		patch("a-staff", fmt.Sprintf(`{"unit_id":%d}`, w.units["a-other"].ID))
		res = call(staff, "GET", fmt.Sprintf("/api/v1/applications/%d", a.ID), "")
		decode(t, res, &a)
		if a.Approver != w.staff["a-it"].ID {
			t.Fatalf("after the transfer the approver is %d, want the new unit's head %d", a.Approver, w.staff["a-it"].ID)
		}
		if res := call(sup, "POST", fmt.Sprintf("/api/v1/applications/%d/approve", a.ID), "{}"); res.code != http.StatusForbidden &&
			res.code != http.StatusNotFound {
			t.Errorf("the former approver decided: %d %s", res.code, res.body)
		}
	})
}
