package web_test

import (
	"net/http"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

const rateBody = `{"tenant": {"mynumber_at_branch_office": false},
 "systems": [{"id": "zei", "name": "税務システム", "segment": "mynumber", "data_classes": ["resident_sensitive"], "routes": []},
             {"id": "zaimu", "name": "財務会計システム", "segment": "lgwan", "data_classes": ["nonpublic"], "routes": ["satellite"]}],
 "places": [{"id": "shisho", "name": "四賀支所", "kind": "branch", "network": "office_lan", "physical_security": true}],
 "tasks": [{"id": "t1", "name": "課税資料の入力", "systems": ["zei"], "paper": "none", "special_equipment": false, "face_to_face": false, "phone": false},
           {"id": "t2", "name": "支出命令の確認", "systems": ["zaimu"], "paper": "digitisable", "phone": true}]}`

func TestAPIRateFeasibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff := mkToken(t, w, "staff", false)
		type answer struct {
			Tasks []map[string]any `json:"tasks"`
		}
		res := w.call("POST", "/api/v1/feasibility/rate", rateBody, staff)
		if res.code != http.StatusOK {
			t.Fatalf("%d %s", res.code, res.body)
		}
		var a answer
		decode(t, res, &a)
		if len(a.Tasks) != 2 || a.Tasks[0]["id"] != "t1" || a.Tasks[0]["level"] != float64(4) || a.Tasks[1]["level"] != float64(2) {
			t.Fatalf("%s", res.body)
		}
		for _, want := range []string{`"home":{"rating":"×","reasons":["「税務システム」は個人番号利用事務系のため、在宅・モバイルでは使えません(図表17)。"],"improvements":[]}`,
			`"shisho":{"rating":"×","reasons":["「税務システム」は個人番号利用事務系で、団体として支所等のサテライトオフィスでの利用を認めていません。"],"improvements":[{"id":"tenant_mynumber","text":"支所等のサテライトオフィスでの個人番号利用事務系の利用を団体として認めると○","rating":"○"}]}`,
			`{"id":"remote_access:zaimu:home","text":"LGWAN接続系の「財務会計システム」への在宅からのリモートアクセス環境を整備すると△","rating":"△"}`,
			`"targets":["home","mobile","shisho"]`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("missing %s in\n%s", want, res.body)
			}
		}
		// English on request; nothing stored, so any role may ask.
		res = w.call("POST", "/api/v1/feasibility/rate", rateBody, mkToken(t, w, "it", false), "Accept-Language", "en")
		if res.code != http.StatusOK || !strings.Contains(res.body, `never at home or on mobile devices`) || res.header.Get("Content-Language") != "en" {
			t.Errorf("en: %d %s", res.code, res.body)
		}
		// Bad input names the field.
		bad := strings.Replace(strings.Replace(rateBody, `"segment": "lgwan"`, `"segment": "lan"`, 1), `"systems": ["zei"]`, `"systems": ["jumin"]`, 1)
		res = w.call("POST", "/api/v1/feasibility/rate", bad, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"systems[1].segment"`) || !strings.Contains(res.body, `"tasks[0].systems[0]"`) || !strings.Contains(res.body, "「jumin」が systems にありません") {
			t.Errorf("bad: %d %s", res.code, res.body)
		}
		res = w.call("POST", "/api/v1/feasibility/rate", strings.Replace(rateBody, `"id": "shisho"`, `"id": "home"`, 1), staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `places[0].id`) {
			t.Errorf("reserved: %d %s", res.code, res.body)
		}
		// Not signed in.
		if res = w.call("POST", "/api/v1/feasibility/rate", rateBody, ""); res.code != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", res.code)
		}
	})
}
