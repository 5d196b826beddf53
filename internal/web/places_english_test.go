package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestPlacesPageInEnglish: in English the booking page writes opening
// hours with an en dash and days as the application pages do (Fri 4 Dec
// 2026), not the Japanese 〜 and ・ or "Fri 2026-12-04"; Japanese keeps
// its forms.
func TestPlacesPageInEnglish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff := w.session(t, "it"), w.session(t, "staff")
		if res := w.callCookie("POST", "/api/v1/offices", `{"name":"四賀支所","kind":"branch","network":"office_lan","seats":3,"pcs":1,"closed_days":[],"opens":"08:30","closes":"17:15"}`, it); res.code != http.StatusCreated {
			t.Fatalf("create office: %d %s", res.code, res.body)
		}
		today := calendar.DateOf(time.Now())
		for _, c := range []struct {
			lang      string
			want, not []string
		}{
			{"en", []string{"08:30–17:15", " · ", today.Time().Format("Mon 2 Jan 2006")}, []string{"〜", "・", today.Time().Format("Mon 2006-01-02")}},
			{"ja", []string{"08:30〜17:15", " ・ ", fmt.Sprintf("%d年%d月%d日(", today.Year, today.Month, today.Day)}, nil},
		} {
			if res := w.do("POST", "/settings", url.Values{"lang": {c.lang}, "era": {"seireki"}}, staff); res.code != http.StatusSeeOther {
				t.Fatalf("settings %s: %d", c.lang, res.code)
			}
			res := w.do("GET", "/places", nil, staff)
			_, body, _ := strings.Cut(res.body, "<main")
			for _, want := range c.want {
				if !strings.Contains(body, want) {
					t.Errorf("%s: no %q\n%s", c.lang, want, body)
				}
			}
			for _, not := range c.not {
				if strings.Contains(body, not) {
					t.Errorf("%s: %q", c.lang, not)
				}
			}
		}
	})
}
