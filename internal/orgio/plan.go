package orgio

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/staffio"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// Problem is one reason a file is refused, or a warning: the staff
// import's, so pages, the API and the CLI show both alike.
type Problem = staffio.Problem

// FieldChange is one field of a unit before and after, as the file writes
// it (上位所属 as a path).
type FieldChange = staffio.FieldChange

// Item is one unit the import writes.
type Item struct {
	Line   int
	Before *org.Unit // nil for a new unit
	// After is the unit as it will be; ParentID is resolved when applied
	// (a parent may be new): ParentCode names it, "" = top level.
	After      *org.Unit
	ParentCode string
	Changes    []FieldChange
	Effective  calendar.Date
	depth      int // in the planned tree, for the order of writing
}

// Plan is what an import will do (a preview) or did.
type Plan struct {
	Creates   []*Item
	Changes   []*Item // renamed, moved, reordered
	Retires   []*Item // closed (廃止)
	Unchanged int
	Problems  []Problem
	Warnings  []Problem

	SHA256   string
	Encoding string
	Sheet    string
	Rows     int
}

// OK reports whether the file can be applied.
func (p *Plan) OK() bool { return len(p.Problems) == 0 }

// Empty reports a plan that writes nothing.
func (p *Plan) Empty() bool { return len(p.Creates)+len(p.Changes)+len(p.Retires) == 0 }

// ProblemCount is how many problems refuse the file.
func (p *Plan) ProblemCount() int { return len(p.Problems) }

// Digest identifies what the plan writes, so that a confirmation applies
// exactly the preview the person saw.
func (p *Plan) Digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", p.SHA256)
	for _, list := range [][]*Item{p.Creates, p.Changes, p.Retires} {
		for _, it := range list {
			fmt.Fprintf(h, "%s|%d|", it.After.Code, it.Line)
			if it.Before != nil {
				fmt.Fprintf(h, "v%d|", it.Before.Version)
			}
			for _, c := range it.Changes {
				fmt.Fprintf(h, "%s=%s>%s;", c.Field, c.Before, c.After)
			}
			h.Write([]byte{'\n'})
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Summary is the counts of a plan, as the audit log keeps them.
type Summary struct {
	File      string `json:"file"`
	SHA256    string `json:"sha256"`
	Encoding  string `json:"encoding"`
	Sheet     string `json:"sheet,omitempty"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Changed   int    `json:"changed"`
	Retired   int    `json:"retired"`
	Unchanged int    `json:"unchanged"`
}

// Summary counts the plan.
func (p *Plan) Summary(name string) Summary {
	return Summary{File: name, SHA256: p.SHA256, Encoding: p.Encoding, Sheet: p.Sheet, Rows: p.Rows,
		Created: len(p.Creates), Changed: len(p.Changes), Retired: len(p.Retires), Unchanged: p.Unchanged}
}

// Current is the tenant's data the file is compared with.
type Current struct {
	Units []*org.Unit
	// Staff counts the people in service per unit id.
	Staff map[int64]int
}

const (
	headerSearchRows = 20
	maxProblems      = 5000
)

type header struct {
	line    int
	cols    map[string]int
	written map[string]string
}

func (h *header) has(key string) bool { _, ok := h.cols[key]; return ok }

func (h *header) cell(r tabular.Row, key string) string {
	i, ok := h.cols[key]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.Cell(i))
}

func (h *header) column(key string) string {
	if w, ok := h.written[key]; ok {
		return w
	}
	return headerOf(key)
}

// node is one unit in the tree as the file would leave it.
type node struct {
	key       string // codeKey
	cur       *org.Unit
	item      *Item
	name      string
	parent    string // key of the parent; "" = top level
	retired   bool
	line      int // the file's row, 0 when the file does not list it
	resolved  bool
	parentCol string // the column that named the parent, for problems
}

type planner struct {
	p      *Plan
	h      *header
	t      *tabular.Table
	cur    Current
	nodes  map[string]*node
	byID   map[int64]*node
	paths  map[string][]string // folded path or suffix → keys
	failed map[int]bool        // lines with a problem
}

// Prepare reads the table against the current data and returns the plan.
// It never writes. Every row is checked, and every problem is in
// Plan.Problems; one problem and the plan must not be applied.
func Prepare(t *tabular.Table, cur Current) *Plan {
	p := &Plan{Encoding: t.Encoding, Sheet: t.Sheet}
	h, ok := readHeader(t, p)
	if !ok {
		return p
	}
	pl := &planner{p: p, h: h, t: t, cur: cur, nodes: map[string]*node{}, byID: map[int64]*node{}, paths: map[string][]string{},
		failed: map[int]bool{}}
	tree := org.NewTree(cur.Units)
	for _, u := range cur.Units {
		n := &node{key: codeKey(u.Code), cur: u, name: u.Name, retired: u.Retired}
		pl.nodes[n.key], pl.byID[u.ID] = n, n
	}
	for _, u := range cur.Units {
		if pu := tree.Unit(u.ParentID); pu != nil {
			pl.byID[u.ID].parent = codeKey(pu.Code)
		}
		pl.index(pl.byID[u.ID].key, u.Path)
	}
	var rows []*rowData
	seen := map[string]int{}
	for _, r := range t.Rows {
		if r.Line <= h.line || !rowHasData(h, r) {
			continue
		}
		p.Rows++
		if len(p.Problems) >= maxProblems {
			continue
		}
		if rd := pl.readRow(r, seen); rd != nil {
			rows = append(rows, rd)
		}
	}
	// Names first, so that a path may name a unit by the name the file
	// gives it; then the parents, in file order (a new unit may be named
	// by its path once its own row has been read).
	for _, rd := range rows {
		pl.index(rd.n.key, pl.pathOf(rd.n.key))
	}
	for _, rd := range rows {
		pl.resolveParent(rd)
	}
	pl.checkTree(rows)
	for _, rd := range rows {
		pl.finish(rd)
	}
	if len(p.Problems) >= maxProblems {
		p.Problems = append(p.Problems, Problem{Key: "import.too_many_problems", Args: map[string]any{"Max": maxProblems}})
	}
	slices.SortStableFunc(p.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return p
}

func readHeader(t *tabular.Table, p *Plan) (*header, bool) {
	if len(t.Rows) == 0 {
		p.Problems = append(p.Problems, Problem{Key: "tabular.empty"})
		return nil, false
	}
	var hr *tabular.Row
	for i := range t.Rows {
		if i >= headerSearchRows || hr != nil {
			break
		}
		for _, c := range t.Rows[i].Cells {
			if slices.Contains(staffHeaders, foldHeader(c)) {
				p.Problems = append(p.Problems, Problem{Line: t.Rows[i].Line, Column: strings.TrimSpace(c), Key: "orgio.staff_file"})
				return nil, false
			}
			if col := columnFor(c); col != nil && col.Key == "code" && hr == nil {
				hr = &t.Rows[i]
			}
		}
	}
	if hr == nil {
		p.Problems = append(p.Problems, Problem{Line: t.Rows[0].Line, Key: "orgio.no_code_column"})
		return nil, false
	}
	h := &header{line: hr.Line, cols: map[string]int{}, written: map[string]string{}}
	var unknown []string
	for i, c := range hr.Cells {
		name := strings.TrimSpace(c)
		if name == "" {
			continue
		}
		col := columnFor(name)
		if col == nil {
			unknown = append(unknown, name)
			continue
		}
		if prev, dup := h.cols[col.Key]; dup {
			p.Problems = append(p.Problems, Problem{Line: hr.Line, Column: name, Key: "import.duplicate_column",
				Args: map[string]any{"Other": strings.TrimSpace(hr.Cells[prev])}})
			continue
		}
		h.cols[col.Key], h.written[col.Key] = i, name
	}
	if len(unknown) > 0 {
		p.Warnings = append(p.Warnings, Problem{Line: hr.Line, Key: "import.unknown_columns",
			Args: map[string]any{"Columns": "「" + strings.Join(unknown, "」「") + "」"}})
	}
	return h, len(p.Problems) == 0
}

func rowHasData(h *header, r tabular.Row) bool { return tableimport.RowHasData(h.cols, r) }

// rowData is one row read, before its parent is resolved.
type rowData struct {
	line       int
	n          *node
	after      org.Unit
	effective  calendar.Date
	setRetired *bool
	parentCode string // the cells as written
	parentPath string
}

func (pl *planner) fail(line int, field, key string, args map[string]any) {
	pl.failed[line] = true
	pl.p.Problems = append(pl.p.Problems, Problem{Line: line, Column: pl.h.column(field), Field: field, Key: key, Args: args})
}

func (pl *planner) readRow(r tabular.Row, seen map[string]int) *rowData {
	h := pl.h
	code := foldCode(h.cell(r, "code"))
	if code == "" {
		pl.fail(r.Line, "code", "field.required", nil)
		return nil
	}
	key := strings.ToLower(code)
	if first, dup := seen[key]; dup {
		pl.fail(r.Line, "code", "orgio.duplicate_code", map[string]any{"Value": code, "Other": first})
		return nil
	}
	seen[key] = r.Line
	n := pl.nodes[key]
	rd := &rowData{line: r.Line, parentCode: h.cell(r, "parent_code"), parentPath: h.cell(r, "parent")}
	if n != nil {
		rd.after = *n.cur
	} else {
		n = &node{key: key}
		pl.nodes[key] = n
		rd.after = org.Unit{Code: code}
	}
	n.line, rd.n = r.Line, n
	if h.has("name") {
		rd.after.Name = h.cell(r, "name")
	}
	if h.has("level") {
		rd.after.Level = h.cell(r, "level")
	}
	if v := h.cell(r, "sort_order"); v != "" {
		x, err := strconv.Atoi(foldCode(v))
		if err != nil {
			pl.fail(r.Line, "sort_order", "orgio.sort_order", map[string]any{"Value": v})
		}
		rd.after.SortOrder = x
	}
	if h.has("retired") {
		v := h.cell(r, "retired")
		b, ok := parseRetired(v)
		if !ok {
			pl.fail(r.Line, "retired", "orgio.retired_value", map[string]any{"Value": v})
		}
		rd.setRetired = &b
	}
	if h.has("effective_date") {
		rd.effective = pl.readDate(r)
	}
	if rd.setRetired != nil && *rd.setRetired && n.cur == nil {
		pl.p.Warnings = append(pl.p.Warnings, Problem{Line: r.Line, Column: h.column("retired"), Field: "retired",
			Key: "orgio.unknown_retired", Args: map[string]any{"Value": code}})
		delete(pl.nodes, key)
		return nil
	}
	if err := rd.after.Validate(); err != nil {
		if e := apperr.As(err); e != nil {
			for _, f := range e.Fields {
				pl.fail(r.Line, f.Field, f.Key, f.Args)
			}
		}
	}
	n.name = rd.after.Name
	if rd.setRetired != nil {
		n.retired = *rd.setRetired
	}
	return rd
}

func (pl *planner) readDate(r tabular.Row) calendar.Date {
	d, bad := tableimport.ReadDate(r, pl.h.cols["effective_date"], pl.t.Date1904)
	if bad != nil {
		pl.fail(r.Line, "effective_date", "import.date", bad)
	}
	return d
}

// --- paths ---

// index makes key findable by its path and every end of it.
func (pl *planner) index(key string, path []string) {
	segs := make([]string, len(path))
	for i, s := range path {
		segs[i] = codeKey(s) // a path segment folds like a code
	}
	for k := range segs {
		p := strings.Join(segs[k:], "/")
		if !slices.Contains(pl.paths[p], key) {
			pl.paths[p] = append(pl.paths[p], key)
		}
	}
}

// pathOf is the names from the top to key in the planned tree.
func (pl *planner) pathOf(key string) []string {
	var rev []string
	seen := map[string]bool{}
	for n := pl.nodes[key]; n != nil && !seen[n.key]; n = pl.nodes[n.parent] {
		seen[n.key] = true
		rev = append(rev, n.name)
		if n.parent == "" {
			break
		}
	}
	slices.Reverse(rev)
	return rev
}

func (pl *planner) pathString(key string) string { return strings.Join(pl.pathOf(key), "/") }

// resolvePath finds the unit a path names: the whole path first, then a
// unique end of one (人事課/人事係, or 人事係 if only one unit has that name).
func (pl *planner) resolvePath(v string) (string, string) {
	if n := pl.nodes[codeKey(v)]; n != nil {
		return n.key, ""
	}
	n := norm.NFKC.String(v)
	ambiguous := false
	for _, spaces := range []bool{false, true} {
		var segs []string
		for _, s := range strings.FieldsFunc(n, func(r rune) bool {
			return r == '/' || r == '>' || r == '\\' || r == '¥' || (spaces && unicode.IsSpace(r))
		}) {
			if f := codeKey(s); f != "" {
				segs = append(segs, f)
			}
		}
		if len(segs) == 0 {
			continue
		}
		cands := pl.paths[strings.Join(segs, "/")]
		var full []string
		for _, k := range cands {
			if len(pl.pathOf(k)) == len(segs) {
				full = append(full, k)
			}
		}
		switch {
		case len(full) == 1:
			return full[0], ""
		case len(cands) == 1:
			return cands[0], ""
		case len(cands) > 1:
			ambiguous = true
		}
	}
	if ambiguous {
		return "", "import.unit_ambiguous"
	}
	return "", "import.unit_unknown"
}

// resolveParent sets the row's planned parent from 上位所属コード and
// 上位所属. When both are given and name different units, the one the
// person changed wins (the other still names the current parent);
// otherwise the row is refused.
func (pl *planner) resolveParent(rd *rowData) {
	n, h := rd.n, pl.h
	if !h.has("parent_code") && !h.has("parent") {
		if n.cur == nil {
			n.parent = "" // a new unit without parent columns is top level
		}
		n.resolved = true
		return
	}
	byCode, byPath := "", ""
	if v := rd.parentCode; v != "" {
		k := codeKey(v)
		if pl.nodes[k] == nil {
			key, args := staffio.UnknownUnitCode(v, pl.codes(false))
			pl.fail(rd.line, "parent_code", key, args)
			return
		}
		byCode = k
	}
	if v := rd.parentPath; v != "" && (byCode == "" || codeKey(v) != codeKey(pl.pathString(byCode))) {
		k, key := pl.resolvePath(v)
		switch {
		case k == "" && byCode != "":
			// A file exported before the parent was renamed: the code
			// decides, and the warning gives the parent's current name.
			pl.p.Warnings = append(pl.p.Warnings, Problem{Line: rd.line, Column: h.column("parent"), Field: "parent",
				Key: "orgio.parent_name_stale", Args: map[string]any{"Value": v, "Code": rd.parentCode,
					"CodeColumn": h.column("parent_code"), "Current": pl.pathString(byCode)}})
		case k == "":
			pl.fail(rd.line, "parent", key, map[string]any{"Value": v})
			return
		}
		byPath = k
	}
	parent, col := byCode, "parent_code"
	switch {
	case byCode == "" && byPath == "":
	case byCode == "":
		parent, col = byPath, "parent"
	case byPath == "" || byPath == byCode:
	case n.cur != nil && byCode == n.parent:
		parent, col = byPath, "parent" // the path was edited
	case n.cur != nil && byPath == n.parent:
		// the code was edited
	default:
		pl.fail(rd.line, "parent", "orgio.parent_mismatch", map[string]any{"Code": rd.parentCode, "Path": rd.parentPath,
			"CodeColumn": h.column("parent_code")})
		return
	}
	if parent == n.key {
		pl.fail(rd.line, col, "orgio.parent_self", nil)
		return
	}
	n.parent, n.parentCol, n.resolved = parent, col, true
	pl.index(n.key, pl.pathOf(n.key))
}

// checkTree refuses what the tree as planned cannot be: a cycle, an open
// unit under a closed one, a closed unit that still has staff or open
// units below it, and a closed unit opened again.
func (pl *planner) checkTree(rows []*rowData) {
	children := map[string][]*node{}
	for _, n := range pl.nodes {
		children[n.parent] = append(children[n.parent], n)
	}
	for _, rd := range rows {
		n := rd.n
		if pl.failed[rd.line] || !n.resolved {
			continue
		}
		col := n.parentCol
		if col == "" {
			col = "parent_code"
			if !pl.h.has(col) {
				col = "parent"
			}
		}
		// A cycle: walking up from the unit meets it again.
		chain := []string{n.name}
		for p, steps := pl.nodes[n.parent], 0; p != nil && steps <= len(pl.nodes); p, steps = pl.nodes[p.parent], steps+1 {
			chain = append(chain, p.name)
			if p.key == n.key {
				slices.Reverse(chain)
				pl.fail(rd.line, col, "orgio.cycle", map[string]any{"Chain": strings.Join(chain, " → ")})
				break
			}
			if p.parent == "" {
				break
			}
		}
		if pl.failed[rd.line] {
			continue
		}
		if n.cur != nil && n.cur.Retired && !n.retired {
			pl.fail(rd.line, "retired", "orgio.reopen", nil)
			continue
		}
		if p := pl.nodes[n.parent]; p != nil && p.retired && !n.retired {
			pl.fail(rd.line, col, "orgio.parent_retired", map[string]any{"Value": pl.pathString(p.key)})
			continue
		}
		if n.retired && n.cur != nil && !n.cur.Retired {
			if c := pl.cur.Staff[n.cur.ID]; c > 0 {
				pl.fail(rd.line, "retired", "orgio.retire_staff", map[string]any{"Count": c})
				continue
			}
			var open []string
			for _, c := range children[n.key] {
				if !c.retired {
					open = append(open, c.name)
				}
			}
			if len(open) > 0 {
				pl.fail(rd.line, "retired", "orgio.retire_children", map[string]any{"Units": strings.Join(open, "、")})
			}
		}
	}
}

// codes are the units' codes: the stored ones, and unless storedOnly
// those the file plans too.
func (pl *planner) codes(storedOnly bool) iter.Seq[string] {
	return func(yield func(string) bool) {
		for c, n := range pl.nodes {
			if n.cur != nil {
				c = n.cur.Code
			} else if storedOnly {
				continue
			}
			if !yield(c) {
				return
			}
		}
	}
}

// depth is the node's depth in the planned tree.
func (pl *planner) depth(key string) int {
	d := 0
	for n := pl.nodes[key]; n != nil && n.parent != "" && d <= len(pl.nodes); n = pl.nodes[n.parent] {
		d++
	}
	return d
}

// finish sorts a row that passed every check into the plan.
func (pl *planner) finish(rd *rowData) {
	if pl.failed[rd.line] {
		return
	}
	n, p := rd.n, pl.p
	if n.cur != nil && n.cur.Retired {
		p.Unchanged++ // a closed unit's row is its history: nothing to write
		return
	}
	a := rd.after
	it := &Item{Line: rd.line, Before: n.cur, After: &a, ParentCode: "", Effective: rd.effective, depth: pl.depth(n.key)}
	if pn := pl.nodes[n.parent]; pn != nil {
		it.ParentCode = pn.key
		if pn.cur != nil {
			it.ParentCode = pn.cur.Code
			a.ParentID = pn.cur.ID
		} else if pn.item != nil {
			it.ParentCode = pn.item.After.Code
		}
	} else {
		a.ParentID = 0
	}
	n.item = it
	if n.cur == nil {
		a.Retired = false
		p.Creates = append(p.Creates, it)
		// 10501 where 010501 is registered: most likely Excel dropped the
		// zeros, and the row would add a second unit beside the real one.
		// Told, not refused (a code may lawfully be shorter).
		if key, args := staffio.UnknownUnitCode(a.Code, pl.codes(true)); key == "import.unit_code_zeros" {
			p.Warnings = append(p.Warnings, Problem{Line: rd.line, Column: pl.h.column("code"), Field: "code", Key: "orgio.new_code_zeros", Args: args})
		}
		return
	}
	if n.retired {
		a.Retired = true
		p.Retires = append(p.Retires, it)
		return
	}
	// A name as a Shift_JIS export wrote it (𠮷 as 〓) or as NormalizeText
	// folds it is the stored name: an export imported back changes nothing.
	a.Name = tabular.KeepStored(n.cur.Name, a.Name)
	it.Changes = pl.diff(n)
	if len(it.Changes) == 0 {
		p.Unchanged++
		return
	}
	p.Changes = append(p.Changes, it)
}

func (pl *planner) diff(n *node) []FieldChange {
	b, a := n.cur, n.item.After
	var out []FieldChange
	add := func(field, before, after string) {
		if before != after {
			out = append(out, FieldChange{Field: field, Column: pl.h.column(field), Before: before, After: after})
		}
	}
	add("name", b.Name, a.Name)
	add("level", b.Level, a.Level)
	oldParent := ""
	if pn := pl.byID[b.ParentID]; pn != nil && b.ParentID != 0 {
		oldParent = strings.Join(pn.cur.Path, "/")
	}
	newParent := ""
	if n.parent != "" {
		newParent = pl.pathString(n.parent)
	}
	if pl.byParentKey(b) != n.parent {
		field := "parent"
		if !pl.h.has("parent") {
			field = "parent_code"
		}
		out = append(out, FieldChange{Field: field, Column: pl.h.column(field), Before: oldParent, After: newParent})
	}
	add("sort_order", strconv.Itoa(b.SortOrder), strconv.Itoa(a.SortOrder))
	return out
}

// byParentKey is the key of u's current parent ("" = top level).
func (pl *planner) byParentKey(u *org.Unit) string {
	if pn := pl.byID[u.ParentID]; pn != nil && u.ParentID != 0 {
		return pn.key
	}
	return ""
}
