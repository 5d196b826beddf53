package main

import (
	"flag"
	"io"
	"testing"
)

// TestDemoListensOnLoopback: `serve --demo` listens on 127.0.0.1 unless an
// address is given (--addr or TELEWORK_ADDR); without --demo the default
// is unchanged.
func TestDemoListensOnLoopback(t *testing.T) {
	parse := func(args ...string) (string, bool) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		addr := fs.String("addr", envOr("TELEWORK_ADDR", ":8080"), "")
		demo := fs.Bool("demo", false, "")
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return demoListen(*addr, addrGiven(fs), *demo)
	}
	t.Setenv("TELEWORK_ADDR", "")
	if a, lo := parse("--demo"); a != "127.0.0.1:8080" || !lo {
		t.Errorf("--demo: %s %v", a, lo)
	}
	if a, lo := parse("--demo", "--addr", ":9090"); a != ":9090" || lo {
		t.Errorf("--demo --addr :9090: %s %v", a, lo)
	}
	if a, lo := parse(); a != ":8080" || lo {
		t.Errorf("no demo: %s %v", a, lo)
	}
	t.Setenv("TELEWORK_ADDR", "0.0.0.0:8081")
	if a, lo := parse("--demo"); a != "0.0.0.0:8081" || lo {
		t.Errorf("--demo with TELEWORK_ADDR: %s %v", a, lo)
	}
}
