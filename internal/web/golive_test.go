package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func (w *world) uploadTo(t *testing.T, path string, cookie *http.Cookie, name string, data []byte) resp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return resp{code: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String(), header: rec.Header()}
}

// HR imports the organisation from a CP932 file on the pages: preview,
// confirm, result; a refused file lists line, column and reason; the
// export downloads the same columns.
func TestUnitImportPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		if res := w.do("GET", "/units/import", nil, hr); res.code != 200 || !strings.Contains(res.body, "上位所属コード") {
			t.Fatalf("page: %d", res.code)
		}
		if res := w.do("GET", "/units/import", nil, w.session(t, "staff")); res.code != http.StatusForbidden {
			t.Fatalf("staff reached the import: %d", res.code)
		}
		bad, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte("所属コード,所属名,区分,上位所属コード\r\n120,企画課,課,999\r\n"))
		res := w.uploadTo(t, "/units/import", hr, "組織.csv", bad)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "上位所属コード") || !strings.Contains(res.body, "999") {
			t.Fatalf("refused file: %d\n%s", res.code, res.body)
		}
		file, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte("所属コード,所属名,区分,上位所属コード,適用日\r\n120,企画課,課,100,令和8年4月1日\r\n"))
		res = w.uploadTo(t, "/units/import", hr, "組織.csv", file)
		if res.code != 200 || !strings.Contains(res.body, "新規 1件") || !strings.Contains(res.body, "CP932") {
			t.Fatalf("preview: %d\n%s", res.code, res.body)
		}
		form := importHidden(res.body)
		res = w.do("POST", "/units/import/confirm", form, hr)
		if res.code != http.StatusSeeOther || !strings.HasPrefix(res.location, "/units/import?done=") {
			t.Fatalf("confirm: %d %s", res.code, res.location)
		}
		if res := w.do("GET", res.location, nil, hr); !strings.Contains(res.body, "新規 1件") {
			t.Fatalf("result: %s", res.body)
		}
		if res := w.do("GET", "/units", nil, hr); !strings.Contains(res.body, "企画課") {
			t.Fatal("the unit is not in the tree")
		}
		res = w.do("POST", "/units/export", url.Values{"format": {"csv-sjis"}}, hr)
		if res.code != 200 || !strings.Contains(res.header.Get("Content-Disposition"), "-sjis.csv") {
			t.Fatalf("export: %d %v", res.code, res.header)
		}
		text, _ := japanese.ShiftJIS.NewDecoder().String(res.body)
		if !strings.HasPrefix(text, "所属コード,所属名,区分,上位所属コード,上位所属,表示順,廃止,適用日") || !strings.Contains(text, "120,企画課,課,100,総務部,0,,") {
			t.Fatalf("export body: %q", text)
		}
	})
}

// The organisation import and export by API: a dry run plans, a refused
// file answers 422 with every problem's line and column, an applied file
// writes; responses are checked against the OpenAPI document.
func TestUnitImportAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		token := mkToken(t, w, "hr", false)
		post := func(query string, body string) resp {
			req := httptest.NewRequest("POST", "/api/v1/units/import"+query, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "text/csv")
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, req)
			w.api.check(req, rec.Code, rec.Header(), rec.Body.Bytes())
			return resp{code: rec.Code, body: rec.Body.String(), header: rec.Header()}
		}
		res := post("?dry_run=true", "所属コード,所属名,区分,上位所属\n120,企画課,課,総務部\n")
		var out struct {
			DryRun  bool `json:"dry_run"`
			Created []struct {
				Code       string `json:"code"`
				ParentCode string `json:"parent_code"`
			} `json:"created"`
		}
		decode(t, res, &out)
		if res.code != 200 || !out.DryRun || len(out.Created) != 1 || out.Created[0].ParentCode != "100" {
			t.Fatalf("dry run: %d %s", res.code, res.body)
		}
		res = post("", "所属コード,所属名,区分,上位所属コード\n120,企画課,課,999\n")
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"line":2`) || !strings.Contains(res.body, `"column":"上位所属コード"`) {
			t.Fatalf("refused: %d %s", res.code, res.body)
		}
		if res = post("", "所属コード,所属名,区分,上位所属コード\n120,企画課,課,100\n"); res.code != 200 || !strings.Contains(res.body, `"applied":true`) {
			t.Fatalf("apply: %d %s", res.code, res.body)
		}
		res = w.call("GET", "/api/v1/units/export?format=csv", "", mkToken(t, w, "hr", true))
		if res.code != 200 || !strings.Contains(res.body, "120,企画課,課,100,総務部,0,,") {
			t.Fatalf("export: %d %s", res.code, res.body)
		}
	})
}

// The policy form offers the tenant's units to pick from, and a unit rule
// naming a unit by name is refused on its own row, the message linked to
// the field; nothing is saved.
func TestPolicyUnitPicker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		res := w.do("GET", "/policy/new?from=matsumoto", nil, hr)
		if res.code != 200 || !strings.Contains(res.body, `<datalist id="unit-codes">`) ||
			!strings.Contains(res.body, `<option value="111">111 総務部/人事課/人事係</option>`) || !strings.Contains(res.body, `list="unit-codes"`) {
			t.Fatalf("picker: %d", res.code)
		}
		form := policyFormValues(fmt.Sprintf("%d-04-01", time.Now().Year()+1))
		form.Set("unit_rules.0.unit_code", "")
		form.Set("unit_rules.1.unit_code", "人事課")
		form.Set("unit_rules.1.weekly_max_days", "1")
		res = w.do("POST", "/policy", form, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "2行目の「所属コード」の「人事課」は組織の名前です。所属コード 110") ||
			!strings.Contains(res.body, `aria-describedby="f-unit_rules.1.unit_code-error"`) || !strings.Contains(res.body, `href="#f-unit_rules.1.unit_code"`) {
			t.Fatalf("name refused: %d\n%s", res.code, res.body)
		}
		form.Set("eligibility.unit_codes", "999999")
		form.Set("unit_rules.1.unit_code", "110")
		if res = w.do("POST", "/policy", form, hr); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「999999」に当たる組織がありません") {
			t.Fatalf("unknown code: %d", res.code)
		}
	})
}

var inviteLinkRE = regexp.MustCompile(`/invite\?tenant=matsumoto&amp;token=([A-Za-z0-9_-]+)`)

// HR creates the accounts of a unit's people with invitation links: the
// notices page has one sheet per person with its link, a print stylesheet
// and the xlsx form; a person opens the link (public), is refused a weak
// password, sets a good one and signs in; the link is then used up.
func TestBulkAccountPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		if res := w.do("GET", "/accounts/bulk", nil, w.session(t, "it")); res.code != http.StatusForbidden {
			t.Fatalf("IT reached bulk accounts: %d", res.code)
		}
		// In 市民部, 1004 (it) and 1005 (spare) have accounts; 3001 is new.
		newcomer := &org.Staff{StaffNo: "3001", Name: "新井 花子", Kana: "あらい はなこ", UnitID: w.units["a-other"].ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general"}
		storetest.Must(t, storetest.F(db).CreateStaff(context.Background(), w.a.ID, sys, newcomer, calendar.Date{}))
		res := w.do("GET", "/accounts/bulk?unit_id="+itoa(w.units["a-other"].ID), nil, hr)
		if res.code != 200 || !strings.Contains(res.body, "アカウントのない職員(1人)") || !strings.Contains(res.body, "3001") {
			t.Fatalf("list: %d\n%s", res.code, res.body)
		}
		// Nothing selected: refused naming the group.
		res = w.do("POST", "/accounts/bulk", url.Values{"method": {"invite"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "1人以上選んでください") {
			t.Fatalf("nothing selected: %d", res.code)
		}
		// Create one more person without an account and take everyone in the unit.
		res = w.do("POST", "/accounts/bulk", url.Values{"method": {"invite"}, "all": {"1"}, "unit_id": {itoa(w.units["a-other"].ID)}}, hr)
		if res.code != http.StatusCreated || strings.Count(res.body, `class="notice-sheet"`) != 1 || !strings.Contains(res.body, "golive.css") ||
			!strings.Contains(res.body, `action="/accounts/bulk/notices.xlsx"`) {
			t.Fatalf("notices: %d\n%s", res.code, res.body)
		}
		m := inviteLinkRE.FindStringSubmatch(res.body)
		if m == nil {
			t.Fatalf("no invitation link in\n%s", res.body)
		}
		token := m[1]
		// The clerk's xlsx from the page's rows.
		x := w.do("POST", "/accounts/bulk/notices.xlsx", url.Values{"staff_no": {"3001"}, "name": {"髙橋 次郎"}, "unit": {"市民部"},
			"login_id": {"3001"}, "secret": {"https://x/invite"}, "expires": {"2026/12/1"}}, hr)
		if x.code != 200 || !strings.Contains(x.header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d %v", x.code, x.header)
		}
		// The person, signed in as nobody.
		res = w.do("GET", "/invite?tenant=matsumoto&token="+token, nil, nil)
		if res.code != 200 || !strings.Contains(res.body, `value="3001"`) || !strings.Contains(res.body, `autocomplete="new-password"`) {
			t.Fatalf("invite page: %d\n%s", res.code, res.body)
		}
		form := url.Values{"tenant": {"matsumoto"}, "token": {token}, "new_password": {"password1234"}, "confirm_password": {"password1234"}}
		if res = w.do("POST", "/invite", form, nil); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-new_password-error"`) {
			t.Fatalf("weak password: %d", res.code)
		}
		form.Set("new_password", "kakigori-natsu-2026")
		form.Set("confirm_password", "kakigori-natsu-2026")
		if res = w.do("POST", "/invite", form, nil); res.code != http.StatusSeeOther || res.location != "/login?tenant=matsumoto" {
			t.Fatalf("accept: %d %s", res.code, res.location)
		}
		login := w.do("POST", "/login", url.Values{"tenant": {"matsumoto"}, "login_id": {"3001"}, "password": {"kakigori-natsu-2026"}}, nil)
		if login.code != http.StatusSeeOther || login.location != "/" {
			t.Fatalf("sign-in: %d %s", login.code, login.location)
		}
		if res = w.do("GET", "/invite?tenant=matsumoto&token="+token, nil, nil); res.code != http.StatusNotFound || !strings.Contains(res.body, "この招待リンクは使えません") {
			t.Fatalf("used link: %d", res.code)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
