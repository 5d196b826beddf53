package auth

import "testing"

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pw   string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
	}
	for _, tt := range tests {
		ok, err := CheckPassword(h, tt.pw)
		if err != nil || ok != tt.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
		}
	}
	if _, err := CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("a non-argon2id hash was accepted")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestValidateNewPassword(t *testing.T) {
	tests := []struct {
		pw, confirm, login string
		ok                 bool
	}{
		{"long enough phrase", "long enough phrase", "yamada", true},
		{"short", "short", "yamada", false},
		{"yamadataro01", "yamadataro01", "YAMADATARO01", false},
		{"long enough phrase", "long enough phrase2", "yamada", false},
		{"パスワードは十二文字以上です", "パスワードは十二文字以上です", "x", true},
	}
	for _, tt := range tests {
		if err := ValidateNewPassword(tt.pw, tt.confirm, tt.login); (err == nil) != tt.ok {
			t.Errorf("ValidateNewPassword(%q) = %v, want ok=%v", tt.pw, err, tt.ok)
		}
	}
}

func TestEffectiveRoles(t *testing.T) {
	got := EffectiveRoles([]Role{HRAdmin, Staff}, true, true)
	want := []Role{Staff, Supervisor, HRAdmin}
	if JoinRoles(got) != JoinRoles(want) {
		t.Errorf("EffectiveRoles = %v, want %v", got, want)
	}
	if got := EffectiveRoles([]Role{Auditor}, false, true); JoinRoles(got) != "auditor" {
		t.Errorf("auditor without staff record got %v", got)
	}
}
