package api

import (
	"telework/internal/cost"
	"telework/internal/handbook"
	"telework/internal/incident"
	"telework/internal/roadmap"
)

// The OpenAPI schemas of issue 16 (listed in schemas()).

func civilDate(desc string) map[string]any {
	return map[string]any{"type": "string", "pattern": `^(\d{4}-\d{2}-\d{2})?$`, "description": desc + " (YYYY-MM-DD; empty = none)"}
}

// givenDate is a date that must be given (a cost's 支払日: its fiscal year
// follows from it).
func givenDate(desc string) map[string]any {
	return map[string]any{"type": "string", "pattern": `^\d{4}-\d{2}-\d{2}$`, "description": desc + " (YYYY-MM-DD, required)"}
}

func codes[T any](xs []T, code func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = code(x)
	}
	return out
}

func strEnum(vals []string, desc string) map[string]any {
	return map[string]any{"type": "string", "enum": vals, "description": desc}
}

// orNull is schema s or null (a partial save's null clears the member).
func orNull(s map[string]any) map[string]any {
	return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
}

func arrayOf(item map[string]any) map[string]any {
	return map[string]any{"type": "array", "items": item}
}

func fileSchema() map[string]any {
	return obj([]string{"id", "name", "content_type", "size", "sha256", "created_at", "created_by"}, map[string]any{
		"id": integer("file id"), "name": str("file name"), "content_type": str("media type (from the name's extension)"),
		"size": integer("bytes"), "sha256": str("SHA-256 of the content, hex"), "created_at": dateTime("uploaded"), "created_by": str("who uploaded it")})
}

func roadmapSchemas() map[string]any {
	owners := arrayOf(strEnum(codes(roadmap.Owners, func(o roadmap.OwnerInfo) string { return string(o.Code) }),
		"図表3: head 首長 / cio CIO・CIO補佐官 / it_policy 情報政策担当部門 / admin 行政改革・人事・財務・法令財政担当部門 / business 業務担当部門"))
	status := enum(roadmap.Statuses, "not_started 未着手 / in_progress 実施中 / done 完了")
	step := obj([]string{"step", "title", "phase", "owners", "status", "planned_start", "planned_end", "done_on", "note", "version", "updated_by"}, map[string]any{
		"step": integer("1–10 (図表1)"), "title": str("the step's name in the guide"), "phase": strEnum([]string{"", "trial", "full"}, "試行実施 / 本格実施"),
		"owners": owners, "status": status, "planned_start": civilDate("planned start"), "planned_end": civilDate("planned end"),
		"done_on": civilDate("done on"), "note": str("note"), "version": integer("0 = never saved"), "updated_at": dateTime("last saved"),
		"updated_by": str("who saved it")})
	check := obj([]string{"item", "figure", "step", "group", "text", "done", "note", "checked_by", "version", "files"}, map[string]any{
		"item": str("item code"), "figure": map[string]any{"type": "integer", "enum": []int{4, 5, 8, 9, 12}}, "step": integer("the step citing the figure"),
		"group": str("項目 of the figure"), "text": str("検討事項例, as in the guide"), "done": boolean("ticked"), "note": str("evidence in words"),
		"checked_by": str("who last ticked or unticked it"), "checked_at": dateTime("when"), "version": integer("0 = never saved"),
		"files": arrayOf(ref("File"))})
	review := obj([]string{"id", "held_on", "note", "recorded_by", "recorded_at"}, map[string]any{
		"id": integer("id"), "held_on": civilDate("held on"), "note": str("what was reviewed (図表12)"), "recorded_by": str("who recorded it"),
		"recorded_at": dateTime("recorded")})
	cadence := obj([]string{"interval_months", "next_on"}, map[string]any{
		"interval_months": map[string]any{"type": "integer", "minimum": roadmap.MinInterval, "maximum": roadmap.MaxInterval},
		"next_on":         civilDate("the next review")})
	return map[string]any{
		"RoadmapStep": step, "RoadmapCheck": check, "RoadmapReview": review, "RoadmapReviewSettings": cadence,
		"Roadmap": obj([]string{"steps", "checklist", "review_settings", "review_due", "reviews"}, map[string]any{
			"steps": arrayOf(ref("RoadmapStep")), "checklist": arrayOf(ref("RoadmapCheck")),
			"review_settings": map[string]any{"oneOf": []any{ref("RoadmapReviewSettings"), map[string]any{"type": "null"}}},
			"review_due":      boolean("the next review's date has come"), "reviews": arrayOf(ref("RoadmapReview"))}),
		"RoadmapStepInput": obj([]string{"step"}, map[string]any{
			"step":   integer("1–10. Every other member left out keeps the step's stored value; one sent replaces it (null, [] or \"\" clears)"),
			"owners": orNull(owners), "status": status, "planned_start": orNull(civilDate("planned start")),
			"planned_end": orNull(civilDate("planned end")),
			"done_on": orNull(civilDate("done on, not in the future; only on a done step. Left out: kept while the step stays done, " +
				"today when it becomes done without one, none when it is no longer done")),
			"note": orNull(str("note (≤ 2000)")), "version": integer("as read; 0 for a step never saved")}),
		"RoadmapCheckInput": obj([]string{"item", "done"}, map[string]any{
			"item": strEnum(codes(roadmap.Items, func(i roadmap.Item) string { return i.Code }), "item code"), "done": boolean("ticked"),
			"note": str("evidence in words (≤ 2000)"), "version": integer("as read; 0 for an item never saved")}),
		"RoadmapReviewInput": obj([]string{"held_on"}, map[string]any{"held_on": civilDate("held on, not in the future"), "note": str("note")}),
	}
}

func incidentSchemas() map[string]any {
	kind := enum(incident.Kinds, "incident = セキュリティ上の事故・不安; worry = 不便・不安 (図表7)")
	category := strEnum(codes(incident.Categories, func(c incident.Category) string { return c.Code }), "what happened (its kind's list)")
	status := enum(incident.Statuses, "new 受付 / in_progress 対応中 / resolved 対応済 / no_action 対応不要")
	return map[string]any{
		"Incident": obj([]string{"id", "kind", "category", "occurred_on", "summary", "detail", "anonymous", "reported_on", "status", "version", "actions"}, map[string]any{
			"id": integer("id"), "kind": kind, "category": category, "occurred_on": civilDate("when it happened"), "summary": str("summary"),
			"detail": str("detail"), "anonymous": boolean("reported anonymously (no reporter is stored)"), "reported_on": civilDate("reported on (the day only)"),
			"status": status, "version": integer("version"),
			"actions": arrayOf(obj([]string{"at", "by", "status_from", "status_to", "note"}, map[string]any{
				"at": dateTime("when"), "by": str("IT admin"), "status_from": status, "status_to": status, "note": str("what was done")}))}),
		"IncidentSummary": obj([]string{"total", "by_category", "by_status"}, map[string]any{"total": integer("reports"),
			"by_category": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}},
			"by_status":   map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}}}),
		"IncidentReceipt": obj([]string{"id", "anonymous", "status"}, map[string]any{"id": integer("id"), "anonymous": boolean("anonymous"), "status": status}),
		"IncidentInput": obj([]string{"kind", "category", "summary"}, map[string]any{
			"kind": kind, "category": category, "occurred_on": civilDate("when it happened (not in the future)"),
			"summary": str("summary (≤ 200)"), "detail": str("detail (≤ 4000)"), "anonymous": boolean("report anonymously")}),
		"IncidentReviewInput": obj([]string{"status", "version"}, map[string]any{
			"status": status, "note": str("what was done (required when the status stays)"), "version": integer("as read")}),
	}
}

func costSchemas() map[string]any {
	kind := strEnum(codes(cost.Kinds, func(k cost.Kind) string { return k.Code }),
		"ict_device ICT機器 / software / license / comm_tool 外部接続情報システム・コミュニケーションツール / security シンクライアント化等 / server / support 導入サポート (these may qualify); communication 通信費 / utility_allowance 光熱費等の手当 / other (never)")
	props := func(out bool) map[string]any {
		m := map[string]any{"kind": kind, "description": str("内容 (≤ 200)"), "amount_yen": map[string]any{"type": "integer", "minimum": 1, "maximum": cost.MaxAmount},
			"paid_on": givenDate("支払日"), "initial": boolean("初期導入経費 (building the environment), not a running cost"),
			"special_grant": boolean("tagged as qualifying for the 特別交付税措置 (refused for a kind or cost that does not qualify, or before 令和2年度)"),
			"note":          str("備考")}
		if out {
			m["id"], m["fiscal_year"], m["version"], m["updated_at"] = integer("id"), integer("年度"), integer("version, also in the ETag"), dateTime("last change")
			m["qualifies"] = boolean("could be tagged under the guide's rule")
		}
		return m
	}
	return map[string]any{
		"Cost":      obj([]string{"id", "kind", "description", "amount_yen", "paid_on", "fiscal_year", "initial", "special_grant", "qualifies", "note", "version", "updated_at"}, props(true)),
		"CostInput": obj([]string{"kind", "description", "amount_yen", "paid_on"}, props(false)),
		"CostTotals": obj([]string{"fiscal_year", "count", "total", "by_kind", "special_grant", "estimate", "grant_rate"}, map[string]any{
			"fiscal_year": integer("年度"), "count": integer("costs"), "total": integer("yen"),
			"by_kind":       map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}},
			"special_grant": integer("tagged total (yen)"), "estimate": integer("special_grant × 0.5, rounded down: before the 財政力補正"),
			"grant_rate": map[string]any{"type": "number"}}),
	}
}

func handbookSchemas() map[string]any {
	slot := strEnum(append([]string{""}, codes(handbook.Slots, func(s handbook.Slot) string { return s.Code })...), "the place linking to the page")
	topics := arrayOf(strEnum(codes(roadmap.Figure5Items(), func(i roadmap.Item) string { return i.Code }), "図表5 item"))
	return map[string]any{
		"HandbookPage": obj([]string{"id", "title", "markdown", "html", "slot", "published", "sort", "version", "updated_at", "updated_by", "files"}, map[string]any{
			"id": integer("id"), "title": str("title"), "markdown": str("the page as written"), "html": str("rendered and sanitised"),
			"slot": slot, "published": boolean("visible to staff"), "sort": integer("order"), "version": integer("version, also in the ETag"),
			"updated_at": dateTime("last change"), "updated_by": str("who"), "files": arrayOf(ref("File"))}),
		"HandbookPageInput": obj([]string{"title"}, map[string]any{"title": str("≤ 100"), "markdown": str("Markdown (≤ 100,000; raw HTML is not rendered)"),
			"slot": slot, "published": boolean("visible to staff"), "sort": map[string]any{"type": "integer", "minimum": 0, "maximum": 9999}}),
		"HandbookSlot": obj([]string{"slot", "name", "page_id", "title"}, map[string]any{"slot": slot, "name": str("the place"),
			"page_id": nullable("integer", "the published page, or null"), "title": str("its title")}),
		"Briefing": obj([]string{"id", "title", "held_on", "start_time", "place", "audience", "topics", "note", "version", "files"}, map[string]any{
			"id": integer("id"), "title": str("title"), "held_on": civilDate("date"), "start_time": str("HH:MM or empty"), "place": str("room or online"),
			"audience": str("who should attend"), "topics": topics, "note": str("note"), "version": integer("version"), "files": arrayOf(ref("File"))}),
		"BriefingInput": obj([]string{"title", "held_on"}, map[string]any{"title": str("≤ 100"), "held_on": civilDate("date"),
			"start_time": str("HH:MM"), "place": str("room or online"), "audience": str("who should attend"), "topics": topics, "note": str("note")}),
	}
}
