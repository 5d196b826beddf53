package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"testing"

	"telework/internal/audit"
	"telework/internal/demo"
	"telework/internal/oneonone"
	"telework/internal/store"
	"telework/internal/survey"
)

// e2eDB is the SQLite file of the server under test (startServer).
var e2eDB string

// demoDB opens the server's database file, for the seeds that write
// through the services beside the running server, and finds the demo
// city; the caller closes it.
func demoDB(t *testing.T) (*store.DB, int64) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, e2eDB)
	if err != nil {
		t.Fatal(err)
	}
	var tenantID int64
	if err := db.SQL.QueryRowContext(ctx, `SELECT id FROM tenants WHERE slug = ?`, demo.Slug).Scan(&tenantID); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db, tenantID
}

// e2eKeys is the server's key for 1on1 logs in the test.
func e2eKeys(t *testing.T) *oneonone.Keys {
	k, err := oneonone.ParseKeys(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// seedSurveys gives the demo city a closed pre/post pair of surveys with
// 60 answers each and a survey open to everyone, through the survey
// service on the server's database file.
func seedSurveys(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	db, tenantID := demoDB(t)
	defer db.Close()
	rows, err := db.SQL.QueryContext(ctx, `SELECT id FROM staff WHERE tenant_id = ? AND retired = 0 ORDER BY id LIMIT 60`, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	var staff []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		staff = append(staff, id)
	}
	rows.Close()
	svc := survey.NewService(db, db.Now)
	hr := audit.Actor{Label: "e2e"}
	today := svc.Today()
	mk := func(d survey.Draft, answer func(i int) survey.Answer, close bool) int64 {
		d.OpensOn, d.ClosesOn = today, today
		id, err := svc.Create(ctx, tenantID, hr, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Open(ctx, tenantID, hr, id, 1); err != nil {
			t.Fatal(err)
		}
		if answer == nil {
			return id
		}
		for i, s := range staff {
			if err := svc.SaveAnswer(ctx, tenantID, s, id, answer(i), true); err != nil {
				t.Fatal(err)
			}
		}
		if close {
			if err := svc.Close(ctx, tenantID, hr, id, 2); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	attrs := func(i int) survey.Answer {
		return survey.Answer{"a_gender": {fmt.Sprint(1 + i%2)}, "a_age": {fmt.Sprint(1 + i%4)}, "a_rank": {fmt.Sprint(1 + i%3)},
			"a_care": {fmt.Sprint(1 + i%4)}, "a_commute": {fmt.Sprint(1 + i%3)}, "a_job": {fmt.Sprint(1 + i%5)}}
	}
	pre := mk(survey.Draft{Kind: survey.KindPre, Title: "テレワーク試行 事前アンケート"}, func(i int) survey.Answer {
		a := attrs(i)
		for j := 1; j <= 15; j++ {
			a[fmt.Sprintf("r%02d", j)] = []string{fmt.Sprint(1 + (i+j)%5)}
		}
		a["m01"] = []string{"1", fmt.Sprint(1 + i%9)}
		return a
	}, true)
	mk(survey.Draft{Kind: survey.KindPost, PreID: pre, Title: "テレワーク試行 事後アンケート", ShowFreeText: true}, func(i int) survey.Answer {
		a := attrs(i)
		for j := 1; j <= 15; j++ {
			a[fmt.Sprintf("r%02d", j)] = []string{fmt.Sprint(1 + (i*j)%5)}
		}
		a["w01"], a["p01"], a["k01"], a["f01"] = []string{"1", "4"}, []string{fmt.Sprint(1 + i%2)}, []string{"4"}, []string{"集中できました"}
		return a
	}, true)
	mk(survey.Draft{Kind: survey.KindPost, Title: "第2回 試行後アンケート(回答受付中)"}, nil, false)

	// A 1on1 pair of the demo supervisor and staff member, with a meeting.
	staffOf := func(login string) int64 {
		var id int64
		if err := db.SQL.QueryRowContext(ctx, `SELECT staff_id FROM users WHERE tenant_id = ? AND login_id = ?`, tenantID, login).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	oo := oneonone.NewService(db, db.Now)
	oo.SetKeys(e2eKeys(t))
	// The demo pairs them already (internal/demo/survey.go); the pair is
	// made here only if it did not.
	pairs, err := oo.MyPairs(ctx, tenantID, staffOf("staff"))
	if err != nil {
		t.Fatal(err)
	}
	var pid int64
	if len(pairs) > 0 {
		pid = pairs[0].ID
	} else if pid, err = oo.CreatePair(ctx, tenantID, hr, 0, true, oneonone.Pair{LeadID: staffOf("supervisor"), MemberID: staffOf("staff"),
		CadenceDays: 14, Mode: oneonone.Online}); err != nil {
		t.Fatal(err)
	}
	if _, err := oo.SaveMeeting(ctx, tenantID, hr, staffOf("staff"), oneonone.Meeting{PairID: pid, HeldOn: today, Mode: oneonone.Face,
		Log: oneonone.Log{IceBreak: "週末の話", Theme: "在宅の日の進め方", Actions: []string{"朝に予定を共有する"}}}); err != nil {
		t.Fatal(err)
	}
}

// surveyStaffPages are the survey and 1on1 pages of a staff member: the
// list and the answer form (on a 360 px phone).
func surveyStaffPages(t *testing.T, tb *tab) {
	tb.check(t, "/surveys", "")
	form := tb.attr(t, `main a[href$="/answer"]`, "href")
	if form == "" {
		t.Fatal("/surveys: no survey to answer; seedSurveys opened one for everyone")
	}
	tb.check(t, form, "")
	tb.check(t, "/oneonone", "")
	pair := tb.attr(t, `main table a[href^="/oneonone/"]`, "href")
	if pair == "" {
		t.Fatal("/oneonone: no pair; seedSurveys made one with the supervisor")
	}
	tb.check(t, pair, "")
}

// surveyHRPages are HR's survey pages: list, design, results (by one and
// two attributes, the pre/post comparison) and the 1on1 counts.
func surveyHRPages(t *testing.T, tb *tab) {
	tb.check(t, "/surveys/new", "")
	tb.check(t, "/surveys", "")
	results := tb.attr(t, `main a[href$="/results"]`, "href")
	if results == "" {
		t.Fatal("/surveys: no closed survey; seedSurveys closed two")
	}
	tb.check(t, results, "")
	tb.check(t, results+"?by=gender", "")
	tb.check(t, results+"?by=gender&by2=age", "")
	tb.check(t, results+"?by=rank&compare=1", "")
	tb.check(t, results[:len(results)-len("/results")], "")
	tb.check(t, "/oneonone", "")
}
