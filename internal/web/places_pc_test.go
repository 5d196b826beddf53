package web_test

import (
	"encoding/json"
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

// TestPlacesNoPCOffice: an office without PCs is not offered a PC on the
// booking page (no choice when no office has one; a hint naming it when
// others have), and the server's refusal of a PC there is told at the
// box: aria-invalid, described by the error, linked from the summary.
func TestPlacesNoPCOffice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		it, staff := w.session(t, "it"), w.session(t, "staff")
		day := calendar.DateOf(time.Now()).AddDays(1).String()
		create := func(name string, pcs int) int64 {
			res := w.callCookie("POST", "/api/v1/offices", fmt.Sprintf(`{"name":%q,"kind":"branch","network":"office_lan","seats":3,"pcs":%d,"closed_days":[],"opens":"00:00","closes":"24:00"}`, name, pcs), it)
			if res.code != http.StatusCreated {
				t.Fatalf("create office %s: %d %s", name, res.code, res.body)
			}
			var o struct {
				ID int64 `json:"id"`
			}
			_ = json.Unmarshal([]byte(res.body), &o)
			return o.ID
		}
		library := create("中央図書館 学習室", 0)
		page := w.do("GET", "/places", nil, staff)
		if page.code != 200 || strings.Contains(page.body, `name="pc"`) {
			t.Fatalf("only an office without PCs: the PC choice is offered (%d)\n%s", page.code, page.body)
		}
		create("四賀支所", 2)
		page = w.do("GET", "/places", nil, staff)
		for _, want := range []string{`name="pc"`, `data-no-pc>中央図書館 学習室</option>`, `aria-describedby="f-pc-hint"`, `id="f-pc-hint">PCを予約できないオフィス: 中央図書館 学習室`, `/static/places.js`} {
			if !strings.Contains(page.body, want) {
				t.Fatalf("with an office that has PCs: no %q\n%s", want, page.body)
			}
		}
		res := w.do("POST", "/places/bookings", url.Values{"office_id": {fmt.Sprint(library)}, "date": {day}, "half": {"am"}, "pc": {"1"}}, staff)
		if res.code != http.StatusUnprocessableEntity {
			t.Fatalf("a PC at an office without PCs: %d", res.code)
		}
		for _, want := range []string{`<p class="field-error" id="f-pc-error">このオフィスには予約できるPCがありません。</p>`,
			`id="f-pc" name="pc" value="1" checked aria-invalid="true" aria-describedby="f-pc-error f-pc-hint"`,
			`<a href="#f-pc">このオフィスには予約できるPCがありません。</a>`} {
			if !strings.Contains(res.body, want) {
				t.Fatalf("refusal not at the box: no %q\n%s", want, res.body)
			}
		}
		// The office's own day page offers no PC for it either.
		if day := w.do("GET", fmt.Sprintf("/places/offices/%d/day?date=%s", library, day), nil, it); day.code != 200 || strings.Contains(day.body, `name="pc"`) {
			t.Fatalf("day page of an office without PCs: %d", day.code)
		}
	})
}
