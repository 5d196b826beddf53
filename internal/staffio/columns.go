// Package staffio owns the bulk import and export of staff records (職員の
// 一括登録・更新): which column headers a 人事 file may use, how a row
// becomes an org.Staff, the plan of what an import creates, changes and
// retires, and applying that plan in one transaction through a small store
// interface it declares. It knows nothing of HTTP or SQL; reading and
// writing the files themselves is internal/tabular's job.
package staffio

import (
	"strconv"
	"strings"

	"telework/internal/org"
	"telework/internal/tableimport"
)

// Column is one column a file may carry. Key names the field in messages
// (fieldname.<Key>); Header is the form the export writes and the importer
// prefers; Aliases are the other names 人事 systems use.
type Column = tableimport.Column

// Columns in export order.
var Columns = []Column{
	{Key: "staff_no", Header: "職員番号", Aliases: []string{"職員コード", "職員No", "職員No.", "職員ナンバー", "社員番号", "社員コード", "職員ID", "個人コード"}},
	{Key: "name", Header: "氏名", Aliases: []string{"職員氏名", "名前", "氏名(漢字)", "漢字氏名"}},
	{Key: "kana", Header: "ふりがな", Aliases: []string{"フリガナ", "かな", "カナ", "氏名カナ", "氏名かな", "氏名(カナ)", "氏名(かな)",
		"氏名(フリガナ)", "氏名(ふりがな)", "氏名フリガナ", "氏名ふりがな", "よみがな", "ヨミガナ", "カナ氏名"}},
	{Key: "email", Header: "メールアドレス", Aliases: []string{"メール", "E-mail", "Email", "Mail", "Eメール", "電子メール", "E-mailアドレス"}},
	{Key: "unit_code", Header: "所属コード", Aliases: []string{"所属CD", "所属(コード)", "組織コード", "所属組織コード", "所属番号"}},
	{Key: "unit", Header: "所属", Aliases: []string{"所属名", "所属組織", "所属部署", "部署", "部署名", "組織"}},
	{Key: "title", Header: "役職", Aliases: []string{"職名", "役職名"}},
	{Key: "rank", Header: "職層", Aliases: []string{"職階", "職位"}},
	{Key: "is_supervisor", Header: "所属長", Aliases: []string{"所属長・係長", "所属長係長", "所属長(在席確認者)", "在席確認者"}},
	{Key: "employment", Header: "任用区分", Aliases: []string{"雇用区分", "任用形態", "雇用形態"}},
	{Key: "job_type", Header: "職種", Aliases: []string{"職種区分"}},
	{Key: "status", Header: "在職区分", Aliases: []string{statusFlagHeader, "在職状況", "在籍区分", "在職・退職"}},
	{Key: "effective_date", Header: "発令日", Aliases: []string{"異動日", "適用日", "発令年月日", "異動年月日", "適用年月日", "発令日・適用日"}},
	// The facts eligibility rules use (policy.Facts), set by HR.
	{Key: "fact_terminal", Header: "テレワーク端末", Aliases: []string{"テレワーク端末あり", "テレワーク用端末", "貸与端末", "端末貸与", "テレワーク端末貸与"}},
	{Key: "fact_reasons", Header: "育児・介護の事由", Aliases: []string{"育児介護の事由", "育児・介護事由", "育児介護事由", "事由(育児・介護)", "育児・介護の申出"}},
	{Key: "fact_seconded", Header: "派遣中", Aliases: []string{"派遣", "派遣中の職員", "派遣の有無", "出向・派遣"}},
	{Key: "fact_trial", Header: "試行の対象者", Aliases: []string{"試行対象者", "試行対象", "試行の対象", "トライアル対象者"}},
	{Key: "sensitive_opt_in", Header: "分析同意", Aliases: []string{"分析用属性の同意", "分析用の属性の同意"}, Sensitive: true},
	{Key: "gender", Header: "性別", Sensitive: true},
	{Key: "age_band", Header: "年代", Sensitive: true},
	{Key: "care", Header: "育児介護", Aliases: []string{"育児・介護"}, Sensitive: true},
	{Key: "commute_minutes", Header: "通勤時間(分)", Aliases: []string{"通勤時間", "通勤時間(分間)"}, Sensitive: true},
}

// statusFlagHeader is a 退職 column of flags (○ = left) rather than the
// words 在職 / 退職.
const statusFlagHeader = "退職"

// forbiddenHeaders are never imported: マイナンバー (個人番号) has no place in
// this system, and a file carrying it is refused as a whole, so that it is
// not kept even for the hour between preview and confirmation.
var forbiddenHeaders = []string{"個人番号", "マイナンバー", "mynumber", "my number"}

var (
	foldHeader  = tableimport.FoldHeader
	headerIndex = tableimport.NewIndex(Columns)
)

// columnFor finds the column a header names, or nil.
func columnFor(header string) *Column { return headerIndex.For(header) }

func isForbidden(header string) bool {
	h := foldHeader(header)
	for _, f := range forbiddenHeaders {
		if strings.Contains(h, foldHeader(f)) {
			return true
		}
	}
	return false
}

// foldValue is how choice values compare: NFKC, no spaces, lower case.
func foldValue(s string) string { return foldHeader(s) }

// foldCode is a code (職員番号, 所属コード) as stored: NFKC (０１２３ → 0123),
// no spaces of any width.
var foldCode = tableimport.FoldCode

// choice maps the spellings of one set of values to their codes.
type choice[T ~string] struct {
	key    string
	byName map[string]T
	names  map[T]string // the export form
	order  []T
}

func newChoice[T ~string](key string, values []T, names map[T][]string) *choice[T] {
	c := &choice[T]{key: key, byName: map[string]T{}, names: map[T]string{}, order: values}
	for _, v := range values {
		c.byName[foldValue(string(v))] = v
		for i, n := range names[v] {
			if i == 0 {
				c.names[v] = n
			}
			c.byName[foldValue(n)] = v
		}
	}
	return c
}

func (c *choice[T]) parse(s string) (T, bool) {
	v, ok := c.byName[foldValue(s)]
	return v, ok
}

// name is the export form of v ("" stays "").
func (c *choice[T]) name(v T) string {
	if n, ok := c.names[v]; ok {
		return n
	}
	return string(v)
}

// allowed lists the export forms, for messages.
func (c *choice[T]) allowed() string {
	var ss []string
	for _, v := range c.order {
		ss = append(ss, c.name(v))
	}
	return strings.Join(ss, "、")
}

var (
	rankChoice = newChoice("rank", org.Ranks, map[org.Rank][]string{
		org.RankExecutive:        {"部長級", "部長", "局長", "局長級", "部局長"},
		org.RankManager:          {"課長級", "課長", "室長", "所長"},
		org.RankAssistantManager: {"課長補佐級", "課長補佐", "補佐", "補佐級"},
		org.RankChief:            {"係長級", "係長", "主査"},
		org.RankSenior:           {"主任級", "主任"},
		org.RankStaff:            {"主事・技師級", "主事技師級", "主事級", "技師級", "主事", "技師", "一般"},
	})
	employmentChoice = newChoice("employment", org.Employments, map[org.Employment][]string{
		org.Regular:     {"常勤", "正規", "正職員", "常勤職員", "正規職員"},
		org.Reappointed: {"再任用", "再任用職員", "再任用短時間", "再任用(短時間)", "再任用(フルタイム)"},
		org.FiscalYear:  {"会計年度任用職員", "会計年度", "会計年度任用", "会計年度職員"},
		org.Temporary:   {"臨時", "臨時的任用", "臨時的任用職員", "臨時職員"},
	})
	jobChoice = newChoice("job_type", org.JobTypes, map[string][]string{
		"general":      {"一般行政", "一般行政職", "行政", "行政職", "事務", "事務職"},
		"technical":    {"技術", "技術職"},
		"childcare":    {"保育士", "保育"},
		"manual":       {"現業", "技能労務", "技能労務職", "現業職", "現業(技能労務)"},
		"health":       {"保健・医療", "保健医療", "保健師", "看護師", "保健", "医療", "医療職"},
		"welfare":      {"福祉", "福祉職", "社会福祉"},
		"education":    {"教育", "教育職", "教員"},
		"firefighting": {"消防", "消防職", "消防吏員"},
	})
	genderChoice = newChoice("gender", org.Genders, map[string][]string{
		"female": {"女性", "女", "f"}, "male": {"男性", "男", "m"}, "other": {"その他"}, "no_answer": {"回答しない", "無回答", "未回答"},
	})
	ageChoice = newChoice("age_band", org.AgeBands, map[string][]string{
		"10s": {"10代"}, "20s": {"20代"}, "30s": {"30代"}, "40s": {"40代"}, "50s": {"50代"}, "60s": {"60代以上", "60代", "70代"},
	})
	careChoice = newChoice("care", org.Cares, map[string][]string{
		"none": {"なし", "無", "無し"}, "childcare": {"育児"}, "nursing": {"介護"}, "both": {"育児と介護", "育児・介護", "育児介護", "両方"},
	})
)

// Flags: ○ (and its look-alikes), 1, はい, true … for yes; empty, ×, 0,
// いいえ, false … for no.
var (
	yesWords = []string{"○", "〇", "◯", "●", "◎", "1", "はい", "true", "yes", "y", "有", "あり", "該当", "✓", "レ"}
	noWords  = []string{"", "×", "✕", "✗", "0", "いいえ", "false", "no", "n", "無", "なし", "非該当", "-", "ー", "―"}
)

func parseFlag(s string) (bool, bool) { return tableimport.ParseWords(s, yesWords, noWords) }

func flagName(b bool) string {
	if b {
		return "○"
	}
	return ""
}

// Status words of the 在職区分 column.
var (
	activeWords  = []string{"在職", "在籍", "現職", "在職中"}
	retiredWords = []string{"退職", "退職者", "離職", "退職済"}
)

// parseStatus reads a status cell. flagColumn means a 退職 column, where
// ○ marks people who left and a blank cell those in service; in a 在職区分
// column a blank cell leaves the stored state as it is (set=false).
func parseStatus(s string, flagColumn bool) (retired, set, ok bool) {
	f := foldValue(s)
	for _, w := range activeWords {
		if f == foldValue(w) {
			return false, true, true
		}
	}
	for _, w := range retiredWords {
		if f == foldValue(w) {
			return true, true, true
		}
	}
	if flagColumn {
		b, ok := parseFlag(s)
		return b, ok, ok
	}
	if f == "" {
		return false, false, true
	}
	return false, false, false
}

func statusName(retired bool) string {
	if retired {
		return "退職"
	}
	return "在職"
}

// parseMinutes reads 通勤時間(分): 45, ４５, 45分.
func parseMinutes(s string) (int, bool) {
	t := strings.TrimSuffix(foldCode(s), "分")
	if t == "" {
		return 0, true
	}
	n, err := strconv.Atoi(t)
	return n, err == nil
}
