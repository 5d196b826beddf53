package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/demo"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var (
	ctx   = context.Background()
	actor = audit.Actor{ID: 1, Label: "hr01"}
	// A fixed clock keeps every archive of the same data byte-identical.
	fixedNow = time.Date(2025, time.June, 2, 9, 0, 0, 0, time.UTC)
)

// seedTown adds a tenant with a small organisation that touches every
// table and every column kind: a unit moved under a newer one (its parent
// has the larger id), a retired person with a disabled account,
// opt-in attributes, NULL references, single sign-on settings, an API
// token, and transient rows (a session, a failed sign-in) that a backup
// must leave out.
func seedTown(t *testing.T, db *store.DB, slug, name string) *org.Tenant {
	t.Helper()
	tn := &org.Tenant{Slug: slug, Name: name, Kind: org.Municipality, StaffSize: 3, GeneralAdminStaff: 2}
	admin := &auth.User{LoginID: "jinji01", PasswordHash: "$argon2id$v=19$fake-" + slug, MustChange: true}
	if err := storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "cli"}, tn, admin); err != nil {
		t.Fatal(err)
	}
	unit := func(parent int64, code, name, level string) *org.Unit {
		u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: level}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, actor, u, calendar.Date{Year: 2025, Month: time.April, Day: 1}); err != nil {
			t.Fatal(err)
		}
		return u
	}
	dept := unit(0, "100", "総務部", "部")
	sect := unit(dept.ID, "110", "人事課", "課")
	team := unit(sect.ID, "111", "人事係", "係")
	newer := unit(0, "200", "行政改革推進本部", "部")
	if _, err := storetest.F(db).UpdateUnit(ctx, tn.ID, actor, sect.ID, org.Unit{Name: "人事課", Level: "課", Code: "110",
		ParentID: newer.ID, Version: sect.Version}, calendar.Date{Year: 2025, Month: time.May, Day: 1}); err != nil {
		t.Fatal(err)
	}
	// A rename dated next year waits in scheduled_changes.
	later := calendar.DateOf(db.Now()).AddDays(400)
	if _, err := storetest.F(db).UpdateUnit(ctx, tn.ID, actor, team.ID, org.Unit{Name: "人事・給与係", Level: "係", Code: "111",
		ParentID: sect.ID, Version: team.Version}, later); err != nil {
		t.Fatal(err)
	}
	staff := func(no, name, kana string, unit int64, sens *org.Sensitive, sup bool) *org.Staff {
		s := &org.Staff{StaffNo: no, Name: name, Kana: kana, UnitID: unit, Rank: org.RankStaff, Employment: org.Regular,
			JobType: "general", Email: no + "@example.lg.jp", Title: "主事", Sensitive: sens, IsSupervisor: sup}
		if err := storetest.F(db).CreateStaff(ctx, tn.ID, actor, s, calendar.Date{Year: 2025, Month: time.April, Day: 1}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := staff("0001", "山田 太郎", "やまだ たろう", team.ID, nil, true)
	staff("0002", "髙橋 花子", "たかはし はなこ", sect.ID, &org.Sensitive{Gender: "female", AgeBand: "30s", Care: "childcare", CommuteMinutes: 35}, false)
	c := staff("0003", "山本 一郎", "やまもと いちろう", dept.ID, nil, false)
	for _, u := range []*auth.User{
		{LoginID: "yamada", PasswordHash: "h1", StaffID: a.ID, Wareki: true},
		{LoginID: "yamamoto", PasswordHash: "h2", StaffID: c.ID},
	} {
		if err := storetest.F(db).CreateUser(ctx, tn.ID, actor, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := storetest.F(db).SetStaffRetired(ctx, tn.ID, actor, c.ID, c.Version, true); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO sso_settings (tenant_id, enabled, mandatory, issuer, client_id, client_secret, claim, jit_link, updated_at, version)
		VALUES (?, TRUE, FALSE, 'https://idp.example.lg.jp', 'telework', 's3cret <&>', 'email', TRUE, 1748854800000000, 2)`, tn.ID)
	exec(t, db, `INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, prefix, read_only, created_at, expires_at)
		VALUES (?, ?, '勤怠連携', ?, 'tw_ab12', TRUE, 1748854800000000, 1780390800000000)`, tn.ID, admin.ID, "hash-"+slug)
	// A token deleted (by retention) after the newest one was made: its id
	// must not be given out again after a restore.
	exec(t, db, `INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, prefix, read_only, created_at, expires_at)
		VALUES (?, ?, '削除済み', ?, 'tw_cd34', FALSE, 1748854800000000, 1748854800000000)`, tn.ID, admin.ID, "deleted-"+slug)
	exec(t, db, `DELETE FROM api_tokens WHERE token_hash = ?`, "deleted-"+slug)
	exec(t, db, `UPDATE users SET sso_subject = ? WHERE id = ?`, "sub-"+slug, admin.ID)
	seedApplications(t, db, tn.ID, a.ID, admin.ID, team.ID) // applications_test.go
	seedDelivery(t, db, tn.ID, a.ID, team.ID)               // delivery_test.go
	exec(t, db, `INSERT INTO retention_settings (tenant_id, kind, days, updated_at) VALUES (?, 'staff', 1825, 1748854800000000),
		(?, 'Audit', 0, 1748854800000000), (?, 'applications', 1095, 1748854800000000)`, tn.ID, tn.ID, tn.ID)
	exec(t, db, `INSERT INTO closure_days (tenant_id, day, name, created_at) VALUES (?, '2026-06-01', '市制施行記念日', 1748854800000000)`, tn.ID)
	// Surveys and 1on1 (issue 16): a pre/post pair, one anonymous answer,
	// a pair and a sealed meeting.
	exec(t, db, `INSERT INTO surveys (tenant_id, kind, title, opens_on, closes_on, questions, status, pseudonym_key, created_at, updated_at)
		VALUES (?, 'pre', '事前', '2025-04-01', '2025-04-30', '[]', 'closed', 'k', 1748854800000000, 1748854800000000)`, tn.ID)
	exec(t, db, `INSERT INTO surveys (tenant_id, kind, title, pre_id, opens_on, closes_on, questions, status, created_at, updated_at)
		SELECT tenant_id, 'post', '事後', id, '2025-06-01', '2025-06-30', '[]', 'open', 1748854800000000, 1748854800000000
		FROM surveys WHERE tenant_id = ? AND kind = 'pre'`, tn.ID)
	exec(t, db, `INSERT INTO survey_answers (tenant_id, survey_id, pseudonym, submitted, body)
		SELECT tenant_id, id, 'p1', TRUE, '{"r01":["4"]}' FROM surveys WHERE tenant_id = ? AND kind = 'pre'`, tn.ID)
	exec(t, db, `INSERT INTO oneonone_pairs (tenant_id, lead_id, member_id, cadence_days, minutes, mode, active, created_at)
		VALUES (?, ?, ?, 14, 30, 'online', TRUE, 1748854800000000)`, tn.ID, a.ID, c.ID)
	exec(t, db, `INSERT INTO oneonone_meetings (tenant_id, pair_id, held_on, mode, body, created_at, updated_at)
		SELECT tenant_id, id, '2025-05-01', 'online', 'enc:v1:abcd:AAAA', 1748854800000000, 1748854800000000
		FROM oneonone_pairs WHERE tenant_id = ?`, tn.ID)
	exec(t, db, `INSERT INTO national_holidays (tenant_id, day, name, kind, imported_at) VALUES (0, ?, '元日', 'national', 1748854800000000)
		ON CONFLICT (tenant_id, day) DO NOTHING`, "2027-01-01")
	exec(t, db, `INSERT INTO policy_versions (tenant_id, effective_from, body, note, created_at, created_by)
		VALUES (?, '2025-04-01', '{"modes":["home"],"caps":{"weekly_max_days":4}}', '令和7年度', 1748854800000000, 'hr01')`, tn.ID)
	// The task inventory (issue 13).
	exec(t, db, `INSERT INTO task_settings (tenant_id, mynumber_at_branch_office, version, updated_at) VALUES (?, TRUE, 2, 1748854800000000)`, tn.ID)
	exec(t, db, `INSERT INTO info_systems (tenant_id, name, segment, data_classes, routes, note, created_at, updated_at)
		VALUES (?, '財務会計システム', 'lgwan', 'nonpublic', 'home,satellite', '', 1748854800000000, 1748854800000000)`, tn.ID)
	exec(t, db, `INSERT INTO task_places (tenant_id, name, kind, network, physical_security, created_at, updated_at)
		VALUES (?, '四賀支所', 'branch', 'office_lan', TRUE, 1748854800000000, 1748854800000000)`, tn.ID)
	exec(t, db, `INSERT INTO sheet_tasks (tenant_id, unit_id, name, content, timing, owner_staff_id, paper, phone, hours_per_year, status, proposed_by, position, created_at, updated_at)
		VALUES (?, ?, '支出命令の確認', '伝票の審査', '通年', ?, 'digitisable', TRUE, 120, 'proposed', ?, 1, 1748854800000000, 1748854800000000)`, tn.ID, team.ID, a.ID, c.ID)
	exec(t, db, `INSERT INTO sheet_task_systems (tenant_id, task_id, system_id) SELECT t.tenant_id, t.id, s.id FROM sheet_tasks t JOIN info_systems s ON s.tenant_id = t.tenant_id WHERE t.tenant_id = ?`, tn.ID)
	// Offices, bookings and device pools (issue 14).
	exec(t, db, `INSERT INTO office_details (tenant_id, office_id, seats, pcs, phone, closed_days) SELECT tenant_id, id, 10, 2, TRUE, 'sat,sun' FROM task_places WHERE tenant_id = ?`, tn.ID)
	exec(t, db, `INSERT INTO office_registrations (tenant_id, office_id, staff_id, registered_at) SELECT p.tenant_id, p.id, ?, 1748854800000000 FROM task_places p WHERE p.tenant_id = ?`, a.ID, tn.ID)
	exec(t, db, `INSERT INTO place_slots (tenant_id, office_id, day, half, resource, used) SELECT tenant_id, id, '2025-06-02', 'am', 'seat', 1 FROM task_places WHERE tenant_id = ?`, tn.ID)
	exec(t, db, `INSERT INTO bookings (tenant_id, office_id, staff_id, day, half, pc, status, booked_by, created_at) SELECT tenant_id, id, ?, '2025-06-02', 'am', TRUE, 'booked', ?, 1748854800000000 FROM task_places WHERE tenant_id = ?`, a.ID, admin.ID, tn.ID)
	exec(t, db, `INSERT INTO booking_halves (tenant_id, staff_id, day, half, booking_id) SELECT tenant_id, staff_id, day, 'am', id FROM bookings WHERE tenant_id = ?`, tn.ID)
	exec(t, db, `INSERT INTO device_pools (tenant_id, name, kind, capacity, loan_days, created_at, updated_at) VALUES (?, 'LTEドングル', 'lte_dongle', 10, 1, 1748854800000000, 1748854800000000)`, tn.ID)
	exec(t, db, `INSERT INTO device_slots (tenant_id, pool_id, day, used) SELECT tenant_id, id, '2025-06-02', 1 FROM device_pools WHERE tenant_id = ?`, tn.ID)
	exec(t, db, `INSERT INTO device_reservations (tenant_id, pool_id, staff_id, day, status, asset_no, due_day, lent_at, created_at) SELECT tenant_id, id, ?, '2025-06-02', 'lent', 'D-0001', '2025-06-02', 1748854800000000, 1748854800000000 FROM device_pools WHERE tenant_id = ?`, a.ID, tn.ID)
	exec(t, db, `INSERT INTO personal_devices (tenant_id, staff_id, description, os, status, expires_on, requested_at) VALUES (?, ?, '私用PC', 'Windows 11', 'approved', '2026-03-31', 1748854800000000)`, tn.ID, a.ID)
	exec(t, db, `INSERT INTO remote_credentials (tenant_id, staff_id, day, login, secret_hash, issued_at, expires_at) VALUES (?, ?, '2025-06-02', 'tw1-20250602', 'abc', 1748854800000000, 1748854800000000)`, tn.ID, a.ID)
	exec(t, db, `INSERT INTO shortage_warnings (tenant_id, resource, office_id, name, week_of, peak_day, peak, capacity, warned_at) SELECT tenant_id, 'office:' || id, id, name, '2025-06-02', '2025-06-03', 12, 10, 1748854800000000 FROM task_places WHERE tenant_id = ?`, tn.ID)
	exec(t, db, `INSERT INTO shortage_warnings (tenant_id, resource, pool_id, name, week_of, peak_day, peak, capacity, warned_at) SELECT tenant_id, 'pool:' || id, id, name, '2025-06-02', '2025-06-04', 11, 10, 1748854800000000 FROM device_pools WHERE tenant_id = ?`, tn.ID)
	if err := policy.NewService(db, db.Now).SaveFacts(ctx, tn.ID, actor, a.ID, policy.Facts{Reasons: []string{"childcare"}, HasTerminal: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, &auth.Session{TokenHash: "session-" + slug, TenantID: tn.ID, UserID: admin.ID,
		CreatedAt: fixedNow, ExpiresAt: fixedNow.Add(time.Hour), LastSeenAt: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordLoginFailure(ctx, "failure-"+slug); err != nil {
		t.Fatal(err)
	}
	seedTrial(t, db, tn.ID, admin.ID)
	return tn
}

func exec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.SQL.ExecContext(ctx, db.Rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// dump renders every backed-up table of db in the archive's JSON-Lines
// form (tenantID 0: all rows), for comparing two databases.
func dump(t *testing.T, db *store.DB, tenantID int64) map[string]string {
	t.Helper()
	tx, err := db.BeginSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	out := map[string]string{}
	for k := range Tables {
		var b bytes.Buffer
		if _, err := dumpTable(ctx, db, tx, &Tables[k], tenantID, &b); err != nil {
			t.Fatal(err)
		}
		out[Tables[k].Name] = b.String()
	}
	return out
}

func sameDump(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for _, tb := range Tables {
		if got[tb.Name] != want[tb.Name] {
			t.Errorf("%s: table %s differs\n got: %.600s\nwant: %.600s", what, tb.Name, got[tb.Name], want[tb.Name])
		}
	}
}

func isEmpty(t *testing.T, db *store.DB) {
	t.Helper()
	for name, rows := range dump(t, db, 0) {
		if rows != "" {
			t.Errorf("table %s was written to: %.300s", name, rows)
		}
	}
}

func create(t *testing.T, db *store.DB, tenant string) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := Create(ctx, db, &b, Options{Tenant: tenant, Producer: "test", Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func restore(db *store.DB, archive []byte) error {
	a, err := Open(bytes.NewReader(archive))
	if err != nil {
		return err
	}
	_ = a.Verify(nil, true) // unsigned archives of the tests
	return a.Restore(ctx, db)
}

func verifyChains(t *testing.T, db *store.DB, want int) {
	t.Helper()
	ids, err := db.AuditChainTenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != want {
		t.Errorf("%d audit chains, want %d", len(ids), want)
	}
	for _, id := range ids {
		if n, err := db.VerifyAuditChain(ctx, id); err != nil || n == 0 {
			t.Errorf("chain of tenant %d: %d entries, %v", id, n, err)
		}
	}
}

// TestMoveBetweenEngines backs up the demo city (and a second town) from
// one engine and restores it into the other: every table holds the same
// rows, every audit chain verifies, and the restored database takes new
// rows (on PostgreSQL only because the identity sequences were moved).
func TestMoveBetweenEngines(t *testing.T) {
	for _, tc := range []struct{ from, to store.Engine }{
		{store.SQLite, store.Postgres},
		{store.Postgres, store.SQLite},
	} {
		t.Run(string(tc.from)+"→"+string(tc.to), func(t *testing.T) {
			src := storetest.Open(t, tc.from)
			src.Now = func() time.Time { return fixedNow }
			if _, err := demo.Seed(ctx, demo.Services{Org: storetest.F(src).Org, Auth: storetest.F(src).Auth}, fixedNow); err != nil {
				t.Fatal(err)
			}
			seedTown(t, src, "matsumoto", "松本市")
			archive := create(t, src, "")
			// The same data give the same archive on either engine, apart
			// from the engine named in the manifest.
			a, err := Open(bytes.NewReader(archive))
			if err != nil {
				t.Fatal(err)
			}
			m := a.Manifest
			latest, _ := store.LatestSchemaVersion(tc.from)
			if m.Engine != string(tc.from) || m.Scope != ScopeAll || m.TenantID != 0 || m.Format != FormatName || m.SchemaVersion != latest {
				t.Errorf("manifest: %+v", m)
			}
			for _, tf := range m.Tables {
				// audit_pending is empty: a backup seals the chains first.
				if tf.Rows == 0 && tf.Name != "audit_pending" {
					t.Errorf("table %s is empty in the archive; the fixture should fill every table", tf.Name)
				}
			}

			dst := storetest.Open(t, tc.to)
			_ = a.Verify(nil, true) // unsigned archives of the tests
			if err := a.Restore(ctx, dst); err != nil {
				t.Fatal(err)
			}
			sameDump(t, "restored", dump(t, dst, 0), dump(t, src, 0))
			verifyChains(t, dst, 3) // instance, demo, matsumoto
			for _, q := range []string{`SELECT COUNT(*) FROM sessions`, `SELECT COUNT(*) FROM login_failures`} {
				var n int
				if err := dst.SQL.QueryRow(q).Scan(&n); err != nil || n != 0 {
					t.Errorf("%s: %d %v (transient state must not be restored)", q, n, err)
				}
			}

			// New rows after the restore: the sequences continue past the
			// restored ids and the chains go on from the restored heads.
			var maxTenant, maxUnit, maxStaff int64
			dst.SQL.QueryRow(`SELECT MAX(id) FROM tenants`).Scan(&maxTenant)
			dst.SQL.QueryRow(`SELECT MAX(id) FROM units`).Scan(&maxUnit)
			dst.SQL.QueryRow(`SELECT MAX(id) FROM staff`).Scan(&maxStaff)
			tn := &org.Tenant{Slug: "kobe", Name: "神戸市", Kind: org.DesignatedCity, StaffSize: 14000}
			if err := storetest.F(dst).CreateTenant(ctx, audit.Actor{Label: "cli"}, tn, &auth.User{LoginID: "jinji01", PasswordHash: "x"}); err != nil {
				t.Fatalf("new tenant after restore: %v", err)
			}
			u := &org.Unit{Code: "100", Name: "行財政局", Level: "局"}
			if err := storetest.F(dst).CreateUnit(ctx, tn.ID, actor, u, calendar.Date{}); err != nil {
				t.Fatalf("new unit after restore: %v", err)
			}
			s := &org.Staff{StaffNo: "0001", Name: "神戸 一郎", Kana: "こうべ いちろう", UnitID: u.ID, Rank: org.RankStaff,
				Employment: org.Regular, JobType: "general"}
			if err := storetest.F(dst).CreateStaff(ctx, tn.ID, actor, s, calendar.Date{}); err != nil {
				t.Fatalf("new staff after restore: %v", err)
			}
			if tn.ID <= maxTenant || u.ID <= maxUnit || s.ID <= maxStaff {
				t.Errorf("new ids %d/%d/%d do not follow the restored ones %d/%d/%d", tn.ID, u.ID, s.ID, maxTenant, maxUnit, maxStaff)
			}
			var srcNext, tokenID int64
			src.SQL.QueryRow(`SELECT MAX(id) + 2 FROM api_tokens`).Scan(&srcNext) // the deleted one was max + 1
			err = dst.SQL.QueryRow(dst.Rebind(`INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, prefix, created_at, expires_at)
				VALUES (?, 1, 'new', 'new-hash', 'tw_new', 0, 0) RETURNING id`), tn.ID).Scan(&tokenID)
			if err != nil || tokenID != srcNext {
				t.Errorf("new token after restore: id %d %v, want %d (the deleted token's id must stay unused)", tokenID, err, srcNext)
			}
			verifyChains(t, dst, 4)
		})
	}
}

// TestOneTenant backs up one of two tenants and restores just it into an
// empty database; a second restore of the same archive is refused and
// writes nothing, and so is a restore into a database whose ids collide.
func TestOneTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src *store.DB) {
		seedTown(t, src, "ibaraki", "茨城県")
		second := seedTown(t, src, "saga", "佐賀県")
		archive := create(t, src, "saga")

		dst := storetest.Open(t, src.Engine)
		if err := restore(dst, archive); err != nil {
			t.Fatal(err)
		}
		want := dump(t, src, second.ID)
		sameDump(t, "restored tenant", dump(t, dst, 0), want)
		verifyChains(t, dst, 1)
		if _, err := dst.FindTenantBySlug(ctx, "ibaraki"); err == nil {
			t.Error("the other tenant was restored too")
		}

		// Again: the tenant is there, so the whole restore is refused.
		err := restore(dst, archive)
		var be *Error
		if !errors.As(err, &be) || be.Kind != Conflict || !strings.Contains(be.Ja, `"saga"`) || !strings.Contains(be.Ja, "空のデータベース") {
			t.Fatalf("second restore: %v", err)
		}
		sameDump(t, "after the refused restore", dump(t, dst, 0), want)

		// Another database whose tenants took the same ids.
		other := storetest.Open(t, src.Engine)
		seedTown(t, other, "kobe", "神戸市")
		seedTown(t, other, "shibuya", "渋谷区")
		before := dump(t, other, 0)
		a, err := Open(bytes.NewReader(archive))
		if err != nil {
			t.Fatal(err)
		}
		if checked, err := a.CheckTarget(ctx, other); !checked || !errors.As(err, &be) || be.Kind != Conflict || !strings.Contains(be.Ja, "tenants") {
			t.Errorf("dry-run check of colliding ids: %t %v", checked, err)
		}
		_ = a.Verify(nil, true) // unsigned archives of the tests
		if err := a.Restore(ctx, other); !errors.As(err, &be) || be.Kind != Conflict || !strings.Contains(be.En, "table tenants") {
			t.Errorf("restore over colliding ids: %v", err)
		}
		sameDump(t, "after the refused restore", dump(t, other, 0), before)
	})
}

// rewrite rebuilds an archive with edit applied to each entry's content
// (nil drops the entry); it keeps the gzip and tar framing valid, so that
// only the checks on the content can catch the change.
func rewrite(t *testing.T, archive []byte, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out bytes.Buffer
	gw := gzip.NewWriter(&out)
	tw := tar.NewWriter(gw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if data = edit(hdr.Name, data); data == nil {
			continue
		}
		hdr.Size = int64(len(data))
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	gw.Close()
	return out.Bytes()
}

// editManifest changes the manifest and, optionally, one table file
// consistently with it (new checksum and count), so that only the check of
// the rows themselves can refuse it.
func editManifest(t *testing.T, archive []byte, fm func(m map[string]any), file string, fd func([]byte) []byte) []byte {
	t.Helper()
	var newData []byte
	if file != "" {
		rewrite(t, archive, func(name string, data []byte) []byte {
			if name == file {
				newData = fd(data)
			}
			return data
		})
	}
	return rewrite(t, archive, func(name string, data []byte) []byte {
		switch name {
		case ManifestFile:
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			if newData != nil {
				for _, tf := range m["tables"].([]any) {
					tf := tf.(map[string]any)
					if tf["file"] == file {
						sum := sha256.Sum256(newData)
						tf["sha256"] = hex.EncodeToString(sum[:])
						tf["rows"] = bytes.Count(newData, []byte("\n"))
					}
				}
			}
			if fm != nil {
				fm(m)
			}
			b, _ := json.Marshal(m)
			return b
		case file:
			return newData
		}
		return data
	})
}

func tableEntry(m map[string]any, file string) map[string]any {
	for _, tf := range m["tables"].([]any) {
		if tf := tf.(map[string]any); tf["file"] == file {
			return tf
		}
	}
	return nil
}

// TestDamagedArchivesAreRefused feeds damaged, truncated and edited
// archives to a restore on each engine: each is refused whole with a
// message naming what is wrong, and the target stays empty.
func TestDamagedArchivesAreRefused(t *testing.T) {
	src := storetest.Open(t, store.SQLite)
	seedTown(t, src, "matsumoto", "松本市")
	good := create(t, src, "")
	latest, _ := store.LatestSchemaVersion(store.SQLite)

	type tc struct {
		name    string
		archive []byte
		kind    ErrorKind
		says    string // in the Japanese message
	}
	cases := []tc{
		{"empty file", nil, Corrupt, "空"},
		{"not gzip", []byte("id,slug\n1,matsumoto\n"), Corrupt, "gzip 形式ではありません"},
		{"plain tar", func() []byte {
			gz, _ := gzip.NewReader(bytes.NewReader(good))
			b, _ := io.ReadAll(gz)
			return b
		}(), Corrupt, "gzip 形式ではありません"},
		{"flipped byte in a table file", rewrite(t, good, func(name string, data []byte) []byte {
			if name == "staff.jsonl" {
				data = bytes.Clone(data)
				data[len(data)/2] ^= 0x01
			}
			return data
		}), Corrupt, "staff.jsonl のチェックサム"},
		{"edited value", rewrite(t, good, func(name string, data []byte) []byte {
			if name == "users.jsonl" {
				return bytes.Replace(data, []byte(`"disabled":true`), []byte(`"disabled":false`), 1)
			}
			return data
		}), Corrupt, "users.jsonl のチェックサム"},
		{"wrong row count", editManifest(t, good, func(m map[string]any) {
			tableEntry(m, "units.jsonl")["rows"] = 5
		}, "", nil), Corrupt, "units.jsonl の行数"},
		{"missing table file", rewrite(t, good, func(name string, data []byte) []byte {
			if name == "users.jsonl" {
				return nil
			}
			return data
		}), Corrupt, "users.jsonl がありません"},
		{"missing last file", rewrite(t, good, func(name string, data []byte) []byte {
			if name == "audit_log.jsonl" {
				return nil
			}
			return data
		}), Corrupt, "audit_log.jsonl がありません"},
		{"extra file", appendEntry(t, good, "notes.txt", []byte("hello")), Corrupt, `"notes.txt"`},
		{"newer schema", editManifest(t, good, func(m map[string]any) { m["schema_version"] = latest + 1 }, "", nil),
			Incompatible, "より新しい"},
		{"older schema without a newer table", editManifest(t, good, func(m map[string]any) {
			m["schema_version"] = latest - 1
			var kept []any
			for _, tf := range m["tables"].([]any) {
				if tf.(map[string]any)["name"] != "retention_settings" {
					kept = append(kept, tf)
				}
			}
			m["tables"] = kept
		}, "", nil), Incompatible, "バックアップを取った版の telework で復元してから"},
		{"newer format", editManifest(t, good, func(m map[string]any) { m["format_version"] = FormatVersion + 1 }, "", nil),
			Incompatible, "形式"},
		{"other format", editManifest(t, good, func(m map[string]any) { m["format"] = "pg_dump" }, "", nil),
			Corrupt, "telework のバックアップではありません"},
		{"table left out of the manifest", editManifest(t, good, func(m map[string]any) {
			m["tables"] = m["tables"].([]any)[:3]
		}, "", nil), Corrupt, "manifest に表"},
		{"unknown column", editManifest(t, good, nil, "tenants.jsonl", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`{"id":`), []byte(`{"mayor":"x","id":`), 1)
		}), Corrupt, `未知の列 "mayor"`},
		{"missing column", editManifest(t, good, nil, "tenants.jsonl", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`,"version":1`), nil, 1)
		}), Corrupt, "列 version がありません"},
		{"boolean as 0/1", editManifest(t, good, nil, "units.jsonl", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"retired":false`), []byte(`"retired":0`), 1)
		}), Corrupt, "retired"},
		{"null where not allowed", editManifest(t, good, nil, "staff.jsonl", func(d []byte) []byte {
			return regexp.MustCompile(`"tenant_id":\d+`).ReplaceAll(d, []byte(`"tenant_id":null`))
		}), Corrupt, "tenant_id が null"},
		{"fraction in an integer", editManifest(t, good, nil, "staff.jsonl", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"version":1`), []byte(`"version":1.5`), 1)
		}), Corrupt, "version"},
		{"not JSON", editManifest(t, good, nil, "staff.jsonl", func(d []byte) []byte {
			return append(d, "id,name\n"...)
		}), Corrupt, "staff.jsonl の"},
		{"trailing data after the gzip stream", append(bytes.Clone(good), "garbage"...), Corrupt, "gzip の終わり"},
	}
	for _, cut := range []int{1, 10, 30, len(good) / 4, len(good) / 2, len(good) - 40, len(good) - 8, len(good) - 1} {
		cases = append(cases, tc{"truncated at " + strconv.Itoa(cut) + " of " + strconv.Itoa(len(good)), good[:cut], Corrupt, "途中で切れて"})
	}

	storetest.Each(t, func(t *testing.T, dst *store.DB) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := restore(dst, c.archive)
				var be *Error
				if !errors.As(err, &be) {
					t.Fatalf("not refused with an explanation: %v", err)
				}
				if be.Kind != c.kind || !strings.Contains(be.Ja, c.says) || be.En == "" {
					t.Errorf("got kind %d %q / %q, want kind %d saying %q", be.Kind, be.Ja, be.En, c.kind, c.says)
				}
				isEmpty(t, dst)
			})
		}
		if err := restore(dst, good); err != nil {
			t.Fatalf("the good archive: %v", err)
		}
	})
}

// TestArchiveChangedDuringRestore swaps the file's content after it was
// verified: the damage is found while loading (in the last table) and the
// transaction rolls back, leaving the target as it was.
func TestArchiveChangedDuringRestore(t *testing.T) {
	src := storetest.Open(t, store.SQLite)
	seedTown(t, src, "matsumoto", "松本市")
	good := create(t, src, "")
	bad := rewrite(t, good, func(name string, data []byte) []byte {
		if name == "audit_log.jsonl" {
			return bytes.Replace(data, []byte(`"actor_label":"hr01"`), []byte(`"actor_label":"hr02"`), 1)
		}
		return data
	})
	storetest.Each(t, func(t *testing.T, dst *store.DB) {
		r := &swappable{data: good}
		a, err := Open(r)
		if err != nil {
			t.Fatal(err)
		}
		r.data, r.off = bad, 0
		_ = a.Verify(nil, true) // unsigned archives of the tests
		err = a.Restore(ctx, dst)
		var be *Error
		if !errors.As(err, &be) || !strings.Contains(be.Ja, "audit_log.jsonl") {
			t.Fatalf("changed archive: %v", err)
		}
		isEmpty(t, dst)
	})
}

type swappable struct {
	data []byte
	off  int64
}

func (s *swappable) Read(p []byte) (int, error) {
	if s.off >= int64(len(s.data)) {
		return 0, io.EOF
	}
	n := copy(p, s.data[s.off:])
	s.off += int64(n)
	return n, nil
}

func (s *swappable) Seek(off int64, whence int) (int64, error) {
	if whence != io.SeekStart {
		return 0, errors.New("only SeekStart")
	}
	s.off = off
	return off, nil
}

func appendEntry(t *testing.T, archive []byte, name string, data []byte) []byte {
	t.Helper()
	gz, _ := gzip.NewReader(bytes.NewReader(archive))
	tr := tar.NewReader(gz)
	var out bytes.Buffer
	gw := gzip.NewWriter(&out)
	tw := tar.NewWriter(gw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		b, _ := io.ReadAll(tr)
		tw.WriteHeader(hdr)
		tw.Write(b)
	}
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o600})
	tw.Write(data)
	tw.Close()
	gw.Close()
	return out.Bytes()
}

// TestBackupRefusesWhatItCannotDescribe: a database of another schema
// version and an unknown tenant are refused with an explanation.
func TestBackupRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var b bytes.Buffer
		if _, err := Create(ctx, db, &b, Options{Tenant: "nowhere"}); err == nil || !strings.Contains(err.Error(), "nowhere") {
			t.Errorf("unknown tenant: %v", err)
		}
		exec(t, db, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, TRUE)`)
		_, err := Create(ctx, db, &b, Options{})
		var be *Error
		if !errors.As(err, &be) || be.Kind != Incompatible || !strings.Contains(be.Ja, "新しい") {
			t.Errorf("newer schema: %v", err)
		}
	})
	empty, err := store.Open(ctx, t.TempDir()+"/empty.db")
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	var b bytes.Buffer
	if _, err := Create(ctx, empty, &b, Options{}); err == nil || !strings.Contains(err.Error(), "telework のテーブルがありません") {
		t.Errorf("empty database: %v", err)
	}
}

// TestArchiveIsDeterministic: the same data give the same bytes, whichever
// engine they come from, apart from the engine named in the manifest.
func TestArchiveIsDeterministic(t *testing.T) {
	var tables [2]map[string]string
	for k, eng := range storetest.Engines() {
		db := storetest.Open(t, eng)
		db.Now = func() time.Time { return fixedNow }
		seedTown(t, db, "matsumoto", "松本市")
		tables[k] = map[string]string{}
		archive := create(t, db, "")
		rewrite(t, archive, func(name string, data []byte) []byte {
			tables[k][name] = string(data)
			return data
		})
	}
	for name, data := range tables[0] {
		if name == ManifestFile {
			continue
		}
		if tables[1][name] != data {
			t.Errorf("%s differs between engines:\n%s\n%s", name, data, tables[1][name])
		}
	}
	if !strings.Contains(tables[0]["staff.jsonl"], `"retired":true`) || !strings.Contains(tables[0]["units.jsonl"], `"parent_id":null`) ||
		!strings.Contains(tables[0]["sso_settings.jsonl"], `"client_secret":"s3cret <&>"`) {
		t.Errorf("booleans, NULL or text not written as JSON values:\n%s", tables[0]["staff.jsonl"])
	}
}
