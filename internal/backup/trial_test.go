package backup

import (
	"testing"

	"telework/internal/attach"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/handbook"
	"telework/internal/incident"
	"telework/internal/roadmap"
	"telework/internal/store"
)

// seedTrial fills the tables of issue 16 through their services: a step,
// a ticked item with evidence, a review cadence and a review, a named and
// an anonymous report with a review step, a cost, a page in a slot with a
// file, a briefing with materials.
func seedTrial(t *testing.T, db *store.DB, tenantID, userID int64) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	day := calendar.Date{Year: 2025, Month: 5, Day: 1}
	rm := roadmap.NewService(db, db.Now)
	_, err := rm.SaveStep(ctx, tenantID, actor, roadmap.Step{N: 1, Status: roadmap.Done, Owners: []roadmap.Owner{roadmap.OwnerHead}, DoneOn: day})
	must(err)
	_, err = rm.SetCheck(ctx, tenantID, actor, "f4.comm.web", true, "Web会議を全庁導入", 0)
	must(err)
	_, err = rm.AttachEvidence(ctx, tenantID, actor, "f4.comm.web", "導入記録.pdf", []byte("%PDF-1.4 \x00\xff"))
	must(err)
	must(rm.SetReviewCadence(ctx, tenantID, actor, 6, day))
	_, err = rm.RecordReview(ctx, tenantID, actor, day, "図表12 の見直し")
	must(err)
	in := incident.NewService(db, db.Now)
	_, err = in.Report(ctx, tenantID, actor, userID, incident.Report{Kind: incident.KindWorry, Category: "family", Summary: "家族への負担"})
	must(err)
	anon, err := in.Report(ctx, tenantID, actor, userID, incident.Report{Kind: incident.KindIncident, Category: "misdelivery", Summary: "誤送信", Anonymous: true})
	must(err)
	_, err = in.Review(ctx, tenantID, actor, anon.ID, anon.Version, incident.StatusInProgress, "確認中")
	must(err)
	_, err = cost.NewService(db, db.Now).Add(ctx, tenantID, actor, cost.Cost{Kind: "ict_device", Description: "モバイルPC", AmountYen: 120000,
		PaidOn: day, Initial: true, SpecialGrant: true})
	must(err)
	hb := handbook.NewService(db, db.Now)
	p, err := hb.SavePage(ctx, tenantID, actor, handbook.Page{Title: "持ち出しのルール", Body: "# 持ち出し\n\n許可が必要です。", Slot: "take_out", Published: true})
	must(err)
	_, err = hb.Attach(ctx, tenantID, actor, attach.Owner{PageID: p.ID}, "様式.docx", []byte("PK"))
	must(err)
	b, err := hb.SaveBriefing(ctx, tenantID, actor, handbook.Briefing{Title: "説明会", HeldOn: day, Topics: []string{"f5.outline.modes"}})
	must(err)
	_, err = hb.Attach(ctx, tenantID, actor, attach.Owner{BriefingID: b.ID}, "資料.pptx", []byte("PK"))
	must(err)
}
