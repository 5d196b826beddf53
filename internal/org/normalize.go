package org

import (
	"strings"
	"unicode"

	"telework/internal/apperr"
	"telework/internal/invisible"

	"golang.org/x/text/unicode/norm"
)

// SearchKey folds a name, reading or staff number into the form that search
// compares: NFKC (半角カナ → 全角, 全角英数 → 半角), ひらがな → カタカナ, no
// spaces of any width, ASCII lower case, the variant forms of kanji common
// in names folded to the usual one (髙 → 高, 﨑 → 崎, 邊 → 辺: nameVariants),
// and no variation selectors (IVS). So 「やまだ」, 「ヤマダ」 and 「ﾔﾏﾀﾞ」
// all find 山田's reading, 「高橋」 finds 髙橋, and 「０１２３」 finds staff
// number 0123. Stored keys are recomputed when this changes (a migration
// asks for it; internal/store's RekeyStaffSearch does it at start-up).
func SearchKey(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
			continue
		case isHiragana(r):
			b.WriteRune(katakana(r))
		default:
			if v, ok := nameVariants[r]; ok {
				r = v
			}
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func isHiragana(r rune) bool { return r >= 'ぁ' && r <= 'ゖ' || r == 'ゝ' || r == 'ゞ' }

// katakana is r in katakana when it is hiragana, else r.
func katakana(r rune) rune {
	if isHiragana(r) {
		return r + ('ァ' - 'ぁ')
	}
	return r
}

// nameVariants are the 旧字体 and 異体字 that 人事 records keep in surnames
// and given names, each with the form people type to find them: someone
// looking for 髙橋 types 高橋, for 山﨑 types 山崎. Only forms of one
// character are folded (齋 → 斎, 齊 → 斉); different characters stay apart
// (斎藤 does not find 斉藤).
var nameVariants = map[rune]rune{
	'髙': '高', '﨑': '崎', '嵜': '崎', '碕': '崎', '邊': '辺', '邉': '辺', '齋': '斎', '齊': '斉',
	'澤': '沢', '濱': '浜', '濵': '浜', '廣': '広', '德': '徳', '國': '国', '圓': '円', '櫻': '桜',
	'瀨': '瀬', '眞': '真', '槇': '槙', '冨': '富', '籔': '薮', '藪': '薮', '嶋': '島', '嶌': '島',
	'峯': '峰', '桒': '桑', '栁': '柳', '條': '条', '淺': '浅', '實': '実', '惠': '恵', '榮': '栄',
	'壽': '寿', '彌': '弥', '曻': '昇', '舘': '館', '龍': '竜', '瀧': '滝', '邨': '村', '莊': '荘',
	'黑': '黒', '豐': '豊', '禮': '礼', '靜': '静', '緖': '緒', '戶': '戸', '學': '学', '會': '会',
	'萬': '万', '來': '来', '亞': '亜', '應': '応', '氣': '気',
}

// KanaForm is a reading as it is stored: half-width katakana (ﾀｶﾊｼ, which
// many 人事 systems still export) widened to full width with its voiced
// marks joined (ﾀﾞ → ダ), spaces folded as CleanText does. Hiragana and
// katakana stay as given: which one a tenant uses is its own choice.
func KanaForm(s string) string {
	return CleanText(norm.NFKC.String(s))
}

// SameReading reports whether two readings differ only in script
// (やまだ / ヤマダ / ﾔﾏﾀﾞ) or width: an export in the other script is not a
// change of the person's reading.
func SameReading(a, b string) bool {
	fold := func(s string) string { return strings.Map(katakana, KanaForm(s)) }
	return fold(a) == fold(b)
}

// CleanText trims a form value and folds runs of spaces (half or full width)
// inside it to one, so pasted values from Excel compare equal.
func CleanText(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// Invisible returns the first character of s that a reader cannot see but
// that changes what is shown or compared (invisible.Find).
func Invisible(s string) (rune, bool) { return invisible.Find(s, false) }

// RefuseInvisible is the one check of every text people type and others
// read (names, addresses, notes, plans, reports, comments): it refuses s
// with field.invisible_char when it holds an invisible or control character
// (invisible.Refuse). A multi-line text (a plan, a report, a comment) may
// hold line breaks and tabs. It reports whether s had none.
func RefuseInvisible(v *apperr.Validation, field, s string, multiLine bool, args map[string]any) bool {
	return invisible.Refuse(v, field, s, multiLine, args)
}

// OptionalText checks a text people may leave empty: at most max
// characters, then nothing invisible (invisible.Optional).
func OptionalText(v *apperr.Validation, field, s string, max int, multiLine bool, args map[string]any) bool {
	return invisible.Optional(v, field, s, max, multiLine, args)
}

// RequiredText is OptionalText for a text that must be given
// (invisible.Required).
func RequiredText(v *apperr.Validation, field, s string, max int, multiLine bool, args map[string]any) bool {
	return invisible.Required(v, field, s, max, multiLine, args)
}
