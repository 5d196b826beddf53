// Package archtest holds tests of the code's shape: which packages may
// import which, and that no package grows into a catch-all.
package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "telework/"

// repoRoot is the module root (two levels above this package).
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(filepath.Dir(wd))
}

// sources maps each package directory (relative to the root) to its
// non-test Go files.
func sources(t *testing.T) map[string][]string {
	t.Helper()
	root := repoRoot(t)
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		out[filepath.ToSlash(rel)] = append(out[filepath.ToSlash(rel)], path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOnlyWiringImportsTheStore: handlers, the CLI, the demo and the
// domain packages reach the database through services; only the wiring
// (internal/app), the storage-level backup and the store itself import
// internal/store (test-support packages aside).
func TestOnlyWiringImportsTheStore(t *testing.T) {
	allowed := map[string]bool{"internal/app": true, "internal/backup": true, "internal/store": true, "internal/store/storetest": true}
	for dir, files := range sources(t) {
		if allowed[dir] || strings.HasPrefix(dir, "bench") {
			continue
		}
		for _, f := range files {
			ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range ast.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == module+"internal/store" {
					t.Errorf("%s imports internal/store: call a service instead (only internal/app, internal/backup and the store may)", f)
				}
			}
		}
	}
}

// TestDomainPackagesStayFreeOfTransport: a domain package imports no HTTP
// layer and no SQL driver.
func TestDomainPackagesStayFreeOfTransport(t *testing.T) {
	domain := []string{"internal/org", "internal/auth", "internal/policy", "internal/calendar", "internal/sso",
		"internal/retention", "internal/audit", "internal/staffio", "internal/roster", "internal/orgio", "internal/tableimport"}
	domain = append(domain, "internal/roadmap", "internal/incident", "internal/cost", "internal/handbook", "internal/attach") // issue 16
	banned := []string{module + "internal/web", module + "internal/api", module + "internal/store", module + "internal/route",
		"database/sql", "github.com/jackc/pgx", "modernc.org/sqlite"}
	src := sources(t)
	for _, dir := range domain {
		for _, f := range src[dir] {
			ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range ast.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range banned {
					if p == b || strings.HasPrefix(p, b+"/") {
						t.Errorf("%s (a domain package) imports %s", f, p)
					}
				}
			}
		}
	}
}

// TestNoPackageHoldsTooMuch: no package holds more than a fifth of the
// non-test lines, so new areas land in packages of their own.
func TestNoPackageHoldsTooMuch(t *testing.T) {
	const limit = 0.21
	lines := map[string]int{}
	total := 0
	for dir, files := range sources(t) {
		if strings.HasPrefix(dir, "bench") {
			continue
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			n := strings.Count(string(b), "\n")
			lines[dir] += n
			total += n
		}
	}
	var dirs []string
	for d := range lines {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool { return lines[dirs[i]] > lines[dirs[j]] })
	for _, d := range dirs {
		if share := float64(lines[d]) / float64(total); share > limit {
			t.Errorf("%s holds %.1f%% of the %d non-test lines (limit %.0f%%): split it by noun", d, 100*share, total, 100*limit)
		}
	}
	t.Logf("largest: %s %d, %s %d of %d", dirs[0], lines[dirs[0]], dirs[1], lines[dirs[1]], total)
}
