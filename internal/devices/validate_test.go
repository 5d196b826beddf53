package devices_test

import (
	"strings"
	"testing"

	"telework/internal/apperr"
	"telework/internal/devices"
	"telework/internal/i18n"
)

// TestPoolValidate: a pool's name too long says so with its limit and is
// labelled 名称 (not a person's 氏名); the note has a limit; the capacity's
// message states its range; invisible characters are refused by name.
func TestPoolValidate(t *testing.T) {
	base := func(edit func(p *devices.Pool)) *devices.Pool {
		p := &devices.Pool{Name: "貸出PC", Kind: devices.LoanPC, Capacity: 10}
		edit(p)
		return p
	}
	for _, c := range []struct {
		name  string
		p     *devices.Pool
		field string // "" when valid
		ja    string // a part of the Japanese message
	}{
		{"valid", base(func(*devices.Pool) {}), "", ""},
		{"note of several lines", base(func(p *devices.Pool) { p.Note = "3階\n倉庫" }), "", ""},
		{"name empty", base(func(p *devices.Pool) { p.Name = " " }), "name", "「名称」を入力してください"},
		{"name of 101", base(func(p *devices.Pool) { p.Name = strings.Repeat("a", 101) }), "name", "「名称」は100文字以内"},
		{"name of 10000", base(func(p *devices.Pool) { p.Name = strings.Repeat("あ", 10000) }), "name", "「名称」は100文字以内"},
		{"name with a bidi override", base(func(p *devices.Pool) { p.Name = "貸出\u202ePC" }), "name", "(U+202E)"},
		{"note too long", base(func(p *devices.Pool) { p.Note = strings.Repeat("あ", 10000) }), "note", "1000文字以内"},
		{"note with a control character", base(func(p *devices.Pool) { p.Note = "倉庫\x1b" }), "note", "(U+001B)"},
		{"capacity over", base(func(p *devices.Pool) { p.Capacity = 1000001 }), "capacity", "「数量」は0から1000000まで"},
		{"capacity negative", base(func(p *devices.Pool) { p.Capacity = -1 }), "capacity", "0から1000000まで"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := apperr.As(err)
			if e == nil || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
			if msg := i18n.FieldMessages("ja", err)[c.field]; !strings.Contains(msg, c.ja) || strings.Contains(msg, "氏名") {
				t.Fatalf("message %q, want %q", msg, c.ja)
			}
		})
	}
}

func TestAssetKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"PC-0012", "PC-0012"},
		{"ＰＣ－００１２", "PC-0012"},
		{"pc-0012", "PC-0012"},
		{" PC 0012 ", "PC0012"},
		{"PC‐0012", "PC-0012"},
		{"PC−0012", "PC-0012"},
		{"ﾉｰﾄ1", "ノート1"},
		{"端末ａ１", "端末A1"},
		{"ｌｔｅー００２", "LTE-002"},
		{"LTEｰ002", "LTE-002"},
		{"ルーター1", "ルーター1"},
	} {
		if got := devices.AssetKey(c.in); got != c.want {
			t.Errorf("AssetKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
