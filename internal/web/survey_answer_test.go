package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// logLinesSince decodes the JSON log lines written after before.
func logLinesSince(w *world, before string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimPrefix(w.logs.String(), before), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// openNumberSurvey opens a survey of one required question, 会議の回数 (a
// number, id c1), and signs in two new staff to answer it: their cookies
// and account ids.
func openNumberSurvey(t *testing.T, w *world) (loc string, people []*http.Cookie, ids []string) {
	t.Helper()
	hr := w.session(t, "hr")
	today := calendar.DateOf(w.db.Now()).String()
	res := w.do("POST", "/surveys", url.Values{"survey_kind": {"custom"}, "survey_title": {"職場の調査"}, "opens_on": {today},
		"closes_on": {today}, "q0_text": {"会議の回数"}, "q0_type": {"number"}, "q0_required": {"1"}}, hr)
	if res.code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.code, res.body)
	}
	loc = res.location
	if res := w.do("POST", loc+"/open", url.Values{"version": {"1"}}, hr); res.code != http.StatusSeeOther {
		t.Fatalf("open: %d", res.code)
	}
	f := storetest.F(w.db)
	for i := range 2 {
		s := &org.Staff{StaffNo: fmt.Sprintf("7%03d", i), Name: fmt.Sprintf("回答者 %d", i), Kana: "かいとうしゃ", UnitID: w.units["a-team"].ID,
			Rank: org.RankStaff, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, f.CreateStaff(context.Background(), w.a.ID, sys, s, calendar.Date{}))
		login := fmt.Sprintf("log%d", i)
		people = append(people, w.sessionFor(t, s.ID, login))
		ids = append(ids, fmt.Sprint(w.users[login].ID))
	}
	return loc, people, ids
}

// TestSurveyAnswersLeaveNoLogLine: saving a survey answer (the form's
// save button, its autosave, the submission, and the API's draft and
// submission) leaves no access-log line, so no line carries the person's
// account with the time they answered (a review matched those times with
// the order of the answer rows). Opening the form is still logged.
func TestSurveyAnswersLeaveNoLogLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		loc, people, ids := openNumberSurvey(t, w)
		api := strings.Replace(loc, "/surveys/", "/api/v1/me/surveys/", 1) + "/answer"
		page, apiCookie := people[0], []string{"Cookie", people[1].Name + "=" + people[1].Value}
		cases := []struct {
			name string
			do   func() resp
			want int
		}{
			{"the save button", func() resp { return w.do("POST", loc+"/answer", url.Values{"c1": {"1"}, "save": {"1"}}, page) }, http.StatusSeeOther},
			{"the autosave", func() resp {
				return w.do("POST", loc+"/answer", url.Values{"c1": {"2"}, "save": {"1"}, "ajax": {"1"}}, page)
			}, http.StatusOK},
			{"the page's submission", func() resp { return w.do("POST", loc+"/answer", url.Values{"c1": {"3"}, "submit": {"1"}}, page) }, http.StatusSeeOther},
			{"the API's draft", func() resp { return w.call("PUT", api, `{"answers":{"c1":["4"]}}`, "", apiCookie...) }, http.StatusOK},
			{"the API's submission", func() resp {
				return w.call("PUT", api, `{"answers":{"c1":["5"]},"submit":true}`, "", apiCookie...)
			}, http.StatusOK},
		}
		for _, c := range cases {
			before := w.logs.String()
			if res := c.do(); res.code != c.want {
				t.Fatalf("%s: %d %s", c.name, res.code, res.body)
			}
			for _, m := range logLinesSince(w, before) {
				if strings.Contains(fmt.Sprint(m["route"]), "/answer") {
					t.Errorf("%s: an access-log line: %v", c.name, m)
				}
				if uid := fmt.Sprint(m["user_id"]); uid == ids[0] || uid == ids[1] {
					t.Errorf("%s: a log line names the respondent: %v", c.name, m)
				}
			}
		}
		before := w.logs.String()
		w.do("GET", loc+"/answer", nil, page)
		if !strings.Contains(strings.TrimPrefix(w.logs.String(), before), `"route":"GET /surveys/{id}/answer"`) {
			t.Error("opening the form left no access-log line")
		}
	})
}

// TestSurveyAnswerErrorsNameTheQuestion: the page, its autosave and the
// API name an unanswered or malformed question by its text (they said
// 「c1」を入力してください。); the API's errors[].field stays the id.
func TestSurveyAnswerErrorsNameTheQuestion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		loc, people, _ := openNumberSurvey(t, w)
		api := strings.Replace(loc, "/surveys/", "/api/v1/me/surveys/", 1) + "/answer"
		cookie := []string{"Cookie", people[1].Name + "=" + people[1].Value}
		cases := []struct {
			name string
			do   func() resp
			want []string
		}{
			{"the page's submission", func() resp { return w.do("POST", loc+"/answer", url.Values{"submit": {"1"}}, people[0]) },
				[]string{"「会議の回数」を入力してください。"}},
			{"the autosave", func() resp {
				return w.do("POST", loc+"/answer", url.Values{"c1": {"たくさん"}, "save": {"1"}, "ajax": {"1"}}, people[0])
			}, []string{"「会議の回数」は数字で入力してください。"}},
			{"the API", func() resp { return w.call("PUT", api, `{"answers":{},"submit":true}`, "", cookie...) },
				[]string{`"field":"c1"`, "「会議の回数」を入力してください。"}},
			{"the API in English", func() resp {
				return w.call("PUT", api, `{"answers":{},"submit":true}`, "", append(cookie, "Accept-Language", "en")...)
			}, []string{`"field":"c1"`, "Enter 会議の回数."}},
		}
		for _, c := range cases {
			res := c.do()
			if res.code != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %d %s", c.name, res.code, res.body)
			}
			for _, want := range c.want {
				if !strings.Contains(res.body, want) {
					t.Errorf("%s: %q missing from %s", c.name, want, res.body)
				}
			}
			if strings.Contains(res.body, "「c1」") {
				t.Errorf("%s: the question is named by its id", c.name)
			}
		}
	})
}
