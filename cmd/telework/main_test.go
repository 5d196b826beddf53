package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"serve", "-h"}, {"migrate", "-h"}, {"tenant", "create", "-h"}, {"tenant", "list", "-h"},
		{"user", "create", "-h"}, {"user", "reset-password", "-h"}, {"audit", "verify", "-h"}, {"version", "-h"},
		{"token", "create", "-h"}, {"token", "list", "-h"}, {"token", "revoke", "-h"}, {"roster", "solve", "-h"}} {
		code, _, errb := cli(t, args...)
		if code != 0 || !strings.Contains(errb, "usage: telework") {
			t.Errorf("%v: exit %d, help %q", args, code, errb)
		}
	}
	if code, _, _ := cli(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
}

func TestTenantUserAndAuditVerify(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			dsn := storetest.DSN(t, eng)
			code, out, errb := cli(t, "tenant", "create", "--db", dsn, "--slug", "ibaraki", "--name", "茨城県", "--kind", "prefecture",
				"--staff-size", "6400", "--general-admin-staff", "5000", "--admin-login", "jinji01", "--policy-template", "ibaraki")
			if code != 0 || !strings.Contains(out, "仮パスワード") {
				t.Fatalf("tenant create: %d %s %s", code, out, errb)
			}
			// Bad input names the flag and the rule, and changes nothing.
			code, _, errb = cli(t, "tenant", "create", "--db", dsn, "--slug", "Bad Slug", "--name", "", "--kind", "village")
			if code != 2 || !strings.Contains(errb, "--slug") || !strings.Contains(errb, "「団体名」") && !strings.Contains(errb, "--name") {
				t.Errorf("bad tenant: %d %s", code, errb)
			}
			code, _, errb = cli(t, "tenant", "create", "--db", dsn, "--slug", "ibaraki", "--name", "二重", "--kind", "prefecture")
			if code != 1 || !strings.Contains(errb, "すでに使われています") {
				t.Errorf("duplicate slug: %d %s", code, errb)
			}
			code, out, _ = cli(t, "user", "create", "--db", dsn, "--tenant", "ibaraki", "--login", "kansa", "--roles", "auditor")
			if code != 0 || !strings.Contains(out, "kansa") {
				t.Fatalf("user create: %d %s", code, out)
			}
			if code, _, _ := cli(t, "user", "create", "--db", dsn, "--tenant", "ibaraki", "--login", "x", "--roles", "emperor"); code != 2 {
				t.Errorf("bad role accepted: %d", code)
			}
			code, out, _ = cli(t, "user", "reset-password", "--db", dsn, "--tenant", "ibaraki", "--login", "kansa")
			if code != 0 || !strings.Contains(out, "temporary password") {
				t.Errorf("reset: %d %s", code, out)
			}
			code, out, _ = cli(t, "audit", "verify", "--db", dsn)
			if code != 0 || !strings.Contains(out, "OK") {
				t.Fatalf("verify intact: %d %s", code, out)
			}

			// Tamper behind the application's back: edit one entry, then delete one.
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			exec := func(q string) {
				if _, err := db.SQL.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if eng == store.Postgres {
				exec(`ALTER TABLE audit_log DISABLE TRIGGER USER`)
			} else {
				exec(`DROP TRIGGER audit_log_no_update`)
				exec(`DROP TRIGGER audit_log_no_delete`)
			}
			var tid int64
			if err := db.SQL.QueryRow(`SELECT id FROM tenants WHERE slug = 'ibaraki'`).Scan(&tid); err != nil {
				t.Fatal(err)
			}
			exec(fmt.Sprintf(`UPDATE audit_log SET actor_label = 'someone-else' WHERE tenant_id = %d AND seq = 2`, tid))
			code, out, _ = cli(t, "audit", "verify", "--db", dsn, "--tenant", "ibaraki")
			if code != 1 || !strings.Contains(out, "BROKEN at seq 2") {
				t.Errorf("edited entry: exit %d\n%s", code, out)
			}
			exec(fmt.Sprintf(`UPDATE audit_log SET actor_label = 'cli' WHERE tenant_id = %d AND seq = 2`, tid))
			exec(fmt.Sprintf(`DELETE FROM audit_log WHERE tenant_id = %d AND seq = 3`, tid))
			code, out, _ = cli(t, "audit", "verify", "--db", dsn)
			if code != 1 || !strings.Contains(out, "BROKEN at seq 3") || !strings.Contains(out, "missing") {
				t.Errorf("deleted entry: exit %d\n%s", code, out)
			}
		})
	}
}

// TestGracefulShutdown runs the real binary, starts a request, sends
// SIGTERM while its body is still arriving, and checks that the request is
// answered and the process then exits cleanly. Each step waits for what
// the server reports (the in-flight gauge, the shutdown log line), never
// for a fixed time.
func TestGracefulShutdown(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "telework")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", filepath.Join(t.TempDir(), "g.db"))
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitReady(t, addr)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "tenant=demo&login_id=someone&password=secret-value"
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:10])
	// The sign-in is in flight once its handler runs (the gauge counts it
	// and the /metrics request that reads it).
	waitFor(t, "the sign-in request to be in flight", func() bool {
		res, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return strings.Contains(string(b), "telework_http_requests_in_flight 2")
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the shutdown log line", func() bool { return strings.Contains(logs.String(), "finishing requests in flight") })
	fmt.Fprint(conn, body[10:])
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 401") {
		t.Fatalf("in-flight request: %q %v\n%s", status, err, logs.String())
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("shutdown not logged:\n%s", logs.String())
	}
}

// lockedBuffer is a log sink the test reads while the process writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond until it holds, failing after 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitReady(t *testing.T, addr string) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server at %s did not come up", addr)
}

// TestCLIText: a coded error reaches the operator as its message, not as
// its code and key.
func TestCLIText(t *testing.T) {
	err := fmt.Errorf("トークン 9 を取り消せません / cannot revoke token 9: %w", apperr.NotFoundErr("token"))
	got := cliText(err)
	if strings.Contains(got, "error.not_found") || !strings.Contains(got, "取り消せません") || !strings.Contains(got, "Not found") {
		t.Errorf("cliText = %q", got)
	}
	if got := cliText(errors.New("plain")); got != "plain" {
		t.Errorf("a plain error: %q", got)
	}
}
