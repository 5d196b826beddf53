package retention

import "testing"

func TestValidate(t *testing.T) {
	tests := []struct {
		kind string
		days int
		ok   bool
	}{
		{"retired_staff", 0, true}, // keep forever
		{"retired_staff", 364, false},
		{"retired_staff", 3650, true},
		{"retired_staff", -1, false},
		{"api_tokens", 29, false},
		{"nonsense", 100, false},
		{"api_tokens", 40000, false},
	}
	for _, tt := range tests {
		if err := Validate(tt.kind, tt.days); (err == nil) != tt.ok {
			t.Errorf("Validate(%s, %d) = %v, want ok=%v", tt.kind, tt.days, err, tt.ok)
		}
	}
}

func TestEffective(t *testing.T) {
	got := Effective(map[string]int{"api_tokens": 90})
	if len(got) != len(Kinds) || got["api_tokens"] != 90 || got["retired_staff"] != 0 {
		t.Errorf("Effective = %v", got)
	}
}
