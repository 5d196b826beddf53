package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// worktimeObjects gives the route walk a prior overtime request in each
// tenant: a withdrawn one of the hr account's person (so approve, reject
// and withdraw answer 409, not 403/404) and one of tenant b.
func worktimeObjects(t *testing.T, w *world, object string) ([2]int64, bool) {
	if object != "worktime_overtime" {
		return [2]int64{}, false
	}
	t.Helper()
	var out [2]int64
	for i, sp := range []struct{ tenant, staff int64 }{{w.a.ID, w.staff["a-hr"].ID}, {w.b.ID, w.staff["b-staff"].ID}} {
		// A day of its own per route: one request per person and day.
		today := calendar.DateOf(time.Now())
		had, err := w.db.FindOvertimes(context.Background(), sp.tenant, worktime.OvertimeFilter{From: today, To: today.AddDays(999), All: true})
		if err != nil {
			t.Fatal(err)
		}
		err = w.db.InOvertimeTx(context.Background(), func(tx worktime.OvertimeTx) error {
			o := &worktime.Overtime{StaffID: sp.staff, Date: today.AddDays(40 + len(had)), Until: "19:00",
				Reason: "walk", Status: worktime.OvertimeWithdrawn, CreatedAt: time.Now()}
			if i == 1 {
				o.Status = worktime.OvertimeRequested
			}
			err := tx.InsertOvertime(context.Background(), sp.tenant, o)
			out[i] = o.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out, true
}

type overtimeOut struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	Approver  int64  `json:"approver_id"`
	Version   int64  `json:"version"`
	CanDecide bool   `json:"can_decide"`
}

// TestOvertimeAPI: the person asks, the supervisor sees it with
// can_decide and approves; another tenant's account gets 404 and cannot
// decide; a colleague sees nothing; bad input is 422 naming the field.
func TestOvertimeAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		staff, super, colleague, bhr := mkToken(t, w, "staff", false), mkToken(t, w, "supervisor", false), mkToken(t, w, "it", false), mkToken(t, w, "b-hr", false)
		today := calendar.DateOf(time.Now())
		res := w.call("POST", "/api/v1/worktime/overtime", fmt.Sprintf(`{"date":"%s","until":"19:30","reason":"議会資料の修正"}`, today), staff)
		if res.code != http.StatusCreated {
			t.Fatalf("request: %d %s", res.code, res.body)
		}
		var o overtimeOut
		decode(t, res, &o)
		if o.Status != "requested" || o.Approver != w.staff["a-super"].ID || o.CanDecide {
			t.Fatalf("request: %s", res.body)
		}
		if res := w.call("POST", "/api/v1/worktime/overtime", `{"date":"2001-01-01","until":"7pm","reason":""}`, staff); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, `"field":"until"`) || !strings.Contains(res.body, `"field":"date"`) ||
			!strings.Contains(res.body, `"field":"reason"`) || strings.Contains(withoutCodes(res.body), "overtime_") {
			t.Fatalf("bad request: %d %s", res.code, res.body)
		}
		// A malformed date is reported with the other fields' errors.
		if res := w.call("POST", "/api/v1/worktime/overtime", `{"date":"x","until":"7pm","reason":""}`, staff); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, `"field":"until"`) || !strings.Contains(res.body, `"field":"date"`) ||
			!strings.Contains(res.body, `"field":"reason"`) || !strings.Contains(res.body, "時間外勤務の日") {
			t.Fatalf("bad date: %d %s", res.code, res.body)
		}
		res = w.call("GET", "/api/v1/worktime/overtime?status=requested", "", super)
		var list struct {
			Items []overtimeOut `json:"items"`
		}
		decode(t, res, &list)
		if res.code != http.StatusOK || len(list.Items) != 1 || !list.Items[0].CanDecide {
			t.Fatalf("supervisor's list: %d %s", res.code, res.body)
		}
		for _, tok := range []string{colleague, bhr} {
			res := w.call("GET", "/api/v1/worktime/overtime", "", tok)
			decode(t, res, &list)
			if res.code != http.StatusOK || len(list.Items) != 0 {
				t.Errorf("someone else's list: %d %s", res.code, res.body)
			}
		}
		path := fmt.Sprintf("/api/v1/worktime/overtime/%d/", o.ID)
		if res := w.call("POST", path+"approve", "", bhr); res.code != http.StatusNotFound {
			t.Fatalf("another tenant approves: %d %s", res.code, res.body)
		}
		if res := w.call("POST", path+"approve", "", colleague); res.code != http.StatusNotFound {
			t.Fatalf("a colleague approves: %d %s", res.code, res.body)
		}
		if res := w.call("POST", path+"approve", "", staff); res.code != http.StatusForbidden {
			t.Fatalf("self-approval: %d %s", res.code, res.body)
		}
		// A decision on a version the approver did not see: 409 (as for an
		// application), not an If-Match 412.
		if res := w.call("POST", path+"approve", `{"version":7}`, super); res.code != http.StatusConflict || !strings.Contains(res.body, "画面を開いた後に変更") {
			t.Fatalf("approve an older version: %d %s", res.code, res.body)
		}
		res = w.call("POST", path+"approve", `{"comment":"了解","version":1}`, super)
		decode(t, res, &o)
		if res.code != http.StatusOK || o.Status != "approved" {
			t.Fatalf("approve: %d %s", res.code, res.body)
		}
		if res := w.call("POST", path+"reject", "", super); res.code != http.StatusConflict {
			t.Fatalf("decided twice: %d %s", res.code, res.body)
		}
		if res := w.call("GET", "/api/v1/worktime/overtime?status=nope", "", staff); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("bad status: %d", res.code)
		}
		// Approved for today: the approval is the record now, not withdrawn.
		if res := w.call("POST", path+"withdraw", "", staff); res.code != http.StatusConflict || !strings.Contains(res.body, "取り下げは前日までです") {
			t.Fatalf("withdraw on its day: %d %s", res.code, res.body)
		}
		res = w.call("POST", "/api/v1/worktime/overtime", fmt.Sprintf(`{"date":"%s","until":"19:30","reason":"議会資料の修正"}`, today.AddDays(1)), staff)
		decode(t, res, &o)
		if res := w.call("POST", fmt.Sprintf("/api/v1/worktime/overtime/%d/withdraw", o.ID), "", staff); res.code != http.StatusOK || !strings.Contains(res.body, `"withdrawn"`) {
			t.Fatalf("withdraw ahead: %d %s", res.code, res.body)
		}
	})
}

// TestOvertimePages: the person asks on the page; the supervisor sees the
// request with its buttons and approves with one tap.
func TestOvertimePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		staff, super := w.session(t, "staff"), w.session(t, "supervisor")
		if res := w.do("GET", "/worktime/overtime", nil, staff); res.code != http.StatusOK || !strings.Contains(res.body, "事前承認を申請する") {
			t.Fatalf("page: %d", res.code)
		}
		today := calendar.DateOf(time.Now()).String()
		res := w.do("POST", "/worktime/overtime", url.Values{"overtime_date": {today}, "overtime_until": {"19:00"}, "overtime_reason": {""}}, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「理由」を入力してください") {
			t.Fatalf("empty reason: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/worktime/overtime", url.Values{"overtime_date": {today}, "overtime_until": {"19:00"}, "overtime_reason": {"予算資料"}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("request: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/worktime/team", nil, super); !strings.Contains(res.body, "承認待ち 1件") {
			t.Errorf("the team page does not count the waiting request")
		}
		if res := w.do("GET", "/approvals", nil, super); !strings.Contains(res.body, "時間外勤務の事前承認が 1 件、あなたの判断を待っています") {
			t.Errorf("the approval inbox does not point at the waiting request")
		}
		if res := w.do("GET", "/approvals", nil, staff); strings.Contains(res.body, "時間外勤務の事前承認が") {
			t.Errorf("the applicant's inbox shows their own request as waiting for them")
		}
		res = w.do("GET", "/worktime/overtime", nil, super)
		i := strings.Index(res.body, `name="id" value="`)
		if res.code != http.StatusOK || i < 0 || !strings.Contains(res.body, "承認する") || !strings.Contains(res.body, "予算資料") {
			t.Fatalf("supervisor's page: %d %s", res.code, res.body)
		}
		id := res.body[i+len(`name="id" value="`):]
		id = id[:strings.Index(id, `"`)]
		if res := w.do("POST", "/worktime/overtime/decide", url.Values{"id": {id}, "decision": {"maybe"}}, super); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("an unknown decision: %d", res.code)
		}
		if res := w.do("POST", "/worktime/overtime/decide", url.Values{"id": {id}, "decision": {"approve"}}, super); res.code != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/worktime/overtime", nil, staff); !strings.Contains(res.body, "承認済") {
			t.Fatalf("person's page after approval: %s", res.body)
		}
		if res := w.do("POST", "/worktime/overtime/decide", url.Values{"decision": {"approve"}}, super); res.code != http.StatusUnprocessableEntity {
			t.Fatalf("no id: %d", res.code)
		}
		// An approval of a day weeks past is the record: the page offers no
		// withdrawal and a posted one is refused naming the rule.
		past := calendar.DateOf(time.Now()).AddDays(-19)
		storetest.Must(t, w.db.InOvertimeTx(context.Background(), func(tx worktime.OvertimeTx) error {
			return tx.InsertOvertime(context.Background(), w.a.ID, &worktime.Overtime{StaffID: w.staff["a-staff"].ID, Date: past, Until: "20:00",
				Reason: "選挙事務", Status: worktime.OvertimeApproved, ApproverID: w.staff["a-super"].ID, CreatedAt: time.Now()})
		}))
		res = w.do("GET", "/worktime/overtime", nil, staff)
		if !strings.Contains(res.body, "選挙事務") || strings.Contains(res.body, ": "+past.String()+"</span></button>") {
			t.Fatalf("a past approval offers withdrawal: %s", res.body)
		}
		list, err := w.db.FindOvertimes(context.Background(), w.a.ID, worktime.OvertimeFilter{From: past, To: past, All: true})
		storetest.Must(t, err)
		res = w.do("POST", "/worktime/overtime/withdraw", url.Values{"id": {fmt.Sprint(list[0].ID)}}, staff)
		if res.code != http.StatusConflict || !strings.Contains(res.body, "対象の日("+past.String()+")になってからは取り下げられません") {
			t.Fatalf("withdraw a past approval: %d %s", res.code, res.body)
		}
	})
}
