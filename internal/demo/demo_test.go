package demo

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"telework/internal/auth"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, time.May, 12, 9, 0, 0, 0, time.UTC)

		f := storetest.F(db)
		res, err := Seed(ctx, Services{Org: f.Org, Auth: f.Auth}, now)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created || res.Tenant == nil || res.Tenant.Slug != Slug || res.Tenant.Name != TenantName || res.Tenant.Kind != org.Municipality {
			t.Fatalf("result = %+v", res)
		}
		tid := res.Tenant.ID

		units, err := db.FindUnits(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		staff, total, err := db.FindStaff(ctx, tid, org.StaffFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if total < 280 || total > 320 || len(staff) != total || res.Staff != total {
			t.Errorf("staff: %d listed, %d total, %d reported; want 280–320", len(staff), total, res.Staff)
		}
		if len(units) != res.Units || len(units) < 60 {
			t.Errorf("units: %d stored, %d reported", len(units), res.Units)
		}
		if res.Tenant.StaffSize != total || res.Tenant.GeneralAdminStaff <= 100 || res.Tenant.GeneralAdminStaff >= total {
			t.Errorf("tenant sizes: staff %d, general admin %d", res.Tenant.StaffSize, res.Tenant.GeneralAdminStaff)
		}

		// The tree: 部・局 → 課・室 → 係・担当, numeric codes unique per tenant.
		byID := map[int64]*org.Unit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		depth := func(u *org.Unit) int {
			d := 1
			for ; u.ParentID != 0; u = byID[u.ParentID] {
				d++
			}
			return d
		}
		levels := map[int][]string{1: {"部", "局"}, 2: {"課", "室"}, 3: {"係", "担当"}}
		codes := map[string]bool{}
		children := map[int64]int{}
		perDepth := map[int]int{}
		for _, u := range units {
			d := depth(u)
			perDepth[d]++
			children[u.ParentID]++
			if !slices.Contains(levels[d], u.Level) {
				t.Errorf("unit %s at depth %d has level %q", u.Name, d, u.Level)
			}
			if !regexp.MustCompile(`^[0-9]+$`).MatchString(u.Code) || codes[u.Code] {
				t.Errorf("unit %s: code %q not numeric or not unique", u.Name, u.Code)
			}
			codes[u.Code] = true
		}
		for _, u := range units {
			if depth(u) < 3 && children[u.ID] == 0 {
				t.Errorf("unit %s (depth %d) has no units below it", u.Name, depth(u))
			}
		}
		if perDepth[1] < 8 || perDepth[2] < 20 || perDepth[3] < 40 || len(perDepth) != 3 {
			t.Errorf("units per depth = %v", perDepth)
		}
		for _, name := range []string{"人事課", "人事係", "給与係", "情報政策課", "保育課", "市民課", "窓口係", "消防本部", "教育委員会事務局", "上下水道局"} {
			if !slices.ContainsFunc(units, func(u *org.Unit) bool { return u.Name == name }) {
				t.Errorf("no unit %s", name)
			}
		}
		if !slices.ContainsFunc(units, func(u *org.Unit) bool {
			return strings.HasSuffix(u.Name, "保育園") && byID[u.ParentID].Name == "保育課"
		}) {
			t.Error("no 保育園 under 保育課")
		}

		// Heads: 係長 in every 3rd-level unit, 課長 in every 課, 部長 in every 部.
		wantHead := map[int]org.Rank{1: org.RankExecutive, 2: org.RankManager, 3: org.RankChief}
		for _, u := range units {
			d := depth(u)
			if !slices.ContainsFunc(staff, func(s *org.Staff) bool {
				return s.UnitID == u.ID && s.IsSupervisor && s.Rank == wantHead[d]
			}) {
				t.Errorf("unit %s (depth %d) has no supervisor of rank %s", u.Name, d, wantHead[d])
			}
		}

		emps := map[org.Employment]int{}
		jobs := map[string]int{}
		nos := map[string]bool{}
		optIn := 0
		for _, s := range staff {
			emps[s.Employment]++
			jobs[s.JobType]++
			if s.Sensitive != nil {
				optIn++
			}
			if err := s.Validate(); err != nil {
				t.Errorf("staff %s does not validate: %v", s.StaffNo, err)
			}
			if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(s.StaffNo) || nos[s.StaffNo] {
				t.Errorf("staff number %q not 6 digits or not unique", s.StaffNo)
			}
			nos[s.StaffNo] = true
			if s.Email != "s"+s.StaffNo+"@"+EmailDomain {
				t.Errorf("email %q", s.Email)
			}
			if !strings.ContainsFunc(s.Name, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("name %q has no kanji", s.Name)
			}
			if !hiraganaName(s.Kana) {
				t.Errorf("kana %q is not 「せい めい」 in hiragana", s.Kana)
			}
			if s.Title == "" {
				t.Errorf("staff %s has no title", s.StaffNo)
			}
		}
		for _, e := range org.Employments {
			if emps[e] == 0 {
				t.Errorf("no staff with employment %s", e)
			}
		}
		for _, j := range org.JobTypes {
			if jobs[j] == 0 {
				t.Errorf("no staff with job type %s", j)
			}
		}
		if share := float64(optIn) / float64(total); share < 0.2 || share > 0.45 {
			t.Errorf("sensitive opt-in share %.2f, want about a third", share)
		}
		t.Logf("employment %v, job types %v, opted in %d", emps, jobs, optIn)

		// Accounts: each signs in with the demo password and has its role.
		wantRoles := map[string][]auth.Role{
			"staff":      {auth.Staff},
			"supervisor": {auth.Staff, auth.Supervisor},
			"hr":         {auth.Staff, auth.HRAdmin},
			"it":         {auth.Staff, auth.ITAdmin},
			"auditor":    {auth.Auditor},
		}
		if len(res.Accounts) != 6 {
			t.Fatalf("accounts = %+v", res.Accounts)
		}
		users := map[string]*auth.User{}
		for _, a := range res.Accounts {
			if a.Password != Password || a.Description == "" || !strings.ContainsFunc(a.Description, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("account %+v", a)
			}
			if a.Role == string(auth.Operator) {
				op, err := db.FindOperatorByLogin(ctx, a.LoginID)
				if err != nil {
					t.Fatal(err)
				}
				if ok, err := auth.CheckPassword(op.PasswordHash, a.Password); !ok || err != nil || op.MustChange {
					t.Errorf("operator %s: password ok=%v err=%v must change=%v", a.LoginID, ok, err, op.MustChange)
				}
				continue
			}
			u, err := db.FindUserByLogin(ctx, tid, a.LoginID)
			if err != nil {
				t.Fatalf("account %s: %v", a.LoginID, err)
			}
			users[a.LoginID] = u
			if ok, err := auth.CheckPassword(u.PasswordHash, a.Password); !ok || err != nil {
				t.Errorf("account %s: password ok=%v err=%v", a.LoginID, ok, err)
			}
			if u.MustChange || u.Disabled {
				t.Errorf("account %s: must change %v, disabled %v", a.LoginID, u.MustChange, u.Disabled)
			}
			if got := u.Roles(); !reflect.DeepEqual(got, wantRoles[a.LoginID]) {
				t.Errorf("account %s: roles %v, want %v", a.LoginID, got, wantRoles[a.LoginID])
			}
			if want := wantRoles[a.LoginID]; a.Role != string(want[len(want)-1]) {
				t.Errorf("account %s: Role %q, want %s", a.LoginID, a.Role, want[len(want)-1])
			}
			if u.StaffID != 0 && !strings.Contains(a.Description, byID[u.UnitID].Name) {
				t.Errorf("account %s: description %q does not name unit %s", a.LoginID, a.Description, byID[u.UnitID].Name)
			}
		}
		if users["staff"].UnitID != users["supervisor"].UnitID {
			t.Error("the demo staff member and supervisor should share a 係, so applications reach the supervisor")
		}
		if byID[users["hr"].UnitID].Name != "人事係" {
			t.Errorf("hr account sits in %s", byID[users["hr"].UnitID].Name)
		}
		if byID[byID[users["it"].UnitID].ParentID].Name != "情報政策課" {
			t.Errorf("it account sits in %s", byID[users["it"].UnitID].Name)
		}
		if users["auditor"].StaffID != 0 {
			t.Error("auditor is linked to a staff record")
		}

		chain, err := db.VerifyAuditChain(ctx, tid)
		if err != nil {
			t.Fatal(err)
		}
		_, usersBefore, _ := db.TenantCounts(ctx, tid)

		// Seeding again, even in the next 年度, changes nothing.
		again, err := Seed(ctx, Services{Org: storetest.F(db).Org, Auth: storetest.F(db).Auth}, now.AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if again.Created || again.Units != 0 || again.Staff != 0 || again.Tenant.ID != tid {
			t.Errorf("second seed = %+v", again)
		}
		if !reflect.DeepEqual(again.Accounts, res.Accounts) {
			t.Errorf("second seed accounts %+v, want %+v", again.Accounts, res.Accounts)
		}
		_, totalAfter, _ := db.FindStaff(ctx, tid, org.StaffFilter{Limit: 1})
		_, usersAfter, _ := db.TenantCounts(ctx, tid)
		chainAfter, _ := db.VerifyAuditChain(ctx, tid)
		tenants, _ := db.FindTenants(ctx)
		if totalAfter != total || usersAfter != usersBefore || chainAfter != chain || len(tenants) != 1 {
			t.Errorf("second seed created something: staff %d→%d, users %d→%d, audit %d→%d, tenants %d",
				total, totalAfter, usersBefore, usersAfter, chain, chainAfter, len(tenants))
		}
	})
}

// TestPlanDeterministic: the demo is the same on every installation, so
// manuals and screenshots stay true.
func TestPlanDeterministic(t *testing.T) {
	a, b := buildPlan(2026), buildPlan(2026)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans for the same 年度 differ")
	}
	// Birth years and 職員番号 move with the 年度; the posts do not.
	c := buildPlan(2027)
	if len(a.staff) != len(c.staff) || len(a.units) != len(c.units) {
		t.Fatal("plan for 2027 has other units or staff")
	}
	for i := range a.staff {
		x, y := a.staff[i], c.staff[i]
		if x.unit != y.unit || x.staff.Title != y.staff.Title || x.acct != y.acct {
			t.Fatalf("plan for 2027 differs in person %d", i)
		}
	}
}

func hiraganaName(s string) bool {
	parts := strings.Split(s, " ")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, r := range parts[0] + parts[1] {
		if !unicode.Is(unicode.Hiragana, r) {
			return false
		}
	}
	return true
}
