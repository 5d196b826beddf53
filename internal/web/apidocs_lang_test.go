package web_test

import (
	"regexp"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestAPIDocsMarkTheirEnglish: the API's documentation page in Japanese
// shows the operations' summaries and parameter descriptions as the
// OpenAPI document has them, in English; each is marked lang="en" so a
// screen reader does not read English words with a Japanese voice.
func TestAPIDocsMarkTheirEnglish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		res := w.do("GET", "/api/docs", nil, w.session(t, "staff"), "Accept-Language", "ja")
		if res.code != 200 || !strings.Contains(res.body, `<html lang="ja"`) {
			t.Fatalf("docs: %d", res.code)
		}
		ops := strings.Split(res.body, `<li class="api-op">`)[1:]
		if len(ops) == 0 {
			t.Fatal("no operations")
		}
		for _, op := range ops {
			if summary := regexp.MustCompile(`</h2>\s*<p[^>]*>`).FindString(op); !strings.Contains(summary, `lang="en"`) {
				t.Fatalf("a summary is not marked English: %s", op[:min(len(op), 300)])
			}
			for _, param := range strings.Split(op, "<li><code>")[1:] {
				if !strings.Contains(param, `): <span lang="en">`) {
					t.Fatalf("a parameter's description is not marked English: %s", param[:min(len(param), 200)])
				}
			}
		}
	})
}
