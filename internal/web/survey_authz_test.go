package web_test

import (
	"context"
	"testing"

	"telework/internal/oneonone"
	"telework/internal/store"
	"telework/internal/survey"
)

// authzSurvey makes a post-trial survey in a tenant for the route walk,
// closed when asked.
func authzSurvey(t *testing.T, db *store.DB, tenantID int64, closed bool) int64 {
	t.Helper()
	ctx := context.Background()
	svc := survey.NewService(db, db.Now)
	today := svc.Today()
	id, err := svc.Create(ctx, tenantID, sys, survey.Draft{Kind: survey.KindPost, Title: "事後", OpensOn: today, ClosesOn: today})
	if err != nil {
		t.Fatal(err)
	}
	if closed {
		if err := svc.Open(ctx, tenantID, sys, id, 1); err != nil {
			t.Fatal(err)
		}
		if err := svc.Close(ctx, tenantID, sys, id, 2); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// authzPair makes a 1on1 pair for the route walk.
func authzPair(t *testing.T, db *store.DB, tenantID, lead, member int64) int64 {
	t.Helper()
	id, err := oneonone.NewService(db, db.Now).CreatePair(context.Background(), tenantID, sys, 0, true,
		oneonone.Pair{LeadID: lead, MemberID: member, CadenceDays: 14, Mode: oneonone.Online})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
