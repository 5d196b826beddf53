package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// PreferredSheet is the worksheet read when a workbook has one of this
// name; otherwise the first visible sheet is read.
const PreferredSheet = "職員"

// TaskSheet is the worksheet the 見える化シート is exported as; the task
// import reads it first in a workbook that has it beside other tabs (a
// 記載例 or a 職員 tab before it).
const TaskSheet = "見える化シート"

// xlsxSpill is the size above which excelize unzips a worksheet or the
// shared-strings table to a temporary file and streams it from there
// instead of holding it in memory; xlsxInMemory bounds what it holds in
// memory (every other part, and the small ones) together.
const (
	xlsxSpill    = 1 << 20
	xlsxInMemory = 24 << 20
)

// checkZip refuses an archive whose parts are too large before excelize
// unzips anything: first by the sizes the archive declares (which excelize
// would use to size its buffers), then by inflating every part and
// counting what actually comes out (archive/zip also refuses a part longer
// than declared), the shared strings' entries included.
func checkZip(ctx context.Context, data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fail("tabular.xlsx_broken", nil)
	}
	if len(zr.File) > lim.MaxParts {
		return fail("tabular.xlsx_broken", nil)
	}
	var total, inMemory uint64
	for _, f := range zr.File {
		max, kind := partLimit(f.Name, lim)
		size := f.UncompressedSize64
		total += size
		if size > uint64(max) {
			return tooLarge(kind, max)
		}
		if total > uint64(lim.MaxUnzipped) {
			return fail("tabular.xlsx_total_too_large", map[string]any{"MB": lim.MaxUnzipped >> 20})
		}
		if kind == partOther || size <= xlsxSpill {
			inMemory += size
			if inMemory > xlsxInMemory {
				return fail("tabular.xlsx_total_too_large", map[string]any{"MB": xlsxInMemory >> 20})
			}
		}
	}
	for _, f := range zr.File {
		if err := deadline(ctx, lim); err != nil {
			return err
		}
		max, kind := partLimit(f.Name, lim)
		rc, err := f.Open()
		if err != nil {
			return fail("tabular.xlsx_broken", nil)
		}
		w := &partCounter{ctx: ctx, left: max}
		switch kind {
		case partSST:
			w.tag, w.items = []byte("si"), lim.MaxSharedItems
		case partSheet:
			w.tag, w.items = []byte("c"), lim.MaxCells
		}
		_, err = io.Copy(w, rc)
		rc.Close()
		switch {
		case w.over:
			return tooLarge(kind, max)
		case w.tooMany && kind == partSheet:
			return fail("tabular.too_many_cells", map[string]any{"Max": lim.MaxCells})
		case w.tooMany:
			return fail("tabular.too_many_strings", map[string]any{"Max": lim.MaxSharedItems})
		case w.ctxErr != nil:
			return deadline(ctx, lim)
		case err != nil:
			return fail("tabular.xlsx_broken", nil)
		}
	}
	return nil
}

type partKind int

const (
	partOther partKind = iota
	partSheet
	partSST
)

func partLimit(name string, lim Limits) (int64, partKind) {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case strings.HasPrefix(n, "xl/worksheets/sheet"):
		return lim.MaxSheetXML, partSheet
	case n == "xl/sharedstrings.xml":
		return lim.MaxSharedStrings, partSST
	}
	return lim.MaxPartXML, partOther
}

func tooLarge(kind partKind, max int64) error {
	key := "tabular.xlsx_part_too_large"
	switch kind {
	case partSheet:
		key = "tabular.xlsx_sheet_too_large"
	case partSST:
		key = "tabular.xlsx_strings_too_large"
	}
	return fail(key, map[string]any{"MB": max >> 20})
}

// partCounter is where a part is inflated to: it counts the bytes and the
// elements named tag ("c" in a sheet: every cell, empty ones included;
// "si" in the shared strings), with or without a namespace prefix, and
// stops at the limits. Counting the cells here refuses a sheet of empty
// cells before excelize spends seconds decoding them one by one.
type partCounter struct {
	ctx     context.Context
	left    int64
	tag     []byte
	items   int
	carry   []byte // the end of the previous chunk, for a tag cut in two
	seen    int64
	over    bool
	tooMany bool
	ctxErr  error
}

func (w *partCounter) Write(p []byte) (int, error) {
	w.left -= int64(len(p))
	if w.left < 0 {
		w.over = true
		return 0, errStop
	}
	if w.seen += int64(len(p)); w.seen >= 4<<20 {
		w.seen = 0
		if err := w.ctx.Err(); err != nil {
			w.ctxErr = err
			return 0, errStop
		}
	}
	if w.tag == nil {
		return len(p), nil
	}
	buf := append(w.carry, p...)
	n := len(w.tag)
	for i := 0; ; {
		j := bytes.Index(buf[i:], w.tag)
		if j < 0 || i+j+n >= len(buf) {
			break
		}
		k := i + j
		if k > 0 && (buf[k-1] == '<' || buf[k-1] == ':') && strings.IndexByte("> /", buf[k+n]) >= 0 {
			if w.items--; w.items < 0 {
				w.tooMany = true
				return 0, errStop
			}
		}
		i = k + n
	}
	keep := min(len(buf), n+1)
	w.carry = append(w.carry[:0], buf[len(buf)-keep:]...)
	return len(p), nil
}

var errStop = errors.New("tabular: limit reached")

// ReadXLSX reads the sheet named 職員, or else the first visible sheet,
// within DefaultLimits. Cells come as Excel displays them (so 職員番号
// formatted "000000" keeps its zeros); where a number format changed a
// stored number (dates), the stored number is in Row.Raw too, for
// SerialDate.
func ReadXLSX(data []byte) (*Table, error) {
	lim := DefaultLimits()
	ctx, cancel := context.WithTimeout(context.Background(), lim.Timeout)
	defer cancel()
	return readXLSX(ctx, data, lim)
}

func readXLSX(ctx context.Context, data []byte, lim Limits) (t *Table, err error) {
	defer func() {
		// excelize is large and reads untrusted input; a panic in it is a
		// broken file to the person uploading it, not a crash.
		if r := recover(); r != nil {
			t, err = nil, fail("tabular.xlsx_broken", nil)
		}
	}()
	if err := checkZip(ctx, data, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: max(lim.MaxUnzipped, xlsxSpill), UnzipXMLSizeLimit: xlsxSpill})
	if err != nil {
		if strings.Contains(err.Error(), "password") || strings.Contains(err.Error(), "encrypt") {
			return nil, fail("tabular.xls", nil)
		}
		return nil, fail("tabular.xlsx_broken", nil)
	}
	defer f.Close()
	sheet, want := "", lim.Sheet
	if want == "" {
		want = PreferredSheet
	}
	for _, name := range f.GetSheetList() {
		if strings.TrimSpace(name) == want {
			sheet = name
			break
		}
	}
	if sheet == "" {
		for _, name := range f.GetSheetList() {
			if v, err := f.GetSheetVisible(name); err == nil && v {
				sheet = name
				break
			}
		}
	}
	if sheet == "" {
		return nil, fail("tabular.empty", nil)
	}
	t = &Table{Encoding: "xlsx", Sheet: sheet}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		t.Date1904 = *p.Date1904
	}
	if t.Rows, err = sheetRows(ctx, f, sheet, lim); err != nil {
		return nil, err
	}
	fillMerged(f, sheet, t.Rows)
	return t, nil
}

// fillMerged gives each row of a merged cell spanning rows of one column
// the cell's value (Excel shows it on all of them; the file stores it on
// the first only): a 使用システム or 紙の原本 merged over the 処理 rows of
// one 業務 belongs to each. Merges across columns (a title over the
// header, a heading over two columns) are left alone: filling them would
// repeat a header's name.
func fillMerged(f *excelize.File, sheet string, rows []Row) {
	merges, err := f.GetMergeCells(sheet)
	if err != nil || len(merges) == 0 {
		return
	}
	byLine := make(map[int]int, len(rows))
	for i, r := range rows {
		byLine[r.Line] = i
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || c1 != c2 || r2 <= r1 || m.GetCellValue() == "" {
			continue
		}
		col := c1 - 1
		for line := r1 + 1; line <= r2; line++ {
			i, ok := byLine[line]
			if !ok {
				continue // a row with nothing but the merge is no record
			}
			if col >= len(rows[i].Cells) {
				rows[i].Cells = append(rows[i].Cells, make([]string, col+1-len(rows[i].Cells))...)
			}
			if rows[i].Cells[col] == "" {
				rows[i].Cells[col] = m.GetCellValue()
			}
		}
	}
}

// sheetRows streams a sheet twice in step, as displayed and as stored,
// keeping only the non-blank rows without their trailing blanks: the
// memory held is that of the cells with something in them.
func sheetRows(ctx context.Context, f *excelize.File, sheet string, lim Limits) ([]Row, error) {
	shown, err := f.Rows(sheet)
	if err != nil {
		return nil, fail("tabular.xlsx_broken", nil)
	}
	defer shown.Close()
	raw, err := f.Rows(sheet)
	if err != nil {
		return nil, fail("tabular.xlsx_broken", nil)
	}
	defer raw.Close()
	budget := cellBudget{left: lim.MaxCells, max: lim.MaxCells}
	var out []Row
	line := 0
	for shown.Next() {
		raw.Next()
		line++
		if line > lim.MaxRows {
			return nil, fail("tabular.too_many_rows", map[string]any{"Max": lim.MaxRows})
		}
		if line%checkEvery == 0 {
			if err := deadline(ctx, lim); err != nil {
				return nil, err
			}
		}
		cells, err := shown.Columns()
		if err != nil {
			return nil, fail("tabular.xlsx_broken", nil)
		}
		if len(cells) > lim.MaxColumns {
			return nil, fail("tabular.too_many_columns", map[string]any{"Line": line, "Max": lim.MaxColumns})
		}
		if err := budget.take(len(cells)); err != nil {
			return nil, err
		}
		stored, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fail("tabular.xlsx_broken", nil)
		}
		for j := range cells {
			cells[j] = NormalizeText(cells[j])
		}
		cells = trimRow(cells)
		if len(cells) == 0 {
			continue
		}
		row := Row{Line: line, Cells: slices.Clone(cells)}
		for j, rv := range stored {
			if j < len(cells) && rv != cells[j] && isNumber(rv) {
				if row.Raw == nil {
					row.Raw = make([]string, len(cells))
				}
				row.Raw[j] = rv
			}
		}
		out = append(out, row)
	}
	if err := shown.Error(); err != nil {
		return nil, fail("tabular.xlsx_broken", nil)
	}
	return out, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// SerialDate turns a spreadsheet's stored date (days since 1899-12-30, or
// 1904-01-01 in the 1904 system) into a civil date. ok is false when raw
// is not a number in the range of dates Excel can show.
func SerialDate(raw string, date1904 bool) (y int, m time.Month, d int, ok bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || v < 1 || v > 2958465 {
		return 0, 0, 0, false
	}
	t, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return 0, 0, 0, false
	}
	y, m, d = t.Date()
	return y, m, d, true
}

// writeXLSX writes one sheet with every column formatted as text, so that
// Excel keeps a 職員番号's leading zeros and leaves typed dates as typed;
// a cell of nums (a number, by row and column) is written as a number
// instead, so that SUM and charts work on it.
func writeXLSX(w io.Writer, sheet string, rows [][]string, nums map[[2]int]float64) error {
	f := excelize.NewFile()
	defer f.Close()
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("tabular: sheet name: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	// A number's own style: a style equal to the workbook's default gets
	// id 0, which the stream writer reads as "none" and then gives the cell
	// its column's text format (「@」), where a SUM typed below reads as text.
	number, err := f.NewStyle(&excelize.Style{NumFmt: 0, Alignment: &excelize.Alignment{Horizontal: "right"}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	if cols > 0 {
		// Text columns are text (a 職員番号 typed later keeps its zeros); a
		// column of numbers is not, so that a total typed under it computes.
		numeric := numericColumns(rows, nums, cols)
		for c := 1; c <= cols; c++ {
			if numeric[c-1] {
				continue
			}
			if err := sw.SetColStyle(c, c, text); err != nil {
				return err
			}
		}
		// The stream writer puts each new width first: set them from the
		// last column so that the file lists them in order.
		widths := columnWidths(rows, cols)
		for c := cols - 1; c >= 0; c-- {
			if err := sw.SetColWidth(c+1, c+1, widths[c]); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	for i, r := range rows {
		vals := make([]any, len(r))
		style := text
		if i == 0 {
			style = head
		}
		for j, v := range r {
			if n, ok := nums[[2]int{i, j}]; ok {
				vals[j] = excelize.Cell{StyleID: number, Value: n}
				continue
			}
			vals[j] = excelize.Cell{StyleID: style, Value: NormalizeText(v)}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if cols > 0 && filterable(rows[0], cols) {
		// Filter buttons on the header row (an unstyled table, the one
		// way to a filter in a streamed sheet): 人事 sorts and narrows the
		// list in Excel before editing it.
		last, _ := excelize.CoordinatesToCellName(cols, max(len(rows), 2))
		stripes := false
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "list", StyleName: "TableStyleLight1",
			ShowRowStripes: &stripes}); err != nil {
			return fmt.Errorf("tabular: filter: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// numericColumns are the columns whose data cells (below the header) are
// all numbers or empty, with at least one number.
func numericColumns(rows [][]string, nums map[[2]int]float64, cols int) []bool {
	out := make([]bool, cols)
	for c := range cols {
		seen := false
		out[c] = true
		for i := 1; i < len(rows); i++ {
			if _, ok := nums[[2]int{i, c}]; ok {
				seen = true
			} else if c < len(rows[i]) && rows[i][c] != "" {
				out[c] = false
				break
			}
		}
		out[c] = out[c] && seen
	}
	return out
}

// filterable reports a header a table can carry: every column named, no
// name twice.
func filterable(header []string, cols int) bool {
	if len(header) != cols {
		return false
	}
	seen := map[string]bool{}
	for _, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if k == "" || seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

// widthSample is how many rows the column widths are measured on.
const widthSample = 2000

// columnWidths fits each column to its header and values (a full-width
// character counts twice, as Excel draws it), between 6 and 50
// characters, with room for the filter button on the header.
func columnWidths(rows [][]string, cols int) []float64 {
	out := make([]float64, cols)
	for i, r := range rows {
		if i > widthSample {
			break
		}
		for c, v := range r {
			w := float64(displayWidth(v))
			if i == 0 {
				w += 3 // the filter button
			}
			out[c] = max(out[c], w)
		}
	}
	for c := range out {
		out[c] = min(max(out[c]+1, 6), 50)
	}
	return out
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff ||
			r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6 || r >= 0x20000) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Write writes rows (the first being the header) in the format; sheet
// names the xlsx worksheet. In CP932 the characters it lacks are written
// as 〓 and listed in the result (nil for the other formats, which hold
// every character).
func Write(w io.Writer, f Format, sheet string, rows [][]string) ([]Substitution, error) {
	switch f {
	case XLSX:
		return nil, writeXLSX(w, sheet, rows, nil)
	case CSVSJIS:
		return writeCSV(w, rows, true)
	default:
		return writeCSV(w, rows, false)
	}
}

// WriteValues is Write for rows whose cells are strings or numbers (int,
// int64, float64): in xlsx a number is a numeric cell, so that SUM works on
// a report's counts and hours; a string stays text. CSV holds the number as
// text in its shortest exact form.
func WriteValues(w io.Writer, f Format, sheet string, rows [][]any) ([]Substitution, error) {
	text := make([][]string, len(rows))
	nums := map[[2]int]float64{}
	for i, r := range rows {
		text[i] = make([]string, len(r))
		for j, v := range r {
			switch x := v.(type) {
			case string:
				text[i][j] = x
			case int:
				text[i][j], nums[[2]int{i, j}] = strconv.Itoa(x), float64(x)
			case int64:
				text[i][j], nums[[2]int{i, j}] = strconv.FormatInt(x, 10), float64(x)
			case float64:
				text[i][j], nums[[2]int{i, j}] = strconv.FormatFloat(x, 'f', -1, 64), x
			default:
				text[i][j] = fmt.Sprint(x)
			}
		}
	}
	if f == XLSX {
		return nil, writeXLSX(w, sheet, text, nums)
	}
	return Write(w, f, sheet, text)
}

// WriteNumbers is Write for a table whose columns cols (0-based) hold
// numbers written as text (counts, hours, amounts): below the header, a
// cell there that is a plain decimal number ("12", "-3", "7.5") is written
// as a number (a numeric xlsx cell; CSV is unchanged), anything else —
// empty, 「—」 for a count held back — stays text. Columns not named stay
// text even when they look like numbers (a 職員番号 keeps its zeros).
func WriteNumbers(w io.Writer, f Format, sheet string, rows [][]string, cols ...int) ([]Substitution, error) {
	if f != XLSX {
		return Write(w, f, sheet, rows)
	}
	nums := map[[2]int]float64{}
	for i := 1; i < len(rows); i++ {
		for _, j := range cols {
			if j >= len(rows[i]) || !plainNumber.MatchString(rows[i][j]) {
				continue
			}
			if n, err := strconv.ParseFloat(rows[i][j], 64); err == nil {
				nums[[2]int{i, j}] = n
			}
		}
	}
	return nil, writeXLSX(w, sheet, rows, nums)
}

// plainNumber is a decimal number as the product writes one: no leading
// zeros (an id "007" is text), no exponent, no thousands separator.
var plainNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$`)
