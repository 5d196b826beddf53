package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/policy"
	"telework/internal/route"
)

// Telework applications: apply, list, read, and each step of the
// lifecycle (issue 11). The rules and relationships are apply.Service's.

func (s *API) applicationRoutes() []route.Route {
	rule := route.Directory
	routes := []route.Route{
		{Method: "POST", Pattern: "/api/v1/applications", Rule: rule, Handler: s.apiCreateApplication,
			API: &route.Op{ID: "createApplication", Tag: "applications", Body: "ApplicationInput", Resp: "Application", Status: 201, Idempotent: true, Refusal: "ApplicationRefusal",
				Summary: "Apply for telework on dates, a range or a weekly pattern (holidays and closure days skipped and listed); submit=false keeps a draft. 422 with findings[] when the rules refuse it"}},
		{Method: "POST", Pattern: "/api/v1/applications/preview", Rule: rule, Handler: s.apiPreviewApplication,
			API: &route.Op{ID: "previewApplication", Tag: "applications", Body: "ApplicationInput", Resp: "ApplicationPreview", Refusal: "ApplicationRefusal",
				Summary: "Check an application as it is being filled in: its days, the days skipped and the findings; nothing is written"}},
		{Method: "GET", Pattern: "/api/v1/applications", Rule: rule, Handler: s.apiListApplications,
			API: &route.Op{ID: "listApplications", Tag: "applications", Resp: "Application", List: true,
				Summary: "Your applications (newest day first); another person's with staff_id, a unit's with unit_id (their supervisors and HR)",
				Query: append([]route.Param{{Name: "staff_id", Type: "integer", Desc: "whose (default: yours)"},
					{Name: "unit_id", Type: "integer", Desc: "the people of this unit and below (supervisors within their unit, HR)"},
					{Name: "from", Type: "string", Desc: "having a day on or after (YYYY-MM-DD)"},
					{Name: "to", Type: "string", Desc: "having a day on or before (YYYY-MM-DD)"},
					{Name: "status", Type: "string", Desc: "the status field as returned (comma-separated for several): draft, submitted, approved, returned, rejected, withdrawn, cancelled, started, finished, reported, confirmed"},
					{Name: "mode", Type: "string", Desc: "only this mode of work: home, satellite, mobile"},
					{Name: "overdue", Type: "boolean", Desc: "only those with a report overdue"}}, pagingParams...)}},
		{Method: "GET", Pattern: "/api/v1/applications/{id}", Rule: rule, Object: "application", Handler: s.apiGetApplication,
			API: &route.Op{ID: "getApplication", Tag: "applications", Resp: "Application",
				Summary: "An application with its days, decisions and what you may do with it now (can[]); the ETag carries its version"}},
		{Method: "PUT", Pattern: "/api/v1/applications/{id}", Rule: rule, Object: "application", Handler: s.apiUpdateApplication,
			API: &route.Op{ID: "updateApplication", Tag: "applications", Body: "ApplicationInput", Resp: "Application", Refusal: "ApplicationRefusal",
				SeenVersion: true, Conflict: "the application is no longer a draft or returned, or it changed since the If-Match given",
				Summary: "Replace the content and days of your draft or returned application (submit=true, the default, submits it again; 422 with findings[])"}},
		{Method: "DELETE", Pattern: "/api/v1/applications/{id}", Rule: rule, Object: "application", Handler: s.apiDiscardApplication,
			API: &route.Op{ID: "discardApplication", Tag: "applications", Status: 204, Summary: "Delete your own draft",
				SeenVersion: true, Conflict: "the application is no longer a draft, or it changed since the If-Match given"}},
	}
	for _, a := range []apply.Action{apply.ActSubmit, apply.ActWithdraw, apply.ActApprove, apply.ActReturn, apply.ActReject,
		apply.ActCancel, apply.ActReport, apply.ActConfirm, apply.ActStart, apply.ActFinish} {
		routes = append(routes, route.Route{Method: "POST", Pattern: "/api/v1/applications/{id}/" + string(a), Rule: rule,
			Object: "application", Handler: s.apiApplicationAction(a),
			API: &route.Op{ID: string(a) + "Application", Tag: "applications", Body: "ApplicationAction", Resp: "Application",
				Idempotent: true, Summary: actionSummaries[a], Refusal: "ApplicationRefusal", OptionalBody: true, SeenVersion: true,
				Conflict: "the application's state no longer allows it, or another action came first (version / If-Match)"}})
	}
	return routes
}

var actionSummaries = map[apply.Action]string{
	apply.ActSubmit:   "Submit your draft or returned application (the rules are checked again: 422 with findings[])",
	apply.ActWithdraw: "Withdraw your submitted application (取下げ); it reads withdrawn",
	apply.ActApprove:  "Approve as its approver, standing proxy (代決) or delegate during an absence; rules re-checked (422 with findings[]); 409 when the state no longer allows it",
	apply.ActReturn:   "Return it to the applicant (差戻し) with a comment (required)",
	apply.ActReject:   "Reject it (却下) with a comment (required)",
	apply.ActCancel:   "Cancel your days before they come: days[] (one or more), from (the rest of a series) or every day ahead",
	apply.ActReport:   "File the 実施報告 of days (days[], default every day due): actual times, work and products; verbal=true records a report heard by the supervisor",
	apply.ActConfirm:  "Confirm the reports of days (days[], default every reported day), as its approver or a supervisor",
	apply.ActStart:    "Record that today's telework started (the working-time feature records it too)",
	apply.ActFinish:   "Record that today's telework finished",
}

// optionalJSON decodes a body that may be empty into dst: no bytes, with
// no Content-Type or a JSON one (a client that always sends it), is {}.
// Another Content-Type is refused as for any JSON body.
func optionalJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return decodeJSON(r, dst)
	}
	if r.ContentLength == 0 {
		return nil
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return decodeJSON(r, dst)
}

// writeRefused answers a refusal by the rules: 422 problem details with the
// findings (every one, errors first), the days and the days skipped. Input
// that cannot be checked (a bad date, an unknown mode) is answered the same
// way, each field error as an error finding (rule input.<field>), so that a
// client shows one list.
func (s *API) writeRefused(w http.ResponseWriter, r *http.Request, ref *apply.Refused, invalid error) {
	lang := apiLang(r)
	err := invalid
	if ref != nil {
		err = ref.Unwrap()
	} else {
		ref = &apply.Refused{}
	}
	body := struct {
		problemBody
		Findings []findingOut `json:"findings"`
		Days     []string     `json:"days"`
		Skipped  []skippedOut `json:"skipped"`
	}{problemBody: problemBody{Type: "urn:telework:problem:" + string(apperr.Invalid), Title: i18n.T(lang, "problem.invalid", nil),
		Status: http.StatusUnprocessableEntity, Detail: i18n.Error(lang, err), Instance: r.URL.Path, RequestID: requestID(r)},
		Findings: findingsOut(ref.Findings, lang), Days: []string{}, Skipped: []skippedOut{}}
	if e := apperr.As(err); e != nil {
		body.Code = e.Key
	}
	for _, f := range ref.Findings {
		if f.Severity == policy.Error {
			body.Errors = append(body.Errors, problemField{Field: "finding." + f.Rule, Detail: f.Message(lang), Code: "finding." + f.Rule})
		}
	}
	if e := apperr.As(invalid); e != nil {
		msgs := i18n.FieldMessages(lang, invalid)
		for _, f := range e.Fields {
			if m, ok := msgs[f.Field]; ok {
				body.Errors = append(body.Errors, problemField{Field: f.Field, Detail: m, Code: f.Key})
				rule := "input." + f.Field
				if f.Field == "input" { // the body's shape: not "input.input"
					rule = "input"
				}
				body.Findings = append(body.Findings, findingOut{Rule: rule, Severity: policy.Error, Message: m})
				delete(msgs, f.Field)
			}
		}
		if len(e.Fields) == 0 {
			body.Findings = append(body.Findings, findingOut{Rule: "input", Severity: policy.Error, Message: body.Detail})
		}
	}
	for _, d := range ref.Days {
		body.Days = append(body.Days, d.String())
	}
	for _, sk := range ref.Skipped {
		body.Skipped = append(body.Skipped, skippedIn(lang, sk))
	}
	enc := problemEncoder(w, http.StatusUnprocessableEntity, lang)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}

// fail answers err: the findings for a refusal, problem details otherwise.
func (s *API) applyFail(w http.ResponseWriter, r *http.Request, err error) {
	var ref *apply.Refused
	switch {
	case errors.As(err, &ref):
		s.writeRefused(w, r, ref, nil)
	case apperr.CodeOf(err) == apperr.Invalid:
		s.writeRefused(w, r, nil, err)
	default:
		s.apiFail(w, r, err)
	}
}

func (s *API) respondApplication(w http.ResponseWriter, r *http.Request, status int, res *apply.Result) {
	lang := apiLang(r)
	out := toApplicationOut(res.Application, lang)
	if res.Findings != nil {
		out.Findings = findingsOut(res.Findings, lang)
	}
	auto := res.AutoApproved
	out.AutoApproved = &auto
	w.Header().Set("ETag", etag("application", res.Application.ID, res.Application.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/applications/"+itoa(res.Application.ID))
	}
	writeJSON(w, status, out)
}

// readRequest reads the body of an application (an answered error
// otherwise).
func (s *API) readRequest(w http.ResponseWriter, r *http.Request) (apply.Request, bool) {
	var in applicationInput
	err := decodeJSON(r, &in)
	var req apply.Request
	if err == nil {
		req, err = in.request()
	}
	if err != nil {
		s.applyFail(w, r, err)
		return req, false
	}
	return req, true
}

func (s *API) apiCreateApplication(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	req, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	res, err := s.svc.Apply.Create(r.Context(), p.TenantID, p, req)
	if err != nil {
		s.applyFail(w, r, err)
		return
	}
	s.respondApplication(w, r, http.StatusCreated, res)
}

func (s *API) apiUpdateApplication(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("application"))
		return
	}
	if _, err := s.svc.Apply.Get(r.Context(), p.TenantID, p, id); err != nil {
		s.applyFail(w, r, err)
		return
	}
	version, err := ifMatchVersion(r, id)
	if err != nil {
		s.applyFail(w, r, err)
		return
	}
	req, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	res, err := s.svc.Apply.Update(r.Context(), p.TenantID, p, id, req, version)
	if err != nil {
		s.applyFail(w, r, err)
		return
	}
	s.respondApplication(w, r, http.StatusOK, res)
}

func (s *API) apiPreviewApplication(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	req, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	res, err := s.svc.Apply.Preview(r.Context(), p.TenantID, p, req)
	if err != nil {
		s.applyFail(w, r, err)
		return
	}
	lang := apiLang(r)
	out := map[string]any{"days": []string{}, "skipped": []skippedOut{}, "findings": findingsOut(res.Findings, lang),
		"ok": !policy.HasErrors(res.Findings)}
	var days []string
	for _, d := range res.Application.Days {
		days = append(days, d.Date.String())
	}
	if days != nil {
		out["days"] = days
	}
	var sk []skippedOut
	for _, x := range res.Skipped {
		sk = append(sk, skippedIn(lang, x))
	}
	if sk != nil {
		out["skipped"] = sk
	}
	first, second, err := s.svc.Apply.Approvers(r.Context(), p.TenantID, p.StaffID)
	if err == nil {
		out["approver_id"], out["second_approver_id"] = first, second
	}
	writeJSON(w, http.StatusOK, out)
}

// listQuery reads the filters of a list of applications.
func listQuery(r *http.Request) (apply.Filter, error) {
	var v apperr.Validation
	var f apply.Filter
	q := r.URL.Query()
	if id := queryInt(r, "staff_id", &v); id > 0 {
		f.StaffIDs = []int64{id}
	}
	if id := queryInt(r, "unit_id", &v); id > 0 {
		f.UnitIDs = []int64{id}
	}
	f.From, f.To = queryPeriod(r, &v)
	if s := q.Get("status"); s != "" {
		for _, x := range strings.Split(s, ",") {
			st := apply.Status(strings.TrimSpace(x))
			if !slices.Contains(apply.Statuses, st) {
				v.Add("status", "field.choice", map[string]any{"LabelKey": "fieldname.application_status"})
				break
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if m := q.Get("mode"); m != "" {
		f.Mode = policy.Mode(m)
		if !isMode(f.Mode) {
			v.Add("mode", "field.choice", nil)
		}
	}
	return f, v.Err()
}

func isMode(m policy.Mode) bool { return slices.Contains(policy.Modes, m) }

// writePage answers a list of applications one page at a time, in the
// list's own order (writeKeyPage): fetch reads the page of f. The cursor
// names the page's last application (its first day and id), so approving
// the applications of one page, or one made meanwhile, neither skips nor
// repeats any on the next.
func (s *API) writePage(w http.ResponseWriter, r *http.Request, f apply.Filter, fetch func(apply.Filter) ([]*apply.Application, error)) {
	lang := apiLang(r)
	writeKeyPage(s, w, r, func(pg keyPage) ([]*apply.Application, error) {
		day, err := cursorDate(pg.Key)
		if err != nil {
			return nil, err
		}
		if pg.ID != 0 {
			f.After = apply.Key{FirstDay: day, ID: pg.ID}
		}
		f.Limit, f.Total = pg.Limit, pg.Total
		return fetch(f)
	}, func(a *apply.Application) (string, int64) {
		k := apply.KeyOf(a)
		return k.FirstDay.String(), k.ID
	}, func(a *apply.Application) applicationOut { return toApplicationOut(a, lang) })
}

func (s *API) apiListApplications(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	f, err := listQuery(r)
	var v apperr.Validation
	overdue := queryBool(r, "overdue", &v)
	if err := apperr.Merge(err, v.Err()); err != nil {
		s.applyFail(w, r, err)
		return
	}
	if overdue {
		f.ReportOverdue = s.svc.Apply.Today()
	}
	s.writePage(w, r, f, func(f apply.Filter) ([]*apply.Application, error) {
		return s.svc.Apply.List(r.Context(), p.TenantID, p, f)
	})
}

func (s *API) apiGetApplication(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("application"))
		return
	}
	d, err := s.svc.Apply.Get(r.Context(), p.TenantID, p, id)
	if err != nil {
		s.applyFail(w, r, err)
		return
	}
	lang := apiLang(r)
	out := toApplicationOut(d.Application, lang)
	out.Decisions = []decisionOut{}
	for _, x := range d.Decisions {
		out.Decisions = append(out.Decisions, toDecisionOut(x, d.StaffID, lang))
	}
	out.Can = []string{}
	for _, a := range d.Can {
		out.Can = append(out.Can, string(a))
	}
	out.OnBehalfOf = d.OnBehalfOf
	w.Header().Set("ETag", etag("application", d.ID, d.Version))
	writeJSON(w, http.StatusOK, out)
}

func (s *API) apiDiscardApplication(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.apiFail(w, r, apperr.NotFoundErr("application"))
		return
	}
	version, err := ifMatchVersion(r, id)
	if err != nil {
		s.applyFail(w, r, err)
		return
	}
	if err := s.svc.Apply.Discard(r.Context(), p.TenantID, p, id, version); err != nil {
		s.applyFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ifMatchVersion reads an optional If-Match of an application: its
// version, 0 when absent. A value that is not this application's ETag
// (garbage, another object's tag) is a 422 naming If-Match and the form
// it takes — not 412 「他の人が更新しました」, which it is not (a review); a
// version of this application older than its own is the service's 409,
// as a stale "version" in the body is.
func ifMatchVersion(r *http.Request, id int64) (int64, error) {
	h := strings.TrimPrefix(strings.TrimSpace(r.Header.Get("If-Match")), "W/")
	if h == "" {
		return 0, nil
	}
	prefix := `"application-` + itoa(id) + `-v`
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(h, prefix), `"`), 10, 64)
	if !strings.HasPrefix(h, prefix) || !strings.HasSuffix(h, `"`) || err != nil || n <= 0 {
		return 0, apperr.At(apperr.Invalid, "If-Match", "api.if_match_application", map[string]any{"Example": prefix[1:] + `3`})
	}
	return n, nil
}

// apiApplicationAction answers POST /api/v1/applications/{id}/{action}.
// The application is found first (404 for another tenant's or one the
// caller may not see), then the body is read.
func (s *API) apiApplicationAction(a apply.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		ctx := r.Context()
		id, ok := pathID(r)
		if !ok {
			s.apiFail(w, r, apperr.NotFoundErr("application"))
			return
		}
		cur, err := s.svc.Apply.Get(ctx, p.TenantID, p, id)
		if err != nil {
			s.applyFail(w, r, err)
			return
		}
		var in actionInput
		if err := optionalJSON(r, &in); err != nil {
			s.applyFail(w, r, err)
			return
		}
		if err := in.unused(a); err != nil {
			s.applyFail(w, r, err)
			return
		}
		version, err := ifMatchVersion(r, id)
		if err != nil {
			s.applyFail(w, r, err)
			return
		}
		if in.Version != 0 {
			version = in.Version
		}
		days, from, err := in.dates()
		if err != nil {
			s.applyFail(w, r, err)
			return
		}
		act := apply.Act{Comment: in.Comment, Dates: days, From: from, Version: version}
		var res *apply.Result
		var app *apply.Application
		svc := s.svc.Apply
		switch a {
		case apply.ActSubmit:
			res, err = svc.Submit(ctx, p.TenantID, p, id, version)
		case apply.ActApprove, apply.ActReturn, apply.ActReject:
			res, err = svc.Decide(ctx, p.TenantID, p, id, a, act)
		case apply.ActWithdraw:
			app, err = svc.Withdraw(ctx, p.TenantID, p, id, act)
		case apply.ActCancel:
			app, err = svc.Cancel(ctx, p.TenantID, p, id, act)
		case apply.ActConfirm:
			app, err = svc.Confirm(ctx, p.TenantID, p, id, act)
		case apply.ActReport:
			app, err = svc.Report(ctx, p.TenantID, p, id, apply.ReportInput{Dates: days, ActualStart: in.ActualStart,
				ActualEnd: in.ActualEnd, BreakMinutes: in.BreakMinutes, Work: in.Work, Products: in.Products,
				Verbal: in.Verbal, Version: version})
		case apply.ActStart, apply.ActFinish:
			var day calendar.Date // none named: the service's (today, or last night's day at a finish)
			if len(days) > 0 {
				day = days[0]
			}
			// The attendance record's start or end, which moves the day.
			if err = s.svc.Worktime.ForApplication(ctx, p.TenantID, p, cur.Application, day, a); err == nil {
				var d *apply.Detail
				if d, err = svc.Get(ctx, p.TenantID, p, id); err == nil {
					app = d.Application
				}
			}
		}
		if err != nil {
			// The days an action names are the body's "days" (the
			// service's "dates").
			s.applyFail(w, r, apperr.Renamed(err, map[string]string{"dates": "days", "date": "days"}))
			return
		}
		if res == nil {
			res = &apply.Result{Application: app}
		}
		s.respondApplication(w, r, http.StatusOK, res)
	}
}
