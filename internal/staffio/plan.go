package staffio

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// Problem is one reason a file is refused (or, as a warning, one thing the
// person should know). Line is the row number as Excel shows it (the
// header is usually 1; 0 = the file as a whole); Column is the header as
// written in the file. Key and Args are an i18n message.
type Problem struct {
	Line   int
	Column string
	Field  string // column key, for the field name when Column is empty
	Key    string
	Args   map[string]any
	col    int // the column's position in the file, for reading order
}

// Message renders the problem in lang (ja or en).
func (p Problem) Message(lang string) string {
	args := make(map[string]any, len(p.Args)+1)
	maps.Copy(args, p.Args)
	if _, ok := args["Field"]; !ok {
		switch {
		case p.Column != "":
			args["Field"] = p.Column
		case p.Field != "" && i18n.Has("fieldname."+p.Field):
			args["Field"] = i18n.T(lang, "fieldname."+p.Field, nil)
		case p.Field != "":
			args["Field"] = p.Field
		}
	}
	return i18n.T(lang, p.Key, args)
}

// FieldChange is one field of a record before and after, as the file
// writes them (所属 as its path, 職層 as 係長級 …). The opt-in analysis
// attributes are only marked Sensitive, without values.
type FieldChange struct {
	Field     string
	Column    string
	Before    string
	After     string
	Sensitive bool
}

// Item is one record the import writes.
type Item struct {
	Line      int // 0 for staff retired because the full roster left them out
	Before    *org.Staff
	After     *org.Staff
	Changes   []FieldChange
	Effective calendar.Date
	// SetRetired is set when the import retires (true) or reinstates
	// (false) the person.
	SetRetired *bool
	// Absent: retired because a full roster did not list them.
	Absent bool
	// Scheduled: the row's 発令日 is after today, so the change is stored
	// and applied on that date (予定されている異動), not now.
	Scheduled bool
	// Replaces is a pending scheduled change of the same person and date
	// that this row supersedes (a corrected 内示 file imported again).
	Replaces int64
	// Facts are the policy facts after the row (nil when the file has no
	// fact column); FactsBefore as stored.
	Facts       *policy.Facts
	FactsBefore policy.Facts
	// StaffChanged: a field of the staff record changes (not only facts).
	StaffChanged bool
}

// Plan is what an import will do (a preview) or did.
type Plan struct {
	Creates    []*Item
	Changes    []*Item // field changes only
	Retires    []*Item // retired, perhaps with field changes
	Reinstates []*Item // back in service, perhaps with field changes
	Unchanged  int
	Problems   []Problem
	Warnings   []Problem

	// About the file.
	SHA256   string
	Encoding string
	Sheet    string
	Rows     int // data rows read
	Full     bool
	// Active is how many people were in service when the plan was made.
	Active int
}

// Scheduled counts the changes stored for their date rather than applied.
func (p *Plan) Scheduled() int {
	n := 0
	for _, list := range [][]*Item{p.Creates, p.Changes, p.Retires, p.Reinstates} {
		for _, it := range list {
			if it.Scheduled {
				n++
			}
		}
	}
	return n
}

// ManyRetirementsAt are the thresholds from which a full-roster import
// that retires people must be confirmed by typing their number: this many
// people, or this share of those in service (in percent).
const (
	ManyRetirementsAt      = 10
	ManyRetirementsPercent = 5
)

// NeedsRetirementConfirm reports a full-roster import that retires many
// people (ManyRetirementsAt, ManyRetirementsPercent): it is applied only
// when the person types the number (ApplyOptions.ConfirmRetirements).
func (p *Plan) NeedsRetirementConfirm() bool {
	n := len(p.Retires)
	return p.Full && n > 0 && (n >= ManyRetirementsAt || n*100 >= p.Active*ManyRetirementsPercent)
}

// OK reports whether the file can be applied.
func (p *Plan) OK() bool { return len(p.Problems) == 0 }

// Empty reports a plan that writes nothing.
func (p *Plan) Empty() bool {
	return len(p.Creates)+len(p.Changes)+len(p.Retires)+len(p.Reinstates) == 0
}

// ProblemCount is how many problems refuse the file.
func (p *Plan) ProblemCount() int { return len(p.Problems) }

// Digest identifies what the plan writes, so that a confirmation applies
// exactly the preview the person saw and not a plan that changed because
// someone edited a record in between.
func (p *Plan) Digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%v\n", p.SHA256, p.Full)
	for _, list := range [][]*Item{p.Creates, p.Changes, p.Retires, p.Reinstates} {
		for _, it := range list {
			fmt.Fprintf(h, "%s|%d|%s|%v|%d|", it.After.StaffNo, it.Line, it.Effective, it.Scheduled, it.Replaces)
			if it.Before != nil {
				fmt.Fprintf(h, "v%d|", it.Before.Version)
			}
			if it.SetRetired != nil {
				fmt.Fprintf(h, "r%v|", *it.SetRetired)
			}
			for _, c := range it.Changes {
				fmt.Fprintf(h, "%s=%s>%s;", c.Field, c.Before, c.After)
			}
			h.Write([]byte{'\n'})
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Options steer an import.
type Options struct {
	// Full treats the file as the complete roster: staff in service who
	// are not in it are retired.
	Full bool
	// Today decides which 発令日 are still to come: a row dated after it
	// is scheduled. The service sets it from its clock.
	Today calendar.Date
}

// Current is the tenant's data the file is compared with.
type Current struct {
	Units []*org.Unit
	Staff []*org.Staff // retired ones included
	// Scheduled are the pending scheduled changes (a row may repeat one).
	Scheduled []*org.ScheduledChange
	// Facts are the recorded policy facts by staff id.
	Facts map[int64]policy.Facts
}

// planState is what the rows of one file are read against.
type planState struct {
	today   calendar.Date
	facts   map[int64]policy.Facts
	pending map[string][]*org.ScheduledChange // staff changes by 職員番号
	units   *unitIndex
	dates   map[calendar.Date]bool // the 発令日 the file names
	undated bool                   // some row has none
}

// header is the mapping of the file's columns.
type header struct {
	line    int
	cols    map[string]int    // column key → cell index
	written map[string]string // column key → header as written
	flag    bool              // the status column is a 退職 flag column
	// parts are the cells of separate 部名・課名・係名 columns, highest
	// first, read as one 所属 path when the file has no 所属 column.
	parts []int
}

// partsCol is cols["unit"] when 所属 is read from unitParts columns.
const partsCol = -1

// unitParts are the headers of a 所属 split into one column per level, as
// 人事給与 systems export it (部名, 課名, 係名). A file with only 課名 names
// the section by its name (unique in the tenant, or the path resolve says
// is ambiguous).
var unitParts = [][]string{
	{"部名", "部", "部局名", "部局", "部署(部)"},
	{"課名", "課", "所属課", "所属課名", "課室名", "課・室", "課室"},
	{"係名", "係", "担当名", "担当", "係・担当", "係・担当名", "グループ名"},
}

func (h *header) has(key string) bool { _, ok := h.cols[key]; return ok }

func (h *header) cell(r tabular.Row, key string) string {
	i, ok := h.cols[key]
	if !ok {
		return ""
	}
	if i == partsCol {
		var segs []string
		for _, j := range h.parts {
			if v := strings.TrimSpace(r.Cell(j)); v != "" {
				segs = append(segs, v)
			}
		}
		return strings.Join(segs, "/")
	}
	return strings.TrimSpace(r.Cell(i))
}

// column is the header of key as written, or its preferred form when the
// file lacks the column.
func (h *header) column(key string) string {
	if w, ok := h.written[key]; ok {
		return w
	}
	for _, c := range Columns {
		if c.Key == key {
			return c.Header
		}
	}
	return ""
}

// headerSearchRows is how far down a title block (e.g. 「職員名簿 令和8年4月1日
// 現在」) the header row is looked for.
const headerSearchRows = 20

// maxProblems stops collecting after this many: a file with the wrong
// columns would otherwise list every row.
const maxProblems = 5000

// Prepare reads the table against the current data and returns the plan.
// It never writes. Every row is checked, and every problem is in
// Plan.Problems; one problem and the plan must not be applied.
func Prepare(t *tabular.Table, cur Current, opt Options) *Plan {
	p := &Plan{Encoding: t.Encoding, Sheet: t.Sheet, Full: opt.Full}
	h, ok := readHeader(t, p)
	if !ok {
		return p
	}
	units := newUnitIndex(cur.Units)
	byNo := make(map[string]*org.Staff, len(cur.Staff))
	unpadded := map[string]string{} // 職員番号 without leading zeros → as stored
	for _, s := range cur.Staff {
		byNo[s.StaffNo] = s
		if u := strings.TrimLeft(s.StaffNo, "0"); u != s.StaffNo && allDigits(s.StaffNo) {
			unpadded[u] = s.StaffNo
		}
	}
	seen := map[string]int{} // 職員番号 → line
	emails := map[string]int{}
	ps := &planState{today: opt.Today, facts: cur.Facts, pending: map[string][]*org.ScheduledChange{}, units: units,
		dates: map[calendar.Date]bool{}}
	for _, c := range cur.Scheduled {
		if c.Status == org.SchedulePending && c.Kind != org.ScheduledUnitUpdate {
			ps.pending[c.StaffNo] = append(ps.pending[c.StaffNo], c)
		}
	}
	for _, r := range t.Rows {
		if r.Line <= h.line {
			continue
		}
		if !rowHasData(h, r) {
			continue
		}
		p.Rows++
		if len(p.Problems) >= maxProblems {
			continue
		}
		readRow(p, h, r, t, ps, byNo, unpadded, seen, emails)
	}
	if len(p.Problems) >= maxProblems {
		p.Problems = append(p.Problems, Problem{Key: "import.too_many_problems", Args: map[string]any{"Max": maxProblems}})
	}
	if opt.Full {
		if p.Rows == 0 {
			p.Problems = append(p.Problems, Problem{Key: "import.full_empty"})
		}
		// A roster as of one future date (every dated row says 4月1日)
		// retires those it leaves out on that date, not today.
		var when calendar.Date
		if len(ps.dates) == 1 && !ps.undated {
			for d := range ps.dates {
				if !ps.today.IsZero() && d.After(ps.today) {
					when = d
				}
			}
		}
		active := 0
		for _, s := range cur.Staff {
			if s.Retired {
				continue
			}
			active++
			if _, ok := seen[s.StaffNo]; ok {
				continue
			}
			yes := true
			after := *s
			after.Retired = true
			it := &Item{Before: s, After: &after, SetRetired: &yes, Absent: true, Effective: when, Scheduled: !when.IsZero(),
				Changes: []FieldChange{{Field: "status", Column: h.column("status"), Before: statusName(false), After: statusName(true)}}}
			if it.Scheduled && ps.repeats(p, it) {
				continue
			}
			p.Retires = append(p.Retires, it)
		}
		p.Active = active
		absent := 0
		for _, it := range p.Retires {
			if it.Absent {
				absent++
			}
		}
		if active > 0 && absent*10 > active {
			p.Warnings = append(p.Warnings, Problem{Key: "import.many_absent", Args: map[string]any{"Count": absent, "Active": active}})
		}
	}
	slices.SortStableFunc(p.Problems, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.col - b.col
	})
	return p
}

func readHeader(t *tabular.Table, p *Plan) (*header, bool) {
	if len(t.Rows) == 0 {
		p.Problems = append(p.Problems, Problem{Key: "tabular.empty"})
		return nil, false
	}
	var hr *tabular.Row
	for i := range t.Rows {
		if i >= headerSearchRows {
			break
		}
		for _, c := range t.Rows[i].Cells {
			if isForbidden(c) {
				// マイナンバー anywhere in the header area refuses the file.
				p.Problems = append(p.Problems, Problem{Line: t.Rows[i].Line, Column: strings.TrimSpace(c), Key: "import.my_number"})
				return nil, false
			}
			if col := columnFor(c); col != nil && col.Key == "staff_no" && hr == nil {
				hr = &t.Rows[i]
			}
		}
		if hr != nil {
			break
		}
	}
	if hr == nil {
		p.Problems = append(p.Problems, Problem{Line: t.Rows[0].Line, Key: "import.no_staff_no"})
		return nil, false
	}
	h := &header{line: hr.Line, cols: map[string]int{}, written: map[string]string{}}
	var unknown []string
	blank := map[int]bool{}
	parts, partNames := make([]int, len(unitParts)), make([]string, len(unitParts))
	for i := range parts {
		parts[i] = -1
	}
	for i, c := range hr.Cells {
		name := strings.TrimSpace(c)
		if name == "" {
			blank[i] = true
			continue
		}
		col := columnFor(name)
		if col == nil {
			if lv := slices.IndexFunc(unitParts, func(hs []string) bool {
				return slices.ContainsFunc(hs, func(x string) bool { return foldHeader(x) == foldHeader(name) })
			}); lv >= 0 && parts[lv] < 0 {
				parts[lv], partNames[lv] = i, name
				continue
			}
			unknown = append(unknown, name)
			continue
		}
		if prev, dup := h.cols[col.Key]; dup {
			p.Problems = append(p.Problems, Problem{Line: hr.Line, Column: name, Key: "import.duplicate_column",
				Args: map[string]any{"Other": strings.TrimSpace(hr.Cells[prev])}})
			continue
		}
		h.cols[col.Key] = i
		h.written[col.Key] = name
		if col.Key == "status" && foldHeader(name) == foldHeader(statusFlagHeader) {
			h.flag = true
		}
	}
	var used []string
	for lv, i := range parts {
		if i >= 0 {
			h.parts, used = append(h.parts, i), append(used, partNames[lv])
		}
	}
	switch {
	case len(h.parts) > 0 && !h.has("unit"):
		h.cols["unit"], h.written["unit"] = partsCol, strings.Join(used, "・")
	case len(h.parts) > 0:
		unknown = append(unknown, used...) // the 所属 column says it whole
		h.parts = nil
	}
	if len(unknown) > 0 {
		p.Warnings = append(p.Warnings, Problem{Line: hr.Line, Key: "import.unknown_columns",
			Args: map[string]any{"Columns": "「" + strings.Join(unknown, "」「") + "」"}})
	}
	if i, line := firstBlankHeaderValue(t, hr.Line, len(hr.Cells), blank); line > 0 {
		// Values under a column with no header are not imported: say so
		// once, naming the first such column.
		p.Warnings = append(p.Warnings, Problem{Line: line, Key: "import.blank_header", Args: map[string]any{"Index": i + 1}})
	}
	attrs := []string{"gender", "age_band", "care", "commute_minutes"}
	if !h.has("sensitive_opt_in") && slices.ContainsFunc(attrs, h.has) {
		p.Problems = append(p.Problems, Problem{Line: hr.Line, Key: "import.consent_column"})
	}
	return h, len(p.Problems) == 0
}

func firstBlankHeaderValue(t *tabular.Table, headerLine, width int, blank map[int]bool) (int, int) {
	for _, r := range t.Rows {
		if r.Line <= headerLine {
			continue
		}
		for i := range r.Cells {
			if (i >= width || blank[i]) && strings.TrimSpace(r.Cells[i]) != "" {
				return i, r.Line
			}
		}
	}
	return 0, 0
}

func rowHasData(h *header, r tabular.Row) bool { return tableimport.RowHasData(h.cols, r) }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// rowState collects one row's problems.
type rowState struct {
	p      *Plan
	h      *header
	line   int
	bad    bool
	failed map[string]bool // fields with a problem already
}

func (rs *rowState) fail(key, field string, args map[string]any) {
	if rs.failed[field] {
		return // one reason per cell is enough
	}
	rs.bad = true
	rs.failed[field] = true
	col, ok := rs.h.cols[field]
	if !ok {
		col = len(rs.h.written) // a column the file lacks: after the others
	}
	rs.p.Problems = append(rs.p.Problems, Problem{Line: rs.line, Column: rs.h.column(field), Field: field, Key: key, Args: args, col: col})
}

func readRow(p *Plan, h *header, r tabular.Row, t *tabular.Table, ps *planState, byNo map[string]*org.Staff,
	unpadded map[string]string, seen map[string]int, emails map[string]int) {
	units := ps.units
	rs := &rowState{p: p, h: h, line: r.Line, failed: map[string]bool{}}
	no := foldCode(h.cell(r, "staff_no"))
	if no == "" {
		rs.fail("field.required", "staff_no", nil)
		return
	}
	if first, dup := seen[no]; dup {
		rs.fail("import.duplicate_staff_no", "staff_no", map[string]any{"Value": no, "Other": first})
		return
	}
	seen[no] = r.Line
	before := byNo[no]
	if before == nil {
		if stored, ok := unpadded[no]; ok && allDigits(no) {
			// 0123 opened in Excel from a CSV becomes 123: refuse rather
			// than register the same person twice.
			rs.fail("import.leading_zeros", "staff_no", map[string]any{"Value": no, "Stored": stored})
			return
		}
	}

	retired, statusSet := false, false
	if h.has("status") {
		v := h.cell(r, "status")
		var ok bool
		if retired, statusSet, ok = parseStatus(v, h.flag); !ok {
			rs.fail("import.choice", "status", map[string]any{"Value": v, "Allowed": "在職、退職"})
		}
	}
	if before == nil && statusSet && retired {
		p.Warnings = append(p.Warnings, Problem{Line: r.Line, Column: h.column("status"), Field: "status",
			Key: "import.unknown_retired", Args: map[string]any{"Value": no}})
		return
	}
	var eff calendar.Date
	if h.has("effective_date") {
		eff = readDate(rs, h, r, t)
	}
	if eff.IsZero() {
		ps.undated = true
	} else {
		ps.dates[eff] = true
	}
	sched := !eff.IsZero() && !ps.today.IsZero() && eff.After(ps.today)

	if before != nil && statusSet && retired && !rs.bad {
		// The row of a person who left only records the departure: the
		// record stays as it was on the last day, whatever the other cells
		// say (人事 files often leave 所属 and 役職 of leavers blank).
		if before.Retired {
			p.Unchanged++
			return
		}
		yes := true
		after := *before
		after.Retired = true
		it := &Item{Line: r.Line, Before: before, After: &after, SetRetired: &yes, Effective: eff, Scheduled: sched,
			Changes: []FieldChange{{Field: "status", Column: h.column("status"), Before: statusName(false), After: statusName(true)}}}
		if sched && ps.repeats(p, it) {
			return
		}
		p.Retires = append(p.Retires, it)
		return
	}

	var s org.Staff
	if before != nil {
		s = *before
		if before.Sensitive != nil {
			sens := *before.Sensitive
			s.Sensitive = &sens
		}
	} else {
		s = org.Staff{StaffNo: no, Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
	}
	s.StaffNo = no
	text := func(key string, dst *string) {
		if h.has(key) {
			*dst = h.cell(r, key)
		}
	}
	text("name", &s.Name)
	text("kana", &s.Kana)
	text("title", &s.Title)
	if h.has("email") {
		s.Email = foldCode(h.cell(r, "email"))
	}
	enum := func(key string, set func(string) bool, allowed string) {
		if !h.has(key) {
			return
		}
		v := h.cell(r, key)
		if v == "" {
			return // keep the stored value (the default for a new person)
		}
		if !set(v) {
			rs.fail("import.choice", key, map[string]any{"Value": v, "Allowed": allowed})
		}
	}
	enum("rank", func(v string) bool { x, ok := rankChoice.parse(v); s.Rank = cond(ok, x, s.Rank); return ok }, rankChoice.allowed())
	enum("employment", func(v string) bool {
		x, ok := employmentChoice.parse(v)
		s.Employment = cond(ok, x, s.Employment)
		return ok
	}, employmentChoice.allowed())
	enum("job_type", func(v string) bool { x, ok := jobChoice.parse(v); s.JobType = cond(ok, x, s.JobType); return ok }, jobChoice.allowed())
	if h.has("is_supervisor") {
		v := h.cell(r, "is_supervisor")
		b, ok := parseFlag(v)
		if !ok {
			rs.fail("import.flag", "is_supervisor", map[string]any{"Value": v})
		}
		s.IsSupervisor = b
	}
	readUnit(rs, h, r, units, &s, before)
	readSensitive(rs, h, r, &s)
	var factsBefore policy.Facts
	if before != nil {
		factsBefore = ps.facts[before.ID]
	}
	facts := readFacts(rs, h, r, factsBefore)

	if err := s.Validate(); err != nil {
		if e := apperr.As(err); e != nil {
			for _, f := range e.Fields {
				field := f.Field
				switch field {
				case "unit_id":
					if rs.bad {
						continue // already said which unit column is wrong
					}
					field = "unit"
					if !h.has("unit") && h.has("unit_code") {
						field = "unit_code"
					}
				}
				rs.fail(f.Key, field, f.Args)
			}
		} else {
			rs.fail("error.invalid", "staff_no", nil)
		}
	}
	if rs.bad {
		return
	}
	if s.Email != "" {
		k := strings.ToLower(s.Email)
		if first, dup := emails[k]; dup {
			p.Warnings = append(p.Warnings, Problem{Line: r.Line, Column: h.column("email"), Field: "email",
				Key: "import.duplicate_email", Args: map[string]any{"Other": first}})
		} else {
			emails[k] = r.Line
		}
	}
	if before == nil {
		s.Retired = false
		it := &Item{Line: r.Line, After: &s, Effective: eff, Scheduled: sched, Facts: facts, StaffChanged: true,
			Changes: newFields(h, units, &s, facts)}
		if sched && ps.repeats(p, it) {
			return
		}
		p.Creates = append(p.Creates, it)
		return
	}
	keepStored(before, &s)
	it := &Item{Line: r.Line, Before: before, After: &s, Effective: eff, Scheduled: sched, Facts: facts, FactsBefore: factsBefore,
		Changes: diff(h, units, before, &s)}
	it.StaffChanged = len(it.Changes) > 0
	it.Changes = append(it.Changes, factsDiff(h, factsBefore, facts)...)
	if statusSet && before.Retired {
		no := false
		it.SetRetired = &no
		s.Retired = false
		it.StaffChanged = true
	}
	if (it.SetRetired != nil || len(it.Changes) > 0) && sched && ps.repeats(p, it) {
		return
	}
	switch {
	case it.SetRetired != nil && *it.SetRetired:
		p.Retires = append(p.Retires, it)
	case it.SetRetired != nil:
		p.Reinstates = append(p.Reinstates, it)
	case len(it.Changes) > 0:
		p.Changes = append(p.Changes, it)
	default:
		p.Unchanged++
	}
}

func cond[T any](ok bool, a, b T) T {
	if ok {
		return a
	}
	return b
}

// keepStored keeps a stored value the file has as an export wrote it
// (〜 as ～, in Shift_JIS 𠮷 as 〓: tabular.KeepStored) or, for the reading,
// in the other script: the person changed nothing, so nothing is written.
func keepStored(before, s *org.Staff) {
	// A reading in the other script (a 人事 system that exports katakana
	// for readings stored in hiragana) is the same reading.
	if org.SameReading(before.Kana, s.Kana) {
		s.Kana = before.Kana
	}
	for _, f := range []struct{ old, cur *string }{{&before.Name, &s.Name}, {&before.Kana, &s.Kana}, {&before.Title, &s.Title}, {&before.Email, &s.Email}} {
		*f.cur = tabular.KeepStored(*f.old, *f.cur)
	}
}

func readUnit(rs *rowState, h *header, r tabular.Row, units *unitIndex, s *org.Staff, before *org.Staff) {
	isNew := before == nil
	var byCode, byPath *org.Unit
	if v := h.cell(r, "unit_code"); v != "" {
		u, key, args := units.byCodeOnly(v)
		if u == nil {
			rs.fail(key, "unit_code", args)
			return
		}
		byCode = u
	}
	if v := h.cell(r, "unit"); v != "" && (byCode == nil || !units.names(byCode, v)) {
		u, key, cands := units.resolve(v)
		if u == nil && byCode != nil && !slices.Contains(cands, units.display(byCode.ID)) {
			// The code is the unit's identity; the name is what the file
			// was exported with, before the unit was renamed (or a name
			// several units bear). The code decides, and the warning says
			// the name the unit bears now.
			rs.p.Warnings = append(rs.p.Warnings, Problem{Line: r.Line, Column: h.column("unit"), Field: "unit",
				Key: "import.unit_name_stale", Args: map[string]any{"Value": v, "Code": h.cell(r, "unit_code"),
					"CodeColumn": h.column("unit_code"), "Current": units.display(byCode.ID)}})
		}
		if u == nil && byCode == nil {
			args := map[string]any{"Value": v}
			if len(cands) > 0 {
				args["Candidates"] = "「" + strings.Join(cands, "」「") + "」"
			}
			rs.fail(key, "unit", args)
			return
		}
		byPath = u
	}
	if byCode != nil && byPath != nil && byCode.ID != byPath.ID && before != nil && byCode.ID == before.UnitID {
		// An exported file where only 所属 was edited: its 所属コード is
		// still the person's current unit, so the name says where to.
		byCode = nil
	}
	u := byCode
	if u == nil {
		u = byPath
	}
	switch {
	case byCode != nil && byPath != nil && byCode.ID != byPath.ID:
		rs.fail("import.unit_mismatch", "unit", map[string]any{"Code": h.cell(r, "unit_code"), "Path": h.cell(r, "unit"),
			"CodeColumn": h.column("unit_code")})
		return
	case u == nil:
		if isNew {
			field := "unit"
			if !h.has("unit") && h.has("unit_code") {
				field = "unit_code"
			}
			rs.fail("field.required", field, nil)
		}
		return // an existing person keeps their unit
	case u.Retired && u.ID != s.UnitID:
		rs.fail("import.unit_retired", "unit", map[string]any{"Value": units.tree.PathString(u.ID)})
		return
	}
	s.UnitID = u.ID
}

func readSensitive(rs *rowState, h *header, r tabular.Row, s *org.Staff) {
	if !h.has("sensitive_opt_in") {
		return // the file says nothing of them: stored attributes stay
	}
	v := h.cell(r, "sensitive_opt_in")
	consent, ok := parseFlag(v)
	if !ok {
		rs.fail("import.flag", "sensitive_opt_in", map[string]any{"Value": v})
		return
	}
	attrs := []string{"gender", "age_band", "care", "commute_minutes"}
	if !consent {
		for _, k := range attrs {
			if h.cell(r, k) != "" {
				rs.fail("import.no_consent", k, map[string]any{"Consent": h.column("sensitive_opt_in")})
				return
			}
		}
		s.Sensitive = nil // no consent: nothing is kept
		return
	}
	var sens org.Sensitive
	if s.Sensitive != nil {
		sens = *s.Sensitive
	}
	set := func(key string, c *choice[string], dst *string) {
		if !h.has(key) {
			return
		}
		v := h.cell(r, key)
		if v == "" {
			*dst = ""
			return
		}
		x, ok := c.parse(v)
		if !ok {
			rs.fail("import.choice", key, map[string]any{"Value": v, "Allowed": c.allowed()})
		}
		*dst = x
	}
	set("gender", genderChoice, &sens.Gender)
	set("age_band", ageChoice, &sens.AgeBand)
	set("care", careChoice, &sens.Care)
	if h.has("commute_minutes") {
		v := h.cell(r, "commute_minutes")
		n, ok := parseMinutes(v)
		if !ok {
			rs.fail("field.integer", "commute_minutes", nil)
		}
		sens.CommuteMinutes = n
	}
	s.Sensitive = &sens
}

func readDate(rs *rowState, h *header, r tabular.Row, t *tabular.Table) calendar.Date {
	d, bad := tableimport.ReadDate(r, h.cols["effective_date"], t.Date1904)
	if bad != nil {
		rs.fail("import.date", "effective_date", bad)
	}
	return d
}

// diff lists the fields of after that differ from before.
func diff(h *header, units *unitIndex, before, after *org.Staff) []FieldChange {
	var out []FieldChange
	add := func(field, b, a string) {
		if b != a {
			out = append(out, FieldChange{Field: field, Column: h.column(field), Before: b, After: a})
		}
	}
	add("name", before.Name, after.Name)
	add("kana", before.Kana, after.Kana)
	add("email", before.Email, after.Email)
	if before.UnitID != after.UnitID {
		field := "unit"
		if !h.has("unit") && h.has("unit_code") {
			field = "unit_code"
		}
		out = append(out, FieldChange{Field: field, Column: h.column(field), Before: units.display(before.UnitID), After: units.display(after.UnitID)})
	}
	add("title", before.Title, after.Title)
	add("rank", rankChoice.name(before.Rank), rankChoice.name(after.Rank))
	add("is_supervisor", flagName(before.IsSupervisor), flagName(after.IsSupervisor))
	add("employment", employmentChoice.name(before.Employment), employmentChoice.name(after.Employment))
	add("job_type", jobChoice.name(before.JobType), jobChoice.name(after.JobType))
	if !sameSensitive(before.Sensitive, after.Sensitive) {
		out = append(out, FieldChange{Field: "sensitive", Column: h.column("sensitive_opt_in"), Sensitive: true})
	}
	return out
}

// newFields lists every field of a new person as the file sets it (所属 as
// its resolved path), so that the preview shows the whole record.
func newFields(h *header, units *unitIndex, s *org.Staff, facts *policy.Facts) []FieldChange {
	var out []FieldChange
	add := func(field, v string) {
		if v != "" {
			out = append(out, FieldChange{Field: field, Column: h.column(field), After: v})
		}
	}
	add("kana", s.Kana)
	add("email", s.Email)
	add("unit", units.display(s.UnitID))
	add("title", s.Title)
	add("rank", rankChoice.name(s.Rank))
	add("is_supervisor", flagName(s.IsSupervisor))
	add("employment", employmentChoice.name(s.Employment))
	add("job_type", jobChoice.name(s.JobType))
	if s.Sensitive != nil {
		out = append(out, FieldChange{Field: "sensitive", Column: h.column("sensitive_opt_in"), Sensitive: true})
	}
	return append(out, factsDiff(h, policy.Facts{}, facts)...)
}

func sameSensitive(a, b *org.Sensitive) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// unitIndex finds units by code or by path.
type unitIndex struct {
	tree     *org.Tree
	byCode   map[string]*org.Unit
	bySuffix map[string][]*org.Unit // folded path suffix → units
}

func foldSegment(s string) string {
	s = norm.NFKC.String(s)
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
}

func newUnitIndex(units []*org.Unit) *unitIndex {
	x := &unitIndex{tree: org.NewTree(units), byCode: map[string]*org.Unit{}, bySuffix: map[string][]*org.Unit{}}
	for _, u := range units {
		x.byCode[strings.ToLower(foldCode(u.Code))] = u
		segs := make([]string, len(u.Path))
		for i, n := range u.Path {
			segs[i] = foldSegment(n)
		}
		for k := range segs {
			key := strings.Join(segs[k:], "/")
			x.bySuffix[key] = append(x.bySuffix[key], u)
		}
	}
	return x
}

func (x *unitIndex) display(id int64) string {
	if x.tree.Unit(id) == nil {
		return ""
	}
	return x.tree.PathString(id)
}

// names reports whether v is u's path as the export writes it (a unit
// name holding a slash cannot be resolved by path, but still matches).
func (x *unitIndex) names(u *org.Unit, v string) bool {
	return foldSegment(v) == foldSegment(x.display(u.ID))
}

// byCodeOnly finds the unit of a 所属コード. Unknown, it says why
// (UnknownUnitCode).
func (x *unitIndex) byCodeOnly(v string) (*org.Unit, string, map[string]any) {
	if u := x.byCode[strings.ToLower(foldCode(v))]; u != nil {
		return u, "", nil
	}
	key, args := UnknownUnitCode(v, func(yield func(string) bool) {
		for _, u := range x.byCode {
			if !yield(u.Code) {
				return
			}
		}
	})
	return nil, key, args
}

// UnknownUnitCode is the problem of a unit code v that names no unit, one
// of codes: a code that is a stored one without its leading zeros (010501
// saved by Excel as 10501) is named with the stored code, as a 職員番号
// is (import.unit_code_zeros); otherwise import.unit_code_unknown. The
// staff import's 所属コード and the units import's 上位所属コード share it.
func UnknownUnitCode(v string, codes iter.Seq[string]) (string, map[string]any) {
	k := strings.ToLower(foldCode(v))
	if allDigits(k) {
		var stored []string
		for c := range codes {
			if len(c) > len(k) && allDigits(c) && strings.TrimLeft(c, "0") == strings.TrimLeft(k, "0") {
				stored = append(stored, c)
			}
		}
		if len(stored) == 1 {
			return "import.unit_code_zeros", map[string]any{"Value": v, "Stored": stored[0]}
		}
	}
	return "import.unit_code_unknown", map[string]any{"Value": v}
}

// resolve reads a 所属 cell: a unit code, a path (総務部/人事課/人事係,
// 総務部 人事課 人事係, ＞ or > as separators), or the end of a path when
// that end names one unit only (人事課/人事係, or 人事係 if unique).
func (x *unitIndex) resolve(v string) (*org.Unit, string, []string) {
	if u := x.byCode[strings.ToLower(foldCode(v))]; u != nil {
		return u, "", nil
	}
	n := norm.NFKC.String(v)
	var tries [][]string
	split := func(seps func(rune) bool) []string {
		var out []string
		for _, s := range strings.FieldsFunc(n, seps) {
			if f := foldSegment(s); f != "" {
				out = append(out, f)
			}
		}
		return out
	}
	tries = append(tries, split(func(r rune) bool { return r == '/' || r == '>' || r == '\\' || r == '¥' }))
	tries = append(tries, split(func(r rune) bool { return r == '/' || r == '>' || r == '\\' || r == '¥' || unicode.IsSpace(r) }))
	var ambiguous []*org.Unit
	for _, segs := range tries {
		if len(segs) == 0 {
			continue
		}
		cands := x.bySuffix[strings.Join(segs, "/")]
		var full []*org.Unit
		for _, u := range cands {
			if len(u.Path) == len(segs) {
				full = append(full, u)
			}
		}
		// A name that only a closed unit still bears next to an open one
		// means the open one.
		if open := openOnly(cands); len(full) != 1 && len(cands) > 1 && len(open) == 1 {
			return open[0], "", nil
		}
		switch {
		case len(full) == 1:
			return full[0], "", nil
		case len(cands) == 1:
			return cands[0], "", nil
		case len(cands) > 1 && ambiguous == nil:
			ambiguous = cands
		}
	}
	if ambiguous != nil {
		paths := make([]string, 0, len(ambiguous))
		for _, u := range ambiguous {
			paths = append(paths, x.tree.PathString(u.ID))
		}
		slices.Sort(paths)
		return nil, "import.unit_ambiguous_list", paths
	}
	return nil, "import.unit_unknown", nil
}

func openOnly(list []*org.Unit) []*org.Unit {
	var out []*org.Unit
	for _, u := range list {
		if !u.Retired {
			out = append(out, u)
		}
	}
	return out
}

// ProblemGroup is problems that say the same thing about the same column
// in several rows, shown as one line with the row numbers.
type ProblemGroup struct {
	Lines   []int
	Column  string
	Message string
}

// LineList is "2, 5, 9" (the rows of the group; after maxGroupLines of
// them, "…").
func (g ProblemGroup) LineList() string {
	var b strings.Builder
	for i, l := range g.Lines {
		if i == maxGroupLines {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, l)
	}
	return b.String()
}

// maxGroupLines bounds the row numbers one line lists; the count says
// the rest.
const maxGroupLines = 50

// GroupProblems folds problems with the same column and message (a
// misspelt unit in 40 rows) into one line listing the rows, in the order
// each first appears.
func GroupProblems(list []Problem, lang string) []ProblemGroup {
	var out []ProblemGroup
	at := map[string]int{}
	for _, p := range list {
		msg := p.Message(lang)
		k := p.Column + "\x00" + msg
		if i, ok := at[k]; ok && p.Line > 0 {
			out[i].Lines = append(out[i].Lines, p.Line)
			continue
		}
		if p.Line > 0 {
			at[k] = len(out)
		}
		g := ProblemGroup{Column: p.Column, Message: msg}
		if p.Line > 0 {
			g.Lines = []int{p.Line}
		}
		out = append(out, g)
	}
	return out
}
