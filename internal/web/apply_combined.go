package web

import (
	"maps"
	"net/http"
	"slices"

	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/i18n"
)

// combinedForm is the policy's report form that makes one sheet of the
// request and the report (掛川市「テレワーク申出書兼報告書」): the 申出欄
// filled when applying, the 報告欄 after the day.
const combinedForm = "combined_form"

// applyCombinedDay is one day of the 報告欄: its report as filed, or the
// inputs to file it (the applicant, on or after the day), or why not yet.
type applyCombinedDay struct {
	Date, Label   string
	State         stateView
	Report        *apply.Report
	Planned       string
	Actual        string
	Fill          bool   // the applicant may fill it now
	Start, End    string // prefilled actual times (clock-in/out)
	VerbalLink    string // the supervisor may record a verbal report
	Note          string // why nothing can be filled yet
	Overdue       bool
	ConfirmedNote string
}

// applyCombinedView is the 報告欄 of an application a day of which falls
// under a policy version naming the one-form style (the version in force on
// that day, as the report reads it); nil under any other style (the page
// then shows the days and their reports as usual).
func (s *Server) applyCombinedView(r *http.Request, det *apply.Detail, own bool) []applyCombinedDay {
	a := det.Application
	p := principal(r)
	forms, err := s.svc.Apply.ReportForms(r.Context(), p.TenantID, a)
	if err != nil || !slices.Contains(slices.Collect(maps.Values(forms)), combinedForm) {
		return nil
	}
	l := lang(r)
	today := s.svc.Apply.Today()
	canReport := false
	for _, x := range det.Can {
		canReport = canReport || x == apply.ActReport
	}
	out := make([]applyCombinedDay, 0, len(a.Days))
	for _, dd := range a.Days {
		row := applyCombinedDay{Date: dd.Date.String(), Label: dayLabel(l, dd.Date), State: stateOf(l, dd.Status),
			Report: dd.Report, Planned: unitText(l, a), Overdue: reportOverdue(dd, today)}
		open := apply.Allowed(dd.Status, apply.ActReport) && dd.Report == nil
		switch {
		case dd.Report != nil:
			row.Actual = dd.Report.ActualStart + rangeSep(l) + dd.Report.ActualEnd
			if dd.Report.BreakMinutes > 0 {
				row.Actual += " " + i18n.T(l, "applyweb.combined_break", map[string]any{"N": dd.Report.BreakMinutes})
			}
		case open && today.Before(dd.Date):
			row.Note = i18n.T(l, "applyweb.combined_after_day", nil)
		case open && own && canReport && !p.ReadOnly:
			row.Fill = true
			if !dd.StartedAt.IsZero() {
				row.Start = dd.StartedAt.In(calendar.Tokyo).Format("15:04")
			}
			if !dd.FinishedAt.IsZero() {
				row.End = reportEnd(dd.Date, dd.FinishedAt)
			}
		case open && canReport:
			row.VerbalLink = "/applications/" + itoa(a.ID) + "/report?date=" + dd.Date.String() + "&verbal=1"
		case open:
			row.Note = i18n.T(l, "applyweb.combined_waiting", nil)
		default:
			row.Note = i18n.T(l, "applyweb.report_none", nil)
		}
		out = append(out, row)
	}
	return out
}
