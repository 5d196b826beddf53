// Package demo owns the demonstration data: a fictional city with its
// organisation chart, about 300 staff and one sign-in account per role, so
// that the product can be tried (and judged) at once after installation.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/apply"
	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/cost"
	"telework/internal/handbook"
	"telework/internal/oneonone"
	"telework/internal/org"
	"telework/internal/roadmap"
	"telework/internal/survey"
	"telework/internal/tasks"
)

const (
	// Slug is the demo tenant's sign-in code.
	Slug = "demo"
	// TenantName is the demo city.
	TenantName = "みどり野市" // fictional; no real city has this name
	// EmailDomain is the demo staff's mail domain (s012345@…).
	EmailDomain = "midori.example.lg.jp"
	// Password is the password of every demo account, operator included.
	Password = "demo-password"
	// OperatorLogin is the demo instance operator's login id.
	OperatorLogin = "operator"
)

// Account is one demo sign-in account and its password.
type Account struct {
	LoginID, Password, Role, Description string // Description in Japanese
}

// Result says what Seed created.
type Result struct {
	Tenant   *org.Tenant
	Created  bool
	Accounts []Account
	Units    int // units created by this call
	Staff    int // staff records created by this call
	// History is what the six months of applications made (nil when the
	// services for it were not given).
	History *HistoryStats
}

var actor = audit.Actor{ID: 0, Label: "system:demo"}

// Services are what the demo seeds through: the same workflows as the
// pages and the API.
type Services struct {
	Org  *org.Service
	Auth *auth.Service
	// Issue 16's areas, seeded when set (trial.go).
	Roadmap  *roadmap.Service
	Handbook *handbook.Service
	Cost     *cost.Service
	// Tasks, when set, gets the demo's task inventory (tasks.go).
	Tasks *tasks.Service
	// SurveyAt, when set, builds the survey service on a clock: the demo's
	// pre- and post-trial surveys are answered while they were open
	// (survey.go). OneOnOne, when set, pairs supervisor and staff.
	SurveyAt func(now func() time.Time) *survey.Service
	OneOnOne *oneonone.Service
	// Apply, when set, routes the demo's applications to the 係長 (the
	// account supervisor heads the 係 of the account staff).
	Apply *apply.Service
	// At builds the services on another clock, for the history (the tenant
	// then starts six months ago and its applications happen since). Nil:
	// the tenant starts now, without history.
	At func(now func() time.Time) Clocked
}

// tenantAccounts are the tenant's demo accounts in display order. staff
// and supervisor follow from the linked staff record; the others are
// granted.
var tenantAccounts = []struct {
	login   string
	role    auth.Role
	granted []auth.Role
	label   string
}{
	{"staff", auth.Staff, nil, "職員"},
	{"supervisor", auth.Supervisor, nil, "所属長・係長"},
	{"hr", auth.HRAdmin, []auth.Role{auth.HRAdmin}, "人事・行政改革担当"},
	{"it", auth.ITAdmin, []auth.Role{auth.ITAdmin}, "情報政策担当"},
	{"auditor", auth.Auditor, []auth.Role{auth.Auditor}, "監査"},
}

// Seed creates, once, the demo tenant (slug "demo") with its organisation,
// staff and accounts, and, once, the instance operator "operator". When the
// tenant already exists it changes nothing and returns Created=false with
// the accounts found in it. All passwords are Password and need no change
// at first sign-in; an operator account "operator" made by other means
// keeps its own password.
//
// now fixes the 年度: units and staff take effect on its 4月1日 and ages and
// 職員番号 (hire year + serial) are reckoned from it. The data are otherwise
// the same on every run.
//
// The tenant, each unit and each account are their own transaction (the
// staff are one), so a failure part-way leaves a partial tenant behind that
// a second Seed will not complete.
func Seed(ctx context.Context, db Services, now time.Time) (*Result, error) {
	if err := ensureOperator(ctx, db); err != nil {
		return nil, err
	}
	t, err := db.Org.TenantBySlug(ctx, Slug)
	if err == nil {
		return existing(ctx, db, t)
	}
	if apperr.CodeOf(err) != apperr.NotFound {
		return nil, fmt.Errorf("demo: finding tenant %q: %w", Slug, err)
	}

	fy := fiscalYear(now)
	p := buildPlan(fy)
	orgs, effective := db.Org, calendar.Date{Year: fy, Month: time.April, Day: 1}
	var clk *clock
	var cs Clocked
	if db.At != nil {
		// The city has teleworked for six months: its records begin then.
		clk = &clock{t: historyStart(now)}
		cs = db.At(clk.now)
		orgs = cs.Org
		effective = calendar.Date{Year: fiscalYear(clk.t), Month: time.April, Day: 1}
	}
	// A real policy from the start: 松本市's rules (2営業日前まで, 正規職員,
	// 保育士 excluded), which HR can then change under 制度.
	created, err := orgs.CreateTenant(ctx, actor, org.NewTenant{PolicyTemplate: "matsumoto",
		Tenant: org.Tenant{Slug: Slug, Name: TenantName, Kind: org.Municipality, StaffSize: len(p.staff), GeneralAdminStaff: p.adminStaff}})
	if err != nil {
		// Another process may have seeded at the same moment (the slug is
		// then taken).
		if t, ferr := db.Org.TenantBySlug(ctx, Slug); ferr == nil {
			return existing(ctx, db, t)
		}
		return nil, fmt.Errorf("demo: creating tenant: %w", err)
	}
	t = created.Tenant

	unitIDs := make([]int64, len(p.units))
	for i, pu := range p.units {
		u := pu.unit
		if pu.parent >= 0 {
			u.ParentID = unitIDs[pu.parent]
		}
		if err := orgs.CreateUnit(ctx, t.ID, actor, &u, effective); err != nil {
			return nil, fmt.Errorf("demo: creating unit %s: %w", u.Name, err)
		}
		unitIDs[i] = u.ID
	}

	staffIDs := map[string]int64{} // account login → staff id
	list := make([]*org.Staff, len(p.staff))
	for i, ps := range p.staff {
		s := ps.staff
		s.UnitID = unitIDs[ps.unit]
		list[i] = &s
	}
	if err := orgs.CreateStaffMany(ctx, t.ID, actor, list, effective); err != nil {
		return nil, fmt.Errorf("demo: creating staff: %w", err)
	}
	for i, ps := range p.staff {
		if ps.acct != "" {
			staffIDs[ps.acct] = list[i].ID
		}
	}

	for _, a := range tenantAccounts {
		hash, err := auth.HashPassword(Password)
		if err != nil {
			return nil, err
		}
		u := &auth.User{LoginID: a.login, PasswordHash: hash, StaffID: staffIDs[a.login], Granted: a.granted}
		if a.role != auth.Auditor && u.StaffID == 0 {
			return nil, fmt.Errorf("demo: no staff record planned for account %q", a.login)
		}
		if err := db.Auth.CreateAccount(ctx, t.ID, actor, u); err != nil {
			return nil, fmt.Errorf("demo: creating account %s: %w", a.login, err)
		}
	}

	if err := seedTrial(ctx, db, t.ID, fy, calendar.DateOf(now)); err != nil {
		return nil, err
	}
	if db.Tasks != nil {
		names := map[string]int64{}
		for i, pu := range p.units {
			if _, dup := names[pu.unit.Name]; !dup {
				names[pu.unit.Name] = unitIDs[i]
			}
		}
		if err := seedTasks(ctx, db.Tasks, t.ID, names); err != nil {
			return nil, err
		}
	}
	if db.SurveyAt != nil {
		ids := make([]int64, len(list))
		for i, st := range list {
			ids[i] = st.ID
		}
		if err := seedSurveys(ctx, db.SurveyAt, t.ID, ids, now); err != nil {
			return nil, err
		}
	}
	if db.OneOnOne != nil {
		if err := seedOneOnOne(ctx, db.OneOnOne, t.ID, staffIDs["supervisor"], staffIDs["staff"]); err != nil {
			return nil, err
		}
	}
	res := &Result{Tenant: t, Created: true, Units: len(p.units), Staff: len(p.staff)}
	if clk != nil {
		users := map[string]int64{}
		for _, a := range tenantAccounts {
			u, err := db.Auth.UserByLogin(ctx, t.ID, a.login)
			if err != nil {
				return nil, err
			}
			users[a.login] = u.ID
		}
		if res.History, err = seedHistory(ctx, cs, clk, t, staffIDs, users, now); err != nil {
			return nil, err
		}
	}
	if err := teamRouting(ctx, db, t.ID); err != nil {
		return nil, err
	}
	if res.Accounts, err = accounts(ctx, db, t); err != nil {
		return nil, err
	}
	return res, nil
}

// teamRouting routes the demo's applications to the 係長, once (a tenant
// seeded before applications existed gets it on the next start).
func teamRouting(ctx context.Context, db Services, tenantID int64) error {
	if db.Apply == nil {
		return nil
	}
	set, err := db.Apply.Settings(ctx, tenantID)
	if err != nil || set.Version != 0 {
		return err
	}
	set.Approver = apply.ApproverTeam
	if err := db.Apply.Configure(ctx, tenantID, actor, set); err != nil && apperr.CodeOf(err) != apperr.Conflict {
		return fmt.Errorf("demo: approval routing: %w", err)
	}
	return nil
}

func existing(ctx context.Context, db Services, t *org.Tenant) (*Result, error) {
	if err := teamRouting(ctx, db, t.ID); err != nil {
		return nil, err
	}
	accts, err := accounts(ctx, db, t)
	if err != nil {
		return nil, err
	}
	return &Result{Tenant: t, Accounts: accts}, nil
}

func ensureOperator(ctx context.Context, db Services) error {
	_, err := db.Auth.OperatorByLogin(ctx, OperatorLogin)
	if err == nil {
		return nil
	}
	if apperr.CodeOf(err) != apperr.NotFound {
		return fmt.Errorf("demo: finding operator: %w", err)
	}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	if _, err := db.Auth.CreateOperator(ctx, actor, OperatorLogin, hash, false); err != nil && apperr.CodeOf(err) != apperr.Conflict {
		return fmt.Errorf("demo: creating operator: %w", err)
	}
	return nil
}

// accounts describes the demo accounts as they are now in the database,
// so that a second run names the same people as the first even if the
// clock moved to another 年度. Accounts removed since are left out.
func accounts(ctx context.Context, db Services, t *org.Tenant) ([]Account, error) {
	var out []Account
	for _, a := range tenantAccounts {
		u, err := db.Auth.UserByLogin(ctx, t.ID, a.login)
		if apperr.CodeOf(err) == apperr.NotFound {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", a.login, err)
		}
		desc := a.label + "（監査ログの閲覧のみ・職員情報との紐付けなし）"
		if u.StaffID != 0 {
			if desc, err = describeStaff(ctx, db, t.ID, a.label, u.StaffID); err != nil {
				return nil, err
			}
		}
		out = append(out, Account{LoginID: a.login, Password: Password, Role: string(a.role), Description: desc})
	}
	if _, err := db.Auth.OperatorByLogin(ctx, OperatorLogin); err == nil {
		out = append(out, Account{LoginID: OperatorLogin, Password: Password, Role: string(auth.Operator),
			Description: "運用者（インスタンス全体の管理・団体の追加）"})
	}
	return out, nil
}

// describeStaff gives 「職員（企画政策課 企画係・主事 佐藤 翔太）」.
func describeStaff(ctx context.Context, db Services, tenantID int64, label string, staffID int64) (string, error) {
	s, err := db.Org.StaffByID(ctx, tenantID, staffID)
	if err != nil {
		return "", fmt.Errorf("demo: staff %d: %w", staffID, err)
	}
	where := s.UnitName
	if u, err := db.Org.UnitByID(ctx, tenantID, s.UnitID); err == nil && u.ParentID != 0 {
		if parent, err := db.Org.UnitByID(ctx, tenantID, u.ParentID); err == nil {
			where = parent.Name + " " + where
		}
	}
	return fmt.Sprintf("%s（%s・%s %s）", label, where, s.Title, s.Name), nil
}

// fiscalYear is the 年度 of now: April to March.
func fiscalYear(now time.Time) int {
	d := calendar.DateOf(now)
	if d.Month < time.April {
		return d.Year - 1
	}
	return d.Year
}

// plan is the whole demo organisation before it is stored; units refer to
// their parent and staff to their unit by index.
type plan struct {
	units      []plannedUnit
	staff      []plannedStaff
	adminStaff int // 一般行政部門
}

type plannedUnit struct {
	unit   org.Unit
	parent int // index in plan.units, -1 at the top
}

type plannedStaff struct {
	staff org.Staff
	unit  int
	acct  string
}

// generator draws people. Its random source has a fixed seed: the demo is
// the same on every installation, so screenshots and manuals stay true.
type generator struct {
	r        *rand.Rand
	fy       int
	serial   map[int]int // hire year → last serial
	surnames []name      // expanded by weight
	p        *plan
}

func buildPlan(fy int) *plan {
	g := &generator{r: rand.New(rand.NewPCG(0x6d69646f7269, 20210401)), fy: fy, serial: map[int]int{}, p: &plan{}}
	for _, s := range surnames {
		for range s.weight {
			g.surnames = append(g.surnames, s)
		}
	}
	for di, d := range chart {
		before := len(g.p.staff)
		du := g.unit(-1, fmt.Sprintf("%02d0000", di+1), d.name, suffixLevel(d.name, "局", "部"), di)
		g.person(du, post(d.head, org.RankExecutive, org.Regular, orGeneral(d.job), 54, 59), true, 0.45, "")
		for si, s := range d.sects {
			level := suffixLevel(s.name, "室", "課")
			su := g.unit(du, fmt.Sprintf("%02d%02d00", di+1, si+1), s.name, level, si)
			g.person(su, post(level+"長", org.RankManager, org.Regular, orGeneral(s.job), 49, 58), true, 0.45, "")
			if s.deputy {
				g.person(su, post("課長補佐", org.RankAssistantManager, org.Regular, orGeneral(s.job), 46, 56), false, 0.45, "")
			}
			for ti, t := range s.teams {
				level := suffixLevel(t.name, "担当", "係")
				tu := g.unit(su, fmt.Sprintf("%02d%02d%02d", di+1, si+1, ti+1), t.name, level, ti)
				head := t.p.head
				if level == "担当" && head.title == "係長" {
					head.title = "担当係長"
				}
				g.person(tu, head, true, t.p.female*0.8, t.headAcct)
				for _, m := range t.posts(g.r) {
					g.person(tu, m.k, false, t.p.female, m.acct)
				}
			}
		}
		if d.admin {
			g.p.adminStaff += len(g.p.staff) - before
		}
	}
	return g.p
}

func (t team) posts(r *rand.Rand) []member {
	if t.members != nil {
		return t.members
	}
	start := 0
	if t.p.rotate {
		start = r.IntN(len(t.p.members))
	}
	out := make([]member, t.n)
	for i := range out {
		out[i] = member{k: t.p.members[(start+i)%len(t.p.members)]}
	}
	return out
}

func suffixLevel(name, suffix, otherwise string) string {
	if strings.HasSuffix(name, suffix) {
		return suffix
	}
	return otherwise
}

func orGeneral(job string) string {
	if job == "" {
		return general
	}
	return job
}

func (g *generator) unit(parent int, code, name, level string, sibling int) int {
	g.p.units = append(g.p.units, plannedUnit{
		unit:   org.Unit{Code: code, Name: name, Level: level, SortOrder: (sibling + 1) * 10},
		parent: parent,
	})
	return len(g.p.units) - 1
}

// person adds one staff member holding post k in unit u. femaleShare is
// the chance of a woman; it is lowered for managers, who in Japanese local
// government are still mostly men.
func (g *generator) person(u int, k kind, supervisor bool, femaleShare float64, acct string) {
	switch k.rank {
	case org.RankExecutive:
		femaleShare *= 0.3
	case org.RankManager, org.RankAssistantManager:
		femaleShare *= 0.5
	}
	r := g.r
	age := k.minAge + r.IntN(k.maxAge-k.minAge+1)
	female := r.Float64() < femaleShare
	sn := g.surnames[r.IntN(len(g.surnames))]
	names := givenNames(female, g.fy-age)
	gn := names[r.IntN(len(names))]
	no := g.staffNo(k, age)
	s := org.Staff{
		StaffNo: no, Name: sn.kanji + " " + gn.kanji, Kana: sn.kana + " " + gn.kana,
		Email: "s" + no + "@" + EmailDomain, Title: k.title, Rank: k.rank, IsSupervisor: supervisor,
		Employment: k.emp, JobType: k.job,
	}
	if r.IntN(3) == 0 {
		s.Sensitive = g.sensitive(female, age)
	}
	g.p.staff = append(g.p.staff, plannedStaff{staff: s, unit: u, acct: acct})
}

// staffNo is the 職員番号: two digits of the year of hire and a serial, as
// many 人事給与システム number people. 会計年度任用職員 are appointed anew
// each 年度 but keep the number of their first appointment.
func (g *generator) staffNo(k kind, age int) string {
	var hired int
	switch k.emp {
	case org.FiscalYear:
		hired = g.fy - g.r.IntN(4)
	case org.Temporary:
		hired = g.fy
	default:
		first := 22
		if k.job == fire {
			first = 18
		}
		hired = g.fy - max(age-(first+g.r.IntN(6)), 0)
	}
	yy := hired % 100
	if _, ok := g.serial[yy]; !ok {
		g.serial[yy] = g.r.IntN(20)
	}
	g.serial[yy] += 1 + g.r.IntN(3) // gaps: people who have left
	return fmt.Sprintf("%02d%04d", yy, g.serial[yy])
}

// sensitive draws the opt-in analysis attributes (SPEC §1).
func (g *generator) sensitive(female bool, age int) *org.Sensitive {
	r := g.r
	s := &org.Sensitive{Gender: "male", AgeBand: fmt.Sprintf("%d0s", min(max(age/10, 1), 6)), Care: "none"}
	if female {
		s.Gender = "female"
	}
	if r.IntN(20) == 0 {
		s.Gender = "no_answer"
	}
	switch x := r.Float64(); {
	case age >= 40 && age <= 50 && x < 0.04:
		s.Care = "both"
	case age >= 28 && age <= 46 && x < 0.30:
		s.Care = "childcare"
	case age >= 45 && x < 0.16:
		s.Care = "nursing"
	}
	switch x := r.Float64(); {
	case x < 0.7:
		s.CommuteMinutes = 5 + r.IntN(36)
	case x < 0.95:
		s.CommuteMinutes = 40 + r.IntN(31)
	default:
		s.CommuteMinutes = 70 + r.IntN(31)
	}
	return s
}
