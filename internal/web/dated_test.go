package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// An import dated after today on the pages: the preview says which rows
// wait for their date and shows the whole record of a new person; after
// confirming, the directory, the person and the API still see today's
// state while HR sees the change on the person's page and in the list of
// scheduled changes, where it can be cancelled.
func TestDatedImportOnThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr := w.session(t, "hr")
		later := calendar.DateOf(time.Now()).AddDays(40)
		file := "職員番号,氏名,ふりがな,所属コード,役職,発令日\n" +
			"1001,山田 太郎,やまだ たろう,200,主任," + later.String() + "\n" +
			"3001,新井 花子,あらい はなこ,111,主事," + later.String() + "\n"
		res := w.uploadStaffFile(t, hr, "内示.csv", []byte(file), false)
		date := calendar.Seireki(later)
		if res.code != http.StatusOK || !strings.Contains(res.body, "発令日に反映する予定") || strings.Count(res.body, date) < 2 ||
			!strings.Contains(res.body, "総務部/人事課/人事係") || !strings.Contains(res.body, "主事・技師級") || !strings.Contains(res.body, "常勤") {
			t.Fatalf("preview: %d\n%s", res.code, res.body)
		}
		res = w.do("POST", "/staff/import/confirm", importHidden(res.body), hr)
		if res.code != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", res.code, res.body)
		}
		if res = w.do("GET", res.location, nil, hr); !strings.Contains(res.body, "予定されている異動として登録しました") {
			t.Errorf("done page:\n%s", res.body)
		}
		// Nobody but HR sees it before the date.
		me := w.staff["a-staff"]
		if s, _ := db.FindStaffByID(ctx, w.a.ID, me.ID); s.UnitID != w.units["a-team"].ID || s.Title != "主事" {
			t.Fatalf("moved early: %+v", s)
		}
		own := w.do("GET", "/staff/"+strconv.FormatInt(me.ID, 10), nil, w.session(t, "staff"))
		if own.code != 200 || strings.Contains(own.body, "市民部") || strings.Contains(own.body, "予定されている異動") {
			t.Errorf("the person sees the plan: %d\n%s", own.code, own.body)
		}
		if dir := w.do("GET", "/staff?q=新井", nil, w.session(t, "supervisor")); strings.Contains(dir.body, "あらい はなこ") {
			t.Error("a future hire is in the directory")
		}
		page := w.do("GET", "/staff/"+strconv.FormatInt(me.ID, 10), nil, hr)
		if !strings.Contains(page.body, "予定されている異動") || !strings.Contains(page.body, "市民部") || !strings.Contains(page.body, date) {
			t.Errorf("HR's staff page:\n%s", page.body)
		}
		list := w.do("GET", "/staff/scheduled", nil, hr)
		if list.code != 200 || !strings.Contains(list.body, "新井 花子") || !strings.Contains(list.body, "採用") || !strings.Contains(list.body, "内示.csv") {
			t.Fatalf("scheduled page: %d\n%s", list.code, list.body)
		}
		// HR cancels the hire.
		pending, _ := staffio.NewService(db, time.Now).Scheduled(ctx, w.a.ID, org.ScheduleFilter{Status: []string{org.SchedulePending}})
		var hire int64
		for _, c := range pending {
			if c.Kind == org.ScheduledStaffCreate {
				hire = c.ID
			}
		}
		res = w.do("POST", "/staff/scheduled/cancel", url.Values{"id": {strconv.FormatInt(hire, 10)}}, hr)
		if res.code != http.StatusSeeOther || strings.Contains(w.do("GET", "/staff/scheduled", nil, hr).body, "新井 花子") {
			t.Errorf("cancel: %d", res.code)
		}
		// Another tenant's HR cannot cancel it (nor see it).
		if res := w.do("POST", "/staff/scheduled/cancel", url.Values{"id": {strconv.FormatInt(pending[0].ID, 10)}}, w.session(t, "b-hr")); res.code != http.StatusNotFound {
			t.Errorf("other tenant's cancel: %d", res.code)
		}
		// A unit renamed from a later date is scheduled too.
		u := w.units["a-other"]
		res = w.do("POST", "/units/"+strconv.FormatInt(u.ID, 10), url.Values{"name": {"市民生活部"}, "level": {"部"}, "code": {"200"},
			"version": {"1"}, "effective_date": {later.String()}}, hr)
		if got, _ := db.FindUnitByID(ctx, w.a.ID, u.ID); res.code != http.StatusSeeOther || got.Name != "市民部" {
			t.Errorf("unit rename: %d %q\n%s", res.code, got.Name, res.body)
		}
		if !strings.Contains(w.do("GET", "/staff/scheduled", nil, hr).body, "市民生活部") {
			t.Error("the unit rename is not listed")
		}
	})
}

// A full roster that retires many people asks for their number on the
// page and in the API, and applies only with it.
func TestManyRetirementsNeedTheirNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		roster := []byte("職員番号,氏名,ふりがな,所属コード\n1001,山田 太郎,やまだ たろう,111\n1003,鈴木 一郎,すずき いちろう,111\n")
		// The API: refused without the number, and with a wrong one.
		token := mkToken(t, w, "hr", false)
		post := func(query string) resp {
			req := httptest.NewRequest("POST", "/api/v1/staff/import"+query, bytes.NewReader(roster))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "text/csv")
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, req)
			w.api.check(req, rec.Code, rec.Header(), rec.Body.Bytes())
			return resp{code: rec.Code, body: rec.Body.String(), header: rec.Header()}
		}
		for _, q := range []string{"?full=true", "?full=true&confirm_retirements=2"} {
			if res := post(q); res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "confirm_retirements") {
				t.Errorf("%s: %d %s", q, res.code, res.body)
			}
		}
		if s, _ := db.FindStaffByNo(ctx, w.a.ID, "1005"); s.Retired {
			t.Fatal("a refused import retired someone")
		}
		// The page: a prominent warning and the number to type.
		hr := w.session(t, "hr")
		res := w.uploadStaffFile(t, hr, "全員.csv", roster, true)
		if res.code != 200 || !strings.Contains(res.body, `role="alert"`) || !strings.Contains(res.body, "3人が退職になります") ||
			!strings.Contains(res.body, `name="confirm_retirements"`) {
			t.Fatalf("preview: %d\n%s", res.code, res.body)
		}
		form := importHidden(res.body)
		res = w.do("POST", "/staff/import/confirm", form, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "f-confirm_retirements-error") {
			t.Fatalf("confirm without the number: %d\n%s", res.code, res.body)
		}
		form.Set("confirm_retirements", "３")
		if res = w.do("POST", "/staff/import/confirm", form, hr); res.code != http.StatusSeeOther {
			t.Fatalf("confirm with the number: %d\n%s", res.code, res.body)
		}
		if s, _ := db.FindStaffByNo(ctx, w.a.ID, "1005"); !s.Retired {
			t.Error("not retired after confirming")
		}
	})
}

// Editing only 所属 in an exported file moves the person when the name
// names one unit; repeated errors are one line with their rows.
func TestImportUnitNameAndRepeatedErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr := w.session(t, "hr")
		// As exported: 所属コード 111 (the current unit), 所属 edited to 市民部.
		file := "職員番号,氏名,ふりがな,所属コード,所属\n1001,山田 太郎,やまだ たろう,111,市民部\n"
		res := w.uploadStaffFile(t, hr, "edited.csv", []byte(file), false)
		if res.code != 200 || !strings.Contains(res.body, "総務部/人事課/人事係 → 市民部") {
			t.Fatalf("preview: %d\n%s", res.code, res.body)
		}
		if res = w.do("POST", "/staff/import/confirm", importHidden(res.body), hr); res.code != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.code)
		}
		if s, _ := db.FindStaffByNo(ctx, w.a.ID, "1001"); s.UnitID != w.units["a-other"].ID {
			t.Errorf("not moved: %+v", s)
		}
		// Export without a format: xlsx, named as such.
		exp := w.do("POST", "/staff/export", url.Values{}, hr)
		if exp.code != 200 || !strings.Contains(exp.header.Get("Content-Disposition"), ".xlsx") || !strings.HasPrefix(exp.body, "PK") {
			t.Errorf("default export: %d %s", exp.code, exp.header.Get("Content-Disposition"))
		}
		bad := "職員番号,氏名,ふりがな,所属\n5001,一,いち,福祉課\n5002,二,に,福祉課\n5003,三,さん,福祉課\n"
		res = w.uploadStaffFile(t, hr, "bad.csv", []byte(bad), false)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "2, 3, 4") || strings.Count(res.body, "福祉課") != 1 {
			t.Errorf("repeated errors: %d\n%s", res.code, res.body)
		}
	})
}

// The bulk page sets one fact for everyone selected, in one go.
func TestFactsBulkPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr := w.session(t, "hr")
		team := strconv.FormatInt(w.units["a-team"].ID, 10)
		res := w.do("GET", "/staff/facts?show=1&unit="+team, nil, hr)
		if res.code != 200 || !strings.Contains(res.body, "山田 太郎") || !strings.Contains(res.body, "鈴木 一郎") || strings.Contains(res.body, "渡邉 三郎") {
			t.Fatalf("bulk page: %d\n%s", res.code, res.body)
		}
		ids := []string{strconv.FormatInt(w.staff["a-staff"].ID, 10), strconv.FormatInt(w.staff["a-hr"].ID, 10)}
		res = w.do("POST", "/staff/facts", url.Values{"staff_ids": ids, "fact": {"trial"}, "value": {"set"}, "unit": {team}}, hr)
		if res.code != http.StatusSeeOther || !strings.Contains(res.location, "done=2") {
			t.Fatalf("save: %d %s\n%s", res.code, res.location, res.body)
		}
		if f, _ := db.FindPolicyFacts(ctx, w.a.ID, w.staff["a-staff"].ID); !f.Trial {
			t.Error("not set")
		}
		if res := w.do("GET", res.location, nil, hr); !strings.Contains(res.body, "2人の情報を変更しました") {
			t.Errorf("done: %s", res.body)
		}
		// Nobody selected: the reason, nothing written.
		if res := w.do("POST", "/staff/facts", url.Values{"fact": {"trial"}, "value": {"clear"}}, hr); res.code != http.StatusUnprocessableEntity {
			t.Errorf("none selected: %d", res.code)
		}
		// The staff page's facts form has the trial member.
		page := w.do("GET", "/staff/"+ids[0], nil, hr)
		if !strings.Contains(page.body, `name="trial" value="1" checked`) {
			t.Errorf("staff facts form:\n%s", page.body)
		}
	})
}
