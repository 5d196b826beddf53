package web

import (
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/", "/"},
		{"/staff", "/staff"},
		{"/staff/12/edit", "/staff/12/edit"},
		{"/staff?q=%E5%B1%B1%E7%94%B0&page=2", "/staff?q=%E5%B1%B1%E7%94%B0&page=2"},
		{"/units/", "/units/"},
		{"/audit#top", "/audit#top"},
		{"/%E7%B5%84%E7%B9%94", "/%E7%B5%84%E7%B9%94"},
		{"/組織", "/%E7%B5%84%E7%B9%94"}, // re-serialised
		// Refused: "" is the caller's default.
		{"", ""},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r/evil.example", ""},
		{"/\x00/evil.example", ""},
		{"/\x7f/evil.example", ""},
		{"\t//evil.example", ""},
		{" /evil", ""},
		{"/ /evil.example", ""},
		{"/\u3000/evil.example", ""}, // ideographic space
		{"/\u00a0/evil.example", ""}, // no-break space
		{"/\u2028/evil.example", ""}, // line separator
		{"/\u200b/evil.example", ""}, // zero-width space
		{"/\u202e/evil.example", ""}, // right-to-left override
		{"/\ufeff/evil.example", ""}, // byte order mark
		{"/\\evil.example", ""},
		{"/\\/evil.example", ""},
		{"//evil.example", ""},
		{"///evil.example", ""},
		{"/%09/evil.example", ""},
		{"/%0a/evil.example", ""},
		{"/%2F/evil.example", ""},
		{"/%5Cevil.example", ""},
		{"/./evil", ""},
		{"/../evil", ""},
		{"/a//b", ""},
		{"javascript:alert(1)", ""},
		{"JaVaScRiPt:alert(1)", ""},
		{"https://evil.example", ""},
		{"http:/evil.example", ""},
		{"evil.example", ""},
		{"/\xff", ""},
		{"/" + strings.Repeat("a", 500), ""},
	} {
		if got := localPath(tt.in); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
