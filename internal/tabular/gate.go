package tabular

import (
	"runtime/debug"
	"sync"
	"time"

	"telework/internal/apperr"
)

// Gate admits a bounded number of imports at once: one node serves every
// tenant, and reading, planning and writing a large file holds a CPU and
// tens of MB for seconds, so at most Node imports run on the node and at
// most Tenant for one tenant. One more is refused at once (RateLimited,
// "upload.busy" with the seconds to wait) rather than queued: the person
// sees 「混み合っています」 and the API client a 429 with Retry-After.
//
// When the last import of a large file ends, the memory it used is handed
// back to the operating system (debug.FreeOSMemory), so a node's resident
// size returns to its idle level instead of staying at its peak.
type Gate struct {
	node, tenant int
	mu           sync.Mutex
	running      int
	perTenant    map[int64]int
	freeLater    bool
}

// Default admission of NewGate(0, 0).
const (
	DefaultNodeImports   = 4
	DefaultTenantImports = 2
	// BusyRetryAfter is what a refused import is told to wait.
	BusyRetryAfter = 15 * time.Second
	// largeUpload is the file size from which memory is returned after
	// the import.
	largeUpload = 1 << 20
)

// NewGate admits node imports at once on this node and tenant per tenant
// (0 for the defaults).
func NewGate(node, tenant int) *Gate {
	if node <= 0 {
		node = DefaultNodeImports
	}
	if tenant <= 0 {
		tenant = DefaultTenantImports
	}
	return &Gate{node: node, tenant: min(tenant, node), perTenant: map[int64]int{}}
}

// Enter admits an import of size bytes for tenantID (0 for the operator's
// own imports), or refuses it with upload.busy. The caller calls release
// exactly once when the import is done.
func (g *Gate) Enter(tenantID int64, size int) (release func(), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running >= g.node || g.perTenant[tenantID] >= g.tenant {
		return nil, &apperr.Error{Code: apperr.RateLimited, Key: "upload.busy",
			Args: map[string]any{"Seconds": int(BusyRetryAfter / time.Second), "Node": g.node, "Tenant": g.tenant}}
	}
	g.running++
	g.perTenant[tenantID]++
	var once sync.Once
	return func() { once.Do(func() { g.leave(tenantID, size) }) }, nil
}

func (g *Gate) leave(tenantID int64, size int) {
	g.mu.Lock()
	g.running--
	if g.perTenant[tenantID]--; g.perTenant[tenantID] <= 0 {
		delete(g.perTenant, tenantID)
	}
	g.freeLater = g.freeLater || size >= largeUpload
	free := g.freeLater && g.running == 0
	if free {
		g.freeLater = false
	}
	g.mu.Unlock()
	if free {
		debug.FreeOSMemory()
	}
}

// Running is the number of imports running now (for tests and metrics).
func (g *Gate) Running() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.running
}

// IsBusy reports a refusal of Enter and the seconds to wait.
func IsBusy(err error) (retryAfter int, ok bool) {
	e := apperr.As(err)
	if e == nil || e.Key != "upload.busy" {
		return 0, false
	}
	s, _ := e.Args["Seconds"].(int)
	return s, true
}
