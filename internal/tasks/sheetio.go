package tasks

import (
	"bytes"
	"context"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/tabular"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// The 見える化シート: import and export of a section's sheet in the layout
// of 松本市「担当業務の見える化シート」 (業務名 / 処理の内容 / 処理の時期 /
// テレワークの可否 / 説明), followed by the columns the feasibility engine
// needs. テレワークの可否 is written by the engine (在宅・サテライト・モバイル)
// and not read back: the rating follows from the other columns.

// Sheet columns, in file order.
const (
	colName = iota
	colContent
	colTiming
	colFeasible
	colNote
	colOwner
	colSystems
	colPaper
	colEquipment
	colOnSite
	colFaceToFace
	colPhone
	colHours
	numCols
)

// SheetHeader is the header row of the 見える化シート.
var SheetHeader = []string{"業務名", "処理の内容", "処理の時期", "テレワークの可否", "説明", "担当職員番号", "使用システム",
	"紙の原本", "特殊な機器", "その場でしかできない", "対面(窓口・相談)", "電話", "年間時間"}

// paperWords are the 紙の原本 cells, by paper need.
var paperWords = map[Paper]string{PaperNone: "なし", PaperDigitisable: "電子化可", PaperResidents: "住民の紙"}

// SheetProblem is what is wrong with one cell or row of an imported file.
type SheetProblem struct {
	Line   int
	Column string
	Key    string
	Args   map[string]any
}

// Message says the problem in lang.
func (p SheetProblem) Message(lang string) string {
	args := map[string]any{"Line": p.Line, "Column": p.Column}
	maps.Copy(args, p.Args)
	return i18n.T(lang, p.Key, args)
}

// SheetImport is the result of an import: nothing is written when there
// is any problem (or when only planning).
type SheetImport struct {
	Created, Updated, Unchanged int
	Problems                    []SheetProblem
	Encoding                    string
	// Ignored are the headers of columns the import does not read.
	Ignored []string
	// Warnings do not stop the import: rows whose テレワークの可否 says
	// otherwise than the product's judgement from the row's conditions.
	Warnings []SheetProblem
	stated   []statedRow
}

// taskLabel names a task as the sheet shows it: 業務名 (処理の内容).
func taskLabel(t *SheetTask) string {
	if t.Content == "" {
		return t.Name
	}
	return t.Name + "(" + t.Content + ")"
}

// statedRow is a row's own テレワークの可否 cell, kept to compare with the
// judgement.
type statedRow struct {
	line int
	task *SheetTask
	cell string
}

// statedRating reads a テレワークの可否 cell that gives one verdict (「×」,
// 「×(物理的に不能)」, 「○」, 「△」); an export's per-mode cell (「在宅○
// サテライト× …」) or anything else gives false.
func statedRating(cell string) (Rating, bool) {
	c := strings.TrimSpace(norm.NFKC.String(cell))
	if strings.Contains(c, "在宅") || strings.Contains(c, "モバイル") {
		return "", false
	}
	first, _ := utf8.DecodeRuneInString(c)
	switch first {
	case '×', 'x', 'X', '✕', '✖':
		return No, true
	case '△', '▲':
		return Partial, true
	case '○', '〇', '◯', 'o', 'O':
		return OK, true
	}
	return "", false
}

// checkStated warns of each row whose own verdict differs from the
// product's rating of working at home from the row's conditions (the
// sheet keeps the conditions, and the verdict follows from them: a ×
// without a reason column filled in would otherwise be counted as ○
// without a word). The sheet is 松本市's, from its 在宅勤務編 guideline:
// its テレワークの可否 is whether the task can be done at home, so a ○ for
// a task the conditions allow only at a satellite office is said too.
func checkStated(cat *lazyCatalogue, res *SheetImport) error {
	for _, st := range res.stated {
		want, ok := statedRating(st.cell)
		if !ok {
			continue
		}
		r, err := cat.rate(st.task)
		if err != nil {
			return err
		}
		if home := r.Results[0].Rating; home != want {
			res.Warnings = append(res.Warnings, SheetProblem{Line: st.line, Column: SheetHeader[colFeasible], Key: "tasks.import.stated_differs",
				Args: map[string]any{"Task": taskLabel(st.task), "Stated": string(want), "Judged": feasibleCell(r)}})
		}
	}
	return nil
}

// statedOnSite reports whether a row's テレワークの可否 says × of a task
// whose conditions give ○ at home, on a sheet without the
// その場でしかできない column (hasColumn: the column decides).
func statedOnSite(cat *lazyCatalogue, hasColumn bool, t *SheetTask, cell string) (bool, error) {
	if want, ok := statedRating(cell); !ok || want != No || hasColumn || t.OnSite {
		return false, nil
	}
	r, err := cat.rate(t)
	return err == nil && r.Results[0].Rating == OK, err
}

// lazyCatalogue is the tenant's feasibility catalogue for one import, read
// on first use (most sheets state no verdict) and then once only.
type lazyCatalogue struct {
	s        *Service
	ctx      context.Context
	tenantID int64
	cat      *Catalogue
}

// rate rates t at every target (home first).
func (l *lazyCatalogue) rate(t *SheetTask) (Rated, error) {
	if l.cat == nil {
		c, err := l.s.Catalogue(l.ctx, l.tenantID)
		if err != nil {
			return Rated{}, err
		}
		l.cat = c
	}
	et := t.EngineTask()
	return l.cat.Engine.Rate(&et), nil
}

func yes(b bool) string {
	if b {
		return "○"
	}
	return ""
}

func readYes(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(norm.NFKC.String(s))) {
	case "", "×", "x", "✕", "✖", "いいえ", "no", "false", "0", "-", "－", "無", "なし", "無し", "不要":
		return false, true
	case "○", "〇", "◯", "o", "はい", "yes", "true", "1", "✓", "✔", "要", "有", "あり", "有り", "必要":
		return true, true
	}
	return false, false
}

// ExportSheet writes a unit's approved tasks as a 見える化シート (those who
// may read the sheet); the export is audited.
func (s *Service) ExportSheet(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64, f tabular.Format) ([]byte, []tabular.Substitution, error) {
	sr, err := s.RateSheet(ctx, tenantID, who, unitID)
	if err != nil {
		return nil, nil, err
	}
	sysName := map[int64]string{}
	for _, x := range sr.Catalogue.Systems {
		sysName[x.ID] = x.Name
	}
	staffNo := map[int64]string{}
	rows := [][]string{SheetHeader}
	prev := ""
	for i, t := range sr.Tasks {
		if t.Status != Approved {
			continue
		}
		var names []string
		for _, id := range t.SystemIDs {
			names = append(names, sysName[id])
		}
		slices.Sort(names)
		if _, ok := staffNo[t.OwnerStaffID]; !ok && t.OwnerStaffID != 0 {
			st, err := s.st.FindStaffByID(ctx, tenantID, t.OwnerStaffID)
			if err != nil {
				return nil, nil, err
			}
			staffNo[t.OwnerStaffID] = st.StaffNo
		}
		hours := ""
		if t.HoursPerYear > 0 {
			hours = strconv.FormatInt(t.HoursPerYear, 10)
		}
		name := t.Name
		if name == prev {
			name = "" // the next 処理 of the same 業務, as the guide's sheet writes it
		}
		prev = t.Name
		rows = append(rows, []string{name, t.Content, t.Timing, feasibleCell(sr.Rated[i]), t.Note, staffNo[t.OwnerStaffID],
			strings.Join(names, "、"), paperWords[t.Paper], yes(t.SpecialEquipment), yes(t.OnSite), yes(t.FaceToFace), yes(t.Phone), hours})
	}
	var buf bytes.Buffer
	subs, err := tabular.WriteNumbers(&buf, f, tabular.TaskSheet, rows, len(SheetHeader)-1)
	if err != nil {
		return nil, nil, err
	}
	err = s.st.InTasksTx(ctx, func(tx Tx) error {
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks.sheet_export", ObjectType: "task_sheet",
			ObjectID: idText(unitID), After: map[string]any{"format": string(f), "tasks": len(rows) - 1}})
	})
	return buf.Bytes(), subs, err
}

// feasibleCell is 「在宅○ サテライト△ モバイル×」: home, the best place, mobile.
func feasibleCell(r Rated) string {
	home, mobile, sat := r.Results[0].Rating, r.Results[1].Rating, No
	if len(r.Results) == 2 {
		return "在宅" + string(home) + " モバイル" + string(mobile)
	}
	for _, res := range r.Results[2:] {
		if res.Rating.rank() < sat.rank() {
			sat = res.Rating
		}
	}
	return "在宅" + string(home) + " サテライト" + string(sat) + " モバイル" + string(mobile)
}

// ImportSheet reads a 見える化シート into a unit's sheet (its owner): a row
// whose 業務名 is already on the sheet updates that task, any other row adds
// one. All rows or none: with any problem nothing is written. dryRun only
// plans.
func (s *Service) ImportSheet(ctx context.Context, tenantID int64, who *auth.Principal, unitID int64, data []byte, dryRun bool) (*SheetImport, error) {
	_, own, err := s.access(ctx, tenantID, who, unitID)
	if err != nil {
		return nil, err
	}
	if !own {
		return nil, apperr.Forbid()
	}
	res := &SheetImport{}
	lim := tabular.DefaultLimits()
	lim.Sheet = tabular.TaskSheet
	tbl, err := tabular.ReadContext(ctx, data, lim)
	if err != nil {
		e := apperr.As(err)
		if e == nil {
			return nil, err
		}
		pr := SheetProblem{Key: e.Key, Args: e.Args}
		if l, ok := e.Args["Line"].(int); ok {
			pr.Line = l
		}
		res.Problems = append(res.Problems, pr)
		return res, nil
	}
	// The import plans inside its transaction, after taking the unit's
	// sheet lock, against the sheet as it is then: two imports of one file
	// at once (a double click, two nodes) do not both plan the same rows as
	// new — the second finds the first's tasks unchanged. The counts and
	// the audit entry are that plan's. A dry run reads the sheet as it is.
	res.Encoding = tbl.Encoding
	if dryRun {
		_, err := s.planImport(ctx, s.st, tenantID, unitID, tbl, res)
		return res, err
	}
	err = s.st.InTasksTx(ctx, func(tx Tx) error {
		if err := tx.LockTaskSheet(ctx, tenantID, unitID); err != nil {
			return err
		}
		res = &SheetImport{Encoding: tbl.Encoding}
		planned, err := s.planImport(ctx, tx, tenantID, unitID, tbl, res)
		if err != nil || len(res.Problems) > 0 {
			return err // with a problem nothing is written
		}
		var names []string
		for _, t := range planned {
			if t.ID == 0 {
				if err := tx.InsertSheetTask(ctx, tenantID, t, s.now()); err != nil {
					return err
				}
			} else if err := tx.UpdateSheetTaskRow(ctx, tenantID, t, s.now()); err != nil {
				return err
			}
			names = append(names, t.Name)
		}
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks.sheet_import", ObjectType: "task_sheet", ObjectID: idText(unitID),
			After: map[string]any{"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged, "tasks": names}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// planImport reads the catalogue's systems and the unit's tasks through r
// and plans the file's rows against them (problems and warnings in res).
func (s *Service) planImport(ctx context.Context, r Reader, tenantID, unitID int64, tbl *tabular.Table, res *SheetImport) ([]*SheetTask, error) {
	systems, err := r.FindInfoSystems(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	byName := map[string]int64{}
	for _, x := range systems {
		byName[systemKey(x.Name)] = x.ID
	}
	current, err := r.FindSheetTasks(ctx, tenantID, unitID)
	if err != nil {
		return nil, err
	}
	cat := &lazyCatalogue{s: s, ctx: ctx, tenantID: tenantID}
	planned, err := s.planSheet(ctx, r, tenantID, unitID, tbl, byName, current, cat, res)
	if err != nil || len(res.Problems) > 0 {
		return nil, err
	}
	return planned, checkStated(cat, res)
}

// planSheet turns the rows into the tasks to write, collecting problems.
func (s *Service) planSheet(ctx context.Context, rd Reader, tenantID, unitID int64, tbl *tabular.Table, byName map[string]int64,
	existing []*SheetTask, cat *lazyCatalogue, res *SheetImport) ([]*SheetTask, error) {
	if len(tbl.Rows) == 0 {
		res.Problems = append(res.Problems, SheetProblem{Key: "tasks.import.empty"})
		return nil, nil
	}
	head, pos, ignored := sheetHeader(tbl)
	res.Ignored = ignored
	if head < 0 {
		res.Problems = append(res.Problems, SheetProblem{Line: tbl.Rows[0].Line, Key: "tasks.import.no_name_column"})
		return nil, nil
	}
	cell := func(r tabular.Row, col int) string {
		if pos[col] < 0 {
			return ""
		}
		v := strings.TrimSpace(r.Cell(pos[col]))
		if col == colName || col == colTiming {
			// One-line fields: a line break typed in the cell (Alt+Enter)
			// reads as a space rather than refusing the row.
			v = strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
		}
		return v
	}
	rows := tbl.Rows[head+1:]
	// A 業務 with several 処理 rows (the guide's 松本市 sheet) writes its
	// 業務名 on the first row only, or on every row: each row is a task
	// (業務名, 処理の内容). A task already on the sheet is found by both, or
	// by its 業務名 alone when it is the only one of that name on the sheet
	// and in the file (its 処理の内容 was edited). Stored values are compared
	// in the form an export writes them (〜 as ～, in Shift_JIS 𠮷 as 〓), so
	// the sheet's own export finds every task again.
	empty := func(r tabular.Row) bool {
		return !slices.ContainsFunc(r.Cells, func(c string) bool { return strings.TrimSpace(c) != "" })
	}
	names, rowsOf, last := make([]string, len(rows)), map[string]int{}, ""
	for i, r := range rows {
		if n := cell(r, colName); n != "" {
			last = n
		}
		names[i] = last
		if !empty(r) {
			rowsOf[last]++
		}
	}
	exact, named := map[[2]string]*SheetTask{}, map[string][]*SheetTask{}
	for _, t := range existing {
		n := tabular.ExportForm(t.Name)
		exact[[2]string{n, tabular.ExportForm(t.Content)}] = t
		named[n] = append(named[n], t)
	}
	staffByNo := map[string][2]int64{} // staff number → (id, unit)
	units, err := rd.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tree := org.NewTree(units)
	seen := map[[2]string]int{}
	var out []*SheetTask
	for i, r := range rows {
		bad := func(col int, key string, args map[string]any) {
			res.Problems = append(res.Problems, SheetProblem{Line: r.Line, Column: SheetHeader[col], Key: key, Args: args})
		}
		if empty(r) {
			continue // an empty line between 業務, or Excel's formatted empty rows
		}
		name := names[i]
		if name == "" {
			bad(colName, "tasks.import.required", nil)
			continue
		}
		id := [2]string{name, cell(r, colContent)}
		if first, dup := seen[id]; dup {
			bad(colName, "tasks.import.duplicate", map[string]any{"First": first})
			continue
		}
		seen[id] = r.Line
		t := &SheetTask{UnitID: unitID, Name: name, Content: cell(r, colContent), Timing: cell(r, colTiming), Note: cell(r, colNote), Status: Approved}
		n := tabular.ExportForm(name)
		old := exact[[2]string{n, tabular.ExportForm(id[1])}]
		if old == nil && rowsOf[name] == 1 && len(named[n]) == 1 {
			old = named[n][0]
		}
		if old != nil {
			t.ID, t.Version, t.Status, t.ProposedBy = old.ID, old.Version, Approved, 0
			t.Name, t.Content = tabular.KeepStored(old.Name, t.Name), tabular.KeepStored(old.Content, t.Content)
			t.Timing, t.Note = tabular.KeepStored(old.Timing, t.Timing), tabular.KeepStored(old.Note, t.Note)
		}
		if no := cell(r, colOwner); no != "" {
			who, ok := staffByNo[no]
			if !ok {
				st, err := s.st.FindStaffByNo(ctx, tenantID, no)
				switch {
				case apperr.CodeOf(err) == apperr.NotFound || (err == nil && st.Retired):
				case err != nil:
					return nil, err
				default:
					who = [2]int64{st.ID, st.UnitID}
				}
				staffByNo[no] = who
			}
			switch {
			case who[0] == 0:
				bad(colOwner, "tasks.import.staff_unknown", map[string]any{"Value": no})
			case (old == nil || old.OwnerStaffID != who[0]) && !tree.IsWithin(who[1], unitID):
				// As on the form: the 担当 is one of the section's people
				// (one kept from before a transfer stays).
				bad(colOwner, "tasks.import.owner_outside", map[string]any{"Value": no})
			}
			t.OwnerStaffID = who[0]
		}
		if v := cell(r, colSystems); v != "" {
			for _, n := range strings.FieldsFunc(v, func(c rune) bool { return strings.ContainsRune(systemSeparators, c) }) {
				id, ok := byName[systemKey(n)]
				if !ok {
					bad(colSystems, "tasks.import.system_unknown", map[string]any{"Value": strings.TrimSpace(n)})
					continue
				}
				t.SystemIDs = append(t.SystemIDs, id)
			}
			slices.Sort(t.SystemIDs)
		}
		t.Paper = PaperNone
		if v := cell(r, colPaper); v != "" {
			found := false
			for p, w := range paperWords {
				if v == w || v == string(p) {
					t.Paper, found = p, true
				}
			}
			if !found {
				bad(colPaper, "tasks.import.paper", map[string]any{"Value": v})
			}
		}
		for col, dst := range map[int]*bool{colEquipment: &t.SpecialEquipment, colOnSite: &t.OnSite, colFaceToFace: &t.FaceToFace, colPhone: &t.Phone} {
			b, ok := readYes(cell(r, col))
			if !ok {
				bad(col, "tasks.import.yes_no", map[string]any{"Value": cell(r, col)})
			}
			*dst = b
		}
		if v := cell(r, colHours); v != "" {
			n, err := strconv.ParseInt(strings.ReplaceAll(width.Narrow.String(v), ",", ""), 10, 64)
			if err != nil || n < 0 || n > maxHours {
				bad(colHours, "tasks.import.hours", map[string]any{"Value": v, "Max": maxHours})
			}
			t.HoursPerYear = n
		}
		if err := t.Validate(); err != nil {
			if e := apperr.As(err); e != nil {
				for _, f := range e.Fields {
					col, ok := map[string]int{"task_name": colName, "content": colContent, "timing": colTiming, "note": colNote, "systems": colSystems}[f.Field]
					if ok {
						bad(col, "tasks.import."+strings.TrimPrefix(strings.TrimPrefix(f.Key, "field."), "tasks.field."), f.Args)
					}
				}
			}
			continue
		}
		if v := cell(r, colFeasible); v != "" {
			onSite, err := statedOnSite(cat, pos[colOnSite] >= 0, t, v)
			if err != nil {
				return nil, err
			}
			if onSite {
				// 松本市's sheet has no column for it: a × the row's
				// conditions do not explain (「会議開催、運営 × 物理的に
				// 不能」) is a task done only where it happens — said.
				t.OnSite = true
				res.Warnings = append(res.Warnings, SheetProblem{Line: r.Line, Column: SheetHeader[colFeasible], Key: "tasks.import.stated_on_site",
					Args: map[string]any{"Task": taskLabel(t), "Column": SheetHeader[colOnSite]}})
			} else {
				res.stated = append(res.stated, statedRow{line: r.Line, task: t, cell: v})
			}
		}
		if old != nil {
			if sameTask(old, t) {
				res.Unchanged++
				continue
			}
			res.Updated++
		} else {
			res.Created++
		}
		out = append(out, t)
	}
	slices.SortStableFunc(res.Problems, func(a, b SheetProblem) int { return a.Line - b.Line })
	return out, nil
}

// sheetAliases are the other headers sections give the sheet's columns
// (by SheetHeader's position), compared as org.SearchKey compares.
var sheetAliases = [numCols][]string{
	{"業務", "業務の名称", "事務名", "事務事業名"},
	{"処理内容", "内容", "作業内容", "事務の内容"},
	{"処理時期", "時期", "実施時期", "頻度"},
	{"テレワーク可否", "可否", "実施可否", "テレワークの実施可否", "テレワーク実施の可否"},
	{"備考", "理由", "可否の理由", "説明(理由)"},
	{"担当", "担当者", "職員番号", "担当者職員番号", "担当職員"},
	{"使用する情報システム", "使用する業務システム", "情報システム", "業務システム", "システム", "使用するシステム"},
	{"紙", "紙の書類", "紙の資料", "原本", "紙の原本の有無"},
	{"特殊機器", "特殊な機器等", "専用機器", "専用の機器"},
	{"物理的に不能", "その場でのみ可能", "現地でしかできない", "出勤が必要", "現地対応"},
	{"対面", "窓口・相談", "窓口", "対面対応", "窓口対応", "対面(窓口)"},
	{"電話対応", "電話応対", "電話の対応"},
	{"年間の時間", "年間処理時間", "年間作業時間", "時間(年間)", "年間時間数"},
}

// systemKey is how a system's name in a file is matched to the catalogue:
// in the form an export writes it (〜 as ～, 𠮷 as 〓 in Shift_JIS), then
// as search compares (全角/半角, case, spaces).
func systemKey(name string) string { return org.SearchKey(tabular.ExportForm(name)) }

// systemSeparators split a cell's system names (an export joins them with
// 、): a system's name cannot hold one.
const systemSeparators = "、,，/／;；\n"

// headerColumn is the column header h names (-1: none): SheetHeader's
// names and their aliases, with a trailing unit in brackets ignored
// (「年間時間(時間)」).
func headerColumn(h string) int {
	k := org.SearchKey(h)
	if k == "" {
		return -1
	}
	for _, key := range []string{k, strings.TrimSpace(trailingBracket.ReplaceAllString(k, ""))} {
		for j, name := range SheetHeader {
			if key == org.SearchKey(name) || slices.ContainsFunc(sheetAliases[j], func(a string) bool { return key == org.SearchKey(a) }) {
				return j
			}
		}
	}
	return -1
}

var trailingBracket = regexp.MustCompile(`\([^()]*\)$`)

// sheetHeader finds the header (the first of the first 20 rows with a
// 業務名 cell: the guide's sheet has its title, 所属・係 and 職・氏名 above
// it), each column's position (-1: absent) and the headers of the header
// it does not read (told to the user, never dropped in silence). It
// returns the index of the header's last row, or -1 when there is none.
// A header of two rows (secondHeaderRow) is read as one.
func sheetHeader(tbl *tabular.Table) (int, []int, []string) {
	pos := make([]int, numCols)
	for i := range min(len(tbl.Rows), 20) {
		for j := range pos {
			pos[j] = -1
		}
		var ignored []string
		for c, v := range tbl.Rows[i].Cells {
			if j := headerColumn(v); j >= 0 && pos[j] < 0 {
				pos[j] = c
			} else if strings.TrimSpace(v) != "" {
				ignored = append(ignored, strings.TrimSpace(v))
			}
		}
		if pos[colName] < 0 {
			continue
		}
		if i+1 < len(tbl.Rows) && secondHeaderRow(tbl.Rows[i], tbl.Rows[i+1], pos) {
			return i + 1, pos, combineHeader(tbl.Rows[i], tbl.Rows[i+1], pos)
		}
		return i, pos, ignored
	}
	return -1, pos, nil
}

// secondHeaderRow reports whether next continues the header row head, as
// a header of two rows does (業務名・使用システム merged down over both
// rows, 電話・対面・特殊機器 under a heading 「業務に必要なこと」 merged
// across): its 業務名 cell is empty or repeats the header's (an xlsx's
// vertical merge is read on both rows), and every other cell either
// repeats the cell above or stands under a cell the header does not read
// (a heading over the columns below it, or nothing). A task's row never
// does: its 業務名 is a name, not the header's.
func secondHeaderRow(head, next tabular.Row, pos []int) bool {
	above := func(c int) string { return strings.TrimSpace(head.Cell(c)) }
	if v := strings.TrimSpace(next.Cell(pos[colName])); v != "" && v != above(pos[colName]) {
		return false
	}
	repeats, named, other := false, false, false
	for c, v := range next.Cells {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
		case v == above(c):
			repeats = true
		case headerColumn(above(c)) >= 0:
			return false // a value under a column the header reads: a task's row
		case headerColumn(v) >= 0:
			named = true
		default:
			other = true
		}
	}
	// Columns named under a heading; or every heading merged down and
	// none split (nothing else on the row).
	return named || (repeats && !other)
}

// combineHeader adds the columns the second row names under its headings
// to pos and lists the headers of both rows the import does not read; a
// heading with named columns under it is no column of its own.
func combineHeader(head, next tabular.Row, pos []int) []string {
	var ignored []string
	for c, v := range head.Cells {
		v = strings.TrimSpace(v)
		if j := headerColumn(v); v == "" || (j >= 0 && pos[j] == c) {
			continue
		}
		if below := strings.TrimSpace(next.Cell(c)); below == "" || below == v {
			ignored = append(ignored, v) // an unread column merged down
		}
	}
	for c, v := range next.Cells {
		v = strings.TrimSpace(v)
		if v == "" || v == strings.TrimSpace(head.Cell(c)) {
			continue
		}
		if j := headerColumn(v); j >= 0 && pos[j] < 0 {
			pos[j] = c
		} else {
			ignored = append(ignored, v)
		}
	}
	return ignored
}

func sameTask(a, b *SheetTask) bool {
	return a.Name == b.Name && a.Content == b.Content && a.Timing == b.Timing && a.Note == b.Note && a.OwnerStaffID == b.OwnerStaffID &&
		slices.Equal(a.SystemIDs, b.SystemIDs) && a.Paper == b.Paper && a.SpecialEquipment == b.SpecialEquipment &&
		a.OnSite == b.OnSite && a.FaceToFace == b.FaceToFace && a.Phone == b.Phone && a.HoursPerYear == b.HoursPerYear && a.Status == b.Status
}

// RankingRows are the ranking as a table for the 予算要求 (header first),
// in lang; sections are named by their path.
func (s *Service) RankingRows(ctx context.Context, tenantID int64, who *auth.Principal, lang string) ([][]string, error) {
	rk, _, err := s.Ranking(ctx, tenantID, who)
	if err != nil {
		return nil, err
	}
	units, err := s.st.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	t := func(k string) string { return i18n.T(lang, k, nil) }
	rows := [][]string{{t("tasks.ranking.rank"), t("tasks.ranking.improvement"), t("tasks.ranking.tasks"), t("tasks.ranking.hours"),
		t("tasks.ranking.opened_home"), t("tasks.ranking.opened_satellite"), t("tasks.ranking.opened_mobile"), t("tasks.ranking.sections"), t("tasks.ranking.id")}}
	sep := "、"
	if lang == "en" {
		sep = "; "
	}
	for i, x := range rk {
		var secs []string
		for _, id := range x.Sections {
			secs = append(secs, tr.PathString(id))
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), x.Note.Text(lang), strconv.Itoa(x.Tasks), strconv.FormatFloat(x.Hours, 'f', -1, 64),
			strconv.Itoa(x.Opened[0]), strconv.Itoa(x.Opened[1]), strconv.Itoa(x.Opened[2]), strings.Join(secs, sep), x.Fix})
	}
	return rows, nil
}

// ExportRanking writes the ranking as a file in format f (audited), with
// the cells a Shift_JIS file wrote with 〓.
func (s *Service) ExportRanking(ctx context.Context, tenantID int64, who *auth.Principal, lang string, f tabular.Format) ([]byte, []tabular.Substitution, error) {
	rows, err := s.RankingRows(ctx, tenantID, who, lang)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	subs, err := tabular.WriteNumbers(&buf, f, i18n.T(lang, "tasks.ranking.sheet", nil), rows, 0, 2, 3, 4, 5, 6)
	if err != nil {
		return nil, nil, err
	}
	err = s.st.InTasksTx(ctx, func(tx Tx) error {
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks.ranking_export", ObjectType: "task_ranking", ObjectID: "tenant",
			After: map[string]any{"format": string(f), "improvements": len(rows) - 1}})
	})
	return buf.Bytes(), subs, err
}
