package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
)

// appRow is one application in a list.
type appRow struct {
	ID      int64
	Dates   string
	State   stateView
	What    string
	Plan    string
	Note    string
	Overdue int
}

type overdueView struct {
	AppID int64
	Date  string // YYYY-MM-DD
	Label string
}

// pastLimit is how many past applications わたしの申請 shows before
// 「すべて表示」.
const pastLimit = 30

// myApplications is 「わたしの申請」: the person's applications with a day
// from today on (and undecided ones) first, then the past ones, with the
// days whose report is overdue flagged.
func (s *Server) myApplications(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	f := apply.Filter{}
	var other string // whose, when not the person's own (HR, or their supervisor)
	if id := int64OrZero(r.URL.Query().Get("staff")); id != 0 && id != p.StaffID {
		st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.StaffIDs, other = []int64{id}, st.Name
	}
	// One read holds up to apply.MaxPage applications, newest first; the
	// older ones follow a link (?after=: the last one's place), so years of
	// history stay reachable.
	if k, ok := parseAppKey(r.URL.Query().Get("after")); ok {
		f.After = k
	}
	list, err := s.svc.Apply.List(r.Context(), p.TenantID, p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	older := ""
	if len(list) == apply.MaxPage {
		next := f
		next.After, next.Limit = apply.KeyOf(list[len(list)-1]), 1
		rest, err := s.svc.Apply.List(r.Context(), p.TenantID, p, next)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(rest) > 0 {
			q := url.Values{"all": {"1"}, "after": {appKeyString(next.After)}}
			if len(f.StaffIDs) == 1 && f.StaffIDs[0] != p.StaffID {
				q.Set("staff", strconv.FormatInt(f.StaffIDs[0], 10))
			}
			older = r.URL.Path + "?" + q.Encode()
		}
	}
	v := dateView(r)
	l := v.Lang
	today := s.svc.Apply.Today()
	var upcoming, past []appRow
	var overdue []overdueView
	for _, a := range list {
		row := s.appRowOf(v, a, today)
		for _, d := range a.Days {
			if reportOverdue(d, today) {
				overdue = append(overdue, overdueView{AppID: a.ID, Date: d.Date.String(),
					Label: i18n.T(l, "applyweb.overdue_write", map[string]any{"Date": dayLabel(l, d.Date)})})
			}
		}
		if isUpcoming(a, today) {
			upcoming = append(upcoming, row)
		} else {
			past = append(past, row)
		}
	}
	// Upcoming soonest first; past most recent first.
	slices.Reverse(upcoming)
	more := false
	if len(past) > pastLimit && r.URL.Query().Get("all") != "1" {
		past, more = past[:pastLimit], true
	}
	data := map[string]any{"Upcoming": upcoming, "Past": past, "Overdue": overdue, "More": more, "Other": other, "Older": older}
	if other != "" {
		data["Overdue"] = nil // the person's own to write; their supervisor sees them under reports
		s.render(w, r, http.StatusOK, "apply_list", "applyweb.title_theirs", data, nil)
		return
	}
	_, lastErr := s.svc.Apply.Last(r.Context(), p.TenantID, p)
	data["HasLast"] = lastErr == nil
	s.render(w, r, http.StatusOK, "apply_list", "applyweb.title_mine", data, nil)
}

// appKeyString writes an application's place in the list for a link
// ("2026-04-01.123": its first day and id); parseAppKey reads it back
// (false for anything else, which reads as the first page).
func appKeyString(k apply.Key) string { return k.FirstDay.String() + "." + strconv.FormatInt(k.ID, 10) }

func parseAppKey(s string) (apply.Key, bool) {
	day, id, ok := strings.Cut(s, ".")
	if !ok {
		return apply.Key{}, false
	}
	d, err := calendar.ParseDate(day)
	n, nerr := strconv.ParseInt(id, 10, 64)
	if err != nil || nerr != nil || n <= 0 {
		return apply.Key{}, false
	}
	return apply.Key{FirstDay: d, ID: n}, true
}

// isUpcoming: undecided, or holding a day from today on.
func isUpcoming(a *apply.Application, today calendar.Date) bool {
	switch a.Decision {
	case apply.Draft, apply.Submitted, apply.Returned:
		return true
	case apply.Rejected, apply.Withdrawn:
		return false
	}
	for _, d := range a.Days {
		if !d.Date.Before(today) && apply.Occupies(d.Status) {
			return true
		}
	}
	return false
}

// reportOverdue: the day's report was due before today and is not filed.
func reportOverdue(d apply.Day, today calendar.Date) bool {
	if d.ReportDue.IsZero() || !d.ReportDue.Before(today) {
		return false
	}
	switch d.Status {
	case apply.Approved, apply.Started, apply.Finished:
		return true
	}
	return false
}

func (s *Server) appRowOf(v *view, a *apply.Application, today calendar.Date) appRow {
	l := v.Lang
	row := appRow{ID: a.ID, Dates: v.datesSummary(activeOrAll(a)), State: stateOf(l, a.Status),
		What: s.contentSummaryShort(l, a), Plan: shorten(a.Plan, 80)}
	for _, d := range a.Days {
		if reportOverdue(d, today) {
			row.Overdue++
		}
	}
	if n := len(a.Days) - len(a.ActiveDates()); n > 0 && a.Status != apply.Cancelled && a.Decision == apply.Approved {
		row.Note = i18n.T(l, "applyweb.cancelled_days", map[string]any{"N": n})
	}
	return row
}

// activeOrAll are the days to name in a summary: those still held, or all
// of them when none is (a cancelled or withdrawn application).
func activeOrAll(a *apply.Application) []calendar.Date {
	if ds := a.ActiveDates(); len(ds) > 0 {
		return ds
	}
	return a.Dates()
}

func shorten(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

// contentSummaryShort is the content without the plan (shown apart).
func (s *Server) contentSummaryShort(l string, a *apply.Application) string {
	return strings.Join([]string{i18n.T(l, "mode."+string(a.Mode), nil), placeText(l, a), unitText(l, a)}, listSep(l))
}

// dayRow is one day of an application on its page.
type dayRow struct {
	Date                    string
	Label                   string
	State                   stateView
	ReportLabel, ReportLink string
	Overdue                 bool
}

type decisionView struct {
	When, Text, Comment string
}

// applicationShow is one application: its content, days, findings and
// history, with what the signed-in person may do to it (the applicant:
// edit, submit, withdraw, cancel days, report; the approver or a delegate:
// decide, confirm reports, record a verbal report). The service decides who
// may see it: the applicant, the approvers and delegates, the supervisors
// of the applicant's unit and HR; anyone else gets 404.
func (s *Server) applicationShow(w http.ResponseWriter, r *http.Request) {
	s.showApplication(w, r, http.StatusOK, nil)
}

func (s *Server) showApplication(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	det, id, ok := foundApp(s, w, r)
	if !ok {
		return
	}
	a := det.Application
	p := principal(r)
	l := lang(r)
	v := dateView(r)
	today := s.svc.Apply.Today()
	own := a.StaffID == p.StaffID
	can := func(x apply.Action) bool { return slices.Contains(det.Can, x) }
	d := map[string]any{"App": a, "Own": own, "State": stateOf(l, a.Status), "Dates": v.datesSummaryCancelled(a.Dates(), cancelledDays(a)), "Comment": r.PostFormValue("comment"),
		"Place": placeText(l, a) + placeReason(a), "Back": "/applications", "BackLabel": i18n.T(l, "applyweb.back_mine", nil)}
	if !own {
		d["Back"], d["BackLabel"] = "/approvals", i18n.T(l, "applyweb.back_inbox", nil)
	}
	var segs []string
	for _, sg := range a.Segments {
		t := sg.Start + rangeSep(l) + sg.End + " " + i18n.T(l, "applyweb.where_"+string(sg.Mode), nil)
		if sg.PlaceName != "" {
			lp, rp := parens(l)
			t += lp + sg.PlaceName + rp
		}
		segs = append(segs, t)
	}
	d["Segments"] = segs
	var devs []string
	for _, dv := range a.Devices {
		devs = append(devs, i18n.T(l, "device."+dv, nil))
	}
	d["Devices"] = joinList(l, devs)
	d["TakeOut"] = takeOutText(l, a.TakeOut)
	d["Conditions"] = conditionsOf(l, a)
	taskNames, err := s.applyTaskNames(r, a.UnitID, a.TaskIDs)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d["Tasks"] = taskNames
	name := func(id int64) string {
		if id == 0 {
			return ""
		}
		if st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, id); err == nil {
			return st.Name
		}
		return ""
	}
	d["Checker"] = name(a.PresenceCheckerID)
	var approvers []string
	for _, id := range []int64{a.FirstApproverID, a.SecondApproverID} {
		if n := name(id); n != "" {
			approvers = append(approvers, n)
		}
	}
	d["Approvers"] = strings.Join(approvers, " → ")
	check := newCheckView(r, len(a.Findings) > 0 || len(a.Skipped) > 0)
	for _, sk := range a.Skipped {
		check.Skipped = append(check.Skipped, dayLabel(l, sk.Date)+" "+i18n.OffName(l, sk.Reason))
	}
	check.add(storedFindings(a.Findings))
	d["Check"] = check
	var days []dayRow
	var cancellable []dayRow
	for _, dd := range a.Days {
		row := dayRow{Date: dd.Date.String(), Label: dayLabel(l, dd.Date), State: stateOf(l, dd.Status), Overdue: reportOverdue(dd, today)}
		switch {
		case dd.Report != nil && dd.Report.Verbal:
			row.ReportLabel = i18n.T(l, "applyweb.report_verbal_done", nil)
		case dd.Status == apply.Confirmed:
			row.ReportLabel = i18n.T(l, "applyweb.report_confirmed", nil)
		case dd.Report != nil:
			row.ReportLabel = i18n.T(l, "applyweb.report_done", nil)
		case apply.Allowed(dd.Status, apply.ActReport) && !today.Before(dd.Date):
			switch {
			case own:
				row.ReportLabel = i18n.T(l, "applyweb.report_write", nil)
				row.ReportLink = "/applications/" + itoa(id) + "/report?date=" + dd.Date.String()
			case can(apply.ActReport):
				row.ReportLabel = i18n.T(l, "applyweb.record_verbal", nil)
				row.ReportLink = "/applications/" + itoa(id) + "/report?date=" + dd.Date.String() + "&verbal=1"
			}
		case !dd.ReportDue.IsZero() && apply.Allowed(dd.Status, apply.ActReport):
			row.ReportLabel = i18n.T(l, "applyweb.report_due", map[string]any{"Date": v.Date(dd.ReportDue)})
		default:
			row.ReportLabel = i18n.T(l, "applyweb.report_none", nil)
		}
		days = append(days, row)
		if can(apply.ActCancel) && apply.Allowed(dd.Status, apply.ActCancel) && today.Before(dd.Date) {
			cancellable = append(cancellable, row)
		}
	}
	d["Days"], d["Cancellable"] = days, cancellable
	if own && !p.ReadOnly {
		if d["Reserve"], err = s.applyReserveRows(r, l, a); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	d["Series"] = a.Recurrence != nil && len(cancellable) > 1
	d["CanDecide"] = can(apply.ActApprove)
	if det.OnBehalfOf != 0 && can(apply.ActApprove) {
		if st, err := s.svc.Org.StaffByID(r.Context(), p.TenantID, det.OnBehalfOf); err == nil {
			d["OnBehalf"] = st.Name
		}
	}
	d["CanEdit"] = own && (a.Decision == apply.Returned || a.Decision == apply.Draft) && !p.ReadOnly
	d["CanSubmit"] = a.Decision == apply.Draft && can(apply.ActSubmit)
	d["CanWithdraw"] = can(apply.ActWithdraw)
	d["CanConfirm"] = can(apply.ActConfirm)
	// The reports filed, as the supervisor confirms them (a review found
	// them shown nowhere on the page): hours, work, products, who confirmed.
	names := map[int64]string{}
	for _, dc := range det.Decisions {
		names[dc.ByStaffID] = dc.ByName
	}
	var reports []reportRow
	for _, dd := range a.Days {
		if dd.Report != nil {
			reports = append(reports, reportRowOf(l, dd, names[dd.Report.ConfirmedBy]))
		}
	}
	d["Reports"] = reports
	var hist []decisionView
	for _, dc := range det.Decisions {
		hist = append(hist, decisionView{When: v.Time(dc.At), Text: decisionText(v, dc, a.StaffID), Comment: dc.Comment})
	}
	d["Decisions"] = hist
	title := "applyweb.title_show"
	if c := s.applyCombinedView(r, det, own); c != nil {
		// 申出書兼報告書: the request and the report as one sheet.
		d["Combined"], title = c, "applyweb.title_combined"
	}
	s.render(w, r, status, "apply_show", title, d, formErr)
}

func placeReason(a *apply.Application) string {
	if a.PlaceReason == "" {
		return ""
	}
	return " — " + a.PlaceReason
}

func joinList(l string, xs []string) string {
	sep := "、"
	if l == "en" {
		sep = ", "
	}
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += sep
		}
		out += x
	}
	return out
}

// takeOutText says what is taken out: 書類（個人情報）、データ、自宅で印刷 ….
func takeOutText(l string, t apply.TakeOut) string {
	if !t.Any() {
		return ""
	}
	var parts []string
	classes := func(cs []string) string {
		if len(cs) == 0 {
			return ""
		}
		var out []string
		for _, c := range cs {
			out = append(out, i18n.T(l, "dataclass."+c, nil))
		}
		return "（" + joinList(l, out) + "）"
	}
	if t.Paper {
		parts = append(parts, i18n.T(l, "applyweb.f_paper_out", nil)+classes(t.PaperClasses))
	}
	if t.Data {
		parts = append(parts, i18n.T(l, "applyweb.f_data_out", nil)+classes(t.DataClasses))
	}
	if t.PrintAtHome {
		parts = append(parts, i18n.T(l, "applyweb.f_print_at_home", nil))
	}
	if t.SaveAtHome {
		parts = append(parts, i18n.T(l, "applyweb.f_save_at_home", nil))
	}
	if t.Items != "" {
		parts = append(parts, t.Items)
	}
	return joinList(l, parts)
}

// decisionText is one line of the history: 「佐藤 花子 が承認（鈴木 一郎 に代わって代決）」.
func decisionText(v *view, dc apply.Decision, applicant int64) string {
	l := v.Lang
	name := dc.ByName
	if dc.Auto() {
		name = i18n.T(l, "apply.decider_system", nil)
	}
	action := "apply.action." + string(dc.Action)
	if dc.VerbalReport(applicant) {
		action = "apply.action.report_verbal"
	}
	args := map[string]any{"Name": name, "Action": i18n.T(l, action, nil)}
	text := i18n.T(l, "applyweb.decision_line", args)
	if dc.OnBehalfOf != 0 {
		text += i18n.T(l, "applyweb.decision_proxy", map[string]any{"Name": dc.OnBehalfOfName})
	}
	if len(dc.Dates) > 0 && dc.Action != apply.ActApprove && dc.Action != apply.ActSubmit {
		text += " " + v.datesSummary(dc.Dates)
	}
	return text
}

// foundApp loads the {id} application as the signed-in person may see it
// (404 otherwise, another tenant's included).
func foundApp(s *Server, w http.ResponseWriter, r *http.Request) (*apply.Detail, int64, bool) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return nil, 0, false
	}
	p := principal(r)
	det, err := s.svc.Apply.Get(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, 0, false
	}
	return det, id, true
}

// applicationEdit is the form of a returned (or draft) application, to
// correct and resubmit it.
func (s *Server) applicationEdit(w http.ResponseWriter, r *http.Request) {
	det, id, ok := foundApp(s, w, r)
	if !ok {
		return
	}
	a := det.Application
	p := principal(r)
	if a.StaffID != p.StaffID || (a.Decision != apply.Returned && a.Decision != apply.Draft) {
		s.fail(w, r, apply.StateError(a.Status, apply.ActSubmit))
		return
	}
	f := formOf(a, true)
	f.ReturnComment = returnComment(det.Decisions)
	d := &applyFormData{Form: f, Action: "/applications/" + itoa(id)}
	s.applyFormPage(w, r, http.StatusOK, d, "applyweb.title_edit", nil)
}

// returnComment is the comment of the last 差戻し, shown above the form.
func returnComment(decs []apply.Decision) string {
	for i := len(decs) - 1; i >= 0; i-- {
		if decs[i].Action == apply.ActReturn {
			return decs[i].Comment
		}
	}
	return ""
}

// applicationUpdate saves the corrected application and resubmits it
// (action=submit), or only checks it (check), or keeps it (draft).
func (s *Server) applicationUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r)
	if !ok {
		return
	}
	p := principal(r)
	if _, err := s.svc.Apply.Get(r.Context(), p.TenantID, p, id); err != nil {
		s.fail(w, r, err) // another person's (or tenant's): not found
		return
	}
	fm, f, req := readApplyForm(r)
	f.ID = id
	d := &applyFormData{Form: f, Action: "/applications/" + itoa(id)}
	if fm.v.Err() != nil {
		s.applyFormPage(w, r, http.StatusUnprocessableEntity, d, "applyweb.title_edit", f.formErrors(fm, req))
		return
	}
	action := fm.str("action")
	if action == "check" {
		d.Check = s.runCheck(r, req, f)
		s.applyFormPage(w, r, http.StatusOK, d, "applyweb.title_edit", nil)
		return
	}
	req.Submit = action != "draft"
	res, err := s.svc.Apply.Update(r.Context(), p.TenantID, p, id, req, 0)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			s.fail(w, r, err)
			return
		}
		s.applyRefused(w, r, d, "applyweb.title_edit", err)
		return
	}
	key := "flash.applyweb_resubmitted"
	if !req.Submit {
		key = "flash.applyweb_draft"
	}
	s.flashRedirect(w, r, "/applications/"+itoa(res.Application.ID), key)
}

// applicationSubmit submits a draft as it is.
func (s *Server) applicationSubmit(w http.ResponseWriter, r *http.Request) {
	s.onApplication(w, r, func(_ *form, p *auth.Principal, id int64) (string, string, error) {
		_, err := s.svc.Apply.Submit(r.Context(), p.TenantID, p, id, 0)
		return "flash.applyweb_submitted", "", err
	})
}

func (s *Server) applicationWithdraw(w http.ResponseWriter, r *http.Request) {
	s.onApplication(w, r, func(_ *form, p *auth.Principal, id int64) (string, string, error) {
		_, err := s.svc.Apply.Withdraw(r.Context(), p.TenantID, p, id, apply.Act{})
		return "flash.applyweb_withdrawn", "", err
	})
}

// applicationDiscard deletes the person's own draft.
func (s *Server) applicationDiscard(w http.ResponseWriter, r *http.Request) {
	s.onApplication(w, r, func(_ *form, p *auth.Principal, id int64) (string, string, error) {
		return "flash.applyweb_discarded", "/applications", s.svc.Apply.Discard(r.Context(), p.TenantID, p, id, 0)
	})
}

// applicationCancel cancels the chosen days (mode=days) or every day from
// a date on (mode=rest: the rest of a recurring series).
func (s *Server) applicationCancel(w http.ResponseWriter, r *http.Request) {
	s.onApplication(w, r, func(fm *form, p *auth.Principal, id int64) (string, string, error) {
		// The version of the page the person saw: the cancel is taken on
		// that (an approval or a cancel since is a 409 to reload).
		in := apply.Act{Version: int64(fm.int("version", 0))}
		if fm.str("mode") == "rest" {
			if in.From = fm.date("from"); in.From.IsZero() {
				fm.v.Add("dates", "field.required", nil)
			}
		} else {
			for _, s := range r.PostForm["dates"] {
				d, err := calendar.ParseDate(s)
				if err != nil {
					fm.v.Add("dates", "field.date", nil)
					break
				}
				in.Dates = append(in.Dates, d)
			}
			if len(in.Dates) == 0 {
				fm.v.Add("dates", "applyweb.cancel_none", nil)
			}
		}
		if err := fm.v.Err(); err != nil {
			return "", "", err
		}
		_, err := s.svc.Apply.Cancel(r.Context(), p.TenantID, p, id, in)
		return "flash.applyweb_cancelled", "", err
	})
}

// applicationDecide approves, returns or rejects one application.
func (s *Server) applicationDecide(w http.ResponseWriter, r *http.Request) {
	s.onApplication(w, r, func(fm *form, p *auth.Principal, id int64) (string, string, error) {
		act := apply.Action(fm.str("action"))
		// The decision is on the version the approver saw (the form's):
		// a change since is a 409 naming the state, not a decision on
		// what they did not see.
		_, err := s.svc.Apply.Decide(r.Context(), p.TenantID, p, id, act, apply.Act{Comment: fm.str("comment"), Version: fm.id("version")})
		return "flash.applyweb_" + string(act), "/approvals", err
	})
}

// onApplication runs one action on the {id} application from a posted
// form: do makes the service call and says which flash and page follow
// (the application's page when target is empty). A refusal is shown by
// actionFailed.
func (s *Server) onApplication(w http.ResponseWriter, r *http.Request, do func(fm *form, p *auth.Principal, id int64) (flash, target string, err error)) {
	id, ok := s.postedID(w, r)
	if !ok {
		return
	}
	flash, target, err := do(newForm(r), principal(r), id)
	if err != nil {
		s.actionFailed(w, r, err)
		return
	}
	if target == "" {
		target = "/applications/" + itoa(id)
	}
	s.flashRedirect(w, r, target, flash)
}

// postedID reads a posted form and the {id} path value, answering the
// malformed request itself.
func (s *Server) postedID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if !s.parseForm(w, r) {
		return 0, false
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
	}
	return id, ok
}

// actionFailed shows why an action on an application was refused: a field
// error (a missing comment) or the rules (refused) on the application's
// page, a state that no longer allows it as a 409 page naming the state.
func (s *Server) actionFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch apperr.CodeOf(err) {
	case apperr.Invalid:
		s.showApplication(w, r, http.StatusUnprocessableEntity, err)
	case apperr.Conflict:
		// Another action came first: the application as it is now, the
		// reason on top and the typed comment kept (a review found a
		// dead-end page that lost it).
		s.showApplication(w, r, http.StatusConflict, err)
	default:
		s.fail(w, r, err)
	}
}

// cancelledDays is how many days of a multi-day application were
// cancelled one by one while others stay (0 when all or none were: the
// application's state says that).
func cancelledDays(a *apply.Application) int {
	n := 0
	for _, d := range a.Days {
		if d.Status == apply.Cancelled {
			n++
		}
	}
	if n == len(a.Days) {
		return 0
	}
	return n
}
