// Package orgio owns the bulk import and export of the organisation tree
// (組織の一括登録・更新): which column headers a file may use, how a row
// becomes an org.Unit, the plan of what an import creates, changes and
// closes (checked against the tree as it would be: no cycle, no open unit
// under a closed one, no closing of a unit that still has staff), and
// applying that plan in one transaction through org.UnitWriter, so an
// import keeps the rules, history and audit entries of the unit pages. It
// knows nothing of HTTP or SQL; reading and writing the files is
// internal/tabular's job, and problems are reported as staffio.Problem,
// like the staff import's.
package orgio

import (
	"strings"

	"telework/internal/tableimport"
)

// Column is one column a file may carry (the staff import's type: Key
// names the field; Header is the form the export writes and the importer
// prefers; Aliases are the other names 人事 and 文書 systems use).
type Column = tableimport.Column

// Columns in export order.
var Columns = []Column{
	{Key: "code", Header: "所属コード", Aliases: []string{"組織コード", "所属CD", "組織CD", "コード", "所属番号"}},
	{Key: "name", Header: "所属名", Aliases: []string{"組織名", "名称", "部署名", "所属名称", "組織名称"}},
	{Key: "level", Header: "区分", Aliases: []string{"階層", "組織区分", "階層名", "種別", "組織の区分"}},
	{Key: "parent_code", Header: "上位所属コード", Aliases: []string{"上位組織コード", "親所属コード", "上位コード", "親コード", "親組織コード"}},
	{Key: "parent", Header: "上位所属", Aliases: []string{"上位組織", "上位所属名", "親所属", "親組織", "上位組織名"}},
	{Key: "sort_order", Header: "表示順", Aliases: []string{"並び順", "表示順序", "順序", "並び順序", "順番"}},
	{Key: "retired", Header: "廃止", Aliases: []string{"廃止区分", "廃止フラグ", "廃止済"}},
	{Key: "effective_date", Header: "適用日", Aliases: []string{"発令日", "改正日", "異動日", "適用年月日", "発令年月日", "改正年月日"}},
}

// staffHeaders mark a staff file uploaded here by mistake: its 所属コード
// column would otherwise read as units.
var staffHeaders = []string{"職員番号", "職員コード", "氏名", "ふりがな", "フリガナ"}

var (
	foldHeader  = tableimport.FoldHeader
	foldCode    = tableimport.FoldCode
	headerIndex = tableimport.NewIndex(Columns)
)

func columnFor(header string) *Column { return headerIndex.For(header) }

func headerOf(key string) string {
	if h, ok := tableimport.HeaderOf(Columns, key); ok {
		return h
	}
	return key
}

// codeKey is how codes are matched: folded, case ignored.
func codeKey(s string) string { return strings.ToLower(foldCode(s)) }

// The 廃止 column: ○ (and look-alikes), 1, はい, 廃止 … mark a closed unit;
// an empty cell, ×, 0, 存続 … an open one.
var (
	closedWords = []string{"○", "〇", "◯", "●", "1", "はい", "true", "yes", "y", "廃止", "廃止済", "廃止済み", "有", "あり"}
	openWords   = []string{"", "×", "✕", "0", "いいえ", "false", "no", "n", "存続", "有効", "現存", "使用中", "無", "なし", "-", "ー"}
)

// parseRetired reads a 廃止 cell.
func parseRetired(s string) (retired, ok bool) {
	return tableimport.ParseWords(s, closedWords, openWords)
}

func retiredName(b bool) string {
	if b {
		return "○"
	}
	return ""
}
