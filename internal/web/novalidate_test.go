package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestConstrainedFormsAreNovalidate: a form posting a field the browser
// would check itself (required, min, max, pattern) carries novalidate, so
// an empty or out-of-range submit reaches the server and gets the
// product's error summary and field messages in the person's language —
// not the browser's own bubble, which a screen reader may not announce
// and which lists one problem at a time (/worktime/overtime lacked it).
func TestConstrainedFormsAreNovalidate(t *testing.T) {
	forms := regexp.MustCompile(`(?s)<form\b[^>]*>.*?</form>`)
	constrained := regexp.MustCompile(`\srequired\b|\smin="|\smax="|\spattern="|"required"`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, _ := fs.ReadFile(templateFS, p)
		for _, f := range forms.FindAllString(string(b), -1) {
			tag := f[:strings.Index(f, ">")+1]
			if strings.Contains(tag, `method="get"`) || strings.Contains(tag, "novalidate") {
				continue
			}
			if m := constrained.FindString(f[len(tag):]); m != "" {
				t.Errorf("%s: %s posts a field with %s but has no novalidate", p, tag, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
