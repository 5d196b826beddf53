package web_test

import (
	"net/http"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// tenant.devices is optional: with it, home and mobile need a device.
func TestAPIRateFeasibilityDevices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff := mkToken(t, w, "staff", false)
		body := strings.Replace(rateBody, `"mynumber_at_branch_office": false}`, `"mynumber_at_branch_office": false, "devices": ["desk_take_home"]}`, 1)
		body = strings.Replace(body, `"routes": ["satellite"]`, `"routes": ["satellite", "home"]`, 1)
		res := w.call("POST", "/api/v1/feasibility/rate", body, staff)
		if res.code != http.StatusOK {
			t.Fatalf("%d %s", res.code, res.body)
		}
		for _, want := range []string{
			`{"id":"device:sim_tablet","text":"SIMタブレットを配備する(それだけでは、ほかの理由で×のまま)","rating":"×"}`, // mobile: still no route to 財務会計
			`"モバイルで業務システムを使える端末(貸出端末・席上端末の持ち帰り・私用端末(VDI)・SIMタブレットのうちモバイルに使えるもの)がありません。"`,
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("missing %s in\n%s", want, res.body)
			}
		}
		if strings.Contains(res.body, `"device:loan"`) {
			t.Errorf("a desk PC taken home serves home:\n%s", res.body)
		}
		res = w.call("POST", "/api/v1/feasibility/rate", strings.Replace(body, `"desk_take_home"`, `"usb_stick"`, 1), staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `tenant.devices[0]`) {
			t.Errorf("bad device: %d %s", res.code, res.body)
		}
	})
}
