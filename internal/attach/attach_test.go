package attach

import (
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
)

func TestNew(t *testing.T) {
	big := make([]byte, MaxBytes+1)
	tests := []struct {
		name string
		data []byte
		key  string
		ct   string
	}{
		{"資料.pdf", []byte("%PDF"), "", "application/pdf"},
		{`C:\Users\x\説明会.PPTX`, []byte("x"), "", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
		{"run.exe", []byte("MZ"), "field.attach_kind", ""},
		{"page.html", []byte("<script>"), "field.attach_kind", ""},
		{"empty.pdf", nil, "field.required", ""},
		{"", []byte("x"), "field.required", ""},
		{"big.pdf", big, "field.attach_size", ""},
		{"a\u202Efdp.exe.pdf", []byte("%PDF"), "field.invisible_char", ""}, // reads as an .exe
		{"a\x00b.pdf", []byte("%PDF"), "field.invisible_char", ""},
	}
	for _, tt := range tests {
		f, err := New("file", tt.name, tt.data, Owner{PageID: 1}, "hr", time.Now())
		if tt.key != "" {
			e := apperr.As(err)
			if e == nil || len(e.Fields) != 1 || e.Fields[0].Key != tt.key || e.Fields[0].Field != "file" {
				t.Errorf("New(%q) = %v, want %s", tt.name, err, tt.key)
			}
			continue
		}
		if err != nil || f.ContentType != tt.ct || f.Size != int64(len(tt.data)) || len(f.SHA256) != 64 || strings.Contains(f.Name, `\`) {
			t.Errorf("New(%q) = %+v, %v", tt.name, f, err)
		}
	}
}
