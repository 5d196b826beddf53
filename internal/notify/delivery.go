package notify

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"telework/internal/audit"
)

// Delivery turns each outbox row into deliveries on the channels its
// recipient chose (e-mail, the section's chat channel) and sends them from
// any number of app nodes: a node leases a batch of due deliveries with one
// conditional UPDATE (FOR UPDATE SKIP LOCKED on PostgreSQL), renews the
// lease while it works, sends the messages one at a time and records each
// outcome in its own statement right after the receiver answered, only
// while it still holds the lease; a failure is
// retried with exponential backoff and, after MaxAttempts, kept as a dead
// letter for the IT administrator to retry.

// Channel is where a notification is delivered.
type Channel string

const (
	InApp Channel = "in_app" // the list in the app (the outbox itself)
	Email Channel = "email"
	Chat  Channel = "chat" // the recipient's section channel (incoming webhook)
)

// Extra kinds written through this package by areas other than apply.
const (
	SurveyReminder Kind = "survey_reminder" // to a person: a survey waits for an answer
	ReviewReminder Kind = "review_reminder" // to the people in charge: a PDCA review is due
)

// KindInfo describes a kind for delivery: Urgent ones are sent at once,
// the others wait for the working window (quiet hours, 第5章 3.). A
// Section kind tells the recipient's section of what the recipient did
// (section.go): by default it goes to the section's chat channel only.
// Whether a kind may go to the recipient's section chat at all is
// ChatAllowed (sharedKinds).
type KindInfo struct {
	Kind    Kind
	Urgent  bool
	Section bool
}

// sharedKinds are the kinds meant for a section (issue 12: "per section
// channel: start/end reports, approvals, reminders for missing reports"),
// the only ones that may go to the recipient's section chat, which the
// whole section reads. Each tells of the recipient alone, or of no one,
// and of nothing a colleague should not read:
//   - worktime_started/ended (Section kinds): the reporter's own start or
//     end, name and time only;
//   - approved: 「テレワークの申請が承認されました(日付)」, no name;
//   - report_due: the recipient's own report is due today, no name;
//   - reminder: 「承認を待っている申請がN件あります」, a count;
//   - survey_reminder, review_reminder: a survey or a PDCA review is due;
//   - shortage_forecast: an office or a device pool short in a coming week.
//
// Every other kind stays out of the channel: those naming another person's
// application, report, cancellation or absence (submitted, withdrawn,
// cancelled, reported, delegation_started, booked_for_you,
// cancelled_for_you), a person's labour-rule warnings and overtime
// (worktime_warning, worktime_warning_self, worktime_overtime_requested,
// worktime_overtime_decided), a returned or rejected application or an
// overdue report (returned, rejected, report_overdue: the report_overdue
// to the approver names the person), and a person's own bookings and
// devices (place_capacity_reduced, device_capacity_reduced,
// device_overdue). A kind registered later (RegisterKind) is not shared
// unless listed here.
var sharedKinds = map[Kind]bool{WorkStarted: true, WorkEnded: true, Approved: true, ReportDue: true, Reminder: true,
	SurveyReminder: true, ReviewReminder: true, ShortageForecast: true}

// ChatAllowed reports whether kind k may go to the recipient's section
// chat channel.
func ChatAllowed(k Kind) bool { return sharedKinds[k] }

var (
	kindsMu sync.RWMutex
	kinds   = map[Kind]KindInfo{}
	order   []Kind
)

// RegisterKind adds a kind to the list people set their preferences on;
// areas that write their own kinds (worktime's start/end reports) call it
// from an init function. Registering a kind again updates it.
func RegisterKind(k Kind, urgent bool) { register(KindInfo{Kind: k, Urgent: urgent}) }

func register(ki KindInfo) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, ok := kinds[ki.Kind]; !ok {
		order = append(order, ki.Kind)
	}
	kinds[ki.Kind] = ki
}

// KindList is every registered kind in registration order.
func KindList() []KindInfo {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]KindInfo, 0, len(order))
	for _, k := range order {
		out = append(out, kinds[k])
	}
	return out
}

// KindNames is the name of every registered kind in registration order:
// the enum of "kind" in the OpenAPI document, so the document names every
// kind the API can return.
func KindNames() []string {
	var out []string
	for _, ki := range KindList() {
		out = append(out, string(ki.Kind))
	}
	return out
}

// InfoOf is the registered description of k (non-urgent when unknown).
func InfoOf(k Kind) (KindInfo, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	ki, ok := kinds[k]
	if !ok {
		ki = KindInfo{Kind: k}
	}
	return ki, ok
}

func init() {
	for _, k := range Kinds {
		// A delegation that starts today is the only event that cannot wait.
		RegisterKind(k, k == DelegationStarted)
	}
	RegisterKind(SurveyReminder, false)
	RegisterKind(ReviewReminder, false)
	// Written by internal/places when an office's seats are reduced below
	// its bookings (issue 14).
	RegisterKind(PlaceCapacityReduced, false)
}

// Pref is a person's choice for one kind.
type Pref struct {
	Kind  Kind `json:"kind"`
	InApp bool `json:"in_app"`
	Email bool `json:"email"`
	Chat  bool `json:"chat"`
}

// DefaultPref is the choice of a person who set nothing: in the app and by
// e-mail, not in the section's chat; for a Section kind (a start or end
// report told to the section) the section's chat only.
func DefaultPref(k Kind) Pref {
	if ki, _ := InfoOf(k); ki.Section {
		return Pref{Kind: k, Chat: true}
	}
	return Pref{Kind: k, InApp: true, Email: true}
}

// OffInAppByDefault lists the kinds a person who set nothing does not see
// in the app.
func OffInAppByDefault() []Kind {
	var out []Kind
	for _, ki := range KindList() {
		if !DefaultPref(ki.Kind).InApp {
			out = append(out, ki.Kind)
		}
	}
	return out
}

// MergePrefs is the full list of a person's preferences: the stored ones
// over the defaults, in the order of KindList.
func MergePrefs(stored []Pref) []Pref {
	by := map[Kind]Pref{}
	for _, p := range stored {
		by[p.Kind] = p
	}
	var out []Pref
	for _, ki := range KindList() {
		p, ok := by[ki.Kind]
		if !ok {
			p = DefaultPref(ki.Kind)
		}
		// A choice stored before the kind was kept out of the section's
		// chat reads as it is delivered (Plan): not in the chat.
		p.Chat = p.Chat && ChatAllowed(ki.Kind)
		out = append(out, p)
	}
	return out
}

// Delivery statuses.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusDead    = "dead"
	// StatusCancelled: no longer wanted when its turn came (the person
	// switched the channel off, retired or left the section; e-mail was
	// switched off). Neither sent nor a failure.
	StatusCancelled = "cancelled"
)

// Delivery is one notification on one channel.
type Delivery struct {
	ID             int64
	TenantID       int64
	NotificationID int64
	Channel        Channel
	// Target is the e-mail address, or the unit id of the section channel.
	Target     string
	Status     string
	Attempts   int
	NextAt     time.Time
	LeaseOwner string
	LeaseUntil time.Time
	LastError  string
	CreatedAt  time.Time
	SentAt     time.Time
	// Notification is the outbox row (filled on claim and on lists).
	Notification Notification
}

// MessageID is the stable identity of the delivery, the same on every
// attempt and every node: the Message-ID of the e-mail and the
// Idempotency-Key of the webhook, so a receiver can tell a re-send.
func (d Delivery) MessageID() string {
	return "telework-" + strconv.FormatInt(d.TenantID, 10) + "-" + strconv.FormatInt(d.NotificationID, 10) + "-" + string(d.Channel)
}

// MaxAttempts is how many times a delivery is tried before it becomes a
// dead letter.
const MaxAttempts = 8

// Backoff is the wait after the attempt-th failed attempt: 30 s doubled
// each time, at most 6 h.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Tokyo is the civil time of the working window.
var Tokyo = func() *time.Location {
	l, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return time.FixedZone("JST", 9*3600)
	}
	return l
}()

// Window is the working window of a tenant ("08:30"–"17:15"): the
// standard day of the policy in force, on the tenant's business days.
// Empty means no quiet hours.
type Window struct {
	Start, End string
	// BusinessDay reports whether the day (its midnight in Japan) is a
	// working day of the tenant: its business calendar, without weekends,
	// national holidays and closure days such as 年末年始. Nil: Monday to
	// Friday.
	BusinessDay func(day time.Time) bool
}

// working reports whether day (a midnight in Japan) is a working day.
func (w Window) working(day time.Time) bool {
	if w.BusinessDay != nil {
		return w.BusinessDay(day)
	}
	return day.Weekday() != time.Saturday && day.Weekday() != time.Sunday
}

func hhmm(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, false
	}
	hi, err1 := strconv.Atoi(h)
	mi, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hi < 0 || hi > 24 || mi < 0 || mi > 59 {
		return 0, false
	}
	return hi*60 + mi, true
}

// HoldUntil is when a notification created at may be sent: at itself for
// an urgent one or inside the window on a working day, otherwise the next
// working day's window start (第5章 3.: nobody is expected to answer after
// hours, nor on a holiday). A calendar that shows no working day in the
// next year holds nothing.
func HoldUntil(at time.Time, w Window, urgent bool) time.Time {
	start, ok1 := hhmm(w.Start)
	end, ok2 := hhmm(w.End)
	if urgent || !ok1 || !ok2 || end <= start {
		return at
	}
	t := at.In(Tokyo)
	mins := t.Hour()*60 + t.Minute()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Tokyo)
	if w.working(day) {
		if mins >= start && mins < end {
			return at
		}
		if mins < start {
			return day.Add(time.Duration(start) * time.Minute)
		}
	}
	for range 366 {
		day = day.AddDate(0, 0, 1)
		if w.working(day) {
			return day.Add(time.Duration(start) * time.Minute)
		}
	}
	return at
}

// Recipient is what planning needs to know of a person.
type Recipient struct {
	StaffID int64
	Email   string
	UnitID  int64
	// AfterHours: the person asked to be told outside working time too;
	// their messages are not held by the quiet hours.
	AfterHours bool
}

// Plan is the deliveries of notification n for a recipient with prefs
// (nil: defaults), given the section channels that exist and the
// window. In-app needs no delivery: the outbox row is the in-app list.
func Plan(n Notification, r Recipient, pref *Pref, channels map[int64]bool, mailOn bool, w Window) []Delivery {
	p := DefaultPref(n.Kind)
	if pref != nil {
		p = *pref
	}
	ki, _ := InfoOf(n.Kind)
	next := HoldUntil(n.CreatedAt, w, ki.Urgent)
	var out []Delivery
	if p.Email && mailOn && r.Email != "" {
		// The person's own opt-in frees their own mail only; the section's
		// chat is everyone's and keeps the quiet hours.
		out = append(out, Delivery{TenantID: n.TenantID, NotificationID: n.ID, Channel: Email, Target: r.Email,
			NextAt: HoldUntil(n.CreatedAt, w, ki.Urgent || r.AfterHours)})
	}
	if p.Chat && ChatAllowed(ki.Kind) && channels[r.UnitID] {
		out = append(out, Delivery{TenantID: n.TenantID, NotificationID: n.ID, Channel: Chat,
			Target: strconv.FormatInt(r.UnitID, 10), NextAt: next})
	}
	return out
}

// Settings is a tenant's outbound configuration (IT admin).
type Settings struct {
	SMTPHost string `json:"smtp_host"`
	SMTPPort int    `json:"smtp_port"`
	// SMTPTLS: starttls (required), tls (implicit), none (loopback relays only).
	SMTPTLS     string `json:"smtp_tls"`
	SMTPUser    string `json:"smtp_user"`
	PasswordSet bool   `json:"smtp_password_set"`
	// PasswordLocked: the stored password does not open with this server's
	// keys (ErrSMTPPasswordKey); e-mail fails until it is entered again or
	// the key is configured. Read by DeliveryService.Settings only.
	PasswordLocked bool   `json:"smtp_password_unreadable,omitempty"`
	MailFrom       string `json:"mail_from"`
	// Charset of e-mail: utf-8 (default) or iso-2022-jp.
	Charset string `json:"charset"`
	Version int64  `json:"version"`
}

// MailOn reports whether e-mail can be sent.
func (s Settings) MailOn() bool { return s.SMTPHost != "" && s.MailFrom != "" }

// ChatChannel is a section's incoming webhook.
type ChatChannel struct {
	UnitID int64  `json:"unit_id"`
	URL    string `json:"url"`
	// Format: json (generic) or slack (Slack-compatible: LoGoチャット, Teams bridges).
	Format string `json:"format"`
}

// WebhookHost is what is shown of a chat channel's webhook URL: its host.
// The URL is a credential (whoever has it posts to the section's chat).
func WebhookHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// Values accepted in settings.
var (
	TLSModes    = []string{"starttls", "tls", "none"}
	Charsets    = []string{"utf-8", "iso-2022-jp"}
	ChatFormats = []string{"json", "slack"}
)

func oneOf(v string, set []string) bool { return slices.Contains(set, v) }

// DeliveryStore is what delivery reads and leases.
type DeliveryStore interface {
	// UnplannedNotifications lists outbox rows not yet planned, oldest first.
	UnplannedNotifications(ctx context.Context, tenantID int64, limit int) ([]Notification, error)
	NotifyRecipients(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64]Recipient, error)
	NotifyPrefsOf(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64][]Pref, error)
	NotifySettings(ctx context.Context, tenantID int64) (Settings, error)
	NotifySMTPPassword(ctx context.Context, tenantID int64) (string, error)
	// NotifyStoredSMTPPasswords lists every tenant's non-empty stored SMTP
	// password (the start-up re-seal).
	NotifyStoredSMTPPasswords(ctx context.Context) ([]StoredPassword, error)
	NotifyChannels(ctx context.Context, tenantID int64) ([]ChatChannel, error)
	// ClaimDeliveries leases up to limit due pending deliveries (next_at
	// and lease_until not after now) to owner until leaseUntil, counting
	// the attempt, and returns them with their notifications.
	ClaimDeliveries(ctx context.Context, tenantID int64, owner string, now, leaseUntil time.Time, limit int) ([]Delivery, error)
	// FinishDelivery records the outcome of owner's attempt on one
	// delivery, in one statement, only while owner still holds its lease;
	// it reports whether it was recorded.
	FinishDelivery(ctx context.Context, tenantID int64, owner string, f Finished) (bool, error)
	// RenewDeliveries extends owner's lease on the pending deliveries ids
	// to until and returns how many owner still held.
	RenewDeliveries(ctx context.Context, tenantID int64, owner string, ids []int64, until time.Time) (int, error)
	// ReleaseDeliveries gives back owner's lease on the pending deliveries
	// ids it did not try, so that any node can claim them at once.
	ReleaseDeliveries(ctx context.Context, tenantID int64, owner string, ids []int64) error
	// HoldDeliveries gives back owner's lease on the pending deliveries
	// ids, not tried, to be claimed again from until.
	HoldDeliveries(ctx context.Context, tenantID int64, owner string, ids []int64, until time.Time) error
	DeadDeliveries(ctx context.Context, tenantID int64, limit int) ([]Delivery, error)
	FindNotifyPrefs(ctx context.Context, tenantID, staffID int64) ([]Pref, error)
	// NotifyAfterHours: the person asked to be told outside working time.
	NotifyAfterHours(ctx context.Context, tenantID, staffID int64) (bool, error)
	InDeliveryTx(ctx context.Context, fn func(DeliveryTx) error) error
}

// StoredPassword is a tenant's SMTP password as the database holds it.
type StoredPassword struct {
	TenantID int64
	Stored   string
}

// DeliveryTx is what one delivery action writes.
type DeliveryTx interface {
	// ReplaceNotifySMTPPassword writes next over the tenant's stored SMTP
	// password while it is still old, and reports whether it did (false:
	// a save in between, which counts).
	ReplaceNotifySMTPPassword(ctx context.Context, tenantID int64, old, next string) (bool, error)
	// PlanNotificationDeliveries inserts ds (ignoring those that exist) and
	// marks the notifications ids planned.
	PlanNotificationDeliveries(ctx context.Context, tenantID int64, ids []int64, ds []Delivery, at time.Time) error
	SaveNotifyPrefs(ctx context.Context, tenantID, staffID int64, ps []Pref) error
	SaveNotifyAfterHours(ctx context.Context, tenantID, staffID int64, on bool) error
	SaveNotifySettings(ctx context.Context, tenantID int64, s Settings, password *string, at time.Time) error
	// FindNotifyChannel reads a section's channel (ok false: none).
	FindNotifyChannel(ctx context.Context, tenantID, unitID int64) (ChatChannel, bool, error)
	SaveNotifyChannel(ctx context.Context, tenantID int64, c ChatChannel, at time.Time) error
	DeleteNotifyChannel(ctx context.Context, tenantID, unitID int64) error
	// RetryDeadDelivery makes a dead delivery pending again, due at.
	RetryDeadDelivery(ctx context.Context, tenantID, id int64, at time.Time) (bool, error)
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Outcome is the result of one attempt.
type Outcome struct {
	Sent bool
	Dead bool
	// Cancelled: not sent, as no longer wanted (StatusCancelled); Error
	// says why.
	Cancelled bool
	Error     string
	NextAt    time.Time
	At        time.Time
}

// Finished is the outcome of the attempt on delivery ID.
type Finished struct {
	ID int64
	Outcome
}

// OutcomeOf is what an attempt's error means for delivery d at now, in
// the tenant's working window w: a retry of a non-urgent kind waits for
// the window like its first attempt did (HoldUntil), so a failure at 17:10
// is not retried after hours.
func OutcomeOf(d Delivery, err error, now time.Time, w Window) Outcome {
	if err == nil {
		return Outcome{Sent: true, At: now}
	}
	msg := err.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	if d.Attempts >= MaxAttempts {
		return Outcome{Dead: true, Error: msg, At: now}
	}
	ki, _ := InfoOf(d.Notification.Kind)
	return Outcome{Error: msg, NextAt: HoldUntil(now.Add(Backoff(d.Attempts)), w, ki.Urgent), At: now}
}
