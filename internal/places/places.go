// Package places owns the satellite offices (サテライトオフィス) and their
// seat booking (issue 14; SPEC §5). An office is the place the feasibility
// engine of internal/tasks rates (its core row is a task place: name, kind,
// network, physical security); this package adds what booking needs:
// seats, bookable PCs, phone, printer, opening hours, closed days,
// pre-registration, booking horizon, and for a private share office per-hour
// use without a seat cap and with 部外者.
//
// The guarantee: capacity is never exceeded. A booking raises a counter row
// per office/day/half/resource with one conditional statement (used + 1 <=
// the cap, read in that same statement, so a concurrent capacity cut is
// never read stale), in the transaction that inserts the booking and its
// audit entry; the store reports whether the row moved, and a booking that
// did not get its seat is a conflict (409) with the reason. Lowering a
// capacity removes nothing: those beyond it are listed and told (Beyond).
package places

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/tasks"
)

// Half is the part of a day a booking holds.
type Half string

// Halves. FullDay holds both AM and PM.
const (
	AM      Half = "am"
	PM      Half = "pm"
	FullDay Half = "full_day"
)

// HalvesOf are the counter halves a booking of h uses.
func HalvesOf(h Half) []Half {
	if h == FullDay {
		return []Half{AM, PM}
	}
	return []Half{h}
}

// Resource is what a counter row counts.
type Resource string

// Resources.
const (
	Seat Resource = "seat"
	PC   Resource = "pc"
)

// Office is a satellite office with every attribute of SPEC §5.
type Office struct {
	tasks.WorkPlace
	Seats         int
	PCs           int
	Phone         bool
	Printer       bool
	Opens, Closes string // "08:30"
	ClosedDays    []string
	// HolidayOn, when set from the tenant's calendar (Service.withHolidays),
	// says whether a day is a national holiday, in 年末年始 or a closure
	// day: the days ClosedDays closes with the code Holidays.
	HolidayOn       func(calendar.Date) bool
	PreRegistration bool
	HorizonDays     int
	// Hourly: a private share office used per hour, without a seat cap.
	Hourly bool
	// Outsiders: 部外者 present (sensitive work never allowed).
	Outsiders bool
	Address   string
	Note      string
	// Affected is set by UpdateOffice: the bookings beyond a reduced
	// capacity (kept, their people notified). Not stored.
	Affected []*Booking
}

// Weekdays are the closed-day codes for days of the week; a closed day is
// one of them or a date 'YYYY-MM-DD'.
var Weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// NewOffice returns an office with the defaults (平日 8:30–17:15, 30 days).
// The network has no default: whether an office reaches the 庁内LAN decides
// what the feasibility engine allows there, so it is always chosen.
func NewOffice() *Office {
	return &Office{WorkPlace: tasks.WorkPlace{Kind: tasks.Branch}, Opens: "08:30", Closes: "17:15",
		ClosedDays: []string{"sat", "sun", Holidays}, HorizonDays: 30}
}

// MaxAddress and MaxNote bound an office's address and note (characters).
const (
	MaxAddress = 200
	MaxNote    = 1000
)

// MaxCount is the largest number of seats or PCs an office may have.
const MaxCount = 100000

// NoteLabel labels an office's or a pool's note in its messages.
var NoteLabel = map[string]any{"LabelKey": "places.field_note"}

// officeLabel names an office's field whose key means something else
// elsewhere (the product-wide "name" is a person's 氏名, "kind" a tenant's
// 団体区分): the arguments of its field error, with its own label.
func officeLabel(field string) map[string]any {
	return map[string]any{"LabelKey": "fieldname.office_" + field}
}

func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, false
	}
	return hh*60 + mm, true
}

// Validate checks an office's attributes.
func (o *Office) Validate() error {
	var v apperr.Validation
	org.RequiredText(&v, "name", o.Name, 100, false, officeLabel("name"))
	org.OptionalText(&v, "address", o.Address, MaxAddress, false, map[string]any{"LabelKey": "places.field_address"})
	org.OptionalText(&v, "note", o.Note, MaxNote, true, NoteLabel)
	if !slices.Contains(tasks.PlaceKinds, o.Kind) {
		v.Add("kind", "field.choice", officeLabel("kind"))
	}
	switch {
	case o.Network == "":
		v.Add("network", "field.required", nil)
	case !slices.Contains(tasks.Networks, o.Network):
		v.Add("network", "field.choice", nil)
	}
	count := map[string]any{"Max": MaxCount}
	if o.Seats < 0 || o.Seats > MaxCount {
		v.Add("seats", "places.error.count", count)
	}
	if o.PCs < 0 || o.PCs > MaxCount {
		v.Add("pcs", "places.error.count", count)
	}
	op, ok1 := parseClock(o.Opens)
	cl, ok2 := parseClock(o.Closes)
	if !ok1 {
		v.Add("opens", "places.error.clock", nil)
	}
	if !ok2 {
		v.Add("closes", "places.error.clock", nil)
	}
	if ok1 && ok2 && cl <= op {
		v.Add("closes", "places.error.hours", nil)
	}
	// Each item as a person writes it, from the form or the API: 「土日」
	// is 土 and 日, "土, 日" two items.
	o.ClosedDays = SplitClosedDays(strings.Join(o.ClosedDays, ","))
	for i, d := range o.ClosedDays {
		code, ok := ClosedDayCode(d)
		if !ok {
			v.Add("closed_days", "places.error.closed_day", map[string]any{"Value": d})
			break
		}
		o.ClosedDays[i] = code // stored in the canonical form
	}
	if o.HorizonDays < 0 || o.HorizonDays > 366 {
		v.Add("horizon_days", "places.error.horizon", nil)
	}
	switch {
	case o.Kind == tasks.PrivateShare:
		// A private share office is used per hour, with no seat cap and
		// with 部外者 (SPEC §5): hourly use and outsiders follow from the
		// kind and are set whatever was sent; a seat cap contradicts it and
		// is refused rather than silently dropped.
		o.Hourly, o.Outsiders = true, true
		if o.Seats > 0 && !v.Has("seats") {
			v.Add("seats", "places.error.private_share_seats", nil)
		}
	case o.Hourly:
		// Only a private share office may be uncapped (issue 14: capacity
		// is never exceeded); on any other kind hourly use would silently
		// drop the seat cap, so it is refused as a private share's seat cap
		// is, not ignored.
		v.Add("hourly", "places.error.hourly_kind", nil)
	}
	if o.Outsiders && o.PhysicalSecurity {
		// Physical security is 他の職員がいる一定の監視下で部外者がいない
		// (the guide): an office with outsiders cannot have it.
		v.Add("physical_security", "places.error.outsiders_security", nil)
		v.Add("outsiders", "places.error.outsiders_security", nil)
	}
	return v.Err()
}

// Uncapped reports whether the office's seats have no cap: a private share
// office used per hour, and no other (an hourly flag stored on another
// kind, say before its kind was changed in the task inventory, caps as
// usual; the store's counters read the same rule).
func (o *Office) Uncapped() bool { return o.Hourly && o.Kind == tasks.PrivateShare }

// Capacity is the cap of a resource (-1: no cap). PCs are always capped:
// an office has the PCs it has, hourly or not.
func (o *Office) Capacity(r Resource) int {
	if r == PC {
		return o.PCs
	}
	if o.Uncapped() {
		return -1
	}
	return o.Seats
}

// Noon is where AM ends and PM starts (minutes after midnight).
const Noon = 12 * 60

// Refusal is why a booking cannot be made, checked before the counter.
// now is the clock when the booking is made (its civil date is today's).
func (o *Office) Refusal(day calendar.Date, now time.Time, h Half, registered bool) error {
	today := calendar.DateOf(now)
	switch {
	case day.Before(today):
		return apperr.At(apperr.Invalid, "date", "places.refused.past", nil)
	case o.Over(day, h, now):
		// Today's morning at 15:00: a seat for a time that has passed
		// holds nothing and would count in the office's use as if taken.
		return apperr.At(apperr.Invalid, "half", "places.refused.half_over", map[string]any{"Until": o.EndOf(h)})
	case o.HorizonDays > 0 && today.AddDays(o.HorizonDays).Before(day):
		return apperr.At(apperr.Invalid, "date", "places.refused.horizon", map[string]any{"Days": o.HorizonDays})
	case o.ClosedOn(day):
		return apperr.At(apperr.Invalid, "date", "places.refused.closed_day", DayArgs(day))
	case o.PreRegistration && !registered:
		return apperr.At(apperr.Invalid, "office_id", "places.refused.pre_registration", nil) // linked to the office chosen
	}
	return o.hoursRefuse(h)
}

// DayArgs are the message arguments naming day: Date as stored
// (2026-12-12), DayJA (12月12日(土)) and DayEN (Sat 12 Dec) for the
// sentence, as the pages write a day.
func DayArgs(day calendar.Date) map[string]any {
	return map[string]any{"Date": day.String(), "DayJA": fmt.Sprintf("%d月%d日(%s)", day.Month, day.Day, day.WeekdayJA()),
		"DayEN": day.Time().Format("Mon 2 Jan")}
}

// CheckInRefusal is why a person cannot check in at now for half h of
// day (nil when they can): only on the day, not before the office opens
// (an hourly office is let in at any time: its members keep their own
// hours), and not once the half has ended.
func (o *Office) CheckInRefusal(day calendar.Date, h Half, now time.Time) error {
	if day != calendar.DateOf(now) {
		return apperr.New(apperr.Invalid, "places.error.check_in_day")
	}
	if op, ok := parseClock(o.Opens); ok && !o.Uncapped() && calendar.MinuteOf(now) < op {
		return &apperr.Error{Code: apperr.Invalid, Key: "places.error.check_in_early", Args: map[string]any{"Opens": o.Opens, "Closes": o.Closes}}
	}
	if o.Over(day, h, now) {
		// An arrival recorded after the booked time ended records nothing
		// that happened within it.
		return &apperr.Error{Code: apperr.Invalid, Key: "places.error.check_in_over", Args: map[string]any{"Until": o.EndOf(h)}}
	}
	return nil
}

// hoursRefuse refuses half h when the opening hours leave it out.
func (o *Office) hoursRefuse(h Half) error {
	op, _ := parseClock(o.Opens)
	cl, _ := parseClock(o.Closes)
	for _, x := range HalvesOf(h) {
		if (x == AM && op >= Noon) || (x == PM && cl <= Noon) {
			// Linked to the half-day chosen, as a closed day is to the date
			// (a review found it in the summary only).
			return apperr.At(apperr.Invalid, "half", "places.refused.hours", map[string]any{"Opens": o.Opens, "Closes": o.Closes})
		}
	}
	return nil
}

// EndOf is when half h ends at this office ("HH:MM"): the morning at noon
// or at closing time if the office closes earlier, the afternoon and the
// whole day at closing time.
func (o *Office) EndOf(h Half) string {
	end := o.end(h)
	return fmt.Sprintf("%02d:%02d", end/60, end%60)
}

// end is EndOf in minutes after midnight.
func (o *Office) end(h Half) int {
	cl, ok := parseClock(o.Closes)
	if !ok {
		cl = 24 * 60
	}
	if h == AM {
		cl = min(cl, Noon)
	}
	return cl
}

// Over reports whether half h of day has ended by now (Tokyo time): a
// booking or a check-in for it comes too late.
func (o *Office) Over(day calendar.Date, h Half, now time.Time) bool {
	if day != calendar.DateOf(now) {
		return calendar.DateOf(now).After(day)
	}
	return calendar.MinuteOf(now) >= o.end(h)
}

// NoLonger reports whether the office's rules now refuse a booking of half
// h on day that it holds (the person registered or not): a closed day,
// hours that leave the half out, pre-registration the person lacks. How
// far ahead one may book is not asked: the booking was made within it.
func (o *Office) NoLonger(day calendar.Date, h Half, registered bool) bool {
	return o.ClosedOn(day) || o.PreRegistration && !registered || o.hoursRefuse(h) != nil
}

// ClosedOn reports whether the office is closed on day.
func (o *Office) ClosedOn(day calendar.Date) bool {
	wd := Weekdays[day.Weekday()]
	return slices.Contains(o.ClosedDays, wd) || slices.Contains(o.ClosedDays, day.String()) ||
		slices.Contains(o.ClosedDays, Holidays) && o.HolidayOn != nil && o.HolidayOn(day)
}

// FullErr is the conflict of the office having no seat (or PC) left on day.
func (o *Office) FullErr(day calendar.Date, r Resource) error {
	key := "places.full"
	if r == PC {
		key = "places.full_pc"
	}
	// The day is the field (errors[] of the API's 409, as a booking made
	// twice says it), not the request as a whole.
	return apperr.At(apperr.Conflict, "date", key, map[string]any{"Office": o.Name, "Date": day.String()})
}

// AuditView is what the audit log shows of an office.
func (o *Office) AuditView() map[string]any {
	return map[string]any{"name": o.Name, "kind": o.Kind, "network": o.Network, "physical_security": o.PhysicalSecurity,
		"seats": o.Seats, "pcs": o.PCs, "phone": o.Phone, "printer": o.Printer, "opens": o.Opens, "closes": o.Closes,
		"closed_days": strings.Join(o.ClosedDays, ","), "pre_registration": o.PreRegistration, "horizon_days": o.HorizonDays,
		"hourly": o.Hourly, "outsiders": o.Outsiders}
}

// Status of a booking.
type Status string

// Statuses.
const (
	Booked    Status = "booked"
	Cancelled Status = "cancelled"
)

// Booking is a seat (and optionally a PC) for a day and half.
type Booking struct {
	ID            int64
	OfficeID      int64
	OfficeName    string
	StaffID       int64
	StaffName     string
	Day           calendar.Date
	Half          Half
	PC            bool
	ApplicationID int64
	Status        Status
	BookedBy      int64 // the account that booked (0: unknown)
	CheckedInAt   time.Time
	CreatedAt     time.Time
	CancelledAt   time.Time
}

// AuditView is what the audit log shows of a booking.
func (b *Booking) AuditView() map[string]any {
	return map[string]any{"office_id": b.OfficeID, "staff_id": b.StaffID, "day": b.Day.String(), "half": b.Half, "pc": b.PC,
		"application_id": b.ApplicationID, "status": b.Status}
}

// CancelRefusal is why b cannot be cancelled on today (nil when it can):
// a booking whose day has passed, or that was checked in, has been used
// (or not) and stays in the utilisation record as it is. Not booked is
// places.error.not_booked.
func (b *Booking) CancelRefusal(today calendar.Date) error {
	switch {
	case b.Status != Booked:
		return apperr.New(apperr.Conflict, "places.error.not_booked")
	case !b.CheckedInAt.IsZero():
		return apperr.New(apperr.Conflict, "places.refused.cancel_checked_in")
	case b.Day.Before(today):
		return &apperr.Error{Code: apperr.Conflict, Key: "places.refused.cancel_past", Args: map[string]any{"Date": b.Day.String()}}
	}
	return nil
}

// Halves lists the valid halves of a request.
var Halves = []Half{AM, PM, FullDay}
