package app

import (
	"bytes"
	"strings"
	"testing"

	"telework/internal/demo"
	"telework/internal/org"
)

// TestPrintDemoSaysWhereItListens: the demo says it listens on this
// computer only (the passwords are published), or warns when it does not.
func TestPrintDemoSaysWhereItListens(t *testing.T) {
	res := &demo.Result{Tenant: &org.Tenant{Name: "デモ市", Slug: "demo"}, Created: true}
	var b bytes.Buffer
	printDemo(&b, res, "127.0.0.1:8080", true)
	if !strings.Contains(b.String(), "このコンピュータ(127.0.0.1:8080)だけで待ち受けます") || !strings.Contains(b.String(), "--addr") ||
		!strings.Contains(b.String(), "http://127.0.0.1:8080/login?tenant=demo") {
		t.Errorf("loopback:\n%s", b.String())
	}
	b.Reset()
	printDemo(&b, res, ":8080", false)
	if !strings.Contains(b.String(), "注意: デモのアカウントのパスワードは公開されています") {
		t.Errorf("all interfaces:\n%s", b.String())
	}
	b.Reset()
	printDemo(&b, res, "localhost:9000", false)
	if strings.Contains(b.String(), "注意") {
		t.Errorf("localhost warned:\n%s", b.String())
	}
}
