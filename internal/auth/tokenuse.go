package auth

import (
	"context"
	"sync"
	"time"
)

// touchDelay is how long the uses of tokens are gathered before they are
// written, in one statement for all of them; touchTimeout bounds a write.
const (
	touchDelay   = time.Second
	touchTimeout = 10 * time.Second
)

// tokenUses gathers the tokens used since the last write of their "last
// used" time: a morning rush of thousands of API clients writes one UPDATE
// a second instead of one per client, and never takes a request's turn at
// the database. At most one write is in flight; uses noted meanwhile wait
// for the next. The record is a minute-grained hint for the token list, not
// evidence: a write that fails or times out is not retried, and Flush
// writes what is left when the process stops.
type tokenUses struct {
	mu    sync.Mutex
	ids   map[int64]struct{}
	at    time.Time // the latest use noted
	armed bool      // a write is scheduled or running
	write func(ctx context.Context, ids []int64, at time.Time) error
	// schedule runs the write later (nil: after touchDelay; tests run it
	// when they choose).
	schedule func(run func())
}

// note adds a use of token id at time at; the first use after a write
// schedules the next one.
func (u *tokenUses) note(id int64, at time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ids == nil {
		u.ids = map[int64]struct{}{}
	}
	u.ids[id] = struct{}{}
	if at.After(u.at) {
		u.at = at
	}
	if !u.armed {
		u.armed = true
		u.later()
	}
}

// later schedules run (u.mu held).
func (u *tokenUses) later() {
	if u.schedule != nil {
		u.schedule(u.run)
		return
	}
	time.AfterFunc(touchDelay, u.run)
}

// run writes the gathered uses, then schedules the next write if more
// came meanwhile.
func (u *tokenUses) run() {
	ids, at := u.take()
	if len(ids) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), touchTimeout)
		_ = u.write(ctx, ids, at)
		cancel()
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.ids) > 0 {
		u.later()
		return
	}
	u.armed = false
}

// take returns the gathered ids and the latest use, and forgets them.
func (u *tokenUses) take() ([]int64, time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	ids := make([]int64, 0, len(u.ids))
	for id := range u.ids {
		ids = append(ids, id)
	}
	clear(u.ids)
	return ids, u.at
}

// Flush writes the token uses not written yet (at shutdown).
func (s *Service) Flush(ctx context.Context) error {
	ids, at := s.used.take()
	if len(ids) == 0 {
		return nil
	}
	return s.st.TouchAPITokens(ctx, ids, at)
}
