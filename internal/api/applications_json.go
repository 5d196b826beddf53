package api

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/policy"
)

// The JSON shapes of applications (applications.go, approvals.go).

// weekdayJSON reads a weekday as 0–6 (0 = Sunday) or its name (sun, mon …,
// 日, 月 …).
type weekdayJSON time.Weekday

var weekdayNames = map[string]time.Weekday{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
	"日": 0, "月": 1, "火": 2, "水": 3, "木": 4, "金": 5, "土": 6}

func (w *weekdayJSON) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		if n < 0 || n > 6 {
			return invalid1("recurrence.weekdays", "field.weekday")
		}
		*w = weekdayJSON(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return invalid1("recurrence.weekdays", "field.weekday")
	}
	d, ok := weekdayOf(s)
	if !ok {
		return invalid1("recurrence.weekdays", "field.weekday")
	}
	*w = weekdayJSON(d)
	return nil
}

// weekdayOf reads a weekday's name: sun … sat, sunday … saturday (any
// case), 日 … 土, 日曜 … 土曜, 日曜日 … 土曜日, or its number "0" … "6".
func weekdayOf(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) == 1 && s[0] >= '0' && s[0] <= '6' { // "3", as a form would send it
		return time.Weekday(s[0] - '0'), true
	}
	if d, ok := weekdayNames[strings.TrimSuffix(strings.TrimSuffix(s, "曜日"), "曜")]; ok {
		return d, true
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if s == strings.ToLower(d.String()) {
			return d, true
		}
	}
	return 0, false
}

func invalid1(field, key string) error {
	var v apperr.Validation
	v.Add(field, key, nil)
	return v.Err()
}

type spanJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type recurrenceJSON struct {
	From     string        `json:"from"`
	To       string        `json:"to"`
	Weekdays []weekdayJSON `json:"weekdays"`
}

type segmentJSON struct {
	Mode      policy.Mode `json:"mode"`
	Place     string      `json:"place,omitempty"`
	PlaceName string      `json:"place_name,omitempty"`
	Start     string      `json:"start"`
	End       string      `json:"end"`
}

// applicationInput is the body of POST /api/v1/applications.
type applicationInput struct {
	Dates             []string        `json:"dates"`
	Range             *spanJSON       `json:"range"`
	Recurrence        *recurrenceJSON `json:"recurrence"`
	Mode              policy.Mode     `json:"mode"`
	Place             string          `json:"place"`
	PlaceKind         string          `json:"place_kind"`
	PlaceReason       string          `json:"place_reason"`
	PlaceName         string          `json:"place_name"`
	TimeUnit          policy.TimeUnit `json:"time_unit"`
	Start             string          `json:"start"`
	End               string          `json:"end"`
	BreakMinutes      int             `json:"break_minutes"`
	OvertimeApproved  bool            `json:"overtime_approved"`
	MidDayBreak       bool            `json:"mid_day_break"`
	PriorConsent      bool            `json:"prior_consent"`
	Devices           []string        `json:"devices"`
	Plan              string          `json:"plan"`
	TaskIDs           []int64         `json:"task_ids"`
	Segments          []segmentJSON   `json:"segments"`
	TakeOut           *apply.TakeOut  `json:"take_out"`
	PresenceCheckerID int64           `json:"presence_checker_id"`
	Submit            *bool           `json:"submit"`
}

// date reads one date into the validation.
func date(v *apperr.Validation, field, s string) calendar.Date {
	if s == "" {
		v.Add(field, "field.required", nil)
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		v.Add(field, "field.date", nil)
	}
	return d
}

// request turns the body into a request; submit defaults to true.
func (in *applicationInput) request() (apply.Request, error) {
	var v apperr.Validation
	r := apply.Request{Mode: in.Mode, Place: in.Place, PlaceKind: in.PlaceKind, PlaceReason: in.PlaceReason,
		PlaceName: in.PlaceName, TimeUnit: in.TimeUnit, Start: in.Start, End: in.End, BreakMinutes: in.BreakMinutes,
		OvertimeApproved: in.OvertimeApproved, MidDayBreak: in.MidDayBreak, PriorConsent: in.PriorConsent,
		Devices: in.Devices, Plan: in.Plan, TaskIDs: in.TaskIDs, PresenceCheckerID: in.PresenceCheckerID, Submit: true}
	if in.Submit != nil {
		r.Submit = *in.Submit
	}
	if in.TakeOut != nil {
		r.TakeOut = *in.TakeOut
	}
	for _, s := range in.Segments {
		r.Segments = append(r.Segments, apply.Segment(s))
	}
	for _, s := range in.Dates {
		d, err := calendar.ParseDate(s)
		if err != nil {
			if !v.Has("dates") {
				v.Add("dates", "field.date", nil)
			}
			continue
		}
		r.Dates = append(r.Dates, d)
	}
	if in.Range != nil {
		r.From, r.To = date(&v, "range.from", in.Range.From), date(&v, "range.to", in.Range.To)
	}
	if in.Recurrence != nil {
		rc := &apply.Recurrence{From: date(&v, "recurrence.from", in.Recurrence.From), To: date(&v, "recurrence.to", in.Recurrence.To)}
		for _, w := range in.Recurrence.Weekdays {
			rc.Weekdays = append(rc.Weekdays, time.Weekday(w))
		}
		r.Recurrence = rc
	}
	return r, v.Err()
}

type findingOut struct {
	Rule     string          `json:"rule"`
	Severity policy.Severity `json:"severity"`
	Date     string          `json:"date,omitempty"`
	Message  string          `json:"message"`
}

func findingsOut(fs []policy.Finding, lang string) []findingOut {
	out := make([]findingOut, 0, len(fs))
	for _, f := range fs {
		j := findingOut{Rule: f.Rule, Severity: f.Severity, Message: f.Message(lang)}
		if !f.Date.IsZero() {
			j.Date = f.Date.String()
		}
		out = append(out, j)
	}
	return out
}

func storedFindingsOut(fs []apply.StoredFinding, lang string) []findingOut {
	list := make([]policy.Finding, 0, len(fs))
	for _, f := range fs {
		list = append(list, f.Finding())
	}
	return findingsOut(list, lang)
}

type reportOut struct {
	PlannedStart   string  `json:"planned_start"`
	PlannedEnd     string  `json:"planned_end"`
	ActualStart    string  `json:"actual_start"`
	ActualEnd      string  `json:"actual_end"`
	BreakMinutes   int     `json:"break_minutes"`
	PlannedMinutes int     `json:"planned_minutes"`
	ActualMinutes  int     `json:"actual_minutes"`
	Work           string  `json:"work"`
	Products       string  `json:"products"`
	Verbal         bool    `json:"verbal"`
	RecordedBy     int64   `json:"recorded_by"`
	ReportedAt     string  `json:"reported_at"`
	ConfirmedBy    int64   `json:"confirmed_by,omitempty"`
	ConfirmedAt    *string `json:"confirmed_at,omitempty"`
}

type dayOut struct {
	Date       string     `json:"date"`
	Status     string     `json:"status"`
	ReportDue  string     `json:"report_due,omitempty"`
	StartedAt  *string    `json:"started_at,omitempty"`
	FinishedAt *string    `json:"finished_at,omitempty"`
	Report     *reportOut `json:"report,omitempty"`
}

type skippedOut struct {
	Date   string `json:"date"`
	Reason string `json:"reason"`
}

// skippedIn is a skipped day in lang: 土曜日 and 年末年始 are "Saturday"
// and "Year-end holidays" in English (a holiday's own name stays).
func skippedIn(lang string, sk apply.Skipped) skippedOut {
	return skippedOut{Date: sk.Date.String(), Reason: i18n.OffName(lang, sk.Reason)}
}

type decisionOut struct {
	Action         string       `json:"action"`
	Step           int          `json:"step"`
	ByStaffID      int64        `json:"by_staff_id"`
	ByName         string       `json:"by_name"`
	Auto           bool         `json:"auto"`
	OnBehalfOf     int64        `json:"on_behalf_of,omitempty"`
	OnBehalfOfName string       `json:"on_behalf_of_name,omitempty"`
	Proxy          bool         `json:"proxy"`
	Verbal         bool         `json:"verbal,omitempty"`
	Comment        string       `json:"comment"`
	Dates          []string     `json:"dates"`
	Findings       []findingOut `json:"findings"`
	At             string       `json:"at"`
}

type applicationOut struct {
	ID                int64           `json:"id"`
	StaffID           int64           `json:"staff_id"`
	StaffName         string          `json:"staff_name"`
	StaffNo           string          `json:"staff_no"`
	UnitID            int64           `json:"unit_id"`
	UnitName          string          `json:"unit_name"`
	Status            string          `json:"status"`
	Decision          string          `json:"decision"`
	Mode              string          `json:"mode"`
	Place             string          `json:"place"`
	PlaceKind         string          `json:"place_kind,omitempty"`
	PlaceReason       string          `json:"place_reason,omitempty"`
	PlaceName         string          `json:"place_name,omitempty"`
	TimeUnit          string          `json:"time_unit"`
	Start             string          `json:"start,omitempty"`
	End               string          `json:"end,omitempty"`
	BreakMinutes      int             `json:"break_minutes"`
	OvertimeApproved  bool            `json:"overtime_approved"`
	MidDayBreak       bool            `json:"mid_day_break"`
	PriorConsent      bool            `json:"prior_consent"`
	Devices           []string        `json:"devices"`
	Plan              string          `json:"plan"`
	TaskIDs           []int64         `json:"task_ids"`
	Segments          []apply.Segment `json:"segments"`
	TakeOut           apply.TakeOut   `json:"take_out"`
	PresenceCheckerID int64           `json:"presence_checker_id,omitempty"`
	ApproverID        int64           `json:"approver_id,omitempty"`
	ApproverName      string          `json:"approver_name,omitempty"`
	Step              int             `json:"step"`
	Steps             int             `json:"steps"`
	TravelOrder       bool            `json:"travel_order"`
	TravelOrderNo     string          `json:"travel_order_no,omitempty"`
	Recurrence        *recurrenceOut  `json:"recurrence,omitempty"`
	Days              []dayOut        `json:"days"`
	Skipped           []skippedOut    `json:"skipped"`
	Findings          []findingOut    `json:"findings"`
	SubmittedAt       *string         `json:"submitted_at,omitempty"`
	CreatedAt         string          `json:"created_at"`
	UpdatedAt         string          `json:"updated_at"`
	Version           int64           `json:"version"`
	Decisions         []decisionOut   `json:"decisions,omitempty"`
	Can               []string        `json:"can,omitempty"`
	OnBehalfOf        int64           `json:"on_behalf_of,omitempty"`
	AutoApproved      *bool           `json:"auto_approved,omitempty"`
}

type recurrenceOut struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Weekdays []int  `json:"weekdays"`
}

func moment(t time.Time) string { return t.In(calendar.Tokyo).Format(time.RFC3339) }

func optMoment(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := moment(t)
	return &s
}

func toApplicationOut(a *apply.Application, lang string) applicationOut {
	o := applicationOut{ID: a.ID, StaffID: a.StaffID, StaffName: a.StaffName, StaffNo: a.StaffNo, UnitID: a.UnitID,
		UnitName: a.UnitName, Status: string(a.Status), Decision: string(a.Decision), Mode: string(a.Mode), Place: a.Place,
		PlaceKind: a.PlaceKind, PlaceReason: a.PlaceReason, PlaceName: a.PlaceName, TimeUnit: string(a.TimeUnit),
		Start: a.Start, End: a.End, BreakMinutes: a.BreakMinutes, OvertimeApproved: a.OvertimeApproved,
		MidDayBreak: a.MidDayBreak, PriorConsent: a.PriorConsent, Devices: a.Devices, Plan: a.Plan, TaskIDs: a.TaskIDs,
		Segments: a.Segments, TakeOut: a.TakeOut, PresenceCheckerID: a.PresenceCheckerID, ApproverID: a.ApproverID,
		ApproverName: a.ApproverName, Step: a.Step, Steps: a.Steps, TravelOrder: a.TravelOrder,
		TravelOrderNo: a.TravelOrderNo, Days: []dayOut{}, Skipped: []skippedOut{},
		Findings: storedFindingsOut(a.Findings, lang), SubmittedAt: optMoment(a.SubmittedAt),
		CreatedAt: moment(a.CreatedAt), UpdatedAt: moment(a.UpdatedAt), Version: a.Version}
	if o.Devices == nil {
		o.Devices = []string{}
	}
	if o.TaskIDs == nil {
		o.TaskIDs = []int64{}
	}
	if o.Segments == nil {
		o.Segments = []apply.Segment{}
	}
	if rc := a.Recurrence; rc != nil {
		ro := &recurrenceOut{From: rc.From.String(), To: rc.To.String(), Weekdays: []int{}}
		for _, w := range rc.Weekdays {
			ro.Weekdays = append(ro.Weekdays, int(w))
		}
		o.Recurrence = ro
	}
	for _, d := range a.Days {
		do := dayOut{Date: d.Date.String(), Status: string(d.Status), StartedAt: optMoment(d.StartedAt),
			FinishedAt: optMoment(d.FinishedAt)}
		if !d.ReportDue.IsZero() {
			do.ReportDue = d.ReportDue.String()
		}
		if rp := d.Report; rp != nil {
			do.Report = &reportOut{PlannedStart: rp.PlannedStart, PlannedEnd: rp.PlannedEnd, ActualStart: rp.ActualStart,
				ActualEnd: rp.ActualEnd, BreakMinutes: rp.BreakMinutes, PlannedMinutes: rp.PlannedMinutes,
				ActualMinutes: rp.ActualMinutes, Work: rp.Work, Products: rp.Products, Verbal: rp.Verbal,
				RecordedBy: rp.RecordedBy, ReportedAt: moment(rp.ReportedAt), ConfirmedBy: rp.ConfirmedBy,
				ConfirmedAt: optMoment(rp.ConfirmedAt)}
		}
		o.Days = append(o.Days, do)
	}
	for _, sk := range a.Skipped {
		o.Skipped = append(o.Skipped, skippedIn(lang, sk))
	}
	return o
}

func toDecisionOut(d apply.Decision, applicant int64, lang string) decisionOut {
	o := decisionOut{Action: string(d.Action), Step: d.Step, ByStaffID: d.ByStaffID, ByName: d.ByName,
		OnBehalfOf: d.OnBehalfOf, OnBehalfOfName: d.OnBehalfOfName, Proxy: d.Proxy, Verbal: d.VerbalReport(applicant), Comment: d.Comment,
		Dates: []string{}, Findings: storedFindingsOut(d.Findings, lang), At: moment(d.At)}
	if d.Auto() {
		o.Auto, o.ByName = true, i18n.T(lang, "apply.decider_system", nil)
	}
	for _, x := range d.Dates {
		o.Dates = append(o.Dates, x.String())
	}
	return o
}

// actionInput is the body of POST /api/v1/applications/{id}/{action}
// (every member optional; an empty body is fine).
type actionInput struct {
	Comment      string   `json:"comment"`
	Days         []string `json:"days"`
	From         string   `json:"from"`
	Version      int64    `json:"version"`
	ActualStart  string   `json:"actual_start"`
	ActualEnd    string   `json:"actual_end"`
	BreakMinutes *int     `json:"break_minutes"` // absent or null: the planned break
	Work         string   `json:"work"`
	Products     string   `json:"products"`
	Verbal       bool     `json:"verbal"`
}

// unused refuses the members of the body action a does not use: a client
// that names one day to approve must not have the whole application
// approved without a word (a review). "version" serves every action.
func (in *actionInput) unused(a apply.Action) error {
	uses := func(as ...apply.Action) bool { return slices.Contains(as, a) }
	report := uses(apply.ActReport)
	var v apperr.Validation
	for _, m := range []struct {
		field string
		sent  bool
		used  bool
	}{
		{"comment", in.Comment != "", uses(apply.ActWithdraw, apply.ActApprove, apply.ActReturn, apply.ActReject,
			apply.ActCancel, apply.ActConfirm)},
		{"days", len(in.Days) > 0, uses(apply.ActCancel, apply.ActConfirm, apply.ActReport, apply.ActStart, apply.ActFinish)},
		{"from", in.From != "", uses(apply.ActCancel)},
		{"actual_start", in.ActualStart != "", report},
		{"actual_end", in.ActualEnd != "", report},
		{"break_minutes", in.BreakMinutes != nil, report},
		{"work", in.Work != "", report},
		{"products", in.Products != "", report},
		{"verbal", in.Verbal, report},
	} {
		if m.sent && !m.used {
			v.Add(m.field, "field.not_for_action", map[string]any{"Action": string(a)})
		}
	}
	return v.Err()
}

func (in *actionInput) dates() ([]calendar.Date, calendar.Date, error) {
	var v apperr.Validation
	var ds []calendar.Date
	for _, s := range in.Days {
		d, err := calendar.ParseDate(s)
		if err != nil {
			v.Add("days", "field.date", nil)
			break
		}
		ds = append(ds, d)
	}
	var from calendar.Date
	if in.From != "" {
		from = date(&v, "from", in.From)
	}
	return ds, from, v.Err()
}
