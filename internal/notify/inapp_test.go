package notify_test

import (
	"context"
	"testing"
	"time"

	"telework/internal/auth"
	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestInAppPreference: a kind turned off for the app leaves the in-app
// list and the unread count, on both engines, while its outbox rows stay
// and are still delivered by e-mail; turned on again, the kind is back in
// the list. Another person's preference changes nothing for the first.
func TestInAppPreference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 2)
		me, other := w.staffA[0], w.staffA[1]
		who := &auth.Principal{TenantID: w.a.ID, StaffID: me}
		svc := notify.NewService(db, func() time.Time { return w.now })
		w.notify(t, w.a, []int64{me, other}, 4, notify.Submitted) // two each
		w.notify(t, w.a, []int64{me}, 1, notify.Approved)
		kinds := func() map[notify.Kind]int {
			t.Helper()
			list, err := svc.List(ctx, w.a.ID, who, false, 50, 0)
			storetest.Must(t, err)
			out := map[notify.Kind]int{}
			for _, n := range list {
				out[n.Kind]++
			}
			return out
		}
		if k := kinds(); k[notify.Submitted] != 2 || k[notify.Approved] != 1 {
			t.Fatalf("before: %v", k)
		}
		_, err := w.svc.SavePrefs(ctx, w.a.ID, admin, who, []notify.Pref{{Kind: notify.Submitted, InApp: false, Email: true}})
		storetest.Must(t, err)
		if k := kinds(); k[notify.Submitted] != 0 || k[notify.Approved] != 1 {
			t.Errorf("in-app off: list %v", k)
		}
		if n, err := svc.Unread(ctx, w.a.ID, who); err != nil || n != 1 {
			t.Errorf("in-app off: unread %d %v", n, err)
		}
		if list, err := svc.List(ctx, w.a.ID, who, true, 50, 0); err != nil || len(list) != 1 {
			t.Errorf("in-app off: unread list %d %v", len(list), err)
		}
		otherWho := &auth.Principal{TenantID: w.a.ID, StaffID: other}
		if n, err := svc.Unread(ctx, w.a.ID, otherWho); err != nil || n != 2 {
			t.Errorf("the other person's unread %d %v", n, err)
		}
		// The outbox keeps every row, and e-mail goes out for all five.
		if n := storetest.CountNotifications(t, db, w.a.ID, me, notify.Submitted); n != 2 {
			t.Errorf("outbox rows %d", n)
		}
		if _, err := w.node(db, "n1").RunOnce(ctx, w.a.ID); err != nil {
			t.Fatal(err)
		}
		if w.smtp.Len() != 5 {
			t.Errorf("mail %v", w.smtp.Counts())
		}
		// A new one of the kind stays out of the list too.
		w.notify(t, w.a, []int64{me}, 1, notify.Submitted)
		if k := kinds(); k[notify.Submitted] != 0 {
			t.Errorf("new notification shown: %v", k)
		}
		_, err = w.svc.SavePrefs(ctx, w.a.ID, admin, who, []notify.Pref{{Kind: notify.Submitted, InApp: true, Email: true}})
		storetest.Must(t, err)
		if k := kinds(); k[notify.Submitted] != 3 {
			t.Errorf("in-app on again: %v", k)
		}
		if n, _ := svc.Unread(ctx, w.a.ID, who); n != 4 {
			t.Errorf("in-app on again: unread %d", n)
		}
	})
}
