package handbook_test

import (
	"context"
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/attach"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/handbook"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestRenderSanitises(t *testing.T) {
	tests := []struct {
		md          string
		want, never []string
	}{
		{"# 在宅勤務の手引き\n\n**必ず**申請してください。", []string{"<h3", "在宅勤務の手引き</h3>", "<strong>必ず</strong>"}, []string{"<h1"}},
		// The highest heading is h3 whatever it is written as, and none
		// skips a level (axe heading-order).
		{"##### 5\n###### 6", []string{"<h3>5</h3>", "<h4>6</h4>"}, nil},
		{"## 申請\n#### 期限\n# 報告", []string{"<h3>申請</h3>", "<h4>期限</h4>", "<h3>報告</h3>"}, nil},
		{"<script>alert(1)</script>本文", nil, []string{"<script", "alert(1)</script"}},
		{"[申請](javascript:alert(1))", nil, []string{"javascript:"}},
		{`<a href="/x" onclick="steal()">x</a>`, nil, []string{"onclick"}},
		{`<img src=x onerror=alert(1)>`, nil, []string{"onerror"}},
		{"[持ち出し](https://example.lg.jp/rule)", []string{`href="https://example.lg.jp/rule"`, `rel="nofollow`}, nil},
		{"| 項目 | 内容 |\n|---|---|\n| 時間 | 8:30 |", []string{"<table>", "<td>8:30</td>"}, nil},
		{`<iframe src="https://evil"></iframe><style>body{}</style>`, nil, []string{"<iframe", "<style"}},
	}
	for _, tt := range tests {
		got := string(handbook.Render(tt.md))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Render(%q) = %q, lacks %q", tt.md, got, w)
			}
		}
		for _, n := range tt.never {
			if strings.Contains(got, n) {
				t.Errorf("Render(%q) = %q, keeps %q", tt.md, got, n)
			}
		}
	}
}

func TestHandbookOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b, _, _ := storetest.TrialTenants(t, db)
		svc := handbook.NewService(db, db.Now)
		hr := audit.Actor{ID: 1, Label: "hr"}

		draft, err := svc.SavePage(ctx, a.ID, hr, handbook.Page{Title: "初めてのサインイン", Body: "パスワードを設定します。", Slot: "first_signin"})
		if err != nil {
			t.Fatal(err)
		}
		// A draft is not linked and not readable by staff.
		if _, ok, err := svc.BySlot(ctx, a.ID, "first_signin"); ok || err != nil {
			t.Fatalf("a draft was linked: %v", err)
		}
		if _, err := svc.Page(ctx, a.ID, draft.ID, false); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("staff read a draft: %v", err)
		}
		f, err := svc.Attach(ctx, a.ID, hr, attach.Owner{PageID: draft.ID}, "手順.pdf", []byte("%PDF"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.File(ctx, a.ID, f.ID, false); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("staff downloaded a draft's file: %v", err)
		}
		draft.Published = true
		pub, err := svc.SavePage(ctx, a.ID, hr, draft)
		if err != nil || pub.Version != 2 {
			t.Fatalf("publish = %+v, %v", pub, err)
		}
		if p, ok, err := svc.BySlot(ctx, a.ID, "first_signin"); !ok || err != nil || p.ID != draft.ID {
			t.Fatalf("slot lookup = %+v %v %v", p, ok, err)
		}
		if got, err := svc.File(ctx, a.ID, f.ID, false); err != nil || string(got.Data) != "%PDF" {
			t.Fatalf("file = %+v, %v", got, err)
		}
		// A slot holds one page.
		if _, err := svc.SavePage(ctx, a.ID, hr, handbook.Page{Title: "別", Slot: "first_signin"}); !hasField(err, "slot") {
			t.Fatalf("second page in a slot: %v", err)
		}
		// The other tenant: no slot, no page, no file.
		if _, ok, _ := svc.BySlot(ctx, b.ID, "first_signin"); ok {
			t.Fatal("a slot leaked into another tenant")
		}
		if _, err := svc.Page(ctx, b.ID, draft.ID, true); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant's page: %v", err)
		}
		if _, err := svc.File(ctx, b.ID, f.ID, true); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant's file: %v", err)
		}
		if _, err := svc.Attach(ctx, b.ID, hr, attach.Owner{PageID: draft.ID}, "x.pdf", []byte("x")); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("attached to another tenant's page: %v", err)
		}

		// Briefings with 図表5 topics and materials.
		br, err := svc.SaveBriefing(ctx, a.ID, hr, handbook.Briefing{Title: "テレワーク試行説明会", HeldOn: calendar.DateOf(db.Now()),
			StartTime: "14:00", Place: "オンライン", Topics: []string{"f5.security.takeout", "f5.outline.modes"}})
		if err != nil || len(br.Topics) != 2 || br.Topics[0] != "f5.outline.modes" {
			t.Fatalf("briefing = %+v, %v", br, err)
		}
		if _, err := svc.SaveBriefing(ctx, a.ID, hr, handbook.Briefing{Title: "x", HeldOn: br.HeldOn, Topics: []string{"f4.comm.chat"}}); !hasField(err, "topics") {
			t.Fatalf("a topic outside 図表5: %v", err)
		}
		if _, err := svc.SaveBriefing(ctx, a.ID, hr, handbook.Briefing{Title: "x", HeldOn: br.HeldOn, StartTime: "25:00"}); !hasField(err, "start_time") {
			t.Fatalf("bad time: %v", err)
		}
		if _, err := svc.Attach(ctx, a.ID, hr, attach.Owner{BriefingID: br.ID}, "資料.pptx", []byte("PK")); err != nil {
			t.Fatal(err)
		}
		list, err := svc.Briefings(ctx, a.ID)
		if err != nil || len(list) != 1 || len(list[0].Files) != 1 {
			t.Fatalf("briefings = %+v, %v", list, err)
		}
		if err := svc.DeleteBriefing(ctx, a.ID, hr, br.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeletePage(ctx, a.ID, hr, draft.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindTrialFile(ctx, a.ID, f.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a deleted page's file remains: %v", err)
		}
		entries, _ := db.FindAuditEntries(ctx, a.ID, audit.Filter{Action: "handbook.", Limit: 50})
		for _, e := range entries {
			if strings.Contains(string(e.After), "パスワードを設定します") {
				t.Errorf("%s keeps the page body", e.Action)
			}
		}
		if len(entries) != 7 {
			t.Fatalf("%d handbook audit entries, want 7", len(entries))
		}
	})
}

func hasField(err error, field string) bool {
	e := apperr.As(err)
	if e == nil {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
