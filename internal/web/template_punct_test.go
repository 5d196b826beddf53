package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestTemplatesUseTheLanguagesPunctuation: a template writes the
// punctuation between values through the view (Comma, RangeSep,
// DateRangeSep, LParen/RParen, Sep), so that an English page does not show
// 「、」, 「〜」 or full-width parentheses between English words (a review
// found them in lists of sections, periods and option lists). The
// messages' own punctuation is in the message files, by language.
func TestTemplatesUseTheLanguagesPunctuation(t *testing.T) {
	allowed := map[string]string{
		// The import pages list the Japanese column headers each column
		// also accepts: Japanese words, joined as Japanese.
		"templates/staff_import.html": `{{join .Aliases "、"}}`,
		"templates/units_import.html": `{{join .Aliases "、"}}`,
	}
	comment := regexp.MustCompile(`(?s)\{\{/\*.*?\*/\}\}`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, _ := fs.ReadFile(templateFS, p)
		src := comment.ReplaceAllString(string(b), "")
		if a, ok := allowed[p]; ok {
			src = strings.ReplaceAll(src, a, "")
		}
		for i, line := range strings.Split(src, "\n") {
			for _, c := range []string{"、", "〜", "（", "）"} {
				if strings.Contains(line, c) {
					t.Errorf("%s:%d: %q written as is; use the view's separator", p, i+1, c)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSeparatorsByLanguage(t *testing.T) {
	ja, en := &view{Lang: "ja"}, &view{Lang: "en"}
	for _, c := range []struct{ name, ja, en, wantJA, wantEN string }{
		{"Comma", ja.Comma(), en.Comma(), "、", ", "},
		{"RangeSep", ja.RangeSep(), en.RangeSep(), "〜", "–"},
		{"DateRangeSep", ja.DateRangeSep(), en.DateRangeSep(), "〜", " – "},
		{"LParen", ja.LParen(), en.LParen(), "（", " ("},
		{"RParen", ja.RParen(), en.RParen(), "）", ")"},
	} {
		if c.ja != c.wantJA || c.en != c.wantEN {
			t.Errorf("%s: %q / %q, want %q / %q", c.name, c.ja, c.en, c.wantJA, c.wantEN)
		}
	}
}
