package api

import "telework/internal/tasks"

// The schemas of the task inventory's API (issue 13).

func arrayOf(items map[string]any) map[string]any {
	return map[string]any{"type": "array", "items": items}
}

func rateInputSchema() map[string]any {
	return obj([]string{"tasks"}, map[string]any{
		"tenant": obj(nil, map[string]any{
			"mynumber_at_branch_office": boolean("個人番号利用事務系 may be used at a satellite office inside a government building (本庁舎内・支所・出先機関) on the office network with office-equal physical security (default false)")}),
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
		})),
		"tasks": arrayOf(obj([]string{"id"}, map[string]any{
			"id":                str("the task's id, echoed in the answer"),
			"name":              str("業務名"),
			"systems":           arrayOf(str("ids from systems[]")),
			"paper":             enum(tasks.Papers, "紙の原本: none (default) / digitisable (電子化できる) / residents (住民からの紙の申請・届出)"),
			"special_equipment": boolean("職場に設置された特殊な機器が必要"),
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
			"id":     str("stable id: remote_access:<system>:<route>, digitise, online, phone, tenant_mynumber, place_network:<place>, place_security:<place>"),
			"text":   str("「…を整備すると○」"),
			"rating": map[string]any{"type": "string", "enum": []string{string(tasks.OK), string(tasks.Partial), string(tasks.No)}, "description": "the rating once this improvement alone is made"},
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
