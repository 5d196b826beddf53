package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"telework/internal/auth"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestAPIRefusesBadPeriodsAndRanges: a period whose end comes before its
// start is refused on to with the order message on every list and report
// (never answered with an empty list, nor with the span's message); the
// forecast's weeks out of 1–12 are refused with the range; a list's
// status is labelled as an application's, not the staff record's.
func TestAPIRefusesBadPeriodsAndRanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff, super := mkToken(t, w, "it", false), mkToken(t, w, "staff", false), mkToken(t, w, "supervisor", false)
		o := places.NewOffice()
		o.Name, o.Seats, o.Network = "四賀支所", 4, tasks.OfficeLAN
		admin := &auth.Principal{TenantID: w.a.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
		storetest.Must(t, places.NewService(db, db.Now).CreateOffice(context.Background(), w.a.ID, admin, o))
		const reversed = "from=2026-12-31&to=2026-12-01"
		for _, c := range []struct{ path, token string }{
			{"/api/v1/applications?" + reversed, staff},
			{"/api/v1/approvals?" + reversed, super},
			{"/api/v1/bookings?" + reversed, staff},
			{"/api/v1/device-reservations?" + reversed, staff},
			{"/api/v1/worktime?" + reversed, staff},
			{"/api/v1/worktime/overtime?" + reversed, staff},
			{"/api/v1/places/usage?" + reversed, it},
			{"/api/v1/places/usage/export?format=csv&" + reversed, it},
			{fmt.Sprintf("/api/v1/offices/%d/availability?%s", o.ID, reversed), staff},
		} {
			res := w.call("GET", c.path, "", c.token)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"to"`) ||
				!strings.Contains(res.body, "期間の終わりを始まりより後にしてください") || strings.Contains(res.body, "62日以内") {
				t.Errorf("%s: %d %s", c.path, res.code, res.body)
			}
		}
		for _, weeks := range []string{"100000", "13", "0", "-1", "x"} {
			res := w.call("GET", "/api/v1/places/forecast?weeks="+weeks, "", it)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"weeks"`) || !strings.Contains(res.body, "1から12まで") {
				t.Errorf("weeks=%s: %d %s", weeks, res.code, res.body)
			}
		}
		if res := w.call("GET", "/api/v1/places/forecast?weeks=12", "", it); res.code != http.StatusOK {
			t.Errorf("weeks=12: %d %s", res.code, res.body)
		}
		// Labels of the area, never a raw key or another area's label.
		for _, c := range []struct{ method, path, body, token, field, want string }{
			{"POST", "/api/v1/delegations", fmt.Sprintf(`{"delegate_id":%d,"kind":"zzz"}`, w.staff["a-staff"].ID), super,
				"kind", "「代決・委任の種類」は一覧から選んでください"},
			{"PUT", "/api/v1/notification-preferences", `{"prefs":[{"kind":"zzz","in_app":true}]}`, staff,
				"prefs.0.kind", "通知の種類は、決められた値のどれかにしてください"},
			{"PUT", "/api/v1/notification-preferences", `{"prefs":[{"kind":"submitted"},{"kind":"submitted"}]}`, staff,
				"prefs.1.kind", "通知の種類「submitted」が2回以上指定されています"},
			{"PUT", "/api/v1/notification-channels", `{}`, it, "unit_id", "所属を入力してください"},
		} {
			res := w.call(c.method, c.path, c.body, c.token)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"`+c.field+`"`) ||
				!strings.Contains(res.body, c.want) || strings.Contains(withoutCodes(res.body), "delivery.field") || strings.Contains(res.body, "団体区分") {
				t.Errorf("%s %s %s: %d %s", c.method, c.path, c.body, res.code, res.body)
			}
		}
		for _, path := range []string{"/api/v1/applications?status=xxx", "/api/v1/approvals?status=xxx"} {
			res := w.call("GET", path, "", super)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「申請の状態」は一覧から選んでください") {
				t.Errorf("%s: %d %s", path, res.code, res.body)
			}
		}
	})
}
