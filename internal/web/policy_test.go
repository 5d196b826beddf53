package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// policyForm is what the edit page posts for a policy: the 松本市 rules
// with a weekly cap of 2.
func policyFormValues(effective string) url.Values {
	return url.Values{
		"effective_from": {effective}, "note": {"令和9年度の改正"},
		"modes": {"home"}, "time_units": {"full_day", "am", "pm"},
		"eligibility.employments": {"regular"}, "eligibility.excluded_job_types": {"childcare"},
		"deadline.on": {"submission"}, "deadline.days": {"2"}, "deadline.day_kind": {"business"}, "deadline.cutoff": {""},
		"caps.weekly_max_days": {"2"}, "caps.monthly_max_days": {"0"}, "caps.min_office_days_per_week": {"0"},
		"hours.start": {"8:30"}, "hours.end": {"17:15"}, "hours.break_minutes": {"60"}, "hours.overtime": {"prohibited"},
		"hours.no_late_night": {"1"}, "mid_day_break": {"hourly_leave"}, "report.required": {"1"}, "report.form": {"verbal_by_supervisor"},
		"report.due_days": {"1"}, "presence": {"none"}, "take_out.paper": {"consent"}, "take_out.data": {"consent"},
		"take_out.banned_paper_classes": {"personal_info"},
		"unit_rules.0.unit_code":        {"200"}, "unit_rules.0.weekly_max_days": {"1"}, "unit_rules.0.monthly_max_days": {""},
		"unit_rules.1.unit_code": {""}, "unit_rules.1.weekly_max_days": {""}, "unit_rules.1.monthly_max_days": {""},
	}
}

func TestPolicyPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr := w.session(t, "hr")
		if res := w.do("GET", "/policy", nil, hr); res.code != 200 || !strings.Contains(res.body, "制度がまだ登録されていません") {
			t.Fatalf("empty policy page: %d", res.code)
		}
		for _, from := range []string{"ibaraki", "saga", "kobe", "fukaya", "shibuya", "matsumoto", "kakegawa"} {
			if res := w.do("GET", "/policy/new?from="+from, nil, hr); res.code != 200 {
				t.Errorf("new from %s: %d", from, res.code)
			}
		}
		// Bad input is named field by field; nothing is saved.
		bad := policyFormValues("2001-04-01")
		bad.Set("hours.end", "7:00")
		bad.Set("deadline.cutoff", "noon")
		bad.Del("modes")
		res := w.do("POST", "/policy", bad, hr)
		for _, want := range []string{"「適用日」は今日以降", "「終業」は 8:30 より後", "「締切の時刻」は 8:30 や 17:15", "形態を1つ以上"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("bad policy: missing %q (%d)", want, res.code)
			}
		}
		svc := policy.NewService(db, db.Now)
		if vs, _ := svc.Versions(ctx, w.a.ID); len(vs) != 0 {
			t.Fatal("a bad policy was saved")
		}
		// A valid version scheduled for next April.
		eff := calendar.Date{Year: calendar.DateOf(time.Now()).Year + 1, Month: time.April, Day: 1}
		res = w.do("POST", "/policy", policyFormValues(eff.String()), hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.code, res.body)
		}
		vs, _ := svc.Versions(ctx, w.a.ID)
		if len(vs) != 1 || vs[0].Policy.Caps.WeeklyMaxDays != 2 || vs[0].Policy.Hours.Start != "8:30" || len(vs[0].Policy.UnitRules) != 1 {
			t.Fatalf("stored %+v", vs)
		}
		showURL := res.location
		show := w.do("GET", showURL, nil, hr)
		if show.code != 200 || !strings.Contains(show.body, "適用予定") || !strings.Contains(show.body, "週2日まで") {
			t.Errorf("show: %d", show.code)
		}
		// Simulation: a CP932 file of past days, one person with three days in a week.
		csv := "職員番号,日付,形態,時間単位\r\n1001,2026/5/11,在宅,終日\r\n1001,2026/5/12,在宅,終日\r\n1001,2026/5/13,在宅,終日\r\n1003,令和8年5月13日,サテライト,午前\r\n"
		sjis, _ := japanese.ShiftJIS.NewEncoder().String(csv)
		res = w.upload(t, showURL+"/simulate", "records.csv", []byte(sjis), hr)
		if res.code != 200 {
			t.Fatalf("simulate: %d %s", res.code, res.body)
		}
		// People counts those with a finding, and says so (「対象の職員」 read
		// as everyone in the file).
		for _, want := range []string{"4件のうち、認められないもの 2件", "指摘のあった職員 2人。", "週2日までの上限を超えています(この週は3日目)", "サテライトオフィス勤務は、この団体の制度では利用できません"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("simulation: missing %q", want)
			}
		}
		// In English, the findings are English too (they were always Japanese).
		if res := w.do("POST", "/settings", url.Values{"lang": {"en"}, "era": {"seireki"}}, hr); res.code != http.StatusSeeOther {
			t.Fatalf("switching to English: %d", res.code)
		}
		en := w.upload(t, showURL+"/simulate", "records.csv", []byte(sjis), hr)
		for _, want := range []string{"Over the limit of 2 days a week (this is day 3 of the week)", "Satellite office is not part of this organisation"} {
			if en.code != 200 || !strings.Contains(en.body, want) {
				t.Errorf("English simulation: missing %q (%d)", want, en.code)
			}
		}
		if strings.Contains(en.body, "上限を超えています") {
			t.Error("English simulation shows Japanese findings")
		}
		if res := w.do("POST", "/settings", url.Values{"lang": {"ja"}, "era": {"seireki"}}, hr); res.code != http.StatusSeeOther {
			t.Fatalf("switching back to Japanese: %d", res.code)
		}
		res = w.upload(t, "/policy/"+strconv.FormatInt(vs[0].ID, 10)+"/simulate", "x.csv", []byte("名前,日\r\nx,y\r\n"), hr)
		if res.code != 422 || !strings.Contains(res.body, "「職員番号」の列がありません") {
			t.Errorf("bad simulation file: %d", res.code)
		}
		// A file chosen with the source left at its default (the stored
		// applications) is the file replayed, not dropped.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("source", "stored")
		fw, _ := mw.CreateFormFile("file", "x.csv")
		_, _ = fw.Write([]byte("名前,日\r\nx,y\r\n"))
		mw.Close()
		req := httptest.NewRequest("POST", "/policy/"+strconv.FormatInt(vs[0].ID, 10)+"/simulate", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(hr)
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), "「職員番号」の列がありません") {
			t.Errorf("a file sent with source=stored was not replayed: %d", rec.Code)
		}
		// The scheduled version can be deleted; the audit log has both.
		if res := w.do("POST", "/policy/"+strconv.FormatInt(vs[0].ID, 10)+"/delete", url.Values{}, hr); res.code != http.StatusSeeOther {
			t.Errorf("delete: %d", res.code)
		}
	})
}

func (w *world) upload(t *testing.T, target, name string, data []byte, c *http.Cookie) resp {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return resp{code: rec.Code, body: rec.Body.String(), header: rec.Header(), location: rec.Header().Get("Location")}
}

func TestPolicyAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := mkToken(t, w, "hr", false)
		staff := mkToken(t, w, "staff", false)
		tomorrow := calendar.DateOf(time.Now()).AddDays(1)
		res := w.call("POST", "/api/v1/policy/versions", `{"effective_from":"`+tomorrow.String()+`","template":"kobe","note":"神戸市の例"}`, hr)
		if res.code != 201 {
			t.Fatalf("save from template: %d %s", res.code, res.body)
		}
		if res := w.call("POST", "/api/v1/policy/versions", `{"effective_from":"`+tomorrow.String()+`","template":"osaka"}`, hr); res.code != 422 {
			t.Errorf("unknown template: %d", res.code)
		}
		var list struct {
			Items []struct {
				ID     int64
				Policy policy.Policy
			}
		}
		decode(t, w.call("GET", "/api/v1/policy/versions", "", hr), &list)
		if len(list.Items) != 1 || !list.Items[0].Policy.Hours.Flex {
			t.Fatalf("versions: %+v", list)
		}
		// Staff check their own plan: 神戸市 needs prior consent; a Saturday warns.
		day := tomorrow.AddDays(7)
		for day.Weekday() != time.Saturday {
			day = day.AddDays(1)
		}
		body := `{"dates":["` + day.String() + `"],"application":{"mode":"home","place":"home","time_unit":"full_day"}}`
		var out struct {
			OK       bool
			Findings []struct{ Rule, Severity, Message string }
		}
		decode(t, w.call("POST", "/api/v1/policy/evaluate", body, staff), &out)
		rules := []string{}
		for _, f := range out.Findings {
			rules = append(rules, f.Rule)
		}
		if out.OK || strings.Join(rules, ",") != "deadline.prior_consent,date.non_business" {
			t.Errorf("evaluate: ok=%v %v", out.OK, out.Findings)
		}
		res = w.call("POST", "/api/v1/policy/evaluate", body, staff, "Accept-Language", "en")
		if !strings.Contains(res.body, "Get your supervisor's consent first") {
			t.Errorf("English findings: %s", res.body)
		}
		// Staff cannot check someone else's plan; HR can.
		other := `{"staff_id":` + strconv.FormatInt(w.staff["a-it"].ID, 10) + `,"dates":["` + day.String() + `"],"application":{"mode":"home","time_unit":"full_day"}}`
		if res := w.call("POST", "/api/v1/policy/evaluate", other, staff); res.code != 403 {
			t.Errorf("staff checking another: %d", res.code)
		}
		if res := w.call("POST", "/api/v1/policy/evaluate", other, hr); res.code != 200 {
			t.Errorf("HR checking another: %d", res.code)
		}
	})
}

func TestSelfDeclaration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := w.session(t, "staff")
		if res := w.do("GET", "/settings", nil, c); !strings.Contains(res.body, "育児・介護の申し出") {
			t.Fatal("no declaration form on the settings page")
		}
		svc := policy.NewService(db, db.Now)
		id := w.staff["a-staff"].ID
		// HR records the facts on the staff page.
		hr := w.session(t, "hr")
		if res := w.do("POST", "/staff/"+strconv.FormatInt(id, 10)+"/facts", url.Values{"has_terminal": {"1"}, "reasons": {"nursing"}}, hr); res.code != http.StatusSeeOther {
			t.Fatalf("HR facts: %d", res.code)
		}
		if f, err := svc.Facts(ctx, w.a.ID, id); err != nil || !f.HasTerminal || len(f.Reasons) != 1 || f.Reasons[0] != "nursing" {
			t.Fatalf("facts after HR: %+v %v", f, err)
		}
		if res := w.do("POST", "/staff/"+strconv.FormatInt(w.staff["a-staff"].ID+999, 10)+"/facts", url.Values{"seconded": {"1"}}, hr); res.code != http.StatusNotFound {
			t.Errorf("facts of nobody: %d", res.code)
		}
		if res := w.do("POST", "/settings/declaration", url.Values{"reasons": {"childcare", "bogus"}}, c); res.code != http.StatusSeeOther {
			t.Fatalf("declare: %d", res.code)
		}
		f, _ := svc.Facts(ctx, w.a.ID, id)
		if len(f.Reasons) != 1 || f.Reasons[0] != "childcare" || !f.HasTerminal {
			t.Errorf("facts after declaring: %+v (HR's terminal fact must stay)", f)
		}
		// The auditor has no staff record and nothing to declare.
		if res := w.do("POST", "/settings/declaration", url.Values{"reasons": {"childcare"}}, w.session(t, "auditor")); res.code != http.StatusForbidden {
			t.Errorf("auditor declaring: %d", res.code)
		}
	})
}

// A created version answers with its state as GET shows it: one from
// tomorrow is not in force, one from today is, at once.
func TestPolicyVersionCreatedAnswersItsState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := mkToken(t, w, "hr", false)
		today := calendar.DateOf(time.Now())
		for _, c := range []struct {
			from    calendar.Date
			inForce bool
		}{{today.AddDays(1), false}, {today, true}} {
			res := w.call("POST", "/api/v1/policy/versions", `{"effective_from":"`+c.from.String()+`","template":"kobe"}`, hr)
			var created, got struct {
				ID      int64 `json:"id"`
				InForce bool  `json:"in_force"`
			}
			decode(t, res, &created)
			decode(t, w.call("GET", "/api/v1/policy/versions/"+strconv.FormatInt(created.ID, 10), "", hr), &got)
			if res.code != 201 || created.InForce != c.inForce || got.InForce != c.inForce {
				t.Errorf("version from %s: %d in_force %v (GET %v), want %v", c.from, res.code, created.InForce, got.InForce, c.inForce)
			}
		}
	})
}
