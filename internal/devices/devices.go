// Package devices owns the device and licence pools (issue 14; SPEC §5):
// loan PCs, tablets, LTE dongles, mobile Wi-Fi, 公用携帯, VPN/VDI concurrent
// sessions and remote-access IDs, each with a capacity, reserved from a
// day (linked to the application where there is one) with the same
// guarantee as seats: one conditional counter statement over the days the
// unit is out, reading the capacity in that statement, in the transaction
// that inserts the reservation and its audit entry; a capacity cut lists
// and tells those beyond it. Lending and return go by asset number.
//
// A unit is out for the pool's loan period — from the day reserved to the
// due day — and every day of it counts against the capacity (a PC lent
// for three days cannot be promised to someone else on the second). One
// lent before its day is out from the day it is lent: the lending takes
// the days up to the reserved one in the same way, or is refused naming
// the first day with no unit left. A
// device that is not back by its due day keeps counting, day by day, until
// it is returned (SweepOverdue, with a notice to the person); one that
// comes back early frees the days after its return.
package devices

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
	"telework/internal/places"

	"golang.org/x/text/unicode/norm"
)

// Kind of pool.
type Kind string

// Kinds.
const (
	LoanPC      Kind = "loan_pc"
	Tablet      Kind = "tablet"
	LTEDongle   Kind = "lte_dongle"
	MobileWiFi  Kind = "mobile_wifi"
	MobilePhone Kind = "mobile_phone" // 公用携帯
	VPNSession  Kind = "vpn_session"
	VDISession  Kind = "vdi_session"
	RemoteID    Kind = "remote_id"
)

// Kinds lists every kind.
var Kinds = []Kind{LoanPC, Tablet, LTEDongle, MobileWiFi, MobilePhone, VPNSession, VDISession, RemoteID}

// Pool is a kind of device or licence with a capacity per day.
type Pool struct {
	ID        int64
	Name      string
	Kind      Kind
	Capacity  int
	LoanDays  int // how long a lent device may stay out (due = day + LoanDays - 1)
	Note      string
	Version   int64
	UpdatedAt time.Time
	// Affected is set by SavePool: the reservations beyond a reduced
	// capacity (kept, their people notified). Not stored.
	Affected []*Reservation
	// AffectedCredentials, likewise: the one-time remote-access IDs
	// issued from a remote-ID pool beyond its reduced capacity (they stay
	// valid; their holders are notified).
	AffectedCredentials []*Credential
}

// Validate checks a pool.
func (p *Pool) Validate() error {
	var v apperr.Validation
	org.RequiredText(&v, "name", p.Name, MaxPoolName, false, poolNameLabel())
	org.OptionalText(&v, "note", p.Note, places.MaxNote, true, places.NoteLabel)
	if !slices.Contains(Kinds, p.Kind) {
		v.Add("kind", "devices.error.kind", nil)
	}
	if p.Capacity < 0 || p.Capacity > MaxCapacity {
		v.Add("capacity", "field.range", map[string]any{"Min": 0, "Max": MaxCapacity})
	}
	switch {
	case p.LoanDays == 0: // not given: a licence or session is for the day
		p.LoanDays = 1
	case p.LoanDays < 0 || p.LoanDays > MaxLoanDays:
		v.Add("loan_days", "field.range", map[string]any{"Min": 1, "Max": MaxLoanDays})
	}
	return v.Err()
}

// MaxPoolName and MaxCapacity bound a pool's name (characters) and its
// capacity.
const (
	MaxPoolName = 100
	MaxCapacity = 1000000
)

// MaxAssetNo bounds an asset number (characters).
const MaxAssetNo = 64

// MaxLoanDays bounds a pool's loan period.
const MaxLoanDays = 366

// AuditView is what the audit log shows of a pool.
func (p *Pool) AuditView() map[string]any {
	return map[string]any{"name": p.Name, "kind": p.Kind, "capacity": p.Capacity, "loan_days": p.LoanDays}
}

// Status of a reservation.
type Status string

// Statuses.
const (
	Reserved  Status = "reserved"
	Lent      Status = "lent"
	Returned  Status = "returned"
	Cancelled Status = "cancelled"
)

// Reservation is one unit of a pool for a day.
type Reservation struct {
	ID            int64
	PoolID        int64
	PoolName      string
	StaffID       int64
	StaffName     string
	Day           calendar.Date
	ApplicationID int64
	Status        Status
	AssetNo       string
	DueDay        calendar.Date
	HeldTo        calendar.Date // the last day the unit counts as out (before HeldFrom: none)
	LentAt        time.Time
	ReturnedAt    time.Time
	BookedBy      int64
	CreatedAt     time.Time
}

// AuditView is what the audit log shows of a reservation.
func (r *Reservation) AuditView() map[string]any {
	return map[string]any{"pool_id": r.PoolID, "staff_id": r.StaffID, "day": r.Day.String(), "application_id": r.ApplicationID,
		"status": r.Status, "asset_no": r.AssetNo, "held_from": r.HeldFrom().String(), "held_to": r.HeldTo.String()}
}

// HeldFrom is the first day the unit counts as out: the day reserved, or
// the day it was lent when that was earlier (Lend took the days between).
func (r *Reservation) HeldFrom() calendar.Date {
	if !r.LentAt.IsZero() {
		if lent := calendar.DateOf(r.LentAt); lent.Before(r.Day) {
			return lent
		}
	}
	return r.Day
}

// Holds reports whether the reservation's unit is out on day.
func (r *Reservation) Holds(day calendar.Date) bool {
	return r.Status != Cancelled && !day.Before(r.HeldFrom()) && !day.After(r.HeldTo)
}

// Filter selects reservations.
type Filter struct {
	PoolID           int64
	StaffID          int64
	From, To         calendar.Date
	IncludeCancelled bool
	Overdue          calendar.Date // when set: lent and due before this day
	HeldFrom         calendar.Date // when set: holding a unit on this day or later
	OutBefore        calendar.Date // when set: lent and held only up to before this day
	AssetNo          string
	// Limit, After and Total page a list (the order is day, id): at most
	// Limit reservations (0: the store's cap), those after After (a keyset
	// page), and Total, when not nil, receives how many match without Limit
	// and After.
	Limit int
	After *Reservation
	Total *int
}

// Reader is what the pools read.
type Reader interface {
	places.ApplicationReader
	FindDevicePools(ctx context.Context, tenantID int64) ([]*Pool, error)
	FindDevicePool(ctx context.Context, tenantID, id int64) (*Pool, error)
	FindDeviceReservations(ctx context.Context, tenantID int64, f Filter) ([]*Reservation, error)
	FindDeviceReservation(ctx context.Context, tenantID, id int64) (*Reservation, error)
	places.StaffReader
}

// Store is the pools' storage.
type Store interface {
	Reader
	InDevicesTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one action writes with its audit entry.
type Tx interface {
	Reader
	InsertDevicePool(ctx context.Context, tenantID int64, p *Pool, at time.Time) error
	UpdateDevicePoolRow(ctx context.Context, tenantID int64, p *Pool, at time.Time) error
	// TakeDeviceSlots raises the pool's counter of each day from first to
	// last by one if every one stays within the capacity, read in the same
	// statement, and reports whether all did (one conditional statement).
	TakeDeviceSlots(ctx context.Context, tenantID, poolID int64, first, last calendar.Date) (bool, error)
	// HoldDeviceSlots raises them whatever the capacity (a device not back).
	HoldDeviceSlots(ctx context.Context, tenantID, poolID int64, first, last calendar.Date) error
	ReleaseDeviceSlots(ctx context.Context, tenantID, poolID int64, first, last calendar.Date) error
	// ExtendDeviceHold moves a lent reservation's last held day from from
	// to to, if it is still lent and held up to from; it reports whether.
	ExtendDeviceHold(ctx context.Context, tenantID, id int64, from, to calendar.Date) (bool, error)
	InsertDeviceReservation(ctx context.Context, tenantID int64, r *Reservation, at time.Time) error
	// SetDeviceReservationStatus moves a reservation from one of from,
	// held up to heldWas (as it was read: the overdue sweep may have
	// carried it on meanwhile), to r's (with asset number, held days and
	// times) and reports whether it did.
	SetDeviceReservationStatus(ctx context.Context, tenantID int64, r *Reservation, from []Status, heldWas calendar.Date, at time.Time) (bool, error)
	InsertNotifications(ctx context.Context, tenantID int64, ns []notify.Notification) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the pools' workflows.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// Pools lists the pools.
func (s *Service) Pools(ctx context.Context, tenantID int64) ([]*Pool, error) {
	return s.st.FindDevicePools(ctx, tenantID)
}

// Pool is one pool.
func (s *Service) Pool(ctx context.Context, tenantID, id int64) (*Pool, error) {
	return s.st.FindDevicePool(ctx, tenantID, id)
}

func (s *Service) audit(ctx context.Context, tx Tx, tenantID int64, who *auth.Principal, action, typ string, id int64, before, after any) error {
	return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "devices." + action, ObjectType: typ,
		ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
}

// CapacityReduced is the notification to a person whose reservation is
// beyond a pool's reduced capacity.
const CapacityReduced = notify.DeviceCapacityReduced

// SavePool creates (ID 0) or changes a pool (IT admin). Lowering the
// capacity below what is reserved from today on removes no reservation:
// p.Affected lists those beyond the new capacity (the latest of each day)
// and their people are notified, in the same transaction.
func (s *Service) SavePool(ctx context.Context, tenantID int64, who *auth.Principal, p *Pool) error {
	if !who.Has(auth.ITAdmin) {
		return apperr.Forbid()
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return s.personalTx(ctx, func(tx Tx, ps PersonalStore) error {
		if p.ID == 0 {
			if err := tx.InsertDevicePool(ctx, tenantID, p, s.now()); err != nil {
				return taken(err)
			}
			return s.audit(ctx, tx, tenantID, who, "pool_create", "device_pool", p.ID, nil, p.AuditView())
		}
		before, err := tx.FindDevicePool(ctx, tenantID, p.ID)
		if err != nil {
			return err
		}
		// The pool's row first: a reservation in flight holds it shared
		// (the counter reads the capacity with it), so the reservations
		// read next include every one made under the old capacity.
		if err := tx.UpdateDevicePoolRow(ctx, tenantID, p, s.now()); err != nil {
			return taken(err)
		}
		p.Affected, p.AffectedCredentials = nil, nil
		if p.Capacity < before.Capacity {
			today := calendar.DateOf(s.now())
			live, err := tx.FindDeviceReservations(ctx, tenantID, Filter{PoolID: p.ID, HeldFrom: today})
			if err != nil {
				return err
			}
			p.Affected = Overflow(live, p.Capacity, today)
			// A remote-ID pool's units are held by the IDs issued for the
			// day (Reserve refuses such pools), not by reservations.
			issued, err := ps.FindRemoteCredentialsHeld(ctx, tenantID, p.ID, today)
			if err != nil {
				return err
			}
			p.AffectedCredentials = CredentialsBeyond(issued, p.Capacity)
		}
		after := p.AuditView()
		if err := places.TellBeyond(ctx, tx, tenantID, p.Affected, func(r *Reservation) notify.Notification {
			return notify.New(r.StaffID, CapacityReduced, r.ApplicationID, map[string]any{"Pool": p.Name, "Date": r.Day.String()})
		}, func(r *Reservation) int64 { return r.ID }, after, "over_capacity_reservations"); err != nil {
			return err
		}
		if err := places.TellBeyond(ctx, tx, tenantID, p.AffectedCredentials, func(c *Credential) notify.Notification {
			return notify.New(c.StaffID, CapacityReduced, 0, map[string]any{"Pool": p.Name, "Date": c.Day.String(), "Credential": true})
		}, func(c *Credential) int64 { return c.ID }, after, "over_capacity_credentials"); err != nil {
			return err
		}
		return s.audit(ctx, tx, tenantID, who, "pool_update", "device_pool", p.ID, before.AuditView(), after)
	})
}

// CredentialsBeyond lists, for each day, the remote-access IDs issued
// beyond capacity: the latest issued (the earliest keep their unit).
func CredentialsBeyond(issued []*Credential, capacity int) []*Credential {
	return places.Beyond(issued, func(c *Credential) places.Held {
		return places.Held{Groups: []string{c.Day.String()}, CreatedAt: c.IssuedAt, ID: c.ID}
	}, func(string) int { return capacity })
}

// Overflow lists, for each day from from on whose units out exceed the
// capacity, the latest reservations beyond it (the earliest keep their
// unit). A unit counts on every day it is out. Returned devices count no
// more: only reserved and lent ones do.
func Overflow(list []*Reservation, capacity int, from calendar.Date) []*Reservation {
	live := slices.DeleteFunc(slices.Clone(list), func(r *Reservation) bool { return r.Status != Reserved && r.Status != Lent })
	return places.Beyond(live, func(r *Reservation) places.Held {
		var days []string
		first := r.HeldFrom()
		if first.Before(from) {
			first = from
		}
		for d := first; !d.After(r.HeldTo); d = d.AddDays(1) {
			days = append(days, d.String())
		}
		return places.Held{Groups: days, CreatedAt: r.CreatedAt, ID: r.ID}
	}, func(string) int { return capacity })
}

// poolNameLabel names a pool's "name" 名称 in messages (the product-wide
// label of "name" is a person's 氏名).
func poolNameLabel() map[string]any { return map[string]any{"LabelKey": "devices.field_name"} }

func taken(err error) error {
	if apperr.IsDuplicate(err) {
		var v apperr.Validation
		v.Add("name", "field.taken", poolNameLabel())
		return v.Err()
	}
	return err
}

// Request is a reservation asked for.
type Request struct {
	PoolID        int64
	Day           calendar.Date
	StaffID       int64 // 0: the caller
	ApplicationID int64
}

// Reserve takes one unit of a pool for a day: a conflict when none is left.
func (s *Service) Reserve(ctx context.Context, tenantID int64, who *auth.Principal, req Request) (*Reservation, error) {
	var v apperr.Validation
	if req.Day.IsZero() {
		v.Add("date", "field.required", nil)
	}
	if req.PoolID <= 0 {
		v.Add("pool_id", "field.required", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	target, err := places.ActingFor(ctx, s.st, tenantID, who, req.StaffID)
	if err != nil {
		return nil, err
	}
	staffID := target.ID
	now := s.now()
	if req.Day.Before(calendar.DateOf(now)) {
		return nil, apperr.At(apperr.Invalid, "date", "devices.refused.past", nil)
	}
	r := &Reservation{PoolID: req.PoolID, StaffID: staffID, StaffName: target.Name, Day: req.Day, ApplicationID: req.ApplicationID,
		Status: Reserved, BookedBy: who.UserID, CreatedAt: now}
	err = s.st.InDevicesTx(ctx, func(tx Tx) error {
		p, err := tx.FindDevicePool(ctx, tenantID, req.PoolID)
		if err != nil {
			return err
		}
		if p.Kind == RemoteID {
			// A one-time ID is issued on the day (IssueCredential), which
			// takes its unit; a reservation beside it would count twice.
			var v apperr.Validation
			v.Add("pool_id", "devices.refused.remote_id", nil)
			return v.Err()
		}
		if err := places.CheckApplication(ctx, tx, tenantID, req.ApplicationID, staffID, req.Day); err != nil {
			return err
		}
		r.PoolName = p.Name
		r.DueDay = req.Day.AddDays(p.LoanDays - 1)
		r.HeldTo = r.DueDay
		// One unit per person at a time: a second reservation of the pool
		// overlapping the loan period of one not yet back is refused.
		mine, err := tx.FindDeviceReservations(ctx, tenantID, Filter{PoolID: p.ID, StaffID: staffID, HeldFrom: req.Day})
		if err != nil {
			return err
		}
		for _, x := range mine {
			if (x.Status == Reserved || x.Status == Lent) && !x.HeldFrom().After(r.HeldTo) {
				return apperr.At(apperr.Conflict, "date", "devices.refused.overlap",
					map[string]any{"Pool": p.Name, "From": x.HeldFrom().String(), "To": x.HeldTo.String()})
			}
		}
		behalf, err := places.ForSomeoneElse(ctx, tx, tenantID, who, target.ID, notify.BookedForYou, places.ObjectReservation, p.Name, req.Day, "", req.ApplicationID)
		if err != nil {
			return err
		}
		ok, err := tx.TakeDeviceSlots(ctx, tenantID, p.ID, r.Day, r.HeldTo)
		if err != nil {
			return err
		}
		if !ok {
			if r.HeldTo == r.Day {
				return apperr.At(apperr.Conflict, "date", "devices.full", map[string]any{"Pool": p.Name, "Date": req.Day.String()})
			}
			return apperr.At(apperr.Conflict, "date", "devices.full_period",
				map[string]any{"Pool": p.Name, "Date": req.Day.String(), "Due": r.DueDay.String(), "Days": p.LoanDays})
		}
		if err := tx.InsertDeviceReservation(ctx, tenantID, r, now); err != nil {
			if apperr.IsDuplicate(err) {
				return apperr.At(apperr.Conflict, "date", "devices.refused.twice", nil)
			}
			return err
		}
		after := r.AuditView()
		maps.Copy(after, behalf)
		return s.audit(ctx, tx, tenantID, who, "reserve", "device_reservation", r.ID, nil, after)
	})
	if err != nil {
		return nil, err
	}
	if err := places.StillLinked(ctx, s.st, tenantID, r.ApplicationID, r.StaffID, r.Day, r.ID, s.Cancel); err != nil {
		return nil, err
	}
	return r, nil
}

// Reservation is one the caller may see (NotFound otherwise).
func (s *Service) Reservation(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*Reservation, error) {
	r, err := s.st.FindDeviceReservation(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if who.StaffID == r.StaffID || places.Manages(who) || (r.BookedBy != 0 && r.BookedBy == who.UserID) {
		return r, nil
	}
	if who.Has(auth.Supervisor) {
		st, err := s.st.FindStaffByID(ctx, tenantID, r.StaffID)
		if err != nil {
			return nil, err
		}
		if ok, err := places.MayActFor(ctx, s.st, tenantID, who, st); err != nil || ok {
			return r, err
		}
	}
	return nil, apperr.NotFoundErr("device_reservation")
}

// Cancel cancels a reservation not yet lent; its unit is free at once
// for every day of its loan period.
func (s *Service) Cancel(ctx context.Context, tenantID int64, who *auth.Principal, id int64) error {
	r, err := s.Reservation(ctx, tenantID, who, id)
	if err != nil {
		return err
	}
	return s.st.InDevicesTx(ctx, func(tx Tx) error {
		before := r.AuditView()
		r.Status = Cancelled
		ok, err := tx.SetDeviceReservationStatus(ctx, tenantID, r, []Status{Reserved}, r.HeldTo, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.Conflict, notReservedKey(before["status"]))
		}
		if err := tx.ReleaseDeviceSlots(ctx, tenantID, r.PoolID, r.Day, r.HeldTo); err != nil {
			return err
		}
		after := r.AuditView()
		behalf, err := places.ForSomeoneElse(ctx, tx, tenantID, who, r.StaffID, notify.CancelledForYou, places.ObjectReservation, r.PoolName, r.Day, "", r.ApplicationID)
		if err != nil {
			return err
		}
		maps.Copy(after, behalf)
		return s.audit(ctx, tx, tenantID, who, "cancel", "device_reservation", id, before, after)
	})
}

// notReservedKey names why a reservation cannot be cancelled, from the
// state it was read in (a lent device is returned, not cancelled).
func notReservedKey(status any) string {
	switch status {
	case Lent:
		return "devices.error.cancel_lent"
	case Returned:
		return "devices.error.cancel_returned"
	}
	return "devices.error.not_reserved"
}

// Lend hands out the device with assetNo for a reservation (IT admin). An
// asset number that is out on another loan is refused: it has to come
// back first. Lent before the reserved day, the unit is out from today:
// the days up to the reserved one are taken in the same transaction, each
// within the capacity (a conflict naming the first day with none left),
// and the reservation holds from today (HeldFrom). A reservation whose
// period has ended is not lent (its days were given back to nobody and may
// be promised again): it is refused, to be reserved anew.
func (s *Service) Lend(ctx context.Context, tenantID int64, who *auth.Principal, id int64, assetNo string) (*Reservation, error) {
	return s.move(ctx, tenantID, who, id, AssetKey(assetNo), Lent, []Status{Reserved})
}

// AssetKey is the form an asset number is stored and compared in, so that
// one label typed or scanned differently is one device: NFKC (全角
// 「ＰＣ－００１２」 is PC-0012), the dash look-alikes as "-", no spaces,
// ASCII upper case. Otherwise one PC could be out to several people at
// once (「pc-12」 and 「PC-12」).
func AssetKey(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(0)
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= '\u2010' && r <= '\u2015', r == '\u2212', r == '\u2043', r == '\uFE58', r == '\uFE63',
			r == 'ー' && prev < utf8.RuneSelf && (unicode.IsLetter(prev) || unicode.IsDigit(prev)):
			// ー after a letter or digit of the label is the hyphen key
			// typed through a Japanese IME (「ＬＴＥー００２」); after kana
			// it is the long vowel of a name (ルーター) and stays.
			b.WriteByte('-')
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// Return records the device back (IT admin). Days of its loan period
// after today are free again; an overdue device stops counting.
func (s *Service) Return(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*Reservation, error) {
	return s.move(ctx, tenantID, who, id, "", Returned, []Status{Lent})
}

func (s *Service) move(ctx context.Context, tenantID int64, who *auth.Principal, id int64, assetNo string, to Status, from []Status) (*Reservation, error) {
	if !who.Has(auth.ITAdmin) {
		return nil, apperr.Forbid()
	}
	if to == Lent {
		var v apperr.Validation
		org.RequiredText(&v, "asset_no", assetNo, MaxAssetNo, false, nil)
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	var r *Reservation
	err := s.st.InDevicesTx(ctx, func(tx Tx) error {
		var err error
		if r, err = tx.FindDeviceReservation(ctx, tenantID, id); err != nil {
			return err
		}
		before, heldWas, was := r.AuditView(), r.HeldTo, r.Status
		r.Status = to
		now := s.now()
		today := calendar.DateOf(now)
		freeFrom, freeTo := calendar.Date{}, r.HeldTo
		if to == Lent {
			if was == Reserved && r.HeldTo.Before(today) {
				return lentTooLate(r)
			}
			r.AssetNo, r.LentAt = assetNo, now
		} else {
			r.ReturnedAt = now
			// Out until today (when it started today or before): the
			// days after are free again.
			freeFrom = today.AddDays(1)
			if freeFrom.Before(r.HeldFrom()) {
				freeFrom = r.HeldFrom()
			}
			r.HeldTo = freeFrom.AddDays(-1)
		}
		ok, err := tx.SetDeviceReservationStatus(ctx, tenantID, r, from, heldWas, now)
		if apperr.IsDuplicate(err) {
			return &apperr.Error{Code: apperr.Conflict, Key: "devices.refused.asset_out", Args: map[string]any{"Asset": assetNo}}
		}
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.Conflict, "devices.error.state")
		}
		if to == Lent {
			// Early: the days from today to the reserved one, one
			// conditional statement each in day order (as a reservation
			// takes its days), so the first without a unit can be named.
			for d := today; d.Before(r.Day); d = d.AddDays(1) {
				ok, err := tx.TakeDeviceSlots(ctx, tenantID, r.PoolID, d, d)
				if err != nil {
					return err
				}
				if !ok {
					args := places.DayArgs(d)
					args["Pool"] = r.PoolName
					return &apperr.Error{Code: apperr.Conflict, Key: "devices.refused.lend_early_full", Args: args}
				}
			}
		}
		if !freeFrom.IsZero() && !freeFrom.After(freeTo) {
			if err := tx.ReleaseDeviceSlots(ctx, tenantID, r.PoolID, freeFrom, freeTo); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, tenantID, who, string(to), "device_reservation", id, before, r.AuditView())
	})
	return r, err
}

// lentTooLate refuses lending a reservation whose period has ended: its
// days are past, and lending it would hold a unit from today that nothing
// took.
func lentTooLate(r *Reservation) error {
	from, to := places.DayArgs(r.Day), places.DayArgs(r.HeldTo)
	return &apperr.Error{Code: apperr.Conflict, Key: "devices.refused.lend_after",
		Args: map[string]any{"Pool": r.PoolName, "From": from["DayJA"], "To": to["DayJA"], "FromEN": from["DayEN"], "ToEN": to["DayEN"]}}
}

// Reservations lists reservations: the caller's own by default; a pool's
// (every person) or the overdue list for IT and HR.
func (s *Service) Reservations(ctx context.Context, tenantID int64, who *auth.Principal, f Filter) ([]*Reservation, error) {
	switch {
	case f.StaffID == 0 && (f.PoolID != 0 || !f.Overdue.IsZero()) && places.Manages(who):
	case f.StaffID == 0:
		if who.StaffID == 0 {
			return []*Reservation{}, nil
		}
		f.StaffID = who.StaffID
	case f.StaffID == who.StaffID || places.Manages(who):
	default:
		st, err := s.st.FindStaffByID(ctx, tenantID, f.StaffID)
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.Forbid()
		}
		if err != nil {
			return nil, err
		}
		ok, err := places.MayActFor(ctx, s.st, tenantID, who, st)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Forbid()
		}
	}
	return s.st.FindDeviceReservations(ctx, tenantID, f)
}

// Overdue lists devices lent and not returned after their due day (IT,
// HR); pg's Limit, After and Total page the list.
func (s *Service) Overdue(ctx context.Context, tenantID int64, who *auth.Principal, pg Filter) ([]*Reservation, error) {
	return s.Reservations(ctx, tenantID, who, Filter{Overdue: calendar.DateOf(s.now()), Limit: pg.Limit, After: pg.After, Total: pg.Total})
}

// Capacities are the pools as the forecast and the reports rate them.
func Capacities(pools []*Pool) []places.Capacity {
	out := make([]places.Capacity, len(pools))
	for i, p := range pools {
		out[i] = places.Capacity{Type: "pool", ID: p.ID, Name: p.Name, Kind: string(p.Kind), Capacity: p.Capacity}
	}
	return out
}
