package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
)

// inboxFilter is the inbox's filter as typed.
type inboxFilter struct {
	UnitID   int64
	From, To string
	Mode     string
}

type inboxPerson struct {
	StaffID    int64
	Name, Unit string
	Apps       []inboxApp
}

type inboxApp struct {
	ID          int64
	Dates, What string
	// Reason is the 自宅同等の場所's reason and TakeOut what is taken out
	// (持ち出し, approved with the application): a bulk approval approves
	// them too, so the row shows them (a review).
	Reason, TakeOut  string
	Plan             string
	Conditions       []string // break, overtime asked for, 中抜け, prior consent
	Tasks            []string // the planned tasks of the inventory
	Errors, Warnings []string
	OnBehalf         string
}

type inboxUnit struct {
	ID   int64
	Name string
}

// approvals is the approval inbox: the applications waiting for the
// signed-in person's decision (as approver, proxy or delegate), grouped by
// person, each with its findings of the submission and its planned work,
// narrowed by unit, days and mode; many can be approved (or returned,
// rejected) at once. People with nothing to decide see an empty inbox.
func (s *Server) approvals(w http.ResponseWriter, r *http.Request) {
	s.inboxPage(w, r, http.StatusOK, nil)
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := principal(r)
	q := r.URL.Query()
	fl := inboxFilter{UnitID: int64OrZero(q.Get("unit")), From: q.Get("from"), To: q.Get("to"), Mode: q.Get("mode")}
	f := apply.Filter{}
	if fl.UnitID != 0 {
		f.UnitIDs = []int64{fl.UnitID}
	}
	if d, err := calendar.ParseDate(fl.From); err == nil {
		f.From = d
	}
	if d, err := calendar.ParseDate(fl.To); err == nil {
		f.To = d
	}
	if slices.Contains(policy.Modes, policy.Mode(fl.Mode)) {
		f.Mode = policy.Mode(fl.Mode)
	}
	list, err := s.svc.Apply.Inbox(r.Context(), p.TenantID, p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	tr, err := s.tree(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var people []inboxPerson
	index := map[int64]int{}
	days := 0
	names := map[int64]string{}
	for _, a := range list {
		i, ok := index[a.StaffID]
		if !ok {
			i = len(people)
			index[a.StaffID] = i
			people = append(people, inboxPerson{StaffID: a.StaffID, Name: a.StaffName, Unit: tr.PathString(a.UnitID)})
		}
		c := newCheckView(r, false)
		c.add(storedFindings(a.Findings))
		ia := inboxApp{ID: a.ID, Dates: dateView(r).datesSummary(a.ActiveDates()), What: s.contentSummaryShort(l, a),
			Reason: shorten(a.PlaceReason, 80), TakeOut: takeOutText(l, a.TakeOut), Plan: shorten(a.Plan, 120), Conditions: conditionsOf(l, a), Errors: c.Errors, Warnings: c.Warnings}
		if ia.Tasks, err = s.applyTaskNames(r, a.UnitID, a.TaskIDs); err != nil {
			s.serverError(w, r, err)
			return
		}
		if a.ApproverID != p.StaffID {
			if _, ok := names[a.ApproverID]; !ok {
				if st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, a.ApproverID); err == nil {
					names[a.ApproverID] = st.Name
				}
			}
			ia.OnBehalf = names[a.ApproverID]
		}
		days += len(a.ActiveDates())
		people[i].Apps = append(people[i].Apps, ia)
	}
	var proxyNames []string
	for _, n := range names {
		proxyNames = append(proxyNames, n)
	}
	slices.Sort(proxyNames)
	overtime, err := s.overtimeToDecide(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The bulk form posts to the filtered address: after a refused bulk
	// action the list is still the filtered one (a review found every
	// application back, the filter lost, the ticks kept). The choice and
	// the comment come back as they were sent (nothing is posted on a
	// plain visit).
	action := "/approvals"
	if len(q) > 0 {
		action += "?" + q.Encode()
	}
	s.render(w, r, status, "approvals", "applyweb.title_inbox", map[string]any{"Action": action,
		"People": people, "Apps": len(list), "Days": days, "Filter": fl, "Units": unitChoices(tr, func(id int64) bool {
			// The person's own unit and those below it, or every unit when
			// the person has none.
			return p.UnitID == 0 || tr.IsWithin(id, p.UnitID)
		}),
		"Filtered": fl != inboxFilter{}, "Proxy": joinList(l, proxyNames), "OvertimeWaiting": overtime,
		"Chosen": r.PostForm["ids"], "Comment": r.PostForm.Get("comment"),
	}, formErr)
}

// unitChoices are the units a page offers (the inbox filter, the board),
// in tree order, each by its path: those keep accepts.
func unitChoices(tr *org.Tree, keep func(id int64) bool) []inboxUnit {
	var out []inboxUnit
	for _, n := range tr.Flatten(false) {
		if keep(n.Unit.ID) {
			out = append(out, inboxUnit{ID: n.Unit.ID, Name: tr.PathString(n.Unit.ID)})
		}
	}
	return out
}

// approvalsBulk approves, returns or rejects the chosen applications, each
// with the rules checked again; those that could not be are listed with
// why, the others are done.
func (s *Server) approvalsBulk(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	ids := formIDs(fm, "ids")
	act := apply.Action(fm.str("action"))
	if len(ids) == 0 {
		fm.v.Add("ids", "applyweb.none_selected", nil)
	}
	if err := fm.v.Err(); err != nil {
		s.inboxPage(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	res, err := s.svc.Apply.Bulk(r.Context(), p.TenantID, p, ids, act, apply.Act{Comment: fm.str("comment")})
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.inboxPage(w, r, http.StatusUnprocessableEntity, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	if len(res.Failed) > 0 {
		s.inboxPage(w, r, http.StatusConflict, s.bulkError(r, res))
		return
	}
	s.flashRedirect(w, r, safeBack(fm.str("back"), "/approvals"), "flash.applyweb_bulk_"+string(act))
}

// bulkError is what a bulk action could not do: how many (the summary),
// and on the choice each application named by its person and days (when
// the viewer may read it) with the reason itself — a validation's field
// messages, not its summary.
func (s *Server) bulkError(r *http.Request, res *apply.BulkResult) error {
	l, p := lang(r), principal(r)
	var lines []string
	for _, f := range res.Failed {
		what := i18n.T(l, "applyweb.bulk_chosen", nil)
		if d, err := s.svc.Apply.Get(r.Context(), p.TenantID, p, f.ID); err == nil {
			what = i18n.T(l, "applyweb.bulk_app", map[string]any{"Name": d.StaffName, "Dates": dateView(r).datesSummary(d.ActiveDates())})
		}
		lines = append(lines, i18n.T(l, "applyweb.bulk_failed_one", map[string]any{"What": what, "Why": i18n.Reason(l, f.Err)}))
	}
	return &apperr.Error{Code: apperr.Conflict, Key: "applyweb.bulk_partial", Args: map[string]any{"Failed": len(res.Failed), "Done": len(res.Done)},
		Fields: []apperr.FieldError{{Field: "ids", Key: "applyweb.bulk_failed", Args: map[string]any{"List": strings.Join(lines, " ")}}}}
}

// formIDs reads a list of ids; a malformed one is a field error.
func formIDs(fm *form, name string) []int64 {
	var out []int64
	for _, s := range fm.r.PostForm[name] {
		n, err := strconv.ParseInt(toHalfWidthDigits(s), 10, 64)
		if err != nil || n <= 0 {
			fm.v.Add(name, "field.choice", nil)
			return nil
		}
		out = append(out, n)
	}
	return out
}

// safeBack keeps a redirect inside the approvals pages.
func safeBack(back, def string) string {
	if back == "/approvals" || (len(back) > len("/approvals?") && back[:len("/approvals?")] == "/approvals?") {
		return back
	}
	return def
}

// reportRow is one day's 実施報告 as the pages show it (partial
// "report_line"), its labels in the page's language.
type reportRow struct {
	Date, Hours, Work, Products string
	Verbal                      bool
	// Confirmed: "確認済み（名前）" once the supervisor confirmed, with the
	// comment given then.
	Confirmed, Comment                          string
	WorkLabel, ProductsLabel, VerbalLabel, Head string
}

// reportRowOf is day d's report for the pages (nil report: none).
func reportRowOf(l string, d apply.Day, confirmer string) reportRow {
	rep := d.Report
	row := reportRow{Date: dayLabel(l, d.Date), Hours: hoursText(l, rep), Work: rep.Work, Products: rep.Products,
		Verbal: rep.Verbal, WorkLabel: i18n.T(l, "applyweb.f_work", nil), ProductsLabel: i18n.T(l, "applyweb.f_products", nil),
		VerbalLabel: i18n.T(l, "applyweb.verbal", nil)}
	if d.Status == apply.Confirmed {
		row.Confirmed, row.Comment = i18n.T(l, "applyweb.report_confirmed", nil), rep.Comment
		if confirmer != "" {
			row.Confirmed = i18n.T(l, "applyweb.report_confirmed_by", map[string]any{"Name": confirmer})
		}
	}
	return row
}

type confirmRow struct {
	AppID       int64
	Name, Dates string
	Reports     []reportRow
}

type overdueRow struct {
	AppID      int64
	Name, Date string
	ISO, Due   string
}

// approvalReports is the supervisor's side of the 実施報告: the reports of
// their section waiting to be confirmed (confirm one or many), and the
// days whose report is overdue (record a verbal report for them).
func (s *Server) approvalReports(w http.ResponseWriter, r *http.Request) {
	s.reportsPage(w, r, http.StatusOK, nil)
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := principal(r)
	l := lang(r)
	v := dateView(r)
	var toConfirm []confirmRow
	var overdue []overdueRow
	reported := 0
	if p.Has(auth.Supervisor) {
		list, err := s.svc.Apply.ToConfirm(r.Context(), p.TenantID, p, apply.Filter{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, a := range list {
			row := confirmRow{AppID: a.ID, Name: a.StaffName}
			var ds []calendar.Date
			for _, d := range a.Days {
				if d.Status != apply.Reported || d.Report == nil {
					continue
				}
				ds = append(ds, d.Date)
				reported++
				row.Reports = append(row.Reports, reportRowOf(l, d, ""))
			}
			row.Dates = dateView(r).datesSummary(ds)
			toConfirm = append(toConfirm, row)
		}
		late, err := s.svc.Apply.Overdue(r.Context(), p.TenantID, p, true, apply.Filter{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		today := s.svc.Apply.Today()
		for _, a := range late {
			for _, d := range a.Days {
				if reportOverdue(d, today) {
					overdue = append(overdue, overdueRow{AppID: a.ID, Name: a.StaffName, Date: dayLabel(l, d.Date),
						ISO: d.Date.String(), Due: v.Date(d.ReportDue)})
				}
			}
		}
	}
	s.render(w, r, status, "approvals_reports", "applyweb.title_reports", map[string]any{
		"ToConfirm": toConfirm, "Reported": reported, "Overdue": overdue}, formErr)
}

// hoursText is 予定 8:30〜17:15 / 実績 8:45〜17:00（7時間30分）.
func hoursText(l string, rep *apply.Report) string {
	args := map[string]any{"PS": rep.PlannedStart, "PE": rep.PlannedEnd, "AS": rep.ActualStart, "AE": rep.ActualEnd,
		"H": rep.ActualMinutes / 60, "M": rep.ActualMinutes % 60}
	if rep.ActualStart == "" {
		return i18n.T(l, "applyweb.hours_none", args)
	}
	if rep.PlannedStart == "" {
		return i18n.T(l, "applyweb.hours_actual", args)
	}
	return i18n.T(l, "applyweb.hours_both", args)
}

// reportsConfirm confirms the reports of the chosen applications.
func (s *Server) reportsConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	ids := formIDs(fm, "ids")
	if len(ids) == 0 {
		fm.v.Add("ids", "applyweb.none_selected_reports", nil) // reports, not applications
	}
	if err := fm.v.Err(); err != nil {
		s.reportsPage(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	res, err := s.svc.Apply.Bulk(r.Context(), p.TenantID, p, ids, apply.ActConfirm, apply.Act{Comment: fm.str("comment")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(res.Failed) > 0 {
		s.reportsPage(w, r, http.StatusConflict, s.bulkError(r, res))
		return
	}
	s.flashRedirect(w, r, "/approvals/reports", "flash.applyweb_confirmed")
}

// applicationConfirm confirms the reported days of one application.
func (s *Server) applicationConfirm(w http.ResponseWriter, r *http.Request) {
	s.onApplication(w, r, func(fm *form, p *auth.Principal, id int64) (string, string, error) {
		_, err := s.svc.Apply.Confirm(r.Context(), p.TenantID, p, id, apply.Act{Comment: fm.str("comment")})
		return "flash.applyweb_confirmed", "", err
	})
}

// reportForm is the 実施報告 as typed.
type reportForm struct {
	ActualStart, ActualEnd string
	BreakMinutes           string
	Work, Products         string
	Planned                string
	Verbal                 bool
}

// applicationReport is the 実施報告 form of one day: the applicant's own,
// or (verbal=1) the supervisor recording what they heard.
func (s *Server) applicationReport(w http.ResponseWriter, r *http.Request) {
	det, id, ok := foundApp(s, w, r)
	if !ok {
		return
	}
	d, err := calendar.ParseDate(r.URL.Query().Get("date"))
	if err != nil {
		// No day named: the first one due a report.
		today := s.svc.Apply.Today()
		for _, x := range det.Days {
			if apply.Allowed(x.Status, apply.ActReport) && !today.Before(x.Date) {
				d = x.Date
				break
			}
		}
	}
	f := &reportForm{Verbal: r.URL.Query().Get("verbal") == "1" && det.StaffID != principal(r).StaffID}
	s.reportFormPage(w, r, http.StatusOK, det, id, d, f, nil)
}

func (s *Server) reportFormPage(w http.ResponseWriter, r *http.Request, status int, det *apply.Detail, id int64, d calendar.Date, f *reportForm, formErr error) {
	a := det.Application
	l := lang(r)
	if !slices.Contains(det.Can, apply.ActReport) || !slices.ContainsFunc(a.Days, func(x apply.Day) bool { return x.Date == d && apply.Allowed(x.Status, apply.ActReport) }) {
		// Nothing to report on that day (yet): say so and why, on the page.
		s.render(w, r, status, "apply_report", "applyweb.title_report", map[string]any{"AppID": id, "Who": a.StaffName,
			"NotNow": errorText(l, apply.StateError(a.Status, apply.ActReport))}, formErr)
		return
	}
	f.Planned = unitText(l, a)
	// The clock-in and clock-out of the day, when recorded, are the
	// actual times to start from.
	for _, x := range a.Days {
		if x.Date != d {
			continue
		}
		if f.ActualStart == "" && !x.StartedAt.IsZero() {
			f.ActualStart = x.StartedAt.In(calendar.Tokyo).Format("15:04")
		}
		if f.ActualEnd == "" && !x.FinishedAt.IsZero() {
			f.ActualEnd = reportEnd(d, x.FinishedAt)
		}
	}
	title := "applyweb.title_report"
	if f.Verbal {
		title = "applyweb.title_verbal"
	}
	// The other days due a report can be reported with the same form.
	today := s.svc.Apply.Today()
	var others []dayRow
	for _, x := range a.Days {
		if x.Date != d && apply.Allowed(x.Status, apply.ActReport) && !today.Before(x.Date) {
			others = append(others, dayRow{Date: x.Date.String(), Label: dayLabel(l, x.Date)})
		}
	}
	s.render(w, r, status, "apply_report", title, map[string]any{"Form": f, "AppID": id, "ISO": d.String(),
		"Date": dayLabel(l, d), "Who": a.StaffName, "Plan": a.Plan, "Others": others}, formErr)
}

func (s *Server) applicationReportSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	det, id, ok := foundApp(s, w, r)
	if !ok {
		return
	}
	p := principal(r)
	fm := newForm(r)
	d := fm.date("date")
	f := &reportForm{ActualStart: toHalfWidthDigits(fm.str("actual_start")), ActualEnd: toHalfWidthDigits(fm.str("actual_end")),
		BreakMinutes: fm.str("break_minutes"), Work: fm.str("work"), Products: fm.str("products"),
		Verbal: fm.bool("verbal") && det.StaffID != p.StaffID}
	dates := []calendar.Date{d}
	for _, v := range r.PostForm["also"] {
		if x, err := calendar.ParseDate(v); err == nil && x != d {
			dates = append(dates, x)
		}
	}
	in := apply.ReportInput{Dates: dates, ActualStart: f.ActualStart, ActualEnd: f.ActualEnd,
		Work: f.Work, Products: f.Products, Verbal: f.Verbal}
	if strings.TrimSpace(f.BreakMinutes) != "" { // blank: the planned break, as the hint says
		n := fm.int("break_minutes", 0)
		in.BreakMinutes = &n
	}
	if fm.v.Err() != nil {
		// A field that could not be read (the break as "４５分"): the
		// report's own checks of the rest still run, so that every
		// field's error shows at once.
		s.reportFormPage(w, r, http.StatusUnprocessableEntity, det, id, d, f, fm.merge(in.Clean()))
		return
	}
	if _, err := s.svc.Apply.Report(r.Context(), p.TenantID, p, id, in); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.reportFormPage(w, r, http.StatusUnprocessableEntity, det, id, d, f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	key := "flash.applyweb_reported"
	if f.Verbal {
		key = "flash.applyweb_verbal"
	}
	s.flashRedirect(w, r, "/applications/"+itoa(id), key)
}

// reportEnd is the end of day d's work as a report writes it: "17:15", or
// past midnight on the day's own clock ("25:30"), as the report reads it.
func reportEnd(d calendar.Date, t time.Time) string {
	end := t.In(calendar.Tokyo)
	if calendar.DateOf(end) == d.AddDays(1) {
		return fmt.Sprintf("%02d:%02d", end.Hour()+24, end.Minute())
	}
	return end.Format("15:04")
}
