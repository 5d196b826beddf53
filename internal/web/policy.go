package web

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/policy"
	"telework/internal/tabular"
)

// businessCalendar loads the tenant's calendar (national holidays, 年末年始
// and closure days) for the years around the given dates.
func (s *Server) businessCalendar(ctx context.Context, tenantID int64, dates ...calendar.Date) (policy.BusinessCalendar, error) {
	from, to := calendar.DateOf(s.db.Now()).Year, calendar.DateOf(s.db.Now()).Year
	for _, d := range dates {
		from, to = min(from, d.Year), max(to, d.Year)
	}
	return s.db.LoadCalendar(ctx, tenantID, from-1, to+1)
}

// personFor gathers what the rules need to know about a staff member; tr
// is the tenant's unit tree (loaded once by the caller, which may ask for
// many people).
func (s *Server) personFor(ctx context.Context, tenantID int64, tr *org.Tree, st *org.Staff) (policy.Person, error) {
	var codes []string
	for id := st.UnitID; id != 0; {
		u := tr.Unit(id)
		if u == nil || slices.Contains(codes, u.Code) {
			break
		}
		codes = append(codes, u.Code)
		id = u.ParentID
	}
	facts, err := s.db.FindPolicyFacts(ctx, tenantID, st.ID)
	if err != nil {
		return policy.Person{}, err
	}
	return policy.Person{StaffNo: st.StaffNo, Employment: st.Employment, JobType: st.JobType, Rank: st.Rank,
		UnitCodes: codes, Reasons: facts.Reasons, HasTerminal: facts.HasTerminal, Seconded: facts.Seconded}, nil
}

type versionRow struct {
	V       policy.Version
	InForce bool
	Future  bool
}

func (s *Server) policyList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	vs, err := s.db.FindPolicyVersions(r.Context(), p.TenantID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	today := calendar.DateOf(s.db.Now())
	cur, hasCur := policy.InForce(vs, today)
	rows := make([]versionRow, 0, len(vs))
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		rows = append(rows, versionRow{V: v, InForce: hasCur && v.ID == cur.ID, Future: today.Before(v.Effective)})
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
	for len(f.UnitRules) < len(p.UnitRules)+3 {
		f.UnitRules = append(f.UnitRules, unitRuleRow{})
	}
	return f
}

func (s *Server) policyNew(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	from := r.URL.Query().Get("from")
	var base policy.Policy
	var note string
	switch {
	case strings.HasPrefix(from, "v"):
		vs, err := s.db.FindPolicyVersions(r.Context(), p.TenantID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		id, _ := strconv.ParseInt(from[1:], 10, 64)
		i := slices.IndexFunc(vs, func(v policy.Version) bool { return v.ID == id })
		if i < 0 {
			s.notFound(w, r)
			return
		}
		base, note = vs[i].Policy, vs[i].Note
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
		base, note = t.Policy, t.Label+"の例をもとに作成"
	}
	f := formFromPolicy(base)
	f.Note, f.From = note, from
	// The next 4月1日 is when most rule changes take effect.
	today := calendar.DateOf(s.db.Now())
	next := calendar.Date{Year: today.Year, Month: time.April, Day: 1}
	if !today.Before(next) {
		next.Year++
	}
	f.Effective = next.String()
	s.render(w, r, http.StatusOK, "policy_form", "policy.new_title", f, nil)
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
			TrialStaffNos: splitList(f.Trial),
		},
		Deadline: policy.Deadline{On: fm.str("deadline.on"), Days: fm.int("deadline.days", 0), DayKind: fm.str("deadline.day_kind"),
			Cutoff: fm.str("deadline.cutoff"), PriorConsent: fm.bool("deadline.prior_consent")},
		Caps: policy.Caps{WeeklyMaxDays: fm.int("caps.weekly_max_days", 0), MonthlyMaxDays: fm.int("caps.monthly_max_days", 0),
			MinOfficeDaysPerWeek: fm.int("caps.min_office_days_per_week", 0), HalfDayCountsHalf: fm.bool("caps.half_day_counts_half")},
		TimeUnits: typed[policy.TimeUnit](pf["time_units"]),
		Places:    policy.Places{HomeEquivalent: fm.bool("places.home_equivalent"), HomeEquivalentKinds: pf["places.home_equivalent_kinds"]},
		Hours: policy.Hours{Start: fm.str("hours.start"), End: fm.str("hours.end"), BreakMinutes: fm.int("hours.break_minutes", 60),
			Staggered: splitList(f.Staggered), Flex: fm.bool("hours.flex"), CoreStart: fm.str("hours.core_start"), CoreEnd: fm.str("hours.core_end"),
			WindowStart: fm.str("hours.window_start"), WindowEnd: fm.str("hours.window_end"), Overtime: fm.str("hours.overtime"),
			NoLateNight: fm.bool("hours.no_late_night")},
		MidDayBreak: fm.str("mid_day_break"), TravelOrder: fm.bool("travel_order"),
		Report: policy.Report{Required: fm.bool("report.required"), Form: fm.str("report.form"), DueDays: fm.int("report.due_days", 0)},
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
	if !eff.IsZero() && eff.Before(calendar.DateOf(s.db.Now())) {
		fm.v.Add("effective_from", "field.policy_past", nil)
	}
	err := fm.merge(f.P.Validate())
	v := &policy.Version{Effective: eff, Policy: f.P, Note: f.Note}
	if err == nil {
		err = s.db.SavePolicyVersion(r.Context(), p.TenantID, actorOf(p), v)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			for len(f.UnitRules) < len(f.P.UnitRules)+3 {
				f.UnitRules = append(f.UnitRules, unitRuleRow{})
			}
			s.render(w, r, http.StatusUnprocessableEntity, "policy_form", "policy.new_title", f, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/policy/"+itoa(v.ID), "flash.saved")
}

func (s *Server) findVersion(r *http.Request) (*policy.Version, []policy.Version, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, nil, apperr.NotFoundErr("policy")
	}
	vs, err := s.db.FindPolicyVersions(r.Context(), principal(r).TenantID)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(vs, func(v policy.Version) bool { return v.ID == id })
	if i < 0 {
		return nil, nil, apperr.NotFoundErr("policy")
	}
	return &vs[i], vs, nil
}

func (s *Server) policyShow(w http.ResponseWriter, r *http.Request) {
	v, vs, err := s.findVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPolicyShow(w, r, http.StatusOK, v, vs, nil, nil)
}

func (s *Server) renderPolicyShow(w http.ResponseWriter, r *http.Request, status int, v *policy.Version, vs []policy.Version, sim *simulation, err error) {
	today := calendar.DateOf(s.db.Now())
	cur, ok := policy.InForce(vs, today)
	s.render(w, r, status, "policy_show", "policy.show_title", map[string]any{
		"V": v, "P": v.Policy, "InForce": ok && cur.ID == v.ID, "Future": today.Before(v.Effective), "Sim": sim,
	}, err)
}

func (s *Server) policyDelete(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	v, _, err := s.findVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.DeletePolicyVersion(r.Context(), p.TenantID, actorOf(p), v.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/policy", "flash.policy_deleted")
}

// simulation is the result of replaying past applications against a
// version: who would have been refused or warned, and why.
type simulation struct {
	Rows               []simRow
	Refused, Warned    int
	People             int
	Total              int
	DeadlinesSkipped   bool
	Encoding, FileName string
}

type simRow struct {
	Line     int
	StaffNo  string
	Name     string
	Date     calendar.Date
	Errors   []string
	Warnings []string
}

// Column names the simulation file may use.
var simColumns = map[string][]string{
	"staff_no":     {"職員番号", "staff_no"},
	"date":         {"日付", "実施日", "date"},
	"mode":         {"形態", "勤務形態", "mode"},
	"time_unit":    {"時間単位", "単位", "time_unit"},
	"start":        {"開始", "開始時刻", "start"},
	"end":          {"終了", "終了時刻", "end"},
	"submitted_at": {"申請日時", "submitted_at"},
}

var modeWords = map[string]policy.Mode{"在宅": policy.Home, "在宅勤務": policy.Home, "home": policy.Home,
	"サテライト": policy.Satellite, "サテライトオフィス": policy.Satellite, "サテライトオフィス勤務": policy.Satellite, "satellite": policy.Satellite,
	"モバイル": policy.Mobile, "モバイルワーク": policy.Mobile, "mobile": policy.Mobile}

var unitWords = map[string]policy.TimeUnit{"": policy.FullDay, "終日": policy.FullDay, "full_day": policy.FullDay,
	"午前": policy.AM, "am": policy.AM, "午後": policy.PM, "pm": policy.PM, "時間単位": policy.Hourly, "時間": policy.Hourly, "hourly": policy.Hourly}

// policySimulate replays a file of past telework days (職員番号, 日付, 形態,
// 時間単位, 開始, 終了 and optionally 申請日時) against this version.
func (s *Server) policySimulate(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	v, vs, err := s.findVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var val apperr.Validation
		val.Add("file", "field.file_required", nil)
		s.renderPolicyShow(w, r, http.StatusUnprocessableEntity, v, vs, nil, val.Err())
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.renderStatus(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		return
	}
	sim, err := s.simulate(r.Context(), p.TenantID, v.Policy, data)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			s.renderPolicyShow(w, r, http.StatusUnprocessableEntity, v, vs, nil, err)
			return
		}
		s.serverError(w, r, err)
		return
	}
	sim.FileName = hdr.Filename
	s.renderPolicyShow(w, r, http.StatusOK, v, vs, sim, nil)
}

func (s *Server) simulate(ctx context.Context, tenantID int64, pol policy.Policy, data []byte) (*simulation, error) {
	tab, err := tabular.Read(data)
	if err != nil {
		return nil, err
	}
	if len(tab.Rows) < 2 {
		var v apperr.Validation
		v.Add("file", "field.sim_empty", nil)
		return nil, v.Err()
	}
	col := map[string]int{}
	for i, h := range tab.Rows[0].Cells {
		h = strings.TrimSpace(tabular.NormalizeText(h))
		for k, names := range simColumns {
			if slices.Contains(names, h) {
				col[k] = i
			}
		}
	}
	var v apperr.Validation
	for _, k := range []string{"staff_no", "date", "mode"} {
		if _, ok := col[k]; !ok {
			v.Add("file", "field.sim_column", map[string]any{"Column": simColumns[k][0]})
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	get := func(row tabular.Row, k string) string {
		i, ok := col[k]
		if !ok {
			return ""
		}
		return strings.TrimSpace(row.Cell(i))
	}
	type item struct {
		row     tabular.Row
		staffNo string
		app     policy.Application
		at      time.Time
	}
	var items []item
	for _, row := range tab.Rows[1:] {
		no := toHalfWidthDigits(get(row, "staff_no"))
		d, derr := calendar.ParseDateFlexible(get(row, "date"))
		mode, mok := modeWords[get(row, "mode")]
		unit, uok := unitWords[get(row, "time_unit")]
		if no == "" || derr != nil || !mok || !uok {
			v.Add("file", "field.sim_row", map[string]any{"Line": row.Line})
			continue
		}
		a := policy.Application{Mode: mode, Place: policy.PlaceHome, TimeUnit: unit, Dates: []calendar.Date{d},
			Start: get(row, "start"), End: get(row, "end"), Status: "approved"}
		if mode == policy.Satellite {
			a.Place = policy.PlaceSatellite
		} else if mode == policy.Mobile {
			a.Place = policy.PlaceMobile
		}
		it := item{row: row, staffNo: no, app: a}
		if s := get(row, "submitted_at"); s != "" {
			t, terr := time.ParseInLocation("2006-01-02 15:04", strings.ReplaceAll(s, "/", "-"), calendar.Tokyo)
			if terr != nil {
				v.Add("file", "field.sim_row", map[string]any{"Line": row.Line})
				continue
			}
			it.at = t
		}
		items = append(items, it)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].app.Dates[0].Before(items[j].app.Dates[0]) })
	sim := &simulation{Total: len(items), Encoding: tab.Encoding}
	var dates []calendar.Date
	for _, it := range items {
		dates = append(dates, it.app.Dates[0])
	}
	cal, err := s.businessCalendar(ctx, tenantID, dates...)
	if err != nil {
		return nil, err
	}
	units, err := s.db.FindUnits(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	tr := org.NewTree(units)
	people := map[string]policy.Person{}
	names := map[string]string{}
	earlier := map[string][]policy.Application{}
	affected := map[string]bool{}
	for _, it := range items {
		per, ok := people[it.staffNo]
		if !ok {
			st, err := s.db.FindStaffByNo(ctx, tenantID, it.staffNo)
			if err != nil {
				if apperr.CodeOf(err) == apperr.NotFound {
					v.Add("file", "field.sim_staff", map[string]any{"Line": it.row.Line, "StaffNo": it.staffNo})
					continue
				}
				return nil, err
			}
			if per, err = s.personFor(ctx, tenantID, tr, st); err != nil {
				return nil, err
			}
			people[it.staffNo], names[it.staffNo] = per, st.Name
		}
		pol := pol
		now := it.at
		if now.IsZero() {
			// Without the time of submission the deadline cannot be judged:
			// replay as if submitted in time.
			pol.Deadline.On = "none"
			sim.DeadlinesSkipped = true
			now = it.app.Dates[0].Time().Add(-30 * 24 * time.Hour)
		}
		fs := policy.Evaluate(policy.Input{Policy: pol, Calendar: cal, Person: per, App: it.app, Others: earlier[it.staffNo],
			Stage: policy.AtSubmit, Now: now})
		earlier[it.staffNo] = append(earlier[it.staffNo], it.app)
		row := simRow{Line: it.row.Line, StaffNo: it.staffNo, Name: names[it.staffNo], Date: it.app.Dates[0]}
		for _, f := range fs {
			switch f.Severity {
			case policy.Error:
				row.Errors = append(row.Errors, f.Message("ja"))
			case policy.Warning:
				row.Warnings = append(row.Warnings, f.Message("ja"))
			}
		}
		if len(row.Errors) > 0 {
			sim.Refused++
		} else if len(row.Warnings) > 0 {
			sim.Warned++
		}
		if len(row.Errors)+len(row.Warnings) > 0 {
			sim.Rows = append(sim.Rows, row)
			affected[it.staffNo] = true
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sim.People = len(affected)
	return sim, nil
}

// staffFactsSave records the facts eligibility rules use: 育児・介護 as a
// declared reason, a telework terminal, secondment.
func (s *Server) staffFactsSave(w http.ResponseWriter, r *http.Request) {
	_, id, ok := found(s, w, r, s.db.FindStaffByID)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := principal(r)
	fm := newForm(r)
	var reasons []string
	for _, x := range r.PostForm["reasons"] {
		if slices.Contains(policy.Reasons, x) && !slices.Contains(reasons, x) {
			reasons = append(reasons, x)
		}
	}
	f := policy.Facts{Reasons: reasons, HasTerminal: fm.bool("has_terminal"), Seconded: fm.bool("seconded")}
	if err := s.db.SavePolicyFacts(r.Context(), p.TenantID, actorOf(p), id, f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, "/staff/"+itoa(id), "flash.saved")
}

// --- API ---

type policyVersionJSON struct {
	ID            int64         `json:"id"`
	EffectiveFrom string        `json:"effective_from"`
	Note          string        `json:"note"`
	InForce       bool          `json:"in_force"`
	Policy        policy.Policy `json:"policy"`
}

func (s *Server) apiPolicyTemplates(w http.ResponseWriter, r *http.Request) {
	out := page[map[string]any]{Items: []map[string]any{}}
	for _, t := range policy.Templates() {
		out.Items = append(out.Items, map[string]any{"name": t.Name, "label": t.Label, "source": t.Source, "policy": t.Policy})
	}
	out.Total = len(out.Items)
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) versionsJSON(vs []policy.Version) []policyVersionJSON {
	cur, ok := policy.InForce(vs, calendar.DateOf(s.db.Now()))
	out := make([]policyVersionJSON, 0, len(vs))
	for _, v := range vs {
		out = append(out, policyVersionJSON{v.ID, v.Effective.String(), v.Note, ok && v.ID == cur.ID, v.Policy})
	}
	return out
}

func (s *Server) apiPolicyVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.db.FindPolicyVersions(r.Context(), principal(r).TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	items := s.versionsJSON(vs)
	writeJSON(w, http.StatusOK, page[policyVersionJSON]{Items: items, Total: len(items)})
}

func (s *Server) apiGetPolicyVersion(w http.ResponseWriter, r *http.Request) {
	v, vs, err := s.findVersion(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	for _, j := range s.versionsJSON(vs) {
		if j.ID == v.ID {
			writeJSON(w, http.StatusOK, j)
			return
		}
	}
}

func (s *Server) apiSavePolicyVersion(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		EffectiveFrom string         `json:"effective_from"`
		Note          string         `json:"note"`
		Template      string         `json:"template"`
		Policy        *policy.Policy `json:"policy"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	eff, derr := calendar.ParseDate(in.EffectiveFrom)
	if derr != nil {
		v.Add("effective_from", "field.date", nil)
	}
	var pol policy.Policy
	switch {
	case in.Policy != nil && in.Template == "":
		pol = *in.Policy
	case in.Policy == nil && in.Template != "":
		t, ok := policy.TemplateByName(in.Template)
		if !ok {
			v.Add("template", "field.choice", nil)
		}
		pol = t.Policy
	default:
		v.Add("policy", "field.policy_or_template", nil)
	}
	err := v.Err()
	if err == nil {
		err = pol.Validate()
	}
	ver := &policy.Version{Effective: eff, Note: in.Note, Policy: pol}
	if err == nil {
		err = s.db.SavePolicyVersion(r.Context(), p.TenantID, actorOf(p), ver)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/policy/versions/"+itoa(ver.ID))
	writeJSON(w, http.StatusCreated, policyVersionJSON{ver.ID, ver.Effective.String(), ver.Note, false, ver.Policy})
}

func (s *Server) apiDeletePolicyVersion(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	v, _, err := s.findVersion(r)
	if err == nil {
		err = s.db.DeletePolicyVersion(r.Context(), p.TenantID, actorOf(p), v.ID)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type findingJSON struct {
	Rule     string          `json:"rule"`
	Severity policy.Severity `json:"severity"`
	Date     string          `json:"date,omitempty"`
	Message  string          `json:"message"`
}

// apiEvaluatePolicy checks an application against the version in force on
// its first day: for people planning, and for other systems that keep
// their own workflow. Staff may check only their own; supervisors their
// section; HR anyone.
func (s *Server) apiEvaluatePolicy(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var in struct {
		StaffID     int64              `json:"staff_id"`
		Dates       []string           `json:"dates"`
		Stage       policy.Stage       `json:"stage"`
		Application policy.Application `json:"application"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var v apperr.Validation
	if in.StaffID == 0 {
		in.StaffID = p.StaffID
	}
	for _, ds := range in.Dates {
		d, err := calendar.ParseDate(ds)
		if err != nil {
			v.Add("dates", "field.date", nil)
			break
		}
		in.Application.Dates = append(in.Application.Dates, d)
	}
	if len(in.Application.Dates) == 0 && !v.Has("dates") {
		v.Add("dates", "field.required", nil)
	}
	if in.Stage == "" {
		in.Stage = policy.AtSubmit
	}
	if in.Stage != policy.AtSubmit && in.Stage != policy.AtApprove {
		v.Add("stage", "field.choice", nil)
	}
	if err := v.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	st, err := s.db.FindStaffByID(r.Context(), p.TenantID, in.StaffID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	tr, err := s.tree(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !p.Has(auth.HRAdmin) && p.StaffID != st.ID && !(p.Has(auth.Supervisor) && p.UnitID != 0 && tr.IsWithin(st.UnitID, p.UnitID)) {
		s.apiFail(w, r, apperr.Forbid())
		return
	}
	vs, err := s.db.FindPolicyVersions(r.Context(), p.TenantID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ver, ok := policy.InForce(vs, in.Application.Dates[0])
	if !ok {
		s.apiFail(w, r, &apperr.Error{Code: apperr.Conflict, Key: "error.no_policy"})
		return
	}
	per, err := s.personFor(r.Context(), p.TenantID, tr, st)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	cal, err := s.businessCalendar(r.Context(), p.TenantID, in.Application.Dates...)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	fs := policy.Evaluate(policy.Input{Policy: ver.Policy, Calendar: cal, Person: per, App: in.Application, Stage: in.Stage, Now: s.db.Now()})
	lang := apiLang(r)
	out := map[string]any{"policy_version": ver.ID, "ok": !policy.HasErrors(fs), "findings": []findingJSON{}}
	list := []findingJSON{}
	for _, f := range fs {
		j := findingJSON{Rule: f.Rule, Severity: f.Severity, Message: f.Message(lang)}
		if !f.Date.IsZero() {
			j.Date = f.Date.String()
		}
		list = append(list, j)
	}
	out["findings"] = list
	writeJSON(w, http.StatusOK, out)
}
