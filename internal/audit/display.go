package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds the rules by which the auditor reads an entry: the kind
// of change in words (message keys, translated by the caller), the object
// named from the entry's own snapshot, and the fields that changed. They
// only read the stored bytes: numbers keep the digits stored, strings the
// characters stored, so the page shows the values the hash covers.

// KindStaffMove is the display kind of a staff.update that moved the
// person to another unit (職員の異動); other staff updates stay
// "staff.update" (職員情報の変更).
const KindStaffMove = "staff.move"

// KindGroup is one group of the action filter, in display order.
type KindGroup struct {
	Key   string   // message key auditlog.group.<Key>
	Kinds []string // display kinds, message keys auditlog.action.<kind>
}

// KindGroups are every kind of entry the product writes, grouped for the
// filter. A test fails when the code writes an action missing here.
var KindGroups = []KindGroup{
	{"staff", []string{"staff.create", KindStaffMove, "staff.update", "staff.retire", "staff.reinstate",
		"staff.policy_facts", "staff.import", "staff.export", "staff.schedule", "schedule.apply", "schedule.fail", "schedule.cancel"}},
	{"unit", []string{"unit.create", "unit.update", "unit.retire", "unit.schedule", "unit.import", "unit.export"}},
	{"user", []string{"user.create", "user.update", "user.roles", "user.password", "user.password_reset",
		"user.settings", "user.sso_bind", "user.sso_unbind", "user.password_sso", "user.invite", "user.bulk_create",
		"user.invitation_accept", "user.invitation_end", "user.notices_export"}},
	{"auth", []string{"auth.login", "auth.login_failed"}},
	{"token", []string{"token.create", "token.revoke", "token.revoke_all"}},
	{"policy", []string{"policy.save", "policy.delete"}},
	{"calendar", []string{"calendar.closure_add", "calendar.closure_remove", "calendar.holidays_import"}},
	{"tenant", []string{"tenant.create", "tenant.update", "retention.settings", "retention.apply", "sso.settings"}},
	{"operator", []string{"operator.create", "operator.password", "operator.settings", "operator.auditor"}},
	{"trialops", []string{"roadmap.step_update", "roadmap.check", "roadmap.evidence_add", "roadmap.evidence_remove",
		"roadmap.review_cadence", "roadmap.review", "roadmap.review_reminder", "incident.report", "incident.review",
		"cost.add", "cost.update", "cost.delete", "handbook.page_create", "handbook.page_update", "handbook.page_delete",
		"handbook.briefing_create", "handbook.briefing_update", "handbook.briefing_delete", "handbook.file_add",
		"handbook.file_remove"}},
	{"survey", []string{"survey.create", "survey.update", "survey.open", "survey.close", "survey.key_erased", "survey.answer",
		"oneonone.pair_create", "oneonone.pair_update", "oneonone.meeting_create", "oneonone.meeting_update"}},
	{"tasks", []string{"tasks.settings", "tasks.system_create", "tasks.system_update", "tasks.system_delete", "tasks.place_create",
		"tasks.place_update", "tasks.place_delete", "tasks.task_create", "tasks.task_update", "tasks.task_approve", "tasks.task_delete",
		"tasks.sheet_import", "tasks.sheet_export", "tasks.ranking_export"}},
	{"application", []string{"application.create", "application.update", "application.discard", "application.submit",
		"application.auto_approve", "application.withdraw", "application.approve", "application.return",
		"application.reject", "application.cancel", "application.start", "application.finish", "application.report",
		"application.confirm", "application.settings", "application.delegate", "application.undelegate", "application.reroute", "application.report_due"}},
	{"worktime", []string{"worktime.start", "worktime.resume", "worktime.end", "worktime.no_clock_out", "worktime.no_clock_in", "worktime.break", "worktime.overtime_request", "worktime.overtime_approve",
		"worktime.overtime_reject", "worktime.overtime_withdraw", "worktime.overtime_reroute", "presence.plan_sharing",
		"presence.auto_away"}},
	{"places", []string{"places.office_create", "places.office_update", "places.register", "places.book", "places.cancel",
		"places.check_in", "devices.pool_create", "devices.pool_update", "devices.reserve", "devices.cancel", "devices.lent",
		"devices.returned", "devices.overdue", "devices.byod_request", "devices.byod_approved", "devices.byod_rejected", "devices.byod_revoked",
		"devices.credential_issue", "places.shortage_warning"}},
	{"emergency", []string{"emergency.declare", "emergency.end", "roster.qualifications", "roster.preferences", "application.roster_publish"}},
	{"notify", []string{"notify.prefs", "notify.after_hours", "notify.settings", "notify.channel_set", "notify.channel_delete", "notify.retry", "notify.smtp_password_sealed", "schedule.feed_create", "schedule.feed_revoke"}},
}

// Actions lists every stored action the display knows (the kinds, with
// staff.move folded into staff.update).
func Actions() []string {
	var out []string
	for _, g := range KindGroups {
		for _, k := range g.Kinds {
			if k != KindStaffMove {
				out = append(out, k)
			}
		}
	}
	return out
}

// KnownKind reports whether k is one of KindGroups' kinds.
func KnownKind(k string) bool {
	for _, g := range KindGroups {
		if slices.Contains(g.Kinds, k) {
			return true
		}
	}
	return false
}

// KindOf is the display kind of e: its action, except that a staff
// update which changed the unit is KindStaffMove.
func KindOf(e *Entry) string {
	if e.Action == "staff.update" && movedUnit(e) {
		return KindStaffMove
	}
	return e.Action
}

// KindFilter turns a display kind into the stored action to query and, for
// the kinds that split one action, a test each entry must pass.
func KindFilter(kind string) (action string, match func(*Entry) bool) {
	switch kind {
	case KindStaffMove:
		return "staff.update", func(e *Entry) bool { return KindOf(e) == KindStaffMove }
	case "staff.update":
		return "staff.update", func(e *Entry) bool { return KindOf(e) == "staff.update" }
	}
	return kind, nil
}

func movedUnit(e *Entry) bool {
	b, okb := topLevel(e.Before, "unit_id")
	a, oka := topLevel(e.After, "unit_id")
	return okb && oka && b != a
}

// topLevel returns the stored text of one member of a JSON object.
func topLevel(raw json.RawMessage, key string) (string, bool) {
	for _, l := range Flatten(raw) {
		if l.Path == key {
			return l.Kind + l.Text, true
		}
	}
	return "", false
}

// Leaf is one scalar (or list of scalars) of a snapshot, at its path
// (members joined with ".", array elements by index from 0).
type Leaf struct {
	Path  string
	Kind  string   // "string", "number", "bool", "null", "list"
	Text  string   // as stored: a string's characters, a number's digits, true/false
	Items []string // for a list: its scalars' texts
}

func (l Leaf) same(o Leaf) bool {
	return l.Kind == o.Kind && l.Text == o.Text && slices.Equal(l.Items, o.Items)
}

// Flatten reads a stored snapshot into its leaves in stored order. A
// document that is not JSON (never written by the product) is one leaf
// with its text, so nothing stored is hidden.
func Flatten(raw json.RawMessage) []Leaf {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out []Leaf
	if err := flattenValue(dec, "", &out); err != nil {
		return []Leaf{{Kind: "string", Text: string(raw)}}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func flattenValue(dec *json.Decoder, path string, out *[]Leaf) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, ok := kt.(string)
				if !ok {
					return fmt.Errorf("audit: object key %v", kt)
				}
				if err := flattenValue(dec, join(path, key), out); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case '[':
			var elems []Leaf
			scalars := true
			for i := 0; dec.More(); i++ {
				start := len(elems)
				if err := flattenValue(dec, join(path, strconv.Itoa(i)), &elems); err != nil {
					return err
				}
				if len(elems) != start+1 || elems[start].Path != join(path, strconv.Itoa(i)) || elems[start].Kind == "list" {
					scalars = false
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			if scalars {
				l := Leaf{Path: path, Kind: "list", Items: []string{}}
				for _, e := range elems {
					l.Items = append(l.Items, e.Text)
				}
				*out = append(*out, l)
				return nil
			}
			*out = append(*out, elems...)
			return nil
		}
		return fmt.Errorf("audit: unexpected %v", t)
	case string:
		*out = append(*out, Leaf{Path: path, Kind: "string", Text: t})
	case json.Number:
		*out = append(*out, Leaf{Path: path, Kind: "number", Text: t.String()})
	case bool:
		*out = append(*out, Leaf{Path: path, Kind: "bool", Text: strconv.FormatBool(t)})
	case nil:
		*out = append(*out, Leaf{Path: path, Kind: "null"})
	}
	return nil
}

// FieldChange is one field of the object that differs between the
// snapshots. Before or After is nil when the field is absent there (a
// create has no before, a deletion no after).
type FieldChange struct {
	Path          string
	Before, After *Leaf
}

// hiddenPaths identify the object or count its saves; they never tell the
// auditor what changed.
var hiddenPaths = []string{"id", "ID", "TenantID", "version", "Version", "Path"}

// Changes lists the fields that differ between the entry's snapshots, in
// the order the after snapshot stores them (fields only before come
// last). Unchanged fields and the object's id and version are left out.
func Changes(e *Entry) []FieldChange {
	before, after := Flatten(e.Before), Flatten(e.After)
	bi := map[string]int{}
	for i, l := range before {
		bi[l.Path] = i
	}
	var out []FieldChange
	seen := map[string]bool{}
	for i := range after {
		a := &after[i]
		seen[a.Path] = true
		if slices.Contains(hiddenPaths, a.Path) {
			continue
		}
		var b *Leaf
		if j, ok := bi[a.Path]; ok {
			b = &before[j]
			if b.same(*a) {
				continue
			}
		}
		out = append(out, FieldChange{Path: a.Path, Before: b, After: a})
	}
	for i := range before {
		b := &before[i]
		if !seen[b.Path] && !slices.Contains(hiddenPaths, b.Path) {
			out = append(out, FieldChange{Path: b.Path, Before: b})
		}
	}
	return out
}

// LabelKey finds the message key naming a field: first the object type's
// own (auditlog.field.<type>.<path>), then the common one
// (auditlog.field.<path>), and for a policy version's rules the policy
// form's own labels (fieldname.<path below policy>). List indexes are
// left out of the lookup and returned in rest, counted from 1 (the
// second unit rule's code is "所属コード" with rest "2"); for a path
// whose end is data, not a field (a date), the longest labelled prefix
// is used and the remainder returned in rest. ok is false when nothing
// names the field (then show the path).
func LabelKey(objectType, path string, has func(string) bool) (key, rest string, ok bool) {
	var segs, idx []string
	for i, s := range strings.Split(path, ".") {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			if i == 0 {
				segs = append(segs, listPath) // a snapshot that is a list
			}
			idx = append(idx, strconv.Itoa(n+1))
			continue
		}
		segs = append(segs, s)
	}
	for n := len(segs); n > 0; n-- {
		p := strings.Join(segs[:n], ".")
		keys := []string{"auditlog.field." + objectType + "." + p, "auditlog.field." + p}
		if objectType == "policy_version" && strings.HasPrefix(p, "policy.") {
			keys = append(keys, "fieldname."+strings.TrimPrefix(p, "policy."))
		}
		for _, k := range keys {
			if has(k) {
				return k, strings.Join(append(idx, segs[n:]...), " "), true
			}
		}
	}
	return "", path, false
}

// listPath stands for the list a snapshot is (a person's notification
// choices): its elements' fields are labelled as
// auditlog.field.<type>.list.<field>, the element's number following.
const listPath = "list"

// SensitivePath is the staff snapshot's digest of the opt-in analysis
// attributes: shown as present or absent, never as the digest.
const SensitivePath = "sensitive"

// ReasonsPath is a person's declared 育児・介護 reasons in a change of
// facts: shown to the auditor as recorded or not, and changed, never which
// (docs/policy.md: only approvers see them). Entries written since hold
// "none", "declared" or "changed"; earlier ones the list of reasons.
const ReasonsPath = "Reasons"

func reasonsShown(l, other *Leaf) string {
	switch {
	case l.Kind == "string" && l.Text == "changed":
		return "auditlog.value.sensitive_changed"
	case l.Kind == "string" && l.Text != "none" && l.Text != "",
		l.Kind == "list" && len(l.Items) > 0 && (other == nil || other.Kind != "list" || len(other.Items) == 0 || sameItems(l.Items, other.Items)):
		return "auditlog.value.sensitive_present"
	case l.Kind == "list" && len(l.Items) > 0:
		return "auditlog.value.sensitive_changed"
	}
	return "auditlog.value.sensitive_none"
}

func sameItems(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Shown is one value as the page shows it: a message key with its
// arguments, or, when Key is "", the stored text.
type Shown struct {
	Key  string
	Args map[string]any
	Text string
	// Ref, when set, names another object (a unit by id) that the caller
	// resolves to its code and name; Text keeps the stored id.
	Ref *Ref
}

// Ref is another object a value points to.
type Ref struct{ Type, ID string }

// enumFields are the fields whose stored codes have product-wide labels:
// the message key prefix for one code. An entry "<object type>.<path>"
// applies to that type only and comes before the one for the path alone.
var enumFields = map[string]string{
	"office.kind": "tasks.kind.", "office.network": "tasks.network.", "device_pool.kind": "devices.kind.",
	"booking.half": "places.half.", "booking.status": "auditlog.booking_status.",
	"device_reservation.status": "devices.status.", "personal_device.status": "devices.personal.",
	"staff.list.kind": "notify.kind.", "worktime_day.mode": "worktime.mode_", "application.mode": "worktime.mode_",
	"application.status": "apply.status.", "application.approved_by": "auditlog.approved_by.", "delegation.kind": "auditlog.delegation_kind.",
	"rank": "rank.", "employment": "employment.", "Kind": "kind.", "roles": "role.", "job_type": "job.",
	"locale": "auditlog.locale.", "claim": "auditlog.claim.", "format": "auditlog.format.", "kind": "auditlog.object.",
	"via": "auditlog.via.", "reason": "auditlog.action.",
	"policy.modes": "mode.", "policy.time_units": "unit.",
	"policy.eligibility.employments": "employment.", "policy.eligibility.ranks": "rank.",
	"policy.eligibility.reasons": "reason.", "policy.eligibility.excluded_job_types": "job.",
	"policy.places.home_equivalent_kinds": "placekind.", "policy.deadline.on": "deadline_on.",
	"policy.deadline.day_kind": "day_kind.", "policy.hours.overtime": "overtime.", "policy.mid_day_break": "mid_day.",
	"policy.report.form": "report_form.", "policy.presence": "presence.",
	"policy.take_out.paper": "take_out_rule.", "policy.take_out.data": "take_out_rule.",
	"policy.take_out.banned_paper_classes": "dataclass.", "policy.take_out.banned_data_classes": "dataclass.",
	"policy.take_out.print_allowed_devices": "device.", "policy.take_out.save_allowed_devices": "device.",
	// Applications and working time: each day's state, where and how.
	"application.days": "apply.status.", "application.decision": "apply.status.", "application.devices": "devices.kind.",
	"application.place": "auditlog.enum.place.", "application.segments.place": "auditlog.enum.place.",
	"application.segments.mode": "worktime.mode_", "application.time_unit": "auditlog.enum.time_unit.",
	"apply_settings.approver": "applyweb.approver_", "worktime_overtime.status": "worktime.overtime_status_",
	"office.closed_days": "auditlog.enum.weekday.", "policy_version.template": "auditlog.enum.template.",
	// The trial's areas: tasks, systems, places, surveys, 1on1, roadmap,
	// handbook, costs and emergencies.
	"task_place.kind": "tasks.kind.", "task_place.network": "tasks.network.", "sheet_task.paper": "tasks.paper.",
	"sheet_task.status": "auditlog.enum.task_status.", "info_system.segment": "tasks.segment.",
	"info_system.routes": "tasks.route.", "info_system.data_classes": "tasks.class.",
	"survey.kind": "survey.kind_", "survey.status": "survey.status_", "oneonone_pair.mode": "oneonone.mode_",
	"roadmap_step.status": "roadmap.status_", "roadmap_step.owners": "auditlog.enum.owner.",
	"handbook_page.slot": "auditlog.enum.slot.", "cost.kind": "auditlog.enum.cost_kind.", "emergency.kind": "emergency.kind_",
}

// refFields point to another object by id: each field holding a staff id
// names the person (the approver, the delegate, who decided, who entered a
// day or booked for someone), never the bare number.
var refFields = map[string]string{"unit_id": "unit", "ParentID": "unit", "staff_id": "staff", "owner_id": "user",
	"approver_id": "staff", "delegate_id": "staff", "presence_checker_id": "staff", "on_behalf_of": "staff",
	"decided_by": "staff", "start_by_proxy": "staff", "end_by_proxy": "staff", "acted_by_staff": "staff",
	"acted_by_user": "user", "office_id": "office", "pool_id": "device_pool", "user_id": "user",
	"owner_staff_id": "staff", "lead_id": "staff", "member_id": "staff", "application_id": "application", "pre_id": "survey"}

// refType is the type of object a field points to by id ("" for none):
// the field's own name decides, at any depth (a revoked token's
// token.user_id is an account as user_id is).
func refType(path string) string {
	if t, ok := refFields[path]; ok {
		return t
	}
	return refFields[path[strings.LastIndex(path, ".")+1:]]
}

// ShowValue says how a field's value appears, given the other side of the
// change (for the digest of the analysis attributes, whose change is told
// without showing it). A nil leaf is an absent field.
func ShowValue(objectType string, l, other *Leaf, has func(string) bool) []Shown {
	if l == nil {
		return nil
	}
	if l.Path == SensitivePath && objectType == "staff" && l.Kind == "string" {
		switch {
		case l.Text == "none":
			return []Shown{{Key: "auditlog.value.sensitive_none"}}
		case other != nil && other.Kind == "string" && other.Text != "none" && other.Text != l.Text:
			return []Shown{{Key: "auditlog.value.sensitive_changed"}}
		default:
			return []Shown{{Key: "auditlog.value.sensitive_present"}}
		}
	}
	if l.Path == ReasonsPath && objectType == "staff" {
		return []Shown{{Key: reasonsShown(l, other)}}
	}
	prefix, ok := enumFields[objectType+"."+genericPath(l.Path)]
	if !ok {
		prefix = enumFields[genericPath(l.Path)]
	}
	switch l.Kind {
	case "null":
		return []Shown{{Key: "auditlog.value.null"}}
	case "bool":
		return []Shown{{Key: "auditlog.value." + l.Text}}
	case "list":
		if len(l.Items) == 0 {
			return []Shown{{Key: "auditlog.value.empty_list"}}
		}
		out := make([]Shown, 0, len(l.Items))
		for _, it := range l.Items {
			out = append(out, enumValue(prefix, it, has))
		}
		return out
	case "string":
		if l.Text == "" {
			return []Shown{{Key: "auditlog.value.empty"}}
		}
		if l.Path == "roles" { // stored joined with commas
			var out []Shown
			for _, r := range strings.Split(l.Text, ",") {
				out = append(out, enumValue(prefix, r, has))
			}
			return out
		}
	case "number":
		if t := refType(l.Path); t != "" {
			if l.Text == "0" {
				// No approver, no proxy: not an account's missing link.
				if k := "auditlog.value.no_" + t; has(k) && (t != "staff" || l.Path == "staff_id") {
					return []Shown{{Key: k}}
				}
				return []Shown{{Key: "auditlog.value.null"}}
			}
			return []Shown{{Text: l.Text, Ref: &Ref{Type: t, ID: l.Text}}}
		}
	}
	return []Shown{enumValue(prefix, l.Text, has)}
}

// genericPath drops list indexes from a path (policy.unit_rules.0.modes
// is policy.unit_rules.modes); the index a list snapshot starts with
// becomes listPath (0.kind is list.kind), as LabelKey reads it.
func genericPath(path string) string {
	segs := strings.Split(path, ".")
	out := segs[:0]
	for i, s := range segs {
		if isDate(s) { // a day of an application (days.2026-06-01)
			continue
		}
		if _, err := strconv.Atoi(s); err == nil {
			if i == 0 {
				out = append(out, listPath)
			}
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, ".")
}

// isDate reports whether a path segment is a civil date (2026-06-01).
func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func enumValue(prefix, code string, has func(string) bool) Shown {
	if prefix != "" && code != "" && has(prefix+code) {
		return Shown{Key: prefix + code, Text: code}
	}
	return Shown{Text: code}
}

// Name is how an object is named to people: its type (message key
// auditlog.object.<Type>) with a code (職員番号, unit code, login id,
// date) and a name, as its snapshot recorded them.
type Name struct {
	Type, ID   string
	Code, Name string
}

// NameFrom reads an object's code and name from one of its snapshots;
// ok is false when the snapshot does not name it (a sign-in has none, a
// policy-facts change holds only the facts).
func NameFrom(objectType, objectID string, raw json.RawMessage) (Name, bool) {
	n := Name{Type: objectType, ID: objectID}
	get := map[string]Leaf{}
	for _, l := range Flatten(raw) {
		get[l.Path] = l
	}
	text := func(k string) (string, bool) {
		l, ok := get[k]
		return l.Text, ok && l.Kind == "string"
	}
	var ok bool
	switch objectType {
	case "staff":
		if n.Code, ok = text("staff_no"); ok {
			n.Name, _ = text("name")
		}
	case "unit":
		if n.Code, ok = text("Code"); ok {
			n.Name, _ = text("Name")
		}
	case "user", "operator":
		n.Code, ok = text("login_id")
	case "tenant":
		n.Name, ok = text("Name")
	case "api_token":
		for _, p := range []string{"", "token."} {
			if n.Name, ok = text(p + "name"); ok {
				n.Code, _ = text(p + "prefix")
				break
			}
		}
	case "policy_version":
		if n.Code, ok = text("effective_from"); ok {
			n.Name, _ = text("note")
		}
	case "closure_day":
		if n.Code, ok = text("date"); ok {
			n.Name, _ = text("name")
		}
	case "staff_import":
		n.Name, ok = text("file")
	case "office", "device_pool":
		n.Name, ok = text("name")
	case "national_holidays":
		n.Code, ok = objectID, true
	case "staff_export", "sso_settings", "retired_staff", "api_tokens":
		ok = true // one of its kind per tenant: the type names it
	}
	return n, ok
}

// ActorKind sorts the labels actors are recorded with.
type ActorKind int

const (
	ActorAccount ActorKind = iota // a login id
	ActorToken                    // "login (token #N name)"
	ActorSystem                   // "system:…", "cli", "sso", "test"
)

// ParseActor splits an actor label into the login id and how the change
// was made. System labels keep their text in Login.
func ParseActor(label string) (login string, kind ActorKind, token string) {
	if i := strings.Index(label, " (token #"); i > 0 && strings.HasSuffix(label, ")") {
		return label[:i], ActorToken, label[i+len(" (token #") : len(label)-1]
	}
	if strings.HasPrefix(label, "system") || label == "cli" || label == "sso" {
		return label, ActorSystem, ""
	}
	return label, ActorAccount, ""
}
