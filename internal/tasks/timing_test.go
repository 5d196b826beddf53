package tasks

import (
	"math"
	"strings"
	"testing"
)

func TestEstimateHours(t *testing.T) {
	cases := []struct {
		timing string
		hours  float64
		ok     bool
	}{
		{"毎日 1時間", 240, true},
		{"毎日30分", 120, true},
		{"毎週 2時間", 104, true},
		{"週2回 1時間30分", 156, true},
		{"月2回 3時間", 72, true},
		{"毎月 ３時間", 36, true}, // 全角
		{"年2回 5時間", 10, true},
		{"年次 8時間", 8, true},
		{"四半期 6時間", 24, true},
		{"4月〜6月 毎日2時間", 120, true},
		{"11月～2月 毎週 1時間", 52.0 / 12 * 4, true},
		{"月に1回 2時間", 24, true},
		{"12月 1回 3時間", 3, true},
		{"10月〜翌3月 毎週2時間", 52.0 / 12 * 6 * 2, true},
		{"10月～翌年3月 毎月1時間", 6, true},
		{"通年", 0, false},
		{"毎月", 0, false},     // how long?
		{"3時間", 0, false},    // how often?
		{"随時 1時間", 0, false}, // not a frequency
	}
	for _, c := range cases {
		h, ok := EstimateHours(c.timing)
		if ok != c.ok || math.Abs(h-c.hours) > 1e-9 {
			t.Errorf("%q: %v %v, want %v %v", c.timing, h, ok, c.hours, c.ok)
		}
	}
}

func TestEngineTaskHours(t *testing.T) {
	if h := (&SheetTask{Timing: "月2回 3時間"}).EngineTask().Hours; h != 72 {
		t.Errorf("estimated: %v", h)
	}
	if h := (&SheetTask{Timing: "月2回 3時間", HoursPerYear: 50}).EngineTask().Hours; h != 50 {
		t.Errorf("given hours win: %v", h)
	}
}

// TestShareOfficeHasNoOfficeSecurity: a private share office cannot claim
// the physical measures of an office building (it has outsiders in it).
func TestShareOfficeHasNoOfficeSecurity(t *testing.T) {
	p := &WorkPlace{Name: "駅前シェアオフィス", Kind: PrivateShare, Network: Networks[0], PhysicalSecurity: true}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "tasks.field.share_security") {
		t.Errorf("accepted: %v", err)
	}
	p.PhysicalSecurity = false
	if err := p.Validate(); err != nil {
		t.Errorf("refused: %v", err)
	}
}
