package audit

import (
	"encoding/json"
	"strings"
	"testing"
)

func entry(action, typ, before, after string) *Entry {
	return &Entry{Action: action, ObjectType: typ, ObjectID: "7", Before: json.RawMessage(before), After: json.RawMessage(after)}
}

func TestKindSplitsStaffUpdates(t *testing.T) {
	for _, c := range []struct {
		before, after, want string
	}{
		{`{"unit_id":3,"name":"森田 健"}`, `{"unit_id":4,"name":"森田 健"}`, KindStaffMove},
		{`{"unit_id":3,"name":"森田 健"}`, `{"unit_id":3,"name":"森田 健二"}`, "staff.update"},
		{`{"unit_id":30}`, `{"unit_id":3}`, KindStaffMove}, // digits compared as stored, not as prefixes
	} {
		e := entry("staff.update", "staff", c.before, c.after)
		if got := KindOf(e); got != c.want {
			t.Errorf("%s → %s: %s, want %s", c.before, c.after, got, c.want)
		}
		action, match := KindFilter(c.want)
		if action != "staff.update" || !match(e) {
			t.Errorf("filter %s does not take its own entry", c.want)
		}
	}
	if KindOf(entry("unit.update", "unit", `{"unit_id":1}`, `{"unit_id":2}`)) != "unit.update" {
		t.Error("only staff updates split")
	}
}

func TestFlattenKeepsStoredValues(t *testing.T) {
	ls := Flatten(json.RawMessage(`{"n":9007199254740993,"f":1.50,"s":"a\u0022b","t":{"x":[1,2],"y":null},"rules":[{"c":"110"},{"c":"120"}],"e":[]}`))
	got := map[string]Leaf{}
	for _, l := range ls {
		got[l.Path] = l
	}
	if got["n"].Text != "9007199254740993" || got["f"].Text != "1.50" || got["s"].Text != `a"b` {
		t.Errorf("scalars: %+v", ls)
	}
	if l := got["t.x"]; l.Kind != "list" || strings.Join(l.Items, ",") != "1,2" {
		t.Errorf("list: %+v", l)
	}
	if got["t.y"].Kind != "null" || got["rules.1.c"].Text != "120" || got["e"].Kind != "list" {
		t.Errorf("nested: %+v", ls)
	}
	if ls[0].Path != "n" || ls[len(ls)-1].Path != "e" {
		t.Errorf("stored order lost: %+v", ls)
	}
	if ls := Flatten(json.RawMessage(`"unmarshalable: x"`)); len(ls) != 1 || ls[0].Text != "unmarshalable: x" {
		t.Errorf("a quoted note: %+v", ls)
	}
}

func TestChangesShowOnlyWhatChanged(t *testing.T) {
	e := entry("staff.update", "staff",
		`{"id":7,"staff_no":"0915","name":"森田 健","unit_id":3,"sensitive":"opt-in:aa","version":1}`,
		`{"id":7,"staff_no":"0915","name":"森田 健","unit_id":4,"sensitive":"opt-in:bb","version":2}`)
	cs := Changes(e)
	if len(cs) != 2 || cs[0].Path != "unit_id" || cs[1].Path != SensitivePath {
		t.Fatalf("changes: %+v", cs)
	}
	has := func(string) bool { return false }
	if s := ShowValue("staff", cs[1].After, cs[1].Before, has); s[0].Key != "auditlog.value.sensitive_changed" || strings.Contains(s[0].Text, "bb") {
		t.Errorf("digest shown: %+v", s)
	}
	if s := ShowValue("staff", cs[0].After, cs[0].Before, has); s[0].Ref == nil || *s[0].Ref != (Ref{"unit", "4"}) {
		t.Errorf("unit id not a reference: %+v", s)
	}
	create := Changes(entry("staff.create", "staff", `null`, `{"id":7,"staff_no":"0915","retired":false}`))
	if len(create) != 2 || create[0].Before != nil {
		t.Errorf("create: %+v", create)
	}
	del := Changes(entry("calendar.closure_remove", "closure_day", `{"date":"2026-12-28","name":"御用納め"}`, `null`))
	if len(del) != 2 || del[0].After != nil {
		t.Errorf("delete: %+v", del)
	}
	null := ShowValue("staff", &Leaf{Path: "x", Kind: "null"}, nil, has)
	if null[0].Key != "auditlog.value.null" {
		t.Errorf("null shown as %+v", null)
	}
}

func TestNameFromSnapshots(t *testing.T) {
	for _, c := range []struct {
		typ, raw, code, name string
		ok                   bool
	}{
		{"staff", `{"staff_no":"0915","name":"森田 健"}`, "0915", "森田 健", true},
		{"staff", `{"Reasons":["childcare"]}`, "", "", false},
		{"unit", `{"Code":"110","Name":"人事課"}`, "110", "人事課", true},
		{"user", `{"login_id":"hr01"}`, "hr01", "", true},
		{"user", `{"revoked_tokens":[1]}`, "", "", false},
		{"api_token", `{"token":{"name":"集計","prefix":"tw_abc"},"owner_id":3}`, "tw_abc", "集計", true},
		{"policy_version", `{"effective_from":"2027-04-01","note":"改正"}`, "2027-04-01", "改正", true},
		{"closure_day", `{"date":"2026-12-28","name":"御用納め"}`, "2026-12-28", "御用納め", true},
		{"tenant", `{"retired_staff":365}`, "", "", false},
	} {
		n, ok := NameFrom(c.typ, "1", json.RawMessage(c.raw))
		if ok != c.ok || n.Code != c.code || n.Name != c.name {
			t.Errorf("%s %s: %+v %v", c.typ, c.raw, n, ok)
		}
	}
}

func TestLabelKey(t *testing.T) {
	keys := map[string]bool{"auditlog.field.staff.name": true, "auditlog.field.login_id": true,
		"fieldname.unit_rules.unit_code": true, "auditlog.field.changes": true}
	has := func(k string) bool { return keys[k] }
	for _, c := range []struct{ typ, path, key, rest string }{
		{"staff", "name", "auditlog.field.staff.name", ""},
		{"operator", "login_id", "auditlog.field.login_id", ""},
		{"policy_version", "policy.unit_rules.1.unit_code", "fieldname.unit_rules.unit_code", "2"},
		{"national_holidays", "changes.2026-01-01", "auditlog.field.changes", "2026-01-01"},
	} {
		if k, rest, ok := LabelKey(c.typ, c.path, has); !ok || k != c.key || rest != c.rest {
			t.Errorf("%s %s: %s %q %v", c.typ, c.path, k, rest, ok)
		}
	}
	if _, _, ok := LabelKey("unit", "Unknown", has); ok {
		t.Error("an unknown field found a label")
	}
}

func TestParseActor(t *testing.T) {
	if l, k, tok := ParseActor("hr01 (token #3 集計)"); l != "hr01" || k != ActorToken || tok != "3 集計" {
		t.Errorf("token: %q %v %q", l, k, tok)
	}
	if _, k, _ := ParseActor("system:retention"); k != ActorSystem {
		t.Error("system label")
	}
	if l, k, _ := ParseActor("hr01"); l != "hr01" || k != ActorAccount {
		t.Error("account label")
	}
}

func TestMatchPeople(t *testing.T) {
	ps := []PersonChoice{{Login: "hr01", Staff: Name{Name: "森田 健"}}, {Login: "hr02", Staff: Name{Name: "森 花子"}}}
	if got := matchPeople(ps, "HR01"); len(got) != 1 || got[0] != "hr01" {
		t.Errorf("login: %v", got)
	}
	if got := matchPeople(ps, "森田健"); len(got) != 1 || got[0] != "hr01" {
		t.Errorf("name without the space: %v", got)
	}
	if got := matchPeople(ps, "森"); len(got) != 2 {
		t.Errorf("part of a name: %v", got)
	}
}
