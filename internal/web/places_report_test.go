package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestPlacesReportPage: the usage and forecast page draws its charts with
// the data tables, warns of a pool that will run short and links the
// exports, each section (landmark) named apart; staff may not see it, another tenant sees none of it (issue 14).
func TestPlacesReportPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, hr, staff, bhr := w.session(t, "it"), w.session(t, "hr"), w.session(t, "staff"), w.session(t, "b-hr")
		today := calendar.DateOf(time.Now()).String()
		if res := w.do("POST", "/places/offices", url.Values{"name": {"和田公民館"}, "kind": {"community"}, "network": {"internet"}, "seats": {"2"},
			"opens": {"00:00"}, "closes": {"24:00"}, "horizon_days": {"30"}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("office: %d", res.code)
		}
		if res := w.do("POST", "/devices/pools", url.Values{"name": {"モバイルルーター"}, "kind": {"mobile_wifi"}, "capacity": {"1"}}, it); res.code != http.StatusSeeOther {
			t.Fatalf("pool: %d", res.code)
		}
		var office, pool int64
		_ = db.SQL.QueryRow(`SELECT id FROM task_places WHERE name = '和田公民館'`).Scan(&office)
		_ = db.SQL.QueryRow(`SELECT id FROM device_pools WHERE name = 'モバイルルーター'`).Scan(&pool)
		if res := w.callCookie("POST", "/api/v1/bookings", fmt.Sprintf(`{"office_id":%d,"date":%q,"half":"pm"}`, office, today), staff); res.code != http.StatusCreated {
			t.Fatalf("book: %d %s", res.code, res.body)
		}
		if res := w.callCookie("POST", "/api/v1/device-reservations", fmt.Sprintf(`{"pool_id":%d,"date":%q}`, pool, today), staff); res.code != http.StatusCreated {
			t.Fatalf("reserve: %d %s", res.code, res.body)
		}
		if res := w.do("GET", "/places/report", nil, staff); res.code != http.StatusForbidden {
			t.Fatalf("staff: %d", res.code)
		}
		res := w.do("GET", "/places/report?weeks=2", nil, hr)
		if res.code != 200 {
			t.Fatalf("report: %d %.300s", res.code, res.body)
		}
		for _, want := range []string{"<svg", "和田公民館", "モバイルルーター", "延べ利用回数", "25%", "100%", "format=xlsx", "format=csv", "非常時"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		// Every landmark has its own name (axe landmark-unique): an office
		// or pool is named in both the forecast and the daily use.
		if n := uniqueLandmarks(t, res.body); n < 4 {
			t.Errorf("%d sections", n)
		}
		for _, want := range []string{"和田公民館の見込み", "和田公民館の利用状況", "モバイルルーターの見込み"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		wantStacked(t, res.body, `aria-labelledby="fc-0"`, "見込み / 上限", "判定", "内訳(最大の日)")
		warn := res.body[strings.Index(res.body, `id="warn-heading"`):strings.Index(res.body, "需要予測(週ごと")]
		if !strings.Contains(warn, "モバイルルーター") || strings.Contains(warn, "和田公民館") {
			t.Errorf("warnings: %s", warn)
		}
		if res := w.do("GET", "/places/report", nil, bhr); res.code != 200 || strings.Contains(res.body, "和田公民館") {
			t.Fatalf("another tenant: %d", res.code)
		}
		if res := w.do("GET", "/places/report?from="+today+"&to="+today, nil, it); res.code != 200 {
			t.Fatalf("it: %d", res.code)
		}
	})
}

var (
	sectionLabel = regexp.MustCompile(`<section aria-labelledby="([^"]+)"`)
	elementText  = regexp.MustCompile(`id="([^"]+)"[^>]*>([^<]*)<`)
)

// uniqueLandmarks counts a page's sections labelled by an element,
// failing the test when two share a name.
func uniqueLandmarks(t *testing.T, body string) int {
	t.Helper()
	text := map[string]string{}
	for _, m := range elementText.FindAllStringSubmatch(body, -1) {
		text[m[1]] = m[2]
	}
	seen := map[string]bool{}
	for _, m := range sectionLabel.FindAllStringSubmatch(body, -1) {
		if n := text[m[1]]; seen[n] {
			t.Errorf("two sections are named %q", n)
		} else {
			seen[n] = true
		}
	}
	return len(seen)
}
