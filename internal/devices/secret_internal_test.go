package devices

import (
	"strings"
	"testing"
)

// TestRandomSecretIsUniform: every character of the alphabet is about as
// likely as any other (a modulo of random bytes made 36 of the 55 a
// quarter more likely than the rest).
func TestRandomSecretIsUniform(t *testing.T) {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
	count := map[rune]int{}
	for range 40000 {
		s, err := randomSecret()
		if err != nil || len(s) != 16 {
			t.Fatalf("%q %v", s, err)
		}
		for _, c := range s {
			if !strings.ContainsRune(alphabet, c) {
				t.Fatalf("%q outside the alphabet", c)
			}
			count[c]++
		}
	}
	lo, hi := 1<<30, 0
	for _, c := range alphabet {
		lo, hi = min(lo, count[c]), max(hi, count[c])
	}
	// 640,000 characters: about 11,636 each, a standard deviation of about
	// 107 (0.9 %); the biased draw gave a ratio of 1.25.
	if float64(hi)/float64(lo) > 1.12 {
		t.Fatalf("counts from %d to %d: not uniform", lo, hi)
	}
}
