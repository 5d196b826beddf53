package calendar

import (
	"context"
	"slices"
	"strconv"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
)

// InstanceChain is the tenant id of instance-level data (the imported
// national holidays) and of the audit chain that records its imports.
const InstanceChain int64 = 0

// Reader reads what a calendar is built from.
type Reader interface {
	// FindImportedHolidays lists the imported national holidays of the
	// years fromYear to toYear, in date order.
	FindImportedHolidays(ctx context.Context, fromYear, toYear int) ([]Holiday, error)
	// FindClosureDays lists the tenant's closure days of the years fromYear
	// to toYear, in date order.
	FindClosureDays(ctx context.Context, tenantID int64, fromYear, toYear int) ([]Holiday, error)
}

// Store is what the service reads and runs transactions on; internal/store
// implements it.
type Store interface {
	Reader
	// FindHolidayData summarises the imported national holidays.
	FindHolidayData(ctx context.Context) (HolidayData, error)
	InCalendarTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one calendar change writes, in one transaction with its audit
// entry.
type Tx interface {
	Reader
	// InsertClosureDay adds a closure day; a Conflict error when the
	// tenant already has one on that date.
	InsertClosureDay(ctx context.Context, tenantID int64, h Holiday, at time.Time) error
	// DeleteClosureDay removes the tenant's closure day on d and returns
	// it; NotFound when there is none.
	DeleteClosureDay(ctx context.Context, tenantID int64, d Date) (Holiday, error)
	// DeleteImportedHolidays removes the imported national holidays of
	// the years fromYear to toYear.
	DeleteImportedHolidays(ctx context.Context, fromYear, toYear int) error
	// InsertImportedHolidays writes national holidays imported at at.
	InsertImportedHolidays(ctx context.Context, hs []Holiday, at time.Time) error
	Audit(ctx context.Context, tenantID int64, actor audit.Actor, c audit.Change) error
}

// Service holds the calendar workflows: a tenant's business calendar, its
// closure days (閉庁日) and the instance's import of the national holidays.
// Handlers and the CLI call it; it never sees HTTP.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock (tests move it).
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}

// Today is the current date in Japan.
func (s *Service) Today() Date { return DateOf(s.now()) }

// Load builds a tenant's business calendar for the years fromYear to
// toYear (see the package function Load).
func (s *Service) Load(ctx context.Context, tenantID int64, fromYear, toYear int) (*Calendar, error) {
	return Load(ctx, s.st, tenantID, fromYear, toYear)
}

// Load builds a tenant's business calendar for the years fromYear to
// toYear from r: national holidays imported where a year was imported and
// computed elsewhere, 年末年始, and the tenant's closure days (none for the
// instance, tenant 0).
func Load(ctx context.Context, r Reader, tenantID int64, fromYear, toYear int) (*Calendar, error) {
	if toYear < fromYear {
		fromYear, toYear = toYear, fromYear
	}
	imported, err := r.FindImportedHolidays(ctx, fromYear, toYear)
	if err != nil {
		return nil, err
	}
	var closures []Holiday
	if tenantID != InstanceChain {
		if closures, err = r.FindClosureDays(ctx, tenantID, fromYear, toYear); err != nil {
			return nil, err
		}
	}
	return New(Config{FromYear: fromYear, ToYear: toYear, Imported: imported, Closures: closures}), nil
}

// ClosureDays lists the tenant's closure days of the years fromYear to
// toYear, in date order.
func (s *Service) ClosureDays(ctx context.Context, tenantID int64, fromYear, toYear int) ([]Holiday, error) {
	return s.st.FindClosureDays(ctx, tenantID, fromYear, toYear)
}

func closureSnapshot(h Holiday) map[string]string {
	return map[string]string{"date": h.Date.String(), "name": h.Name}
}

// AddClosureDay records one closure day of the tenant. It refuses a day
// that is already no business day (a weekend, a national holiday, 年末年始)
// and a date that already has a closure day, as field errors on
// closure_date; the name is trimmed. Audited as "calendar.closure_add".
func (s *Service) AddClosureDay(ctx context.Context, tenantID int64, actor audit.Actor, h Holiday) error {
	if err := ValidateClosure(&h); err != nil {
		return err
	}
	return s.st.InCalendarTx(ctx, func(tx Tx) error {
		cal, err := Load(ctx, tx, tenantID, h.Date.Year, h.Date.Year)
		if err != nil {
			return err
		}
		if !cal.IsBusinessDay(h.Date) {
			var v apperr.Validation
			key := "field.closure_not_business"
			if c, ok := cal.Holiday(h.Date); ok && c.Kind == KindClosure {
				key = "field.closure_exists"
			}
			v.Add("closure_date", key, map[string]any{"Reason": cal.Reason(h.Date)})
			return v.Err()
		}
		if err := tx.InsertClosureDay(ctx, tenantID, h, s.now()); apperr.CodeOf(err) == apperr.Conflict {
			// Another request added the same day since the read above.
			var v apperr.Validation
			v.Add("closure_date", "field.closure_exists", map[string]any{"Reason": h.Name})
			return v.Err()
		} else if err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "calendar.closure_add", ObjectType: "closure_day",
			ObjectID: h.Date.String(), After: closureSnapshot(h)})
	})
}

// RemoveClosureDay deletes the tenant's closure day on d; NotFound when
// there is none. Audited as "calendar.closure_remove".
func (s *Service) RemoveClosureDay(ctx context.Context, tenantID int64, actor audit.Actor, d Date) error {
	return s.st.InCalendarTx(ctx, func(tx Tx) error {
		h, err := tx.DeleteClosureDay(ctx, tenantID, d)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, tenantID, actor, audit.Change{Action: "calendar.closure_remove", ObjectType: "closure_day",
			ObjectID: d.String(), Before: closureSnapshot(h)})
	})
}

// Differences lists the days of the imported years fromYear to toYear
// where the data and the computation under the 祝日法 disagree (the import
// result's Diffs, read again from what is stored).
func (s *Service) Differences(ctx context.Context, fromYear, toYear int) ([]Difference, error) {
	hs, err := s.st.FindImportedHolidays(ctx, fromYear, toYear)
	if err != nil {
		return nil, err
	}
	return CompareComputed(hs), nil
}

// HolidayData summarises the imported national holidays.
func (s *Service) HolidayData(ctx context.Context) (HolidayData, error) {
	return s.st.FindHolidayData(ctx)
}

// ImportSyukujitsu reads the Cabinet Office's syukujitsu.csv and imports
// it (ImportHolidays). A faulty file changes nothing: the error is an
// *ImportError listing the faults by line.
func (s *Service) ImportSyukujitsu(ctx context.Context, actor audit.Actor, raw []byte) (HolidayImport, error) {
	hs, err := ParseSyukujitsu(raw)
	if err != nil {
		return HolidayImport{}, err
	}
	return s.ImportHolidays(ctx, actor, hs)
}

// ImportHolidays replaces, for every year hs covers, that year's imported
// national holidays, in one transaction recorded in the instance audit
// chain (tenant 0). Years hs does not cover keep what they had, and so do
// the days of its first and last year outside the span the file covers (a
// file cut at 2027-06-30 keeps 2027's autumn holidays: a year with any
// imported day takes all its holidays from the import, so they would
// otherwise be lost): the year's imported days, or its computed ones
// where none were imported. hs comes from ParseSyukujitsu.
func (s *Service) ImportHolidays(ctx context.Context, actor audit.Actor, hs []Holiday) (HolidayImport, error) {
	res := HolidayImport{Years: ImportedYears(hs), Days: len(hs)}
	if len(hs) == 0 {
		return res, apperr.New(apperr.Invalid, "calendar.import_empty")
	}
	first, last := hs[0].Date, hs[0].Date
	for _, h := range hs {
		if h.Date.Before(first) {
			first = h.Date
		}
		if last.Before(h.Date) {
			last = h.Date
		}
	}
	var write []Holiday
	err := s.st.InCalendarTx(ctx, func(tx Tx) error {
		res.Added, res.Removed, res.Renamed, res.Kept = 0, 0, 0, 0
		write = slices.Clone(hs)
		before, kept := map[string]string{}, map[string]bool{}
		for _, y := range res.Years {
			old, err := tx.FindImportedHolidays(ctx, y, y)
			if err != nil {
				return err
			}
			for _, h := range old {
				before[h.Date.String()] = h.Name
			}
			// What the calendar used for the days outside the file's
			// span: the year's imported days, or the computed ones.
			used := old
			if len(used) == 0 {
				used = computeYear(y)
			}
			for _, h := range used {
				if h.Date.Before(first) || last.Before(h.Date) {
					write = append(write, h)
					kept[h.Date.String()] = true
					res.Kept++
				}
			}
			if err := tx.DeleteImportedHolidays(ctx, y, y); err != nil {
				return err
			}
		}
		if err := tx.InsertImportedHolidays(ctx, write, s.now()); err != nil {
			return err
		}
		after := make(map[string]string, len(write))
		for _, h := range write {
			after[h.Date.String()] = h.Name
		}
		// The audit entry holds what changed, not the whole file: a yearly
		// re-import of the same data records only its summary.
		chBefore, chAfter := map[string]string{}, map[string]string{}
		for day, n := range before {
			switch a, ok := after[day]; {
			case !ok:
				res.Removed++
				chBefore[day] = n
			case a != n:
				res.Renamed++
				chBefore[day], chAfter[day] = n, a
			}
		}
		for day, n := range after {
			if _, ok := before[day]; !ok {
				// A kept day is stored now but not new to the calendar:
				// told as kept, not as added.
				if !kept[day] {
					res.Added++
				}
				chAfter[day] = n
			}
		}
		span := strconv.Itoa(res.Years[0]) + "-" + strconv.Itoa(res.Years[len(res.Years)-1])
		return tx.Audit(ctx, InstanceChain, actor, audit.Change{Action: "calendar.holidays_import", ObjectType: "national_holidays",
			ObjectID: span, Before: chBefore, After: map[string]any{"years": span, "days": res.Days, "added": res.Added,
				"removed": res.Removed, "renamed": res.Renamed, "kept": res.Kept, "changes": chAfter}})
	})
	if err != nil {
		return res, err
	}
	res.Diffs = CompareComputed(write)
	return res, nil
}
