// Package testnodes runs the real telework binary as several app nodes on
// one database, with nginx in front, for the multi-node integration test
// (integration/) and the throughput benchmark (bench/). It owns only test
// plumbing: building the binary, starting and stopping the processes it
// started (by their own PIDs, never by name), signing in, and reading a
// process's CPU time from /proc.
package testnodes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Build compiles the telework binary once into a temporary directory and
// returns its path. It runs from any directory inside the module.
func Build(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "telework")
	cmd := exec.Command("go", "build", "-o", bin, "telework/cmd/telework")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// FreeAddr returns a loopback address with a port that was free a moment
// ago.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is one child process with its output in files, so that a chatty
// server costs the test process nothing while it runs.
type proc struct {
	name    string
	cmd     *exec.Cmd
	stderr  string
	stdout  string
	done    chan struct{}
	waitErr error
}

func startProc(tb testing.TB, name string, dir string, bin string, args ...string) *proc {
	return startProcEnv(tb, name, dir, nil, bin, args...)
}

// startProcEnv is startProc with env added to the test's environment.
func startProcEnv(tb testing.TB, name string, dir string, env []string, bin string, args ...string) *proc {
	tb.Helper()
	p := &proc{name: name, stderr: filepath.Join(dir, name+".stderr"), stdout: filepath.Join(dir, name+".stdout"), done: make(chan struct{})}
	errf, err := os.Create(p.stderr)
	if err != nil {
		tb.Fatal(err)
	}
	outf, err := os.Create(p.stdout)
	if err != nil {
		errf.Close()
		tb.Fatal(err)
	}
	p.cmd = exec.Command(bin, args...)
	if len(env) > 0 {
		p.cmd.Env = append(os.Environ(), env...)
	}
	p.cmd.Stderr, p.cmd.Stdout = errf, outf
	err = p.cmd.Start()
	// The child holds its own descriptors now.
	errf.Close()
	outf.Close()
	if err != nil {
		tb.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig to the process this package started, waits up to grace,
// then kills it. It returns the exit error (nil for a clean exit).
func (p *proc) stop(sig os.Signal, grace time.Duration) error {
	if !p.exited() {
		_ = p.cmd.Process.Signal(sig)
		select {
		case <-p.done:
		case <-time.After(grace):
			_ = p.cmd.Process.Kill()
			<-p.done
			return fmt.Errorf("%s (pid %d) did not stop within %s after %v; killed", p.name, p.cmd.Process.Pid, grace, sig)
		}
	}
	return p.waitErr
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// Node is one `telework serve` process.
type Node struct {
	Name string
	Addr string // 127.0.0.1:port
	p    *proc
}

// StartNode starts `telework serve --db dsn --addr ADDR --trust-proxy` plus
// extra arguments, without waiting for it; see WaitReady. The node is
// stopped with SIGTERM at cleanup.
func StartNode(tb testing.TB, bin, name, dsn string, extra ...string) *Node {
	tb.Helper()
	return StartNodeEnv(tb, bin, name, dsn, nil, extra...)
}

// StartNodeEnv is StartNode with env ("KEY=value") added to the node's
// environment (TELEWORK_DELIVERY_LEASE, SSL_CERT_FILE for a test mail
// server's certificate, …).
func StartNodeEnv(tb testing.TB, bin, name, dsn string, env []string, extra ...string) *Node {
	tb.Helper()
	addr := FreeAddr(tb)
	args := append([]string{"serve", "--db", dsn, "--addr", addr, "--trust-proxy"}, extra...)
	n := &Node{Name: name, Addr: addr, p: startProcEnv(tb, name, tb.TempDir(), env, bin, args...)}
	tb.Cleanup(func() {
		if err := n.Stop(); err != nil {
			tb.Logf("%s: %v", name, err)
		}
	})
	return n
}

// URL is the node's base URL.
func (n *Node) URL() string { return "http://" + n.Addr }

// PID is the node's process id.
func (n *Node) PID() int { return n.p.cmd.Process.Pid }

// Logs returns what the node wrote to stderr so far (JSON lines).
func (n *Node) Logs() string { return readFile(n.p.stderr) }

// Stdout returns what the node printed for people (the demo accounts).
func (n *Node) Stdout() string { return readFile(n.p.stdout) }

// Exited reports whether the process has ended.
func (n *Node) Exited() bool { return n.p.exited() }

// Stop ends the node gracefully (SIGTERM; it finishes requests in flight
// for up to 20 s) and returns its exit error.
func (n *Node) Stop() error { return n.p.stop(syscall.SIGTERM, 25*time.Second) }

// Kill ends the node with SIGKILL, as a crash or power loss would: it
// finishes nothing and records nothing more. It waits until the process
// has gone.
func (n *Node) Kill() {
	if !n.p.exited() {
		_ = n.p.cmd.Process.Kill()
	}
	<-n.p.done
}

// WaitReady waits until every node answers 200 on /readyz, failing the test
// when one exits or the time is up.
func WaitReady(tb testing.TB, timeout time.Duration, nodes ...*Node) {
	tb.Helper()
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for _, n := range nodes {
		for {
			if n.Exited() {
				tb.Fatalf("%s exited before it was ready (%v)\nstderr:\n%s\nstdout:\n%s", n.Name, n.p.waitErr, n.Logs(), n.Stdout())
			}
			res, err := c.Get(n.URL() + "/readyz")
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				tb.Fatalf("%s not ready after %s\nstderr:\n%s", n.Name, timeout, n.Logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// NginxBinary returns the nginx executable, or "" when nginx is not
// installed. Debian installs it in /usr/sbin, which is not on every PATH.
func NginxBinary() string {
	if fi, err := os.Stat("/usr/sbin/nginx"); err == nil && !fi.IsDir() {
		return "/usr/sbin/nginx"
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	return ""
}

// RequireNginx returns the nginx executable, or skips the test when it is
// missing; with TELEWORK_REQUIRE_NGINX=1 (set by scripts/test) it fails
// instead, so the suite cannot pass by leaving the proxy out.
func RequireNginx(tb testing.TB) string {
	tb.Helper()
	bin := NginxBinary()
	if bin == "" {
		if os.Getenv("TELEWORK_REQUIRE_NGINX") == "1" {
			tb.Fatal("nginx is not installed but TELEWORK_REQUIRE_NGINX=1: run ./scripts/test, which installs it (Debian package nginx)")
		}
		tb.Skip("nginx not installed (Debian package nginx; ./scripts/test installs it)")
	}
	return bin
}

// NginxOptions tunes the proxy; the zero value is the configuration shown
// in docs/operations.md.
type NginxOptions struct {
	// Workers is worker_processes (default 1).
	Workers int
	// Keepalive, when > 0, keeps that many idle connections per worker to
	// the upstreams (keepalive N with HTTP/1.1 to the app nodes).
	Keepalive int
	// AccessLog off leaves out the access log (it is on by default).
	NoAccessLog bool
}

// Nginx is one nginx master process (daemon off) with its workers.
type Nginx struct {
	Addr string
	Dir  string // prefix: config, logs, temp files
	p    *proc
}

// StartNginx writes a configuration into a temporary directory and starts
// nginx in the foreground, round-robin over upstreams. All its files
// (pid, logs, temp paths) live in that directory, so it runs as root
// without touching /var. It is stopped by its PID at cleanup.
func StartNginx(tb testing.TB, bin string, upstreams []string, opt NginxOptions) *Nginx {
	tb.Helper()
	dir := tb.TempDir()
	if opt.Workers <= 0 {
		opt.Workers = 1
	}
	addr := FreeAddr(tb)
	var b strings.Builder
	b.WriteString("daemon off;\nmaster_process on;\n")
	fmt.Fprintf(&b, "worker_processes %d;\n", opt.Workers)
	if os.Geteuid() == 0 {
		// Workers would otherwise drop to nobody, who cannot enter the
		// test's private temp directory for proxy buffers.
		b.WriteString("user root;\n")
	}
	fmt.Fprintf(&b, "pid %s;\nerror_log %s warn;\n", filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"))
	b.WriteString("events { worker_connections 1024; }\nhttp {\n")
	for _, kv := range [][2]string{{"client_body_temp_path", "client_body"}, {"proxy_temp_path", "proxy"},
		{"fastcgi_temp_path", "fastcgi"}, {"uwsgi_temp_path", "uwsgi"}, {"scgi_temp_path", "scgi"}} {
		fmt.Fprintf(&b, "  %s %s;\n", kv[0], filepath.Join(dir, kv[1]))
	}
	if opt.NoAccessLog {
		b.WriteString("  access_log off;\n")
	} else {
		fmt.Fprintf(&b, "  access_log %s;\n", filepath.Join(dir, "access.log"))
	}
	b.WriteString("  upstream telework {\n")
	for _, u := range upstreams {
		fmt.Fprintf(&b, "    server %s;\n", u)
	}
	if opt.Keepalive > 0 {
		fmt.Fprintf(&b, "    keepalive %d;\n", opt.Keepalive)
	}
	b.WriteString("  }\n")
	fmt.Fprintf(&b, "  server {\n    listen %s;\n    location / {\n      proxy_pass http://telework;\n", addr)
	if opt.Keepalive > 0 {
		b.WriteString("      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n")
	}
	b.WriteString("      proxy_set_header Host $host;\n      proxy_set_header X-Forwarded-For $remote_addr;\n" +
		"      proxy_set_header X-Forwarded-Proto $scheme;\n    }\n  }\n}\n")
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	// -e: the error log before the configuration is read (else nginx opens
	// its compiled-in /var/log/nginx/error.log first).
	if out, err := exec.Command(bin, "-t", "-q", "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf).CombinedOutput(); err != nil {
		tb.Fatalf("nginx -t: %v\n%s\n%s", err, out, b.String())
	}
	ng := &Nginx{Addr: addr, Dir: dir, p: startProc(tb, "nginx", dir, bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf)}
	tb.Cleanup(func() {
		// SIGQUIT: graceful shutdown of the master and its workers.
		if err := ng.p.stop(syscall.SIGQUIT, 10*time.Second); err != nil {
			tb.Logf("nginx: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ng.p.exited() {
			tb.Fatalf("nginx exited: %v\n%s", ng.p.waitErr, ng.ErrorLog())
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("nginx did not listen on %s\n%s", addr, ng.ErrorLog())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ng
}

// URL is the proxy's base URL.
func (ng *Nginx) URL() string { return "http://" + ng.Addr }

// PIDs returns the master's PID and its workers'.
func (ng *Nginx) PIDs() []int {
	master := ng.p.cmd.Process.Pid
	return append([]int{master}, Children(master)...)
}

// ErrorLog returns nginx's error log.
func (ng *Nginx) ErrorLog() string { return readFile(filepath.Join(ng.Dir, "error.log")) }

// Children lists the direct children of pid (Linux).
func Children(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// ParentPID returns the parent of pid (Linux).
func ParentPID(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	return strconv.Atoi(f[1])
}

// ClockTick is the unit of utime and stime in /proc/PID/stat (USER_HZ,
// 100 on Linux for every architecture Go supports).
const ClockTick = 10 * time.Millisecond

// CPUTime is the user plus system time a process has used so far, from
// /proc/PID/stat.
func CPUTime(pid int) (time.Duration, error) {
	own, _, err := cpuTimes(pid)
	return own, err
}

// CPUTimeWithChildren is CPUTime plus the time of the process's children
// that have exited and been waited for (cutime and cstime): for the
// PostgreSQL server, the backends that have already gone.
func CPUTimeWithChildren(pid int) (time.Duration, error) {
	own, reaped, err := cpuTimes(pid)
	return own + reaped, err
}

func cpuTimes(pid int) (own, reaped time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name (field 2) may hold spaces; the fields after it
	// start at the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): utime, stime, cutime, cstime are fields
	// 14 to 17.
	if len(f) < 15 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	var v [4]int64
	var errs []error
	for k := range v {
		v[k], err = strconv.ParseInt(f[11+k], 10, 64)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return 0, 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(v[0]+v[1]) * ClockTick, time.Duration(v[2]+v[3]) * ClockTick, nil
}

// Metric returns the sum of the samples of a Prometheus metric (every label
// set) from the text at base+"/metrics", or -1 when it is absent.
func Metric(base, name string) float64 {
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(base + "/metrics")
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return -1
	}
	sum, found := 0.0, false
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, name) || len(line) == len(name) || (line[len(name)] != ' ' && line[len(name)] != '{') {
			continue
		}
		fs := strings.Fields(line)
		if v, err := strconv.ParseFloat(fs[len(fs)-1], 64); err == nil {
			sum, found = sum+v, true
		}
	}
	if !found {
		return -1
	}
	return sum
}

// NoRedirect is a client that returns redirects instead of following them.
func NoRedirect(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// SessionCookie is the name of the sign-in cookie.
const SessionCookie = "telework_session"

// Login signs in at base (a node or the proxy) with a form post, as a
// browser would, and returns the session cookie.
func Login(tb testing.TB, base, tenant, login, password string) *http.Cookie {
	tb.Helper()
	form := url.Values{"tenant": {tenant}, "login_id": {login}, "password": {password}}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := NoRedirect(15 * time.Second).Do(req)
	if err != nil {
		tb.Fatalf("login at %s: %v", base, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		tb.Fatalf("login at %s: status %d\n%.2000s", base, res.StatusCode, body)
	}
	for _, c := range res.Cookies() {
		if c.Name == SessionCookie && c.Value != "" {
			return c
		}
	}
	tb.Fatalf("login at %s: no %s cookie", base, SessionCookie)
	return nil
}

// Percentile returns the p-th percentile (0–100, nearest rank) of sorted
// durations.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// SortDurations sorts d in place and returns it.
func SortDurations(d []time.Duration) []time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d
}
