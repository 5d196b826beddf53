package places

import (
	"context"
	"slices"
	"time"

	"telework/internal/notify"
)

// Held is one booking or reservation as capacity sees it: the groups it
// takes a unit of (day, half, resource…), when it was made and its id.
type Held struct {
	Groups    []string
	CreatedAt time.Time
	ID        int64
}

// Beyond lists, for every group whose items exceed its limit, the latest
// items beyond it (the earliest keep their place), each item once, in id
// order. It serves offices (seats and PCs per half-day) and device pools
// (units per day) alike: lowering a capacity never removes anything, these
// are the items to tell.
func Beyond[T any](items []T, held func(T) Held, limit func(group string) int) []T {
	type entry struct {
		item T
		h    Held
	}
	by := map[string][]entry{}
	var groups []string
	for _, it := range items {
		h := held(it)
		for _, g := range h.Groups {
			if _, ok := by[g]; !ok {
				groups = append(groups, g)
			}
			by[g] = append(by[g], entry{it, h})
		}
	}
	seen := map[int64]bool{}
	var out []entry
	for _, g := range groups {
		list, lim := by[g], max(limit(g), 0)
		if len(list) <= lim {
			continue
		}
		slices.SortFunc(list, func(a, b entry) int { return a.h.CreatedAt.Compare(b.h.CreatedAt)*2 + cmpID(a.h.ID, b.h.ID) })
		for _, e := range list[lim:] {
			if !seen[e.h.ID] {
				seen[e.h.ID] = true
				out = append(out, e)
			}
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return cmpID(a.h.ID, b.h.ID) })
	res := make([]T, len(out))
	for i, e := range out {
		res[i] = e.item
	}
	return res
}

// Notifier writes notifications in the caller's transaction.
type Notifier interface {
	InsertNotifications(ctx context.Context, tenantID int64, ns []notify.Notification) error
}

// TellBeyond notifies the person of each item beyond a reduced capacity
// (note builds the notification) and records their ids in the audit
// entry's after view under key.
func TellBeyond[T any](ctx context.Context, tx Notifier, tenantID int64, items []T, note func(T) notify.Notification, id func(T) int64,
	after map[string]any, key string) error {
	if len(items) == 0 {
		return nil
	}
	ns := make([]notify.Notification, len(items))
	ids := make([]int64, len(items))
	for i, it := range items {
		ns[i], ids[i] = note(it), id(it)
	}
	after[key] = ids
	return tx.InsertNotifications(ctx, tenantID, ns)
}
