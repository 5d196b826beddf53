package survey

import (
	"strconv"
)

// Tables lists the tables of a results view: every tabulated item overall
// (no attribute), by one attribute, or by two. Items that cannot be broken
// down that way (an attribute by itself) are left out.
func (d *Dataset) Tables(by, by2 string) []*Table {
	var out []*Table
	for _, v := range d.vars {
		var t *Table
		var err error
		switch {
		case by != "" && by2 != "":
			t, err = d.Cross(v.ID, by, by2)
		case by != "":
			t, err = d.Breakdown(v.ID, by)
		default:
			t, err = d.Overall(v.ID)
		}
		if err == nil {
			out = append(out, t)
		}
	}
	return out
}

// HiddenMark is how a suppressed count is written in exports.
const HiddenMark = "*"

func cellText(c Cell) string {
	if c.Hidden {
		return HiddenMark
	}
	return strconv.Itoa(c.Count)
}

// ExportRows are the tables of a view as rows for CSV/xlsx: one row per
// item, group and answer, with the count ("*" = not shown: fewer than 5
// or derivable from the other counts) and the group's size.
func (d *Dataset) ExportRows(by, by2 string) [][]string {
	qs, locale := d.qs, d.locale
	head := []string{"設問ID", "設問", "区分", "回答", "人数", "区分の人数"}
	if locale == "en" {
		head = []string{"item_id", "item", "group", "answer", "count", "group_size"}
	}
	rows := [][]string{head}
	text := map[string]string{}
	for i := range qs {
		text[qs[i].ID] = qs[i].Label(locale)
	}
	for _, t := range d.Tables(by, by2) {
		q := text[t.Var.QID]
		if t.Var.Type == Multi {
			q += " / " + optionLabel(qs, t.Var, locale)
		}
		for _, row := range append([]Row{t.Total}, t.Rows...) {
			for i, c := range row.Cells {
				rows = append(rows, []string{t.Var.ID, q, row.Label, t.Var.Label(i), cellText(c), cellText(row.N)})
			}
		}
	}
	return rows
}

// optionLabel is the option of a multiple-choice item.
func optionLabel(qs []Question, v *Variable, locale string) string {
	for i := range qs {
		if qs[i].ID == v.QID {
			return qs[i].OptionLabel(v.ID[len(v.QID)+1:], locale)
		}
	}
	return ""
}

// ItemLabel is the text of a tabulated item (with the option of a
// multiple-choice item).
func (d *Dataset) ItemLabel(v *Variable) string {
	qs, locale := d.qs, d.locale
	for i := range qs {
		if qs[i].ID == v.QID {
			if v.Type == Multi {
				return qs[i].Label(locale) + " / " + optionLabel(qs, v, locale)
			}
			return qs[i].Label(locale)
		}
	}
	return v.ID
}
