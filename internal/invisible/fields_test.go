package invisible_test

import (
	"errors"
	"testing"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/emergency"
	"telework/internal/handbook"
	"telework/internal/incident"
	"telework/internal/invisible"
	"telework/internal/oneonone"
	"telework/internal/roadmap"
	"telework/internal/survey"
	"telework/internal/tasks"
)

// TestEveryFreeTextRefusesInvisibleCharacters: the free texts of the trial
// and inventory areas (a review stored 「会議\u202e資料作成」 as a task name,
// shown reversed in lists and the audit log) refuse what the staff record,
// units and applications refuse, naming the field; the line and paragraph
// separators too, even where line breaks are allowed.
func TestEveryFreeTextRefusesInvisibleCharacters(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 12, Day: 1}
	for _, bad := range []string{"\u202e", "\u200b", "\u2066", "\ufeff", "\u00ad", "\u061c", "\U000E0041", "\u3164", "\u2028", "\u2029"} {
		s := "会議" + bad + "資料"
		for _, tc := range []struct {
			name, field string
			check       func() error
		}{
			{"task name", "task_name", func() error { x := tasks.SheetTask{Name: s}; return x.Validate() }},
			{"task content", "content", func() error { x := tasks.SheetTask{Name: "資料作成", Content: s}; return x.Validate() }},
			{"system name", "system_name", func() error { x := tasks.InfoSystem{Name: s}; return x.Validate() }},
			{"place name", "place_name", func() error { x := tasks.WorkPlace{Name: s}; return x.Validate() }},
			{"handbook title", "title", func() error { x := handbook.Page{Title: s}; return x.Validate() }},
			{"handbook body", "body", func() error { x := handbook.Page{Title: "手引", Body: s}; return x.Validate() }},
			{"briefing note", "note", func() error { x := handbook.Briefing{Note: s}; return x.Validate() }},
			{"incident summary", "summary", func() error { x := incident.Report{Summary: s}; return x.Validate(today) }},
			{"incident detail", "detail", func() error { x := incident.Report{Summary: "紛失", Detail: s}; return x.Validate(today) }},
			{"cost description", "description", func() error { x := cost.Cost{Description: s}; return x.Validate() }},
			{"cost note", "note", func() error { x := cost.Cost{Description: "回線", Note: s}; return x.Validate() }},
			{"emergency title", "emergency_title", func() error { x := emergency.Declaration{Title: s}; return x.Validate(today) }},
			{"1on1 notes", "notes", func() error { x := oneonone.Meeting{Log: oneonone.Log{Notes: s}}; return x.Validate() }},
			{"roadmap note", "note", func() error { x := roadmap.Step{Note: s}; return x.Validate(today) }},
			{"survey title", "survey_title", func() error { x := survey.Draft{Title: s}; return x.Validate() }},
		} {
			err := tc.check()
			var v *apperr.Error
			if !errors.As(err, &v) || !hasInvisible(v, tc.field) {
				t.Errorf("%s with %U: %v", tc.name, []rune(bad)[0], err)
			}
		}
	}
	if _, bad := invisible.Find("一行目\n二行目\tタブ", true); bad {
		t.Error("a multi-line text refused its line break or tab")
	}
	// An emoji made of pictographs joined by U+200D is what a phone types;
	// the joiner between letters hides, and is refused.
	for s, want := range map[string]bool{"在宅で助かりました🙇\u200d♂️": false, "家族👨\u200d👩\u200d👧": false,
		"山田\u200d太郎": true, "🙇\u200d": true, "\u200d♂": true} {
		if _, bad := invisible.Find(s, true); bad != want {
			t.Errorf("%q: refused %v, want %v", s, bad, want)
		}
	}
}

func hasInvisible(v *apperr.Error, field string) bool {
	for _, f := range v.Fields {
		if f.Field == field && f.Key == "field.invisible_char" {
			return true
		}
	}
	return false
}
