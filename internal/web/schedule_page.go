package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/i18n"
)

// The section's shared schedule as a calendar (issue 12): a month grid
// (weeks as rows, 月–日 as columns) or one week, holidays and closure days
// marked from the tenant's business calendar, each day listing who
// teleworks. A table with a caption and column headers; below 40rem each
// day becomes a block of its own (one column, weekday in the day's label).
// Navigation is plain links: no JavaScript.

// scheduleDay is one cell of the grid.
type scheduleDay struct {
	ISO     string
	Num     int
	Label   string // 6月1日(月)
	InRange bool   // in the month shown (always, in a week)
	Today   bool
	Off     bool   // not a business day
	Holiday string // the named day off (祝日, 年末年始, closure), not 土日
	People  []schedulePerson
}

type schedulePerson struct {
	Name, Mode string
	Tentative  bool // 申請中
	Status     string
}

type scheduleWeek struct{ Days []scheduleDay }

// schedulePeriod is the days a view shows: the weeks (Monday first)
// covering the month of day, or day's week; prev and next are the dates
// the links move to.
func schedulePeriod(day calendar.Date, week bool) (from, to, first, last, prev, next calendar.Date) {
	if week {
		first = mondayOf(day)
		last = first.AddDays(6)
		return first, last, first, last, first.AddDays(-7), first.AddDays(7)
	}
	first = calendar.Date{Year: day.Year, Month: day.Month, Day: 1}
	next = calendar.Date{Year: day.Year, Month: day.Month + 1, Day: 1}
	if day.Month == 12 {
		next = calendar.Date{Year: day.Year + 1, Month: 1, Day: 1}
	}
	last = next.AddDays(-1)
	p := first.AddDays(-1)
	prev = calendar.Date{Year: p.Year, Month: p.Month, Day: 1}
	from = mondayOf(first)
	to = mondayOf(last).AddDays(6)
	return from, to, first, last, prev, next
}

func (s *Server) deliverySchedule(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	q := r.URL.Query()
	week := q.Get("view") == "week"
	today := s.svc.Apply.Today()
	day := today
	if d, err := calendar.ParseDate(q.Get("date")); err == nil {
		day = d
	}
	from, to, first, last, prev, next := schedulePeriod(day, week)
	es, err := s.svc.Schedule.Section(r.Context(), p.TenantID, p, from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cal, err := s.svc.Calendar.Load(r.Context(), p.TenantID, from.Year, to.Year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := dateView(r)
	l := v.Lang
	idx := map[calendar.Date][2]int{}
	var weeks []scheduleWeek
	for d := from; !to.Before(d); d = d.AddDays(1) {
		if d.Weekday() == 1 || len(weeks) == 0 {
			weeks = append(weeks, scheduleWeek{})
		}
		wk := &weeks[len(weeks)-1]
		cell := scheduleDay{ISO: d.String(), Num: d.Day, Label: i18n.T(l, "schedule.day_label", map[string]any{
			"Month": int(d.Month), "Day": d.Day, "Weekday": v.Weekday(d)}), InRange: !d.Before(first) && !last.Before(d),
			Today: d == today, Off: !cal.IsBusinessDay(d)}
		if h, ok := cal.Holiday(d); ok {
			cell.Holiday = i18n.OffName(l, h.Name)
		}
		idx[d] = [2]int{len(weeks) - 1, len(wk.Days)}
		wk.Days = append(wk.Days, cell)
	}
	for _, e := range es {
		at, ok := idx[e.Date]
		if !ok {
			continue
		}
		c := &weeks[at[0]].Days[at[1]]
		c.People = append(c.People, schedulePerson{Name: e.Name, Mode: i18n.T(l, "schedule.mode_short."+e.Mode, nil),
			Tentative: e.Status == apply.Submitted, Status: i18n.T(l, "schedule.status."+string(e.Status), nil)})
	}
	for i := range weeks {
		for j := range weeks[i].Days {
			slices.SortStableFunc(weeks[i].Days[j].People, func(a, b schedulePerson) int { return strings.Compare(a.Name, b.Name) })
		}
	}
	view, other := "month", "week"
	caption := i18n.T(l, "schedule.caption_month", map[string]any{"YearMonth": v.YearMonth(first)})
	if week {
		view, other = "week", "month"
		caption = i18n.T(l, "schedule.caption_week", map[string]any{"From": v.Date(first), "To": v.Date(last)})
	}
	heads := make([]string, 7)
	for i := range heads {
		heads[i] = v.Weekday(from.AddDays(i))
	}
	link := func(view string, d calendar.Date) string { return fmt.Sprintf("/schedule?view=%s&date=%s", view, d) }
	s.render(w, r, http.StatusOK, "delivery_schedule", "schedule.title", map[string]any{
		"Weeks": weeks, "Heads": heads, "View": view, "Caption": caption,
		"Prev": link(view, prev), "Next": link(view, next), "Today": link(view, today), "Other": link(other, first)}, nil)
}
