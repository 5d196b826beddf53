package web_test

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// apiChecker validates every API response a test receives against the
// schema the OpenAPI document declares for its operation and status, so a
// handler cannot drift from its documentation unnoticed.
type apiChecker struct {
	mux      *http.ServeMux
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
	problems []string
}

func newAPIChecker(docJSON []byte) (*apiChecker, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(docJSON))
	if err != nil {
		return nil, err
	}
	c := &apiChecker{mux: http.NewServeMux(), doc: doc.(map[string]any), compiler: jsonschema.NewCompiler(), schemas: map[string]*jsonschema.Schema{}}
	if err := c.compiler.AddResource("openapi.json", doc); err != nil {
		return nil, err
	}
	for pattern, item := range c.doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			p := strings.ToUpper(method) + " " + pattern
			c.mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
		}
	}
	return c, nil
}

// pointerEscape escapes a JSON pointer token.
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// check validates one response; problems are collected for the test.
func (c *apiChecker) check(req *http.Request, status int, header http.Header, body []byte) {
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.URL.Path == "/api/v1/openapi.json" {
		return
	}
	_, pattern := c.mux.Handler(req)
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		return // an unknown path: TestAPIUnknownPathOrMethod covers those
	}
	op := c.doc["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
	responses := op["responses"].(map[string]any)
	code := strconv.Itoa(status)
	resp, ok := responses[code].(map[string]any)
	if !ok {
		code = "default"
		resp = responses[code].(map[string]any)
	}
	where := fmt.Sprintf("%s %s → %d", req.Method, req.URL.Path, status)
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(bytes.TrimSpace(body)) != 0 && status != http.StatusNotModified {
			c.fail("%s: the document declares no body, the response has %d bytes", where, len(body))
		}
		return
	}
	mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	_, ok = content[mt].(map[string]any)
	if !ok {
		c.fail("%s: Content-Type %q is not one the document declares", where, mt)
		return
	}
	if !strings.Contains(mt, "json") {
		return
	}
	ptr := "openapi.json#/paths/" + pointerEscape(path) + "/" + strings.ToLower(method) + "/responses/" + code + "/content/" + pointerEscape(mt) + "/schema"
	c.mu.Lock()
	sch, ok := c.schemas[ptr]
	if !ok {
		var err error
		if sch, err = c.compiler.Compile(ptr); err != nil {
			c.mu.Unlock()
			c.fail("%s: compiling the schema: %v", where, err)
			return
		}
		c.schemas[ptr] = sch
	}
	c.mu.Unlock()

	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		c.fail("%s: the body is not JSON: %v", where, err)
		return
	}
	if err := sch.Validate(v); err != nil {
		c.fail("%s: the body does not match the documented schema: %v\n%s", where, err, body)
	}
}

func (c *apiChecker) fail(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *apiChecker) report() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.problems...)
}

// TestAPICheckerCatchesDrift: the checker itself refuses a response that
// differs from the document (else every API test would pass vacuously).
func TestAPICheckerCatchesDrift(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		c, err := newAPIChecker(w.srv.OpenAPIJSON())
		if err != nil {
			t.Fatal(err)
		}
		json := http.Header{"Content-Type": {"application/json"}}
		problem := http.Header{"Content-Type": {"application/problem+json"}}
		cases := []struct {
			method, path string
			status       int
			header       http.Header
			body         string
			bad          bool
		}{
			{"GET", "/api/v1/units/1", 200, json, `{"id": "one"}`, true},
			{"GET", "/api/v1/units", 200, json, `{"items": [], "total": 0, "surprise": 1}`, true},
			{"GET", "/api/v1/units", 200, json, `{"items": [], "total": 0}`, false},
			{"GET", "/api/v1/units", 200, http.Header{"Content-Type": {"text/html"}}, `<p>`, true},
			{"DELETE", "/api/v1/tokens/1", 204, json, `{"ok": true}`, true},
			{"GET", "/api/v1/units/1", 404, problem, `{"type": "x", "title": "t", "status": 404, "instance": "/", "request_id": "r"}`, false},
			{"GET", "/api/v1/units/1", 404, problem, `{"title": 4}`, true},
		}
		for _, tc := range cases {
			before := len(c.report())
			c.check(httptest.NewRequest(tc.method, tc.path, nil), tc.status, tc.header, []byte(tc.body))
			if got := len(c.report()) > before; got != tc.bad {
				t.Errorf("%s %s %d %s: flagged %v, want %v (%v)", tc.method, tc.path, tc.status, tc.body, got, tc.bad, c.report())
			}
		}
	})
}
