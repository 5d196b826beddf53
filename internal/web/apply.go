package web

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
)

// applyFormData is what the application form shows around the person's
// input: the choices the policy in force leaves them, the people who may
// check their presence, and the last rule check.
type applyFormData struct {
	Form   *applyForm
	Action string
	Intro  bool
	Last   string // summary of the last application when the form was prefilled from it
	// From: the application named by ?from= (「この内容で別の日を申請」)
	// the form was prefilled from, not the last one; FromDates its days.
	From           int64
	FromDates      string
	Weekdays       []weekdayChoice
	Modes          []policy.Mode
	Places         []string
	HomeEquivalent bool
	PlaceKinds     []string
	Offices        []string // the tenant's satellite offices, suggested for the place's name
	TimeUnits      []policy.TimeUnit
	SegmentModes   []string
	Devices        []string
	DataClasses    []string
	TakeOut        bool
	TakeOutPaper   bool
	TakeOutData    bool
	PriorConsent   bool
	// OvertimeAsk: the policy wants overtime approved beforehand (the
	// application can ask for it); MidDay is the policy's 中抜け rule.
	OvertimeAsk   bool
	MidDay        string
	BreakStandard int
	Checkers      []*org.Staff
	Tasks         []applyTaskChoice // the task inventory's picker (issue 13)
	Guide         *handbookLink     // the handbook page of the apply_form slot (issue 16)
	TakeOutGuide  *handbookLink     // the take_out slot, next to 持ち出し
	Check         *checkView
}

type weekdayChoice struct {
	N     string
	Label string
}

// applyFormPage renders the form with the choices of the policy in force
// for the person. No policy in force still shows the form (the check then
// says why nothing can be applied for).
func (s *Server) applyFormPage(w http.ResponseWriter, r *http.Request, status int, d *applyFormData, title string, err error) {
	p := principal(r)
	l := lang(r)
	d.Form.pad()
	if d.Check == nil {
		d.Check = newCheckView(r, false)
	}
	d.Modes, d.TimeUnits = policy.Modes, policy.TimeUnits
	d.Places = []string{policy.PlaceHome, policy.PlaceHomeEquivalent, policy.PlaceSatellite, policy.PlaceMobile}
	d.PlaceKinds, d.HomeEquivalent = policy.HomeEquivalentKinds, true
	// Each day is checked under the version in force on it: a box a
	// version to come asks for (saved in March for April) is offered
	// already, or an application for its days could not pass.
	var ahead []policy.Version
	if a, aerr := s.svc.Policy.Applying(r.Context(), p.TenantID, p.StaffID); aerr == nil {
		ahead = append([]policy.Version{a.Version}, a.Future...)
		pol := a.Version.Policy
		if len(a.Modes) > 0 {
			d.Modes = a.Modes
		}
		if len(pol.TimeUnits) > 0 {
			d.TimeUnits = pol.TimeUnits
		}
		d.HomeEquivalent = pol.Places.HomeEquivalent
		if len(pol.Places.HomeEquivalentKinds) > 0 {
			d.PlaceKinds = pol.Places.HomeEquivalentKinds
		}
		d.TakeOutPaper = pol.TakeOut.Paper == "consent"
		d.TakeOutData = pol.TakeOut.Data == "consent"
		d.TakeOut = d.TakeOutPaper || d.TakeOutData || d.Form.PaperOut || d.Form.DataOut
	} else if vs, verr := s.svc.Policy.Versions(r.Context(), p.TenantID); verr == nil {
		// None in force today: the versions to come still decide.
		for _, v := range vs {
			if v.Future {
				ahead = append(ahead, v.Version)
			}
		}
	}
	for _, v := range ahead {
		d.PriorConsent = d.PriorConsent || v.Policy.Deadline.PriorConsent
		d.OvertimeAsk = d.OvertimeAsk || v.Policy.Hours.Overtime == "prior_approval"
		if d.MidDay == "" || d.MidDay == "not_allowed" {
			d.MidDay = v.Policy.MidDayBreak
		}
	}
	if !d.HomeEquivalent {
		d.Places = slices.DeleteFunc(d.Places, func(x string) bool { return x == policy.PlaceHomeEquivalent })
	}
	if !slices.Contains(d.Modes, policy.Satellite) {
		d.Places = slices.DeleteFunc(d.Places, func(x string) bool { return x == policy.PlaceSatellite })
	}
	if !slices.Contains(d.Modes, policy.Mobile) {
		d.Places = slices.DeleteFunc(d.Places, func(x string) bool { return x == policy.PlaceMobile })
	}
	d.SegmentModes = []string{string(apply.ModeOffice)}
	for _, m := range d.Modes {
		d.SegmentModes = append(d.SegmentModes, string(m))
	}
	d.Devices, d.DataClasses = policy.DeviceTypes, policy.DataClasses
	for _, n := range []int{1, 2, 3, 4, 5, 6, 0} {
		d.Weekdays = append(d.Weekdays, weekdayChoice{strconv.Itoa(n), s.weekdayName(l, n)})
	}
	checkers, cerr := s.sectionPeople(r, p)
	// The 在席確認者 is one of the section's 管理監督職員 (apply's rule).
	checkers = slices.DeleteFunc(checkers, func(st *org.Staff) bool { return !st.Supervisory() })
	if cerr != nil {
		s.serverError(w, r, cerr)
		return
	}
	d.Checkers = checkers
	offices, cerr := s.svc.Places.Offices(r.Context(), p.TenantID)
	if cerr != nil {
		s.serverError(w, r, cerr)
		return
	}
	d.Offices = nil
	for _, o := range offices {
		d.Offices = append(d.Offices, o.Name)
	}
	if d.Tasks, cerr = s.applyTaskChoices(r, d.Form.TaskIDs); cerr != nil {
		s.serverError(w, r, cerr)
		return
	}
	d.Guide, d.TakeOutGuide = s.HandbookLink(r, "apply_form"), s.HandbookLink(r, "take_out")
	s.render(w, r, status, "apply_form", title, d, err)
}

func (s *Server) weekdayName(l string, n int) string {
	if l == "en" {
		return []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}[n]
	}
	return []string{"日曜", "月曜", "火曜", "水曜", "木曜", "金曜", "土曜"}[n]
}

// sectionPeople are the person's colleagues of their section (the unit
// above their team and everything below it, or their own unit at the
// top): the people they may name 在席確認者 or, as approver, delegate to.
func (s *Server) sectionPeople(r *http.Request, p *auth.Principal) ([]*org.Staff, error) {
	tr, err := s.tree(r)
	if err != nil {
		return nil, err
	}
	unit := p.UnitID
	if u := tr.Unit(unit); u != nil && u.ParentID != 0 {
		unit = u.ParentID
	}
	if unit == 0 {
		return nil, nil
	}
	list, _, err := s.svc.Org.FindStaff(r.Context(), p.TenantID, org.StaffFilter{UnitID: unit, Limit: 500})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(st *org.Staff) bool { return st.ID == p.StaffID }), nil
}

// applyNew is the form: empty, or prefilled with the content of the
// person's last application (「前回と同じ内容で申請」) or of the one named
// by ?from=.
func (s *Server) applyNew(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	d := &applyFormData{Form: &applyForm{Kind: "day", TimeUnit: string(policy.FullDay)}, Action: "/apply", Intro: true}
	var src *apply.Application
	if from, err := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64); err == nil && from > 0 {
		det, err := s.svc.Apply.Get(r.Context(), p.TenantID, p, from)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if det.StaffID == p.StaffID {
			src = det.Application
			d.From, d.FromDates = src.ID, dateView(r).datesSummary(src.Dates())
		}
	}
	if src == nil {
		a, err := s.svc.Apply.Last(r.Context(), p.TenantID, p)
		switch {
		case err == nil:
			src = a
		case apperr.CodeOf(err) != apperr.NotFound:
			s.fail(w, r, err)
			return
		}
	}
	if src != nil {
		d.Form = formOf(src, false)
		d.Last = s.contentSummary(lang(r), src)
	}
	if day := r.URL.Query().Get("date"); day != "" {
		d.Form.Date = day
	}
	s.applyFormPage(w, r, http.StatusOK, d, "applyweb.title_form", nil)
}

// applyCreate saves the application: submitted (action=submit), kept as a
// draft (draft), or only checked (check: the form comes back with the
// findings, for browsers without JavaScript). Findings that refuse it
// bring the form back with them; nothing is written then.
func (s *Server) applyCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm, f, req := readApplyForm(r)
	d := &applyFormData{Form: f, Action: "/apply"}
	action := fm.str("action")
	if fm.v.Err() != nil {
		s.applyFormPage(w, r, http.StatusUnprocessableEntity, d, "applyweb.title_form", f.formErrors(fm, req))
		return
	}
	if action == "check" {
		d.Check = s.runCheck(r, req, f)
		s.applyFormPage(w, r, http.StatusOK, d, "applyweb.title_form", nil)
		return
	}
	req.Submit = action != "draft"
	res, err := s.svc.Apply.Create(r.Context(), p.TenantID, p, req)
	if err != nil {
		s.applyRefused(w, r, d, "applyweb.title_form", err)
		return
	}
	key := "flash.applyweb_submitted"
	switch {
	case !req.Submit:
		key = "flash.applyweb_draft"
	case res.AutoApproved:
		key = "flash.applyweb_auto_approved"
	}
	s.flashRedirect(w, r, "/applications/"+strconv.FormatInt(res.Application.ID, 10), key)
}

// applyRefused shows the form again after the service refused the
// application: the rule findings (a *apply.Refused) in the check, field
// errors at their fields.
func (s *Server) applyRefused(w http.ResponseWriter, r *http.Request, d *applyFormData, title string, err error) {
	d.Check = newCheckView(r, true)
	var refused *apply.Refused
	switch {
	case errors.As(err, &refused):
		fillCheck(d.Check, refused.Days, refused.Skipped, refused.Findings)
		summary := &apperr.Error{Code: apperr.Invalid, Key: "apply.refused"}
		for _, f := range refused.Findings {
			// A rule a box of the form answers is that box's error (the
			// summary links to it), not only a finding further down.
			if f.Severity == policy.Error && f.Rule == "deadline.prior_consent" {
				summary.Fields = append(summary.Fields, apperr.FieldError{Field: "prior_consent", Key: f.Key, Args: f.Args})
			}
		}
		s.applyFormPage(w, r, http.StatusUnprocessableEntity, d, title, summary)
	case apperr.CodeOf(err) == apperr.Invalid:
		// The check and the summary name each field by the form's label.
		err = d.Form.formFields(err)
		d.Check.Errors = fieldMessagesList(d.Check.Lang, err)
		s.applyFormPage(w, r, http.StatusUnprocessableEntity, d, title, err)
	case apperr.CodeOf(err) == apperr.Conflict:
		d.Check.Problem = errorText(d.Check.Lang, err)
		s.applyFormPage(w, r, http.StatusConflict, d, title, err)
	default:
		s.fail(w, r, err)
	}
}

// runCheck asks the service for the findings of the request as it is, as
// a submission now would get them. Nothing is written. Its field errors
// name the fields as the form of that kind of days labels them
// (formFields), as the error summary does.
func (s *Server) runCheck(r *http.Request, req apply.Request, f *applyForm) *checkView {
	p := principal(r)
	c := newCheckView(r, true)
	res, err := s.svc.Apply.Preview(r.Context(), p.TenantID, p, req)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			c.Errors = fieldMessagesList(c.Lang, f.formFields(err))
		} else {
			c.Problem = errorText(c.Lang, err)
		}
		return c
	}
	fillCheck(c, res.Application.Dates(), res.Skipped, res.Findings)
	return c
}

func fillCheck(c *checkView, days []calendar.Date, skipped []apply.Skipped, fs []policy.Finding) {
	for _, d := range days {
		c.Days = append(c.Days, dayLabel(c.Lang, d))
	}
	for _, sk := range skipped {
		c.Skipped = append(c.Skipped, dayLabel(c.Lang, sk.Date)+" "+i18n.OffName(c.Lang, sk.Reason))
	}
	c.add(fs)
}

// applyCheck is the live check: the form as it is now, answered with the
// findings' HTML for the page's live region. Nothing is written.
func (s *Server) applyCheck(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	fm, f, req := readApplyForm(r)
	c := newCheckView(r, false)
	switch {
	case f.Mode == "" || (f.Kind == "day" && f.Date == "") || (f.Kind != "day" && (f.From == "" || f.To == "")):
		// Not enough to check yet: the hint stays.
	case fm.v.Err() != nil:
		c.Ran = true
		c.Errors = fieldMessagesList(c.Lang, fm.v.Err())
	default:
		c = s.runCheck(r, req, f)
	}
	s.renderFragment(w, r, "apply_form", "apply_check", c)
}

// renderFragment writes one named template of a page's set (the live
// check's findings) without the layout.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, page, name string, data any) {
	tpl, ok := s.tmpl.byName[page]
	if !ok {
		s.serverError(w, r, errNoTemplate(page))
		return
	}
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, name, data); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
