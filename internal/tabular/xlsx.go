package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// PreferredSheet is the worksheet read when a workbook has one of this
// name; otherwise the first visible sheet is read.
const PreferredSheet = "職員"

// Size limits when unzipping an upload: a zip bomb must not fill memory or
// disk. A sheet of 50,000 staff is about 30 MB of XML; sheets above the XML
// limit are unzipped to a temporary file and streamed from there.
const (
	xlsxUnzipLimit    = 200 << 20
	xlsxUnzipXMLLimit = 16 << 20
	xlsxMaxParts      = 10_000
)

// checkZip looks at the sizes the archive declares before excelize
// allocates buffers of those sizes.
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fail("tabular.xlsx_broken", nil)
	}
	if len(zr.File) > xlsxMaxParts {
		return fail("tabular.xlsx_broken", nil)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > xlsxUnzipLimit {
			return fail("tabular.xlsx_too_large", nil)
		}
	}
	return nil
}

// ReadXLSX reads the sheet named 職員, or else the first visible sheet.
// Cells come as Excel displays them (so 職員番号 formatted "000000" keeps
// its zeros); where a number format changed a stored number (dates), the
// stored number is in Row.Raw too, for SerialDate.
func ReadXLSX(data []byte) (t *Table, err error) {
	defer func() {
		// excelize is large and reads untrusted input; a panic in it is a
		// broken file to the person uploading it, not a crash.
		if r := recover(); r != nil {
			t, err = nil, fail("tabular.xlsx_broken", nil)
		}
	}()
	if err := checkZip(data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipXMLLimit})
	if err != nil {
		if strings.Contains(err.Error(), "password") || strings.Contains(err.Error(), "encrypt") {
			return nil, fail("tabular.xls", nil)
		}
		return nil, fail("tabular.xlsx_broken", nil)
	}
	defer f.Close()
	sheet := ""
	for _, name := range f.GetSheetList() {
		if strings.TrimSpace(name) == PreferredSheet {
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
	shown, err := sheetRows(f, sheet, false)
	if err != nil {
		return nil, err
	}
	raw, err := sheetRows(f, sheet, true)
	if err != nil {
		return nil, err
	}
	for i, cells := range shown {
		for j := range cells {
			cells[j] = NormalizeText(cells[j])
		}
		cells = trimRow(cells)
		if len(cells) == 0 {
			continue
		}
		row := Row{Line: i + 1, Cells: cells}
		if i < len(raw) {
			for j, rv := range raw[i] {
				if j < len(cells) && rv != cells[j] && isNumber(rv) {
					if row.Raw == nil {
						row.Raw = make([]string, len(cells))
					}
					row.Raw[j] = rv
				}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// sheetRows streams a sheet; index i is row i+1 (empty rows included).
func sheetRows(f *excelize.File, sheet string, raw bool) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, fail("tabular.xlsx_broken", nil)
	}
	defer it.Close()
	var out [][]string
	last := 0 // rows after the last non-empty one are not kept
	for it.Next() {
		if len(out) >= MaxRows {
			return nil, fail("tabular.too_many_rows", map[string]any{"Max": MaxRows})
		}
		cells, err := it.Columns(excelize.Options{RawCellValue: raw})
		if err != nil {
			return nil, fail("tabular.xlsx_broken", nil)
		}
		if len(cells) > MaxColumns {
			return nil, fail("tabular.too_many_columns", map[string]any{"Line": len(out) + 1, "Max": MaxColumns})
		}
		out = append(out, cells)
		if len(cells) > 0 {
			last = len(out)
		}
	}
	if err := it.Error(); err != nil {
		return nil, fail("tabular.xlsx_broken", nil)
	}
	return out[:last], nil
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
// Excel keeps a 職員番号's leading zeros and leaves typed dates as typed.
func writeXLSX(w io.Writer, sheet string, rows [][]string) error {
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
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	if cols > 0 {
		if err := sw.SetColStyle(1, cols, text); err != nil {
			return err
		}
		if err := sw.SetColWidth(1, cols, 16); err != nil {
			return err
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
			vals[j] = excelize.Cell{StyleID: style, Value: NormalizeText(v)}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// Write writes rows (the first being the header) in the format; sheet
// names the xlsx worksheet.
func Write(w io.Writer, f Format, sheet string, rows [][]string) error {
	switch f {
	case XLSX:
		return writeXLSX(w, sheet, rows)
	case CSVSJIS:
		return writeCSV(w, rows, true)
	default:
		return writeCSV(w, rows, false)
	}
}
