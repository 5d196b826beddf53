package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/handbook"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestApplyWithPlannedTasks: the planned work picked from the task
// inventory (issues 11 and 13), end to end through the pages and the API.
// The form offers the approved tasks of the person's section; a task the
// chosen place cannot carry is a warning in the live check, on the
// application's page and in the approver's inbox, with the reason; a task
// deleted after the application still lets the approver decide.
func TestApplyWithPlannedTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		ctx := context.Background()
		svc := tasks.NewService(db, db.Now)
		it := &auth.Principal{TenantID: w.a.ID, UserID: w.users["it"].ID, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
		zei := &tasks.InfoSystem{Name: "税務システム", Segment: tasks.MyNumber, DataClasses: []tasks.DataClass{tasks.ResidentSensitive}}
		storetest.Must(t, svc.SaveSystem(ctx, w.a.ID, it, zei))
		tax := &tasks.SheetTask{UnitID: w.units["a-team"].ID, Name: "課税資料の入力", Content: "申告書の内容を税務システムに入力", SystemIDs: []int64{zei.ID}}
		storetest.Must(t, svc.CreateTask(ctx, w.a.ID, it, tax))
		memo := &tasks.SheetTask{UnitID: w.units["a-sect"].ID, Name: "会議資料の作成"}
		storetest.Must(t, svc.CreateTask(ctx, w.a.ID, it, memo))
		other := &tasks.SheetTask{UnitID: w.units["a-other"].ID, Name: "他課の業務"}
		storetest.Must(t, svc.CreateTask(ctx, w.a.ID, it, other))
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		taxID, memoID := strconv.FormatInt(tax.ID, 10), strconv.FormatInt(memo.ID, 10)

		// The picker: the team's and the section's tasks, not another section's.
		res := w.do("GET", "/apply", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, `name="task_ids" value="`+taxID+`"`) || !strings.Contains(res.body, `value="`+memoID+`"`) ||
			!strings.Contains(res.body, "<legend>業務の棚卸しから選ぶ業務") || strings.Contains(res.body, "他課の業務") {
			t.Fatalf("the form's task picker: %d\n%s", res.code, res.body)
		}
		// The live check names the task and the reason.
		form := dayForm(day, "")
		form["task_ids"] = []string{taxID, memoID}
		res = w.do("POST", "/apply/check", form, staff)
		if res.code != 200 || !strings.Contains(res.body, "「課税資料の入力」(在宅): 「税務システム」は個人番号利用事務系") || strings.Contains(res.body, "会議資料の作成") {
			t.Fatalf("live check: %d\n%s", res.code, res.body)
		}
		// A malformed id is a field error of the picker; nothing written.
		bad := dayForm(day, "submit")
		bad["task_ids"] = []string{"x"}
		if res = w.do("POST", "/apply", bad, staff); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-task_ids-error"`) {
			t.Errorf("malformed task id: %d\n%s", res.code, res.body)
		}
		// Submitted: a warning, not a refusal; the page and the inbox show both.
		form.Set("action", "submit")
		id := submitPage(t, w, staff, form)
		page := w.do("GET", fmt.Sprintf("/applications/%d", id), nil, staff)
		if !strings.Contains(page.body, "予定の業務(業務の棚卸し)") || !strings.Contains(page.body, "<li>会議資料の作成</li>") || !strings.Contains(page.body, "個人番号利用事務系") {
			t.Errorf("application page:\n%s", page.body)
		}
		if strings.Contains(page.body, "報告欄") {
			t.Error("松本市's policy (verbal reports) shows the combined form")
		}
		inbox := w.do("GET", "/approvals", nil, sup)
		if !strings.Contains(inbox.body, `<span class="tag">課税資料の入力</span>`) || !strings.Contains(inbox.body, "finding-list--warning") || !strings.Contains(inbox.body, "個人番号利用事務系") {
			t.Errorf("inbox:\n%s", inbox.body)
		}
		// The form to apply again keeps the picked tasks ticked.
		if res = w.do("GET", fmt.Sprintf("/apply?from=%d", id), nil, staff); !strings.Contains(res.body, `value="`+taxID+`" checked`) {
			t.Errorf("apply again does not keep the tasks")
		}

		// The API: task_ids in, the warning and the ids out.
		call := func(c *http.Cookie, method, path, body string) resp {
			return w.call(method, path, body, "", "Cookie", c.Name+"="+c.Value)
		}
		next := cal1(t, db, w, day)
		res = call(staff, "POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"課税資料","task_ids":[%d]}`, next, tax.ID))
		var a appJSON
		decode(t, res, &a)
		if res.code != http.StatusCreated || a.Status != "submitted" || !strings.Contains(res.body, fmt.Sprintf(`"task_ids":[%d]`, tax.ID)) ||
			!strings.Contains(res.body, `"rule":"tasks.feasibility"`) {
			t.Fatalf("API create with tasks: %d %s", res.code, res.body)
		}
		// At create, a task not on the person's sheets is refused, and
		// another section's is answered exactly as a missing one; more
		// than 20 are refused with the limit.
		refused := func(ids string) string {
			res := call(staff, "POST", "/api/v1/applications/preview", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"x","task_ids":[%s]}`, next, ids))
			var pb struct {
				Errors []struct{ Field, Detail string }
			}
			decode(t, res, &pb)
			if res.code != http.StatusUnprocessableEntity || len(pb.Errors) != 1 || pb.Errors[0].Field != "task_ids" {
				t.Fatalf("task_ids [%s]: %d %s", ids, res.code, res.body)
			}
			return strings.ReplaceAll(pb.Errors[0].Detail, ids, "N")
		}
		otherID := strconv.FormatInt(other.ID, 10)
		if a, b := refused(otherID), refused("999999"); a != b || !strings.Contains(a, "業務シートにない業務") || strings.Contains(a, "他課") {
			t.Errorf("another section's task %q, a missing one %q", a, b)
		}
		if msg := refused(strings.TrimSuffix(strings.Repeat(memoID+",", 21), ",")); !strings.Contains(msg, "20件まで") {
			t.Errorf("21 tasks: %q", msg)
		}
		// The task is deleted before the decision: a warning, the approval goes through.
		storetest.Must(t, svc.DeleteTask(ctx, w.a.ID, it, tax.ID))
		res = call(sup, "POST", fmt.Sprintf("/api/v1/applications/%d/approve", a.ID), `{}`)
		if res.code != 200 || !strings.Contains(res.body, `"approved"`) || !strings.Contains(res.body, "一覧にありません") {
			t.Errorf("approval after the task was deleted: %d %s", res.code, res.body)
		}
		if page = w.do("GET", fmt.Sprintf("/applications/%d", a.ID), nil, sup); !strings.Contains(page.body, "一覧から削除された業務") {
			t.Errorf("a deleted task on the page:\n%s", page.body)
		}
		// No 持ち出し fieldset under 松本市's policy: the take_out page is
		// linked where it would be.
		if _, err := handbook.NewService(db, db.Now).SavePage(ctx, w.a.ID, sys, handbook.Page{Title: "持ち出しのルール", Body: "# 持ち出し", Slot: "take_out", Published: true}); err != nil {
			t.Fatal(err)
		}
		res = w.do("GET", "/apply", nil, staff)
		if at, plan := strings.Index(res.body, "持ち出しについて"), strings.Index(res.body, `name="plan"`); at < plan || strings.Contains(res.body, "<legend>持ち出し") || !strings.Contains(res.body, "持ち出しのルール") {
			t.Errorf("take-out link without the fieldset: at %d, plan %d", at, plan)
		}
		// The contract: task_ids is in the OpenAPI document's request.
		if doc := string(w.srv.OpenAPIJSON()); !strings.Contains(doc, `"task_ids"`) {
			t.Error("task_ids is not in the OpenAPI document")
		}
	})
}

// TestApplyFormHandbookLinks: the handbook pages in the apply_form and
// take_out slots are linked on the application form (issue 16), the
// take_out one inside the 持ち出し fieldset (or, where the policy asks no
// consent and there is no fieldset, where it would be); an empty slot
// links nothing.
func TestApplyFormHandbookLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		tp, _ := policy.TemplateByName("matsumoto")
		pol := tp.Policy
		pol.TakeOut.Paper, pol.TakeOut.Data = "consent", "consent"
		if err := policy.NewService(db, db.Now).Save(ctx, w.a.ID, sys, &policy.Version{Effective: calendar.DateOf(time.Now()), Policy: pol}); err != nil {
			t.Fatal(err)
		}
		staff := w.session(t, "staff")
		if res := w.do("GET", "/apply", nil, staff); strings.Contains(res.body, `class="handbook-link"`) {
			t.Fatalf("a link without a page in the slot")
		}
		hb := handbook.NewService(db, db.Now)
		for _, p := range []handbook.Page{{Title: "申請のしかた", Body: "# 申請", Slot: "apply_form", Published: true},
			{Title: "持ち出しのルール", Body: "# 持ち出し", Slot: "take_out", Published: true}} {
			if _, err := hb.SavePage(ctx, w.a.ID, sys, p); err != nil {
				t.Fatal(err)
			}
		}
		res := w.do("GET", "/apply", nil, staff)
		guide, form := strings.Index(res.body, "申請のしかた"), strings.Index(res.body, `class="form apply-form"`)
		legend, end := strings.Index(res.body, "<legend>持ち出し"), strings.Index(res.body, `name="take_out_items"`)
		takeOut := strings.Index(res.body, "持ち出しのルール")
		if guide < 0 || guide > form || legend < 0 || takeOut < legend || takeOut > end {
			t.Errorf("handbook links: guide %d (form %d), take-out %d not in the fieldset %d..%d\n%s", guide, form, takeOut, legend, end, res.body)
		}
	})
}
