package web

import (
	"errors"
	"fmt"
	"maps"
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
	"telework/internal/policy"
)

// applyForm is the application form as the person filled it: strings as
// typed, so that a refused form comes back exactly as it was sent.
type applyForm struct {
	ID, Version               int64
	Kind                      string // day | range | recurrence
	Date, From, To            string
	Weekdays                  []string
	Mode, Place, PlaceKind    string
	PlaceReason, PlaceName    string
	TimeUnit, Start, End      string
	Devices                   []string
	Plan                      string
	TaskIDs                   []string // picked from the task inventory
	Segments                  []apply.Segment
	PaperOut, DataOut         bool
	PaperClasses, DataClasses []string
	PrintAtHome, SaveAtHome   bool
	Items                     string
	PriorConsent              bool
	BreakMinutes              string // as typed: blank is the policy's standard break
	OvertimeApproved          bool   // 時間外勤務の事前承認, asked for with the application
	MidDayBreak               bool   // 中抜け planned
	PresenceCheckerID         int64
	ReturnComment             string
}

// segmentRows is how many segment rows the form offers.
const segmentRows = 3

// readApplyForm decodes the posted form into what was typed and the
// service's request. Malformed dates are field errors of the form.
func readApplyForm(r *http.Request) (*form, *applyForm, apply.Request) {
	fm := newForm(r)
	f := &applyForm{Kind: fm.str("kind"), Date: fm.str("date"), From: fm.str("from"), To: fm.str("to"),
		Weekdays: r.PostForm["weekdays"], Mode: fm.str("mode"), Place: fm.str("place"), PlaceKind: fm.str("place_kind"),
		PlaceReason: fm.str("place_reason"), PlaceName: fm.str("place_name"), TimeUnit: fm.str("time_unit"),
		Start: fm.str("start"), End: fm.str("end"), Devices: r.PostForm["devices"], Plan: fm.str("plan"),
		TaskIDs: r.PostForm["task_ids"], PaperOut: fm.bool("paper_out"), DataOut: fm.bool("data_out"), PaperClasses: r.PostForm["paper_classes"],
		DataClasses: r.PostForm["data_classes"], PrintAtHome: fm.bool("print_at_home"), SaveAtHome: fm.bool("save_at_home"),
		Items: fm.str("take_out_items"), PriorConsent: fm.bool("prior_consent"), PresenceCheckerID: fm.id("presence_checker_id"),
		BreakMinutes: fm.str("break_minutes"), OvertimeApproved: fm.bool("overtime_approved"), MidDayBreak: fm.bool("mid_day_break"),
		Version: int64(fm.int("version", 0))}
	starts, ends := r.PostForm["seg_start"], r.PostForm["seg_end"]
	modes, names := r.PostForm["seg_mode"], r.PostForm["seg_name"]
	for i := range modes {
		s := apply.Segment{Mode: policy.Mode(strings.TrimSpace(modes[i]))}
		if i < len(starts) {
			s.Start = strings.TrimSpace(toHalfWidthDigits(starts[i]))
		}
		if i < len(ends) {
			s.End = strings.TrimSpace(toHalfWidthDigits(ends[i]))
		}
		if i < len(names) {
			s.PlaceName = strings.TrimSpace(names[i])
		}
		f.Segments = append(f.Segments, s)
	}
	req := f.request(fm)
	return fm, f, req
}

// request is the service's request for what the form holds. Empty segment
// rows are left out; a segment's place follows its mode.
func (f *applyForm) request(fm *form) apply.Request {
	req := apply.Request{Mode: policy.Mode(f.Mode), Place: f.Place, TimeUnit: policy.TimeUnit(f.TimeUnit),
		Start: toHalfWidthDigits(f.Start), End: toHalfWidthDigits(f.End), Devices: f.Devices, Plan: f.Plan,
		PresenceCheckerID: f.PresenceCheckerID, PriorConsent: f.PriorConsent, BreakMinutes: fm.int("break_minutes", 0),
		OvertimeApproved: f.OvertimeApproved, MidDayBreak: f.MidDayBreak,
		TakeOut: apply.TakeOut{Paper: f.PaperOut, Data: f.DataOut, PrintAtHome: f.PrintAtHome, SaveAtHome: f.SaveAtHome, Items: f.Items}}
	for _, id := range f.TaskIDs {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			fm.v.Add("task_ids", "field.choice", nil)
			break
		}
		if !slices.Contains(req.TaskIDs, n) {
			req.TaskIDs = append(req.TaskIDs, n)
		}
	}
	if f.PaperOut {
		req.TakeOut.PaperClasses = f.PaperClasses
	}
	if f.DataOut {
		req.TakeOut.DataClasses = f.DataClasses
	}
	// Fields of another choice than the one made are not sent: the form
	// shows them all when JavaScript is off.
	switch f.Place {
	case policy.PlaceHomeEquivalent:
		req.PlaceKind, req.PlaceReason = f.PlaceKind, f.PlaceReason
	case policy.PlaceSatellite:
		req.PlaceName = f.PlaceName
	}
	for _, s := range f.Segments {
		if blankSegment(s) {
			continue
		}
		// The form names no place for a segment: the service gives it
		// its mode's place (policy.PlacesOf).
		s.Place = ""
		req.Segments = append(req.Segments, s)
	}
	switch f.Kind {
	case "range":
		req.From, req.To = fm.date("from"), fm.date("to")
		if req.From.IsZero() && req.To.IsZero() {
			fm.v.Add("from", "field.required", nil)
		}
	case "recurrence":
		rc := &apply.Recurrence{From: fm.date("from"), To: fm.date("to")}
		for _, w := range f.Weekdays {
			n, err := strconv.Atoi(w)
			if err != nil || n < 0 || n > 6 {
				fm.v.Add("weekdays", "field.choice", nil)
				break
			}
			rc.Weekdays = append(rc.Weekdays, time.Weekday(n))
		}
		req.Recurrence = rc
	default:
		if d := fm.date("date"); !d.IsZero() {
			req.Dates = []calendar.Date{d}
		}
	}
	return req
}

// formOf fills the form from an application's content (to edit a returned
// one, or to apply again with the same content).
func formOf(a *apply.Application, withDates bool) *applyForm {
	f := &applyForm{Kind: "day", Mode: string(a.Mode), Place: a.Place, PlaceKind: a.PlaceKind, PlaceReason: a.PlaceReason,
		PlaceName: a.PlaceName, TimeUnit: string(a.TimeUnit), Start: a.Start, End: a.End, Devices: a.Devices, Plan: a.Plan,
		Segments: slices.Clone(a.Segments), PaperOut: a.TakeOut.Paper, DataOut: a.TakeOut.Data,
		PaperClasses: a.TakeOut.PaperClasses, DataClasses: a.TakeOut.DataClasses, PrintAtHome: a.TakeOut.PrintAtHome,
		SaveAtHome: a.TakeOut.SaveAtHome, Items: a.TakeOut.Items, PriorConsent: a.PriorConsent,
		OvertimeApproved: a.OvertimeApproved, MidDayBreak: a.MidDayBreak, PresenceCheckerID: a.PresenceCheckerID}
	if a.BreakMinutes != 0 {
		f.BreakMinutes = strconv.Itoa(a.BreakMinutes)
	}
	for _, id := range a.TaskIDs {
		f.TaskIDs = append(f.TaskIDs, strconv.FormatInt(id, 10))
	}
	if !withDates {
		// 「前回と同じ内容で申請」 copies the plan, not what is said or
		// asked for one day: the supervisor's prior consent, overtime
		// asked for, a 中抜け.
		f.PriorConsent, f.OvertimeApproved, f.MidDayBreak = false, false, false
		return f
	}
	f.ID, f.Version = a.ID, a.Version
	dates := a.Dates()
	switch {
	case a.Recurrence != nil:
		f.Kind, f.From, f.To = "recurrence", a.Recurrence.From.String(), a.Recurrence.To.String()
		for _, w := range a.Recurrence.Weekdays {
			f.Weekdays = append(f.Weekdays, strconv.Itoa(int(w)))
		}
	case len(dates) == 1:
		f.Date = dates[0].String()
	case len(dates) > 1:
		f.Kind, f.From, f.To = "range", dates[0].String(), dates[len(dates)-1].String()
	}
	return f
}

// pad gives the form its empty segment rows.
func (f *applyForm) pad() {
	for len(f.Segments) < segmentRows {
		f.Segments = append(f.Segments, apply.Segment{})
	}
}

// applyFields maps the service's field names to the form's inputs, so an
// error is shown at (and links to) the input it concerns.
var applyFields = map[string]string{
	"recurrence.from": "from", "recurrence.to": "to", "range.from": "from", "range.to": "to", "range": "from",
	"recurrence": "from", "recurrence.weekdays": "weekdays", "take_out.paper_classes": "paper_classes",
	"take_out.data_classes": "data_classes", "take_out.items": "take_out_items", "segments.mode": "segments",
	"segments.time": "segments", "segments.place_name": "segments", "application.mode": "mode",
	"application.place": "place", "application.place_kind": "place_kind", "application.time_unit": "time_unit",
	"application.device": "devices", "from": "from", "to": "to",
}

// formFields renames an Invalid error's fields to the form's; the kind of
// days chosen decides where "dates" is shown. A segment's error names the
// segment as the form numbers it (区分2; the service counts only the rows
// sent), and a segment's way of working not chosen is that row's select's
// error ("seg<i>-mode", the select f-seg<i>-mode), not the whole group's.
func (f *applyForm) formFields(err error) error {
	names := maps.Clone(applyFields)
	names["dates"] = "date"
	if f.Kind == "range" || f.Kind == "recurrence" {
		names["dates"] = "from"
	}
	return renameFields(f.segmentRows(err), names)
}

// formErrors is what the form's own reading found malformed (a break
// typed as a word, a date that is none) together with what the service's
// pure check (apply.Request.Clean) finds in the rest, named as the form's
// fields: one submission lists everything wrong, not one batch a time.
func (f *applyForm) formErrors(fm *form, req apply.Request) error {
	return f.formFields(fm.merge(req.Clean()))
}

// segmentRows renumbers the segment errors of err by the form's rows.
func (f *applyForm) segmentRows(err error) error {
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid {
		return err
	}
	var sent []int // the form's row of each segment sent
	for i, s := range f.Segments {
		if !blankSegment(s) {
			sent = append(sent, i)
		}
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	changed := false
	for i, fe := range out.Fields {
		n, ok := fe.Args["Row"].(int)
		if !strings.HasPrefix(fe.Field, "segments.") || !ok || n < 1 || n > len(sent) {
			continue
		}
		row := sent[n-1]
		if fe.Field == "segments.mode" && fe.Key == "field.choice" {
			out.Fields[i] = apperr.FieldError{Field: fmt.Sprintf("seg%d-mode", row), Key: "applyweb.segment_mode_choose", Args: map[string]any{"N": row + 1}}
		} else {
			args := maps.Clone(fe.Args)
			args["Row"] = row + 1
			out.Fields[i].Args = args
		}
		changed = true
	}
	if !changed {
		return err // a wrapping error keeps its type
	}
	return &out
}

// renameFields renames an Invalid error's fields (the service's, named as
// the API's members) to a form's inputs, so that an error is shown at (and
// links to) the input it concerns.
func renameFields(err error, names map[string]string) error { return apperr.Renamed(err, names) }

// checkView is the rule check as the form shows it (and the live check
// returns): findings by severity, in the page's language, and the days
// applied for and skipped.
type checkView struct {
	Lang string
	// P is the reader, whose era setting the dates in the messages follow
	// (nil: 西暦).
	P                       *auth.Principal
	Ran                     bool
	Errors, Warnings, Infos []string
	Days, Skipped           []string
	Problem                 string
}

// T translates in the check's language (the partial has no page view).
func (c *checkView) T(key string, args ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	return i18n.T(c.Lang, key, data)
}

// newCheckView is the check for the request's reader.
func newCheckView(r *http.Request, ran bool) *checkView {
	return &checkView{Lang: lang(r), P: principal(r), Ran: ran}
}

func (c *checkView) add(fs []policy.Finding) {
	v := &view{Lang: c.Lang, P: c.P}
	for _, f := range fs {
		msg := v.Finding(f)
		switch f.Severity {
		case policy.Error:
			c.Errors = append(c.Errors, msg)
		case policy.Warning:
			c.Warnings = append(c.Warnings, msg)
		default:
			c.Infos = append(c.Infos, msg)
		}
	}
}

func storedFindings(fs []apply.StoredFinding) []policy.Finding {
	out := make([]policy.Finding, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Finding())
	}
	return out
}

// dayLabel is 12月9日(水) (Dec 9 (Wed) in English), or the 和暦/西暦 date
// with the weekday when the person chose the full form.
func dayLabel(lang string, d calendar.Date) string {
	if lang == "en" {
		return d.Time().Format("Mon 2 Jan 2006")
	}
	return fmt.Sprintf("%d月%d日(%s)", d.Month, d.Day, d.WeekdayJA())
}

// shortDayLabel is a day in a narrow column: 12/4(金), or Fri 4 Dec in
// English.
func shortDayLabel(lang string, d calendar.Date) string {
	if lang == "en" {
		return d.Time().Format("Mon 2 Jan")
	}
	return fmt.Sprintf("%d/%d(%s)", d.Month, d.Day, d.WeekdayJA())
}

// datesSummary is a short text for a set of days: one day, a run of
// consecutive days as a range, or the first days and how many more. The
// first day of another year than this one names its year, in the era the
// person chose (令和9年2月3日(水)〜2月24日(水)).
func (v *view) datesSummary(ds []calendar.Date) string { return v.datesSummaryCancelled(ds, 0) }

// datesSummaryCancelled is datesSummary saying how many of the days were
// cancelled since (「12月1日(火)〜12月4日(金)（4日、うち取消し1日）」): an
// application's page lists all its days, and without it the count read
// as if all were still in effect.
func (v *view) datesSummaryCancelled(ds []calendar.Date, cancelled int) string {
	if len(ds) == 0 {
		return ""
	}
	lang := v.Lang
	ds = slices.SortedFunc(slices.Values(ds), calendar.Date.Compare)
	// A day names its year (in the reader's era) when it is not the year
	// of the day before it in the text: the first against this year, so
	// that 12月23日、1月6日 reads 12月23日、令和9年1月6日.
	year := calendar.DateOf(time.Now()).Year
	label := func(d calendar.Date) string {
		s := dayLabel(lang, d)
		if lang != "en" && d.Year != year {
			s = v.DateWeekday(d)
		}
		year = d.Year
		return s
	}
	first, last := ds[0], ds[len(ds)-1]
	switch {
	case len(ds) == 1:
		return label(first)
	case len(ds) <= 3:
		parts := make([]string, len(ds))
		for i, d := range ds {
			parts[i] = label(d)
		}
		sep := "、"
		if lang == "en" {
			sep = ", "
		}
		if cancelled > 0 {
			return i18n.T(lang, "applyweb.dates_list_cancelled", map[string]any{"Dates": strings.Join(parts, sep), "Cancelled": cancelled})
		}
		return strings.Join(parts, sep)
	}
	from := label(first)
	if cancelled > 0 {
		return i18n.T(lang, "applyweb.dates_span_cancelled", map[string]any{"From": from, "To": label(last), "N": len(ds), "Cancelled": cancelled})
	}
	return i18n.T(lang, "applyweb.dates_span", map[string]any{"From": from, "To": label(last), "N": len(ds)})
}

// stateView is a state's tag.
type stateView struct{ State, Label string }

func stateOf(lang string, s apply.Status) stateView {
	return stateView{State: string(s), Label: i18n.T(lang, "apply.status."+string(s), nil)}
}

// rowsView hands a list to a partial together with the page's view.
type rowsView struct {
	V    *view
	Rows any
}

// With pairs rows with the view for the app_rows partial.
func (v *view) With(rows any) rowsView { return rowsView{V: v, Rows: rows} }

// fieldMessagesList is an Invalid error's messages in field order.
func fieldMessagesList(lang string, err error) []string {
	m := i18n.FieldMessages(lang, err)
	keys := slices.Sorted(maps.Keys(m))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

func errorText(lang string, err error) string { return i18n.Error(lang, err) }

func errNoTemplate(page string) error { return fmt.Errorf("web: no template %q", page) }

// contentSummary is an application's content in one line: 在宅勤務・自宅・終日
// and the start of the planned work.
func (s *Server) contentSummary(lang string, a *apply.Application) string {
	out := s.contentSummaryShort(lang, a)
	if plan := []rune(a.Plan); len(plan) > 0 {
		if len(plan) > 24 {
			plan = append(plan[:24], '…')
		}
		out += listSep(lang) + string(plan)
	}
	return out
}

// placeText names the place: 自宅, 実家（自宅同等の場所）, the office's name.
func placeText(lang string, a *apply.Application) string {
	switch a.Place {
	case policy.PlaceHomeEquivalent:
		if a.PlaceKind != "" {
			return i18n.T(lang, "placekind."+a.PlaceKind, nil) + "（" + i18n.T(lang, "applyweb.place_home_equivalent_short", nil) + "）"
		}
	case policy.PlaceSatellite:
		if a.PlaceName != "" {
			return a.PlaceName
		}
	case "":
		return i18n.T(lang, "applyweb.place_home", nil)
	}
	return i18n.T(lang, "applyweb.place_"+a.Place, nil)
}

// unitText is 終日, 午前, or 時間単位 09:00〜12:00.
func unitText(lang string, a *apply.Application) string {
	out := i18n.T(lang, "unit."+string(a.TimeUnit), nil)
	if a.Start != "" && a.End != "" {
		out += " " + a.Start + rangeSep(lang) + a.End
	}
	return out
}

func isInvalid(err error) bool { return apperr.CodeOf(err) == apperr.Invalid }

func asRefused(err error, target **apply.Refused) bool { return errors.As(err, target) }

// dateView formats dates and times as the person chose (和暦 or 西暦) for
// texts built before rendering.
func dateView(r *http.Request) *view { return &view{Lang: lang(r), P: principal(r)} }

// HasSegments reports whether any segment row is filled (the form then
// shows them open).
func (f *applyForm) HasSegments() bool {
	return slices.ContainsFunc(f.Segments, func(s apply.Segment) bool { return !blankSegment(s) })
}

// blankSegment: a segment row left empty, which is not sent.
func blankSegment(s apply.Segment) bool {
	return s.Mode == "" && s.Start == "" && s.End == "" && s.PlaceName == ""
}

// conditionsOf lists what an application asks or says beyond its days and
// place — the planned break, 時間外勤務の事前承認 (approving the
// application approves it), 中抜け, the supervisor's prior consent — for
// the approver, who decides on them too.
func conditionsOf(l string, a *apply.Application) []string {
	var out []string
	if a.BreakMinutes != 0 {
		out = append(out, i18n.T(l, "applyweb.cond_break", map[string]any{"Minutes": a.BreakMinutes}))
	}
	if a.OvertimeApproved {
		out = append(out, i18n.T(l, "applyweb.cond_overtime", nil))
	}
	if a.MidDayBreak {
		out = append(out, i18n.T(l, "applyweb.cond_mid_day", nil))
	}
	if a.PriorConsent {
		out = append(out, i18n.T(l, "applyweb.cond_prior_consent", nil))
	}
	return out
}
