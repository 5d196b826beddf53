package policy

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/width"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/tabular"
)

// Simulation is the result of replaying past telework days against a
// policy: who would have been refused or warned, and why.
type Simulation struct {
	Rows             []SimRow // the days with a finding, in date order
	Refused, Warned  int
	People           int // people with at least one finding
	Total            int // days replayed
	DeadlinesSkipped bool
	Encoding         string // of the file read
	FileName         string // set by the caller
}

// SimRow is one replayed day with its findings, in the language asked for.
type SimRow struct {
	Line     int
	StaffNo  string
	Name     string
	Date     calendar.Date
	Errors   []string
	Warnings []string
}

// simColumns are the headings a simulation file may use for each column.
func simColumns() map[string][]string {
	return map[string][]string{
		"staff_no":     {"職員番号", "staff_no"},
		"date":         {"日付", "実施日", "date"},
		"mode":         {"形態", "勤務形態", "mode"},
		"time_unit":    {"時間単位", "単位", "time_unit"},
		"start":        {"開始", "開始時刻", "start"},
		"end":          {"終了", "終了時刻", "end"},
		"submitted_at": {"申請日時", "submitted_at"},
	}
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
	staffNo string
	app     Application
	at      time.Time // submitted; zero when the file does not say
}

// readSimulation reads a file of past telework days (職員番号, 日付, 形態,
// 時間単位, 開始, 終了 and optionally 申請日時), in date order. Problems are
// Invalid errors on the field "file", each naming its line.
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
	for i, h := range tab.Rows[0].Cells {
		h = strings.TrimSpace(tabular.NormalizeText(h))
		for k, names := range cols {
			if slices.Contains(names, h) {
				col[k] = i
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
	var items []simItem
	for _, row := range tab.Rows[1:] {
		no := width.Narrow.String(get(row, "staff_no"))
		d, derr := calendar.ParseDateFlexible(get(row, "date"))
		mode, mok := modeWord(get(row, "mode"))
		unit, uok := unitWord(get(row, "time_unit"))
		if no == "" || derr != nil || !mok || !uok {
			v.Add("file", "field.sim_row", map[string]any{"Line": row.Line})
			continue
		}
		a := Application{Mode: mode, Place: PlaceHome, TimeUnit: unit, Dates: []calendar.Date{d},
			Start: get(row, "start"), End: get(row, "end"), Status: "approved"}
		switch mode {
		case Satellite:
			a.Place = PlaceSatellite
		case Mobile:
			a.Place = PlaceMobile
		}
		it := simItem{line: row.Line, staffNo: no, app: a}
		if s := get(row, "submitted_at"); s != "" {
			t, terr := time.ParseInLocation("2006-01-02 15:04", strings.ReplaceAll(s, "/", "-"), calendar.Tokyo)
			if terr != nil {
				v.Add("file", "field.sim_row", map[string]any{"Line": row.Line})
				continue
			}
			it.at = t
		}
		items = append(items, it)
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].app.Dates[0].Before(items[j].app.Dates[0]) })
	return items, tab.Encoding, nil
}

// Simulate replays a file of past telework days against pol, each person's
// days in date order (so caps count the earlier ones), and explains every
// finding in lang. A file it cannot read, or that names unknown staff, is
// an Invalid error on the field "file".
func (s *Service) Simulate(ctx context.Context, tenantID int64, pol Policy, data []byte, lang string) (*Simulation, error) {
	items, enc, err := readSimulation(data)
	if err != nil {
		return nil, err
	}
	sim := &Simulation{Total: len(items), Encoding: enc}
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
	var v apperr.Validation
	people := map[string]Person{}
	names := map[string]string{}
	earlier := map[string][]Application{}
	affected := map[string]bool{}
	for _, it := range items {
		per, ok := people[it.staffNo]
		if !ok {
			st, err := s.st.FindStaffByNo(ctx, tenantID, it.staffNo)
			if err != nil {
				if apperr.CodeOf(err) == apperr.NotFound {
					v.Add("file", "field.sim_staff", map[string]any{"Line": it.line, "StaffNo": it.staffNo})
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
		fs := Evaluate(Input{Policy: pol, Calendar: cal, Person: per, App: it.app, Others: earlier[it.staffNo],
			Stage: AtSubmit, Now: now})
		earlier[it.staffNo] = append(earlier[it.staffNo], it.app)
		row := SimRow{Line: it.line, StaffNo: it.staffNo, Name: names[it.staffNo], Date: it.app.Dates[0]}
		for _, f := range fs {
			switch f.Severity {
			case Error:
				row.Errors = append(row.Errors, f.Message(lang))
			case Warning:
				row.Warnings = append(row.Warnings, f.Message(lang))
			}
		}
		if len(row.Errors) > 0 {
			sim.Refused++
		} else if len(row.Warnings) > 0 {
			sim.Warned++
		}
		if len(row.Errors)+len(row.Warnings) > 0 {
			sim.Rows = append(sim.Rows, row)
			affected[it.staffNo] = true
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sim.People = len(affected)
	return sim, nil
}
