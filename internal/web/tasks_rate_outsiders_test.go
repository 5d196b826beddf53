package web_test

import (
	"net/http"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// A place's outsiders flag is read by the stateless rating: 部外者 keep
// 大量・機微な住民情報 out whatever the place's network and measures.
func TestAPIRateFeasibilityOutsiders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		body := `{"systems": [{"id": "jumin", "name": "住民情報照会システム", "segment": "lgwan", "data_classes": ["resident_sensitive"]}],
 "places": [{"id": "hall", "name": "市民交流センター", "kind": "community", "network": "office_lan", "physical_security": true, "outsiders": true},
            {"id": "shisho", "name": "四賀支所", "kind": "branch", "network": "office_lan", "physical_security": true}],
 "tasks": [{"id": "t1", "name": "住民票の照会", "systems": ["jumin"]}]}`
		res := w.call("POST", "/api/v1/feasibility/rate", body, mkToken(t, w, "staff", false))
		if res.code != http.StatusOK {
			t.Fatalf("%d %s", res.code, res.body)
		}
		for _, want := range []string{
			`"hall":{"rating":"×","reasons":["「住民情報照会システム」は大量または機微な住民情報を扱うため、部外者がいる市民交流センターでは扱えません。"],"improvements":[]}`,
			`"shisho":{"rating":"○","reasons":[],"improvements":[]}`,
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("missing %s in\n%s", want, res.body)
			}
		}
	})
}
