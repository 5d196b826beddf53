package audit

import (
	"context"
	"time"
)

// Store is what the service reads and runs transactions on; internal/store
// implements it. (Filled in as workflows move here from the handlers.)
type Store interface {
	Ping(ctx context.Context) error
}

// Service holds the audit workflows: it checks rules and relationships, opens
// the one transaction of each user action and writes the change with its
// audit entry. Handlers, the CLI and the demo call it; it never sees HTTP.
type Service struct {
	st  Store
	now func() time.Time
}

// NewService returns the service over st; now is the clock (tests move it).
func NewService(st Store, now func() time.Time) *Service {
	return &Service{st: st, now: now}
}
