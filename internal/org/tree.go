package org

// Tree indexes a tenant's units for paths, subtrees and display order.
type Tree struct {
	byID     map[int64]*Unit
	children map[int64][]*Unit // key 0 = top level
}

// NewTree builds the index; units keep their given order among siblings.
func NewTree(units []*Unit) *Tree {
	t := &Tree{byID: make(map[int64]*Unit, len(units)), children: map[int64][]*Unit{}}
	for _, u := range units {
		t.byID[u.ID] = u
	}
	for _, u := range units {
		p := u.ParentID
		if _, ok := t.byID[p]; !ok {
			p = 0
		}
		t.children[p] = append(t.children[p], u)
	}
	for _, u := range units {
		u.Path = t.pathNames(u.ID)
	}
	return t
}

// Unit returns the unit with id, or nil.
func (t *Tree) Unit(id int64) *Unit { return t.byID[id] }

// Children returns the direct children of id (0 = top level).
func (t *Tree) Children(id int64) []*Unit { return t.children[id] }

func (t *Tree) pathNames(id int64) []string {
	var rev []string
	seen := map[int64]bool{}
	for u := t.byID[id]; u != nil && !seen[u.ID]; u = t.byID[u.ParentID] {
		seen[u.ID] = true
		rev = append(rev, u.Name)
	}
	out := make([]string, len(rev))
	for i, n := range rev {
		out[len(rev)-1-i] = n
	}
	return out
}

// PathString is the unit's path joined with slashes (総務部/人事課/人事係).
func (t *Tree) PathString(id int64) string {
	s := ""
	for i, n := range t.pathNames(id) {
		if i > 0 {
			s += "/"
		}
		s += n
	}
	return s
}

// Subtree returns id and every unit below it.
func (t *Tree) Subtree(id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		for _, c := range t.children[out[i]] {
			out = append(out, c.ID)
		}
	}
	return out
}

// IsWithin reports whether unit id is root or below it.
func (t *Tree) IsWithin(id, root int64) bool {
	seen := map[int64]bool{}
	for u := t.byID[id]; u != nil && !seen[u.ID]; u = t.byID[u.ParentID] {
		if u.ID == root {
			return true
		}
		seen[u.ID] = true
	}
	return false
}

// Node is one line of the tree as displayed: the unit and its depth.
type Node struct {
	Unit  *Unit
	Depth int
}

// Flatten lists the tree depth-first for display, with retired units left
// out unless asked for.
func (t *Tree) Flatten(withRetired bool) []Node {
	var out []Node
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, u := range t.children[parent] {
			if u.Retired && !withRetired {
				continue
			}
			out = append(out, Node{u, depth})
			walk(u.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}
