package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"telework/internal/calendar"
	"telework/internal/policy"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/worktime"
)

// TestWorktimeListPeriodAndPaging: a period longer than worktime.MaxDays
// is a 422 on to naming the limit, in Japanese and English (it was
// narrowed silently to the last 30 days), and the days of a period are
// answered ?limit= at a time with next_cursor.
func TestWorktimeListPeriodAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _ := applyWorld(t, db)
		staff := w.session(t, "staff")
		ctx := context.Background()
		today := calendar.DateOf(time.Now())
		var dates []string
		storetest.Must(t, db.InWorktimeTx(ctx, func(tx worktime.Tx) error {
			for i := 60; i >= 0; i -= 10 {
				d := today.AddDays(-i)
				start := time.Date(d.Year, d.Month, d.Day, 0, 30, 0, 0, time.UTC)
				if err := tx.InsertWorktimeDay(ctx, w.a.ID, &worktime.Day{StaffID: w.staff["a-staff"].ID, Date: d, Start: start,
					End: start.Add(8 * time.Hour), Mode: policy.Home, Place: "自宅", Plan: "資料作成"}); err != nil {
					return err
				}
				dates = append(dates, d.String())
			}
			return nil
		}))
		for _, tc := range []struct {
			lang, want string
		}{{"ja", "62日以内"}, {"en", "at most 62 days"}} {
			path := fmt.Sprintf("/api/v1/worktime?from=%s&to=%s", today.AddDays(-63), today)
			res := w.call("GET", path, "", "", "Cookie", staff.Name+"="+staff.Value, "Accept-Language", tc.lang)
			if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"field":"to"`) || !strings.Contains(res.body, tc.want) ||
				!strings.Contains(res.body, "from") {
				t.Errorf("63 days (%s): %d %s", tc.lang, res.code, res.body)
			}
		}
		path := fmt.Sprintf("/api/v1/worktime?from=%s&to=%s", today.AddDays(-62), today)
		var got []string
		cur := ""
		for n := 0; ; n++ {
			res := w.call("GET", path+"&limit=3"+map[bool]string{true: "&cursor=" + cur}[cur != ""], "", "", "Cookie", staff.Name+"="+staff.Value)
			var p struct {
				Items []struct {
					Date string `json:"date"`
				} `json:"items"`
				NextCursor string `json:"next_cursor"`
				Total      int    `json:"total"`
			}
			decode(t, res, &p)
			if res.code != http.StatusOK || len(p.Items) > 3 || p.Total != len(dates) {
				t.Fatalf("page %d: %d %s", n, res.code, res.body)
			}
			for _, it := range p.Items {
				got = append(got, it.Date)
			}
			if cur = p.NextCursor; cur == "" {
				break
			}
		}
		if strings.Join(got, ",") != strings.Join(dates, ",") {
			t.Fatalf("paged days %v, want %v", got, dates)
		}
	})
}
