package storetest

import (
	"context"
	"testing"

	"telework/internal/notify"
	"telework/internal/store"
)

// CountNotifications counts a person's notifications of kind in the outbox
// (read or not, whatever their preferences).
func CountNotifications(t testing.TB, db *store.DB, tenantID, staffID int64, kind notify.Kind) int {
	t.Helper()
	list, err := db.FindNotifications(context.Background(), tenantID, staffID, notify.Filter{}, notify.MaxList, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range list {
		if x.Kind == kind {
			n++
		}
	}
	return n
}
