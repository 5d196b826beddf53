package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestCalendarFeedFollowsItsOwner: a feed serves only what its owner may
// see now. Moved by HR, the owner's section feed shows the new section and
// no longer the old one; with the account disabled, or after retirement,
// both the section feed and the personal one answer like a revoked token
// (404), whatever is applied for afterwards.
func TestCalendarFeedFollowsItsOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, day := applyWorld(t, db)
		ctx := context.Background()
		// A 係長 who heads the team: a section feed is a 所属長's.
		owner := &org.Staff{StaffNo: "1020", Name: "異動 予定", Kana: "いどう よてい", UnitID: w.units["a-team"].ID,
			Rank: org.RankChief, IsSupervisor: true, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, w.a.ID, sys, owner, calendar.Date{}))
		ownerC := w.sessionFor(t, owner.ID, "owner")
		approved := func(staffID int64) {
			t.Helper()
			storetest.Must(t, db.InApplyTx(ctx, func(tx apply.Tx) error {
				now := time.Now()
				a := &apply.Application{StaffID: staffID, Decision: apply.Approved, Status: apply.Approved, Mode: policy.Home,
					Place: policy.PlaceHome, TimeUnit: policy.FullDay, CreatedAt: now, UpdatedAt: now,
					Days: []apply.Day{{Date: day, Status: apply.Approved, UpdatedAt: now}}}
				return tx.InsertApplication(ctx, w.a.ID, a)
			}))
		}
		approved(owner.ID)
		approved(w.staff["a-hr"].ID)    // 鈴木 一郎, 人事係 like the owner
		approved(w.staff["a-other"].ID) // 渡邉 三郎, 市民部
		feed := func(section bool) string {
			t.Helper()
			body := `{"section":false}`
			if section {
				body = `{"section":true}`
			}
			res := w.call("POST", "/api/v1/calendar-feeds", body, "", "Cookie", ownerC.Name+"="+ownerC.Value)
			var f struct {
				Path string `json:"path"`
			}
			if res.code != http.StatusCreated || json.Unmarshal([]byte(res.body), &f) != nil {
				t.Fatalf("create feed: %d %s", res.code, res.body)
			}
			return f.Path
		}
		sectionFeed, ownFeed := feed(true), feed(false)
		// read returns the status and the summaries of the feed's events.
		read := func(path string) (int, string) {
			t.Helper()
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if rec.Code != http.StatusOK {
				return rec.Code, ""
			}
			cal, err := ical.NewDecoder(bytes.NewReader(rec.Body.Bytes())).Decode()
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, rec.Body.String())
			}
			var out []string
			for _, ev := range cal.Events() {
				s, _ := ev.Props.Text(ical.PropSummary)
				out = append(out, s)
			}
			return rec.Code, strings.Join(out, "|")
		}
		expect := func(when, path string, has, hasNot []string) {
			t.Helper()
			code, got := read(path)
			if code != http.StatusOK {
				t.Fatalf("%s: feed %d", when, code)
			}
			for _, n := range has {
				if !strings.Contains(got, n) {
					t.Errorf("%s: %q missing from %q", when, n, got)
				}
			}
			for _, n := range hasNot {
				if strings.Contains(got, n) {
					t.Errorf("%s: %q shown in %q", when, n, got)
				}
			}
		}
		expect("before the move", sectionFeed, []string{"異動 予定", "鈴木 一郎"}, []string{"渡邉 三郎"})
		expect("before the move, own", ownFeed, []string{"異動 予定"}, []string{"鈴木 一郎", "渡邉 三郎"})

		// HR moves the owner to 市民部: the section feed follows them.
		owner.UnitID = w.units["a-other"].ID
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, w.a.ID, sys, owner, owner.Version, calendar.Date{}))
		expect("after the move", sectionFeed, []string{"異動 予定", "渡邉 三郎"}, []string{"鈴木 一郎"})
		expect("after the move, own", ownFeed, []string{"異動 予定"}, []string{"鈴木 一郎", "渡邉 三郎"})

		// The account disabled: nothing is served; enabled again: served.
		yes, no := true, false
		_, err := storetest.F(db).UpdateUser(ctx, w.a.ID, sys, w.users["owner"].ID, auth.UserUpdate{Disabled: &yes})
		storetest.Must(t, err)
		for _, path := range []string{sectionFeed, ownFeed} {
			if code, got := read(path); code != http.StatusNotFound {
				t.Errorf("account disabled: %d %q", code, got)
			}
		}
		_, err = storetest.F(db).UpdateUser(ctx, w.a.ID, sys, w.users["owner"].ID, auth.UserUpdate{Disabled: &no})
		storetest.Must(t, err)
		expect("account enabled again", sectionFeed, []string{"渡邉 三郎"}, []string{"鈴木 一郎"})

		// No longer a 所属長: the section feed answers as revoked (a section
		// feed is the head's alone), the person's own still serves; head
		// again, the section feed serves again.
		owner.IsSupervisor = false
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, w.a.ID, sys, owner, owner.Version, calendar.Date{}))
		if code, got := read(sectionFeed); code != http.StatusNotFound {
			t.Errorf("no longer head: section feed %d %q", code, got)
		}
		expect("no longer head, own", ownFeed, []string{"異動 予定"}, nil)
		owner.IsSupervisor = true
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, w.a.ID, sys, owner, owner.Version, calendar.Date{}))
		expect("head again", sectionFeed, []string{"渡邉 三郎"}, []string{"鈴木 一郎"})

		// Retired: both answer as revoked, also after new applications.
		storetest.Must(t, storetest.F(db).SetStaffRetired(ctx, w.a.ID, sys, owner.ID, owner.Version, true))
		approved(w.staff["a-it"].ID) // 髙橋 次郎, 市民部
		for _, path := range []string{sectionFeed, ownFeed} {
			if code, got := read(path); code != http.StatusNotFound {
				t.Errorf("owner retired: %d %q", code, got)
			}
		}
	})
}
