package web_test

import (
	"context"
	"html"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// The operator sees every chain's head, as the lines audit verify --head
// reads, linked from the operator's home; nobody else does.
func TestOperatorAuditHeads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		op := w.session(t, "operator")
		if res := w.do("GET", "/operator", nil, op); res.code != 200 || !strings.Contains(res.body, `href="/operator/audit-heads"`) {
			t.Fatalf("operator home: %d, no link to the heads", res.code)
		}
		heads, err := db.FindAuditHeads(context.Background())
		if err != nil || len(heads) != 3 {
			t.Fatalf("heads: %+v %v", heads, err)
		}
		res := w.do("GET", "/operator/audit-heads", nil, op)
		body := html.UnescapeString(res.body)
		if res.code != 200 || !strings.Contains(body, "<h1") || !strings.Contains(body, "監査ログの先頭") {
			t.Fatalf("heads page: %d\n%s", res.code, res.body)
		}
		for _, h := range heads {
			if !strings.Contains(body, h.Line()+"\n") || !strings.Contains(body, "<code>"+h.Hash+"</code>") {
				t.Errorf("head %s not shown", h.Line())
			}
		}
		if !strings.Contains(body, "matsumoto 松本市") || !strings.Contains(body, "システム全体") {
			t.Errorf("chains not named:\n%s", body)
		}
		for _, who := range []string{"hr", "auditor", "it"} {
			if res := w.do("GET", "/operator/audit-heads", nil, w.session(t, who)); res.code != 403 {
				t.Errorf("%s: %d", who, res.code)
			}
		}
	})
}
