package notify

import (
	"fmt"
	"net/netip"
	"strings"
)

// Where chat webhooks may post. A tenant's IT admin types the URL and the
// server then posts to it: without these rules that is a way to make the
// server send requests to itself or to a cloud's metadata service
// (server-side request forgery). Refused, at save time (an address typed
// as the host, or "localhost") and again for every address a connection
// is made to (after name resolution: a name can point anywhere):
// loopback (unless the operator allows it, --webhook-allow-loopback, for
// tests and a chat bridge on the same machine), link-local (169.254/16,
// fe80::/10), unspecified (0.0.0.0, ::) and multicast addresses. Private
// ranges (10/8, 172.16/12, 192.168/16) stay allowed: LGWAN chat bridges
// live there. Redirects are never followed (internal/notify/send).

// CheckWebhookAddr says why a connection to ip is refused, or nil.
func CheckWebhookAddr(ip netip.Addr, allowLoopback bool) error {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return fmt.Errorf("no address")
	case ip.IsLoopback():
		if allowLoopback {
			return nil
		}
		return fmt.Errorf("%s is a loopback address (this server itself; an operator may allow it with --webhook-allow-loopback)", ip)
	case ip.IsUnspecified():
		return fmt.Errorf("%s is the unspecified address", ip)
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return fmt.Errorf("%s is a link-local address (such as a cloud metadata service)", ip)
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return fmt.Errorf("%s is a multicast address", ip)
	}
	return nil
}

// CheckWebhookHost applies CheckWebhookAddr to a URL's host when it is an
// address, and treats "localhost" as loopback; other names are checked
// when they are resolved, at each delivery.
func CheckWebhookHost(host string, allowLoopback bool) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return CheckWebhookAddr(netip.IPv6Loopback(), allowLoopback)
	}
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err != nil {
		// An address in one of the old numeric forms a resolver may still
		// take (127.1, 2130706433, 0x7f000001, 0177.0.0.1) is not a name:
		// no top-level domain is numeric. Refused at save time rather than
		// left to fail at every delivery (a review).
		last := h[strings.LastIndex(h, ".")+1:]
		if last != "" && strings.Trim(strings.TrimPrefix(last, "0x"), "0123456789abcdef") == "" &&
			(strings.HasPrefix(last, "0x") || strings.Trim(last, "0123456789") == "") {
			return fmt.Errorf("%s is an address in a numeric form other than a.b.c.d; write it as a.b.c.d or use a name", host)
		}
		return nil
	}
	return CheckWebhookAddr(ip, allowLoopback)
}

// CheckMailAddr says why a connection to the tenant's mail server at ip is
// refused, or nil: the webhook rules with loopback allowed (a relay on
// the same machine is the usual set-up, docs/notifications.md) — link-local
// (a cloud's metadata service), unspecified and multicast addresses are
// no mail server, and answering with their errors would let a tenant
// admin probe them (a review). Private ranges stay allowed: LGWAN relays.
func CheckMailAddr(ip netip.Addr) error { return CheckWebhookAddr(ip, true) }
