package places

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/org"
)

// Filter selects bookings. Zero fields do not filter.
type Filter struct {
	OfficeID         int64
	StaffID          int64
	From, To         calendar.Date
	IncludeCancelled bool
	// Limit, After and Total page a list (the order is day, half, id): at
	// most Limit bookings (0: the store's cap), those after After (a keyset
	// page: nothing skipped or repeated when bookings come or go between
	// pages), and Total, when not nil, receives how many match without
	// Limit and After.
	Limit int
	After *Booking
	Total *int
}

// Reader is what booking reads.
type Reader interface {
	FindOffices(ctx context.Context, tenantID int64) ([]*Office, error)
	FindOffice(ctx context.Context, tenantID, id int64) (*Office, error)
	// FindOfficeCached is FindOffice, possibly as an earlier read kept in
	// memory (BookSeat checks its version).
	FindOfficeCached(ctx context.Context, tenantID, id int64) (*Office, error)
	FindBookings(ctx context.Context, tenantID int64, f Filter) ([]*Booking, error)
	FindBooking(ctx context.Context, tenantID, id int64) (*Booking, error)
	StaffReader
	ApplicationReader
	IsOfficeRegistered(ctx context.Context, tenantID, officeID, staffID int64) (bool, error)
	// FindOfficeRegistrations lists the people registered with an office,
	// by staff number.
	FindOfficeRegistrations(ctx context.Context, tenantID, officeID int64) ([]Registration, error)
}

// Registration is a person who completed an office's pre-registration.
type Registration struct {
	StaffID      int64
	StaffNo      string
	StaffName    string
	RegisteredAt time.Time
}

// Store is the places' storage.
type Store interface {
	// LoadCalendar reads the tenant's business calendar (the holidays an
	// office may close on).
	LoadCalendar(ctx context.Context, tenantID int64, fromYear, toYear int) (*calendar.Calendar, error)
	Reader
	InPlacesTx(ctx context.Context, fn func(Tx) error) error
	// BookSeat writes booking b (and sets its id) in a transaction of its
	// own: the booking and its half-day rows, notes, the audit entry change
	// (its ObjectID the new booking's id), and the counters of each of
	// resources for each of b's halves, each raised only if it stays within
	// the office's capacity read in the same transaction (as TakePlaceSlots).
	// When one would not, nothing is written and full names its resource. A
	// second seat for a half the person holds is a duplicate.
	// The office must still be at officeVersion (ErrOfficeChanged).
	BookSeat(ctx context.Context, tenantID int64, b *Booking, officeVersion int64, resources []Resource, notes []notify.Notification,
		actor audit.Actor, change audit.Change) (full Resource, err error)
}

// Tx is what one action writes, with its audit entry and notifications.
type Tx interface {
	Reader
	// InsertOffice writes the office's place row and its details.
	InsertOffice(ctx context.Context, tenantID int64, o *Office, at time.Time) error
	// UpdateOfficeRow writes o if its version is still o.Version (stale
	// conflict otherwise) and advances the version.
	UpdateOfficeRow(ctx context.Context, tenantID int64, o *Office, at time.Time) error
	RegisterOfficeStaff(ctx context.Context, tenantID, officeID, staffID int64, at time.Time) error
	// TakePlaceSlots raises the counters of (office, day, half, resource)
	// of each half by one if every one stays within the office's capacity,
	// read in the same statement, and reports whether all did (if not, the
	// caller fails the transaction): concurrent callers, and a concurrent
	// capacity change, never let one pass the cap. Halves in day order.
	TakePlaceSlots(ctx context.Context, tenantID, officeID int64, day calendar.Date, halves []Half, r Resource) (bool, error)
	ReleasePlaceSlot(ctx context.Context, tenantID, officeID int64, day calendar.Date, h Half, r Resource) error
	// InsertBooking writes b and its half-day rows (a duplicate: the person
	// already holds a seat for that half).
	InsertBooking(ctx context.Context, tenantID int64, b *Booking, at time.Time) error
	// CancelBookingRow marks a booked booking cancelled and frees its
	// half-day rows if it is not checked in and its day is not before
	// today; false otherwise.
	CancelBookingRow(ctx context.Context, tenantID, id int64, today calendar.Date, at time.Time) (bool, error)
	// CheckInBookingRow records the arrival of a booked booking not yet
	// checked in; false when it is cancelled or checked in already.
	CheckInBookingRow(ctx context.Context, tenantID, id int64, at time.Time) (bool, error)
	InsertNotifications(ctx context.Context, tenantID int64, ns []notify.Notification) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the offices' and bookings' workflows.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st.
func NewService(st Store, now func() time.Time) *Service { return &Service{st: st, now: now} }

// CapacityReduced is the notification to a person whose booking is beyond
// an office's reduced capacity.
const CapacityReduced = notify.PlaceCapacityReduced

// Manages reports whether who may manage offices (IT admin, HR).
func Manages(who *auth.Principal) bool { return who.Has(auth.ITAdmin) || who.Has(auth.HRAdmin) }

// StaffReader reads the people and units that decide who may act for whom.
type StaffReader interface {
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
	FindUnits(ctx context.Context, tenantID int64) ([]*org.Unit, error)
}

// MayActFor reports whether who may book or cancel for target: the person,
// HR or IT, or a supervisor of the person (the person's unit is below the
// supervisor's, or the same unit when the person heads nothing there).
func MayActFor(ctx context.Context, st StaffReader, tenantID int64, who *auth.Principal, target *org.Staff) (bool, error) {
	switch {
	case who == nil || target == nil:
		return false, nil
	case who.StaffID != 0 && who.StaffID == target.ID:
		return true, nil
	case Manages(who):
		return true, nil
	case !who.Has(auth.Supervisor) || who.UnitID == 0:
		return false, nil
	case who.UnitID == target.UnitID:
		// In the supervisor's own unit, for the members who head nothing:
		// another supervisor there is a peer or their superior.
		return !target.IsSupervisor, nil
	}
	units, err := st.FindUnits(ctx, tenantID)
	if err != nil {
		return false, err
	}
	return org.NewTree(units).IsWithin(target.UnitID, who.UnitID), nil
}

// ActingFor resolves the person an action is for (staffID 0: the caller)
// and checks that who may act for them (MayActFor): anyone else is refused
// with places.refused.on_behalf.
func ActingFor(ctx context.Context, st StaffReader, tenantID int64, who *auth.Principal, staffID int64) (*org.Staff, error) {
	if staffID == 0 {
		staffID = who.StaffID
	}
	if staffID == 0 {
		return nil, apperr.Forbid()
	}
	if own, ok := org.OwnRecord(who, tenantID, staffID); ok {
		return own, nil
	}
	target, err := st.FindStaffByID(ctx, tenantID, staffID)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			var v apperr.Validation
			v.Add("staff_id", "places.error.staff", nil)
			return nil, v.Err()
		}
		return nil, err
	}
	ok, err := MayActFor(ctx, st, tenantID, who, target)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &apperr.Error{Code: apperr.Forbidden, Key: "places.refused.on_behalf"}
	}
	return target, nil
}

// BehalfTx is what ForSomeoneElse reads and writes.
type BehalfTx interface {
	Notifier
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
}

// What a booking-for-someone notification is about (its "Object" arg), so
// that opening it leads to the seat bookings or the device reservations.
const (
	ObjectBooking     = "booking"
	ObjectReservation = "device_reservation"
)

// ForSomeoneElse, for an action by who for the person targetID (a booking
// or reservation made, kind notify.BookedForYou, or cancelled,
// notify.CancelledForYou), tells the person in tx (object: ObjectBooking or
// ObjectReservation; what: the office or device, as text) and returns the
// marks the audit entry's after view carries: that it was done on someone's
// behalf and by whom. Nothing when people act for themselves.
func ForSomeoneElse(ctx context.Context, tx BehalfTx, tenantID int64, who *auth.Principal, targetID int64, kind notify.Kind,
	object, what string, day calendar.Date, half Half, applicationID int64) (map[string]any, error) {
	marks, notes, err := OnBehalf(ctx, tx, tenantID, who, targetID, kind, object, what, day, half, applicationID)
	if err != nil || len(notes) == 0 {
		return marks, err
	}
	return marks, tx.InsertNotifications(ctx, tenantID, notes)
}

// OnBehalf is ForSomeoneElse without the writing: the audit marks and the
// notification to write with the action (none when people act for
// themselves).
func OnBehalf(ctx context.Context, st interface {
	FindStaffByID(ctx context.Context, tenantID, id int64) (*org.Staff, error)
}, tenantID int64, who *auth.Principal, targetID int64, kind notify.Kind,
	object, what string, day calendar.Date, half Half, applicationID int64) (map[string]any, []notify.Notification, error) {
	if who.StaffID != 0 && who.StaffID == targetID {
		return nil, nil, nil
	}
	by := who.LoginID
	if who.StaffID != 0 {
		me, err := st.FindStaffByID(ctx, tenantID, who.StaffID)
		if err != nil {
			return nil, nil, err
		}
		by = me.Name
	}
	args := map[string]any{"By": by, "What": what, "Date": day.String(), "Object": object}
	if half != "" {
		args["Half"] = string(half) // a seat's half-day (a review: the person could not tell 午後 from 終日)
	}
	n := notify.New(targetID, kind, applicationID, args)
	return map[string]any{"on_behalf": true, "acted_by_user": who.UserID, "acted_by_staff": who.StaffID}, []notify.Notification{n}, nil
}

// Offices lists the offices (every place of the task inventory is one).
func (s *Service) Offices(ctx context.Context, tenantID int64) ([]*Office, error) {
	return s.st.FindOffices(ctx, tenantID)
}

// NextOpenDay is the first day from from on, within two weeks, that
// office o is open (its closed weekdays, dates and — when it closes on
// them — the tenant's holidays); from itself when none is.
func (s *Service) NextOpenDay(ctx context.Context, tenantID int64, o *Office, from calendar.Date) (calendar.Date, error) {
	c := *o
	if err := s.withHolidays(ctx, tenantID, &c); err != nil {
		return from, err
	}
	for d := from; d.Before(from.AddDays(14)); d = d.AddDays(1) {
		if !c.ClosedOn(d) {
			return d, nil
		}
	}
	return from, nil
}

// Office is one office.
func (s *Service) Office(ctx context.Context, tenantID, id int64) (*Office, error) {
	return s.st.FindOffice(ctx, tenantID, id)
}

func nameTaken(err error) error {
	if apperr.IsDuplicate(err) {
		var v apperr.Validation
		v.Add("name", "field.taken", officeLabel("name"))
		return v.Err()
	}
	return err
}

// CreateOffice registers an office (IT admin, HR).
func (s *Service) CreateOffice(ctx context.Context, tenantID int64, who *auth.Principal, o *Office) error {
	if !Manages(who) {
		return apperr.Forbid()
	}
	if err := o.Validate(); err != nil {
		return err
	}
	return s.st.InPlacesTx(ctx, func(tx Tx) error {
		if err := tx.InsertOffice(ctx, tenantID, o, s.now()); err != nil {
			return nameTaken(err)
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "places.office_create", ObjectType: "office",
			ObjectID: strconv.FormatInt(o.ID, 10), After: o.AuditView()})
	})
}

// UpdateOffice saves o (its Version is the one the caller read). When the
// seats or PCs fall below what is booked from today on, no booking is
// removed: the bookings beyond the new capacity are returned and their
// people notified, in the same transaction.
func (s *Service) UpdateOffice(ctx context.Context, tenantID int64, who *auth.Principal, o *Office) ([]*Booking, error) {
	if !Manages(who) {
		return nil, apperr.Forbid()
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	// Before the transaction (SQLite: no read on another connection while
	// it holds the writer): the holidays the office now closes on.
	if err := s.withHolidays(ctx, tenantID, o); err != nil {
		return nil, err
	}
	var affected []*Booking
	err := s.st.InPlacesTx(ctx, func(tx Tx) error {
		before, err := tx.FindOffice(ctx, tenantID, o.ID)
		if err != nil {
			return err
		}
		if err := tx.UpdateOfficeRow(ctx, tenantID, o, s.now()); err != nil {
			return nameTaken(err)
		}
		// Fewer seats (or a cap where there was none), or fewer PCs: PCs
		// are capped at every office, an uncapped one included.
		seatCut := o.Capacity(Seat) >= 0 && (before.Capacity(Seat) < 0 || o.Capacity(Seat) < before.Capacity(Seat))
		cut := seatCut || o.PCs < before.PCs
		// A day closed, hours shortened or pre-registration required.
		rules := !slices.Equal(before.ClosedDays, o.ClosedDays) || before.Opens != o.Opens || before.Closes != o.Closes ||
			o.PreRegistration && !before.PreRegistration
		var live []*Booking
		if cut || rules {
			// The office's live bookings, read once for both checks.
			if live, err = tx.FindBookings(ctx, tenantID, Filter{OfficeID: o.ID, From: calendar.DateOf(s.now())}); err != nil {
				return err
			}
		}
		if cut {
			affected = Overflow(live, o.Capacity(Seat), o.PCs)
		}
		after := o.AuditView()
		if err := TellBeyond(ctx, tx, tenantID, affected, func(b *Booking) notify.Notification {
			return notify.New(b.StaffID, CapacityReduced, b.ApplicationID, map[string]any{"Office": o.Name, "Date": b.Day.String(), "Half": string(b.Half)})
		}, func(b *Booking) int64 { return b.ID }, after, "over_capacity_bookings"); err != nil {
			return err
		}
		// After a change of the rules, the bookings they now refuse are
		// listed and their people told, as for a capacity cut (issue 14; a
		// review found them kept in silence). None is cancelled.
		if rules {
			refused, err := noLonger(ctx, tx, tenantID, o, live, affected)
			if err != nil {
				return err
			}
			if err := TellBeyond(ctx, tx, tenantID, refused, func(b *Booking) notify.Notification {
				return notify.New(b.StaffID, notify.PlaceRulesChanged, b.ApplicationID, map[string]any{"Office": o.Name, "Date": b.Day.String(), "Half": string(b.Half)})
			}, func(b *Booking) int64 { return b.ID }, after, "no_longer_allowed_bookings"); err != nil {
				return err
			}
			affected = append(affected, refused...)
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "places.office_update", ObjectType: "office",
			ObjectID: strconv.FormatInt(o.ID, 10), Before: before.AuditView(), After: after})
	})
	o.Affected = affected
	return affected, err
}

// withHolidays sets o.HolidayOn from the tenant's calendar when o closes on
// holidays (nothing is read otherwise).
func (s *Service) withHolidays(ctx context.Context, tenantID int64, o *Office) error {
	if !slices.Contains(o.ClosedDays, Holidays) {
		return nil
	}
	y := calendar.DateOf(s.now()).Year
	cal, err := s.st.LoadCalendar(ctx, tenantID, y-1, y+2)
	if err != nil {
		return err
	}
	o.HolidayOn = func(d calendar.Date) bool {
		_, off := cal.Holiday(d)
		return off
	}
	return nil
}

// noLonger lists office o's live bookings (but those in skip) that its
// rules now refuse (Office.NoLonger).
func noLonger(ctx context.Context, tx Tx, tenantID int64, o *Office, live, skip []*Booking) ([]*Booking, error) {
	var out []*Booking
	for _, b := range live {
		if b.Status != Booked || slices.ContainsFunc(skip, func(x *Booking) bool { return x.ID == b.ID }) {
			continue
		}
		registered := true
		if o.PreRegistration {
			var err error
			if registered, err = tx.IsOfficeRegistered(ctx, tenantID, o.ID, b.StaffID); err != nil {
				return nil, err
			}
		}
		if o.NoLonger(b.Day, b.Half, registered) {
			out = append(out, b)
		}
	}
	return out, nil
}

// SaveOffice creates (ID 0) or updates an office; after an update
// o.Affected lists the bookings beyond a reduced capacity.
func (s *Service) SaveOffice(ctx context.Context, tenantID int64, who *auth.Principal, o *Office) error {
	if o.ID == 0 {
		return s.CreateOffice(ctx, tenantID, who, o)
	}
	_, err := s.UpdateOffice(ctx, tenantID, who, o)
	return err
}

// Overflow lists, for each day, half and resource whose live bookings
// exceed the capacity, the latest bookings beyond it (the earliest keep
// their seats). bookings are the office's live bookings; seats -1: no
// seat cap (the PCs are still counted).
func Overflow(bookings []*Booking, seats, pcs int) []*Booking {
	live := slices.DeleteFunc(slices.Clone(bookings), func(b *Booking) bool { return b.Status != Booked })
	return Beyond(live, func(b *Booking) Held {
		h := Held{CreatedAt: b.CreatedAt, ID: b.ID}
		for _, x := range HalvesOf(b.Half) {
			if seats >= 0 {
				h.Groups = append(h.Groups, b.Day.String()+"/"+string(x)+"/"+string(Seat))
			}
			if b.PC {
				h.Groups = append(h.Groups, b.Day.String()+"/"+string(x)+"/"+string(PC))
			}
		}
		return h
	}, func(g string) int {
		if strings.HasSuffix(g, "/"+string(PC)) {
			return pcs
		}
		return seats
	})
}

func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Register records that staffID completed an office's pre-registration
// (IT admin, HR).
func (s *Service) Register(ctx context.Context, tenantID int64, who *auth.Principal, officeID, staffID int64) error {
	if !Manages(who) {
		return apperr.Forbid()
	}
	if staffID <= 0 {
		var v apperr.Validation
		v.Add("staff_id", "field.required", nil)
		return v.Err()
	}
	return s.st.InPlacesTx(ctx, func(tx Tx) error {
		if _, err := tx.FindOffice(ctx, tenantID, officeID); err != nil {
			return err
		}
		if _, err := tx.FindStaffByID(ctx, tenantID, staffID); err != nil {
			if apperr.CodeOf(err) == apperr.NotFound {
				var v apperr.Validation
				v.Add("staff_id", "places.error.staff", nil)
				return v.Err()
			}
			return err
		}
		// Already registered: nothing to do. Read first, as a failed
		// insert ends a PostgreSQL transaction (a 500 for a second record).
		if done, err := tx.IsOfficeRegistered(ctx, tenantID, officeID, staffID); err != nil || done {
			return err
		}
		if err := tx.RegisterOfficeStaff(ctx, tenantID, officeID, staffID, s.now()); err != nil {
			if apperr.IsDuplicate(err) {
				return nil
			}
			return err
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "places.register", ObjectType: "office",
			ObjectID: strconv.FormatInt(officeID, 10), After: map[string]any{"staff_id": staffID}})
	})
}

// Registrations lists the people registered with an office (IT admin,
// HR: those who record them); NotFound for an office outside the tenant.
func (s *Service) Registrations(ctx context.Context, tenantID int64, who *auth.Principal, officeID int64) ([]Registration, error) {
	if !Manages(who) {
		return nil, apperr.Forbid()
	}
	if _, err := s.st.FindOffice(ctx, tenantID, officeID); err != nil {
		return nil, err
	}
	return s.st.FindOfficeRegistrations(ctx, tenantID, officeID)
}

// Request is a booking asked for.
type Request struct {
	OfficeID      int64
	Day           calendar.Date
	Half          Half
	PC            bool
	StaffID       int64 // 0: the caller
	ApplicationID int64
}

// Book takes a seat (and a PC when asked) for the request: refused with the
// reason (past, beyond the horizon, closed day, no pre-registration,
// outside opening hours, a second seat for the same half), or a conflict
// when the office is full.
func (s *Service) Book(ctx context.Context, tenantID int64, who *auth.Principal, req Request) (*Booking, error) {
	var v apperr.Validation
	if !slices.Contains(Halves, req.Half) {
		v.Add("half", "field.choice", nil)
	}
	if req.Day.IsZero() {
		v.Add("date", "field.required", nil)
	}
	if req.OfficeID <= 0 {
		v.Add("office_id", "field.required", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	target, err := ActingFor(ctx, s.st, tenantID, who, req.StaffID)
	if err != nil {
		return nil, err
	}
	staffID := target.ID
	now := s.now()
	b := &Booking{OfficeID: req.OfficeID, StaffID: staffID, StaffName: target.Name, Day: req.Day, Half: req.Half, PC: req.PC,
		ApplicationID: req.ApplicationID, Status: Booked, BookedBy: who.UserID, CreatedAt: now}
	// What the booking depends on is read first; its writes are then one
	// transaction (BookSeat), whose counters decide whether a seat is left.
	// On PostgreSQL, whose transactions read committed data, reading these
	// inside the transaction would see nothing more. The office may come
	// from the store's memory: BookSeat writes only if it is still at the
	// version read, and an office changed since is read again, once.
	// A refusal by the rules, made before BookSeat could check the version,
	// is confirmed against the office as read afresh.
	o, err := s.st.FindOfficeCached(ctx, tenantID, req.OfficeID)
	for try := 0; ; try++ {
		if err == nil {
			err = s.withHolidays(ctx, tenantID, o)
		}
		if err != nil {
			return nil, err
		}
		checked, refused := s.book(ctx, tenantID, who, target.ID, o, b)
		if err = refused; err == nil || try == 2 || (checked && !errors.Is(err, ErrOfficeChanged)) {
			break
		}
		version := o.Version
		if o, err = s.st.FindOffice(ctx, tenantID, req.OfficeID); err == nil && !checked && o.Version == version {
			err = refused // the rules refused the office as it is
			break
		}
	}
	if errors.Is(err, ErrOfficeChanged) {
		return nil, apperr.New(apperr.Conflict, "places.office_changed")
	}
	if err != nil {
		return nil, err
	}
	if err := StillLinked(ctx, s.st, tenantID, b.ApplicationID, b.StaffID, b.Day, b.ID, s.Cancel); err != nil {
		return nil, err
	}
	return b, nil
}

// ErrOfficeChanged is BookSeat's answer when the office is no longer at the
// version the booking was checked against.
var ErrOfficeChanged = errors.New("places: the office changed since it was read")

// book checks booking b against office o and writes it (Book). checked
// says BookSeat was reached, which holds o to its version.
func (s *Service) book(ctx context.Context, tenantID int64, who *auth.Principal, targetID int64, o *Office, b *Booking) (checked bool, err error) {
	b.OfficeName = o.Name
	if err := CheckApplication(ctx, s.st, tenantID, b.ApplicationID, b.StaffID, b.Day); err != nil {
		return false, err
	}
	registered := true
	if o.PreRegistration {
		if registered, err = s.st.IsOfficeRegistered(ctx, tenantID, o.ID, b.StaffID); err != nil {
			return false, err
		}
	}
	if err := o.Refusal(b.Day, b.CreatedAt, b.Half, registered); err != nil {
		return false, err
	}
	if b.PC && o.PCs == 0 {
		// Hourly or not: a PC the office does not have cannot be promised.
		return false, apperr.At(apperr.Invalid, "pc", "places.refused.no_pc", nil)
	}
	behalf, notes, err := OnBehalf(ctx, s.st, tenantID, who, targetID, notify.BookedForYou, ObjectBooking, o.Name, b.Day, b.Half, b.ApplicationID)
	if err != nil {
		return false, err
	}
	after := b.AuditView()
	maps.Copy(after, behalf)
	resources := []Resource{Seat}
	if b.PC {
		resources = append(resources, PC)
	}
	full, err := s.st.BookSeat(ctx, tenantID, b, o.Version, resources, notes, auth.ActorOf(who),
		audit.Change{Action: "places.book", ObjectType: "booking", After: after})
	switch {
	case apperr.IsDuplicate(err):
		return true, apperr.At(apperr.Conflict, "date", "places.refused.second_seat", DayArgs(b.Day))
	case err != nil:
		return true, err
	case full != "":
		return true, o.FullErr(b.Day, full)
	}
	return true, nil
}

// mayTouch reports whether who may see or change booking b: the person,
// who booked it, their unit's supervisor, HR or IT.
func (s *Service) mayTouch(ctx context.Context, tenantID int64, who *auth.Principal, staffID, bookedBy int64) (bool, error) {
	if who.StaffID != 0 && who.StaffID == staffID || Manages(who) || (bookedBy != 0 && bookedBy == who.UserID) {
		return true, nil
	}
	if !who.Has(auth.Supervisor) {
		return false, nil
	}
	st, err := s.st.FindStaffByID(ctx, tenantID, staffID)
	if err != nil {
		return false, err
	}
	return MayActFor(ctx, s.st, tenantID, who, st)
}

// Booking is one booking the caller may see (NotFound otherwise, so ids of
// other people's bookings tell nothing).
func (s *Service) Booking(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*Booking, error) {
	b, err := s.st.FindBooking(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.mayTouch(ctx, tenantID, who, b.StaffID, b.BookedBy)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.NotFoundErr("booking")
	}
	return b, nil
}

// Cancel cancels a booking; its seat (and PC) are free at once. A booking
// whose day has passed or that was checked in cannot be cancelled
// (Booking.CancelRefusal, a conflict).
func (s *Service) Cancel(ctx context.Context, tenantID int64, who *auth.Principal, id int64) error {
	b, err := s.Booking(ctx, tenantID, who, id)
	if err != nil {
		return err
	}
	now := s.now()
	today := calendar.DateOf(now)
	if err := b.CancelRefusal(today); err != nil {
		return err
	}
	return s.st.InPlacesTx(ctx, func(tx Tx) error {
		// The counters first, in the order a booking takes them (the
		// seats of each half, then the PCs), then the booking and its
		// half-day rows, as a booking writes them (Store.BookSeat): a
		// cancellation and a booking of the same half never wait for each
		// other crosswise. A booking that cannot be cancelled after all
		// rolls the releases back with the rest.
		resources := []Resource{Seat}
		if b.PC {
			resources = append(resources, PC)
		}
		for _, r := range resources {
			for _, h := range HalvesOf(b.Half) {
				if err := tx.ReleasePlaceSlot(ctx, tenantID, b.OfficeID, b.Day, h, r); err != nil {
					return err
				}
			}
		}
		// The statement itself refuses a checked-in or past booking, so a
		// check-in committed since the read above is never undone.
		ok, err := tx.CancelBookingRow(ctx, tenantID, id, today, now)
		if err != nil {
			return err
		}
		if !ok {
			cur, err := tx.FindBooking(ctx, tenantID, id)
			if err != nil {
				return err
			}
			if err := cur.CancelRefusal(today); err != nil {
				return err
			}
			return apperr.New(apperr.Conflict, "places.error.not_booked")
		}
		before := b.AuditView()
		b.Status = Cancelled
		after := b.AuditView()
		behalf, err := ForSomeoneElse(ctx, tx, tenantID, who, b.StaffID, notify.CancelledForYou, ObjectBooking, b.OfficeName, b.Day, b.Half, b.ApplicationID)
		if err != nil {
			return err
		}
		maps.Copy(after, behalf)
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "places.cancel", ObjectType: "booking",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: after})
	})
}

// CheckIn records that the person arrived (on the booking's day).
func (s *Service) CheckIn(ctx context.Context, tenantID int64, who *auth.Principal, id int64) (*Booking, error) {
	b, err := s.Booking(ctx, tenantID, who, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if b.Day != calendar.DateOf(now) {
		return nil, apperr.New(apperr.Invalid, "places.error.check_in_day")
	}
	if !b.CheckedInAt.IsZero() {
		return nil, checkedInAlready(b)
	}
	o, err := s.st.FindOfficeCached(ctx, tenantID, b.OfficeID)
	if err != nil {
		return nil, err
	}
	if err := o.CheckInRefusal(b.Day, b.Half, now); err != nil {
		return nil, err
	}
	err = s.st.InPlacesTx(ctx, func(tx Tx) error {
		ok, err := tx.CheckInBookingRow(ctx, tenantID, id, now)
		if err != nil {
			return err
		}
		if !ok {
			return errNotCheckedIn
		}
		before := checkInView(b)
		b.CheckedInAt = now
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "places.check_in", ObjectType: "booking",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: checkInView(b)})
	})
	if errors.Is(err, errNotCheckedIn) {
		// Cancelled, or checked in by a concurrent request since it was
		// read: read again (after the transaction) to say which.
		if cur, rerr := s.st.FindBooking(ctx, tenantID, id); rerr == nil && cur.Status == Booked && !cur.CheckedInAt.IsZero() {
			return nil, checkedInAlready(cur)
		}
		return nil, apperr.New(apperr.Conflict, "places.error.not_booked")
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// errNotCheckedIn is the check-in's row update finding no booked booking
// without a check-in.
var errNotCheckedIn = errors.New("places: no booked booking to check in")

// checkedInAlready refuses a second check-in: the first time stands (it is
// what the usage reports count).
func checkedInAlready(b *Booking) error {
	return &apperr.Error{Code: apperr.Conflict, Key: "places.error.checked_in",
		Args: map[string]any{"At": b.CheckedInAt.In(calendar.Tokyo).Format("15:04")}}
}

// checkInView is what the audit log shows of a booking's check-in.
func checkInView(b *Booking) map[string]any {
	at := ""
	if !b.CheckedInAt.IsZero() {
		at = b.CheckedInAt.UTC().Format(time.RFC3339)
	}
	return map[string]any{"checked_in": !b.CheckedInAt.IsZero(), "checked_in_at": at}
}

// Bookings lists bookings: the caller's own by default (「わたしの予約」);
// another person's for their supervisor, HR and IT; an office's day view
// (every person) for HR and IT.
func (s *Service) Bookings(ctx context.Context, tenantID int64, who *auth.Principal, f Filter) ([]*Booking, error) {
	switch {
	case f.StaffID == 0 && f.OfficeID != 0 && Manages(who):
	case f.StaffID == 0:
		if who.StaffID == 0 {
			return []*Booking{}, nil
		}
		f.StaffID = who.StaffID
	default:
		ok, err := s.mayTouch(ctx, tenantID, who, f.StaffID, 0)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Forbid()
		}
	}
	return s.st.FindBookings(ctx, tenantID, f)
}

// DayUse is an office's use of one half-day.
type DayUse struct {
	Day            calendar.Date
	Half           Half
	Seats, PCs     int // capacity (seats -1: no cap; PCs are always capped)
	UsedSeats      int
	UsedPCs        int
	FreeSeats      int // -1: no cap
	FreePCs        int
	Closed         bool
	BeyondCapacity bool
}

// Availability is the office's use for each half of days from..to (at most
// 62 days), from its live bookings: anyone may read it (counts, no names).
func (s *Service) Availability(ctx context.Context, tenantID int64, officeID int64, from, to calendar.Date) (*Office, []DayUse, error) {
	if to.Before(from) || from.AddDays(62).Before(to) {
		var v apperr.Validation
		v.Add("to", "places.error.range", nil)
		return nil, nil, v.Err()
	}
	o, err := s.st.FindOffice(ctx, tenantID, officeID)
	if err == nil {
		err = s.withHolidays(ctx, tenantID, o)
	}
	if err != nil {
		return nil, nil, err
	}
	list, err := s.st.FindBookings(ctx, tenantID, Filter{OfficeID: officeID, From: from, To: to})
	if err != nil {
		return nil, nil, err
	}
	return o, Use(o, list, from, to), nil
}

// Use counts live bookings per day and half.
func Use(o *Office, list []*Booking, from, to calendar.Date) []DayUse {
	var out []DayUse
	idx := map[string]int{}
	for d := from; !to.Before(d); d = d.AddDays(1) {
		for _, h := range []Half{AM, PM} {
			idx[d.String()+string(h)] = len(out)
			out = append(out, DayUse{Day: d, Half: h, Seats: o.Capacity(Seat), PCs: o.Capacity(PC), Closed: o.ClosedOn(d)})
		}
	}
	for _, b := range list {
		if b.Status != Booked {
			continue
		}
		for _, h := range HalvesOf(b.Half) {
			i, ok := idx[b.Day.String()+string(h)]
			if !ok {
				continue
			}
			out[i].UsedSeats++
			if b.PC {
				out[i].UsedPCs++
			}
		}
	}
	for i := range out {
		u := &out[i]
		u.FreeSeats = -1
		if u.Seats >= 0 {
			u.FreeSeats = max(0, u.Seats-u.UsedSeats)
		}
		// PCs are capped at every office (Capacity).
		u.FreePCs = max(0, u.PCs-u.UsedPCs)
		u.BeyondCapacity = u.Seats >= 0 && u.UsedSeats > u.Seats || u.UsedPCs > u.PCs
	}
	return out
}
