package web

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNextLen bounds a return path; longer ones are not ours.
const maxNextLen = 500

// localPath keeps a return address ("next" after sign-in, the page to go
// back to after switching the language) only when it is a path on this
// site, and returns it re-serialised from its parsed form; anything else is
// "" (the caller's default). Browsers are lenient in ways a prefix check
// misses: they drop TAB, LF and CR anywhere in a URL ("/\t/evil.example"
// becomes "//evil.example", another host), read "\" as "/", and strip
// leading and trailing spaces. So a value is refused when it holds, raw or
// percent-decoded, a control, format or space character or a backslash;
// when it does not start with exactly one "/"; when it parses with a
// scheme, host or user; or when its path has an empty, "." or ".." segment.
func localPath(next string) string {
	if next == "" || len(next) > maxNextLen || !utf8.ValidString(next) || !plainText(next) {
		return ""
	}
	if next[0] != '/' || strings.HasPrefix(next, "//") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	// The decoded path as well: "/%09/evil" and "/%2F/evil" are harmless to
	// a browser today, but a path with them is never one of ours.
	if !plainText(u.Path) || !strings.HasPrefix(u.Path, "/") || badSegments(u.Path) {
		return ""
	}
	out := (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, Fragment: u.Fragment}).String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || len(out) > maxNextLen {
		return ""
	}
	return out
}

// plainText refuses control (Cc), format (Cf: bidi overrides, zero-width
// characters) and space characters of any width, backslashes and invalid
// UTF-8.
func plainText(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
			unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) {
			return false
		}
	}
	return true
}

// badSegments reports an empty ("//"), "." or ".." segment after the
// leading "/" (a trailing "/" is fine).
func badSegments(p string) bool {
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		if (s == "" && i != len(segs)-1) || s == "." || s == ".." {
			return true
		}
	}
	return false
}
