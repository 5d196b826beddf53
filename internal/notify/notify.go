// Package notify owns the notifications: an outbox table written in the
// same transaction as each event of the application lifecycle (submitted,
// approved, returned, rejected, cancelled, report due and overdue,
// delegation started, reminders to approvers), read in the app as a list
// with an unread count. The outbox is the single source the later channels
// (e-mail, chat) deliver from. It never sees HTTP or SQL: internal/store
// implements Store and Tx.
package notify

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/i18n"
)

// Kind is the event a notification tells of.
type Kind string

const (
	Submitted         Kind = "submitted"          // to the approver: an application waits
	Approved          Kind = "approved"           // to the applicant
	Returned          Kind = "returned"           // to the applicant (差戻し)
	Rejected          Kind = "rejected"           // to the applicant
	Withdrawn         Kind = "withdrawn"          // to the approver
	Cancelled         Kind = "cancelled"          // to the approver (days cancelled)
	ReportDue         Kind = "report_due"         // to the applicant: the report is due today
	ReportOverdue     Kind = "report_overdue"     // to the applicant and the approver
	Reported          Kind = "reported"           // to the approver: a report to confirm
	DelegationStarted Kind = "delegation_started" // to the delegate
	Reminder          Kind = "reminder"           // to the approver: applications waiting
	// WorktimeWarning: to the supervisor, a start or end report with
	// warnings (issue 12, internal/worktime).
	WorktimeWarning Kind = "worktime_warning"
	// PlaceCapacityReduced tells a person their seat booking is beyond an
	// office's reduced capacity (kept, not cancelled).
	PlaceCapacityReduced Kind = "place_capacity_reduced"
)

// Kinds lists the kinds of the application lifecycle, registered at start;
// KindList has every registered kind (other areas add theirs).
var Kinds = []Kind{Submitted, Approved, Returned, Rejected, Withdrawn, Cancelled, ReportDue, ReportOverdue, Reported,
	DelegationStarted, Reminder, WorktimeWarning}

// Notification is one row of the outbox: an event for one person.
type Notification struct {
	ID       int64
	TenantID int64
	// StaffID is the recipient (notifications go to people, whichever
	// account they sign in with).
	StaffID int64
	Kind    Kind
	// ApplicationID is the application it concerns (0 for none).
	ApplicationID int64
	// Args fill the message: Name (who), Dates (the days, as text), Count …
	// never free text such as a comment.
	Args      map[string]any
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Message is the notification in lang. A half-day a seat booking names
// (Args "Half": am, pm, full_day) reads as 午前・午後・終日 (AM, PM, full
// day), never as its code.
func (n Notification) Message(lang string) string {
	args := n.Args
	if h, ok := args["Half"].(string); ok && i18n.Has("places.half."+h) {
		args = maps.Clone(args)
		args["Half"] = i18n.T(lang, "places.half."+h, nil)
	}
	return i18n.T(lang, "notify."+string(n.Kind), args)
}

// Unread reports whether it has not been read.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// Filter selects among a person's notifications.
type Filter struct {
	UnreadOnly bool
	// InApp leaves out the kinds the person turned off for the app (a
	// stored preference with in_app false). The in-app list and its
	// counts are read with it; the outbox rows stay, and e-mail and chat
	// are planned from them all the same.
	InApp bool
	// OffByDefault are the kinds left out for a person who stored no
	// choice for them (OffInAppByDefault; set by the service with InApp).
	OffByDefault []Kind
	// BeforeID, when set, reads only notifications older than that one
	// (ids below it): the next page of a list in newest-first order, which
	// a notification arriving meanwhile does not shift.
	BeforeID int64
}

// Store is what the service reads and runs transactions on.
type Store interface {
	// FindNotifications lists a person's notifications matching f, newest
	// first.
	FindNotifications(ctx context.Context, tenantID, staffID int64, f Filter, limit, offset int) ([]Notification, error)
	// FindNotification reads one of a person's notifications; NotFound if
	// it is not theirs.
	FindNotification(ctx context.Context, tenantID, staffID, id int64) (Notification, error)
	// CountNotifications counts a person's notifications matching f.
	CountNotifications(ctx context.Context, tenantID, staffID int64, f Filter) (int, error)
	InNotifyTx(ctx context.Context, fn func(Tx) error) error
}

// Tx writes notifications inside the transaction of the event.
type Tx interface {
	// InsertNotifications adds rows to the outbox (setting their ids).
	InsertNotifications(ctx context.Context, tenantID int64, ns []Notification) error
	// MarkNotificationsRead marks a person's notifications read at at (all
	// of them when ids is empty; none with an id above upToID when it is
	// not 0) and returns how many changed.
	MarkNotificationsRead(ctx context.Context, tenantID, staffID int64, ids []int64, upToID int64, at time.Time) (int, error)
}

// Service reads a person's notifications and marks them read. Events are
// written by the services whose actions they tell of (apply), in their own
// transactions, through Tx.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// MaxList is the most notifications one read returns.
const MaxList = 200

// List returns the signed-in person's notifications, newest first,
// without the kinds they turned off for the app (their preferences; read
// at each call, so turning a kind on again shows its notifications
// again). Accounts without a staff record have none.
func (s *Service) List(ctx context.Context, tenantID int64, who *auth.Principal, unreadOnly bool, limit, offset int) ([]Notification, error) {
	return s.list(ctx, tenantID, who, s.inApp(unreadOnly), limit, MaxList, max(offset, 0))
}

// ListBefore is List from the notification before beforeID on (0: the
// newest): a page that stays where it was when new notifications arrive
// between two pages (the API's cursor). It reads one more than a page may
// hold, so that the caller learns whether another page follows.
func (s *Service) ListBefore(ctx context.Context, tenantID int64, who *auth.Principal, unreadOnly bool, limit int, beforeID int64) ([]Notification, error) {
	f := s.inApp(unreadOnly)
	f.BeforeID = max(beforeID, 0)
	return s.list(ctx, tenantID, who, f, limit, MaxList+1, 0)
}

// list reads the signed-in person's notifications matching f, at most
// most (a limit outside 1..most reads most).
func (s *Service) list(ctx context.Context, tenantID int64, who *auth.Principal, f Filter, limit, most, offset int) ([]Notification, error) {
	if who == nil {
		return nil, apperr.Forbid()
	}
	if who.StaffID == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > most {
		limit = most
	}
	return s.st.FindNotifications(ctx, tenantID, who.StaffID, f, limit, offset)
}

// Count is how many notifications List would return without a limit:
// the person's notifications in the app (unread ones only with
// unreadOnly).
func (s *Service) Count(ctx context.Context, tenantID int64, who *auth.Principal, unreadOnly bool) (int, error) {
	if who == nil {
		return 0, apperr.Forbid()
	}
	if who.StaffID == 0 {
		return 0, nil
	}
	return s.st.CountNotifications(ctx, tenantID, who.StaffID, s.inApp(unreadOnly))
}

// Unread counts the signed-in person's unread notifications in the app
// (the number in the header), as List shows them.
func (s *Service) Unread(ctx context.Context, tenantID int64, who *auth.Principal) (int, error) {
	if who == nil || who.StaffID == 0 {
		return 0, nil
	}
	return s.st.CountNotifications(ctx, tenantID, who.StaffID, s.inApp(true))
}

// inApp is the filter of the in-app list.
func (s *Service) inApp(unreadOnly bool) Filter {
	return Filter{UnreadOnly: unreadOnly, InApp: true, OffByDefault: OffInAppByDefault()}
}

// MarkRead marks the signed-in person's notifications ids read (all of them
// when ids is empty); another person's ids are left as they are. Reading is
// not audited: it changes nothing but the reader's own list.
func (s *Service) MarkRead(ctx context.Context, tenantID int64, who *auth.Principal, ids []int64) (int, error) {
	return s.MarkReadUpTo(ctx, tenantID, who, ids, 0)
}

// MarkReadUpTo is MarkRead of the notifications up to upToID only (0: no
// bound): 「すべて既読」 sends the newest id the person was shown, so that a
// notification that arrived after the list was drawn stays unread — marking
// "all" would mark one the person never saw (review r39). Ids are given in
// the order notifications are written, so every one shown is at or below
// it (only one written by a transaction still open as the list was read
// can have a lower id and be marked unseen: the window of one commit).
func (s *Service) MarkReadUpTo(ctx context.Context, tenantID int64, who *auth.Principal, ids []int64, upToID int64) (int, error) {
	if who == nil {
		return 0, apperr.Forbid()
	}
	if upToID < 0 {
		var v apperr.Validation
		v.Add("up_to_id", "notify.up_to_id_invalid", nil)
		return 0, v.Err()
	}
	if who.StaffID == 0 {
		return 0, nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	n := 0
	err := s.st.InNotifyTx(ctx, func(tx Tx) error {
		var err error
		n, err = tx.MarkNotificationsRead(ctx, tenantID, who.StaffID, ids, upToID, s.now())
		return err
	})
	return n, err
}

// New is a notification of kind for staffID about application appID.
func New(staffID int64, kind Kind, appID int64, args map[string]any) Notification {
	return Notification{StaffID: staffID, Kind: kind, ApplicationID: appID, Args: args}
}

// Stamp dates the notifications not yet dated with at, the time of the
// event on the writer's clock (the demo history, played with a clock in
// the past, and tests that move the clock show when each thing happened),
// and returns them.
func Stamp(ns []Notification, at time.Time) []Notification {
	for i := range ns {
		if ns[i].CreatedAt.IsZero() {
			ns[i].CreatedAt = at.UTC()
		}
	}
	return ns
}

// Key is a stable identity of an event, for channels that must deliver it
// once.
func (n Notification) Key() string {
	return strconv.FormatInt(n.TenantID, 10) + "/" + strconv.FormatInt(n.ID, 10)
}
