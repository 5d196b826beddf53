package tasks_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
	"telework/internal/tasks"
)

func rowsOf(t *testing.T, data []byte) [][]string {
	t.Helper()
	tbl, err := tabular.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, r := range tbl.Rows {
		out = append(out, r.Cells)
	}
	return out
}

func TestSheetImportExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		for _, x := range []*tasks.InfoSystem{
			{Name: "税務システム", Segment: tasks.MyNumber, DataClasses: []tasks.DataClass{tasks.ResidentSensitive}},
			{Name: "財務会計システム", Segment: tasks.LGWAN, DataClasses: []tasks.DataClass{tasks.NonPublic}, Routes: []tasks.Route{tasks.RouteHome}},
			{Name: "グループウェア", Segment: tasks.LGWAN, Routes: []tasks.Route{tasks.RouteHome, tasks.RouteMobile}},
		} {
			if err := s.SaveSystem(ctx, f.a.ID, f.it, x); err != nil {
				t.Fatal(err)
			}
		}
		csv := "業務名,処理の内容,処理の時期,テレワークの可否,説明,担当職員番号,使用システム,紙の原本,特殊な機器,対面(窓口・相談),電話,年間時間\n" +
			"課税資料の入力,申告書の入力,1月〜3月,×,,1002,税務システム,なし,,,,300\n" +
			"支出命令の確認,\"伝票の審査,\n起票\",通年,,PDFで受領,,財務会計システム、グループウェア,電子化可,,,○,120\n" +
			"窓口受付,証明書の交付,通年,,,,,住民の紙,,○,○,\n"
		// Planning writes nothing; the import adds three tasks.
		res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(csv), true)
		if err != nil || len(res.Problems) != 0 || res.Created != 3 {
			t.Fatalf("dry run: %v %+v", err, res)
		}
		if list, _ := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID); len(list) != 0 {
			t.Fatal("dry run wrote")
		}
		if _, err := s.ImportSheet(ctx, f.a.ID, f.member, f.sect.ID, []byte(csv), false); err == nil {
			t.Error("a member imported the sheet")
		}
		res, err = s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(csv), false)
		if err != nil || res.Created != 3 || res.Encoding != "UTF-8" {
			t.Fatalf("import: %v %+v", err, res)
		}
		// Export in each format, and import the file back into another
		// section: its export is the same, cell for cell.
		for _, fm := range tabular.Formats {
			data, subs, err := s.ExportSheet(ctx, f.a.ID, f.boss, f.sect.ID, fm)
			if err != nil || len(subs) != 0 {
				t.Fatalf("%s: %v %v", fm, err, subs)
			}
			rows := rowsOf(t, data)
			if len(rows) != 4 || rows[2][1] != "伝票の審査,\n起票" || rows[1][3] != "在宅× モバイル×" || rows[2][6] != "グループウェア、財務会計システム" || rows[1][5] != "1002" {
				t.Fatalf("%s: %q", fm, rows)
			}
			if fm == tabular.CSVSJIS {
				if _, err := japanese.ShiftJIS.NewDecoder().Bytes(data); err != nil {
					t.Errorf("not CP932: %v", err)
				}
			}
			other := &org.Unit{Code: "9" + string(fm[0]) + string(fm[len(fm)-1]), Name: "写し" + string(fm), Level: "課"}
			if err := storetest.F(db).CreateUnit(ctx, f.a.ID, op, other, calendarZero); err != nil {
				t.Fatal(err)
			}
			// The 担当 (1002) is of the section the sheet goes to.
			if _, err := db.SQL.Exec(`UPDATE staff SET unit_id = $1 WHERE id = $2`, other.ID, f.memberStaff.ID); err != nil {
				t.Fatal(err)
			}
			res, err := s.ImportSheet(ctx, f.a.ID, f.hr, other.ID, data, false)
			if err != nil || res.Created != 3 || len(res.Problems) != 0 {
				t.Fatalf("%s back: %v %+v", fm, err, res)
			}
			again, _, err := s.ExportSheet(ctx, f.a.ID, f.hr, other.ID, fm)
			if err != nil {
				t.Fatal(err)
			}
			if got := rowsOf(t, again); strings.Join(flat(got), "|") != strings.Join(flat(rows), "|") {
				t.Errorf("%s round trip:\n%q\n%q", fm, got, rows)
			}
			// The same file again changes nothing.
			if res, _ := s.ImportSheet(ctx, f.a.ID, f.hr, other.ID, data, false); res.Unchanged != 3 || res.Created+res.Updated != 0 {
				t.Errorf("%s again: %+v", fm, res)
			}
		}
		// One bad row: nothing is written, every problem is listed by row.
		bad := "業務名,使用システム,紙の原本,電話,年間時間,担当職員番号\n新しい業務,人事給与システム,電子化可,○,10,\n,,,,,\n別の業務,,紙,たぶん,abc,9999\n新しい業務,,,,,\n"
		res, err = s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(bad), false)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range res.Problems {
			got = append(got, p.Message("ja"))
		}
		want := []string{
			"2行目「使用システム」の「人事給与システム」は情報システムの一覧にありません。情報政策担当に登録を依頼するか、一覧の名称で書いてください。",
			"4行目「担当職員番号」の職員番号「9999」の職員(在職中)が見つかりません。",
			"4行目「紙の原本」の「紙」は読み取れません。なし・電子化可・住民の紙のいずれかにしてください。",
			"4行目「電話」の「たぶん」は読み取れません。必要なら○、不要なら空欄にしてください。",
			"4行目「年間時間」の「abc」は0から8760までの整数(時間)にしてください。",
			"5行目「業務名」は2行目と同じ業務名・処理の内容です。同じ業務の処理は、処理の内容を分けて書いてください。",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if list, _ := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID); len(list) != 3 {
			t.Errorf("a failed import wrote: %d tasks", len(list))
		}
		// CP932 input is read too.
		sj, _ := japanese.ShiftJIS.NewEncoder().String("業務名,処理の内容\n統計資料作成,月報\n")
		res, err = s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(sj), false)
		if err != nil || res.Created != 1 || res.Encoding != "CP932" {
			t.Errorf("cp932: %v %+v", err, res)
		}
	})
}

// TestSheetInTheGuidesLayout imports 松本市「担当業務の見える化シート」 as
// the guide prints it (記載例): title, 所属・係 and 職・氏名 above the
// header, one 業務名 over several 処理 rows, in Shift_JIS; the export
// writes it back the same way, and importing the export changes nothing
// (〜 typed on a Mac stays 〜).
func TestSheetInTheGuidesLayout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		sheet := "担当業務の見える化シート\n所属・係,○○課・○○担当\n職・氏名,係長 ○○ ○○\n\n" +
			"業務名,処理の内容,処理の時期,テレワークの可否,説明\n" +
			"○○会議運営業務,開催通知作成、発送,会議開催2週間前まで,○,ファイルサーバ上に保存されたデータを使用することにより、通知の作成が可能\n" +
			",会議資料作成、発送,会議開催1週間前まで,○,\n" +
			",会議開催、運営,四半期ごと（7月、10月、1月及び3月）,×,物理的に不能\n" +
			"○○制度見直し業務,制度設計、企画立案,10月中旬まで,○,インターネット等を使った他市事例等の調査、研究等\n" +
			",庁議・議会協議会資料作成,11月中旬まで（12月提出）,○,\n"
		sj, err := japanese.ShiftJIS.NewEncoder().String(sheet)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(sj), false)
		if err != nil || len(res.Problems) != 0 || res.Created != 5 {
			t.Fatalf("the guide's sheet: %v %+v", err, res)
		}
		// The sheet's own × (会議開催: 物理的に不能) has no condition on
		// its row that makes it ×: recorded as a task done only where it
		// happens (× everywhere), and said — not counted as ○ in silence.
		if len(res.Warnings) != 1 || res.Warnings[0].Line != 8 ||
			!strings.Contains(res.Warnings[0].Message("ja"), "○○会議運営業務(会議開催、運営)") || !strings.Contains(res.Warnings[0].Message("ja"), "物理的に不能") {
			t.Errorf("warnings: %+v", res.Warnings)
		}
		list, _ := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID)
		if len(list) != 5 || !list[2].OnSite || list[0].OnSite || list[3].OnSite {
			t.Fatalf("on site: %+v", list)
		}
		cat, err := s.Catalogue(ctx, f.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []tasks.Rating{tasks.OK, tasks.OK, tasks.No, tasks.OK, tasks.OK} {
			et := list[i].EngineTask()
			for _, r := range cat.Engine.Rate(&et).Results {
				if r.Rating != want {
					t.Errorf("%s at %s: %s, want %s", list[i].Content, r.Target, r.Rating, want)
				}
			}
		}
		var got []string
		for _, x := range list {
			got = append(got, x.Name+"/"+x.Content)
		}
		if want := "○○会議運営業務/開催通知作成、発送|○○会議運営業務/会議資料作成、発送|○○会議運営業務/会議開催、運営|" +
			"○○制度見直し業務/制度設計、企画立案|○○制度見直し業務/庁議・議会協議会資料作成"; strings.Join(got, "|") != want {
			t.Fatalf("tasks:\n%s\nwant\n%s", strings.Join(got, "|"), want)
		}
		// The same sheet again: the × is still recorded, nothing changes;
		// a sheet with the column clears it, and sets it back.
		if res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(sj), false); err != nil || res.Unchanged != 5 || res.Updated != 0 {
			t.Fatalf("the guide's sheet again: %v %+v", err, res)
		}
		for _, mark := range []string{"", "○"} {
			col := "業務名,処理の内容,処理の時期,その場でしかできない\n○○会議運営業務,会議開催、運営,四半期ごと（7月、10月、1月及び3月）," + mark + "\n"
			res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(col), false)
			if err != nil || res.Updated != 1 || len(res.Problems) != 0 {
				t.Fatalf("on site %q: %v %+v", mark, err, res)
			}
			list, _ := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID)
			if list[2].OnSite != (mark != "") {
				t.Fatalf("on site %q: stored %v", mark, list[2].OnSite)
			}
		}
		// Hours in 全角 digits; then a step's timing typed on the page with
		// 〜 (U+301C, as a Mac or iPhone types it).
		one := "業務名,処理の内容,処理の時期,年間時間\n○○会議運営業務,会議開催、運営,四半期ごと（7月、10月、1月及び3月）,１２０\n"
		if res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(one), false); err != nil || res.Updated != 1 || len(res.Problems) != 0 {
			t.Fatalf("one step: %v %+v", err, res)
		}
		// On the page: a step's timing typed with 〜, its content with 𠮷
		// (which Shift_JIS lacks), and the second 業務 renamed with 〜.
		list, _ = s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID)
		step := *list[2]
		step.Timing, step.Content = "7月\u301c3月", "𠮷田委員の会議開催、運営"
		if err := s.UpdateTask(ctx, f.a.ID, f.boss, &step); err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{3, 4} {
			x := *list[i]
			x.Name = "○○制度見直し業務（4月\u301c6月）"
			if err := s.UpdateTask(ctx, f.a.ID, f.boss, &x); err != nil {
				t.Fatal(err)
			}
		}
		for _, fm := range tabular.Formats {
			data, _, err := s.ExportSheet(ctx, f.a.ID, f.boss, f.sect.ID, fm)
			if err != nil {
				t.Fatal(err)
			}
			rows := rowsOf(t, data)
			if len(rows) != 6 || rows[1][0] != "○○会議運営業務" || rows[2][0] != "" || rows[3][0] != "" || !strings.HasPrefix(rows[4][0], "○○制度見直し業務") || rows[5][0] != "" {
				t.Fatalf("%s: the export does not write each 業務名 once: %q", fm, rows)
			}
			if res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, data, false); err != nil || res.Unchanged != 5 || res.Created+res.Updated != 0 {
				t.Errorf("%s: importing the export again: %v %+v", fm, err, res)
			}
			// Blank lines after each 業務 (Excel's formatted empty rows) change
			// nothing either.
			if fm == tabular.CSV {
				spaced := strings.ReplaceAll(string(data), "\r\n", "\r\n,,,\r\n")
				if res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(spaced), false); err != nil || res.Unchanged != 5 || res.Created+res.Updated != 0 {
					t.Errorf("with blank lines: %v %+v", err, res)
				}
			}
		}
		if list, _ := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID); len(list) != 5 || list[2].Timing != "7月\u301c3月" || list[2].HoursPerYear != 120 ||
			list[2].Content != "𠮷田委員の会議開催、運営" || list[3].Name != "○○制度見直し業務（4月\u301c6月）" {
			t.Errorf("after the round trips: %d tasks, %q %d %q %q", len(list), list[2].Timing, list[2].HoursPerYear, list[2].Content, list[3].Name)
		}
	})
}

var calendarZero = calendar.Date{}

func flat(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "\t"))
	}
	return out
}

// TestSheetHeadersAndCells: the headers sections use for the columns, the
// yes/no forms they type, and a system named with 〜 read back from the
// export's ～; a header the import does not read is told, not dropped in
// silence.
func TestSheetHeadersAndCells(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		if err := s.SaveSystem(ctx, f.a.ID, f.it, &tasks.InfoSystem{Name: "窓口\u301c連携システム", Segment: tasks.LGWAN}); err != nil {
			t.Fatal(err)
		}
		csv := "業務名,処理内容,使用する情報システム,電話対応,特殊機器,対面,年間時間（時間）,No.\n" +
			"窓口連携,データ確認,窓口\uff5e連携システム,あり,無,不要,１２,1\n" +
			"電話受付,相談,,１,,Ｏ,３,2\n"
		res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(csv), false)
		if err != nil || len(res.Problems) != 0 || res.Created != 2 {
			t.Fatalf("import: %v %+v", err, res)
		}
		if len(res.Ignored) != 1 || res.Ignored[0] != "No." {
			t.Errorf("ignored: %q", res.Ignored)
		}
		list, _ := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID)
		if len(list) != 2 || len(list[0].SystemIDs) != 1 || !list[0].Phone || list[0].SpecialEquipment || list[0].FaceToFace || list[0].HoursPerYear != 12 ||
			!list[1].Phone || !list[1].FaceToFace || list[1].HoursPerYear != 3 {
			t.Fatalf("read: %+v %+v", list[0], list[1])
		}
	})
}

// TestSheetCellsInvisibleAndLineBreaks: a line break typed in a 業務名 cell
// (Alt+Enter) reads as a space; a bidi override in a cell refuses the row
// at that cell, naming the character, and nothing is imported.
func TestSheetCellsInvisibleAndLineBreaks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		csv := "業務名,処理内容,年間時間（時間）\n\"窓口\n受付\",案内,12\n会議\u202e資料,作成,3\n"
		res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(csv), false)
		if err != nil || len(res.Problems) != 1 || res.Problems[0].Line != 3 || res.Problems[0].Column != "業務名" ||
			!strings.Contains(res.Problems[0].Message("ja"), "U+202E") {
			t.Fatalf("import with a bidi override: %v %+v", err, res)
		}
		if list, _ := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID); len(list) != 0 {
			t.Fatalf("a refused import wrote %d tasks", len(list))
		}
		res, err = s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(strings.Replace(csv, "\u202e", "", 1)), false)
		if err != nil || res.Created != 2 || len(res.Problems) != 0 {
			t.Fatalf("import: %v %+v", err, res)
		}
		list, _ := s.Sheet(ctx, f.a.ID, f.boss, f.sect.ID)
		if len(list) != 2 || list[0].Name != "窓口 受付" {
			t.Fatalf("read: %+v", list)
		}
	})
}

// TestSheetStatedIsAtHome: the sheet's テレワークの可否 is 松本市's 在宅勤務
// verdict, so it is compared with the rating at home, not the best place:
// a ○ for a task only a branch office allows is said; a × for it is not.
func TestSheetStatedIsAtHome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.svc
		if err := s.SaveSystem(ctx, f.a.ID, f.it, &tasks.InfoSystem{Name: "人事給与システム", Segment: tasks.LGWAN,
			DataClasses: []tasks.DataClass{tasks.StaffPersonal}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SavePlace(ctx, f.a.ID, f.it, &tasks.WorkPlace{Name: "四賀支所", Kind: tasks.Branch, Network: tasks.OfficeLAN, PhysicalSecurity: true}); err != nil {
			t.Fatal(err)
		}
		csv := "業務名,処理の内容,テレワークの可否,使用システム\n" +
			"人事評価,評価の入力,○,人事給与システム\n" +
			"人事評価,評価の確認,×,人事給与システム\n" +
			"例規の調査,他市事例の調査,○,\n"
		res, err := s.ImportSheet(ctx, f.a.ID, f.boss, f.sect.ID, []byte(csv), true)
		if err != nil || len(res.Problems) != 0 {
			t.Fatalf("import: %v %+v", err, res)
		}
		if len(res.Warnings) != 1 || res.Warnings[0].Line != 2 || !strings.Contains(res.Warnings[0].Message("ja"), "(在宅勤務)は○ですが") ||
			!strings.Contains(res.Warnings[0].Message("ja"), "在宅× サテライト○") {
			for _, w := range res.Warnings {
				t.Log(w.Line, w.Message("ja"))
			}
			t.Fatalf("warnings: %d", len(res.Warnings))
		}
	})
}

// slowSheet widens the window between reading a unit's tasks and writing
// the plan made from them, wherever the service reads them.
type slowSheet struct{ *store.DB }

const sheetReadPause = 60 * time.Millisecond

func (s slowSheet) FindSheetTasks(ctx context.Context, tenantID, unitID int64) ([]*tasks.SheetTask, error) {
	defer time.Sleep(sheetReadPause)
	return s.DB.FindSheetTasks(ctx, tenantID, unitID)
}

func (s slowSheet) InTasksTx(ctx context.Context, fn func(tasks.Tx) error) error {
	return s.DB.InTasksTx(ctx, func(tx tasks.Tx) error { return fn(slowSheetTx{tx}) })
}

type slowSheetTx struct{ tasks.Tx }

func (s slowSheetTx) FindSheetTasks(ctx context.Context, tenantID, unitID int64) ([]*tasks.SheetTask, error) {
	defer time.Sleep(sheetReadPause)
	return s.Tx.FindSheetTasks(ctx, tenantID, unitID)
}

// Importing one file several times at once (a double click, two nodes)
// adds its tasks once: each import plans inside its transaction against
// the sheet as the imports before it left it (an outside review found 60
// rows for 30 on PostgreSQL and 120 on SQLite from four imports at once).
func TestSheetImportConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		svc := tasks.NewService(slowSheet{db}, db.Now)
		const rows, imports = 30, 4
		csv := "業務名,処理の内容,処理の時期,使用システム,紙の原本,電話,年間時間\n"
		for k := range rows {
			csv += fmt.Sprintf("同時取込業務%d,処理%d,毎月,,なし,,10\n", k, k)
		}
		start := make(chan struct{})
		results := make([]*tasks.SheetImport, imports)
		errs := make([]error, imports)
		var wg sync.WaitGroup
		for i := range imports {
			who := []*auth.Principal{f.boss, f.hr}[i%2]
			wg.Go(func() {
				<-start
				results[i], errs[i] = svc.ImportSheet(ctx, f.a.ID, who, f.sect.ID, []byte(csv), false)
			})
		}
		close(start)
		wg.Wait()
		created := 0
		for i, res := range results {
			if errs[i] != nil {
				t.Fatalf("import %d: %v", i, errs[i])
			}
			if len(res.Problems) > 0 || res.Updated != 0 || res.Created+res.Unchanged != rows {
				t.Errorf("import %d: %+v", i, res)
			}
			created += res.Created
		}
		if created != rows {
			t.Errorf("the imports say they created %d tasks, want %d", created, rows)
		}
		list, err := f.svc.Sheet(ctx, f.a.ID, f.boss, f.sect.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, x := range list {
			seen[x.Name+"/"+x.Content]++
		}
		if len(list) != rows || len(seen) != rows {
			t.Errorf("%d tasks on the sheet for %d (業務名, 処理の内容) pairs, want %d", len(list), len(seen), rows)
		}
	})
}
