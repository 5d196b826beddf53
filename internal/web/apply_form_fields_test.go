package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestApplyFormConditions: the form carries what the rule check asks for.
// The planned break makes an hourly day over lunch possible; 時間外勤務の
// 事前承認 is asked for with the application where the policy wants it;
// 中抜け is planned; and where the policy wants the supervisor's prior
// consent (神戸市), the form can say it was obtained — without the box,
// every submission from the web was refused.
func TestApplyFormConditions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db) // 松本市: overtime by prior approval, 中抜け as hourly leave
		staff := w.session(t, "staff")
		res := w.do("GET", "/apply", nil, staff)
		for _, s := range []string{`name="break_minutes"`, `name="overtime_approved"`, `name="mid_day_break"`, `id="f-mid_day_break-hint"`} {
			if !strings.Contains(res.body, s) {
				t.Errorf("the form lacks %s", s)
			}
		}
		if strings.Contains(res.body, `name="prior_consent"`) {
			t.Error("the form asks for prior consent the policy does not want")
		}
		form := func(mod func(url.Values)) url.Values {
			f := dayForm(day, "")
			mod(f)
			return f
		}
		check := func(f url.Values) string {
			t.Helper()
			res := w.do("POST", "/apply/check", f, staff)
			if res.code != http.StatusOK {
				t.Fatalf("check: %d %s", res.code, res.body)
			}
			return res.body
		}
		hourly := func(f url.Values) { f.Set("time_unit", "hourly"); f.Set("start", "09:00"); f.Set("end", "17:00") }
		if b := check(form(hourly)); !strings.Contains(b, "6時間を超える勤務には45分以上の休憩が必要です(申請: 0分)") {
			t.Errorf("hourly 9–17 without a break: no break finding\n%s", b)
		}
		if b := check(form(func(f url.Values) { hourly(f); f.Set("break_minutes", "６０") })); strings.Contains(b, "休憩が必要です") {
			t.Errorf("hourly 9–17 with a 60-minute break still warned\n%s", b)
		}
		long := func(f url.Values) { f.Set("start", "08:30"); f.Set("end", "19:00") }
		if b := check(form(long)); !strings.Contains(b, "事前に時間外勤務の承認が必要です") {
			t.Errorf("overtime without approval: no finding\n%s", b)
		}
		if b := check(form(func(f url.Values) { long(f); f.Set("overtime_approved", "1") })); strings.Contains(b, "事前に時間外勤務の承認が必要です") {
			t.Errorf("overtime asked for with the application still refused\n%s", b)
		}
		if b := check(form(func(f url.Values) { f.Set("mid_day_break", "1") })); !strings.Contains(b, "時間単位の年次休暇として申請してください") {
			t.Errorf("中抜け planned: no finding\n%s", b)
		}
		// A break that is not a number is the field's error; nothing is written.
		bad := form(func(f url.Values) { f.Set("break_minutes", "一時間"); f.Set("action", "submit") })
		if res := w.do("POST", "/apply", bad, staff); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-break_minutes-error"`) ||
			!strings.Contains(res.body, `value="一時間"`) {
			t.Errorf("a break that is not a number: %d\n%s", res.code, res.body)
		}
		// Submitted, the application keeps them.
		id := submitPage(t, w, staff, form(func(f url.Values) {
			hourly(f)
			f.Set("break_minutes", "60")
			f.Set("end", "18:30")
			f.Set("overtime_approved", "1")
			f.Set("action", "submit")
		}))
		a, err := db.FindApplication(context.Background(), w.a.ID, id)
		if err != nil || a.BreakMinutes != 60 || !a.OvertimeApproved || a.MidDayBreak {
			t.Fatalf("stored: %+v %v", a, err)
		}
		// The approver sees what approving also approves.
		sup := w.session(t, "supervisor")
		for _, page := range []string{"/approvals", fmt.Sprintf("/applications/%d", id)} {
			if res := w.do("GET", page, nil, sup); !strings.Contains(res.body, "時間外勤務の事前承認を申請") || !strings.Contains(res.body, "休憩 60分") {
				t.Errorf("%s does not show the overtime asked for or the break", page)
			}
		}
		// 「前回と同じ内容で申請」 does not tick again what is said or asked
		// for one day.
		if res := w.do("GET", "/apply", nil, staff); strings.Contains(res.body, `name="overtime_approved" value="1" checked`) || !strings.Contains(res.body, `value="60"`) {
			t.Errorf("the form prefilled from the last application ticks the overtime request again")
		}

	})
	// 神戸市: the supervisor's prior consent (口頭可).
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorldWith(t, db, "kobe")
		staff := w.session(t, "staff")
		if res := w.do("GET", "/apply", nil, staff); !strings.Contains(res.body, `name="prior_consent"`) {
			t.Fatal("the form does not ask for the prior consent the policy wants")
		}
		f := dayForm(day, "submit")
		if res := w.do("POST", "/apply", f, staff); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "事前に所属長の了承") ||
			!strings.Contains(res.body, `href="#f-prior_consent"`) || !strings.Contains(res.body, `aria-describedby="f-prior_consent-error"`) {
			t.Fatalf("without the consent: %d", res.code)
		}
		f.Set("prior_consent", "1")
		if id := submitPage(t, w, staff, f); id == 0 {
			t.Fatal("no application")
		}
	})
}

// TestApplyFormFutureVersion: a box that the version in force on the day
// applied for asks for is on the form, though today's version does not
// ask for it (神戸市's rules saved today for that day).
func TestApplyFormFutureVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		tp, _ := policy.TemplateByName("kobe")
		if err := policy.NewService(db, db.Now).Save(context.Background(), w.a.ID, sys, &policy.Version{Effective: day, Policy: tp.Policy}); err != nil {
			t.Fatal(err)
		}
		staff := w.session(t, "staff")
		if page := w.do("GET", "/apply", nil, staff); !strings.Contains(page.body, `name="prior_consent"`) {
			t.Fatal("the form lacks the box the day's rules ask for")
		}
		f := dayForm(day, "submit")
		f.Set("prior_consent", "1")
		submitPage(t, w, staff, f)
	})
}
