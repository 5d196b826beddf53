package demo

import (
	"context"
	"fmt"
	"time"

	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/handbook"
	"telework/internal/roadmap"
)

// seedTrial gives the demo city a roadmap under way (steps 1–3, the 図表4
// items it has done, a quarterly review), its handbook (the first sign-in,
// the 持ち出し rules, incident reporting, each in its slot), a briefing
// session and the cost of its trial PCs (issue 16). Services left nil are
// skipped.
//
// The roadmap starts on 1 April of the fiscal year, or of the year before
// when its first two steps would not be done yet by today (a demo started
// in April or May): a step is never done on a day still to come.
func seedTrial(ctx context.Context, db Services, tenantID int64, fy int, today calendar.Date) error {
	start := calendar.Date{Year: fy, Month: time.April, Day: 1}
	if rm := db.Roadmap; rm != nil {
		start := start
		if today.Before(start.AddDays(58)) {
			start.Year--
		}
		steps := []roadmap.Step{
			{N: 1, Status: roadmap.Done, Owners: []roadmap.Owner{roadmap.OwnerHead, roadmap.OwnerCIO}, PlannedStart: start,
				PlannedEnd: start.AddDays(29), DoneOn: start.AddDays(25), Note: "副市長を CIO とする推進本部を設置"},
			{N: 2, Status: roadmap.Done, Owners: []roadmap.Owner{roadmap.OwnerAdmin, roadmap.OwnerBusiness}, PlannedStart: start.AddDays(30),
				PlannedEnd: start.AddDays(60), DoneOn: start.AddDays(58)},
			{N: 3, Status: roadmap.InProgress, Owners: []roadmap.Owner{roadmap.OwnerITPolicy}, PlannedStart: start.AddDays(61),
				PlannedEnd: start.AddDays(120)},
		}
		for _, st := range steps {
			if _, err := rm.SaveStep(ctx, tenantID, actor, st); err != nil {
				return fmt.Errorf("demo: roadmap step %d: %w", st.N, err)
			}
		}
		for _, item := range []string{"f4.security.network", "f4.comm.mail", "f4.comm.web", "f4.env.devices"} {
			if _, err := rm.SetCheck(ctx, tenantID, actor, item, true, "", 0); err != nil {
				return fmt.Errorf("demo: checklist %s: %w", item, err)
			}
		}
		if err := rm.SetReviewCadence(ctx, tenantID, actor, 3, start.AddDays(183)); err != nil {
			return fmt.Errorf("demo: review cadence: %w", err)
		}
	}
	if hb := db.Handbook; hb != nil {
		pages := []handbook.Page{
			{Title: "はじめてのサインイン", Slot: "first_signin", Sort: 10, Body: "## パスワードの設定\n\n" +
				"1. 人事課から届いた通知書のログインIDと仮パスワードでサインインします。\n" +
				"2. 新しいパスワード(12文字以上)を2回入力します。\n\n" +
				"わからないときは **情報政策課(内線 2345)** にお問い合わせください。"},
			{Title: "資料・データの持ち出し", Slot: "take_out", Sort: 20, Body: "## 持ち出しのルール\n\n" +
				"- 個人情報を含む紙資料は持ち出せません。\n- データは貸与端末で、庁内ネットワーク経由でのみ扱います。\n\n" +
				"| 区分 | 紙 | データ |\n|---|---|---|\n| 公開情報 | 可 | 可 |\n| 個人情報 | 不可 | 貸与端末のみ |"},
			{Title: "セキュリティ事故が起きたら", Slot: "security", Sort: 30, Body: "端末の紛失や誤送信に気づいたら、" +
				"すぐに所属長と情報政策課に連絡し、[事故・困りごとの報告](/incidents/new)から報告してください。匿名でも報告できます。"},
		}
		for _, p := range pages {
			p.Published = true
			if _, err := hb.SavePage(ctx, tenantID, actor, p); err != nil {
				return fmt.Errorf("demo: handbook page %s: %w", p.Title, err)
			}
		}
		if _, err := hb.SaveBriefing(ctx, tenantID, actor, handbook.Briefing{Title: "テレワーク試行 説明会", HeldOn: start.AddDays(70),
			StartTime: "14:00", Place: "本庁舎 第1会議室(オンライン併用)", Audience: "試行対象者と所属長",
			Topics: []string{"f5.outline.modes", "f5.rules.apply", "f5.change.time", "f5.security.takeout", "f5.mgmt.comm"}}); err != nil {
			return fmt.Errorf("demo: briefing: %w", err)
		}
	}
	if cs := db.Cost; cs != nil {
		if _, err := cs.Add(ctx, tenantID, actor, cost.Cost{Kind: "ict_device", Description: "試行用モバイルPC 30台", AmountYen: 4_500_000,
			PaidOn: start.AddDays(75), Initial: true, SpecialGrant: true}); err != nil {
			return fmt.Errorf("demo: cost: %w", err)
		}
	}
	return nil
}
