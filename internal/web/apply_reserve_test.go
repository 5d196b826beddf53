package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/places"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

var hrefOf = regexp.MustCompile(`<a href="([^"]+)">([^<]*)`)

// links are the targets of a page's links whose text starts with text.
func links(body, text string) []string {
	var out []string
	for _, m := range hrefOf.FindAllStringSubmatch(body, -1) {
		if strings.HasPrefix(m[2], text) {
			out = append(out, html.UnescapeString(m[1]))
		}
	}
	return out
}

// TestApplicationReserveLinks (issue 14): on a satellite-office
// application's page the applicant finds, for each upcoming submitted or
// approved day, 「席を予約」 opening the booking page prefilled with the
// office it names, the day, the half of its time unit and the
// application, and 「端末を予約」 for the device it names; both forms carry
// the application through to the booking and the reservation. Nobody
// else gets the links; past and cancelled days have none; the apply form
// suggests the tenant's offices for the place's name.
func TestApplicationReserveLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		staff, hr := w.session(t, "staff"), w.session(t, "hr")
		it := &auth.Principal{TenantID: w.a.ID, UserID: w.users["it"].ID, Roles: []auth.Role{auth.ITAdmin}}
		o := places.NewOffice()
		o.Name, o.Seats, o.PCs, o.Network, o.ClosedDays = "東部支所", 3, 1, tasks.OfficeLAN, nil
		storetest.Must(t, places.NewService(db, db.Now).CreateOffice(ctx, w.a.ID, it, o))
		pool := &devices.Pool{Name: "貸出PC", Kind: devices.LoanPC, Capacity: 2}
		storetest.Must(t, devices.NewService(db, db.Now).SavePool(ctx, w.a.ID, it, pool))
		now := time.Now()
		today := calendar.DateOf(now)
		insert := func(staffID int64, edit func(a *apply.Application)) int64 {
			a := &apply.Application{StaffID: staffID, Status: apply.Approved, Decision: apply.Approved, Mode: policy.Satellite,
				Place: policy.PlaceSatellite, PlaceName: "東部支所", TimeUnit: policy.AM, Devices: []string{"loan_pc"},
				CreatedAt: now, UpdatedAt: now, Days: []apply.Day{
					{Date: today.AddDays(-1), Status: apply.Approved}, {Date: today.AddDays(1), Status: apply.Approved},
					{Date: today.AddDays(2), Status: apply.Submitted}, {Date: today.AddDays(3), Status: apply.Cancelled}}}
			edit(a)
			storetest.Must(t, db.InApplyTx(ctx, func(tx apply.Tx) error { return tx.InsertApplication(ctx, w.a.ID, a) }))
			return a.ID
		}
		id := insert(w.staff["a-staff"].ID, func(*apply.Application) {})
		page := fmt.Sprintf("/applications/%d", id)
		res := w.do("GET", page, nil, staff)
		if res.code != 200 {
			t.Fatalf("page: %d", res.code)
		}
		seats, devs := links(res.body, "席を予約"), links(res.body, "端末を予約")
		if len(seats) != 2 || len(devs) != 2 {
			t.Fatalf("seat links %v, device links %v", seats, devs)
		}
		for i, day := range []calendar.Date{today.AddDays(1), today.AddDays(2)} {
			want := url.Values{"office_id": {fmt.Sprint(o.ID)}, "date": {day.String()}, "half": {"am"}, "application_id": {fmt.Sprint(id)}}
			if seats[i] != "/places?"+want.Encode() {
				t.Errorf("seat link %d: %s", i, seats[i])
			}
			want = url.Values{"pool_id": {fmt.Sprint(pool.ID)}, "date": {day.String()}, "application_id": {fmt.Sprint(id)}}
			if devs[i] != "/devices/reservations?"+want.Encode() {
				t.Errorf("device link %d: %s", i, devs[i])
			}
		}
		if res := w.do("GET", page, nil, hr); res.code != 200 || len(links(res.body, "席を予約")) != 0 {
			t.Fatalf("HR sees the applicant's links: %d", res.code)
		}

		// The booking page, prefilled, books the seat for the application.
		res = w.do("GET", seats[0], nil, staff)
		for _, want := range []string{fmt.Sprintf(`name="application_id" value="%d"`, id), fmt.Sprintf(`<option value="%d" selected>`, o.ID),
			`value="` + today.AddDays(1).String() + `"`, `value="am" checked`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("booking page lacks %s", want)
			}
		}
		book := url.Values{"office_id": {fmt.Sprint(o.ID)}, "date": {today.AddDays(1).String()}, "half": {"am"}, "application_id": {fmt.Sprint(id)}}
		if res := w.do("POST", "/places/bookings", book, staff); res.code != http.StatusSeeOther {
			t.Fatalf("book: %d %.500s", res.code, res.body)
		}
		var linked int64
		storetest.Must(t, db.SQL.QueryRow(`SELECT application_id FROM bookings WHERE office_id = $1`, o.ID).Scan(&linked))
		if linked != id {
			t.Fatalf("booking linked to %d", linked)
		}

		// The reservation form, prefilled, carries the application; another
		// person's application is refused at the field.
		res = w.do("GET", devs[0], nil, staff)
		for _, want := range []string{fmt.Sprintf(`name="application_id" value="%d"`, id), fmt.Sprintf(`<option value="%d" selected>`, pool.ID),
			`value="` + today.AddDays(1).String() + `"`, "の日の端末を予約します"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("reservation page lacks %s", want)
			}
		}
		theirs := insert(w.staff["a-other"].ID, func(*apply.Application) {})
		reserve := url.Values{"pool_id": {fmt.Sprint(pool.ID)}, "date": {today.AddDays(1).String()}, "application_id": {fmt.Sprint(theirs)}}
		if res := w.do("POST", "/devices/reservations", reserve, staff); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, `id="f-application_id-error"`) || !strings.Contains(res.body, fmt.Sprintf(`name="application_id" value="%d"`, theirs)) {
			t.Fatalf("another's application: %d %.500s", res.code, res.body)
		}
		reserve.Set("application_id", fmt.Sprint(id))
		if res := w.do("POST", "/devices/reservations", reserve, staff); res.code != http.StatusSeeOther {
			t.Fatalf("reserve: %d %.500s", res.code, res.body)
		}
		storetest.Must(t, db.SQL.QueryRow(`SELECT application_id FROM device_reservations WHERE pool_id = $1`, pool.ID).Scan(&linked))
		if linked != id {
			t.Fatalf("reservation linked to %d", linked)
		}

		// An office the tenant does not have: the link has no office; at
		// home with a tablet (no tablet pool): no links at all; hourly in
		// the afternoon: the PM half.
		other := insert(w.staff["a-staff"].ID, func(a *apply.Application) {
			a.PlaceName, a.TimeUnit, a.Start, a.End, a.Devices = "駅前カフェ", policy.Hourly, "13:00", "17:00", nil
		})
		res = w.do("GET", fmt.Sprintf("/applications/%d", other), nil, staff)
		if l := links(res.body, "席を予約"); len(l) != 2 || strings.Contains(l[0], "office_id") || !strings.Contains(l[0], "half=pm") || len(links(res.body, "端末を予約")) != 0 {
			t.Fatalf("no such office: %v", l)
		}
		home := insert(w.staff["a-staff"].ID, func(a *apply.Application) {
			a.Mode, a.Place, a.PlaceName, a.Devices = policy.Home, policy.PlaceHome, "", []string{"tablet"}
		})
		if res := w.do("GET", fmt.Sprintf("/applications/%d", home), nil, staff); strings.Contains(res.body, `id="reserve-h"`) {
			t.Fatal("links for an application at home with no device pool")
		}

		// The apply form suggests the offices for the place's name.
		res = w.do("GET", "/apply", nil, staff)
		if !strings.Contains(res.body, `list="offices-list"`) || !strings.Contains(res.body, `<datalist id="offices-list"><option value="東部支所">`) {
			t.Fatalf("apply form: %d", res.code)
		}
	})
}
