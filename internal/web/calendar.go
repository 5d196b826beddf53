package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
)

// maxHolidayFile bounds an uploaded syukujitsu.csv (the real one is about
// 20 KB).
const maxHolidayFile = 1 << 20

type calendarRow struct {
	calendar.Holiday
	Weekend bool
}

type monthCount struct {
	Month, Days int
}

type closureForm struct {
	Date, Name string
}

type calendarView struct {
	Year, Prev, Next int
	Rows             []calendarRow
	Months           []monthCount
	Total            int
	Imported         bool
	Closures         []calendar.Holiday
	CanEdit          bool
	Form             closureForm
}

// requestedYear reads ?year=, falling back to this year in Japan when it is
// missing or outside 1955–2100.
func (s *Server) requestedYear(r *http.Request) (int, bool) {
	this := s.svc.Calendar.Today().Year
	q := r.URL.Query().Get("year")
	if q == "" {
		return this, true
	}
	y, err := strconv.Atoi(toHalfWidthDigits(q))
	if err != nil || y < calendar.MinImportYear || y > calendar.MaxImportYear {
		return this, false
	}
	return y, true
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	y, _ := s.requestedYear(r)
	s.renderCalendar(w, r, http.StatusOK, y, closureForm{}, nil)
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, status, year int, f closureForm, err error) {
	p := principal(r)
	ctx := r.Context()
	cal, lerr := s.svc.Calendar.Load(ctx, p.TenantID, year, year)
	if lerr != nil {
		s.serverError(w, r, lerr)
		return
	}
	closures, lerr := s.svc.Calendar.ClosureDays(ctx, p.TenantID, year, year)
	if lerr != nil {
		s.serverError(w, r, lerr)
		return
	}
	v := calendarView{Year: year, Prev: year - 1, Next: year + 1, Imported: cal.Imported(year), Closures: closures,
		CanEdit: p.Has(auth.HRAdmin), Form: f}
	for _, h := range cal.Holidays(year) {
		wd := h.Date.Weekday()
		v.Rows = append(v.Rows, calendarRow{h, wd == time.Saturday || wd == time.Sunday})
	}
	for m := time.January; m <= time.December; m++ {
		first := calendar.Date{Year: year, Month: m, Day: 1}
		last := calendar.Date{Year: year, Month: m + 1, Day: 1}.AddDays(-1)
		n := cal.BusinessDaysBetween(first, last)
		v.Months = append(v.Months, monthCount{int(m), n})
		v.Total += n
	}
	s.render(w, r, status, "calendar", "calendar.title", v, err)
}

// Weekday is a date's day of the week as the page shows it (月, Mon …).
func (v *view) Weekday(d calendar.Date) string {
	return v.T("calendar.weekday_" + strconv.Itoa(int(d.Weekday())))
}

// closureAdd records a closure day (閉庁日) for the HR admin's tenant.
func (s *Server) closureAdd(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	f := closureForm{Date: fm.str("closure_date"), Name: fm.str("closure_name")}
	year := s.svc.Calendar.Today().Year
	h := calendar.Holiday{Name: f.Name}
	if f.Date != "" {
		d, err := calendar.ParseDateFlexible(f.Date)
		if err != nil {
			fm.v.Add("closure_date", "field.date", nil)
		} else {
			h.Date, year = d, d.Year
		}
	}
	err := fm.v.Err()
	if err == nil {
		err = s.svc.Calendar.AddClosureDay(r.Context(), p.TenantID, actorOf(p), h)
	} else {
		err = fm.merge(calendar.ValidateClosure(&h))
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.renderCalendar(w, r, http.StatusUnprocessableEntity, year, f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/calendar?year="+strconv.Itoa(h.Date.Year), "flash.closure_added")
}

// closureRemove deletes one of the tenant's closure days, named by date.
func (s *Server) closureRemove(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	d := fm.date("date")
	if d.IsZero() && !fm.v.Has("date") {
		fm.v.Add("date", "field.required", nil)
	}
	if err := fm.v.Err(); err != nil {
		s.renderCalendar(w, r, http.StatusUnprocessableEntity, s.svc.Calendar.Today().Year, closureForm{}, err)
		return
	}
	if err := s.svc.Calendar.RemoveClosureDay(r.Context(), p.TenantID, actorOf(p), d); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/calendar?year="+strconv.Itoa(d.Year), "flash.closure_removed")
}

type holidayDataView struct {
	Data   calendar.HolidayData
	Result *calendar.HolidayImport
	// Span is the result's years as "2024–2026".
	Span   string
	Diffs  []calendar.Difference
	Faults []calendar.ImportFault
	More   int
}

func (s *Server) holidayDataPage(w http.ResponseWriter, r *http.Request) {
	v := &holidayDataView{}
	// After an import (redirected here: a reload must not import the file
	// again), the result's counts come in the query and the differences
	// are read again from what is stored.
	q := r.URL.Query()
	if from, to, ok := strings.Cut(q.Get("imported"), "-"); ok {
		fy, err1 := strconv.Atoi(from)
		ty, err2 := strconv.Atoi(to)
		if err1 == nil && err2 == nil && fy <= ty && fy >= calendar.MinImportYear && ty <= calendar.MaxImportYear {
			n := func(k string) int { x, _ := strconv.Atoi(q.Get(k)); return max(x, 0) }
			res := &calendar.HolidayImport{Days: n("days"), Added: n("added"), Removed: n("removed"), Renamed: n("renamed"), Kept: n("kept")}
			for y := fy; y <= ty; y++ {
				res.Years = append(res.Years, y)
			}
			diffs, err := s.svc.Calendar.Differences(r.Context(), fy, ty)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			v.Result, v.Span, v.Diffs = res, res.Span(), diffs
		}
	}
	s.renderHolidayData(w, r, http.StatusOK, v, nil)
}

func (s *Server) renderHolidayData(w http.ResponseWriter, r *http.Request, status int, v *holidayDataView, err error) {
	data, derr := s.svc.Calendar.HolidayData(r.Context())
	if derr != nil {
		s.serverError(w, r, derr)
		return
	}
	v.Data = data
	s.render(w, r, status, "holiday_data", "holidays.title", v, err)
}

// holidayImport reads an uploaded syukujitsu.csv and replaces the years it
// covers; a faulty file changes nothing and its faults are listed by line.
func (s *Server) holidayImport(w http.ResponseWriter, r *http.Request) {
	file, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.renderStatus(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
			return
		}
		var v apperr.Validation
		v.Add("file", "field.file_required", nil)
		s.renderHolidayData(w, r, http.StatusUnprocessableEntity, &holidayDataView{}, v.Err())
		return
	}
	defer file.Close()
	raw, err := io.ReadAll(io.LimitReader(file, maxHolidayFile+1))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(raw) > maxHolidayFile {
		s.renderStatus(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		return
	}
	// The operator's imports pass the node's upload gate too (as tenant 0).
	release, err := s.svc.Staffio.Gate().Enter(0, len(raw))
	if v, busy := uploadBusy(w, err); busy {
		s.renderHolidayData(w, r, http.StatusTooManyRequests, &holidayDataView{}, v.Err())
		return
	}
	defer release()
	res, err := s.svc.Calendar.ImportSyukujitsu(r.Context(), actorOf(principal(r)), raw)
	var ie *calendar.ImportError
	if errors.As(err, &ie) {
		s.renderHolidayData(w, r, http.StatusUnprocessableEntity, &holidayDataView{Faults: ie.Faults, More: ie.More},
			apperr.New(apperr.Invalid, "holidays.refused"))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/operator/holidays?imported=%d-%d&days=%d&added=%d&removed=%d&renamed=%d&kept=%d",
		res.Years[0], res.Years[len(res.Years)-1], res.Days, res.Added, res.Removed, res.Renamed, res.Kept), http.StatusSeeOther)
}
