package rosterplan

import (
	"strconv"

	"telework/internal/calendar"
	"telework/internal/roster"
)

// ModeLabel is how a mode is printed (pure data: Japanese, English).
func ModeLabel(mode, lang string) string {
	ja := map[string]string{roster.Onsite: "出勤", roster.Tele: "テレワーク", roster.Leave: "休暇"}
	en := map[string]string{roster.Onsite: "On site", roster.Tele: "Telework", roster.Leave: "Leave"}
	if lang == "en" {
		return en[mode]
	}
	return ja[mode]
}

// ExportRows lays a plan out for CSV/xlsx: a title row (the section and
// the period), a header of the days (M/D and weekday), one row per person
// (職員番号, 氏名, then the mode of each day), and the on-site count of each
// day at the bottom.
func ExportRows(inst *roster.Instance, assignments map[string][]string, lang string) [][]string {
	wd := calendar.WeekdayNamesJA
	if lang == "en" {
		wd = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	}
	title, no, name, count := "ローテーション表", "職員番号", "氏名", "出勤者数"
	if lang == "en" {
		title, no, name, count = "Rotation roster", "Staff no.", "Name", "On site"
	}
	period := ""
	if len(inst.Days) > 0 {
		period = inst.Days[0] + " – " + inst.Days[len(inst.Days)-1]
	}
	rows := [][]string{{title, inst.Section, period}}
	head := []string{no, name}
	for _, d := range inst.Days {
		x, err := calendar.ParseDate(d)
		if err != nil {
			head = append(head, d)
			continue
		}
		head = append(head, x.Time().Format("1/2")+"("+wd[x.Weekday()]+")")
	}
	rows = append(rows, head)
	onsite := make([]int, len(inst.Days))
	for _, st := range inst.Staff {
		row := []string{st.ID, st.Name}
		for i, m := range assignments[st.ID] {
			row = append(row, ModeLabel(m, lang))
			if m == roster.Onsite && i < len(onsite) {
				onsite[i]++
			}
		}
		rows = append(rows, row)
	}
	foot := []string{count, ""}
	for _, n := range onsite {
		foot = append(foot, strconv.Itoa(n))
	}
	return append(rows, foot)
}
