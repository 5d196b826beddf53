// Package presence owns the current presence of each person (連絡可能 /
// 取り込み中 / 応答不可 / 退席中 / オフライン, with the place, a short note and
// an optional end time) and the team board. Only the current state
// exists: a change overwrites it, nothing keeps past states (no history
// table, no audit entry, no log line with a state) — presence is a
// courtesy, not evidence (第5章 1.). Changes reach open boards through a
// Hub: in-process on SQLite, PostgreSQL LISTEN/NOTIFY across nodes.
package presence

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/worktime"
)

// Status is a presence state.
type Status string

const (
	Available   Status = "available"   // 連絡可能
	Busy        Status = "busy"        // 取り込み中
	Unavailable Status = "unavailable" // 応答不可
	Away        Status = "away"        // 退席中
	Offline     Status = "offline"     // オフライン
)

// Statuses in display order.
var Statuses = []Status{Available, Busy, Unavailable, Away, Offline}

// Presence is a person's current state.
type Presence struct {
	StaffID int64
	Status  Status
	Place   string
	Note    string
	// Until is when the status ends (zero: no end time); past it the
	// status reads 連絡可能 while working, オフライン otherwise (Effective).
	// 連絡可能 has none: it is what a status falls back to.
	Until time.Time
	// AutoAway: 退席中 after inactivity in the web UI (the person can
	// switch it off).
	AutoAway  bool
	UpdatedAt time.Time
}

// MaxNote is the longest note or place (characters).
const MaxNote = 100

// Own is one's own presence as shown now (Effective) and, while it has
// an end time, the status it falls back to then: the page switches to it
// when the time passes without a reload.
type Own struct {
	Presence
	Then Status
}

// Effective is the presence as it reads at now — the one rule the board,
// the person's own page and the API all go through. The stored row is
// the last change; today's start and end reports and the end time decide
// what it means now:
//   - not changed since today's end report: オフライン;
//   - not changed since today's start report (or never set) while
//     working: 連絡可能 — the stored オフライン of the last clock-out is over;
//   - past its end time a status is over: 連絡可能 while working, オフライン
//     otherwise, and the note that went with it is gone;
//   - オフライン carries no note and no end time.
//
// day is the person's working day of today (nil: not started today).
func Effective(p Presence, day *worktime.Day, now time.Time) Presence {
	started := day != nil && !day.Start.IsZero()
	ended := started && !day.End.IsZero()
	fallback := Offline
	if started && !ended {
		fallback = Available
	}
	switch {
	case p.Status == "":
		p.Status, p.Note, p.Until = fallback, "", time.Time{}
	case ended && p.UpdatedAt.Before(day.End):
		p.Status, p.Note, p.Until = Offline, "", time.Time{}
	case started && !ended && p.UpdatedAt.Before(day.Start):
		p.Status, p.Note, p.Until = Available, "", time.Time{}
	case !p.Until.IsZero() && !now.Before(p.Until):
		p.Status, p.Note, p.Until = fallback, "", time.Time{}
	}
	if p.Status == Offline {
		p.Note, p.Until = "", time.Time{}
	}
	return p
}

// Update is a change of one's own presence; nil fields keep their value.
type Update struct {
	Status Status
	Place  *string
	Note   *string
	Until  time.Time // zero: none; ignored for 連絡可能 (nothing to end)
	// UntilText is the end time as typed ("15:00" or RFC 3339, ParseUntil),
	// read when Until is zero, so that a bad one is reported with the
	// other fields' errors.
	UntilText string
	AutoAway  *bool
}

// The fields are named as the API's members (status, note, until) with
// the presence's own labels: the staff record's status is 在職区分.
var (
	statusLabel = map[string]any{"LabelKey": "fieldname.presence_status"}
	untilLabel  = map[string]any{"LabelKey": "fieldname.presence_until"}
)

func (u *Update) clean(now time.Time) error {
	var v apperr.Validation
	if !slices.Contains(Statuses, u.Status) {
		v.Add("status", "field.choice", statusLabel)
	}
	for _, f := range []struct {
		name, label string
		p           *string
	}{{"place", "fieldname.place", u.Place}, {"note", "fieldname.presence_note", u.Note}} {
		if f.p != nil {
			*f.p = strings.Join(strings.Fields(*f.p), " ")
			org.OptionalText(&v, f.name, *f.p, MaxNote, false, map[string]any{"LabelKey": f.label})
		}
	}
	if u.Until.IsZero() && u.UntilText != "" {
		t, err := ParseUntil(u.UntilText, now)
		if err != nil {
			v.Add("until", "presence.until_format", untilLabel)
		}
		u.Until = t
	}
	if u.Status == Available {
		// 連絡可能 is what an ended status falls back to: an end time
		// means nothing (the page's form may still carry a past one).
		u.Until = time.Time{}
	}
	// Only a date and time (RFC 3339) can be past or too far: a time
	// alone is the next such moment (ParseUntil).
	switch {
	case u.Until.IsZero():
	case !u.Until.After(now):
		v.Add("until", "presence.until_past", untilLabel)
	case u.Until.After(now.Add(24 * time.Hour)):
		v.Add("until", "presence.until_range", untilLabel)
	}
	return v.Err()
}

// ParseUntil reads the end time of a status as a person or a tool gives
// it: a time in Japan such as "15:00" (取り込み中 until 15:00) — today's,
// or tomorrow's once today's has come (at 16:36, "09:00" is tomorrow
// morning), so a time alone is always within the next 24 hours — or an
// RFC 3339 date and time. Empty is no end time. Whether a date and time
// lies within the next 24 hours is Set's check.
func ParseUntil(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", calendar.DateOf(now).String()+" "+s, calendar.Tokyo); err == nil {
		if !t.After(now) {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	var v apperr.Validation
	v.Add("until", "presence.until_format", untilLabel)
	return time.Time{}, v.Err()
}

// Store is what the service reads and writes (internal/store).
type Store interface {
	// FindPresence returns the current presence of these people (those
	// without a row are missing from the map).
	FindPresence(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64]Presence, error)
	// SavePresence overwrites the person's current presence (the only
	// row; nothing else is kept).
	SavePresence(ctx context.Context, tenantID int64, p Presence) error
	FindStaff(ctx context.Context, tenantID int64, f org.StaffFilter) ([]*org.Staff, int, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
	// FindPlanSharingUnits lists the units that share the day's plans
	// with the team (見える化); their subtrees share too.
	FindPlanSharingUnits(ctx context.Context, tenantID int64) ([]int64, error)
	// InPresenceTx runs one audited change (the plan sharing, a person's
	// choice of automatic 退席中) in a transaction. The presence itself is
	// never audited (no history).
	InPresenceTx(ctx context.Context, fn func(Tx) error) error
	FindWorktimeDays(ctx context.Context, tenantID int64, staffIDs []int64, from, to calendar.Date) ([]worktime.Day, error)
	// FindAutoAwayOff lists who switched automatic 退席中 off; Tx's
	// SaveAutoAway keeps the choice (a setting beside the presence, which
	// on SQLite is in memory only and would forget it at a restart).
	FindAutoAwayOff(ctx context.Context, tenantID int64, staffIDs []int64) (map[int64]bool, error)
	// FindApplications reads the applications of the people not started
	// yet, for where they plan to work today.
	FindApplications(ctx context.Context, tenantID int64, f apply.Filter) ([]*apply.Application, error)
}

// Hub carries "this person's presence changed" to the open boards, on
// this node and (PostgreSQL) the others.
type Hub interface {
	Publish(ctx context.Context, tenantID, staffID int64)
	// Subscribe returns a channel of the staff ids changing in the tenant
	// and a function that ends the subscription.
	Subscribe(tenantID int64) (<-chan int64, func())
}

// Service sets one's presence and reads the board.
type Service struct {
	st  Store
	hub Hub
	now func() time.Time
}

// NewService returns the service; hub nil means an in-process hub.
func NewService(st Store, hub Hub, now func() time.Time) *Service {
	if hub == nil {
		hub = NewLocalHub()
	}
	return &Service{st: st, hub: hub, now: now}
}

// Now is the service's clock (the board's and the page's "ends in").
func (s *Service) Now() time.Time { return s.now() }

// Hub is the service's hub (the board's event stream subscribes to it).
func (s *Service) Hub() Hub { return s.hub }

// Set changes the signed-in person's own presence. The fields the
// update leaves out keep their value as shown now (Effective): a note
// whose status has ended does not come back with the next change.
func (s *Service) Set(ctx context.Context, tenantID int64, who *auth.Principal, u Update) (*Presence, error) {
	if who == nil || who.StaffID == 0 || who.ReadOnly {
		return nil, apperr.Forbid()
	}
	now := s.now()
	if err := u.clean(now); err != nil {
		return nil, err
	}
	p, _, err := s.current(ctx, tenantID, who.StaffID, now)
	if err != nil {
		return nil, err
	}
	p.Status, p.Until, p.UpdatedAt = u.Status, u.Until, now
	if u.Place != nil {
		p.Place = *u.Place
	}
	if u.Note != nil {
		p.Note = *u.Note
	}
	if u.AutoAway != nil && *u.AutoAway != p.AutoAway {
		if err := s.saveAutoAway(ctx, tenantID, who, *u.AutoAway); err != nil {
			return nil, err
		}
		p.AutoAway = *u.AutoAway
	}
	if err := s.st.SavePresence(ctx, tenantID, p); err != nil {
		return nil, err
	}
	s.hub.Publish(ctx, tenantID, who.StaffID)
	return &p, nil
}

// saveAutoAway stores the person's choice of automatic 退席中, a personal
// setting (unlike the presence, which keeps no history): with a
// presence.auto_away entry in the same transaction when the stored choice
// changes.
func (s *Service) saveAutoAway(ctx context.Context, tenantID int64, who *auth.Principal, on bool) error {
	return s.st.InPresenceTx(ctx, func(tx Tx) error {
		changed, err := tx.SaveAutoAway(ctx, tenantID, who.StaffID, on)
		if err != nil || !changed {
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "presence.auto_away", ObjectType: "staff",
			ObjectID: strconv.FormatInt(who.StaffID, 10), Before: map[string]any{"auto_away": !on},
			After: map[string]any{"auto_away": on}})
	})
}

// Mine is the signed-in person's presence as the board shows it now
// (Effective), with the status it falls back to at its end time.
func (s *Service) Mine(ctx context.Context, tenantID int64, who *auth.Principal) (Own, error) {
	if who == nil || who.StaffID == 0 {
		return Own{}, apperr.Forbid()
	}
	p, day, err := s.current(ctx, tenantID, who.StaffID, s.now())
	if err != nil {
		return Own{}, err
	}
	own := Own{Presence: p}
	if !own.Until.IsZero() {
		own.Then = Effective(own.Presence, day, own.Until).Status
	}
	return own, nil
}

// current is the person's presence as it reads now (a new person's
// default when none was ever set), with their working day of today (nil:
// not started).
func (s *Service) current(ctx context.Context, tenantID, staffID int64, now time.Time) (Presence, *worktime.Day, error) {
	cur, err := s.st.FindPresence(ctx, tenantID, []int64{staffID})
	if err != nil {
		return Presence{}, nil, err
	}
	day, err := s.today(ctx, tenantID, staffID, now)
	if err != nil {
		return Presence{}, nil, err
	}
	p, ok := cur[staffID]
	if !ok {
		if p, err = s.fresh(ctx, tenantID, staffID); err != nil {
			return Presence{}, nil, err
		}
	}
	return Effective(p, day, now), day, nil
}

// fresh is the presence of someone without one (never set, or on SQLite
// not since the restart): the defaults, with their choice of automatic
// 退席中 as they left it.
func (s *Service) fresh(ctx context.Context, tenantID, staffID int64) (Presence, error) {
	off, err := s.st.FindAutoAwayOff(ctx, tenantID, []int64{staffID})
	if err != nil {
		return Presence{}, err
	}
	return Presence{StaffID: staffID, AutoAway: !off[staffID]}, nil
}

// today is the person's working day now (nil: not started): today's, or
// yesterday's while still open past midnight (worktime.Current).
func (s *Service) today(ctx context.Context, tenantID, staffID int64, now time.Time) (*worktime.Day, error) {
	d := calendar.DateOf(now)
	days, err := s.st.FindWorktimeDays(ctx, tenantID, []int64{staffID}, d.AddDays(-1), d)
	if err != nil {
		return nil, err
	}
	if day, ok := worktime.Current(days, staffID, now); ok {
		return &day, nil
	}
	return nil, nil
}

// ClockedIn tells the open boards of a start (worktime's hook). Nothing
// is written for a new day: the board shows a person working since after
// their last change as 連絡可能. A day resumed after its end report had
// its オフライン set after the day's start, so Effective would keep it:
// the resumption sets 連絡可能 (it is rare; a morning start writes nothing).
func (s *Service) ClockedIn(ctx context.Context, tenantID, staffID int64, _ string, resumed bool) {
	if resumed {
		s.system(ctx, tenantID, staffID, Available)
		return
	}
	s.hub.Publish(ctx, tenantID, staffID)
}

// ClockedOut sets オフライン at the end of the day (worktime's hook).
func (s *Service) ClockedOut(ctx context.Context, tenantID, staffID int64) {
	s.system(ctx, tenantID, staffID, Offline)
}

func (s *Service) system(ctx context.Context, tenantID, staffID int64, st Status) {
	cur, err := s.st.FindPresence(ctx, tenantID, []int64{staffID})
	if err != nil {
		return
	}
	p, ok := cur[staffID]
	if !ok {
		if p, err = s.fresh(ctx, tenantID, staffID); err != nil {
			return
		}
	}
	p.Status, p.Until, p.UpdatedAt = st, time.Time{}, s.now()
	if st == Offline {
		p.Note = ""
	}
	if s.st.SavePresence(ctx, tenantID, p) == nil {
		s.hub.Publish(ctx, tenantID, staffID)
	}
}

// LocalHub is the in-process hub (SQLite, one node; and the fan-out of
// the PostgreSQL hub on each node).
type LocalHub struct {
	mu   sync.Mutex
	subs map[int64]map[chan int64]struct{}
}

// NewLocalHub returns an empty hub.
func NewLocalHub() *LocalHub { return &LocalHub{subs: map[int64]map[chan int64]struct{}{}} }

// Publish tells this node's subscribers of the tenant; a slow subscriber
// misses the event rather than blocking (its board catches up on the next).
func (h *LocalHub) Publish(_ context.Context, tenantID, staffID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs[tenantID] {
		select {
		case c <- staffID:
		default:
		}
	}
}

// Subscribe registers a subscriber of the tenant.
func (h *LocalHub) Subscribe(tenantID int64) (<-chan int64, func()) {
	c := make(chan int64, 64)
	h.mu.Lock()
	if h.subs[tenantID] == nil {
		h.subs[tenantID] = map[chan int64]struct{}{}
	}
	h.subs[tenantID][c] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return c, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[tenantID], c)
			h.mu.Unlock()
		})
	}
}
