package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// upload posts a file to the operator's holiday import as a browser does.
func (w *world) postHolidayFile(t *testing.T, cookie *http.Cookie, name string, data []byte) resp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", "/operator/holidays", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return resp{code: rec.Code, body: rec.Body.String(), header: rec.Header(), location: rec.Header().Get("Location")}
}

func TestCalendarPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		db.Now = func() time.Time { return time.Date(2025, 5, 20, 3, 0, 0, 0, time.UTC) }
		hr, staff, bhr := w.session(t, "hr"), w.session(t, "staff"), w.session(t, "b-hr")

		// Everyone reads the year; this year by default.
		res := w.do("GET", "/calendar", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, "2025年の休日") || !strings.Contains(res.body, "2025年11月24日") ||
			!strings.Contains(res.body, "振替休日") || !strings.Contains(res.body, "年末年始") {
			t.Fatalf("calendar page: %d\n%s", res.code, res.body)
		}
		if strings.Contains(res.body, `action="/calendar/closures"`) {
			t.Error("staff sees the closure form")
		}
		// 2025 has 241 business days: 261 weekdays − 15 weekday holidays −
		// 5 weekday 年末年始 days (1/2, 1/3, 12/29–31).
		if !strings.Contains(res.body, "<th scope=\"row\">合計</th><td>241</td>") {
			t.Error("business-day total of 2025 missing or wrong")
		}

		// HR adds a closure day; the form takes it and the page lists it.
		res = w.do("POST", "/calendar/closures", url.Values{"closure_date": {"2025-06-02"}, "closure_name": {"市制施行記念日"}}, hr)
		if res.code != http.StatusSeeOther || res.location != "/calendar?year=2025" {
			t.Fatalf("add: %d %s\n%s", res.code, res.location, res.body)
		}
		res = w.do("GET", "/calendar?year=2025", nil, hr)
		if !strings.Contains(res.body, "2025年6月2日（月）</td><td>市制施行記念日") ||
			!strings.Contains(res.body, `<th scope="row">合計</th><td>240</td>`) {
			t.Errorf("after add:\n%s", res.body)
		}
		// Refusals name the field and the reason.
		for _, c := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"closure_date": {"2025-06-02"}, "closure_name": {"二重"}}, "すでに閉庁日「市制施行記念日」"},
			{url.Values{"closure_date": {"2025-11-03"}, "closure_name": {"x"}}, "もともと開庁日ではありません(文化の日)"},
			{url.Values{"closure_date": {"2025-06-07"}, "closure_name": {"x"}}, "(土曜日)"},
			{url.Values{"closure_date": {"2025-02-30"}, "closure_name": {"x"}}, "正しい日付"},
			{url.Values{"closure_date": {"2025-06-03"}}, "「閉庁日の名称」を入力してください"},
		} {
			res = w.do("POST", "/calendar/closures", c.form, hr)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, c.want) || !strings.Contains(res.body, `aria-invalid="true"`) {
				t.Errorf("%v: %d, want 422 with %q", c.form, res.code, c.want)
			}
		}
		// 和暦 in the form works too (the field reads ParseDateFlexible).
		res = w.do("POST", "/calendar/closures", url.Values{"closure_date": {"R7.6.3"}, "closure_name": {"選挙事務"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Errorf("和暦 date: %d", res.code)
		}

		// The other tenant sees none of it, and cannot remove it.
		if res = w.do("GET", "/calendar?year=2025", nil, bhr); res.code != 200 || strings.Contains(res.body, "2025年6月2日") {
			t.Error("closure day visible to another tenant")
		}
		if res = w.do("POST", "/calendar/closures/remove", url.Values{"date": {"2025-06-02"}}, bhr); res.code != http.StatusNotFound {
			t.Errorf("cross-tenant remove: %d", res.code)
		}

		// The API gives the same days, closures included.
		res = w.do("GET", "/api/v1/calendar/holidays?year=2025", nil, staff)
		var pg struct {
			Items []struct{ Date, Name, Kind string }
			Total int
		}
		if err := json.Unmarshal([]byte(res.body), &pg); err != nil || res.code != 200 {
			t.Fatalf("api: %d %v %s", res.code, err, res.body)
		}
		if pg.Total != 19+5+2 || len(pg.Items) != pg.Total {
			t.Errorf("api total %d items %d", pg.Total, len(pg.Items))
		}
		kinds := map[string]string{}
		for _, it := range pg.Items {
			kinds[it.Date] = it.Kind + " " + it.Name
		}
		for date, want := range map[string]string{"2025-01-01": "national 元日", "2025-01-02": "year_end 年末年始",
			"2025-02-24": "substitute 休日", "2025-06-02": "closure 市制施行記念日", "2025-06-03": "closure 選挙事務"} {
			if kinds[date] != want {
				t.Errorf("api %s = %q, want %q", date, kinds[date], want)
			}
		}
		res = w.do("GET", "/api/v1/calendar/holidays", nil, bhr)
		if !strings.Contains(res.body, `"2025-01-13"`) || strings.Contains(res.body, "2025-06-02") {
			t.Errorf("api default year or isolation: %s", res.body)
		}
		for _, q := range []string{"abc", "1954", "2101"} {
			res = w.do("GET", "/api/v1/calendar/holidays?year="+q, nil, staff)
			if res.code != http.StatusUnprocessableEntity || res.header.Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(res.body, `"field":"year"`) {
				t.Errorf("year=%s: %d %s", q, res.code, res.body)
			}
		}

		// HR removes it again; both changes are in the tenant's audit log.
		res = w.do("POST", "/calendar/closures/remove", url.Values{"date": {"2025-06-02"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("remove: %d %s", res.code, res.body)
		}
		if res = w.do("POST", "/calendar/closures/remove", url.Values{"date": {"2025-06-02"}}, hr); res.code != http.StatusNotFound {
			t.Errorf("remove twice: %d", res.code)
		}
		es, _ := db.FindAuditEntries(context.Background(), w.a.ID, audit.Filter{Action: "calendar."})
		if len(es) != 3 || es[0].ActorLabel != "hr" {
			t.Errorf("audit: %d entries", len(es))
		}

		// Dates in 和暦 for a person who chose it.
		w.do("POST", "/settings", url.Values{"lang": {"ja"}, "era": {"wareki"}}, staff)
		if res = w.do("GET", "/calendar?year=2019", nil, staff); !strings.Contains(res.body, "令和元年5月1日") ||
			!strings.Contains(res.body, "休日（祝日扱い）") || !strings.Contains(res.body, "平成31年4月30日") {
			t.Errorf("和暦 page:\n%s", res.body)
		}
		// English.
		if res = w.do("GET", "/calendar?year=2025", nil, staff, "Accept-Language", "en"); res.code != 200 {
			t.Errorf("en: %d", res.code)
		}
	})
}

func TestHolidayImportPage(t *testing.T) {
	sample, err := os.ReadFile("../calendar/testdata/syukujitsu_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		op, hr := w.session(t, "operator"), w.session(t, "hr")
		if res := w.do("GET", "/operator/holidays", nil, op); res.code != 200 || !strings.Contains(res.body, "まだ取り込まれていません") {
			t.Fatalf("page: %d", res.code)
		}
		// A bad file: refused whole, by line, nothing written.
		bad := append(append([]byte{}, sample...), []byte("2026/2/30,休日\r\n")...)
		res := w.postHolidayFile(t, op, "syukujitsu.csv", bad)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "60行目: 日付「2026/2/30」は存在しない日です。") ||
			!strings.Contains(res.body, "何も変更していません") {
			t.Fatalf("bad file: %d\n%s", res.code, res.body)
		}
		// The file field names the list of faulty lines for a screen reader.
		if !strings.Contains(res.body, `id="f-file-faults"`) || !strings.Contains(res.body, `aria-invalid="true" aria-describedby="f-file-hint f-file-faults"`) {
			t.Errorf("the faults are not tied to the file field:\n%s", res.body)
		}
		if d, _ := db.FindHolidayData(context.Background()); d.Days != 0 {
			t.Fatalf("a refused file wrote %d days", d.Days)
		}
		if res := w.do("POST", "/operator/holidays", url.Values{}, op); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "「ファイル」を選んでください") {
			t.Errorf("no file: %d", res.code)
		}
		// The real format: imported, and it matches the computation.
		// The import redirects (a reload must not import again) to the
		// page with its result.
		res = w.postHolidayFile(t, op, "syukujitsu.csv", sample)
		if res.code != http.StatusSeeOther || !strings.HasPrefix(res.location, "/operator/holidays?imported=2024-2026") {
			t.Fatalf("import: %d %q", res.code, res.location)
		}
		res = w.do("GET", res.location, nil, op)
		if res.code != 200 || !strings.Contains(res.body, "2024–2026年の祝日・休日 58日分を取り込みました") ||
			!strings.Contains(res.body, "計算値と一致しました") {
			t.Fatalf("import: %d\n%s", res.code, res.body)
		}
		if res := w.do("GET", "/operator/holidays", nil, op); !strings.Contains(res.body, "2024年～2026年") {
			t.Error("page does not show the data")
		}
		if res := w.do("GET", "/calendar?year=2025", nil, hr); !strings.Contains(res.body, "内閣府の祝日データ(取込済み)") {
			t.Error("calendar does not say the year is imported")
		}
		if res := w.do("GET", "/calendar?year=2027", nil, hr); !strings.Contains(res.body, "計算値です") {
			t.Error("calendar does not say the year is computed")
		}
		// A new edition that moves a day shows the difference.
		moved := bytes.Replace(sample, []byte("2026/7/20,"), []byte("2026/7/21,"), 1)
		res = w.postHolidayFile(t, op, "syukujitsu.csv", moved)
		res = w.do("GET", res.location, nil, op)
		if res.code != 200 || !strings.Contains(res.body, "計算値との違い") || !strings.Contains(res.body, "2026年7月21日") {
			t.Errorf("diff: %d\n%s", res.code, res.body)
		}
		es, _ := db.FindAuditEntries(context.Background(), 0, audit.Filter{Action: "calendar.holidays_import"})
		if len(es) != 2 || es[0].ActorLabel == "" {
			t.Errorf("instance audit: %d", len(es))
		}
		cal, err := db.LoadCalendar(context.Background(), w.a.ID, 2026, 2026)
		if err != nil || cal.Reason(calendar.Date{Year: 2026, Month: 7, Day: 21}) != "海の日" {
			t.Errorf("moved day not used: %v", err)
		}
	})
}

func TestHolidaysInOpenAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		doc := string(w.srv.OpenAPIJSON())
		for _, s := range []string{`"/api/v1/calendar/holidays"`, `"listHolidays"`, `"Holiday": {`, `"year_end"`} {
			if !strings.Contains(doc, s) {
				t.Errorf("OpenAPI document lacks %s", s)
			}
		}
	})
}
