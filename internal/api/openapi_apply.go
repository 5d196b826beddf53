package api

import (
	"slices"
	"telework/internal/apply"
	"telework/internal/notify"
	"telework/internal/policy"
)

// The OpenAPI schemas of applications, approvals and notifications.

func arr(items any) map[string]any { return map[string]any{"type": "array", "items": items} }

func dateStr(desc string) map[string]any {
	return map[string]any{"type": "string", "format": "date", "description": desc}
}

func applySchemas() map[string]any {
	places := []string{policy.PlaceHome, policy.PlaceHomeEquivalent, policy.PlaceSatellite, policy.PlaceMobile}
	segModes := append([]policy.Mode{}, policy.Modes...)
	segModes = append(segModes, apply.ModeOffice)
	segment := obj([]string{"mode", "start", "end"}, map[string]any{
		"mode": enum(segModes, "home / satellite / mobile, or office (not telework)"), "place": str("where (as place)"),
		"place_name": str("e.g. the satellite office's name"), "start": str("HH:MM"), "end": str("HH:MM")})
	takeOut := obj(nil, map[string]any{
		"paper": boolean("paper taken out (持ち出し)"), "paper_classes": arr(enum(policy.DataClasses, "")),
		"data": boolean("data taken out"), "data_classes": arr(enum(policy.DataClasses, "")),
		"print_at_home": boolean("prints at home"), "save_at_home": boolean("saves at home"),
		"items": str("what is taken out, in words")})
	weekday := map[string]any{"oneOf": []any{
		map[string]any{"type": "integer", "minimum": 0, "maximum": 6, "description": "0 = Sunday"},
		map[string]any{"type": "string", "enum": []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat",
			"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "日", "月", "火", "水", "木", "金", "土",
			"日曜", "月曜", "火曜", "水曜", "木曜", "金曜", "土曜", "日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日",
			"0", "1", "2", "3", "4", "5", "6"}}}}
	finding := obj([]string{"rule", "severity", "message"}, map[string]any{
		"rule": str("rule id (caps.weekly, deadline.submission …)"), "severity": enum([]policy.Severity{policy.Error, policy.Warning, policy.Info}, "error refuses; warning leaves it to the approver"),
		"date": dateStr("the day it concerns"), "message": str("which rule and why, in the caller's language")})
	skipped := obj([]string{"date", "reason"}, map[string]any{"date": dateStr("day skipped"), "reason": str("土曜日, 日曜日, the holiday's or closure's name")})
	report := obj([]string{"planned_start", "planned_end", "actual_start", "actual_end", "break_minutes", "planned_minutes",
		"actual_minutes", "work", "products", "verbal", "recorded_by", "reported_at"}, map[string]any{
		"planned_start": str("HH:MM planned"), "planned_end": str("HH:MM planned"), "actual_start": str("HH:MM"), "actual_end": str("HH:MM"),
		"break_minutes": map[string]any{"type": "integer"}, "planned_minutes": map[string]any{"type": "integer"},
		"actual_minutes": map[string]any{"type": "integer"}, "work": str("業務内容"), "products": str("成果物"),
		"verbal": boolean("a verbal report recorded by the supervisor (口頭報告)"), "recorded_by": integer("staff id of who filed it"),
		"reported_at": dateTime("filed"), "confirmed_by": integer("staff id of who confirmed it"), "confirmed_at": dateTime("confirmed")})
	day := obj([]string{"date", "status"}, map[string]any{
		"date": dateStr("the day"), "status": enum(apply.Statuses, "the day's own state"),
		"report_due": dateStr("last day of its report"), "started_at": dateTime("started"), "finished_at": dateTime("finished"),
		"report": report})
	decision := obj([]string{"action", "step", "by_staff_id", "by_name", "auto", "proxy", "comment", "dates", "findings", "at"}, map[string]any{
		"action": enum(apply.Actions, "what was done"), "step": map[string]any{"type": "integer"},
		"by_staff_id": integer("who (0: the system, e.g. auto-approval)"), "by_name": str("who (「システム(自動承認)」 / \"System (auto-approval)\" for an auto-approval)"),
		"auto":         boolean("the system's auto-approval at submission (nobody decided)"),
		"on_behalf_of": integer("the approver in whose name (代決)"), "on_behalf_of_name": str("the approver's name"),
		"proxy": boolean("decided for the approver (代決)"), "verbal": boolean("a 実施報告 heard by phone or in person and recorded by the supervisor (口頭報告, 松本市)"), "comment": str("comment"), "dates": arr(dateStr("")),
		"findings": arr(finding), "at": dateTime("when")})
	recurrence := obj([]string{"from", "to", "weekdays"}, map[string]any{
		"from": dateStr("first day"), "to": dateStr("last day"), "weekdays": arr(weekday)})
	appProps := map[string]any{
		"id": integer("id"), "staff_id": integer("applicant"), "staff_name": str("氏名"), "staff_no": str("職員番号"),
		"unit_id": integer("applicant's unit"), "unit_name": str("unit"),
		"status":   enum(apply.Statuses, "where it stands, read from its days: draft|submitted|approved|returned|rejected|withdrawn|cancelled|started|finished|reported|confirmed"),
		"decision": enum(apply.Statuses, "the state of the decision itself"),
		"mode":     enum(policy.Modes, "勤務形態"), "place": enum(places, "勤務場所"), "place_kind": enum(policy.HomeEquivalentKinds, "自宅同等の場所"),
		"place_reason": str("why that place"), "place_name": str("place in words"), "time_unit": enum(policy.TimeUnits, "終日/午前/午後/時間単位"),
		"start": str("HH:MM"), "end": str("HH:MM"), "break_minutes": map[string]any{"type": "integer"},
		"overtime_approved": boolean(""), "mid_day_break": boolean("中抜け"), "prior_consent": boolean("事前の了承"),
		"devices": arr(enum(policy.DeviceTypes, "")), "plan": str("planned work (何をどこまで)"), "task_ids": arr(integer("task")),
		"segments": arr(segment), "take_out": takeOut, "presence_checker_id": integer("在席確認者"),
		"approver_id": integer("who decides now"), "approver_name": str("who decides now"),
		"step": map[string]any{"type": "integer"}, "steps": map[string]any{"type": "integer", "description": "1, or 2 (係長 → 課長)"},
		"travel_order": boolean("recorded as a 旅行命令"), "travel_order_no": str("旅行命令 number"),
		"recurrence": recurrence, "days": arr(day), "skipped": arr(skipped), "findings": arr(finding),
		"submitted_at": dateTime("last submission"), "created_at": dateTime("created"), "updated_at": dateTime("changed"),
		"version":   integer("version (If-Match / version on actions)"),
		"decisions": arr(decision), "can": arr(enum(append(slices.Clone(apply.Actions), apply.ActEdit, apply.ActDelete),
			"what the caller may do now: the actions (POST …/{action}), edit (PUT: a draft or a returned application) and delete (DELETE: a draft)")), "on_behalf_of": integer("deciding now would be in this approver's name"),
		"auto_approved": boolean("approved by the policy at submission")}
	inProps := map[string]any{
		"dates": arr(dateStr("")), "range": obj([]string{"from", "to"}, map[string]any{"from": dateStr("first day"), "to": dateStr("last day")}),
		"recurrence": recurrence, "mode": enum(policy.Modes, "勤務形態"), "place": enum(places, "default from the mode"),
		"place_kind": enum(policy.HomeEquivalentKinds, "for home_equivalent"), "place_reason": str("why home_equivalent"),
		"place_name": str("satellite office or place in words"), "time_unit": enum(policy.TimeUnits, "default full_day"),
		"start": str("HH:MM (required for hourly)"), "end": str("HH:MM"), "break_minutes": map[string]any{"type": "integer", "minimum": 0},
		"overtime_approved": boolean(""), "mid_day_break": boolean("中抜け planned"), "prior_consent": boolean("事前の了承 obtained"),
		"devices": arr(enum(policy.DeviceTypes, "")), "plan": str("planned work (何をどこまで); without it and task_ids, a submission carries the warning plan.required"), "task_ids": arr(integer("task of the inventory")),
		"segments": arr(segment), "take_out": takeOut, "presence_checker_id": integer("在席確認者 (default: the approver)"),
		"submit": boolean("submit now (default true); false keeps a draft")}
	return map[string]any{
		"ApplicationInput": obj([]string{"mode"}, inProps),
		"Application":      obj([]string{"id", "staff_id", "status", "decision", "mode", "place", "time_unit", "days", "skipped", "findings", "version"}, appProps),
		// Problem details with these members besides (openAPISchemas adds
		// the Problem's own).
		"ApplicationRefusal": withDescription(obj(nil, map[string]any{
			"findings": arr(finding), "days": arr(dateStr("a day the application would hold")), "skipped": arr(skipped)}),
			"problem details of a refused application: the findings (errors first; input errors as rule input.<field>), "+
				"the days it would hold and the days skipped. days[] are dates here, as in a preview: nothing was written, so a day has no state "+
				"(the 201's days[] are objects with their state)"),
		"ApplicationPreview": obj([]string{"days", "skipped", "findings", "ok"}, map[string]any{
			"days": arr(dateStr("")), "skipped": arr(skipped), "findings": arr(finding), "ok": boolean("no error"),
			"approver_id": integer("who would approve"), "second_approver_id": integer("second step (0: none)")}),
		"ApplicationAction": obj(nil, map[string]any{
			"comment": str("why (required to return or reject)"), "days": arr(dateStr("days concerned (cancel, report, confirm; start/finish: the day)")),
			"from": dateStr("cancel every day from this one (the rest of a series)"), "version": integer("the version acted on (or If-Match); another action in between gives 409"),
			"actual_start": str("report: HH:MM"), "actual_end": str("report: HH:MM"),
			"break_minutes": map[string]any{"type": "integer", "minimum": 0, "maximum": 240, "description": "report: the actual break; absent: the planned one (the application's, else the standard break of a day holding the lunch hour)"},
			"work":          str("report: work done"), "products": str("report: products"), "verbal": boolean("report heard by the supervisor (口頭報告)")}),
		"BulkApprovalInput": obj([]string{"ids", "action"}, map[string]any{
			"ids": arr(integer("application")), "action": enum([]apply.Action{apply.ActApprove, apply.ActReturn, apply.ActReject, apply.ActConfirm}, ""),
			"comment": str("required to return or reject")}),
		"BulkApprovalResult": obj([]string{"done", "failed"}, map[string]any{
			"done": arr(ref("Application")), "failed": arr(obj([]string{"id", "status", "detail"}, map[string]any{
				"id": integer("application"), "status": map[string]any{"type": "integer", "description": "the HTTP status it alone would get"},
				"detail": str("why")}))}),
		"ApprovalSettings": obj([]string{"approver", "two_step", "two_step_units", "reminder_hours"}, map[string]any{
			"approver":       map[string]any{"type": "string", "enum": []string{apply.ApproverSection, apply.ApproverTeam}, "description": "section: 所属長 (課長); team: 係長"},
			"two_step":       boolean("係長 → 課長 for everyone"),
			"two_step_units": arr(integer("unit (and below) approving in two steps")),
			"reminder_hours": map[string]any{"type": "integer", "minimum": 0, "description": "remind approvers after this many hours (0: never)"},
			"version":        integer("as read; 0 before the first save")}),
		"Delegation": obj([]string{"id", "approver_id", "delegate_id", "kind", "created_at"}, map[string]any{
			"id": integer("id"), "approver_id": integer("the approver"), "approver_name": str(""), "delegate_id": integer("decides in their name"),
			"delegate_name": str(""), "kind": map[string]any{"type": "string", "enum": []string{apply.DelegateProxy, apply.DelegateAbsence}},
			"from": dateStr("absence from"), "to": dateStr("absence to"), "note": str("note"), "created_at": dateTime("")}),
		"DelegationInput": obj([]string{"delegate_id", "kind"}, map[string]any{
			"approver_id": integer("default: you"), "delegate_id": integer("staff id"),
			"kind": map[string]any{"type": "string", "enum": []string{apply.DelegateProxy, apply.DelegateAbsence}},
			"from": dateStr("absence: first day"), "to": dateStr("absence: last day"), "note": str("")}),
		"Notification": obj([]string{"id", "kind", "message", "created_at", "read"}, map[string]any{
			"id": integer("id"), "kind": strEnum(notify.KindNames(), "event (every registered kind, notify.KindList)"), "application_id": integer("application"),
			"message": str("in the caller's language"), "created_at": dateTime(""), "read": boolean("")}),
		"NotificationPage": obj([]string{"items", "total", "unread"}, map[string]any{
			"items": arr(ref("Notification")), "next_cursor": str("pass as ?cursor= for the next page"),
			"total":  map[string]any{"type": "integer", "description": "how many notifications match (unread ones with ?unread=true), over all pages"},
			"unread": map[string]any{"type": "integer", "description": "unread count (the header badge)"}}),
		"NotificationsRead": obj(nil, map[string]any{"ids": arr(integer("notification")),
			"up_to_id": map[string]any{"type": "integer", "format": "int64", "minimum": 0,
				"description": "mark none newer than this id: send the newest id you listed (the first item of the list's first page), so that a notification arriving after you listed stays unread. Absent or 0: no bound (every notification, as before this field existed)"}}),
		"UnreadCount": obj([]string{"unread"}, map[string]any{"unread": map[string]any{"type": "integer"}}),
	}
}
