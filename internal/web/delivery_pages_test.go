package web_test

import (
	"context"
	"fmt"
	"telework/internal/notify"
	"time"

	"net/http"
	"net/url"
	"strings"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestDeliveryPrefsPage: a person sees the preferences for every kind in
// Japanese, saves them without JavaScript, and the change is theirs alone.
func TestDeliveryPrefsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff, other := w.session(t, "staff"), w.session(t, "supervisor")
		res := w.do("GET", "/notifications", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, `href="/notifications/settings"`) {
			t.Fatalf("notifications page links the settings: %d", res.code)
		}
		res = w.do("GET", "/notifications/settings", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, "<legend>申請が承認された</legend>") || !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Fatalf("prefs page: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/notifications/settings", url.Values{"approved.in_app": {"1"}, "approved.chat": {"1"}}, staff)
		if res.code != http.StatusSeeOther {
			t.Fatalf("save prefs: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/notifications/settings", nil, staff)
		if strings.Contains(res.body, `name="approved.email" value="1" checked`) || !strings.Contains(res.body, `name="approved.chat" value="1" checked`) {
			t.Errorf("saved prefs not shown: %s", res.body)
		}
		// A kind that may not go to the section's chat has no box, and says why.
		if strings.Contains(res.body, `name="worktime_warning.chat"`) || !strings.Contains(res.body, "所属のチャット: この通知は送れません") {
			t.Errorf("chat offered for worktime_warning: %s", res.body)
		}
		res = w.do("POST", "/notifications/settings", url.Values{"worktime_warning.in_app": {"1"}, "worktime_warning.chat": {"1"}}, staff)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "通知の種類「勤務記録の確認」は、所属のチャットでは受け取れません") {
			t.Errorf("chat for worktime_warning saved: %d %s", res.code, res.body)
		}
		// Another person's page still shows the defaults.
		res = w.do("GET", "/notifications/settings", nil, other)
		if !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Error("another person's preferences changed")
		}
		// Another tenant's HR has their own (default) page; the operator has none.
		if res = w.do("GET", "/notifications/settings", nil, w.session(t, "b-hr")); res.code == 200 && !strings.Contains(res.body, `name="approved.email" value="1" checked`) {
			t.Errorf("another tenant's person: %d", res.code)
		}
		if res = w.do("GET", "/notifications/settings", nil, nil); res.code != http.StatusSeeOther {
			t.Errorf("signed out: %d", res.code)
		}
	})
}

// TestDeliveryFeedsPage: a person makes a feed (the URL shown once), sees
// it listed and revokes it; only a 所属長 may make a section feed; another
// person's or tenant's feed id is not found.
func TestDeliveryFeedsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff, head := w.session(t, "staff"), w.session(t, "supervisor")
		res := w.do("GET", "/notifications/calendar-feeds", nil, staff)
		if res.code != 200 || !strings.Contains(res.body, "<legend>取り込む予定</legend>") || strings.Contains(res.body, `value="section"`) {
			t.Fatalf("feeds page for staff: %d %s", res.code, res.body)
		}
		if res = w.do("POST", "/notifications/calendar-feeds", url.Values{"scope": {"section"}}, staff); res.code != http.StatusForbidden {
			t.Errorf("staff made a section feed: %d", res.code)
		}
		res = w.do("POST", "/notifications/calendar-feeds", url.Values{"scope": {"own"}}, staff)
		if res.code != 200 || !strings.Contains(res.body, "/api/v1/calendar-feeds/ics?token=") {
			t.Fatalf("create a feed: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/notifications/calendar-feeds", nil, staff)
		if strings.Contains(res.body, "ics?token=") || !strings.Contains(res.body, `name="id" value="`) {
			t.Fatalf("the list shows the token again or lacks the feed: %s", res.body)
		}
		i := strings.Index(res.body, `name="id" value="`) + len(`name="id" value="`)
		id := res.body[i : i+strings.Index(res.body[i:], `"`)]
		if res = w.do("GET", "/notifications/calendar-feeds", nil, head); !strings.Contains(res.body, `value="section"`) {
			t.Error("the 所属長 is not offered the section feed")
		}
		if res = w.do("POST", "/notifications/calendar-feeds", url.Values{"scope": {"section"}}, head); res.code != 200 {
			t.Errorf("the 所属長 made a section feed: %d", res.code)
		}
		if res = w.do("POST", "/notifications/calendar-feeds/revoke", url.Values{"id": {id}}, head); res.code != http.StatusNotFound {
			t.Errorf("another person revoked the feed: %d", res.code)
		}
		if res = w.do("POST", "/notifications/calendar-feeds/revoke", url.Values{"id": {id}}, w.session(t, "b-hr")); res.code != http.StatusNotFound && res.code != http.StatusForbidden {
			t.Errorf("another tenant revoked the feed: %d", res.code)
		}
		if res = w.do("POST", "/notifications/calendar-feeds/revoke", url.Values{"id": {id}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", res.code, res.body)
		}
		if res = w.do("GET", "/notifications/calendar-feeds", nil, staff); strings.Contains(res.body, `name="id" value="`+id+`"`) {
			t.Error("the revoked feed is still listed")
		}
	})
}

// TestDeliverySchedulePage: the section's planned telework on the week and
// month pages; a person of another section or tenant does not see it.
func TestDeliverySchedulePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		now := time.Now()
		day := calendar.DateOf(now).AddDays(30)
		storetest.Must(t, db.InApplyTx(ctx, func(tx apply.Tx) error {
			a := &apply.Application{StaffID: w.staff["a-hr"].ID, Decision: apply.Submitted, Status: apply.Submitted, Mode: policy.Home,
				Place: policy.PlaceHome, TimeUnit: policy.FullDay, CreatedAt: now, UpdatedAt: now,
				Days: []apply.Day{{Date: day, Status: apply.Submitted, UpdatedAt: now}}}
			return tx.InsertApplication(ctx, w.a.ID, a)
		}))
		staff := w.session(t, "staff")
		res := w.do("GET", "/", nil, staff)
		if !strings.Contains(res.body, `href="/schedule"`) {
			t.Error("the menu lacks the shared schedule")
		}
		for _, view := range []string{"week", "month"} {
			res = w.do("GET", "/schedule?view="+view+"&date="+day.String(), nil, staff)
			if res.code != 200 || !strings.Contains(res.body, "鈴木 一郎 <small>在宅・申請中</small>") || !strings.Contains(res.body, `<th scope="col"`) {
				t.Fatalf("%s view: %d %s", view, res.code, res.body)
			}
		}
		for _, who := range []string{"it", "b-hr"} {
			res = w.do("GET", "/schedule?view=month&date="+day.String(), nil, w.session(t, who))
			if res.code != 200 || strings.Contains(res.body, "鈴木 一郎") {
				t.Errorf("%s sees another section's schedule: %d", who, res.code)
			}
		}
		if res = w.do("GET", "/schedule", nil, w.session(t, "auditor")); res.code != http.StatusForbidden {
			t.Errorf("an account without a staff record: %d", res.code)
		}
	})
}

// TestDeliverySettingsPage: the IT administrator saves the SMTP settings
// (the password is never shown back) and a section's channel (its URL is
// not shown back); other roles and another tenant are refused; an unknown
// dead letter is not found.
func TestDeliverySettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it := w.session(t, "it")
		res := w.do("GET", "/delivery/settings", nil, it)
		if res.code != 200 || !strings.Contains(res.body, "<legend>メール(SMTP)</legend>") || !strings.Contains(res.body, "届かなかった通知はありません。") {
			t.Fatalf("settings page: %d %s", res.code, res.body)
		}
		form := url.Values{"smtp_host": {"mail.example.jp"}, "smtp_port": {"587"}, "smtp_tls": {"starttls"}, "smtp_user": {"u"},
			"smtp_password": {"s3cret-pass"}, "mail_from": {"noreply@example.jp"}, "charset": {"utf-8"}}
		if res = w.do("POST", "/delivery/settings", form, it); res.code != http.StatusSeeOther {
			t.Fatalf("save settings: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/delivery/settings", nil, it)
		if strings.Contains(res.body, "s3cret-pass") || !strings.Contains(res.body, "パスワードは設定済みです") || !strings.Contains(res.body, `value="mail.example.jp"`) {
			t.Errorf("saved settings: %s", res.body)
		}
		bad := url.Values{"smtp_host": {"mail.example.jp"}, "smtp_port": {"0"}, "smtp_tls": {"starttls"}, "mail_from": {"x"}, "charset": {"utf-8"}}
		if res = w.do("POST", "/delivery/settings", bad, it); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "ポート") ||
			!strings.Contains(res.body, `href="#f-smtp_port"`) || !strings.Contains(res.body, `aria-invalid="true" aria-describedby="f-smtp_port-error"`) {
			t.Errorf("bad settings: %d", res.code)
		}
		// Each error's link in the summary has its target.
		badTLS := url.Values{"smtp_host": {"127.0.0.1"}, "smtp_port": {"25"}, "smtp_tls": {"ssl3"}, "mail_from": {"a@example.jp"}, "charset": {"utf-8"}}
		if res = w.do("POST", "/delivery/settings", badTLS, it); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `href="#f-smtp_tls"`) ||
			!strings.Contains(res.body, `<fieldset id="f-smtp_tls" tabindex="-1" aria-describedby="f-smtp_tls-error">`) {
			t.Errorf("an unknown TLS mode: %d", res.code)
		}
		unit := w.staff["a-staff"].UnitID
		ch := url.Values{"unit_id": {fmt.Sprint(unit)}, "url": {"https://chat.example.jp/hook/secret-path"}, "format": {"slack"}}
		if res = w.do("POST", "/delivery/channels", ch, it); res.code != http.StatusSeeOther {
			t.Fatalf("save channel: %d %s", res.code, res.body)
		}
		res = w.do("GET", "/delivery/settings", nil, it)
		if strings.Contains(res.body, "secret-path") || !strings.Contains(res.body, "chat.example.jp") {
			t.Errorf("channel shown back: %s", res.body)
		}
		foreign := url.Values{"unit_id": {fmt.Sprint(w.staff["b-staff"].UnitID)}, "url": {"https://chat.example.jp/x"}, "format": {"json"}}
		if res = w.do("POST", "/delivery/channels", foreign, it); res.code < 400 || res.code >= 500 {
			t.Errorf("a channel for another tenant's section: %d", res.code)
		}
		if res = w.do("POST", "/delivery/retry", url.Values{"id": {"999999"}}, it); res.code != http.StatusNotFound {
			t.Errorf("unknown dead letter: %d", res.code)
		}
		for _, who := range []string{"staff", "supervisor", "hr", "b-hr"} {
			if res = w.do("GET", "/delivery/settings", nil, w.session(t, who)); res.code != http.StatusForbidden {
				t.Errorf("%s on the settings page: %d", who, res.code)
			}
			if res = w.do("POST", "/delivery/channels", ch, w.session(t, who)); res.code != http.StatusForbidden {
				t.Errorf("%s saved a channel: %d", who, res.code)
			}
		}
	})
}

// TestDeliveryDeadLetterRetry: a dead letter is listed on the IT admin's
// page and the retry button makes it pending again; another tenant's IT
// admin cannot retry it.
func TestDeliveryDeadLetterRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		now := time.Now()
		ns := []notify.Notification{notify.New(w.staff["a-staff"].ID, notify.Reminder, 0, map[string]any{"Count": 2})}
		storetest.Must(t, db.InNotifyTx(ctx, func(tx notify.Tx) error { return tx.InsertNotifications(ctx, w.a.ID, ns) }))
		nid := ns[0].ID
		storetest.Must(t, db.InDeliveryTx(ctx, func(tx notify.DeliveryTx) error {
			return tx.PlanNotificationDeliveries(ctx, w.a.ID, []int64{nid}, []notify.Delivery{
				{NotificationID: nid, Channel: notify.Email, Target: "a@example.jp", NextAt: now.Add(-time.Minute)},
				{NotificationID: nid, Channel: notify.Chat, Target: fmt.Sprint(w.staff["a-staff"].UnitID), NextAt: now.Add(-time.Minute)}}, now)
		}))
		ds, err := db.ClaimDeliveries(ctx, w.a.ID, "t", now, now.Add(time.Minute), 10)
		if err != nil || len(ds) != 2 {
			t.Fatalf("claim: %v %d", err, len(ds))
		}
		if ds[0].Channel != notify.Email {
			ds[0], ds[1] = ds[1], ds[0]
		}
		if _, err := db.FinishDeliveries(ctx, w.a.ID, "t", []notify.Finished{{ID: ds[0].ID, Outcome: notify.Outcome{Dead: true, Error: "550 no such user", At: now}},
			{ID: ds[1].ID, Outcome: notify.Outcome{Dead: true, Error: "webhook 500", At: now}}}); err != nil {
			t.Fatal(err)
		}
		it := w.session(t, "it")
		res := w.do("GET", "/delivery/settings", nil, it)
		if !strings.Contains(res.body, "550 no such user") {
			t.Fatalf("dead letter not listed: %s", res.body)
		}
		// A chat's dead letter names the section, not its id (a review).
		if unit, _ := db.FindUnitByID(ctx, w.a.ID, w.staff["a-staff"].UnitID); unit == nil || !strings.Contains(res.body, "所属のチャット "+unit.Name) &&
			!strings.Contains(res.body, "/"+unit.Name+"</td>") {
			t.Errorf("the chat's dead letter does not name its section:\n%s", res.body)
		}
		id := fmt.Sprint(ds[0].ID)
		if res = w.do("POST", "/delivery/retry", url.Values{"id": {id}}, w.session(t, "b-hr")); res.code != http.StatusForbidden && res.code != http.StatusNotFound {
			t.Errorf("another tenant retried: %d", res.code)
		}
		if res = w.do("POST", "/delivery/retry", url.Values{"id": {id}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("retry: %d %s", res.code, res.body)
		}
		if res = w.do("GET", "/delivery/settings", nil, it); strings.Contains(res.body, "550 no such user") {
			t.Error("the retried letter is still dead")
		}
	})
}
