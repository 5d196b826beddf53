package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/notify"
	"telework/internal/places"
)

// Offices are task_places rows (the places the feasibility engine rates)
// with their booking attributes in office_details (defaults when a place
// was registered through the task inventory only).

var (
	_ places.Store = (*DB)(nil)
	_ places.Tx    = (*Tx)(nil)
)

// InPlacesTx runs fn in one transaction.
func (db *DB) InPlacesTx(ctx context.Context, fn func(places.Tx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const officeCols = `p.id, p.name, p.kind, p.network, p.physical_security, p.version, p.updated_at,
	COALESCE(d.seats, 0), COALESCE(d.pcs, 0), COALESCE(d.phone, FALSE_), COALESCE(d.printer, FALSE_), COALESCE(d.opens, '08:30'),
	COALESCE(d.closes, '17:15'), COALESCE(d.closed_days, 'sat,sun'), COALESCE(d.pre_registration, FALSE_),
	COALESCE(d.horizon_days, 30), COALESCE(d.hourly, FALSE_), COALESCE(d.outsiders, FALSE_), COALESCE(d.address, ''), COALESCE(d.note, '')`

func (db *DB) officeCols() string { return db.boolCols(officeCols) }

func (db *DB) boolCols(s string) string {
	if db.Engine == Postgres {
		return strings.ReplaceAll(s, "FALSE_", "FALSE")
	}
	return strings.ReplaceAll(s, "FALSE_", "0")
}

func scanOffice(sc interface{ Scan(...any) error }) (*places.Office, error) {
	o := &places.Office{}
	var at int64
	var closed string
	if err := sc.Scan(&o.ID, &o.Name, &o.Kind, &o.Network, &o.PhysicalSecurity, &o.Version, &at, &o.Seats, &o.PCs, &o.Phone,
		&o.Printer, &o.Opens, &o.Closes, &closed, &o.PreRegistration, &o.HorizonDays, &o.Hourly, &o.Outsiders, &o.Address, &o.Note); err != nil {
		return nil, mapErr(err)
	}
	o.UpdatedAt = fromMicros(at)
	o.ClosedDays = splitList[string](closed)
	return o, nil
}

func findOffices(ctx context.Context, db *DB, q querier, tenantID, id int64) ([]*places.Office, error) {
	query := `SELECT ` + db.officeCols() + ` FROM task_places p
		LEFT JOIN office_details d ON d.tenant_id = p.tenant_id AND d.office_id = p.id WHERE p.tenant_id = ?`
	args := []any{tenantID}
	if id != 0 {
		query += ` AND p.id = ?`
		args = append(args, id)
	}
	return queryAll(ctx, q, scanOffice, query+` ORDER BY p.id`, args...)
}

// FindOffices lists the tenant's offices in the order they were added.
func (db *DB) FindOffices(ctx context.Context, tenantID int64) ([]*places.Office, error) {
	return findOffices(ctx, db, db, tenantID, 0)
}

// FindOffices is FindOffices inside a transaction.
func (tx *Tx) FindOffices(ctx context.Context, tenantID int64) ([]*places.Office, error) {
	return findOffices(ctx, tx.db, tx, tenantID, 0)
}

// FindOffice reads one office; NotFound outside the tenant.
func (db *DB) FindOffice(ctx context.Context, tenantID, id int64) (*places.Office, error) {
	list, err := findOffices(ctx, db, db, tenantID, id)
	o, err := one(id, list, err, "office")
	if err == nil {
		c := *o
		db.offices.Store(officeKey{tenantID, id}, &c)
	}
	return o, err
}

// officeKey is an office in DB.offices.
type officeKey struct{ tenant, id int64 }

// FindOfficeCached is FindOffice from this process's memory of the office
// when it has one (the last FindOffice of it). A booking checks its rules
// against it and BookSeat writes only if the office is still at its
// version, so a copy made stale by a change here or on another node costs
// one more read, never a booking against old rules.
func (db *DB) FindOfficeCached(ctx context.Context, tenantID, id int64) (*places.Office, error) {
	if v, ok := db.offices.Load(officeKey{tenantID, id}); ok {
		c := *v.(*places.Office)
		return &c, nil
	}
	return db.FindOffice(ctx, tenantID, id)
}

// FindOfficeCached is FindOffice inside a transaction (no memory).
func (tx *Tx) FindOfficeCached(ctx context.Context, tenantID, id int64) (*places.Office, error) {
	return tx.FindOffice(ctx, tenantID, id)
}

// FindOffice is FindOffice inside a transaction.
func (tx *Tx) FindOffice(ctx context.Context, tenantID, id int64) (*places.Office, error) {
	list, err := findOffices(ctx, tx.db, tx, tenantID, id)
	return one(id, list, err, "office")
}

func (tx *Tx) saveOfficeDetails(ctx context.Context, tenantID int64, o *places.Office) error {
	_, err := tx.exec(ctx, `INSERT INTO office_details (tenant_id, office_id, seats, pcs, phone, printer, opens, closes, closed_days,
		pre_registration, horizon_days, hourly, outsiders, address, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, office_id) DO UPDATE SET seats = excluded.seats, pcs = excluded.pcs, phone = excluded.phone,
		printer = excluded.printer, opens = excluded.opens, closes = excluded.closes, closed_days = excluded.closed_days,
		pre_registration = excluded.pre_registration, horizon_days = excluded.horizon_days, hourly = excluded.hourly,
		outsiders = excluded.outsiders, address = excluded.address, note = excluded.note`,
		tenantID, o.ID, o.Seats, o.PCs, o.Phone, o.Printer, o.Opens, o.Closes, strings.Join(o.ClosedDays, ","), o.PreRegistration,
		o.HorizonDays, o.Hourly, o.Outsiders, o.Address, o.Note)
	return mapErr(err)
}

// InsertOffice writes the office's place row and details and sets its id.
func (tx *Tx) InsertOffice(ctx context.Context, tenantID int64, o *places.Office, at time.Time) error {
	if err := tx.InsertTaskPlace(ctx, tenantID, &o.WorkPlace, at); err != nil {
		return err
	}
	return tx.saveOfficeDetails(ctx, tenantID, o)
}

// UpdateOfficeRow writes o at its expected version and advances it.
func (tx *Tx) UpdateOfficeRow(ctx context.Context, tenantID int64, o *places.Office, at time.Time) error {
	if err := tx.UpdateTaskPlaceRow(ctx, tenantID, &o.WorkPlace, at); err != nil {
		return err
	}
	return tx.saveOfficeDetails(ctx, tenantID, o)
}

// IsOfficeRegistered reports whether staffID is registered with the office.
func (db *DB) IsOfficeRegistered(ctx context.Context, tenantID, officeID, staffID int64) (bool, error) {
	return isOfficeRegistered(ctx, db, tenantID, officeID, staffID)
}

// IsOfficeRegistered is IsOfficeRegistered inside a transaction.
func (tx *Tx) IsOfficeRegistered(ctx context.Context, tenantID, officeID, staffID int64) (bool, error) {
	return isOfficeRegistered(ctx, tx, tenantID, officeID, staffID)
}

func isOfficeRegistered(ctx context.Context, q querier, tenantID, officeID, staffID int64) (bool, error) {
	ids, err := queryAll(ctx, q, scanID, `SELECT staff_id FROM office_registrations WHERE tenant_id = ? AND office_id = ? AND staff_id = ?`,
		tenantID, officeID, staffID)
	return len(ids) > 0, err
}

// FindOfficeRegistrations lists the people registered with an office.
func (db *DB) FindOfficeRegistrations(ctx context.Context, tenantID, officeID int64) ([]places.Registration, error) {
	return findOfficeRegistrations(ctx, db, tenantID, officeID)
}

// FindOfficeRegistrations is FindOfficeRegistrations inside a transaction.
func (tx *Tx) FindOfficeRegistrations(ctx context.Context, tenantID, officeID int64) ([]places.Registration, error) {
	return findOfficeRegistrations(ctx, tx, tenantID, officeID)
}

func findOfficeRegistrations(ctx context.Context, q querier, tenantID, officeID int64) ([]places.Registration, error) {
	return queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (places.Registration, error) {
		var r places.Registration
		var at int64
		err := sc.Scan(&r.StaffID, &r.StaffNo, &r.StaffName, &at)
		r.RegisteredAt = fromMicros(at)
		return r, err
	}, `SELECT r.staff_id, s.staff_no, s.name, r.registered_at FROM office_registrations r
		JOIN staff s ON s.tenant_id = r.tenant_id AND s.id = r.staff_id
		WHERE r.tenant_id = ? AND r.office_id = ? ORDER BY s.staff_no, r.staff_id`, tenantID, officeID)
}

// RegisterOfficeStaff records a pre-registration.
func (tx *Tx) RegisterOfficeStaff(ctx context.Context, tenantID, officeID, staffID int64, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO office_registrations (tenant_id, office_id, staff_id, registered_at) VALUES (?, ?, ?, ?)`,
		tenantID, officeID, staffID, micros(at))
	return mapErr(err)
}

// TakePlaceSlots raises the counters of (office, day, half, resource) of
// each half by one if every one stays within the office's seats or PCs,
// read in the same statement (counter.take), and reports whether all did.
func (tx *Tx) TakePlaceSlots(ctx context.Context, tenantID, officeID int64, day calendar.Date, halves []places.Half, r places.Resource) (bool, error) {
	c := placeSeatCounter
	if r == places.PC {
		c = placePCCounter
	}
	keys := make([][]any, len(halves))
	for i, h := range halves {
		keys[i] = []any{officeID, day.String(), h, r}
	}
	return tx.take(ctx, c, tenantID, keys, officeID)
}

// ReleasePlaceSlot lowers a counter by one (never below zero).
func (tx *Tx) ReleasePlaceSlot(ctx context.Context, tenantID, officeID int64, day calendar.Date, h places.Half, r places.Resource) error {
	return tx.release(ctx, placeSeatCounter, tenantID, []any{officeID, day.String(), h, r})
}

// InsertBooking writes b and its half-day rows and sets its id.
func (tx *Tx) InsertBooking(ctx context.Context, tenantID int64, b *places.Booking, at time.Time) error {
	if err := tx.row(ctx, `INSERT INTO bookings (tenant_id, office_id, staff_id, day, half, pc, application_id, status, booked_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?) RETURNING id`, tenantID, b.OfficeID, b.StaffID, b.Day.String(), b.Half, b.PC,
		nullID(b.ApplicationID), b.BookedBy, micros(at)).Scan(&b.ID); err != nil {
		return mapErr(err)
	}
	hs := places.HalvesOf(b.Half)
	var args []any
	for _, h := range hs {
		args = append(args, tenantID, b.StaffID, b.Day.String(), h, b.ID)
	}
	_, err := tx.exec(ctx, `INSERT INTO booking_halves (tenant_id, staff_id, day, half, booking_id) VALUES `+placeholders(len(hs), 5), args...)
	return mapErr(err)
}

// errFull stops BookSeat's transaction when a counter is at its cap.
var errFull = errors.New("store: office full")

// heldErr is BookSeat's answer when the person already holds a seat for one
// of the booking's halves: a duplicate, as the half-day rows' key would say.
func heldErr() error {
	return &apperr.Error{Code: apperr.Conflict, Key: "error.duplicate", Err: errors.New("store: the person holds a seat for that half-day")}
}

// BookSeat writes booking b in a transaction of its own (places.Store).
// On PostgreSQL a booking of one's own is one statement (bookSeatAtOnce);
// otherwise, and on SQLite, the statements of the Tx methods.
//
// Every writer of a booking takes its locks in one order: the day's
// counters (seats of each half, then PCs), then the booking's rows and its
// half-day rows. A cancellation (places.Service.Cancel) releases the
// counters before it cancels the booking and deletes its half-day rows, so a
// booking and a cancellation of the same person's half never wait for each
// other crosswise. Whether the person already holds a seat for one of the
// halves is asked first, so that a second seat is told as such even when
// the office is full.
func (db *DB) BookSeat(ctx context.Context, tenantID int64, b *places.Booking, officeVersion int64, resources []places.Resource,
	notes []notify.Notification, actor audit.Actor, change audit.Change) (places.Resource, error) {
	if db.Engine == Postgres && len(notes) == 0 {
		return db.bookSeatAtOnce(ctx, tenantID, b, officeVersion, resources, actor, change)
	}
	var full places.Resource
	err := db.InTx(ctx, func(tx *Tx) error {
		// The office's details first, FOR SHARE: a change of the office
		// holds them until it commits (lockOfficeDetails), and the version
		// read after that wait is the changed one (bookSeatAtOnce's cap and v).
		if _, err := queryAll(ctx, tx, scanID, `SELECT office_id FROM office_details WHERE tenant_id = ? AND office_id = ?`+tx.db.forShare(),
			tenantID, b.OfficeID); err != nil {
			return err
		}
		versions, err := queryAll(ctx, tx, scanID, `SELECT version FROM task_places WHERE tenant_id = ? AND id = ?`, tenantID, b.OfficeID)
		if err != nil {
			return err
		}
		if len(versions) == 0 || versions[0] != officeVersion {
			return places.ErrOfficeChanged
		}
		held, err := holdsHalf(ctx, tx, tenantID, b)
		if err != nil {
			return err
		}
		if held {
			return heldErr()
		}
		for _, r := range resources {
			ok, err := tx.TakePlaceSlots(ctx, tenantID, b.OfficeID, b.Day, places.HalvesOf(b.Half), r)
			if err != nil {
				return err
			}
			if !ok {
				full = r
				return errFull
			}
		}
		if err := tx.InsertBooking(ctx, tenantID, b, b.CreatedAt); err != nil {
			return err
		}
		if len(notes) > 0 {
			if err := tx.InsertNotifications(ctx, tenantID, notes); err != nil {
				return err
			}
		}
		change.ObjectID = strconv.FormatInt(b.ID, 10)
		return tx.Audit(ctx, tenantID, actor, change)
	})
	if errors.Is(err, errFull) {
		b.ID = 0
		return db.fullOrHeld(ctx, tenantID, b, full)
	}
	if err != nil {
		b.ID = 0
		if errors.Is(err, places.ErrOfficeChanged) {
			db.offices.Delete(officeKey{tenantID, b.OfficeID})
		}
	}
	return "", err
}

// holdsHalf reports whether b's person holds a seat for one of b's halves.
func holdsHalf(ctx context.Context, q querier, tenantID int64, b *places.Booking) (bool, error) {
	halves := places.HalvesOf(b.Half)
	args := []any{tenantID, b.StaffID, b.Day.String()}
	for _, h := range halves {
		args = append(args, h)
	}
	held, err := queryAll(ctx, q, scanID, `SELECT booking_id FROM booking_halves WHERE tenant_id = ? AND staff_id = ? AND day = ?
		AND half IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(halves)), ", ")+`)`, args...)
	return len(held) > 0, err
}

// fullOrHeld is the answer to a booking refused as full, asked once more
// after it: a booking that waited for the counter behind the same person's
// booking of the same half (a double click on the last seat) found the
// office full only because of that booking, and is told it is a second
// seat, as without the wait.
func (db *DB) fullOrHeld(ctx context.Context, tenantID int64, b *places.Booking, full places.Resource) (places.Resource, error) {
	held, err := holdsHalf(ctx, db, tenantID, b)
	if err != nil {
		return "", err
	}
	if held {
		return "", heldErr()
	}
	return full, nil
}

// bookSeatAtOnce is BookSeat on PostgreSQL as ONE statement, committed by
// the server as it ends, so that a day's counter row is locked only while
// the server finishes the statement and commits, not across the round trips
// of a client-side transaction (every booking of a rush on one day waits for
// that lock; issue 14). In order:
//
//   - cap: the office's capacity, read once and FOR SHARE (as counter.capOf
//     in capacity.go has it for the other writers of the counters). A change
//     of the office holds this row until it commits (lockOfficeDetails), so
//     the statement waits for a change in flight;
//   - v: the office at the version the booking was checked against (else
//     nothing is written: places.ErrOfficeChanged). Its task_places row is
//     taken FOR SHARE after cap, so that PostgreSQL reads the version as a
//     change committed meanwhile left it, not as the statement's snapshot
//     had it (TestDayClosedWhileBooking);
//   - held: the person's half-day rows for the booking's halves (a second
//     seat);
//   - f: the counters of the booking's halves and resources that are at the
//     office's capacity, as the statement's snapshot has them;
//   - c0, c1: the seat counters, then the PC counters (the upsert of
//     counter.takeSQL, halves in day order, as a cancellation releases them),
//     each raised only within the capacity, and only when v holds and held
//     and f are empty (c1 also only when every seat counter was raised);
//   - b: the booking, only when every counter was raised; h, a: its half-day
//     rows and its unsealed audit entry (object id: the new booking's), from b.
//
// A second seat or a full office thus writes nothing and says so (a second
// seat before a full seat before a full PC) without an error: the driver
// forgets a statement that failed and has PostgreSQL plan it afresh, which a
// rush of refusals would pay on every booking. Only when a counter was
// raised and another was not (a counter that filled up after the snapshot)
// does the statement fail through telework_refuse (migration 00034), which
// undoes all of it; a second seat taken after the snapshot (a double click)
// fails on the half-day rows' key, a duplicate. Sealing follows the commit,
// as for any other transaction.
func (db *DB) bookSeatAtOnce(ctx context.Context, tenantID int64, b *places.Booking, officeVersion int64, resources []places.Resource,
	actor audit.Actor, change audit.Change) (places.Resource, error) {
	halves := places.HalvesOf(b.Half)
	day := b.Day.String()
	n := len(halves)
	list := func(k int) string { return strings.TrimSuffix(strings.Repeat("?, ", k), ", ") }
	// The capacity, read once and FOR SHARE (as counter.capOf): a capacity
	// change waits for this booking's commit, and a booking after it reads
	// the new one.
	args := []any{tenantID, b.OfficeID, tenantID, b.OfficeID, officeVersion, tenantID, b.StaffID, day}
	for _, h := range halves {
		args = append(args, h)
	}
	args = append(args, tenantID, b.OfficeID, day)
	for _, h := range halves {
		args = append(args, h)
	}
	for _, r := range resources {
		args = append(args, r)
	}
	q := `WITH cap AS (SELECT ` + seatCap + ` AS seat, d.pcs AS pc
			FROM office_details d WHERE d.tenant_id = ? AND d.office_id = ? FOR SHARE),
		v AS (SELECT 1 FROM cap, task_places p WHERE p.tenant_id = ? AND p.id = ? AND p.version = ? FOR SHARE OF p),
		held AS (SELECT 1 FROM booking_halves WHERE tenant_id = ? AND staff_id = ? AND day = ? AND half IN (` + list(n) + `)),
		f AS (SELECT s.resource FROM place_slots s, cap WHERE s.tenant_id = ? AND s.office_id = ? AND s.day = ?
			AND s.half IN (` + list(n) + `) AND s.resource IN (` + list(len(resources)) + `)
			AND s.used >= CASE WHEN s.resource = 'pc' THEN cap.pc ELSE cap.seat END)`
	took := make([]string, len(resources))
	for i, r := range resources {
		col := "seat"
		if r == places.PC {
			col = "pc"
		}
		cond := "EXISTS (SELECT 1 FROM v) AND NOT EXISTS (SELECT 1 FROM held) AND NOT EXISTS (SELECT 1 FROM f)"
		for _, t := range took[:i] {
			cond += " AND " + t
		}
		args = append(args, tenantID, b.OfficeID, day, r)
		var vals []string
		for _, h := range halves {
			args = append(args, h)
			vals = append(vals, "(CAST(? AS TEXT))")
		}
		// The rows come in the order of the VALUES list (cap is one row),
		// the halves' day order, which is the order their locks are taken in,
		// as counter.takeSQL's UNION ALL has it.
		q += fmt.Sprintf(`,
		c%d AS (INSERT INTO place_slots (tenant_id, office_id, day, half, resource, used)
			SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), v.half, CAST(? AS TEXT), 1 FROM cap, (VALUES %s) v(half)
			WHERE 1 <= cap.%s AND %s
			ON CONFLICT (tenant_id, office_id, day, half, resource) DO UPDATE SET used = place_slots.used + 1
			WHERE place_slots.used + 1 <= (SELECT %s FROM cap) RETURNING 1)`, i, strings.Join(vals, ", "), col, cond, col)
		took[i] = fmt.Sprintf("(SELECT COUNT(*) FROM c%d) = %d", i, n)
	}
	args = append(args, tenantID, b.OfficeID, b.StaffID, day, b.Half, b.PC, nullID(b.ApplicationID), b.BookedBy, micros(b.CreatedAt))
	q += `,
		b AS (INSERT INTO bookings (tenant_id, office_id, staff_id, day, half, pc, application_id, status, booked_by, created_at)
			SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BOOLEAN),
			CAST(? AS BIGINT), 'booked', CAST(? AS BIGINT), CAST(? AS BIGINT) WHERE ` + strings.Join(took, " AND ") + ` RETURNING id)`
	args = append(args, tenantID, b.StaffID, day)
	for _, h := range halves {
		args = append(args, h)
	}
	q += `,
		h AS (INSERT INTO booking_halves (tenant_id, staff_id, day, half, booking_id)
			SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), v.half, b.id FROM b,
			(VALUES ` + strings.TrimSuffix(strings.Repeat("(CAST(? AS TEXT)), ", n), ", ") + `) v(half))`
	e := audit.NewEntry(tenantID, db.Now().UTC().Truncate(1000), actor, change)
	args = append(args, e.TenantID, micros(e.At), e.ActorID, e.ActorLabel, e.Action, e.ObjectType, string(e.Before), string(e.After))
	q += `,
		a AS (INSERT INTO audit_pending (tenant_id, at, actor_id, actor_label, action, object_type, object_id, before_json, after_json)
			SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),
			CAST(b.id AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT) FROM b)
		SELECT (SELECT id FROM b), CASE WHEN EXISTS (SELECT 1 FROM b) THEN '' WHEN NOT EXISTS (SELECT 1 FROM v) AND EXISTS (SELECT 1 FROM cap) THEN 'changed'
			WHEN EXISTS (SELECT 1 FROM held) THEN 'held'
			WHEN EXISTS (SELECT 1 FROM f WHERE resource = 'seat') THEN 'seat' WHEN EXISTS (SELECT 1 FROM f) THEN 'pc'
			WHEN (SELECT COUNT(*) FROM c0) = 0 THEN 'waited:seat'
			ELSE telework_refuse(CASE WHEN ` + took[0] + ` THEN 'pc' ELSE 'seat' END) END`
	var id sql.NullInt64
	var full string
	err := db.row(ctx, q, args...).Scan(&id, &full)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "TW001" {
		return db.fullOrHeld(ctx, tenantID, b, places.Resource(pgErr.Message))
	}
	if err != nil {
		return "", mapErr(err)
	}
	switch full {
	case "held":
		return "", heldErr()
	case "changed":
		db.offices.Delete(officeKey{tenantID, b.OfficeID})
		return "", places.ErrOfficeChanged
	}
	if !id.Valid {
		// Full as the statement began (f) is full: had the person held the
		// half then, held would have said so. Full only once the counter's
		// row was had may be the person's own booking committed meanwhile.
		if r, waited := strings.CutPrefix(full, "waited:"); waited {
			return db.fullOrHeld(ctx, tenantID, b, places.Resource(r))
		}
		return places.Resource(full), nil
	}
	b.ID = id.Int64
	db.sealAfterCommit(ctx, []int64{tenantID})
	return "", nil
}

// CancelBookingRow cancels a booked booking, not checked in and of today
// or later, and frees its half-day rows.
func (tx *Tx) CancelBookingRow(ctx context.Context, tenantID, id int64, today calendar.Date, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE tenant_id = ? AND id = ? AND status = 'booked'
		AND checked_in_at = 0 AND day >= ?`, micros(at), tenantID, id, today.String())
	if err != nil {
		return false, mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, mapErr(err)
	}
	_, err = tx.exec(ctx, `DELETE FROM booking_halves WHERE tenant_id = ? AND booking_id = ?`, tenantID, id)
	return err == nil, mapErr(err)
}

// CheckInBookingRow records the first arrival of a booked booking.
func (tx *Tx) CheckInBookingRow(ctx context.Context, tenantID, id int64, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE bookings SET checked_in_at = ? WHERE tenant_id = ? AND id = ? AND status = 'booked' AND checked_in_at = 0`,
		micros(at), tenantID, id)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

const bookingCols = `b.id, b.office_id, p.name, b.staff_id, s.name, b.day, b.half, b.pc, COALESCE(b.application_id, 0), b.status,
	b.booked_by, b.checked_in_at, b.created_at, b.cancelled_at`

func scanBooking(sc interface{ Scan(...any) error }) (*places.Booking, error) {
	b := &places.Booking{}
	var day string
	var in, created, cancelled int64
	if err := sc.Scan(&b.ID, &b.OfficeID, &b.OfficeName, &b.StaffID, &b.StaffName, &day, &b.Half, &b.PC, &b.ApplicationID, &b.Status,
		&b.BookedBy, &in, &created, &cancelled); err != nil {
		return nil, mapErr(err)
	}
	b.Day, _ = calendar.ParseDate(day)
	b.CreatedAt = fromMicros(created)
	if in != 0 {
		b.CheckedInAt = fromMicros(in)
	}
	if cancelled != 0 {
		b.CancelledAt = fromMicros(cancelled)
	}
	return b, nil
}

func findBookings(ctx context.Context, q querier, tenantID, id int64, f places.Filter) ([]*places.Booking, error) {
	query := `SELECT ` + bookingCols + ` FROM bookings b
		JOIN task_places p ON p.tenant_id = b.tenant_id AND p.id = b.office_id
		JOIN staff s ON s.tenant_id = b.tenant_id AND s.id = b.staff_id WHERE b.tenant_id = ?`
	args := []any{tenantID}
	add := func(cond string, v any) {
		query += ` AND ` + cond
		args = append(args, v)
	}
	if id != 0 {
		add(`b.id = ?`, id)
	}
	if f.OfficeID != 0 {
		add(`b.office_id = ?`, f.OfficeID)
	}
	if f.StaffID != 0 {
		add(`b.staff_id = ?`, f.StaffID)
	}
	if !f.From.IsZero() {
		add(`b.day >= ?`, f.From.String())
	}
	if !f.To.IsZero() {
		add(`b.day <= ?`, f.To.String())
	}
	if id == 0 && !f.IncludeCancelled {
		query += ` AND b.status = 'booked'`
	}
	if err := countInto(ctx, q, f.Total, query, args); err != nil {
		return nil, fmt.Errorf("store: count bookings: %w", err)
	}
	if a := f.After; a != nil {
		day := a.Day.String()
		query += ` AND (b.day > ? OR b.day = ? AND (b.half > ? OR b.half = ? AND b.id > ?))`
		args = append(args, day, day, string(a.Half), string(a.Half), a.ID)
	}
	return queryAll(ctx, q, scanBooking, query+` ORDER BY b.day, b.half, b.id LIMIT ?`, append(args, listCap(f.Limit))...)
}

// FindBookings lists bookings by day.
func (db *DB) FindBookings(ctx context.Context, tenantID int64, f places.Filter) ([]*places.Booking, error) {
	return findBookings(ctx, db, tenantID, 0, f)
}

// FindBookings is FindBookings inside a transaction.
func (tx *Tx) FindBookings(ctx context.Context, tenantID int64, f places.Filter) ([]*places.Booking, error) {
	return findBookings(ctx, tx, tenantID, 0, f)
}

// FindBooking reads one booking; NotFound outside the tenant.
func (db *DB) FindBooking(ctx context.Context, tenantID, id int64) (*places.Booking, error) {
	list, err := findBookings(ctx, db, tenantID, id, places.Filter{})
	return one(id, list, err, "booking")
}

// FindBooking is FindBooking inside a transaction.
func (tx *Tx) FindBooking(ctx context.Context, tenantID, id int64) (*places.Booking, error) {
	list, err := findBookings(ctx, tx, tenantID, id, places.Filter{})
	return one(id, list, err, "booking")
}

func findApplicationLink(ctx context.Context, q querier, tenantID, id int64, day calendar.Date) (places.ApplicationLink, error) {
	list, err := queryAll(ctx, q, func(sc interface{ Scan(...any) error }) (places.ApplicationLink, error) {
		var l places.ApplicationLink
		var status sql.NullString
		err := sc.Scan(&l.StaffID, &status)
		l.CoversDay, l.DayStatus = status.Valid, apply.Status(status.String)
		return l, mapErr(err)
	}, `SELECT a.staff_id, (SELECT d.status FROM application_days d WHERE d.tenant_id = a.tenant_id AND d.application_id = a.id AND d.day = ? LIMIT 1)
		FROM applications a WHERE a.tenant_id = ? AND a.id = ?`, day.String(), tenantID, id)
	return one(id, list, err, "application")
}

// FindApplicationLink reads whose application id is and whether it has
// day; NotFound outside the tenant.
func (db *DB) FindApplicationLink(ctx context.Context, tenantID, id int64, day calendar.Date) (places.ApplicationLink, error) {
	return findApplicationLink(ctx, db, tenantID, id, day)
}

// FindApplicationLink is FindApplicationLink inside a transaction.
func (tx *Tx) FindApplicationLink(ctx context.Context, tenantID, id int64, day calendar.Date) (places.ApplicationLink, error) {
	return findApplicationLink(ctx, tx, tenantID, id, day)
}
