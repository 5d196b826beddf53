package notify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"telework/internal/i18n"
)

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempt int
		want    time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {8, 64 * time.Minute}, {20, 6 * time.Hour}} {
		if got := Backoff(c.attempt); got != c.want {
			t.Errorf("Backoff(%d) = %v, want %v", c.attempt, got, c.want)
		}
	}
}

func jst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Tokyo)
	if err != nil {
		panic(err)
	}
	return t
}

// TestHoldUntil: quiet hours outside the policy's standard day (第5章 3.).
func TestHoldUntil(t *testing.T) {
	w := Window{Start: "08:30", End: "17:15"}
	off := map[string]bool{"2026-12-29": true, "2026-12-30": true, "2026-12-31": true, "2027-01-01": true, "2027-01-02": true,
		"2027-01-03": true, "2027-01-11": true}
	cal := Window{Start: "08:30", End: "17:15", BusinessDay: func(d time.Time) bool {
		return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday && !off[d.Format("2006-01-02")]
	}}
	for _, c := range []struct {
		at     string
		urgent bool
		w      Window
		want   string
	}{
		{"2026-12-01 10:00", false, w, "2026-12-01 10:00"}, // Tuesday, inside
		{"2026-12-01 07:00", false, w, "2026-12-01 08:30"}, // before the start
		{"2026-12-01 17:15", false, w, "2026-12-02 08:30"}, // at the end: next day
		{"2026-12-01 23:00", false, w, "2026-12-02 08:30"},
		{"2026-12-04 18:00", false, w, "2026-12-07 08:30"}, // Friday evening → Monday
		{"2026-12-05 10:00", false, w, "2026-12-07 08:30"}, // Saturday
		{"2026-12-05 10:00", true, w, "2026-12-05 10:00"},  // urgent goes at once
		{"2026-12-05 10:00", false, Window{}, "2026-12-05 10:00"},
		{"2026-12-05 10:00", false, Window{Start: "18:00", End: "09:00"}, "2026-12-05 10:00"}, // nonsense: no hold
		// The tenant's business calendar: 年末年始 (12/29–1/3) and 成人の日 (1/11) are off.
		{"2026-12-28 18:00", false, cal, "2027-01-04 08:30"}, // last day of the year → after the new year
		{"2026-12-30 10:00", false, cal, "2027-01-04 08:30"}, // closed day, in the window's hours
		{"2027-01-08 17:30", false, cal, "2027-01-12 08:30"}, // Friday → Tuesday after 成人の日
		{"2027-01-11 07:00", false, cal, "2027-01-12 08:30"}, // before the start on a holiday
		{"2027-01-12 07:00", false, cal, "2027-01-12 08:30"},
		{"2026-12-30 10:00", true, cal, "2026-12-30 10:00"}, // urgent goes at once
		{"2026-12-30 10:00", false, Window{Start: "08:30", End: "17:15", BusinessDay: func(time.Time) bool { return false }}, "2026-12-30 10:00"}, // no working day at all: no hold
	} {
		got := HoldUntil(jst(c.at), c.w, c.urgent)
		if !got.Equal(jst(c.want)) {
			t.Errorf("HoldUntil(%s, %v, %v) = %s, want %s", c.at, c.w, c.urgent, got.In(Tokyo).Format("2006-01-02 15:04"), c.want)
		}
	}
}

func TestPlan(t *testing.T) {
	n := Notification{ID: 7, TenantID: 3, StaffID: 5, Kind: Approved, CreatedAt: jst("2026-12-01 10:00")}
	r := Recipient{StaffID: 5, Email: "a@example.jp", UnitID: 9}
	chans := map[int64]bool{9: true}
	if ds := Plan(n, r, nil, chans, true, Window{}); len(ds) != 1 || ds[0].Channel != Email || ds[0].Target != "a@example.jp" {
		t.Errorf("default: %+v", ds)
	}
	all := Pref{Kind: Approved, InApp: true, Email: true, Chat: true}
	if ds := Plan(n, r, &all, chans, true, Window{}); len(ds) != 2 || ds[1].Channel != Chat || ds[1].Target != "9" {
		t.Errorf("all: %+v", ds)
	}
	if ds := Plan(n, r, &all, map[int64]bool{}, false, Window{}); len(ds) != 0 {
		t.Errorf("nothing configured: %+v", ds)
	}
	none := Pref{Kind: Approved, InApp: true}
	if ds := Plan(n, r, &none, chans, true, Window{}); len(ds) != 0 {
		t.Errorf("opted out: %+v", ds)
	}
	if ds := Plan(n, Recipient{StaffID: 5}, nil, chans, true, Window{}); len(ds) != 0 {
		t.Errorf("no address: %+v", ds)
	}
	late := n
	late.CreatedAt = jst("2026-12-01 22:00")
	if ds := Plan(late, r, nil, chans, true, Window{Start: "08:30", End: "17:15"}); !ds[0].NextAt.Equal(jst("2026-12-02 08:30")) {
		t.Errorf("held: %v", ds[0].NextAt)
	}
	// A person who opted in to messages outside working time gets them
	// at once — by e-mail; the section's chat, read by everyone, keeps
	// the quiet hours.
	in := r
	in.AfterHours = true
	all = Pref{Kind: late.Kind, InApp: true, Email: true, Chat: true}
	if ds := Plan(late, in, &all, chans, true, Window{Start: "08:30", End: "17:15"}); len(ds) != 2 || !ds[0].NextAt.Equal(late.CreatedAt) ||
		ds[1].Channel != Chat || !ds[1].NextAt.Equal(jst("2026-12-02 08:30")) {
		t.Errorf("opted in: %+v", ds)
	}
}

// TestChatOnlyForSectionKinds: only kinds meant for the section go to the
// recipient's section chat, which the whole section reads (issue 12:
// start/end reports, approvals, reminders); a supervisor who turns chat on
// for worktime_warning does not post 「藤原 優花さんの勤務記録…」 to it, even
// with a choice stored before the rule (Plan), the preferences read chat
// off for such kinds (MergePrefs), and saving chat for them is refused.
func TestChatOnlyForSectionKinds(t *testing.T) {
	shared := map[Kind]bool{WorkStarted: true, WorkEnded: true, Approved: true, ReportDue: true, Reminder: true,
		SurveyReminder: true, ReviewReminder: true, ShortageForecast: true}
	// Every kind the worktime, places and devices areas register too.
	for _, k := range []Kind{WorktimeWarning, "worktime_warning_self", "worktime_presence_checker", "worktime_overtime_requested", "worktime_overtime_decided",
		Submitted, Returned, Rejected, Withdrawn, Cancelled, ReportOverdue, Reported, DelegationStarted,
		PlaceCapacityReduced, PlaceRulesChanged, DeviceCapacityReduced, BookedForYou, CancelledForYou, DeviceOverdue} {
		shared[k] = false
	}
	RegisterKind("worktime_warning_self", false)
	RegisterKind("worktime_overtime_requested", false)
	RegisterKind("worktime_overtime_decided", false)
	r := Recipient{StaffID: 5, Email: "a@example.jp", UnitID: 9}
	for _, ki := range KindList() {
		want, listed := shared[ki.Kind]
		if !listed {
			t.Errorf("kind %s: decide whether it may go to the section's chat", ki.Kind)
			continue
		}
		if ChatAllowed(ki.Kind) != want {
			t.Errorf("ChatAllowed(%s) = %v, want %v", ki.Kind, !want, want)
		}
		n := Notification{ID: 7, TenantID: 3, StaffID: 5, Kind: ki.Kind, CreatedAt: jst("2026-12-01 10:00"),
			Args: map[string]any{"Name": "藤原 優花"}}
		p := Pref{Kind: ki.Kind, InApp: true, Email: true, Chat: true}
		chat := false
		for _, d := range Plan(n, r, &p, map[int64]bool{9: true}, true, Window{}) {
			chat = chat || d.Channel == Chat
		}
		if chat != want {
			t.Errorf("%s with chat chosen: to the section's chat %v, want %v", ki.Kind, chat, want)
		}
		if got := MergePrefs([]Pref{p}); got[slices.IndexFunc(got, func(q Pref) bool { return q.Kind == ki.Kind })].Chat != want {
			t.Errorf("%s: stored chat reads %v", ki.Kind, !want)
		}
		other := Reminder
		if ki.Kind == Reminder {
			other = Approved
		}
		err := checkPrefs([]Pref{{Kind: other}, p})
		if refused := err != nil && strings.Contains(fmt.Sprint(err), "prefs.1.chat"); refused == want || (want && err != nil) {
			t.Errorf("%s: saving chat: %v", ki.Kind, err)
		}
	}
}

func TestOutcome(t *testing.T) {
	now := jst("2026-12-01 10:00")
	if o := OutcomeOf(Delivery{Attempts: 1}, nil, now, Window{}); !o.Sent {
		t.Error(o)
	}
	if o := OutcomeOf(Delivery{Attempts: 2}, errors.New("x"), now, Window{}); o.Sent || o.Dead || !o.NextAt.Equal(now.Add(time.Minute)) {
		t.Error(o)
	}
	if o := OutcomeOf(Delivery{Attempts: MaxAttempts}, errors.New(strings.Repeat("x", 900)), now, Window{}); !o.Dead || len(o.Error) != 500 {
		t.Error(o)
	}
}

// TestOutcomeQuietHours: a retry of a non-urgent kind waits for the
// working window like the first attempt (第5章 3.); urgent kinds and
// tenants without quiet hours retry after the backoff alone.
func TestOutcomeQuietHours(t *testing.T) {
	w := Window{Start: "08:30", End: "17:15"}
	for _, c := range []struct {
		name     string
		kind     Kind
		attempts int
		at       string
		w        Window
		want     string
	}{
		{"inside the window", Approved, 1, "2026-12-01 10:00", w, "2026-12-01 10:00:30"},
		{"backoff ends after hours", Approved, 7, "2026-12-01 17:10", w, "2026-12-02 08:30:00"},
		{"backoff ends at night", Approved, 4, "2026-12-01 17:14", w, "2026-12-02 08:30:00"},
		{"Friday evening", Reminder, 3, "2026-12-04 17:14", w, "2026-12-07 08:30:00"},
		{"urgent kind", DelegationStarted, 7, "2026-12-01 17:10", w, "2026-12-01 17:42:00"},
		{"section report (urgent)", WorkEnded, 7, "2026-12-01 17:10", w, "2026-12-01 17:42:00"},
		{"no quiet hours", Approved, 7, "2026-12-01 17:10", Window{}, "2026-12-01 17:42:00"},
	} {
		d := Delivery{Attempts: c.attempts, Notification: Notification{Kind: c.kind}}
		o := OutcomeOf(d, errors.New("421 try later"), jst(c.at), c.w)
		want, _ := time.ParseInLocation("2006-01-02 15:04:05", c.want, Tokyo)
		if o.Sent || o.Dead || !o.NextAt.Equal(want) {
			t.Errorf("%s: next %s, want %s", c.name, o.NextAt.In(Tokyo).Format("2006-01-02 15:04:05"), c.want)
		}
	}
}

// TestKindsAreData: every registered kind has a message and a label in
// both languages, and a kind registered later joins the preferences.
func TestKindsAreData(t *testing.T) {
	RegisterKind("test_kind", true)
	defer func() {
		kindsMu.Lock()
		delete(kinds, "test_kind")
		order = order[:len(order)-1]
		kindsMu.Unlock()
	}()
	ps := MergePrefs([]Pref{{Kind: Approved, Email: false}})
	if len(ps) != len(KindList()) || ps[len(ps)-1].Kind != "test_kind" || !ps[len(ps)-1].Email {
		t.Errorf("prefs %+v", ps)
	}
	for _, p := range ps {
		if p.Kind == Approved && p.Email {
			t.Error("stored preference lost")
		}
	}
	for _, ki := range KindList() {
		if ki.Kind == "test_kind" {
			continue
		}
		for _, key := range []string{"notify." + string(ki.Kind), "notify.kind." + string(ki.Kind)} {
			if !i18n.Has(key) {
				t.Errorf("no message %s", key)
			}
		}
	}
}
