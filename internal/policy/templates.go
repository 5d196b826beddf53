package policy

import (
	"encoding/json"

	"telework/internal/calendar"
	"telework/internal/org"
)

// Template is a built-in starting policy taken from a 第6章 case.
type Template struct {
	Name   string // key, e.g. "ibaraki"
	Label  string // 茨城県
	Source string // where in the guide the rules come from
	Policy Policy
}

// GuideFile is the guide the templates are read from; the comments below
// cite it as G:<line> (../shared/reference/telework-guide-soumu-2021.txt).
const GuideFile = "telework-guide-soumu-2021.txt"

// Where the guide is silent a template takes the least restrictive value
// (docs/policy.md lists each as "the guide does not say; default"):
// every time unit, overtime allowed, no late-night ban, 中抜け allowed,
// paper and data take-out allowed, printing and saving on every device,
// no report deadline, no presence rule. The standard day 08:30–17:15 with
// a 60-minute break (7時間45分) is the product default, not the guide's,
// except where the guide gives hours (茨城県).
var (
	allUnits   = []TimeUnit{FullDay, AM, PM, Hourly}
	allDevices = []string{"loan_pc", "office_pc", "personal_pc", "tablet"}
	// defaultHours: the guide does not say; default.
	defaultHours = Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Overtime: "allowed"}
	// openTakeOut: the guide does not say; default.
	openTakeOut = TakeOut{Paper: "allowed", Data: "allowed", PrintAllowedDevices: allDevices, SaveAllowedDevices: allDevices}
)

// Templates are the seven 第6章 cases as the guide states them (see
// ../shared/reference/guide-data.md §1 and the guide's lines cited). Each
// value is either the guide's (cited) or the least restrictive default.
func Templates() []Template {
	ts := templates()
	for i := range ts {
		ts[i].Policy = ts[i].Policy.clone() // no slice shared between calls
	}
	return ts
}

func templates() []Template {
	return []Template{
		{Name: "ibaraki", Label: "茨城県", Source: "第6章 1 茨城県",
			Policy: Policy{
				// G:858 サテライトオフィス (本庁舎・出先5か所); G:908, G:975
				// モバイルワーク; 在宅勤務 throughout.
				Modes: []Mode{Home, Satellite, Mobile},
				// G:838 知事部局及び労働委員会事務局の職員のうち、行政情報
				// ネットワーク用端末により業務を行うことができる職員。会計年度
				// 任用職員も利用対象. The 知事部局 unit codes are the tenant's
				// own: set them after import.
				Eligibility: Eligibility{RequireTerminal: true},
				// G:841 利用日前日の午前中までに…所属長に申請: the calendar
				// day before, by 12:00. The approval has no stated deadline.
				Deadline: Deadline{On: "submission", Days: 1, DayKind: "calendar", Cutoff: "12:00"},
				// G:840 1週間当たり4日まで (コロナの影響で撤廃: a temporary
				// suspension, so the rule is kept).
				Caps: Caps{WeeklyMaxDays: 4},
				// G:840 半日・時間単位での実施も可能.
				TimeUnits: allUnits,
				// G:839 基本的には自宅。介護や特別な事情がある場合は、実家や
				// 病院も認められる.
				Places: Places{HomeEquivalent: true, HomeEquivalentKinds: []string{"parents_home", "hospital"}},
				// G:847 8:30～17:15が基本…所属長は5:00～22:00の間で、勤務
				// 時間の割り振りを承認することができる(※時差出勤)。ただし、
				// 時間外労働・深夜労働は禁止. The 割り振り is 時差出勤: the
				// day's hours move with its start (StaggeredWork), within the
				// 5:00–22:00 window (a review found 13:15–22:00, approved,
				// warned as overtime). (Break: the guide does not say;
				// default 60.)
				Hours: Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, WindowStart: "05:00", WindowEnd: "22:00",
					Overtime: "prohibited", NoLateNight: true, StaggeredWork: true},
				MidDayBreak: "allowed", // the guide does not say; default
				// G:841 所属長は口頭で旅行命令を発する (自宅等を目的地とした出張).
				TravelOrder: true,
				// G:842 勤務終了後…電話又は電子メール等で報告するとともに、
				// 翌日以降に…「在宅勤務実施報告書」を提出: from the next day
				// on, no deadline.
				Report: Report{Required: true, Form: "phone_then_form", Timing: "from_next_day"},
				// G:851 紙書類の持ち出しは所属長の了解を得ること…自宅等での
				// 印刷及びPC・端末へのファイル保存も禁止(貸出用端末・タブレット
				// 端末は保存可). Data take-out: the guide does not say; default.
				TakeOut: TakeOut{Paper: "consent", Data: "allowed", SaveAllowedDevices: []string{"loan_pc", "tablet"}},
				// G:846 就業時間中の在席確認は特に行っていない.
				Presence: "none",
			}},
		{Name: "saga", Label: "佐賀県", Source: "第6章 2 佐賀県",
			Policy: Policy{
				// G:1035 テレワーク(在宅勤務、サテライトオフィス勤務、モバイル
				// ワーク); G:1041–1043.
				Modes: []Mode{Home, Satellite, Mobile},
				// G:1045 対象者は全職員(庁外への派遣者など、一部職員を除く).
				Eligibility: Eligibility{ExcludeSeconded: true},
				// G:1046 職員申請システムで事前に申請し、所属長の決裁を得る:
				// 「事前に」 only — before the work starts, no 前日 deadline
				// (G:1075 利用にあたっての申請等は簡素化).
				Deadline: Deadline{On: "both", BeforeStart: true},
				// G:1044 原則週1回は勤務地に出勤…その他に利用回数や利用の理由
				// 等の制約を設けておらず.
				Caps:      Caps{MinOfficeDaysPerWeek: 1},
				TimeUnits: allUnits, // the guide does not say; default
				// G:1041 自宅及び自宅同等の場所(介護を要する親族の家や帰省先等
				// で、所属長の承認が必要): 「等」 leaves the list open.
				Places:      Places{HomeEquivalent: true, HomeEquivalentKinds: HomeEquivalentKinds},
				Hours:       defaultHours, // the guide does not say; default
				MidDayBreak: "allowed",    // the guide does not say; default
				// G:1050 事前にメールで所属長に予定時間を報告し、業務終了後に
				// 実績時間とあわせ、業務内容や成果物を報告: on the day.
				Report:  Report{Required: true, Form: "planned_actual", DueDays: 0},
				TakeOut: openTakeOut, // the guide does not say; default
				// G:1062 在宅勤務時は常にアプリを立ち上げておく (プレゼンス).
				Presence: "signed_in",
			}},
		{Name: "kobe", Label: "神戸市", Source: "第6章 3 神戸市",
			Policy: Policy{
				// G:1115 在宅勤務 (the only form the case describes).
				Modes: []Mode{Home},
				// G:1115 対象者は一般職の常勤職員: フルタイムの再任用職員も
				// 常勤. The staff record does not tell full-time from
				// short-time 再任用, so 再任用 are included (least restrictive).
				Eligibility: Eligibility{Employments: []org.Employment{org.Regular, org.Reappointed}},
				// G:1116 所属長にあらかじめ許可を得た上で(口頭でも可)、利用日
				// 前日までにシステム上で決裁を受ける.
				Deadline: Deadline{On: "approval", Days: 1, DayKind: "calendar", PriorConsent: true},
				// G:1115 利用回数上限は週4日 (コロナ対応期間中は撤廃).
				Caps: Caps{WeeklyMaxDays: 4},
				// G:1115 半日・時間単位での実施も可能.
				TimeUnits: allUnits,
				// G:1115 実施場所は原則自宅: 原則, so another place needs a
				// reason and the supervisor's approval (which places: the
				// guide does not say; default, every kind).
				Places: Places{HomeEquivalent: true, HomeEquivalentKinds: HomeEquivalentKinds},
				// G:1121 フレックスタイム制(コアタイム 10 時～15 時)との併用
				// も可能…在宅勤務では時間外勤務は禁止. Standard hours: the
				// guide does not say; default (not 08:45–17:30).
				Hours: Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Flex: true, CoreStart: "10:00", CoreEnd: "15:00",
					Overtime: "prohibited"},
				MidDayBreak: "allowed", // the guide does not say; default
				// G:1116 利用翌日以降に、システムに実績報告を登録し、所属長が
				// 確認する: from the next day on, no deadline.
				Report: Report{Required: true, Form: "system", Timing: "from_next_day"},
				// G:1125 機密情報・個人情報を含む紙書類の持ち出しは禁止. The
				// rest: the guide does not say; default.
				TakeOut: TakeOut{Paper: "allowed", BannedPaperClasses: []string{"personal_info", "confidential"}, Data: "allowed",
					PrintAllowedDevices: allDevices, SaveAllowedDevices: allDevices},
				// G:1120 就業時間中の在席確認は特に行っていない.
				Presence: "none",
			}},
		{Name: "fukaya", Label: "深谷市", Source: "第6章 4 深谷市",
			Policy: Policy{
				Modes: []Mode{Home}, // G:1304 在宅勤務
				// G:1304 対象者の制限は設けておらず、全職員が実施できる。利用
				// 回数の制限は特段設けていない.
				Eligibility: Eligibility{},
				// G:1305 いつ、どのような内容で実施するのか、各所属長に事前申請
				// を提出し、所属長が承認する: 「事前」 only.
				Deadline:  Deadline{On: "submission", BeforeStart: true},
				TimeUnits: allUnits, // the guide does not say; default (時間単位 allowed)
				// G:1306 実施する場所については職員の自宅とする.
				Places:      Places{},
				Hours:       defaultHours, // the guide does not say; default
				MidDayBreak: "allowed",    // the guide does not say; default
				Report:      Report{},     // the guide does not say; default (no report)
				TakeOut:     openTakeOut,  // the guide does not say; default
				// G:1313 テレワーク勤務中の職員は LoGo チャットにログインした
				// ままとし. (G:1318 常時業務に縛られる is a concern the guide
				// reports, not a rule: quiet hours stay off.)
				Presence: "signed_in",
			}},
		{Name: "shibuya", Label: "渋谷区", Source: "第6章 5 渋谷区",
			Policy: Policy{
				// G:1366 在宅勤務…民間サテライトオフィスでの勤務やモバイルワーク;
				// G:1394 区立中央図書館 (SO).
				Modes: []Mode{Home, Satellite, Mobile},
				// G:1367–1368 PC の配布対象となっている全職員(現業職員等を除く
				// 職員); 在宅勤務 from R1.11 管理職以外の職員(現業職員等を除く)
				// too. (The 2019 trial was 管理職 only: Ranks executive, manager.)
				Eligibility: Eligibility{ExcludedJobTypes: []string{"manual"}},
				// G:1381 事前に所属長と、実施する職務内容・実施場所・日時に
				// ついて打合せ: 「事前」 only, with the supervisor's consent.
				Deadline:  Deadline{On: "submission", BeforeStart: true, PriorConsent: true},
				TimeUnits: allUnits, // the guide does not say; default
				// G:1382 「自宅への旅行命令」: home only.
				Places: Places{},
				// G:1384 時差勤務(7 パターン)の制度が利用可能 (the start times
				// are not in the guide: the tenant enters its own). 原則として
				// 時間外勤務は不可だが、コロナ対応等やむを得ない場合は可能:
				// prior approval.
				Hours: Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, StaggeredWork: true, Overtime: "prior_approval"},
				// G:1384 業務の中抜けが必要な場合は時間単位の年次有給休暇.
				MidDayBreak: "hourly_leave",
				TravelOrder: true, // G:1382 「自宅への旅行命令」
				// G:1383 終業時には業務報告をチャットに入れる: on the day.
				Report:   Report{Required: true, Form: "chat", DueDays: 0},
				TakeOut:  openTakeOut, // the guide does not say; default
				Presence: "none",      // G:1383 始業・終業を「在席確認者」にチャットで連絡 (no presence rule)
			}},
		{Name: "matsumoto", Label: "松本市", Source: "第6章 6 松本市",
			Policy: Policy{
				// G:1454 在宅勤務; G:1525, G:1533 (松本市②) サテライト
				// オフィス 5 か所、在宅勤務と同様…事前申請が必要.
				Modes: []Mode{Home, Satellite},
				// G:1449 対象職員は正規職員(保育士等は除く).
				Eligibility: Eligibility{Employments: []org.Employment{org.Regular}, ExcludedJobTypes: []string{"childcare"}},
				// G:1454 実施日の 2 営業日前までに「職員在宅勤務実施申請書
				// (承認書)」を所属長に提出.
				Deadline:  Deadline{On: "submission", Days: 2, DayKind: "business"},
				TimeUnits: allUnits, // G:1478 半日でもいいから; hourly: the guide does not say; default
				Places:    Places{}, // G:1449 在宅勤務 (自宅)
				// G:1457 通常の勤務時間制度の下で勤務…原則として時間外勤務は
				// 命じない: not a ban — prior approval, as 渋谷区.
				Hours: Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Overtime: "prior_approval"},
				// G:1457 業務の中抜けが必要な場合は時間単位の年次有給休暇.
				MidDayBreak: "hourly_leave",
				// G:1456 実施後、所属長に業務内容等について口頭や成果物で報告…
				// 報告方法等については柔軟に: no deadline given.
				Report: Report{Required: true, Form: "verbal_by_supervisor", Timing: "after"},
				// G:1476 個人情報に記載された紙の持出は厳禁: paper only. Data:
				// the guide does not say; default.
				TakeOut: TakeOut{Paper: "allowed", BannedPaperClasses: []string{"personal_info"}, Data: "allowed",
					PrintAllowedDevices: allDevices, SaveAllowedDevices: allDevices},
				Presence: "none", // G:1456 在席確認は特段実施していない
			}},
		{Name: "kakegawa", Label: "掛川市", Source: "第6章 7 掛川市",
			Policy: Policy{
				// G:1559 在宅勤務に加え、サテライトオフィス勤務; G:1583.
				Modes:       []Mode{Home, Satellite},
				Eligibility: Eligibility{}, // the guide does not say; default
				// G:1566 「テレワーク申出書兼報告書」の申出欄に記入後、前日まで
				// に所属長に提出し、承認を得る: submitted and approved by the
				// day before (SPEC §1: 前日までに提出し承認).
				Deadline: Deadline{On: "both", Days: 1, DayKind: "calendar"},
				// G:1572 すき間時間を活用 (hourly); the rest: default.
				TimeUnits: allUnits,
				Places:    Places{}, // 在宅勤務 (自宅)
				// G:1558, G:1583 時差勤務とあわせた柔軟な働き方 (times not in
				// the guide). Overtime: the guide does not say; default.
				Hours:       Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, StaggeredWork: true, Overtime: "allowed"},
				MidDayBreak: "allowed", // the guide does not say (中抜け is not in the text); default
				// G:1567 業務終了後は、「テレワーク申出書兼報告書」の報告欄に
				// 記入し、所属長に提出: on the day.
				Report:   Report{Required: true, Form: "combined_form", DueDays: 0},
				TakeOut:  openTakeOut, // the guide does not say; default
				Presence: "none",      // the guide does not say; default
			}},
	}
}

// clone is a deep copy of p.
func (p Policy) clone() Policy {
	body, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	var out Policy
	if err := json.Unmarshal(body, &out); err != nil {
		panic(err)
	}
	return out
}

// TemplateByName returns a built-in template.
func TemplateByName(name string) (Template, bool) {
	for _, t := range Templates() {
		if t.Name == name {
			return t, true
		}
	}
	return Template{}, false
}

// FirstVersion is a new tenant's first version from the named template, in
// force from today; false when there is no such template. The note names
// the 第6章 case the rules come from.
func FirstVersion(template string, today calendar.Date) (Version, bool) {
	t, ok := TemplateByName(template)
	if !ok {
		return Version{}, false
	}
	return Version{Effective: today, Policy: t.Policy, Note: t.Source}, true
}
