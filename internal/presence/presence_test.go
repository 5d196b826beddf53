package presence_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/presence"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
	"telework/internal/worktime"
)

var hr = audit.Actor{Label: "hr01"}

type fixture struct {
	db   *store.DB
	svc  *presence.Service
	wt   *worktime.Service
	a, b *org.Tenant
	now  time.Time
	unit map[string]*org.Unit
	who  map[string]*auth.Principal
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, unit: map[string]*org.Unit{}, who: map[string]*auth.Principal{}}
	f.now = time.Date(2026, time.June, 1, 9, 0, 0, 0, calendar.Tokyo)
	db.Now = func() time.Time { return f.now }
	clock := func() time.Time { return f.now }
	f.svc = presence.NewService(db, nil, clock)
	f.wt = worktime.NewService(db, clock)
	f.wt.SetHooks(f.svc, nil)
	mk := func(slug string) *org.Tenant {
		tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		storetest.Must(t, storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "op"}, tn, nil))
		return tn
	}
	f.a, f.b = mk("ueda"), mk("kakegawa")
	unit := func(tn *org.Tenant, key, code, parent string) {
		u := &org.Unit{Code: code, Name: key, Level: "課"}
		if parent != "" {
			u.ParentID = f.unit[parent].ID
		}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, hr, u, calendar.Date{}))
		f.unit[key] = u
	}
	unit(f.a, "総務課", "110", "")
	unit(f.a, "総務係", "111", "総務課")
	unit(f.a, "財政課", "120", "")
	unit(f.b, "b", "100", "")
	n := 0
	person := func(tn *org.Tenant, key, u string, head bool) {
		n++
		st := &org.Staff{StaffNo: fmt.Sprintf("%04d", n), Name: key, Kana: "たろう", UnitID: f.unit[u].ID, Rank: org.RankStaff,
			IsSupervisor: head, Employment: org.Regular, JobType: "general"}
		if head {
			st.Rank = org.RankManager
		}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, hr, st, calendar.Date{}))
		f.who[key] = &auth.Principal{TenantID: tn.ID, StaffID: st.ID, UnitID: st.UnitID, Roles: auth.EffectiveRoles(nil, true, head)}
	}
	person(f.a, "課長", "総務課", true)
	person(f.a, "山田", "総務係", false)
	person(f.a, "佐藤", "総務係", false)
	person(f.a, "財政", "財政課", false)
	person(f.b, "他市", "b", false)
	return f
}

func TestPresenceKeepsOnlyTheCurrentState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var logs bytes.Buffer
		prev := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
		defer slog.SetDefault(prev)
		f := newFixture(t, db)
		me := f.who["山田"]
		_, err := f.wt.Start(ctx, f.a.ID, me, 0, worktime.Report{Mode: "home", Place: "自宅", Plan: "計画"})
		storetest.Must(t, err)
		statuses := []presence.Status{presence.Busy, presence.Unavailable, presence.Away, presence.Available}
		const changes = 24
		for i := 0; i < changes; i++ {
			note := fmt.Sprintf("past-note-%02d", i)
			place := fmt.Sprintf("past-place-%02d", i)
			f.now = f.now.Add(time.Minute)
			_, err := f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: statuses[i%len(statuses)], Note: &note, Place: &place,
				Until: f.now.Add(time.Hour)})
			storetest.Must(t, err)
		}
		last := fmt.Sprintf("past-note-%02d", changes-1)
		// Scan every table of the database: no past note or place.
		tables := tableNames(t, db)
		if len(tables) < 20 {
			t.Fatalf("only %d tables found", len(tables))
		}
		for _, tb := range tables {
			rows, err := db.SQL.QueryContext(ctx, `SELECT * FROM `+tb)
			storetest.Must(t, err)
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				storetest.Must(t, rows.Scan(ptrs...))
				line := fmt.Sprint(vals...)
				for _, v := range vals {
					if b, ok := v.([]byte); ok {
						line += string(b)
					}
				}
				for i := 0; i < changes-1; i++ {
					for _, past := range []string{fmt.Sprintf("past-note-%02d", i), fmt.Sprintf("past-place-%02d", i)} {
						if strings.Contains(line, past) {
							t.Errorf("table %s keeps a past state %q", tb, past)
						}
					}
				}
				if strings.Contains(line, "busy") && tb != "presence" && tb != "goose_db_version" {
					t.Logf("note: table %s mentions busy: %s", tb, line)
				}
			}
			storetest.Must(t, rows.Err())
			rows.Close()
		}
		// Nor the log: no note, place or state name.
		for _, s := range append([]string{"past-note", "past-place"}, "unavailable", "取り込み中") {
			if strings.Contains(logs.String(), s) {
				t.Errorf("the log mentions %q:\n%s", s, logs.String())
			}
		}
		p, err := f.svc.Mine(ctx, f.a.ID, me)
		storetest.Must(t, err)
		if p.Note != last || p.Status != statuses[(changes-1)%len(statuses)] {
			t.Fatalf("current: %+v", p)
		}
		// Nor the request log: changes through the page's form, the
		// inactivity timer and the API leave no line at all (a line without
		// the account is followed by the redirect's or the same person's
		// next line with it, so with its time it would rebuild each
		// person's idle and away periods), and no line carries a size
		// (the work page's differs by the state on it).
		requestLog := changeThroughHTTP(t, db, f, me)
		var worktimeLines int
		for _, line := range strings.Split(strings.TrimSpace(requestLog), "\n") {
			var l map[string]any
			storetest.Must(t, json.Unmarshal([]byte(line), &l))
			if _, ok := l["bytes"]; ok {
				t.Errorf("a request line carries the response's size: %s", line)
			}
			if l["msg"] != "request" {
				continue
			}
			switch l["route"] {
			case "POST /presence", "PUT /api/v1/presence":
				t.Errorf("a presence change left a request line: %s", line)
			case "GET /worktime":
				worktimeLines++
				if id, _ := l["user_id"].(float64); id == 0 {
					t.Errorf("the rule is too wide: the page's own line lost its account: %s", line)
				}
			}
		}
		if worktimeLines != 1 {
			t.Fatalf("%d request lines of the work page, want 1:\n%s", worktimeLines, requestLog)
		}
		for _, s := range []string{"web-note", "web-place", "api-note", "unavailable", "busy", `"away"`, "取り込み中"} {
			if strings.Contains(requestLog, s) {
				t.Errorf("the request log mentions %q:\n%s", s, requestLog)
			}
		}
		// Clock-out sets オフライン.
		_, err = f.wt.End(ctx, f.a.ID, me, 0, worktime.Report{})
		storetest.Must(t, err)
		p, _ = f.svc.Mine(ctx, f.a.ID, me)
		if p.Status != presence.Offline || p.Note != "" {
			t.Fatalf("after clock-out: %+v", p)
		}
	})
}

// On SQLite presence never reaches the file: a row overwritten there stays
// readable in the -wal and in freed pages (a history after all). Neither
// the database file nor its -wal holds any note, even while the server
// runs; after a restart presence starts empty.
func TestPresenceNeverReachesTheSQLiteFile(t *testing.T) {
	ctx := context.Background()
	path := storetest.DSN(t, store.SQLite)
	db, err := store.Open(ctx, path)
	storetest.Must(t, err)
	defer func() { db.Close() }()
	_, err = db.Migrate(ctx)
	storetest.Must(t, err)
	f := newFixture(t, db)
	me := f.who["山田"]
	_, err = f.wt.Start(ctx, f.a.ID, me, 0, worktime.Report{Mode: "home", Place: "自宅", Plan: "計画"})
	storetest.Must(t, err)
	const changes = 6
	off := false
	for i := 0; i < changes; i++ {
		note, place := fmt.Sprintf("file-note-%02d", i), fmt.Sprintf("file-place-%02d", i)
		f.now = f.now.Add(time.Minute)
		u := presence.Update{Status: presence.Busy, Note: &note, Place: &place, Until: f.now.Add(time.Hour)}
		if i == 0 {
			u.AutoAway = &off // a choice, kept across the restart below
		}
		_, err := f.svc.Set(ctx, f.a.ID, me, u)
		storetest.Must(t, err)
	}
	p, err := f.svc.Mine(ctx, f.a.ID, me)
	storetest.Must(t, err)
	if p.Note != fmt.Sprintf("file-note-%02d", changes-1) || p.Status != presence.Busy {
		t.Fatalf("current: %+v", p)
	}
	rows, err := f.svc.Board(ctx, f.a.ID, f.who["佐藤"], 0)
	storetest.Must(t, err)
	for _, r := range rows {
		if r.Name == "山田" && r.Status != presence.Busy {
			t.Fatalf("board: %+v", r)
		}
	}
	check := func(when string) {
		t.Helper()
		for _, file := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(file)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			storetest.Must(t, err)
			for _, s := range []string{"file-note", "file-place"} {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("%s: %s holds %q", when, filepath.Base(file), s)
				}
			}
		}
	}
	check("while running")
	storetest.Must(t, db.Close())
	check("after closing")
	db, err = store.Open(ctx, path)
	storetest.Must(t, err)
	f.svc = presence.NewService(db, nil, func() time.Time { return f.now })
	p, err = f.svc.Mine(ctx, f.a.ID, me)
	storetest.Must(t, err)
	if p.Note != "" || p.Status != presence.Available {
		t.Fatalf("after a restart: %+v, want 連絡可能 with no note", p)
	}
	// The state is gone, the person's choice is not (a review found
	// automatic 退席中 back on after every restart).
	if p.AutoAway {
		t.Fatal("after a restart: automatic 退席中 is on again, though the person had switched it off")
	}
	on := true
	_, err = f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: presence.Available, AutoAway: &on})
	storetest.Must(t, err)
	f.svc = presence.NewService(db, nil, func() time.Time { return f.now })
	if p, _ = f.svc.Mine(ctx, f.a.ID, me); !p.AutoAway {
		t.Fatal("switched on again: not kept")
	}
}

// changeThroughHTTP changes the person's presence through the real server
// — the page's form, the inactivity timer's status-only change (away and
// back) and the API — and returns the server's log.
func changeThroughHTTP(t *testing.T, db *store.DB, f *fixture, me *auth.Principal) string {
	t.Helper()
	ctx := context.Background()
	u := &auth.User{LoginID: "yamada", PasswordHash: "x", StaffID: me.StaffID}
	storetest.Must(t, storetest.F(db).CreateUser(ctx, f.a.ID, hr, u))
	token, hash := auth.NewSessionToken()
	storetest.Must(t, db.CreateSession(ctx, &auth.Session{TokenHash: hash, TenantID: f.a.ID, UserID: u.ID, ExpiresAt: f.now.Add(time.Hour)}))
	var logs bytes.Buffer
	srv, err := web.New(app.NewServices(db), telemetry.NewLogger(&logs, slog.LevelDebug), telemetry.NewMetrics(nil), web.DefaultConfig())
	storetest.Must(t, err)
	do := func(method, target, contentType, body string, want int) {
		t.Helper()
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.AddCookie(&http.Cookie{Name: "telework_session", Value: token})
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, target, rec.Code, want, rec.Body.String())
		}
	}
	const form = "application/x-www-form-urlencoded"
	do("GET", "/worktime", "", "", http.StatusOK)
	do("POST", "/presence", form, url.Values{"status": {"unavailable"}, "note": {"web-note"}, "place": {"web-place"},
		"until": {f.now.Add(time.Hour).Format(time.RFC3339)}, "auto_away": {"1"}}.Encode(), http.StatusSeeOther)
	do("POST", "/presence", form, "status=available&note=web-note-2&place=web-place-2&auto_away=1", http.StatusSeeOther)
	do("POST", "/presence", form, "status=away&keep=1", http.StatusNoContent)
	do("POST", "/presence", form, "status=available&keep=1", http.StatusNoContent)
	do("PUT", "/api/v1/presence", "application/json", `{"status":"busy","note":"api-note"}`, http.StatusOK)
	return logs.String()
}

func tableNames(t *testing.T, db *store.DB) []string {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Engine == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := db.SQL.Query(q)
	storetest.Must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		storetest.Must(t, rows.Scan(&n))
		out = append(out, n)
	}
	return out
}

func TestBoard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.wt.Start(ctx, f.a.ID, f.who["山田"], 0, worktime.Report{Mode: "satellite", Place: "北サテライト", Plan: "予算資料"})
		storetest.Must(t, err)
		note := "15時まで会議"
		_, err = f.svc.Set(ctx, f.a.ID, f.who["山田"], presence.Update{Status: presence.Busy, Note: &note, Until: f.now.Add(6 * time.Hour)})
		storetest.Must(t, err)
		row := func(rows []presence.BoardRow, name string) presence.BoardRow {
			for _, r := range rows {
				if r.Name == name {
					return r
				}
			}
			t.Fatalf("%s not on the board", name)
			return presence.BoardRow{}
		}
		// A colleague sees place and presence, not the plan (no opt-in).
		rows, err := f.svc.Board(ctx, f.a.ID, f.who["佐藤"], 0)
		storetest.Must(t, err)
		y := row(rows, "山田")
		if len(rows) != 2 || y.Status != presence.Busy || y.Place != "北サテライト" || y.Plan != "" || y.State != worktime.Working {
			t.Fatalf("colleague's board: %+v", rows)
		}
		if s := row(rows, "佐藤"); s.Status != presence.Offline || s.State != worktime.NotStarted {
			t.Fatalf("not started: %+v", s)
		}
		// The supervisor sees the plan; with the section's opt-in the team does.
		rows, err = f.svc.Board(ctx, f.a.ID, f.who["課長"], 0)
		storetest.Must(t, err)
		if len(rows) != 3 || row(rows, "山田").Plan != "予算資料" {
			t.Fatalf("supervisor's board: %+v", rows)
		}
		_, err = f.svc.SetPlanSharing(ctx, f.a.ID, f.who["佐藤"], f.unit["総務係"].ID, true)
		mustCode(t, err, apperr.Forbidden)
		_, err = f.svc.SetPlanSharing(ctx, f.a.ID, f.who["課長"], f.unit["総務係"].ID, true)
		storetest.Must(t, err)
		rows, _ = f.svc.Board(ctx, f.a.ID, f.who["佐藤"], 0)
		if row(rows, "山田").Plan != "予算資料" {
			t.Fatalf("opt-in board: %+v", rows)
		}
		// Past the end time the status falls back to 連絡可能.
		f.now = f.now.Add(7 * time.Hour)
		rows, _ = f.svc.Board(ctx, f.a.ID, f.who["佐藤"], 0)
		if row(rows, "山田").Status != presence.Available {
			t.Fatalf("after until: %+v", rows)
		}
		// Another section's board, another tenant's unit: refused.
		_, err = f.svc.Board(ctx, f.a.ID, f.who["財政"], f.unit["総務係"].ID)
		mustCode(t, err, apperr.Forbidden)
		_, err = f.svc.Board(ctx, f.b.ID, f.who["他市"], f.unit["総務係"].ID)
		mustCode(t, err, apperr.NotFound)
		// Bad input names the field.
		bad := presence.Status("sleeping")
		_, err = f.svc.Set(ctx, f.a.ID, f.who["佐藤"], presence.Update{Status: bad})
		mustCode(t, err, apperr.Invalid)
	})
}

func TestHubAcrossNodes(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dsn := storetest.DSN(t, eng)
			open := func() *store.DB {
				db, err := store.Open(ctx, dsn)
				storetest.Must(t, err)
				t.Cleanup(func() { db.Close() })
				return db
			}
			a := open()
			_, err := a.Migrate(ctx)
			storetest.Must(t, err)
			hubA := store.NewPresenceHub(ctx, a)
			hubB := hubA
			if eng == store.Postgres {
				hubB = store.NewPresenceHub(ctx, open())
			}
			ch, stop := hubB.Subscribe(7)
			defer stop()
			other, stopOther := hubB.Subscribe(8)
			defer stopOther()
			// Subscribe returns once the node listens: the very first
			// change after it must arrive.
			hubA.Publish(ctx, 7, 42)
			select {
			case id := <-ch:
				if id != 42 {
					t.Fatalf("got %d", id)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the first change after Subscribe did not reach the other node's board")
			}
			select {
			case x := <-other:
				t.Fatalf("another tenant's board got %d", x)
			default:
			}
			// Report (never assert) how long a change takes to reach the
			// other node's board: docs/benchmarks.md.
			var worst time.Duration
			for range 20 {
				t0 := time.Now()
				hubA.Publish(ctx, 7, 43)
				select {
				case <-ch:
				case <-time.After(5 * time.Second):
					t.Fatal("lost event")
				}
				worst = max(worst, time.Since(t0))
			}
			t.Logf("%s: a presence change reached the other node's board in at most %v (20 changes)", eng, worst)
		})
	}
}

func mustCode(t *testing.T, err error, c apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != c {
		t.Fatalf("err = %v, want code %v", err, c)
	}
}

func TestParseUntil(t *testing.T) {
	morning := time.Date(2026, 12, 2, 8, 10, 0, 0, calendar.Tokyo)
	afternoon := time.Date(2026, 12, 2, 16, 36, 20, 0, calendar.Tokyo)
	for _, c := range []struct {
		in   string
		now  time.Time // zero: morning
		want time.Time
		bad  bool
	}{
		{in: ""},
		{in: "15:00", want: time.Date(2026, 12, 2, 15, 0, 0, 0, calendar.Tokyo)},
		{in: " 9:30 ", want: time.Date(2026, 12, 2, 9, 30, 0, 0, calendar.Tokyo)},
		// A time alone that has come today is tomorrow's: always ahead,
		// within 24 hours.
		{in: "09:00", now: afternoon, want: time.Date(2026, 12, 3, 9, 0, 0, 0, calendar.Tokyo)},
		{in: "00:00", now: afternoon, want: time.Date(2026, 12, 3, 0, 0, 0, 0, calendar.Tokyo)},
		{in: "16:36", now: afternoon, want: time.Date(2026, 12, 3, 16, 36, 0, 0, calendar.Tokyo)},
		{in: "16:37", now: afternoon, want: time.Date(2026, 12, 2, 16, 37, 0, 0, calendar.Tokyo)},
		{in: "08:10", want: time.Date(2026, 12, 3, 8, 10, 0, 0, calendar.Tokyo)},
		{in: "23:59", now: time.Date(2026, 12, 31, 23, 59, 30, 0, calendar.Tokyo), want: time.Date(2027, 1, 1, 23, 59, 0, 0, calendar.Tokyo)},
		// A date and time is as given (Set bounds it).
		{in: "2026-12-02T06:00:00+09:00", want: time.Date(2026, 12, 2, 6, 0, 0, 0, calendar.Tokyo)},
		{in: "2026-12-02T15:00:00+09:00", want: time.Date(2026, 12, 2, 15, 0, 0, 0, calendar.Tokyo)},
		{in: "2026-12-02T06:00:00Z", want: time.Date(2026, 12, 2, 15, 0, 0, 0, calendar.Tokyo)},
		{in: "3pm", bad: true},
		{in: "25:00", bad: true},
		{in: "2026-12-02 15:00", bad: true},
	} {
		now := c.now
		if now.IsZero() {
			now = morning
		}
		got, err := presence.ParseUntil(c.in, now)
		if c.bad {
			if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(fmt.Sprint(apperr.As(err)), "[until:") {
				t.Errorf("%q: %v, want a validation error on until", c.in, err)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%q: %v %v, want %v", c.in, got, err, c.want)
		}
	}
}

// TestSetUntil: at 16:36 a time alone is taken, tomorrow's once today's
// has come; only a date and time can be refused, and the message says
// which way: already past, or more than 24 hours ahead.
func TestSetUntil(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.now = time.Date(2026, time.June, 1, 16, 36, 0, 0, calendar.Tokyo)
		me := f.who["山田"]
		for _, c := range []struct {
			until string
			want  time.Time // the end time set
			err   string    // the Japanese message on until
		}{
			{until: "09:00", want: time.Date(2026, time.June, 2, 9, 0, 0, 0, calendar.Tokyo)},
			{until: "16:36", want: time.Date(2026, time.June, 2, 16, 36, 0, 0, calendar.Tokyo)},
			{until: "17:00", want: time.Date(2026, time.June, 1, 17, 0, 0, 0, calendar.Tokyo)},
			{until: "2026-06-02T16:36:00+09:00", want: time.Date(2026, time.June, 2, 16, 36, 0, 0, calendar.Tokyo)},
			{until: "2026-06-01T09:00:00+09:00", err: "「終了予定時刻」の日時はすでに過ぎています。"},
			{until: "2026-06-02T16:37:00+09:00", err: "「終了予定時刻」が今から24時間より後になっています。今から24時間以内の日時を指定してください。"},
			{until: "3pm", err: "「終了予定時刻」は 15:00 のような時刻(今日のその時刻を過ぎていれば明日)か"},
		} {
			p, err := f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: presence.Busy, UntilText: c.until})
			if c.err != "" {
				if msg := i18n.FieldMessages("ja", err)["until"]; !strings.HasPrefix(msg, c.err) {
					t.Errorf("%s: %q (%v), want %q", c.until, msg, err, c.err)
				}
				continue
			}
			if err != nil || !p.Until.Equal(c.want) {
				t.Errorf("%s: %v %v, want %v", c.until, p, err, c.want)
			}
		}
	})
}

// TestOneEffectiveStatus: the person's own page (Mine) shows what the
// board shows — the stored オフライン of yesterday's clock-out reads
// 連絡可能 once they start today, and a change of the note alone keeps
// it; a status past its end time reads as over everywhere (連絡可能 while
// working, オフライン otherwise, the note gone) and its note does not come
// back with the next change.
func TestOneEffectiveStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		me, other := f.who["山田"], f.who["佐藤"]
		row := func(name string) presence.BoardRow {
			t.Helper()
			rows, err := f.svc.Board(ctx, f.a.ID, f.who["課長"], 0)
			storetest.Must(t, err)
			for _, r := range rows {
				if r.Name == name {
					return r
				}
			}
			t.Fatalf("%s not on the board", name)
			return presence.BoardRow{}
		}
		same := func(name string, who *auth.Principal) presence.Own {
			t.Helper()
			own, err := f.svc.Mine(ctx, f.a.ID, who)
			storetest.Must(t, err)
			r := row(name)
			if own.Status != r.Status || own.Note != r.Note || !own.Until.Equal(r.Until) {
				t.Fatalf("%s: the page shows %s %q %v, the board %s %q %v", name, own.Status, own.Note, own.Until, r.Status, r.Note, r.Until)
			}
			return own
		}
		// Yesterday: a day ended, the presence オフライン.
		f.now = f.now.AddDate(0, 0, -1)
		_, err := f.wt.Start(ctx, f.a.ID, me, 0, worktime.Report{Mode: "home"})
		storetest.Must(t, err)
		f.now = f.now.Add(8 * time.Hour)
		_, err = f.wt.End(ctx, f.a.ID, me, 0, worktime.Report{})
		storetest.Must(t, err)
		f.now = f.now.Add(16 * time.Hour)
		if own := same("山田", me); own.Status != presence.Offline {
			t.Fatalf("before today's start: %+v", own)
		}
		// Today's start: 連絡可能 on the board and on the page.
		_, err = f.wt.Start(ctx, f.a.ID, me, 0, worktime.Report{Mode: "home"})
		storetest.Must(t, err)
		f.now = f.now.Add(time.Minute)
		own := same("山田", me)
		if own.Status != presence.Available {
			t.Fatalf("after the start the page shows %s", own.Status)
		}
		// The form sends the status it shows with a new note: still 連絡可能.
		note := "午後は窓口"
		_, err = f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: own.Status, Note: &note, Place: &own.Place})
		storetest.Must(t, err)
		if own := same("山田", me); own.Status != presence.Available || own.Note != note {
			t.Fatalf("after a note: %+v", own)
		}
		// 取り込み中 until an hour from now, then past it.
		busy := "会議"
		_, err = f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: presence.Busy, Note: &busy, Until: f.now.Add(time.Hour)})
		storetest.Must(t, err)
		_, err = f.svc.Set(ctx, f.a.ID, other, presence.Update{Status: presence.Busy, Note: &busy, Until: f.now.Add(time.Hour)})
		storetest.Must(t, err)
		if own := same("山田", me); own.Status != presence.Busy || own.Note != busy || own.Then != presence.Available {
			t.Fatalf("busy: %+v", own)
		}
		if own := same("佐藤", other); own.Status != presence.Busy || own.Then != presence.Offline {
			t.Fatalf("busy without a start: %+v", own)
		}
		f.now = f.now.Add(time.Hour)
		if own := same("山田", me); own.Status != presence.Available || own.Note != "" || !own.Until.IsZero() {
			t.Fatalf("past the end time, working: %+v", own)
		}
		if own := same("佐藤", other); own.Status != presence.Offline || own.Note != "" || !own.Until.IsZero() {
			t.Fatalf("past the end time, not working: %+v", own)
		}
		// The inactivity timer sends the status alone: the ended note stays gone.
		_, err = f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: presence.Away})
		storetest.Must(t, err)
		if own := same("山田", me); own.Status != presence.Away || own.Note != "" {
			t.Fatalf("away after an ended status: %+v", own)
		}
		// 連絡可能 has no end time: a past one left in the form is ignored.
		back := "戻りました"
		p, err := f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: presence.Available, Note: &back, Until: f.now.Add(-time.Hour)})
		storetest.Must(t, err)
		if !p.Until.IsZero() {
			t.Fatalf("available with an end time: %+v", p)
		}
		if own := same("山田", me); own.Status != presence.Available || own.Note != back {
			t.Fatalf("back: %+v", own)
		}
		// A past end time for a status that ends is still refused.
		_, err = f.svc.Set(ctx, f.a.ID, me, presence.Update{Status: presence.Busy, Until: f.now.Add(-time.Minute)})
		mustCode(t, err, apperr.Invalid)
		// The end of the day: オフライン, whatever was set before it.
		f.now = f.now.Add(time.Hour)
		_, err = f.wt.End(ctx, f.a.ID, me, 0, worktime.Report{})
		storetest.Must(t, err)
		if own := same("山田", me); own.Status != presence.Offline || own.Note != "" {
			t.Fatalf("after the end: %+v", own)
		}
		// Work again after the end report (the day resumed): 連絡可能.
		f.now = f.now.Add(time.Hour)
		_, err = f.wt.Start(ctx, f.a.ID, me, 0, worktime.Report{})
		storetest.Must(t, err)
		f.now = f.now.Add(time.Minute)
		if own := same("山田", me); own.Status != presence.Available {
			t.Fatalf("after resuming the day: %+v", own)
		}
	})
}

func TestEffective(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 6, 1, h, m, 0, 0, calendar.Tokyo) }
	working := &worktime.Day{Start: at(8, 30)}
	ended := &worktime.Day{Start: at(8, 30), End: at(17, 15)}
	for _, c := range []struct {
		name string
		p    presence.Presence
		day  *worktime.Day
		now  time.Time
		want presence.Status
		note string
	}{
		{name: "never set, not started", now: at(9, 0), want: presence.Offline},
		{name: "never set, working", day: working, now: at(9, 0), want: presence.Available},
		{name: "yesterday's offline, working", p: presence.Presence{Status: presence.Offline, UpdatedAt: at(8, 0).AddDate(0, 0, -1)},
			day: working, now: at(9, 0), want: presence.Available},
		{name: "offline set while working", p: presence.Presence{Status: presence.Offline, Note: "x", UpdatedAt: at(9, 0)},
			day: working, now: at(9, 5), want: presence.Offline},
		{name: "busy before its end", p: presence.Presence{Status: presence.Busy, Note: "会議", Until: at(15, 0), UpdatedAt: at(9, 0)},
			day: working, now: at(14, 59), want: presence.Busy, note: "会議"},
		{name: "busy at its end, working", p: presence.Presence{Status: presence.Busy, Note: "会議", Until: at(15, 0), UpdatedAt: at(9, 0)},
			day: working, now: at(15, 0), want: presence.Available},
		{name: "busy past its end, not started", p: presence.Presence{Status: presence.Busy, Note: "会議", Until: at(15, 0), UpdatedAt: at(9, 0)},
			now: at(15, 1), want: presence.Offline},
		{name: "busy before the start", p: presence.Presence{Status: presence.Busy, Note: "会議", UpdatedAt: at(8, 0)},
			day: working, now: at(9, 0), want: presence.Available},
		{name: "busy before the end", p: presence.Presence{Status: presence.Busy, Note: "会議", UpdatedAt: at(16, 0)},
			day: ended, now: at(18, 0), want: presence.Offline},
		{name: "set after the end", p: presence.Presence{Status: presence.Available, Note: "携帯へ", UpdatedAt: at(18, 0)},
			day: ended, now: at(18, 5), want: presence.Available, note: "携帯へ"},
	} {
		got := presence.Effective(c.p, c.day, c.now)
		if got.Status != c.want || got.Note != c.note || (c.want != c.p.Status && !got.Until.IsZero()) {
			t.Errorf("%s: %s %q %v, want %s %q", c.name, got.Status, got.Note, got.Until, c.want, c.note)
		}
	}
}
