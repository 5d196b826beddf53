package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"telework/internal/auth"
	"telework/internal/notify"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestWorkReportToSectionChannel: a start or end report (notify.WorkReport,
// written by internal/worktime) is posted to the reporter's section
// channel by default — at once, even after hours — with no e-mail and
// nothing in the reporter's own list; the reporter can turn the chat off
// (nothing posted) or the app on (shown in their list).
func TestWorkReportToSectionChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 2)
		me := w.staffA[0]
		who := &auth.Principal{TenantID: w.a.ID, StaffID: me}
		svc := notify.NewService(db, func() time.Time { return w.now })
		write := func(ns ...notify.Notification) {
			t.Helper()
			storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, w.a.ID, ns) }))
		}
		start := time.Date(2026, 12, 1, 8, 31, 0, 0, notify.Tokyo)
		end := time.Date(2026, 12, 1, 19, 40, 0, 0, notify.Tokyo) // after the working day
		write(notify.WorkReport(me, "職員 00001", start, false, false), notify.WorkReport(me, "職員 00001", end, true, true))
		d := w.node(db, "n1")
		d.Window = func(context.Context, int64) (notify.Window, error) {
			return notify.Window{Start: "08:30", End: "17:15"}, nil
		}
		w.now = end
		if n, err := d.RunOnce(ctx, w.a.ID); err != nil || n != 2 {
			t.Fatalf("sent %d %v", n, err)
		}
		if w.hook.Len() != 2 || w.smtp.Len() != 0 {
			t.Fatalf("hook %v mail %v", w.hook.Counts(), w.smtp.Counts())
		}
		var texts []string
		for id := range w.hook.Counts() {
			texts = append(texts, string(w.hook.Raw(id)))
		}
		all := strings.Join(texts, "\n")
		for _, want := range []string{"職員 00001さんが08:31に始業しました。", "職員 00001さんが19:40に終業しました。(所属長が代理で記録)",
			`"kind":"worktime_started"`} {
			if !strings.Contains(all, want) {
				t.Errorf("%s missing from %s", want, all)
			}
		}
		if list, _ := svc.List(ctx, w.a.ID, who, false, 50, 0); len(list) != 0 {
			t.Errorf("reports in the reporter's own list: %v", list)
		}
		if n, _ := svc.Unread(ctx, w.a.ID, who); n != 0 {
			t.Errorf("unread %d", n)
		}
		prefs, err := w.svc.Prefs(ctx, w.a.ID, who)
		storetest.Must(t, err)
		for _, p := range prefs {
			if p.Kind == notify.WorkStarted && (p.InApp || p.Email || !p.Chat) {
				t.Errorf("default %+v", p)
			}
		}
		// Chat off for starts, the app on for ends.
		f, tr := false, true
		_, err = w.svc.UpdatePrefs(ctx, w.a.ID, admin, who, []notify.PrefChange{{Kind: notify.WorkStarted, Chat: &f}, {Kind: notify.WorkEnded, InApp: &tr}})
		storetest.Must(t, err)
		write(notify.WorkReport(me, "職員 00001", start.AddDate(0, 0, 1), false, false))
		if n, err := d.RunOnce(ctx, w.a.ID); err != nil || n != 0 || w.hook.Len() != 2 {
			t.Errorf("chat off: sent %d %v, hook %d", n, err, w.hook.Len())
		}
		list, _ := svc.List(ctx, w.a.ID, who, false, 50, 0)
		if len(list) != 1 || list[0].Kind != notify.WorkEnded {
			t.Errorf("app on for ends: %v", list)
		}
		if n, _ := svc.Count(ctx, w.a.ID, who, false); n != 1 {
			t.Errorf("count %d", n)
		}
	})
}
