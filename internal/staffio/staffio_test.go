package staffio_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/staffio"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tabular"
)

var hr = audit.Actor{ID: 7, Label: "hr01"}

type fixture struct {
	db     *store.DB
	tenant int64
	units  map[string]*org.Unit // by code
}

// newFixture is 松本市 with 総務部(100)/人事課(110)/人事係(111) and
// 市民部(200)/市民課(210), and no staff.
func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	tn := &org.Tenant{Slug: "matsumoto", Name: "松本市", Kind: org.Municipality, StaffSize: 2000, GeneralAdminStaff: 1500}
	if err := storetest.F(db).CreateTenant(ctx, hr, tn, nil); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, tenant: tn.ID, units: map[string]*org.Unit{}}
	for _, u := range []struct{ parent, code, name, level string }{
		{"", "100", "総務部", "部"}, {"100", "110", "人事課", "課"}, {"110", "111", "人事係", "係"},
		{"", "200", "市民部", "部"}, {"200", "210", "市民課", "課"}, {"210", "211", "庶務係", "係"}, {"110", "112", "庶務係", "係"},
	} {
		unit := &org.Unit{Code: u.code, Name: u.name, Level: u.level}
		if u.parent != "" {
			unit.ParentID = f.units[u.parent].ID
		}
		if err := storetest.F(db).CreateUnit(ctx, tn.ID, hr, unit, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		f.units[u.code] = unit
	}
	return f
}

func sjis(t testing.TB, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding fixture: %v", err)
	}
	return b
}

func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.db.SQL.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) apply(t *testing.T, data []byte, opt staffio.Options) (*staffio.Plan, error) {
	t.Helper()
	return staffio.Apply(context.Background(), f.db, f.tenant, hr, staffio.File{Name: "test.csv", Data: data}, staffio.ApplyOptions{Options: opt})
}

func (f *fixture) preview(t *testing.T, data []byte, opt staffio.Options) *staffio.Plan {
	t.Helper()
	p, err := staffio.Preview(context.Background(), f.db, f.tenant, staffio.File{Name: "test", Data: data}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func problems(p *staffio.Plan) string {
	var b strings.Builder
	for _, pr := range p.Problems {
		b.WriteString(pr.Column + "@" + strconv.Itoa(pr.Line) + ": " + pr.Message("ja") + "\n")
	}
	return b.String()
}

func (f *fixture) staff(t *testing.T, no string) *org.Staff {
	t.Helper()
	s, err := f.db.FindStaffByNo(context.Background(), f.tenant, no)
	if err != nil {
		t.Fatalf("staff %s: %v", no, err)
	}
	return s
}

// The file a 人事 system really writes: Shift_JIS, synonyms for the
// headers, 全角 digits, a path with spaces, 和暦 dates, 旧字体 and NEC/IBM
// characters, an unknown column, and an empty row.
const cp932File = "職員コード,職員氏名,氏名（カナ）,E-mail,所属,職名,職層,所属長,任用区分,職種,在職区分,発令日,備考\r\n" +
	"０１２３,髙橋　一郎,たかはし いちろう,takahashi@city.example.lg.jp,総務部 人事課 人事係,主任～係長事務取扱,主任,,正規,事務,在職,令和7年4月1日,\r\n" +
	"0124,山﨑 花子,ヤマサキ ハナコ,,110,課長,課長級,○,常勤,一般行政職,在職,R7.4.1,異動\r\n" +
	"\r\n" +
	"0125,①㈱ 試験,しけん,,市民部/市民課,,,,会計年度,保健師,,2025/4/1,\r\n"

func TestImportAndRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		data := sjis(t, cp932File)

		p := f.preview(t, data, staffio.Options{})
		if !p.OK() {
			t.Fatalf("problems:\n%s", problems(p))
		}
		if p.Encoding != "CP932" || len(p.Creates) != 3 || p.Rows != 3 {
			t.Fatalf("plan: %s %d creates, %d rows", p.Encoding, len(p.Creates), p.Rows)
		}
		if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0].Message("ja"), "備考") || p.Warnings[0].Line != 1 {
			t.Errorf("warnings %+v", p.Warnings)
		}
		if n := f.count(t, "staff"); n != 0 {
			t.Fatalf("preview wrote %d staff", n)
		}
		p, err := f.apply(t, data, staffio.Options{})
		if err != nil {
			t.Fatalf("apply: %v\n%s", err, problems(p))
		}
		s := f.staff(t, "0123")
		if s.Name != "髙橋 一郎" || s.Kana != "たかはし いちろう" || s.Title != "主任～係長事務取扱" || s.UnitID != f.units["111"].ID ||
			s.Rank != org.RankSenior || s.Employment != org.Regular || s.JobType != "general" || s.Email != "takahashi@city.example.lg.jp" {
			t.Errorf("0123 = %+v", s)
		}
		s = f.staff(t, "0124")
		if s.Name != "山﨑 花子" || !s.IsSupervisor || s.UnitID != f.units["110"].ID || s.Rank != org.RankManager {
			t.Errorf("0124 = %+v", s)
		}
		s = f.staff(t, "0125")
		if s.Name != "①㈱ 試験" || s.UnitID != f.units["210"].ID || s.Employment != org.FiscalYear || s.JobType != "health" || s.Rank != org.RankStaff {
			t.Errorf("0125 = %+v", s)
		}
		hist, err := db.FindStaffHistory(ctx, f.tenant, s.ID)
		if err != nil || len(hist) != 1 || hist[0].EffectiveDate.String() != "2025-04-01" {
			t.Errorf("history %+v %v", hist, err)
		}
		entries, err := db.FindAuditEntries(ctx, f.tenant, audit.Filter{Action: "staff."})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
		}
		if actions["staff.create"] != 3 || actions["staff.import"] != 1 {
			t.Errorf("audit %v", actions)
		}
		if n, err := db.VerifyAuditChain(ctx, f.tenant); err != nil {
			t.Errorf("audit chain after import (%d): %v", n, err)
		}

		// Export → import unchanged: nothing to do, in every format.
		units, _ := db.FindUnits(ctx, f.tenant)
		staff, _ := db.FindAllStaff(ctx, f.tenant)
		rows := staffio.ExportRows(units, staff, staffio.ExportOptions{})
		files := map[tabular.Format][]byte{}
		for _, format := range tabular.Formats {
			var buf bytes.Buffer
			if _, err := tabular.Write(&buf, format, "職員", rows); err != nil {
				t.Fatal(err)
			}
			files[format] = buf.Bytes()
			p := f.preview(t, buf.Bytes(), staffio.Options{Full: true})
			if !p.OK() || !p.Empty() || p.Unchanged != 3 || len(p.Warnings) != 0 {
				t.Errorf("%s export re-imported: %+v\n%s%v", format, p.Summary(""), problems(p), p.Warnings)
			}
		}
		// Change one cell in Excel → exactly that change.
		wb, err := excelize.OpenReader(bytes.NewReader(files[tabular.XLSX]))
		if err != nil {
			t.Fatal(err)
		}
		var cell string
		for i, h := range rows[0] {
			if h == "役職" {
				cell, _ = excelize.CoordinatesToCellName(i+1, 3) // row 3 = the second person, 0124
			}
		}
		if err := wb.SetCellValue("職員", cell, "部長"); err != nil {
			t.Fatal(err)
		}
		var edited bytes.Buffer
		if _, err := wb.WriteTo(&edited); err != nil {
			t.Fatal(err)
		}
		p = f.preview(t, edited.Bytes(), staffio.Options{})
		if len(p.Changes) != 1 || len(p.Creates)+len(p.Retires)+len(p.Reinstates) != 0 || p.Unchanged != 2 {
			t.Fatalf("one edited cell: %+v", p.Summary(""))
		}
		it := p.Changes[0]
		want := []staffio.FieldChange{{Field: "title", Column: "役職", Before: "課長", After: "部長"}}
		if it.Line != 3 || it.After.StaffNo != "0124" || len(it.Changes) != 1 || it.Changes[0] != want[0] {
			t.Errorf("change %+v %+v", it, it.Changes)
		}
	})
}

func TestImportAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		if _, err := f.apply(t, []byte("職員番号,氏名,ふりがな,所属コード\n9000,既存 職員,きぞん,111\n"), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		staffBefore, auditBefore, histBefore := f.count(t, "staff"), f.count(t, "audit_log"), f.count(t, "staff_history")
		file := "職員番号,氏名,フリガナ,所属コード,職層,所属長,発令日,メールアドレス\n" +
			"1001,山田 太郎,やまだ たろう,111,主事,,2026-04-01,\n" + // fine
			"1002,佐藤 花子,さとう はなこ,111,主事,,,\n" + // fine
			"1003,鈴木 一郎,Suzuki,111,主事,,,\n" + // kana
			"1004,田中 次郎,たなか じろう,999,主事,,,\n" + // unknown unit
			"1001,重複 太郎,ちょうふく,111,主事,,,\n" + // duplicate
			"1005,高橋 三郎,たかはし,111,社長,はい?,2025-02-30,bad@\n" + // rank, flag, date, email
			"9000,既存 職員,きぞん,111,,,,\n" + // unchanged
			",名無し,ななし,111,,,,\n" // no staff number
		p, err := f.apply(t, []byte(file), staffio.Options{})
		if err == nil || p.OK() {
			t.Fatal("a file with errors was applied")
		}
		want := []struct {
			line   int
			column string
			in     string
		}{
			{4, "フリガナ", "ひらがなまたはカタカナ"},
			{5, "所属コード", "999"},
			{6, "職員番号", "2行目"},
			{7, "職層", "社長"},
			{7, "所属長", "はい?"},
			{7, "発令日", "存在しない日付"},
			{7, "メールアドレス", "メールアドレスの形式"},
			{9, "職員番号", "入力してください"},
		}
		got := p.Problems
		if len(got) != len(want) {
			t.Fatalf("problems:\n%s", problems(p))
		}
		for i, w := range want {
			m := got[i].Message("ja")
			if got[i].Line != w.line || got[i].Column != w.column || !strings.Contains(m, w.in) {
				t.Errorf("problem %d = line %d %q %q, want line %d %q containing %q", i, got[i].Line, got[i].Column, m, w.line, w.column, w.in)
			}
			if en := got[i].Message("en"); en == "" || strings.HasPrefix(en, "import.") || strings.HasPrefix(en, "field.") {
				t.Errorf("no English for %s: %q", got[i].Key, en)
			}
		}
		if a, b, c := f.count(t, "staff"), f.count(t, "audit_log"), f.count(t, "staff_history"); a != staffBefore || b != auditBefore || c != histBefore {
			t.Errorf("a refused file wrote: staff %d→%d, audit %d→%d, history %d→%d", staffBefore, a, auditBefore, b, histBefore, c)
		}
	})
}

func TestImportMovesRetiresAndFullRoster(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		first := "職員番号,氏名,ふりがな,所属コード,役職\n0001,一 太郎,いち,111,主事\n0002,二 花子,に,111,主事\n0003,三 次郎,さん,211,主事\n0004,四 三郎,よん,211,主事\n"
		if _, err := f.apply(t, []byte(first), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		// 0002 has an account and a session: retiring disables both.
		u := &auth.User{LoginID: "ni", PasswordHash: "x", StaffID: f.staff(t, "0002").ID}
		if err := storetest.F(db).CreateUser(ctx, f.tenant, hr, u); err != nil {
			t.Fatal(err)
		}
		// April: 0001 moves with a title (発令日 R8.4.1), 0002 leaves (退職),
		// 0003 is unchanged, 0004 is missing from a full roster, 0005 is
		// new, 0006 left before ever being registered.
		april := "職員番号,所属,役職,在職区分,発令日\n" +
			"0001,市民部/市民課/庶務係,主任,在職,R8.4.1\n" +
			"0002,,,退職,\n" +
			"0003,,主事,在職,\n" +
			"0006,,,退職,\n"
		p := f.preview(t, []byte(april), staffio.Options{Full: true})
		if !p.OK() {
			t.Fatalf("problems:\n%s", problems(p))
		}
		if len(p.Changes) != 1 || len(p.Retires) != 2 || p.Unchanged != 1 || len(p.Creates) != 0 {
			t.Fatalf("plan %+v", p.Summary(""))
		}
		if len(p.Warnings) != 2 { // 0006 skipped; half the staff absent
			t.Errorf("warnings %+v", p.Warnings)
		}
		ch := p.Changes[0].Changes
		if len(ch) != 2 || ch[0].Field != "unit" || ch[0].Before != "総務部/人事課/人事係" || ch[0].After != "市民部/市民課/庶務係" || ch[1].Field != "title" {
			t.Errorf("changes %+v", ch)
		}
		// Two of four people in service retire: the number must be typed.
		if !p.NeedsRetirementConfirm() {
			t.Error("half the staff retired without asking for the number")
		}
		for _, typed := range []int{0, 3} {
			_, err := staffio.Apply(ctx, db, f.tenant, hr, staffio.File{Name: "april.csv", Data: []byte(april)},
				staffio.ApplyOptions{Options: staffio.Options{Full: true}, ConfirmRetirements: typed})
			if !staffio.IsRetirementConfirm(err) || f.staff(t, "0004").Retired {
				t.Fatalf("typed %d: %v", typed, err)
			}
		}
		if _, err := staffio.Apply(ctx, db, f.tenant, hr, staffio.File{Name: "april.csv", Data: []byte(april)},
			staffio.ApplyOptions{Options: staffio.Options{Full: true}, ConfirmRetirements: 2}); err != nil {
			t.Fatal(err)
		}
		s := f.staff(t, "0001")
		hist, _ := db.FindStaffHistory(ctx, f.tenant, s.ID)
		moved := false
		for _, h := range hist {
			moved = moved || (h.NewUnitID == f.units["211"].ID && h.OldTitle == "主事" && h.NewTitle == "主任" && h.EffectiveDate.String() == "2026-04-01")
		}
		if s.UnitID != f.units["211"].ID || s.Title != "主任" || len(hist) != 2 || !moved {
			t.Errorf("move: %+v %+v", s, hist)
		}
		if !f.staff(t, "0002").Retired || !f.staff(t, "0004").Retired || f.staff(t, "0003").Retired {
			t.Error("retirements wrong")
		}
		if got, err := db.FindUserByLogin(ctx, f.tenant, "ni"); err != nil || !got.Disabled {
			t.Errorf("account of a retired person still enabled: %+v %v", got, err)
		}
		if n := f.count(t, "staff"); n != 4 {
			t.Errorf("staff rows %d: nobody is ever deleted", n)
		}
		// Back in service.
		p, err := f.apply(t, []byte("職員番号,在職区分\n0002,在職\n"), staffio.Options{})
		if err != nil || len(p.Reinstates) != 1 || f.staff(t, "0002").Retired {
			t.Errorf("reinstate: %v %+v", err, p.Summary(""))
		}
		// A full roster with no rows would retire everyone: refused.
		if p := f.preview(t, []byte("職員番号,氏名\n"), staffio.Options{Full: true}); p.OK() {
			t.Error("empty full roster accepted")
		}
	})
}

func TestImportRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		if _, err := f.apply(t, []byte("職員番号,氏名,ふりがな,所属コード\n0123,既存,きぞん,111\n"), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, file, key, column string
			line                    int
		}{
			{"my number", "職員番号,氏名,個人番号\n1,a,123456789012\n", "import.my_number", "個人番号", 1},
			{"my number katakana", "職員番号,ﾏｲﾅﾝﾊﾞｰ\n1,2\n", "import.my_number", "ﾏｲﾅﾝﾊﾞｰ", 1},
			{"no staff number column", "氏名,ふりがな\na,あ\n", "import.no_staff_no", "", 1},
			{"same column twice", "職員番号,氏名,職員氏名\n1,a,b\n", "import.duplicate_column", "職員氏名", 1},
			{"attributes without consent column", "職員番号,性別\n0123,女性\n", "import.consent_column", "", 1},
			{"leading zeros lost in Excel", "職員番号,氏名,ふりがな,所属コード\n123,既存,きぞん,111\n", "import.leading_zeros", "職員番号", 2},
			{"ambiguous unit", "職員番号,氏名,ふりがな,所属\n5,a,あ,庶務係\n", "import.unit_ambiguous_list", "所属", 2},
			{"code and path disagree", "職員番号,氏名,ふりがな,所属コード,所属\n0999,a,あ,111,市民部\n", "import.unit_mismatch", "所属", 2},
			{"new person without unit", "職員番号,氏名,ふりがな\n5,a,あ\n", "field.required", "所属", 2},
			{"attribute without consent", "職員番号,分析同意,性別\n0123,,女性\n", "import.no_consent", "性別", 2},
			{"not a file", "\x00\x01", "tabular.binary", "", 0},
		}
		for _, tt := range tests {
			p := f.preview(t, []byte(tt.file), staffio.Options{})
			if len(p.Problems) == 0 {
				t.Errorf("%s: accepted", tt.name)
				continue
			}
			pr := p.Problems[0]
			if pr.Key != tt.key || pr.Column != tt.column || pr.Line != tt.line {
				t.Errorf("%s: %+v (%s)", tt.name, pr, pr.Message("ja"))
			}
			if m := pr.Message("ja"); strings.Contains(m, "{{") || strings.Contains(m, "<no value>") {
				t.Errorf("%s: message %q", tt.name, m)
			}
			if tt.key == "import.unit_ambiguous_list" && !strings.Contains(pr.Message("ja"), "「市民部/市民課/庶務係」「総務部/人事課/庶務係」") {
				t.Errorf("ambiguous unit without its candidates: %q", pr.Message("ja"))
			}
		}
		// A title row above the header is fine, and the header is found.
		p := f.preview(t, []byte("職員名簿 令和8年4月1日現在\n\n職員番号,氏名,ふりがな,所属コード\n0200,新人,しんじん,111\n"), staffio.Options{})
		if !p.OK() || len(p.Creates) != 1 || p.Creates[0].Line != 4 {
			t.Errorf("title row: %s %+v", problems(p), p.Summary(""))
		}
	})
}

func TestImportSensitive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		file := "職員番号,氏名,ふりがな,所属コード,分析同意,性別,年代,育児介護,通勤時間(分)\n" +
			"0001,一,いち,111,○,女性,30代,育児,４５分\n0002,二,に,111,,,,,\n"
		if p, err := f.apply(t, []byte(file), staffio.Options{}); err != nil {
			t.Fatalf("%v\n%s", err, problems(p))
		}
		s := f.staff(t, "0001")
		if s.Sensitive == nil || *s.Sensitive != (org.Sensitive{Gender: "female", AgeBand: "30s", Care: "childcare", CommuteMinutes: 45}) {
			t.Fatalf("sensitive %+v", s.Sensitive)
		}
		if f.staff(t, "0002").Sensitive != nil {
			t.Error("attributes stored without consent")
		}
		// A file without the attribute columns leaves them as they are.
		if p := f.preview(t, []byte("職員番号,氏名\n0001,一\n"), staffio.Options{}); !p.Empty() {
			t.Errorf("no attribute columns changed something: %+v", p.Summary(""))
		}
		units, _ := db.FindUnits(ctx, f.tenant)
		staff, _ := db.FindAllStaff(ctx, f.tenant)
		plain := staffio.ExportRows(units, staff, staffio.ExportOptions{})
		if strings.Contains(strings.Join(plain[0], ","), "性別") || strings.Contains(strings.Join(plain[1], ","), "女性") {
			t.Errorf("plain export has attributes: %q", plain)
		}
		rows := staffio.ExportRows(units, staff, staffio.ExportOptions{Sensitive: true})
		var buf bytes.Buffer
		if _, err := tabular.Write(&buf, tabular.CSVSJIS, "", rows); err != nil {
			t.Fatal(err)
		}
		if p := f.preview(t, buf.Bytes(), staffio.Options{}); !p.OK() || !p.Empty() {
			t.Errorf("sensitive round trip: %s %+v", problems(p), p.Summary(""))
		}
		// Withdrawing consent erases; the plan does not show the values.
		p, err := f.apply(t, []byte("職員番号,分析同意\n0001,×\n"), staffio.Options{})
		if err != nil || len(p.Changes) != 1 || !p.Changes[0].Changes[0].Sensitive || p.Changes[0].Changes[0].Before != "" {
			t.Fatalf("withdraw: %v %+v", err, p.Changes)
		}
		if f.staff(t, "0001").Sensitive != nil {
			t.Error("consent withdrawn but attributes kept")
		}
	})
}

func TestConfirmSeesChangedData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if _, err := f.apply(t, []byte("職員番号,氏名,ふりがな,所属コード,役職\n0001,一,いち,111,主事\n"), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		file := []byte("職員番号,役職\n0001,主任\n")
		p := f.preview(t, file, staffio.Options{})
		digest := p.Digest()
		// Someone edits the person between the preview and the confirmation.
		s := f.staff(t, "0001")
		s.Email = "ichi@city.example.lg.jp"
		if err := storetest.F(db).UpdateStaff(ctx, f.tenant, hr, s, s.Version, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		p2, err := staffio.Apply(ctx, f.db, f.tenant, hr, staffio.File{Data: file}, staffio.ApplyOptions{ExpectDigest: digest})
		if !staffio.IsPlanChanged(err) || p2.Digest() == digest {
			t.Fatalf("stale confirmation: %v", err)
		}
		if f.staff(t, "0001").Title != "主事" {
			t.Error("a changed plan was applied")
		}
		if _, err := staffio.Apply(ctx, f.db, f.tenant, hr, staffio.File{Data: file}, staffio.ApplyOptions{ExpectDigest: p2.Digest()}); err != nil {
			t.Fatal(err)
		}
		if s := f.staff(t, "0001"); s.Title != "主任" || s.Email != "ichi@city.example.lg.jp" {
			t.Errorf("after confirming again: %+v", s)
		}
	})
}

// Dates and zero-padded numbers as Excel stores them: whatever the display
// format, the stored serial gives the date.
func TestImportXLSXCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"職員番号", "氏名", "ふりがな", "所属コード", "発令日"},
		{7, "新 一", "しん いち", "111", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		{8, "新 二", "しん に", 111, "令和8年4月1日"},
		{9, "新 三", "しん さん", "111", 46113}, // a serial typed as a number: 2026-04-01
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	pad, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0000")})
	f.SetCellStyle("Sheet1", "A2", "A4", pad)
	wareki, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`[$-ja-JP]ggge"年"m"月"d"日"`)})
	f.SetCellStyle("Sheet1", "E2", "E2", wareki)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	tb, err := tabular.Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	p := staffio.Prepare(tb, memCurrent(), staffio.Options{})
	if !p.OK() || len(p.Creates) != 3 {
		t.Fatalf("%s %+v", problems(p), p.Summary(""))
	}
	for i, want := range []struct{ no, date string }{{"0007", "2025-04-01"}, {"0008", "2026-04-01"}, {"0009", "2026-04-01"}} {
		if it := p.Creates[i]; it.After.StaffNo != want.no || it.Effective.String() != want.date || it.Line != i+2 {
			t.Errorf("row %d: %s %s line %d, want %+v", i, it.After.StaffNo, it.Effective, it.Line, want)
		}
	}
}

func ptr(s string) *string { return &s }

// TestUnitInSeparateColumns: 人事給与 exports often give the 所属 as 部名・
// 課名・係名 columns and the number as 社員番号; a file with only 課名 names
// the section. Both read as the 所属 path; a 所属 column wins over them.
func TestUnitInSeparateColumns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p := f.preview(t, []byte("社員番号,氏名,ふりがな,部名,課名,係名\n"+
			"3001,山田 一,やまだ いち,総務部,人事課,庶務係\n"+
			"3002,山田 二,やまだ に,総務部,人事課,\n"+
			"3003,山田 三,やまだ さん,市民部,市民課,庶務係\n"), staffio.Options{})
		if len(p.Problems) != 0 || len(p.Creates) != 3 || len(p.Warnings) != 0 {
			t.Fatalf("部名・課名・係名: %s %d creates, warnings %+v", problems(p), len(p.Creates), p.Warnings)
		}
		for i, code := range []string{"112", "110", "211"} {
			if got := p.Creates[i].After.UnitID; got != f.units[code].ID {
				t.Errorf("row %d: unit %d, want %s", i+2, got, code)
			}
		}
		p = f.preview(t, []byte("職員番号,氏名,ふりがな,課名\n3004,山田 四,やまだ し,市民課\n"), staffio.Options{})
		if len(p.Problems) != 0 || len(p.Creates) != 1 || p.Creates[0].After.UnitID != f.units["210"].ID {
			t.Errorf("課名 only: %s", problems(p))
		}
		// With a 所属 column too, the part columns are not read (and said so).
		p = f.preview(t, []byte("職員番号,氏名,ふりがな,所属,課名\n3005,山田 五,やまだ ご,総務部/人事課,市民課\n"), staffio.Options{})
		if len(p.Problems) != 0 || len(p.Creates) != 1 || p.Creates[0].After.UnitID != f.units["110"].ID || len(p.Warnings) != 1 {
			t.Errorf("所属 and 課名: %s %+v", problems(p), p.Warnings)
		}
	})
}

// TestUnitCodeLostZeros: a 所属コード Excel saved without its leading zeros
// is refused naming the stored code, as a 職員番号 is.
func TestUnitCodeLostZeros(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		u := &org.Unit{Code: "010501", Name: "企画課", Level: "課", ParentID: f.units["100"].ID}
		if err := storetest.F(db).CreateUnit(context.Background(), f.tenant, hr, u, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		p := f.preview(t, []byte("職員番号,氏名,ふりがな,所属コード\n4001,山田 一,やまだ いち,10501\n"), staffio.Options{})
		if got := problems(p); !strings.Contains(got, "010501 が登録されています") || !strings.Contains(got, "先頭の 0") {
			t.Errorf("lost zeros: %s", got)
		}
		if p := f.preview(t, []byte("職員番号,氏名,ふりがな,所属コード\n4001,山田 一,やまだ いち,010501\n"), staffio.Options{}); len(p.Problems) != 0 {
			t.Errorf("the code as stored: %s", problems(p))
		}
	})
}

// A 人事 system that exports readings in half-width katakana: stored full
// width, and a reading stored in hiragana is not "changed" by the same
// reading in katakana.
func TestImportReadingScripts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		first := "職員番号,氏名,ふりがな,所属コード\n0001,岡本 洋子,おかもと ようこ,111\n0002,高橋 一郎,たかはし いちろう,111\n"
		if _, err := f.apply(t, []byte(first), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		again := "職員番号,氏名,フリガナ,所属コード\r\n0001,岡本 洋子,ｵｶﾓﾄ ﾖｳｺ,111\r\n0002,高橋 一郎,ﾀｶﾊｼ ｼﾞﾛｳ,111\r\n0003,山田 花子,ﾔﾏﾀﾞ ﾊﾅｺ,111\r\n"
		p := f.preview(t, sjis(t, again), staffio.Options{})
		if !p.OK() {
			t.Fatalf("problems:\n%s", problems(p))
		}
		if p.Unchanged != 1 || len(p.Changes) != 1 || len(p.Creates) != 1 {
			t.Fatalf("plan %+v", p.Summary(""))
		}
		if _, err := f.apply(t, sjis(t, again), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		for no, want := range map[string]string{"0001": "おかもと ようこ", "0002": "タカハシ ジロウ", "0003": "ヤマダ ハナコ"} {
			if got := f.staff(t, no).Kana; got != want {
				t.Errorf("%s: reading %q, want %q", no, got, want)
			}
		}
	})
}

// TestConcurrentImports: two imports changing the same people, listed in
// opposite orders, sent at once: each waits for the other (the tenant's
// organisation lock) and both apply — on PostgreSQL they deadlocked, and
// one failed with a 500 (an outside review).
func TestConcurrentImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		var b strings.Builder
		b.WriteString("職員番号,氏名,ふりがな,所属コード,役職\n")
		for i := range 60 {
			fmt.Fprintf(&b, "%04d,職員 %d,しょくいん,111,主事\n", 1000+i, i)
		}
		if _, err := f.apply(t, []byte(b.String()), staffio.Options{}); err != nil {
			t.Fatal(err)
		}
		file := func(title string, reverse bool) []byte {
			var b strings.Builder
			b.WriteString("職員番号,役職\n")
			for i := range 60 {
				n := i
				if reverse {
					n = 59 - i
				}
				fmt.Fprintf(&b, "%04d,%s\n", 1000+n, title)
			}
			return []byte(b.String())
		}
		errs := make(chan error, 2)
		start := make(chan struct{})
		for _, in := range [][]byte{file("主任", false), file("主査", true)} {
			go func() {
				<-start
				_, err := f.apply(t, in, staffio.Options{})
				errs <- err
			}()
		}
		close(start)
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("an import failed beside another: %v", err)
			}
		}
		if got := f.staff(t, "1000").Title; got != "主任" && got != "主査" {
			t.Fatalf("title %q", got)
		}
	})
}
