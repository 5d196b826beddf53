package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"telework/internal/store"
	"telework/internal/store/storetest"
)

// The tenant boundary is kept by the database itself: every reference
// between tenant-scoped tables is a composite foreign key that carries
// tenant_id (migration 00009), so a row of one tenant cannot point at a row
// of another even when a query forgets its tenant.

// notReferences are the *_id columns of tenant-scoped tables that have no
// foreign key, each with the reason. A new reference column gets a
// composite foreign key instead of an entry here.
var notReferences = map[string]string{
	"sessions.user_id":         "tenant_id 0 marks an operator's session, whose user_id is an operators id",
	"api_tokens.user_id":       "tenant_id 0 marks an operator's token, whose user_id is an operators id",
	"idempotency_keys.user_id": "tenant_id 0 marks an operator's request, whose user_id is an operators id",
	"users.login_id":           "the sign-in name, not a row",
	"audit_log.actor_id":       "a user, an operator or 0 (the system); the log outlives what it names",
	"audit_log.object_id":      "the key of any table, as text",
	"audit_pending.actor_id":   "as audit_log.actor_id: entries waiting to be chained",
	"audit_pending.object_id":  "as audit_log.object_id",
	"sso_settings.client_id":   "the identity provider's client identifier, not a row",
	"sso_states.client_id":     "the identity provider's client identifier, not a row",
}

// boundaryRefs are one tenant's rows that the cases below point at.
type boundaryRefs struct {
	tenant, unit, child, staff, user int64
	survey, pair                     int64 // issue 16
	system, task                     int64 // the task inventory's (issue 13)
	app                              int64 // an application of the staff member
	place, pool, booking             int64 // issue 14: an office, a device pool, a booking
	emergency, publication           int64 // issue 15
	notification                     int64 // an outbox row of the staff member (issue 12)
}

// boundaryCase writes a row of tenant `own` that refers to the rows in ref:
// with ref from another tenant it must fail with a foreign-key error, with
// ref from the same tenant it must succeed (so the failure is the boundary
// and nothing else). Each case names the foreign key it tests.
type boundaryCase struct {
	fk    string // table.column of the reference
	query string
	args  func(own, ref boundaryRefs, n int) []any
}

var boundaryCases = []boundaryCase{
	// Offices, bookings and device pools (issue 14).
	{"office_details.office_id", `INSERT INTO office_details (tenant_id, office_id) VALUES (?, ?)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.place} }},
	{"office_registrations.office_id", `INSERT INTO office_registrations (tenant_id, office_id, staff_id, registered_at) VALUES (?, ?, ?, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.place, own.staff} }},
	{"office_registrations.staff_id", `UPDATE office_registrations SET staff_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.staff, own.tenant} }},
	{"place_slots.office_id", `INSERT INTO place_slots (tenant_id, office_id, day, half, resource, used) VALUES (?, ?, ?, 'am', 'seat', 0)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, ref.place, fmt.Sprint("d", n)} }},
	{"bookings.office_id", `INSERT INTO bookings (tenant_id, office_id, staff_id, day, half, created_at) VALUES (?, ?, ?, '2026-06-02', 'am', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.place, own.staff} }},
	{"bookings.staff_id", `INSERT INTO bookings (tenant_id, office_id, staff_id, day, half, created_at) VALUES (?, ?, ?, '2026-06-02', 'am', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.place, ref.staff} }},
	{"bookings.application_id", `UPDATE bookings SET application_id = ? WHERE tenant_id = ? AND id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.app, own.tenant, own.booking} }},
	{"booking_halves.booking_id", `INSERT INTO booking_halves (tenant_id, staff_id, day, half, booking_id) VALUES (?, ?, ?, 'am', ?)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, own.staff, fmt.Sprint("d", n), ref.booking}
		}},
	{"booking_halves.staff_id", `UPDATE booking_halves SET staff_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.staff, own.tenant} }},
	{"device_slots.pool_id", `INSERT INTO device_slots (tenant_id, pool_id, day, used) VALUES (?, ?, ?, 0)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, ref.pool, fmt.Sprint("d", n)} }},
	{"device_reservations.pool_id", `INSERT INTO device_reservations (tenant_id, pool_id, staff_id, day, created_at) VALUES (?, ?, ?, ?, 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, ref.pool, own.staff, fmt.Sprint("d", n)}
		}},
	{"device_reservations.staff_id", `INSERT INTO device_reservations (tenant_id, pool_id, staff_id, day, created_at) VALUES (?, ?, ?, ?, 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, own.pool, ref.staff, fmt.Sprint("d", n)}
		}},
	{"personal_devices.staff_id", `INSERT INTO personal_devices (tenant_id, staff_id, description, requested_at) VALUES (?, ?, 'x', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"remote_credentials.staff_id", `INSERT INTO remote_credentials (tenant_id, staff_id, day, login, secret_hash, issued_at, expires_at) VALUES (?, ?, ?, 'x', 'x', 0, 0)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, ref.staff, fmt.Sprint("d", n)} }},
	{"remote_credentials.pool_id", `INSERT INTO remote_credentials (tenant_id, staff_id, day, login, secret_hash, issued_at, expires_at, pool_id) VALUES (?, ?, ?, 'x', 'x', 0, 0, ?)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, own.staff, fmt.Sprint("p", n), ref.pool}
		}},
	{"device_reservations.application_id", `UPDATE device_reservations SET application_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.app, own.tenant} }},
	{"shortage_warnings.office_id", `INSERT INTO shortage_warnings (tenant_id, resource, office_id, name, week_of, peak_day, peak, capacity, warned_at) VALUES (?, ?, ?, 'x', '2026-06-01', '2026-06-01', 2, 1, 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, fmt.Sprint("office:", n), ref.place}
		}},
	{"shortage_warnings.pool_id", `INSERT INTO shortage_warnings (tenant_id, resource, pool_id, name, week_of, peak_day, peak, capacity, warned_at) VALUES (?, ?, ?, 'x', '2026-06-01', '2026-06-01', 2, 1, 0)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, fmt.Sprint("pool:", n), ref.pool} }},
	{"units.parent_id", `INSERT INTO units (tenant_id, parent_id, code, name, level, created_at, updated_at)
		VALUES (?, ?, ?, 'x', 'ka', 0, 0)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, ref.unit, fmt.Sprint("c", n)} }},
	{"units.parent_id", `UPDATE units SET parent_id = ? WHERE tenant_id = ? AND id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.unit, own.tenant, own.child} }},
	{"unit_history.unit_id", `INSERT INTO unit_history (tenant_id, unit_id, kind, effective_date, changed_at, actor_label)
		VALUES (?, ?, 'rename', '2026-04-01', 0, 'test')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.unit} }},
	{"unit_history.old_parent_id", `INSERT INTO unit_history (tenant_id, unit_id, kind, old_parent_id, effective_date, changed_at, actor_label)
		VALUES (?, ?, 'move', ?, '2026-04-01', 0, 'test')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.child, ref.unit} }},
	{"unit_history.new_parent_id", `INSERT INTO unit_history (tenant_id, unit_id, kind, new_parent_id, effective_date, changed_at, actor_label)
		VALUES (?, ?, 'move', ?, '2026-04-01', 0, 'test')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.child, ref.unit} }},
	{"staff.unit_id", `INSERT INTO staff (tenant_id, staff_no, name, kana, search_key, unit_id, rank, employment, job_type, created_at, updated_at)
		VALUES (?, ?, 'x', 'x', 'x', ?, 'r', 'e', 'j', 0, 0)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, fmt.Sprint("s", n), ref.unit} }},
	{"staff.unit_id", `UPDATE staff SET unit_id = ? WHERE tenant_id = ? AND id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.child, own.tenant, own.staff} }},
	{"staff_history.staff_id", `INSERT INTO staff_history (tenant_id, staff_id, effective_date, changed_at, actor_label)
		VALUES (?, ?, '2026-04-01', 0, 'test')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"staff_history.old_unit_id", `INSERT INTO staff_history (tenant_id, staff_id, effective_date, old_unit_id, changed_at, actor_label)
		VALUES (?, ?, '2026-04-01', ?, 0, 'test')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.unit} }},
	{"staff_history.new_unit_id", `INSERT INTO staff_history (tenant_id, staff_id, effective_date, new_unit_id, changed_at, actor_label)
		VALUES (?, ?, '2026-04-01', ?, 0, 'test')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.unit} }},
	{"users.staff_id", `INSERT INTO users (tenant_id, login_id, password_hash, staff_id, created_at, updated_at)
		VALUES (?, ?, 'x', ?, 0, 0)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, fmt.Sprint("u", n), ref.staff} }},
	{"staff_policy_facts.staff_id", `INSERT INTO staff_policy_facts (tenant_id, staff_id, updated_at) VALUES (?, ?, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"staff_imports.user_id", `INSERT INTO staff_imports (tenant_id, user_id, filename, sha256, data, created_at, expires_at)
		VALUES (?, ?, 'f.csv', 'ab', ?, 0, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.user, []byte("x")} }},
	{"unit_imports.user_id", `INSERT INTO unit_imports (tenant_id, user_id, filename, sha256, data, created_at, expires_at)
		VALUES (?, ?, 'f.csv', 'ab', ?, 0, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.user, []byte("x")} }},
	{"invitations.user_id", `INSERT INTO invitations (tenant_id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, 0, 0)`,
		func(own, ref boundaryRefs, i int) []any { return []any{own.tenant, ref.user, fmt.Sprintf("h%d", i)} }},
	{"scheduled_changes.staff_id", `INSERT INTO scheduled_changes (tenant_id, kind, staff_id, effective_date, body, created_at)
		VALUES (?, 'staff.update', ?, '2027-04-01', '{}', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"scheduled_changes.unit_id", `INSERT INTO scheduled_changes (tenant_id, kind, unit_id, effective_date, body, created_at)
		VALUES (?, 'unit.update', ?, '2027-04-01', '{}', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.unit} }},
	// Issue 16 (the seed gives each tenant an incident, a handbook page and
	// a briefing to point at).
	{"incidents.reporter_user_id", `INSERT INTO incidents (tenant_id, kind, category, summary, reporter_user_id, reported_on, updated_at)
		VALUES (?, 'worry', 'family', 'x', ?, '2026-12-01', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.user} }},
	{"incident_actions.incident_id", `INSERT INTO incident_actions (tenant_id, incident_id, at, by_label, status_from, status_to)
		VALUES (?, (SELECT MIN(id) FROM incidents WHERE tenant_id = ?), 0, 'x', 'new', 'new')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.tenant} }},
	{"trial_files.page_id", `INSERT INTO trial_files (tenant_id, page_id, name, content_type, size, sha256, data, created_at, created_by)
		VALUES (?, (SELECT MIN(id) FROM handbook_pages WHERE tenant_id = ?), 'f.pdf', 'application/pdf', 1, 'ab', 'eA==', 0, 'x')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.tenant} }},
	{"trial_files.briefing_id", `INSERT INTO trial_files (tenant_id, briefing_id, name, content_type, size, sha256, data, created_at, created_by)
		VALUES (?, (SELECT MIN(id) FROM briefings WHERE tenant_id = ?), 'f.pdf', 'application/pdf', 1, 'ab', 'eA==', 0, 'x')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.tenant} }},
	// Surveys and 1on1 (issue 16), on the rows seed made.
	{"surveys.pre_id", `UPDATE surveys SET pre_id = ? WHERE tenant_id = ? AND id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.survey, own.tenant, own.survey} }},
	{"survey_answers.survey_id", `UPDATE survey_answers SET survey_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.survey, own.tenant} }},
	{"oneonone_pairs.lead_id", `UPDATE oneonone_pairs SET lead_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.staff, own.tenant} }},
	{"oneonone_pairs.member_id", `UPDATE oneonone_pairs SET member_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.staff, own.tenant} }},
	{"oneonone_meetings.pair_id", `UPDATE oneonone_meetings SET pair_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.pair, own.tenant} }},
	{"sheet_tasks.unit_id", `INSERT INTO sheet_tasks (tenant_id, unit_id, name, created_at, updated_at) VALUES (?, ?, 'x', 0, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.unit} }},
	{"sheet_tasks.owner_staff_id", `UPDATE sheet_tasks SET owner_staff_id = ? WHERE tenant_id = ? AND id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.staff, own.tenant, own.task} }},
	{"sheet_tasks.proposed_by", `UPDATE sheet_tasks SET proposed_by = ? WHERE tenant_id = ? AND id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.staff, own.tenant, own.task} }},
	{"sheet_task_systems.system_id", `INSERT INTO sheet_task_systems (tenant_id, task_id, system_id) VALUES (?, ?, ?)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, own.task, ref.system} }},
	{"sheet_task_systems.task_id", `UPDATE sheet_task_systems SET task_id = ? WHERE tenant_id = ? AND task_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.task, own.tenant, own.task} }},
	{"applications.staff_id", `INSERT INTO applications (tenant_id, staff_id, decision, status, mode, place, time_unit,
		first_day, last_day, created_at, updated_at) VALUES (?, ?, 'draft', 'draft', 'home', 'home', 'full_day', '2026-06-01', '2026-06-01', 0, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"applications.presence_checker_id", `INSERT INTO applications (tenant_id, staff_id, presence_checker_id, decision, status, mode, place, time_unit,
		first_day, last_day, created_at, updated_at) VALUES (?, ?, ?, 'draft', 'draft', 'home', 'home', 'full_day', '2026-06-01', '2026-06-01', 0, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.staff} }},
	{"applications.approver_id", `INSERT INTO applications (tenant_id, staff_id, approver_id, decision, status, mode, place, time_unit,
		first_day, last_day, created_at, updated_at) VALUES (?, ?, ?, 'draft', 'draft', 'home', 'home', 'full_day', '2026-06-01', '2026-06-01', 0, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.staff} }},
	{"applications.first_approver_id", `INSERT INTO applications (tenant_id, staff_id, first_approver_id, decision, status, mode, place, time_unit,
		first_day, last_day, created_at, updated_at) VALUES (?, ?, ?, 'draft', 'draft', 'home', 'home', 'full_day', '2026-06-01', '2026-06-01', 0, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.staff} }},
	{"applications.second_approver_id", `INSERT INTO applications (tenant_id, staff_id, second_approver_id, decision, status, mode, place, time_unit,
		first_day, last_day, created_at, updated_at) VALUES (?, ?, ?, 'draft', 'draft', 'home', 'home', 'full_day', '2026-06-01', '2026-06-01', 0, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.staff} }},
	{"application_days.application_id", `INSERT INTO application_days (tenant_id, application_id, staff_id, day, time_unit, status, updated_at)
		VALUES (?, ?, ?, ?, 'full_day', 'draft', 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, ref.app, own.staff, fmt.Sprintf("2026-07-%02d", n%28+1)}
		}},
	{"application_days.staff_id", `INSERT INTO application_days (tenant_id, application_id, staff_id, day, time_unit, status, updated_at)
		VALUES (?, ?, ?, ?, 'full_day', 'draft', 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, own.app, ref.staff, fmt.Sprintf("2026-08-%02d", n%28+1)}
		}},
	{"application_decisions.application_id", `INSERT INTO application_decisions (tenant_id, application_id, action, at) VALUES (?, ?, 'submit', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.app} }},
	{"application_decisions.by_staff_id", `INSERT INTO application_decisions (tenant_id, application_id, action, by_staff_id, at) VALUES (?, ?, 'submit', ?, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.app, ref.staff} }},
	{"application_decisions.by_user_id", `INSERT INTO application_decisions (tenant_id, application_id, action, by_user_id, at) VALUES (?, ?, 'submit', ?, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.app, ref.user} }},
	{"application_decisions.on_behalf_of", `INSERT INTO application_decisions (tenant_id, application_id, action, on_behalf_of, at) VALUES (?, ?, 'approve', ?, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.app, ref.staff} }},
	{"apply_two_step_units.unit_id", `INSERT INTO apply_two_step_units (tenant_id, unit_id) VALUES (?, ?)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.unit} }},
	{"apply_delegations.approver_id", `INSERT INTO apply_delegations (tenant_id, approver_id, delegate_id, kind, created_at) VALUES (?, ?, ?, 'proxy', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff, own.staff} }},
	{"apply_delegations.delegate_id", `INSERT INTO apply_delegations (tenant_id, approver_id, delegate_id, kind, created_at) VALUES (?, ?, ?, 'proxy', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.staff} }},
	{"apply_delegations.created_by", `INSERT INTO apply_delegations (tenant_id, approver_id, delegate_id, kind, created_at, created_by) VALUES (?, ?, ?, 'proxy', 0, ?)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, own.staff, ref.staff} }},
	{"notifications.staff_id", `INSERT INTO notifications (tenant_id, staff_id, kind, created_at) VALUES (?, ?, 'approved', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"notifications.application_id", `INSERT INTO notifications (tenant_id, staff_id, kind, application_id, created_at) VALUES (?, ?, 'approved', ?, 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.app} }},
	{"worktime_days.staff_id", `INSERT INTO worktime_days (tenant_id, staff_id, work_date, start_at) VALUES (?, ?, '2026-01-05', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"worktime_days.application_id", `INSERT INTO worktime_days (tenant_id, staff_id, work_date, start_at, application_id) VALUES (?, ?, '2026-01-06', 0, ?)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.app} }},
	{"worktime_overtime.staff_id", `INSERT INTO worktime_overtime (tenant_id, staff_id, work_date, until_hm, created_at) VALUES (?, ?, '2026-01-05', '19:00', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"worktime_overtime.approver_id", `INSERT INTO worktime_overtime (tenant_id, staff_id, work_date, until_hm, created_at, approver_id) VALUES (?, ?, '2026-01-06', '19:00', 0, ?)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, own.staff, ref.staff} }},
	{"worktime_sharing.unit_id", `INSERT INTO worktime_sharing (tenant_id, unit_id) VALUES (?, ?)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.unit} }},
	{"presence.staff_id", `INSERT INTO presence (tenant_id, staff_id, status, updated_at) VALUES (?, ?, 'available', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	// issue 15
	{"emergency_units.emergency_id", `UPDATE emergency_units SET emergency_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.emergency, own.tenant} }},
	{"emergency_units.unit_id", `UPDATE emergency_units SET unit_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.child, own.tenant} }},
	{"roster_qualifications.staff_id", `INSERT INTO roster_qualifications (tenant_id, staff_id, duty) VALUES (?, ?, 'counter')`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"roster_preferences.staff_id", `INSERT INTO roster_preferences (tenant_id, staff_id, day, mode, updated_at) VALUES (?, ?, '2026-06-01', 'TELE', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"roster_publications.unit_id", `UPDATE roster_publications SET unit_id = ? WHERE tenant_id = ? AND id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.unit, own.tenant, own.publication} }},
	{"roster_publication_apps.publication_id", `UPDATE roster_publication_apps SET publication_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.publication, own.tenant} }},
	{"roster_publication_apps.application_id", `UPDATE roster_publication_apps SET application_id = ? WHERE tenant_id = ?`,
		func(own, ref boundaryRefs, _ int) []any { return []any{ref.app, own.tenant} }},
	{"notify_deliveries.notification_id", `INSERT INTO notify_deliveries (tenant_id, notification_id, channel, next_at, created_at) VALUES (?, ?, ?, 0, 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, ref.notification, fmt.Sprint("c", n)}
		}},
	{"notify_prefs.staff_id", `INSERT INTO notify_prefs (tenant_id, staff_id, kind, in_app, email, chat) VALUES (?, ?, ?, TRUE, TRUE, FALSE)`,
		func(own, ref boundaryRefs, n int) []any { return []any{own.tenant, ref.staff, fmt.Sprint("k", n)} }},
	{"notify_person.staff_id", `INSERT INTO notify_person (tenant_id, staff_id, after_hours) VALUES (?, ?, TRUE)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.staff} }},
	{"notify_channels.unit_id", `INSERT INTO notify_channels (tenant_id, unit_id, url, updated_at) VALUES (?, ?, 'http://127.0.0.1/', 0)`,
		func(own, ref boundaryRefs, _ int) []any { return []any{own.tenant, ref.unit} }},
	{"calendar_feeds.owner_staff_id", `INSERT INTO calendar_feeds (tenant_id, owner_staff_id, token_hash, created_at) VALUES (?, ?, ?, 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, ref.staff, fmt.Sprint("h1-", n, "-", own.tenant)}
		}},
	{"calendar_feeds.staff_id", `INSERT INTO calendar_feeds (tenant_id, owner_staff_id, staff_id, token_hash, created_at) VALUES (?, ?, ?, ?, 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, own.staff, ref.staff, fmt.Sprint("h2-", n, "-", own.tenant)}
		}},
	{"calendar_feeds.unit_id", `INSERT INTO calendar_feeds (tenant_id, owner_staff_id, unit_id, token_hash, created_at) VALUES (?, ?, ?, ?, 0)`,
		func(own, ref boundaryRefs, n int) []any {
			return []any{own.tenant, own.staff, ref.unit, fmt.Sprint("h3-", n, "-", own.tenant)}
		}},
}

func TestTenantBoundaryForeignKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		exec := func(q string, args ...any) error {
			_, err := db.SQL.ExecContext(ctx, db.Rebind(q), args...)
			return err
		}
		insert := func(q string, args ...any) int64 {
			t.Helper()
			var id int64
			if err := db.SQL.QueryRowContext(ctx, db.Rebind(q+` RETURNING id`), args...).Scan(&id); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		// Two tenants, each with a top-level unit (parent NULL), a unit
		// under it, a staff record, and an account without one (staff_id
		// NULL): a NULL reference is not checked, as before.
		seed := func(slug string) boundaryRefs {
			var r boundaryRefs
			r.tenant = insert(`INSERT INTO tenants (slug, name, kind, created_at) VALUES (?, ?, 'city', 0)`, slug, slug)
			r.unit = insert(`INSERT INTO units (tenant_id, parent_id, code, name, level, created_at, updated_at)
				VALUES (?, NULL, 'top', 'top', 'bu', 0, 0)`, r.tenant)
			r.child = insert(`INSERT INTO units (tenant_id, parent_id, code, name, level, created_at, updated_at)
				VALUES (?, ?, 'child', 'child', 'ka', 0, 0)`, r.tenant, r.unit)
			r.staff = insert(`INSERT INTO staff (tenant_id, staff_no, name, kana, search_key, unit_id, rank, employment, job_type, created_at, updated_at)
				VALUES (?, ?, 'x', 'x', 'x', ?, 'r', 'e', 'j', 0, 0)`, r.tenant, slug, r.child)
			r.user = insert(`INSERT INTO users (tenant_id, login_id, password_hash, staff_id, created_at, updated_at)
				VALUES (?, 'admin', 'x', NULL, 0, 0)`, r.tenant)
			insert(`INSERT INTO incidents (tenant_id, kind, category, summary, anonymous, reported_on, updated_at)
				VALUES (?, 'worry', 'family', 'x', ?, '2026-12-01', 0)`, r.tenant, true)
			insert(`INSERT INTO handbook_pages (tenant_id, title, updated_at, updated_by) VALUES (?, 'p', 0, 'x')`, r.tenant)
			insert(`INSERT INTO briefings (tenant_id, title, held_on, updated_at) VALUES (?, 'b', '2026-12-01', 0)`, r.tenant)
			r.survey = insert(`INSERT INTO surveys (tenant_id, kind, title, opens_on, closes_on, questions, status, created_at, updated_at)
				VALUES (?, 'pre', 't', '2026-04-01', '2026-04-30', '[]', 'open', 0, 0)`, r.tenant)
			if err := exec(`INSERT INTO survey_answers (tenant_id, survey_id, pseudonym, body) VALUES (?, ?, 'p', '{}')`, r.tenant, r.survey); err != nil {
				t.Fatal(err)
			}
			r.pair = insert(`INSERT INTO oneonone_pairs (tenant_id, lead_id, member_id, cadence_days, minutes, mode, created_at)
				VALUES (?, ?, ?, 14, 30, 'online', 0)`, r.tenant, r.staff, r.staff)
			insert(`INSERT INTO oneonone_meetings (tenant_id, pair_id, held_on, mode, body, created_at, updated_at)
				VALUES (?, ?, '2026-04-01', 'online', 'enc', 0, 0)`, r.tenant, r.pair)
			r.system = insert(`INSERT INTO info_systems (tenant_id, name, segment, created_at, updated_at) VALUES (?, 'x', 'lgwan', 0, 0)`, r.tenant)
			r.task = insert(`INSERT INTO sheet_tasks (tenant_id, unit_id, name, created_at, updated_at) VALUES (?, ?, 'x', 0, 0)`, r.tenant, r.child)
			r.app = insert(`INSERT INTO applications (tenant_id, staff_id, decision, status, mode, place, time_unit, first_day,
				last_day, created_at, updated_at) VALUES (?, ?, 'draft', 'draft', 'home', 'home', 'full_day', '2026-06-01', '2026-06-01', 0, 0)`,
				r.tenant, r.staff)
			r.place = insert(`INSERT INTO task_places (tenant_id, name, kind, network, created_at, updated_at) VALUES (?, 'x', 'branch', 'office_lan', 0, 0)`, r.tenant)
			r.pool = insert(`INSERT INTO device_pools (tenant_id, name, kind, created_at, updated_at) VALUES (?, 'x', 'lte_dongle', 0, 0)`, r.tenant)
			r.booking = insert(`INSERT INTO bookings (tenant_id, office_id, staff_id, day, half, created_at) VALUES (?, ?, ?, '2026-06-01', 'am', 0)`,
				r.tenant, r.place, r.staff)
			// issue 15: an emergency for the child unit, a roster publication
			// of the top unit with the application.
			r.emergency = insert(`INSERT INTO emergencies (tenant_id, kind, title, from_date, to_date, planned_to, rules, declared_at, declared_by)
				VALUES (?, 'disaster', 't', '2026-06-01', '2026-06-02', '2026-06-02', '{}', 0, 'x')`, r.tenant)
			if err := exec(`INSERT INTO emergency_units (tenant_id, emergency_id, unit_id) VALUES (?, ?, ?)`, r.tenant, r.emergency, r.child); err != nil {
				t.Fatal(err)
			}
			r.publication = insert(`INSERT INTO roster_publications (tenant_id, unit_id, from_date, to_date, plan, published_at, published_by)
				VALUES (?, ?, '2026-06-01', '2026-06-05', '{}', 0, 'x')`, r.tenant, r.unit)
			if err := exec(`INSERT INTO roster_publication_apps (tenant_id, publication_id, application_id) VALUES (?, ?, ?)`, r.tenant, r.publication, r.app); err != nil {
				t.Fatal(err)
			}
			r.notification = insert(`INSERT INTO notifications (tenant_id, staff_id, kind, created_at) VALUES (?, ?, 'approved', 0)`,
				r.tenant, r.staff)
			return r
		}
		a, b := seed("tenant-a"), seed("tenant-b")
		if err := exec(`INSERT INTO staff_history (tenant_id, staff_id, effective_date, old_unit_id, new_unit_id, changed_at, actor_label)
			VALUES (?, ?, '2026-04-01', NULL, ?, 0, 'test')`, b.tenant, b.staff, b.unit); err != nil {
			t.Errorf("a history row with a NULL unit: %v", err)
		}
		tested := map[string]bool{}
		for n, c := range boundaryCases {
			tested[c.fk] = true
			verb, _, _ := strings.Cut(strings.TrimSpace(c.query), " ")
			t.Run(c.fk+"/"+strings.ToLower(verb), func(t *testing.T) {
				err := exec(c.query, c.args(b, a, n)...)
				if !isForeignKeyError(err) {
					t.Errorf("a row of tenant B pointing at tenant A's: got %v, want a foreign-key error\n%s", err, c.query)
				}
				if err := exec(c.query, c.args(b, b, n)...); err != nil {
					t.Errorf("the same row pointing within tenant B: %v\n%s", err, c.query)
				}
			})
		}
		// Moving a row to another tenant drags its references along.
		if err := exec(`UPDATE staff SET tenant_id = ? WHERE id = ?`, a.tenant, b.staff); !isForeignKeyError(err) {
			t.Errorf("staff moved into another tenant: got %v, want a foreign-key error", err)
		}
		// Every composite foreign key has a case above.
		for _, fk := range foreignKeys(t, db) {
			for _, col := range fk.from {
				if col != "tenant_id" && fk.refTable != "tenants" && !tested[fk.table+"."+col] {
					t.Errorf("no case in boundaryCases for the foreign key %s: add one", fk)
				}
			}
		}
	})
}

// TestTenantBoundaryMigration runs migration 00009 over rows written by the
// schema before it, as on a database in the field: every row and every id
// counter survives the SQLite table rebuild, and rows that already cross a
// tenant make the migration fail and change nothing.
func TestTenantBoundaryMigration(t *testing.T) {
	const before = 8 // the schema without the composite keys
	ctx := context.Background()
	open := func(t *testing.T, eng store.Engine) *store.DB {
		db, err := store.Open(ctx, storetest.DSN(t, eng))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		// One connection: the one the migration ran on is the one checked
		// afterwards (SQLite's foreign_keys setting is per connection).
		db.SQL.SetMaxOpenConns(1)
		if _, err := db.MigrateTo(ctx, before); err != nil {
			t.Fatal(err)
		}
		return db
	}
	run := func(t *testing.T, db *store.DB, q string, args ...any) int64 {
		t.Helper()
		var id int64
		if strings.HasPrefix(q, "INSERT") && !strings.Contains(q, "staff_policy_facts") {
			q += " RETURNING id"
			if err := db.SQL.QueryRowContext(ctx, db.Rebind(q), args...).Scan(&id); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		if _, err := db.SQL.ExecContext(ctx, db.Rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return 0
	}
	seed := func(t *testing.T, db *store.DB) (a, b boundaryRefs) {
		for i, r := range []*boundaryRefs{&a, &b} {
			slug := fmt.Sprint("tenant-", i)
			r.tenant = run(t, db, `INSERT INTO tenants (slug, name, kind, created_at) VALUES (?, ?, 'city', 0)`, slug, slug)
			r.unit = run(t, db, `INSERT INTO units (tenant_id, parent_id, code, name, level, created_at, updated_at)
				VALUES (?, NULL, 'top', 'top', 'bu', 0, 0)`, r.tenant)
			r.child = run(t, db, `INSERT INTO units (tenant_id, parent_id, code, name, level, created_at, updated_at)
				VALUES (?, ?, 'child', 'child', 'ka', 0, 0)`, r.tenant, r.unit)
			run(t, db, `INSERT INTO unit_history (tenant_id, unit_id, kind, old_parent_id, new_parent_id, effective_date, changed_at, actor_label)
				VALUES (?, ?, 'move', NULL, ?, '2026-04-01', 0, 'test')`, r.tenant, r.child, r.unit)
			r.staff = run(t, db, `INSERT INTO staff (tenant_id, staff_no, name, kana, search_key, email, unit_id, rank, employment, job_type, created_at, updated_at)
				VALUES (?, '1', '山田', 'やまだ', 'やまだ', 'Yamada@example.jp', ?, 'r', 'e', 'j', 0, 0)`, r.tenant, r.child)
			run(t, db, `INSERT INTO staff_history (tenant_id, staff_id, effective_date, old_unit_id, new_unit_id, changed_at, actor_label)
				VALUES (?, ?, '2026-04-01', ?, ?, 0, 'test')`, r.tenant, r.staff, r.unit, r.child)
			r.user = run(t, db, `INSERT INTO users (tenant_id, login_id, password_hash, staff_id, created_at, updated_at, sso_subject)
				VALUES (?, 'yamada', 'x', ?, 0, 0, 'sub-1')`, r.tenant, r.staff)
			run(t, db, `INSERT INTO users (tenant_id, login_id, password_hash, staff_id, created_at, updated_at)
				VALUES (?, 'admin', 'x', NULL, 0, 0)`, r.tenant)
			run(t, db, `INSERT INTO staff_policy_facts (tenant_id, staff_id, reasons, updated_at) VALUES (?, ?, 'care', 0)`, r.tenant, r.staff)
			run(t, db, `INSERT INTO staff_imports (tenant_id, user_id, filename, sha256, data, created_at, expires_at)
				VALUES (?, ?, 'a.csv', 'ab', ?, 0, 0)`, r.tenant, r.user, []byte("x"))
		}
		// Deleted rows leave their ids used: the counters must not go back.
		gone := run(t, db, `INSERT INTO staff_imports (tenant_id, user_id, filename, sha256, data, created_at, expires_at)
			VALUES (?, ?, 'b.csv', 'cd', ?, 0, 0)`, a.tenant, a.user, []byte("y"))
		run(t, db, `DELETE FROM staff_imports WHERE id = ?`, gone)
		return a, b
	}
	rebuilt := []string{"units", "unit_history", "staff", "staff_history", "users", "staff_policy_facts", "staff_imports"}
	type state struct{ rows, next map[string]int64 }
	snapshot := func(t *testing.T, db *store.DB) state {
		st := state{rows: map[string]int64{}, next: map[string]int64{}}
		for _, tb := range rebuilt {
			var n int64
			if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+tb).Scan(&n); err != nil {
				t.Fatal(err)
			}
			st.rows[tb] = n
			if tb != "staff_policy_facts" {
				next, err := db.NextID(ctx, db.SQL, tb, "id")
				if err != nil {
					t.Fatal(err)
				}
				st.next[tb] = next
			}
		}
		return st
	}
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			db := open(t, eng)
			a, b := seed(t, db)
			was := snapshot(t, db)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if now := snapshot(t, db); fmt.Sprint(now) != fmt.Sprint(was) {
				t.Errorf("rows and next ids before the migration %v, after %v", was, now)
			}
			if id := run(t, db, `INSERT INTO staff_imports (tenant_id, user_id, filename, sha256, data, created_at, expires_at)
				VALUES (?, ?, 'c.csv', 'ef', ?, 0, 0)`, a.tenant, a.user, []byte("z")); id != was.next["staff_imports"] {
				t.Errorf("a new staff_imports row got id %d, want %d (ids of deleted rows stay used)", id, was.next["staff_imports"])
			}
			// The indexes came back with the tables: the unique ones still bite.
			if _, err := db.SQL.ExecContext(ctx, db.Rebind(`INSERT INTO users (tenant_id, login_id, password_hash, staff_id, created_at, updated_at)
				VALUES (?, 'other', 'x', ?, 0, 0)`), a.tenant, a.staff); !store.IsUniqueViolation(err) {
				t.Errorf("a second account for one staff record: %v, want a unique violation (users_staff)", err)
			}
			var idx int
			if eng == store.SQLite {
				if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN
					('units_parent', 'unit_history_unit', 'staff_unit', 'staff_search', 'staff_email_lower', 'staff_history_staff',
					 'users_staff', 'users_sso_subject', 'staff_imports_owner', 'staff_imports_expires')`).Scan(&idx); err != nil || idx != 10 {
					t.Errorf("%d of the 10 indexes of the rebuilt tables are there (%v)", idx, err)
				}
				var on int
				if err := db.SQL.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
					t.Errorf("foreign keys are off after the migration (%d, %v)", on, err)
				}
			}
			if _, err := db.SQL.ExecContext(ctx, db.Rebind(`UPDATE staff SET unit_id = ? WHERE tenant_id = ? AND id = ?`),
				a.child, b.tenant, b.staff); !isForeignKeyError(err) {
				t.Errorf("staff moved into another tenant's unit after the migration: %v, want a foreign-key error", err)
			}
		})
		t.Run(string(eng)+"/crossing rows refused", func(t *testing.T) {
			db := open(t, eng)
			a, b := seed(t, db)
			// What the old schema let through: B's staff record in A's unit.
			run(t, db, `UPDATE staff SET unit_id = ? WHERE id = ?`, a.child, b.staff)
			_, err := db.Migrate(ctx)
			if err == nil {
				t.Fatal("the migration accepted a staff record in another tenant's unit")
			}
			t.Logf("refused: %v", err)
			if v, err := db.SchemaVersion(ctx, db.SQL); err != nil || v != before {
				t.Errorf("schema version %d (%v) after the refused migration, want %d", v, err, before)
			}
			var n int
			if err := db.SQL.QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM staff WHERE id = ? AND unit_id = ?`),
				b.staff, a.child).Scan(&n); err != nil || n != 1 {
				t.Errorf("the data changed: %d, %v", n, err)
			}
			// Nothing is left half done: the database takes a transaction.
			if err := db.InTx(ctx, func(*store.Tx) error { return nil }); err != nil {
				t.Errorf("a transaction after the refused migration: %v", err)
			}
		})
	}
}

// TestEveryTenantReferenceIsComposite reads the foreign keys from the
// catalogue: a reference between tenant-scoped tables must carry tenant_id,
// and a column that looks like a reference (*_id) must have one or be
// listed in notReferences.
func TestEveryTenantReferenceIsComposite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		scoped := tenantScopedColumns(t, db)
		if len(scoped) < 10 {
			t.Fatalf("found only %d tenant-scoped tables", len(scoped))
		}
		fks := foreignKeys(t, db)
		covered := map[string]bool{}
		for _, fk := range fks {
			if _, ok := scoped[fk.table]; !ok || fk.refTable == "tenants" {
				continue
			}
			if _, ok := scoped[fk.refTable]; !ok {
				continue
			}
			i := slices.Index(fk.from, "tenant_id")
			if i < 0 || fk.to[i] != "tenant_id" {
				var cols []string
				for _, c := range fk.from {
					if c != "tenant_id" {
						cols = append(cols, c)
					}
				}
				t.Errorf("%s does not carry the tenant: make it FOREIGN KEY (tenant_id, %s) REFERENCES %s (tenant_id, id)",
					fk, strings.Join(cols, ", "), fk.refTable)
				continue
			}
			for _, c := range fk.from {
				covered[fk.table+"."+c] = true
			}
		}
		var tables []string
		for tb := range scoped {
			tables = append(tables, tb)
		}
		sort.Strings(tables)
		for _, tb := range tables {
			for _, col := range scoped[tb] {
				name := tb + "." + col
				if col == "tenant_id" || !strings.HasSuffix(col, "_id") {
					continue
				}
				_, excepted := notReferences[name]
				switch {
				case covered[name] && excepted:
					t.Errorf("%s has a composite foreign key now: remove it from notReferences", name)
				case !covered[name] && !excepted:
					t.Errorf("%s looks like a reference but no composite foreign key covers it: add "+
						"FOREIGN KEY (tenant_id, %s) REFERENCES … (tenant_id, id) in a migration, or list it in "+
						"notReferences (schema_test.go) with the reason", name, col)
				}
			}
		}
		for name := range notReferences {
			tb, col, _ := strings.Cut(name, ".")
			if !slices.Contains(scoped[tb], col) {
				t.Errorf("notReferences lists %s, which is not a column of a tenant-scoped table", name)
			}
		}
	})
}

type foreignKey struct {
	table, refTable string
	from, to        []string
}

func (fk foreignKey) String() string {
	return fmt.Sprintf("%s (%s) → %s (%s)", fk.table, strings.Join(fk.from, ", "), fk.refTable, strings.Join(fk.to, ", "))
}

// foreignKeys lists every foreign key of the schema, columns in key order.
func foreignKeys(t *testing.T, db *store.DB) []foreignKey {
	t.Helper()
	ctx := context.Background()
	var q string
	if db.Engine == store.SQLite {
		q = `SELECT m.name || '#' || f.id, m.name, f."table", f."from", f."to"
			FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
			WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`
	} else {
		// A composite key pairs its columns through the position of each in
		// the unique constraint it refers to.
		q = `SELECT rc.constraint_name, k.table_name, u.table_name, k.column_name, u.column_name
			FROM information_schema.referential_constraints rc
			JOIN information_schema.key_column_usage k
				ON k.constraint_schema = rc.constraint_schema AND k.constraint_name = rc.constraint_name
			JOIN information_schema.key_column_usage u
				ON u.constraint_schema = rc.unique_constraint_schema AND u.constraint_name = rc.unique_constraint_name
				AND u.ordinal_position = k.position_in_unique_constraint
			WHERE rc.constraint_schema = current_schema()
			ORDER BY rc.constraint_name, k.ordinal_position`
	}
	rows, err := db.SQL.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []foreignKey
	last := ""
	for rows.Next() {
		var id, table, ref, from, to string
		if err := rows.Scan(&id, &table, &ref, &from, &to); err != nil {
			t.Fatal(err)
		}
		if id != last {
			out = append(out, foreignKey{table: table, refTable: ref})
			last = id
		}
		fk := &out[len(out)-1]
		fk.from, fk.to = append(fk.from, from), append(fk.to, to)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d foreign keys", len(out))
	}
	return out
}

// tenantScopedColumns returns the columns of every table with a tenant_id.
func tenantScopedColumns(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	q := `SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' ORDER BY m.name, c.cid`
	if db.Engine == store.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`
	}
	rows, err := db.SQL.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols := map[string][]string{}
	for rows.Next() {
		var tb, col string
		if err := rows.Scan(&tb, &col); err != nil {
			t.Fatal(err)
		}
		cols[tb] = append(cols[tb], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for tb, cs := range cols {
		if !slices.Contains(cs, "tenant_id") {
			delete(cols, tb)
		}
	}
	return cols
}

func isForeignKeyError(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var liteErr *sqlite.Error
	return errors.As(err, &liteErr) && liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}
