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

// Improvements that lift a task only together are offered together, with
// the rating they give (a review found two improvements each 「…(それだけ
// では、ほかの理由で×のまま)」 and nothing saying both give ○); one that
// alone leaves a △ says so.
func TestAPIRateFeasibilityTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		// The review's request: a library on the internet without the
		// office's measures, resident data on LGWAN; digitisable paper and
		// the phone on an internet system.
		body := `{"systems": [{"id":"jumin","name":"住民記録","segment":"lgwan","data_classes":["resident_sensitive"],"routes":["home","satellite","mobile"]},
   {"id":"gw","name":"グループウェア","segment":"internet","data_classes":["general"],"routes":["home","mobile"]}],
 "places": [{"id":"lib","name":"図書館","kind":"library","network":"internet","physical_security":false}],
 "tasks": [{"id":"t2","name":"住民票","systems":["jumin"],"paper":"none"}, {"id":"t4","name":"議事録","systems":["gw"],"paper":"digitisable","phone":true}]}`
		staff := mkToken(t, w, "staff", false)
		res := w.call("POST", "/api/v1/feasibility/rate", body, staff)
		if res.code != http.StatusOK {
			t.Fatalf("%d %s", res.code, res.body)
		}
		for _, want := range []string{
			`{"id":"place_network:lib+place_security:lib","text":"「図書館のネットワークを庁内LAN同等にする」と「図書館に庁舎と同等の物理的な対策を講じる」をあわせて行うと○","rating":"○","parts":["place_network:lib","place_security:lib"]}`,
			`"home":{"rating":"△","reasons":["紙の原本を使う業務です。電子化(PDF化等)すればテレワークで行えます(図表14)。","電話対応が必要です。公用携帯・IP電話がなければ一部しか行えません(図表15)。"],` +
				`"improvements":[{"id":"digitise","text":"紙の原本を電子化(PDF化等)する(それだけでは、ほかの理由で△のまま)","rating":"△"},` +
				`{"id":"phone","text":"公用携帯・IP電話(公用電話アプリ)を配備する(それだけでは、ほかの理由で△のまま)","rating":"△"},` +
				`{"id":"digitise+phone","text":"「紙の原本を電子化(PDF化等)する」と「公用携帯・IP電話(公用電話アプリ)を配備する」をあわせて行うと○","rating":"○","parts":["digitise","phone"]}]}`,
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("missing %s in\n%s", want, res.body)
			}
		}
		res = w.call("POST", "/api/v1/feasibility/rate", body, staff, "Accept-Language", "en")
		if want := `"text":"Together: Digitise the paper originals (PDF etc.); Provide official mobiles or IP phones (phone app): ○"`; !strings.Contains(res.body, want) {
			t.Errorf("en: missing %s in\n%s", want, res.body)
		}
	})
}
