package tasks

import (
	"strings"

	"telework/internal/org"
)

// The built-in content: a municipality's common information systems and
// the guide's task types with their tips (図表14–17), suggested as people
// type. This is pure data; Japanese is the content itself, with English
// next to it for the English pages.

// CommonSystem is a system most municipalities run, with its usual
// segment and data classes under 三層分離 (IT adjusts them when registering).
type CommonSystem struct {
	Name, Kana, English string
	Segment             Segment
	DataClasses         []DataClass
}

// CommonSystems are the built-in suggestions of the systems catalogue.
var CommonSystems = []CommonSystem{
	{"住民記録システム", "じゅうみんきろくしすてむ", "Resident registry", MyNumber, []DataClass{ResidentSensitive}},
	{"税務システム", "ぜいむしすてむ", "Local tax", MyNumber, []DataClass{ResidentSensitive}},
	{"福祉システム", "ふくししすてむ", "Welfare", MyNumber, []DataClass{ResidentSensitive}},
	{"生活保護システム", "せいかつほごしすてむ", "Public assistance", MyNumber, []DataClass{ResidentSensitive}},
	{"国民健康保険システム", "こくみんけんこうほけんしすてむ", "National health insurance", MyNumber, []DataClass{ResidentSensitive}},
	{"介護保険システム", "かいごほけんしすてむ", "Long-term care insurance", MyNumber, []DataClass{ResidentSensitive}},
	{"住民情報照会システム", "じゅうみんじょうほうしょうかいしすてむ", "Resident information inquiry", LGWAN, []DataClass{ResidentSensitive}},
	{"人事給与システム", "じんじきゅうよしすてむ", "Personnel and payroll", LGWAN, []DataClass{StaffPersonal}},
	{"庶務事務システム", "しょむじむしすてむ", "General affairs (leave, expenses)", LGWAN, []DataClass{StaffPersonal}},
	{"財務会計システム", "ざいむかいけいしすてむ", "Financial accounting", LGWAN, []DataClass{NonPublic}},
	{"文書管理・電子決裁システム", "ぶんしょかんりでんしけっさいしすてむ", "Document management and e-approval", LGWAN, []DataClass{NonPublic}},
	{"電子調達システム", "でんしちょうたつしすてむ", "E-procurement", LGWAN, []DataClass{NonPublic}},
	{"工事積算システム", "こうじせきさんしすてむ", "Construction cost estimation", LGWAN, []DataClass{NonPublic}},
	{"グループウェア", "ぐるーぷうぇあ", "Groupware", LGWAN, []DataClass{General}},
	{"LGWAN-ASPチャット", "えるじーわんえーえすぴーちゃっと", "LGWAN-ASP chat", LGWAN, []DataClass{General}},
	{"施設予約システム", "しせつよやくしすてむ", "Facility booking", Internet, []DataClass{General}},
	{"インターネット", "いんたーねっと", "Internet", Internet, []DataClass{General}},
	{"Web会議", "うぇぶかいぎ", "Web meetings", Internet, []DataClass{General}},
}

// TaskType is a task type of the guide with the level it is usually at,
// example tasks and the tips that make it teleworkable.
type TaskType struct {
	Name, Kana, English string
	Level               Level
	Figure              string // 図表14 …
	Examples            []string
	Tips                []string
	// Preset is what the type usually needs, filled in when chosen.
	Paper            Paper
	Phone            bool
	FaceToFace       bool
	SpecialEquipment bool
}

// TaskTypes are the guide's task types (図表14–17).
var TaskTypes = []TaskType{
	{Name: "資料作成業務", Kana: "しりょうさくせいぎょうむ", English: "Preparing documents", Level: Level1, Figure: "図表14",
		Examples: []string{"会議議事録作成", "申請書・仕様書作成", "研修資料・教材作成", "チラシ作成", "マニュアル作成", "企画書・報告書作成", "予算・決算関係資料作成"},
		Tips: []string{"必要な資料やデータをあらかじめ共有フォルダに保管", "電子化した資料はナンバリング等で使いやすく", "関係先からも書類をPDF等の電子データで受領",
			"一人で集中してできる作業を在宅・サテライトオフィス勤務でまとめて実施", "事前に資料の内容の方向性を調整し、参照資料をあらかじめデータ化して、作業に専念できるよう準備",
			"印刷して確認する業務は執務室で行い、それ以外をテレワークにまとめる",
			"テレワークで作成した案を出勤時に課内で協議し、再度テレワークで修正"}},
	{Name: "データの集計・整理業務", Kana: "でーたのしゅうけいせいりぎょうむ", English: "Compiling and organising data", Level: Level1, Figure: "図表14",
		Examples: []string{"統計資料作成業務", "試験データの整理", "成績書の作成", "アンケート集計", "照会結果の取りまとめ", "受付データのデータ化"},
		Tips:     []string{"必要な資料やデータをあらかじめ共有フォルダに保管", "データ集計等の一人で集中してできる作業をまとめて実施"}},
	{Name: "電子化(PDF化等)が可能な資料を利用した業務", Kana: "でんしかがかのうなしりょうをりようしたぎょうむ", English: "Work on material that can be digitised", Level: Level1, Figure: "図表14",
		Examples: []string{"会計事務", "法令審査", "工事図面の確認", "申請書の事前審査"},
		Tips:     []string{"資料を電子化(PDF化等)して共有フォルダに保管", "関係先からも書類をPDF等の電子データで受領"}, Paper: PaperDigitisable},
	{Name: "内外でのコミュニケーションに関する業務", Kana: "ないがいでのこみゅにけーしょんにかんするぎょうむ", English: "Communication inside and outside", Level: Level2, Figure: "図表15",
		Examples: []string{"電話、Web会議等による内部会議", "電話、Web会議等による外部(企業、団体等)との打ち合わせ", "他団体からの連絡・問い合わせ・相談対応", "企画提案公募業務", "関係団体の事例発表会等"},
		Tips: []string{"Web会議で内外との会議・研修を開催し、テレワーク勤務者と通常勤務者が同時に参加", "ネットワークが途絶えた際の対応を事前共有",
			"関係先にテレワーク勤務である旨を共有", "公用電話アプリを活用", "グループウェアでペーパーレスに文書を共有・回覧"}, Phone: true},
	{Name: "現場での確認・調査・情報発信等を行う業務", Kana: "げんばでのかくにんちょうさじょうほうはっしんとうをおこなうぎょうむ", English: "On-site checks, surveys and publishing", Level: Level2, Figure: "図表15",
		Examples: []string{"工事現場の現地確認・情報共有", "イベントのライブ配信等"},
		Tips:     []string{"撮影した動画・写真をグループウェアやチャットで共有", "屋外調査でモバイル端末に直接入力", "庁外で報告書(復命書等)の作成やメールの確認", "イベントの状況を外出先から団体のWebサイトに反映"}},
	{Name: "災害対応や、報道・議会対応等、情報の迅速な伝達が求められる業務", Kana: "さいがいたいおうやほうどうぎかいたいおうとうじょうほうのじんそくなでんたつがもとめられるぎょうむ", English: "Disasters, press and assembly: work needing information passed on quickly", Level: Level2, Figure: "図表15",
		Examples: []string{"議会対応", "報道関係", "災害対応等"},
		Tips:     []string{"モバイル端末で庁外や自宅でも議会の質問等を確認", "災害現場や避難所で業務日誌や引継資料を作成", "チャット等でリアルタイムに情報を共有"}},
	{Name: "専用ソフトや専用システムを使用する業務", Kana: "せんようそふとやせんようしすてむをしようするぎょうむ", English: "Work with dedicated software or systems", Level: Level2, Figure: "図表15",
		Examples: []string{"各種専用ソフト・専用システム利用業務"},
		Tips:     []string{"CADソフトをクラウドアカウント化", "施設予約等の業務システムをイントラネット上に移行"}},
	{Name: "秘密文書に相当する機密性を要する情報資産を扱う業務", Kana: "ひみつぶんしょにそうとうするきみつせいをようするじょうほうしさんをあつかうぎょうむ", English: "Work on confidential information assets", Level: Level2, Figure: "図表15",
		Examples: []string{"職員の個人情報を扱う業務(人事給与システム、庶務事務システム等)", "入札情報など非公開情報を扱う業務(財務会計、起案・決裁、電子調達、工事積算システム等)"},
		Tips:     []string{"人事評価の評価者入力など、セキュリティを担保してテレワーク可能とすることで作業時間と効率を確保", "電子決裁システムの活用(資料の電子化、押印の見直し)"}},
	{Name: "紙書類での申請・届出等への対応事務", Kana: "かみしょるいでのしんせいとどけでとうへのたいおうじむ", English: "Handling paper applications and notifications", Level: Level3, Figure: "図表16",
		Examples: []string{"各種申請・届出受理業務、窓口業務", "各種許認可等の審査・交付"},
		Tips:     []string{"地方公共団体が優先的にオンライン化を推進すべき手続から順にオンライン化", "自治体DX推進計画の31手続(子育て15、介護11、罹災証明書、自動車保有4)のオンライン化"},
		Paper:    PaperResidents, FaceToFace: true},
	{Name: "個人番号利用事務系システムを利用する業務", Kana: "こじんばんごうりようじむけいしすてむをりようするぎょうむ", English: "Work on the My Number segment", Level: Level4, Figure: "図表17",
		Examples: []string{"税務電算システム利用業務", "生活保護システム利用業務"},
		Tips:     []string{"サテライトオフィスであれば使用できるシステムがある場合は、サテライトオフィスの活用も検討"}},
	{Name: "職場に設置された特殊な機器等の利用が必要な業務", Kana: "しょくばにせっちされたとくしゅなききとうのりようがひつようなぎょうむ", English: "Work needing special equipment at the workplace", Level: Level4, Figure: "図表17",
		Examples: []string{"検体の精密検査", "分析・実験機器を用いた業務"}, SpecialEquipment: true},
}

// Suggestion is one built-in entry matching what a person typed.
type Suggestion struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"` // "system", "type" or "example"
	Type    string   `json:"type,omitempty"`
	Level   Level    `json:"level,omitempty"`
	Figure  string   `json:"figure,omitempty"`
	Segment Segment  `json:"segment,omitempty"`
	Tips    []string `json:"tips,omitempty"`
}

// matches: the typed text is a prefix of the name or its reading, or (from
// two characters on) found anywhere in the name; かな/カナ, widths and
// spaces folded.
func matches(q, name, kana string) (bool, int) {
	n := org.SearchKey(name)
	switch {
	case strings.HasPrefix(n, q), kana != "" && strings.HasPrefix(org.SearchKey(kana), q):
		return true, 0
	case len([]rune(q)) >= 2 && strings.Contains(n, q):
		return true, 1
	}
	return false, 0
}

// SuggestSystems lists the common systems matching q (all when q is empty).
func SuggestSystems(q string, limit int) []Suggestion {
	q = org.SearchKey(q)
	var first, rest []Suggestion
	for _, s := range CommonSystems {
		ok, rank := matches(q, s.Name, s.Kana)
		if !ok {
			continue
		}
		sg := Suggestion{Name: s.Name, Kind: "system", Segment: s.Segment}
		if rank == 0 {
			first = append(first, sg)
		} else {
			rest = append(rest, sg)
		}
	}
	return cut(append(first, rest...), limit)
}

// SuggestTasks lists the task types and example tasks matching q, prefix
// matches first, with the type's level and tips.
func SuggestTasks(q string, limit int) []Suggestion {
	q = org.SearchKey(q)
	if q == "" {
		return nil
	}
	var first, rest []Suggestion
	add := func(ok bool, rank int, sg Suggestion) {
		if !ok {
			return
		}
		if rank == 0 {
			first = append(first, sg)
		} else {
			rest = append(rest, sg)
		}
	}
	for _, tt := range TaskTypes {
		ok, rank := matches(q, tt.Name, tt.Kana)
		add(ok, rank, Suggestion{Name: tt.Name, Kind: "type", Type: tt.Name, Level: tt.Level, Figure: tt.Figure, Tips: tt.Tips})
		for _, ex := range tt.Examples {
			ok, rank := matches(q, ex, "")
			add(ok, rank, Suggestion{Name: ex, Kind: "example", Type: tt.Name, Level: tt.Level, Figure: tt.Figure, Tips: tt.Tips})
		}
	}
	return cut(append(first, rest...), limit)
}

// TaskTypeOf finds a built-in type by name.
func TaskTypeOf(name string) *TaskType {
	for i := range TaskTypes {
		if TaskTypes[i].Name == name {
			return &TaskTypes[i]
		}
	}
	return nil
}

func cut(s []Suggestion, limit int) []Suggestion {
	if limit > 0 && len(s) > limit {
		return s[:limit]
	}
	return s
}
