package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/telemetry"
	"telework/internal/web"
)

func sessionFrom(t *testing.T, res resp) *http.Cookie {
	t.Helper()
	for _, c := range res.cookies {
		if c.Name == "telework_session" && c.Value != "" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie flags: HttpOnly=%v SameSite=%v", c.HttpOnly, c.SameSite)
			}
			return c
		}
	}
	t.Fatalf("no session cookie in response (%d %s)", res.code, res.location)
	return nil
}

func login(w *world, tenant, id, pw string, hdr ...string) resp {
	return w.do("POST", "/login", url.Values{"tenant": {tenant}, "login_id": {id}, "password": {pw}}, nil, hdr...)
}

func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		// Wrong password, unknown account, unknown tenant: one message.
		for _, tc := range [][3]string{{"matsumoto", "hr", "wrong-password"}, {"matsumoto", "nobody", "x"}, {"nowhere", "hr", fixturePassword}} {
			res := login(w, tc[0], tc[1], tc[2])
			if res.code != http.StatusUnauthorized || !strings.Contains(res.body, "正しくありません") {
				t.Errorf("%v: got %d", tc, res.code)
			}
		}
		// Empty fields are named.
		res := login(w, "", "", "")
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "「団体コード」を入力してください") ||
			!strings.Contains(res.body, `aria-describedby="f-login_id-error"`) {
			t.Errorf("empty sign-in form: %d", res.code)
		}
		// Success: session cookie, then the home page names the person.
		res = login(w, "matsumoto", "hr", fixturePassword)
		if res.code != http.StatusSeeOther || res.location != "/" {
			t.Fatalf("sign-in: %d → %s", res.code, res.location)
		}
		c := sessionFrom(t, res)
		home := w.do("GET", "/", nil, c)
		if home.code != 200 || !strings.Contains(home.body, "鈴木 一郎") {
			t.Fatalf("home after sign-in: %d", home.code)
		}
		// The same account in another tenant is a different account.
		if res := login(w, "kakegawa", "hr", "wrong"); res.code != http.StatusUnauthorized {
			t.Errorf("kakegawa hr wrong password: %d", res.code)
		}
		// Sign-out ends the session.
		w.do("POST", "/logout", url.Values{}, c)
		if res := w.do("GET", "/", nil, c); res.code != http.StatusSeeOther {
			t.Errorf("after sign-out: %d", res.code)
		}
		// A safe next is honoured; another site is not.
		res = w.do("POST", "/login", url.Values{"tenant": {"matsumoto"}, "login_id": {"hr"}, "password": {fixturePassword}, "next": {"//evil.example/x"}}, nil)
		if res.location != "/" {
			t.Errorf("open redirect: → %s", res.location)
		}
	})
}

// throttleServer is a server over db whose address throttling starts after
// 10 failures and slows failures by 50 ms (the product: 30 and 1 s).
func throttleServer(t *testing.T, db *store.DB, cfg web.Config) *web.Server {
	t.Helper()
	svc := app.NewServices(db)
	l := svc.Auth.Limits()
	l.MaxAddressFailures, l.AddressDelay = 10, 50*time.Millisecond
	svc.Auth.SetLimits(l)
	srv, err := web.New(svc, telemetry.NewLogger(io.Discard, slog.LevelError), telemetry.NewMetrics(nil), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestSignInThrottle: failures lock an account from one address (even the
// right password waits), never the address as a whole: a city hall is one
// NAT (issue 10 item 7). Behind --trust-proxy the client is the right-most
// X-Forwarded-For hop that is not one of our proxies.
func TestSignInThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.srv = throttleServer(t, db, web.DefaultConfig())
		for i := range 5 {
			if res := login(w, "matsumoto", "staff", "wrong-"+strconv.Itoa(i)); res.code != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i, res.code)
			}
		}
		// Locked now, even with the right password.
		res := login(w, "matsumoto", "staff", fixturePassword)
		if res.code != http.StatusTooManyRequests || !strings.Contains(res.body, "一時的にログインを制限") {
			t.Fatalf("6th attempt: %d", res.code)
		}
		// Another account from the same address is not affected.
		if res := login(w, "matsumoto", "hr", fixturePassword); res.code != http.StatusSeeOther {
			t.Errorf("other account: %d", res.code)
		}
		// Many accounts tried from one address: failures are slowed down,
		// but a correct password from that address still signs in.
		for i := range 12 {
			if res := login(w, "matsumoto", "guess"+strconv.Itoa(i), "x"); res.code != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d", i, res.code)
			}
		}
		began := time.Now()
		if res := login(w, "matsumoto", "guess-more", "x"); res.code != http.StatusUnauthorized || time.Since(began) < 50*time.Millisecond {
			t.Errorf("a failure from a busy address: %d after %v, want 401 slowed by 50ms", res.code, time.Since(began))
		}
		if res := login(w, "matsumoto", "it", fixturePassword); res.code != http.StatusSeeOther {
			t.Errorf("a correct password blocked by the address count: %d", res.code)
		}
		// Without --trust-proxy, X-Forwarded-For is anyone's to write and
		// does not get the account out of its lock.
		if res := login(w, "matsumoto", "staff", fixturePassword, "X-Forwarded-For", "198.51.100.7"); res.code != http.StatusTooManyRequests {
			t.Errorf("untrusted X-Forwarded-For escaped the lock: %d", res.code)
		}
		// Behind a trusted proxy the client is the right-most hop: the
		// left-most entries are the client's to write and change nothing.
		cfg := web.DefaultConfig()
		cfg.TrustProxy = true
		w.srv = throttleServer(t, db, cfg)
		for i := range 5 {
			if res := login(w, "matsumoto", "supervisor", "wrong", "X-Forwarded-For", "203.0.113."+strconv.Itoa(i)+", 198.51.100.20"); res.code != http.StatusUnauthorized {
				t.Fatalf("proxied attempt %d: %d", i, res.code)
			}
		}
		if res := login(w, "matsumoto", "supervisor", fixturePassword, "X-Forwarded-For", "203.0.113.99, 198.51.100.20"); res.code != http.StatusTooManyRequests {
			t.Errorf("a forged left-most hop escaped the lock: %d", res.code)
		}
		if res := login(w, "matsumoto", "supervisor", fixturePassword, "X-Forwarded-For", "198.51.100.21"); res.code != http.StatusSeeOther {
			t.Errorf("another address behind the proxy: %d", res.code)
		}
		// With a list of our proxies (a load balancer before nginx), their
		// hops are skipped: the client is still 198.51.100.20.
		cfg.TrustedProxies, _ = web.ParseTrustedProxies("192.0.2.0/24, 10.1.1.1")
		w.srv = throttleServer(t, db, cfg)
		if res := login(w, "matsumoto", "supervisor", fixturePassword, "X-Forwarded-For", "203.0.113.99, 198.51.100.20, 10.1.1.1"); res.code != http.StatusTooManyRequests {
			t.Errorf("behind two proxies: %d", res.code)
		}
	})
}

func TestForcedPasswordChangeAndReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		// HR resets the spare account: a temporary password is shown once.
		res := w.do("POST", "/accounts/"+strconv.FormatInt(w.users["spare"].ID, 10)+"/reset", url.Values{}, hr)
		if res.code != 200 || !strings.Contains(res.body, "仮パスワード") {
			t.Fatalf("reset: %d", res.code)
		}
		// Not one's own password (the change of one's own asks for it).
		if res := w.do("POST", "/accounts/"+strconv.FormatInt(w.users["hr"].ID, 10)+"/reset", url.Values{}, hr); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "他の人事管理者に依頼") {
			t.Errorf("HR reset its own password: %d", res.code)
		}
		i := strings.Index(res.body, "<code>")
		temp := res.body[i+6 : i+6+16]
		res = login(w, "matsumoto", "spare", temp)
		c := sessionFrom(t, res)
		// Every page but the password page sends them to change it.
		if res := w.do("GET", "/staff", nil, c); res.code != http.StatusSeeOther || res.location != "/password" {
			t.Fatalf("forced change: %d → %s", res.code, res.location)
		}
		res = w.do("POST", "/password", url.Values{"current_password": {temp}, "new_password": {"short"}, "confirm_password": {"short"}}, c)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "12文字以上") {
			t.Fatalf("short password: %d", res.code)
		}
		res = w.do("POST", "/password", url.Values{"current_password": {temp}, "new_password": {"長い合言葉は春の小川のほとり"}, "confirm_password": {"長い合言葉は春の小川のほとり"}}, c)
		if res.code != http.StatusSeeOther {
			t.Fatalf("change: %d %s", res.code, res.body)
		}
		// The session was rotated (issue 10 item 10): the old cookie is
		// signed out, the new one works.
		if res := w.do("GET", "/staff", nil, c); res.code != http.StatusSeeOther || !strings.Contains(res.location, "/login") {
			t.Errorf("the old session cookie after the change: %d → %s", res.code, res.location)
		}
		if res := w.do("GET", "/staff", nil, sessionFrom(t, res)); res.code != 200 {
			t.Errorf("after change: %d", res.code)
		}
		if res := login(w, "matsumoto", "spare", "長い合言葉は春の小川のほとり"); res.code != http.StatusSeeOther {
			t.Errorf("sign-in with the new password: %d", res.code)
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		id := strconv.FormatInt(w.staff["a-other"].ID, 10)
		form := url.Values{"version": {"1"}, "confirm": {"1"}}
		res := w.do("POST", "/staff/"+id+"/retire", form, hr, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if res.code != http.StatusForbidden || !strings.Contains(res.body, "別のサイト") {
			t.Fatalf("cross-site POST: %d", res.code)
		}
		st, _ := db.FindStaffByID(context.Background(), w.a.ID, w.staff["a-other"].ID)
		if st.Retired {
			t.Fatal("cross-site POST changed data")
		}
		// The same request from our own page goes through.
		res = w.do("POST", "/staff/"+id+"/retire", form, hr, "Sec-Fetch-Site", "same-origin")
		if res.code != http.StatusSeeOther {
			t.Fatalf("same-origin POST: %d", res.code)
		}
		// The API: a cross-site call riding on the session cookie is
		// refused as problem details (nothing under /api/ answers HTML); one
		// carrying its own token (a groupware page) goes through.
		req := httptest.NewRequest("PUT", "/api/v1/presence", strings.NewReader(`{"status":"busy"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		req.AddCookie(w.session(t, "staff"))
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
			t.Fatalf("cross-site API call with the cookie: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
		tok := mkToken(t, w, "staff", false)
		if res := w.call("PUT", "/api/v1/presence", `{"status":"busy"}`, tok, "Sec-Fetch-Site", "cross-site", "Origin", "https://groupware.example.lg.jp"); res.code != http.StatusOK {
			t.Fatalf("cross-site API call with a token: %d %s", res.code, res.body)
		}
	})
}

func TestBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr := w.session(t, "hr")
		before, _ := db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Limit: 500})
		// Oversized body.
		big := url.Values{"name": {strings.Repeat("あ", 1<<20)}}
		if res := w.do("POST", "/staff", big, hr); res.code != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "上限") {
			t.Errorf("oversized: %d", res.code)
		}
		// Malformed ids and unknown ids.
		for _, p := range []string{"/staff/abc", "/staff/0", "/staff/99999999", "/units/-1", "/accounts/1e9"} {
			if res := w.do("GET", p, nil, hr); res.code != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, res.code)
			}
		}
		// Every field wrong: each is named, nothing is written.
		res := w.do("POST", "/staff", url.Values{"staff_no": {"12 34"}, "name": {""}, "kana": {"Yamada"}, "email": {"not-mail"},
			"unit_id": {"x"}, "rank": {"king"}, "employment": {"?"}, "job_type": {"?"}, "commute_minutes": {"abc"}, "sensitive_opt_in": {"1"}}, hr)
		for _, want := range []string{"「職員番号」は半角英数字", "「氏名」を入力してください", "「ふりがな」はひらがな", "「メールアドレス」はメールアドレスの形式",
			"「所属」は一覧から選んでください", "「職層」は一覧から", "「通勤時間(分)」は半角または全角の数字"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("bad staff form: missing %q", want)
			}
		}
		if res.code != http.StatusUnprocessableEntity {
			t.Errorf("bad staff form: %d", res.code)
		}
		// A stale form: the record changed after the form was opened.
		id := strconv.FormatInt(w.staff["a-staff"].ID, 10)
		good := url.Values{"staff_no": {"1001"}, "name": {"山田 太郎"}, "kana": {"やまだ たろう"}, "unit_id": {strconv.FormatInt(w.units["a-sect"].ID, 10)},
			"rank": {"staff"}, "employment": {"regular"}, "job_type": {"general"}, "version": {"1"}}
		if res := w.do("POST", "/staff/"+id, good, hr); res.code != http.StatusSeeOther {
			t.Fatalf("first edit: %d %s", res.code, res.body)
		}
		res = w.do("POST", "/staff/"+id, good, hr)
		if res.code != http.StatusConflict || !strings.Contains(res.body, "他の人が更新しました") {
			t.Errorf("stale edit: %d", res.code)
		}
		after, _ := db.FindAuditEntries(ctx, w.a.ID, audit.Filter{Limit: 500})
		if len(after) != len(before)+1 {
			t.Errorf("audit entries grew by %d, want 1 (only the good edit)", len(after)-len(before))
		}
		// 全角 digits in the staff number are accepted as typed by an IME? No: the
		// 職員番号 keeps the rule of half-width codes, but integers accept them.
		res = w.do("POST", "/units", url.Values{"name": {"新しい係"}, "code": {"999"}, "level": {"係"}, "parent_id": {strconv.FormatInt(w.units["a-sect"].ID, 10)}, "sort_order": {"１２"}}, hr)
		if res.code != http.StatusSeeOther {
			t.Errorf("unit with 全角 sort order: %d %s", res.code, res.body)
		}
	})
}

func TestSensitiveOnlyForHR(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		id := strconv.FormatInt(w.staff["a-staff"].ID, 10)
		for _, k := range []string{"staff", "supervisor", "it"} {
			res := w.do("GET", "/staff/"+id, nil, w.session(t, k))
			if res.code != 200 || strings.Contains(res.body, "30代") || strings.Contains(res.body, "育児") || strings.Contains(res.body, "女性") {
				t.Errorf("%s sees sensitive attributes (%d)", k, res.code)
			}
		}
		res := w.do("GET", "/staff/"+id, nil, w.session(t, "hr"))
		if !strings.Contains(res.body, "30代") || !strings.Contains(res.body, "育児") {
			t.Error("HR does not see the sensitive attributes")
		}
		// The audit log records that they exist, not what they are.
		ents, _ := db.FindAuditEntries(context.Background(), w.a.ID, audit.Filter{ObjectType: "staff"})
		for _, e := range ents {
			if strings.Contains(string(e.After), "childcare") || strings.Contains(string(e.After), "30s") {
				t.Fatalf("audit entry holds a sensitive value: %s", e.After)
			}
		}
		// A supervisor sees their section's history, not another section's.
		sup := w.session(t, "supervisor")
		if res := w.do("GET", "/staff/"+id, nil, sup); !strings.Contains(res.body, "異動履歴") {
			t.Error("supervisor does not see own section's history")
		}
		other := strconv.FormatInt(w.staff["a-other"].ID, 10)
		if res := w.do("GET", "/staff/"+other, nil, sup); strings.Contains(res.body, "異動履歴") {
			t.Error("supervisor sees another section's history")
		}
	})
}

func TestKanaSearchPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		c := w.session(t, "staff")
		for _, q := range []string{"やまだ", "ヤマダ", "ﾔﾏﾀﾞ", "山田", "１００１"} {
			res := w.do("GET", "/staff?q="+url.QueryEscape(q), nil, c)
			if res.code != 200 || !strings.Contains(res.body, "山田 太郎") || strings.Contains(res.body, "掛川 太郎") {
				t.Errorf("search %q: %d", q, res.code)
			}
		}
	})
}

func TestAuditorSeesOnlyTheLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		c := w.session(t, "auditor")
		res := w.do("GET", "/audit?kind=staff.create", nil, c)
		if res.code != 200 || !strings.Contains(res.body, "職員の登録</h2>") || strings.Contains(res.body, "組織の新設</h2>") {
			t.Fatalf("audit filter: %d", res.code)
		}
		// Entries of the other tenant never appear.
		if strings.Contains(res.body, "掛川") {
			t.Error("auditor sees another tenant's entries")
		}
		for _, p := range []string{"/staff", "/units", "/accounts"} {
			if res := w.do("GET", p, nil, c); res.code != http.StatusForbidden {
				t.Errorf("auditor GET %s: %d", p, res.code)
			}
		}
	})
}

func TestErrorSummaryFollowsTheForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		res := w.do("POST", "/staff", url.Values{"commute_minutes": {"x"}, "sensitive_opt_in": {"1"}}, w.session(t, "hr"))
		summary := res.body[strings.Index(res.body, `id="error-summary"`):]
		summary = summary[:strings.Index(summary, "</div>")]
		order := []string{"#f-staff_no", "#f-name", "#f-kana", "#f-unit_id", "#f-commute_minutes"}
		last := -1
		for _, a := range order {
			i := strings.Index(summary, a)
			if i < 0 || i < last {
				t.Fatalf("summary order: %s missing or out of place in\n%s", a, summary)
			}
			last = i
		}
	})
}

func TestRetentionSettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		c := w.session(t, "hr")
		if res := w.do("GET", "/retention", nil, c); res.code != 200 || !strings.Contains(res.body, "退職者の個人情報") {
			t.Fatalf("retention page: %d\n%s", res.code, w.logs.String())
		}
		res := w.do("POST", "/retention", url.Values{"retired_staff": {"100"}, "api_tokens": {"x"}}, c)
		if res.code != 422 || !strings.Contains(res.body, "365 日以上") || !strings.Contains(res.body, "「無効・期限切れのAPIトークン」は半角") {
			t.Errorf("bad retention: %d", res.code)
		}
		if res := w.do("POST", "/retention", url.Values{"retired_staff": {"3650"}, "api_tokens": {"90"}}, c); res.code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.code, res.body)
		}
		set, _ := db.FindRetention(context.Background(), w.a.ID)
		if set["retired_staff"] != 3650 || set["api_tokens"] != 90 {
			t.Errorf("stored %v", set)
		}
		if other, _ := db.FindRetention(context.Background(), w.b.ID); len(other) != 0 {
			t.Errorf("another tenant's settings changed: %v", other)
		}
	})
}
