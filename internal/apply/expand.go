package apply

import (
	"slices"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
)

// Limits of one application.
const (
	// MaxSpanDays is the longest range or pattern one application covers.
	MaxSpanDays = 366
	// MaxAheadDays is how far ahead a day may be applied for.
	MaxAheadDays = 400
	// MaxTasks bounds the tasks an application lists.
	MaxTasks = 20
	// MaxPlanRunes bounds the planned work, a comment, a report's texts.
	MaxPlanRunes = 2000
	maxSegments  = 6
)

// BusinessDays is what the expansion needs of the tenant's calendar
// (*calendar.Calendar implements it).
type BusinessDays interface {
	IsBusinessDay(d calendar.Date) bool
	// Reason says why a day is not a business day (the holiday's name,
	// 土曜日, 日曜日, 年末年始, the closure's name).
	Reason(d calendar.Date) string
}

// Expand turns the days a request names — a list of dates, a range or a
// recurring pattern — into its business days in date order, and the days
// it covered that are not business days (weekends, national holidays,
// 年末年始, closure days), each with the reason, also in date order. A
// request naming no day or more than one kind of days, a range backwards or
// longer than MaxSpanDays, a pattern without weekdays, or days none of
// which is a business day are Invalid errors naming the field.
func Expand(r Request, cal BusinessDays) ([]calendar.Date, []Skipped, error) {
	var v apperr.Validation
	kinds := 0
	if len(r.Dates) > 0 {
		kinds++
	}
	if !r.From.IsZero() || !r.To.IsZero() {
		kinds++
	}
	if r.Recurrence != nil {
		kinds++
	}
	switch {
	case kinds == 0:
		v.Add("dates", "apply.dates_required", nil)
		return nil, nil, v.Err()
	case kinds > 1:
		v.Add("dates", "apply.dates_one_kind", nil)
		return nil, nil, v.Err()
	}
	var cover []calendar.Date
	switch {
	case len(r.Dates) > 0:
		cover = slices.Clone(r.Dates)
		for _, d := range cover {
			if !d.Valid() {
				v.Add("dates", "field.date", nil)
				return nil, nil, v.Err()
			}
		}
		slices.SortFunc(cover, calendar.Date.Compare)
		cover = slices.Compact(cover)
		if cover[0].DaysUntil(cover[len(cover)-1]) >= MaxSpanDays {
			v.Add("dates", "apply.span_too_long", map[string]any{"Max": MaxSpanDays})
		}
	case r.Recurrence != nil:
		rc := r.Recurrence
		span(&v, "recurrence", rc.From, rc.To)
		if len(rc.Weekdays) == 0 {
			v.Add("recurrence.weekdays", "field.choose", nil)
		}
		for _, w := range rc.Weekdays {
			if w < time.Sunday || w > time.Saturday {
				v.Add("recurrence.weekdays", "field.choice", nil)
				break
			}
		}
		if v.Err() == nil {
			for d := rc.From; !rc.To.Before(d); d = d.AddDays(1) {
				if slices.Contains(rc.Weekdays, d.Weekday()) {
					cover = append(cover, d)
				}
			}
		}
	default:
		span(&v, "range", r.From, r.To)
		if v.Err() == nil {
			for d := r.From; !r.To.Before(d); d = d.AddDays(1) {
				cover = append(cover, d)
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	var days []calendar.Date
	var skipped []Skipped
	for _, d := range cover {
		if cal.IsBusinessDay(d) {
			days = append(days, d)
			continue
		}
		skipped = append(skipped, Skipped{Date: d, Reason: cal.Reason(d)})
	}
	if len(days) == 0 {
		field := "dates"
		switch {
		case r.Recurrence != nil:
			field = "recurrence"
		case !r.From.IsZero():
			field = "range"
		}
		v.Add(field, "apply.no_business_day", nil)
		return nil, skipped, v.Err()
	}
	return days, skipped, nil
}

// span checks a range's two ends.
func span(v *apperr.Validation, field string, from, to calendar.Date) {
	switch {
	case from.IsZero() || !from.Valid():
		v.Add(field+".from", "field.date", nil)
	case to.IsZero() || !to.Valid():
		v.Add(field+".to", "field.date", nil)
	case to.Before(from):
		v.Add(field+".to", "apply.date_order", nil)
	case from.DaysUntil(to) >= MaxSpanDays:
		v.Add(field+".to", "apply.span_too_long", map[string]any{"Max": MaxSpanDays})
	}
}

// validPlaces are the places an application may name.
var validPlaces = []string{policy.PlaceHome, policy.PlaceHomeEquivalent, policy.PlaceSatellite, policy.PlaceMobile}

// segmentModes are the modes a segment may take: telework or the office;
// segmentPlaces the places it may name.
var (
	segmentModes  = []policy.Mode{policy.Home, policy.Satellite, policy.Mobile, ModeOffice}
	segmentPlaces = append(slices.Clone(validPlaces), policy.PlaceOffice)
)

// Clean trims a request's texts, fills what follows from the rest (the
// place from the mode, a full day when no unit is given) and checks what
// no policy decides: the fields' forms, lengths and choices, the times, the
// segments. The policy's own rules (modes, places, deadlines, caps …) are
// policy.Evaluate's.
func (r *Request) Clean() error {
	var v apperr.Validation
	r.PlaceReason = strings.TrimSpace(r.PlaceReason)
	r.PlaceName = strings.TrimSpace(r.PlaceName)
	r.Plan = strings.TrimSpace(r.Plan)
	r.TakeOut.Items = strings.TrimSpace(r.TakeOut.Items)
	switch {
	case r.Mode == "":
		v.Add("mode", "field.choose", nil)
	case !slices.Contains(policy.Modes, r.Mode):
		v.Add("mode", "field.choice", nil)
	}
	if r.Place == "" {
		switch r.Mode {
		case policy.Satellite:
			r.Place = policy.PlaceSatellite
		case policy.Mobile:
			r.Place = policy.PlaceMobile
		default:
			r.Place = policy.PlaceHome
		}
	}
	switch {
	case !slices.Contains(validPlaces, r.Place):
		v.Add("place", "field.choice", nil)
	case slices.Contains(policy.Modes, r.Mode) && !slices.Contains(policy.PlacesOf(r.Mode), r.Place):
		// 在宅勤務 at a satellite office is not a place of its mode.
		v.Add("place", "apply.place_mode", nil)
	}
	// The kind and reason of 自宅同等の場所 are kept when the day or one of
	// its parts is there (a segment names no kind or reason of its own).
	heq := r.Place == policy.PlaceHomeEquivalent
	for _, s := range r.Segments {
		heq = heq || s.Place == policy.PlaceHomeEquivalent
	}
	if heq && r.PlaceKind != "" && !slices.Contains(policy.HomeEquivalentKinds, r.PlaceKind) {
		v.Add("place_kind", "field.choice", nil)
	}
	if !heq {
		r.PlaceKind, r.PlaceReason = "", ""
	}
	if r.TimeUnit == "" {
		r.TimeUnit = policy.FullDay
	}
	if !slices.Contains(policy.TimeUnits, r.TimeUnit) {
		v.Add("time_unit", "field.choice", nil)
	}
	if r.Start != "" && !validHM(r.Start) {
		v.Add("start", "field.time_hm", nil)
	}
	if r.End != "" && !validHM(r.End) {
		v.Add("end", "field.time_hm", nil)
	}
	if r.TimeUnit == policy.Hourly {
		if r.Start == "" {
			v.Add("start", "field.required", nil)
		}
		if r.End == "" {
			v.Add("end", "field.required", nil)
		}
	}
	if validHM(r.Start) && validHM(r.End) && minutes(r.End) <= minutes(r.Start) {
		v.Add("end", "apply.time_order", nil)
	}
	halfTimes(&v, r.TimeUnit, r.Start, r.End)
	if r.BreakMinutes < 0 || r.BreakMinutes > 240 {
		v.Add("break_minutes", "field.range", map[string]any{"Min": 0, "Max": 240})
	}
	for _, d := range r.Devices {
		if !slices.Contains(policy.DeviceTypes, d) {
			v.Add("devices", "field.choice", nil)
			break
		}
	}
	r.Devices = slices.Compact(slices.Sorted(slices.Values(r.Devices)))
	textMax(&v, "plan", r.Plan, MaxPlanRunes, true)
	textMax(&v, "place_reason", r.PlaceReason, 200, false)
	textMax(&v, "place_name", r.PlaceName, 100, false)
	if r.Place == policy.PlaceSatellite && r.PlaceName == "" && len(r.Segments) == 0 {
		// 「サテライトオフィス、名前で」(issue 11): without the office's name
		// the approver cannot judge the place, nor can a seat or the
		// office's network be matched to it (a review).
		v.Add("place_name", "apply.place_name_required", nil)
	}
	textMax(&v, "take_out.items", r.TakeOut.Items, 500, false)
	for _, c := range r.TakeOut.PaperClasses {
		if !slices.Contains(policy.DataClasses, c) {
			v.Add("take_out.paper_classes", "field.choice", nil)
			break
		}
	}
	for _, c := range r.TakeOut.DataClasses {
		if !slices.Contains(policy.DataClasses, c) {
			v.Add("take_out.data_classes", "field.choice", nil)
			break
		}
	}
	if len(r.TaskIDs) > MaxTasks {
		v.Add("task_ids", "field.max_items", map[string]any{"Max": MaxTasks})
	}
	for _, id := range r.TaskIDs {
		if id <= 0 && !v.Has("task_ids") {
			v.Add("task_ids", "field.choice", nil)
			break
		}
	}
	checkSegments(&v, r.Segments)
	return v.Err()
}

// halfTimes: planned times of a morning lie before policy.Noon, those of an
// afternoon after it; times across noon are an hourly application. A full
// day takes any times (the policy's hours check them).
func halfTimes(v *apperr.Validation, u policy.TimeUnit, start, end string) {
	switch u {
	case policy.AM:
		if validHM(start) && minutes(start) >= policy.Noon {
			v.Add("start", "apply.time_am", nil)
		}
		if validHM(end) && minutes(end) > policy.Noon {
			v.Add("end", "apply.time_am", nil)
		}
	case policy.PM:
		if validHM(start) && minutes(start) < policy.Noon {
			v.Add("start", "apply.time_pm", nil)
		}
		if validHM(end) && minutes(end) <= policy.Noon {
			v.Add("end", "apply.time_pm", nil)
		}
	}
}

// checkSegments: at most maxSegments, each with a known mode and valid
// times, in order without overlap, and at least one of telework.
func checkSegments(v *apperr.Validation, segs []Segment) {
	if len(segs) == 0 {
		return
	}
	if len(segs) > maxSegments {
		v.Add("segments", "apply.segments_too_many", map[string]any{"Max": maxSegments})
		return
	}
	tele := false
	prevEnd := -1
	for i := range segs {
		s := &segs[i]
		s.PlaceName = strings.TrimSpace(s.PlaceName)
		// row says which segment (a form tells it by its own numbering).
		row := map[string]any{"Row": i + 1}
		if !slices.Contains(segmentModes, s.Mode) {
			v.Add("segments.mode", "field.choice", row)
			return
		}
		// A segment's place follows its mode unless named; a place that is
		// not one or not of its mode (在宅 at a satellite office) is refused.
		if s.Place == "" {
			s.Place = policy.PlacesOf(s.Mode)[0]
		}
		if !slices.Contains(segmentPlaces, s.Place) {
			v.Add("segments.place", "field.choice", nil)
			return
		}
		if !slices.Contains(policy.PlacesOf(s.Mode), s.Place) {
			v.Add("segments.place", "apply.place_mode", nil)
			return
		}
		if s.Mode != ModeOffice {
			tele = true
		}
		if !validHM(s.Start) || !validHM(s.End) {
			// A time missing or not a time is said as such, with its row
			// (a review found every case told 「開始時刻より後」).
			v.Add("segments.time", "apply.segment_time_hm", row)
			return
		}
		if minutes(s.End) <= minutes(s.Start) {
			v.Add("segments.time", "apply.segment_time_order", row)
			return
		}
		if s.Place == policy.PlaceSatellite && s.PlaceName == "" {
			v.Add("segments.place_name", "apply.segment_place_name_required", row)
			return
		}
		if minutes(s.Start) < prevEnd {
			v.Add("segments.time", "apply.segments_overlap", nil)
			return
		}
		prevEnd = minutes(s.End)
		textMax(v, "segments.place_name", s.PlaceName, 100, false)
	}
	if !tele {
		v.Add("segments.mode", "apply.segments_no_telework", nil)
	}
}

// textMax checks a text of an application (its plan, a comment, a report):
// at most max characters and nothing invisible; a multi-line one may hold
// line breaks and tabs.
func textMax(v *apperr.Validation, field, s string, max int, multiLine bool) {
	org.OptionalText(v, field, s, max, multiLine, nil)
}

// validHM reads HH:MM (00:00–24:00).
func validHM(s string) bool { return minutes(s) >= 0 }

// minutes is HH:MM as minutes after midnight, -1 when it is not a time.
func minutes(s string) int {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) == 0 || len(hh) > 2 || len(mm) != 2 {
		return -1
	}
	h, m := 0, 0
	for _, c := range hh {
		if c < '0' || c > '9' {
			return -1
		}
		h = h*10 + int(c-'0')
	}
	for _, c := range mm {
		if c < '0' || c > '9' {
			return -1
		}
		m = m*10 + int(c-'0')
	}
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return -1
	}
	return h*60 + m
}

// endMinutes is an end time as minutes after the day's midnight, -1 when it
// is not one: "HH:MM", or past midnight "24:01" to "47:59" (work that ran
// into the next day, as a 勤務表 writes it: 25:30 is 1:30 the next day).
func endMinutes(s string) int {
	if m := minutes(s); m >= 0 {
		return m
	}
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 || hh[0] < '0' || hh[0] > '9' || hh[1] < '0' || hh[1] > '9' || hh < "24" || hh > "47" {
		return -1
	}
	m := minutes("00:" + mm)
	if m < 0 {
		return -1
	}
	return (int(hh[0]-'0')*10+int(hh[1]-'0'))*60 + m
}

// PolicyApplication is how the policy engine sees an application on the
// given days.
func (r Request) PolicyApplication(id int64, days []calendar.Date) policy.Application {
	var segs []policy.Segment
	for _, s := range r.Segments {
		segs = append(segs, policy.Segment{Mode: s.Mode, Place: s.Place, Start: s.Start, End: s.End})
	}
	return policy.Application{ID: id, Dates: days, Mode: r.Mode, Place: r.Place, PlaceKind: r.PlaceKind,
		PlaceReason: r.PlaceReason, TimeUnit: r.TimeUnit, Start: r.Start, End: r.End, BreakMinutes: r.BreakMinutes,
		OvertimeApproved: r.OvertimeApproved, MidDayBreak: r.MidDayBreak, PriorConsent: r.PriorConsent,
		PaperOut: r.TakeOut.Paper, PaperClasses: r.TakeOut.PaperClasses, DataOut: r.TakeOut.Data,
		DataClasses: r.TakeOut.DataClasses, Devices: slices.Clone(r.Devices), PrintAtHome: r.TakeOut.PrintAtHome,
		SaveAtHome: r.TakeOut.SaveAtHome, Segments: segs,
		NoPlan: strings.TrimSpace(r.Plan) == "" && len(r.TaskIDs) == 0}
}

// Request is the application's content as a request (to check it again,
// or to apply again with the same content: 「前回と同じ内容で申請」).
func (a *Application) Request() Request {
	return Request{Mode: a.Mode, Place: a.Place, PlaceKind: a.PlaceKind, PlaceReason: a.PlaceReason,
		PlaceName: a.PlaceName, TimeUnit: a.TimeUnit, Start: a.Start, End: a.End, BreakMinutes: a.BreakMinutes,
		OvertimeApproved: a.OvertimeApproved, MidDayBreak: a.MidDayBreak, PriorConsent: a.PriorConsent,
		Devices: slices.Clone(a.Devices), Plan: a.Plan, TaskIDs: slices.Clone(a.TaskIDs),
		Segments: slices.Clone(a.Segments), TakeOut: a.TakeOut, PresenceCheckerID: a.PresenceCheckerID}
}

// fill copies a cleaned request's content onto the application.
func (a *Application) fill(r Request) {
	a.Mode, a.Place, a.PlaceKind, a.PlaceReason, a.PlaceName = r.Mode, r.Place, r.PlaceKind, r.PlaceReason, r.PlaceName
	a.TimeUnit, a.Start, a.End, a.BreakMinutes = r.TimeUnit, r.Start, r.End, r.BreakMinutes
	a.OvertimeApproved, a.MidDayBreak, a.PriorConsent = r.OvertimeApproved, r.MidDayBreak, r.PriorConsent
	a.Devices, a.Plan, a.TaskIDs, a.Segments, a.TakeOut = r.Devices, r.Plan, r.TaskIDs, r.Segments, r.TakeOut
	a.PresenceCheckerID = r.PresenceCheckerID
	a.Recurrence = r.Recurrence
}
