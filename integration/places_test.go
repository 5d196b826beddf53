package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/org"
	"telework/internal/places"
	"telework/internal/store"
	"telework/internal/store/storetest"
	"telework/internal/tasks"
	"telework/internal/testnodes"
)

// TestLastSeatsUnderContention sends 1,000 concurrent booking requests over
// HTTP for the last 10 seats of an office (and for the last 10 LTE
// dongles of a pool): exactly 10 succeed, the rest get a Japanese 409;
// cancelling one lets exactly one more in (issue 14). On SQLite through one
// node, on PostgreSQL through two nodes taking turns.
func TestLastSeatsUnderContention(t *testing.T) {
	for _, eng := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(eng), func(t *testing.T) { lastSeats(t, eng) })
	}
}

const placesN = 1000

func lastSeats(t *testing.T, eng store.Engine) {
	dsn := storetest.DSN(t, eng)
	bin := testnodes.Build(t)
	nodes := []*testnodes.Node{testnodes.StartNode(t, bin, "node1", dsn)}
	if eng == store.Postgres {
		nodes = append(nodes, testnodes.StartNode(t, bin, "node2", dsn))
	}
	testnodes.WaitReady(t, 120*time.Second, nodes...)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// A tenant with an HR/IT account (who books on people's behalf), 1,000
	// people, an office with 10 seats and a pool of 10 dongles.
	op := audit.Actor{Label: "test"}
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	tn := &org.Tenant{Slug: "kobe", Name: "神戸市", Kind: org.Municipality, StaffSize: 2000, GeneralAdminStaff: 1500}
	admin := &auth.User{LoginID: "admin", PasswordHash: hash, Granted: []auth.Role{auth.HRAdmin, auth.ITAdmin}}
	f := storetest.F(db)
	if err := f.CreateTenant(ctx, op, tn, admin); err != nil {
		t.Fatal(err)
	}
	u := &org.Unit{Code: "100", Name: "情報政策課", Level: "課"}
	if err := f.CreateUnit(ctx, tn.ID, op, u, calendar.Date{}); err != nil {
		t.Fatal(err)
	}
	staff := make([]int64, placesN)
	for i := range staff {
		s := &org.Staff{StaffNo: strconv.Itoa(10000 + i), Name: "職員" + strconv.Itoa(i), Kana: "しょくいん", UnitID: u.ID, Rank: org.RankStaff,
			Employment: org.Regular, JobType: "general"}
		if err := f.CreateStaff(ctx, tn.ID, op, s, calendar.Date{}); err != nil {
			t.Fatal(err)
		}
		staff[i] = s.ID
	}
	it := &auth.Principal{TenantID: tn.ID, UserID: admin.ID, Roles: []auth.Role{auth.ITAdmin, auth.HRAdmin}}
	office := places.NewOffice()
	office.Name, office.Seats, office.ClosedDays, office.Network = "四賀支所", 10, nil, tasks.OfficeLAN
	if err := places.NewService(db, db.Now).CreateOffice(ctx, tn.ID, it, office); err != nil {
		t.Fatal(err)
	}
	pool := &devices.Pool{Name: "LTEドングル", Kind: devices.LTEDongle, Capacity: 10, LoanDays: 1}
	if err := devices.NewService(db, db.Now).SavePool(ctx, tn.ID, it, pool); err != nil {
		t.Fatal(err)
	}
	day := calendar.DateOf(time.Now()).AddDays(1).String()
	cookie := testnodes.Login(t, nodes[0].URL(), tn.Slug, "admin", "correct horse battery")
	client := &http.Client{Timeout: 120 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 200, MaxConnsPerHost: 200}}

	send := func(i int, method, path, body string) (int, string) {
		req, err := http.NewRequest(method, nodes[i%len(nodes)].URL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "ja")
		req.AddCookie(cookie)
		res, text := do(t, client, req)
		return res.StatusCode, text
	}
	race := func(path string, body func(i int) string, who []int) (ok []string) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var start sync.WaitGroup
		start.Add(1)
		for _, i := range who {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start.Wait()
				code, text := send(i, "POST", path, body(i))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case code == http.StatusCreated:
					var x struct{ ID int64 }
					_ = json.Unmarshal([]byte(text), &x)
					ok = append(ok, strconv.FormatInt(x.ID, 10))
				case code == http.StatusConflict && strings.Contains(text, `"status":409`) &&
					(strings.Contains(text, "埋まっています") || strings.Contains(text, "すでに")):
				default:
					t.Errorf("request %d: %d %.300s", i, code, text)
				}
			}()
		}
		start.Done()
		wg.Wait()
		return ok
	}
	all := make([]int, placesN)
	for i := range all {
		all[i] = i
	}
	check := func(name, path, cancelPath string, body func(i int) string) {
		began := time.Now()
		ok := race(path, body, all)
		t.Logf("%s: %d requests in %s, %d succeeded", name, placesN, time.Since(began).Round(time.Millisecond), len(ok))
		if len(ok) != 10 {
			t.Fatalf("%s: %d succeeded, want exactly 10", name, len(ok))
		}
		if code, text := send(0, "DELETE", cancelPath+ok[0], ""); code != http.StatusNoContent {
			t.Fatalf("cancel: %d %s", code, text)
		}
		// Everyone else tries again (the ten holders would be refused as
		// a second booking or reservation anyway): exactly one gets in.
		again := race(path, body, all[:200])
		if len(again) != 1 {
			t.Fatalf("%s after one cancellation: %d succeeded, want exactly 1", name, len(again))
		}
	}
	check("seats", "/api/v1/bookings", "/api/v1/bookings/", func(i int) string {
		return fmt.Sprintf(`{"office_id":%d,"date":%q,"half":"full_day","staff_id":%d}`, office.ID, day, staff[i])
	})
	check("dongles", "/api/v1/device-reservations", "/api/v1/device-reservations/", func(i int) string {
		return fmt.Sprintf(`{"pool_id":%d,"date":%q,"staff_id":%d}`, pool.ID, day, staff[i])
	})
	// The counters agree with the rows.
	var booked, used int
	if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM bookings WHERE tenant_id = %d AND status = 'booked'`, tn.ID)).Scan(&booked); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT MAX(used) FROM place_slots WHERE tenant_id = %d`, tn.ID)).Scan(&used); err != nil {
		t.Fatal(err)
	}
	if booked != 10 || used != 10 {
		t.Fatalf("%d bookings, counter %d; want 10 and 10", booked, used)
	}
}
