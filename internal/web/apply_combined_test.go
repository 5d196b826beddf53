package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestCombinedRequestAndReport: under a policy naming one form for the
// request and the report (掛川市「テレワーク申出書兼報告書」), the
// application's page is that one sheet: the 申出欄 as applied for, and the
// 報告欄 filled after the day through the page, then shown in place.
func TestCombinedRequestAndReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		tp, ok := policy.TemplateByName("kakegawa")
		if !ok || tp.Policy.Report.Form != "combined_form" {
			t.Fatalf("掛川市's template: %v %+v", ok, tp.Policy.Report)
		}
		today := calendar.DateOf(time.Now())
		storetest.Must(t, policy.NewService(db, db.Now).Save(ctx, w.a.ID, sys, &policy.Version{Effective: today, Policy: tp.Policy}))
		cal, err := db.LoadCalendar(ctx, w.a.ID, today.Year, today.Year+1)
		storetest.Must(t, err)
		day := cal.AddBusinessDays(today, 3)
		staff, sup := w.session(t, "staff"), w.session(t, "supervisor")
		id := submitPage(t, w, staff, dayForm(day, "submit"))
		if res := w.do("POST", "/applications/"+itoa(id)+"/decide", url.Values{"action": {"approve"}, "version": {"0"}}, sup); res.code != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", res.code, res.body)
		}
		// Before the day: one sheet, the report part to be filled after it.
		res := w.do("GET", "/applications/"+itoa(id), nil, staff)
		for _, want := range []string{"テレワーク申出書兼報告書", `<h2 id="request-h">申出欄</h2>`, `<h2 id="report-h">報告欄</h2>`, "計画書の素案を第2章まで作成", "テレワークを行った日以降に記入します"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("before the day, the sheet lacks %q", want)
			}
		}
		if strings.Contains(res.body, `name="work"`) {
			t.Error("the report part can be filled before the day")
		}
		// On the day, evening: the applicant fills the 報告欄 on the sheet.
		db.Now = func() time.Time { return time.Date(day.Year, day.Month, day.Day, 18, 0, 0, 0, calendar.Tokyo) }
		defer func() { db.Now = time.Now }()
		staff, sup = w.sessionNow(t, "staff"), w.sessionNow(t, "supervisor")
		res = w.do("GET", "/applications/"+itoa(id), nil, staff)
		// The end is a text field: an end past midnight is written 25:30.
		if !strings.Contains(res.body, `id="f-`+day.String()+`-work" name="work"`) || !strings.Contains(res.body, "報告欄を提出する") ||
			!strings.Contains(res.body, `<input type="text" id="f-`+day.String()+`-end" name="actual_end"`) {
			t.Fatalf("on the day, the report part has no inputs:\n%s", res.body)
		}
		if res = w.do("GET", "/applications/"+itoa(id), nil, sup); !strings.Contains(res.body, "口頭報告を記録") && !strings.Contains(res.body, "本人の記入を待っています") {
			t.Errorf("the supervisor's view of an unfilled report part:\n%s", res.body)
		}
		rep := url.Values{"date": {day.String()}, "actual_start": {"08:30"}, "actual_end": {"17:15"}, "break_minutes": {"60"}, "work": {"第2章まで作成した"}, "products": {"素案(第2章)"}}
		if res = w.do("POST", "/applications/"+itoa(id)+"/report", rep, staff); res.code != http.StatusSeeOther || res.location != "/applications/"+itoa(id) || w.appStatus(t, id) != apply.Reported {
			t.Fatalf("report through the sheet: %d %q %s", res.code, res.location, w.appStatus(t, id))
		}
		res = w.do("GET", "/applications/"+itoa(id), nil, sup)
		for _, want := range []string{"報告欄", "08:30〜17:15", "休憩 60 分", "第2章まで作成した", "素案(第2章)"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("after the report, the sheet lacks %q", want)
			}
		}
		if strings.Contains(res.body, `name="work"`) {
			t.Error("a filed report part is still an input")
		}
	})
}
