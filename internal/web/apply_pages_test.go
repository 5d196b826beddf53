package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// noteObjects makes a notification of the hr account's person in tenant a
// and one of tenant b's person, for the route walk.
func (w *world) noteObjects(t *testing.T) [2]int64 {
	t.Helper()
	var out [2]int64
	for i, sp := range []struct{ tenant, staffID int64 }{{w.a.ID, w.staff["a-hr"].ID}, {w.b.ID, w.staff["b-staff"].ID}} {
		err := w.db.InNotifyTx(context.Background(), func(tx notify.Tx) error {
			ns := []notify.Notification{notify.New(sp.staffID, notify.Reminder, 0, map[string]any{"Count": 1})}
			ns[0].CreatedAt = time.Now()
			err := tx.InsertNotifications(context.Background(), sp.tenant, ns)
			out[i] = ns[0].ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// sessionNow signs a tenant a account in as of the database's clock (the
// test moves it to the day of the telework).
func (w *world) sessionNow(t *testing.T, key string) *http.Cookie {
	t.Helper()
	token, hash := auth.NewSessionToken()
	s := &auth.Session{TokenHash: hash, TenantID: w.a.ID, UserID: w.users[key].ID, ExpiresAt: w.db.Now().Add(time.Hour)}
	if err := w.db.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: "telework_session", Value: token}
}

var appIDRE = regexp.MustCompile(`/applications/(\d+)$`)

// submitPage applies through the form and returns the new application's id.
func submitPage(t *testing.T, w *world, c *http.Cookie, form url.Values) int64 {
	t.Helper()
	res := w.do("POST", "/apply", form, c)
	m := appIDRE.FindStringSubmatch(res.location)
	if res.code != http.StatusSeeOther || m == nil {
		t.Fatalf("apply: %d → %q\n%s", res.code, res.location, res.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func dayForm(d calendar.Date, action string) url.Values {
	return url.Values{"kind": {"day"}, "date": {d.String()}, "mode": {"home"}, "place": {"home"}, "time_unit": {"full_day"},
		"plan": {"計画書の素案を第2章まで作成"}, "action": {action}}
}

func (w *world) appStatus(t *testing.T, id int64) apply.Status {
	t.Helper()
	a, err := w.db.FindApplication(context.Background(), w.a.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Status
}

// TestApplyPages walks the lifecycle through the pages: the form with its
// live and no-JavaScript checks, a refusal in Japanese that writes
// nothing, submission, the inbox and bulk approval, cancelling a day,
// return and resubmission, withdrawal, the week view, the report and its
// confirmation, a verbal report, delegation, and the notifications with
// the header's unread count.
func TestApplyPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		ctx := context.Background()
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")

		res := w.do("GET", "/apply", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, `<legend>勤務形態`) || !strings.Contains(res.body, `data-check="/apply/check"`) {
			t.Fatalf("form: %d\n%s", res.code, res.body)
		}
		// The live check answers the findings' HTML; the day is listed.
		res = w.do("POST", "/apply/check", dayForm(day, ""), staff)
		if res.code != 200 || !strings.Contains(res.body, "ルール上の問題はありません") || strings.Contains(res.body, "<html") {
			t.Fatalf("live check: %d\n%s", res.code, res.body)
		}
		// A range over a weekend lists the skipped days.
		rng := url.Values{"kind": {"range"}, "from": {day.String()}, "to": {day.AddDays(6).String()}, "mode": {"home"}, "place": {"home"}, "time_unit": {"full_day"}, "plan": {"x"}}
		if res = w.do("POST", "/apply/check", rng, staff); !strings.Contains(res.body, "除いた日") || !strings.Contains(res.body, "土曜日") {
			t.Errorf("range check does not show the skipped weekend:\n%s", res.body)
		}
		// Too late: refused with the rule in Japanese; nothing written.
		// (The next business day: after midnight in Japan on a Friday,
		// tomorrow is a Saturday, skipped rather than late.)
		today := calendar.DateOf(time.Now())
		cal, err := db.LoadCalendar(ctx, w.a.ID, today.Year, today.Year+1)
		if err != nil {
			t.Fatal(err)
		}
		tomorrow := cal.NextBusinessDay(today)
		before, _ := db.FindApplications(ctx, w.a.ID, apply.Filter{})
		res = w.do("POST", "/apply", dayForm(tomorrow, "submit"), staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "締切") || !strings.Contains(res.body, `name="plan"`) {
			t.Errorf("late application: %d\n%s", res.code, res.body)
		}
		if after, _ := db.FindApplications(ctx, w.a.ID, apply.Filter{}); len(after) != len(before) {
			t.Errorf("a refused application was written: %d → %d", len(before), len(after))
		}
		// Without JavaScript, action=check shows the findings on the form.
		res = w.do("POST", "/apply", dayForm(day, "check"), staff)
		if res.code != 200 || !strings.Contains(res.body, "ルール上の問題はありません") || !strings.Contains(res.body, "計画書の素案") {
			t.Errorf("check without JavaScript: %d", res.code)
		}

		id := submitPage(t, w, staff, dayForm(day, "submit"))
		if res = w.do("GET", "/applications", nil, staff); !strings.Contains(res.body, "/applications/"+itoa(id)) || !strings.Contains(res.body, "申請中") {
			t.Errorf("わたしの申請 does not list the submitted application:\n%s", res.body)
		}
		// Their supervisor and HR read a person's applications; a colleague may not.
		theirs := "/applications?staff=" + itoa(w.staff["a-staff"].ID)
		if res = w.do("GET", theirs, nil, sup); res.code != 200 || !strings.Contains(res.body, "/applications/"+itoa(id)) || strings.Contains(res.body, `href="/apply"`) {
			t.Errorf("supervisor reading the person's applications: %d", res.code)
		}
		if res = w.do("GET", theirs, nil, w.session(t, "hr")); res.code != 200 {
			t.Errorf("HR reading the person's applications: %d", res.code)
		}
		if res = w.do("GET", theirs, nil, w.session(t, "it")); res.code != http.StatusForbidden {
			t.Errorf("a colleague reading the person's applications: %d, want 403", res.code)
		}
		// The supervisor's header counts the notification; the inbox lists it.
		if res = w.do("GET", "/approvals", nil, sup); !strings.Contains(res.body, `value="`+itoa(id)+`"`) || !strings.Contains(res.body, "お知らせ(未読 1 件)") {
			t.Fatalf("inbox:\n%s", res.body)
		}
		// Nothing chosen: a clear error, nothing decided.
		if res = w.do("POST", "/approvals", url.Values{"action": {"approve"}}, sup); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "1件以上選んで") {
			t.Errorf("bulk without a choice: %d", res.code)
		}
		second := submitPage(t, w, staff, dayForm(cal1(t, db, w, day), "submit"))
		res = w.do("POST", "/approvals", url.Values{"action": {"approve"}, "ids": {itoa(id), itoa(second)}, "back": {"/approvals?mode=home"}}, sup)
		if res.code != http.StatusSeeOther || res.location != "/approvals?mode=home" {
			t.Fatalf("bulk approve: %d %q\n%s", res.code, res.location, res.body)
		}
		if w.appStatus(t, id) != apply.Approved || w.appStatus(t, second) != apply.Approved {
			t.Fatal("bulk approval did not approve both")
		}
		// Approving again: the state no longer allows it (409, in Japanese).
		// The page shows the application as it is now with the reason,
		// not a dead end.
		if res = w.do("POST", "/applications/"+itoa(id)+"/decide", url.Values{"action": {"approve"}, "comment": {"了解です"}}, sup); res.code != http.StatusConflict ||
			!strings.Contains(res.body, `id="error-summary"`) || !strings.Contains(res.body, "/applications/"+itoa(id)) {
			t.Errorf("second approval: %d %s", res.code, res.body)
		}
		// The applicant cancels the second one's day from its page, which
		// sends the version shown.
		page := w.do("GET", "/applications/"+itoa(second), nil, staff)
		shown := regexp.MustCompile(`action="/applications/\d+/cancel" class="form">\s*<input type="hidden" name="version" value="(\d+)">`).FindStringSubmatch(page.body)
		if shown == nil {
			t.Fatalf("the cancel form carries no version:\n%s", page.body)
		}
		res = w.do("POST", "/applications/"+itoa(second)+"/cancel", url.Values{"dates": {cal1(t, db, w, day).String()}, "mode": {"days"}, "version": {shown[1]}}, staff)
		if res.code != http.StatusSeeOther || w.appStatus(t, second) != apply.Cancelled {
			t.Errorf("cancel: %d, status %s", res.code, w.appStatus(t, second))
		}

		// Return with a comment; the edit form shows it; resubmit.
		third := submitPage(t, w, staff, dayForm(cal1(t, db, w, cal1(t, db, w, day)), "submit"))
		// The applicant cannot decide their own application, and the page says why.
		if res = w.do("POST", "/applications/"+itoa(third)+"/decide", url.Values{"action": {"approve"}}, staff); res.code != http.StatusForbidden ||
			!strings.Contains(res.body, "自分の申請") {
			t.Errorf("deciding one's own application: %d\n%s", res.code, res.body)
		}
		if res = w.do("POST", "/applications/"+itoa(third)+"/decide", url.Values{"action": {"return"}}, sup); res.code != http.StatusUnprocessableEntity {
			t.Errorf("return without a comment: %d", res.code)
		}
		// Irreversible actions ask first (confirm.js; without JavaScript
		// they go through as before).
		if res = w.do("GET", "/applications/"+itoa(third), nil, sup); !strings.Contains(res.body, `value="reject" data-confirm="却下します。`) ||
			!strings.Contains(res.body, `src="/static/confirm.js`) {
			t.Errorf("the reject button does not ask first:\n%s", res.body)
		}
		// A decision taken on a version the approver did not see (the
		// form's hidden version) is a conflict, nothing decided.
		if res = w.do("POST", "/applications/"+itoa(third)+"/decide", url.Values{"action": {"return"}, "comment": {"予定を具体的に"}, "version": {"99"}}, sup); res.code != http.StatusConflict ||
			!strings.Contains(res.body, ">予定を具体的に</textarea>") {
			t.Fatalf("return on a version not seen (the comment kept): %d\n%s", res.code, res.body)
		}
		if res = w.do("POST", "/applications/"+itoa(third)+"/decide", url.Values{"action": {"return"}, "comment": {"予定を具体的に"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("return: %d\n%s", res.code, res.body)
		}
		if res = w.do("GET", "/applications/"+itoa(third)+"/edit", nil, staff); res.code != 200 || !strings.Contains(res.body, "予定を具体的に") {
			t.Errorf("edit of a returned application: %d", res.code)
		}
		fixed := dayForm(cal1(t, db, w, cal1(t, db, w, day)), "submit")
		fixed.Set("plan", "計画書の素案を第3章まで")
		if res = w.do("POST", "/applications/"+itoa(third), fixed, staff); res.code != http.StatusSeeOther || w.appStatus(t, third) != apply.Submitted {
			t.Fatalf("resubmit: %d %s\n%s", res.code, w.appStatus(t, third), res.body)
		}
		// Withdraw it; HR reads it but only the applicant withdraws (403
		// saying so).
		if res = w.do("POST", "/applications/"+itoa(third)+"/withdraw", url.Values{}, w.session(t, "hr")); res.code != http.StatusForbidden || !strings.Contains(res.body, "本人だけ") {
			t.Errorf("someone else withdrawing: %d", res.code)
		}
		if res = w.do("POST", "/applications/"+itoa(third)+"/withdraw", url.Values{}, staff); res.code != http.StatusSeeOther || w.appStatus(t, third) != apply.Withdrawn {
			t.Errorf("withdraw: %d %s", res.code, w.appStatus(t, third))
		}

		// A draft can be deleted by its author only.
		draft := submitPage(t, w, staff, dayForm(cal1(t, db, w, cal1(t, db, w, cal1(t, db, w, cal1(t, db, w, day)))), "draft"))
		if w.appStatus(t, draft) != apply.Draft {
			t.Fatalf("draft saved as %s", w.appStatus(t, draft))
		}
		if res = w.do("POST", "/applications/"+itoa(draft)+"/discard", url.Values{}, sup); res.code != http.StatusNotFound {
			t.Errorf("someone else deleting a draft: %d", res.code)
		}
		if res = w.do("POST", "/applications/"+itoa(draft)+"/discard", url.Values{}, staff); res.code != http.StatusSeeOther {
			t.Errorf("delete the draft: %d\n%s", res.code, res.body)
		}
		if _, err := db.FindApplication(ctx, w.a.ID, draft); err == nil {
			t.Error("the deleted draft is still there")
		}
		// Staff without a supervisor's role see whom they act for, no form.
		if res = w.do("GET", "/approvals/delegation", nil, staff); res.code != 200 || strings.Contains(res.body, `name="delegate_id"`) {
			t.Errorf("delegation page for staff: %d", res.code)
		}

		// The week view offers days and applies with the last content.
		res = w.do("GET", "/apply/week", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, `name="dates"`) {
			t.Fatalf("week view: %d\n%s", res.code, res.body)
		}
		wd := cal1(t, db, w, cal1(t, db, w, cal1(t, db, w, day)))
		res = w.do("POST", "/apply/week", url.Values{"dates": {wd.String()}, "week": {wd.String()}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("week apply: %d\n%s", res.code, res.body)
		}

		// On the day and after: the report, then the supervisor confirms.
		db.Now = func() time.Time { return time.Date(day.Year, day.Month, day.Day, 18, 0, 0, 0, calendar.Tokyo) }
		defer func() { db.Now = time.Now }()
		staff, sup = w.sessionNow(t, "staff"), w.sessionNow(t, "supervisor")
		// The end is a text field: an end past midnight is written 25:30,
		// which a time input cannot hold (a review).
		if res = w.do("GET", "/applications/"+itoa(id)+"/report?date="+day.String(), nil, staff); res.code != 200 || !strings.Contains(res.body, `name="work"`) ||
			!strings.Contains(res.body, `name="actual_end" type="text"`) {
			t.Fatalf("report form: %d\n%s", res.code, res.body)
		}
		if res = w.do("POST", "/applications/"+itoa(id)+"/report", url.Values{"date": {day.String()}, "actual_start": {"08:30"}, "actual_end": {"17:15"}}, staff); res.code != http.StatusUnprocessableEntity {
			t.Errorf("report without the work done: %d", res.code)
		}
		rep := url.Values{"date": {day.String()}, "actual_start": {"08:30"}, "actual_end": {"17:15"}, "work": {"第2章まで作成した"}, "products": {"素案"}}
		if res = w.do("POST", "/applications/"+itoa(id)+"/report", rep, staff); res.code != http.StatusSeeOther || w.appStatus(t, id) != apply.Reported {
			t.Fatalf("report: %d %s\n%s", res.code, w.appStatus(t, id), res.body)
		}
		if res = w.do("GET", "/approvals/reports", nil, sup); !strings.Contains(res.body, "第2章まで作成した") {
			t.Errorf("reports to confirm do not show the report:\n%s", res.body)
		}
		if res = w.do("POST", "/approvals/reports", url.Values{}, sup); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, `<fieldset id="f-ids"`) || !strings.Contains(res.body, `<a href="#f-ids">確認する報告を1件以上選んでください`) {
			t.Errorf("confirming nothing: %d %s", res.code, res.body)
		}
		if res = w.do("POST", "/approvals/reports", url.Values{"ids": {itoa(id)}}, sup); res.code != http.StatusSeeOther || w.appStatus(t, id) != apply.Confirmed {
			t.Errorf("confirm: %d %s", res.code, w.appStatus(t, id))
		}

		// Delegation: the supervisor names a delegate for an absence.
		del := url.Values{"kind": {"absence"}, "delegate_id": {itoa(w.staff["a-hr"].ID)}, "from": {day.String()}, "to": {day.AddDays(3).String()}}
		if res = w.do("POST", "/approvals/delegation", del, sup); res.code != http.StatusSeeOther {
			t.Fatalf("delegate: %d\n%s", res.code, res.body)
		}
		if res = w.do("GET", "/approvals/delegation", nil, sup); !strings.Contains(res.body, w.staff["a-hr"].Name) {
			t.Errorf("the delegation is not listed")
		}
		if res = w.do("POST", "/approvals/delegation", url.Values{"kind": {"absence"}}, sup); res.code != http.StatusUnprocessableEntity {
			t.Errorf("delegation without a delegate: %d", res.code)
		}

		// Notifications: the staff's list, opening one marks it read.
		res = w.do("GET", "/notifications", nil, staff)
		m := regexp.MustCompile(`/notifications/(\d+)/read`).FindStringSubmatch(res.body)
		if res.code != 200 || m == nil || !strings.Contains(res.body, "未読") {
			t.Fatalf("notifications: %d\n%s", res.code, res.body)
		}
		p := &auth.Principal{TenantID: w.a.ID, StaffID: w.staff["a-staff"].ID}
		n0, _ := db.CountNotifications(ctx, w.a.ID, p.StaffID, notify.Filter{UnreadOnly: true, InApp: true})
		if res = w.do("POST", "/notifications/"+m[1]+"/read", url.Values{}, staff); res.code != http.StatusSeeOther || !strings.HasPrefix(res.location, "/applications/") {
			t.Errorf("open a notification: %d %q", res.code, res.location)
		}
		if n1, _ := db.CountNotifications(ctx, w.a.ID, p.StaffID, notify.Filter{UnreadOnly: true, InApp: true}); n1 != n0-1 {
			t.Errorf("unread %d → %d after opening one", n0, n1)
		}
		if res = w.do("POST", "/notifications/read", url.Values{}, staff); res.code != http.StatusSeeOther {
			t.Errorf("read all: %d", res.code)
		}
		if n, _ := db.CountNotifications(ctx, w.a.ID, p.StaffID, notify.Filter{UnreadOnly: true, InApp: true}); n != 0 {
			t.Errorf("%d unread after reading all", n)
		}
	})
}

// TestApplyPagesCrossTenant: another tenant's HR account reaches none of
// tenant a's applications, decisions, reports or notifications through
// the pages (404, nothing changed).
func TestApplyPagesCrossTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		id := submitPage(t, w, staff, dayForm(day, "submit"))
		notes := w.noteObjects(t)
		other := w.session(t, "b-hr")
		for _, c := range []struct{ method, path string }{
			{"GET", "/applications/" + itoa(id)},
			{"GET", "/applications/" + itoa(id) + "/edit"},
			{"GET", "/applications/" + itoa(id) + "/report"},
			{"GET", "/applications?staff=" + itoa(w.staff["a-staff"].ID)},
			{"POST", "/applications/" + itoa(id) + "/decide"},
			{"POST", "/applications/" + itoa(id) + "/withdraw"},
			{"POST", "/applications/" + itoa(id) + "/submit"},
			{"POST", "/applications/" + itoa(id) + "/report"},
			{"POST", "/applications/" + itoa(id) + "/cancel"},
			{"POST", "/applications/" + itoa(id)},
			{"POST", "/notifications/" + itoa(notes[0]) + "/read"},
		} {
			form := url.Values{"action": {"approve"}, "dates": {day.String()}}
			if c.method == "GET" {
				form = nil
			}
			if res := w.do(c.method, c.path, form, other); res.code != http.StatusNotFound {
				t.Errorf("%s %s from another tenant: %d, want 404", c.method, c.path, res.code)
			}
		}
		if res := w.do("GET", "/approvals", nil, other); strings.Contains(res.body, `value="`+itoa(id)+`"`) {
			t.Error("another tenant's inbox lists the application")
		}
		if w.appStatus(t, id) != apply.Submitted {
			t.Errorf("status changed to %s", w.appStatus(t, id))
		}
	})
}

// TestApprovalSettingsPage: HR sets the routing (to the 係長, two steps for
// a unit); a bad choice is refused at its field; the next application
// follows the new routing.
func TestApprovalSettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		hr := w.session(t, "hr")
		res := w.do("GET", "/approvals/settings", nil, hr)
		if res.code != 200 || !strings.Contains(res.body, `name="approver"`) {
			t.Fatalf("settings page: %d", res.code)
		}
		bad := url.Values{"approver": {"mayor"}, "reminder_hours": {"24"}}
		if res = w.do("POST", "/approvals/settings", bad, hr); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-approver-error"`) {
			t.Errorf("bad approver: %d", res.code)
		}
		ok := url.Values{"approver": {"team"}, "reminder_hours": {"48"}, "two_step_units": {itoa(w.units["a-sect"].ID)}}
		if res = w.do("POST", "/approvals/settings", ok, hr); res.code != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.code, res.body)
		}
		set, err := db.FindApplySettings(context.Background(), w.a.ID)
		if err != nil || set.Approver != apply.ApproverTeam || set.ReminderHours != 48 || len(set.TwoStepUnits) != 1 {
			t.Errorf("saved settings: %+v %v", set, err)
		}
		// Saving the page as it was loaded before: another change came first.
		stale := url.Values{"approver": {"section"}, "reminder_hours": {"24"}, "version": {"0"}}
		if res = w.do("POST", "/approvals/settings", stale, hr); res.code != http.StatusConflict {
			t.Errorf("stale save: %d, want 409", res.code)
		}
	})
}

// TestReportSeveralDays: one report form covers the other days of the
// application that are due (ticked), and a supervisor's verbal report is
// marked as such.
func TestReportSeveralDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		d2, d3 := cal1(t, db, w, day), cal1(t, db, w, cal1(t, db, w, day))
		rng := url.Values{"kind": {"range"}, "from": {day.String()}, "to": {d3.String()}, "mode": {"home"}, "place": {"home"},
			"time_unit": {"full_day"}, "plan": {"台帳の整理"}, "action": {"submit"}}
		id := submitPage(t, w, staff, rng)
		if res := w.do("POST", "/applications/"+itoa(id)+"/decide", url.Values{"action": {"approve"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.code)
		}
		db.Now = func() time.Time { return time.Date(d3.Year, d3.Month, d3.Day, 18, 0, 0, 0, calendar.Tokyo) }
		defer func() { db.Now = time.Now }()
		staff, sup = w.sessionNow(t, "staff"), w.sessionNow(t, "supervisor")
		res := w.do("GET", "/applications/"+itoa(id)+"/report?date="+day.String(), nil, staff)
		if !strings.Contains(res.body, `name="also" value="`+d2.String()+`"`) {
			t.Fatalf("the other due days are not offered:\n%s", res.body)
		}
		// The person's own report needs the hours and the work; a verbal
		// report, which the supervisor writes down, needs neither
		// (apply.Service.Report), so its form marks nothing required.
		if n := strings.Count(res.body, " required"); n != 3 || strings.Count(res.body, `<span class="req">`) != 3 {
			t.Errorf("the report form marks %d fields required, want 3 (start, end, work)", n)
		}
		if res := w.do("GET", "/applications/"+itoa(id)+"/report?date="+d3.String()+"&verbal=1", nil, sup); res.code != 200 ||
			!strings.Contains(res.body, `name="verbal" value="1"`) || strings.Contains(res.body, " required") || strings.Contains(res.body, `class="req"`) {
			t.Errorf("the verbal report form marks fields required: %d\n%s", res.code, res.body)
		}
		rep := url.Values{"date": {day.String()}, "also": {d2.String()}, "actual_start": {"08:30"}, "actual_end": {"17:15"}, "work": {"整理した"}}
		if res = w.do("POST", "/applications/"+itoa(id)+"/report", rep, staff); res.code != http.StatusSeeOther {
			t.Fatalf("report: %d\n%s", res.code, res.body)
		}
		a, err := db.FindApplication(context.Background(), w.a.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range a.Days {
			want := apply.Reported
			if d.Date == d3 {
				want = apply.Approved
			}
			if d.Status != want {
				t.Errorf("%s: %s, want %s", d.Date, d.Status, want)
			}
		}
		// The third day: the supervisor records what they heard.
		verbal := url.Values{"date": {d3.String()}, "verbal": {"1"}, "actual_start": {"08:30"}, "actual_end": {"17:00"}}
		if res = w.do("POST", "/applications/"+itoa(id)+"/report", verbal, sup); res.code != http.StatusSeeOther {
			t.Fatalf("verbal report: %d\n%s", res.code, res.body)
		}
		if res = w.do("GET", "/applications/"+itoa(id), nil, staff); !strings.Contains(res.body, "口頭報告（所属長が記録）") {
			t.Error("the verbal report is not marked as such")
		}
		// The reports themselves are on the page the supervisor confirms
		// from: hours and work, then who confirmed.
		page := w.do("GET", "/applications/"+itoa(id), nil, sup).body
		for _, want := range []string{`id="reports-h"`, "整理した", "8:30", "実施した業務"} {
			if !strings.Contains(page, want) {
				t.Errorf("the application's page does not show %q of its reports", want)
			}
		}
		// The supervisor's 代決者 (here an HR member, not a 所属長) confirms
		// from the page as through the API (the page refused anyone not a
		// 所属長 while showing them the button).
		del := fmt.Sprintf(`{"delegate_id":%d,"kind":"proxy"}`, w.staff["a-hr"].ID)
		if res := w.call("POST", "/api/v1/delegations", del, "", "Cookie", sup.Name+"="+sup.Value); res.code != http.StatusCreated {
			t.Fatalf("delegation: %d %s", res.code, res.body)
		}
		if res = w.do("POST", "/applications/"+itoa(id)+"/confirm", url.Values{"comment": {"確認しました"}}, w.sessionNow(t, "hr")); res.code != http.StatusSeeOther {
			t.Fatalf("confirm by the 代決者: %d\n%s", res.code, res.body)
		}
		page = w.do("GET", "/applications/"+itoa(id), nil, staff).body
		if !strings.Contains(page, "確認済み（") || !strings.Contains(page, "確認しました") || !strings.Contains(page, "整理した") {
			t.Errorf("a confirmed report is gone from the page:\n%s", page)
		}
	})
}
