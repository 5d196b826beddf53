package rp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"telework/internal/egress"
)

// Egress says which identity providers the server may connect to. A
// tenant's IT admin types the issuer URL, and the server then fetches it
// and every endpoint its discovery document names: without these rules
// that is a way to make the server request loopback or internal URLs
// (server-side request forgery).
//
//   - Only https URLs; http only with AllowHTTP, and only on the loopback
//     host.
//   - With Hosts set, only those hosts (exact names, or "*.example.jp"
//     for the subdomains of example.jp). They may resolve to private
//     addresses: an IdP inside the closed network (AD FS on the LGWAN
//     side) is why an operator lists it.
//   - Otherwise public addresses only. The check is on the address the
//     connection is made to (a net.Dialer Control function), after name
//     resolution, so a name that resolves to an internal address, or that
//     changes its answer between a check and the connection (DNS
//     rebinding), is refused too.
//   - Never loopback (except with AllowHTTP), link-local (169.254/16, the
//     cloud metadata address, fe80::/10), unspecified, multicast or
//     reserved addresses, allow-list or not.
type Egress struct {
	Hosts []string
	// AllowHTTP accepts http:// issuers on the loopback host and lets the
	// client connect to loopback addresses: for tests and trials against a
	// provider on this machine (--sso-allow-http), never for production.
	AllowHTTP bool
}

// EgressError is a URL or address the egress rules refuse. Its text names
// the rule and the host or address, nothing the provider sent.
type EgressError struct{ Reason string }

func (e *EgressError) Error() string { return "sso egress refused: " + e.Reason }

func refuse(format string, args ...any) error {
	return &EgressError{Reason: fmt.Sprintf(format, args...)}
}

// IsEgressError reports whether err is (or wraps) a refusal by the egress
// rules (or by internal/egress, which applies them).
func IsEgressError(err error) bool {
	var e *EgressError
	return errors.As(err, &e) || egress.IsRefused(err)
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// listed reports whether host is on the allow-list.
func (e Egress) listed(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range e.Hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if suffix, ok := strings.CutPrefix(h, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
		} else if host == h {
			return true
		}
	}
	return false
}

// CheckURL applies the scheme and host rules to a URL the server is about
// to request (the issuer when it is saved, and every request after).
func (e Egress) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return refuse("not an absolute URL without user info")
	}
	host := u.Hostname()
	switch u.Scheme {
	case "https":
	case "http":
		if !e.AllowHTTP || !isLoopbackHost(host) {
			return refuse("http:// is not allowed for %q (https only)", host)
		}
	default:
		return refuse("scheme %q is not allowed", u.Scheme)
	}
	if len(e.Hosts) > 0 && !e.listed(host) && !(e.AllowHTTP && isLoopbackHost(host)) {
		return refuse("host %q is not on the issuer allow-list", host)
	}
	return nil
}

// reserved are the prefixes, besides what netip classifies, that are not
// the public internet: this network, shared address space (CGNAT),
// IETF protocol assignments, benchmarking, documentation, reserved,
// NAT64 and discard.
var reserved = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "2001::/23"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// CheckAddr applies the address rules to the address a connection is
// about to be made to; listed says whether its host is on the allow-list.
func (e Egress) CheckAddr(ip netip.Addr, listed bool) error {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return refuse("no address")
	case ip.IsLoopback():
		if e.AllowHTTP {
			return nil
		}
		return refuse("%s is a loopback address", ip)
	case ip.IsUnspecified(), ip.IsMulticast(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return refuse("%s is not a unicast address of another host", ip)
	}
	private := ip.IsPrivate()
	for _, p := range reserved {
		if p.Contains(ip) {
			private = true
		}
	}
	if private && !listed {
		return refuse("%s is not a public address (list the issuer host with --sso-issuer-hosts to allow it)", ip)
	}
	return nil
}

// egressTransport builds the HTTP transport that enforces e: each
// request's URL (scheme, host) before it is sent (guard), and each
// connection's address when it is dialed or, through a proxy, before the
// request is sent (internal/egress).
func egressTransport(e Egress, timeout time.Duration) http.RoundTripper {
	tr := &http.Transport{
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}
	return &guard{e: e, next: egress.Transport(tr, timeout, func(host string, ip netip.Addr) error {
		return e.CheckAddr(ip, len(e.Hosts) > 0 && e.listed(host))
	})}
}

// maxBody bounds what is read of any answer (discovery documents and key
// sets are a few kilobytes).
const maxBody = 1 << 20

// guard checks each request against the egress rules and keeps the
// answers' bodies out of errors: a non-2xx answer reaches the OIDC and
// OAuth libraries with its body only when it is a token endpoint's JSON
// error (whose code, not its text, is logged), so that nothing a provider
// (or an internal service posing as one) sends ends up in the log.
type guard struct {
	e    Egress
	next http.RoundTripper
}

func (g *guard) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := g.e.CheckURL(r.URL.String()); err != nil {
		return nil, err
	}
	res, err := g.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	noteStatus(r.Context(), res.StatusCode)
	res.Body = &limitedBody{r: io.LimitReader(res.Body, maxBody), c: res.Body}
	if res.StatusCode/100 != 2 && r.Method == http.MethodGet {
		_ = res.Body.Close()
		res.Body = io.NopCloser(strings.NewReader(""))
	}
	return res, nil
}

type limitedBody struct {
	r io.Reader
	c io.Closer
}

func (b *limitedBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *limitedBody) Close() error               { return b.c.Close() }

// trace carries the last HTTP status of a protocol step, for the log.
type trace struct {
	mu     sync.Mutex
	status int
}

type traceKey struct{}

func withTrace(ctx context.Context) (context.Context, *trace) {
	t := &trace{}
	return context.WithValue(ctx, traceKey{}, t), t
}

func noteStatus(ctx context.Context, status int) {
	if t, ok := ctx.Value(traceKey{}).(*trace); ok {
		t.mu.Lock()
		t.status = status
		t.mu.Unlock()
	}
}

func (t *trace) last() int {
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status
}
