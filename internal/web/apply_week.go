package web

import (
	"net/http"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/policy"
)

// weekShown is how many weeks the week view shows from the chosen one.
const weekShown = 3

type weekView struct {
	Label string
	Days  []weekDay
}

type weekDay struct {
	ISO, Short, Note string
	Selectable       bool
	Checked          bool
}

// applyWeek is the one-tap page: three weeks of days; ticking days and one
// button applies for them with the content of the person's last
// application (「前回と同じ内容で申請」). Days that are not business days,
// past, already applied for, or that the rule check of a submission would
// refuse (its deadline passed, a cap full) are shown with the reason but
// cannot be ticked.
func (s *Server) applyWeek(w http.ResponseWriter, r *http.Request) {
	s.weekPage(w, r, http.StatusOK, nil, nil, nil)
}

func (s *Server) weekPage(w http.ResponseWriter, r *http.Request, status int, checked []calendar.Date, check *checkView, formErr error) {
	p := principal(r)
	l := lang(r)
	today := s.svc.Apply.Today()
	start := mondayOf(today)
	week := r.URL.Query().Get("week")
	if r.Method == http.MethodPost {
		week = r.PostForm.Get("week")
	}
	if d, err := calendar.ParseDate(week); err == nil && !d.Before(start.AddDays(-7*8)) && d.Before(today.AddDays(apply.MaxAheadDays)) {
		start = mondayOf(d)
	}
	data := map[string]any{"Week": start.String(), "Prev": start.AddDays(-7).String(), "Next": start.AddDays(7).String()}
	if !start.After(mondayOf(today)) {
		data["Prev"] = ""
	}
	last, err := s.svc.Apply.Last(r.Context(), p.TenantID, p)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		s.render(w, r, status, "apply_week", "applyweb.title_week", data, formErr)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	data["Last"] = s.contentSummary(l, last)
	end := start.AddDays(7*weekShown - 1)
	cal, err := s.svc.Calendar.Load(r.Context(), p.TenantID, start.Year, end.Year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// held are the days another application holds, and whether it leaves
	// room for the last one: a morning held leaves the afternoon (a review
	// found a whole day blocked for a morning), anything else the day.
	held := map[calendar.Date]string{}
	room := map[calendar.Date]bool{}
	mine, err := s.svc.Apply.List(r.Context(), p.TenantID, p, apply.Filter{From: start, To: end})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	halves := func(u, v policy.TimeUnit) bool {
		return u == policy.AM && v == policy.PM || u == policy.PM && v == policy.AM
	}
	for _, a := range mine {
		for _, d := range a.Days {
			if apply.Occupies(d.Status) || d.Status == apply.Draft || d.Status == apply.Returned {
				state := i18n.T(l, "apply.status."+string(d.Status), nil)
				if a.TimeUnit == policy.AM || a.TimeUnit == policy.PM {
					state = i18n.T(l, "unit."+string(a.TimeUnit), nil) + ": " + state
				}
				fits := halves(a.TimeUnit, last.TimeUnit)
				if _, seen := held[d.Date]; seen {
					fits = fits && room[d.Date]
					state = held[d.Date] + "、" + state
				}
				held[d.Date], room[d.Date] = state, fits
			}
		}
	}
	var weeks []weekView
	// Days the person could tap, by their place in weeks: the rule check
	// of a submission (apply.DayRefusals) then says which it would refuse.
	type at struct{ week, day int }
	var open []calendar.Date
	where := map[calendar.Date]at{}
	for wk := range weekShown {
		mon := start.AddDays(7 * wk)
		wv := weekView{Label: i18n.T(l, "applyweb.week_of", map[string]any{"Date": dayLabel(l, mon)})}
		for i := range 7 {
			d := mon.AddDays(i)
			wd := weekDay{ISO: d.String(), Short: weekCardLabel(l, d)}
			switch {
			case !cal.IsBusinessDay(d):
				if i >= 5 {
					continue // weekends are left out; a holiday on a weekday is shown
				}
				wd.Note = i18n.OffName(l, cal.Reason(d))
				if wd.Note == "" {
					wd.Note = i18n.T(l, "applyweb.week_holiday", nil)
				}
			case held[d] != "" && !room[d]:
				wd.Note = held[d]
			case d == today:
				wd.Note = i18n.T(l, "applyweb.week_today", nil)
			case d.Before(today):
				wd.Note = i18n.T(l, "applyweb.week_past", nil)
			default:
				wd.Selectable, wd.Note = true, held[d] // the other half's application, if any
				for _, c := range checked {
					wd.Checked = wd.Checked || c == d
				}
				open = append(open, d)
				where[d] = at{len(weeks), len(wv.Days)}
			}
			wv.Days = append(wv.Days, wd)
		}
		weeks = append(weeks, wv)
	}
	refused, err := s.svc.Apply.DayRefusals(r.Context(), p.TenantID, p, last.Request(), open)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dv := dateView(r)
	for d, fs := range refused {
		wd := &weeks[where[d].week].Days[where[d].day]
		wd.Selectable, wd.Checked = false, false
		wd.Note = dv.Finding(fs[0])
	}
	data["Weeks"] = weeks
	if check == nil {
		check = newCheckView(r, false)
	}
	data["Check"] = check
	s.render(w, r, status, "apply_week", "applyweb.title_week", data, formErr)
}

// weekCardLabel is a day on its card: the week's legend names the year
// (Week of Mon 7 Dec 2026), so the card leaves it out — with it an English
// label ("Mon 7 Dec 2026") did not fit a card at 360 px.
func weekCardLabel(lang string, d calendar.Date) string {
	if lang == "en" {
		return shortDayLabel(lang, d)
	}
	return dayLabel(lang, d)
}

func mondayOf(d calendar.Date) calendar.Date {
	off := (int(d.Weekday()) + 6) % 7
	return d.AddDays(-off)
}

// applyWeekSubmit applies for the ticked days with the last application's
// content, in one application. Refused findings come back on the page.
func (s *Server) applyWeekSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	var dates []calendar.Date
	for _, v := range r.PostForm["dates"] {
		d, err := calendar.ParseDate(v)
		if err != nil {
			fm.v.Add("dates", "field.date", nil)
			break
		}
		dates = append(dates, d)
	}
	if len(dates) == 0 && !fm.v.Has("dates") {
		fm.v.Add("dates", "applyweb.week_none", nil)
	}
	if err := fm.v.Err(); err != nil {
		s.weekPage(w, r, http.StatusUnprocessableEntity, dates, nil, err)
		return
	}
	last, err := s.svc.Apply.Last(r.Context(), p.TenantID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req := last.Request()
	req.Dates, req.Submit = dates, true
	res, err := s.svc.Apply.Create(r.Context(), p.TenantID, p, req)
	if err != nil {
		c := newCheckView(r, true)
		var refused *apply.Refused
		switch {
		case asRefused(err, &refused):
			fillCheck(c, refused.Days, refused.Skipped, refused.Findings)
			s.weekPage(w, r, http.StatusUnprocessableEntity, dates, c, &apperr.Error{Code: apperr.Invalid, Key: "apply.refused"})
		case apperr.CodeOf(err) == apperr.Invalid, apperr.CodeOf(err) == apperr.Conflict:
			c.Errors = append(fieldMessagesList(c.Lang, err), errorText(c.Lang, err))
			s.weekPage(w, r, statusOf(err), dates, c, err)
		default:
			s.fail(w, r, err)
		}
		return
	}
	key := "flash.applyweb_submitted"
	if res.AutoApproved {
		key = "flash.applyweb_auto_approved"
	}
	s.flashRedirect(w, r, "/applications/"+itoa(res.Application.ID), key)
}
