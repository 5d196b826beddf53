package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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

// datesPagesWorld gives the staff account a working day, an overtime
// request, a seat booking, a device reservation and a notification, each
// with a date to show; it returns the office and pool booked and the day.
func datesPagesWorld(t *testing.T, db *store.DB) (*world, *http.Cookie, *places.Office, *devices.Pool, calendar.Date) {
	t.Helper()
	w, _ := applyWorld(t, db)
	ctx := context.Background()
	staff := w.session(t, "staff")
	today := calendar.DateOf(time.Now())
	day := today.AddDays(1)
	me := w.staff["a-staff"].ID
	it := &auth.Principal{TenantID: w.a.ID, UserID: 1, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
	ps, ds := places.NewService(db, db.Now), devices.NewService(db, db.Now)
	o := places.NewOffice()
	o.Name, o.Seats, o.HorizonDays, o.ClosedDays, o.Network = "波田支所", 5, 30, nil, tasks.OfficeLAN
	storetest.Must(t, ps.CreateOffice(ctx, w.a.ID, it, o))
	_, err := ps.Book(ctx, w.a.ID, it, places.Request{OfficeID: o.ID, Day: day, Half: places.AM, StaffID: me})
	storetest.Must(t, err)
	p := &devices.Pool{Name: "貸出PC", Kind: devices.LTEDongle, Capacity: 5}
	storetest.Must(t, ds.SavePool(ctx, w.a.ID, it, p))
	_, err = ds.Reserve(ctx, w.a.ID, it, devices.Request{PoolID: p.ID, Day: day, StaffID: me})
	storetest.Must(t, err)
	if res := w.do("POST", "/worktime/start", url.Values{"mode": {"home"}, "plan": {"予算資料の作成"}}, staff); res.code >= 400 {
		t.Fatalf("start: %d", res.code)
	}
	if res := w.do("POST", "/worktime/overtime", url.Values{"overtime_date": {today.String()}, "overtime_until": {"19:30"},
		"overtime_reason": {"議会資料の修正"}}, staff); res.code != http.StatusSeeOther {
		t.Fatalf("overtime: %d %s", res.code, res.body)
	}
	ns := []notify.Notification{notify.New(me, notify.Approved, 0, map[string]any{"Dates": day.String(), "Count": 1})}
	storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, w.a.ID, ns) }))
	return w, staff, o, p, day
}

// TestDatesFollowTheEraSetting: the daily pages show their dates as the
// person chose in /settings (和暦 or 西暦), with the day of the week, and
// no ISO date in the text; the values a form sends stay ISO.
func TestDatesFollowTheEraSetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, staff, _, _, day := datesPagesWorld(t, db)
		today := calendar.DateOf(time.Now())
		wd := func(d calendar.Date) string { return "(" + d.WeekdayJA() + ")" }
		month := fmt.Sprintf("%d月 所属のテレワーク予定", today.Month)
		for _, era := range []struct {
			name string
			date func(calendar.Date) string
			year string
		}{
			{"seireki", calendar.Seireki, fmt.Sprintf("%d年", today.Year)},
			{"wareki", calendar.Wareki, calendar.WarekiYear(today)},
		} {
			if res := w.do("POST", "/settings", url.Values{"lang": {"ja"}, "era": {era.name}}, staff); res.code != http.StatusSeeOther {
				t.Fatalf("%s: settings %d", era.name, res.code)
			}
			for _, c := range []struct {
				path string
				want []string
			}{
				{"/worktime", []string{`<th scope="row" class="nowrap">` + era.date(today) + wd(today) + "</th>"}},
				{"/worktime/overtime", []string{`<th scope="row">` + era.date(today) + wd(today) + "</th>"}},
				{"/places", []string{`<td>` + era.date(day) + wd(day) + "</td>", `<th scope="row" class="nowrap">` + era.date(today) + wd(today) + "</th>"}},
				{"/devices/reservations", []string{`<td>` + era.date(day) + wd(day) + "</td>", `value="` + day.String() + `"`}},
				{"/schedule", []string{era.year + month}},
				{"/notifications", []string{"テレワークの申請が承認されました(" + era.date(day) + ")"}},
			} {
				res := w.do("GET", c.path, nil, staff)
				if res.code != http.StatusOK {
					t.Fatalf("%s %s: %d", era.name, c.path, res.code)
				}
				for _, want := range c.want {
					if !strings.Contains(res.body, want) {
						t.Errorf("%s %s lacks %q", era.name, c.path, want)
					}
				}
				if iso := isoInText(res.body); iso != "" {
					t.Errorf("%s %s shows an ISO date in its text: %q", era.name, c.path, iso)
				}
			}
		}
	})
}

// isoInText is the first ISO date written as the text of an element
// (between > and <), not in an attribute.
func isoInText(body string) string {
	return regexp.MustCompile(`>[^<]*\d{4}-\d{2}-\d{2}[^<]*<`).FindString(body)
}

// TestBookingErrorsMarkTheirField: on the seat booking, the device
// reservation, the presence and the overtime forms, an input with an error
// is aria-invalid and described by its message; a refusal about the day
// (past, closed, beyond the horizon, the same half-day again) is told at
// the date field, and said once.
func TestBookingErrorsMarkTheirField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, staff, o, p, day := datesPagesWorld(t, db)
		today := calendar.DateOf(time.Now())
		office, pool := fmt.Sprint(o.ID), fmt.Sprint(p.ID)
		for _, c := range []struct {
			name, path string
			form       url.Values
			field, msg string
		}{
			{"booking without a day", "/places/bookings", url.Values{"office_id": {office}, "date": {""}, "half": {"am"}}, "date", "「日付」を入力してください"},
			{"booking a past day", "/places/bookings", url.Values{"office_id": {office}, "date": {today.AddDays(-1).String()}, "half": {"am"}}, "date", "「日付」が過ぎた日です"},
			{"booking beyond the horizon", "/places/bookings", url.Values{"office_id": {office}, "date": {today.AddDays(31).String()}, "half": {"am"}}, "date", "30日先まで"},
			{"booking the same half-day again", "/places/bookings", url.Values{"office_id": {office}, "date": {day.String()}, "half": {"am"}}, "date", "この人の席の予約がすでにあります"},
			{"reservation without a day", "/devices/reservations", url.Values{"pool_id": {pool}, "date": {""}}, "date", "「日付」を入力してください"},
			{"reservation of a past day", "/devices/reservations", url.Values{"pool_id": {pool}, "date": {today.AddDays(-1).String()}}, "date", "「日付」が過ぎた日です"},
			{"reservation twice", "/devices/reservations", url.Values{"pool_id": {pool}, "date": {day.String()}}, "date", "と重なります"},
			{"presence end time", "/presence", url.Values{"status": {"busy"}, "until": {"25:00"}}, "presence_until", "終了予定時刻"},
			{"presence note", "/presence", url.Values{"status": {"busy"}, "note": {strings.Repeat("あ", 101)}}, "presence_note", "ひとこと"},
			{"overtime without a reason", "/worktime/overtime", url.Values{"overtime_date": {today.String()}, "overtime_until": {"19:30"}}, "overtime_reason", "理由"},
		} {
			res := w.do("POST", c.path, c.form, staff)
			if res.code < 400 {
				t.Fatalf("%s: %d", c.name, res.code)
			}
			input := regexp.MustCompile(`<(?:input|select)[^>]*id="f-` + c.field + `"[^>]*>`).FindString(res.body)
			if !strings.Contains(input, `aria-invalid="true"`) || !regexp.MustCompile(`aria-describedby="[^"]*f-`+c.field+`-error`).MatchString(input) {
				t.Errorf("%s: the input is not marked: %s", c.name, input)
			}
			msg := regexp.MustCompile(`<p class="field-error" id="f-` + c.field + `-error">([^<]*)</p>`).FindStringSubmatch(res.body)
			if msg == nil || !strings.Contains(msg[1], c.msg) {
				t.Errorf("%s: the field's message %v lacks %q", c.name, msg, c.msg)
			} else if strings.Count(res.body, msg[1]) != 2 { // at the field and in the summary's list
				t.Errorf("%s: %q said %d times", c.name, msg[1], strings.Count(res.body, msg[1]))
			}
		}
	})
}
