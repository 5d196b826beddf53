package route

import (
	"mime"
	"testing"
)

// TestContentDisposition: whatever the file's name, the header names that
// name and nothing else — a name cannot close the quotes and add its own
// filename* (a review made a browser save a listed "….pdf" as setup.exe).
func TestContentDisposition(t *testing.T) {
	for _, name := range []string{
		"手引き.pdf",
		`手引き.pdf"; filename*=UTF-8''setup.exe; x=".pdf`,
		`a"q.txt`,
		`back\slash;semi%pct.csv`,
		"tab\tand\nnewline.txt",
		"plain report 2026.xlsx",
	} {
		h := ContentDisposition(name)
		typ, params, err := mime.ParseMediaType(h)
		if err != nil || typ != "attachment" {
			t.Errorf("%q: %q does not parse: %v", name, h, err)
			continue
		}
		if params["filename"] != name {
			t.Errorf("%q: a browser reads %q from %q", name, params["filename"], h)
		}
		if len(params) != 1 {
			t.Errorf("%q: parameters %v", name, params)
		}
	}
}
