package demo

import (
	"fmt"
	"time"

	"telework/internal/auth"
	"telework/internal/calendar"
	"telework/internal/devices"
	"telework/internal/places"
	"telework/internal/tasks"
	"telework/internal/worktime"
)

// The demo city's satellite offices, device pools and prior overtime
// (issues 14 and 12), in its second year of telework: the three places of
// the task inventory get their seats, PCs, hours and rules; people have
// booked seats for the coming business days (the account staff too, and
// one by the account supervisor on a member's behalf) and one checked in
// last week; the pools have reservations, a device out on loan, one
// returned and one overdue; one personal device is approved and the
// account staff's waits for IT; the account supervisor has a prior
// overtime request to decide and approved one in the past. All through
// the services, at their moments on the history's clock.

// demoOffice is the booking side of a place of demoPlaces.
type demoOffice struct {
	seats, pcs            int
	phone, printer        bool
	opens, closes         string
	closed                []string
	horizon               int
	hourly, preRegistered bool
	address, note         string
}

var demoOffices = map[string]demoOffice{
	"東部支所": {seats: 8, pcs: 4, phone: true, printer: true, opens: "08:30", closes: "17:15", closed: []string{"sat", "sun", places.Holidays},
		horizon: 30, address: "みどり野市東町1-2-3 東部支所2階 旧第2会議室",
		note: "庁内LANに接続した執務席。財務会計システムも利用可。鍵は1階窓口で受け取り"},
	"中央図書館 学習室": {seats: 6, opens: "09:00", closes: "20:00", closed: []string{"mon"}, horizon: 14,
		address: "みどり野市中央2-5-1 中央図書館3階", note: "インターネットのみ。Web会議・電話は不可（個室なし）。月曜休館"},
	"駅前シェアオフィス": {printer: true, opens: "07:00", closes: "22:00", horizon: 60, hourly: true, preRegistered: true,
		address: "みどり野駅南口 駅前ビル4階", note: "民間事業者の会員制シェアオフィス（時間単位・席数の上限なし）。利用には事前登録が必要。部外者がいるため個人情報を扱う業務は不可"},
}

// demoPools are the device and licence pools IT set up.
var demoPools = []devices.Pool{
	{Name: "貸出PC（シンクライアント）", Kind: devices.LoanPC, Capacity: 20, LoanDays: 3, Note: "情報政策課で貸出・返却。資産番号のバーコードを読み取り"},
	{Name: "LTEルーター", Kind: devices.LTEDongle, Capacity: 10, LoanDays: 14, Note: "貸出期間は2週間まで"},
	{Name: "モバイルWi-Fi", Kind: devices.MobileWiFi, Capacity: 8, LoanDays: 7},
	{Name: "VPN同時接続", Kind: devices.VPNSession, Capacity: 40, LoanDays: 1, Note: "自宅からのリモートアクセス（同時接続ライセンス）"},
}

// placesAndDevices adds the offices' details, bookings, pools, loans,
// personal devices and overtime requests to the history's events (nothing
// when the services are not given).
func (h *historyPlan) placesAndDevices(accounts map[string]int64) error {
	if h.cs.Places == nil || h.cs.Devices == nil {
		return nil
	}
	ctx, tid := h.ctx, h.tid
	it := h.signedIn(accounts["it"], auth.ITAdmin)
	me, sup := accounts["staff"], accounts["supervisor"]
	var team, others []int64
	for _, p := range h.people {
		switch id := p.staff.ID; {
		case id == me || id == sup:
		case p.team:
			team = append(team, id)
		default:
			others = append(others, id)
		}
	}
	crew := append(append([]int64{}, team...), others...)
	if len(crew) < 5 {
		return fmt.Errorf("demo: %d people for the offices; want 5", len(crew))
	}
	// Up to which the history runs: IT set everything up in its first
	// weeks.
	setup := at(calendar.DateOf(historyStart(h.now)).AddDays(7), 10, 0)
	offices := map[string]*places.Office{}
	pools := make([]*devices.Pool, len(demoPools))
	h.add(setup, func() error {
		list, err := h.cs.Places.Offices(ctx, tid)
		if err != nil {
			return err
		}
		for _, o := range list {
			offices[o.Name] = o
		}
		for _, wp := range demoPlaces {
			o := offices[wp.Name]
			if o == nil {
				o = &places.Office{WorkPlace: tasks.WorkPlace{Name: wp.Name, Kind: wp.Kind, Network: wp.Network, PhysicalSecurity: wp.PhysicalSecurity}}
				offices[wp.Name] = o
			}
			d := demoOffices[wp.Name]
			o.Seats, o.PCs, o.Phone, o.Printer, o.Opens, o.Closes = d.seats, d.pcs, d.phone, d.printer, d.opens, d.closes
			o.ClosedDays, o.HorizonDays, o.Hourly, o.PreRegistration = d.closed, d.horizon, d.hourly, d.preRegistered
			o.Address, o.Note = d.address, d.note
			if err := h.cs.Places.SaveOffice(ctx, tid, it, o); err != nil {
				return fmt.Errorf("office %s: %w", o.Name, err)
			}
		}
		for i, p := range demoPools {
			pools[i] = &p
			if err := h.cs.Devices.SavePool(ctx, tid, it, pools[i]); err != nil {
				return fmt.Errorf("pool %s: %w", p.Name, err)
			}
		}
		return nil
	})
	east, library, share := "東部支所", "中央図書館 学習室", "駅前シェアオフィス"
	// The share office's members: the account staff and two others.
	h.add(setup.Add(26*time.Hour), func() error {
		for _, id := range []int64{me, crew[1], crew[4]} {
			if err := h.cs.Places.Register(ctx, tid, it, offices[share].ID, id); err != nil {
				return err
			}
		}
		return nil
	})
	book := func(t time.Time, who *auth.Principal, office string, day func() calendar.Date, half places.Half, pc bool, staffID int64) *places.Booking {
		b := &places.Booking{}
		h.add(t, func() error {
			made, err := h.cs.Places.Book(ctx, tid, who, places.Request{OfficeID: offices[office].ID, Day: day(), Half: half, PC: pc, StaffID: staffID})
			if err != nil {
				return fmt.Errorf("booking %s on %s: %w", office, day(), err)
			}
			*b = *made
			return nil
		})
		return b
	}
	// open is the n-th business day after today (0: the first) the office
	// is open.
	open := func(office string, n int) func() calendar.Date {
		return func() calendar.Date {
			d := h.today
			for {
				if d = h.cal.AddBusinessDays(d, 1); !offices[office].ClosedOn(d) {
					if n == 0 {
						return d
					}
					n--
				}
			}
		}
	}
	// Last week: a seat at the 支所 booked two days ahead, checked in.
	past := h.cal.AddBusinessDays(h.today, -3)
	checked := book(at(h.cal.AddBusinessDays(past, -2), 12, 10), h.signedIn(crew[0]), east, func() calendar.Date { return past }, places.FullDay, true, 0)
	h.add(at(past, 8, 52), func() error {
		_, err := h.cs.Places.CheckIn(ctx, tid, h.signedIn(crew[0]), checked.ID)
		return err
	})
	// Today, when the 支所 is open: someone is there this morning (the day
	// view has a person to show).
	h.add(h.now.Add(-40*time.Hour), func() error {
		if !h.cal.IsBusinessDay(h.today) || offices[east].ClosedOn(h.today) {
			return nil
		}
		_, err := h.cs.Places.Book(ctx, tid, h.signedIn(crew[2]), places.Request{OfficeID: offices[east].ID, Day: h.today, Half: places.AM})
		return err
	})
	// The coming days.
	book(h.now.Add(-50*time.Hour), h.signedIn(me), east, open(east, 0), places.FullDay, true, 0)
	book(h.now.Add(-31*time.Hour), h.signedIn(crew[0]), east, open(east, 0), places.FullDay, false, 0)
	book(h.now.Add(-29*time.Hour), h.signedIn(crew[1]), east, open(east, 0), places.AM, true, 0)
	book(h.now.Add(-27*time.Hour), h.signedIn(crew[3]), library, open(library, 0), places.FullDay, false, 0)
	book(h.now.Add(-26*time.Hour), h.signedIn(crew[0]), library, open(library, 1), places.PM, false, 0)
	book(h.now.Add(-23*time.Hour), h.signedIn(crew[1]), share, open(share, 2), places.FullDay, false, 0)
	book(h.now.Add(-6*time.Hour), h.signedIn(crew[4]), east, open(east, 2), places.FullDay, false, 0)
	if len(team) > 0 {
		// The 係長 books for a member who asked by phone.
		book(h.now.Add(-20*time.Hour), h.signedIn(sup), east, open(east, 1), places.PM, false, team[len(team)-1])
	}

	reserve := func(t time.Time, staffID int64, pool int, day calendar.Date, lend time.Time, asset string, back time.Time) {
		r := &devices.Reservation{}
		h.add(t, func() error {
			made, err := h.cs.Devices.Reserve(ctx, tid, h.signedIn(staffID), devices.Request{PoolID: pools[pool].ID, Day: day})
			if err != nil {
				return fmt.Errorf("reserving %s on %s: %w", pools[pool].Name, day, err)
			}
			*r = *made
			return nil
		})
		if asset == "" {
			return
		}
		h.add(lend, func() error {
			_, err := h.cs.Devices.Lend(ctx, tid, it, r.ID, asset)
			return err
		})
		if !back.IsZero() {
			h.add(back, func() error {
				_, err := h.cs.Devices.Return(ctx, tid, it, r.ID)
				return err
			})
		}
	}
	// A loan PC lent and returned in time, one never returned (overdue), an
	// LTE router out now.
	returned := h.cal.AddBusinessDays(h.today, -10)
	reserve(at(h.cal.AddBusinessDays(returned, -3), 9, 30), crew[2], 0, returned, at(returned, 8, 40), "PC-2023-0107",
		at(h.cal.AddBusinessDays(returned, 1), 17, 5))
	overdue := h.cal.AddBusinessDays(h.today, -8)
	reserve(at(h.cal.AddBusinessDays(overdue, -2), 14, 0), crew[3], 0, overdue, at(overdue, 8, 35), "PC-2023-0112", time.Time{})
	out := h.cal.AddBusinessDays(h.today, -1)
	reserve(at(h.cal.AddBusinessDays(out, -2), 11, 0), crew[4], 1, out, at(out, 8, 45), "LTE-0007", time.Time{})
	// Ahead: the account staff's telework day of the week after next, and
	// others.
	ahead := h.cal.AddBusinessDays(mondayOf(h.today).AddDays(13), 1)
	reserve(h.now.Add(-48*time.Hour), me, 0, ahead, time.Time{}, "", time.Time{})
	reserve(h.now.Add(-48*time.Hour), me, 3, ahead, time.Time{}, "", time.Time{})
	reserve(h.now.Add(-30*time.Hour), crew[0], 2, h.cal.AddBusinessDays(h.today, 2), time.Time{}, "", time.Time{})
	reserve(h.now.Add(-22*time.Hour), crew[2], 3, h.cal.AddBusinessDays(h.today, 1), time.Time{}, "", time.Time{})
	reserve(h.now.Add(-21*time.Hour), crew[1], 1, h.cal.AddBusinessDays(h.today, 3), time.Time{}, "", time.Time{})

	// Personal devices: one approved until the end of the 年度, the account
	// staff's waiting for IT.
	asked := h.cal.AddBusinessDays(h.today, -30)
	byod := &devices.PersonalDevice{Description: "私物のノートPC（在宅勤務用・セキュリティソフト導入済み）", OS: "Windows 11"}
	h.add(at(asked, 10, 0), func() error {
		return h.cs.Devices.RequestPersonalDevice(ctx, tid, h.signedIn(crew[0]), byod)
	})
	h.add(at(h.cal.AddBusinessDays(asked, 1), 11, 0), func() error {
		_, err := h.cs.Devices.DecidePersonalDevice(ctx, tid, it, byod.ID, devices.Approved,
			calendar.Date{Year: fiscalYear(h.now) + 1, Month: time.March, Day: 31})
		return err
	})
	h.add(h.now.Add(-26*time.Hour), func() error {
		return h.cs.Devices.RequestPersonalDevice(ctx, tid, h.signedIn(me),
			&devices.PersonalDevice{Description: "私物のタブレット（Web会議・グループウェアの閲覧用）", OS: "iPadOS 18"})
	})

	if h.cs.Overtime == nil {
		return nil
	}
	// Prior overtime: approved in the past, one waiting for the 係長.
	late := h.cal.AddBusinessDays(h.today, -12)
	var asked1 int64
	h.add(at(late, 14, 30), func() error {
		o, err := h.cs.Overtime.Request(ctx, tid, h.signedIn(me), worktime.OvertimeRequest{Date: late, Until: "19:30",
			Reason: "議会答弁資料の修正（本日中に企画課へ提出）"})
		if err != nil {
			return fmt.Errorf("overtime request: %w", err)
		}
		asked1 = o.ID
		return nil
	})
	h.add(at(late, 15, 10), func() error {
		_, err := h.cs.Overtime.Decide(ctx, tid, h.signedIn(sup), asked1, true, "了解。20時までには終えてください。", 0)
		return err
	})
	h.add(h.now.Add(-3*time.Hour), func() error {
		_, err := h.cs.Overtime.Request(ctx, tid, h.signedIn(me), worktime.OvertimeRequest{Date: h.cal.AddBusinessDays(h.today, 1),
			Until: "20:00", Reason: "予算要求資料の取りまとめ（締切前日）"})
		return err
	})
	return nil
}

// signedIn is a demo person as signed in (principal) with the roles given.
func (h *historyPlan) signedIn(staffID int64, roles ...auth.Role) *auth.Principal {
	p := h.principal(staffID)
	p.Roles = append(p.Roles, roles...)
	return p
}
