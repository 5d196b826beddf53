package tableimport

import "testing"

func TestFoldHeader(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"所属コード", "所属コード"},
		{"　所属 コード※", "所属コード"},
		{"*氏名（カナ）", "氏名(カナ)"},
		{"E-Mail", "e-mail"},
		{`"ＡＢＣ'`, "abc"},
	} {
		if got := FoldHeader(c.in); got != c.want {
			t.Errorf("FoldHeader(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFoldCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"０１２３", "0123"},
		{" 12\u3000 34 ", "1234"},
		{"Ab", "Ab"},
	} {
		if got := FoldCode(c.in); got != c.want {
			t.Errorf("FoldCode(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIndex(t *testing.T) {
	cols := []Column{{Key: "code", Header: "所属コード", Aliases: []string{"組織CD"}}, {Key: "name", Header: "所属名"}}
	ix := NewIndex(cols)
	for _, c := range []struct{ header, key string }{
		{"所属コード", "code"}, {"組織ＣＤ", "code"}, {" 所属名 ", "name"}, {"氏名", ""},
	} {
		got := ""
		if col := ix.For(c.header); col != nil {
			got = col.Key
		}
		if got != c.key {
			t.Errorf("For(%q) = %q, want %q", c.header, got, c.key)
		}
	}
	if h, ok := HeaderOf(cols, "name"); !ok || h != "所属名" {
		t.Errorf("HeaderOf(name) = %q, %v", h, ok)
	}
	if _, ok := HeaderOf(cols, "x"); ok {
		t.Error("HeaderOf(x) found a column")
	}
}

func TestParseWords(t *testing.T) {
	yes, no := []string{"○", "はい"}, []string{"", "×"}
	for _, c := range []struct {
		in        string
		value, ok bool
	}{
		{"○", true, true}, {" はい ", true, true}, {"", false, true}, {"×", false, true}, {"たぶん", false, false},
	} {
		if v, ok := ParseWords(c.in, yes, no); v != c.value || ok != c.ok {
			t.Errorf("ParseWords(%q) = %v, %v, want %v, %v", c.in, v, ok, c.value, c.ok)
		}
	}
}
