package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/calendar"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/policy"
)

// The policy pages: the versions list, a version, the edit form, saving
// and deleting a scheduled version.

type versionRow struct {
	V       policy.Version
	InForce bool
	Future  bool
}

func rowOf(v policy.VersionState) versionRow {
	return versionRow{V: v.Version, InForce: v.InForce, Future: v.Future}
}

func (s *Server) policyList(w http.ResponseWriter, r *http.Request) {
	vs, err := s.svc.Policy.Versions(r.Context(), principal(r).TenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := make([]versionRow, 0, len(vs))
	for i := len(vs) - 1; i >= 0; i-- {
		rows = append(rows, rowOf(vs[i]))
	}
	s.render(w, r, http.StatusOK, "policy_list", "policy.title", map[string]any{"Versions": rows, "Templates": policy.Templates()}, nil)
}

// policyForm is the edit form's state: the policy and the raw texts of
// list fields typed as text.
type policyForm struct {
	Effective  string
	Note       string
	P          policy.Policy
	UnitCodes  string
	Trial      string
	Staggered  string
	UnitRules  []unitRuleRow
	From       string
	InForceNow bool
}

type unitRuleRow struct {
	UnitCode       string
	WeeklyMaxDays  int
	MonthlyMaxDays int
	Modes          []policy.Mode
}

func formFromPolicy(p policy.Policy) *policyForm {
	f := &policyForm{P: p, UnitCodes: strings.Join(p.Eligibility.UnitCodes, ", "),
		Trial: strings.Join(p.Eligibility.TrialStaffNos, ", "), Staggered: strings.Join(p.Hours.Staggered, ", ")}
	for _, ur := range p.UnitRules {
		f.UnitRules = append(f.UnitRules, unitRuleRow{ur.UnitCode, ur.WeeklyMaxDays, ur.MonthlyMaxDays, ur.Modes})
	}
	f.padUnitRules()
	return f
}

// padUnitRules leaves three empty unit rule rows to fill in.
func (f *policyForm) padUnitRules() {
	for len(f.UnitRules) < len(f.P.UnitRules)+3 {
		f.UnitRules = append(f.UnitRules, unitRuleRow{})
	}
}

func (s *Server) policyNew(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	from := r.URL.Query().Get("from")
	var base policy.Policy
	var note string
	switch {
	case strings.HasPrefix(from, "v"):
		id, _ := strconv.ParseInt(from[1:], 10, 64)
		v, err := s.svc.Policy.FindVersion(r.Context(), p.TenantID, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		base, note = v.Policy, v.Note
	default:
		name := from
		if name == "" {
			name = "matsumoto"
		}
		t, ok := policy.TemplateByName(name)
		if !ok {
			s.notFound(w, r)
			return
		}
		base, note = t.Policy, i18n.T(lang(r), "policy.note_from_template", map[string]any{"Label": t.Label})
	}
	f := formFromPolicy(base)
	f.Note, f.From = note, from
	// The next 4月1日 is when most rule changes take effect.
	today := s.svc.Policy.Today()
	next := calendar.Date{Year: today.Year, Month: time.April, Day: 1}
	if !today.Before(next) {
		next.Year++
	}
	f.Effective = next.String()
	s.renderPolicyForm(w, r, http.StatusOK, f, nil)
}

// splitList reads "a, b c" or one per line into a list.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '、' || r == '\n' || r == ' ' || r == '\r' || r == '\t' || r == '　'
	})
}

func typed[T ~string](vals []string) []T {
	out := make([]T, 0, len(vals))
	for _, v := range vals {
		out = append(out, T(v))
	}
	return out
}

func readPolicyForm(r *http.Request) (*form, *policyForm, calendar.Date) {
	fm := newForm(r)
	pf := r.PostForm
	f := &policyForm{Effective: fm.str("effective_from"), Note: fm.str("note"), UnitCodes: fm.str("eligibility.unit_codes"),
		Trial: fm.str("eligibility.trial_staff_nos"), Staggered: fm.str("hours.staggered")}
	eff := fm.date("effective_from")
	if f.Effective == "" {
		fm.v.Add("effective_from", "field.required", nil)
	}
	p := policy.Policy{
		Modes: typed[policy.Mode](pf["modes"]),
		Eligibility: policy.Eligibility{
			Employments: typed[org.Employment](pf["eligibility.employments"]), ExcludedJobTypes: pf["eligibility.excluded_job_types"],
			UnitCodes: splitList(f.UnitCodes), Ranks: typed[org.Rank](pf["eligibility.ranks"]), Reasons: pf["eligibility.reasons"],
			RequireTerminal: fm.bool("eligibility.require_terminal"), ExcludeSeconded: fm.bool("eligibility.exclude_seconded"),
			TrialOnly:     fm.bool("eligibility.trial_only"),
			TrialStaffNos: splitList(f.Trial),
		},
		Deadline: policy.Deadline{On: fm.str("deadline.on"), Days: fm.int("deadline.days", 0), DayKind: fm.str("deadline.day_kind"),
			Cutoff: fm.str("deadline.cutoff"), BeforeStart: fm.bool("deadline.before_start"), PriorConsent: fm.bool("deadline.prior_consent")},
		Caps: policy.Caps{WeeklyMaxDays: fm.int("caps.weekly_max_days", 0), MonthlyMaxDays: fm.int("caps.monthly_max_days", 0),
			MinOfficeDaysPerWeek: fm.int("caps.min_office_days_per_week", 0), HalfDayCountsHalf: fm.bool("caps.half_day_counts_half")},
		TimeUnits: typed[policy.TimeUnit](pf["time_units"]),
		Places:    policy.Places{HomeEquivalent: fm.bool("places.home_equivalent"), HomeEquivalentKinds: pf["places.home_equivalent_kinds"]},
		Hours: policy.Hours{Start: fm.str("hours.start"), End: fm.str("hours.end"), BreakMinutes: fm.int("hours.break_minutes", 60),
			Staggered: splitList(f.Staggered), Flex: fm.bool("hours.flex"), CoreStart: fm.str("hours.core_start"), CoreEnd: fm.str("hours.core_end"),
			WindowStart: fm.str("hours.window_start"), WindowEnd: fm.str("hours.window_end"), Overtime: fm.str("hours.overtime"),
			NoLateNight: fm.bool("hours.no_late_night"), StaggeredWork: fm.bool("hours.staggered_work")},
		MidDayBreak: fm.str("mid_day_break"), TravelOrder: fm.bool("travel_order"),
		Report: policy.Report{Required: fm.bool("report.required"), Form: fm.str("report.form"), DueDays: fm.int("report.due_days", 0),
			Timing: fm.str("report.timing")},
		TakeOut: policy.TakeOut{Paper: fm.str("take_out.paper"), BannedPaperClasses: pf["take_out.banned_paper_classes"], Data: fm.str("take_out.data"),
			BannedDataClasses: pf["take_out.banned_data_classes"], PrintAllowedDevices: pf["take_out.print_allowed_devices"],
			SaveAllowedDevices: pf["take_out.save_allowed_devices"]},
		Presence: fm.str("presence"), QuietHours: fm.bool("quiet_hours"), AutoApproval: fm.bool("auto_approval"),
	}
	for i := range 50 {
		pre := "unit_rules." + strconv.Itoa(i) + "."
		if _, ok := pf[pre+"unit_code"]; !ok {
			break
		}
		row := unitRuleRow{UnitCode: fm.str(pre + "unit_code"), WeeklyMaxDays: fm.int(pre+"weekly_max_days", 0),
			MonthlyMaxDays: fm.int(pre+"monthly_max_days", 0), Modes: typed[policy.Mode](pf[pre+"modes"])}
		f.UnitRules = append(f.UnitRules, row)
		if row.UnitCode != "" {
			p.UnitRules = append(p.UnitRules, policy.UnitRule{UnitCode: row.UnitCode, WeeklyMaxDays: row.WeeklyMaxDays,
				MonthlyMaxDays: row.MonthlyMaxDays, Modes: row.Modes})
		}
	}
	f.P = p
	return fm, f, eff
}

func (s *Server) policySave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm, f, eff := readPolicyForm(r)
	v := &policy.Version{Effective: eff, Policy: f.P, Note: f.Note}
	var err error
	if fm.v.Err() != nil {
		// The form's own problems, with the service's, all at once.
		err = fm.merge(s.svc.Policy.ValidateVersion(*v))
	} else {
		err = s.svc.Policy.Save(r.Context(), p.TenantID, actorOf(p), v)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			f.padUnitRules()
			s.renderPolicyForm(w, r, http.StatusUnprocessableEntity, f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/policy/"+itoa(v.ID), "flash.saved")
}

// findVersion loads the version named by the {id} path value.
func (s *Server) findVersion(r *http.Request) (policy.VersionState, error) {
	id, ok := pathID(r)
	if !ok {
		return policy.VersionState{}, apperr.NotFoundErr("policy")
	}
	return s.svc.Policy.FindVersion(r.Context(), principal(r).TenantID, id)
}

func (s *Server) policyShow(w http.ResponseWriter, r *http.Request) {
	v, err := s.findVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPolicyShow(w, r, http.StatusOK, v, nil, nil)
}

func (s *Server) renderPolicyShow(w http.ResponseWriter, r *http.Request, status int, v policy.VersionState, sim *policy.Simulation, err error) {
	s.render(w, r, status, "policy_show", "policy.show_title", map[string]any{
		"V": &v.Version, "P": v.Policy, "InForce": v.InForce, "Future": v.Future, "Sim": sim,
		"Form": postedSimForm(r),
	}, err)
}

// simForm is the simulation form as posted, shown again with the result
// or the refusal (the dates, the source and the emergency rules chosen):
// a review found the dates emptied and the choices back at their
// defaults after an error.
type simForm struct{ Source, From, To, Emergency string }

func postedSimForm(r *http.Request) simForm {
	f := simForm{Source: r.FormValue("source"), From: strings.TrimSpace(r.FormValue("sim_from")),
		To: strings.TrimSpace(r.FormValue("sim_to")), Emergency: r.FormValue("sim_emergency")}
	// A file chosen was the file replayed (policySimulate).
	if r.MultipartForm != nil {
		if hs := r.MultipartForm.File["file"]; len(hs) > 0 && hs[0].Size > 0 {
			f.Source = "file"
		}
	}
	return f
}

func (s *Server) policyDelete(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.svc.Policy.Delete(r.Context(), p.TenantID, actorOf(p), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/policy", "flash.policy_deleted")
}
