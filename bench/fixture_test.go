package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/org"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// Size of the seeded tenant: a large designated city.
const (
	activeStaff  = 30_000
	retiredStaff = 1_500 // people who left stay in the table (staff are never deleted)
	seedBatch    = 1_000 // staff per transaction while seeding
)

// orgChart is the tree of the seeded tenant: 10 部, 60 課 and 250 係
// (the first ten 課 have five 係, the others four).
var orgChart = []struct {
	dept     string
	sections [6]string
}{
	{"総務部", [6]string{"総務課", "人事課", "職員課", "契約課", "危機管理課", "情報政策課"}},
	{"企画財政部", [6]string{"企画課", "財政課", "税務課", "収納課", "資産税課", "広報課"}},
	{"市民生活部", [6]string{"市民課", "保険年金課", "生活安全課", "人権推進課", "地域振興課", "文化スポーツ課"}},
	{"健康福祉部", [6]string{"福祉総務課", "障がい福祉課", "高齢福祉課", "介護保険課", "健康づくり課", "生活福祉課"}},
	{"こども未来部", [6]string{"こども政策課", "保育課", "子育て支援課", "家庭児童相談課", "青少年課", "幼稚園課"}},
	{"環境部", [6]string{"環境政策課", "廃棄物対策課", "清掃事業課", "環境保全課", "公園緑地課", "衛生課"}},
	{"経済産業部", [6]string{"商工課", "観光課", "農政課", "林務課", "雇用労政課", "企業立地課"}},
	{"都市整備部", [6]string{"都市計画課", "建築指導課", "道路課", "河川課", "住宅課", "区画整理課"}},
	{"上下水道部", [6]string{"上下水道総務課", "料金課", "水道課", "下水道課", "浄水課", "施設管理課"}},
	{"教育部", [6]string{"教育総務課", "学校教育課", "学務課", "生涯学習課", "文化財課", "図書館"}},
}

var teamNames = []string{"庶務係", "管理係", "企画係", "事業係", "調整係"}

// seededStaff is what the query generators need to know of one person.
type seededStaff struct {
	no             string
	surname, given reading
	retired        bool
}

// fixture is one engine's seeded database.
type fixture struct {
	db       *store.DB
	tenantID int64
	depts    []int64 // 部
	sections []int64 // 課
	teams    []int64 // 係
	staff    []seededStaff
	units    int
	seedTime time.Duration // creating units and staff, ANALYZE excluded
	analyze  time.Duration
}

var (
	fixtureMu   sync.Mutex
	fixtureOnce = map[store.Engine]*sync.Once{store.SQLite: {}, store.Postgres: {}}
	fixtures    = map[store.Engine]*fixture{}
	fixtureErr  = map[store.Engine]error{}
	binaryScope = &binaryTB{}
)

// TestMain closes the seeded databases (and drops the PostgreSQL one) after
// all tests and benchmarks of the binary have run.
func TestMain(m *testing.M) {
	code := m.Run()
	binaryScope.runCleanups()
	os.Exit(code)
}

// seeded returns the engine's seeded database, seeding it on first use. The
// database lives as long as the test binary, so the percentile test and
// every benchmark share one seeding per engine.
func seeded(tb testing.TB, eng store.Engine) *fixture {
	tb.Helper()
	fixtureMu.Lock()
	once := fixtureOnce[eng]
	fixtureMu.Unlock()
	once.Do(func() {
		f, err := seed(eng)
		fixtureMu.Lock()
		fixtures[eng], fixtureErr[eng] = f, err
		fixtureMu.Unlock()
		if err == nil {
			tb.Logf("%s: seeded %d units and %d staff (%d retired) in %s, ANALYZE %s",
				eng, f.units, len(f.staff), retiredStaff, f.seedTime.Round(time.Millisecond), f.analyze.Round(time.Millisecond))
		}
	})
	fixtureMu.Lock()
	f, err := fixtures[eng], fixtureErr[eng]
	fixtureMu.Unlock()
	switch e := err.(type) {
	case nil:
		return f
	case skipped:
		tb.Skip(string(e))
	default:
		tb.Fatalf("seeding %s: %v", eng, err)
	}
	return nil
}

// seed opens a fresh migrated database through storetest (so that the
// TELEWORK_TEST_PG and TELEWORK_REQUIRE_PG rules are the suite's) and fills
// it with one large tenant.
func seed(eng store.Engine) (f *fixture, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(tbStop)
			if !ok {
				panic(r)
			}
			f, err = nil, s.err
		}
	}()
	db := storetest.Open(binaryScope, eng)
	return populate(context.Background(), db)
}

func populate(ctx context.Context, db *store.DB) (*fixture, error) {
	start := time.Now()
	f := &fixture{db: db}
	tn := &org.Tenant{Slug: "bench-city", Name: "ベンチ市", Kind: org.DesignatedCity, StaffSize: activeStaff, GeneralAdminStaff: 18_000}
	if err := storetest.F(db).CreateTenant(ctx, audit.Actor{Label: "op"}, tn, nil); err != nil {
		return nil, fmt.Errorf("tenant: %w", err)
	}
	f.tenantID = tn.ID
	hr := audit.Actor{ID: 1, Label: "bench-seed"}
	eff := calendar.Date{Year: 2026, Month: time.April, Day: 1}
	newUnit := func(parent int64, code, name, level string, sort int) (int64, error) {
		u := &org.Unit{ParentID: parent, Code: code, Name: name, Level: level, SortOrder: sort}
		if err := u.Validate(); err != nil {
			return 0, fmt.Errorf("unit %s: %w", code, err)
		}
		if err := storetest.F(db).CreateUnit(ctx, f.tenantID, hr, u, eff); err != nil {
			return 0, fmt.Errorf("unit %s: %w", code, err)
		}
		f.units++
		return u.ID, nil
	}

	// slots are the posts to fill: heads at every level, then the 係 staff.
	type slot struct {
		unit  int64
		title string
		rank  org.Rank
		sup   bool
	}
	var slots []slot
	sec := 0
	for d, dc := range orgChart {
		deptID, err := newUnit(0, fmt.Sprintf("%02d00", d+1), dc.dept, "部", d+1)
		if err != nil {
			return nil, err
		}
		f.depts = append(f.depts, deptID)
		slots = append(slots, slot{deptID, "部長", org.RankExecutive, true}, slot{deptID, "次長", org.RankExecutive, false})
		for s, name := range dc.sections {
			secID, err := newUnit(deptID, fmt.Sprintf("%02d%d0", d+1, s+1), name, "課", s+1)
			if err != nil {
				return nil, err
			}
			f.sections = append(f.sections, secID)
			slots = append(slots, slot{secID, "課長", org.RankManager, true}, slot{secID, "課長補佐", org.RankAssistantManager, false})
			teams := 4
			if sec < 10 {
				teams = 5
			}
			sec++
			for t := range teams {
				teamID, err := newUnit(secID, fmt.Sprintf("%02d%d%d", d+1, s+1, t+1), teamNames[t], "係", t+1)
				if err != nil {
					return nil, err
				}
				f.teams = append(f.teams, teamID)
				slots = append(slots, slot{teamID, "係長", org.RankChief, true})
			}
		}
	}

	// The rest work in the 係, unevenly: a 保育 or 収納 team is much larger
	// than a 庶務係.
	rng := rand.New(rand.NewPCG(2026, 1124))
	weights := make([]float64, len(f.teams))
	var sum float64
	for i := range weights {
		weights[i] = 0.3 + 2.7*rng.Float64()*rng.Float64()
		sum += weights[i]
	}
	rest := activeStaff + retiredStaff - len(slots)
	for i, w := range weights {
		n := int(float64(rest) * w / sum)
		if i == len(weights)-1 {
			n = activeStaff + retiredStaff - len(slots)
		}
		for range n {
			s := slot{f.teams[i], "主事", org.RankStaff, false}
			if rng.IntN(10) < 3 {
				s.title, s.rank = "主任", org.RankSenior
			}
			slots = append(slots, s)
		}
	}
	// Insert in shuffled order so that a unit's people are spread over the
	// table, as after years of 人事異動.
	rng.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })

	jobTypes := []struct {
		code   string
		weight int
	}{{"general", 60}, {"technical", 15}, {"childcare", 8}, {"manual", 5}, {"health", 4}, {"welfare", 4}, {"education", 2}, {"firefighting", 2}}
	pickJob := func() string {
		n := rng.IntN(100)
		for _, j := range jobTypes {
			if n < j.weight {
				return j.code
			}
			n -= j.weight
		}
		return "general"
	}

	no := 100_000
	people := make([]*org.Staff, len(slots))
	f.staff = make([]seededStaff, len(slots))
	for i, sl := range slots {
		no += 1 + rng.IntN(20) // 6-digit numbers with gaps, in hiring order
		sur, giv := surnames[zipf(rng, len(surnames))], givenNames[rng.IntN(len(givenNames))]
		kana := sur.kana + " " + giv.kana
		if rng.IntN(100) < 15 { // some records were imported with カタカナ readings
			kana = toKatakana(kana)
		}
		emp := org.Regular
		switch n := rng.IntN(100); {
		case sl.rank == org.RankStaff && n < 17:
			emp = org.FiscalYear
		case sl.rank == org.RankStaff && n < 22:
			emp = org.Reappointed
		}
		p := &org.Staff{StaffNo: fmt.Sprintf("%06d", no), Name: sur.kanji + " " + giv.kanji, Kana: kana,
			Email: fmt.Sprintf("%06d@city.bench.lg.jp", no), UnitID: sl.unit, Title: sl.title, Rank: sl.rank,
			IsSupervisor: sl.sup, Employment: emp, JobType: pickJob()}
		if rng.IntN(10) < 3 {
			p.Sensitive = &org.Sensitive{Gender: org.Genders[rng.IntN(len(org.Genders))], AgeBand: org.AgeBands[1+rng.IntN(5)],
				Care: org.Cares[rng.IntN(len(org.Cares))], CommuteMinutes: 5 + rng.IntN(90)}
		}
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("generated staff %s %s: %w", p.StaffNo, p.Name, err)
		}
		people[i] = p
		f.staff[i] = seededStaff{no: p.StaffNo, surname: sur, given: giv}
	}
	for lo := 0; lo < len(people); lo += seedBatch {
		batch := people[lo:min(lo+seedBatch, len(people))]
		if err := storetest.F(db).Org.CreateStaffMany(ctx, f.tenantID, hr, batch, eff); err != nil {
			return nil, err
		}
	}
	// The last retiredStaff people inserted have left. Marking them
	// directly skips SetStaffRetired's audit entry, which search never reads.
	var ids []string
	for i := len(people) - retiredStaff; i < len(people); i++ {
		ids = append(ids, fmt.Sprint(people[i].ID))
		f.staff[i].retired = true
	}
	if _, err := db.SQL.ExecContext(ctx, `UPDATE staff SET retired = TRUE WHERE id IN (`+strings.Join(ids, ",")+`)`); err != nil {
		return nil, fmt.Errorf("retiring: %w", err)
	}
	f.seedTime = time.Since(start)

	// PostgreSQL's autovacuum would analyze the new table within a minute;
	// do it now so the plans are the steady-state ones. SQLite has no
	// autovacuum and the application never runs ANALYZE, so it is left
	// without statistics, as in production.
	if db.Engine == store.Postgres {
		t0 := time.Now()
		if _, err := db.SQL.ExecContext(ctx, `ANALYZE`); err != nil {
			return nil, fmt.Errorf("analyze: %w", err)
		}
		f.analyze = time.Since(t0)
	}
	return f, nil
}

// zipf picks an index in [0, n) skewed towards the front: surnames are listed
// by frequency, and 佐藤 is far more common than 比嘉.
func zipf(rng *rand.Rand, n int) int {
	for {
		i := int(float64(n) * rng.Float64() * rng.Float64())
		if i < n {
			return i
		}
	}
}

func toKatakana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ぁ' && r <= 'ゖ' {
			return r + ('ァ' - 'ぁ')
		}
		return r
	}, s)
}

// binaryTB is the testing.TB that storetest.Open is given for the seeded
// databases: its cleanups run in TestMain after every test and benchmark,
// not at the end of whichever test happened to seed first. It implements
// every exported method of testing.TB; the embedded interface is nil and
// only supplies the unexported one. Fatal and Skip stop the seeding by
// panicking with tbStop, which seed recovers and hands to the real test.
type binaryTB struct {
	testing.TB

	mu       sync.Mutex
	cleanups []func()
	failed   bool
	ctx      context.Context
	cancel   context.CancelFunc
}

type tbStop struct{ err error }

// skipped is the error for a storetest Skip (PostgreSQL not configured).
type skipped string

func (e skipped) Error() string { return string(e) }

func (s *binaryTB) runCleanups() {
	s.mu.Lock()
	fns := s.cleanups
	s.cleanups = nil
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

func (s *binaryTB) Cleanup(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cleanups = append(s.cleanups, fn)
}

func (s *binaryTB) TempDir() string {
	dir, err := os.MkdirTemp("", "telework-bench-")
	if err != nil {
		s.Fatal(err)
	}
	s.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func (s *binaryTB) ArtifactDir() string { return s.TempDir() }
func (s *binaryTB) Context() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil {
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	return s.ctx
}
func (s *binaryTB) Helper()                 {}
func (s *binaryTB) Name() string            { return "bench-fixture" }
func (s *binaryTB) Attr(key, value string)  {}
func (s *binaryTB) Output() io.Writer       { return os.Stderr }
func (s *binaryTB) Log(args ...any)         { fmt.Fprintln(os.Stderr, args...) }
func (s *binaryTB) Logf(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
func (s *binaryTB) Error(args ...any)       { s.Log(args...); s.Fail() }
func (s *binaryTB) Errorf(f string, a ...any) {
	s.Logf(f, a...)
	s.Fail()
}
func (s *binaryTB) Fail() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed = true
}
func (s *binaryTB) Failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}
func (s *binaryTB) FailNow()                  { s.Fail(); panic(tbStop{fmt.Errorf("fixture setup failed")}) }
func (s *binaryTB) Fatal(args ...any)         { s.Fail(); panic(tbStop{fmt.Errorf("%s", fmt.Sprint(args...))}) }
func (s *binaryTB) Fatalf(f string, a ...any) { s.Fail(); panic(tbStop{fmt.Errorf(f, a...)}) }
func (s *binaryTB) Skip(args ...any)          { panic(tbStop{skipped(fmt.Sprint(args...))}) }
func (s *binaryTB) Skipf(f string, a ...any)  { panic(tbStop{skipped(fmt.Sprintf(f, a...))}) }
func (s *binaryTB) SkipNow()                  { panic(tbStop{skipped("skipped")}) }
func (s *binaryTB) Skipped() bool             { return false }
func (s *binaryTB) Setenv(key, value string)  { s.Fatal("binaryTB: Setenv is not supported") }
func (s *binaryTB) Chdir(dir string)          { s.Fatal("binaryTB: Chdir is not supported") }
