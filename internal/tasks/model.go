package tasks

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"telework/internal/apperr"
	"telework/internal/invisible"
)

// Settings are the tenant's own decisions the engine follows.
type Settings struct {
	MyNumberAtBranchOffice bool
	// Devices are the device types provided for telework; nil: not
	// declared (devices play no part in the rating).
	Devices   []Device
	Version   int64
	UpdatedAt time.Time
}

// DevicesDeclared reports whether the tenant has declared its device types.
func (s Settings) DevicesDeclared() bool { return s.Devices != nil }

// DeviceChoice is one device type with whether the tenant provides it.
type DeviceChoice struct {
	Value   Device
	Checked bool
}

// DeviceChoices lists every device type for a form, in display order.
func (s Settings) DeviceChoices() []DeviceChoice {
	out := make([]DeviceChoice, len(Devices))
	for i, d := range Devices {
		out[i] = DeviceChoice{Value: d, Checked: slices.Contains(s.Devices, d)}
	}
	return out
}

// InfoSystem is a stored system of the catalogue (IT admin keeps it).
type InfoSystem struct {
	ID          int64
	Name        string
	Segment     Segment
	DataClasses []DataClass
	Routes      []Route
	Note        string
	Version     int64
	UpdatedAt   time.Time
}

// WorkPlace is a stored place with its capabilities. It is this issue's
// minimal list of place kinds; the places issue then owns places.
type WorkPlace struct {
	ID               int64
	Name             string
	Kind             PlaceKind
	Network          Network
	PhysicalSecurity bool
	// Phone: the place has a phone for the work (a satellite office's, set
	// on its page; read only here).
	Phone bool
	// Outsiders: 部外者 are present (a satellite office's, set on its page;
	// read only here). Sensitive data is never allowed there (SPEC §5).
	Outsiders bool
	Version   int64
	UpdatedAt time.Time
}

// Status of a task on its sheet: the 所属長 owns the sheet, staff propose.
type Status string

// Statuses.
const (
	Approved Status = "approved"
	Proposed Status = "proposed"
)

// SheetTask is one row of a section's 見える化シート.
type SheetTask struct {
	ID               int64
	UnitID           int64
	Name             string // 業務名
	Content          string // 処理の内容
	Timing           string // 処理の時期
	Note             string // 説明
	OwnerStaffID     int64  // 担当 (0 = none)
	SystemIDs        []int64
	Paper            Paper
	SpecialEquipment bool
	// OnSite: the task is done only where it happens (a meeting held in a
	// room, 「物理的に不能」 on 松本市's sheet): × everywhere.
	OnSite       bool
	FaceToFace   bool
	Phone        bool
	HoursPerYear int64
	Status       Status
	ProposedBy   int64 // the staff member who proposed it (0 = the owner entered it)
	Version      int64
	UpdatedAt    time.Time
}

// Field lengths.
const (
	maxName    = 100
	maxText    = 1000
	maxHours   = 8760
	maxSystems = 50
)

// Error fields name the JSON member, except "name" and "kind", which are
// system_name, place_name, task_name and place_kind so that a message can
// say which name it means (氏名 is the person's).

// Validate checks a system, trimming its name and dropping repeated
// classes and routes.
func (s *InfoSystem) Validate() error {
	var v apperr.Validation
	s.Name = strings.TrimSpace(s.Name)
	invisible.Required(&v, "system_name", s.Name, maxName, false, nil)
	if strings.ContainsAny(s.Name, systemSeparators) {
		// The sheet lists a task's systems in one cell, joined by 、.
		v.Add("system_name", "tasks.field.system_separator", map[string]any{"Chars": "、 , / ;"})
	}
	invisible.Optional(&v, "note", s.Note, maxText, true, nil)
	if !slices.Contains(Segments, s.Segment) {
		v.Add("segment", "field.choice", nil)
	}
	s.DataClasses = uniq(s.DataClasses)
	for _, c := range s.DataClasses {
		if !slices.Contains(DataClasses, c) {
			v.Add("data_classes", "field.choice", nil)
		}
	}
	if len(s.DataClasses) == 0 {
		s.DataClasses = []DataClass{General}
	}
	s.Routes = uniq(s.Routes)
	for _, r := range s.Routes {
		if !slices.Contains(Routes, r) {
			v.Add("routes", "field.choice", nil)
		}
	}
	return v.Err()
}

// Validate checks a place.
func (p *WorkPlace) Validate() error {
	var v apperr.Validation
	p.Name = strings.TrimSpace(p.Name)
	invisible.Required(&v, "place_name", p.Name, maxName, false, nil)
	if !slices.Contains(PlaceKinds, p.Kind) {
		v.Add("place_kind", "field.choice", nil)
	}
	if !slices.Contains(Networks, p.Network) {
		v.Add("network", "field.choice", nil)
	}
	if p.Kind == PrivateShare && p.PhysicalSecurity {
		// A private share office has outsiders in it (the rules rate it
		// so): the measures of a 庁舎 cannot be claimed for it.
		v.Add("physical_security", "tasks.field.share_security", nil)
	}
	return v.Err()
}

// Validate checks a task's own fields (its unit and systems are checked
// by the service against the tenant's data).
func (t *SheetTask) Validate() error {
	var v apperr.Validation
	// Trimmed as an import trims its cells: a task entered with a
	// trailing space is found again by the sheet's own export.
	t.Name, t.Content, t.Timing, t.Note = strings.TrimSpace(t.Name), strings.TrimSpace(t.Content), strings.TrimSpace(t.Timing), strings.TrimSpace(t.Note)
	invisible.Required(&v, "task_name", t.Name, maxName, false, nil)
	invisible.Optional(&v, "content", t.Content, maxText, true, nil)
	invisible.Optional(&v, "timing", t.Timing, maxName, false, nil)
	invisible.Optional(&v, "note", t.Note, maxText, true, nil)
	if t.Paper == "" {
		t.Paper = PaperNone
	}
	if !slices.Contains(Papers, t.Paper) {
		v.Add("paper", "field.choice", nil)
	}
	if t.HoursPerYear < 0 || t.HoursPerYear > maxHours {
		v.Add("hours_per_year", "field.range", map[string]any{"Min": 0, "Max": maxHours})
	}
	t.SystemIDs = uniq(t.SystemIDs)
	if len(t.SystemIDs) > maxSystems {
		v.Add("systems", "tasks.field.too_many", map[string]any{"Max": maxSystems})
	}
	if t.UnitID == 0 {
		v.Add("unit_id", "field.required", nil)
	}
	return v.Err()
}

func uniq[T comparable](in []T) []T {
	var out []T
	for _, x := range in {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// AuditView is what the audit log keeps of a system.
func (s *InfoSystem) AuditView() map[string]any {
	return map[string]any{"name": s.Name, "segment": s.Segment, "data_classes": s.DataClasses, "routes": s.Routes, "note": s.Note}
}

// AuditView is what the audit log keeps of a place.
func (p *WorkPlace) AuditView() map[string]any {
	return map[string]any{"name": p.Name, "kind": p.Kind, "network": p.Network, "physical_security": p.PhysicalSecurity}
}

// AuditView is what the audit log keeps of a task: the sheet's own
// fields (work descriptions, no personal data beyond the owner's id).
func (t *SheetTask) AuditView() map[string]any {
	return map[string]any{"unit_id": t.UnitID, "name": t.Name, "content": t.Content, "timing": t.Timing, "note": t.Note,
		"owner_staff_id": t.OwnerStaffID, "systems": t.SystemIDs, "paper": t.Paper, "special_equipment": t.SpecialEquipment, "on_site": t.OnSite,
		"face_to_face": t.FaceToFace, "phone": t.Phone, "hours_per_year": t.HoursPerYear, "status": t.Status}
}

// EngineSystem is the system as the engine sees it (id as text).
func (s *InfoSystem) EngineSystem() System {
	return System{ID: idText(s.ID), Name: s.Name, Segment: s.Segment, DataClasses: s.DataClasses, Routes: s.Routes}
}

// EnginePlace is the place as the engine sees it; its key in answers is
// "p" and its id, so that it never collides with home or mobile.
func (p *WorkPlace) EnginePlace() Place {
	return Place{ID: PlaceKey(p.ID), Name: p.Name, Kind: p.Kind, Network: p.Network, PhysicalSecurity: p.PhysicalSecurity, Phone: p.Phone,
		Outsiders: p.Outsiders}
}

// PlaceKey is a stored place's key among the engine's targets.
func PlaceKey(id int64) string { return "p" + idText(id) }

// EngineTask is the task as the engine sees it; its hours are the hours a
// year given, or else those its 処理の時期 says (EstimateHours).
func (t *SheetTask) EngineTask() Task {
	sys := make([]string, len(t.SystemIDs))
	for i, id := range t.SystemIDs {
		sys[i] = idText(id)
	}
	hours := float64(t.HoursPerYear)
	if hours == 0 {
		hours, _ = EstimateHours(t.Timing)
	}
	return Task{ID: idText(t.ID), Name: t.Name, Systems: sys, Paper: t.Paper, SpecialEquipment: t.SpecialEquipment,
		OnSite: t.OnSite, FaceToFace: t.FaceToFace, Phone: t.Phone, Hours: hours}
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }
