package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestHomeDay: the home page starts with the day — apply (and the week
// view once there is a last application), report the start, the coming
// applications and the late reports for the person; and for whoever
// decides, how many applications wait, with links to the lists. An account
// without a staff record gets none of it. (The late reports share
// reportOverdue with わたしの申請, tested there.)
func TestHomeDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, svc, tn, cookie := demoWorld(t, db)
		staff := cookie("staff")
		before := w.call("GET", "/", "", "", "Cookie", staff)
		if !strings.Contains(before.body, "これからの申請はありません") || strings.Contains(before.body, `href="/apply/week"`) {
			t.Error("a 職員 without applications is not told there are none, or is offered the week view without a last application")
		}
		today := svc.Apply.Today()
		cal, err := db.LoadCalendar(ctx, tn.ID, today.Year, today.Year+1)
		if err != nil {
			t.Fatal(err)
		}
		r := w.call("POST", "/api/v1/applications", fmt.Sprintf(`{"dates":["%s"],"mode":"home","plan":"資料作成"}`, cal.AddBusinessDays(today, 3)), "", "Cookie", staff)
		var a appJSON
		decode(t, r, &a)
		if r.code != 201 {
			t.Fatalf("apply: %d %s", r.code, r.body)
		}
		home := w.call("GET", "/", "", "", "Cookie", staff)
		if home.code != 200 {
			t.Fatalf("home: %d", home.code)
		}
		for _, want := range []string{`href="/apply"`, `href="/apply/week"`, `href="/worktime"`, "これからの申請", "今日の始業はまだ報告していません",
			fmt.Sprintf(`href="/applications/%d"`, a.ID), "申請中", "テレワークを申請し"} {
			if !strings.Contains(home.body, want) {
				t.Errorf("staff home lacks %q", want)
			}
		}
		if strings.Contains(home.body, "あなたの判断を待っているもの") {
			t.Error("a 職員 with nothing to decide is shown the approver's card")
		}

		// The light demo has no history: the one application waits, no
		// report does.
		waiting, confirm := 1, 0
		sup := w.call("GET", "/", "", "", "Cookie", cookie("supervisor"))
		for _, want := range []string{"あなたの判断を待っているもの", fmt.Sprintf("承認を待っている申請: %d 件", waiting),
			fmt.Sprintf("実施報告の確認を待っている申請: %d 件", confirm), `href="/approvals/reports"`} {
			if !strings.Contains(sup.body, want) {
				t.Errorf("supervisor's home lacks %q", want)
			}
		}

		// A withdrawn application is no longer coming up.
		if r := w.call("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", a.ID), "", "", "Cookie", staff); r.code != 200 {
			t.Fatalf("withdraw: %d %s", r.code, r.body)
		}
		if after := w.call("GET", "/", "", "", "Cookie", staff); strings.Contains(after.body, fmt.Sprintf(`href="/applications/%d"`, a.ID)) {
			t.Error("the home page lists a withdrawn application under これからの申請")
		}

		aud := w.call("GET", "/", "", "", "Cookie", cookie("auditor"))
		if aud.code != 200 || strings.Contains(aud.body, `href="/apply"`) || strings.Contains(aud.body, "あなたの判断を待っているもの") {
			t.Errorf("auditor's home: %d", aud.code)
		}
	})
}
