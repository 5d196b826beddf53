package survey_test

import (
	"strings"
	"testing"

	"telework/internal/i18n"
	"telework/internal/survey"
)

// TestAnswerErrorsNameTheQuestion: an answer's errors name the question by
// its text in the reader's language (they said 「c1」を入力してください。,
// the internal id); the field stays the id (the API's errors[].field, the
// page's link to the question).
func TestAnswerErrorsNameTheQuestion(t *testing.T) {
	qs := append(survey.PostQuestions(), survey.Question{ID: "c1", Type: survey.Number, Text: "会議の回数", Required: true, Custom: true},
		survey.Question{ID: "c2", Type: survey.Text, Text: "ご意見", Custom: true})
	long := make([]rune, 2001)
	for i := range long {
		long[i] = 'あ'
	}
	cases := []struct {
		name  string
		a     survey.Answer
		final bool
		field string
		lang  string
		want  string
	}{
		{"a required custom question", survey.Answer{}, true, "c1", "ja", "「会議の回数」を入力してください。"},
		{"the same in English (no English text: as written)", survey.Answer{}, true, "c1", "en", "Enter 会議の回数."},
		{"not a number", survey.Answer{"c1": {"たくさん"}}, false, "c1", "ja", "「会議の回数」は数字で入力してください。"},
		{"a built-in question's option", survey.Answer{"r01": {"9"}}, false, "r01", "ja", "「普段と比較して時間の有効活用が実感できたか」の選択肢から選んでください。"},
		{"a built-in question in English", survey.Answer{"r01": {"9"}}, false, "r01", "en", "Choose one of the options of “Compared with usual, did you make better use of your time?”."},
		{"a free text too long", survey.Answer{"c2": {string(long)}}, false, "c2", "ja", "「ご意見」"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.a.Clean(qs, c.final)
			got, ok := i18n.FieldMessages(c.lang, err)[c.field]
			if !ok || !strings.Contains(got, c.want) {
				t.Errorf("%s: %q (all: %v), want %q", c.field, got, i18n.FieldMessages(c.lang, err), c.want)
			}
		})
	}
}
