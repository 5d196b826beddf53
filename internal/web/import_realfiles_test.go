package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

// A Shift_JIS roster with a user-defined 外字 (0xF040) on the row after a
// quoted three-line cell: the page names Excel's row (3行目), as it does
// for every fault found after reading, and its header says the file could
// not be read instead of 「文字コード・形式: 、データ 0行」.
func TestImportUnreadableFileNamesExcelRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		head, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte("職員番号,氏名,ふりがな,所属コード,備考\r\n" +
			"3001,山田 一,やまだ いち,111,\"自宅:\r\n松本市丸の内\r\n3-7\"\r\n3002,"))
		if err != nil {
			t.Fatal(err)
		}
		file := append(head, 0xF0, 0x40, ',', 'x', ',', 'x', ',', '1', '1', '1', '\r', '\n')
		for _, path := range []string{"/staff/import", "/units/import"} {
			res := w.uploadTo(t, path, hr, "名簿.csv", file)
			body := html.UnescapeString(res.body)
			if res.code != http.StatusUnprocessableEntity && res.code != http.StatusOK {
				t.Fatalf("%s: %d", path, res.code)
			}
			if !strings.Contains(body, "3行目に、UTF-8 としても") || strings.Contains(body, "5行目") {
				t.Errorf("%s: not Excel's row 3:\n%s", path, body)
			}
			if strings.Contains(body, "文字コード・形式: 、") || !strings.Contains(body, "読み取れなかったため") {
				t.Errorf("%s: header with an empty encoding:\n%s", path, body)
			}
		}
	})
}

// An empty upload is an empty file, on every route that takes a CSV or
// xlsx: the API answered 「送信データが空です。JSON オブジェクトを送ってください。」
// and the pages asked to choose a file that had been chosen.
func TestEmptyUploadSaysTheFileIsEmpty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		token := mkToken(t, w, "hr", false)
		for _, path := range []string{"/api/v1/staff/import?dry_run=true", "/api/v1/units/import?dry_run=true",
			"/api/v1/tasks/import?dry_run=true&unit_id=" + strconv.FormatInt(w.units["a-team"].ID, 10)} {
			for _, ct := range []string{"text/csv", tabular.XLSXContentType} {
				req := httptest.NewRequest("POST", path, strings.NewReader(""))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", ct)
				rec := httptest.NewRecorder()
				w.srv.ServeHTTP(rec, req)
				body := rec.Body.String()
				if rec.Code != http.StatusUnprocessableEntity || strings.Contains(body, "JSON") || !strings.Contains(body, "空(0 バイト)") ||
					!strings.Contains(body, `"file"`) {
					t.Errorf("%s %s: %d %s", path, ct, rec.Code, body)
				}
			}
		}
		hr := w.session(t, "hr")
		for _, path := range []string{"/staff/import", "/units/import"} {
			res := w.uploadTo(t, path, hr, "名簿.csv", nil)
			if body := html.UnescapeString(res.body); res.code != http.StatusUnprocessableEntity || !strings.Contains(body, "選んだファイルは空(0 バイト)") {
				t.Errorf("%s: %d\n%s", path, res.code, body)
			}
		}
	})
}

// Every Shift_JIS export names the rows written with 〓 in
// Telework-Substituted-Lines, as the staff export does: the costs export
// wrote 𠮷 as 〓 without saying where (page and API alike).
func TestShiftJISExportsNameSubstitutedRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hr := w.session(t, "hr")
		token := mkToken(t, w, "hr", false)
		day := calendar.DateOf(db.Now())
		res := w.call("POST", "/api/v1/costs", `{"kind":"license","description":"𠮷野家 会議用","amount_yen":1000,"paid_on":"`+day.String()+`"}`, token)
		if res.code != http.StatusCreated {
			t.Fatalf("add cost: %d %s", res.code, res.body)
		}
		fy := strconv.Itoa(cost.FiscalYear(day))
		for _, path := range []string{"/api/v1/costs/export?format=csv-sjis&fiscal_year=" + fy, "/costs/export?format=csv-sjis&fiscal_year=" + fy} {
			req := httptest.NewRequest("GET", path, nil)
			if strings.HasPrefix(path, "/api/") {
				req.Header.Set("Authorization", "Bearer "+token)
			} else {
				req.AddCookie(hr)
			}
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || rec.Header().Get("Telework-Substituted-Lines") != "2" {
				t.Errorf("%s: %d, Telework-Substituted-Lines %q", path, rec.Code, rec.Header().Get("Telework-Substituted-Lines"))
			}
		}
		// UTF-8 holds every character: no header.
		res = w.call("GET", "/api/v1/costs/export?format=csv&fiscal_year="+fy, "", token)
		if res.code != http.StatusOK || res.header.Get("Telework-Substituted-Lines") != "" || !strings.Contains(res.body, "𠮷野家") {
			t.Errorf("UTF-8 export: %d %q", res.code, res.header.Get("Telework-Substituted-Lines"))
		}
	})
}
