package api

import (
	"telework/internal/policy"
	"telework/internal/presence"
	"telework/internal/worktime"
)

// The OpenAPI schemas of working time, presence and the team board
// (issue 12).

func worktimeSchemas() map[string]any {
	modes := append([]policy.Mode{worktime.Office}, policy.Modes...)
	warning := obj([]string{"rule", "message"}, map[string]any{
		"rule":    strEnum([]string{worktime.RuleNoApplication, worktime.RuleBeforeWindow, worktime.RuleAfterWindow, worktime.RuleCoreNotCovered, worktime.RuleNoClockOut, worktime.RuleOvertime, worktime.RuleLateNight, worktime.RuleLongHours, worktime.RuleBreakShort, worktime.RuleOvertimeBeyond}, "the rule"),
		"message": str("the rule and its numbers, in the caller's language")})
	brk := obj([]string{"start", "end", "hourly_leave", "reported"}, map[string]any{
		"start": dateTime("start"), "end": nullable("string", "end (null: on the break)"),
		"hourly_leave": boolean("a 中抜け taken as hourly annual leave"),
		"reported":     boolean("its length reported by phone and entered by the supervisor with the end (break_minutes): its times are placed from noon, not known")})
	day := obj([]string{"staff_id", "date", "start", "end", "mode", "place", "plan", "result", "start_by_supervisor",
		"end_by_supervisor", "application_id", "breaks", "warnings"}, map[string]any{
		"staff_id": integer("the person"), "date": dateStr("the working day"), "start": dateTime("始業 (server time)"),
		"end":   nullable("string", "終業 (server time); null while working"),
		"mode":  map[string]any{"type": "string", "description": "office, home, satellite, mobile ('' unknown)"},
		"place": str("where"), "plan": str("one-line plan"), "result": str("one-line result"),
		"start_by_supervisor": boolean("entered by the supervisor on the person's behalf (図表20)"),
		"end_by_supervisor":   boolean("entered by the supervisor on the person's behalf"),
		"application_id":      integer("the approved application holding the day (0: none)"),
		"breaks":              arrayOf(brk), "warnings": arrayOf(warning)})
	team := obj([]string{"staff_id", "name", "state", "start", "end", "plan", "warnings", "start_by_supervisor", "end_by_supervisor", "breaks"}, map[string]any{
		"staff_id": integer("the person"), "name": str("氏名"),
		"state": enum([]worktime.State{worktime.NotStarted, worktime.Working, worktime.Finished}, "未始業 / 勤務中 / 終業"),
		"start": nullable("string", "始業"), "end": nullable("string", "終業"), "plan": str("today's plan"), "warnings": arrayOf(warning),
		"start_by_supervisor": boolean("the start was entered by the supervisor on the person's behalf (図表20)"),
		"end_by_supervisor":   boolean("the end was entered by the supervisor on the person's behalf"),
		"breaks":              arrayOf(brk)})
	pres := obj([]string{"status", "place", "note", "until", "auto_away"}, map[string]any{
		"status": enum(presence.Statuses, "連絡可能 / 取り込み中 / 応答不可 / 退席中 / オフライン"),
		"place":  str("where"), "note": str("short note"), "until": nullable("string", "end time (RFC 3339)"),
		"auto_away": boolean("退席中 after inactivity in the web UI")})
	board := obj([]string{"staff_id", "name", "unit_id", "unit", "presence", "note", "until", "place", "mode", "state", "plan", "result"}, map[string]any{
		"staff_id": integer("the person"), "name": str("氏名"), "unit_id": integer("unit"), "unit": str("unit name"),
		"presence": enum(presence.Statuses, "as of now"), "note": str("short note"), "until": nullable("string", "end time"),
		"place":   str("where they work today (before the start: the approved application's satellite office, '' for home)"),
		"mode":    str("the day's mode; before the start, the approved application's ('' without one)"),
		"planned": boolean("true when mode and place are today's approved application's, the person not started yet"),
		"state":   enum([]worktime.State{worktime.NotStarted, worktime.Working, worktime.Finished}, "the working day"),
		"plan":    str("today's plan where you may see it (yours, a supervisor's people, HR, opted-in sections); '' otherwise"),
		"result":  str("today's result, shown like the plan")})
	return map[string]any{
		"WorktimeReport": obj(nil, map[string]any{
			"staff_id": integer("a supervisor entering it for this person (図表20); omit for yourself"),
			"mode": enum(modes, "office, or the telework mode. Start: omitted means the day's approved application's; with none, "+
				"the start is checked as telework (no_application where the policy requires applications): send office for office work. "+
				"End: corrects the day's mode (omitted: kept)"),
			"place":  str("where; one line. Start: omitted means the application's. End: corrects the day's (omitted: kept)"),
			"plan":   str("start: one-line plan of the day (optional)"),
			"result": str("end: one-line result (optional)"),
			"time": str("HH:MM (Tokyo), only with staff_id of someone else: the time the person reported by phone (start: today; " +
				"end: on the open day, the next day when not after its start). Omitted: now. A time to come, or given for yourself, is a 422 naming time"),
			"break_minutes": map[string]any{"type": "integer", "minimum": 0, "maximum": worktime.MaxReportedBreak,
				"description": "end only, with staff_id of someone else: the break the person reported by phone, in minutes (recorded from noon, marked reported). " +
					"422 naming break_minutes: given for yourself or at a start, on a day with breaks already recorded, or as long as the day"}}),
		"WorktimeBreakInput": obj([]string{"action"}, map[string]any{
			"action":       strEnum([]string{"start", "end"}, "start or end the break"),
			"hourly_leave": boolean("a 中抜け taken as hourly annual leave")}),
		"WorktimeOutcome": day,
		"WorktimeDay":     day,
		"WorktimeTeamRow": team,
		"PresenceInput": obj([]string{"status"}, map[string]any{
			"status": enum(presence.Statuses, "連絡可能 / 取り込み中 / 応答不可 / 退席中 / オフライン"),
			"place":  str("where (kept when omitted)"), "note": str("short note (kept when omitted)"),
			"until":     str("end time within 24 hours (optional): a time in Japan such as \"15:00\" (today's, or tomorrow's once today's has come), or RFC 3339 (422 on until when past or more than 24 hours ahead); past it the status reads available while working, offline otherwise; ignored for available"),
			"auto_away": boolean("退席中 after inactivity in the web UI (kept when omitted)")}),
		"Presence": pres,
		"BoardRow": board,
	}
}
