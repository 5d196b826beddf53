package org

import (
	"slices"
	"testing"
)

func TestTree(t *testing.T) {
	units := []*Unit{
		{ID: 1, Name: "総務部"},
		{ID: 2, ParentID: 1, Name: "人事課"},
		{ID: 3, ParentID: 2, Name: "人事係"},
		{ID: 4, ParentID: 2, Name: "給与係"},
		{ID: 5, Name: "市民部"},
		{ID: 6, ParentID: 5, Name: "市民課", Retired: true},
	}
	tr := NewTree(units)
	if got := tr.PathString(3); got != "総務部/人事課/人事係" {
		t.Errorf("PathString = %q", got)
	}
	if got := tr.Subtree(2); !slices.Equal(got, []int64{2, 3, 4}) {
		t.Errorf("Subtree(2) = %v", got)
	}
	if !tr.IsWithin(4, 1) || tr.IsWithin(4, 5) || !tr.IsWithin(2, 2) {
		t.Error("IsWithin wrong")
	}
	flat := tr.Flatten(false)
	if len(flat) != 5 || flat[2].Depth != 2 {
		t.Errorf("Flatten = %d nodes, third depth %d", len(flat), flat[2].Depth)
	}
	if len(tr.Flatten(true)) != 6 {
		t.Error("Flatten(true) should keep retired units")
	}
}
