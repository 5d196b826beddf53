package policy

import (
	"context"
	"errors"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/tabular"
)

// Simulation is the result of replaying past telework days against a
// policy: who would have been refused or warned, and why.
//
// The counts agree with the table: every row of Rows is counted once, by
// its Status — Refused (at least one error), Warned (warnings only) or
// Unknown (a 職員番号 not registered, e.g. someone who has left: a warning,
// the day is not replayed) — and OK is the days with nothing to say, so
// Total = Refused + Warned + Unknown + OK = len(Rows) + OK.
type Simulation struct {
	Rows             []SimRow // the days with a finding, in date order
	Refused, Warned  int
	Unknown          int // rows whose 職員番号 is not registered
	OK               int // days replayed without a finding
	People           int // registered people with at least one finding
	Total            int // rows of the file
	DeadlinesSkipped bool
	Encoding         string // of the file read
	FileName         string // set by the caller
	// Stored: the stored applications of From–To were replayed (not a
	// file).
	Stored   bool
	From, To calendar.Date
	// Overrides are the emergency rules the days were replayed under
	// (SimulateStoredUnder); none for the normal policy.
	Overrides []Override
	// Omitted counts the days with a finding beyond the first
	// MaxSimulationRows, counted but not listed.
	Omitted int
}

// Listed is the number of rows in the table.
func (s *Simulation) Listed() int { return len(s.Rows) }

// MaxSimulationRows is how many days with a finding a simulation lists
// (the counts cover them all): a file of a quarter of a million refused
// rows made a page of tens of megabytes (a review).
const MaxSimulationRows = 2000

// SimulationTimeout bounds a simulation's replay: past it the replay stops
// and says so (trial.sim_timeout on the file or the period), rather than
// holding a CPU and the import slot for as long as a file makes it take.
const SimulationTimeout = 60 * time.Second

// maxSameDay is how many of one person's applications of one day the
// replay keeps as the earlier ones the next are judged against (a day
// holds a few parts, not hundreds: a file repeating one day makes the
// rest duplicates of those kept).
const maxSameDay = 48

// listRow lists a day with a finding, up to MaxSimulationRows.
func (s *Simulation) listRow(r SimRow) {
	if len(s.Rows) >= MaxSimulationRows {
		s.Omitted++
		return
	}
	s.Rows = append(s.Rows, r)
}

// SimRow is one replayed day with its findings, in the language asked for.
type SimRow struct {
	Line int
	// ApplicationID names the stored application replayed (0 for a file's
	// row).
	ApplicationID int64
	StaffNo       string
	Name          string
	Date          calendar.Date
	Status        string // refused | warned | unknown
	Errors        []string
	Warnings      []string
}

// simColumns are the headings a simulation file may use for each column.
func simColumns() map[string][]string {
	return map[string][]string{
		"staff_no":      {"職員番号", "staff_no"},
		"date":          {"日付", "実施日", "date"},
		"mode":          {"形態", "勤務形態", "mode"},
		"time_unit":     {"時間単位", "単位", "time_unit"},
		"start":         {"開始", "開始時刻", "start"},
		"end":           {"終了", "終了時刻", "end"},
		"submitted_at":  {"申請日時", "申請日", "提出日時", "submitted_at"},
		"prior_consent": {"事前了承", "事前の了承", "了承", "prior_consent"},
	}
}

// yesNo reads a 事前了承 cell: ○, 有, あり, はい, 済, yes, true, 1 and the
// like are yes; empty, ×, 無, なし, いいえ, no, false, 0 are no.
func yesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "○", "〇", "◯", "有", "あり", "有り", "はい", "済", "了承", "了承済", "y", "yes", "true", "1", "✓", "✔":
		return true, true
	case "", "×", "✕", "無", "なし", "無し", "いいえ", "未", "n", "no", "false", "0", "-", "－":
		return false, true
	}
	return false, false
}

// dateTimeRE splits a written date-time: the date (any form
// calendar.ParseDateFlexible reads) and HH:MM[:SS].
var dateTimeRE = regexp.MustCompile(`^(.*?)(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2}))?$`)

// parseDateTime reads a 申請日時 as spreadsheets and people write it:
// 2026-11-07 10:00, 2026/11/7 10:00 (Excel's own display), 2026年11月7日
// 9:05, 2026-11-07T10:00:00, 全角 included; a date alone is the start of
// that day. raw is the stored number of a spreadsheet date cell (days
// since 1899-12-30, or 1904-01-01, the fraction the time of day), which
// wins over the display.
func parseDateTime(shown, raw string, date1904 bool) (time.Time, bool) {
	if raw != "" {
		v, err := strconv.ParseFloat(raw, 64)
		if err == nil && v >= 1 {
			days := math.Floor(v)
			mins := int(math.Round((v - days) * 24 * 60))
			var d calendar.Date
			ok := false
			if date1904 {
				y, m, dd, sok := tabular.SerialDate(strconv.FormatFloat(days, 'f', 0, 64), true)
				d, ok = calendar.Date{Year: y, Month: m, Day: dd}, sok
			} else if pd, perr := calendar.ParseDateFlexible(strconv.FormatFloat(days, 'f', 0, 64)); perr == nil {
				d, ok = pd, true
			}
			if ok {
				return d.Time().Add(time.Duration(mins) * time.Minute), true
			}
		}
	}
	s := strings.TrimSpace(width.Narrow.String(shown))
	if m := dateTimeRE.FindStringSubmatch(s); m != nil {
		d, err := calendar.ParseDateFlexible(m[1])
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		if err != nil || h > 23 || mi > 59 {
			return time.Time{}, false
		}
		return d.Time().Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute), true
	}
	d, err := calendar.ParseDateFlexible(s)
	if err != nil {
		return time.Time{}, false
	}
	return d.Time(), true
}

// modeWord reads a 形態 cell.
func modeWord(s string) (Mode, bool) {
	switch s {
	case "在宅", "在宅勤務", "home":
		return Home, true
	case "サテライト", "サテライトオフィス", "サテライトオフィス勤務", "satellite":
		return Satellite, true
	case "モバイル", "モバイルワーク", "mobile":
		return Mobile, true
	}
	return "", false
}

// unitWord reads a 時間単位 cell; empty is a full day.
func unitWord(s string) (TimeUnit, bool) {
	switch s {
	case "", "終日", "full_day":
		return FullDay, true
	case "午前", "am":
		return AM, true
	case "午後", "pm":
		return PM, true
	case "時間単位", "時間", "hourly":
		return Hourly, true
	}
	return "", false
}

// simItem is one row of the file, read.
type simItem struct {
	line    int
	appID   int64 // a stored application's id (0 for a file's row)
	staffNo string
	app     Application
	at      time.Time // submitted; zero when the file does not say
}

// readSimulation reads a file of past telework days (職員番号, 日付, 形態,
// 時間単位, 開始, 終了 and optionally 申請日時 and 事前了承), in date order.
// Problems are Invalid errors on the field "file", each naming its line,
// the column it could not read (by the heading in the file) and the value.
func readSimulation(data []byte) ([]simItem, string, error) {
	tab, err := tabular.Read(data)
	if err != nil {
		return nil, "", err
	}
	var v apperr.Validation
	if len(tab.Rows) < 2 {
		v.Add("file", "field.sim_empty", nil)
		return nil, "", v.Err()
	}
	cols := simColumns()
	col := map[string]int{}
	heading := map[string]string{}
	for i, h := range tab.Rows[0].Cells {
		h = strings.TrimSpace(tabular.NormalizeText(h))
		for k, names := range cols {
			if slices.Contains(names, h) {
				col[k], heading[k] = i, h
			}
		}
	}
	for _, k := range []string{"staff_no", "date", "mode"} {
		if _, ok := col[k]; !ok {
			v.Add("file", "field.sim_column", map[string]any{"Column": cols[k][0]})
		}
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	get := func(row tabular.Row, k string) string {
		i, ok := col[k]
		if !ok {
			return ""
		}
		return strings.TrimSpace(row.Cell(i))
	}
	raw := func(row tabular.Row, k string) string {
		i, ok := col[k]
		if !ok {
			return ""
		}
		return row.RawCell(i)
	}
	var items []simItem
	for _, row := range tab.Rows[1:] {
		bad := func(k string) {
			v.Add("file", "trial.sim_cell", map[string]any{"Line": row.Line, "Column": heading[k], "Value": get(row, k)})
		}
		ok := true
		no := width.Narrow.String(get(row, "staff_no"))
		if no == "" {
			bad("staff_no")
			ok = false
		}
		d, dok := simDate(get(row, "date"), raw(row, "date"), tab.Date1904)
		if !dok {
			bad("date")
			ok = false
		}
		mode, mok := modeWord(get(row, "mode"))
		if !mok {
			bad("mode")
			ok = false
		}
		unit, uok := unitWord(get(row, "time_unit"))
		if !uok {
			bad("time_unit")
			ok = false
		}
		consent, cok := yesNo(get(row, "prior_consent"))
		if !cok {
			bad("prior_consent")
			ok = false
		}
		var at time.Time
		if s := get(row, "submitted_at"); s != "" {
			var aok bool
			if at, aok = parseDateTime(s, raw(row, "submitted_at"), tab.Date1904); !aok {
				bad("submitted_at")
				ok = false
			}
		}
		if !ok {
			continue
		}
		a := Application{Mode: mode, Place: PlaceHome, TimeUnit: unit, Dates: []calendar.Date{d},
			Start: get(row, "start"), End: get(row, "end"), Status: "approved", PriorConsent: consent}
		switch mode {
		case Satellite:
			a.Place = PlaceSatellite
		case Mobile:
			a.Place = PlaceMobile
		}
		items = append(items, simItem{line: row.Line, staffNo: no, app: a, at: at})
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].app.Dates[0].Before(items[j].app.Dates[0]) })
	return items, tab.Encoding, nil
}

// simDate reads a 日付 cell: a spreadsheet date by its stored serial
// (whatever the display format), else the text in any form
// calendar.ParseDateFlexible reads (a time after the date is ignored).
func simDate(shown, raw string, date1904 bool) (calendar.Date, bool) {
	if raw != "" {
		if t, ok := parseDateTime("", raw, date1904); ok {
			return calendar.DateOf(t), true
		}
	}
	d, err := calendar.ParseDateFlexible(shown)
	return d, err == nil
}

// Simulate replays a file of past telework days against pol, each person's
// days in date order (so caps count the earlier ones), and explains every
// finding in lang. A file it cannot read is an Invalid error on the field
// "file"; a 職員番号 that is not registered is a warning on its rows.
func (s *Service) Simulate(ctx context.Context, tenantID int64, pol Policy, data []byte, lang string) (*Simulation, error) {
	items, enc, err := readSimulation(data)
	if err != nil {
		return nil, err
	}
	sim := &Simulation{Total: len(items), Encoding: enc}
	return s.replay(ctx, tenantID, pol, items, sim, lang)
}

// PastApplication is one stored telework day as the simulation replays
// it: whose, the application as it was made (one day) and when it was
// submitted.
type PastApplication struct {
	ApplicationID int64
	StaffNo       string
	App           Application
	SubmittedAt   time.Time
}

// PastApplications reads the telework days people applied for (internal/
// store implements it over the stored applications; this package does not
// know the application workflow).
type PastApplications interface {
	// FindPastApplications lists the days from..to (inclusive) of
	// applications that were submitted and not withdrawn, rejected or
	// cancelled, in date order.
	FindPastApplications(ctx context.Context, tenantID int64, from, to calendar.Date) ([]PastApplication, error)
}

// SetPastApplications gives the service the stored applications to
// replay (wiring).
func (s *Service) SetPastApplications(p PastApplications) { s.past = p }

// MaxSimulationDays bounds the period a simulation of stored applications
// covers.
const MaxSimulationDays = 366

// SimulateStored replays the telework days applied for from..to (the
// stored applications) against pol, each person's days in date order,
// judged as of their submission; the rows name the application. A period
// backwards or longer than MaxSimulationDays is an Invalid error.
func (s *Service) SimulateStored(ctx context.Context, tenantID int64, pol Policy, from, to calendar.Date, lang string) (*Simulation, error) {
	return s.simulateStored(ctx, tenantID, pol, from, to, lang, nil)
}

func (s *Service) simulateStored(ctx context.Context, tenantID int64, pol Policy, from, to calendar.Date, lang string, ovs []Override) (*Simulation, error) {
	var v apperr.Validation
	switch {
	case from.IsZero() || !from.Valid():
		v.Add("sim_from", "field.date", nil)
	case to.IsZero() || !to.Valid():
		v.Add("sim_to", "field.date", nil)
	case to.Before(from):
		v.Add("sim_to", "apply.date_order", nil)
	case from.DaysUntil(to) >= MaxSimulationDays:
		v.Add("sim_to", "apply.span_too_long", map[string]any{"Max": MaxSimulationDays})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if s.past == nil {
		return nil, errors.New("policy: no stored applications to replay (SetPastApplications)")
	}
	past, err := s.past.FindPastApplications(ctx, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	items := make([]simItem, 0, len(past))
	for _, p := range past {
		// Each day is replayed by itself: the earlier days of the same
		// application count as the person's others.
		p.App.ID = 0
		items = append(items, simItem{appID: p.ApplicationID, staffNo: p.StaffNo, app: p.App, at: p.SubmittedAt})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].app.Dates[0].Before(items[j].app.Dates[0]) })
	sim := &Simulation{Total: len(items), Stored: true, From: from, To: to, Overrides: ovs}
	return s.replay(ctx, tenantID, pol, items, sim, lang)
}

// SimulateStoredUnder is SimulateStored under emergency rules (issue 15):
// with em nil, the emergencies declared for the period (their units and
// days); otherwise em, a hypothetical emergency, over the whole period for
// its units (none: everyone).
func (s *Service) SimulateStoredUnder(ctx context.Context, tenantID int64, pol Policy, from, to calendar.Date, lang string, em *OverrideRules) (*Simulation, error) {
	var ovs []Override
	if em == nil {
		var err error
		if ovs, err = s.st.FindPolicyOverrides(ctx, tenantID, from, to); err != nil {
			return nil, err
		}
	} else {
		var v apperr.Validation
		if em.Check(&v, "rules."); v.Err() != nil {
			return nil, v.Err()
		}
		ovs = []Override{{ID: 1, From: from, To: to, Rules: *em}}
	}
	if len(ovs) == 0 {
		// An Override with no rules still marks the replay as one under
		// emergency rules (none were declared: the normal policy).
		ovs = []Override{{From: from, To: to}}
	}
	return s.simulateStored(ctx, tenantID, pol, from, to, lang, ovs)
}

// replay evaluates the items (in date order) against pol into sim. Each
// day is judged against the person's earlier days of its week and month
// only (all the caps and the duplicate check look at): the work grows with
// the rows, not with their square (a review's file of 32,000 rows of one
// person took two minutes). It stops when the request ends or after
// SimulationTimeout (trial.sim_timeout, naming field).
func (s *Service) replay(ctx context.Context, tenantID int64, pol Policy, items []simItem, sim *Simulation, lang string) (*Simulation, error) {
	field := "file"
	if sim.Stored {
		field = "sim_to"
	}
	ctx, cancel := context.WithTimeout(ctx, SimulationTimeout)
	defer cancel()
	dates := make([]calendar.Date, 0, len(items))
	for _, it := range items {
		dates = append(dates, it.app.Dates[0])
	}
	cal, err := s.calendar(ctx, tenantID, dates...)
	if err != nil {
		return nil, err
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	people := map[string]Person{}
	unknown := map[string]bool{}
	names := map[string]string{}
	earlier := map[string][]Application{}
	affected := map[string]bool{}
	for i, it := range items {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					return nil, apperr.At(apperr.Invalid, field, "trial.sim_timeout",
						map[string]any{"Seconds": int(SimulationTimeout / time.Second), "Done": i, "Total": len(items)})
				}
				return nil, err
			}
		}
		per, ok := people[it.staffNo]
		if !ok && unknown[it.staffNo] {
			sim.addUnknown(it, lang)
			continue
		}
		if !ok {
			st, err := s.st.FindStaffByNo(ctx, tenantID, it.staffNo)
			if err != nil {
				if apperr.CodeOf(err) == apperr.NotFound {
					// Someone who has left (or a typing slip): said on the
					// row, the rest of the file is still replayed.
					unknown[it.staffNo] = true
					sim.addUnknown(it, lang)
					continue
				}
				return nil, err
			}
			if per, err = s.person(ctx, tenantID, tr, st); err != nil {
				return nil, err
			}
			people[it.staffNo], names[it.staffNo] = per, st.Name
		}
		pol := pol
		now := it.at
		if now.IsZero() {
			// Without the time of submission the deadline cannot be judged:
			// replay as if submitted in time.
			pol.Deadline.On = "none"
			sim.DeadlinesSkipped = true
			now = it.app.Dates[0].Time().Add(-30 * 24 * time.Hour)
		}
		// The earlier days outside this day's week and month count for
		// nothing now, nor for any later day (the items come in date
		// order, and so do the first days of their weeks and months).
		d := it.app.Dates[0]
		from := weekStart(d)
		if month := (calendar.Date{Year: d.Year, Month: d.Month, Day: 1}); month.Before(from) {
			from = month
		}
		prior := earlier[it.staffNo]
		k := 0
		for k < len(prior) && prior[k].Dates[0].Before(from) {
			k++
		}
		prior = prior[k:]
		fs := Evaluate(Input{Policy: pol, Calendar: cal, Person: per, App: it.app, Others: prior,
			Stage: AtSubmit, Now: now, Overrides: sim.Overrides})
		same := 0
		for j := len(prior) - 1; j >= 0 && prior[j].Dates[0] == d; j-- {
			same++
		}
		if same < maxSameDay {
			prior = append(prior, it.app)
		}
		earlier[it.staffNo] = prior
		row := SimRow{Line: it.line, ApplicationID: it.appID, StaffNo: it.staffNo, Name: names[it.staffNo], Date: it.app.Dates[0]}
		for _, f := range fs {
			switch f.Severity {
			case Error:
				row.Errors = append(row.Errors, f.Message(lang))
			case Warning:
				row.Warnings = append(row.Warnings, f.Message(lang))
			}
		}
		switch {
		case len(row.Errors) > 0:
			row.Status = "refused"
			sim.Refused++
		case len(row.Warnings) > 0:
			row.Status = "warned"
			sim.Warned++
		default:
			sim.OK++
			continue
		}
		sim.listRow(row)
		affected[it.staffNo] = true
	}
	sim.People = len(affected)
	return sim, nil
}

// addUnknown lists a row whose 職員番号 is not registered, as a warning.
func (sim *Simulation) addUnknown(it simItem, lang string) {
	sim.Unknown++
	sim.listRow(SimRow{Line: it.line, StaffNo: it.staffNo, Date: it.app.Dates[0], Status: "unknown",
		Warnings: []string{i18n.T(lang, "trial.sim_unknown_staff", map[string]any{"StaffNo": it.staffNo})}})
}
