package egress

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"testing"
	"time"
)

type ruleError struct{ ip netip.Addr }

func (e *ruleError) Error() string { return e.ip.String() + " refused" }

func TestTransportChecksTheAddressDialed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	cases := []struct {
		name   string
		target string // the URL requested: the address, or a name that resolves to it
		allow  bool
	}{
		{"address allowed", srv.URL, true},
		{"address refused", srv.URL, false},
		{"name resolved, then refused", "http://localhost:" + u.Port(), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var seen []string
			tr := Transport(&http.Transport{}, 2*time.Second, func(host string, ip netip.Addr) error {
				seen = append(seen, host+" "+ip.String())
				if !c.allow {
					return &ruleError{ip}
				}
				return nil
			})
			res, err := (&http.Client{Transport: tr}).Get(c.target)
			if c.allow {
				if err != nil || res.StatusCode != http.StatusNoContent {
					t.Fatalf("allowed request: %v %v", res, err)
				}
				res.Body.Close()
			} else {
				var re *ruleError
				if !errors.As(err, &re) || !re.ip.IsLoopback() {
					t.Fatalf("refused request: got %v, want the rule's error", err)
				}
			}
			if len(seen) == 0 {
				t.Fatal("the check was not called for the connection")
			}
		})
	}
}

func TestProxyAddrDefaultsToTheSchemesPort(t *testing.T) {
	for raw, want := range map[string]string{
		"http://proxy.lgwan.example":      "proxy.lgwan.example:80",
		"https://proxy.lgwan.example":     "proxy.lgwan.example:443",
		"socks5://proxy.lgwan.example":    "proxy.lgwan.example:1080",
		"socks5h://proxy.lgwan.example":   "proxy.lgwan.example:1080",
		"http://proxy.lgwan.example:8080": "proxy.lgwan.example:8080",
		"http://[2001:db8::1]:3128":       "[2001:db8::1]:3128",
		"http://[2001:db8::1]":            "[2001:db8::1]:80",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := proxyAddr(u); got != want {
			t.Errorf("proxyAddr(%s) = %s, want %s", raw, got, want)
		}
	}
}

func TestRefusedIsFoundThroughWrapping(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://x", Err: &Refused{Reason: "unparsable address"}}
	if !IsRefused(err) || IsRefused(errors.New("other")) {
		t.Fatal("IsRefused must see a wrapped Refused and nothing else")
	}
}
