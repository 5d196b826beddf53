package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// call makes an API request with a bearer token or a session cookie.
func (w *world) call(method, target, body, token string, hdr ...string) resp {
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	w.api.check(req, rec.Code, rec.Header(), rec.Body.Bytes())
	return resp{code: rec.Code, location: rec.Header().Get("Location"), body: rec.Body.String(), header: rec.Header()}
}

// withoutCodes is a problem body without its "code" members: a test
// that no message key shows in the text a person reads looks at this (the
// codes are keys by design).
func withoutCodes(body string) string { return problemCodeRE.ReplaceAllString(body, "") }

var problemCodeRE = regexp.MustCompile(`"code":"[^"]*",?`)

func decode(t *testing.T, res resp, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(res.body), v); err != nil {
		t.Fatalf("response is not JSON (%d): %v\n%s", res.code, err, res.body)
	}
}

// mkToken creates a token through the web form as the account key.
func mkToken(t *testing.T, w *world, key string, readOnly bool) string {
	t.Helper()
	form := map[string][]string{"name": {"連携 " + key}, "expires_in_days": {"30"}}
	if readOnly {
		form["read_only"] = []string{"1"}
	}
	path := "/tokens"
	if key == "operator" {
		path = "/operator/tokens"
	}
	res := w.do("POST", path, form, w.session(t, key))
	i := strings.Index(res.body, "<code>tw_")
	if res.code != http.StatusCreated || i < 0 {
		t.Fatalf("token page: %d", res.code)
	}
	rest := res.body[i+6:]
	return rest[:strings.Index(rest, "<")]
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr := mkToken(t, w, "hr", false)
		ro := mkToken(t, w, "hr", true)
		// A NUL in any form value is refused before anything is written
		// (PostgreSQL answered it with a 500).
		if res := w.do("POST", "/tokens", map[string][]string{"name": {"a\x00b"}, "expires_in_days": {"30"}}, w.session(t, "hr")); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "制御文字") {
			t.Errorf("a NUL in a form: %d", res.code)
		}
		staff := mkToken(t, w, "staff", false)

		var me map[string]any
		res := w.call("GET", "/api/v1/me", "", hr)
		decode(t, res, &me)
		if res.code != 200 || me["user"].(map[string]any)["login_id"] != "hr" {
			t.Fatalf("me: %d %s", res.code, res.body)
		}
		// Unknown, malformed and missing tokens: 401 problem details.
		for _, tok := range []string{"tw_nope", "garbage", hr + "x"} {
			if res := w.call("GET", "/api/v1/me", "", tok); res.code != 401 || !strings.Contains(res.header.Get("WWW-Authenticate"), "invalid_token") {
				t.Errorf("token %q: %d", tok[:5], res.code)
			}
		}
		// A token never has more rights than its user.
		if res := w.call("POST", "/api/v1/units", `{"code":"900","name":"試験係","level":"係"}`, staff); res.code != 403 {
			t.Errorf("staff token creating a unit: %d", res.code)
		}
		// Read-only tokens read but never write.
		if res := w.call("GET", "/api/v1/staff", "", ro); res.code != 200 {
			t.Errorf("read-only GET: %d", res.code)
		}
		if res := w.call("POST", "/api/v1/units", `{"code":"901","name":"読取係","level":"係"}`, ro); res.code != 403 {
			t.Errorf("read-only POST: %d", res.code)
		}
		// Changes through a token are attributed to it in the audit log.
		res = w.call("POST", "/api/v1/units", `{"code":"902","name":"連携係","level":"係","parent_id":`+strconv.FormatInt(w.units["a-sect"].ID, 10)+`}`, hr)
		if res.code != 201 || !strings.HasPrefix(res.location, "/api/v1/units/") || res.header.Get("ETag") == "" {
			t.Fatalf("create unit: %d %s", res.code, res.body)
		}
		ents, _ := db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Action: "unit.create", Actor: "hr"})
		if len(ents) == 0 || !strings.Contains(ents[0].ActorLabel, "(token #") {
			t.Errorf("token use not attributable: %+v", ents)
		}
		// The owner's role removal takes effect on the token at once: it
		// revokes the token (issue 10 item 2).
		hrUser := w.users["hr"]
		if _, err := storetest.F(db).UpdateUser(ctx, w.a.ID, sys, hrUser.ID, auth.UserUpdate{Granted: ptr([]auth.Role{})}); err != nil {
			t.Fatal(err)
		}
		if res := w.call("POST", "/api/v1/units", `{"code":"903","name":"x","level":"係"}`, hr); res.code != 401 {
			t.Errorf("token after role removal: %d", res.code)
		}
		// Revoked tokens stop working.
		var list struct {
			Items []struct{ ID int64 } `json:"items"`
		}
		decode(t, w.call("GET", "/api/v1/tokens", "", staff), &list)
		if len(list.Items) != 1 {
			t.Fatalf("staff sees %d tokens, want only their own 1", len(list.Items))
		}
		if res := w.call("DELETE", "/api/v1/tokens/"+strconv.FormatInt(list.Items[0].ID, 10), "", staff); res.code != 204 {
			t.Fatalf("revoke: %d", res.code)
		}
		if res := w.call("GET", "/api/v1/me", "", staff); res.code != 401 {
			t.Errorf("revoked token: %d", res.code)
		}
		// Expired tokens too.
		db.Now = func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }
		defer func() { db.Now = time.Now }()
		if res := w.call("GET", "/api/v1/me", "", ro); res.code != 401 {
			t.Errorf("expired token: %d", res.code)
		}
	})
}

func TestAPIConventions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := mkToken(t, w, "hr", false)
		// Problem details in Japanese by default, English on request.
		res := w.call("POST", "/api/v1/staff", `{"staff_no":"x x","name":"","kana":"abc","unit_id":0,"colour":"red"}`, hr)
		var pb struct {
			Type, Title, Detail string
			Status              int
			Errors              []struct{ Field, Detail string }
		}
		decode(t, res, &pb)
		if res.code != 422 || pb.Status != 422 || len(pb.Errors) != 1 || pb.Errors[0].Field != "colour" || !strings.Contains(pb.Errors[0].Detail, "colour") {
			t.Errorf("unknown field: %d %+v", res.code, pb)
		}
		res = w.call("POST", "/api/v1/staff", `{"staff_no":"x x","name":"","kana":"abc","unit_id":0}`, hr, "Accept-Language", "en")
		decode(t, res, &pb)
		if res.header.Get("Content-Language") != "en" || len(pb.Errors) < 4 || !strings.Contains(res.body, "Enter Name.") {
			t.Errorf("English field errors: %s", res.body)
		}
		res = w.call("POST", "/api/v1/staff", `{"staff_no":"x x","name":"","kana":"abc","unit_id":0}`, hr)
		if !strings.Contains(res.body, "「氏名」を入力してください") || !strings.Contains(res.body, "「ふりがな」はひらがなまたはカタカナ") {
			t.Errorf("Japanese field errors: %s", res.body)
		}
		if res := w.call("POST", "/api/v1/staff", `{"unit_id":"abc"}`, hr); res.code != 422 || !strings.Contains(res.body, "unit_id") {
			t.Errorf("wrong JSON type: %d %s", res.code, res.body)
		}
		if res := w.call("POST", "/api/v1/staff", `{"name":`, hr); res.code != 422 {
			t.Errorf("broken JSON: %d", res.code)
		}

		// Cursor paging visits every staff member once.
		seen := map[int64]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			var pg struct {
				Items      []struct{ ID int64 } `json:"items"`
				NextCursor string               `json:"next_cursor"`
				Total      int                  `json:"total"`
			}
			decode(t, w.call("GET", "/api/v1/staff?limit=2&cursor="+cursor, "", hr), &pg)
			for _, it := range pg.Items {
				if seen[it.ID] {
					t.Fatalf("staff %d on two pages", it.ID)
				}
				seen[it.ID] = true
			}
			if pg.Total != 5 {
				t.Fatalf("total = %d, want 5 (tenant A's staff)", pg.Total)
			}
			if pg.NextCursor == "" {
				break
			}
			cursor = pg.NextCursor
			if pages > 5 {
				t.Fatal("paging does not end")
			}
		}
		if len(seen) != 5 {
			t.Errorf("paged through %d staff, want 5", len(seen))
		}
		for _, bad := range []string{"limit=0", "limit=500", "cursor=%25%25", "cursor=aWQ6eA", "unit_id=x", "include_retired=maybe", "employment=king"} {
			if res := w.call("GET", "/api/v1/staff?"+bad, "", hr); res.code != 422 {
				t.Errorf("GET /api/v1/staff?%s: %d", bad, res.code)
			}
		}

		// ETag / If-Match.
		id := strconv.FormatInt(w.staff["a-staff"].ID, 10)
		res = w.call("GET", "/api/v1/staff/"+id, "", hr)
		tag := res.header.Get("ETag")
		if tag == "" {
			t.Fatal("no ETag")
		}
		if res := w.call("PATCH", "/api/v1/staff/"+id, `{"title":"主任"}`, hr); res.code != 428 {
			t.Errorf("PATCH without If-Match: %d", res.code)
		}
		res = w.call("PATCH", "/api/v1/staff/"+id, `{"title":"主任","effective_date":"2026-04-01"}`, hr, "If-Match", tag)
		if res.code != 200 || res.header.Get("ETag") == tag || !strings.Contains(res.body, `"title":"主任"`) {
			t.Fatalf("PATCH: %d %s", res.code, res.body)
		}
		if res := w.call("PATCH", "/api/v1/staff/"+id, `{"title":"係長"}`, hr, "If-Match", tag); res.code != 412 {
			t.Errorf("stale If-Match: %d", res.code)
		}
		// Sensitive attributes: HR sees them, others never.
		if !strings.Contains(w.call("GET", "/api/v1/staff/"+id, "", hr).body, `"sensitive"`) {
			t.Error("HR does not see sensitive attributes in the API")
		}
		staffTok := mkToken(t, w, "staff", false)
		if strings.Contains(w.call("GET", "/api/v1/staff/"+id, "", staffTok).body, "sensitive") {
			t.Error("staff sees sensitive attributes in the API")
		}

		// Idempotency keys.
		body := `{"staff_no":"2001","name":"新井 一","kana":"あらい はじめ","unit_id":` + strconv.FormatInt(w.units["a-team"].ID, 10) + `}`
		first := w.call("POST", "/api/v1/staff", body, hr, "Idempotency-Key", "k-1")
		again := w.call("POST", "/api/v1/staff", body, hr, "Idempotency-Key", "k-1")
		if first.code != 201 || again.code != 201 || again.body != first.body || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %d/%d %q", first.code, again.code, again.header.Get("Idempotent-Replayed"))
		}
		if res := w.call("POST", "/api/v1/staff", strings.Replace(body, "2001", "2002", 1), hr, "Idempotency-Key", "k-1"); res.code != 422 {
			t.Errorf("same key, other body: %d", res.code)
		}
		var pg struct{ Total int }
		decode(t, w.call("GET", "/api/v1/staff?q=あらい", "", hr), &pg)
		if pg.Total != 1 {
			t.Errorf("idempotent POST created %d staff", pg.Total)
		}
		// Cross-tenant: the other tenant's HR sees none of it.
		bhr := mkToken(t, w, "b-hr", false)
		if res := w.call("GET", "/api/v1/staff/"+id, "", bhr); res.code != 404 {
			t.Errorf("cross-tenant GET: %d", res.code)
		}
		decode(t, w.call("GET", "/api/v1/staff", "", bhr), &pg)
		if pg.Total != 1 {
			t.Errorf("tenant B sees %d staff", pg.Total)
		}
		// The operator manages tenants through the API.
		op := mkToken(t, w, "operator", false)
		res = w.call("POST", "/api/v1/tenants", `{"slug":"fukaya","name":"深谷市","kind":"municipality","staff_size":900,"general_admin_staff":600}`, op)
		if res.code != 201 {
			t.Fatalf("create tenant: %d %s", res.code, res.body)
		}
		if res := w.call("PATCH", res.location, `{"slug":"other"}`, op, "If-Match", res.header.Get("ETag")); res.code != 422 {
			t.Errorf("changing a slug: %d", res.code)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestOpenAPIDocument checks that every API route is documented, every
// documented operation is served, and that the document is valid OpenAPI
// 3.1 according to an independent validator (npm
// @seriousme/openapi-schema-validator, installed by scripts/test).
func TestOpenAPIDocument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		res := w.do("GET", "/api/v1/openapi.json", nil, nil)
		var doc struct {
			OpenAPI string                    `json:"openapi"`
			Paths   map[string]map[string]any `json:"paths"`
		}
		decode(t, res, &doc)
		if doc.OpenAPI != "3.1.0" {
			t.Fatalf("openapi = %q", doc.OpenAPI)
		}
		served := map[string]bool{}
		for _, rt := range w.srv.Routes() {
			if !strings.HasPrefix(rt.Pattern, "/api/v1/") || rt.Pattern == "/api/v1/openapi.json" {
				continue
			}
			key := strings.ToLower(rt.Method) + " " + rt.Pattern
			served[key] = true
			if _, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]; !ok {
				t.Errorf("route %s is not in the OpenAPI document", key)
			}
		}
		for p, ops := range doc.Paths {
			for m := range ops {
				if !served[m+" "+p] {
					t.Errorf("documented %s %s is not served", m, p)
				}
			}
		}
		if res := w.do("GET", "/api/docs", nil, nil); res.code != 200 || !strings.Contains(res.body, "/api/v1/staff/{id}") {
			t.Errorf("docs page: %d", res.code)
		}
		if db.Engine != store.SQLite {
			return // the validator needs the document once
		}
		_, file, _, _ := runtime.Caller(0)
		tool := filepath.Join(filepath.Dir(file), "..", "..", "tools", "openapi")
		if _, err := os.Stat(filepath.Join(tool, "node_modules")); err != nil {
			if os.Getenv("TELEWORK_REQUIRE_NODE_TOOLS") == "1" {
				t.Fatalf("OpenAPI validator not installed in %s (npm ci)", tool)
			}
			t.Skip("OpenAPI validator not installed: run ./scripts/test")
		}
		f := filepath.Join(t.TempDir(), "openapi.json")
		if err := os.WriteFile(f, []byte(res.body), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("node", filepath.Join(tool, "validate.mjs"), f).CombinedOutput()
		if err != nil {
			t.Fatalf("OpenAPI document is invalid: %v\n%s", err, out)
		}
		t.Logf("%s", out)
	})
}

// TestAPIUnknownPathOrMethod: /api/ never answers with the HTML 404 page.
func TestAPIUnknownPathOrMethod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		tok := mkToken(t, w, "hr", false)
		cases := []struct {
			method, path string
			code         int
			allow        string
		}{
			{"GET", "/api/v1/no-such-thing", http.StatusNotFound, ""},
			{"GET", "/api/v2/units", http.StatusNotFound, ""},
			{"DELETE", "/api/v1/units", http.StatusMethodNotAllowed, "GET, POST"},
			{"PUT", "/api/v1/staff/1", http.StatusMethodNotAllowed, "GET, PATCH"},
		}
		for _, c := range cases {
			for _, lang := range []string{"ja", "en"} {
				res := w.call(c.method, c.path, "", tok, "Accept-Language", lang)
				var p struct {
					Type, Title, Detail string
					Status              int
				}
				decode(t, res, &p)
				if res.code != c.code || p.Status != c.code || !strings.HasPrefix(res.header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("%s %s (%s): %d %s", c.method, c.path, lang, res.code, res.body)
				}
				if res.header.Get("Allow") != c.allow {
					t.Errorf("%s %s: Allow = %q, want %q", c.method, c.path, res.header.Get("Allow"), c.allow)
				}
				if lang == "en" && strings.IndexFunc(p.Detail, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) }) >= 0 {
					t.Errorf("%s %s: detail not in English: %s", c.method, c.path, p.Detail)
				}
			}
		}
		// Anonymous callers get problem details too.
		if res := w.call("GET", "/api/v1/nothing", "", ""); res.code != http.StatusNotFound || !strings.Contains(res.body, `"status":404`) {
			t.Errorf("anonymous unknown path: %d %s", res.code, res.body)
		}
	})
}

// TestUnitNameMessagesSayUnitName: a unit's name refused through the API
// and on the unit form is 「所属名」, not a person's 「氏名」.
func TestUnitNameMessagesSayUnitName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := mkToken(t, w, "hr", false)
		long := strings.Repeat("課", 61)
		res := w.call("POST", "/api/v1/units", `{"code":"903","name":"`+long+`","level":"係"}`, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「所属名」は60文字以内") || strings.Contains(res.body, "氏名") {
			t.Errorf("API: %d %s", res.code, res.body)
		}
		page := w.do("POST", "/units", url.Values{"code": {"904"}, "name": {long}, "level": {"係"}}, w.session(t, "hr"))
		if page.code != http.StatusUnprocessableEntity || !strings.Contains(page.body, "「所属名」は60文字以内") || !strings.Contains(page.body, `for="f-name">所属名`) {
			t.Errorf("unit form: %d", page.code)
		}
	})
}
