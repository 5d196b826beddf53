package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

var (
	summaryBlock = regexp.MustCompile(`<div class="notice notice--error" role="alert" id="error-summary">[\s\S]*?</div>`)
	summaryHref  = regexp.MustCompile(`href="#([^"]+)"`)
	summaryTag   = regexp.MustCompile(`<[a-z][^>]*>`)
)

// checkSummaryLinks: every link of the error summary lands on an element
// of the page, which is described by the field's error (aria-describedby
// naming ID-error, shown once on the page) — a radio group's fieldset too —
// and no element carries aria-describedby twice (the browser keeps the
// first, so the error would never be read).
func checkSummaryLinks(t *testing.T, name, body string) []string {
	t.Helper()
	for _, tag := range summaryTag.FindAllString(body, -1) {
		if strings.Count(tag, " aria-describedby=") > 1 {
			t.Errorf("%s: two aria-describedby in %s", name, tag)
		}
	}
	sum := summaryBlock.FindString(body)
	if sum == "" {
		t.Errorf("%s: no error summary", name)
		return nil
	}
	var ids []string
	for _, m := range summaryHref.FindAllStringSubmatch(sum, -1) {
		id := m[1]
		ids = append(ids, id)
		tag := regexp.MustCompile(`<[a-z]+ [^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(body)
		if tag == "" {
			t.Errorf("%s: the summary links #%s, which no element has", name, id)
			continue
		}
		if !regexp.MustCompile(`aria-describedby="[^"]*\b` + regexp.QuoteMeta(id) + `-error\b`).MatchString(tag) {
			t.Errorf("%s: #%s is not described by its error: %s", name, id, tag)
		}
		if n := strings.Count(body, `id="`+id+`-error"`); n != 1 {
			t.Errorf("%s: %s-error appears %d times", name, id, n)
		}
	}
	return ids
}

// TestSummaryLinksLandOnTheirField: refused forms whose summary linked an
// id no element had (radio groups, the repeated forms of a checklist or of
// the briefings, the pair settings below the meeting log) or whose control
// had two aria-describedby (a select with a hint written by hand).
func TestSummaryLinksLandOnTheirField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		keyedServer(t, w)
		staff, sup, hr, it := w.session(t, "staff"), w.session(t, "supervisor"), w.session(t, "hr"), w.session(t, "it")
		res := w.do("POST", "/oneonone", url.Values{"partner_no": {"1001"}, "role": {"lead"}, "cadence_days": {"14"}, "minutes": {"30"}, "mode": {"face"}}, sup)
		if res.code != http.StatusSeeOther {
			t.Fatalf("create pair: %d", res.code)
		}
		pair := res.location
		for _, c := range []struct {
			name, path string
			form       url.Values
			who        *http.Cookie
			link, msg  string // the summary must link #link; msg is said there
		}{
			{"incident without a kind", "/incidents", url.Values{"category": {"malware"}, "summary": {"x"}}, staff, "f-kind", "「種類」は一覧から選んでください"},
			{"incident category of the other kind", "/incidents", url.Values{"kind": {"worry"}, "category": {"malware"}, "summary": {"x"}}, staff, "f-category", "選んだ「種類」に合いません"},
			{"emergency without a kind", "/emergencies", url.Values{"title": {"台風"}}, hr, "f-emergency_kind", "「種別」"},
			{"work place without a network", "/tasks/places", url.Values{"place_name": {"自宅"}, "place_kind": {"home"}}, it, "f-network", "「ネットワーク」"},
			{"system not a suggestion, segment from the suggestion", "/tasks/systems", url.Values{"system_name": {"独自の台帳システム"}, "segment": {""}}, it, "f-segment", "候補の一覧から選んだときだけ"},
			{"roadmap step without a status", "/roadmap/step", url.Values{"step": {"1"}}, hr, "f-status", "「状況」"},
			{"evidence without a file", "/roadmap/evidence", url.Values{"item": {"f4.security.network"}}, hr, "f-file-f4.security.network", "「根拠のファイル」を選んでください"},
			{"delegation without a kind", "/approvals/delegation", url.Values{}, sup, "f-kind", "「代決・委任の種類」"},
			{"approval settings without an approver", "/approvals/settings", url.Values{"reminder_hours": {"24"}}, hr, "f-approver", "「承認者」"},
			{"pair settings without a mode", pair, url.Values{"version": {"1"}, "cadence_days": {"14"}, "minutes": {"30"}}, sup, "f-pair_mode", "オンラインか対面"},
		} {
			res := w.do("POST", c.path, c.form, c.who)
			if res.code != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d", c.name, res.code)
				continue
			}
			ids := checkSummaryLinks(t, c.name, res.body)
			found := false
			for _, id := range ids {
				found = found || id == c.link
			}
			if !found {
				t.Errorf("%s: the summary links %v, not #%s", c.name, ids, c.link)
			}
			if m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(c.link) + `-error">([^<]*)</p>`).FindStringSubmatch(res.body); m == nil || !strings.Contains(m[1], c.msg) {
				t.Errorf("%s: the field's message %v lacks %q", c.name, m, c.msg)
			}
		}
	})
}
