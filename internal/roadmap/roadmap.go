// Package roadmap is the rollout roadmap of issue 16: the 10 steps of the
// guide's 図表1 with their owners (図表3), status and dates, the checklists
// of 図表4, 5, 8, 9 and 12 as tickable items with evidence (a note or a
// file) and who ticked them, the periodic PDCA reviews of Step 10 with
// their reminders, and the one-page status for the 推進本部.
package roadmap

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/attach"
	"telework/internal/calendar"
	"telework/internal/invisible"
)

// Status of a step.
type Status string

// The statuses of a step.
const (
	NotStarted Status = "not_started"
	InProgress Status = "in_progress"
	Done       Status = "done"
)

// Statuses lists them in order.
var Statuses = []Status{NotStarted, InProgress, Done}

// Step is a tenant's state of one step of 図表1.
type Step struct {
	N            int
	Owners       []Owner
	Status       Status
	PlannedStart calendar.Date
	PlannedEnd   calendar.Date
	DoneOn       calendar.Date
	Note         string
	Version      int64 // 0: never saved
	UpdatedAt    time.Time
	UpdatedBy    string
}

// Info is the step's catalogue entry.
func (s Step) Info() StepInfo { return Steps[s.N-1] }

// MaxNote bounds the free-text notes.
const MaxNote = 2000

// Validate checks a step as a person saves it, and fills DoneOn when a
// step is marked done without a date (today, given).
func (s *Step) Validate(today calendar.Date) error {
	var v apperr.Validation
	if s.N < 1 || s.N > len(Steps) {
		v.Add("step", "field.range", map[string]any{"Min": 1, "Max": len(Steps)})
	}
	seen := map[Owner]bool{}
	owners := s.Owners[:0:0]
	for _, o := range s.Owners {
		if !slices.ContainsFunc(Owners, func(i OwnerInfo) bool { return i.Code == o }) {
			v.Add("owners", "field.choice", nil)
			break
		}
		if !seen[o] {
			seen[o] = true
			owners = append(owners, o)
		}
	}
	// Keep 図表3's order whatever order the form sent.
	slices.SortFunc(owners, func(a, b Owner) int { return ownerIndex(a) - ownerIndex(b) })
	s.Owners = owners
	if !slices.Contains(Statuses, s.Status) {
		v.Add("status", "field.roadmap_status", nil)
	}
	if !s.PlannedStart.IsZero() && !s.PlannedEnd.IsZero() && s.PlannedEnd.Before(s.PlannedStart) {
		v.Add("planned_end", "field.roadmap_date_order", nil)
	}
	switch {
	case s.Status == Done && s.DoneOn.IsZero():
		s.DoneOn = today
	case s.Status != Done && !s.DoneOn.IsZero():
		v.Add("done_on", "field.roadmap_done_on", nil)
	case today.Before(s.DoneOn):
		// Done is a fact, as a review held is: not a plan (that is the
		// planned end).
		v.Add("done_on", "field.trial_not_future", nil)
	}
	s.Note = strings.TrimSpace(s.Note)
	invisible.Optional(&v, "note", s.Note, MaxNote, true, nil)
	return v.Err()
}

func ownerIndex(o Owner) int {
	return slices.IndexFunc(Owners, func(i OwnerInfo) bool { return i.Code == o })
}

// AuditView is what the audit log keeps of a step (the note as its length).
func (s Step) AuditView() map[string]any {
	os := make([]string, len(s.Owners))
	for i, o := range s.Owners {
		os[i] = string(o)
	}
	return map[string]any{"step": s.N, "owners": strings.Join(os, ","), "status": string(s.Status),
		"planned_start": s.PlannedStart.String(), "planned_end": s.PlannedEnd.String(), "done_on": s.DoneOn.String(),
		"note_chars": utf8.RuneCountInString(s.Note)}
}

// Check is a tenant's state of one checklist item.
type Check struct {
	Item      string
	Done      bool
	Note      string
	CheckedBy string // the account label of who last ticked or unticked it
	CheckedAt time.Time
	Version   int64 // 0: never saved
	Files     []attach.File
}

// AuditView is what the audit log keeps of a check.
func (c Check) AuditView() map[string]any {
	return map[string]any{"item": c.Item, "done": c.Done, "note_chars": utf8.RuneCountInString(c.Note)}
}

// Review is one PDCA review held (Step 10).
type Review struct {
	ID         int64
	HeldOn     calendar.Date
	Note       string
	RecordedBy string
	RecordedAt time.Time
}

// ReviewSettings is the review cadence: every IntervalMonths months, the
// next on NextOn. RemindedFor is the NextOn the reminder before the date
// was last sent for, OverdueRemindedFor the one the reminder after it
// (RunReviewReminders).
type ReviewSettings struct {
	IntervalMonths     int
	NextOn             calendar.Date
	RemindedFor        calendar.Date
	OverdueRemindedFor calendar.Date
}

// ReminderLeadDays is how many days before the review date its reminder
// is sent: two weeks, time to gather the 図表12 figures and hold the
// meeting.
const ReminderLeadDays = 14

// ReminderDue says which reminder of the review is due on today and not
// sent yet: "approaching" from ReminderLeadDays before the date up to the
// date itself, "overdue" once the date has passed (each once per date;
// one date reminded only after it passed gets the overdue one alone), ""
// for none. No cadence: none.
func (s ReviewSettings) ReminderDue(today calendar.Date) string {
	switch {
	case s.IntervalMonths <= 0 || s.NextOn.IsZero() || today.Before(s.NextOn.AddDays(-ReminderLeadDays)):
		return ""
	case s.NextOn.Before(today):
		if s.OverdueRemindedFor == s.NextOn {
			return ""
		}
		return "overdue"
	case s.RemindedFor == s.NextOn:
		return ""
	}
	return "approaching"
}

// Interval bounds (months): monthly to yearly.
const (
	MinInterval = 1
	MaxInterval = 12
)

// AddMonths moves d by n months, clamping the day to the month's end
// (1/31 + 1 month = 2/28 or 2/29).
func AddMonths(d calendar.Date, n int) calendar.Date {
	m := int(d.Month) - 1 + n
	y := d.Year + m/12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	last := time.Date(y, time.Month(m+2), 0, 12, 0, 0, 0, time.UTC).Day()
	return calendar.Date{Year: y, Month: time.Month(m + 1), Day: min(d.Day, last)}
}

// Board is the whole roadmap of a tenant: every step (unsaved ones as
// not started), every checklist item, the reviews.
type Board struct {
	Steps    []Step
	Checks   map[string]Check
	Settings ReviewSettings // zero IntervalMonths: no cadence set
	Reviews  []Review       // newest first
}

// FigureProgress counts the ticked items of one figure.
type FigureProgress struct {
	Figure, Done, Total int
}

// Progress counts ticked items per figure, in the order of Figures.
func (b Board) Progress() []FigureProgress {
	out := make([]FigureProgress, 0, len(Figures))
	for _, f := range Figures {
		p := FigureProgress{Figure: f.N}
		for _, it := range Items {
			if it.Figure == f.N {
				p.Total++
				if b.Checks[it.Code].Done {
					p.Done++
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// Current is the first step not done (0 when all are done).
func (b Board) Current() int {
	for _, s := range b.Steps {
		if s.Status != Done {
			return s.N
		}
	}
	return 0
}

// ReviewDue reports whether a review is due on today (its date has come).
func (b Board) ReviewDue(today calendar.Date) bool {
	return b.Settings.IntervalMonths > 0 && !today.Before(b.Settings.NextOn)
}

// Late lists the steps whose planned end has passed while not done.
func (b Board) Late(today calendar.Date) []int {
	var out []int
	for _, s := range b.Steps {
		if s.Status != Done && !s.PlannedEnd.IsZero() && s.PlannedEnd.Before(today) {
			out = append(out, s.N)
		}
	}
	return out
}
