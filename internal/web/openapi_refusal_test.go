package web_test

import (
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestOpenAPIRefusalsAndConflicts: the document describes the 422 of an
// application (findings[], days[], skipped[] beside problem details) and
// the 409 of the actions and of booking a seat or a device, which were
// left to "default" (the responses the API tests receive are validated
// against these).
func TestOpenAPIRefusalsAndConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		var doc struct {
			Paths      map[string]map[string]map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]struct {
					Properties map[string]any `json:"properties"`
					Required   []string       `json:"required"`
				} `json:"schemas"`
			} `json:"components"`
		}
		decode(t, w.do("GET", "/api/v1/openapi.json", nil, nil), &doc)
		responses := func(path, method string) map[string]any {
			r, _ := doc.Paths[path][method]["responses"].(map[string]any)
			if r == nil {
				t.Fatalf("%s %s is not documented", method, path)
			}
			return r
		}
		ref := func(resp any) string {
			b, _ := resp.(map[string]any)["content"].(map[string]any)["application/problem+json"].(map[string]any)["schema"].(map[string]any)["$ref"].(string)
			return b
		}
		for _, tc := range []struct {
			path, method string
			refusal      bool
			conflict     string
		}{
			{"/api/v1/applications", "post", true, "Idempotency-Key"},
			{"/api/v1/applications/preview", "post", true, ""},
			{"/api/v1/applications/{id}", "put", true, ""},
			{"/api/v1/applications/{id}/approve", "post", true, "state"},
			{"/api/v1/applications/{id}/cancel", "post", true, "state"},
			{"/api/v1/applications/{id}/confirm", "post", true, "state"},
			{"/api/v1/bookings", "post", false, "seat"},
			{"/api/v1/device-reservations", "post", false, "pool"},
		} {
			r := responses(tc.path, tc.method)
			if tc.refusal && !strings.HasSuffix(ref(r["422"]), "/ApplicationRefusal") {
				t.Errorf("%s %s: 422 is %v", tc.method, tc.path, r["422"])
			}
			c, _ := r["409"].(map[string]any)
			if tc.conflict != "" && (c == nil || !strings.Contains(c["description"].(string), tc.conflict)) {
				t.Errorf("%s %s: 409 is %v", tc.method, tc.path, r["409"])
			}
		}
		refusal := doc.Components.Schemas["ApplicationRefusal"]
		for _, p := range []string{"type", "title", "status", "errors", "findings", "days", "skipped"} {
			if refusal.Properties[p] == nil {
				t.Errorf("ApplicationRefusal lacks %s", p)
			}
		}
		field := doc.Components.Schemas["Problem"].Properties["errors"].(map[string]any)["items"].(map[string]any)["properties"].(map[string]any)["field"]
		if !strings.Contains(field.(map[string]any)["description"].(string), "finding.<rule>") {
			t.Errorf("errors[].field does not say what it holds for a rule: %v", field)
		}
	})
}
