package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"telework/internal/presence"
)

// presenceChannel is the PostgreSQL NOTIFY channel of presence changes;
// the payload is "tenant:staff" (ids only, never a state).
const presenceChannel = "telework_presence"

// PresenceHub is the presence hub across app nodes on PostgreSQL: Publish
// sends NOTIFY, one listening connection per node fans the notifications
// out to this node's boards. On SQLite (one node) it is the local hub.
type PresenceHub struct {
	db    *DB
	local *presence.LocalHub
	ctx   context.Context
	once  sync.Once
	// ready is closed once the listener has run LISTEN for the first time.
	ready     chan struct{}
	readyOnce sync.Once
}

// listenWait bounds how long the first board waits for the listener.
const listenWait = 5 * time.Second

var _ presence.Hub = (*PresenceHub)(nil)

// NewPresenceHub returns the hub. On PostgreSQL it starts listening with
// the first board that subscribes, until ctx ends or the database is
// closed, reconnecting after a lost connection.
func NewPresenceHub(ctx context.Context, db *DB) *PresenceHub {
	return &PresenceHub{db: db, local: presence.NewLocalHub(), ctx: ctx, ready: make(chan struct{})}
}

// Publish tells every node's boards of the tenant.
func (h *PresenceHub) Publish(ctx context.Context, tenantID, staffID int64) {
	if h.db.Engine != Postgres {
		h.local.Publish(ctx, tenantID, staffID)
		return
	}
	payload := strconv.FormatInt(tenantID, 10) + ":" + strconv.FormatInt(staffID, 10)
	if _, err := h.db.SQL.ExecContext(ctx, `SELECT pg_notify($1, $2)`, presenceChannel, payload); err != nil {
		// The change is saved; boards see it on their next reload.
		h.local.Publish(ctx, tenantID, staffID)
	}
}

// Subscribe registers a board of the tenant on this node. On PostgreSQL
// the first board waits (at most listenWait) until the node listens, so
// that every change after the board's stream has opened reaches it.
func (h *PresenceHub) Subscribe(tenantID int64) (<-chan int64, func()) {
	ch, stop := h.local.Subscribe(tenantID)
	if h.db.Engine == Postgres {
		h.once.Do(func() { go h.listen(h.ctx) })
		select {
		case <-h.ready:
		case <-time.After(listenWait):
		}
	}
	return ch, stop
}

func (h *PresenceHub) listen(ctx context.Context) {
	for ctx.Err() == nil {
		err := h.listenOnce(ctx)
		if ctx.Err() != nil || err != nil && strings.Contains(err.Error(), "database is closed") {
			return
		}
		slog.Warn("presence listener stopped; reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (h *PresenceHub) listenOnce(ctx context.Context) error {
	conn, err := h.db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	// The connection is taken out of the pool for good: LISTEN state
	// must not leak to other users of a pooled connection.
	defer func() { _ = conn.Raw(func(any) error { return driver.ErrBadConn }); _ = conn.Close() }()
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: presence listener: not a pgx connection")
		}
		c := pc.Conn()
		if _, err := c.Exec(ctx, "LISTEN "+presenceChannel); err != nil {
			return err
		}
		h.readyOnce.Do(func() { close(h.ready) })
		for {
			n, err := c.WaitForNotification(ctx)
			if err != nil {
				return err
			}
			h.deliver(ctx, n)
		}
	})
}

func (h *PresenceHub) deliver(ctx context.Context, n *pgconn.Notification) {
	t, s, ok := strings.Cut(n.Payload, ":")
	if !ok {
		return
	}
	tenantID, err1 := strconv.ParseInt(t, 10, 64)
	staffID, err2 := strconv.ParseInt(s, 10, 64)
	if err1 == nil && err2 == nil {
		h.local.Publish(ctx, tenantID, staffID)
	}
}
