package oneonone_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/backup"
	"telework/internal/calendar"
	"telework/internal/oneonone"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var hr = audit.Actor{ID: 1, Label: "hr01"}

const secret = "1on1 の秘密のメモ: 家族の介護で悩んでいる"

func keys(t *testing.T, b byte) *oneonone.Keys {
	t.Helper()
	k, err := oneonone.ParseKeys(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)))
	if err != nil || k == nil {
		t.Fatal(err)
	}
	return k
}

func people(t *testing.T, db *store.DB, slug string, n int) (*org.Tenant, []*org.Staff) {
	t.Helper()
	ctx := context.Background()
	f := storetest.F(db)
	tn := &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 60}
	storetest.Must(t, f.CreateTenant(ctx, audit.Actor{Label: "op"}, tn, nil))
	u := &org.Unit{Code: "100", Name: "総務課", Level: "課"}
	storetest.Must(t, f.CreateUnit(ctx, tn.ID, hr, u, calendar.Date{}))
	var out []*org.Staff
	for i := 0; i < n; i++ {
		s := &org.Staff{StaffNo: fmt.Sprintf("%04d", 2000+i), Name: fmt.Sprintf("職員 %d", i), Kana: "しょくいん", UnitID: u.ID,
			Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, f.CreateStaff(ctx, tn.ID, hr, s, calendar.Date{}))
		out = append(out, s)
	}
	return tn, out
}

func TestLogsArePrivateToThePair(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC) }
		svc := oneonone.NewService(db, func() time.Time { return db.Now() })
		tn, st := people(t, db, "shibuya", 4)
		other, ost := people(t, db, "saga", 1)
		boss, member, outsider := st[0], st[1], st[2]
		actor := audit.Actor{ID: 9, Label: "boss"}

		// Only one of the two (or HR) makes a pair; a pair with oneself is refused.
		if _, err := svc.CreatePair(ctx, tn.ID, actor, outsider.ID, false, oneonone.Pair{LeadID: boss.ID, MemberID: member.ID,
			CadenceDays: 14, Mode: oneonone.Online}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("an outsider paired two others: %v", err)
		}
		if _, err := svc.CreatePair(ctx, tn.ID, actor, boss.ID, false, oneonone.Pair{LeadID: boss.ID, MemberID: boss.ID,
			CadenceDays: 14, Mode: oneonone.Online}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a pair with oneself: %v", err)
		}
		if _, err := svc.CreatePair(ctx, tn.ID, actor, boss.ID, false, oneonone.Pair{LeadID: boss.ID, MemberID: ost[0].ID,
			CadenceDays: 14, Mode: oneonone.Online}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a pair with another tenant's staff: %v", err)
		}
		pid, err := svc.CreatePair(ctx, tn.ID, actor, boss.ID, false, oneonone.Pair{LeadID: boss.ID, MemberID: member.ID,
			CadenceDays: 14, Mode: oneonone.Face})
		storetest.Must(t, err)

		// Without a key the server stores no log at all.
		m := oneonone.Meeting{PairID: pid, HeldOn: "2026-05-25", Mode: oneonone.Face,
			Log: oneonone.Log{IceBreak: "週末の話", Review: "前回のアクション", Theme: "テレワークの不安", Notes: secret, Actions: []string{"資料を共有フォルダへ"}}}
		if _, err := svc.SaveMeeting(ctx, tn.ID, actor, boss.ID, m); apperr.As(err) == nil || apperr.As(err).Key != "oneonone.no_key" {
			t.Fatalf("a log saved without a key: %v", err)
		}
		svc.SetKeys(keys(t, 7))
		mid, err := svc.SaveMeeting(ctx, tn.ID, actor, boss.ID, m)
		storetest.Must(t, err)

		// The two read it …
		for _, who := range []int64{boss.ID, member.ID} {
			_, ms, err := svc.Meetings(ctx, tn.ID, who, pid)
			if err != nil || len(ms) != 1 || ms[0].Log.Notes != secret {
				t.Fatalf("one of the pair cannot read the log: %v %v", ms, err)
			}
			if got := oneonone.CarriedActions(ms); len(got) != 1 || got[0] != "資料を共有フォルダへ" {
				t.Fatalf("carried actions %v", got)
			}
		}
		// … nobody else: a colleague, HR (no staff record: 0), another tenant.
		for _, c := range []struct{ tenant, staff int64 }{{tn.ID, outsider.ID}, {tn.ID, 0}, {other.ID, ost[0].ID}, {other.ID, boss.ID}} {
			if _, _, err := svc.Meetings(ctx, c.tenant, c.staff, pid); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("tenant %d staff %d read the log: %v", c.tenant, c.staff, err)
			}
			if _, err := svc.SaveMeeting(ctx, c.tenant, actor, c.staff, m); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("tenant %d staff %d wrote a log: %v", c.tenant, c.staff, err)
			}
		}
		// Editing keeps the version rule.
		m.ID, m.Version, m.Log.Theme = mid, 1, "キャリアの相談"
		_, err = svc.SaveMeeting(ctx, tn.ID, actor, member.ID, m)
		storetest.Must(t, err)
		if _, err := svc.SaveMeeting(ctx, tn.ID, actor, member.ID, m); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("a stale edit: %v", err)
		}

		// At rest: ciphertext in the table, in a backup archive, and no log
		// text in the audit log.
		var body string
		storetest.Must(t, db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT body FROM oneonone_meetings WHERE tenant_id = ? AND id = ?`), tn.ID, mid).Scan(&body))
		if !strings.HasPrefix(body, "enc:v1:") || strings.Contains(body, "介護") {
			t.Fatalf("stored body is not sealed: %.40s", body)
		}
		var arch bytes.Buffer
		if _, err := backup.Create(ctx, db, &arch, backup.Options{Producer: "test"}); err != nil {
			t.Fatal(err)
		}
		if all := untar(t, arch.Bytes()); !strings.Contains(all, "oneonone_meetings") || strings.Contains(all, "介護") ||
			strings.Contains(all, "テレワークの不安") {
			t.Fatal("the backup holds the log in clear (or no meetings at all)")
		}
		var auditText strings.Builder
		rows, err := db.SQL.QueryContext(ctx, db.Rebind(`SELECT before_json, after_json FROM audit_log WHERE tenant_id = ?`), tn.ID)
		storetest.Must(t, err)
		for rows.Next() {
			var b, a string
			storetest.Must(t, rows.Scan(&b, &a))
			auditText.WriteString(b + a)
		}
		rows.Close()
		if s := auditText.String(); strings.Contains(s, "介護") || strings.Contains(s, "キャリア") || strings.Contains(s, "共有フォルダ") {
			t.Fatal("log text reached the audit log")
		}
		// Another server key does not open the logs (a copied database
		// without the key is useless).
		svc.SetKeys(keys(t, 8))
		if _, _, err := svc.Meetings(ctx, tn.ID, boss.ID, pid); err == nil {
			t.Fatal("a log opened with another key")
		}
		if rep, err := svc.ReSealLogs(ctx); err != nil || rep.Unopened == 0 || rep.Sealed != 0 {
			t.Fatalf("re-seal without the key: %+v %v", rep, err)
		}
		// Rotation: the new key first and the old one after; the start-up
		// re-seal moves every log to the new key, and the old one can go.
		both, err := oneonone.ParseKeys(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)) + "\n" +
			base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
		storetest.Must(t, err)
		svc.SetKeys(both)
		if rep, err := svc.ReSealLogs(ctx); err != nil || rep.Sealed == 0 || rep.Unopened != 0 {
			t.Fatalf("re-seal: %+v %v", rep, err)
		}
		svc.SetKeys(keys(t, 9))
		if _, ms, err := svc.Meetings(ctx, tn.ID, boss.ID, pid); err != nil || len(ms) == 0 || !strings.Contains(ms[0].Log.IceBreak+ms[0].Log.Review+ms[0].Log.Theme+ms[0].Log.Notes, "介護") {
			t.Fatalf("after the rotation: %v", err)
		}
		svc.SetKeys(keys(t, 7))

		// Overdue: 14 days after 2026-05-25 is 06-08; on 06-10 the pair is overdue.
		db.Now = func() time.Time { return time.Date(2026, 6, 10, 3, 0, 0, 0, time.UTC) }
		od, err := svc.Overdue(ctx, tn.ID, boss.ID)
		storetest.Must(t, err)
		if len(od) != 1 || od[0].MemberName != member.Name {
			t.Fatalf("overdue %+v", od)
		}
		if od, _ := svc.Overdue(ctx, tn.ID, member.ID); len(od) != 0 {
			t.Fatal("a member sees overdue pairs they do not lead")
		}
		c, err := svc.Counts(ctx, tn.ID)
		storetest.Must(t, err)
		if c != (oneonone.Counts{Pairs: 1, Active: 1, Overdue: 1, Meetings30: 1, Face: 1}) {
			t.Fatalf("counts %+v", c)
		}
	})
}

func untar(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var b strings.Builder
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(h.Name + "\n")
		raw, _ := io.ReadAll(tr)
		b.Write(raw)
	}
	return b.String()
}

func TestPairAndMeetingRules(t *testing.T) {
	cases := []struct {
		p     oneonone.Pair
		field string
	}{
		{oneonone.Pair{LeadID: 1, MemberID: 2, CadenceDays: 6, Mode: oneonone.Online}, "cadence_days"},
		{oneonone.Pair{LeadID: 1, MemberID: 2, CadenceDays: 29, Mode: oneonone.Online}, "cadence_days"},
		{oneonone.Pair{LeadID: 1, MemberID: 2, CadenceDays: 14, Mode: "phone"}, "mode"},
		{oneonone.Pair{LeadID: 1, MemberID: 2, CadenceDays: 14, Mode: oneonone.Online, Minutes: 200}, "minutes"},
		{oneonone.Pair{LeadID: 1, MemberID: 1, CadenceDays: 14, Mode: oneonone.Online}, "member_id"},
	}
	for _, c := range cases {
		e := apperr.As(c.p.Validate())
		if e == nil || e.Fields[0].Field != c.field {
			t.Errorf("%+v: %v, want an error on %s", c.p, e, c.field)
		}
	}
	p := oneonone.Pair{LeadID: 1, MemberID: 2, CadenceDays: 14, Mode: oneonone.Online}
	if err := p.Validate(); err != nil || p.Minutes != 30 {
		t.Errorf("default 30 minutes: %v %d", err, p.Minutes)
	}
	m := oneonone.Meeting{HeldOn: "2026-02-30", Mode: oneonone.Online}
	if e := apperr.As(m.Validate()); e == nil || e.Fields[0].Field != "held_on" {
		t.Errorf("bad date: %v", e)
	}
}
