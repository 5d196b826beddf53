// Package apply owns the telework application lifecycle (申請 → 承認 → 実施 →
// 実施報告 → 確認): the application and its days, the state machine whose
// refused transitions are coded errors, the expansion of a day, a range or a
// recurring pattern into business days (holidays and closure days skipped
// and reported as skipped), the routing to the approver (所属長, or 係長
// where the tenant sets it; 係長 → 課長 in two steps), 代決 and delegation
// during an absence, the post-day report, and the in-app notifications
// written in the same transaction as each event (internal/notify's outbox).
//
// The rules of the tenant's telework policy are internal/policy's
// (Evaluate); this package applies them at submission and again at
// approval. It never sees HTTP or SQL: internal/store implements Store and
// Tx.
package apply

import (
	"slices"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/policy"
)

// Status is where an application, or one of its days, stands.
type Status string

const (
	Draft     Status = "draft"     // 下書き
	Submitted Status = "submitted" // 申請中
	Approved  Status = "approved"  // 承認済
	Returned  Status = "returned"  // 差戻し
	Rejected  Status = "rejected"  // 却下
	Withdrawn Status = "withdrawn" // 取下げ
	Cancelled Status = "cancelled" // 取消し
	Started   Status = "started"   // 実施中
	Finished  Status = "finished"  // 実施済 (報告待ち)
	Reported  Status = "reported"  // 報告済
	Confirmed Status = "confirmed" // 確認済
)

// Statuses in lifecycle order.
var Statuses = []Status{Draft, Submitted, Approved, Returned, Rejected, Withdrawn, Cancelled, Started, Finished,
	Reported, Confirmed}

// Action is a step of the lifecycle a person takes.
type Action string

const (
	ActSubmit   Action = "submit"
	ActWithdraw Action = "withdraw"
	ActApprove  Action = "approve"
	ActReturn   Action = "return"
	ActReject   Action = "reject"
	ActCancel   Action = "cancel"
	ActStart    Action = "start"
	ActFinish   Action = "finish"
	ActReport   Action = "report"
	ActConfirm  Action = "confirm"
)

// What the applicant may do to the application itself, named among the
// actions a reader may take (Details.Can) though they are no step of the
// lifecycle: edit it (a draft or a returned one: PUT) and delete it (a
// draft: DELETE).
const (
	ActEdit   Action = "edit"
	ActDelete Action = "delete"
)

// Actions in lifecycle order.
var Actions = []Action{ActSubmit, ActWithdraw, ActApprove, ActReturn, ActReject, ActCancel, ActStart, ActFinish,
	ActReport, ActConfirm}

// transitions: for each action, the day states it may leave and the state
// it leads to. Decisions (approve, return, reject) and withdraw act on the
// whole application; cancel, start, finish, report and confirm on days.
var transitions = map[Action]struct {
	from []Status
	to   Status
}{
	ActSubmit:   {[]Status{Draft, Returned}, Submitted},
	ActWithdraw: {[]Status{Submitted}, Withdrawn},
	ActApprove:  {[]Status{Submitted}, Approved},
	ActReturn:   {[]Status{Submitted}, Returned},
	ActReject:   {[]Status{Submitted}, Rejected},
	ActCancel:   {[]Status{Submitted, Approved}, Cancelled},
	ActStart:    {[]Status{Approved}, Started},
	ActFinish:   {[]Status{Started}, Finished},
	ActReport:   {[]Status{Approved, Started, Finished}, Reported},
	ActConfirm:  {[]Status{Reported}, Confirmed},
}

// Next is the state a day in from reaches by a; a Conflict error
// (apply.state.<action>) names the state when the action is not allowed
// from it.
func Next(from Status, a Action) (Status, error) {
	t, ok := transitions[a]
	if !ok {
		return "", apperr.New(apperr.Invalid, "apply.action_unknown")
	}
	if !slices.Contains(t.from, from) {
		return "", StateError(from, a)
	}
	return t.to, nil
}

// Allowed reports whether a may be taken on a day in from.
func Allowed(from Status, a Action) bool {
	_, err := Next(from, a)
	return err == nil
}

// StateError is the Conflict of an action its state no longer allows
// (another person decided first, the applicant withdrew …): the message
// (apply.state.<now>) says the state the application is in now, so the
// person knows what happened; Args names the action refused.
func StateError(now Status, a Action) *apperr.Error {
	return &apperr.Error{Code: apperr.Conflict, Key: "apply.state." + string(now),
		Args: map[string]any{"Action": string(a)}}
}

// StepDecided is the conflict of a decision on the first step of a
// two-step application that has passed to its second: approved already
// (by the caller a moment ago, or by whoever acted first for the same
// approver), now waiting for the second approver.
func StepDecided(a *Application) *apperr.Error {
	return &apperr.Error{Code: apperr.Conflict, Key: "apply.step_decided", Args: map[string]any{"Approver": a.ApproverName}}
}

// occupying are the day states that hold the day: another application for
// the same part of the day is refused.
var occupying = []Status{Submitted, Approved, Started, Finished, Reported, Confirmed}

// Occupies reports whether a day in s holds its date.
func Occupies(s Status) bool { return slices.Contains(occupying, s) }

// Summary is the state an application reads from its days: the state of a
// decision while it is undecided (draft, submitted, returned, rejected,
// withdrawn); once approved, the least advanced of its days that are not
// cancelled; cancelled when every day is.
func Summary(decision Status, days []Day) Status {
	switch decision {
	case Draft, Submitted, Returned, Rejected, Withdrawn:
		return decision
	}
	order := []Status{Approved, Started, Finished, Reported, Confirmed}
	best := -1
	for _, d := range days {
		i := slices.Index(order, d.Status)
		if i < 0 {
			continue
		}
		if best < 0 || i < best {
			best = i
		}
	}
	if best < 0 {
		return Cancelled
	}
	return order[best]
}

// Segment is one part of a day: mobile in the morning, the office at
// midday, a satellite office in the afternoon. A day without segments is
// one segment with the application's mode, place and times.
type Segment struct {
	Mode      policy.Mode `json:"mode"`                 // home | satellite | mobile | office
	Place     string      `json:"place,omitempty"`      // home | home_equivalent | satellite | mobile | office
	PlaceName string      `json:"place_name,omitempty"` // e.g. the satellite office's name
	Start     string      `json:"start"`                // HH:MM
	End       string      `json:"end"`                  // HH:MM
}

// ModeOffice marks a segment spent at the office (not telework).
const ModeOffice = policy.Office

// TakeOut is the 持ち出し asked for on the application: paper or data taken
// home (with their classes), printing and saving at home, and what is
// taken, in words.
type TakeOut struct {
	Paper        bool     `json:"paper,omitempty"`
	PaperClasses []string `json:"paper_classes,omitempty"`
	Data         bool     `json:"data,omitempty"`
	DataClasses  []string `json:"data_classes,omitempty"`
	PrintAtHome  bool     `json:"print_at_home,omitempty"`
	SaveAtHome   bool     `json:"save_at_home,omitempty"`
	Items        string   `json:"items,omitempty"` // 持ち出す物 (free text)
}

// Any reports whether anything is taken out.
func (t TakeOut) Any() bool {
	return t.Paper || t.Data || t.PrintAtHome || t.SaveAtHome || t.Items != ""
}

// Recurrence is a recurring pattern: every listed weekday from From to To.
type Recurrence struct {
	From     calendar.Date  `json:"-"`
	To       calendar.Date  `json:"-"`
	Weekdays []time.Weekday `json:"-"`
}

// Request is what a person fills in: the days (exactly one of Dates, a
// range From–To, or a Recurrence), how, where and what.
type Request struct {
	Dates      []calendar.Date
	From, To   calendar.Date // a range, both ends included
	Recurrence *Recurrence

	Mode        policy.Mode
	Place       string // policy.PlaceHome, PlaceHomeEquivalent, PlaceSatellite, PlaceMobile
	PlaceKind   string // for a 自宅同等の場所 (policy.HomeEquivalentKinds)
	PlaceReason string // why a 自宅同等の場所
	PlaceName   string // a satellite office's name, the place in words
	TimeUnit    policy.TimeUnit
	Start, End  string // HH:MM, required for 時間単位
	// BreakMinutes is the planned break (0: the standard one).
	BreakMinutes     int
	OvertimeApproved bool
	MidDayBreak      bool // 中抜け planned
	PriorConsent     bool // 事前に了承を得た (where the policy asks)
	Devices          []string
	Plan             string  // 何をどこまで
	TaskIDs          []int64 // tasks from the inventory (issue 13), optional
	Segments         []Segment
	TakeOut          TakeOut
	// PresenceCheckerID is the 在席確認者 (a staff id); 0 means the approver.
	PresenceCheckerID int64
	// Combined: the report is filed on the same form (掛川市), where the
	// policy names the combined form.
	Submit bool // submit at once (else a draft)
}

// Application is a telework application and its days.
type Application struct {
	ID       int64
	TenantID int64
	StaffID  int64
	// Status reads the days (Summary); Decision is the state of the
	// decision itself.
	Status   Status
	Decision Status

	Mode              policy.Mode
	Place             string
	PlaceKind         string
	PlaceReason       string
	PlaceName         string
	TimeUnit          policy.TimeUnit
	Start, End        string
	BreakMinutes      int
	OvertimeApproved  bool
	MidDayBreak       bool
	PriorConsent      bool
	Devices           []string
	Plan              string
	TaskIDs           []int64
	Segments          []Segment
	TakeOut           TakeOut
	PresenceCheckerID int64
	// Recurrence is the pattern asked for, when one was (kept to cancel the
	// rest of a series).
	Recurrence *Recurrence
	Skipped    []Skipped

	// Routing: the approver of the current step, the step (1 or 2) and how
	// many steps the application needs.
	ApproverID int64
	Step       int
	Steps      int
	// FirstApproverID and SecondApproverID are the route fixed at
	// submission (SecondApproverID 0 for one step).
	FirstApproverID  int64
	SecondApproverID int64
	// TravelOrder: the policy records home telework as a 旅行命令; set on
	// approval of a home application.
	TravelOrder   bool
	TravelOrderNo string
	// Findings are the rule findings of the last check (submission or
	// approval).
	Findings []StoredFinding

	Days      []Day
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// SubmittedAt is the last submission.
	SubmittedAt time.Time

	// Filled by reads that join them.
	StaffName    string
	StaffNo      string
	UnitID       int64
	UnitName     string
	ApproverName string
}

// Dates lists the application's days (every state).
func (a *Application) Dates() []calendar.Date {
	out := make([]calendar.Date, 0, len(a.Days))
	for _, d := range a.Days {
		out = append(out, d.Date)
	}
	return out
}

// ActiveDates lists the days that still hold their date.
func (a *Application) ActiveDates() []calendar.Date {
	var out []calendar.Date
	for _, d := range a.Days {
		if Occupies(d.Status) || d.Status == Draft || d.Status == Returned {
			out = append(out, d.Date)
		}
	}
	return out
}

// Day is one date of an application with its own state: a day can be
// cancelled, started, finished, reported and confirmed by itself.
type Day struct {
	ID            int64
	ApplicationID int64
	Date          calendar.Date
	Status        Status
	StartedAt     time.Time
	FinishedAt    time.Time
	Report        *Report
	// ReportDue is the last day of the report (zero: none required, or no
	// deadline).
	ReportDue calendar.Date
	UpdatedAt time.Time
}

// Skipped is a day a range or pattern covered but that is not a business
// day: a weekend, a national holiday, 年末年始 or a closure day.
type Skipped struct {
	Date   calendar.Date `json:"date"`
	Reason string        `json:"reason"` // the holiday's name, or 土曜日/日曜日
}

// Report is the 実施報告 of a day: planned against actual hours, the work
// done and its products. Verbal marks a report the supervisor heard and
// recorded (口頭報告, 松本市).
type Report struct {
	PlannedStart, PlannedEnd string
	ActualStart, ActualEnd   string
	BreakMinutes             int
	PlannedMinutes           int
	ActualMinutes            int
	Work                     string // 業務内容
	Products                 string // 成果物
	Verbal                   bool
	RecordedBy               int64 // staff id of who filed it (the supervisor for a verbal one)
	ReportedAt               time.Time
	ConfirmedBy              int64
	ConfirmedAt              time.Time
	Comment                  string // the confirmer's
}

// StoredFinding is a rule finding as shown at a moment (submission,
// decision), kept so that what the approver saw stays on record.
type StoredFinding struct {
	Rule     string          `json:"rule"`
	Severity policy.Severity `json:"severity"`
	Date     string          `json:"date,omitempty"`
	Key      string          `json:"key"`
	Args     map[string]any  `json:"args,omitempty"`
}

// Finding turns it back into a policy finding (to explain it in a
// language).
func (f StoredFinding) Finding() policy.Finding {
	d, _ := calendar.ParseDate(f.Date)
	return policy.Finding{Rule: f.Rule, Severity: f.Severity, Date: d, Key: f.Key, Args: f.Args}
}

// Store keeps findings as they are.
func storeFindings(fs []policy.Finding) []StoredFinding {
	out := make([]StoredFinding, 0, len(fs))
	for _, f := range fs {
		sf := StoredFinding{Rule: f.Rule, Severity: f.Severity, Key: f.Key, Args: f.Args}
		if !f.Date.IsZero() {
			sf.Date = f.Date.String()
		}
		out = append(out, sf)
	}
	return out
}

// Decision records one step taken on an application: who took it, in
// whose name (代決: a proxy or a delegate deciding for the approver), the
// days it concerned, the comment and the findings shown at that moment.
type Decision struct {
	ID            int64
	ApplicationID int64
	Action        Action
	Step          int
	// ByStaffID decided; OnBehalfOf is the approver in whose name (0 when
	// the approver decided themselves). Proxy marks 代決.
	ByStaffID  int64
	ByUserID   int64
	OnBehalfOf int64
	Proxy      bool
	Comment    string
	Dates      []calendar.Date
	Findings   []StoredFinding
	At         time.Time
	// Roster marks a decision a roster publication made (PublishRoster):
	// its approvals and the days it cancelled.
	Roster bool
	// Filled by reads.
	ByName         string
	OnBehalfOfName string
}

// Auto reports the system's approval (自動承認) made in the applicant's own
// submission where the policy approves at once: nobody decided it.
func (d Decision) Auto() bool { return d.Action == ActApprove && d.ByStaffID == 0 && d.ByUserID == 0 }

// VerbalReport reports a 実施報告 recorded by someone other than the
// applicant (applicantID): a verbal report the supervisor heard (松本市).
// Report lets only the applicant file their own report and only a
// supervisor a verbal one, so who recorded it says which it was.
func (d Decision) VerbalReport(applicantID int64) bool {
	return d.Action == ActReport && d.ByStaffID != 0 && d.ByStaffID != applicantID
}

// Delegation lets another person decide for an approver: a standing proxy
// (代決者, no dates) or a delegate during an absence (From–To inclusive).
type Delegation struct {
	ID          int64
	ApproverID  int64 // the approver delegating
	DelegateID  int64 // who decides in their name
	Kind        string
	From, To    calendar.Date
	Note        string
	CreatedAt   time.Time
	CreatedByID int64
	// Filled by reads.
	ApproverName, DelegateName string
}

// Delegation kinds.
const (
	DelegateProxy   = "proxy"   // 代決者: may decide whenever the approver cannot
	DelegateAbsence = "absence" // 不在時の委任: From–To
)

// ActiveOn reports whether the delegation applies on d.
func (d Delegation) ActiveOn(day calendar.Date) bool {
	if d.Kind == DelegateProxy {
		return true
	}
	return !day.Before(d.From) && !d.To.Before(day)
}

// Validate checks a delegation's own fields.
func (d *Delegation) Validate() error {
	var v apperr.Validation
	if d.DelegateID == 0 {
		v.Add("delegate_id", "field.required", nil)
	} else if d.DelegateID == d.ApproverID {
		v.Add("delegate_id", "apply.delegate_self", nil)
	}
	switch d.Kind {
	case DelegateProxy:
		d.From, d.To = calendar.Date{}, calendar.Date{}
	case DelegateAbsence:
		if d.From.IsZero() {
			v.Add("from", "field.required", nil)
		}
		if d.To.IsZero() {
			v.Add("to", "field.required", nil)
		}
		if !d.From.IsZero() && !d.To.IsZero() && d.To.Before(d.From) {
			v.Add("to", "apply.date_order", nil)
		}
	default:
		// The shared fieldname.kind is a tenant's 団体区分.
		v.Add("kind", "field.choice", map[string]any{"LabelKey": "fieldname.delegation_kind"})
	}
	textMax(&v, "note", d.Note, 200, false)
	return v.Err()
}

// Settings are the tenant's routing rules.
type Settings struct {
	// Approver: ApproverSection routes to the 所属長 (the head of the 課:
	// the nearest head of 課長級 or above); ApproverTeam to the nearest
	// head of the person's own unit (the 係長).
	Approver string
	// TwoStep: 係長 → 課長, for the whole tenant; TwoStepUnits for these
	// units and everything below them.
	TwoStep      bool
	TwoStepUnits []int64
	// ReminderHours: remind the approver of an application waiting longer
	// than this (0: no reminders).
	ReminderHours int
	Version       int64
}

// Approver routing choices.
const (
	ApproverSection = "section" // 所属長 (課長)
	ApproverTeam    = "team"    // 係長
)

// DefaultSettings route to the 所属長 in one step with reminders after a
// day.
func DefaultSettings() Settings {
	return Settings{Approver: ApproverSection, ReminderHours: 24}
}

// Validate checks the settings.
func (s *Settings) Validate() error {
	var v apperr.Validation
	if s.Approver != ApproverSection && s.Approver != ApproverTeam {
		v.Add("approver", "field.choice", nil)
	}
	if s.ReminderHours < 0 || s.ReminderHours > 24*14 {
		v.Add("reminder_hours", "field.range", map[string]any{"Min": 0, "Max": 24 * 14})
	}
	return v.Err()
}
