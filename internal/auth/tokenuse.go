package auth

import (
	"sync"
	"time"
)

// touchDelay is how long the uses of tokens are gathered before they are
// written, in one statement for all of them.
const touchDelay = time.Second

// tokenUses gathers the tokens used since the last write of their "last
// used" time: a morning rush of thousands of API clients writes one UPDATE
// a second instead of one per client, and never takes a request's turn
// at the database. A use noted while the process stops is lost; the
// record is a minute-grained hint for the token list, not evidence.
type tokenUses struct {
	mu    sync.Mutex
	ids   map[int64]struct{}
	armed bool // a write is scheduled
	// schedule runs the write later (nil: after touchDelay; tests run it
	// when they choose).
	schedule func(write func())
}

// note adds a use of token id; the first use after a write schedules the
// next one (write gets the ids, after touchDelay).
func (u *tokenUses) note(id int64, write func(ids []int64)) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ids == nil {
		u.ids = map[int64]struct{}{}
	}
	u.ids[id] = struct{}{}
	if u.armed {
		return
	}
	u.armed = true
	run := func() { write(u.take()) }
	if u.schedule != nil {
		u.schedule(run)
		return
	}
	time.AfterFunc(touchDelay, run)
}

// take returns the gathered ids and lets the next use schedule a write.
func (u *tokenUses) take() []int64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	ids := make([]int64, 0, len(u.ids))
	for id := range u.ids {
		ids = append(ids, id)
	}
	clear(u.ids)
	u.armed = false
	return ids
}
