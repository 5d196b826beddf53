package policy

import (
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

var standardHours = Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Overtime: "prohibited", NoLateNight: true}

// Templates are the seven 第6章 cases as the guide describes them (see
// ../shared/reference/guide-data.md §1). Where the guide is silent the
// template keeps the product default and says so in its comment.
func Templates() []Template {
	allUnits := []TimeUnit{FullDay, AM, PM, Hourly}
	return []Template{
		{Name: "ibaraki", Label: "茨城県", Source: "第6章 1 茨城県",
			Policy: Policy{
				Modes: []Mode{Home, Satellite, Mobile},
				// 知事部局及び労働委員会事務局の職員のうち行政情報ネットワーク用
				// 端末で業務ができる職員; 会計年度任用職員も対象. The unit codes
				// of 知事部局 are the tenant's own: set them after import.
				Eligibility: Eligibility{RequireTerminal: true},
				// 利用日前日の午前中まで: the calendar day before, by 12:00.
				Deadline:  Deadline{On: "submission", Days: 1, DayKind: "calendar", Cutoff: "12:00"},
				Caps:      Caps{WeeklyMaxDays: 4}, // 1週間当たり4日まで (コロナで撤廃)
				TimeUnits: allUnits,               // 半日・時間単位での実施も可能
				// 介護や特別な事情がある場合は、実家や病院も
				Places: Places{HomeEquivalent: true, HomeEquivalentKinds: []string{"parents_home", "care_place", "hospital"}},
				// 8:30～17:15; 5:00～22:00 の間で割り振り; 時間外・深夜禁止
				Hours:       Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, WindowStart: "05:00", WindowEnd: "22:00", Overtime: "prohibited", NoLateNight: true},
				MidDayBreak: "hourly_leave",
				TravelOrder: true, // 口頭で旅行命令 (自宅等を目的地とした出張)
				// 当日 電話又は電子メール, 翌日以降「在宅勤務実施報告書」
				Report: Report{Required: true, Form: "phone_then_form", DueDays: 1},
				// 紙書類の持ち出しは所属長の了解; 自宅等での印刷及び PC・端末への
				// ファイル保存も禁止 (貸出用端末・タブレット端末は保存可)
				TakeOut:  TakeOut{Paper: "consent", Data: "consent", SaveAllowedDevices: []string{"loan_pc", "tablet"}},
				Presence: "none", // 在席確認は特に行っていない
			}},
		{Name: "saga", Label: "佐賀県", Source: "第6章 2 佐賀県",
			Policy: Policy{
				Modes:       []Mode{Home, Satellite, Mobile},
				Eligibility: Eligibility{ExcludeSeconded: true}, // 全職員 (派遣者等除く)
				// 職員申請システムで事前に申請し所属長決裁: before the day.
				Deadline:  Deadline{On: "both", Days: 1, DayKind: "calendar"},
				Caps:      Caps{MinOfficeDaysPerWeek: 1}, // 回数・理由の制約なし; 原則週1回は出勤
				TimeUnits: allUnits,
				// 自宅及び自宅同等 (介護を要する親族の家や帰省先等, 所属長の承認)
				Places:      Places{HomeEquivalent: true, HomeEquivalentKinds: []string{"care_place", "hometown", "parents_home"}},
				Hours:       Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Overtime: "prior_approval", NoLateNight: true},
				MidDayBreak: "hourly_leave",
				Report:      Report{Required: true, Form: "planned_actual", DueDays: 0}, // 実績時間 + 業務内容・成果物
				TakeOut:     TakeOut{Paper: "consent", Data: "consent"},
				Presence:    "signed_in", // チャットのプレゼンス, アプリ常時起動
			}},
		{Name: "kobe", Label: "神戸市", Source: "第6章 3 神戸市",
			Policy: Policy{
				Modes:       []Mode{Home},
				Eligibility: Eligibility{Employments: []org.Employment{org.Regular}}, // 一般職の常勤職員
				// 所属長の許可 (口頭可) → 利用日前日までにシステム上で決裁
				Deadline:  Deadline{On: "approval", Days: 1, DayKind: "calendar", PriorConsent: true},
				Caps:      Caps{WeeklyMaxDays: 4}, // 週4日 (コロナ時撤廃)
				TimeUnits: allUnits,               // 半日・時間単位
				// フレックス併用, コアタイム 10:00–15:00; 時間外禁止
				Hours:       Hours{Start: "08:45", End: "17:30", BreakMinutes: 60, Flex: true, CoreStart: "10:00", CoreEnd: "15:00", Overtime: "prohibited", NoLateNight: true},
				MidDayBreak: "hourly_leave",
				Report:      Report{Required: true, Form: "system", DueDays: 1}, // 翌日以降システムに実績報告
				// 機密情報・個人情報を含む紙書類の持ち出しは禁止
				TakeOut:  TakeOut{Paper: "consent", BannedPaperClasses: []string{"personal_info", "confidential"}, Data: "consent"},
				Presence: "none",
			}},
		{Name: "fukaya", Label: "深谷市", Source: "第6章 4 深谷市",
			Policy: Policy{
				Modes:       []Mode{Home},
				Eligibility: Eligibility{}, // 制限なし
				// いつ・どのような内容で行うか事前申請
				Deadline:    Deadline{On: "submission", Days: 1, DayKind: "calendar"},
				TimeUnits:   []TimeUnit{FullDay, AM, PM},
				Hours:       standardHours,
				MidDayBreak: "hourly_leave",
				Report:      Report{Required: true, Form: "chat", DueDays: 0},
				TakeOut:     TakeOut{Paper: "consent", Data: "consent"},
				Presence:    "signed_in", // LoGoチャットにログインしたまま
				QuietHours:  true,        // 常時業務に縛られる懸念
			}},
		{Name: "shibuya", Label: "渋谷区", Source: "第6章 5 渋谷区",
			Policy: Policy{
				Modes: []Mode{Home, Satellite, Mobile},
				// From R1.11 管理職以外 too (現業等除く); SO and mobile: everyone
				// given a PC. (The trial started with 管理職 only: Ranks
				// executive, manager.)
				Eligibility: Eligibility{ExcludedJobTypes: []string{"manual"}, RequireTerminal: true},
				// 所属長と職務内容・場所・日時を事前打合せ
				Deadline:  Deadline{On: "submission", Days: 1, DayKind: "calendar", PriorConsent: true},
				TimeUnits: []TimeUnit{FullDay, AM, PM, Hourly},
				// 時差勤務 7パターン (start times; the guide gives the count, not
				// the times: these are the common 30-minute steps)
				Hours:       Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Staggered: []string{"07:00", "07:30", "08:00", "09:00", "09:30", "10:00"}, Overtime: "prior_approval", NoLateNight: true},
				MidDayBreak: "hourly_leave", // 中抜け: 時間単位年休
				TravelOrder: true,           // 「自宅への旅行命令」
				Report:      Report{Required: true, Form: "chat", DueDays: 0},
				TakeOut:     TakeOut{Paper: "consent", Data: "consent"},
				Presence:    "none",
			}},
		{Name: "matsumoto", Label: "松本市", Source: "第6章 6 松本市",
			Policy: Policy{
				Modes: []Mode{Home},
				// 正規職員 (保育士等除く)
				Eligibility: Eligibility{Employments: []org.Employment{org.Regular}, ExcludedJobTypes: []string{"childcare"}},
				// 2営業日前まで「職員在宅勤務実施申請書(承認書)」
				Deadline:    Deadline{On: "submission", Days: 2, DayKind: "business"},
				TimeUnits:   []TimeUnit{FullDay, AM, PM, Hourly},
				Hours:       standardHours, // 通常の勤務時間制度; 時間外は原則命じない
				MidDayBreak: "hourly_leave",
				Report:      Report{Required: true, Form: "verbal_by_supervisor", DueDays: 1}, // 口頭や成果物
				// 個人情報の紙の持出は厳禁
				TakeOut:  TakeOut{Paper: "consent", BannedPaperClasses: []string{"personal_info"}, Data: "consent", BannedDataClasses: []string{"personal_info"}},
				Presence: "none",
			}},
		{Name: "kakegawa", Label: "掛川市", Source: "第6章 7 掛川市",
			Policy: Policy{
				Modes: []Mode{Satellite}, // SO (3 sites)
				// 「テレワーク申出書兼報告書」前日までに提出し承認
				Deadline:    Deadline{On: "both", Days: 1, DayKind: "calendar"},
				TimeUnits:   []TimeUnit{FullDay, AM, PM, Hourly}, // すき間時間
				Hours:       Hours{Start: "08:30", End: "17:15", BreakMinutes: 60, Overtime: "prior_approval", NoLateNight: true},
				MidDayBreak: "allowed",
				Report:      Report{Required: true, Form: "combined_form", DueDays: 1},
				TakeOut:     TakeOut{Paper: "consent", Data: "consent"},
				Presence:    "none",
			}},
	}
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
