package demo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/emergency"
	"telework/internal/handbook"
	"telework/internal/i18n"
	"telework/internal/policy"
	"telework/internal/roadmap"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

var (
	// codeRE is a stored code (submitted, full_day, office_lan) — what the
	// auditor must never read as such.
	codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// restRE is what may follow a label: list numbers, a date below a
	// field (days.2026-06-01).
	restRE = regexp.MustCompile(`^[0-9 -]+$`)
)

// typedByPeople are fields whose value is text someone typed or an
// identifier they chose (a login id, a tenant code), shown as stored even
// when it looks like a code.
var typedByPeople = []string{"login_id", "login", "owner_login", "slug", "prefix", "token.prefix", "token.login_id",
	"asset_no", "client_id", "claim_value", "host", "Slug"}

// TestDemoAuditEntriesReadInWords seeds the demo (six months of a city's
// work: applications, working time, places, devices, tasks, surveys, 1on1,
// the trial's roadmap, handbook and costs) and reads every entry as the
// auditor does: every field has a label in Japanese and English, every
// stored code reads as words, and every field holding another object's id
// names it (a person by 職員番号 and name), never the bare number.
func TestDemoAuditEntriesReadInWords(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	_, res, _ := seedWithHistory(t, db)
	rows, err := db.SQL.QueryContext(context.Background(), `SELECT action, object_type, before_json, after_json FROM audit_log WHERE tenant_id = ?`, res.Tenant.ID)
	storetest.Must(t, err)
	defer rows.Close()
	problems := map[string]bool{}
	actions := map[string]bool{}
	for rows.Next() {
		var e audit.Entry
		var before, after string
		storetest.Must(t, rows.Scan(&e.Action, &e.ObjectType, &before, &after))
		e.Before, e.After = json.RawMessage(before), json.RawMessage(after)
		actions[e.Action] = true
		for _, p := range auditViewProblems(&e) {
			problems[p] = true
		}
	}
	storetest.Must(t, rows.Err())
	// What the demo does not do: an emergency declared and ended.
	day := calendar.Date{Year: 2026, Month: time.June, Day: 1}
	for _, k := range emergency.Kinds {
		em := &emergency.Emergency{Kind: k, Title: "大雨特別警報", From: day, To: day.AddDays(3), PlannedTo: day.AddDays(7), UnitIDs: []int64{1}}
		b, _ := json.Marshal(em.AuditView())
		for _, p := range auditViewProblems(&audit.Entry{Action: "emergency.declare", ObjectType: "emergency", Before: json.RawMessage("null"), After: b}) {
			problems[p] = true
		}
	}
	// The codes of the registries the entries hold read as words.
	for prefix, codes := range map[string][]string{
		"auditlog.enum.cost_kind.": codesOf(cost.Kinds, func(k cost.Kind) string { return k.Code }),
		"auditlog.enum.slot.":      codesOf(handbook.Slots, func(s handbook.Slot) string { return s.Code }),
		"auditlog.enum.owner.":     codesOf(roadmap.Owners, func(o roadmap.OwnerInfo) string { return string(o.Code) }),
		"auditlog.enum.template.":  codesOf(policy.Templates(), func(t policy.Template) string { return t.Name }),
		"emergency.kind_":          emergency.Kinds,
	} {
		for _, c := range codes {
			if !i18n.Has(prefix + c) {
				problems[fmt.Sprintf("%s%s: no words for the code", prefix, c)] = true
			}
		}
	}
	if len(actions) < 40 {
		t.Errorf("the demo wrote only %d kinds of entries", len(actions))
	}
	list := make([]string, 0, len(problems))
	for p := range problems {
		list = append(list, p)
	}
	sort.Strings(list)
	for _, p := range list {
		t.Error(p)
	}
}

func codesOf[T any](xs []T, code func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, code(x))
	}
	return out
}

// auditViewProblems lists what the auditor would read as a code in e.
func auditViewProblems(e *audit.Entry) []string {
	var out []string
	for _, c := range audit.Changes(e) {
		where := e.Action + " " + e.ObjectType + "." + c.Path
		key, rest, ok := audit.LabelKey(e.ObjectType, c.Path, i18n.Has)
		if !ok || rest != "" && !restRE.MatchString(rest) {
			out = append(out, fmt.Sprintf("%s: no label", where))
			continue
		}
		if i18n.T("ja", key, nil) == "対象" {
			out = append(out, fmt.Sprintf("%s: labelled with the generic 対象 (%s)", where, key))
		}
		for _, l := range []*audit.Leaf{c.Before, c.After} {
			if l == nil {
				continue
			}
			for _, s := range audit.ShowValue(e.ObjectType, l, nil, i18n.Has) {
				switch {
				case s.Key != "" || s.Ref != nil:
				case l.Kind == "number" && strings.HasSuffix(l.Path[strings.LastIndex(l.Path, ".")+1:], "_id"):
					out = append(out, fmt.Sprintf("%s: a bare id %s", where, s.Text))
				case codeRE.MatchString(s.Text) && !slices.Contains(typedByPeople, l.Path) && !strings.HasSuffix(l.Path, "_digest"):
					out = append(out, fmt.Sprintf("%s: untranslated %q", where, s.Text))
				}
			}
		}
	}
	return out
}
