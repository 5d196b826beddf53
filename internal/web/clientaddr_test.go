package web

import (
	"net/http/httptest"
	"testing"
)

// TestClientAddr: behind --trust-proxy the client is the right-most hop of
// X-Forwarded-For (then the peer) that is not one of our proxies; without
// it the header is ignored (issue 10 item 7).
func TestClientAddr(t *testing.T) {
	list, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.1, ::1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8, nginx"); err == nil {
		t.Error("a host name was accepted as a proxy address")
	}
	tests := []struct {
		trust   bool
		proxies string // "" = no list
		peer    string
		xff     []string
		want    string
	}{
		{false, "", "192.0.2.1:1234", []string{"198.51.100.7"}, "192.0.2.1"},
		{true, "", "192.0.2.1:1234", nil, "192.0.2.1"},
		{true, "", "192.0.2.1:1234", []string{"198.51.100.7"}, "198.51.100.7"},
		// A forged left-most entry is not the client.
		{true, "", "192.0.2.1:1234", []string{"203.0.113.66, 198.51.100.7"}, "198.51.100.7"},
		{true, "", "192.0.2.1:1234", []string{"203.0.113.66", "198.51.100.7"}, "198.51.100.7"},
		// Without a list only the peer is trusted: the hop it added is the client.
		{true, "", "192.0.2.1:1234", []string{"198.51.100.7, 10.1.2.3"}, "10.1.2.3"},
		// With a list our proxies' hops are skipped.
		{true, "list", "192.0.2.1:1234", []string{"203.0.113.66, 198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		// A peer not on the list is no proxy of ours: the header is ignored.
		{true, "list", "198.51.100.9:1234", []string{"203.0.113.66"}, "198.51.100.9"},
		// Every hop ours: the left-most.
		{true, "list", "[::1]:1234", []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
		// Garbage stops the walk at what was trusted so far.
		{true, "list", "192.0.2.1:1234", []string{"garbage, 10.0.0.1"}, "10.0.0.1"},
		{true, "", "192.0.2.1:1234", []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
	}
	for _, tt := range tests {
		s := &Server{cfg: Config{TrustProxy: tt.trust}}
		if tt.proxies != "" {
			s.cfg.TrustedProxies = list
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		for _, h := range tt.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := s.clientAddr(r); got != tt.want {
			t.Errorf("trust=%v list=%q peer %s XFF %q: got %s, want %s", tt.trust, tt.proxies, tt.peer, tt.xff, got, tt.want)
		}
	}
}
