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

// TestPrintDemoOnAnExistingDatabase: a second start says the demo tenant
// is already there in plain Japanese, and that the passwords listed are
// those set at creation (they may have been changed since).
func TestPrintDemoOnAnExistingDatabase(t *testing.T) {
	for _, c := range []struct {
		created bool
		want    []string
		not     []string
	}{
		{true, []string{"デモ団体 デモ市 (団体コード demo) を作成しました"}, []string{"既に", "作成時のもの"}},
		{false, []string{"デモ団体 デモ市 (団体コード demo) は既にあります", "パスワードは作成時のものです"}, []string{"を既に", "を作成しました"}},
	} {
		var b bytes.Buffer
		printDemo(&b, &demo.Result{Tenant: &org.Tenant{Name: "デモ市", Slug: "demo"}, Created: c.created}, "127.0.0.1:8080", true)
		for _, s := range c.want {
			if !strings.Contains(b.String(), s) {
				t.Errorf("created=%v lacks %q:\n%s", c.created, s, b.String())
			}
		}
		for _, s := range c.not {
			if strings.Contains(b.String(), s) {
				t.Errorf("created=%v says %q:\n%s", c.created, s, b.String())
			}
		}
	}
}
