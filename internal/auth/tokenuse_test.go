package auth

import (
	"slices"
	"testing"
)

// TestTokenUsesAreGathered: the uses noted before the write go out in one
// write; a use after it schedules the next.
func TestTokenUsesAreGathered(t *testing.T) {
	var scheduled []func()
	u := tokenUses{schedule: func(f func()) { scheduled = append(scheduled, f) }}
	var writes [][]int64
	write := func(ids []int64) { slices.Sort(ids); writes = append(writes, ids) }
	for _, id := range []int64{3, 1, 2, 3} {
		u.note(id, write)
	}
	if len(scheduled) != 1 {
		t.Fatalf("%d writes scheduled for four uses, want 1", len(scheduled))
	}
	scheduled[0]()
	u.note(7, write)
	if len(scheduled) != 2 {
		t.Fatalf("a use after the write scheduled %d writes in all, want 2", len(scheduled))
	}
	scheduled[1]()
	if len(writes) != 2 || !slices.Equal(writes[0], []int64{1, 2, 3}) || !slices.Equal(writes[1], []int64{7}) {
		t.Fatalf("writes: %v", writes)
	}
}
