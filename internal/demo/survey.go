package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"telework/internal/calendar"
	"telework/internal/oneonone"
	"telework/internal/survey"
)

// seedSurveys gives the demo city the trial's pre- and post-trial surveys
// (issue 16), both closed, answered by the same 120 people (and the post
// one by 30 more), so that the results page shows distributions,
// breakdowns by attribute with groups of five or more, and the pre/post
// comparison. The surveys run on a clock in the past (a survey is answered
// only while it is open): the pre one five months before now, the post one
// last month. Answers are drawn from a fixed seed: the same on every
// installation.
func seedSurveys(ctx context.Context, at func(now func() time.Time) *survey.Service, tenantID int64, staff []int64, now time.Time) error {
	clock := now
	svc := at(func() time.Time { return clock })
	r := rand.New(rand.NewPCG(0x7375727665790a, 20261201))
	day := func(t time.Time) string { return calendar.DateOf(t).String() }
	run := func(d survey.Draft, from time.Time, people []int64, lift int) (int64, error) {
		clock = from
		d.OpensOn, d.ClosesOn = day(from), day(from.AddDate(0, 0, 13))
		id, err := svc.Create(ctx, tenantID, actor, d)
		if err != nil {
			return 0, fmt.Errorf("demo: survey %s: %w", d.Title, err)
		}
		if err := svc.Open(ctx, tenantID, actor, id, 1); err != nil {
			return 0, fmt.Errorf("demo: opening survey %s: %w", d.Title, err)
		}
		sv, err := svc.Get(ctx, tenantID, id)
		if err != nil {
			return 0, err
		}
		clock = from.Add(26 * time.Hour)
		for _, staffID := range people {
			if err := svc.SaveAnswer(ctx, tenantID, staffID, id, demoAnswer(r, sv.Questions, staffID, lift), true); err != nil {
				return 0, fmt.Errorf("demo: answering survey %s: %w", d.Title, err)
			}
		}
		clock = from.AddDate(0, 0, 14)
		if sv, err = svc.Get(ctx, tenantID, id); err != nil {
			return 0, err
		}
		if err := svc.Close(ctx, tenantID, actor, id, sv.Version); err != nil {
			return 0, fmt.Errorf("demo: closing survey %s: %w", d.Title, err)
		}
		return id, nil
	}
	// Every other person of the city from the first, the same people both
	// times, and 30 more after the trial.
	var pre, post []int64
	for i, id := range staff {
		switch {
		case i%2 == 0 && len(pre) < 120:
			pre, post = append(pre, id), append(post, id)
		case i%2 == 1 && len(post) < 150:
			post = append(post, id)
		}
	}
	preID, err := run(survey.Draft{Kind: survey.KindPre, Title: "テレワーク試行 事前アンケート", ShowFreeText: true}, now.AddDate(0, -5, 0), pre, 0)
	if err != nil {
		return err
	}
	_, err = run(survey.Draft{Kind: survey.KindPost, Title: "テレワーク試行 事後アンケート", PreID: preID, ShowFreeText: true}, now.AddDate(0, -1, 0), post, 1)
	return err
}

// demoAnswer answers every question: an attribute by the person (so the
// same person gives the same attributes before and after), a scale around
// 3 (after the trial lifted by lift), one choice otherwise, free text for
// a few.
func demoAnswer(r *rand.Rand, qs []survey.Question, staffID int64, lift int) survey.Answer {
	a := survey.Answer{}
	for _, q := range qs {
		switch q.Type {
		case survey.Single, survey.Multi:
			if len(q.Options) == 0 {
				continue
			}
			i := r.IntN(len(q.Options))
			if q.Attr != "" {
				// Attributes follow the person, weighted to the first options
				// (a city's staff are mostly in a few groups).
				i = int(staffID*7919+int64(len(q.ID))) % len(q.Options)
				if i > 2 && staffID%3 != 0 {
					i %= 3
				}
			}
			a[q.ID] = []string{q.Options[i].Value}
		case survey.Scale5:
			a[q.ID] = []string{fmt.Sprint(min(5, 2+r.IntN(3)+lift*r.IntN(2)))}
		case survey.Number:
			a[q.ID] = []string{fmt.Sprint(r.IntN(10))}
		case survey.Text:
			if q.Required || r.IntN(6) == 0 {
				a[q.ID] = []string{demoRemarks[r.IntN(len(demoRemarks))]}
			}
		}
	}
	return a
}

var demoRemarks = []string{
	"通勤時間がなくなり、業務に集中できた。",
	"紙の資料が多く、持ち帰れない業務があった。",
	"Web会議の音声が聞き取りにくいことがあった。",
	"子どもの送迎に間に合い、家族との時間が増えた。",
	"上司への相談のタイミングがつかみにくかった。",
}

// seedOneOnOne pairs the demo supervisor (聞き役) with the demo staff
// member: every two weeks, 30 minutes, online. The logs themselves are
// written by the two (they are encrypted with the server's key).
func seedOneOnOne(ctx context.Context, svc *oneonone.Service, tenantID, lead, member int64) error {
	if _, err := svc.CreatePair(ctx, tenantID, actor, 0, true, oneonone.Pair{LeadID: lead, MemberID: member, CadenceDays: 14, Minutes: 30, Mode: oneonone.Online}); err != nil {
		return fmt.Errorf("demo: 1on1 pair: %w", err)
	}
	return nil
}
