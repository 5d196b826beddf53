package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestTaskPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, boss, staff, hr := w.session(t, "it"), w.session(t, "supervisor"), w.session(t, "staff"), w.session(t, "hr")
		// IT registers a common system by its name alone: its usual segment and data come with it.
		res := w.do("POST", "/tasks/systems", url.Values{"system_name": {"財務会計システム"}, "routes": {"satellite"}}, it)
		if res.code != http.StatusSeeOther {
			t.Fatalf("system: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/tasks/systems", url.Values{"system_name": {""}}, it)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「システム名」を入力してください") {
			t.Errorf("empty system name: %d", res.code)
		}
		res = w.do("POST", "/tasks/places", url.Values{"place_name": {"四賀支所"}, "place_kind": {"branch"}, "network": {"office_lan"}, "physical_security": {"1"}}, it)
		if res.code != http.StatusSeeOther {
			t.Fatalf("place: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/tasks/systems", nil, staff)
		if res.code != http.StatusOK || !strings.Contains(res.body, "財務会計システム") || !strings.Contains(res.body, "入札等の非公開情報") || strings.Contains(res.body, `action="/tasks/systems"`) {
			t.Errorf("systems page for staff: %d", res.code)
		}
		sect := itoa(w.units["a-sect"].ID)
		// The 所属長 adds a task; a member proposes one.
		res = w.do("GET", "/tasks?unit_id="+sect, nil, boss)
		sys := between(res.body, `id="sys-`, `"`)
		if sys == "" {
			t.Fatalf("no system checkbox on the sheet page:\n%s", res.body)
		}
		res = w.do("POST", "/tasks", url.Values{"unit_id": {sect}, "task_name": {"支出命令の確認"}, "timing": {"通年"}, "systems": {sys},
			"paper": {"digitisable"}, "phone": {"1"}, "hours_per_year": {"１２０"}}, boss)
		if res.code != http.StatusSeeOther {
			t.Fatalf("add: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/tasks", url.Values{"unit_id": {sect}, "task_name": {"窓口受付"}, "paper": {"residents"}, "face_to_face": {"1"}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("propose: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/tasks", url.Values{"unit_id": {sect}, "task_name": {""}}, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「業務名」を入力してください") {
			t.Errorf("empty name: %d", res.code)
		}
		res = w.do("GET", "/tasks?unit_id="+sect, nil, staff)
		for _, want := range []string{`<svg class="chart"`, `role="img"`, "<desc id=\"chart-desc\">在宅: ○0件、△0件、×1件。 サテライト: ○0件、△1件、×0件。", "提案中",
			"紙の原本を電子化(PDF化等)する(それだけでは、ほかの理由で×のまま)", "窓口受付",
			// Improvements that lift the task only together: offered, and a scenario of the summary.
			"「紙の原本を電子化(PDF化等)する」と「公用携帯・IP電話(公用電話アプリ)を配備する」をあわせて行うと○",
			`<th scope="row">「紙の原本を電子化(PDF化等)する」と「公用携帯・IP電話(公用電話アプリ)を配備する」をあわせて行う</th>`, `list="task-types"`, `label="しりょうさくせいぎょうむ"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("sheet page lacks %q\n%s", want, between(res.body, "<svg", "</svg>"))
			}
		}
		// Suggestions by reading, with the guide's tips.
		res = w.do("GET", "/tasks?unit_id="+sect+"&q="+url.QueryEscape("しりょう"), nil, staff)
		if !strings.Contains(res.body, "資料作成業務") || !strings.Contains(res.body, "共有フォルダに保管") {
			t.Errorf("suggestions: %d", res.code)
		}
		// The member cannot import; the 所属長 imports a file with a bad row: nothing written, the row named.
		body, ct := multipartFile(t, map[string]string{"unit_id": sect}, "sheet.csv", "業務名,電話\n統計資料作成,たぶん\n")
		if res := w.doRaw("POST", "/tasks/import", body, ct, staff); res.code != http.StatusForbidden {
			t.Errorf("member import: %d", res.code)
		}
		body, ct = multipartFile(t, map[string]string{"unit_id": sect}, "sheet.csv", "業務名,電話\n統計資料作成,たぶん\n")
		res = w.doRaw("POST", "/tasks/import", body, ct, boss)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "2行目「電話」の「たぶん」は読み取れません") {
			t.Errorf("bad import: %d", res.code)
		}
		res = w.do("GET", "/tasks/export?format=csv&unit_id="+sect, nil, staff)
		if res.code != http.StatusOK || !strings.Contains(res.body, "支出命令の確認,,通年,在宅× サテライト△ モバイル×") {
			t.Errorf("export: %d %q", res.code, res.body)
		}
		res = w.do("GET", "/tasks/ranking", nil, hr)
		if res.code != http.StatusOK || !strings.Contains(res.body, "財務会計システム") {
			t.Errorf("ranking: %d", res.code)
		}
		wantStacked(t, res.body, `aria-label="改善策ランキング`, "順位", "改善する業務数", "対象の所属")
		if res := w.do("GET", "/tasks/ranking", nil, staff); res.code != http.StatusForbidden {
			t.Errorf("staff ranking: %d", res.code)
		}
		res = w.do("GET", "/tasks/ranking/export?format=xlsx", nil, hr)
		if res.code != http.StatusOK || !strings.HasPrefix(res.body, "PK") {
			t.Errorf("ranking export: %d", res.code)
		}
	})
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	j := strings.Index(s, b)
	if j < 0 {
		return ""
	}
	return s[:j]
}

func multipartFile(t *testing.T, fields map[string]string, name, content string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

// doRaw posts a body of its own content type with a session.
func (w *world) doRaw(method, target string, body *bytes.Buffer, contentType string, cookie *http.Cookie) resp {
	req := httptest.NewRequest(method, target, body)
	req.Header.Set("Content-Type", contentType)
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return resp{code: rec.Code, body: rec.Body.String(), header: rec.Header()}
}
