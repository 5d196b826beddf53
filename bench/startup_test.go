package bench

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStartupFootprint reports, for `telework serve` on an empty SQLite
// file: the binary size, the time from exec to the first 200 from /readyz
// (migrations included), and the resident memory after the server has been
// idle. Targets (issue 3): ready < 1 s, binary < 40 MB, idle RSS < 60 MB.
// It only reports; run with TELEWORK_BENCH=1.
func TestStartupFootprint(t *testing.T) {
	if os.Getenv("TELEWORK_BENCH") != "1" {
		t.Skip("set TELEWORK_BENCH=1 to measure start-up")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "telework")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "../cmd/telework")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("binary size (-s -w): %.1f MB", float64(fi.Size())/1e6)

	var readies []time.Duration
	var rss []int
	for i := range 5 {
		addr := startupFreeAddr(t)
		db := filepath.Join(dir, "empty"+string(rune('a'+i))+".db")
		start := time.Now()
		cmd := exec.Command(bin, "serve", "--addr", addr, "--db", db, "--log-level", "warn")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := time.Duration(0)
		for time.Since(start) < 10*time.Second {
			res, err := http.Get("http://" + addr + "/readyz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					ready = time.Since(start)
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
		if ready == 0 {
			cmd.Process.Kill()
			t.Fatal("server never became ready")
		}
		readies = append(readies, ready)
		// A few pages, then idle, as after a quiet morning.
		for _, p := range []string{"/login", "/static/app.css", "/healthz"} {
			if res, err := http.Get("http://" + addr + p); err == nil {
				res.Body.Close()
			}
		}
		time.Sleep(2 * time.Second)
		rss = append(rss, vmRSSKiB(t, cmd.Process.Pid))
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}
	sort.Slice(readies, func(i, j int) bool { return readies[i] < readies[j] })
	sort.Ints(rss)
	t.Logf("ready after exec (5 runs): min %v, median %v, max %v", readies[0], readies[2], readies[4])
	t.Logf("idle RSS (5 runs): min %.1f MB, median %.1f MB, max %.1f MB", float64(rss[0])/1024, float64(rss[2])/1024, float64(rss[4])/1024)
}

func startupFreeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func vmRSSKiB(t *testing.T, pid int) int {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatalf("VmRSS line %q: %v", rest, err)
			}
			return kb
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
