package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestSurveyPages runs a survey through the pages: HR designs and opens
// it, staff answer on the form (a draft first), HR closes it and reads
// k-safe results and the export; nobody sees who answered.
func TestSurveyPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		today := calendar.DateOf(db.Now()).String()
		res := w.do("POST", "/surveys", url.Values{"survey_kind": {"post"}, "survey_title": {"試行後アンケート"}, "opens_on": {today},
			"closes_on": {today}, "q0_text": {"満足度"}, "q0_type": {"scale5"}, "q1_text": {"色"}, "q1_type": {"single"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "選択肢") {
			t.Fatalf("a single-choice question without options: %d", res.code)
		}
		res = w.do("POST", "/surveys", url.Values{"survey_kind": {"post"}, "survey_title": {"試行後アンケート"}, "opens_on": {today},
			"closes_on": {today}, "q0_text": {"満足度"}, "q0_type": {"scale5"}, "show_free_text": {"1"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		loc := res.location
		var id int64
		fmt.Sscanf(loc, "/surveys/%d", &id)
		if res := w.do("GET", loc, nil, hr); res.code != 200 || !strings.Contains(res.body, "普段と比較して時間の有効活用が実感できたか") {
			t.Fatalf("show: %d", res.code)
		}
		if res := w.do("POST", loc+"/open", url.Values{"version": {"1"}}, hr); res.code != http.StatusSeeOther {
			t.Fatalf("open: %d", res.code)
		}
		// More staff, so that the results have groups of 5.
		f := storetest.F(db)
		var cookies []*http.Cookie
		for i := 0; i < 12; i++ {
			s := &org.Staff{StaffNo: fmt.Sprintf("9%03d", i), Name: fmt.Sprintf("職員 %d", i), Kana: "しょくいん", UnitID: w.units["a-team"].ID,
				Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
			storetest.Must(t, f.CreateStaff(context.Background(), w.a.ID, sys, s, calendar.Date{}))
			cookies = append(cookies, w.sessionFor(t, s.ID, fmt.Sprintf("u%d", i)))
		}
		staff := cookies[0]
		if res := w.do("GET", "/surveys", nil, staff); !strings.Contains(res.body, "/surveys/"+fmt.Sprint(id)+"/answer") {
			t.Fatal("the open survey is not listed for staff")
		}
		// Save as you go (without script: the save button), then submit.
		res = w.do("POST", loc+"/answer", url.Values{"a_gender": {"1"}, "save": {"1"}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("draft: %d %s", res.code, res.body)
		}
		if res := w.do("GET", loc+"/answer", nil, staff); !strings.Contains(res.body, `id="f-a_gender-1" name="a_gender" value="1" checked`) {
			t.Fatal("the draft is not on the form")
		}
		// The script's autosave answers in plain text.
		if res := w.do("POST", loc+"/answer", url.Values{"a_gender": {"2"}, "ajax": {"1"}, "save": {"1"}}, staff); res.code != 200 || !strings.Contains(res.body, "保存") {
			t.Fatalf("autosave: %d %s", res.code, res.body)
		}
		for i, c := range cookies {
			g := fmt.Sprint(1 + i%2)
			res := w.do("POST", loc+"/answer", url.Values{"a_gender": {g}, "r01": {"4"}, "f01": {"ひみつの意見"}, "c1": {"5"}, "submit": {"1"}}, c)
			if res.code != http.StatusSeeOther {
				t.Fatalf("submit %d: %d %s", i, res.code, res.body)
			}
		}
		if res := w.do("POST", loc+"/answer", url.Values{"r01": {"1"}, "submit": {"1"}}, staff); res.code != http.StatusConflict {
			t.Fatalf("a second submission: %d", res.code)
		}
		res = w.do("GET", loc, nil, hr)
		if !strings.Contains(res.body, "12人が回答済み") {
			t.Fatal("progress count missing")
		}
		for i := 0; i < 12; i++ {
			if strings.Contains(res.body, fmt.Sprintf("職員 %d", i)) {
				t.Fatal("the progress page names a respondent")
			}
		}
		if res := w.do("GET", loc+"/results", nil, hr); !strings.Contains(res.body, "締め切り後") {
			t.Fatal("results of an open survey")
		}
		if res := w.do("POST", loc+"/close", url.Values{"version": {"2"}}, hr); res.code != http.StatusSeeOther {
			t.Fatalf("close: %d", res.code)
		}
		res = w.do("GET", loc+"/results?by=gender", nil, hr)
		if res.code != 200 || !strings.Contains(res.body, "<svg") || !strings.Contains(res.body, "<table") || !strings.Contains(res.body, "男性") {
			t.Fatalf("results: %d", res.code)
		}
		if strings.Contains(res.body, "ひみつの意見") {
			t.Fatal("free text shown next to a breakdown")
		}
		// A cross-table scrolls sideways in a region the keyboard reaches
		// (its columns keep their headers' width: survey.css .cross-table).
		if !regexp.MustCompile(`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="t-[^"]+"><table class="cross-table">`).MatchString(res.body) {
			t.Errorf("the result tables are not scrollable cross-tables:\n%s", res.body)
		}
		// Each item's section is named by its heading; its table's region
		// and its chart have names of their own (「…の表」「…のグラフ」), not
		// the heading's again (axe landmark-unique; 「性別 性別」 read twice).
		items := regexp.MustCompile(`<h3 id="h-([^"]+)">([^<]+)</h3>\s*<svg[^>]*aria-labelledby="([^"]+)"[^>]*><title id="([^"]+)">([^<]+)</title>[\s\S]*?role="region" aria-labelledby="([^"]+)"><table class="cross-table">\s*<caption[^>]*id="([^"]+)">([^<]+)</caption>`).FindAllStringSubmatch(res.body, -1)
		for _, m := range items {
			id, label := m[1], m[2]
			if m[3] != "c-"+id || m[4] != "c-"+id || m[5] != label+"のグラフ" {
				t.Errorf("chart of %s is named %q by %q", label, m[5], m[3])
			}
			if m[6] != "t-"+id || m[7] != "t-"+id || m[8] != label+"の表" {
				t.Errorf("table region of %s is named %q by %q", label, m[8], m[6])
			}
		}
		if n := strings.Count(res.body, `<section class="survey-item"`); n == 0 || n != len(items) {
			t.Errorf("%d item sections, %d with a named chart and table", n, len(items))
		}
		if res := w.do("GET", loc+"/results", nil, hr); !strings.Contains(res.body, "ひみつの意見") {
			t.Fatal("free text not listed although the survey shows it")
		}
		res = w.do("GET", loc+"/export?by=gender&format=csv", nil, hr)
		if res.code != 200 || !strings.Contains(res.body, "普段と比較して時間の有効活用") || !strings.Contains(res.header.Get("Content-Disposition"), ".csv") {
			t.Fatalf("export: %d", res.code)
		}
		if res := w.do("GET", loc+"/export?format=xlsx", nil, hr); res.code != 200 || !bytes.HasPrefix([]byte(res.body), []byte("PK")) {
			t.Fatalf("xlsx export: %d", res.code)
		}
		// The two CSV encodings never share a file name (the second download
		// would overwrite the first).
		utf8Name := res.header.Get("Content-Disposition")
		if sj := w.do("GET", loc+"/export?format=csv-sjis", nil, hr); sj.code != 200 || sj.header.Get("Content-Disposition") == utf8Name ||
			!strings.Contains(sj.header.Get("Content-Disposition"), "-sjis.csv") {
			t.Errorf("Shift_JIS export named %q, the UTF-8 one %q", sj.header.Get("Content-Disposition"), utf8Name)
		}
		// Staff cannot reach the results.
		if res := w.do("GET", loc+"/results", nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff reached the results: %d", res.code)
		}
	})
}

// sessionFor signs in a new staff account linked to a staff record.
func (w *world) sessionFor(t *testing.T, staffID int64, login string) *http.Cookie {
	t.Helper()
	u := newUser(login, staffID)
	storetest.Must(t, storetest.F(w.db).CreateUser(context.Background(), w.a.ID, sys, u))
	w.users[login] = u
	return w.session(t, login)
}

// TestOneOnOnePages: the pair reads and writes its log; HR, the auditor
// and a colleague get nothing of it, HR sees counts only.
func TestOneOnOnePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		keyedServer(t, w)
		sup, staff, hr, other := w.session(t, "supervisor"), w.session(t, "staff"), w.session(t, "hr"), w.session(t, "it")
		res := w.do("POST", "/oneonone", url.Values{"partner_no": {"1001"}, "role": {"lead"}, "cadence_days": {"14"}, "minutes": {"30"}, "mode": {"face"}}, sup)
		if res.code != http.StatusSeeOther {
			t.Fatalf("create pair: %d %s", res.code, res.body)
		}
		loc := res.location
		res = w.do("GET", loc, nil, sup)
		if res.code != 200 || !strings.Contains(res.body, "人事評価を目的とした面談ではありません") || !strings.Contains(res.body, "アイスブレイク") {
			t.Fatalf("pair page: %d", res.code)
		}
		res = w.do("POST", loc+"/meetings", url.Values{"held_on": {"2026-01-15"}, "mode": {"face"}, "ice_break": {"週末の話"},
			"theme": {"とても個人的な相談ごと"}, "actions": {"資料を共有する\n次回はオンライン"}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("log: %d %s", res.code, w.logs.String())
		}
		res = w.do("GET", loc, nil, sup)
		if !strings.Contains(res.body, "とても個人的な相談ごと") || !strings.Contains(res.body, "・資料を共有する") {
			t.Fatal("the pair does not see its log or the carried actions")
		}
		for name, c := range map[string]*http.Cookie{"hr": hr, "colleague": other} {
			if res := w.do("GET", loc, nil, c); res.code != http.StatusNotFound || strings.Contains(res.body, "相談") {
				t.Errorf("%s opened the pair: %d", name, res.code)
			}
			if res := w.do("POST", loc+"/meetings", url.Values{"held_on": {"2026-01-16"}, "mode": {"face"}}, c); res.code != http.StatusNotFound {
				t.Errorf("%s wrote a log: %d", name, res.code)
			}
		}
		res = w.do("GET", "/oneonone", nil, hr)
		if !strings.Contains(res.body, "件数だけ") || strings.Contains(res.body, "相談") || strings.Contains(res.body, w.staff["a-super"].Name) {
			t.Fatal("HR's page shows more than counts")
		}
		// The auditor's view of the audit log holds no log text.
		if res := w.do("GET", "/audit", nil, w.session(t, "auditor")); res.code != 200 || strings.Contains(res.body, "相談") || strings.Contains(res.body, "週末") {
			t.Fatalf("the audit view shows log text (%d)", res.code)
		}
		// The supervisor sees the pair overdue once its cadence passed.
		res = w.do("GET", "/oneonone", nil, sup)
		if !strings.Contains(res.body, "間隔超過") {
			t.Fatal("overdue not shown to the lead")
		}
		wantStacked(t, res.body, `aria-labelledby="pairs-heading"`, "間隔・時間・方法", "前回", "次回の目安")
	})
}

func newUser(login string, staffID int64) *auth.User {
	return &auth.User{LoginID: login, PasswordHash: cheapHash, StaffID: staffID}
}

// TestSurveyTooSmallToOpen: opening a survey whose target is under 5
// people is refused on the survey's page with the reason at the progress
// (the web said only "an input error").
func TestSurveyTooSmallToOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		today := calendar.DateOf(db.Now()).String()
		res := w.do("POST", "/surveys", url.Values{"survey_kind": {"custom"}, "survey_title": {"部長だけ"}, "opens_on": {today},
			"closes_on": {today}, "ranks": {"executive"}, "q0_text": {"人数"}, "q0_type": {"number"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		res = w.do("POST", res.location+"/open", url.Values{"version": {"1"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<a href="#f-target">対象が`) ||
			!strings.Contains(res.body, `id="f-target-error">対象が`) || !strings.Contains(res.body, "5人未満のアンケートは") {
			t.Fatalf("open: %d\n%s", res.code, res.body)
		}
	})
}

// TestSurveyPeriodEnded: a survey whose closing day has passed is not
// opened (said at the closing day's field), and an open survey whose period
// has ended is listed as 期間終了, not 受付中 (nobody can answer it).
func TestSurveyPeriodEnded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		today := calendar.DateOf(db.Now())
		yesterday := today.AddDays(-1).String()
		res := w.do("POST", "/surveys", url.Values{"survey_kind": {"custom"}, "survey_title": {"昨日まで"}, "opens_on": {yesterday},
			"closes_on": {yesterday}, "q0_text": {"人数"}, "q0_type": {"number"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		res = w.do("POST", res.location+"/open", url.Values{"version": {"1"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「回答の締切日」が過ぎているため、受付を始められません。") ||
			!strings.Contains(res.body, `id="f-closes_on-error"`) {
			t.Fatalf("open: %d\n%s\n%s", res.code, res.body, w.logs.String())
		}
		loc, _, _ := openNumberSurvey(t, w)
		var id int64
		fmt.Sscanf(loc, "/surveys/%d", &id)
		if res := w.do("GET", "/surveys", nil, hr); !strings.Contains(res.body, "受付中") {
			t.Fatal("the open survey is not listed as open")
		}
		_, err := db.SQL.Exec(db.Rebind(`UPDATE surveys SET closes_on = ? WHERE tenant_id = ? AND id = ?`), yesterday, w.a.ID, id)
		storetest.Must(t, err)
		for _, page := range []string{"/surveys", loc} {
			if res := w.do("GET", page, nil, hr); !strings.Contains(res.body, "期間終了") || strings.Contains(res.body, "受付中") {
				t.Errorf("%s: the ended survey is not shown as 期間終了", page)
			}
		}
	})
}
