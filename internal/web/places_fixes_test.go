package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestPlacesAPIRefusals: through HTTP on both engines, an office needs its
// network, a private share office takes no seat cap, the messages name the
// office's own fields and the range's maximum, a registration without a
// person is a 422; a booking's application must be the person's own; a
// checked-in booking cannot be cancelled.
func TestPlacesAPIRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff := w.session(t, "it"), w.session(t, "staff")
		today := calendar.DateOf(time.Now())
		office := func(extra string) string {
			return `{"name":"波田支所","kind":"branch","seats":2,"opens":"00:00","closes":"24:00","closed_days":[]` + extra + `}`
		}
		for _, c := range []struct {
			name, body, field, detail string
		}{
			{"network omitted", office(""), "network", "「ネットワーク」を入力してください"},
			{"private share with seats", strings.Replace(office(`,"network":"internet"`), "branch", "private_share", 1), "seats", "民間シェアオフィス"},
			{"seats beyond the maximum", strings.Replace(office(`,"network":"internet"`), `"seats":2`, `"seats":100000000`, 1), "seats", "0から100000までの整数"},
			{"kind unknown", strings.Replace(office(`,"network":"internet"`), "branch", "city", 1), "kind", "「オフィスの種類」"},
		} {
			res := w.callCookie("POST", "/api/v1/offices", c.body, it)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"`+c.field+`"`) || !strings.Contains(res.body, c.detail) {
				t.Fatalf("%s: %d %s", c.name, res.code, res.body)
			}
		}
		res := w.callCookie("POST", "/api/v1/offices", office(`,"network":"internet"`), it)
		if res.code != http.StatusCreated || !strings.Contains(res.body, `"network":"internet"`) {
			t.Fatalf("create: %d %s", res.code, res.body)
		}
		var o struct {
			ID int64 `json:"id"`
		}
		_ = json.Unmarshal([]byte(res.body), &o)
		res = w.callCookie("POST", "/api/v1/offices", office(`,"network":"internet"`), it)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "この「オフィスの名称」はすでに使われています") || strings.Contains(res.body, "氏名") {
			t.Fatalf("name taken: %d %s", res.code, res.body)
		}
		share := `{"name":"駅前","kind":"private_share","network":"internet","hourly":false,"outsiders":false}`
		if res := w.callCookie("POST", "/api/v1/offices", share, it); res.code != http.StatusCreated || !strings.Contains(res.body, `"hourly":true`) || !strings.Contains(res.body, `"outsiders":true`) {
			t.Fatalf("private share: %d %s", res.code, res.body)
		}
		reg := fmt.Sprintf("/api/v1/offices/%d/registrations", o.ID)
		for _, body := range []string{`{}`, `{"staff_id":999999}`} {
			if res := w.callCookie("POST", reg, body, it); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"staff_id"`) {
				t.Fatalf("registration %s: %d %s", body, res.code, res.body)
			}
		}

		// Applications: another person's and an unknown one are refused.
		insert := func(staffID int64) int64 {
			a := &apply.Application{StaffID: staffID, Status: apply.Approved, Decision: apply.Approved, Mode: policy.Mode("satellite"),
				TimeUnit: policy.TimeUnit("full_day"), Days: []apply.Day{{Date: today, Status: apply.Approved}}}
			storetest.Must(t, db.InApplyTx(context.Background(), func(tx apply.Tx) error { return tx.InsertApplication(context.Background(), w.a.ID, a) }))
			return a.ID
		}
		theirs, mine := insert(w.staff["a-other"].ID), insert(w.staff["a-staff"].ID)
		book := func(app int64) resp {
			return w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":%q,"half":"pm","application_id":%d}`, o.ID, today, app), staff)
		}
		for _, app := range []int64{theirs, 999999} {
			if res := book(app); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"application_id"`) || !strings.Contains(res.body, "申請番号") {
				t.Fatalf("application %d: %d %s", app, res.code, res.body)
			}
		}
		res = book(mine)
		if res.code != http.StatusCreated {
			t.Fatalf("own application: %d %s", res.code, res.body)
		}
		var b struct {
			ID int64 `json:"id"`
		}
		_ = json.Unmarshal([]byte(res.body), &b)
		if res := w.callCookie("POST", fmt.Sprintf("/api/v1/bookings/%d/check-in", b.ID), "", staff); res.code != http.StatusOK {
			t.Fatalf("check-in: %d %s", res.code, res.body)
		}
		if res := w.callCookie("DELETE", fmt.Sprintf("/api/v1/bookings/%d", b.ID), "", staff); res.code != http.StatusConflict || !strings.Contains(res.body, "チェックイン済みの予約は取り消せません") {
			t.Fatalf("cancel checked in: %d %s", res.code, res.body)
		}
	})
}

// TestPlacesReportNumbersAndForm: the usage export's counts, hours and
// occupancy are numbers in xlsx (SUM adds them up), the forecast chart of
// an office without a seat cap says so instead of "-1", and the booking
// form keeps its ticked PC box when it comes back with a refusal (both
// engines).
func TestPlacesReportNumbersAndForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff, other := w.session(t, "it"), w.session(t, "staff"), w.session(t, "spare")
		today := calendar.DateOf(time.Now()).String()
		ids := map[string]int64{}
		for _, body := range []string{`{"name":"四賀支所","kind":"branch","network":"office_lan","seats":4,"pcs":1,"opens":"00:00","closes":"24:00","closed_days":[]}`,
			`{"name":"駅前","kind":"private_share","network":"internet","opens":"00:00","closes":"24:00","closed_days":[]}`} {
			res := w.callCookie("POST", "/api/v1/offices", body, it)
			var o struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			}
			if err := json.Unmarshal([]byte(res.body), &o); err != nil || res.code != http.StatusCreated {
				t.Fatalf("office: %d %s", res.code, res.body)
			}
			ids[o.Name] = o.ID
		}
		for _, c := range []*http.Cookie{staff, other} {
			if res := w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":%q,"half":"full_day"}`, ids["四賀支所"], today), c); res.code != http.StatusCreated {
				t.Fatalf("book: %d %s", res.code, res.body)
			}
		}

		res := w.callCookie("GET", "/api/v1/places/usage/export?format=xlsx&from="+today+"&to="+today, "", it)
		if res.code != http.StatusOK {
			t.Fatalf("export: %d", res.code)
		}
		f, err := excelize.OpenReader(strings.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		header, _ := f.GetRows(sheet)
		if len(header) != 2 || header[0][4] != "延べ利用回数" || header[0][6] != "稼働率" || header[1][1] != "オフィス" {
			t.Fatalf("rows: %v", header)
		}
		for col, want := range map[string]string{"E": "2", "F": "15.5", "G": "0.5"} {
			storetest.Must(t, f.SetCellFormula(sheet, col+"9", "SUM("+col+"2:"+col+"2)"))
			if got, err := f.CalcCellValue(sheet, col+"9"); err != nil || got != want {
				t.Errorf("SUM of column %s: %q %v, want %s", col, got, err, want)
			}
		}
		if res := w.callCookie("GET", "/api/v1/places/usage/export?format=csv&from="+today+"&to="+today, "", it); !strings.Contains(res.body, ",2,15.5,0.5") {
			t.Errorf("csv: %s", res.body)
		}

		page := w.do("GET", "/places/report?weeks=1", nil, it)
		if page.code != http.StatusOK || !strings.Contains(page.body, "駅前") || strings.Contains(page.body, " / -1") ||
			!strings.Contains(page.body, " / 上限なし") {
			t.Fatalf("report: %d %s", page.code, page.body)
		}

		// A refused booking (the day is past) comes back with the PC box
		// still ticked, on the booking page and on the day view.
		past := calendar.DateOf(time.Now()).AddDays(-1).String()
		form := url.Values{"office_id": {fmt.Sprint(ids["四賀支所"])}, "date": {past}, "half": {"am"}, "pc": {"1"}}
		res = w.do("POST", "/places/bookings", form, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `name="pc" value="1" checked`) {
			t.Fatalf("page refusal keeps the PC box: %d", res.code)
		}
		form.Set("back", "day")
		form.Set("staff_no", "0001")
		res = w.do("POST", "/places/bookings", form, it)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `name="pc" value="1" checked`) {
			t.Fatalf("day view refusal keeps the PC box: %d", res.code)
		}
		form.Del("pc")
		if res := w.do("POST", "/places/bookings", form, it); strings.Contains(res.body, `name="pc" value="1" checked`) {
			t.Fatal("an unticked box came back ticked")
		}
	})
}
