package survey_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"telework/internal/apperr"
	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/survey"
)

var hr = audit.Actor{ID: 1, Label: "hr01"}

type world struct {
	tenant     *org.Tenant
	top, child *org.Unit
	staff      []*org.Staff
}

func setup(t *testing.T, db *store.DB, slug string, n int) world {
	t.Helper()
	ctx := context.Background()
	f := storetest.F(db)
	w := world{tenant: &org.Tenant{Slug: slug, Name: slug + "市", Kind: org.Municipality, StaffSize: 100, GeneralAdminStaff: 60}}
	storetest.Must(t, f.CreateTenant(ctx, audit.Actor{Label: "op"}, w.tenant, nil))
	w.top = &org.Unit{Code: "100", Name: "総務部", Level: "部"}
	storetest.Must(t, f.CreateUnit(ctx, w.tenant.ID, hr, w.top, calendar.Date{}))
	w.child = &org.Unit{ParentID: w.top.ID, Code: "110", Name: "人事課", Level: "課"}
	storetest.Must(t, f.CreateUnit(ctx, w.tenant.ID, hr, w.child, calendar.Date{}))
	for i := 0; i < n; i++ {
		u, rank := w.child.ID, org.RankStaff
		if i%4 == 0 {
			u, rank = w.top.ID, org.RankManager
		}
		s := &org.Staff{StaffNo: fmt.Sprintf("%04d", 1000+i), Name: fmt.Sprintf("職員 %d", i), Kana: "しょくいん",
			UnitID: u, Rank: rank, Employment: org.Regular, JobType: "general"}
		storetest.Must(t, f.CreateStaff(ctx, w.tenant.ID, hr, s, calendar.Date{}))
		w.staff = append(w.staff, s)
	}
	return w
}

func code(err error) string {
	if e := apperr.As(err); e != nil {
		s := string(e.Code) + ":" + e.Key
		for _, f := range e.Fields {
			s += ":" + f.Field + "=" + f.Key
		}
		return s
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestSurveyLifecycleAndAnonymity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC) }
		svc := survey.NewService(db, db.Now)
		w := setup(t, db, "matsumoto", 12)
		other := setup(t, db, "kakegawa", 1)
		tid := w.tenant.ID

		preID, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindPre, Title: "事前アンケート", OpensOn: "2026-04-01", ClosesOn: "2026-04-30"})
		storetest.Must(t, err)
		pre, _ := svc.Get(ctx, tid, preID)
		if len(pre.Questions) < 20 || pre.Status != survey.StatusDraft {
			t.Fatalf("pre-trial survey: %d questions, %s", len(pre.Questions), pre.Status)
		}
		// Not open yet: nobody answers, and to staff a draft does not
		// exist (its title is HR's until it opens).
		if err := svc.SaveAnswer(ctx, tid, w.staff[1].ID, preID, survey.Answer{}, false); code(err) != "not_found:error.not_found" {
			t.Fatalf("answering a draft: %v", code(err))
		}
		if _, _, _, err := svc.MyAnswer(ctx, tid, w.staff[1].ID, preID); code(err) != "not_found:error.not_found" {
			t.Fatalf("reading a draft: %v", code(err))
		}
		storetest.Must(t, svc.Open(ctx, tid, hr, preID, pre.Version))
		// Another tenant's people and ids get nothing.
		if _, err := svc.Get(ctx, other.tenant.ID, preID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant read the survey: %v", err)
		}
		if err := svc.SaveAnswer(ctx, other.tenant.ID, other.staff[0].ID, preID, survey.Answer{}, true); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("another tenant answered: %v", err)
		}
		// Everyone answers the pre-trial survey; the first saves a draft first.
		storetest.Must(t, svc.SaveAnswer(ctx, tid, w.staff[0].ID, preID, survey.Answer{"r01": {"2"}}, false))
		_, a, submitted, err := svc.MyAnswer(ctx, tid, w.staff[0].ID, preID)
		if err != nil || submitted || a["r01"][0] != "2" {
			t.Fatalf("draft: %v %v %v", a, submitted, err)
		}
		for i, s := range w.staff {
			storetest.Must(t, svc.SaveAnswer(ctx, tid, s.ID, preID, survey.Answer{"a_gender": {fmt.Sprint(1 + i%2)}, "r01": {"2"},
				"e_text": {"期待 秘密の本文"}}, true))
		}
		if err := svc.SaveAnswer(ctx, tid, w.staff[0].ID, preID, survey.Answer{"r01": {"5"}}, true); code(err) != "conflict:survey.already_answered" {
			t.Fatalf("second submission: %v", code(err))
		}
		if err := svc.SaveAnswer(ctx, tid, w.staff[1].ID, preID, survey.Answer{"r01": {"9"}}, false); code(err) != "conflict:survey.already_answered" {
			t.Fatalf("changing a submission: %v", code(err))
		}
		pg, err := svc.Progress(ctx, tid, preID)
		if err != nil || pg != (survey.Progress{Targeted: 12, Answered: 12}) {
			t.Fatalf("progress %+v %v", pg, err)
		}
		if _, err := svc.Results(ctx, tid, preID, "ja"); code(err) != "conflict:survey.not_closed" {
			t.Fatalf("results of an open survey: %v", code(err))
		}
		pre, _ = svc.Get(ctx, tid, preID)
		storetest.Must(t, svc.Close(ctx, tid, hr, preID, pre.Version))

		// The post-trial survey, for the managers' unit only (with sub-units: all 12).
		postID, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindPost, PreID: preID, Title: "事後アンケート",
			OpensOn: "2026-04-01", ClosesOn: "2026-04-30", Target: survey.Target{UnitIDs: []int64{w.top.ID}}, ShowFreeText: true})
		storetest.Must(t, err)
		post, _ := svc.Get(ctx, tid, postID)
		storetest.Must(t, svc.Open(ctx, tid, hr, postID, post.Version))
		for i, s := range w.staff {
			r := "4"
			if i < 3 {
				r = "1"
			}
			storetest.Must(t, svc.SaveAnswer(ctx, tid, s.ID, postID, survey.Answer{"a_gender": {fmt.Sprint(1 + i%2)}, "r01": {r},
				"f01": {"事後 秘密の本文"}}, true))
		}
		// Ranks narrow the target. The 3 managers are too few to ask: no
		// result could be published, and the progress would say whether
		// each of them answered.
		mgrID, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindCustom, Title: "管理職向け", OpensOn: "2026-04-01",
			ClosesOn: "2026-04-30", Target: survey.Target{Ranks: []string{string(org.RankManager)}},
			Custom: []survey.Question{{Type: survey.Number, Text: "部下の人数"}}})
		storetest.Must(t, err)
		mgr, _ := svc.Get(ctx, tid, mgrID)
		if err := svc.Open(ctx, tid, hr, mgrID, mgr.Version); code(err) != "invalid:error.invalid:target=survey.target_too_small" {
			t.Fatalf("a survey of 3 opened: %v", code(err))
		}
		// Ranks that do not exist, and another tenant's unit, are refused.
		if _, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindCustom, Title: "x", OpensOn: "2026-04-01", ClosesOn: "2026-04-30",
			Target: survey.Target{Ranks: []string{"nonsense"}}, Custom: []survey.Question{{Type: survey.Number, Text: "q"}}}); code(err) != "invalid:error.invalid:ranks=field.choice" {
			t.Fatalf("an unknown rank: %v", code(err))
		}
		if _, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindCustom, Title: "x", OpensOn: "2026-04-01", ClosesOn: "2026-04-30",
			Target: survey.Target{UnitIDs: []int64{other.top.ID}}, Custom: []survey.Question{{Type: survey.Number, Text: "q"}}}); code(err) != "invalid:error.invalid:unit_ids=field.choice" {
			t.Fatalf("another tenant's unit: %v", code(err))
		}
		// The 9 of rank staff are enough: only they are due.
		mgr.Target = survey.Target{Ranks: []string{string(org.RankStaff)}}
		storetest.Must(t, svc.Update(ctx, tid, hr, mgrID, mgr.Version, survey.Draft{Kind: survey.KindCustom, Title: "職員向け", OpensOn: "2026-04-01",
			ClosesOn: "2026-04-30", Target: mgr.Target, Custom: []survey.Question{{Type: survey.Number, Text: "部下の人数"}}}))
		mgr, _ = svc.Get(ctx, tid, mgrID)
		storetest.Must(t, svc.Open(ctx, tid, hr, mgrID, mgr.Version))
		rem, err := svc.Reminders(ctx, tid)
		storetest.Must(t, err)
		if len(rem) != 1 || rem[0].SurveyID != mgrID || rem[0].Due != 9 {
			t.Fatalf("reminders %+v", rem)
		}
		if err := svc.SaveAnswer(ctx, tid, w.staff[0].ID, mgrID, survey.Answer{}, true); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("someone outside the target answered: %v", err)
		}
		// A target that shrank below K after opening (moves) withholds
		// how many answered.
		for _, st := range w.staff[4:] {
			if st.Rank != org.RankStaff {
				continue
			}
			moved := *st
			moved.Rank = org.RankChief
			storetest.Must(t, storetest.F(db).UpdateStaff(ctx, tid, hr, &moved, moved.Version, calendar.Date{}))
		}
		if pg, err := svc.Progress(ctx, tid, mgrID); err != nil || pg != (survey.Progress{Targeted: 3, Withheld: true}) {
			t.Fatalf("progress of a target of 3: %+v %v", pg, err)
		}

		post, _ = svc.Get(ctx, tid, postID)
		storetest.Must(t, svc.Close(ctx, tid, hr, postID, post.Version))
		// The keys are gone: nothing can link an answer to a person now.
		for _, id := range []int64{preID, postID} {
			if _, key, _ := db.FindSurvey(ctx, tid, id); key != "" {
				t.Errorf("survey %d still has its pseudonym key after the post-trial survey closed", id)
			}
		}
		res, err := svc.Results(ctx, tid, postID, "ja")
		storetest.Must(t, err)
		tb, err := res.Breakdown("r01", survey.AttrGender)
		storetest.Must(t, err)
		if len(tb.Rows) != 2 || tb.Rows[0].N.Count != 6 {
			t.Fatalf("breakdown rows %+v", tb.Rows)
		}
		for _, row := range tb.Rows {
			for _, c := range row.Cells {
				if !c.Hidden && c.Count > 0 && c.Count < survey.K {
					t.Fatalf("a cell of %d published", c.Count)
				}
			}
		}
		if txt := res.Texts("f01"); len(txt) != 12 {
			t.Fatalf("free texts %d", len(txt))
		}
		cmp, err := svc.Compare(ctx, tid, postID, "ja")
		storetest.Must(t, err)
		ov, err := cmp.Overall(survey.ComparePrefix + "r01")
		storetest.Must(t, err)
		// 9 improved (2 → 4), 3 worsened (2 → 1): the 3 are hidden, and so
		// is the 9 (else 12 − 9 gives them away).
		if ov.Total.N.Count != 12 || !ov.Total.Cells[0].Hidden || !ov.Total.Cells[2].Hidden {
			t.Fatalf("comparison %+v", ov.Total)
		}

		// Storage: the answers carry no staff id, and the audit log holds
		// no answer and no respondent.
		var cols []string
		rows, err := db.SQL.QueryContext(ctx, db.Rebind(`SELECT * FROM survey_answers WHERE tenant_id = ? LIMIT 1`), tid)
		storetest.Must(t, err)
		cols, _ = rows.Columns()
		rows.Close()
		for _, c := range cols {
			if strings.Contains(c, "staff") || strings.HasSuffix(c, "_at") {
				t.Errorf("survey_answers has a column %s", c)
			}
		}
		entries := auditText(t, db, tid)
		if strings.Contains(entries, "秘密の本文") || strings.Contains(entries, `"r01"`) {
			t.Error("an answer reached the audit log")
		}
		for _, s := range w.staff {
			if strings.Contains(entries, fmt.Sprintf(`"staff_id":%d`, s.ID)) {
				t.Error("a respondent reached the audit log")
			}
		}
		// No entry per submission (its time would say who answered when);
		// each close records how many answers it fixed.
		if strings.Contains(entries, "survey.answer") {
			t.Error("a submission has its own audit entry")
		}
		for _, id := range []int64{preID, postID} {
			es, _ := db.FindAuditEntries(ctx, tid, audit.Filter{Action: "survey.close", ObjectID: fmt.Sprint(id)})
			if len(es) != 1 || !strings.Contains(string(es[0].After), `"answers":12`) {
				t.Errorf("survey %d: close entries %+v", id, es)
			}
		}
	})
}

func auditText(t *testing.T, db *store.DB, tenantID int64) string {
	t.Helper()
	rows, err := db.SQL.QueryContext(context.Background(), db.Rebind(`SELECT actor_label, action, object_id, before_json, after_json FROM audit_log WHERE tenant_id = ?`), tenantID)
	storetest.Must(t, err)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var a, ac, o, bj, aj string
		storetest.Must(t, rows.Scan(&a, &ac, &o, &bj, &aj))
		fmt.Fprintln(&b, a, ac, o, bj, aj)
	}
	return b.String()
}

func TestSurveyDraftValidation(t *testing.T) {
	cases := []struct {
		d    survey.Draft
		want string
	}{
		{survey.Draft{Kind: "x", Title: "t", OpensOn: "2026-04-01", ClosesOn: "2026-04-30"}, "survey_kind=field.survey_kind"},
		{survey.Draft{Kind: survey.KindPre, OpensOn: "2026-04-01", ClosesOn: "2026-04-30"}, "survey_title=field.required"},
		{survey.Draft{Kind: survey.KindPre, Title: "t", OpensOn: "2026-04-31", ClosesOn: "2026-04-30"}, "opens_on=field.date"},
		{survey.Draft{Kind: survey.KindPre, Title: "t", OpensOn: "2026-05-01", ClosesOn: "2026-04-30"}, "closes_on=field.survey_close_before_open"},
		{survey.Draft{Kind: survey.KindCustom, Title: "t", OpensOn: "2026-04-01", ClosesOn: "2026-04-30"}, "questions=field.survey_no_questions"},
		{survey.Draft{Kind: survey.KindCustom, Title: "t", OpensOn: "2026-04-01", ClosesOn: "2026-04-30",
			Custom: []survey.Question{{Type: survey.Single, Text: "q", Options: []survey.Option{{Label: "a"}}}}}, "questions.1=field.survey_options"},
		{survey.Draft{Kind: survey.KindCustom, Title: "t", OpensOn: "2026-04-01", ClosesOn: "2026-04-30",
			Custom: []survey.Question{{Type: "bogus", Text: "q"}}}, "questions.1=field.survey_qtype"},
	}
	for _, c := range cases {
		if got := code(c.d.Validate()); !strings.Contains(got, c.want) {
			t.Errorf("%+v: %s, want %s", c.d, got, c.want)
		}
	}
}

func TestAnswerClean(t *testing.T) {
	qs := survey.PostQuestions()
	if _, err := (survey.Answer{"r01": {"6"}}).Clean(qs, false); !strings.Contains(code(err), "r01=field.survey_option") {
		t.Errorf("out-of-scale value: %v", code(err))
	}
	if _, err := (survey.Answer{"zz": {"1"}}).Clean(qs, false); !strings.Contains(code(err), "zz=field.survey_unknown_question") {
		t.Errorf("unknown question: %v", code(err))
	}
	a, err := (survey.Answer{"w01": {"1", "1", "3"}, "r02": {" "}}).Clean(qs, true)
	if err != nil || len(a["w01"]) != 2 || a["r02"] != nil {
		t.Errorf("clean: %v %v", a, err)
	}
	// Sending nothing at all is refused (a sent answer cannot be
	// changed); a draft may be empty, and blanks count as nothing.
	for _, blank := range []survey.Answer{{}, {"r02": {" "}}} {
		if _, err := blank.Clean(qs, true); !strings.Contains(code(err), qs[0].ID+"=field.survey_empty") {
			t.Errorf("an empty submission %v: %v", blank, code(err))
		}
		if _, err := blank.Clean(qs, false); err != nil {
			t.Errorf("an empty draft %v: %v", blank, err)
		}
	}
	// 図表7: every result item is phrased as the guide phrases it.
	n := 0
	for _, q := range qs {
		if q.Section == "result" {
			n++
			if q.Type != survey.Scale5 {
				t.Errorf("%s is not on the 5-point scale", q.ID)
			}
		}
	}
	if n != 15 {
		t.Errorf("%d result items, want the 15 of 図表7", n)
	}
}

// TestWhoAnsweredStaysUnknown: nothing in the database says which person
// answered (no table holds a staff id next to a survey), and the progress
// HR reads does not change differently when a person who answered or one
// who did not leaves the target (人事異動): the review found HR could
// tell the two apart by moving someone and reading "due".
func TestWhoAnsweredStaysUnknown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC) }
		svc := survey.NewService(db, db.Now)
		w := setup(t, db, "matsumoto", 8)
		tid := w.tenant.ID
		id, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindCustom, Title: "職場の調査", OpensOn: "2026-04-01",
			ClosesOn: "2026-04-30", Target: survey.Target{UnitIDs: []int64{w.child.ID}},
			Custom: []survey.Question{{Type: survey.Number, Text: "会議の回数"}}})
		storetest.Must(t, err)
		sv, _ := svc.Get(ctx, tid, id)
		storetest.Must(t, svc.Open(ctx, tid, hr, id, sv.Version))
		// staff 1, 2, 3 are in the child unit (0, 4 are managers above it).
		answered, silent := w.staff[1], w.staff[2]
		storetest.Must(t, svc.SaveAnswer(ctx, tid, answered.ID, id, survey.Answer{"c1": {"3"}}, true))
		storetest.Must(t, svc.SaveAnswer(ctx, tid, silent.ID, id, survey.Answer{"c1": {"1"}}, false)) // a draft only
		mine := func(s *org.Staff) bool {
			ms, err := svc.MySurveys(ctx, tid, s.ID)
			storetest.Must(t, err)
			return len(ms) == 1 && ms[0].Answered
		}
		if !mine(answered) || mine(silent) {
			t.Fatalf("each person's own state: answered %v, silent %v", mine(answered), mine(silent))
		}
		rem, err := svc.Reminders(ctx, tid)
		storetest.Must(t, err)
		if len(rem) != 1 || rem[0].Due != 5 || slicesContain(rem[0].StaffIDs, answered.ID) || !slicesContain(rem[0].StaffIDs, silent.ID) {
			t.Fatalf("reminders %+v", rem)
		}
		base, err := svc.Progress(ctx, tid, id)
		storetest.Must(t, err)
		if base != (survey.Progress{Targeted: 6, Answered: 1, Due: 5}) {
			t.Fatalf("progress %+v", base)
		}
		moved := func(s *org.Staff) survey.Progress {
			_, err := db.SQL.ExecContext(ctx, db.Rebind(`UPDATE staff SET unit_id = ? WHERE tenant_id = ? AND id = ?`), w.top.ID, tid, s.ID)
			storetest.Must(t, err)
			defer func() {
				_, err := db.SQL.ExecContext(ctx, db.Rebind(`UPDATE staff SET unit_id = ? WHERE tenant_id = ? AND id = ?`), w.child.ID, tid, s.ID)
				storetest.Must(t, err)
			}()
			p, err := svc.Progress(ctx, tid, id)
			storetest.Must(t, err)
			return p
		}
		if a, s := moved(answered), moved(silent); a != s {
			t.Fatalf("moving out the one who answered reads %+v, the one who did not %+v", a, s)
		}
		// No table keeps a staff id beside a survey.
		cols := `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = ?`
		if db.Engine == store.SQLite {
			cols = `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = ?`
		}
		tables := func(col string) map[string]bool {
			rows, err := db.SQL.QueryContext(ctx, db.Rebind(cols), col)
			storetest.Must(t, err)
			defer rows.Close()
			out := map[string]bool{}
			for rows.Next() {
				var n string
				storetest.Must(t, rows.Scan(&n))
				out[n] = true
			}
			return out
		}
		staffCols := tables("staff_id")
		for n := range tables("survey_id") {
			if staffCols[n] {
				t.Errorf("table %s keeps a staff id beside a survey id", n)
			}
		}
	})
}

func slicesContain(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestPseudonymKeysSealed: with the server's key the pseudonym keys are
// stored sealed (a copy of the database or of a backup holds ciphertext),
// and everything that needs a key still works: answering, one's own state,
// the reminders, a post-trial survey sharing its pre-trial survey's key.
func TestPseudonymKeysSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC) }
		ring, err := survey.ParseKeys("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
		storetest.Must(t, err)
		svc := survey.NewService(db, db.Now)
		svc.SetKeys(ring)
		w := setup(t, db, "matsumoto", 6)
		tid := w.tenant.ID
		preID, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindPre, Title: "事前", OpensOn: "2026-04-01", ClosesOn: "2026-04-30"})
		storetest.Must(t, err)
		pre, _ := svc.Get(ctx, tid, preID)
		storetest.Must(t, svc.Open(ctx, tid, hr, preID, pre.Version))
		if _, stored, _ := db.FindSurvey(ctx, tid, preID); !strings.HasPrefix(stored, "enc:v1:") {
			t.Fatalf("the key is stored as %.12q…", stored)
		}
		storetest.Must(t, svc.SaveAnswer(ctx, tid, w.staff[1].ID, preID, survey.Answer{"r01": {"4"}}, true))
		if ms, err := svc.MySurveys(ctx, tid, w.staff[1].ID); err != nil || len(ms) != 1 || !ms[0].Answered {
			t.Fatalf("own state: %+v %v", ms, err)
		}
		rem, err := svc.Reminders(ctx, tid)
		storetest.Must(t, err)
		if len(rem) != 1 || rem[0].Due != 5 {
			t.Fatalf("reminders %+v", rem)
		}
		pre, _ = svc.Get(ctx, tid, preID)
		storetest.Must(t, svc.Close(ctx, tid, hr, preID, pre.Version))
		postID, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindPost, PreID: preID, Title: "事後", OpensOn: "2026-04-01", ClosesOn: "2026-04-30"})
		storetest.Must(t, err)
		post, _ := svc.Get(ctx, tid, postID)
		storetest.Must(t, svc.Open(ctx, tid, hr, postID, post.Version))
		storetest.Must(t, svc.SaveAnswer(ctx, tid, w.staff[1].ID, postID, survey.Answer{"r01": {"5"}}, true))
		// The same person under both surveys: the pseudonyms pair.
		_, preKey, _ := db.FindSurvey(ctx, tid, preID)
		_, postKey, _ := db.FindSurvey(ctx, tid, postID)
		if preKey == postKey {
			t.Errorf("the post-trial survey stores the same ciphertext (a fresh seal was expected)")
		}
		// A server without the key cannot use a sealed key.
		bare := survey.NewService(db, db.Now)
		if _, _, _, err := bare.MyAnswer(ctx, tid, w.staff[1].ID, postID); err == nil {
			t.Errorf("a server without the key opened a sealed pseudonym key")
		}
		// Nor does it fail the person's whole list for it.
		if ms, err := bare.MySurveys(ctx, tid, w.staff[1].ID); err != nil || len(ms) != 1 {
			t.Errorf("the list without the key: %+v %v", ms, err)
		}
		// Key rotation (docs/operations.md): the new key first, the old
		// one after; the start-up re-seal moves every key to the new one,
		// and then the old one can go.
		rotated, err := survey.ParseKeys("QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\nMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
		storetest.Must(t, err)
		svc.SetKeys(rotated)
		rep, err := svc.ReSealKeys(ctx)
		if err != nil || rep.Sealed != 2 || rep.Unopened != 0 {
			t.Fatalf("re-seal: %+v %v", rep, err)
		}
		onlyNew, _ := survey.ParseKeys("QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=")
		svc.SetKeys(onlyNew)
		if ms, err := svc.MySurveys(ctx, tid, w.staff[1].ID); err != nil || len(ms) != 1 || !ms[0].Answered {
			t.Errorf("after the rotation: %+v %v", ms, err)
		}
	})
}

// TestPreKeysExpire: a closed pre-trial survey keeps its key for a post-
// trial survey for PreKeyKeep only; one a post-trial survey (draft or open)
// waits for keeps it until that one closes.
func TestPreKeysExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		svc := survey.NewService(db, func() time.Time { return now })
		w := setup(t, db, "matsumoto", survey.K)
		tid := w.tenant.ID
		closed := func(title string) int64 {
			id, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindPre, Title: title, OpensOn: "2026-04-01", ClosesOn: "2026-04-30"})
			storetest.Must(t, err)
			sv, _ := svc.Get(ctx, tid, id)
			storetest.Must(t, svc.Open(ctx, tid, hr, id, sv.Version))
			sv, _ = svc.Get(ctx, tid, id)
			storetest.Must(t, svc.Close(ctx, tid, hr, id, sv.Version))
			return id
		}
		alone, awaited := closed("事前(事後なし)"), closed("事前(事後あり)")
		_, err := svc.Create(ctx, tid, hr, survey.Draft{Kind: survey.KindPost, PreID: awaited, Title: "事後", OpensOn: "2027-05-01", ClosesOn: "2027-05-31"})
		storetest.Must(t, err)
		key := func(id int64) string { _, k, _ := db.FindSurvey(ctx, tid, id); return k }
		now = now.Add(300 * 24 * time.Hour)
		if n, err := svc.ExpireKeys(ctx, tid); err != nil || n != 0 || key(alone) == "" {
			t.Fatalf("before the limit: %d %v", n, err)
		}
		now = now.Add(70 * 24 * time.Hour)
		if n, err := svc.ExpireKeys(ctx, tid); err != nil || n != 1 || key(alone) != "" || key(awaited) == "" {
			t.Fatalf("after the limit: %d %v; awaited key kept: %v", n, err, key(awaited) != "")
		}
		es, _ := db.FindAuditEntries(ctx, tid, audit.Filter{Action: "survey.key_erased"})
		if len(es) != 1 || es[0].ObjectID != fmt.Sprint(alone) {
			t.Errorf("audit: %+v", es)
		}
	})
}
