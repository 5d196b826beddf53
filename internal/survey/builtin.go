package survey

import "fmt"

// The built-in questionnaires. This is catalogue data: the Japanese is the
// guide's own wording (図表7 テレワーク実施者へのアンケートの項目例, and Step
// 5: 事前（期待すること、心配なこと）と事後（実際に効果があったか）を比較),
// with the English next to it.

// Attribute keys (図表7 属性: 性別、年代、職種、役職、育児介護の状況、通勤時間).
const (
	AttrGender  = "gender"
	AttrAge     = "age"
	AttrJob     = "job"
	AttrRank    = "rank"
	AttrCare    = "care"
	AttrCommute = "commute"
)

// AttrKeys lists the attributes in the guide's order.
var AttrKeys = []string{AttrGender, AttrAge, AttrJob, AttrRank, AttrCare, AttrCommute}

func opts(pairs ...string) []Option {
	out := make([]Option, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Option{Value: fmt.Sprint(i/2 + 1), Label: pairs[i], LabelEn: pairs[i+1]})
	}
	return out
}

func scaleOptions() []Option {
	return []Option{
		{Value: "5", Label: "そう思う", LabelEn: "Agree"},
		{Value: "4", Label: "ややそう思う", LabelEn: "Somewhat agree"},
		{Value: "3", Label: "どちらともいえない", LabelEn: "Neither"},
		{Value: "2", Label: "あまりそう思わない", LabelEn: "Somewhat disagree"},
		{Value: "1", Label: "そう思わない", LabelEn: "Disagree"},
	}
}

func yesNo() []Option {
	return []Option{{Value: "1", Label: "あった", LabelEn: "Yes"}, {Value: "2", Label: "なかった", LabelEn: "No"}}
}

// attributeQuestions are 図表7's 属性, self-declared in coarse buckets so
// that no answer is ever joined to a staff record.
func attributeQuestions() []Question {
	return []Question{
		{ID: "a_gender", Section: "attr", Type: Single, Attr: AttrGender, Text: "性別", TextEn: "Gender",
			Options: opts("男性", "Male", "女性", "Female", "その他・回答しない", "Other / prefer not to say")},
		{ID: "a_age", Section: "attr", Type: Single, Attr: AttrAge, Text: "年代", TextEn: "Age group",
			Options: opts("20代以下", "20s or younger", "30代", "30s", "40代", "40s", "50代以上", "50s or older")},
		{ID: "a_job", Section: "attr", Type: Single, Attr: AttrJob, Text: "職種", TextEn: "Job type",
			Options: opts("事務", "Administrative", "技術", "Technical", "専門職（保健・福祉・教育等）", "Specialist (health, welfare, education …)",
				"技能・労務", "Skilled / manual", "その他", "Other")},
		{ID: "a_rank", Section: "attr", Type: Single, Attr: AttrRank, Text: "役職", TextEn: "Position",
			Options: opts("管理職（課長級以上）", "Manager (課長 or above)", "監督職（課長補佐・係長級）", "Supervisor (課長補佐, 係長)",
				"一般職員", "Staff")},
		{ID: "a_care", Section: "attr", Type: Single, Attr: AttrCare, Text: "育児介護の状況", TextEn: "Childcare and nursing care",
			Options: opts("育児をしている", "Raising children", "介護をしている", "Caring for a relative", "育児と介護をしている", "Both",
				"どちらもしていない", "Neither")},
		{ID: "a_commute", Section: "attr", Type: Single, Attr: AttrCommute, Text: "通勤時間（片道）", TextEn: "Commuting time (one way)",
			Options: opts("30分未満", "Under 30 min", "30分以上1時間未満", "30 min to 1 hour", "1時間以上1時間30分未満", "1 to 1.5 hours",
				"1時間30分以上", "1.5 hours or more")},
	}
}

// resultItems are 図表7's 実施結果, in the guide's order and words.
var resultItems = [][2]string{
	{"普段と比較して時間の有効活用が実感できたか", "Compared with usual, did you make better use of your time?"},
	{"普段と比較してタイムマネジメントを意識できたか", "Compared with usual, were you more conscious of time management?"},
	{"普段と比較して仕事の効率向上が実感できたか", "Compared with usual, did you work more efficiently?"},
	{"普段と比較して働きやすさが実感できたか", "Compared with usual, was it easier to work?"},
	{"普段と比較して家族と過ごす時間が増えたか", "Compared with usual, did you spend more time with your family?"},
	{"普段と比較して肉体的、精神的負担が軽減できたか", "Compared with usual, was the physical and mental burden lighter?"},
	{"普段と比較して社交(地域活動、学校行事、懇親機会等)の機会を獲得できたか", "Compared with usual, did you gain chances for social life (community, school events …)?"},
	{"普段と比較して自己実現(自己啓発、趣味等)の機会を獲得できたか", "Compared with usual, did you gain chances for self-development or hobbies?"},
	{"通勤時間を生活時間に充当できたか", "Could you use the commuting time for your life?"},
	{"移動時間の削減ができたか", "Did travel time decrease?"},
	{"所定外労働時間が減少したか", "Did overtime decrease?"},
	{"各人の総労働時間が減少したか", "Did your total working hours decrease?"},
	{"時間あたりの顧客対応件数や作業件数が向上したか", "Did the number of cases or tasks handled per hour increase?"},
	{"台風、大雪、インフルエンザの流行など非常時にも業務を継続できるという実感が持てたか", "Do you feel you could keep working in an emergency (typhoon, heavy snow, influenza …)?"},
	{"普段発生しない経費があったか", "Were there expenses that do not usually arise?"},
}

// expectItems are the same 15 results asked before the trial as
// expectations (期待すること), so that pre and post can be compared item by
// item.
var expectItems = [][2]string{
	{"テレワークで、普段と比較して時間の有効活用ができると思うか", "Do you expect to make better use of your time?"},
	{"テレワークで、普段と比較してタイムマネジメントを意識できると思うか", "Do you expect to be more conscious of time management?"},
	{"テレワークで、普段と比較して仕事の効率が向上すると思うか", "Do you expect to work more efficiently?"},
	{"テレワークで、普段と比較して働きやすくなると思うか", "Do you expect it to be easier to work?"},
	{"テレワークで、普段と比較して家族と過ごす時間が増えると思うか", "Do you expect more time with your family?"},
	{"テレワークで、普段と比較して肉体的、精神的負担が軽減できると思うか", "Do you expect a lighter physical and mental burden?"},
	{"テレワークで、普段と比較して社交(地域活動、学校行事、懇親機会等)の機会を獲得できると思うか", "Do you expect more chances for social life?"},
	{"テレワークで、普段と比較して自己実現(自己啓発、趣味等)の機会を獲得できると思うか", "Do you expect more chances for self-development or hobbies?"},
	{"通勤時間を生活時間に充当できると思うか", "Do you expect to use the commuting time for your life?"},
	{"移動時間の削減ができると思うか", "Do you expect travel time to decrease?"},
	{"所定外労働時間が減少すると思うか", "Do you expect overtime to decrease?"},
	{"各人の総労働時間が減少すると思うか", "Do you expect your total working hours to decrease?"},
	{"時間あたりの顧客対応件数や作業件数が向上すると思うか", "Do you expect more cases or tasks handled per hour?"},
	{"台風、大雪、インフルエンザの流行など非常時にも業務を継続できると思うか", "Do you expect to keep working in an emergency?"},
	{"普段発生しない経費が発生すると思うか", "Do you expect expenses that do not usually arise?"},
}

// problemItems are 図表7's 課題.
var problemItems = [][2]string{
	{"普段通り実施できず、関係者へ迷惑をかけた業務があったか", "Was there work you could not do as usual, causing trouble to others?"},
	{"テレワークにより家族に負担がかかることがあったか", "Did telework burden your family?"},
	{"セキュリティ面で、事故や不安を感じる事象があったか", "Was there a security incident or worry?"},
	{"その他、不便に感じることがあったか（コミュニケーションがとりづらい、作業に必要な資料が電子化されていない、IT環境の整備が不十分等）",
		"Anything else inconvenient (hard to communicate, documents not digitised, IT environment insufficient …)?"},
	{"その他、不安に感じることがあったか（気が散る、終業のタイミングがつかめない、相手の様子がわからない、等）",
		"Anything else worrying (distractions, not knowing when to stop, not seeing how others are …)?"},
}

// worryItems are the worries asked before the trial (心配なこと), the
// problems of 図表7 as things one may fear.
var worryItems = [][2]string{
	{"普段通り実施できず、関係者へ迷惑をかけること", "Not being able to work as usual and causing trouble to others"},
	{"家族に負担がかかること", "A burden on your family"},
	{"セキュリティ面での事故", "A security incident"},
	{"コミュニケーションがとりづらいこと", "Hard to communicate"},
	{"作業に必要な資料が電子化されていないこと", "Documents needed are not digitised"},
	{"IT環境の整備が不十分なこと", "An insufficient IT environment"},
	{"気が散ること", "Distractions"},
	{"終業のタイミングがつかめないこと", "Not knowing when to stop work"},
	{"相手の様子がわからないこと", "Not seeing how others are"},
}

func scaleItems(prefix, section string, items [][2]string) []Question {
	out := make([]Question, len(items))
	for i, it := range items {
		out[i] = Question{ID: fmt.Sprintf("%s%02d", prefix, i+1), Section: section, Type: Scale5, Text: it[0], TextEn: it[1],
			Options: scaleOptions()}
	}
	return out
}

func pairOpts(items [][2]string) []Option {
	var flat []string
	for _, it := range items {
		flat = append(flat, it[0], it[1])
	}
	return opts(flat...)
}

// workDone is 図表7's 実施内容 (テレワークで実施した業務内容), with the
// guide's task groups of 図表13 as options.
func workDone() Question {
	return Question{ID: "w01", Section: "work", Type: Multi, Text: "テレワークで実施した業務内容", TextEn: "Work done in telework",
		Options: opts("資料作成業務", "Preparing documents", "データの集計・整理業務", "Compiling and organising data",
			"電子化された資料を利用した業務（会計事務、法令審査、図面の確認等）", "Work with digitised documents (accounting, legal review, drawings …)",
			"電話・Web会議による会議、打ち合わせ", "Meetings by phone or web conference",
			"問い合わせ・相談対応", "Answering enquiries", "現場での確認・調査・情報発信", "On-site checks and reporting",
			"その他", "Other")}
}

// continueItems are 図表7's 継続意向.
func continueItems() []Question {
	return []Question{
		{ID: "k01", Section: "continue", Type: Scale5, Text: "現在の業務内容でこれからもテレワークをしたいか",
			TextEn: "With your current work, do you want to keep teleworking?", Options: scaleOptions()},
		{ID: "k02", Section: "continue", Type: Multi, Text: "今後、どのような場所でテレワークを行いたいか",
			TextEn: "Where would you like to telework from now on?",
			Options: opts("自宅", "Home", "サテライトオフィス", "Satellite office", "モバイルワーク（出張先・移動中等）", "Mobile (on trips, on the move)",
				"テレワークは行いたくない", "I do not want to telework")},
		{ID: "k03", Section: "continue", Type: Scale5, Text: "将来的に介護等の必要が生じたとき、テレワークを活用したいか",
			TextEn: "Would you use telework if you had to care for a relative in the future?", Options: scaleOptions()},
	}
}

// PostQuestions is the post-trial questionnaire: every item of 図表7.
func PostQuestions() []Question {
	out := attributeQuestions()
	out = append(out, workDone())
	out = append(out, scaleItems("r", "result", resultItems)...)
	for i, it := range problemItems {
		out = append(out, Question{ID: fmt.Sprintf("p%02d", i+1), Section: "problem", Type: Single, Text: it[0], TextEn: it[1],
			Options: yesNo()})
	}
	out = append(out, Question{ID: "p_text", Section: "problem", Type: Text, Text: "課題の具体的な内容（任意）",
		TextEn: "Details of the problems (optional)"})
	out = append(out, continueItems()...)
	out = append(out, Question{ID: "f01", Section: "free", Type: Text, Text: "その他、ご意見（任意）", TextEn: "Other comments (optional)"})
	return out
}

// PreQuestions is the pre-trial questionnaire (期待すること、心配なこと): the
// attributes, the 15 results as expectations (same ids as the post-trial
// results, so each item is compared), the worries, and the intention to
// telework (same id as the post-trial one).
func PreQuestions() []Question {
	out := attributeQuestions()
	out = append(out, scaleItems("r", "expect", expectItems)...)
	out = append(out, Question{ID: "e_text", Section: "expect", Type: Text, Text: "テレワークに期待すること（自由記述・任意）",
		TextEn: "What you expect from telework (optional)"})
	out = append(out, Question{ID: "m01", Section: "worry", Type: Multi, Text: "テレワークについて心配なこと（いくつでも）",
		TextEn: "What worries you about telework (any)", Options: pairOpts(worryItems)})
	out = append(out, Question{ID: "m_text", Section: "worry", Type: Text, Text: "その他、心配なこと（自由記述・任意）",
		TextEn: "Other worries (optional)"})
	k := continueItems()[0]
	k.Text, k.TextEn = "現在の業務内容でテレワークをしたいか", "With your current work, do you want to telework?"
	out = append(out, k)
	return out
}
