package backup

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is how a column is written in an archive, whatever the engine
// stores.
type Kind int

const (
	// Int is INTEGER or BIGINT: a JSON number.
	Int Kind = iota + 1
	// Bool is INTEGER 0/1 on SQLite and BOOLEAN on PostgreSQL: true/false.
	Bool
	// Text is TEXT: a JSON string.
	Text
)

func (k Kind) String() string {
	switch k {
	case Int:
		return "integer"
	case Bool:
		return "boolean"
	case Text:
		return "text"
	}
	return "?"
}

func (k Kind) ja() string {
	switch k {
	case Int:
		return "整数"
	case Bool:
		return "真偽値"
	case Text:
		return "文字列"
	}
	return "?"
}

// Column is one column of a table.
type Column struct {
	Name string
	Kind Kind
	Null bool // may hold NULL (JSON null)
}

// scope says which rows of a table belong to a one-tenant backup.
type scope int

const (
	// instanceRows belong to the whole instance: only in a full backup.
	instanceRows scope = iota
	// tenantRows carry a tenant_id (0 = instance level, full backup only).
	tenantRows
	// tenantItself is the tenants table: the row whose id is the tenant.
	tenantItself
)

// Table describes one table of the archive.
type Table struct {
	Name string
	// Key is the primary key. Rows are written in its order, and a restore
	// refuses a target that already holds one of the archive's keys.
	Key []string
	// Identity: the key is one integer column that the database generates,
	// so its sequence is moved past the restored ids.
	Identity bool
	// Parent is a column referring to this table's own (integer) key; such
	// rows are inserted parents first, since a unit may be moved under a
	// newer one.
	Parent  string
	scope   scope
	Columns []Column
}

// File is the table's name inside the archive.
func (t *Table) File() string { return t.Name + ".jsonl" }

// ColumnNames lists the columns in archive order.
func (t *Table) ColumnNames() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

func (t *Table) column(name string) int {
	for k, c := range t.Columns {
		if c.Name == name {
			return k
		}
	}
	return -1
}

// intKey reports whether the key is one integer column; a restore
// compares those with the target's in bulk.
func (t *Table) intKey() bool {
	return len(t.Key) == 1 && t.Columns[t.column(t.Key[0])].Kind == Int
}

// keyOf returns a row's key values.
func (t *Table) keyOf(row []any) []any {
	out := make([]any, len(t.Key))
	for k, name := range t.Key {
		out[k] = row[t.column(name)]
	}
	return out
}

// describeKey shows key values as "tenant_id = 1, kind = \"staff\"".
func (t *Table) describeKey(vals []any) string {
	parts := make([]string, len(t.Key))
	for k, name := range t.Key {
		if s, ok := vals[k].(string); ok {
			parts[k] = name + " = " + strconv.Quote(s)
		} else {
			parts[k] = fmt.Sprintf("%s = %v", name, vals[k])
		}
	}
	return strings.Join(parts, ", ")
}

func key(cols ...string) []string { return cols }

func num(name string) Column      { return Column{Name: name, Kind: Int} }
func numNull(name string) Column  { return Column{Name: name, Kind: Int, Null: true} }
func flag(name string) Column     { return Column{Name: name, Kind: Bool} }
func text(name string) Column     { return Column{Name: name, Kind: Text} }
func textNull(name string) Column { return Column{Name: name, Kind: Text, Null: true} }

// Tables is every table a backup holds, in foreign-key order (a table comes
// after the tables it refers to), which is the order of loading. A table
// added by a migration must be added here or to Transient;
// TestTablesCoverSchema fails until it is.
var Tables = []Table{
	{Name: "tenants", Key: key("id"), Identity: true, scope: tenantItself, Columns: []Column{
		num("id"), text("slug"), text("name"), text("kind"), num("staff_size"), num("general_admin_staff"),
		num("created_at"), num("version"),
	}},
	{Name: "operators", Key: key("id"), Identity: true, scope: instanceRows, Columns: []Column{
		num("id"), text("login_id"), text("password_hash"), flag("must_change_password"), text("locale"),
		flag("wareki"), num("created_at"), num("version"),
	}},
	{Name: "units", Key: key("id"), Identity: true, Parent: "parent_id", scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), numNull("parent_id"), text("code"), text("name"), text("level"),
		num("sort_order"), flag("retired"), num("created_at"), num("updated_at"), num("version"),
	}},
	{Name: "unit_history", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("unit_id"), text("kind"), text("old_name"), text("new_name"),
		numNull("old_parent_id"), numNull("new_parent_id"), text("effective_date"), num("changed_at"),
		text("actor_label"),
	}},
	{Name: "staff", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("staff_no"), text("name"), text("kana"), text("search_key"), text("email"),
		num("unit_id"), text("title"), text("rank"), flag("is_supervisor"), text("employment"), text("job_type"),
		flag("sensitive_opt_in"), text("gender"), text("age_band"), text("care"), num("commute_minutes"),
		flag("retired"), num("created_at"), num("updated_at"), num("version"), num("retired_at"),
	}},
	{Name: "staff_history", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("staff_id"), text("effective_date"), numNull("old_unit_id"),
		numNull("new_unit_id"), text("old_title"), text("new_title"), num("changed_at"), text("actor_label"),
	}},
	{Name: "users", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("login_id"), text("password_hash"), numNull("staff_id"), text("roles"),
		flag("must_change_password"), flag("disabled"), text("locale"), flag("wareki"), num("created_at"),
		num("updated_at"), num("version"), textNull("sso_subject"),
	}},
	// Single sign-on settings, one row per tenant. The client secret is in
	// clear here as in the database: an archive must be kept as safely.
	{Name: "sso_settings", Key: key("tenant_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), flag("enabled"), flag("mandatory"), text("issuer"), text("client_id"),
		text("client_secret"), text("claim"), flag("jit_link"), num("updated_at"), num("version"),
	}},
	// Retention periods per tenant and kind of record.
	{Name: "retention_settings", Key: key("tenant_id", "kind"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), text("kind"), num("days"), num("updated_at"),
	}},
	// The tenant's closure days, and the instance's imported national
	// holidays (tenant_id 0: in a full backup only).
	{Name: "closure_days", Key: key("tenant_id", "day"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), text("day"), text("name"), num("created_at"),
	}},
	{Name: "national_holidays", Key: key("tenant_id", "day"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), text("day"), text("name"), text("kind"), num("imported_at"),
	}},
	// Telework policy versions (JSON bodies) and the facts people declared
	// for eligibility.
	{Name: "policy_versions", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("effective_from"), text("body"), text("note"), num("created_at"), text("created_by"),
	}},
	{Name: "staff_policy_facts", Key: key("tenant_id", "staff_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("staff_id"), text("reasons"), flag("has_terminal"), flag("seconded"), num("updated_at"),
		flag("trial"),
	}},
	// Changes waiting for their date (予定されている異動), and what became of
	// them.
	{Name: "scheduled_changes", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("kind"), numNull("staff_id"), numNull("unit_id"), text("staff_no"), text("name"),
		text("effective_date"), text("body"), text("changes"), text("status"), text("failure"), text("source"),
		num("created_at"), text("created_by"), num("done_at"), text("done_by"),
	}},
	// The task inventory (issue 13): settings, systems catalogue, places
	// with their capabilities, the sections' task sheets and their systems.
	{Name: "task_settings", Key: key("tenant_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), flag("mynumber_at_branch_office"), num("version"), num("updated_at"), text("devices"),
	}},
	{Name: "info_systems", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("name"), text("segment"), text("data_classes"), text("routes"), text("note"),
		num("version"), num("created_at"), num("updated_at"),
	}},
	{Name: "task_places", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("name"), text("kind"), text("network"), flag("physical_security"),
		num("version"), num("created_at"), num("updated_at"),
	}},
	{Name: "sheet_tasks", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("unit_id"), text("name"), text("content"), text("timing"), text("note"),
		numNull("owner_staff_id"), text("paper"), flag("special_equipment"), flag("on_site"), flag("face_to_face"), flag("phone"),
		num("hours_per_year"), text("status"), numNull("proposed_by"), num("position"), num("version"),
		num("created_at"), num("updated_at"),
	}},
	{Name: "sheet_task_systems", Key: key("tenant_id", "task_id", "system_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("task_id"), num("system_id"),
	}},
	// Telework applications (issue 11): the application, its days, the
	// decisions, routing settings, delegations and the notification outbox.
	{Name: "applications", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("staff_id"), text("decision"), text("status"), text("mode"), text("place"),
		text("place_kind"), text("place_reason"), text("place_name"), text("time_unit"), text("start_hm"), text("end_hm"),
		num("break_minutes"), num("flags"), text("devices"), text("plan"), text("task_ids"), text("segments"),
		text("take_out"), numNull("presence_checker_id"), text("recurrence"), text("skipped"), numNull("approver_id"),
		numNull("first_approver_id"), numNull("second_approver_id"), num("step"), num("steps"), text("travel_order_no"),
		text("findings"), text("first_day"), text("last_day"), num("submitted_at"), num("created_at"), num("updated_at"),
		num("version"),
	}},
	{Name: "application_days", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("application_id"), num("staff_id"), text("day"), text("time_unit"), text("status"),
		num("started_at"), num("finished_at"), text("report_due"), text("report"), num("updated_at"), text("report_noted"),
		num("start_noted"),
	}},
	{Name: "application_decisions", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("application_id"), text("action"), num("step"), numNull("by_staff_id"),
		numNull("by_user_id"), numNull("on_behalf_of"), num("proxy"), text("comment"), text("dates"), text("findings"),
		num("at"), num("roster"),
	}},
	{Name: "apply_settings", Key: key("tenant_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), text("approver"), num("two_step"), num("reminder_hours"), num("updated_at"), num("version"),
	}},
	{Name: "apply_two_step_units", Key: key("tenant_id", "unit_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("unit_id"),
	}},
	{Name: "apply_delegations", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("approver_id"), num("delegate_id"), text("kind"), text("from_day"), text("to_day"),
		text("note"), num("created_at"), numNull("created_by"),
	}},
	{Name: "notifications", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("staff_id"), text("kind"), numNull("application_id"), text("args"),
		num("created_at"), num("read_at"), num("planned_at"),
	}},
	{Name: "notify_prefs", Key: key("tenant_id", "staff_id", "kind"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("staff_id"), text("kind"), flag("in_app"), flag("email"), flag("chat"),
	}},
	{Name: "notify_person", Key: key("tenant_id", "staff_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("staff_id"), flag("after_hours"), flag("auto_away_off"),
	}},
	{Name: "notify_settings", Key: key("tenant_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), text("smtp_host"), num("smtp_port"), text("smtp_tls"), text("smtp_user"), text("smtp_password"),
		text("mail_from"), text("charset"), num("updated_at"), num("version"),
	}},
	{Name: "notify_channels", Key: key("tenant_id", "unit_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("unit_id"), text("url"), text("format"), num("updated_at"),
	}},
	{Name: "notify_deliveries", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("notification_id"), text("channel"), text("target"), text("status"),
		num("attempts"), num("next_at"), text("lease_owner"), num("lease_until"), text("last_error"), num("created_at"),
		num("sent_at"),
	}},
	{Name: "calendar_feeds", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("owner_staff_id"), numNull("staff_id"), numNull("unit_id"), text("token_hash"),
		num("created_at"), num("revoked_at"),
	}},
	// Working time (issue 12): attendance records and prior overtime
	// requests. Presence is transient (only the current state, never
	// exported).
	{Name: "worktime_days", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("staff_id"), text("work_date"), num("start_at"), num("end_at"), text("mode"),
		text("place"), text("plan"), text("result"), num("start_proxy"), num("end_proxy"), numNull("application_id"),
		num("overtime_approved"), text("breaks"), num("version"), num("no_clock_out_noted"),
	}},
	{Name: "worktime_overtime", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("staff_id"), text("work_date"), text("until_hm"), text("status"),
		num("decided_by"), num("created_at"), num("decided_at"), text("reason"), numNull("approver_id"), text("comment"),
		num("version"),
	}},
	{Name: "worktime_sharing", Key: key("tenant_id", "unit_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("unit_id"),
	}},
	// Tokens are long-lived credentials that integrations depend on, unlike
	// sessions; only their hashes are stored. tenant_id 0 = an operator's.
	{Name: "api_tokens", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("user_id"), text("name"), text("token_hash"), text("prefix"),
		flag("read_only"), num("created_at"), num("expires_at"), num("last_used_at"), num("revoked_at"),
	}},
	// Surveys (issue 16): answers without staff ids; the pseudonym key
	// while the survey still needs it.
	{Name: "surveys", Key: key("id"), Identity: true, Parent: "pre_id", scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("kind"), text("title"), text("description"), numNull("pre_id"), text("opens_on"),
		text("closes_on"), text("target"), text("questions"), text("status"), flag("show_free_text"), text("pseudonym_key"),
		num("version"), num("created_at"), num("updated_at"), num("closed_at"),
	}},
	{Name: "survey_answers", Key: key("tenant_id", "survey_id", "pseudonym"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("survey_id"), text("pseudonym"), flag("submitted"), text("body"),
	}},
	// 1on1 pairs and meetings; meeting bodies are AES-GCM ciphertext
	// (the archive never holds a log in clear).
	{Name: "oneonone_pairs", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("lead_id"), num("member_id"), num("cadence_days"), num("minutes"), text("mode"),
		flag("active"), num("created_at"), num("version"),
	}},
	{Name: "oneonone_meetings", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("pair_id"), text("held_on"), text("mode"), text("body"), num("created_at"),
		num("updated_at"), num("version"),
	}},
	// The chain heads as they are, so that the restored chains verify.
	{Name: "audit_heads", Key: key("tenant_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("seq"), text("last_hash"),
	}},
	{Name: "audit_log", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("seq"), num("at"), num("actor_id"), text("actor_label"), text("action"),
		text("object_type"), text("object_id"), text("before_json"), text("after_json"), text("prev_hash"),
		text("hash"),
	}},
	// Entries committed after the backup sealed the chains (normally none):
	// sealed into the chain after a restore (issue 12, audit_seal.go).
	{Name: "audit_pending", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("at"), num("actor_id"), text("actor_label"), text("action"),
		text("object_type"), text("object_id"), text("before_json"), text("after_json"),
	}},
	// Running the trial (issue 16): the roadmap, incidents and worries
	// (anonymous ones have no reporter), costs, handbook pages, briefings
	// and the files attached to them (base64 text).
	{Name: "roadmap_steps", Key: key("tenant_id", "step"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("step"), text("owners"), text("status"), text("planned_start"), text("planned_end"),
		text("done_on"), text("note"), num("version"), num("updated_at"), text("updated_by"),
	}},
	{Name: "roadmap_checks", Key: key("tenant_id", "item"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), text("item"), flag("done"), text("note"), text("checked_by"), num("checked_at"), num("version"),
	}},
	{Name: "roadmap_review_settings", Key: key("tenant_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("interval_months"), text("next_on"), text("reminded_for"), text("overdue_reminded_for"),
	}},
	{Name: "roadmap_reviews", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("held_on"), text("note"), text("recorded_by"), num("recorded_at"),
	}},
	{Name: "incidents", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("kind"), text("category"), text("occurred_on"), text("summary"), text("detail"),
		flag("anonymous"), numNull("reporter_user_id"), text("reported_on"), text("status"), num("version"), num("updated_at"),
	}},
	{Name: "incident_actions", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("incident_id"), num("at"), text("by_label"), text("status_from"), text("status_to"),
		text("note"),
	}},
	{Name: "costs", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("kind"), text("description"), num("amount_yen"), text("paid_on"), num("fiscal_year"),
		flag("initial"), flag("special_grant"), text("note"), num("version"), num("updated_at"),
	}},
	{Name: "handbook_pages", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("title"), text("body"), textNull("slot"), flag("published"), num("sort"),
		num("version"), num("updated_at"), text("updated_by"),
	}},
	{Name: "briefings", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("title"), text("held_on"), text("start_time"), text("place"), text("audience"),
		text("topics"), text("note"), num("version"), num("updated_at"),
	}},
	{Name: "trial_files", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), textNull("check_item"), numNull("page_id"), numNull("briefing_id"), text("name"),
		text("content_type"), num("size"), text("sha256"), text("data"), num("created_at"), text("created_by"),
	}},
	// Offices, bookings and device pools (issue 14). The counters
	// (place_slots, device_slots) are kept: they are what the capacity
	// check reads.
	{Name: "office_details", Key: key("tenant_id", "office_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("office_id"), num("seats"), num("pcs"), flag("phone"), flag("printer"), text("opens"), text("closes"),
		text("closed_days"), flag("pre_registration"), num("horizon_days"), flag("hourly"), flag("outsiders"), text("address"), text("note"),
	}},
	{Name: "office_registrations", Key: key("tenant_id", "office_id", "staff_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("office_id"), num("staff_id"), num("registered_at"),
	}},
	{Name: "place_slots", Key: key("tenant_id", "office_id", "day", "half", "resource"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("office_id"), text("day"), text("half"), text("resource"), num("used"),
	}},
	{Name: "bookings", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("office_id"), num("staff_id"), text("day"), text("half"), flag("pc"), numNull("application_id"),
		text("status"), num("booked_by"), num("checked_in_at"), num("created_at"), num("cancelled_at"),
	}},
	{Name: "booking_halves", Key: key("tenant_id", "staff_id", "day", "half"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("staff_id"), text("day"), text("half"), num("booking_id"),
	}},
	{Name: "device_pools", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("name"), text("kind"), num("capacity"), num("loan_days"), text("note"), num("version"),
		num("created_at"), num("updated_at"),
	}},
	{Name: "device_slots", Key: key("tenant_id", "pool_id", "day"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("pool_id"), text("day"), num("used"),
	}},
	{Name: "device_reservations", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("pool_id"), num("staff_id"), text("day"), numNull("application_id"), text("status"),
		text("asset_no"), text("due_day"), num("lent_at"), num("returned_at"), num("booked_by"), num("created_at"), num("cancelled_at"),
		text("held_to"),
	}},
	{Name: "personal_devices", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("staff_id"), text("description"), text("os"), text("status"), text("expires_on"),
		num("requested_at"), num("decided_at"), num("decided_by"),
	}},
	{Name: "remote_credentials", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("staff_id"), text("day"), text("login"), text("secret_hash"), num("issued_at"), num("expires_at"),
		numNull("pool_id"),
	}},
	// The forecast's shortage warnings told to IT (issue 14, 00026).
	{Name: "shortage_warnings", Key: key("tenant_id", "resource", "week_of"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), text("resource"), numNull("office_id"), numNull("pool_id"), text("name"), text("week_of"), text("peak_day"),
		num("peak"), num("capacity"), num("warned_at"),
	}},
	// Emergency mode and the rosters in the product (issue 15).
	{Name: "emergencies", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), text("kind"), text("title"), text("from_date"), text("to_date"), text("planned_to"),
		text("rules"), num("declared_at"), text("declared_by"), num("ended_at"), text("ended_by"), num("version"),
	}},
	{Name: "emergency_units", Key: key("tenant_id", "emergency_id", "unit_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("emergency_id"), num("unit_id"),
	}},
	{Name: "roster_qualifications", Key: key("tenant_id", "staff_id", "duty"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("staff_id"), text("duty"),
	}},
	{Name: "roster_preferences", Key: key("tenant_id", "staff_id", "day"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("staff_id"), text("day"), text("mode"), num("updated_at"),
	}},
	{Name: "roster_publications", Key: key("id"), Identity: true, scope: tenantRows, Columns: []Column{
		num("id"), num("tenant_id"), num("unit_id"), text("from_date"), text("to_date"), text("plan"), num("published_at"),
		text("published_by"),
	}},
	{Name: "roster_publication_apps", Key: key("tenant_id", "publication_id", "application_id"), scope: tenantRows, Columns: []Column{
		num("tenant_id"), num("publication_id"), num("application_id"),
	}},
}

// Transient are the tables a backup leaves out on purpose: sign-in state
// (sessions, throttling counters, single sign-on flows in progress), the
// 24-hour replay cache of API POSTs, and the claims of periodic job runs
// (which node ran which day's job; the jobs are safe to run again), and
// staff and organisation files uploaded for an import preview (kept an hour
// until confirmed), and invitation links (a restored instance's HR issues
// new ones to whoever had not used theirs). A restored instance starts with
// everyone signed out.
var Transient = []string{"sessions", "login_failures", "sso_states", "idempotency_keys", "job_runs", "staff_imports",
	"unit_imports", "invitations", "presence"}

func tableByName(name string) *Table {
	for k := range Tables {
		if Tables[k].Name == name {
			return &Tables[k]
		}
	}
	return nil
}
