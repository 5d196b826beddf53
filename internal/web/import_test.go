package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

// upload posts a file to the import form as a browser does.
func (w *world) uploadStaffFile(t *testing.T, cookie *http.Cookie, name string, data []byte, full bool) resp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	if full {
		mw.WriteField("full", "1")
	}
	mw.Close()
	req := httptest.NewRequest("POST", "/staff/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return resp{code: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String(), header: rec.Header()}
}

var importHiddenRE = regexp.MustCompile(`name="(import_id|digest)" value="([^"]*)"`)

func importHidden(body string) url.Values {
	v := url.Values{}
	for _, m := range importHiddenRE.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], m[2])
	}
	return v
}

func TestImportPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hrCookie := w.session(t, "hr")
		file, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte("職員番号,氏名,フリガナ,所属,役職,発令日\r\n" +
			"2001,髙﨑 一郎,タカサキ イチロウ,総務部 人事課 人事係,主事,令和8年4月1日\r\n" +
			"1001,山田 太郎,やまだ たろう,111,主任～係長,R8.4.1\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		res := w.uploadStaffFile(t, hrCookie, "4月異動.csv", file, false)
		if res.code != http.StatusOK || !strings.Contains(res.body, "新規 1人、変更 1人") || !strings.Contains(res.body, "主事 → 主任～係長") ||
			!strings.Contains(res.body, "CP932") {
			t.Fatalf("preview: %d\n%s", res.code, res.body)
		}
		form := importHidden(res.body)
		if form.Get("import_id") == "" || form.Get("digest") == "" {
			t.Fatalf("no confirmation form: %v", form)
		}
		if _, err := db.FindStaffByNo(ctx, w.a.ID, "2001"); err == nil {
			t.Fatal("the preview wrote")
		}
		// Another HR person cannot confirm someone else's upload.
		other := &auth.User{LoginID: "hr2", PasswordHash: cheapHash, Granted: w.users["hr"].Granted}
		if err := storetest.F(db).CreateUser(ctx, w.a.ID, sys, other); err != nil {
			t.Fatal(err)
		}
		w.users["hr2"] = other
		if res := w.do("POST", "/staff/import/confirm", form, w.session(t, "hr2")); res.code != http.StatusGone {
			t.Errorf("someone else's confirmation: %d", res.code)
		}
		res = w.do("POST", "/staff/import/confirm", form, hrCookie)
		if res.code != http.StatusSeeOther || !strings.HasPrefix(res.location, "/staff/import?done=") {
			t.Fatalf("confirm: %d %s\n%s", res.code, res.location, res.body)
		}
		s, err := db.FindStaffByNo(ctx, w.a.ID, "2001")
		if err != nil || s.Name != "髙﨑 一郎" || s.UnitID != w.units["a-team"].ID {
			t.Fatalf("imported: %+v %v", s, err)
		}
		if s, _ := db.FindStaffByNo(ctx, w.a.ID, "1001"); s.Title != "主任～係長" {
			t.Errorf("changed: %+v", s)
		}
		res = w.do("GET", res.location, nil, hrCookie)
		if res.code != 200 || !strings.Contains(res.body, "4月異動.csv を取り込みました。新規 1人、変更 1人") {
			t.Errorf("done page: %d\n%s", res.code, res.body)
		}
		// A second click applies nothing more.
		if res := w.do("POST", "/staff/import/confirm", form, hrCookie); res.code != http.StatusSeeOther {
			t.Errorf("double confirmation: %d", res.code)
		}
		var imports int
		db.SQL.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'staff.import'`).Scan(&imports)
		if imports != 1 {
			t.Errorf("%d staff.import audit entries", imports)
		}

		// Errors: a table with line, column and reason; nothing kept.
		res = w.uploadStaffFile(t, hrCookie, "bad.csv", []byte("職員番号,氏名,ふりがな,所属コード\n3001,,Yamada,111\n3002,次,つぎ,999\n"), false)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<th scope="row">2</th><td>氏名</td>`) ||
			!strings.Contains(res.body, `<th scope="row">3</th><td>所属コード</td>`) || !strings.Contains(res.body, "<caption>") ||
			strings.Contains(res.body, "/staff/import/confirm") {
			t.Errorf("refused file: %d\n%s", res.code, res.body)
		}
		// The same in English.
		enLocale := "en"
		if _, err := storetest.F(db).UpdateUser(ctx, w.a.ID, sys, other.ID, auth.UserUpdate{Locale: &enLocale}); err != nil {
			t.Fatal(err)
		}
		res = w.uploadStaffFile(t, w.session(t, "hr2"), "bad.csv", []byte("職員番号,氏名,ふりがな,所属コード\n3001,,Yamada,111\n"), false)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Enter 氏名.") || !strings.Contains(res.body, ">Line<") {
			t.Errorf("refused file in English: %d\n%s", res.code, res.body)
		}
		// Data changed after the preview: the new plan is shown, not applied.
		res = w.uploadStaffFile(t, hrCookie, "x.csv", []byte("職員番号,役職\n1002,課長\n"), false)
		form = importHidden(res.body)
		st := w.staff["a-super"]
		cur, _ := db.FindStaffByID(ctx, w.a.ID, st.ID)
		cur.Email = "changed@city.example.lg.jp"
		if err := storetest.F(db).UpdateStaff(ctx, w.a.ID, sys, cur, cur.Version, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		res = w.do("POST", "/staff/import/confirm", form, hrCookie)
		if res.code != http.StatusConflict || !strings.Contains(res.body, "確認の後に職員の情報が変更された") {
			t.Fatalf("changed data: %d\n%s", res.code, res.body)
		}
		if s, _ := db.FindStaffByID(ctx, w.a.ID, st.ID); s.Title == "課長" {
			t.Fatal("applied a plan nobody confirmed")
		}
		if res = w.do("POST", "/staff/import/confirm", importHidden(res.body), hrCookie); res.code != http.StatusSeeOther {
			t.Fatalf("confirm the new plan: %d\n%s", res.code, res.body)
		}
		if s, _ := db.FindStaffByID(ctx, w.a.ID, st.ID); s.Title != "課長" || s.Email != "changed@city.example.lg.jp" {
			t.Errorf("after confirming the new plan: %+v", s)
		}

		// Export: the analysis attributes only on request.
		res = w.do("POST", "/staff/export", url.Values{"format": {"csv"}}, hrCookie)
		if res.code != 200 || !strings.HasPrefix(res.body, "\ufeff職員番号") || strings.Contains(res.body, "女性") ||
			!strings.Contains(res.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("export: %d %v\n%s", res.code, res.header, res.body)
		}
		res = w.do("POST", "/staff/export", url.Values{"format": {"csv-sjis"}, "sensitive": {"1"}}, hrCookie)
		dec, _ := japanese.ShiftJIS.NewDecoder().String(res.body)
		if res.code != 200 || !strings.Contains(dec, "分析同意") || !strings.Contains(dec, "女性") || !strings.Contains(res.header.Get("Content-Type"), "Shift_JIS") {
			t.Errorf("sensitive export: %d\n%s", res.code, dec)
		}
		// … and what is exported imports back unchanged.
		res = w.do("POST", "/staff/export", url.Values{"format": {"xlsx"}, "sensitive": {"1"}}, hrCookie)
		if res = w.uploadStaffFile(t, hrCookie, "staff.xlsx", []byte(res.body), true); res.code != 200 || !strings.Contains(res.body, "新規 0人、変更 0人、退職 0人、在職に戻す 0人") ||
			!strings.Contains(res.body, "登録・変更する内容はありません") {
			t.Errorf("re-import of the export: %d\n%s", res.code, res.body)
		}
	})
}

func TestImportAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		token := mkToken(t, w, "hr", false)
		post := func(query, ctype string, body []byte, hdr ...string) resp {
			req := httptest.NewRequest("POST", "/api/v1/staff/import"+query, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", ctype)
			for i := 0; i+1 < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, req)
			return resp{code: rec.Code, body: rec.Body.String(), header: rec.Header()}
		}
		csv := []byte("職員番号,氏名,ふりがな,所属コード,役職\n4001,新 人,しん じん,111,主事\n1001,山田 太郎,やまだ たろう,111,主任\n")
		res := post("?dry_run=true", "text/csv", csv)
		var out struct {
			DryRun  bool `json:"dry_run"`
			Applied bool `json:"applied"`
			Summary struct {
				Created, Changed, Unchanged int
				Encoding                    string
			} `json:"summary"`
			Changed []struct {
				Line    int    `json:"line"`
				StaffNo string `json:"staff_no"`
				Changes []struct{ Field, Column, Before, After string }
			} `json:"changed"`
		}
		decode(t, res, &out)
		if res.code != 200 || !out.DryRun || out.Applied || out.Summary.Created != 1 || out.Summary.Changed != 1 || len(out.Changed) != 1 ||
			out.Changed[0].Line != 3 || out.Changed[0].Changes[0].After != "主任" {
			t.Fatalf("dry run: %d %s", res.code, res.body)
		}
		if _, err := db.FindStaffByNo(context.Background(), w.a.ID, "4001"); err == nil {
			t.Fatal("dry run wrote")
		}
		res = post("", "text/csv; charset=utf-8", csv)
		decode(t, res, &out)
		if res.code != 200 || !out.Applied || out.Summary.Created != 1 {
			t.Fatalf("import: %d %s", res.code, res.body)
		}
		// Errors carry line and column, in the caller's language.
		res = post("", "text/csv", []byte("職員番号,氏名,ふりがな,所属コード\n4002,,x,111\n"), "Accept-Language", "en")
		var prob struct {
			Detail string
			Errors []struct {
				Field, Detail, Column string
				Line                  int
			}
		}
		decode(t, res, &prob)
		if res.code != 422 || res.header.Get("Content-Type") != "application/problem+json" || len(prob.Errors) != 2 ||
			prob.Errors[0].Line != 2 || prob.Errors[0].Column != "氏名" || prob.Errors[0].Field != "name" || !strings.Contains(prob.Detail, "nothing was imported") {
			t.Errorf("errors: %d %s", res.code, res.body)
		}
		if res := post("", "application/json", []byte(`{}`)); res.code != http.StatusUnsupportedMediaType {
			t.Errorf("JSON body: %d", res.code)
		}
		if res := post("?dry_run=maybe", "text/csv", csv); res.code != 422 {
			t.Errorf("bad dry_run: %d", res.code)
		}
		// Export as xlsx and import it back: nothing changes.
		req := httptest.NewRequest("POST", "/api/v1/staff/export?format=xlsx", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != tabular.XLSXContentType {
			t.Fatalf("export: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		res = post("?full=true", tabular.XLSXContentType, rec.Body.Bytes())
		var again map[string]any
		decode(t, res, &again)
		sum, _ := again["summary"].(map[string]any)
		if res.code != 200 || sum["created"] != 0.0 || sum["changed"] != 0.0 || sum["retired"] != 0.0 || sum["unchanged"] != 6.0 {
			t.Errorf("re-import: %d %s", res.code, res.body)
		}
		// A read-only token may export but not import.
		ro := mkToken(t, w, "hr", true)
		req = httptest.NewRequest("POST", "/api/v1/staff/import", bytes.NewReader(csv))
		req.Header.Set("Authorization", "Bearer "+ro)
		req.Header.Set("Content-Type", "text/csv")
		rec = httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("read-only token imported: %d", rec.Code)
		}
		var entries int
		db.SQL.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'staff.export'`).Scan(&entries)
		if entries != 1 {
			t.Errorf("%d export audit entries", entries)
		}
	})
}
