package apply

import (
	"telework/internal/apperr"
	"telework/internal/policy"
)

// noon is where a half day divides: the policy engine starts an afternoon
// (午後) at 12:00 (its deadline "before the start" reads the same), so the
// morning runs from the standard start to noon and the afternoon from noon
// to the standard end, the standard break (the lunch hour from noon) in it.
// The two halves then add up to the full day.
const noon = "12:00"

// plannedHours is the working time a day of a was planned for, as the 実施報告
// compares it with the actual one: the times the application names (時間単位,
// or a full or half day with times such as 時差勤務), else the span of its
// segments, else the part of the standard day (the policy's Hours) its time
// unit covers — 終日 the whole day, 午前 the start to noon, 午後 noon to the
// end. brk is the planned break: the application's, else the standard one
// where the span holds the lunch hour (a full day, an afternoon). Empty times
// when neither the application nor the policy gives them.
func plannedHours(a *Application, h policy.Hours) (start, end string, brk int) {
	start, end = a.Start, a.End
	if !validHM(start) || !validHM(end) {
		start, end = segmentSpan(a.Segments)
	}
	std := func(s, e string) (string, string) {
		if validHM(start) && validHM(end) {
			return start, end
		}
		return s, e
	}
	switch a.TimeUnit {
	case policy.AM:
		start, end = std(h.Start, noon)
		return checked(start, end, a.BreakMinutes)
	case policy.PM:
		if validHM(start) && validHM(end) {
			// Its own times (13:00–17:15): its own break, as an hourly
			// application's; the lunch hour is not in them (a review).
			return checked(start, end, a.BreakMinutes)
		}
		start, end = noon, h.End
	case policy.Hourly:
		return checked(start, end, a.BreakMinutes)
	default:
		start, end = std(h.Start, h.End)
	}
	brk = a.BreakMinutes
	if brk == 0 {
		brk = h.BreakMinutes
	}
	return checked(start, end, brk)
}

// checked keeps a span only when both ends are times in order.
func checked(start, end string, brk int) (string, string, int) {
	if !validHM(start) || !validHM(end) || minutes(end) <= minutes(start) {
		return "", "", 0
	}
	return start, end, brk
}

// segmentSpan is the first start and the last end of the day's segments
// ("" when a segment has no times).
func segmentSpan(segs []Segment) (string, string) {
	if len(segs) == 0 {
		return "", ""
	}
	start, end := segs[0].Start, segs[0].End
	for _, s := range segs {
		if !validHM(s.Start) || !validHM(s.End) {
			return "", ""
		}
		if minutes(s.Start) < minutes(start) {
			start = s.Start
		}
		if minutes(s.End) > minutes(end) {
			end = s.End
		}
	}
	return start, end
}

// reportNeedsHours reports whether the policy's report form compares planned
// with actual hours: 予定・実績 (planned_actual) and the one sheet of request
// and report (combined_form, 掛川市), whose 報告欄 holds the actual times.
// A verbal report the supervisor records (口頭報告) needs none.
func reportNeedsHours(r policy.Report) bool {
	return r.Form == "planned_actual" || r.Form == "combined_form"
}

// requireActualHours is the refusal of a report without its actual times
// under a form that compares them with the planned ones.
func requireActualHours(in *ReportInput) error {
	var v apperr.Validation
	if in.ActualStart == "" {
		v.Add("actual_start", "apply.report_hours_required", nil)
	}
	if in.ActualEnd == "" {
		v.Add("actual_end", "apply.report_hours_required", nil)
	}
	return v.Err()
}
