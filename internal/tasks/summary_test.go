package tasks

import (
	"reflect"
	"testing"
)

// A 窓口 section: the counter work stays, the rest moves, and each
// improvement shows what it would open.
func TestSummaryAndRanking(t *testing.T) {
	e := NewEngine(Tenant{}, testSystems, testPlaces[:1]) // 四賀支所 only
	ts := []*Task{
		{ID: "a", Name: "窓口受付", FaceToFace: true, Paper: PaperResidents, Hours: 800},
		{ID: "b", Name: "統計資料作成", Systems: []string{"gw"}, Hours: 100},
		{ID: "c", Name: "支出命令の確認", Systems: []string{"zaimu"}, Paper: PaperDigitisable, Hours: 50},
		{ID: "d", Name: "課税資料の入力", Systems: []string{"zei"}, Hours: 300},
	}
	s := e.Summarise(ts)
	if s.Tasks != 4 || s.Hours != 1250 || s.Levels != [5]int{0, 1, 1, 1, 1} {
		t.Fatalf("totals %+v", s)
	}
	// Now: home carries b ○, c ×; satellite (支所 on the office LAN) b ○, c △.
	want := []Count{
		{Mode: AtHome, OK: 1, No: 3, OKHours: 100, NoHours: 1150},
		{Mode: AtPlace, OK: 1, Partial: 1, No: 2, OKHours: 100, PartialHours: 50, NoHours: 1100},
		{Mode: AtMobile, OK: 1, No: 3, OKHours: 100, NoHours: 1150},
	}
	if !reflect.DeepEqual(s.Now, want) {
		t.Errorf("now\n%+v\nwant\n%+v", s.Now, want)
	}
	got := map[string]int{}
	for _, sc := range s.After {
		got[sc.Fix] = sc.Improved
	}
	// 支出命令の確認 at home or on mobile needs digitising and the route
	// together: offered as one scenario each.
	wantFix := map[string]int{FixOnline: 1, FixDigitise: 1, FixTenantMyNumber: 1, "remote_access:zaimu:home": 1, "remote_access:zaimu:mobile": 1,
		"digitise+remote_access:zaimu:home": 1, "digitise+remote_access:zaimu:mobile": 1}
	if !reflect.DeepEqual(got, wantFix) {
		t.Errorf("after %v, want %v", got, wantFix)
	}
	if s.After[0].Fix != FixOnline { // 800 hours
		t.Errorf("first scenario %s", s.After[0].Fix)
	}
	for _, sc := range s.After {
		if sc.Fix == FixTenantMyNumber && sc.Counts[1].OK != 2 {
			t.Errorf("allowing mynumber at the branch: %+v", sc.Counts[1])
		}
		if sc.Fix == "digitise+remote_access:zaimu:home" && (sc.Counts[0].OK != 2 || sc.Counts[1].OK != 2 || sc.Counts[2].OK != 1 ||
			!reflect.DeepEqual(sc.Parts, []string{FixDigitise, "remote_access:zaimu:home"}) || sc.Note.Text("ja") != "「紙の原本を電子化(PDF化等)する」と「LGWAN接続系の『財務会計システム』への在宅からのリモートアクセス環境を整備する」をあわせて行う") {
			t.Errorf("digitising with the route from home: %+v %q", sc, sc.Note.Text("ja"))
		}
	}

	rk := e.Rank([]SectionTask{{7, ts[0]}, {7, ts[1]}, {3, ts[2]}, {9, ts[3]}, {3, &Task{Systems: []string{"zaimu"}, Hours: 10}}})
	if rk[0].Fix != "remote_access:zaimu:home" || rk[0].Tasks != 2 || rk[0].Hours != 60 || !reflect.DeepEqual(rk[0].Sections, []int64{3}) || !reflect.DeepEqual(rk[0].Opened, []int{2, 0, 0}) {
		t.Errorf("first %+v", rk[0])
	}
	if rk[1].Fix != "remote_access:zaimu:mobile" || rk[2].Fix != FixOnline || !reflect.DeepEqual(rk[2].Sections, []int64{7}) {
		t.Errorf("ranking %+v", rk)
	}
}
