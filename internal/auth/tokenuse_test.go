package auth

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestTokenUsesAreGathered: the uses noted before a write go out in one
// write with the latest time of use; a use noted while a write runs waits
// for the next one, which is scheduled when the running one ends; at most
// one write is scheduled or running at a time.
func TestTokenUsesAreGathered(t *testing.T) {
	var scheduled []func()
	type write struct {
		ids []int64
		at  time.Time
	}
	var writes []write
	var u tokenUses
	u.schedule = func(run func()) { scheduled = append(scheduled, run) }
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	u.write = func(_ context.Context, ids []int64, at time.Time) error {
		slices.Sort(ids)
		writes = append(writes, write{ids, at})
		if len(writes) == 1 {
			u.note(9, t0.Add(5*time.Second)) // a use while this write runs
		}
		return nil
	}
	for i, id := range []int64{3, 1, 2, 3} {
		u.note(id, t0.Add(time.Duration(i)*time.Second))
	}
	if len(scheduled) != 1 {
		t.Fatalf("%d writes scheduled for four uses, want 1", len(scheduled))
	}
	scheduled[0]()
	if len(writes) != 1 || !slices.Equal(writes[0].ids, []int64{1, 2, 3}) || !writes[0].at.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("first write: %+v", writes)
	}
	if len(scheduled) != 2 {
		t.Fatalf("the use during the write scheduled %d writes in all, want 2", len(scheduled))
	}
	scheduled[1]()
	if len(writes) != 2 || !slices.Equal(writes[1].ids, []int64{9}) || !writes[1].at.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("second write: %+v", writes)
	}
	// Nothing left: no third write, and the next use schedules anew.
	if len(scheduled) != 2 {
		t.Fatalf("%d writes scheduled, want 2", len(scheduled))
	}
	u.note(4, t0.Add(time.Minute))
	if len(scheduled) != 3 {
		t.Fatalf("a use after the writes scheduled %d in all, want 3", len(scheduled))
	}
}
