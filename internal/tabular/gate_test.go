package tabular

import (
	"testing"

	"telework/internal/apperr"
)

func TestGateBoundsNodeAndTenant(t *testing.T) {
	g := NewGate(3, 2)
	r1, err := g.Enter(1, 10)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := g.Enter(1, 10)
	if err != nil {
		t.Fatal(err)
	}
	// A third for tenant 1 is refused, another tenant still gets in.
	if _, err := g.Enter(1, 10); apperr.CodeOf(err) != apperr.RateLimited {
		t.Fatalf("third import of one tenant: %v, want RateLimited", err)
	} else if s, ok := IsBusy(err); !ok || s <= 0 {
		t.Fatalf("IsBusy(%v) = %d, %v", err, s, ok)
	}
	r3, err := g.Enter(2, 10)
	if err != nil {
		t.Fatal(err)
	}
	// The node is full.
	if _, err := g.Enter(3, 10); apperr.CodeOf(err) != apperr.RateLimited {
		t.Fatalf("fourth import on the node: %v, want RateLimited", err)
	}
	r1()
	r1() // a second release changes nothing
	if g.Running() != 2 {
		t.Fatalf("running %d after one release, want 2", g.Running())
	}
	r4, err := g.Enter(1, 2<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []func(){r2, r3, r4} {
		r()
	}
	if g.Running() != 0 || len(g.perTenant) != 0 {
		t.Fatalf("running %d, tenants %v after all released", g.Running(), g.perTenant)
	}
}
