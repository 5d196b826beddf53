package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestWorktimePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		staff, super := w.session(t, "staff"), w.session(t, "supervisor")
		res := w.do("GET", "/worktime", nil, staff)
		if res.code != http.StatusOK || !strings.Contains(res.body, "始業する") {
			t.Fatalf("page: %d", res.code)
		}
		// One tap: the start button alone.
		// A start with a warning redirects (a reload must not post the
		// start again) to the page that shows the day's warnings.
		res = w.do("POST", "/worktime/start", url.Values{"mode": {"home"}, "plan": {"予算資料の作成"}}, staff)
		if res.code != http.StatusSeeOther || !strings.HasPrefix(res.location, "/worktime?warned=") {
			t.Fatalf("start with a warning: %d %q", res.code, res.location)
		}
		if res := w.do("GET", res.location, nil, staff); res.code != http.StatusOK || !strings.Contains(res.body, "notice--warning") ||
			!strings.Contains(res.body, "申請なしの勤務") {
			t.Fatalf("the warnings after the start: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/worktime?warned=1999-01-01", nil, staff); res.code != http.StatusOK || strings.Contains(res.body, "notice--warning") {
			t.Errorf("a day without a record shows warnings: %d", res.code)
		}
		res = w.do("POST", "/presence", url.Values{"status": {"busy"}, "note": {"会議中"}, "until": {"23:59"}}, staff)
		if res.code != http.StatusSeeOther && res.code != http.StatusUnprocessableEntity {
			t.Fatalf("presence: %d %s", res.code, res.body)
		}
		// Every bad field is shown at its input, not only the end time.
		res = w.do("POST", "/presence", url.Values{"status": {"zzz"}, "note": {strings.Repeat("あ", 101)}, "until": {"25:00"}}, staff)
		for _, id := range []string{"f-presence_status-error", "f-presence_note-error", "f-presence_until-error"} {
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+id+`"`) {
				t.Errorf("presence with three bad fields, %s: %d", id, res.code)
			}
		}
		// A break is shown while it runs, and in the day's row; the
		// supervisor's day view shows it too.
		if res := w.do("POST", "/worktime/break", url.Values{"action": {"start"}}, staff); res.code != http.StatusSeeOther && res.code != http.StatusOK {
			t.Fatalf("break: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/worktime", nil, staff); !strings.Contains(res.body, "休憩中(") || !strings.Contains(res.body, `data-label="休憩・中抜け"`) {
			t.Errorf("the running break is not shown:\n%s", res.body)
		}
		if res := w.do("GET", "/worktime/team", nil, super); !strings.Contains(res.body, "<small>休憩・中抜け ") {
			t.Errorf("the day view does not show the break:\n%s", res.body)
		}
		if res := w.do("POST", "/worktime/break", url.Values{"action": {"end"}}, staff); res.code != http.StatusSeeOther && res.code != http.StatusOK {
			t.Fatalf("break end: %d %s", res.code, res.body)
		}
		// 中抜け (松本市: hourly annual leave) is offered, and while it runs
		// it is said as 中抜け, not as a rest break.
		if res := w.do("GET", "/worktime", nil, staff); !strings.Contains(res.body, "中抜け(時間単位の年休)を始める") {
			t.Error("the policy allows 中抜け but the page does not offer it")
		}
		if res := w.do("POST", "/worktime/break", url.Values{"action": {"start_hourly"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("中抜け: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/worktime", nil, staff); !strings.Contains(res.body, "中抜け中(") || !strings.Contains(res.body, "中抜けを終える") ||
			strings.Contains(res.body, "休憩中(") {
			t.Errorf("a running 中抜け is not said as one:\n%s", res.body)
		}
		if res := w.do("POST", "/worktime/break", url.Values{"action": {"end"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("中抜け end: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/board", nil, staff)
		if res.code != http.StatusOK || !strings.Contains(res.body, "山田 太郎") || !strings.Contains(res.body, `id="board"`) ||
			!strings.Contains(res.body, `data-events="/board/events?unit_id=`) {
			t.Fatalf("board: %d", res.code)
		}
		if res := w.do("GET", "/worktime/team", nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("team page for staff: %d", res.code)
		}
		res = w.do("GET", "/worktime/team", nil, super)
		if res.code != http.StatusOK || !strings.Contains(res.body, "勤務中") || !strings.Contains(res.body, `action="/worktime/end"`) {
			t.Fatalf("team page: %d %s", res.code, res.body)
		}
		// HR views any section's day but enters for nobody there: no
		// buttons that would always fail (a review).
		unit := fmt.Sprint(w.staff["a-staff"].UnitID)
		if res := w.do("GET", "/worktime/team?unit_id="+unit, nil, w.session(t, "hr")); res.code != http.StatusOK ||
			strings.Contains(res.body, `action="/worktime/start"`) || strings.Contains(res.body, `action="/worktime/end"`) || !strings.Contains(res.body, "勤務中") {
			t.Errorf("HR's view of the section: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/worktime/end", url.Values{"result": {"完了"}}, staff)
		if res.code != http.StatusOK && res.code != http.StatusSeeOther {
			t.Fatalf("end: %d %s", res.code, res.body)
		}
		// The supervisor's day view shares the plan and, at the end, the
		// result; times and dates stay whole (.nowrap) and each row stacks
		// under its labels on a phone (data-label).
		res = w.do("GET", "/worktime/team", nil, super)
		for _, want := range []string{"予算資料の作成", "結果: 完了", `<td class="nowrap" data-label="始業">`, `data-label="予定・結果"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("team page after the end lacks %q:\n%s", want, res.body)
			}
		}
		res = w.do("GET", "/worktime", nil, staff)
		if !strings.Contains(res.body, `<th scope="row" class="nowrap">`) || !strings.Contains(res.body, `<td class="nowrap" data-label="終業">`) {
			t.Errorf("recent days do not keep dates and times whole:\n%s", res.body)
		}
	})
}

// TestBoardEvents: an open board's stream gets an event when someone of
// the tenant changes presence (in-process hub; PostgreSQL across nodes is
// tested in internal/presence and integration/).
func TestBoardEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff := w.session(t, "staff")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req := httptest.NewRequest("GET", "/board/events", nil).WithContext(ctx)
		req.AddCookie(staff)
		req.Header.Set("Accept", "text/event-stream")
		rec := newFlushRecorder()
		done := make(chan struct{})
		go func() { w.srv.ServeHTTP(rec, req); close(done) }()
		deadline := time.Now().Add(8 * time.Second)
		for !strings.Contains(rec.String(), "event: changed") && time.Now().Before(deadline) {
			if res := w.do("POST", "/presence", url.Values{"status": {"busy"}}, staff); res.code != http.StatusSeeOther {
				t.Fatalf("presence: %d %s", res.code, res.body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		<-done
		if !strings.Contains(rec.String(), "event: changed") {
			t.Fatalf("no event: %q", rec.String())
		}
		if strings.Contains(rec.String(), "busy") {
			t.Errorf("the stream carries a state: %q", rec.String())
		}
	})
}

// TestBoardStreamEnds: an open board's event stream ends when its session
// does (signed out; a review found it still sending events) and when the
// server shuts down (CloseStreams; else a stop waited 20 s for it).
func TestBoardStreamEnds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff, other := w.session(t, "staff"), w.session(t, "hr")
		open := func() (*flushRecorder, chan struct{}) {
			req := httptest.NewRequest("GET", "/board/events", nil)
			req.AddCookie(staff)
			req.Header.Set("Accept", "text/event-stream")
			rec := newFlushRecorder()
			done := make(chan struct{})
			go func() { w.srv.ServeHTTP(rec, req); close(done) }()
			for !strings.Contains(rec.String(), "retry:") {
				time.Sleep(5 * time.Millisecond)
			}
			return rec, done
		}
		_, done := open()
		if res := w.do("POST", "/logout", url.Values{}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.code)
		}
		deadline := time.Now().Add(10 * time.Second)
	wait:
		for {
			select {
			case <-done:
				break wait
			default:
			}
			if time.Now().After(deadline) {
				t.Fatal("the stream outlived its session")
			}
			w.do("POST", "/presence", url.Values{"status": {"busy"}}, other) // a colleague's change: an event to send
			time.Sleep(200 * time.Millisecond)
		}
		staff = w.session(t, "staff")
		_, done = open()
		w.srv.CloseStreams()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatal("the stream outlived the shutdown")
		}
	})
}

// TestBoardEventsAreTheBoards: a board's stream passes on the changes of
// its own people only — a change in another section sends nothing — and
// opens only on a board the caller may see (403 for another section's,
// 404 for another tenant's unit), as the board itself (a review found
// every board reloading on any change in the tenant).
func TestBoardEventsAreTheBoards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff, colleague, elsewhere := w.session(t, "staff"), w.session(t, "hr"), w.session(t, "it")
		stream := func(unit int64) (*flushRecorder, context.CancelFunc, chan struct{}) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			req := httptest.NewRequest("GET", fmt.Sprintf("/board/events?unit_id=%d", unit), nil).WithContext(ctx)
			req.AddCookie(staff)
			req.Header.Set("Accept", "text/event-stream")
			rec := newFlushRecorder()
			done := make(chan struct{})
			go func() { w.srv.ServeHTTP(rec, req); close(done) }()
			return rec, cancel, done
		}
		for unit, code := range map[int64]int{w.units["a-other"].ID: http.StatusForbidden, w.units["b-dept"].ID: http.StatusNotFound} {
			rec, cancel, done := stream(unit)
			<-done
			cancel()
			if rec.rec.Code != code {
				t.Errorf("stream of unit %d: %d, want %d", unit, rec.rec.Code, code)
			}
		}
		rec, cancel, done := stream(w.units["a-team"].ID)
		for !strings.Contains(rec.String(), "retry:") {
			time.Sleep(5 * time.Millisecond)
		}
		for range 5 {
			w.do("POST", "/presence", url.Values{"status": {"busy"}}, elsewhere)
		}
		time.Sleep(300 * time.Millisecond)
		if strings.Contains(rec.String(), "event: changed") {
			t.Fatalf("another section's change reached the board: %q", rec.String())
		}
		deadline := time.Now().Add(8 * time.Second)
		for !strings.Contains(rec.String(), "event: changed") && time.Now().Before(deadline) {
			w.do("POST", "/presence", url.Values{"status": {"busy"}}, colleague)
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		<-done
		if !strings.Contains(rec.String(), "event: changed") {
			t.Fatalf("a colleague's change did not reach the board: %q", rec.String())
		}
	})
}

// TestWorktimeTeamYesterday: past midnight, a day begun yesterday and not
// ended is still the one being worked (until 5:00), and the day view says
// it began yesterday rather than showing yesterday's start as today's.
func TestWorktimeTeamYesterday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		defer func() { db.Now = time.Now }()
		db.Now = func() time.Time { return time.Date(day.Year, day.Month, day.Day, 21, 0, 0, 0, calendar.Tokyo) }
		staff := w.sessionNow(t, "staff")
		if res := w.do("POST", "/worktime/start", url.Values{"mode": {"office"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("start: %d %s", res.code, res.body)
		}
		next := day.AddDays(1)
		db.Now = func() time.Time { return time.Date(next.Year, next.Month, next.Day, 1, 0, 0, 0, calendar.Tokyo) }
		res := w.do("GET", "/worktime/team", nil, w.sessionNow(t, "supervisor"))
		want := fmt.Sprintf("%d月%d日", day.Month, day.Day)
		if res.code != http.StatusOK || !strings.Contains(res.body, want) || !strings.Contains(res.body, "21:00") {
			t.Errorf("yesterday's open day: %d, want %q\n%s", res.code, want, res.body)
		}
	})
}

// TestWorktimeTeamProxyEntries: the supervisor's day view marks a start
// entered on the person's behalf (page and API), offers the break minutes
// with the proxy end, and a refused break comes back at its field with
// what was typed.
func TestWorktimeTeamProxyEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		super := w.session(t, "supervisor")
		staffID := itoa(w.staff["a-staff"].ID)
		if res := w.do("POST", "/worktime/start", url.Values{"staff_id": {staffID}, "mode": {"office"}}, super); res.code != http.StatusSeeOther {
			t.Fatalf("proxy start: %d %s", res.code, res.body)
		}
		res := w.do("GET", "/worktime/team", nil, super)
		if !strings.Contains(res.body, "<small>(所属長が代理で入力)</small>") || !strings.Contains(res.body, `name="break_minutes"`) {
			t.Errorf("the day view does not mark the proxy start or offer the break:\n%s", res.body)
		}
		// Ended at once with an hour's break: longer than the day.
		res = w.do("POST", "/worktime/end", url.Values{"staff_id": {staffID}, "break_minutes": {"60"}}, super)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-break_minutes" value="60" aria-invalid="true" aria-describedby="f-break_minutes-error"`) ||
			!strings.Contains(res.body, `id="f-break_minutes-error"`) {
			t.Fatalf("a break longer than the day: %d\n%s", res.code, res.body)
		}
		res = w.do("POST", "/worktime/end", url.Values{"staff_id": {staffID}, "break_minutes": {"一時間"}}, super)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="f-break_minutes-error"`) {
			t.Fatalf("break minutes not a number: %d\n%s", res.code, res.body)
		}
		var team struct {
			Items []struct {
				StaffID    int64 `json:"staff_id"`
				StartProxy bool  `json:"start_by_supervisor"`
				EndProxy   bool  `json:"end_by_supervisor"`
				Breaks     []any `json:"breaks"`
			} `json:"items"`
		}
		api := w.do("GET", "/api/v1/worktime/team", nil, super)
		if err := json.Unmarshal([]byte(api.body), &team); err != nil {
			t.Fatalf("team API: %d %v", api.code, err)
		}
		found := false
		for _, it := range team.Items {
			if itoa(it.StaffID) == staffID {
				found = it.StartProxy && !it.EndProxy && it.Breaks != nil
			}
		}
		if !found {
			t.Errorf("the team API does not mark the proxy start: %s", api.body)
		}
	})
}
