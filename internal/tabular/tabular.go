// Package tabular reads and writes the tables people exchange with other
// systems: CSV in UTF-8 (with or without BOM) or Shift_JIS (CP932, what
// Excel on Japanese Windows writes), and xlsx. It knows nothing of what the
// columns mean; it returns rows of strings with the row number a person
// sees in Excel, and writes rows of strings back in the same three forms.
package tabular

import (
	"bytes"
	"context"
	"strings"

	"telework/internal/apperr"
)

// Format is a file format for export.
type Format string

const (
	CSV     Format = "csv"      // UTF-8 with BOM, so Excel opens it correctly
	CSVSJIS Format = "csv-sjis" // Shift_JIS (CP932)
	XLSX    Format = "xlsx"
)

// Formats in display order.
var Formats = []Format{CSV, CSVSJIS, XLSX}

// ParseFormat reads a format name; the empty string is CSV.
func ParseFormat(s string) (Format, bool) {
	switch Format(strings.ToLower(strings.TrimSpace(s))) {
	case "", CSV, "csv-utf8", "utf8":
		return CSV, true
	case CSVSJIS, "csv-cp932", "sjis", "cp932", "shift_jis":
		return CSVSJIS, true
	case XLSX, "excel":
		return XLSX, true
	}
	return "", false
}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case XLSX:
		return XLSXContentType
	case CSVSJIS:
		return "text/csv; charset=Shift_JIS"
	}
	return "text/csv; charset=utf-8"
}

// Ext is the file name extension, with the dot.
func (f Format) Ext() string {
	if f == XLSX {
		return ".xlsx"
	}
	return ".csv"
}

// FileName is base with the format's extension, the Shift_JIS CSV marked
// (-sjis): the two CSV encodings of one export never share a name, so a
// clerk who downloads both keeps both.
func (f Format) FileName(base string) string {
	if f == CSVSJIS {
		base += "-sjis"
	}
	return base + f.Ext()
}

// XLSXContentType is the media type of an xlsx workbook.
const XLSXContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Row is one non-empty row of a table.
type Row struct {
	// Line is the row number as a person sees it in Excel: the first row
	// of the file is 1, empty rows count. For a CSV with a line break
	// inside a quoted cell this is the record number, as Excel shows it,
	// not the physical line.
	Line int
	// Cells are the values as displayed, trailing empty cells removed.
	Cells []string
	// Raw is set for spreadsheet rows only where a number format changed
	// how a stored number is displayed (dates above all): Raw[i] is the
	// stored number and Cells[i] its display. nil for CSV.
	Raw []string
}

// Cell returns cell i, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// RawCell returns the stored number behind cell i, or "".
func (r Row) RawCell(i int) string {
	if i < 0 || i >= len(r.Raw) {
		return ""
	}
	return r.Raw[i]
}

// Table is what was read.
type Table struct {
	Rows []Row
	// Encoding names what was detected: "UTF-8", "UTF-8 (BOM)", "CP932"
	// or "xlsx".
	Encoding string
	// Sheet is the worksheet read from an xlsx file.
	Sheet string
	// Date1904 is the workbook's date system (old Mac Excel).
	Date1904 bool
}

// Errors are apperr values whose keys are in the i18n files; Args may
// carry "Line".
func fail(key string, args map[string]any) error {
	return &apperr.Error{Code: apperr.Invalid, Key: key, Args: args}
}

// Read detects the format of data (xlsx by its signature, otherwise CSV in
// UTF-8 or CP932) and reads it within DefaultLimits.
func Read(data []byte) (*Table, error) {
	return ReadContext(context.Background(), data, DefaultLimits())
}

// ReadContext is Read within lim, ending when ctx does (or lim.Timeout
// passes): a file beyond a limit is refused with an Invalid error naming
// the limit, before the expensive part of reading it where possible.
func ReadContext(ctx context.Context, data []byte, lim Limits) (*Table, error) {
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		defer cancel()
	}
	switch {
	case len(data) == 0:
		return nil, fail("tabular.empty", nil)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(ctx, data, lim)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		// The OLE container of .xls and of password-protected xlsx.
		return nil, fail("tabular.xls", nil)
	}
	return readCSV(ctx, data, lim)
}

// The characters that Shift_JIS (JIS X 0208) and Windows (CP932) map
// differently. Files from Macs and the web carry the left form, Excel on
// Windows the right; CP932 can only encode the right one, so every value
// read or written is folded to it and a name typed on either compares equal.
var cp932Fold = strings.NewReplacer(
	"\u301C", "\uFF5E", // 〜 WAVE DASH → ～ FULLWIDTH TILDE
	"\u2016", "\u2225", // ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
	"\u2212", "\uFF0D", // − MINUS SIGN → － FULLWIDTH HYPHEN-MINUS
	"\u00A2", "\uFFE0", // ¢ → ￠
	"\u00A3", "\uFFE1", // £ → ￡
	"\u00AC", "\uFFE2", // ¬ → ￢
	"\u2014", "\u2015", // — EM DASH → ― HORIZONTAL BAR
)

// NormalizeText folds the characters Shift_JIS and CP932 disagree on (the
// wave dash 〜/～ above all) to the CP932 form.
func NormalizeText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xC2 { // only non-ASCII strings can hold one of them
			return cp932Fold.Replace(s)
		}
	}
	return s
}

// KeepStored is the stored value when the file's is what an export wrote
// of it: the characters NormalizeText folds (〜 typed on a Mac, read back
// as ～), and in a Shift_JIS export 〓 for each character CP932 lacks
// (𠮷田 exported as 〓田): nothing was changed, so nothing is written,
// and an export edited in Excel and imported back never replaces a name
// with 〓. Otherwise it is the file's value.
func KeepStored(stored, file string) string {
	if stored != file && ExportForm(stored) == file {
		return stored
	}
	return file
}

// ExportForm is s as any export writes it and an import reads it back:
// folded (NormalizeText), with 〓 for each character CP932 lacks. Two
// values with the same export form cannot be told apart in a file, so an
// import matches stored records by it.
func ExportForm(s string) string {
	fixed, _ := substitute(NormalizeText(s))
	return fixed
}
