package org_test

import (
	"testing"

	"telework/internal/apperr"
	"telework/internal/org"
)

// TestRefuseInvisible: one check for every text: control and format
// characters are refused naming the character; a multi-line text keeps its
// line breaks and tabs, nothing else.
func TestRefuseInvisible(t *testing.T) {
	for _, c := range []struct {
		s         string
		multiLine bool
		char      string // "" when accepted
	}{
		{"松本市役所", false, ""},
		{"松本\n市役所", false, "U+000A"},
		{"松本\n市役所\r\n\t二階", true, ""},
		{"松本\u202e市役所", true, "U+202E"},
		{"松本\x00", true, "U+0000"},
		{"山田\u200b太郎", false, "U+200B"},
		{"葛\U000E0100城", false, ""}, // a variation selector (IVS) is visible
	} {
		var v apperr.Validation
		ok := org.RefuseInvisible(&v, "note", c.s, c.multiLine, map[string]any{"LabelKey": "fieldname.note"})
		e := apperr.As(v.Err())
		switch {
		case c.char == "" && (!ok || e != nil):
			t.Errorf("%q: refused: %v", c.s, e)
		case c.char != "" && (ok || e == nil || e.Fields[0].Field != "note" || e.Fields[0].Key != "field.invisible_char" ||
			e.Fields[0].Args["Char"] != c.char || e.Fields[0].Args["LabelKey"] != "fieldname.note"):
			t.Errorf("%q: %v, want %s refused", c.s, e, c.char)
		}
	}
}
