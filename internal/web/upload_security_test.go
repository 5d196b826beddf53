package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/app"
	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
	"telework/internal/telemetry"
	"telework/internal/web"
)

// gatedWorld is the fixture with a server whose upload gate the test holds.
func gatedWorld(t *testing.T, db *store.DB, node, tenant int) (*world, *tabular.Gate) {
	t.Helper()
	w := newWorld(t, db)
	svc := app.NewServices(db)
	gate := tabular.NewGate(node, tenant)
	svc.Staffio.SetGate(gate)
	srv, err := web.New(svc, telemetry.NewLogger(w.logs, slog.LevelDebug), telemetry.NewMetrics(nil), web.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	w.srv = srv
	return w, gate
}

// sheetBomb is an xlsx of a few KB whose sheet holds 9 million empty cells.
func sheetBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="職員" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
	for name, body := range parts {
		pw, _ := zw.Create(name)
		io.WriteString(pw, body)
	}
	pw, _ := zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(pw, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">`)
	cells := []byte(strings.Repeat("<c/>", 1000))
	for range 9000 {
		pw.Write(cells)
	}
	io.WriteString(pw, `</row></sheetData></worksheet>`)
	zw.Close()
	return buf.Bytes()
}

// Issue 10 #4 on the pages and the API: a bomb is refused fast with the
// limit it broke; an import beyond the gate gets 「混み合っています」 (429,
// Retry-After) on the import page, the API, the policy simulation and the
// holiday import.
func TestUploadBoundsOnPagesAndAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, gate := gatedWorld(t, db, 3, 1)
		hr := w.session(t, "hr")
		bomb := sheetBomb(t)
		start := time.Now()
		res := w.uploadStaffFile(t, hr, "bomb.xlsx", bomb, false)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "セルが多すぎます") {
			t.Fatalf("bomb: %d\n%s", res.code, res.body)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("refusing a %d-byte bomb took %v", len(bomb), d)
		}

		// The tenant's one import slot is taken.
		release, err := gate.Enter(w.a.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		csv := []byte("職員番号,氏名,ふりがな,所属コード\r\n2001,新人,しんじん,111\r\n")
		res = w.uploadStaffFile(t, hr, "f.csv", csv, false)
		if res.code != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, "混み合っています") {
			t.Errorf("page upload while busy: %d %v\n%s", res.code, res.header, res.body)
		}
		token := mkToken(t, w, "hr", false)
		req := httptest.NewRequest("POST", "/api/v1/staff/import?dry_run=true", bytes.NewReader(csv))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Idempotency-Key", "busy-1")
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		w.api.check(req, rec.Code, rec.Header(), rec.Body.Bytes())
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "混み合っています") {
			t.Errorf("API import while busy: %d %v\n%s", rec.Code, rec.Header(), rec.Body.String())
		}
		// Policy simulation passes the same gate.
		eff := calendar.Date{Year: calendar.DateOf(time.Now()).Year + 1, Month: time.April, Day: 1}
		saved := w.do("POST", "/policy", policyFormValues(eff.String()), hr)
		sim := "職員番号,日付,形態,時間単位\r\n1001,2026/5/11,在宅,終日\r\n"
		sjis, _ := japanese.ShiftJIS.NewEncoder().String(sim)
		if res := w.upload(t, saved.location+"/simulate", "r.csv", []byte(sjis), hr); res.code != http.StatusTooManyRequests || !strings.Contains(res.body, "混み合っています") {
			t.Errorf("simulation while busy: %d", res.code)
		}
		// Another tenant still imports.
		if res := w.uploadStaffFile(t, w.session(t, "b-hr"), "f.csv", []byte("職員番号,氏名\r\n1001,掛川 太郎\r\n"), false); res.code == http.StatusTooManyRequests {
			t.Errorf("another tenant was refused: %d", res.code)
		}
		release()

		// The retry after Retry-After runs (a 429 is not kept for the key).
		req = httptest.NewRequest("POST", "/api/v1/staff/import?dry_run=true", bytes.NewReader(csv))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Idempotency-Key", "busy-1")
		rec = httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		w.api.check(req, rec.Code, rec.Header(), rec.Body.Bytes())
		if rec.Code != http.StatusOK {
			t.Errorf("API retry: %d %s", rec.Code, rec.Body.String())
		}

		// The operator's holiday import: the node full.
		var held []func()
		for tenant := range int64(3) {
			if r, err := gate.Enter(90+tenant, 0); err == nil {
				held = append(held, r)
			}
		}
		if gate.Running() != 3 {
			t.Fatalf("running %d", gate.Running())
		}
		hol := "国民の祝日・休日月日,国民の祝日・休日名称\r\n2027/1/1,元日\r\n"
		if res := w.postHolidayFile(t, w.session(t, "operator"), "syukujitsu.csv", []byte(hol)); res.code != http.StatusTooManyRequests || !strings.Contains(res.body, "混み合っています") {
			t.Errorf("holiday import on a full node: %d", res.code)
		}
		for _, r := range held {
			r()
		}
	})
}

// Info items: the export is a POST (a GET of the page route no longer
// exports); a CP932 export with 𠮷 asks first, then writes 〓 and names the
// rows; the API writes 〓 and lists the rows in a header.
func TestExportByPostWithSubstitution(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		hr := w.session(t, "hr")
		if res := w.do("GET", "/staff/export?format=csv", nil, hr); res.code == http.StatusOK {
			t.Errorf("GET /staff/export still exports: %d", res.code)
		}
		st := w.staff["a-other"]
		st.Name = "𠮷田 三郎"
		if err := storetest.F(db).UpdateStaff(ctx, w.a.ID, sys, st, st.Version, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		res := w.do("POST", "/staff/export", url.Values{"format": {"csv-sjis"}}, hr)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "行目に Shift_JIS") || !strings.Contains(res.body, `name="substitute" value="1"`) {
			t.Fatalf("CP932 export with 𠮷: %d\n%s", res.code, res.body)
		}
		res = w.do("POST", "/staff/export", url.Values{"format": {"csv-sjis"}, "substitute": {"1"}}, hr)
		dec, _ := japanese.ShiftJIS.NewDecoder().String(res.body)
		if res.code != http.StatusOK || !strings.Contains(dec, "〓田 三郎") || !strings.Contains(dec, "山田 太郎") {
			t.Fatalf("export with 〓: %d\n%s", res.code, dec)
		}
		token := mkToken(t, w, "hr", false)
		for _, method := range []string{"POST", "GET"} {
			req := httptest.NewRequest(method, "/api/v1/staff/export?format=csv-sjis", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, req)
			w.api.check(req, rec.Code, rec.Header(), rec.Body.Bytes())
			if rec.Code != http.StatusOK || rec.Header().Get("Telework-Substituted-Lines") == "" {
				t.Errorf("API %s export: %d %v", method, rec.Code, rec.Header())
			}
		}
	})
}
