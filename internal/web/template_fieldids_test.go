package web

import (
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template/parse"
)

// pageSources is every page template's text as it is rendered: the page's
// own defines, the layout, and each partial the page reaches through
// {{template "…"}}, reconstructed from the parse trees (so a partial's
// ids count for the pages that include it, and only for those).
func pageSources(t *testing.T) map[string]string {
	t.Helper()
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		tpl, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials/*.html", f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		seen := map[string]bool{}
		var b strings.Builder
		var visit func(tn string)
		var walk func(n parse.Node)
		walk = func(n parse.Node) {
			switch n := n.(type) {
			case *parse.ListNode:
				if n != nil {
					for _, c := range n.Nodes {
						walk(c)
					}
				}
			case *parse.IfNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.TemplateNode:
				visit(n.Name)
			}
		}
		visit = func(tn string) {
			if seen[tn] {
				return
			}
			seen[tn] = true
			d := tpl.Lookup(tn)
			if d == nil || d.Tree == nil {
				return
			}
			b.WriteString(d.Tree.Root.String())
			b.WriteString("\n")
			walk(d.Tree.Root)
		}
		visit("layout.html")
		out[name] = b.String()
	}
	return out
}

// fieldTargetExprs are the field ids a page writes through a template
// expression rather than literally: page → field → the expression that
// must be in the page, and why it yields id="f-<field>".
var fieldTargetExprs = map[string]map[string]struct{ expr, why string }{
	"apply_form": {
		"seg%d-mode": {`id="f-seg{{$i}}-mode"`, "the n-th segment's mode select; the summary names seg<n>-mode"},
	},
	"policy_form": {
		"unit_rules.%d.unit_code": {`id="f-unit_rules.{{$i}}.unit_code"`, "each unit rule's own code input"},
	},
	"survey_answer": {
		".ID": {`id="f-{{.ID}}"`, "each question's control is named by the question's id"},
	},
	"survey_show": {
		"$n": {`id="f-{{$n}}"`, "partials/survey: the custom question's fieldset, by its field name"},
	},
	"survey_form": {
		"$n": {`id="f-{{$n}}"`, "partials/survey: the custom question's fieldset, by its field name"},
	},
	"devices_desk": {
		"lend_asset_no": {`id="{{if $le}}f-lend_asset_no{{else}}lend-{{.ID}}{{end}}"`, "the refused reservation's row (ErrID) has the id"},
	},
	"oneonone_pair": {
		"$k": {`id="f-{{$k}}"`, "each topic's textarea, by its field name"},
	},
	"delivery_settings": {
		".": {`id="f-{{.}}"`, "the ranged field names of one form"},
	},
}

// TestFieldErrorsHaveTargets: every field a page asks FieldErr about is
// linked from the error summary as #f-<field> (layout.html), so an element
// with that id must exist on the page — else the summary's link goes
// nowhere for keyboard and screen-reader users (a review found nine
// such pages). A field error's message carries an id, so its input can
// name it in aria-describedby.
func TestFieldErrorsHaveTargets(t *testing.T) {
	fieldErr := regexp.MustCompile(`FieldErr (?:"([^"]+)"|\(printf "([^"]+)"[^)]*\)|([.$][A-Za-z]*))`)
	fieldCall := regexp.MustCompile(`(?:(\$\w+) := )?\$?\w*\.Field "([^"]+)"`)
	errTag := regexp.MustCompile(`<[a-z]+\b[^<>]*class="[^"]*\bfield-error\b[^"]*"[^<>]*>`)
	pages := pageSources(t)
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, page := range names {
		src := pages[page]
		for _, m := range fieldErr.FindAllStringSubmatch(src, -1) {
			field := m[1] + m[2] + m[3]
			if e, ok := fieldTargetExprs[page][field]; ok {
				if !strings.Contains(src, e.expr) {
					t.Errorf("%s: FieldErr %s: no %s (%s)", page, field, e.expr, e.why)
				}
				continue
			}
			if m[1] == "" {
				t.Errorf("%s: FieldErr %s: a computed field; list its id expression in fieldTargetExprs", page, field)
				continue
			}
			if !strings.Contains(src, `id="f-`+field+`"`) {
				t.Errorf(`%s: the summary links #f-%s but no element has id="f-%s"`, page, field, field)
			}
		}
		// .Field "x" asks FieldErr too; the input and group partials write
		// its id="f-x" (render.go, fields.html), other uses must.
		for _, m := range fieldCall.FindAllStringSubmatch(src, -1) {
			v, field := m[1], m[2]
			if strings.Contains(src, `id="f-`+field+`"`) {
				continue
			}
			if v != "" && (strings.Contains(src, `{{template "input" `+v+`}}`) || strings.Contains(src, `{{template "group" `+v+`}}`) ||
				strings.Contains(src, `id="{{`+v+`.ID}}"`)) {
				continue
			}
			if v == "" && regexp.MustCompile(`\{\{template "(?:input|group)" \(\$?\w*\.Field "`+regexp.QuoteMeta(field)+`"`).MatchString(src) {
				continue
			}
			t.Errorf(`%s: the summary links #f-%s (Field) but no element has id="f-%s"`, page, field, field)
		}
		for _, tag := range errTag.FindAllString(src, -1) {
			if !strings.Contains(tag, " id=") {
				t.Errorf("%s: %s has no id for its input's aria-describedby", page, tag)
			}
		}
	}
}
