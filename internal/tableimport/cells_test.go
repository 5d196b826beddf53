package tableimport

import (
	"testing"

	"telework/internal/calendar"
	"telework/internal/tabular"
)

func TestReadDate(t *testing.T) {
	for _, c := range []struct {
		name     string
		row      tabular.Row
		date1904 bool
		want     calendar.Date
		bad      bool
	}{
		{"empty", tabular.Row{Cells: []string{" "}}, false, calendar.Date{}, false},
		{"text", tabular.Row{Cells: []string{"2026/4/1"}}, false, calendar.Date{Year: 2026, Month: 4, Day: 1}, false},
		{"和暦", tabular.Row{Cells: []string{"R8.4.1"}}, false, calendar.Date{Year: 2026, Month: 4, Day: 1}, false},
		{"not a date", tabular.Row{Cells: []string{"来年"}}, false, calendar.Date{}, true},
	} {
		got, bad := ReadDate(c.row, 0, c.date1904)
		if got != c.want || (bad != nil) != c.bad {
			t.Errorf("%s: %v, %v; want %v, bad %v", c.name, got, bad, c.want, c.bad)
		}
		if bad != nil && bad["Value"] != "来年" {
			t.Errorf("%s: problem args %v", c.name, bad)
		}
	}
}

func TestRowHasData(t *testing.T) {
	cols := map[string]int{"code": 0, "name": 2}
	for _, c := range []struct {
		cells []string
		want  bool
	}{
		{[]string{"", "x", " "}, false},
		{[]string{"", "", "人事課"}, true},
		{nil, false},
	} {
		if got := RowHasData(cols, tabular.Row{Cells: c.cells}); got != c.want {
			t.Errorf("RowHasData(%q) = %v", c.cells, got)
		}
	}
}
