package api

import (
	"telework/internal/emergency"
	"telework/internal/policy"
	"telework/internal/roster"
	"telework/internal/rosterplan"
)

// The OpenAPI schemas of emergency mode (issue 15).

func emergencySchemas() map[string]any {
	rules := obj(nil, map[string]any{
		"caps":              enum(policy.OverrideCaps, "\"\" keep the caps / lift 上限なし (週・月の上限と最低出勤日数) / set the weekly and monthly caps below"),
		"weekly_max_days":   map[string]any{"type": "integer", "minimum": 0, "maximum": 7, "description": "with caps=set: days a week (0 = none)"},
		"monthly_max_days":  map[string]any{"type": "integer", "minimum": 0, "maximum": 31, "description": "with caps=set: days a month (0 = none)"},
		"waive_eligibility": arr(enum(policy.EligibilityConditions, "an eligibility condition that does not apply")),
		"enable_modes":      arr(enum(policy.Modes, "a mode allowed even where the policy or a unit rule does not")),
		"deadline":          enum(policy.OverrideDeadlines, "\"\" keep / same_day 当日申請可 / none 期限なし"),
	})
	kind := enum(emergency.Kinds, "infection 感染症 / disaster 災害")
	return map[string]any{
		"EmergencyRules": rules,
		"Emergency": obj([]string{"id", "kind", "title", "from", "to", "planned_to", "unit_ids", "unit_names", "rules", "declared_at", "declared_by", "ended", "version"}, map[string]any{
			"id": integer("id"), "kind": kind, "title": str("title"), "from": dateStr("first day"), "to": dateStr("last day (brought forward when ended; before from when ended before it began)"),
			"planned_to": dateStr("the last day first declared"), "unit_ids": arr(integer("unit (and everything below it); none = the whole tenant")),
			"unit_names": arr(str("unit name")), "rules": ref("EmergencyRules"), "declared_at": dateTime("declared"), "declared_by": str("who declared it"),
			"ended": boolean("ended by HR"), "ended_at": dateTime("when it was ended"), "version": integer("for End")}),
		"EmergencyInput": obj([]string{"kind", "title", "from", "to"}, map[string]any{
			"kind": kind, "title": str("title (≤ 200)"), "from": dateStr("first day"), "to": dateStr("last day, not before from nor today"),
			"unit_ids": arr(integer("unit (and everything below it); none = the whole tenant")), "rules": ref("EmergencyRules")}),
		"EmergencyEndInput": obj(nil, map[string]any{"version": integer("as read (0 = any)")}),
	}
}

// rosterSchemas are those of the rotation roster (issue 15). The instance
// and the plan are the documents of ../shared/roster/FORMAT.md.
func rosterSchemas() map[string]any {
	duty := enum(rosterplan.DutyCodes(), "counter 窓口当番 / phone 電話当番 / priority 非常時優先業務")
	mode := enum([]string{roster.Onsite, roster.Tele}, "ONSITE 出勤 / TELE テレワーク")
	free := func(desc string) map[string]any { return map[string]any{"type": "object", "description": desc} }
	return map[string]any{
		"RosterQualifications": obj([]string{"duties"}, map[string]any{"staff_id": integer("staff id (in responses)"), "duties": arr(duty)}),
		"RosterPreference":     obj([]string{"day", "mode"}, map[string]any{"day": dateStr("day"), "mode": mode}),
		"RosterPreferencesInput": obj([]string{"from", "to"}, map[string]any{"from": dateStr("first day"), "to": dateStr("last day (at most 62 days)"),
			"preferences": arr(ref("RosterPreference"))}),
		"RosterRequest": obj([]string{"unit_id", "from", "to"}, map[string]any{
			"unit_id": integer("the section (its staff and those of the units below)"), "from": dateStr("first day"), "to": dateStr("last day (at most 62 days)"),
			"min_onsite": integer("people on site each day"), "duty_min": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}, "description": "duty code → qualified people on site each day"},
			"max_tele_per_week": integer("weekly telework cap: absent or null = the cap of the rules in force (with an emergency's overrides; none if they have none), 0 = no telework; a cap looser than the rules' is refused (422). Before 2026-12: 0 meant none"), "reduction_percent": integer("target reduction of on-site attendance in percent, e.g. 70 (0 = none)"),
			"cohorts": arr(str("cohort name, e.g. A")), "never_meet": boolean("cohorts alternate and never meet (2–3交代制)"),
			"cohort_of": arr(obj([]string{"staff_id", "cohort"}, map[string]any{"staff_id": integer("staff id"), "cohort": str("cohort name")})),
			"leave": map[string]any{"type": "object", "additionalProperties": arr(dateStr("day")),
				"description": "approved leave: staff id → days (LEAVE in the plan; the product keeps no leave records, so a re-plan after an illness passes it here)"},
			"approved": map[string]any{"type": "object", "additionalProperties": arr(dateStr("day")),
				"description": "approved telework days: staff id → days, added to those of the section's applications (TELE wishes)"}}),
		"RosterInstance":   free("roster-instance/1 (FORMAT.md)"),
		"RosterPlan":       free("roster-plan/1 with objective, status, gap, bound and violations (message in Japanese, messageEn in English)"),
		"RosterSolveInput": obj([]string{"instance"}, map[string]any{"instance": ref("RosterInstance"), "time_limit_ms": integer("time limit (default 5000, at most 30000)")}),
		"RosterPublishInput": obj([]string{"unit_id", "instance", "assignments"}, map[string]any{"unit_id": integer("the section"), "instance": ref("RosterInstance"),
			"assignments": map[string]any{"type": "object", "additionalProperties": arr(enum([]string{roster.Onsite, roster.Tele, roster.Leave}, "")), "description": "staff no → mode per day"}}),
		"RosterPublication": obj([]string{"id", "unit_id", "from", "to", "created", "kept", "cancelled", "left_cancelled"}, map[string]any{
			"id": integer("publication id"), "unit_id": integer("section"), "from": dateStr("first day"), "to": dateStr("last day"),
			"created": arr(integer("application created (approved)")), "kept": arr(integer("earlier application still holding a day")),
			"cancelled": map[string]any{"type": "object", "additionalProperties": arr(str("YYYY-MM-DD")), "description": "application id → days cancelled"},
			"left_cancelled": map[string]any{"type": "object", "additionalProperties": arr(str("YYYY-MM-DD")),
				"description": "staff id → days of this plan an earlier publication gave that the person or their approver has since cancelled: they stay cancelled"},
			"violations": arr(free("a constraint the published plan breaks (family, day, amount, message in Japanese, messageEn)"))}),
	}
}
