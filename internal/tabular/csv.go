package tabular

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ReadCSV reads a CSV file in UTF-8 (with or without BOM) or CP932: valid
// UTF-8 is UTF-8, anything else must decode as CP932 (which includes the
// NEC and IBM extensions: ①, ㈱, 髙, 﨑 …) or the file is refused. It
// reads within DefaultLimits.
func ReadCSV(data []byte) (*Table, error) {
	lim := DefaultLimits()
	ctx, cancel := context.WithTimeout(context.Background(), lim.Timeout)
	defer cancel()
	return readCSV(ctx, data, lim)
}

func readCSV(ctx context.Context, data []byte, lim Limits) (*Table, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	rows, err := parseCSV(ctx, text, lim)
	if err != nil {
		return nil, err
	}
	return &Table{Rows: rows, Encoding: enc}, nil
}

func decodeText(data []byte) (string, string, error) {
	if rest, ok := bytes.CutPrefix(data, utf8BOM); ok {
		if !utf8.Valid(rest) {
			return "", "", fail("tabular.encoding", map[string]any{"Line": recordAt(string(rest), badByte(rest))})
		}
		return string(rest), "UTF-8 (BOM)", nil
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return "", "", fail("tabular.utf16", nil)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", fail("tabular.binary", nil)
	}
	if utf8.Valid(data) {
		return string(data), "UTF-8", nil
	}
	dec, err := japanese.ShiftJIS.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fail("tabular.encoding", map[string]any{"Line": 1})
	}
	// The decoder puts U+FFFD where a byte sequence is not CP932 (user-
	// defined 外字 included); valid UTF-8 was already taken above, so
	// the file is neither.
	if i := bytes.IndexRune(dec, utf8.RuneError); i >= 0 {
		return "", "", fail("tabular.encoding", map[string]any{"Line": recordAt(string(dec), i)})
	}
	return string(dec), "CP932", nil
}

// badByte is the offset of the first byte that is not UTF-8.
func badByte(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// recordAt is the row, as Excel numbers it and parseCSV counts it, that
// holds byte off of s: line breaks inside a quoted cell do not start a
// row, so a fault after a multi-line address is named by the row a
// person finds in Excel, as the faults found after reading are, not by
// the line a text editor shows.
func recordAt(s string, off int) int {
	row, start := 1, true // start: at the beginning of a cell
	for i := 0; i < off && i < len(s); {
		switch c := s[i]; {
		case start && c == '"':
			j := i + 1
			for {
				k := strings.IndexByte(s[j:], '"')
				if k < 0 {
					return row // an unclosed quote runs to the end
				}
				j += k + 1
				if j < len(s) && s[j] == '"' {
					j++
					continue
				}
				break
			}
			i, start = j, false
		case c == ',':
			i, start = i+1, true
		case c == '\r' || c == '\n':
			i++
			if c == '\r' && i < len(s) && s[i] == '\n' {
				i++
			}
			row, start = row+1, true
		default:
			i, start = i+1, false
		}
	}
	return row
}

// parseCSV splits text into records as Excel does: quoted cells may hold
// commas, quotes ("") and line breaks; a quote inside an unquoted cell is
// an ordinary character; lines end with CRLF, LF or CR. Each record is
// one row, so Line counts records (empty ones too), which is the row
// number Excel shows.
// Every cell counts against lim.MaxCells, blank ones too, so a file of
// commas is refused as soon as it has read that many.
func parseCSV(ctx context.Context, s string, lim Limits) ([]Row, error) {
	var rows []Row
	n := len(s)
	line := 0
	budget := cellBudget{left: lim.MaxCells, max: lim.MaxCells}
	var b strings.Builder
	var cells []string // reused: only non-blank rows are copied out
	for i := 0; i < n; {
		line++
		if line > lim.MaxRows {
			return nil, fail("tabular.too_many_rows", map[string]any{"Max": lim.MaxRows})
		}
		if line%checkEvery == 0 {
			if err := deadline(ctx, lim); err != nil {
				return nil, err
			}
		}
		cells = cells[:0]
		for {
			var cell string
			if i < n && s[i] == '"' {
				b.Reset()
				i++
				for {
					j := strings.IndexByte(s[i:], '"')
					if j < 0 {
						return nil, fail("tabular.csv_quote", map[string]any{"Line": line})
					}
					b.WriteString(s[i : i+j])
					i += j + 1
					if i < n && s[i] == '"' {
						b.WriteByte('"')
						i++
						continue
					}
					break
				}
				// Anything between the closing quote and the comma is
				// kept, as Excel keeps it.
				k := strings.IndexAny(s[i:], ",\r\n")
				if k < 0 {
					k = n - i
				}
				b.WriteString(s[i : i+k])
				i += k
				cell = b.String()
			} else {
				k := strings.IndexAny(s[i:], ",\r\n")
				if k < 0 {
					k = n - i
				}
				cell = s[i : i+k]
				i += k
			}
			if err := budget.take(1); err != nil {
				return nil, err
			}
			cells = append(cells, unescapeFormula(NormalizeText(cell)))
			if len(cells) > lim.MaxColumns {
				return nil, fail("tabular.too_many_columns", map[string]any{"Line": line, "Max": lim.MaxColumns})
			}
			if i < n && s[i] == ',' {
				i++
				continue
			}
			break
		}
		if i < n && s[i] == '\r' {
			i++
		}
		if i < n && s[i] == '\n' {
			i++
		}
		if kept := trimRow(cells); len(kept) > 0 {
			rows = append(rows, Row{Line: line, Cells: slices.Clone(kept)})
		}
	}
	return rows, nil
}

// trimRow drops trailing blank cells; a row of blanks becomes empty.
func trimRow(cells []string) []string {
	end := len(cells)
	for end > 0 && strings.TrimSpace(cells[end-1]) == "" {
		end--
	}
	return cells[:end]
}

// A cell that starts with one of these is a formula to a spreadsheet
// (CSV injection). Export prefixes it with an apostrophe; import takes
// the apostrophe off again, so such values round-trip.
func needsFormulaEscape(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

func unescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsFormulaEscape(s[1:]) {
		return s[1:]
	}
	return s
}

// Substitute is what a CP932 export writes for a character the encoding
// lacks (𠮷, emoji, Hangul …): 〓 (GETA MARK), the placeholder Japanese
// systems use for it, so a person sees at once which value to fix.
const Substitute = "〓"

// Substitution is one cell whose characters CP932 could not hold: Line is
// the row in the file (the header is 1), Column the header of the column.
type Substitution struct {
	Line   int
	Column string
	Chars  string // the characters replaced, in order
}

// SubstitutedLines is the rows of subs, each once, for a message or the
// Telework-Substituted-Lines header of a download ("3, 17").
func SubstitutedLines(subs []Substitution) string {
	var b strings.Builder
	last := 0
	for _, s := range subs {
		if s.Line == last {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(s.Line))
		last = s.Line
	}
	return b.String()
}

// writeCSV writes rows as CSV with CRLF line ends; UTF-8 starts with a
// BOM. In CP932 a character the encoding lacks is written as 〓 and its
// cell reported, so one person's 𠮷 does not stop the export of the whole
// tenant; the caller warns with the list (an import of the file would
// otherwise bring the 〓 back as a changed name).
func writeCSV(w io.Writer, rows [][]string, sjis bool) ([]Substitution, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if !sjis {
		bw.Write(utf8BOM)
	}
	enc := japanese.ShiftJIS.NewEncoder()
	var subs []Substitution
	var line strings.Builder
	for ri, row := range rows {
		line.Reset()
		for ci, cell := range row {
			if ci > 0 {
				line.WriteByte(',')
			}
			cell = NormalizeText(cell)
			if sjis {
				if fixed, chars := substitute(cell); chars != "" {
					col := ""
					if ci < len(rows[0]) {
						col = rows[0][ci]
					}
					subs = append(subs, Substitution{Line: ri + 1, Column: col, Chars: chars})
					cell = fixed
				}
			}
			if needsFormulaEscape(cell) {
				cell = "'" + cell
			}
			if cell != "" && (strings.ContainsAny(cell, ",\"\r\n") || cell[0] == ' ' || cell[len(cell)-1] == ' ') {
				line.WriteByte('"')
				line.WriteString(strings.ReplaceAll(cell, `"`, `""`))
				line.WriteByte('"')
			} else {
				line.WriteString(cell)
			}
		}
		line.WriteString("\r\n")
		if !sjis {
			if _, err := bw.WriteString(line.String()); err != nil {
				return nil, err
			}
			continue
		}
		b, err := enc.Bytes([]byte(line.String()))
		if err != nil {
			return nil, err // substitute left nothing unencodable
		}
		if _, err := bw.Write(b); err != nil {
			return nil, err
		}
	}
	return subs, bw.Flush()
}

// substitute replaces the characters of s that CP932 lacks with 〓 and
// returns them; chars is "" when s encodes as it is (the common case,
// checked first without allocating per character).
func substitute(s string) (fixed, chars string) {
	enc := japanese.ShiftJIS.NewEncoder()
	if _, err := enc.String(s); err == nil {
		return s, ""
	}
	var b, bad strings.Builder
	for _, r := range s {
		if _, err := enc.String(string(r)); err != nil {
			b.WriteString(Substitute)
			bad.WriteRune(r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), bad.String()
}
