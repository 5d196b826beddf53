package api

import "telework/internal/tasks"

// The schemas of the task inventory's API (issue 13).

func rateInputSchema() map[string]any {
	return obj([]string{"tasks"}, map[string]any{
		"tenant": obj(nil, map[string]any{
			"mynumber_at_branch_office": boolean("個人番号利用事務系 may be used at a satellite office inside a government building (本庁舎内・支所・出先機関) on the office network with office-equal physical security (default false)"),
			"devices":                   arrayOf(enum(tasks.Devices, "optional: the device types the tenant provides — loan (貸出端末), desk_take_home (席上端末の持ち帰り), private_vdi (私用端末 via VDI), sim_tablet (SIM タブレット); when present, work on a system at home or on mobile needs a device serving that mode (mobile: loan or sim_tablet); when absent, devices are not rated"))}),
		"systems": arrayOf(obj([]string{"id", "segment"}, map[string]any{
			"id":           str("the system's id, named by tasks[].systems"),
			"name":         str("名称 (default: the id)"),
			"segment":      enum(tasks.Segments, "三層分離: 個人番号利用事務系 / LGWAN接続系 / インターネット接続系"),
			"data_classes": arrayOf(enum(tasks.DataClasses, "大量または機微な住民情報 / 職員の個人情報 / 入札等の非公開情報 / 一般")),
			"routes":       arrayOf(enum(tasks.Routes, "remote-access routes that reach the system today (a place on office_lan reaches LGWAN and internet systems directly)")),
		})),
		"places": arrayOf(obj([]string{"id", "kind", "network"}, map[string]any{
			"id":                str("the place's id; its ratings are under this key (not home, mobile, id, name, level, level_label or targets)"),
			"name":              str("名称 (default: the id)"),
			"kind":              enum(tasks.PlaceKinds, "本庁舎内 / 支所 / 公民館 / 図書館 / 出先機関 / 民間シェアオフィス"),
			"network":           enum(tasks.Networks, "庁内LAN同等 or internet only"),
			"physical_security": boolean("庁舎と同等の物理的な対策 (他の職員がいる一定の監視下・部外者がいない)"),
			"phone":             boolean("業務に使える電話がある (電話対応の業務が ○ になる)"),
			"outsiders":         boolean("部外者がいる (default false; always so for private_share): 個人番号利用事務系 and 大量・機微な住民情報 are never allowed there, whatever the network and physical_security"),
		})),
		"tasks": arrayOf(obj([]string{"id"}, map[string]any{
			"id":                str("the task's id, echoed in the answer"),
			"name":              str("業務名"),
			"systems":           arrayOf(str("ids from systems[]")),
			"paper":             enum(tasks.Papers, "紙の原本: none (default) / digitisable (電子化できる) / residents (住民からの紙の申請・届出)"),
			"special_equipment": boolean("職場に設置された特殊な機器が必要"),
			"on_site":           boolean("その場でしかできない (会議の開催・運営など、物理的に不能): どこでも ×"),
			"face_to_face":      boolean("住民との対面 (窓口・相談) が必要"),
			"phone":             boolean("電話対応が必要"),
			"hours_per_year":    map[string]any{"type": "number", "minimum": 0, "description": "hours a year (optional)"},
		})),
	})
}

func rateResultSchema() map[string]any {
	rating := map[string]any{"type": "string", "enum": []string{string(tasks.OK), string(tasks.Partial), string(tasks.No)}}
	result := obj([]string{"rating", "reasons", "improvements"}, map[string]any{
		"rating":  rating,
		"reasons": arrayOf(str("why the rating is not ○, citing the guide")),
		"improvements": arrayOf(obj([]string{"id", "text", "rating"}, map[string]any{
			"id":     str("stable id: remote_access:<system>:<route>, digitise, online, phone, tenant_mynumber, place_network:<place>, place_security:<place>, device:<type>; improvements made together: their ids joined by + (last in the list, with parts)"),
			"text":   str("「…を整備すると○」; one that alone leaves the rating as it is: 「…(それだけでは、ほかの理由で×のまま)」; together: 「「…」と「…」をあわせて行うと○」"),
			"rating": map[string]any{"type": "string", "enum": []string{string(tasks.OK), string(tasks.Partial), string(tasks.No)}, "description": "the rating once this improvement alone (or these together) is made"},
			"parts":  arrayOf(str("the ids of the improvements made together: present only when no one of them alone gives ○ and together they give better than each alone")),
		})),
	})
	task := map[string]any{"type": "object", "required": []string{"id", "name", "level", "level_label", "targets", "home", "mobile"},
		"properties": map[string]any{
			"id": str("the task's id"), "name": str("業務名"),
			"level":       map[string]any{"type": "integer", "minimum": 1, "maximum": 4, "description": "図表13: ① 少しの工夫 ② ソフト・ハード ③ デジタル化 ④ 当面は課題"},
			"level_label": str("the level in words"),
			"targets":     arrayOf(str("home, mobile, then each place id")),
			"home":        result, "mobile": result,
		},
		"additionalProperties": result, // one member per place id
	}
	return obj([]string{"tasks"}, map[string]any{"tasks": arrayOf(task)})
}

// meta adds the stored object's id, version and time to props; an input
// has none of them and requires nothing but what required lists.
func meta(input bool, required []string, props map[string]any) map[string]any {
	if input {
		return obj(nil, props)
	}
	props["id"] = integer("id")
	props["version"] = integer("version, also in the ETag")
	props["updated_at"] = dateTime("last change")
	keys := append([]string{"id", "version", "updated_at"}, required...)
	return obj(keys, props)
}

func systemSchema(input bool) map[string]any {
	return meta(input, []string{"name", "segment", "data_classes", "routes", "note"}, map[string]any{
		"name":         str("名称 (unique in the tenant)"),
		"segment":      enum(tasks.Segments, "三層分離"),
		"data_classes": arrayOf(enum(tasks.DataClasses, "data class (default general)")),
		"routes":       arrayOf(enum(tasks.Routes, "remote-access routes that reach it today")),
		"note":         str("備考"),
	})
}

func placeSchema(input bool) map[string]any {
	props := map[string]any{
		"name":              str("名称 (unique in the tenant)"),
		"kind":              enum(tasks.PlaceKinds, "種類"),
		"network":           enum(tasks.Networks, "庁内LAN同等 or internet only"),
		"physical_security": boolean("庁舎と同等の物理的な対策"),
	}
	if !input {
		props["phone"] = boolean("業務に使える電話がある (サテライトオフィスの設定 PUT /api/v1/offices/{id} の phone、読むだけ)")
		props["outsiders"] = boolean("部外者がいる (サテライトオフィスの設定 PUT /api/v1/offices/{id} の outsiders、読むだけ): 機微な情報は扱えない")
		return meta(false, []string{"name", "kind", "network", "physical_security", "phone", "outsiders"}, props)
	}
	return meta(true, nil, props)
}

func taskSettingsSchema() map[string]any {
	return obj([]string{"mynumber_at_branch_office"}, map[string]any{
		"mynumber_at_branch_office": boolean("個人番号利用事務系 may be used at a satellite office inside a government building on the office network"),
		"devices": map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []string{"loan", "desk_take_home", "private_vdi", "sim_tablet"}},
			"description": "device types provided for telework (貸出端末, 席上端末の持ち帰り, 私用端末 via VDI, SIM tablet); absent: not declared, devices play no part in the rating"}})
}

func sheetTaskSchema(input bool) map[string]any {
	props := map[string]any{
		"unit_id":           integer("the section whose sheet holds it"),
		"name":              str("業務名"),
		"content":           str("処理の内容"),
		"timing":            str("処理の時期"),
		"note":              str("説明"),
		"owner_staff_id":    integer("担当 (0 = none)"),
		"systems":           arrayOf(integer("system id")),
		"paper":             enum(tasks.Papers, "紙の原本"),
		"special_equipment": boolean("職場に設置された特殊な機器"),
		"on_site":           boolean("その場でしかできない (物理的に不能)"),
		"face_to_face":      boolean("住民との対面 (窓口・相談)"),
		"phone":             boolean("電話対応"),
		"hours_per_year":    map[string]any{"type": "integer", "minimum": 0, "maximum": 8760, "description": "年間の時間 (0 = unknown)"},
	}
	if !input {
		props["status"] = map[string]any{"type": "string", "enum": []string{string(tasks.Approved), string(tasks.Proposed)}}
		props["proposed_by"] = integer("staff id of the proposer (0 = entered by the owner)")
	}
	return meta(input, []string{"unit_id", "name", "content", "timing", "note", "owner_staff_id", "systems", "paper",
		"special_equipment", "on_site", "face_to_face", "phone", "hours_per_year", "status", "proposed_by"}, props)
}

func suggestionSchema() map[string]any {
	return obj([]string{"name", "kind"}, map[string]any{
		"name": str("the suggested name"), "kind": map[string]any{"type": "string", "enum": []string{"system", "type", "example"}},
		"type": str("the guide's task type"), "level": map[string]any{"type": "integer", "minimum": 1, "maximum": 4},
		"figure": str("図表 of the guide"), "segment": enum(tasks.Segments, "usual segment of a common system"),
		"tips": arrayOf(str("テレワークを実施する際の工夫")),
	})
}

func countSchema() map[string]any {
	return obj([]string{"mode", "ok", "partial", "no", "ok_hours", "partial_hours", "no_hours"}, map[string]any{
		"mode": map[string]any{"type": "string", "enum": []string{"home", "satellite", "mobile"}, "description": "satellite: the best place for each task"},
		"ok":   map[string]any{"type": "integer"}, "partial": map[string]any{"type": "integer"}, "no": map[string]any{"type": "integer"},
		"ok_hours": map[string]any{"type": "number"}, "partial_hours": map[string]any{"type": "number"}, "no_hours": map[string]any{"type": "number"},
	})
}

func sheetSummarySchema() map[string]any {
	rated := rateResultSchema()["properties"].(map[string]any)["tasks"].(map[string]any)["items"].(map[string]any)
	task := map[string]any{}
	for k, v := range rated {
		task[k] = v
	}
	props := map[string]any{}
	for k, v := range rated["properties"].(map[string]any) {
		props[k] = v
	}
	props["task_id"] = integer("the stored task's id")
	props["status"] = map[string]any{"type": "string", "enum": []string{string(tasks.Approved), string(tasks.Proposed)}}
	task["properties"] = props
	return obj([]string{"unit_id", "tasks", "total", "hours", "levels", "now", "after"}, map[string]any{
		"unit_id": integer("the section"),
		"tasks":   arrayOf(task),
		"total":   map[string]any{"type": "integer"}, "hours": map[string]any{"type": "number"},
		"levels": map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "minItems": 4, "maxItems": 4, "description": "tasks at level ①, ②, ③, ④"},
		"now":    arrayOf(countSchema()),
		"after": arrayOf(obj([]string{"id", "text", "improved", "improved_hours", "counts"}, map[string]any{
			"id": str("improvement id (improvements made together: their ids joined by +)"), "text": str("the improvement in words"),
			"parts":    arrayOf(str("the ids of the improvements made together (a task's improvements that lift it only together); the counts are every task they lift")),
			"improved": map[string]any{"type": "integer"}, "improved_hours": map[string]any{"type": "number"},
			"counts": arrayOf(countSchema())})),
	})
}

func rankedSchema() map[string]any {
	return obj([]string{"id", "text", "tasks", "hours", "sections", "opened"}, map[string]any{
		"id": str("improvement id"), "text": str("the improvement in words"),
		"tasks":    map[string]any{"type": "integer", "description": "tasks that rate better in at least one mode"},
		"hours":    map[string]any{"type": "number", "description": "their hours a year"},
		"sections": arrayOf(integer("unit id")),
		"opened":   map[string]any{"type": "array", "items": map[string]any{"type": "integer"}, "description": "tasks going from × to ○/△: home, satellite, mobile"},
	})
}

func sheetImportSchema() map[string]any {
	n := func(d string) map[string]any { return map[string]any{"type": "integer", "description": d} }
	return obj([]string{"dry_run", "applied", "created", "updated", "unchanged", "encoding", "ignored_columns", "warnings"}, map[string]any{
		"dry_run": boolean("only planned"), "applied": boolean("written"),
		"created": n("tasks added"), "updated": n("tasks changed"), "unchanged": n("rows equal to the sheet"),
		"encoding":        str("UTF-8, UTF-8 (BOM), CP932 or xlsx"),
		"ignored_columns": arr(str("a header of the file that matches no column of the sheet: its column was not read")),
		"warnings": arr(obj([]string{"line", "column", "message"}, map[string]any{"line": n("line of the file"), "column": str("column"),
			"message": str("a row whose own テレワークの可否 differs from the judgement from its conditions (the import is not stopped)")})),
	})
}
