package tabular

import (
	"context"
	"errors"
	"time"
)

// Limits bound what reading one uploaded file may cost, so that a small
// hostile file (a zip bomb, a sheet of empty cells far to the right, a
// huge shared-strings table) is refused quickly instead of holding a CPU
// and gigabytes of memory on a node that serves every tenant. The defaults
// fit a city of 50,000 staff with room to spare: its roster is about
// 900,000 cells and 30 MB of sheet XML.
type Limits struct {
	// Sheet is the worksheet an xlsx is read from when the workbook has
	// one of that name ("" : PreferredSheet); otherwise its first visible
	// sheet. (Not a bound: it travels with them to the reader.)
	Sheet string
	// MaxRows is the last row number read (empty rows count: it is the
	// row number Excel shows).
	MaxRows int
	// MaxColumns is the widest row.
	MaxColumns int
	// MaxCells counts every cell read, empty ones inside a row included,
	// before trailing blanks are dropped: a CSV of commas or a sheet whose
	// rows each hold one cell in column SF costs as much as a full one.
	MaxCells int
	// xlsx: MaxUnzipped bounds all parts of the archive together,
	// uncompressed (as declared, and as actually inflated); MaxSheetXML the
	// worksheet parts; MaxSharedStrings the shared-strings part and
	// MaxSharedItems its entries; MaxPartXML every other part.
	MaxUnzipped      int64
	MaxSheetXML      int64
	MaxSharedStrings int64
	MaxSharedItems   int
	MaxPartXML       int64
	MaxParts         int
	// Timeout bounds the whole read (the context's own deadline, when
	// sooner, wins).
	Timeout time.Duration
}

// DefaultLimits are the limits of Read.
func DefaultLimits() Limits {
	return Limits{
		MaxRows:          MaxRows,
		MaxColumns:       MaxColumns,
		MaxCells:         MaxCells,
		MaxUnzipped:      80 << 20,
		MaxSheetXML:      48 << 20,
		MaxSharedStrings: 16 << 20,
		MaxSharedItems:   400_000,
		MaxPartXML:       4 << 20,
		MaxParts:         1000,
		Timeout:          ReadTimeout,
	}
}

// Limits on what is read, so a hostile file cannot exhaust memory or CPU.
const (
	MaxRows    = 500_000
	MaxColumns = 500
	MaxCells   = 2_000_000
	// ReadTimeout bounds reading one file; a roster of 50,000 staff takes
	// a few seconds.
	ReadTimeout = 30 * time.Second
)

// checkEvery is how many rows pass between two looks at the deadline.
const checkEvery = 256

// deadline turns a context that ended into the refusal a person sees.
func deadline(ctx context.Context, lim Limits) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fail("tabular.too_slow", map[string]any{"Seconds": int(lim.Timeout / time.Second)})
	}
	return err
}

// cellBudget counts cells against MaxCells.
type cellBudget struct {
	left int
	max  int
}

func (b *cellBudget) take(n int) error {
	b.left -= n
	if b.left < 0 {
		return fail("tabular.too_many_cells", map[string]any{"Max": b.max})
	}
	return nil
}
