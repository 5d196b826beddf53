package tasks

import (
	"reflect"
	"strings"
	"testing"
)

// The catalogue of the rule tests: one system per segment and data class.
var (
	testSystems = []System{
		{ID: "zei", Name: "税務システム", Segment: MyNumber, DataClasses: []DataClass{ResidentSensitive}},
		{ID: "jumin", Name: "住民情報照会", Segment: LGWAN, DataClasses: []DataClass{ResidentSensitive}, Routes: []Route{RouteHome, RouteMobile, RouteSatellite}},
		{ID: "jinji", Name: "人事給与システム", Segment: LGWAN, DataClasses: []DataClass{StaffPersonal}, Routes: []Route{RouteHome}},
		{ID: "zaimu", Name: "財務会計システム", Segment: LGWAN, DataClasses: []DataClass{NonPublic}},
		{ID: "gw", Name: "グループウェア", Segment: LGWAN, DataClasses: []DataClass{General}, Routes: []Route{RouteHome, RouteMobile}},
		{ID: "net", Name: "インターネット", Segment: Internet, DataClasses: []DataClass{General}, Routes: []Route{RouteHome, RouteMobile, RouteSatellite}},
	}
	testPlaces = []Place{
		{ID: "shisho", Name: "四賀支所", Kind: Branch, Network: OfficeLAN, PhysicalSecurity: true},
		{ID: "kominkan", Name: "中央公民館", Kind: Community, Network: InternetOnly, PhysicalSecurity: false},
		{ID: "share", Name: "駅前シェアオフィス", Kind: PrivateShare, Network: InternetOnly, PhysicalSecurity: false},
		{ID: "dekisaki", Name: "保健所", Kind: Outpost, Network: InternetOnly, PhysicalSecurity: false},
		{ID: "honcho", Name: "本庁舎会議室", Kind: OfficeBuilding, Network: OfficeLAN, PhysicalSecurity: false, Phone: true},
		// Places with 部外者 (SPEC §5), even claiming the office's measures
		// and network: a community hall open to residents, a branch's
		// lobby shared with a bank's counter.
		{ID: "hall", Name: "市民交流センター", Kind: Community, Network: OfficeLAN, PhysicalSecurity: true, Outsiders: true},
		{ID: "lobby", Name: "支所ロビー", Kind: Branch, Network: OfficeLAN, PhysicalSecurity: true, Outsiders: true},
		{ID: "lobby2", Name: "出先機関の相談室", Kind: Outpost, Network: InternetOnly, Outsiders: true},
	}
)

type ruleCase struct {
	name     string
	allowMN  bool // tenant: mynumber_at_branch_office
	task     Task
	target   string
	rating   Rating
	reasons  []string          // message keys, in order
	improves map[string]Rating // improvement id → rating it gives
	level    Level
}

func TestRules(t *testing.T) {
	none := map[string]Rating{}
	cases := []ruleCase{
		// A plain task on reachable systems: ○ everywhere, level ①.
		{name: "資料作成 at home", task: Task{Systems: []string{"gw", "net"}}, target: "home", rating: OK, improves: none, level: Level1},
		{name: "資料作成 at a share office (internet system via the satellite route)", task: Task{Systems: []string{"net"}}, target: "share", rating: OK, improves: none, level: Level1},
		{name: "no system at all", task: Task{}, target: "mobile", rating: OK, improves: none, level: Level1},

		// 個人番号利用事務系: never at home or mobile, level ④, no improvement.
		{name: "mynumber at home", task: Task{Systems: []string{"zei"}}, target: "home", rating: No,
			reasons: []string{"tasks.reason.mynumber_remote"}, improves: none, level: Level4},
		{name: "mynumber on mobile even when the tenant allows branches", allowMN: true, task: Task{Systems: []string{"zei"}}, target: "mobile", rating: No,
			reasons: []string{"tasks.reason.mynumber_remote"}, improves: none, level: Level4},
		// … at a 支所 on the office network where the tenant allows it.
		{name: "mynumber at a branch, tenant allows", allowMN: true, task: Task{Systems: []string{"zei"}}, target: "shisho", rating: OK, improves: none, level: Level4},
		{name: "mynumber at a branch, tenant does not allow", task: Task{Systems: []string{"zei"}}, target: "shisho", rating: No,
			reasons: []string{"tasks.reason.mynumber_tenant"}, improves: map[string]Rating{FixTenantMyNumber: OK}, level: Level4},
		{name: "mynumber at a community centre: not a government building", allowMN: true, task: Task{Systems: []string{"zei"}}, target: "kominkan", rating: No,
			reasons: []string{"tasks.reason.mynumber_place_kind"}, improves: none, level: Level4},
		{name: "mynumber at a private share office", allowMN: true, task: Task{Systems: []string{"zei"}}, target: "share", rating: No,
			reasons: []string{"tasks.reason.mynumber_place_kind"}, improves: none, level: Level4},
		{name: "mynumber at an outpost on the internet without security", allowMN: true, task: Task{Systems: []string{"zei"}}, target: "dekisaki", rating: No,
			reasons:  []string{"tasks.reason.mynumber_network", "tasks.reason.mynumber_security"},
			improves: map[string]Rating{"place_network:dekisaki": No, "place_security:dekisaki": No, "place_network:dekisaki+place_security:dekisaki": OK}, level: Level4},
		{name: "mynumber in the main building without office-equal security", allowMN: true, task: Task{Systems: []string{"zei"}}, target: "honcho", rating: No,
			reasons: []string{"tasks.reason.mynumber_security"}, improves: map[string]Rating{"place_security:honcho": OK}, level: Level4},

		// 大量・機微な住民情報 on LGWAN: in principle not at home or mobile,
		// whatever the routes; at an SO with office-equal security and
		// network; never at a private share office.
		{name: "resident data at home despite a home route", task: Task{Systems: []string{"jumin"}}, target: "home", rating: No,
			reasons: []string{"tasks.reason.resident_sensitive_remote"}, improves: none, level: Level2},
		{name: "resident data on mobile", task: Task{Systems: []string{"jumin"}}, target: "mobile", rating: No,
			reasons: []string{"tasks.reason.resident_sensitive_remote"}, improves: none, level: Level2},
		{name: "resident data at a secured branch on the office LAN", task: Task{Systems: []string{"jumin"}}, target: "shisho", rating: OK, improves: none, level: Level2},
		{name: "resident data at a private share office", task: Task{Systems: []string{"jumin"}}, target: "share", rating: No,
			reasons: []string{"tasks.reason.resident_sensitive_share"}, improves: none, level: Level2},
		{name: "resident data at a community centre (internet, no security)", task: Task{Systems: []string{"jumin"}}, target: "kominkan", rating: No,
			reasons:  []string{"tasks.reason.resident_sensitive_network", "tasks.reason.resident_sensitive_security"},
			improves: map[string]Rating{"place_network:kominkan": No, "place_security:kominkan": No, "place_network:kominkan+place_security:kominkan": OK}, level: Level2},
		{name: "resident data in the main building without security", task: Task{Systems: []string{"jumin"}}, target: "honcho", rating: No,
			reasons: []string{"tasks.reason.resident_sensitive_security"}, improves: map[string]Rating{"place_security:honcho": OK}, level: Level2},

		// … nor at any other place with 部外者, whatever its network and
		// measures say; no improvement of the place lifts it.
		{name: "resident data at a community hall with outsiders (office LAN, security claimed)", task: Task{Systems: []string{"jumin"}}, target: "hall", rating: No,
			reasons: []string{"tasks.reason.resident_sensitive_outsiders"}, improves: none, level: Level2},
		{name: "resident data at a branch lobby with outsiders", task: Task{Systems: []string{"jumin"}}, target: "lobby", rating: No,
			reasons: []string{"tasks.reason.resident_sensitive_outsiders"}, improves: none, level: Level2},
		{name: "resident data at an outpost with outsiders: no network or security improvement offered", task: Task{Systems: []string{"jumin"}}, target: "lobby2", rating: No,
			reasons: []string{"tasks.reason.resident_sensitive_outsiders"}, improves: none, level: Level2},
		{name: "mynumber at a branch lobby with outsiders, tenant allows", allowMN: true, task: Task{Systems: []string{"zei"}}, target: "lobby", rating: No,
			reasons: []string{"tasks.reason.mynumber_outsiders"}, improves: none, level: Level4},
		{name: "mynumber at a community hall with outsiders: the kind decides first", allowMN: true, task: Task{Systems: []string{"zei"}}, target: "hall", rating: No,
			reasons: []string{"tasks.reason.mynumber_place_kind"}, improves: none, level: Level4},
		// Outsiders keep out sensitive data only: general work stays ○.
		{name: "general work at a community hall with outsiders", task: Task{Systems: []string{"gw", "jinji"}}, target: "hall", rating: OK, improves: none, level: Level2},

		// 職員の個人情報 / 入札等の非公開情報: level ②, ○ once a secure route exists.
		{name: "staff personal data at home with remote access", task: Task{Systems: []string{"jinji"}}, target: "home", rating: OK, improves: none, level: Level2},
		{name: "staff personal data on mobile without the route", task: Task{Systems: []string{"jinji"}}, target: "mobile", rating: No,
			reasons: []string{"tasks.reason.unreachable"}, improves: map[string]Rating{"remote_access:jinji:mobile": OK}, level: Level2},
		{name: "non-public data at home without the route", task: Task{Systems: []string{"zaimu"}}, target: "home", rating: No,
			reasons: []string{"tasks.reason.unreachable"}, improves: map[string]Rating{"remote_access:zaimu:home": OK}, level: Level2},
		{name: "non-public data at a branch on the office LAN", task: Task{Systems: []string{"zaimu"}}, target: "shisho", rating: OK, improves: none, level: Level2},
		{name: "non-public data at a community centre on the internet", task: Task{Systems: []string{"zaimu"}}, target: "kominkan", rating: No,
			reasons: []string{"tasks.reason.unreachable"}, improves: map[string]Rating{"remote_access:zaimu:satellite": OK, "place_network:kominkan": OK}, level: Level2},

		// An unreachable general system: × with the remote access; level ②.
		{name: "general LGWAN system without a satellite route at a share office", task: Task{Systems: []string{"gw"}}, target: "share", rating: No,
			reasons: []string{"tasks.reason.unreachable"}, improves: map[string]Rating{"remote_access:gw:satellite": OK}, level: Level1},

		// Paper.
		{name: "digitisable paper at home: level ①, 電子化", task: Task{Paper: PaperDigitisable, Systems: []string{"gw"}}, target: "home", rating: Partial,
			reasons: []string{"tasks.reason.paper_digitisable"}, improves: map[string]Rating{FixDigitise: OK}, level: Level1},
		{name: "residents' paper at home: level ③, オンライン化", task: Task{Paper: PaperResidents}, target: "home", rating: No,
			reasons: []string{"tasks.reason.paper_residents"}, improves: map[string]Rating{FixOnline: OK}, level: Level3},
		{name: "residents' paper even at a secured branch", task: Task{Paper: PaperResidents}, target: "shisho", rating: No,
			reasons: []string{"tasks.reason.paper_residents"}, improves: map[string]Rating{FixOnline: OK}, level: Level3},

		// 窓口・相談: × for that task only, level ③.
		{name: "face to face", task: Task{FaceToFace: true}, target: "mobile", rating: No,
			reasons: []string{"tasks.reason.face_to_face"}, improves: map[string]Rating{FixOnline: OK}, level: Level3},
		{name: "窓口 with residents' paper: one improvement lifts both", task: Task{FaceToFace: true, Paper: PaperResidents}, target: "home", rating: No,
			reasons: []string{"tasks.reason.face_to_face", "tasks.reason.paper_residents"}, improves: map[string]Rating{FixOnline: OK}, level: Level3},

		// Special on-site equipment: ×, level ④, nothing lifts it.
		{name: "special equipment", task: Task{SpecialEquipment: true}, target: "shisho", rating: No,
			reasons: []string{"tasks.reason.special_equipment"}, improves: none, level: Level4},

		// Phone: △ with 公用携帯・IP電話, level ②.
		{name: "phone at home", task: Task{Phone: true, Systems: []string{"gw"}}, target: "home", rating: Partial,
			reasons: []string{"tasks.reason.phone"}, improves: map[string]Rating{FixPhone: OK}, level: Level2},

		// … but not at a place with a phone for the work (掛川市: 会議室には専用の電話).
		{name: "phone at a place with a phone", task: Task{Phone: true, Systems: []string{"gw"}}, target: "honcho", rating: OK,
			improves: none, level: Level2},
		{name: "phone at a place without one", task: Task{Phone: true, Systems: []string{"gw"}}, target: "shisho", rating: Partial,
			reasons: []string{"tasks.reason.phone"}, improves: map[string]Rating{FixPhone: OK}, level: Level2},

		// Done only where it happens: × everywhere, level ④, nothing lifts it.
		{name: "on site, at home", task: Task{OnSite: true}, target: "home", rating: No,
			reasons: []string{"tasks.reason.on_site"}, improves: none, level: Level4},
		{name: "on site, at a branch on the office network", task: Task{OnSite: true}, target: "shisho", rating: No,
			reasons: []string{"tasks.reason.on_site"}, improves: none, level: Level4},

		// Several reasons: every one is given, each improvement with what it gives alone.
		{name: "paper, phone and an unreachable system", task: Task{Paper: PaperDigitisable, Phone: true, Systems: []string{"zaimu"}}, target: "home", rating: No,
			reasons:  []string{"tasks.reason.paper_digitisable", "tasks.reason.phone", "tasks.reason.unreachable"},
			improves: map[string]Rating{FixDigitise: No, FixPhone: No, "remote_access:zaimu:home": Partial, "digitise+phone+remote_access:zaimu:home": OK}, level: Level2},
		// Improvements that lift the rating only together are offered
		// together, with the rating they give; one that alone does as
		// well as all of them is enough.
		{name: "digitise and phone at a branch: each alone leaves △", task: Task{Paper: PaperDigitisable, Phone: true, Systems: []string{"gw"}}, target: "shisho", rating: Partial,
			reasons:  []string{"tasks.reason.paper_digitisable", "tasks.reason.phone"},
			improves: map[string]Rating{FixDigitise: Partial, FixPhone: Partial, "digitise+phone": OK}, level: Level2},
		{name: "resident data and a phone at a community centre: network, measures and phone together", task: Task{Phone: true, Systems: []string{"jumin"}}, target: "kominkan", rating: No,
			reasons: []string{"tasks.reason.phone", "tasks.reason.resident_sensitive_network", "tasks.reason.resident_sensitive_security"},
			improves: map[string]Rating{FixPhone: No, "place_network:kominkan": No, "place_security:kominkan": No,
				"phone+place_network:kominkan+place_security:kominkan": OK}, level: Level2},
		{name: "a non-public system unreachable from a community centre: the network alone opens it (no combination)", task: Task{Systems: []string{"zaimu", "gw"}}, target: "kominkan", rating: No,
			reasons:  []string{"tasks.reason.unreachable", "tasks.reason.unreachable"},
			improves: map[string]Rating{"remote_access:zaimu:satellite": No, "place_network:kominkan": OK, "remote_access:gw:satellite": No}, level: Level2},
		{name: "special equipment with digitisable paper and phone: nothing together lifts the ×", task: Task{SpecialEquipment: true, Paper: PaperDigitisable, Phone: true}, target: "home", rating: No,
			reasons:  []string{"tasks.reason.paper_digitisable", "tasks.reason.special_equipment", "tasks.reason.phone"},
			improves: map[string]Rating{FixDigitise: No, FixPhone: No}, level: Level4},
		{name: "level ④ wins over ③", task: Task{FaceToFace: true, Systems: []string{"zei"}}, target: "home", rating: No,
			reasons: []string{"tasks.reason.face_to_face", "tasks.reason.mynumber_remote"}, improves: map[string]Rating{FixOnline: No}, level: Level4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := NewEngine(Tenant{MyNumberAtBranchOffice: c.allowMN}, testSystems, testPlaces)
			task := c.task
			r := e.Rate(&task)
			if r.Level != c.level {
				t.Errorf("level %d, want %d", r.Level, c.level)
			}
			checkResult(t, e, &task, c.target, c.rating, c.reasons, c.improves)
		})
	}
}

// checkResult compares task's result at target with the expected rating,
// reason keys in order and improvements with the rating each gives.
func checkResult(t *testing.T, e *Engine, task *Task, target string, rating Rating, reasons []string, improves map[string]Rating) {
	t.Helper()
	got := e.RateAt(task, targetOf(e, target))
	if got.Rating != rating {
		t.Errorf("rating %s, want %s", got.Rating, rating)
	}
	var keys []string
	for _, n := range got.Reasons {
		keys = append(keys, n.Key)
	}
	if !reflect.DeepEqual(keys, reasons) {
		t.Errorf("reasons %v, want %v", keys, reasons)
	}
	imp := map[string]Rating{}
	for _, im := range got.Improvements {
		imp[im.ID] = im.Rating
	}
	if !reflect.DeepEqual(imp, improves) {
		t.Errorf("improvements %v, want %v", imp, improves)
	}
	if e.RatingWith(task, targetOf(e, target), "") != rating {
		t.Error("RatingWith disagrees with RateAt")
	}
}

func targetOf(e *Engine, key string) Target {
	for _, tg := range e.Targets() {
		if tg.Key() == key {
			return tg
		}
	}
	panic(key)
}

// The words the user reads: the issue's own examples.
func TestTexts(t *testing.T) {
	e := NewEngine(Tenant{}, testSystems, testPlaces)
	task := Task{Paper: PaperDigitisable, Phone: true, Systems: []string{"zaimu"}}
	res := e.RateAt(&task, Target{Kind: AtHome})
	var ja, en []string
	for _, im := range res.Improvements {
		ja = append(ja, im.Text("ja"))
		en = append(en, im.Text("en"))
	}
	want := []string{"紙の原本を電子化(PDF化等)する(それだけでは、ほかの理由で×のまま)", "公用携帯・IP電話(公用電話アプリ)を配備する(それだけでは、ほかの理由で×のまま)",
		"LGWAN接続系の「財務会計システム」への在宅からのリモートアクセス環境を整備すると△",
		"「紙の原本を電子化(PDF化等)する」と「公用携帯・IP電話(公用電話アプリ)を配備する」と「LGWAN接続系の『財務会計システム』への在宅からのリモートアクセス環境を整備する」をあわせて行うと○"}
	if !reflect.DeepEqual(ja, want) {
		t.Errorf("ja %q\nwant %q", ja, want)
	}
	if !strings.HasPrefix(en[2], "Set up remote access from home to \"財務会計システム\" (LGWAN segment): △") {
		t.Errorf("en %q", en[2])
	}
	if want := "Together: Digitise the paper originals (PDF etc.); Provide official mobiles or IP phones (phone app); " +
		"Set up remote access from home to \"財務会計システム\" (LGWAN segment): ○"; en[3] != want {
		t.Errorf("en %q\nwant %q", en[3], want)
	}
	// An improvement that leaves a △ as it is says so too.
	shisho := e.RateAt(&Task{Paper: PaperDigitisable, Phone: true}, targetOf(e, "shisho"))
	if got := shisho.Improvements[0].Text("ja"); got != "紙の原本を電子化(PDF化等)する(それだけでは、ほかの理由で△のまま)" {
		t.Errorf("%q", got)
	}
	if got := shisho.Improvements[2].Text("ja"); got != "「紙の原本を電子化(PDF化等)する」と「公用携帯・IP電話(公用電話アプリ)を配備する」をあわせて行うと○" {
		t.Errorf("%q", got)
	}
	for _, n := range res.Reasons {
		for _, lang := range []string{"ja", "en"} {
			if s := n.Text(lang); strings.Contains(s, "tasks.") || strings.Contains(s, "<no value>") {
				t.Errorf("%s: %q", lang, s)
			}
		}
	}
	if s := res.Reasons[2].Text("ja"); s != "LGWAN接続系の「財務会計システム」へ在宅から接続する経路がありません。" {
		t.Errorf("%q", s)
	}
}

// Every message key the rules can produce exists in both languages.
func TestEveryNoteIsWorded(t *testing.T) {
	e := NewEngine(Tenant{}, testSystems, testPlaces)
	seen := map[string]bool{}
	for _, paper := range Papers {
		for mask := range 8 {
			for _, sys := range testSystems {
				task := Task{Paper: paper, FaceToFace: mask&1 != 0, Phone: mask&2 != 0, SpecialEquipment: mask&4 != 0, Systems: []string{sys.ID}}
				for _, res := range e.Rate(&task).Results {
					for _, n := range res.Reasons {
						seen[n.Key] = true
						for _, lang := range []string{"ja", "en"} {
							if s := n.Text(lang); strings.Contains(s, "tasks.") || strings.Contains(s, "<no value>") {
								t.Errorf("%s %s: %q", n.Key, lang, s)
							}
						}
					}
					for _, im := range res.Improvements {
						if s := im.Text("en"); strings.Contains(s, "tasks.") || strings.Contains(s, "<no value>") {
							t.Errorf("%s: %q", im.ID, s)
						}
					}
				}
			}
		}
	}
	if len(seen) < 12 {
		t.Errorf("only %d reasons reached: %v", len(seen), seen)
	}
}
