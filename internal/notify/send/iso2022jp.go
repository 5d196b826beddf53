package send

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"
)

// ISO-2022-JP as RFC 1468 defines it carries ASCII (and JIS X 0201 Roman)
// and JIS X 0208 only. golang.org/x/text's encoder follows the WHATWG
// tables instead: it writes the CP932 extensions (NEC row 13 — ①, ㈱ — and
// the IBM rows 89–92 — 髙, 﨑) as if they were JIS X 0208, half-width kana
// as ESC ( I, and it refuses the Unicode code points of the JIS mapping
// (〜 U+301C, − U+2212, ‖ U+2016, ¥ …). A strict decoder (Python's
// iso2022_jp, glibc iconv) shows the first two as mojibake; the third
// failed the whole e-mail.
//
// So a text goes out as ISO-2022-JP only when every character has a place
// in JIS X 0208: half-width kana are first made full-width (NFKC), and the
// code points that differ between the JIS and the Microsoft mapping are
// mapped to the ones the encoder writes as JIS X 0208 (jisAlt). What still
// has no place (髙, 﨑, ①, ㈱, emoji …) makes the message go as UTF-8
// instead (Message): better read than lost or garbled.

// jisAlt maps a character without a JIS X 0208 code in the encoder's table
// to its standard equivalent that has one.
var jisAlt = map[rune]rune{
	'\u301C': '\uFF5E', // 〜 WAVE DASH → ～ (1-33)
	'\u2212': '\uFF0D', // − MINUS SIGN → － (1-61)
	'\u2016': '\u2225', // ‖ DOUBLE VERTICAL LINE → ∥ (1-34)
	'\u2014': '\u2015', // — EM DASH → ― (1-29)
	'\u00A2': '\uFFE0', // ¢ → ￠ (1-81)
	'\u00A3': '\uFFE1', // £ → ￡ (1-82)
	'\u00AC': '\uFFE2', // ¬ → ￢ (2-44)
	'\u00A5': '\uFFE5', // ¥ → ￥ (1-79)
	'\u203E': '\uFFE3', // ‾ OVERLINE → ￣ (1-17)
	'\u3099': '\u309B', // combining voiced mark (a lone ﾞ after NFKC) → ゛ (1-11)
	'\u309A': '\u309C', // combining semi-voiced mark (a lone ﾟ) → ゜ (1-12)
	'\uFF02': '"',      // ＂ (CP932 IBM row 92) → "
	'\uFF07': '\'',     // ＇ (CP932 IBM row 92) → '
}

// jis0208 lists the assigned cells of JIS X 0208:1990 by row (1–84): pairs
// of first and last cell; a row not listed has none.
var jis0208 = map[int][]int{
	1:  {1, 94},
	2:  {1, 14, 26, 33, 42, 48, 60, 74, 82, 89, 94, 94},
	3:  {16, 25, 33, 58, 65, 90},
	4:  {1, 83},
	5:  {1, 86},
	6:  {1, 24, 33, 56},
	7:  {1, 33, 49, 81},
	8:  {1, 32},
	47: {1, 51},
	84: {1, 6},
}

// inJIS0208 reports whether row-cell is a character of JIS X 0208.
func inJIS0208(row, cell int) bool {
	if (row >= 16 && row <= 46) || (row >= 48 && row <= 83) {
		return cell >= 1 && cell <= 94
	}
	spans := jis0208[row]
	for i := 0; i+1 < len(spans); i += 2 {
		if cell >= spans[i] && cell <= spans[i+1] {
			return true
		}
	}
	return false
}

// isHalfKana reports a half-width katakana (U+FF61–U+FF9F).
func isHalfKana(r rune) bool { return r >= 0xFF61 && r <= 0xFF9F }

// ToJIS maps s to the characters RFC 1468 ISO-2022-JP carries (half-width
// kana made full-width, jisAlt applied) and counts the characters that
// still have no place in ASCII or JIS X 0208.
func ToJIS(s string) (string, int) {
	enc := japanese.ISO2022JP.NewEncoder()
	var b strings.Builder
	outside := 0
	add := func(r rune) {
		r = mapJIS(r)
		if !strictJIS(enc.String, r) {
			outside++
		}
		b.WriteRune(r)
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isHalfKana(r) {
			add(r)
			i += n
			continue
		}
		// A run of half-width kana at once, so that ｶﾞ becomes ガ.
		j := i
		for j < len(s) {
			q, m := utf8.DecodeRuneInString(s[j:])
			if !isHalfKana(q) {
				break
			}
			j += m
		}
		for _, q := range norm.NFKC.String(s[i:j]) {
			add(q)
		}
		i = j
	}
	return b.String(), outside
}

func mapJIS(r rune) rune {
	if alt, ok := jisAlt[r]; ok {
		return alt
	}
	return r
}

// strictJIS reports whether encode (the x/text encoder) writes r as ASCII
// or as an assigned JIS X 0208 cell (ESC $ B and two bytes).
func strictJIS(encode func(string) (string, error), r rune) bool {
	if r < utf8.RuneSelf {
		// ESC, SO and SI would change the decoder's state.
		return r != 0x1B && r != 0x0E && r != 0x0F
	}
	b, err := encode(string(r))
	if err != nil || len(b) < 5 || !strings.HasPrefix(b, "\x1b$B") {
		return false
	}
	return inJIS0208(int(b[3])-0x20, int(b[4])-0x20)
}

// ErrNotJIS says a text has characters ISO-2022-JP cannot carry.
var ErrNotJIS = errors.New("iso-2022-jp: characters outside JIS X 0208")

// ISO2022JP converts UTF-8 text to RFC 1468 ISO-2022-JP bytes (as a
// string), after ToJIS; a character outside ASCII and JIS X 0208 is
// ErrNotJIS.
func ISO2022JP(s string) (string, error) {
	t, err := mappedJIS(s)
	if err != nil {
		return "", err
	}
	return jisBytes(t)
}

// mappedJIS is ToJIS(s), or ErrNotJIS when a character has no place.
func mappedJIS(s string) (string, error) {
	t, outside := ToJIS(s)
	if outside > 0 {
		return "", fmt.Errorf("%w (%d)", ErrNotJIS, outside)
	}
	return t, nil
}

// jisBytes encodes a text ToJIS has already mapped, every character of
// which fits.
func jisBytes(t string) (string, error) {
	b, err := japanese.ISO2022JP.NewEncoder().String(t)
	if err != nil {
		return "", fmt.Errorf("iso-2022-jp: %w", err)
	}
	return b, nil
}
