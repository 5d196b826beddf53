// Package tasks owns the task inventory of each section (見える化シート),
// the information-systems catalogue, the capabilities of the places people
// work from, and the pure feasibility engine that rates each task for each
// mode ○ / △ / × with its reasons, the improvements that would change the
// rating, and the guide's level ①–④ (第4章, 図表13–17).
//
// The rules (SPEC §4; 第4章 and the 2020 LGWAN telework security notice,
// 総行情第111号):
//   - 個人番号利用事務系: never at home or mobile (level ④); at a satellite
//     office inside a government building (本庁舎内・支所・出先機関) on the
//     office network with office-equal physical security, where the tenant
//     allows it (図表17 note), never where 部外者 are present;
//   - 大量または機微な住民情報 on LGWAN接続系: in principle not at home or
//     mobile; allowed at a satellite office with office-equal physical
//     security and network; never at a private share office or any other
//     place with 部外者 (SPEC §5), which no improvement of the place lifts;
//   - 職員の個人情報, 入札等の非公開情報: level ②, ○ once a secure route
//     reaches the system (図表15);
//   - paper that can be digitised: △, level ①, improvement 電子化 (図表14);
//     residents' paper and 窓口: ×, level ③, improvement オンライン化
//     (図表16); special on-site equipment: ×, level ④ (図表17);
//     face-to-face contact: × for that task only;
//   - a system the route cannot reach: × with the remote access that
//     would open it; phone needed: △ with 公用携帯・IP電話.
package tasks

import "slices"

// Segment is a system's network segment under 三層分離.
type Segment string

// The three segments.
const (
	MyNumber Segment = "mynumber" // 個人番号利用事務系
	LGWAN    Segment = "lgwan"    // LGWAN接続系
	Internet Segment = "internet" // インターネット接続系
)

// Segments lists the segments in display order.
var Segments = []Segment{MyNumber, LGWAN, Internet}

// DataClass is a class of information a system handles.
type DataClass string

// The data classes of the LGWAN telework security notice.
const (
	ResidentSensitive DataClass = "resident_sensitive" // 大量または機微な住民情報
	StaffPersonal     DataClass = "staff_personal"     // 職員の個人情報
	NonPublic         DataClass = "nonpublic"          // 入札等の非公開情報
	General           DataClass = "general"            // 一般
)

// DataClasses lists the classes in display order.
var DataClasses = []DataClass{ResidentSensitive, StaffPersonal, NonPublic, General}

// Route is a remote-access route that can reach a system.
type Route string

// The routes; a place on the office network reaches LGWAN and internet
// systems directly, whatever the routes.
const (
	RouteHome      Route = "home"      // 在宅からのリモートアクセス
	RouteSatellite Route = "satellite" // サテライトオフィスのネットワーク
	RouteMobile    Route = "mobile"    // モバイル端末 (SIM タブレット等)
)

// Routes lists the routes in display order.
var Routes = []Route{RouteHome, RouteSatellite, RouteMobile}

// Paper is what paper originals a task needs.
type Paper string

// Paper needs.
const (
	PaperNone        Paper = "none"
	PaperDigitisable Paper = "digitisable" // 電子化(PDF化等)が可能な資料
	PaperResidents   Paper = "residents"   // 住民からの紙の申請・届出
)

// Papers lists the paper needs.
var Papers = []Paper{PaperNone, PaperDigitisable, PaperResidents}

// PlaceKind is the kind of a satellite office.
type PlaceKind string

// The kinds of SPEC §5.
const (
	OfficeBuilding PlaceKind = "office_building" // 本庁舎内
	Branch         PlaceKind = "branch"          // 支所
	Community      PlaceKind = "community"       // 公民館
	Library        PlaceKind = "library"         // 図書館
	Outpost        PlaceKind = "outpost"         // 出先機関
	PrivateShare   PlaceKind = "private_share"   // 民間シェアオフィス
)

// PlaceKinds lists the kinds in display order.
var PlaceKinds = []PlaceKind{OfficeBuilding, Branch, Community, Library, Outpost, PrivateShare}

// GovernmentBuilding reports whether the kind is inside a government
// building (庁舎: 本庁舎・支所・出先機関), where 個人番号利用事務系 may be used.
func (k PlaceKind) GovernmentBuilding() bool {
	return k == OfficeBuilding || k == Branch || k == Outpost
}

// Network is a place's network.
type Network string

// Networks.
const (
	OfficeLAN    Network = "office_lan" // 庁内LAN同等
	InternetOnly Network = "internet"   // インターネットのみ
)

// Networks lists the networks.
var Networks = []Network{OfficeLAN, InternetOnly}

// Rating is how well a mode carries a task.
type Rating string

// Ratings, best first.
const (
	OK      Rating = "○"
	Partial Rating = "△"
	No      Rating = "×"
)

func (r Rating) rank() int {
	switch r {
	case No:
		return 2
	case Partial:
		return 1
	}
	return 0
}

func worse(a, b Rating) Rating {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Level is the guide's level (図表13).
type Level int

// The four levels.
const (
	Level1 Level = 1 // 少しの工夫でテレワークが導入しやすい業務
	Level2 Level = 2 // ソフト・ハードの導入・改修等によりテレワークが導入しやすい業務
	Level3 Level = 3 // デジタル化等の進展に伴いテレワークの対象とし得る業務
	Level4 Level = 4 // 当面はテレワークの対象とするには課題がある業務
)

// Tenant is what the engine needs of the tenant's own decisions.
type Tenant struct {
	// MyNumberAtBranchOffice: 個人番号利用事務系 may be used at a
	// satellite office inside a government building on the office network.
	MyNumberAtBranchOffice bool `json:"mynumber_at_branch_office"`
	// Devices are the device types the tenant provides for telework; nil
	// (not declared) leaves devices out of the rating, as before they
	// were modelled. See devices.go.
	Devices []Device `json:"devices,omitempty"`
}

// System is an information system of the catalogue.
type System struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Segment     Segment     `json:"segment"`
	DataClasses []DataClass `json:"data_classes"`
	Routes      []Route     `json:"routes"`
}

func (s *System) has(c DataClass) bool { return slices.Contains(s.DataClasses, c) }

// Place is a satellite office with its capabilities.
type Place struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Kind             PlaceKind `json:"kind"`
	Network          Network   `json:"network"`
	PhysicalSecurity bool      `json:"physical_security"` // 他の職員がいる一定の監視下・部外者がいない
	Phone            bool      `json:"phone"`             // 業務に使える電話がある (掛川市: 会議室に専用の電話)
	// Outsiders: 部外者がいる (SPEC §5: sensitive data never allowed
	// there), whatever the kind; a private share office always has them.
	Outsiders bool `json:"outsiders"`

	netFix, secFix string // the improvement ids naming this place, set by NewEngine
}

// hasOutsiders reports whether 部外者 are present: said of the place, or a
// private share office (SPEC §5).
func (p *Place) hasOutsiders() bool { return p.Outsiders || p.Kind == PrivateShare }

// Task is one task of a section's sheet, as the engine sees it.
type Task struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Systems          []string `json:"systems"`
	Paper            Paper    `json:"paper"`
	SpecialEquipment bool     `json:"special_equipment"`
	OnSite           bool     `json:"on_site"`
	FaceToFace       bool     `json:"face_to_face"`
	Phone            bool     `json:"phone"`
	// Hours a year the task takes (0 = unknown), for the task-hours shares.
	Hours float64 `json:"hours_per_year,omitempty"`
}

// TargetKind tells a rating's target: home, mobile or a place.
type TargetKind string

// Target kinds, which are also the modes.
const (
	AtHome   TargetKind = "home"
	AtMobile TargetKind = "mobile"
	AtPlace  TargetKind = "satellite"
)

// Target is where a task is rated: home, mobile or one place.
type Target struct {
	Kind  TargetKind
	Place *Place // AtPlace only
}

// Key names the target in answers: "home", "mobile" or the place's id.
func (t Target) Key() string {
	if t.Kind == AtPlace {
		return t.Place.ID
	}
	return string(t.Kind)
}

// Note is a reason or an improvement as a message id with its arguments;
// argument values starting with "@" are message ids themselves.
type Note struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
	// Rating is, for a reason, the rating it alone leads to (△ or ×).
	Rating Rating `json:"rating,omitempty"`
	// Parts are, for improvements made together, how each is said.
	Parts []Note `json:"parts,omitempty"`
}

// Improvement is a change that would lift a task's rating at a target,
// with the rating the task would then have (other reasons staying), or
// several changes made together (Parts).
type Improvement struct {
	ID     string `json:"id"` // stable across tasks: remote_access:<system>:<route>, digitise, …; together: joined by "+"
	Note   Note   `json:"note"`
	Rating Rating `json:"rating"`
	// Parts are the ids of improvements made together (nil: one).
	Parts []string `json:"parts,omitempty"`
	// Still: made alone, it leaves the rating as it is (other reasons).
	Still bool `json:"still,omitempty"`
}

// Result is a task's rating at one target.
type Result struct {
	Target       string        `json:"target"`
	Rating       Rating        `json:"rating"`
	Reasons      []Note        `json:"reasons"`
	Improvements []Improvement `json:"improvements"`
}

// Rated is a task with its level and its result at every target.
type Rated struct {
	Task    *Task    `json:"-"`
	Level   Level    `json:"level"`
	Results []Result `json:"results"` // home, mobile, then each place in order
}

// Input is everything the engine rates: the tenant's decisions, the
// catalogue, the places and the tasks.
type Input struct {
	Tenant  Tenant
	Systems []System
	Places  []Place
	Tasks   []Task
}
