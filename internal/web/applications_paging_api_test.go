package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// insertApps writes n applications of staffID, one business day each from
// first on, in the given status (and decision), waiting for approverID
// when submitted; it returns their ids in the order written.
func insertApps(t *testing.T, db *store.DB, w *world, staffID int64, first calendar.Date, n int, status, decision apply.Status, approverID int64) []int64 {
	t.Helper()
	ctx := context.Background()
	cal, err := db.LoadCalendar(ctx, w.a.ID, first.Year, first.Year+3)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	now := time.Now()
	day := first
	storetest.Must(t, db.InApplyTx(ctx, func(tx apply.Tx) error {
		for range n {
			a := &apply.Application{StaffID: staffID, Decision: decision, Status: status, Mode: policy.Home, Place: policy.PlaceHome,
				TimeUnit: policy.FullDay, Plan: "資料作成", CreatedAt: now, UpdatedAt: now, SubmittedAt: now,
				Days: []apply.Day{{Date: day, Status: status, UpdatedAt: now}}}
			if decision == apply.Submitted {
				a.ApproverID, a.FirstApproverID, a.Step, a.Steps = approverID, approverID, 1, 1
			}
			if err := tx.InsertApplication(ctx, w.a.ID, a); err != nil {
				return err
			}
			ids = append(ids, a.ID)
			day = cal.AddBusinessDays(day, 1)
		}
		return nil
	}))
	return ids
}

type listPage struct {
	Items []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
	Total      int    `json:"total"`
}

// pageOf reads one page of a list as the session c.
func pageOf(t *testing.T, w *world, c *http.Cookie, path string, limit int, cursor string) listPage {
	t.Helper()
	q := url.Values{"limit": {fmt.Sprint(limit)}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	sep := "?"
	if u, _ := url.Parse(path); u.RawQuery != "" {
		sep = "&"
	}
	res := w.call("GET", path+sep+q.Encode(), "", "", "Cookie", c.Name+"="+c.Value)
	if res.code != http.StatusOK {
		t.Fatalf("%s: %d %s", path, res.code, res.body)
	}
	var p listPage
	decode(t, res, &p)
	return p
}

func (p listPage) ids() []int64 {
	var out []int64
	for _, it := range p.Items {
		out = append(out, it.ID)
	}
	return out
}

// TestApprovalPagingWhileApproving: the supervisor approves the first page
// of the inbox and reads the next: every application still waiting comes,
// none is skipped (a position cursor skipped as many as were approved).
func TestApprovalPagingWhileApproving(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		sup := w.session(t, "supervisor")
		ids := insertApps(t, db, w, w.staff["a-staff"].ID, day, 5, apply.Submitted, apply.Submitted, w.staff["a-super"].ID)
		p1 := pageOf(t, w, sup, "/api/v1/approvals", 2, "")
		if !slices.Equal(p1.ids(), ids[:2]) || p1.NextCursor == "" || p1.Total != 5 {
			t.Fatalf("page 1: %+v (want %v)", p1, ids[:2])
		}
		for _, id := range p1.ids() {
			res := w.call("POST", fmt.Sprintf("/api/v1/applications/%d/approve", id), "", "", "Cookie", sup.Name+"="+sup.Value)
			if res.code != http.StatusOK {
				t.Fatalf("approve %d: %d %s", id, res.code, res.body)
			}
		}
		var rest []int64
		for cur := p1.NextCursor; cur != ""; {
			p := pageOf(t, w, sup, "/api/v1/approvals", 2, cur)
			rest, cur = append(rest, p.ids()...), p.NextCursor
			if p.Total != 3 {
				t.Errorf("total while approving: %d, want the 3 still waiting", p.Total)
			}
		}
		if !slices.Equal(rest, ids[2:]) {
			t.Fatalf("pages after approving page 1: %v, want %v", rest, ids[2:])
		}
	})
}

// TestApplicationPagingReachesEveryOne: the list of one's applications
// pages past any cap to the oldest, total is the true count, and an
// application made between two pages repeats nothing on the next.
func TestApplicationPagingReachesEveryOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		n := apply.MaxPage + 20
		ids := insertApps(t, db, w, w.staff["a-staff"].ID, day, n, apply.Approved, apply.Approved, 0)
		p1 := pageOf(t, w, staff, "/api/v1/applications", 200, "")
		if p1.Total != n || len(p1.Items) != 200 || p1.NextCursor == "" {
			t.Fatalf("page 1: total %d, %d items, cursor %q", p1.Total, len(p1.Items), p1.NextCursor)
		}
		// A new application, newest day of all: it is the list's first,
		// and moves nothing of page 1 onto page 2.
		late := insertApps(t, db, w, w.staff["a-staff"].ID, day.AddDays(3*365), 1, apply.Submitted, apply.Submitted, w.staff["a-super"].ID)
		seen := map[int64]bool{}
		for _, id := range p1.ids() {
			seen[id] = true
		}
		for cur := p1.NextCursor; cur != ""; {
			p := pageOf(t, w, staff, "/api/v1/applications", 200, cur)
			for _, id := range p.ids() {
				if seen[id] {
					t.Fatalf("application %d repeated", id)
				}
				seen[id] = true
			}
			if p.Total != n+1 {
				t.Errorf("total %d, want %d", p.Total, n+1)
			}
			cur = p.NextCursor
		}
		if len(seen) != n || seen[late[0]] {
			t.Fatalf("paged %d applications, want the %d there were", len(seen), n)
		}
		if !seen[ids[0]] {
			t.Fatalf("the oldest application %d is not reached", ids[0])
		}
		if res := w.call("GET", "/api/v1/applications?cursor=bm9wZQ", "", "", "Cookie", staff.Name+"="+staff.Value); res.code != http.StatusUnprocessableEntity {
			t.Errorf("a malformed cursor: %d %s", res.code, res.body)
		}
	})
}

// TestApplicationStatusFilter: ?status= matches the status field the API
// returns, for every value of its enum (the decision alone told approved
// from started, finished, reported and confirmed wrongly).
func TestApplicationStatusFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		staff := w.session(t, "staff")
		decisionOf := map[apply.Status]apply.Status{apply.Started: apply.Approved, apply.Finished: apply.Approved,
			apply.Reported: apply.Approved, apply.Confirmed: apply.Approved, apply.Cancelled: apply.Approved}
		want := map[apply.Status]int64{}
		for i, st := range apply.Statuses {
			dec := st
			if d, ok := decisionOf[st]; ok {
				dec = d
			}
			want[st] = insertApps(t, db, w, w.staff["a-staff"].ID, day.AddDays(7*i), 1, st, dec, w.staff["a-super"].ID)[0]
		}
		for _, st := range apply.Statuses {
			t.Run(string(st), func(t *testing.T) {
				p := pageOf(t, w, staff, "/api/v1/applications?status="+string(st), 50, "")
				if !slices.Equal(p.ids(), []int64{want[st]}) || p.Total != 1 || p.Items[0].Status != string(st) {
					t.Fatalf("status=%s: %+v, want application %d", st, p, want[st])
				}
			})
		}
		p := pageOf(t, w, staff, "/api/v1/applications?status=started,confirmed", 50, "")
		if !slices.Equal(p.ids(), []int64{want[apply.Confirmed], want[apply.Started]}) {
			t.Fatalf("status=started,confirmed: %v", p.ids())
		}
	})
}

// TestMyApplicationsPageReachesTheOldest: 「わたしの申請」 shows the newest
// apply.MaxPage applications (all past ones after 「すべて表示」) and links
// to the older ones, page after page, until the oldest; the link keeps
// whose list it is for a supervisor.
func TestMyApplicationsPageReachesTheOldest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		staff := w.session(t, "staff")
		first := calendar.Date{Year: 2023, Month: 4, Day: 3}
		ids := insertApps(t, db, w, w.staff["a-staff"].ID, first, apply.MaxPage+3, apply.Approved, apply.Approved, 0)
		oldest := fmt.Sprintf(`href="/applications/%d"`, ids[0])
		page := w.do("GET", "/applications?all=1", nil, staff)
		if page.code != 200 || strings.Contains(page.body, oldest) || !strings.Contains(page.body, "さらに古い申請を表示") {
			t.Fatalf("first page: %d, oldest shown %v", page.code, strings.Contains(page.body, oldest))
		}
		i := strings.Index(page.body, "さらに古い申請を表示")
		j := strings.LastIndex(page.body[:i], `href="`)
		link := html.UnescapeString(page.body[j+6 : j+6+strings.Index(page.body[j+6:], `"`)])
		older := w.do("GET", link, nil, staff)
		if older.code != 200 || !strings.Contains(older.body, oldest) || strings.Contains(older.body, "さらに古い申請を表示") {
			t.Fatalf("older page %s: %d, oldest shown %v", link, older.code, strings.Contains(older.body, oldest))
		}
		if strings.Contains(older.body, fmt.Sprintf(`href="/applications/%d"`, ids[len(ids)-1])) {
			t.Error("the older page repeats the newest")
		}
		// A malformed place reads as the first page.
		if res := w.do("GET", "/applications?all=1&after=nope", nil, staff); res.code != 200 || strings.Contains(res.body, oldest) {
			t.Errorf("malformed after: %d", res.code)
		}
	})
}
