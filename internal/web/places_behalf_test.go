package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/notify"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// TestPlacesBookOnBehalfPages: from the booking page, an office's day view
// and the device reservation page, a supervisor books for the people of
// their unit and below (a select), HR and IT for anyone (a staff number);
// the person is notified; anyone else is refused in Japanese; another
// tenant reaches nothing (issue 14).
func TestPlacesBookOnBehalfPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		super, hr, staff, it, bhr := w.session(t, "supervisor"), w.session(t, "hr"), w.session(t, "staff"), w.session(t, "it"), w.session(t, "b-hr")
		day := calendar.DateOf(time.Now()).AddDays(1).String()
		admin := &auth.Principal{TenantID: w.a.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
		o := places.NewOffice()
		o.Name, o.Seats, o.PCs, o.HorizonDays, o.ClosedDays, o.Opens, o.Closes = "和田公民館", 5, 1, 366, nil, "00:00", "24:00"
		o.Network = tasks.OfficeLAN
		if err := places.NewService(db, db.Now).CreateOffice(ctx, w.a.ID, admin, o); err != nil {
			t.Fatal(err)
		}
		pool := &devices.Pool{Name: "ドングル予備機", Kind: devices.LTEDongle, Capacity: 5, LoanDays: 1}
		if err := devices.NewService(db, db.Now).SavePool(ctx, w.a.ID, admin, pool); err != nil {
			t.Fatal(err)
		}
		told := func(key string) int {
			return storetest.CountNotifications(t, db, w.a.ID, w.staff[key].ID, notify.BookedForYou)
		}
		refused := "この職員の代わりには予約できません"
		id := func(key string) string { return fmt.Sprint(w.staff[key].ID) }
		book := func(extra url.Values) url.Values {
			v := url.Values{"office_id": {fmt.Sprint(o.ID)}, "date": {day}, "half": {"am"}}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}

		// From the office's day view (HR), a half-day error is tied to its
		// group: described by its message, which the summary links to.
		res := w.do("POST", "/places/bookings", book(url.Values{"half": {"evening"}, "back": {"day"}, "staff_id": {id("a-staff")}}), hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<fieldset id="f-half" tabindex="-1" aria-describedby="f-half-error">`) ||
			!strings.Contains(res.body, `<p class="field-error" id="f-half-error">`) {
			t.Fatalf("a bad half-day from the day view: %d\n%s", res.code, res.body)
		}

		// The supervisor's select lists the 係 below their 課, not other 部.
		page := w.do("GET", "/places", nil, super)
		if page.code != 200 || !strings.Contains(page.body, `name="staff_id"`) || !strings.Contains(page.body, "山田 太郎") ||
			strings.Contains(page.body, "渡邉 三郎") || strings.Contains(page.body, `name="staff_no"`) {
			t.Fatalf("supervisor's picker: %d", page.code)
		}
		if res := w.do("POST", "/places/bookings", book(url.Values{"staff_id": {id("a-staff")}}), super); res.code != http.StatusSeeOther {
			t.Fatalf("supervisor books for 山田: %d %.300s", res.code, res.body)
		}
		if told("a-staff") != 1 {
			t.Errorf("山田 was not told")
		}
		// Staff see no picker, and a forged choice is refused in Japanese.
		if page := w.do("GET", "/places", nil, staff); strings.Contains(page.body, `id="f-for_whom"`) {
			t.Error("staff see the picker")
		}
		for name, v := range map[string]url.Values{"staff_id": {"staff_id": {id("a-other")}}, "staff_no": {"staff_no": {"1005"}}} {
			if res := w.do("POST", "/places/bookings", book(v), staff); res.code != http.StatusForbidden || !strings.Contains(res.body, refused) {
				t.Errorf("staff booking for 渡邉 by %s: %d", name, res.code)
			}
		}
		if res := w.do("POST", "/places/bookings", book(url.Values{"staff_id": {id("a-other")}, "half": {"pm"}}), super); res.code != http.StatusForbidden || !strings.Contains(res.body, refused) {
			t.Errorf("supervisor for another 部: %d", res.code)
		}
		if told("a-other") != 0 {
			t.Error("a refused booking told someone")
		}
		// HR by staff number, from the office's day view.
		dayURL := fmt.Sprintf("/places/offices/%d/day?date=%s", o.ID, day)
		if page := w.do("GET", dayURL, nil, hr); page.code != 200 || !strings.Contains(page.body, `name="staff_no"`) || !strings.Contains(page.body, `name="back" value="day"`) {
			t.Fatalf("day view form: %d", page.code)
		}
		// 全角 digits, as an IME types them, name the same person.
		res = w.do("POST", "/places/bookings", book(url.Values{"staff_no": {"１００５"}, "back": {"day"}, "half": {"full_day"}}), hr)
		if res.code != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), fmt.Sprintf("/places/offices/%d/day", o.ID)) {
			t.Fatalf("HR books for 渡邉 from the day view: %d %s", res.code, res.header.Get("Location"))
		}
		if page := w.do("GET", dayURL, nil, hr); !strings.Contains(page.body, "渡邉 三郎") {
			t.Error("the day view lacks the booking")
		}
		if told("a-other") != 1 {
			t.Error("渡邉 was not told")
		}
		if res := w.do("POST", "/places/bookings", book(url.Values{"staff_no": {"9999"}, "back": {"day"}}), hr); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "指定された職員が見つかりません") {
			t.Errorf("unknown number: %d", res.code)
		}
		// Another tenant: their HR cannot book a's office, even for b's own people.
		if res := w.do("POST", "/places/bookings", book(url.Values{"staff_no": {"1001"}, "back": {"day"}}), bhr); res.code != http.StatusNotFound {
			t.Errorf("another tenant's office: %d", res.code)
		}

		// Devices: the reservation page, for oneself and on someone's behalf.
		dev := url.Values{"pool_id": {fmt.Sprint(pool.ID)}, "date": {day}}
		if page := w.do("GET", "/devices/reservations", nil, super); page.code != 200 || !strings.Contains(page.body, "ドングル予備機") || !strings.Contains(page.body, "山田 太郎") {
			t.Fatalf("reservation page: %d", page.code)
		}
		with := func(k, v string) url.Values {
			x := url.Values{k: {v}}
			for kk, vv := range dev {
				x[kk] = vv
			}
			return x
		}
		if res := w.do("POST", "/devices/reservations", with("staff_id", id("a-staff")), super); res.code != http.StatusSeeOther {
			t.Fatalf("supervisor reserves for 山田: %d %.300s", res.code, res.body)
		}
		if res := w.do("POST", "/devices/reservations", with("staff_no", "1003"), it); res.code != http.StatusSeeOther {
			t.Fatalf("IT reserves for 鈴木: %d", res.code)
		}
		if told("a-staff") != 2 || told("a-hr") != 1 {
			t.Errorf("told: 山田 %d, 鈴木 %d", told("a-staff"), told("a-hr"))
		}
		if res := w.do("POST", "/devices/reservations", with("staff_id", id("a-other")), staff); res.code != http.StatusForbidden || !strings.Contains(res.body, refused) {
			t.Errorf("staff reserving for 渡邉: %d", res.code)
		}
		mine := w.do("GET", "/devices/reservations", nil, staff)
		if !strings.Contains(mine.body, "ドングル予備機") || !strings.Contains(mine.body, "/cancel") {
			t.Fatalf("my reservations: %.500s", mine.body)
		}
		list, err := devices.NewService(db, db.Now).Reservations(ctx, w.a.ID, &auth.Principal{TenantID: w.a.ID, UserID: 99, StaffID: w.staff["a-staff"].ID}, devices.Filter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("山田's reservations: %v %v", list, err)
		}
		resID := list[0].ID
		if res := w.do("POST", fmt.Sprintf("/devices/reservations/%d/cancel", resID), url.Values{}, bhr); res.code != http.StatusNotFound {
			t.Errorf("another tenant cancels: %d", res.code)
		}
		if page := w.do("GET", "/devices/reservations", nil, bhr); strings.Contains(page.body, "ドングル予備機") {
			t.Error("another tenant sees the pool")
		}
		if res := w.do("POST", fmt.Sprintf("/devices/reservations/%d/cancel", resID), url.Values{}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("cancel: %d", res.code)
		}
	})
}

// TestDevicesPoolCutAndShortagePages: lowering a pool's capacity from its
// form lists the reservations beyond it on the page (their people told);
// the forecast page shows the shortage warnings the daily job sent.
func TestDevicesPoolCutAndShortagePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		it, staff, hr := w.session(t, "it"), w.session(t, "staff"), w.session(t, "hr")
		admin := &auth.Principal{TenantID: w.a.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
		ds := devices.NewService(db, db.Now)
		pool := &devices.Pool{Name: "モバイルルーター", Kind: devices.MobileWiFi, Capacity: 2, LoanDays: 1}
		if err := ds.SavePool(ctx, w.a.ID, admin, pool); err != nil {
			t.Fatal(err)
		}
		day := calendar.DateOf(time.Now()).AddDays(1)
		for _, key := range []string{"a-staff", "a-other"} {
			if _, err := ds.Reserve(ctx, w.a.ID, admin, devices.Request{PoolID: pool.ID, Day: day, StaffID: w.staff[key].ID}); err != nil {
				t.Fatal(err)
			}
		}
		res := w.do("POST", fmt.Sprintf("/devices/pools/%d", pool.ID), url.Values{"name": {"モバイルルーター"}, "kind": {"mobile_wifi"},
			"capacity": {"1"}, "loan_days": {"1"}, "version": {fmt.Sprint(pool.Version)}}, it)
		if res.code != 200 || !strings.Contains(res.body, "上限を超えた予約") || !strings.Contains(res.body, "渡邉 三郎") || strings.Contains(res.body, "山田 太郎") {
			t.Fatalf("pool cut: %d %.400s", res.code, res.body)
		}
		// The job warns of the shortage (2 reserved, capacity 1); the page shows it.
		ws, err := places.NewService(db, db.Now).WarnShortages(ctx, w.a.ID)
		if err != nil || len(ws) != 1 {
			t.Fatalf("warn: %v %v", ws, err)
		}
		page := w.do("GET", "/places/report", nil, hr)
		sent := page.body[strings.Index(page.body, `id="sent-heading"`):]
		if page.code != 200 || !strings.Contains(sent, "モバイルルーター") || !strings.Contains(sent, "2 / 1") {
			t.Fatalf("sent warnings: %d %.400s", page.code, sent)
		}
		if res := w.do("GET", "/places/report", nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff: %d", res.code)
		}
	})
}

// TestPlacesGapsAPI: a pool's PATCH answers affected_reservations, a
// booking on behalf of someone one may not act for is a Japanese 403, and
// the shortage warnings are listed to HR and IT only, per tenant; every
// answer is checked against the OpenAPI document.
func TestPlacesGapsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, hr, staff, super, bhr := w.session(t, "it"), w.session(t, "hr"), w.session(t, "staff"), w.session(t, "supervisor"), w.session(t, "b-hr")
		day := calendar.DateOf(time.Now()).AddDays(1).String()
		res := w.callCookie("POST", "/api/v1/device-pools", `{"name":"公用携帯","kind":"mobile_phone","capacity":2}`, it)
		if res.code != http.StatusCreated {
			t.Fatalf("pool: %d %s", res.code, res.body)
		}
		var pool struct {
			ID int64 `json:"id"`
		}
		decode(t, res, &pool)
		if res := w.callCookie("POST", "/api/v1/device-reservations", fmt.Sprintf(`{"pool_id":%d,"date":%q}`, pool.ID, day), staff); res.code != http.StatusCreated {
			t.Fatalf("reserve: %d %s", res.code, res.body)
		}
		if res := w.callCookie("POST", "/api/v1/device-reservations", fmt.Sprintf(`{"pool_id":%d,"date":%q,"staff_id":%d}`, pool.ID, day, w.staff["a-hr"].ID), super); res.code != http.StatusCreated {
			t.Fatalf("reserve on behalf: %d %s", res.code, res.body)
		}
		res = w.callCookie("POST", "/api/v1/device-reservations", fmt.Sprintf(`{"pool_id":%d,"date":%q,"staff_id":%d}`, pool.ID, day, w.staff["a-other"].ID), staff)
		if res.code != http.StatusForbidden || !strings.Contains(res.body, "この職員の代わりには予約できません") {
			t.Fatalf("refused on behalf: %d %s", res.code, res.body)
		}
		get := w.callCookie("GET", fmt.Sprintf("/api/v1/device-pools/%d", pool.ID), "", it)
		res = w.call("PATCH", fmt.Sprintf("/api/v1/device-pools/%d", pool.ID), `{"capacity":1}`, "", "Cookie", "telework_session="+it.Value, "If-Match", get.header.Get("ETag"))
		if res.code != 200 || !strings.Contains(res.body, `"affected_reservations"`) || !strings.Contains(res.body, "鈴木 一郎") {
			t.Fatalf("cut: %d %s", res.code, res.body)
		}
		if res := w.callCookie("GET", "/api/v1/places/shortage-warnings", "", hr); res.code != 200 {
			t.Fatalf("warnings: %d %s", res.code, res.body)
		}
		if res := w.callCookie("GET", "/api/v1/places/shortage-warnings", "", staff); res.code != http.StatusForbidden {
			t.Fatalf("staff reads warnings: %d", res.code)
		}
		if _, err := places.NewService(db, db.Now).WarnShortages(context.Background(), w.a.ID); err != nil {
			t.Fatal(err)
		}
		if res := w.callCookie("GET", "/api/v1/places/shortage-warnings", "", it); res.code != 200 || !strings.Contains(res.body, "公用携帯") {
			t.Fatalf("warnings after the job: %d %s", res.code, res.body)
		}
		if res := w.callCookie("GET", "/api/v1/places/shortage-warnings", "", bhr); res.code != 200 || strings.Contains(res.body, "公用携帯") {
			t.Fatalf("another tenant's warnings: %d %s", res.code, res.body)
		}
	})
}

// TestRemoteIDPoolCutPageAndAPI: cutting a remote-ID pool below the IDs
// issued for today lists their holders and logins on the form and in the
// PATCH answer (affected_credentials, checked against the OpenAPI
// document), never a password; another tenant's IT reaches nothing.
func TestRemoteIDPoolCutPageAndAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		it, bhr := w.session(t, "it"), w.session(t, "b-hr")
		admin := &auth.Principal{TenantID: w.a.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin}}
		ds := devices.NewService(db, db.Now)
		pool := &devices.Pool{Name: "リモート接続ID", Kind: devices.RemoteID, Capacity: 3}
		if err := ds.SavePool(ctx, w.a.ID, admin, pool); err != nil {
			t.Fatal(err)
		}
		today := calendar.DateOf(time.Now())
		var passwords []string
		for _, key := range []string{"a-staff", "a-other", "a-hr"} {
			s := w.staff[key]
			exec := func(q string, args ...any) {
				if _, err := db.SQL.Exec(db.Rebind(q), args...); err != nil {
					t.Fatal(err)
				}
			}
			exec(`INSERT INTO applications (tenant_id, staff_id, decision, status, mode, place, time_unit, first_day, last_day, created_at, updated_at)
				VALUES (?, ?, 'approved', 'approved', 'home', 'home', 'full_day', ?, ?, 1, 1)`, w.a.ID, s.ID, today.String(), today.String())
			exec(`INSERT INTO application_days (tenant_id, application_id, staff_id, day, time_unit, status, updated_at)
				SELECT tenant_id, MAX(id), staff_id, ?, 'full_day', 'approved', 1 FROM applications WHERE tenant_id = ? AND staff_id = ? GROUP BY tenant_id, staff_id`,
				today.String(), w.a.ID, s.ID)
			c, err := ds.IssueCredential(ctx, w.a.ID, &auth.Principal{TenantID: w.a.ID, UserID: 500 + s.ID, StaffID: s.ID, UnitID: s.UnitID, StaffName: s.Name,
				Roles: []auth.Role{auth.Staff}}, today)
			if err != nil {
				t.Fatal(err)
			}
			passwords = append(passwords, c.Secret)
			time.Sleep(2 * time.Millisecond) // distinct issue times
		}
		// The form: cut to 2, the last issued (a-hr) is listed.
		res := w.do("POST", fmt.Sprintf("/devices/pools/%d", pool.ID), url.Values{"name": {pool.Name}, "kind": {"remote_id"},
			"capacity": {"2"}, "loan_days": {"1"}, "version": {fmt.Sprint(pool.Version)}}, it)
		hrName := w.staff["a-hr"].Name
		if res.code != 200 || !strings.Contains(res.body, "上限を超えたリモート接続用ID") || !strings.Contains(res.body, hrName) ||
			strings.Contains(res.body, w.staff["a-staff"].Name) {
			t.Fatalf("pool cut page: %d %.600s", res.code, res.body)
		}
		// The API: cut to 1, a-other and a-hr are listed.
		get := w.callCookie("GET", fmt.Sprintf("/api/v1/device-pools/%d", pool.ID), "", it)
		res = w.call("PATCH", fmt.Sprintf("/api/v1/device-pools/%d", pool.ID), `{"capacity":1}`, "", "Cookie", "telework_session="+it.Value, "If-Match", get.header.Get("ETag"))
		if res.code != 200 || !strings.Contains(res.body, `"affected_credentials"`) || !strings.Contains(res.body, hrName) ||
			!strings.Contains(res.body, w.staff["a-other"].Name) {
			t.Fatalf("cut: %d %s", res.code, res.body)
		}
		for _, pw := range passwords {
			if strings.Contains(res.body, pw) {
				t.Fatal("a password in the answer")
			}
		}
		if res := w.callCookie("GET", fmt.Sprintf("/api/v1/device-pools/%d", pool.ID), "", bhr); res.code == http.StatusOK || strings.Contains(res.body, pool.Name) {
			t.Fatalf("another tenant: %d %s", res.code, res.body)
		}
		if n := storetest.CountNotifications(t, db, w.a.ID, w.staff["a-other"].ID, notify.DeviceCapacityReduced); n != 1 {
			t.Fatalf("a-other notified %d times", n)
		}
	})
}
