package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of proxy addresses and
// CIDR ranges (--trusted-proxies, TELEWORK_TRUSTED_PROXIES), such as
// "10.0.0.5, 192.0.2.0/28".
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr is the caller's address for throttling. Without --trust-proxy
// it is the connection's peer, and X-Forwarded-For is ignored (anyone can
// write it). Behind a trusted proxy it is the right-most address of the
// chain "X-Forwarded-For entries, then the peer" that is not one of our
// proxies: each proxy appends the address it saw, so entries to the left
// of the first untrusted hop are the client's to write and are never
// believed (issue 10 item 7). With no --trusted-proxies list the peer is
// the one proxy trusted; with a list, the peer must be on it too.
func (s *Server) clientAddr(r *http.Request) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		peer = host
	}
	if !s.cfg.TrustProxy {
		return peer
	}
	pa, err := netip.ParseAddr(peer)
	if err != nil || (len(s.cfg.TrustedProxies) > 0 && !s.trusted(pa.Unmap())) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(h)
		if err != nil {
			// A hop that is not an address: stop at what we could trust.
			return client
		}
		client = a.Unmap().String()
		if !s.trusted(a.Unmap()) {
			return client
		}
	}
	return client
}
