package audit_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/retention"
	"telework/internal/staffio"
)

var actionRE = regexp.MustCompile(`^[a-z_]+\.[a-z_]+$`)

// writtenActions finds every action the product's code writes: string
// literals given as an Action field (audit.Change, auth.UserUpdate), or
// assigned to or declared as a variable or constant whose name says
// action. Tests are left out; so is this package (it reads, not writes).
func writtenActions(t *testing.T) (actions, objectTypes map[string]string) {
	t.Helper()
	actions, objectTypes = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	named := func(name string) bool { return strings.Contains(strings.ToLower(name), "action") }
	for _, root := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				filepath.Dir(path) == filepath.Clean("../../internal/audit") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			add := func(m map[string]string, e ast.Expr) {
				if s, ok := lit(e); ok && s != "" {
					m[s] = fset.Position(e.Pos()).String()
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.Ident); ok {
						switch k.Name {
						case "Action":
							add(actions, n.Value)
						case "ObjectType":
							add(objectTypes, n.Value)
						}
					}
				case *ast.AssignStmt:
					for i, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok && named(id.Name) && i < len(n.Rhs) {
							add(actions, n.Rhs[i])
						}
					}
				case *ast.ValueSpec:
					for i, id := range n.Names {
						if named(id.Name) && i < len(n.Values) {
							add(actions, n.Values[i])
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for a := range actions {
		if !actionRE.MatchString(a) {
			delete(actions, a)
		}
	}
	return actions, objectTypes
}

// TestEveryWrittenActionHasAName fails when the code writes an action the
// auditor would see as a code: each needs a place in audit.KindGroups (the
// filter) and a name in Japanese and English.
func TestEveryWrittenActionHasAName(t *testing.T) {
	actions, objectTypes := writtenActions(t)
	if len(actions) < 30 {
		t.Fatalf("found only %d actions; the source scan is broken: %v", len(actions), actions)
	}
	for _, want := range []string{"staff.update", "token.revoke_all", "operator.auditor", "auth.login_failed", "user.sso_unbind", "staff.retire"} {
		if _, ok := actions[want]; !ok {
			t.Errorf("the scan missed %s", want)
		}
	}
	known := audit.Actions()
	for a, where := range actions {
		if !slices.Contains(known, a) {
			t.Errorf("%s (written at %s) is not in audit.KindGroups", a, where)
		}
	}
	for _, g := range audit.KindGroups {
		if !i18n.Has("auditlog.group." + g.Key) {
			t.Errorf("group %s has no ja/en name", g.Key)
		}
		for _, k := range g.Kinds {
			if !i18n.Has("auditlog.action." + k) {
				t.Errorf("action %s has no ja/en name (auditlog.action.%s)", k, k)
			}
		}
	}
	for _, k := range retention.Kinds { // retention.apply's object type is the kind
		objectTypes[k.Name] = "retention.Kinds"
	}
	for typ, where := range objectTypes {
		if !i18n.Has("auditlog.object." + typ) {
			t.Errorf("object type %s (written at %s) has no ja/en name", typ, where)
		}
	}
	if ja := i18n.T("ja", "auditlog.action."+audit.KindStaffMove, nil); ja != "職員の異動" {
		t.Errorf("staff.move reads %q", ja)
	}
}

// TestEverySnapshotFieldHasALabel reads a snapshot of each object as the
// product writes it and requires a Japanese and English label for every
// field (the auditor never reads unit_id or HasTerminal).
func TestEverySnapshotFieldHasALabel(t *testing.T) {
	staff := &org.Staff{ID: 1, StaffNo: "0915", Name: "森田 健", Sensitive: &org.Sensitive{Gender: "female"}}
	user := &auth.User{ID: 1, LoginID: "hr01", Granted: []auth.Role{auth.HRAdmin}}
	tok := &auth.APIToken{ID: 1, Name: "集計", ExpiresAt: time.Now()}
	tmpl := policy.Templates()[0]
	samples := []struct {
		typ string
		v   any
	}{
		{"staff", staff.AuditView()},
		{"staff", policy.Facts{Reasons: []string{"childcare"}, HasTerminal: true}},
		{"staff", map[string]any{"revoked_tokens": []int64{1}, "reason": "staff.retire"}},
		{"user", user.AuditView()},
		{"user", map[string]any{"sso_subject": "x"}},
		{"user", map[string]any{"sso_subject_bound": true}},
		{"user", map[string]any{"via": "sso", "claim": "sub"}},
		{"user", map[string]any{"tenant_id": 1, "login_id": "a", "auditor": true}},
		{"operator", map[string]any{"login_id": "op", "must_change_password": true, "locale": "ja", "wareki": false}},
		{"unit", org.Unit{ID: 1, Code: "110", Name: "人事課"}},
		{"tenant", org.Tenant{ID: 1, Name: "松本市"}},
		{"tenant", retention.Effective(nil)},
		{"retired_staff", map[string]any{"kind": "retired_staff", "removed": 1, "older_than": "2026-01-01T00:00:00Z",
			retention.ClearedNotifications: 3, retention.ClearedDeliveries: 1}},
		{"attendance", map[string]any{"kind": "attendance", "removed": 1, "older_than": "2026-01-01T00:00:00Z", retention.ClearedApplicationDays: 2}},
		{"api_token", tok.AuditView()},
		{"api_token", map[string]any{"token": tok.AuditView(), "owner_id": 1, "owner_login": "hr01"}},
		{"policy_version", map[string]any{"effective_from": "2027-04-01", "note": "n", "template": "matsumoto"}},
		{"policy_version", map[string]any{"effective_from": "2027-04-01", "note": "n", "policy": tmpl.Policy}},
		{"closure_day", map[string]string{"date": "2026-12-28", "name": "御用納め"}},
		{"staff_import", staffio.Summary{File: "a.csv", Sheet: "s"}},
		{"staff_export", map[string]any{"format": "csv", "rows": 1, "sensitive": false, "substituted_lines": []int{2}}},
		{"sso_settings", map[string]any{"enabled": true, "mandatory": false, "issuer": "https://idp", "client_id": "c",
			"claim": "sub", "jit_link": true, "client_secret_set": true, "client_secret_changed": true, "subjects_unbound": 2, "version": 1}},
	}
	for _, s := range samples {
		b, _ := json.Marshal(s.v)
		e := &audit.Entry{ObjectType: s.typ, Before: json.RawMessage("null"), After: b}
		for _, c := range audit.Changes(e) {
			key, rest, ok := audit.LabelKey(s.typ, c.Path, i18n.Has)
			if !ok || rest != "" && !regexp.MustCompile(`^[0-9 ]+$`).MatchString(rest) {
				t.Errorf("%s field %s has no label (%s %q)", s.typ, c.Path, key, rest)
			}
		}
	}
}
