package api

import (
	"telework/internal/emergency"
	"telework/internal/policy"
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
