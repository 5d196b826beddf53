package audit_test

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/i18n"
	"telework/internal/notify"
	"telework/internal/places"
	"telework/internal/schedule"
	"telework/internal/tasks"
	"telework/internal/worktime"
)

// areaSnapshots are the snapshots the areas of issues 12 and 14 (places,
// devices, working time, presence, schedule feeds, notifications,
// applications) write, each with every field it can hold: the views
// (AuditView) are called on full objects, so a field added to a view
// later is read here too; the few snapshots built inline in a service
// are copied as written.
func areaSnapshots() []struct {
	typ string
	v   any
} {
	day := calendar.DateOf(time.Date(2026, time.June, 1, 12, 0, 0, 0, calendar.Tokyo))
	at := time.Date(2026, time.June, 1, 9, 0, 0, 0, calendar.Tokyo)
	office := &places.Office{WorkPlace: tasks.WorkPlace{ID: 1, Name: "北支所", Kind: tasks.Branch, Network: tasks.Networks[0],
		PhysicalSecurity: true}, Seats: 4, PCs: 2, Phone: true, Printer: true, Opens: "08:30", Closes: "17:15",
		ClosedDays: []string{"sat"}, PreRegistration: true, HorizonDays: 30, Hourly: true, Outsiders: true}
	officeAfter := office.AuditView()
	officeAfter["over_capacity_bookings"] = []int64{1}
	booking := &places.Booking{ID: 1, OfficeID: 1, StaffID: 2, Day: day, Half: places.AM, PC: true, ApplicationID: 3, Status: places.Booked}
	behalf := map[string]any{"on_behalf": true, "acted_by_user": 5, "acted_by_staff": 6}
	withBehalf := func(v map[string]any) map[string]any {
		for k, x := range behalf {
			v[k] = x
		}
		return v
	}
	pool := &devices.Pool{ID: 1, Name: "貸出PC", Kind: devices.LoanPC, Capacity: 3, LoanDays: 2}
	poolAfter := pool.AuditView()
	poolAfter["over_capacity_reservations"] = []int64{1}
	poolAfter["over_capacity_credentials"] = []int64{2}
	res := &devices.Reservation{ID: 1, PoolID: 1, StaffID: 2, Day: day, ApplicationID: 3, Status: devices.Lent, AssetNo: "PC-1", HeldTo: day}
	wd := worktime.Day{StaffID: 2, Date: day, Start: at, End: at.Add(8 * time.Hour), Mode: "home", Place: "自宅", Plan: "p",
		Result: "r", Breaks: []worktime.Break{{Start: at, End: at}}, StartProxy: 7, EndProxy: 7}
	ot := worktime.Overtime{StaffID: 2, Date: day, Until: "19:00", Status: worktime.OvertimeApproved, ApproverID: 7, Reason: "r",
		DecidedBy: 8, Comment: "c"}
	app := &apply.Application{StaffID: 2, Status: apply.Approved, Mode: "home", Place: "home", PlaceKind: "relative",
		TimeUnit: "day", Start: "09:00", End: "12:00", Step: 1, ApproverID: 7, PresenceCheckerID: 8,
		TakeOut: apply.TakeOut{Paper: true, Data: true, PrintAtHome: true, SaveAtHome: true}, TravelOrder: true, TravelOrderNo: "1",
		Segments: []apply.Segment{{Mode: "home"}}, Days: []apply.Day{{Date: day, Status: apply.Approved}}}
	appAfter := app.AuditView()
	appAfter["on_behalf_of"] = 9
	return []struct {
		typ string
		v   any
	}{
		{"office", officeAfter},
		{"office", map[string]any{"staff_id": 2}},
		{"booking", withBehalf(booking.AuditView())},
		{"booking", map[string]any{"checked_in": true}},
		{"office", map[string]any{"week_of": "2026-06-01", "peak_day": "2026-06-02", "peak": 5, "capacity": 4, "notified": 2}},
		{"device_pool", map[string]any{"week_of": "2026-06-01", "peak_day": "2026-06-02", "peak": 5, "capacity": 4, "notified": 2}},
		{"device_pool", poolAfter},
		{"device_reservation", withBehalf(res.AuditView())},
		{"personal_device", map[string]any{"staff_id": 2, "os": "iOS 18", "status": devices.Requested}},
		{"personal_device", map[string]any{"status": devices.Approved, "expires_on": "2027-03-31"}},
		{"remote_credential", map[string]any{"staff_id": 2, "day": "2026-06-01", "login": "tw2-20260601", "pool_id": 1}},
		{"worktime_day", wd.AuditView()},
		{"application", map[string]any{"staff_id": 2, "date": "2026-06-01", "expected_start": "08:30"}},
		{"worktime_overtime", ot.AuditView()},
		{"unit", map[string]any{"plan_sharing": true}},
		{"calendar_feed", &schedule.Feed{ID: 1, StaffID: 2, UnitID: 3, CreatedAt: at}},
		{"staff", []notify.Pref{{Kind: notify.Kind("approved"), InApp: true, Email: true, Chat: true}}},
		{"tenant", struct {
			notify.Settings
			PasswordChanged bool `json:"smtp_password_changed,omitempty"`
		}{notify.Settings{SMTPHost: "h", SMTPPort: 25, SMTPTLS: "none", SMTPUser: "u", PasswordSet: true, MailFrom: "f", Charset: "utf-8"}, true}},
		{"unit", map[string]string{"host": "chat.example", "format": "slack"}},
		{"application", appAfter},
		{"apply_settings", map[string]any{"approver": "supervisor", "two_step": true, "two_step_units": []int64{1}, "reminder_hours": 24}},
		{"delegation", map[string]any{"approver_id": 7, "delegate_id": 8, "kind": "proxy", "from": "2026-06-01", "to": "2026-06-02"}},
		// What the roadmap's reminder job writes (roadmap.review_reminder).
		{"roadmap_review", map[string]any{"due": "2026-10-01", "overdue": true}},
		{"roster", map[string]any{"created": []int64{1}, "kept": []int64{2},
			"cancelled": []map[string]any{{"application_id": 12, "dates": []string{"2026-06-01"}}}}},
	}
}

// TestEveryAreaFieldHasALabel fails when a snapshot of these areas holds a
// field the auditor would read as a code (seats, acted_by_staff, 0.kind):
// each needs a label in Japanese and English.
func TestEveryAreaFieldHasALabel(t *testing.T) {
	numbers := regexp.MustCompile(`^[0-9 -]+$`) // list numbers, or a date below a field (days.2026-06-01)
	for _, s := range areaSnapshots() {
		b, err := json.Marshal(s.v)
		if err != nil {
			t.Fatal(err)
		}
		e := &audit.Entry{ObjectType: s.typ, Before: json.RawMessage("null"), After: b}
		cs := audit.Changes(e)
		if len(cs) == 0 {
			t.Errorf("%s: no fields in %s", s.typ, b)
		}
		for _, c := range cs {
			key, rest, ok := audit.LabelKey(s.typ, c.Path, i18n.Has)
			if !ok || rest != "" && !numbers.MatchString(rest) {
				t.Errorf("%s field %s has no label (%s %q)", s.typ, c.Path, key, rest)
				continue
			}
			if ja := i18n.T("ja", key, nil); ja == "対象" {
				t.Errorf("%s field %s reads as the generic %q", s.typ, c.Path, ja)
			}
		}
	}
}

// TestStaffValuedFieldsNameThePerson: every field that holds a staff id
// (the approver, the delegate, who decided, who entered a day for someone,
// who booked on someone's behalf) is resolved to the person, as staff_id
// is, never shown as the bare number; an office's and a pool's kind reads
// as its Japanese name.
func TestStaffValuedFieldsNameThePerson(t *testing.T) {
	for _, c := range []struct{ typ, path string }{
		{"application", "staff_id"}, {"application", "approver_id"}, {"application", "presence_checker_id"},
		{"application", "on_behalf_of"}, {"delegation", "approver_id"}, {"delegation", "delegate_id"},
		{"worktime_overtime", "approver_id"}, {"worktime_overtime", "decided_by"}, {"worktime_day", "start_by_proxy"},
		{"worktime_day", "end_by_proxy"}, {"booking", "acted_by_staff"}, {"device_reservation", "acted_by_staff"},
	} {
		l := &audit.Leaf{Path: c.path, Kind: "number", Text: "50"}
		shown := audit.ShowValue(c.typ, l, nil, i18n.Has)
		if len(shown) != 1 || shown[0].Ref == nil || shown[0].Ref.Type != "staff" || shown[0].Ref.ID != "50" {
			t.Errorf("%s %s = %+v, want the person (staff 50)", c.typ, c.path, shown)
		}
	}
	for _, c := range []struct{ typ, path, code, want string }{
		{"office", "kind", string(tasks.Branch), "支所"},
		{"device_pool", "kind", string(devices.LoanPC), "貸出用PC"},
		{"office", "network", "office_lan", "庁内LAN同等"},
		{"booking", "half", "am", "午前"},
		{"device_reservation", "status", "lent", "貸出中"},
		{"retired_staff", "kind", "retired_staff", "退職者の個人情報"},
	} {
		shown := audit.ShowValue(c.typ, &audit.Leaf{Path: c.path, Kind: "string", Text: c.code}, nil, i18n.Has)
		if len(shown) != 1 || shown[0].Key == "" || i18n.T("ja", shown[0].Key, shown[0].Args) != c.want {
			t.Errorf("%s %s %s = %+v, want %s", c.typ, c.path, c.code, shown, c.want)
		}
	}
}

// TestDeclaredReasonsAreNotShown: the auditor reads a person's 育児・介護
// reasons as recorded or not and changed, never which (docs/policy.md),
// in entries written now ("declared", "changed") and in those written
// before (the list of reasons); a token's entry names the account.
func TestDeclaredReasonsAreNotShown(t *testing.T) {
	list := func(items ...string) *audit.Leaf {
		return &audit.Leaf{Path: "Reasons", Kind: "list", Items: append([]string{}, items...)}
	}
	text := func(s string) *audit.Leaf { return &audit.Leaf{Path: "Reasons", Kind: "string", Text: s} }
	for _, c := range []struct {
		l, other *audit.Leaf
		want     string
	}{
		{text("none"), text("declared"), "登録なし"},
		{text("declared"), text("none"), "登録あり"},
		{text("changed"), text("declared"), "登録あり(内容が変わりました)"},
		{list(), list("nursing"), "登録なし"},
		{list("nursing"), list(), "登録あり"},
		{list("nursing"), list("childcare"), "登録あり(内容が変わりました)"},
	} {
		shown := audit.ShowValue("staff", c.l, c.other, i18n.Has)
		if len(shown) != 1 || shown[0].Key == "" || i18n.T("ja", shown[0].Key, nil) != c.want {
			t.Errorf("%+v = %+v, want %s", c.l, shown, c.want)
		}
	}
	for _, path := range []string{"user_id", "token.user_id"} {
		shown := audit.ShowValue("api_token", &audit.Leaf{Path: path, Kind: "number", Text: "7"}, nil, i18n.Has)
		if len(shown) != 1 || shown[0].Ref == nil || shown[0].Ref.Type != "user" {
			t.Errorf("api_token %s = %+v, want the account", path, shown)
		}
		if key, _, ok := audit.LabelKey("api_token", path, i18n.Has); !ok || i18n.T("ja", key, nil) != "アカウント" {
			t.Errorf("api_token %s is labelled %s", path, key)
		}
	}
}
