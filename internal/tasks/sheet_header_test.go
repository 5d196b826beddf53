package tasks_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"

	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
)

// twoRowSheet is a 見える化シート whose header takes two rows, as a section
// draws it in Excel: the title merged across, 業務名 … 使用システム each
// merged down over rows 3–4, and 「業務に必要なこと」 merged across E3:G3
// over 電話 / 対面 / 特殊機器 in row 4.
func twoRowSheet(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	set := func(cell, v string) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	merge := func(a, b string) {
		if err := f.MergeCell(sh, a, b); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "担当業務の見える化シート")
	merge("A1", "H1")
	for col, h := range map[string]string{"A": "業務名", "B": "処理の内容", "C": "処理の時期", "D": "テレワークの可否", "H": "使用システム"} {
		set(col+"3", h)
		merge(col+"3", col+"4")
	}
	set("E3", "業務に必要なこと")
	merge("E3", "G3")
	set("E4", "電話")
	set("F4", "対面")
	set("G4", "特殊機器")
	for i, row := range [][]string{{"窓口受付", "証明書の交付", "毎日", "×", "", "○", "", ""}, {"統計", "集計", "毎月 2時間", "○", "", "", "", "グループウェア"}} {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+5)
			set(cell, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSheetHeaderOfTwoRows: a header of two rows is read as one — the
// columns named under a heading are read, the repeated names of merged
// headings are no task, and the data starts after the second row. A
// review found row 4 read as a task (「使用システム」 is no system) and
// 電話・対面・特殊機器 never read.
func TestSheetHeaderOfTwoRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		gw := &tasks.InfoSystem{Name: "グループウェア", Segment: tasks.LGWAN}
		if err := s.SaveSystem(ctx, f.a.ID, f.it, gw); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name    string
			data    []byte
			ignored []string
		}{
			{"xlsx with merged cells", twoRowSheet(t), nil},
			{"csv saved from it (merged cells empty)", []byte("担当業務の見える化シート\n\n" +
				"業務名,処理の内容,処理の時期,テレワークの可否,業務に必要なこと,,,使用システム\n" +
				",,,,電話,対面,特殊機器,\n" +
				"窓口受付,証明書の交付,毎日,×,,○,,\n統計,集計,毎月 2時間,○,,,,グループウェア\n"), nil},
			{"csv repeating the headers, an unread column merged down", []byte("業務名,処理の内容,処理の時期,No.,必要なもの,,,使用システム\n" +
				"業務名,処理の内容,処理の時期,No.,電話,対面,特殊機器,使用システム\n" +
				"窓口受付,証明書の交付,毎日,1,,○,,\n統計,集計,毎月 2時間,2,,,,グループウェア\n"), []string{"No."}},
		}
		for _, c := range cases {
			res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, c.data, true)
			if err != nil || len(res.Problems) != 0 || res.Created != 2 {
				var msgs []string
				for _, p := range res.Problems {
					msgs = append(msgs, p.Message("ja"))
				}
				t.Fatalf("%s: %v %+v %q", c.name, err, res, msgs)
			}
			if len(res.Ignored) != len(c.ignored) || (len(c.ignored) > 0 && res.Ignored[0] != c.ignored[0]) {
				t.Errorf("%s: ignored %q, want %q", c.name, res.Ignored, c.ignored)
			}
		}
		// Written once, and read as the file says.
		if res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, twoRowSheet(t), false); err != nil || res.Created != 2 {
			t.Fatalf("import: %v %+v", err, res)
		}
		list, err := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID)
		if err != nil || len(list) != 2 || !list[0].FaceToFace || list[0].Phone || list[0].SpecialEquipment || list[0].Timing != "毎日" ||
			len(list[1].SystemIDs) != 1 || list[1].SystemIDs[0] != gw.ID || list[1].FaceToFace {
			t.Fatalf("tasks: %v %+v", err, list)
		}
	})
}
