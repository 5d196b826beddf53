package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"telework/internal/app"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// auditWorld is the world after a day of 人事 work: a move (異動), a
// rename, a new unit, a password reissued, a failed sign-in.
func auditWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := newWorld(t, db)
	ctx := context.Background()
	f := storetest.F(db)
	hr := audit.Actor{ID: w.users["hr"].ID, Label: "hr"}
	yamada := w.staff["a-staff"]
	sect := w.units["a-sect"].ID
	moved, err := f.Org.UpdateStaff(ctx, w.a.ID, hr, yamada.ID, org.StaffUpdate{UnitID: &sect, ExpectVersion: yamada.Version})
	if err != nil {
		t.Fatal(err)
	}
	name := "山田 次郎"
	if _, err := f.Org.UpdateStaff(ctx, w.a.ID, hr, yamada.ID, org.StaffUpdate{Name: &name, ExpectVersion: moved.Version}); err != nil {
		t.Fatal(err)
	}
	if err := f.Org.CreateUnit(ctx, w.a.ID, hr, &org.Unit{ParentID: w.units["a-dept"].ID, Code: "120", Name: "職員課", Level: "課"}, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Auth.ResetPassword(ctx, &auth.Principal{TenantID: w.a.ID, UserID: hr.ID, LoginID: hr.Label}, w.users["spare"].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Auth.SignIn(ctx, auth.SignIn{Tenant: "matsumoto", LoginID: "staff", Password: "wrong-password-x"}); err == nil {
		t.Fatal("a wrong password signed in")
	}
	return w
}

var h2RE = regexp.MustCompile(`<h2 class="audit-entry__head"><span class="seq">番号 (\d+)</span> ([^<]*)</h2>`)

// kinds lists the page's entries as "seq kind".
func kinds(body string) []string {
	var out []string
	for _, m := range h2RE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[2])
	}
	return out
}

func TestAuditorReadsTheLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := auditWorld(t, db)
		c := w.session(t, "auditor")
		res := w.do("GET", "/audit", nil, c)
		if res.code != 200 {
			t.Fatalf("GET /audit: %d", res.code)
		}
		got := kinds(res.body)
		want := []string{"ログイン失敗", "パスワードの再発行", "組織の新設", "職員情報の変更", "職員の異動"}
		if len(got) < len(want) || strings.Join(got[:len(want)], ",") != strings.Join(want, ",") {
			t.Fatalf("kinds, newest first: %v", got)
		}
		for _, s := range []string{
			"職員 1001 山田 次郎", // the rename's object, as its own snapshot names it
			"職員 1001 山田 太郎", // the move's object, as it was then
			"組織 120 職員課",
			"アカウント spare",
			"<th scope=\"row\">所属</th><td>111 人事係</td><td>110 人事課</td>", // unit ids shown as the units
			"<th scope=\"row\">氏名</th><td>山田 太郎</td><td>山田 次郎</td>",
			"同意による分析用属性(内容は表示しません)",
			"hr</a> (1003 鈴木 一郎)", // the actor with the person behind the account
		} {
			if !strings.Contains(res.body, s) {
				t.Errorf("page lacks %q", s)
			}
		}
		// The rename's table shows the name only: unchanged fields and the
		// version are hidden; no raw JSON null in the tables.
		rename := res.body[strings.Index(res.body, "職員情報の変更</h2>"):]
		rename = rename[:strings.Index(rename, "</table>")]
		if strings.Count(rename, `scope="row"`) != 1 {
			t.Errorf("rename shows more than the name:\n%s", rename)
		}
		tables := regexp.MustCompile(`(?s)<table>.*?</table>`).FindAllString(res.body, -1)
		for _, tb := range tables {
			if strings.Contains(tb, "null") || strings.Contains(tb, "unit_id") {
				t.Errorf("a changes table shows raw JSON: %s", tb)
			}
		}
		// The stored bytes are shown as stored, under the hash.
		if !strings.Contains(res.body, "&#34;name&#34;:&#34;山田 次郎&#34;") {
			t.Error("the stored JSON is not shown")
		}
	})
}

func TestAuditorFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := auditWorld(t, db)
		c := w.session(t, "auditor")
		get := func(q string) []string {
			t.Helper()
			res := w.do("GET", "/audit?"+q, nil, c)
			if res.code != 200 {
				t.Fatalf("GET /audit?%s: %d", q, res.code)
			}
			return kinds(res.body)
		}
		only := func(q string, want ...string) {
			t.Helper()
			got := get(q)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: %v, want %v", q, got, want)
			}
		}
		only("kind=staff.move", "職員の異動")
		only("kind=staff.update", "職員情報の変更")
		only("kind=auth.login_failed", "ログイン失敗")
		// Object by 職員番号, by part of a name, by type and code.
		only("object=1001&kind=staff.update", "職員情報の変更")
		only("object=山田&object_type=staff&kind=staff.move", "職員の異動")
		only("object_type=unit&object=120", "組織の新設")
		// Person by login id or by the name of the person behind it.
		hr := get("person=hr")
		if len(hr) != 4 {
			t.Errorf("person=hr: %v", hr)
		}
		if byName := get("person=" + url.QueryEscape("鈴木")); strings.Join(byName, ",") != strings.Join(hr, ",") {
			t.Errorf("person by name: %v, want %v", byName, hr)
		}
		if res := w.do("GET", "/audit?person=nobody-here", nil, c); !strings.Contains(res.body, "に当たる操作者は記録にありません") {
			t.Error("an unknown person is not said")
		}
		// Dates: today (Tokyo) holds everything; tomorrow nothing.
		today := db.Now().In(time.FixedZone("JST", 9*3600))
		if got := get("from=" + today.Format("2006-01-02") + "&to=" + today.Format("2006-01-02")); len(got) == 0 {
			t.Error("today's entries are not found by date")
		}
		if got := get("from=" + today.AddDate(0, 0, 1).Format("2006-01-02")); len(got) != 0 {
			t.Errorf("tomorrow: %v", got)
		}
		if res := w.do("GET", "/audit?from=2026-13-45", nil, c); !strings.Contains(res.body, `id="f-from-error"`) {
			t.Error("an unreadable date is not reported on its field")
		}
		// Only the auditor reaches the log and its export.
		for _, p := range []string{"/audit", "/audit/export?format=csv"} {
			if res := w.do("GET", p, nil, w.session(t, "hr")); res.code != http.StatusForbidden {
				t.Errorf("hr GET %s: %d", p, res.code)
			}
		}
	})
}

var seqRE = regexp.MustCompile(`<span class="seq">番号 (\d+)</span>`)

func TestAuditorPagesBothWays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := auditWorld(t, db)
		ctx := context.Background()
		svc := app.NewServices(db).Audit
		first, err := svc.Find(ctx, w.a.ID, audit.Query{Limit: 3})
		if err != nil || len(first.Entries) != 3 || first.Newer || !first.Older {
			t.Fatalf("first page: %+v %v", first, err)
		}
		second, _ := svc.Find(ctx, w.a.ID, audit.Query{Limit: 3, BeforeSeq: first.Entries[2].Seq})
		if len(second.Entries) != 3 || !second.Newer || !second.Older || second.Entries[0].Seq != first.Entries[2].Seq-1 {
			t.Fatalf("second page: %+v", second)
		}
		back, _ := svc.Find(ctx, w.a.ID, audit.Query{Limit: 3, AfterSeq: second.Entries[0].Seq})
		if len(back.Entries) != 3 || back.Entries[0].Seq != first.Entries[0].Seq || back.Newer || !back.Older {
			t.Fatalf("back to the first page: %+v", back)
		}
		// The page's links carry the filter and the seq (50 a page).
		st := w.staff["a-other"]
		for i := range 50 {
			title := "主事" + strings.Repeat("補", i%2)
			next, err := storetest.F(db).Org.UpdateStaff(ctx, w.a.ID, audit.Actor{Label: "hr"}, st.ID, org.StaffUpdate{Title: &title, ExpectVersion: st.Version})
			if err != nil {
				t.Fatal(err)
			}
			st = next
		}
		res := w.do("GET", "/audit", nil, w.session(t, "auditor"))
		if !strings.Contains(res.body, `rel="next"`) || strings.Contains(res.body, `rel="prev"`) {
			t.Fatal("first page: older link only expected")
		}
		seqs := seqRE.FindAllStringSubmatch(res.body, -1)
		last := seqs[len(seqs)-1][1]
		older := w.do("GET", "/audit?before="+last, nil, w.session(t, "auditor"))
		if !strings.Contains(older.body, `href="/audit?after=`) {
			t.Error("an older page has no link back to newer entries")
		}
	})
}

func TestAuditorExports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := auditWorld(t, db)
		c := w.session(t, "auditor")
		seq, _, _ := db.FindAuditHead(context.Background(), w.a.ID)

		// A date the filter cannot read is refused, as on the page, not
		// dropped (which exported the whole log in place of the range).
		if res := w.do("GET", "/audit/export?format=csv&from=2026-13-45", nil, c); res.code != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "2026-13-45") {
			t.Errorf("an unreadable date: %d %.200s", res.code, res.body)
		}
		res := w.do("GET", "/audit/export?format=csv&kind=staff.move", nil, c)
		if res.code != 200 || !strings.HasPrefix(res.body, "\ufeff") || !strings.Contains(res.header.Get("Content-Disposition"), ".csv") {
			t.Fatalf("csv: %d %q", res.code, res.header)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		wantHead := "番号,日時(日本時間),操作者,操作者の氏名,操作,対象,変更された項目,ハッシュ,直前の記録のハッシュ"
		if strings.Join(rows[0], ",") != wantHead || len(rows) != 2 {
			t.Fatalf("csv rows: %q", rows)
		}
		r := rows[1]
		if r[2] != "hr" || r[3] != "1003 鈴木 一郎" || r[4] != "職員の異動" || r[5] != "職員 1001 山田 太郎" ||
			r[6] != "所属: 111 人事係 → 110 人事課" || len(r[7]) != 64 || !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`).MatchString(r[1]) {
			t.Errorf("csv row: %q", r)
		}

		sj := w.do("GET", "/audit/export?format=csv-sjis&kind=staff.move", nil, c)
		dec, err := japanese.ShiftJIS.NewDecoder().String(sj.body)
		if err != nil || !strings.Contains(dec, "職員の異動") || !strings.Contains(sj.header.Get("Content-Disposition"), "-sjis.csv") {
			t.Errorf("cp932: %v %q", err, sj.header.Get("Content-Disposition"))
		}

		x := w.do("GET", "/audit/export?format=xlsx", nil, c)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		xr, _ := f.GetRows(f.GetSheetName(0))
		if len(xr) != int(seq)+1 || xr[0][0] != "番号" || xr[1][0] != "1" || xr[len(xr)-1][4] != "ログイン失敗" {
			t.Errorf("xlsx: %d rows for %d entries, oldest first: %q … %q", len(xr), seq, xr[1], xr[len(xr)-1])
		}
		// Reading is not a change: no entry was written by the exports.
		if now, _, _ := db.FindAuditHead(context.Background(), w.a.ID); now != seq {
			t.Errorf("export wrote audit entries: head %d → %d", seq, now)
		}
	})
}

// TestAuditorReachesOnlyTheLog: an account that is only the auditor's
// reads the audit log and nothing else (SPEC §2): the rules, surveys, 1on1
// and token pages answer 403 and are not in its menu; HR keeps them.
func TestAuditorReachesOnlyTheLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		pages := []string{"/rules", "/surveys", "/oneonone", "/tokens", "/notifications", "/schedule"}
		for _, c := range []struct {
			who  string
			code int
		}{{"auditor", http.StatusForbidden}, {"hr", http.StatusOK}} {
			s := w.session(t, c.who)
			for _, p := range pages {
				if res := w.do("GET", p, nil, s); res.code != c.code {
					t.Errorf("%s GET %s: %d, want %d", c.who, p, res.code, c.code)
				}
			}
			// The menu on the audit log, and the home page's tiles (a
			// /rules tile led the auditor to a 403).
			for _, at := range []string{"/audit", "/"} {
				if c.who == "hr" && at == "/audit" {
					continue
				}
				home := w.do("GET", at, nil, s)
				for _, p := range pages {
					if in := strings.Contains(home.body, `href="`+p+`"`); in != (c.who == "hr") {
						t.Errorf("%s's %s links %s: %v", c.who, at, p, in)
					}
				}
			}
			// The API twins of those pages refuse the auditor alike.
			for _, p := range []string{"/api/v1/me/surveys", "/api/v1/oneonone/pairs", "/api/v1/tokens"} {
				if res := w.callCookie("GET", p, "", s); res.code != c.code {
					t.Errorf("%s GET %s: %d, want %d", c.who, p, res.code, c.code)
				}
			}
			if c.who == "auditor" {
				for _, p := range []string{"/api/v1/feasibility/rate", "/api/v1/oneonone/pairs", "/api/v1/tokens"} {
					if res := w.callCookie("POST", p, `{}`, s); res.code != http.StatusForbidden {
						t.Errorf("auditor POST %s: %d, want 403", p, res.code)
					}
				}
			}
		}
	})
}
