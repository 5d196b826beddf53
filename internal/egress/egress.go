// Package egress builds HTTP transports that refuse to connect where a
// rule says no. The server requests URLs that tenant admins type (an SSO
// issuer and what its discovery document names, a chat webhook): without
// a check on the address each connection is made to, after name
// resolution, that is a way to make the server request itself, internal
// services or a cloud's metadata address (server-side request forgery),
// and a name that changes its answer between a check and the connection
// (DNS rebinding) would slip through a check made earlier.
//
// The rules themselves belong to their callers (internal/sso/rp,
// internal/notify); this package only applies them, in one place, to the
// address dialed and, through a proxy (an LGWAN site reaches the internet
// through one, HTTPS_PROXY), to the host's addresses before the request is
// sent, as the proxy does the connecting.
package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"syscall"
	"time"
)

// Check says why a connection for a request to host (the URL's host name,
// for allow-lists) may not be made to ip, or nil.
type Check func(host string, ip netip.Addr) error

// Refused is a connection the package itself refuses: an address it cannot
// parse, a host it cannot resolve to check. Rule errors pass through as
// the Check returned them.
type Refused struct{ Reason string }

func (e *Refused) Error() string { return e.Reason }

// IsRefused reports whether err is (or wraps) a Refused.
func IsRefused(err error) bool {
	var r *Refused
	return errors.As(err, &r)
}

// Transport turns tr into one that applies check: the proxy is taken from
// the environment, connections to the proxies in use are the operator's
// and are not checked, every other connection has its address checked
// where it is dialed (a net.Dialer Control function), and a request sent
// through a proxy has its host's addresses checked before it is sent.
func Transport(tr *http.Transport, dialTimeout time.Duration, check Check) http.RoundTripper {
	var proxies sync.Map // "host:port" of the proxies in use
	tr.Proxy = func(r *http.Request) (*url.URL, error) {
		u, err := http.ProxyFromEnvironment(r)
		if u != nil {
			proxies.Store(proxyAddr(u), true)
		}
		return u, err
	}
	base := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if _, ok := proxies.Load(addr); ok {
			return base.DialContext(ctx, network, addr)
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		d := *base
		d.Control = Control(host, check)
		return d.DialContext(ctx, network, addr)
	}
	return &proxied{next: tr, check: check}
}

// Control is a net.Dialer Control function that applies check to the
// address each connection for host is about to be made to (after name
// resolution, so a name cannot change its answer between a check and the
// connection).
func Control(host string, check Check) func(network, address string, c syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		h, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(h)
		if err != nil {
			return &Refused{Reason: fmt.Sprintf("unparsable address %q", h)}
		}
		return check(host, ip)
	}
}

// CheckHost applies check to every address host resolves to (an address
// itself is checked as it is), for a connection made where no dialer of
// ours sees the address (through a proxy). A host that cannot be resolved
// is Refused.
func CheckHost(ctx context.Context, host string, check Check) error {
	_, err := Resolve(ctx, nil, host, check)
	return err
}

// Lookup resolves a host name to its addresses (net.DefaultResolver's
// LookupNetIP with network "ip" when nil).
type Lookup func(ctx context.Context, host string) ([]netip.Addr, error)

// Resolve returns the addresses host resolves to once every one of them
// passed check, for a library that must be given an address to dial: the
// caller connects to one of these, so no second resolution can swap in
// an address that was never checked.
func Resolve(ctx context.Context, lookup Lookup, host string, check Check) ([]netip.Addr, error) {
	if lookup == nil {
		lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	addrs, err := lookup(ctx, host)
	if err != nil || len(addrs) == 0 {
		return nil, &Refused{Reason: fmt.Sprintf("cannot resolve %q to check its addresses", host)}
	}
	for i, a := range addrs {
		a = a.Unmap()
		if err := check(host, a); err != nil {
			return nil, err
		}
		addrs[i] = a
	}
	return addrs, nil
}

// proxied checks the addresses of a request's host before it goes through
// a proxy (which does the connecting, so the dialer never sees them).
type proxied struct {
	next  *http.Transport
	check Check
}

func (p *proxied) RoundTrip(r *http.Request) (*http.Response, error) {
	if u, _ := p.next.Proxy(r); u != nil {
		if err := CheckHost(r.Context(), r.URL.Hostname(), p.check); err != nil {
			return nil, err
		}
	}
	return p.next.RoundTrip(r)
}

// proxyAddr is the "host:port" a proxy URL is dialed at, with the
// scheme's default port when it names none.
func proxyAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		case "socks5", "socks5h":
			port = "1080"
		default:
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}
