package tasks

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/tabular"

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
	colFaceToFace
	colPhone
	colHours
	numCols
)

// SheetHeader is the header row of the 見える化シート.
var SheetHeader = []string{"業務名", "処理の内容", "処理の時期", "テレワークの可否", "説明", "担当職員番号", "使用システム",
	"紙の原本", "特殊な機器", "対面(窓口・相談)", "電話", "年間時間"}

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
}

func yes(b bool) string {
	if b {
		return "○"
	}
	return ""
}

func readYes(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "×", "x", "いいえ", "no", "false", "0", "-", "－":
		return false, true
	case "○", "〇", "◯", "o", "はい", "yes", "true", "1", "✓", "要":
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
			strings.Join(names, "、"), paperWords[t.Paper], yes(t.SpecialEquipment), yes(t.FaceToFace), yes(t.Phone), hours})
	}
	var buf bytes.Buffer
	subs, err := tabular.Write(&buf, f, "見える化シート", rows)
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
	tbl, err := tabular.ReadContext(ctx, data, tabular.DefaultLimits())
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
	res.Encoding = tbl.Encoding
	systems, err := s.st.FindInfoSystems(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	byName := map[string]int64{}
	for _, x := range systems {
		byName[org.SearchKey(x.Name)] = x.ID
	}
	current, err := s.st.FindSheetTasks(ctx, tenantID, unitID)
	if err != nil {
		return nil, err
	}
	planned, err := s.planSheet(ctx, tenantID, unitID, tbl, byName, current, res)
	if err != nil || len(res.Problems) > 0 || dryRun {
		return res, err
	}
	err = s.st.InTasksTx(ctx, func(tx Tx) error {
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

// planSheet turns the rows into the tasks to write, collecting problems.
func (s *Service) planSheet(ctx context.Context, tenantID, unitID int64, tbl *tabular.Table, byName map[string]int64,
	existing []*SheetTask, res *SheetImport) ([]*SheetTask, error) {
	if len(tbl.Rows) == 0 {
		res.Problems = append(res.Problems, SheetProblem{Key: "tasks.import.empty"})
		return nil, nil
	}
	head, pos := sheetHeader(tbl)
	if head < 0 {
		res.Problems = append(res.Problems, SheetProblem{Line: tbl.Rows[0].Line, Key: "tasks.import.no_name_column"})
		return nil, nil
	}
	cell := func(r tabular.Row, col int) string {
		if pos[col] < 0 {
			return ""
		}
		return strings.TrimSpace(r.Cell(pos[col]))
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
	staffByNo := map[string]int64{}
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
			id, ok := staffByNo[no]
			if !ok {
				st, err := s.st.FindStaffByNo(ctx, tenantID, no)
				switch {
				case apperr.CodeOf(err) == apperr.NotFound || (err == nil && st.Retired):
				case err != nil:
					return nil, err
				default:
					id = st.ID
				}
				staffByNo[no] = id
			}
			if id == 0 {
				bad(colOwner, "tasks.import.staff_unknown", map[string]any{"Value": no})
			}
			t.OwnerStaffID = id
		}
		if v := cell(r, colSystems); v != "" {
			for _, n := range strings.FieldsFunc(v, func(c rune) bool { return strings.ContainsRune("、,，/／;；\n", c) }) {
				id, ok := byName[org.SearchKey(n)]
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
		for col, dst := range map[int]*bool{colEquipment: &t.SpecialEquipment, colFaceToFace: &t.FaceToFace, colPhone: &t.Phone} {
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

// sheetHeader finds the header row (the first of the first 20 rows with a
// 業務名 cell: the guide's sheet has its title, 所属・係 and 職・氏名 above
// it) and each column's position (-1: absent). No header: -1.
func sheetHeader(tbl *tabular.Table) (int, []int) {
	pos := make([]int, numCols)
	for i := range min(len(tbl.Rows), 20) {
		for j := range pos {
			pos[j] = -1
		}
		for c, v := range tbl.Rows[i].Cells {
			k := org.SearchKey(v)
			for j, h := range SheetHeader {
				if k == org.SearchKey(h) && pos[j] < 0 {
					pos[j] = c
				}
			}
		}
		if pos[colName] >= 0 {
			return i, pos
		}
	}
	return -1, pos
}

func sameTask(a, b *SheetTask) bool {
	return a.Name == b.Name && a.Content == b.Content && a.Timing == b.Timing && a.Note == b.Note && a.OwnerStaffID == b.OwnerStaffID &&
		slices.Equal(a.SystemIDs, b.SystemIDs) && a.Paper == b.Paper && a.SpecialEquipment == b.SpecialEquipment &&
		a.FaceToFace == b.FaceToFace && a.Phone == b.Phone && a.HoursPerYear == b.HoursPerYear && a.Status == b.Status
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

// ExportRanking writes the ranking as a file in format f (audited).
func (s *Service) ExportRanking(ctx context.Context, tenantID int64, who *auth.Principal, lang string, f tabular.Format) ([]byte, error) {
	rows, err := s.RankingRows(ctx, tenantID, who, lang)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := tabular.Write(&buf, f, i18n.T(lang, "tasks.ranking.sheet", nil), rows); err != nil {
		return nil, err
	}
	err = s.st.InTasksTx(ctx, func(tx Tx) error {
		return tx.Audit(ctx, tenantID, auth.ActorOf(who), audit.Change{Action: "tasks.ranking_export", ObjectType: "task_ranking", ObjectID: "tenant",
			After: map[string]any{"format": string(f), "improvements": len(rows) - 1}})
	})
	return buf.Bytes(), err
}
