package tableimport

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Column is one column a file may carry. Key names the field in messages
// (fieldname.<Key>); Header is the form the export writes and the
// importer prefers; Aliases are the other names 人事 and 文書 systems use.
type Column struct {
	Key       string
	Header    string
	Aliases   []string
	Sensitive bool // an opt-in analysis attribute (exported on request only)
}

// FoldHeader makes header spellings compare equal: NFKC (全角 → 半角,
// （） → ()), no spaces, lower case, without required-field marks. Choice
// and yes/no cells compare the same way.
func FoldHeader(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		switch {
		case unicode.IsSpace(r), r == '*', r == '※', r == '"', r == '\'':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// FoldCode is a code (職員番号, 所属コード) as stored: NFKC (０１２３ → 0123),
// no spaces of any width.
func FoldCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

// Index finds the column a header names, by its folded header or alias.
type Index map[string]*Column

// NewIndex indexes cols; the pointers point into cols.
func NewIndex(cols []Column) Index {
	m := Index{}
	for i := range cols {
		c := &cols[i]
		m[FoldHeader(c.Header)] = c
		for _, a := range c.Aliases {
			m[FoldHeader(a)] = c
		}
	}
	return m
}

// For is the column header names, or nil.
func (ix Index) For(header string) *Column { return ix[FoldHeader(header)] }

// HeaderOf is the preferred header of key among cols.
func HeaderOf(cols []Column, key string) (string, bool) {
	for _, c := range cols {
		if c.Key == key {
			return c.Header, true
		}
	}
	return "", false
}

// ParseWords reads a yes/no cell: a spelling of one of yes is true, of one
// of no false; ok is false for anything else.
func ParseWords(s string, yes, no []string) (value, ok bool) {
	f := FoldHeader(s)
	for _, w := range yes {
		if f == FoldHeader(w) {
			return true, true
		}
	}
	for _, w := range no {
		if f == FoldHeader(w) {
			return false, true
		}
	}
	return false, false
}
