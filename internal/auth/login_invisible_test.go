package auth

import "testing"

// TestValidLoginRefusesInvisibleCharacters: login ids are ASCII letters,
// digits and . _ @ - only, so bidi overrides, zero-width characters,
// controls and look-alike letters never make a second 「hr」 (issue 10 #15).
func TestValidLoginRefusesInvisibleCharacters(t *testing.T) {
	for _, s := range []string{"hr\u202e", "h\u200br", "\ufeffhr", "hr\u200d", "hr\x00", "hr\t", "h r", "ｈｒ", "hr\u2060",
		"hr\u00ad", "hr\u3164", "\u0430dmin"} {
		if ValidLogin(s) {
			t.Errorf("ValidLogin(%q) = true", s)
		}
	}
	for _, s := range []string{"hr", "jinji01", "t.yamada@city", "a-b_c"} {
		if !ValidLogin(s) {
			t.Errorf("ValidLogin(%q) = false", s)
		}
	}
}
