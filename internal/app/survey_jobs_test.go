package app

import (
	"context"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/survey"
)

// TestSurveyRemindersOncePerDay: the hourly loop writes a tenant's survey
// reminders once per Tokyo day, also after store.JobLease has passed (a
// review found the run left unfinished and taken over every hour).
func TestSurveyRemindersOncePerDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 9, 10, 0, 0, calendar.Tokyo)
		db.Now = func() time.Time { return now }
		actor := audit.Actor{Label: "test"}
		tn := &org.Tenant{Slug: "matsumoto", Name: "松本市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		storetest.Must(t, storetest.F(db).CreateTenant(ctx, actor, tn, nil))
		u := &org.Unit{Code: "100", Name: "総務課", Level: "課"}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, actor, u, calendar.Date{}))
		st := &org.Staff{StaffNo: "0001", Name: "松本 一郎", Kana: "まつもと いちろう", UnitID: u.ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, actor, st, calendar.Date{}))
		rem := []survey.Reminder{{TenantID: tn.ID, SurveyID: 1, Title: "意識調査", ClosesOn: "2026-06-30", Due: 1, StaffIDs: []int64{st.ID}}}
		for range 4 {
			storetest.Must(t, surveyRemindersToOutbox(ctx, db, "node-a", tn.ID, rem))
			now = now.Add(time.Hour)
		}
		if n, err := db.CountNotifications(ctx, tn.ID, st.ID, notify.Filter{}); err != nil || n != 1 {
			t.Errorf("%d survey reminders in one day (%v), want 1", n, err)
		}
	})
}
