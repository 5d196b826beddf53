package rosterplan

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// SheetOf is one section's roster laid out by ExportRows.
type SheetOf struct {
	Section string
	Rows    [][]string
}

// a4 is the paper size code of A4 in SpreadsheetML.
const a4 = 9

// WriteXLSX writes the rosters, one section per sheet, each set up to
// print on A4 landscape fitted to one page wide (as many pages down as it
// takes), the title and day rows repeated on every page. Cells are text so
// that a 職員番号 keeps its leading zeros.
func WriteXLSX(w io.Writer, sheets []SheetOf) error {
	f := excelize.NewFile()
	defer f.Close()
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, sh := range sheets {
		name := xlsxSheetName(sh.Section, i, used)
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("rosterplan: sheet %q: %w", name, err)
		}
		cols := 0
		for r, row := range sh.Rows {
			vals := make([]any, len(row))
			for j, v := range row {
				vals[j] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &vals); err != nil {
				return err
			}
			cols = max(cols, len(row))
		}
		if cols > 0 {
			last, _ := excelize.CoordinatesToCellName(cols, len(sh.Rows))
			if err := f.SetCellStyle(name, "A1", last, text); err != nil {
				return err
			}
			head, _ := excelize.CoordinatesToCellName(cols, min(2, len(sh.Rows)))
			if err := f.SetCellStyle(name, "A1", head, bold); err != nil {
				return err
			}
			lastCol, _ := excelize.ColumnNumberToName(cols)
			if err := f.SetColWidth(name, "A", "A", 10); err != nil {
				return err
			}
			if err := f.SetColWidth(name, "B", "B", 16); err != nil {
				return err
			}
			if cols > 2 {
				if err := f.SetColWidth(name, "C", lastCol, 10); err != nil {
					return err
				}
			}
		}
		size, landscape, wide, tall, fit := a4, "landscape", 1, 0, true
		if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape,
			FitToWidth: &wide, FitToHeight: &tall}); err != nil {
			return err
		}
		if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
			return err
		}
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: name,
			RefersTo: "'" + name + "'!$1:$2"}); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}

// xlsxSheetName is a section's name as a sheet may carry it: at most 31
// characters, none of []:*?/\, unique within the book.
func xlsxSheetName(section string, i int, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\'`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(section))
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	if name == "" || used[name] {
		name = fmt.Sprintf("%s(%d)", name, i+1)
	}
	used[name] = true
	return name
}
