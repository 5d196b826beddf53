package notify_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/notify/send"
	"telework/internal/notify/sendtest"
	"telework/internal/org"
	"telework/internal/secretkey"
	"telework/internal/sso"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var admin = audit.Actor{Label: "it-admin"}

type world struct {
	db     *store.DB
	a, b   *org.Tenant
	unitA  int64
	unitB  int64
	staffA []int64
	staffB int64
	it     *auth.Principal // IT admin of a
	itB    *auth.Principal
	now    time.Time
	svc    *notify.DeliveryService
	smtp   *sendtest.SMTP
	hook   *sendtest.Webhook
}

func newWorld(t *testing.T, db *store.DB, people int) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, now: time.Date(2026, 12, 1, 10, 0, 0, 0, notify.Tokyo)}
	db.Now = func() time.Time { return w.now }
	w.svc = notify.NewDeliveryService(db, func() time.Time { return w.now })
	w.svc.SetWebhookLoopback(true) // the receivers of the tests listen on 127.0.0.1
	mk := func(slug string) (*org.Tenant, int64) {
		tn := &org.Tenant{Slug: slug, Name: slug, Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 80}
		storetest.Must(t, storetest.F(db).CreateTenant(ctx, admin, tn, nil))
		u := &org.Unit{Code: "100", Name: "総務課", Level: "課"}
		storetest.Must(t, storetest.F(db).CreateUnit(ctx, tn.ID, admin, u, calendar.Date{}))
		return tn, u.ID
	}
	w.a, w.unitA = mk("matsumoto")
	w.b, w.unitB = mk("saga")
	person := func(tn *org.Tenant, unit int64, i int) int64 {
		no := fmt.Sprintf("%05d", i)
		st := &org.Staff{StaffNo: no, Name: "職員 " + no, Kana: "しょくいん", UnitID: unit, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general", Email: "s" + no + "@example.lg.jp"}
		storetest.Must(t, storetest.F(db).CreateStaff(ctx, tn.ID, admin, st, calendar.Date{}))
		return st.ID
	}
	for i := range people {
		w.staffA = append(w.staffA, person(w.a, w.unitA, i+1))
	}
	w.staffB = person(w.b, w.unitB, 1)
	w.it = &auth.Principal{TenantID: w.a.ID, UserID: 1, StaffID: w.staffA[0], Roles: []auth.Role{auth.Staff, auth.ITAdmin}}
	w.itB = &auth.Principal{TenantID: w.b.ID, UserID: 2, StaffID: w.staffB, Roles: []auth.Role{auth.Staff, auth.ITAdmin}}
	w.smtp = sendtest.StartSMTP(t)
	w.hook = sendtest.StartWebhook(t)
	for _, x := range []struct {
		tn   *org.Tenant
		who  *auth.Principal
		unit int64
	}{{w.a, w.it, w.unitA}, {w.b, w.itB, w.unitB}} {
		pw := w.smtp.Password
		_, err := w.svc.SaveSettings(ctx, x.tn.ID, admin, x.who, notify.Settings{SMTPHost: w.smtp.Host, SMTPPort: w.smtp.Port,
			SMTPTLS: "starttls", SMTPUser: w.smtp.User, MailFrom: "telework@example.lg.jp", Charset: "utf-8"}, &pw)
		storetest.Must(t, err)
		storetest.Must(t, w.svc.SaveChannel(ctx, x.tn.ID, admin, x.who, notify.ChatChannel{UnitID: x.unit, URL: w.hook.URL, Format: "json"}))
	}
	return w
}

// chatToo opts staff into the section chat for kind.
func (w *world) chatToo(t *testing.T, tn *org.Tenant, staff []int64, kind notify.Kind) {
	for _, id := range staff {
		_, err := w.svc.SavePrefs(context.Background(), tn.ID, admin, &auth.Principal{TenantID: tn.ID, StaffID: id},
			[]notify.Pref{{Kind: kind, InApp: true, Email: true, Chat: true}})
		storetest.Must(t, err)
	}
}

func (w *world) notify(t *testing.T, tn *org.Tenant, staff []int64, n int, kind notify.Kind) {
	t.Helper()
	var ns []notify.Notification
	for i := range n {
		ns = append(ns, notify.New(staff[i%len(staff)], kind, 0, map[string]any{"Dates": "12月4日", "Name": "山田"}))
	}
	storetest.Must(t, w.db.InNotifyTx(context.Background(), func(tx notify.Tx) error {
		return tx.InsertNotifications(context.Background(), tn.ID, ns)
	}))
}

func (w *world) node(db *store.DB, name string) *notify.Deliverer {
	d := notify.NewDeliverer(db, func() time.Time { return time.Now() }, name,
		&send.SMTP{TLSConfig: w.smtp.ClientTLS, Timeout: 10 * time.Second}, &send.Webhook{AllowLoopback: true})
	d.Window = func(context.Context, int64) (notify.Window, error) { return notify.Window{}, nil }
	return d
}

// clockedNode is a node whose clock the test moves (from w.now).
func (w *world) clockedNode(db *store.DB) (*notify.Deliverer, *atomic.Int64) {
	clock := &atomic.Int64{}
	clock.Store(w.now.UnixMicro())
	d := w.node(db, "n1")
	return notify.NewDeliverer(db, func() time.Time { return time.UnixMicro(clock.Load()) }, "n1", d.Mail, d.Chat), clock
}

// TestDeliverEndToEnd: planned by preference, sent once over SMTP and the
// webhook with the stable id, tenants kept apart, nothing left pending.
func TestDeliverEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 3)
		w.chatToo(t, w.a, w.staffA[:1], notify.Approved)
		off := w.staffA[2]
		_, err := w.svc.SavePrefs(ctx, w.a.ID, admin, &auth.Principal{TenantID: w.a.ID, StaffID: off},
			[]notify.Pref{{Kind: notify.Approved, InApp: true}})
		storetest.Must(t, err)
		w.notify(t, w.a, w.staffA, 3, notify.Approved)
		w.notify(t, w.b, []int64{w.staffB}, 1, notify.Approved)
		d := w.node(db, "n1")
		sent, err := d.RunOnce(ctx, w.a.ID)
		storetest.Must(t, err)
		if sent != 3 { // staff 0: e-mail + chat, staff 1: e-mail, staff 2: opted out
			t.Fatalf("sent %d", sent)
		}
		if w.smtp.Len() != 2 || w.hook.Len() != 1 {
			t.Errorf("mail %v hook %v", w.smtp.Counts(), w.hook.Counts())
		}
		// Running again sends nothing more; tenant b's row waits for b's run.
		if n, _ := d.RunOnce(ctx, w.a.ID); n != 0 {
			t.Errorf("second run sent %d", n)
		}
		if n, _ := d.RunOnce(ctx, w.b.ID); n != 1 {
			t.Errorf("tenant b sent %d", n)
		}
		dead, err := w.svc.DeadLetters(ctx, w.a.ID, w.it)
		if err != nil || len(dead) != 0 {
			t.Errorf("dead %v %v", dead, err)
		}
	})
}

// TestRetryBackoffDeadLetter: a refused message is retried with backoff,
// becomes a dead letter after MaxAttempts, is listed for the IT admin of
// its tenant only and sent after a retry.
func TestRetryBackoffDeadLetter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		w.notify(t, w.a, w.staffA, 1, notify.Approved)
		d2, clock := w.clockedNode(db)
		w.smtp.Fail = func(int64) bool { return true }
		for i := 1; i <= notify.MaxAttempts; i++ {
			n, err := d2.RunOnce(ctx, w.a.ID)
			if err != nil || n != 0 {
				t.Fatalf("attempt %d: %d %v", i, n, err)
			}
			// Not due again before its backoff.
			if n, _ := d2.SendOnce(ctx, w.a.ID); n != 0 {
				t.Fatal("retried before the backoff")
			}
			clock.Add(notify.Backoff(i).Microseconds())
		}
		dead, err := w.svc.DeadLetters(ctx, w.a.ID, w.it)
		storetest.Must(t, err)
		if len(dead) != 1 || dead[0].Attempts != notify.MaxAttempts || dead[0].LastError == "" || dead[0].Notification.Kind != notify.Approved {
			t.Fatalf("dead %+v", dead)
		}
		if _, err := w.svc.DeadLetters(ctx, w.a.ID, &auth.Principal{TenantID: w.a.ID, StaffID: w.staffA[0], Roles: []auth.Role{auth.Staff}}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("staff read dead letters: %v", err)
		}
		// Another tenant's IT admin neither sees nor retries it.
		if other, _ := w.svc.DeadLetters(ctx, w.b.ID, w.itB); len(other) != 0 {
			t.Errorf("tenant b sees %v", other)
		}
		if err := w.svc.Retry(ctx, w.b.ID, admin, w.itB, dead[0].ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("cross-tenant retry: %v", err)
		}
		w.smtp.Fail = nil
		storetest.Must(t, w.svc.Retry(ctx, w.a.ID, admin, w.it, dead[0].ID))
		w.now = time.UnixMicro(clock.Load())
		if n, err := d2.RunOnce(ctx, w.a.ID); n != 1 || err != nil {
			t.Fatalf("after retry: %d %v", n, err)
		}
		if w.smtp.Len() != 1 {
			t.Errorf("received %v", w.smtp.Counts())
		}
	})
}

// TestQuietHoursHold: outside the policy's day a non-urgent message waits
// for the next working morning.
func TestQuietHoursHold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		w.now = time.Date(2026, 12, 1, 21, 0, 0, 0, notify.Tokyo)
		w.notify(t, w.a, w.staffA, 1, notify.Approved)
		var clock atomic.Int64
		clock.Store(w.now.UnixMicro())
		d := notify.NewDeliverer(db, func() time.Time { return time.UnixMicro(clock.Load()) }, "n1",
			&send.SMTP{TLSConfig: w.smtp.ClientTLS}, &send.Webhook{AllowLoopback: true})
		d.Window = func(context.Context, int64) (notify.Window, error) {
			return notify.Window{Start: "08:30", End: "17:15"}, nil
		}
		if n, _ := d.RunOnce(ctx, w.a.ID); n != 0 {
			t.Fatal("sent after hours")
		}
		// 12/2 became a closure day after the message was held for its
		// morning: it waits again, for 12/3, and the wait is no attempt.
		closed := calendar.Date{Year: 2026, Month: time.December, Day: 2}
		d.Window = func(context.Context, int64) (notify.Window, error) {
			return notify.Window{Start: "08:30", End: "17:15", BusinessDay: func(day time.Time) bool { return calendar.DateOf(day) != closed }}, nil
		}
		clock.Store(time.Date(2026, 12, 2, 8, 30, 0, 0, notify.Tokyo).UnixMicro())
		if n, _ := d.RunOnce(ctx, w.a.ID); n != 0 || w.smtp.Len() != 0 {
			t.Fatal("sent on a closure day added after it was held")
		}
		clock.Store(time.Date(2026, 12, 3, 8, 29, 0, 0, notify.Tokyo).UnixMicro())
		if n, _ := d.RunOnce(ctx, w.a.ID); n != 0 {
			t.Fatal("sent before the working morning")
		}
		clock.Store(time.Date(2026, 12, 3, 8, 30, 0, 0, notify.Tokyo).UnixMicro())
		if n, _ := d.RunOnce(ctx, w.a.ID); n != 1 {
			t.Fatal("not sent in the morning")
		}
		ds, err := db.DeadDeliveries(ctx, w.a.ID, 10)
		if err != nil || len(ds) != 0 {
			t.Fatalf("dead: %v %v", ds, err)
		}
	})
	// A person told outside working time too is not held at send time
	// either.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		w.now = time.Date(2026, 12, 1, 21, 0, 0, 0, notify.Tokyo)
		after := true
		_, err := w.svc.UpdateChoices(ctx, w.a.ID, admin, &auth.Principal{TenantID: w.a.ID, StaffID: w.staffA[0]}, nil, &after)
		storetest.Must(t, err)
		w.notify(t, w.a, w.staffA, 1, notify.Approved)
		d := notify.NewDeliverer(db, func() time.Time { return w.now }, "n1", &send.SMTP{TLSConfig: w.smtp.ClientTLS}, &send.Webhook{AllowLoopback: true})
		d.Window = func(context.Context, int64) (notify.Window, error) {
			return notify.Window{Start: "08:30", End: "17:15"}, nil
		}
		if n, err := d.RunOnce(ctx, w.a.ID); n != 1 {
			t.Fatalf("a person told after hours too was held: %d %v", n, err)
		}
	})
}

// TestSettingsRules: only the IT admin, validated, password never read
// back, sealed with the sealer, channel units of the tenant only.
func TestSettingsRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		staff := &auth.Principal{TenantID: w.a.ID, StaffID: w.staffA[0], Roles: []auth.Role{auth.Staff}}
		if _, _, err := w.svc.Settings(ctx, w.a.ID, staff); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("staff read settings: %v", err)
		}
		_, err := w.svc.SaveSettings(ctx, w.a.ID, admin, w.it, notify.Settings{SMTPHost: "127.0.0.1", SMTPPort: 0,
			SMTPTLS: "ssl3", MailFrom: "not an address", Charset: "sjis"}, nil)
		if e := apperr.As(err); e == nil || len(e.Fields) != 4 {
			t.Errorf("validation: %v", err)
		}
		w.svc.SetSecretKeys(mustKeys(t, keyOld))
		pw := "new-secret"
		set, err := w.svc.SaveSettings(ctx, w.a.ID, admin, w.it, notify.Settings{SMTPHost: "127.0.0.1", SMTPPort: 2525,
			SMTPTLS: "starttls", MailFrom: "a@example.lg.jp", Charset: "iso-2022-jp"}, &pw)
		storetest.Must(t, err)
		if !set.PasswordSet || set.Charset != "iso-2022-jp" {
			t.Errorf("saved %+v", set)
		}
		if stored, _ := db.NotifySMTPPassword(ctx, w.a.ID); !strings.HasPrefix(stored, "enc:v1:") || strings.Contains(stored, "new-secret") {
			t.Errorf("stored %q", stored)
		}
		if err := w.svc.SaveChannel(ctx, w.a.ID, admin, w.it, notify.ChatChannel{UnitID: w.unitB, URL: w.hook.URL}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another tenant's unit: %v", err)
		}
		if err := w.svc.SaveChannel(ctx, w.a.ID, admin, w.it, notify.ChatChannel{UnitID: w.unitA, URL: "ftp://x"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("bad url: %v", err)
		}
		// Where a webhook may point: not this machine (unless the operator
		// allows it), not link-local, unspecified or multicast; private
		// ranges (LGWAN chat bridges) are fine.
		strict := notify.NewDeliveryService(db, time.Now)
		for _, c := range []struct {
			url string
			ok  bool
		}{
			{"http://127.0.0.1:9/hook", false}, {"http://localhost/hook", false}, {"http://[::1]/hook", false},
			{"http://169.254.169.254/latest/meta-data", false}, {"http://[fe80::1]/", false}, {"http://0.0.0.0/", false},
			{"http://224.0.0.1/", false}, {"http://127.1/", false}, {"http://2130706433/", false}, {"http://0x7f000001/", false},
			{"http://0177.0.0.1/", false}, {"http://10.20.30.40/hook", true}, {"https://172.16.5.5/hook", true},
			{"https://chat.lg.jp.example/hooks/x", true}, {"https://b2c.example.jp/hook", true},
			{"http://192.168.1.10:8080/hook", true}, {"https://chat.example.lg.jp/hooks/x", true},
		} {
			err := strict.SaveChannel(ctx, w.a.ID, admin, w.it, notify.ChatChannel{UnitID: w.unitA, URL: c.url})
			if e := apperr.As(err); c.ok && err != nil || !c.ok && (e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 ||
				e.Fields[0].Field != "url" || e.Fields[0].Key != "delivery.rule_url_address") {
				t.Errorf("%s: %v", c.url, err)
			}
		}
		// Each change of a channel shows what it was and is (host and
		// format only: the URL's path is a credential).
		storetest.Must(t, strict.SaveChannel(ctx, w.a.ID, admin, w.it, notify.ChatChannel{UnitID: w.unitA, URL: "https://chat.example.lg.jp/hooks/x"}))
		storetest.Must(t, strict.SaveChannel(ctx, w.a.ID, admin, w.it, notify.ChatChannel{UnitID: w.unitA, URL: "https://bridge.example.lg.jp/y", Format: "slack"}))
		storetest.Must(t, strict.SaveChannel(ctx, w.a.ID, admin, w.it, notify.ChatChannel{UnitID: w.unitA, URL: ""}))
		var changes []string
		rows, err := db.SQL.Query(db.Rebind(`SELECT action, before_json, after_json FROM audit_log WHERE tenant_id = ? AND action LIKE 'notify.channel_%' ORDER BY seq DESC LIMIT 3`), w.a.ID)
		storetest.Must(t, err)
		for rows.Next() {
			var a, b, c string
			storetest.Must(t, rows.Scan(&a, &b, &c))
			changes = append([]string{a + " " + b + " " + c}, changes...)
		}
		rows.Close()
		want := []string{
			`notify.channel_set {"format":"json","host":"chat.example.lg.jp"} {"format":"json","host":"chat.example.lg.jp"}`,
			`notify.channel_set {"format":"json","host":"chat.example.lg.jp"} {"format":"slack","host":"bridge.example.lg.jp"}`,
			`notify.channel_delete {"format":"slack","host":"bridge.example.lg.jp"} null`,
		}
		if strings.Join(changes, "\n") != strings.Join(want, "\n") {
			t.Errorf("channel audit:\n%s\nwant\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
		}
		if _, err := w.svc.SavePrefs(ctx, w.a.ID, admin, staff, []notify.Pref{{Kind: "nope"}}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("unknown kind: %v", err)
		}
	})
}

// killable is a node's store that fails every call once killed, as a
// process killed with SIGKILL writes nothing more.
type killable struct {
	*store.DB
	dead atomic.Bool
}

var errKilled = errors.New("killed")

func (k *killable) ClaimDeliveries(ctx context.Context, tenantID int64, owner string, now, until time.Time, limit int) ([]notify.Delivery, error) {
	if k.dead.Load() {
		return nil, errKilled
	}
	return k.DB.ClaimDeliveries(ctx, tenantID, owner, now, until, limit)
}

func (k *killable) FinishDelivery(ctx context.Context, tenantID int64, owner string, f notify.Finished) (bool, error) {
	if k.dead.Load() {
		return false, errKilled
	}
	return k.DB.FinishDelivery(ctx, tenantID, owner, f)
}

func (k *killable) ReleaseDeliveries(ctx context.Context, tenantID int64, owner string, ids []int64) error {
	if k.dead.Load() {
		return errKilled
	}
	return k.DB.ReleaseDeliveries(ctx, tenantID, owner, ids)
}

func (k *killable) RenewDeliveries(ctx context.Context, tenantID int64, owner string, ids []int64, until time.Time) (int, error) {
	if k.dead.Load() {
		return 0, errKilled
	}
	return k.DB.RenewDeliveries(ctx, tenantID, owner, ids, until)
}

func (k *killable) InDeliveryTx(ctx context.Context, fn func(notify.DeliveryTx) error) error {
	if k.dead.Load() {
		return errKilled
	}
	return k.DB.InDeliveryTx(ctx, fn)
}

// TestTwoNodesDrainKill: 10,000 notifications, each to e-mail and the
// section chat (20,000 deliveries), drained by two nodes on their own
// connection pools; node A is killed (its context ends and its store
// refuses every further write, as after SIGKILL) when a third has
// arrived. Every message arrives (no loss); a message arrives twice only
// if it is the one node A was sending when it died (accepted, not yet
// recorded: at most one, as A records each message on its own), and then
// with the same id, which the receiver can use to drop it; node B
// never sends what A recorded or what B itself sent. With a graceful stop
// (the process's SIGTERM) there is no duplicate at all. Bounded to 3 min.
// integration/delivery_test.go does the same with two real processes and
// SIGKILL.
func TestTwoNodesDrainKill(t *testing.T) {
	const total = 10000
	for _, eng := range storetest.Engines() {
		for _, hard := range []bool{true, false} {
			name := string(eng) + "/graceful"
			if hard {
				name = string(eng) + "/kill"
			}
			t.Run(name, func(t *testing.T) {
				if testing.Short() {
					t.Skip("long")
				}
				dsn := storetest.DSN(t, eng)
				openDB := func() *store.DB {
					db, err := store.Open(context.Background(), dsn)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { db.Close() })
					return db
				}
				dbA := openDB()
				if _, err := dbA.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
				dbB := openDB()
				w := newWorld(t, dbA, 50)
				dbA.Now = time.Now
				w.chatToo(t, w.a, w.staffA, notify.Approved)
				w.notify(t, w.a, w.staffA, total, notify.Approved)

				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
				defer cancel()
				ka := &killable{DB: dbA}
				nodeA := notify.NewDeliverer(ka, time.Now, "node-a", &send.SMTP{TLSConfig: w.smtp.ClientTLS}, &send.Webhook{AllowLoopback: true})
				nodeB := notify.NewDeliverer(dbB, time.Now, "node-b", nodeA.Mail, nodeA.Chat)
				for _, n := range []*notify.Deliverer{nodeA, nodeB} {
					n.Lease, n.Batch = 3*time.Second, 100
				}
				ctxA, killA := context.WithCancel(ctx)
				var wg sync.WaitGroup
				open := func() int {
					var n int
					storetest.Must(t, dbB.SQL.QueryRow(`SELECT COUNT(*) FROM notify_deliveries WHERE tenant_id = `+
						strconv.FormatInt(w.a.ID, 10)+` AND status <> 'sent'`).Scan(&n))
					return n
				}
				loop := func(c context.Context, d *notify.Deliverer) {
					defer wg.Done()
					for c.Err() == nil {
						if w.smtp.Len() >= total && w.hook.Len() >= total && open() == 0 {
							return
						}
						n, err := d.RunOnce(c, w.a.ID)
						if os.Getenv("DEBUG_DRAIN") != "" {
							t.Logf("%s: %d %v mail %d chat %d", d.Owner, n, err, w.smtp.Len(), w.hook.Len())
						}
						// A lost lease (a slow, loaded machine) hands the rest
						// over to the next claim: part of the test, not a failure.
						if err != nil && c.Err() == nil && !errors.Is(err, errKilled) && !errors.Is(err, notify.ErrLeaseLost) {
							t.Errorf("%s: %v", d.Owner, err)
							return
						}
						if n == 0 {
							time.Sleep(50 * time.Millisecond)
						}
					}
				}
				wg.Add(2)
				go loop(ctxA, nodeA)
				go loop(ctx, nodeB)
				for w.smtp.Len()+w.hook.Len() < 2*total/3 && ctx.Err() == nil {
					time.Sleep(5 * time.Millisecond)
				}
				if hard {
					ka.dead.Store(true)
				}
				killA()
				wg.Wait()
				if ctx.Err() != nil {
					t.Fatalf("not drained in time: mail %d, chat %d", w.smtp.Len(), w.hook.Len())
				}
				dups := 0
				for _, c := range []*sendtest.Counter{w.smtp.Counter, w.hook.Counter} {
					counts := c.Counts()
					if len(counts) != total {
						t.Errorf("received %d distinct messages, want %d", len(counts), total)
					}
					for id, n := range counts {
						if n > 1 {
							dups += n - 1
							if !hard {
								t.Errorf("%s received %d times", id, n)
							}
						}
					}
				}
				// At most the one message A was sending when it died.
				if dups > 1 {
					t.Errorf("%d re-sent messages, more than node A had in flight", dups)
				}
				if pending := open(); pending != 0 {
					t.Errorf("%d deliveries not recorded as sent", pending)
				}
				t.Logf("%s: 2×%d delivered, %d re-sent after the kill", name, total, dups)
			})
		}
	}
}

// TestLeaseRenewRelease: a lease is renewed and recorded only by its
// owner, holds off other nodes while renewed, and released rows can be
// claimed at once with the attempt uncounted.
func TestLeaseRenewRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		w.notify(t, w.a, w.staffA, 5, notify.Approved)
		if _, err := w.node(db, "plan").PlanOnce(ctx, w.a.ID); err != nil {
			t.Fatal(err)
		}
		now := w.now
		mine, err := db.ClaimDeliveries(ctx, w.a.ID, "a", now, now.Add(time.Minute), 3)
		storetest.Must(t, err)
		if len(mine) != 3 {
			t.Fatalf("claimed %d, want 3", len(mine))
		}
		ids := []int64{mine[0].ID, mine[1].ID, mine[2].ID}
		if n, err := db.RenewDeliveries(ctx, w.a.ID, "b", ids, now.Add(2*time.Minute)); err != nil || n != 0 {
			t.Errorf("renewed by another node: %d %v", n, err)
		}
		if n, err := db.RenewDeliveries(ctx, w.a.ID, "a", ids, now.Add(2*time.Minute)); err != nil || n != 3 {
			t.Errorf("renewed by the owner: %d %v, want 3", n, err)
		}
		// After the first lease would have ended, the renewed one holds.
		theirs, err := db.ClaimDeliveries(ctx, w.a.ID, "b", now.Add(90*time.Second), now.Add(3*time.Minute), 10)
		storetest.Must(t, err)
		if len(theirs) != 2 {
			t.Errorf("another node claimed %d while the lease was renewed, want the 2 unclaimed", len(theirs))
		}
		if ok, err := db.FinishDelivery(ctx, w.a.ID, "b", notify.Finished{ID: ids[0], Outcome: notify.Outcome{Sent: true, At: now}}); err != nil || ok {
			t.Errorf("recorded by a node that does not hold the lease: %v %v", ok, err)
		}
		if ok, err := db.FinishDelivery(ctx, w.a.ID, "a", notify.Finished{ID: ids[0], Outcome: notify.Outcome{Sent: true, At: now}}); err != nil || !ok {
			t.Errorf("recorded by the owner: %v %v", ok, err)
		}
		if ok, _ := db.FinishDelivery(ctx, w.a.ID, "a", notify.Finished{ID: ids[0], Outcome: notify.Outcome{Sent: true, At: now}}); ok {
			t.Error("recorded twice")
		}
		storetest.Must(t, db.ReleaseDeliveries(ctx, w.a.ID, "a", ids[1:]))
		again, err := db.ClaimDeliveries(ctx, w.a.ID, "c", now, now.Add(time.Minute), 10)
		storetest.Must(t, err)
		if len(again) != 2 {
			t.Fatalf("claimed %d after the release, want 2", len(again))
		}
		for _, d := range again {
			if d.Attempts != 1 {
				t.Errorf("delivery %d: %d attempts after a release and a new claim, want 1", d.ID, d.Attempts)
			}
		}
	})
}

// Secret keys of the tests (base64 of 32 bytes).
const (
	keyOld   = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	keyNew   = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="
	keyOther = "b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcm90aGVyMTI="
)

func mustKeys(t *testing.T, text string) *sso.SecretKeys {
	t.Helper()
	k, err := sso.ParseSecretKeys(text)
	if err != nil || k == nil {
		t.Fatalf("keys: %v", err)
	}
	return k
}

// TestSMTPPasswordSealingAndRotation: the SMTP passwords of every tenant
// go through the start-up re-seal like the SSO client secrets — plaintext
// sealed once a key is given (with an audit entry), re-sealed with the new
// key during a rotation, so that removing the old key leaves e-mail
// working; a password no configured key opens is counted (the start-up
// ERROR), shown to the IT admin, and fails the delivery with an SMTP
// reason, and a sealed value is never sent as the password.
func TestSMTPPasswordSealingAndRotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1) // both tenants' passwords saved without a key: plaintext
		reseal := func(keys string) secretkey.Report {
			t.Helper()
			svc := notify.NewDeliveryService(db, time.Now)
			if keys != "" {
				svc.SetSecretKeys(mustKeys(t, keys))
			}
			rep, err := svc.ReSealSMTPPasswords(ctx)
			storetest.Must(t, err)
			return rep
		}
		stored := func() string {
			t.Helper()
			pw, err := db.NotifySMTPPassword(ctx, w.a.ID)
			storetest.Must(t, err)
			return pw
		}
		locked := func(keys string) bool {
			t.Helper()
			svc := notify.NewDeliveryService(db, time.Now)
			if keys != "" {
				svc.SetSecretKeys(mustKeys(t, keys))
			}
			set, _, err := svc.Settings(ctx, w.a.ID, w.it)
			storetest.Must(t, err)
			return set.PasswordLocked
		}
		// send delivers one new e-mail of tenant a with the keys (none: "")
		// and returns how many were sent and the delivery's last error.
		send := func(keys string) (int, string) {
			t.Helper()
			w.notify(t, w.a, w.staffA[:1], 1, notify.Approved)
			d := w.node(db, "node-"+keys)
			if keys != "" {
				d.OpenSecret = mustKeys(t, keys).Open
			}
			n, err := d.RunOnce(ctx, w.a.ID)
			storetest.Must(t, err)
			var last string
			storetest.Must(t, db.SQL.QueryRow(db.Rebind(`SELECT last_error FROM notify_deliveries
				WHERE tenant_id = ? AND channel = 'email' ORDER BY id DESC LIMIT 1`), w.a.ID).Scan(&last))
			return n, last
		}

		for i, step := range []struct {
			keys   string
			want   secretkey.Report
			prefix string // of the stored password after the step
		}{
			{"", secretkey.Report{Plain: 2}, w.smtp.Password},
			{keyOld, secretkey.Report{Sealed: 2}, "enc:v1:"},
			{keyOld, secretkey.Report{}, "enc:v1:"},
			{keyNew + "\n" + keyOld, secretkey.Report{Sealed: 2}, "enc:v1:"}, // rotation: new key first
			{keyNew, secretkey.Report{}, "enc:v1:"},                          // old key removed: all open
		} {
			if got := reseal(step.keys); got != step.want {
				t.Fatalf("step %d: %+v, want %+v", i, got, step.want)
			}
			if pw := stored(); !strings.HasPrefix(pw, step.prefix) {
				t.Fatalf("step %d: stored %q", i, pw)
			}
		}
		es, err := db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Action: "notify.smtp_password_sealed", Limit: 10})
		storetest.Must(t, err)
		if len(es) != 2 || es[0].ActorLabel != "system:secret-key" || strings.Contains(string(es[0].After), w.smtp.Password) {
			t.Fatalf("audit entries of the re-seal: %d %+v", len(es), es)
		}
		if locked(keyNew) {
			t.Error("a password sealed with the configured key is shown as unreadable")
		}
		received := w.smtp.Len()
		if n, last := send(keyNew); n != 1 || last != "" || w.smtp.Len() != received+1 {
			t.Fatalf("after the rotation: sent %d, error %q", n, last)
		}

		// A key that is not the one the passwords were sealed with, then no
		// key at all: counted, shown, and every e-mail fails with the reason.
		for _, keys := range []string{keyOther, ""} {
			if got := reseal(keys); got != (secretkey.Report{Unopened: 2}) {
				t.Errorf("keys %q: %+v, want both unopened", keys, got)
			}
			if !locked(keys) {
				t.Errorf("keys %q: the IT admin is not told the password cannot be opened", keys)
			}
			received := w.smtp.Len()
			n, last := send(keys)
			if n != 0 || w.smtp.Len() != received || !strings.Contains(last, "SMTP password") || strings.Contains(last, "sso") {
				t.Errorf("keys %q: sent %d (received %d more), error %q", keys, n, w.smtp.Len()-received, last)
			}
		}
	})
}

// TestRetryFollowsTheChoicesOfNow: a message waiting for its retry is sent
// as the person and the tenant want it when its turn comes — to the
// address HR has since corrected, not at all on a channel the person has
// switched off, nor to someone retired — and the dropped ones are closed
// as cancelled, neither sent nor dead letters (a review found them sent
// to the old address and to the chat the person had left).
func TestRetryFollowsTheChoicesOfNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 3)
		w.chatToo(t, w.a, w.staffA[:1], notify.Approved)
		w.notify(t, w.a, w.staffA, 3, notify.Approved)
		d2, clock := w.clockedNode(db)
		w.smtp.Fail = func(int64) bool { return true }
		w.hook.Fail = func(int64) bool { return true }
		if n, err := d2.RunOnce(ctx, w.a.ID); err != nil || n != 0 {
			t.Fatalf("first round: %d %v", n, err)
		}
		// Staff 0 switches e-mail and chat off; HR corrects staff 1's
		// address; staff 2 retires.
		_, err := w.svc.SavePrefs(ctx, w.a.ID, admin, &auth.Principal{TenantID: w.a.ID, StaffID: w.staffA[0]},
			[]notify.Pref{{Kind: notify.Approved, InApp: true}})
		storetest.Must(t, err)
		s1, err := db.FindStaffByID(ctx, w.a.ID, w.staffA[1])
		storetest.Must(t, err)
		s1.Email = "corrected@example.lg.jp"
		storetest.Must(t, storetest.F(db).UpdateStaff(ctx, w.a.ID, admin, s1, s1.Version, calendar.Date{}))
		s2, err := db.FindStaffByID(ctx, w.a.ID, w.staffA[2])
		storetest.Must(t, err)
		storetest.Must(t, storetest.F(db).SetStaffRetired(ctx, w.a.ID, admin, s2.ID, s2.Version, true))
		w.smtp.Fail, w.hook.Fail = nil, nil
		clock.Add(notify.Backoff(1).Microseconds() + time.Minute.Microseconds())
		if n, err := d2.RunOnce(ctx, w.a.ID); err != nil || n != 1 {
			t.Fatalf("after the changes: sent %d %v", n, err)
		}
		if w.hook.Len() != 0 || w.smtp.Len() != 1 {
			t.Fatalf("mail %v hook %v", w.smtp.Counts(), w.hook.Counts())
		}
		for id := range w.smtp.Counts() {
			if raw := string(w.smtp.Raw(id)); !strings.Contains(raw, "corrected@example.lg.jp") {
				t.Errorf("mailed to the old address:\n%s", raw)
			}
		}
		if dead, _ := w.svc.DeadLetters(ctx, w.a.ID, w.it); len(dead) != 0 {
			t.Errorf("cancelled ones listed as dead letters: %+v", dead)
		}
		clock.Add(time.Hour.Microseconds())
		if n, _ := d2.RunOnce(ctx, w.a.ID); n != 0 {
			t.Errorf("a cancelled delivery was sent later: %d", n)
		}
	})
}

// TestAFailingReceiverIsTriedOncePerBatch: once a section's webhook has
// failed, the batch's other messages for it wait, uncounted, for its
// retry, and the e-mails go on (a review: one slow webhook held every
// e-mail for its timeout once per message).
func TestAFailingReceiverIsTriedOncePerBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 3)
		w.chatToo(t, w.a, w.staffA, notify.Approved)
		w.notify(t, w.a, w.staffA, 3, notify.Approved)
		var tries atomic.Int64
		w.hook.Fail = func(int64) bool { tries.Add(1); return true }
		d := w.node(db, "n1")
		if n, err := d.RunOnce(ctx, w.a.ID); err != nil || n != 3 {
			t.Fatalf("sent %d %v", n, err)
		}
		if tries.Load() != 1 || w.smtp.Len() != 3 {
			t.Fatalf("webhook tried %d times, mail %v", tries.Load(), w.smtp.Counts())
		}
		var attempts []int
		rows, err := db.SQL.Query(db.Rebind(`SELECT attempts FROM notify_deliveries WHERE tenant_id = ? AND channel = 'chat' AND status = 'pending' ORDER BY attempts`), w.a.ID)
		storetest.Must(t, err)
		for rows.Next() {
			var n int
			storetest.Must(t, rows.Scan(&n))
			attempts = append(attempts, n)
		}
		storetest.Must(t, rows.Close())
		if !slices.Equal(attempts, []int{0, 0, 1}) {
			t.Errorf("the chat deliveries' attempts: %v (the waiting ones must not count)", attempts)
		}
	})
}
