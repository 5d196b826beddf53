package org

import (
	"slices"
	"testing"

	"telework/internal/apperr"
)

func validStaff() *Staff {
	return &Staff{StaffNo: "012345", Name: "松本 花子", Kana: "まつもと はなこ", UnitID: 1, Title: "主事", Rank: RankStaff,
		Employment: Regular, JobType: "general"}
}

// TestInvisibleCharactersAreRefused: names, readings, unit names and levels,
// titles and tenant names refuse bidi overrides, zero-width and other
// format characters and controls, naming the field and the character
// (issue 10 #15); 異体字 selectors and 外字 stay allowed.
func TestInvisibleCharactersAreRefused(t *testing.T) {
	bad := []struct{ name, r, char string }{
		{"RLO", "\u202e", "U+202E"},
		{"LRO", "\u202d", "U+202D"},
		{"RLI", "\u2067", "U+2067"},
		{"PDF", "\u202c", "U+202C"},
		{"LRM", "\u200e", "U+200E"},
		{"zero-width space", "\u200b", "U+200B"},
		{"zero-width joiner", "\u200d", "U+200D"},
		{"zero-width non-joiner", "\u200c", "U+200C"},
		{"word joiner", "\u2060", "U+2060"},
		{"BOM", "\ufeff", "U+FEFF"},
		{"soft hyphen", "\u00ad", "U+00AD"},
		{"tag character", "\U000E0041", "U+E0041"},
		{"NUL", "\x00", "U+0000"},
		{"BEL", "\x07", "U+0007"},
		{"DEL", "\x7f", "U+007F"},
		{"C1 control (CSI)", "\u009b", "U+009B"},
		{"Hangul filler", "\u3164", "U+3164"},
	}
	for _, b := range bad {
		check := func(what, field string, err error) {
			t.Helper()
			if !slices.Contains(fields(err), field+":field.invisible_char") {
				t.Errorf("%s with %s: got %v, want %s:field.invisible_char", what, b.name, fields(err), field)
				return
			}
			for _, f := range apperr.As(err).Fields {
				if f.Field == field && f.Args["Char"] != b.char {
					t.Errorf("%s with %s: Char = %v, want %s", what, b.name, f.Args["Char"], b.char)
				}
			}
		}
		s := validStaff()
		s.Name = "山田" + b.r + "太郎"
		check("staff name", "name", s.Validate())
		s = validStaff()
		s.Kana = "やまだ" + b.r + "たろう"
		check("kana", "kana", s.Validate())
		s = validStaff()
		s.Title = b.r + "主事"
		check("title", "title", s.Validate())
		check("unit name", "name", (&Unit{Code: "110", Name: "人事" + b.r + "課", Level: "課"}).Validate())
		check("unit level", "level", (&Unit{Code: "110", Name: "人事課", Level: "課" + b.r}).Validate())
		tn := &Tenant{Slug: "matsumoto", Name: "松本" + b.r + "市", Kind: Municipality, StaffSize: 10, GeneralAdminStaff: 5}
		check("tenant name", "name", tn.Validate())
	}
	// 髙 and 邉 as they are, 辻 with an IVS selector, a 外字 in the private
	// use area, ASCII punctuation and a full-width space stay allowed.
	for _, good := range []string{"髙橋 次郎", "辻\U000E0100 一郎", "渡邉\U000E0103 三郎", "\ue000田 花子", "O'Brien Mary", "山田　太郎"} {
		s := validStaff()
		s.Name = good
		if err := s.Validate(); err != nil {
			t.Errorf("name %q refused: %v", good, fields(err))
		}
	}
}
