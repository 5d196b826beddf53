package store

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestEveryQueryNamesItsTenant reads the store's source and fails for a
// query that does not mention tenant_id in a function that is not listed
// under "Queries without a tenant" in the package comment (db.go). It is a
// text check, not a proof: it catches the query that forgot its tenant, and
// the composite foreign keys (schema_test.go) catch the row that points
// into another tenant.
func TestEveryQueryNamesItsTenant(t *testing.T) {
	src, err := parseStoreSource(".")
	if err != nil {
		t.Fatal(err)
	}
	allow, err := tenantlessAllowList(src.packageDoc)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.queries) < 50 {
		t.Fatalf("found only %d queries in the store's source: the scanner is broken", len(src.queries))
	}
	used := map[string]bool{}
	for _, q := range src.queries {
		if mentionsTenant(q.text) {
			continue
		}
		if _, ok := allow[q.fn]; ok {
			used[q.fn] = true
			continue
		}
		t.Errorf("%s: %s runs a query without tenant_id:\n\t%s\n"+
			"Scope it by tenant (WHERE tenant_id = ?, or a join on the tenant), or, if it legitimately runs "+
			"for no tenant, add %q to the list \"Queries without a tenant\" in the package comment of "+
			"internal/store/db.go with the reason.", q.pos, q.fn, abbreviate(q.text), q.fn)
	}
	var stale []string
	for fn := range allow {
		if !used[fn] {
			stale = append(stale, fn)
		}
	}
	sort.Strings(stale)
	for _, fn := range stale {
		t.Errorf("%q is listed under \"Queries without a tenant\" in internal/store/db.go, but no function "+
			"of that name runs a query without tenant_id any more (renamed or fixed?): update or remove the entry.", fn)
	}
}

// TestScopeScanner checks the scanner on a small source, so that the test
// above cannot pass by finding nothing.
func TestScopeScanner(t *testing.T) {
	dir := t.TempDir()
	const file = "// Package x.\n//\n// # Queries without a tenant\n//\n//   - DB.Sweep, sweepAll: instance-wide clean-up\n" +
		"//   - opRead: operator view\n//\n// # More\n//\n//   - notAnEntry: text\npackage x\n\n" +
		"const cols = `id, name`\n" +
		"const from = ` FROM staff s`\n" +
		"func (db *DB) Find(id int64) { db.row(ctx, `SELECT `+cols+from+` WHERE s.tenant_id = ? AND s.id = ?`, 1, id) }\n" +
		"func (tx *Tx) Leak(id int64) { tx.row(ctx, \"SELECT \"+cols+from+\" WHERE s.id = ?\", id) }\n" +
		"func (db *DB) Sweep() { db.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, 1) }\n" +
		"func sweepAll() { f := func() { _ = `  WITH x AS (SELECT 1) DELETE FROM y` }; f() }\n" +
		"func notSQL() { _ = `selected items` ; _ = `Update your password` }\n" +
		"func dyn(where string) { _ = `UPDATE staff SET x = 1 WHERE ` + where }\n" +
		"func upd(s bool) { q := `UPDATE sso SET a = ?`; if s { q += `, b = ?` }; q += ` WHERE tenant_id = ?`; run(q) }\n" +
		"func search() { where := ` WHERE s.tenant_id = ?`; where += ` AND x = ?`\n" +
		"	k := strings.Replace(where, `s.tenant_id`, `+s.tenant_id`, 1); _ = `SELECT id FROM staff s` + k }\n" +
		"func sweep(kind string) { var q string; switch kind { case `a`: q = `DELETE FROM a WHERE tenant_id = ?`\n" +
		"	case `b`: q = `DELETE FROM b WHERE at < ?` }; run(q) }\n"
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := parseStoreSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range src.queries {
		got = append(got, q.fn+": "+q.text)
	}
	want := []string{
		"DB.Find: SELECT id, name FROM staff s WHERE s.tenant_id = ? AND s.id = ?",
		"Tx.Leak: SELECT id, name FROM staff s WHERE s.id = ?",
		"DB.Sweep: DELETE FROM sessions WHERE expires_at < ?",
		"sweepAll:   WITH x AS (SELECT 1) DELETE FROM y",
		"dyn: UPDATE staff SET x = 1 WHERE …",
		"upd: UPDATE sso SET a = ?, b = ? WHERE tenant_id = ?",
		"search: SELECT id FROM staff s WHERE +s.tenant_id = ? AND x = ?",
		"sweep: DELETE FROM a WHERE tenant_id = ?",
		"sweep: DELETE FROM b WHERE at < ?",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("queries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, tenant := range []bool{true, false, false, false, false, true, true, true, false} {
		if mentionsTenant(want[i]) != tenant {
			t.Errorf("mentionsTenant(%q) = %v", want[i], !tenant)
		}
	}
	allow, err := tenantlessAllowList(src.packageDoc)
	if err != nil {
		t.Fatal(err)
	}
	if len(allow) != 3 || allow["DB.Sweep"] == "" || allow["sweepAll"] != "instance-wide clean-up" || allow["opRead"] != "operator view" {
		t.Errorf("allow-list = %q", allow)
	}
}

type scannedQuery struct {
	fn   string // "DB.FindStaffByID", "Tx.InsertUser", "scanStaff", or a package-level name
	pos  token.Position
	text string // the SQL with constants folded in and "…" for what is computed
}

type storeSource struct {
	packageDoc string
	queries    []scannedQuery
}

// parseStoreSource reads the non-test Go files of dir and returns every
// string expression that reads as SQL, with the function it is in.
func parseStoreSource(dir string) (*storeSource, error) {
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	src := &storeSource{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if f.Doc != nil {
			src.packageDoc += f.Doc.Text()
		}
		files = append(files, f)
	}
	// Package-level string constants, which queries are assembled from
	// (staffCols, staffFrom …).
	consts := map[string]ast.Expr{}
	for _, f := range files {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							consts[n.Name] = vs.Values[i]
						}
					}
				}
			}
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Body != nil {
					src.collect(fset, newFolder(consts, d.Body), funcName(d), d.Body)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if vs, ok := s.(*ast.ValueSpec); ok {
						for i, v := range vs.Values {
							name := vs.Names[0].Name
							if i < len(vs.Names) {
								name = vs.Names[i].Name
							}
							src.collect(fset, newFolder(consts, nil), name, v)
						}
					}
				}
			}
		}
	}
	return src, nil
}

// collect records the SQL in root: each string expression that reads as a
// query, and each assignment of one to a local variable, with what is
// appended to that variable before it is assigned again
// (q := `UPDATE …`; q += `, x = ?`; q += ` WHERE tenant_id = ?`).
func (src *storeSource) collect(fset *token.FileSet, ev *folder, fn string, root ast.Node) {
	add := func(at ast.Node, text string) {
		src.queries = append(src.queries, scannedQuery{fn: fn, pos: fset.Position(at.Pos()), text: text})
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch e := n.(type) {
		case *ast.AssignStmt:
			if d, ok := ev.defAt[e]; ok && d.set {
				if text, ok := ev.valueFrom(d); ok && isSQL(text) {
					add(e.Rhs[0], text)
					return false
				}
			}
		case *ast.ValueSpec:
			if d, ok := ev.defAt[e]; ok {
				if text, ok := ev.valueFrom(d); ok && isSQL(text) {
					add(e.Values[0], text)
					return false
				}
			}
		case *ast.BasicLit, *ast.BinaryExpr:
			if text, ok := ev.fold(e.(ast.Expr)); ok && isSQL(text) {
				add(e, text)
				return false
			}
		}
		return true
	})
}

// def is one assignment to a local variable: set (:=, =, var) or append
// (+=).
type def struct {
	name string
	pos  token.Pos
	set  bool
	rhs  ast.Expr
}

// folder folds string expressions of one function: literals, package
// constants, local variables (their last value assigned before the use,
// with what was appended since), concatenations and strings.Replace of
// those. Whatever else takes part (a parameter, a call) is written "…".
type folder struct {
	consts map[string]ast.Expr
	defs   map[string][]def // per variable, in source order
	defAt  map[ast.Node]def
	seen   map[string]bool // guards against a definition that uses itself
}

func newFolder(consts map[string]ast.Expr, body ast.Node) *folder {
	f := &folder{consts: consts, defs: map[string][]def{}, defAt: map[ast.Node]def{}, seen: map[string]bool{}}
	if body == nil {
		return f
	}
	record := func(at ast.Node, name string, set bool, rhs ast.Expr) {
		d := def{name: name, pos: at.Pos(), set: set, rhs: rhs}
		f.defs[name] = append(f.defs[name], d)
		f.defAt[at] = d
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) != 1 || len(n.Rhs) != 1 {
				break
			}
			id, ok := n.Lhs[0].(*ast.Ident)
			if !ok {
				break
			}
			switch n.Tok {
			case token.DEFINE, token.ASSIGN:
				record(n, id.Name, true, n.Rhs[0])
			case token.ADD_ASSIGN:
				record(n, id.Name, false, n.Rhs[0])
			}
		case *ast.ValueSpec:
			if len(n.Names) == 1 && len(n.Values) == 1 {
				record(n, n.Names[0].Name, true, n.Values[0])
			}
		}
		return true
	})
	for _, ds := range f.defs {
		sort.Slice(ds, func(i, j int) bool { return ds[i].pos < ds[j].pos })
	}
	return f
}

// valueFrom is the value a set leaves in its variable together with what is
// appended to it before the next set.
func (f *folder) valueFrom(d def) (string, bool) {
	text, ok := f.fold(d.rhs)
	if !ok {
		return "", false
	}
	for _, a := range f.defs[d.name] {
		if a.pos <= d.pos {
			continue
		}
		if a.set {
			break
		}
		more, ok := f.fold(a.rhs)
		if !ok {
			more = "…"
		}
		text += more
	}
	return text, true
}

// valueAt is a local variable's value where it is used.
func (f *folder) valueAt(name string, at token.Pos) (string, bool) {
	var last *def
	ds := f.defs[name]
	for i := range ds {
		if ds[i].pos < at && ds[i].set {
			last = &ds[i]
		}
	}
	if last == nil {
		return "", false
	}
	text, ok := f.fold(last.rhs)
	if !ok {
		text = "…"
	}
	for _, a := range ds {
		if a.pos > last.pos && a.pos < at && !a.set {
			more, ok := f.fold(a.rhs)
			if !ok {
				more = "…"
			}
			text += more
		}
	}
	return text, true
}

func (f *folder) fold(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return f.fold(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, okx := f.fold(e.X)
		y, oky := f.fold(e.Y)
		if !okx && !oky {
			return "", false
		}
		if !okx {
			x = "…"
		}
		if !oky {
			y = "…"
		}
		return x + y, true
	case *ast.CallExpr:
		// strings.Replace(s, old, new, n) and strings.ReplaceAll(s, old, new)
		sel, ok := e.Fun.(*ast.SelectorExpr)
		if !ok || len(e.Args) < 3 {
			return "", false
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "strings" || (sel.Sel.Name != "Replace" && sel.Sel.Name != "ReplaceAll") {
			return "", false
		}
		s, ok1 := f.fold(e.Args[0])
		old, ok2 := f.fold(e.Args[1])
		repl, ok3 := f.fold(e.Args[2])
		if !ok1 || !ok2 || !ok3 {
			return "", false
		}
		return strings.ReplaceAll(s, old, repl), true
	case *ast.Ident:
		key := e.Name + "@" + strconv.Itoa(int(e.Pos()))
		if f.seen[key] {
			return "", false
		}
		f.seen[key] = true
		defer delete(f.seen, key)
		if _, local := f.defs[e.Name]; local {
			return f.valueAt(e.Name, e.Pos())
		}
		if v, ok := f.consts[e.Name]; ok {
			return f.fold(v)
		}
	}
	return "", false
}

var sqlStart = regexp.MustCompile(`(?s)^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s`)

// isSQL reports whether text reads as a query rather than prose: the
// statement keyword is upper case (as every query in this package writes
// it) and followed by SQL.
func isSQL(text string) bool {
	m := sqlStart.FindStringSubmatch(text)
	if m == nil {
		return false
	}
	kw := m[1]
	if kw != strings.ToUpper(kw) {
		return false
	}
	rest := strings.ToUpper(text)
	switch kw {
	case "SELECT", "DELETE", "WITH":
		return strings.Contains(rest, "FROM") || strings.Contains(rest, "SELECT ")
	case "INSERT":
		return strings.Contains(rest, "INTO")
	case "UPDATE":
		return strings.Contains(rest, " SET ")
	}
	return false
}

func mentionsTenant(text string) bool { return strings.Contains(strings.ToLower(text), "tenant_id") }

// funcName is "DB.Method" for a method (pointer or not) and the plain name
// for a function.
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + d.Name.Name
	}
	return d.Name.Name
}

// tenantlessAllowList reads the list under the heading "Queries without a
// tenant" in the package comment: items "- Name, Name: reason".
func tenantlessAllowList(doc string) (map[string]string, error) {
	const heading = "# Queries without a tenant"
	_, section, ok := strings.Cut(doc, heading)
	if !ok {
		return nil, fmt.Errorf("the package comment of internal/store/db.go has no section %q", heading)
	}
	if i := strings.Index(section, "\n# "); i >= 0 {
		section = section[:i]
	}
	// An item starts with "- " and runs on over its indented continuation
	// lines until the next item or a blank line.
	var items []string
	for _, line := range strings.Split(section, "\n") {
		line = strings.TrimSpace(line)
		switch item, ok := strings.CutPrefix(line, "- "); {
		case ok:
			items = append(items, item)
		case line == "":
			items = append(items, "")
		case len(items) > 0 && items[len(items)-1] != "":
			items[len(items)-1] += " " + line
		}
	}
	out := map[string]string{}
	for _, item := range items {
		if item == "" {
			continue
		}
		names, reason, ok := strings.Cut(item, ":")
		if !ok || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("entry %q under %q needs the form \"- Name, Name: reason\"", item, heading)
		}
		for _, n := range strings.Split(names, ",") {
			n = strings.TrimSpace(n)
			if !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`).MatchString(n) {
				return nil, fmt.Errorf("entry %q under %q: %q is not a function name (Name or Type.Method)", item, heading, n)
			}
			out[n] = strings.TrimSpace(reason)
		}
	}
	return out, nil
}

func abbreviate(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 300 {
		q = q[:300] + " …"
	}
	return q
}
