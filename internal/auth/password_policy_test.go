package auth

import (
	"strings"
	"testing"

	"telework/internal/apperr"
)

// TestPasswordPolicy is issue 10 item 9: the weak passwords the review got
// through are refused, each with the rule that refuses it.
func TestPasswordPolicy(t *testing.T) {
	tests := []struct {
		pw, login, key string // key "" = accepted
	}{
		{"aaaaaaaaaa", "yamada", "field.password_short"},
		{"1234567890", "yamada", "field.password_short"},
		{"password12", "yamada", "field.password_short"},
		{"aaaaaaaaaaaa", "yamada", "field.password_pattern"},
		{"abcabcabcabcabc", "yamada", "field.password_pattern"},
		{"123456789012", "yamada", "field.password_pattern"},
		{"zyxwvutsrqpo", "yamada", "field.password_pattern"},
		{"password1234", "yamada", "field.password_common"}, // on the list itself
		{"qwertyuiop12", "yamada", "field.password_common"},
		{"Password2026!", "yamada", "field.password_common"}, // a listed one with digits added
		{"sunshine 2026", "yamada", "field.password_common"},
		{"jinji01-no-aikotoba", "jinji01", "field.password_has_login"},
		{"my JINJI01 password", "jinji01", "field.password_has_login"},
		{"commit to memory", "it", ""}, // a two-letter login only as the whole password
		{"demo-password", "hr", ""},    // the demo's published password stays valid
		{"fixture-password", "staff", ""},
		{"correct horse battery", "yamada", ""},
		{"長い合言葉は春の小川のほとり", "yamada", ""},
		{strings.Repeat("x", 129), "yamada", "field.too_long"},
	}
	for _, tt := range tests {
		err := ValidateNewPassword(tt.pw, tt.pw, tt.login)
		got := ""
		if e := apperr.As(err); e != nil && len(e.Fields) > 0 {
			got = e.Fields[0].Key
		}
		if got != tt.key {
			t.Errorf("ValidateNewPassword(%q, login %q) = %q, want %q", tt.pw, tt.login, got, tt.key)
		}
	}
	if n := len(commonPasswords); n < 10000 {
		t.Errorf("only %d common passwords embedded", n)
	}
}
