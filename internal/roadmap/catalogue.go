package roadmap

// The guide's catalogue (総務省「地方公共団体におけるテレワーク推進のための
// 手引き」令和3年4月): the 10 steps of 図表1, the five owners of 図表3 and the
// checklist items of 図表4, 5, 8, 9 and 12, word for word. Pure data, with
// English next to the Japanese.

// Owner is one of the five parts of the 推進体制 (図表3).
type Owner string

// The owners of 図表3.
const (
	OwnerHead     Owner = "head"      // ①首長
	OwnerCIO      Owner = "cio"       // ②CIO、CIO補佐官
	OwnerITPolicy Owner = "it_policy" // ③情報政策担当部門
	OwnerAdmin    Owner = "admin"     // ④行政改革・人事・財務・法令財政担当部門
	OwnerBusiness Owner = "business"  // ⑤業務担当部門
)

// OwnerInfo names an owner.
type OwnerInfo struct {
	Code   Owner
	JA, EN string
}

// Owners lists 図表3 in its order.
var Owners = []OwnerInfo{
	{OwnerHead, "首長", "Head of the authority"},
	{OwnerCIO, "CIO、CIO補佐官", "CIO and deputy CIO"},
	{OwnerITPolicy, "情報政策担当部門", "Information policy division"},
	{OwnerAdmin, "行政改革・人事・財務・法令財政担当部門", "Administrative reform, HR, finance and legal divisions"},
	{OwnerBusiness, "業務担当部門", "Business divisions"},
}

// StepInfo is one step of 図表1.
type StepInfo struct {
	N      int
	Phase  string // "trial" (試行実施), "full" (本格実施) or "" (step 1)
	JA, EN string
}

// Steps lists 図表1.
var Steps = []StepInfo{
	{1, "", "推進体制の構築", "Build the promotion structure"},
	{2, "trial", "実態把握・課題整理", "Survey the current state and sort out issues"},
	{3, "trial", "環境整備（ハード面・ソフト面）", "Prepare the environment (hardware and software)"},
	{4, "trial", "試行", "Run the trial"},
	{5, "trial", "検証", "Verify"},
	{6, "full", "全体の実態把握・課題整理", "Survey the whole organisation and sort out issues"},
	{7, "full", "導入目的・対象者の明確化", "Clarify the purpose and who is covered"},
	{8, "full", "当面の推進方針決定", "Decide the promotion policy for now"},
	{9, "full", "環境整備（ハード面・ソフト面）", "Prepare the environment (hardware and software)"},
	{10, "full", "本格実施・中長期の展望検討", "Full operation and the medium- to long-term outlook"},
}

// Item is one checklist item: a 検討事項例 of a figure, under its group.
type Item struct {
	Code    string
	Figure  int
	Step    int // the step whose text cites the figure
	GroupJA string
	GroupEN string
	JA, EN  string
}

// Figures lists the checklists in the order of the guide with the step
// that cites each, and their titles.
var Figures = []struct {
	N      int
	Step   int
	JA, EN string
}{
	{4, 3, "図表4 ICT環境整備において検討すべき項目例", "Fig. 4 Items to consider in preparing the ICT environment"},
	{5, 4, "図表5 （参考）説明会での説明項目例", "Fig. 5 Items to explain at briefing sessions"},
	{8, 6, "図表8 他団体の取組確認ポイント", "Fig. 8 Points to check in other authorities' practice"},
	{9, 6, "図表9 （参考）現状把握すべき項目と検討事項例", "Fig. 9 Items to survey and points to consider"},
	{12, 10, "図表12 本格実施・中長期の展望検討", "Fig. 12 Full implementation and the medium- to long-term outlook"},
}

// Items lists every checklist item.
var Items = []Item{
	// 図表4 (Step 3)
	{"f4.security.network", 4, 3, "セキュリティの確保", "Security", "ネットワークへの不正アクセス対策", "Protection of the network against unauthorised access"},
	{"f4.security.leak", 4, 3, "セキュリティの確保", "Security", "サーバやパソコン端末からの情報漏洩対策", "Protection against leaks from servers and PCs"},
	{"f4.security.virus", 4, 3, "セキュリティの確保", "Security", "コンピューターウイルスへの対応", "Handling computer viruses"},
	{"f4.comm.mail", 4, 3, "コミュニケーションの確保・充実化", "Communication", "電子メールの活用", "Use of e-mail"},
	{"f4.comm.chat", 4, 3, "コミュニケーションの確保・充実化", "Communication", "チャットツールの活用", "Use of chat tools"},
	{"f4.comm.web", 4, 3, "コミュニケーションの確保・充実化", "Communication", "Web会議の活用", "Use of web meetings"},
	{"f4.env.devices", 4, 3, "テレワーク環境の構築", "Telework environment", "PC、携帯電話の貸与", "Lending PCs and mobile phones"},
	{"f4.env.home", 4, 3, "テレワーク環境の構築", "Telework environment", "自宅執務環境の整備支援（Wi-Fiルーター、ディスプレイの貸与等）", "Support for the home workplace (lending Wi-Fi routers, displays etc.)"},
	{"f4.env.remote", 4, 3, "テレワーク環境の構築", "Telework environment", "リモートアクセス等のシステム構築", "Building remote access and other systems"},
	// 図表5 (Step 4)
	{"f5.outline.modes", 5, 4, "テレワークの概要", "Outline of telework", "テレワークの概要と実施形態", "Outline and modes of telework"},
	{"f5.position.purpose", 5, 4, "テレワークの位置づけ", "Position of telework", "導入目的・ねらい", "Purpose and aims"},
	{"f5.position.plan", 5, 4, "テレワークの位置づけ", "Position of telework", "導入計画", "Introduction plan"},
	{"f5.rules.apply", 5, 4, "テレワーク関連規程", "Telework rules", "実施申請手続き", "How to apply"},
	{"f5.rules.work", 5, 4, "テレワーク関連規程", "Telework rules", "勤務規程", "Working rules"},
	{"f5.change.time", 5, 4, "テレワーク導入による働き方の変化", "How work changes", "勤務時間管理の方法", "How working time is managed"},
	{"f5.change.report", 5, 4, "テレワーク導入による働き方の変化", "How work changes", "業務の計画・報告・連絡", "Planning, reporting and contact"},
	{"f5.change.process", 5, 4, "テレワーク導入による働き方の変化", "How work changes", "業務プロセス・フローの変更", "Changes to business processes and flows"},
	{"f5.support.ict", 5, 4, "テレワーク環境支援", "Support for the telework environment", "ICT環境の概要及びツールの活用方法", "The ICT environment and how to use the tools"},
	{"f5.support.health", 5, 4, "テレワーク環境支援", "Support for the telework environment", "健康安全支援", "Health and safety support"},
	{"f5.security.files", 5, 4, "情報セキュリティ", "Information security", "情報・ファイルの取り扱い", "Handling information and files"},
	{"f5.security.takeout", 5, 4, "情報セキュリティ", "Information security", "資料や紙・データの持ち出しの可否と方法", "Whether and how documents, paper and data may be taken out"},
	{"f5.mgmt.comm", 5, 4, "テレワーク環境でのマネジメント", "Management in telework", "コミュニケーションにおける工夫", "Ways to communicate"},
	{"f5.mgmt.tasks", 5, 4, "テレワーク環境でのマネジメント", "Management in telework", "部下の業務管理", "Managing subordinates' work"},
	{"f5.mgmt.develop", 5, 4, "テレワーク環境でのマネジメント", "Management in telework", "指導育成、評価", "Coaching, development and evaluation"},
	// 図表8 (Step 6)
	{"f8.modes.kinds", 8, 6, "実施形態", "Modes", "在宅勤務、サテライトオフィス、モバイルワーク", "Work from home, satellite offices, mobile work"},
	{"f8.modes.scope", 8, 6, "実施形態", "Modes", "導入範囲、テレワークでの実施業務", "Scope and the tasks done by telework"},
	{"f8.ict.devices", 8, 6, "ICT環境", "ICT environment", "実施端末(貸出端末、席上端末、私用端末等)、庁内LANへのアクセス可否", "Devices (lent, desk, private …) and access to the office LAN"},
	{"f8.ict.tools", 8, 6, "ICT環境", "ICT environment", "コミュニケーションツール、勤怠管理ツール等の導入", "Communication and attendance tools"},
	{"f8.mgmt.management", 8, 6, "労務管理、業務管理", "Labour and work management", "テレワーク勤務時のマネジメント", "Management during telework"},
	{"f8.mgmt.security", 8, 6, "労務管理、業務管理", "Labour and work management", "セキュリティルール 等", "Security rules etc."},
	// 図表9 (Step 6)
	{"f9.time.hours", 9, 6, "勤務時間、給与等", "Working time, pay etc.", "テレワーク勤務時の始業・終業時刻", "Start and end times during telework"},
	{"f9.time.pay", 9, 6, "勤務時間、給与等", "Working time, pay etc.", "テレワーク勤務に係る給与・手当、費用負担(機器費、通信費、光熱費)等", "Pay, allowances and who bears costs (equipment, communication, utilities)"},
	{"f9.mgmt.apply", 9, 6, "勤怠管理 業務管理", "Attendance and work management", "テレワーク勤務の申請・承認、勤怠管理の方法", "Application, approval and attendance management"},
	{"f9.mgmt.together", 9, 6, "勤怠管理 業務管理", "Attendance and work management", "テレワーク実施者と出勤者が円滑に業務を進行するための方法、環境整備", "How teleworkers and staff in the office work smoothly together"},
	{"f9.ict.method", 9, 6, "ICT環境", "ICT environment", "規模に合わせて運用しやすい導入方法", "An introduction method easy to run at this scale"},
	{"f9.ict.hard", 9, 6, "ICT環境", "ICT environment", "ハード面の整備(PC、携帯電話等)", "Hardware (PCs, mobile phones …)"},
	{"f9.ict.soft", 9, 6, "ICT環境", "ICT environment", "ソフト面の整備(勤怠管理・業務管理ツール、Web会議システム等のコミュニケーションツール等)", "Software (attendance and work tools, web meetings and other communication tools …)"},
	{"f9.security.rules", 9, 6, "セキュリティルール", "Security rules", "情報・ファイルの取り扱い、資料や紙・データの持ち出しの可否と方法等", "Handling of information and files; whether and how documents and data may be taken out"},
	{"f9.voice.needs", 9, 6, "職員の意見", "Staff views", "テレワーク勤務へのニーズや課題・不安等", "Needs, issues and worries about telework"},
	// 図表12 (Step 10)
	{"f12.scope", 12, 10, "制度・ルールに関する見直し検討項目(例)", "Items to review in the rules (examples)", "テレワーク対象者、対象部門、実施形態は適切か", "Are the people, divisions and modes covered appropriate?"},
	{"f12.ict", 12, 10, "制度・ルールに関する見直し検討項目(例)", "Items to review in the rules (examples)", "利用可能端末、ID数等のICT環境は十分か", "Is the ICT environment (devices, number of IDs …) sufficient?"},
	{"f12.security", 12, 10, "制度・ルールに関する見直し検討項目(例)", "Items to review in the rules (examples)", "アクセス可能な情報の範囲や情報セキュリティは適切か（インターネット接続系のみ→LGWAN系への拡大等）", "Are the information reachable and its security appropriate (from the internet segment only to LGWAN …)?"},
	{"f12.promote", 12, 10, "制度・ルールに関する見直し検討項目(例)", "Items to review in the rules (examples)", "課題を踏まえた更なる利用促進策はあるか（申請方法の簡略化／利用時間の柔軟化／幹部や管理職の意識醸成）", "Are there further measures to promote use (simpler applications, flexible hours, awareness of executives and managers)?"},
	{"f12.improve", 12, 10, "制度・ルールに関する見直し検討項目(例)", "Items to review in the rules (examples)", "業務面、労務管理面での改善策はあるか（進捗管理の工夫／コミュニケーションツールの導入 等）", "Are there improvements in work and labour management (progress tracking, communication tools …)?"},
}

// ItemByCode finds a checklist item.
func ItemByCode(code string) (Item, bool) {
	for _, it := range Items {
		if it.Code == code {
			return it, true
		}
	}
	return Item{}, false
}

// Figure5Items are the 図表5 items, which also label a briefing's topics.
func Figure5Items() []Item {
	var out []Item
	for _, it := range Items {
		if it.Figure == 5 {
			out = append(out, it)
		}
	}
	return out
}
