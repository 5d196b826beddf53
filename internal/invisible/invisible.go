// Package invisible finds the characters a reader cannot see in a text
// people type and others read, and refuses them with a message naming the
// character. It sits below every domain package (org re-exports it), so
// that auth (token names) and attach (file names) use the same rule.
package invisible

import (
	"fmt"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"telework/internal/apperr"
)

// Find returns the first character of s that a reader cannot see but
// that changes what is shown or compared: control characters (Cc: NUL
// above all, which PostgreSQL cannot store), format characters (Cf: bidi
// overrides and isolates such as U+202E, zero-width space and joiners,
// the byte order mark, soft hyphen …) and the Hangul fillers, which render
// as blank. A name with one can impersonate another (「山田\u200b太郎」
// looks like 「山田太郎」) or reverse the text around it in lists and the
// audit log. Variation selectors (Mn, the 異体字 of IVS) and private-use
// characters (外字) are visible and allowed. A multi-line text may hold
// line breaks and tabs — \n, \r and \t, not the Unicode line and
// paragraph separators (U+2028, U+2029), which break a line in some
// readers and not in others (CSV, the audit log, a single-line name).
func Find(s string, multiLine bool) (rune, bool) {
	prev := rune(0)
	for i, r := range s {
		if multiLine && (r == '\n' || r == '\r' || r == '\t') {
			prev = r
			continue
		}
		if r == '\u200d' && emojiJoin(prev, s[i+len("\u200d"):]) {
			prev = r
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' ||
			r == 'ᅟ' || r == 'ᅠ' || r == 'ㅤ' || r == 'ﾠ' {
			return r, true
		}
		prev = r
	}
	return 0, false
}

// emojiJoin reports whether a zero-width joiner between prev and the text
// after it joins two pictographs into one emoji (🙇‍♂️, 👨‍👩‍👧: a person
// typing on a phone), where it is visible as the emoji it makes — not
// between letters, where it hides.
func emojiJoin(prev rune, after string) bool {
	next, n := utf8.DecodeRuneInString(after)
	if n == 0 || next == utf8.RuneError {
		return false
	}
	pict := func(r rune) bool {
		return unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r == '\ufe0f'
	}
	return pict(prev) && unicode.Is(unicode.So, next)
}

// Control returns the first control character of s other than a line
// break or a tab: what no text field of the product holds (NUL above all:
// PostgreSQL cannot store it, and SQLite would, so a backup of one engine
// could not be restored into the other).
func Control(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return r, true
		}
	}
	return 0, false
}

// Refuse adds field.invisible_char to v for field when s holds a
// character Find finds, naming it (U+202E) so that the person can find
// it; args add to the message's (a LabelKey, say). It reports whether s
// had none.
func Refuse(v *apperr.Validation, field, s string, multiLine bool, args map[string]any) bool {
	r, bad := Find(s, multiLine)
	if !bad {
		return true
	}
	a := map[string]any{"Char": fmt.Sprintf("U+%04X", r)}
	maps.Copy(a, args)
	v.Add(field, "field.invisible_char", a)
	return false
}

// Optional checks a text people may leave empty (an address, a note, a
// plan, a reason): at most max characters, then nothing invisible (Refuse;
// a multi-line text may hold line breaks and tabs). One error per field: a
// text too long is not also searched. args (nil, or the field's LabelKey)
// go into the message. It reports whether s passed.
func Optional(v *apperr.Validation, field, s string, max int, multiLine bool, args map[string]any) bool {
	if utf8.RuneCountInString(s) > max {
		a := map[string]any{"Max": max}
		maps.Copy(a, args)
		v.Add(field, "field.too_long", a)
		return false
	}
	return Refuse(v, field, s, multiLine, args)
}

// Required is Optional for a text that must be given: blank (or only
// spaces) is field.required.
func Required(v *apperr.Validation, field, s string, max int, multiLine bool, args map[string]any) bool {
	if strings.TrimSpace(s) == "" {
		v.Add(field, "field.required", args)
		return false
	}
	return Optional(v, field, s, max, multiLine, args)
}
