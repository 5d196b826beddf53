package org

import "testing"

func TestSearchKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"やまだ たろう", "ヤマダタロウ"},
		{"ヤマダ　タロウ", "ヤマダタロウ"},
		{"ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ"},
		{"ゔぁ", "ヴァ"},
		{"０１２３Ａ", "0123a"},
		{"山田　太郎", "山田太郎"},
		{"髙橋", "高橋"},
		{"山﨑 邉", "山崎辺"},
		{"齋藤", "斎藤"},
		{"齊藤", "斉藤"},  // another character, not folded into 斎
		{"葛󠄀城", "葛城"}, // an IVS does not hide the name
	}
	for _, tt := range tests {
		if got := SearchKey(tt.in); got != tt.want {
			t.Errorf("SearchKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
