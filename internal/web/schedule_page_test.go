package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// TestScheduleGrid: the section's schedule is a month grid — weeks as
// rows from Monday, seven column headers, the holidays of the business
// calendar named in their cells, each day listing who teleworks — and a
// week view of one row; the links move by month or week.
func TestScheduleGrid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		day := calendar.Date{Year: 2027, Month: 1, Day: 13}
		storetest.Must(t, db.InApplyTx(ctx, func(tx apply.Tx) error {
			now := time.Now()
			a := &apply.Application{StaffID: w.staff["a-staff"].ID, Decision: apply.Submitted, Status: apply.Submitted, Mode: policy.Home,
				Place: policy.PlaceHome, TimeUnit: policy.FullDay, CreatedAt: now, UpdatedAt: now,
				Days: []apply.Day{{Date: day, Status: apply.Submitted, UpdatedAt: now}}}
			return tx.InsertApplication(ctx, w.a.ID, a)
		}))
		colleague := w.session(t, "hr") // 鈴木, same section as 山田
		res := w.do("GET", "/schedule?date=2027-01-20", nil, colleague)
		if res.code != http.StatusOK {
			t.Fatalf("month: %d", res.code)
		}
		body := res.body
		for _, want := range []string{"<caption>2027年1月 所属のテレワーク予定</caption>", `<th scope="col">月</th>`, `<th scope="col" class="sch-off">日</th>`,
			"元日", "成人の日", `datetime="2026-12-28"`, `datetime="2027-01-31"`, `href="/schedule?view=month&amp;date=2026-12-01"`,
			`href="/schedule?view=month&amp;date=2027-02-01"`, `href="/schedule?view=week&amp;date=2027-01-01"`} {
			if !strings.Contains(body, want) {
				t.Errorf("month view lacks %s", want)
			}
		}
		if n := strings.Count(body, `<th scope="col"`); n != 7 {
			t.Errorf("%d column headers, want 7", n)
		}
		if n := len(regexp.MustCompile(`<tr>`).FindAllString(body[strings.Index(body, "<tbody>"):], -1)); n != 5 {
			t.Errorf("%d weeks, want 5 (2026-12-28 to 2027-01-31)", n)
		}
		cell := body[strings.Index(body, `datetime="2027-01-13"`):]
		cell = cell[:strings.Index(cell, "</td>")]
		if !strings.Contains(cell, "山田 太郎") || !strings.Contains(cell, "在宅・申請中") {
			t.Errorf("the day's cell: %s", cell)
		}
		if other := body[strings.Index(body, `datetime="2027-01-14"`):]; strings.Contains(other[:strings.Index(other, "</td>")], "山田") {
			t.Errorf("山田 listed on a day without telework")
		}
		res = w.do("GET", "/schedule?view=week&date=2027-01-13", nil, colleague)
		if res.code != http.StatusOK || strings.Count(res.body[strings.Index(res.body, "<tbody>"):], "<tr>") != 1 ||
			!strings.Contains(res.body, `datetime="2027-01-11"`) || !strings.Contains(res.body, "成人の日") || !strings.Contains(res.body, "山田 太郎") ||
			!strings.Contains(res.body, `href="/schedule?view=week&amp;date=2027-01-18"`) {
			t.Fatalf("week: %d %s", res.code, res.body)
		}
		// Another section sees none of it.
		if res := w.do("GET", "/schedule?date=2027-01-20", nil, w.session(t, "it")); strings.Contains(res.body, "山田") {
			t.Errorf("another section's schedule shows 山田")
		}
	})
}
