package tableimport

import (
	"errors"
	"strings"

	"telework/internal/calendar"
	"telework/internal/tabular"
)

// ReadDate reads the date in cell i of r (適用日, 発令日): empty is the zero
// date; a spreadsheet date is taken from its stored serial, exact whatever
// the display format (4/1, R7.4.1, 2025年4月1日 …); text is read as
// calendar.ParseDateFlexible reads it. A cell that is no date returns the
// args of the "import.date" problem (Value, Detail), nil otherwise.
func ReadDate(r tabular.Row, i int, date1904 bool) (calendar.Date, map[string]any) {
	v := strings.TrimSpace(r.Cell(i))
	if v == "" {
		return calendar.Date{}, nil
	}
	if raw := r.RawCell(i); raw != "" {
		if date1904 {
			if y, m, d, ok := tabular.SerialDate(raw, true); ok {
				return calendar.Date{Year: y, Month: m, Day: d}, nil
			}
		} else if d, err := calendar.ParseDateFlexible(raw); err == nil {
			return d, nil
		}
	}
	d, err := calendar.ParseDateFlexible(v)
	if err != nil {
		detail := err.Error()
		var de *calendar.DateError
		if errors.As(err, &de) {
			detail = de.Msg
		}
		return d, map[string]any{"Value": v, "Detail": detail}
	}
	return d, nil
}

// RowHasData reports whether any of the columns cols (key → cell index)
// holds something in r.
func RowHasData(cols map[string]int, r tabular.Row) bool {
	for _, i := range cols {
		if strings.TrimSpace(r.Cell(i)) != "" {
			return true
		}
	}
	return false
}
