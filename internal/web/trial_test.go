package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

var secretRE = regexp.MustCompile(`<p class="secret"><code>([^<]+)</code>`)

// TestTrialOperatorTenantForm: counts typed with commas or in 全角 are read
// as written, a count that is not a number is refused naming the text and
// the form keeps it (never a 0); an empty 団体名 says 団体名; the created
// tenant shows its full sign-in URL.
func TestTrialOperatorTenantForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		op := w.session(t, "operator")
		form := func(name, size, general string) url.Values {
			return url.Values{"slug": {"ibaraki"}, "name": {name}, "kind": {"prefecture"}, "staff_size": {size},
				"general_admin_staff": {general}, "admin_login": {"jinji01"}}
		}
		res := w.do("POST", "/operator/tenants", form("", "1,200", "１，０００"), op)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「団体名」を入力してください") || strings.Contains(res.body, "「氏名」") {
			t.Errorf("empty 団体名: %d\n%s", res.code, res.body)
		}
		if !strings.Contains(res.body, `value="1,200"`) || !strings.Contains(res.body, `value="１，０００"`) {
			t.Errorf("the counts as typed are not shown again")
		}
		res = w.do("POST", "/operator/tenants", form("茨城県", "1200人", "1,2,00"), op)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「1200人」は読み取れません") ||
			!strings.Contains(res.body, "「1,2,00」は読み取れません") || !strings.Contains(res.body, `value="1200人"`) {
			t.Errorf("garbage counts: %d", res.code)
		}
		if ts, _ := db.FindTenants(context.Background()); len(ts) != 2 {
			t.Fatalf("a refused tenant was created: %d tenants", len(ts))
		}
		res = w.do("POST", "/operator/tenants", form("茨城県", "1,200", "１，０００"), op)
		if res.code != http.StatusCreated || !strings.Contains(res.body, "http://example.com/login?tenant=ibaraki") {
			t.Fatalf("create: %d\n%s", res.code, res.body)
		}
		tn, err := db.FindTenantBySlug(context.Background(), "ibaraki")
		if err != nil || tn.StaffSize != 1200 || tn.GeneralAdminStaff != 1000 {
			t.Fatalf("stored %+v %v", tn, err)
		}
		// Editing: the counts are shown and saved the same way.
		page := w.do("GET", "/operator/tenants/"+tItoa(tn.ID), nil, op)
		if !strings.Contains(page.body, "http://example.com/login?tenant=ibaraki") || !strings.Contains(page.body, `value="1200"`) {
			t.Errorf("tenant page: %d", page.code)
		}
		res = w.do("POST", "/operator/tenants/"+tItoa(tn.ID), url.Values{"version": {tItoa(tn.Version)}, "name": {"茨城県"}, "kind": {"prefecture"},
			"staff_size": {"6,400"}, "general_admin_staff": {"abc"}}, op)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `value="abc"`) || !strings.Contains(res.body, `value="6,400"`) {
			t.Errorf("update with garbage: %d", res.code)
		}
		if again, _ := db.FindTenantBySlug(context.Background(), "ibaraki"); again.StaffSize != 1200 || again.GeneralAdminStaff != 1000 {
			t.Errorf("a refused update changed the tenant: %+v", again)
		}

		// With a configured public URL, that is the address given.
		cfg := web.DefaultConfig()
		cfg.PublicURL = "https://telework.city.example.lg.jp/"
		srv, err := web.New(app.NewServices(db), telemetry.NewLogger(w.logs, slog.LevelDebug), telemetry.NewMetrics(nil), cfg)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/operator/tenants/"+tItoa(tn.ID), nil)
		req.AddCookie(op)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if !strings.Contains(rec.Body.String(), "https://telework.city.example.lg.jp/login?tenant=ibaraki") {
			t.Errorf("public URL not used: %d", rec.Code)
		}
	})
}

// TestTrialReissueTempPassword: the operator reissues the first HR
// account's temporary password from the tenant page; one that has set its
// own password needs the confirmation; a non-HR account is refused; each
// reissue is in the tenant's chain and in the instance chain.
func TestTrialReissueTempPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		op := w.session(t, "operator")
		res := w.do("POST", "/operator/tenants", url.Values{"slug": {"saga"}, "name": {"佐賀県"}, "kind": {"prefecture"},
			"staff_size": {"3000"}, "general_admin_staff": {"2000"}, "admin_login": {"jinji01"}}, op)
		m := secretRE.FindStringSubmatch(res.body)
		if res.code != http.StatusCreated || m == nil {
			t.Fatalf("create: %d", res.code)
		}
		first := m[1]
		tn, _ := db.FindTenantBySlug(ctx, "saga")
		u, err := db.FindUserByLogin(ctx, tn.ID, "jinji01")
		if err != nil {
			t.Fatal(err)
		}
		page := w.do("GET", "/operator/tenants/"+tItoa(tn.ID), nil, op)
		if !strings.Contains(page.body, "jinji01") || !strings.Contains(page.body, "仮パスワードのまま") {
			t.Fatalf("tenant page lacks the HR account: %s", page.body)
		}
		res = w.do("POST", "/operator/tenants/"+tItoa(tn.ID)+"/reissue", url.Values{"user_id": {tItoa(u.ID)}}, op)
		m = secretRE.FindStringSubmatch(res.body)
		if res.code != http.StatusOK || m == nil || m[1] == first {
			t.Fatalf("reissue: %d", res.code)
		}
		after, _ := db.FindUserByID(ctx, tn.ID, u.ID)
		if !after.MustChange || after.PasswordHash == u.PasswordHash {
			t.Errorf("after reissue: %+v", after)
		}
		count := func(tenantID int64) int {
			es, err := db.FindAuditEntries(ctx, tenantID, audit.Filter{Action: "user.password_reset", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		if count(tn.ID) != 1 || count(0) != 1 {
			t.Errorf("audit: tenant chain %d, instance chain %d, want 1 and 1", count(tn.ID), count(0))
		}

		// An HR account in use (松本市's hr) needs the confirmation.
		hr := w.users["hr"]
		res = w.do("POST", "/operator/tenants/"+tItoa(w.a.ID)+"/reissue", url.Values{"user_id": {tItoa(hr.ID)}}, op)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "確認のチェック") {
			t.Errorf("reissue without confirmation: %d", res.code)
		}
		if still, _ := db.FindUserByID(ctx, w.a.ID, hr.ID); still.PasswordHash != hr.PasswordHash {
			t.Error("an unconfirmed reissue changed the password")
		}
		res = w.do("POST", "/operator/tenants/"+tItoa(w.a.ID)+"/reissue", url.Values{"user_id": {tItoa(hr.ID)}, "confirm": {"1"}}, op)
		if res.code != http.StatusOK || secretRE.FindStringSubmatch(res.body) == nil {
			t.Errorf("confirmed reissue: %d", res.code)
		}
		// Not an HR account; another tenant's account.
		res = w.do("POST", "/operator/tenants/"+tItoa(w.a.ID)+"/reissue", url.Values{"user_id": {tItoa(w.users["staff"].ID)}, "confirm": {"1"}}, op)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "人事担当のアカウントではない") {
			t.Errorf("non-HR account: %d", res.code)
		}
		res = w.do("POST", "/operator/tenants/"+tItoa(w.a.ID)+"/reissue", url.Values{"user_id": {tItoa(w.users["b-hr"].ID)}, "confirm": {"1"}}, op)
		if res.code != http.StatusNotFound {
			t.Errorf("another tenant's account: %d", res.code)
		}
	})
}

func savePolicy(t *testing.T, db *store.DB, tenantID int64, edit func(*policy.Policy)) {
	t.Helper()
	tp, _ := policy.TemplateByName("matsumoto")
	p := tp.Policy
	if edit != nil {
		edit(&p)
	}
	v := &policy.Version{Effective: calendar.DateOf(time.Now()), Policy: p}
	if err := policy.NewService(db, time.Now).Save(context.Background(), tenantID, sys, v); err != nil {
		t.Fatal(err)
	}
}

// TestTrialRulesPage: every tenant account reads the rules in force as
// they apply to it; the home page says what each role can do and links
// the rules (and, for 情報政策, the SSO settings).
func TestTrialRulesPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		staff := w.session(t, "staff")
		if res := w.do("GET", "/rules", nil, staff); res.code != http.StatusOK || !strings.Contains(res.body, "適用されているテレワークの制度がありません") {
			t.Fatalf("no policy yet: %d", res.code)
		}
		savePolicy(t, db, w.a.ID, func(p *policy.Policy) {
			p.Caps.WeeklyMaxDays, p.Caps.MinOfficeDaysPerWeek = 3, 1
			p.UnitRules = []policy.UnitRule{{UnitCode: "110", WeeklyMaxDays: 2}}
		})
		res := w.do("GET", "/rules", nil, staff)
		for _, want := range []string{"あなたのテレワークの制度", "あなたは今の制度でテレワークの対象です", "在宅勤務",
			"1週間(月曜から日曜)に2日まで", "原則として週1日以上は出勤", "所属コード 110 の定め", "標準の勤務時間は",
			"紙書類の持ち出し", "個人情報は持ち出し禁止", "申請の締切"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("rules page lacks %q", want)
			}
		}
		// Every kind of member account reads it; the auditor reads the
		// audit log and nothing else (SPEC §2).
		for _, k := range []string{"supervisor", "hr", "it"} {
			if res := w.do("GET", "/rules", nil, w.session(t, k)); res.code != http.StatusOK {
				t.Errorf("%s: %d", k, res.code)
			}
		}
		if res := w.do("GET", "/rules", nil, w.session(t, "auditor")); res.code != http.StatusForbidden {
			t.Errorf("auditor: %d", res.code)
		}
		// An account of the information policy division without a staff
		// record is told these are nobody's rules in particular.
		it2 := &auth.User{LoginID: "it2", PasswordHash: w.users["it"].PasswordHash, Granted: []auth.Role{auth.ITAdmin}}
		storetest.Must(t, storetest.F(db).CreateUser(context.Background(), w.a.ID, audit.Actor{Label: "test"}, it2))
		w.users["it2"] = it2
		if res := w.do("GET", "/rules", nil, w.session(t, "it2")); !strings.Contains(res.body, "職員の記録と結び付いていない") {
			t.Error("an account without a staff record is not told whose rules these are")
		}
		// Rules the person does not meet are explained.
		savePolicyNext := func() {
			tp, _ := policy.TemplateByName("matsumoto")
			p := tp.Policy
			p.Eligibility.Reasons = []string{"childcare", "nursing"}
			v := &policy.Version{Effective: calendar.DateOf(time.Now()).AddDays(1), Policy: p}
			if err := policy.NewService(db, func() time.Time { return time.Now().Add(24 * time.Hour) }).Save(context.Background(), w.b.ID, sys, v); err != nil {
				t.Fatal(err)
			}
		}
		savePolicyNext()
		savePolicy(t, db, w.b.ID, func(p *policy.Policy) { p.Eligibility.Reasons = []string{"childcare"} })
		res = w.do("GET", "/rules", nil, w.session(t, "b-hr"))
		if !strings.Contains(res.body, "対象になりません") || !strings.Contains(res.body, "新しい制度に変わります") {
			t.Errorf("ineligible person: %s", res.body)
		}

		// Home: what each role can do, with links.
		home := w.do("GET", "/", nil, staff)
		for _, want := range []string{"あなたができること", `href="/rules"`, "自分に適用されるテレワークの制度を確認"} {
			if !strings.Contains(home.body, want) {
				t.Errorf("staff home lacks %q", want)
			}
		}
		it := w.do("GET", "/", nil, w.session(t, "it"))
		if strings.Count(it.body, `href="/sso/settings"`) < 2 || !strings.Contains(it.body, "シングルサインオンを設定") {
			t.Error("情報政策's home and menu do not link to the SSO settings")
		}
		if strings.Contains(home.body, `href="/sso/settings"`) {
			t.Error("staff see the SSO settings link")
		}
	})
}

// TestTrialEnglishWareki: English pages with the Japanese era chosen show
// the era (romanised) with the ISO date; Japanese pages show 令和.
func TestTrialEnglishWareki(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		savePolicy(t, db, w.a.ID, nil)
		staff := w.session(t, "staff")
		today := calendar.DateOf(time.Now())
		era, y, _ := calendar.EraOf(today)
		if res := w.do("POST", "/settings", url.Values{"lang": {"en"}, "era": {"wareki"}}, staff); res.code != http.StatusSeeOther {
			t.Fatalf("settings: %d", res.code)
		}
		res := w.do("GET", "/rules", nil, staff)
		want := today.String() + " (" + era.NameEn + " " + tItoa(int64(y)) + ")"
		if !strings.Contains(res.body, want) || !strings.Contains(res.body, `lang="en"`) {
			t.Errorf("English with wareki: want %q in the page", want)
		}
		w.do("POST", "/settings", url.Values{"lang": {"ja"}, "era": {"wareki"}}, staff)
		if res := w.do("GET", "/rules", nil, staff); !strings.Contains(res.body, calendar.Wareki(today)) {
			t.Errorf("Japanese with wareki: want %q", calendar.Wareki(today))
		}
	})
}

// TestTrialLabels: the declaration is worded as a declaration; checkbox
// groups are fieldsets with a legend; 週の最低出勤日数 says 下回る; no
// 「(Step 8)」 in Japanese text.
func TestTrialLabels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		settings := w.do("GET", "/settings", nil, w.session(t, "staff"))
		if !strings.Contains(settings.body, "<legend>申し出る事由") || strings.Contains(settings.body, "職員に限る") {
			t.Errorf("the declaration reads as a policy limit")
		}
		hr := w.session(t, "hr")
		for _, page := range []string{"/policy/new?from=ibaraki", "/staff/" + tItoa(w.staff["a-staff"].ID)} {
			res := w.do("GET", page, nil, hr)
			if strings.Contains(res.body, `<p class="group-label">`) || !strings.Contains(res.body, `<legend class="group-label">`) {
				t.Errorf("%s: checkbox groups without fieldset/legend", page)
			}
		}
		form := w.do("GET", "/policy/new?from=saga", nil, hr)
		if !strings.Contains(form.body, "下回ると警告") || strings.Contains(form.body, "超えると警告") || strings.Contains(form.body, "Step") {
			t.Errorf("policy form wording")
		}
	})
	f := policy.Finding{Key: "policy.caps.min_office", Args: map[string]any{"Min": 2, "Office": "1"}}
	if m := f.Message("ja"); !strings.Contains(m, "下回ります") || !strings.Contains(m, "週の最低出勤日数(2日)") {
		t.Errorf("min office finding: %s", m)
	}
	ja, err := os.ReadFile("../i18n/messages/ja.toml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(ja), "Step 8") {
		t.Error("「(Step 8)」 in Japanese text")
	}
	if i18n.T("ja", "fieldname.tenant_name", nil) != "団体名" {
		t.Error("tenant name label")
	}
}

func tItoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestTrialRetireAsksFirst: 退職 of one person is asked for on a page of
// its own, naming them; without the ticked confirmation nothing changes.
func TestTrialRetireAsksFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		st := w.staff["a-other"]
		id := tItoa(st.ID)
		show := w.do("GET", "/staff/"+id, nil, hr)
		if !strings.Contains(show.body, `href="/staff/`+id+`/retire"`) || strings.Contains(show.body, `value="retire"`) {
			t.Errorf("the staff page retires without asking")
		}
		page := w.do("GET", "/staff/"+id+"/retire", nil, hr)
		if page.code != http.StatusOK || !strings.Contains(page.body, "渡邉 三郎さんを退職にします") || !strings.Contains(page.body, `name="confirm"`) {
			t.Fatalf("confirmation page: %d", page.code)
		}
		res := w.do("POST", "/staff/"+id+"/retire", url.Values{"version": {tItoa(st.Version)}, "action": {"retire"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "確認のチェックを入れてください") {
			t.Errorf("retire without confirmation: %d", res.code)
		}
		if got, _ := db.FindStaffByID(context.Background(), w.a.ID, st.ID); got.Retired {
			t.Fatal("retired without confirmation")
		}
		res = w.do("POST", "/staff/"+id+"/retire", url.Values{"version": {tItoa(st.Version)}, "action": {"retire"}, "confirm": {"1"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("confirmed retire: %d", res.code)
		}
		got, _ := db.FindStaffByID(context.Background(), w.a.ID, st.ID)
		if !got.Retired {
			t.Fatal("not retired")
		}
		// Reinstating needs no confirmation.
		res = w.do("POST", "/staff/"+id+"/retire", url.Values{"version": {tItoa(got.Version)}, "action": {"reinstate"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Errorf("reinstate: %d", res.code)
		}
	})
}

// TestTrialStaffDirectoryPages: the directory shows 50 a page with the
// total, the range shown and numbered page links; 職員番号 cells do not
// break.
func TestTrialStaffDirectoryPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		var list []*org.Staff
		for i := range 301 {
			n := 2000 + i
			list = append(list, &org.Staff{StaffNo: strconv.Itoa(n), Name: "試験 " + strconv.Itoa(n), Kana: "しけん",
				UnitID: w.units["a-team"].ID, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"})
		}
		if err := storetest.F(db).Org.CreateStaffMany(ctx, w.a.ID, sys, list, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		staff := w.session(t, "staff")
		res := w.do("GET", "/staff", nil, staff)
		rows := strings.Count(res.body, `<td class="nowrap">`)
		if rows != 50 || !strings.Contains(res.body, "306人が見つかりました") || !strings.Contains(res.body, "1～50人目") {
			t.Errorf("first page: %d rows", rows)
		}
		for _, want := range []string{`aria-current="page" class="pager__current">1<`, `>2</a>`, `>3</a>`, `>7</a>`, "…"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("page links lack %q", want)
			}
		}
		res = w.do("GET", "/staff?page=7", nil, staff)
		if rows := strings.Count(res.body, `<td class="nowrap">`); rows != 6 || !strings.Contains(res.body, "301～306人目") {
			t.Errorf("last page: %d rows", rows)
		}
		css := w.do("GET", "/static/app.css", nil, nil)
		if !strings.Contains(css.body, ".nowrap { white-space: nowrap") {
			t.Error("the stylesheet lets codes and dates break")
		}
	})
}
