package api

import "telework/internal/survey"

// surveySchemas are the OpenAPI schemas of the survey and 1on1 API
// (survey.go), merged into the document's schemas.
func surveySchemas() map[string]any {
	date := map[string]any{"type": "string", "format": "date", "description": "YYYY-MM-DD"}
	option := obj([]string{"value", "label"}, map[string]any{"value": str("option value"), "label": str("label (Japanese)"), "label_en": str("label (English)")})
	question := obj([]string{"id", "section", "type", "text", "options", "required", "custom"}, map[string]any{
		"id": str("question id (answers are keyed by it)"), "section": str("attr, work, result, problem, continue, expect, worry, free, custom"),
		"type": enum(survey.QTypes, "answer type"), "text": str("question (Japanese; 図表7 wording for built-ins)"), "text_en": str("question (English)"),
		"options": map[string]any{"type": "array", "items": option}, "attr": str("attribute key of an attribute question"),
		"required": boolean("must be answered to submit"), "custom": boolean("added by the tenant")})
	target := obj([]string{"unit_ids", "ranks", "trials_only"}, map[string]any{
		"unit_ids":    map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "description": "units (with the units below them)"},
		"ranks":       map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "職層"},
		"trials_only": boolean("only trial members (試行の対象者)")})
	cell := obj([]string{"count", "hidden"}, map[string]any{"count": map[string]any{"type": "integer", "description": "0 when hidden"},
		"hidden": boolean("suppressed: fewer than 5, or derivable from other published counts")})
	row := obj([]string{"group", "n", "cells", "mean"}, map[string]any{"group": str("group label (merged small categories joined by ・)"),
		"n": cell, "cells": map[string]any{"type": "array", "items": cell},
		"mean": map[string]any{"type": []string{"number", "null"}, "description": "mean of a 5-point or number item, when every cell of the row is shown"}})
	return map[string]any{
		"Survey": obj([]string{"id", "kind", "title", "description", "pre_id", "opens_on", "closes_on", "status", "show_free_text", "target", "questions", "version"},
			map[string]any{"id": integer("id"), "kind": enum(survey.Kinds, "pre, post or custom"), "title": str("name"), "description": str("description"),
				"pre_id": integer("linked pre-trial survey (0 = none)"), "opens_on": date, "closes_on": date,
				"status": map[string]any{"type": "string", "enum": []string{"draft", "open", "closed"}}, "show_free_text": boolean("free text listed in the results"),
				"target": target, "questions": map[string]any{"type": "array", "items": question}, "version": integer("version"),
				"progress": obj([]string{"targeted", "answered", "due", "withheld"}, map[string]any{"targeted": integer("people asked"),
					"answered": integer("submissions (never who)"), "due": integer("not answered yet"),
					"withheld": boolean("fewer than 5 people in the target: answered and due are 0 and not shown")})}),
		"SurveyInput": obj([]string{"kind", "title", "opens_on", "closes_on"}, map[string]any{
			"kind": enum(survey.Kinds, "pre, post or custom"), "title": str("name (errors name it survey_title)"), "description": str("description"),
			"pre_id": integer("pre-trial survey to compare with (post only)"), "opens_on": date, "closes_on": date,
			"show_free_text": boolean("list free text in the results"), "target": target,
			"questions": map[string]any{"type": "array", "description": "custom questions, after the built-in ones", "items": obj([]string{"type", "text"}, map[string]any{
				"type": enum(survey.QTypes, "answer type"), "text": str("question"),
				"options":  map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "choices (single/multi)"},
				"required": boolean("must be answered")})}}),
		"SurveyResults": obj([]string{"survey_id", "published", "respondents", "by", "by2", "compare", "attributes", "tables"}, map[string]any{
			"survey_id": integer("survey"), "published": boolean("false when fewer than 5 answered (nothing is shown)"),
			"respondents": map[string]any{"type": []string{"integer", "null"}, "description": "respondents (or linked pairs)"},
			"by":          str("attribute"), "by2": str("second attribute"), "compare": boolean("pre/post comparison"),
			"attributes": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "attributes with at least two groups of 5"},
			"tables": map[string]any{"type": "array", "items": obj([]string{"item_id", "item", "values", "total", "rows"}, map[string]any{
				"item_id": str("question id, qid:option for a multiple-choice option, Δqid for a comparison"), "item": str("question text"),
				"values": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}, "total": row,
				"rows": map[string]any{"type": "array", "items": row}})}}),
		"MySurvey": obj([]string{"id", "title", "description", "opens_on", "closes_on", "answered", "questions"}, map[string]any{
			"id": integer("id"), "title": str("name"), "description": str("description"), "opens_on": date, "closes_on": date,
			"answered": boolean("the caller has submitted"), "questions": map[string]any{"type": "array", "items": question}}),
		"MySurveyAnswer": obj([]string{"survey_id", "open", "submitted", "answers"}, map[string]any{
			"survey_id": integer("survey"), "open": boolean("open for the caller's answer now"), "submitted": boolean("sent for good"),
			"answers": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				"description": "question id → chosen option values (one string for number and text)"}}),
		"SurveyAnswerInput": obj([]string{"answers"}, map[string]any{
			"answers": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
			"submit":  boolean("true: submit (required questions answered; once); false: save a draft")}),
		"OneOnOnePair": obj([]string{"id", "lead_id", "member_id", "lead_name", "member_name", "cadence_days", "minutes", "mode", "active", "last_held", "next_due", "overdue", "version"},
			map[string]any{"id": integer("id"), "lead_id": integer("listener's staff id"), "member_id": integer("speaker's staff id"),
				"lead_name": str("listener"), "member_name": str("speaker"), "cadence_days": integer("7–28"), "minutes": integer("length"),
				"mode": map[string]any{"type": "string", "enum": []string{"online", "face"}}, "active": boolean("not paused"),
				"last_held": str("latest meeting date or empty"), "next_due": date, "overdue": boolean("past its cadence"), "version": integer("version")}),
		"OneOnOneMeeting": obj([]string{"id", "pair_id", "held_on", "mode", "ice_break", "review", "theme", "notes", "actions", "version"},
			map[string]any{"id": integer("id"), "pair_id": integer("pair"), "held_on": date, "mode": map[string]any{"type": "string", "enum": []string{"online", "face"}},
				"ice_break": str("アイスブレイク"), "review": str("前回の振り返り"), "theme": str("本日のテーマ"), "notes": str("notes"),
				"actions": map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "agreed actions, carried to the next meeting"},
				"version": integer("version")}),
		"OneOnOneMeetingInput": obj([]string{"held_on", "mode"}, map[string]any{"held_on": date,
			"mode": map[string]any{"type": "string", "enum": []string{"online", "face"}}, "ice_break": str("アイスブレイク"), "review": str("前回の振り返り"),
			"theme": str("本日のテーマ"), "notes": str("notes"), "actions": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}),
		"SurveyVersion": obj([]string{"version"}, map[string]any{"version": integer("the survey's current version (stale: 412)")}),
		"OneOnOnePairInput": obj([]string{"lead_id", "member_id", "cadence_days", "mode"}, map[string]any{
			"lead_id": integer("listener's staff id"), "member_id": integer("speaker's staff id"), "cadence_days": integer("7–28"),
			"minutes": integer("10–120, default 30"), "mode": map[string]any{"type": "string", "enum": []string{"online", "face"}}}),
		"OneOnOneCounts": obj([]string{"pairs", "active", "overdue", "meetings_30d", "online", "face"}, map[string]any{
			"pairs": integer("pairs"), "active": integer("active pairs"), "overdue": integer("pairs past their cadence"),
			"meetings_30d": integer("meetings in the last 30 days"), "online": integer("active online pairs"), "face": integer("active face-to-face pairs")}),
	}
}
