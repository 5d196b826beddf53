package tasks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"telework/internal/i18n"
)

// Improvement ids that do not name a system or a place.
const (
	FixDigitise       = "digitise"        // 紙の原本を電子化(PDF化等)
	FixOnline         = "online"          // 申請・届出と窓口手続のオンライン化
	FixPhone          = "phone"           // 公用携帯・IP電話
	FixTenantMyNumber = "tenant_mynumber" // 支所等での個人番号利用事務系の利用を認める
)

// FixRemoteAccess is the id of opening route to system.
func FixRemoteAccess(systemID string, r Route) string {
	return "remote_access:" + systemID + ":" + string(r)
}

// FixPlaceNetwork is the id of giving a place an office-equal network.
func FixPlaceNetwork(placeID string) string { return "place_network:" + placeID }

// FixPlaceSecurity is the id of giving a place office-equal physical security.
func FixPlaceSecurity(placeID string) string { return "place_security:" + placeID }

// made is the improvements tried at once: none, one, or a combination.
type made []string

func (m made) has(id string) bool { return slices.Contains(m, id) }

// remoteAccess reports whether FixRemoteAccess(systemID, r) is made,
// without building the id.
func (m made) remoteAccess(systemID string, r Route) bool {
	for _, fix := range m {
		rest, ok := strings.CutPrefix(fix, "remote_access:")
		if !ok {
			continue
		}
		if sys, rt, ok := strings.Cut(rest, ":"); ok && sys == systemID && rt == string(r) {
			return true
		}
	}
	return false
}

// one is the single improvement fix ("" = none).
func one(fix string) made {
	if fix == "" {
		return nil
	}
	return made{fix}
}

// CombinedID is the id of improvements made together: their ids joined
// by "+".
func CombinedID(parts []string) string { return strings.Join(parts, "+") }

// issue is one thing that keeps a task from ○ at a target, with the
// improvements that would remove it.
type issue struct {
	rating Rating
	reason Note
	fixes  []string
}

// Engine rates tasks against one catalogue, one set of places and the
// tenant's decisions. It is read-only once built and safe for concurrent use.
type Engine struct {
	tenant  Tenant
	systems map[string]*System
	places  []Place
	fixNote map[string]Note // how each improvement is said
}

// NewEngine indexes the catalogue. Validate the input first: unknown
// system ids in a task are ignored here.
func NewEngine(t Tenant, systems []System, places []Place) *Engine {
	places = slices.Clone(places)
	for i := range places {
		places[i].netFix, places[i].secFix = FixPlaceNetwork(places[i].ID), FixPlaceSecurity(places[i].ID)
	}
	e := &Engine{tenant: t, systems: make(map[string]*System, len(systems)), places: places, fixNote: map[string]Note{
		FixDigitise:       {Key: "tasks.improve.digitise"},
		FixOnline:         {Key: "tasks.improve.online"},
		FixPhone:          {Key: "tasks.improve.phone"},
		FixTenantMyNumber: {Key: "tasks.improve.tenant_mynumber"},
	}}
	for _, d := range Devices {
		e.fixNote[FixDevice(d)] = Note{Key: "tasks.improve.device." + string(d)}
	}
	for i := range systems {
		s := &systems[i]
		e.systems[s.ID] = s
		for _, r := range Routes {
			e.fixNote[FixRemoteAccess(s.ID, r)] = Note{Key: "tasks.improve.remote_access",
				Args: map[string]any{"System": s.Name, "Segment": "@tasks.segment." + string(s.Segment), "Route": "@tasks.route." + string(r)}}
		}
	}
	for _, p := range places {
		e.fixNote[FixPlaceNetwork(p.ID)] = Note{Key: "tasks.improve.place_network", Args: map[string]any{"Place": p.Name}}
		e.fixNote[FixPlaceSecurity(p.ID)] = Note{Key: "tasks.improve.place_security", Args: map[string]any{"Place": p.Name}}
	}
	return e
}

// Targets are home, mobile and every place, in that order.
func (e *Engine) Targets() []Target {
	out := []Target{{Kind: AtHome}, {Kind: AtMobile}}
	for i := range e.places {
		out = append(out, Target{Kind: AtPlace, Place: &e.places[i]})
	}
	return out
}

// FixNote says improvement id in words.
func (e *Engine) FixNote(id string) Note { return e.fixNote[id] }

// Level is the guide's level of the task (図表13): ④ for 個人番号利用事務系
// systems, special on-site equipment (図表17) and work done only where it
// happens (「物理的に不能」); ③ for residents' paper
// and face-to-face work (図表16); ② where tools are needed first — a phone,
// a system handling 職員の個人情報, 入札等の非公開情報 or 大量・機微な住民情報,
// or a system no remote-access route reaches from home (図表15); otherwise
// ① (図表14), digitisable paper included.
func (e *Engine) Level(t *Task) Level {
	lv := Level1
	if t.FaceToFace || t.Paper == PaperResidents {
		lv = Level3
	} else if t.Phone {
		lv = Level2
	}
	for _, id := range t.Systems {
		s := e.systems[id]
		if s == nil {
			continue
		}
		if t.SpecialEquipment || t.OnSite || s.Segment == MyNumber {
			return Level4
		}
		if lv < Level2 && (s.has(StaffPersonal) || s.has(NonPublic) || s.has(ResidentSensitive) || !slices.Contains(s.Routes, RouteHome)) {
			lv = Level2
		}
	}
	if t.SpecialEquipment || t.OnSite {
		return Level4
	}
	return lv
}

// detail is how much of an issue a caller needs: the rating alone (the
// summary, the ranking, an improvement's result), the improvements too,
// or everything with the reasons' words.
type detail int

const (
	ratingOnly detail = iota
	withFixes
	withNotes
)

// The improvements of the task's own needs; shared, never changed.
var (
	fixesOnline   = []string{FixOnline}
	fixesDigitise = []string{FixDigitise}
	fixesPhone    = []string{FixPhone}
)

// issues lists what keeps t from ○ at tg once the improvements fix are
// made, with as much detail as asked for.
func (e *Engine) issues(t *Task, tg Target, fix made, out []issue, d detail) []issue {
	if t.FaceToFace && !fix.has(FixOnline) {
		out = append(out, issue{No, Note{Key: "tasks.reason.face_to_face"}, fixesOnline})
	}
	switch t.Paper {
	case PaperResidents:
		if !fix.has(FixOnline) {
			out = append(out, issue{No, Note{Key: "tasks.reason.paper_residents"}, fixesOnline})
		}
	case PaperDigitisable:
		if !fix.has(FixDigitise) {
			out = append(out, issue{Partial, Note{Key: "tasks.reason.paper_digitisable"}, fixesDigitise})
		}
	}
	if t.SpecialEquipment {
		out = append(out, issue{No, Note{Key: "tasks.reason.special_equipment"}, nil})
	}
	if t.OnSite {
		out = append(out, issue{No, Note{Key: "tasks.reason.on_site"}, nil})
	}
	// A place with a phone for the work (掛川市's meeting rooms with their
	// own phone) needs no 公用携帯・IP電話.
	if t.Phone && !fix.has(FixPhone) && (tg.Kind != AtPlace || !tg.Place.Phone) {
		out = append(out, issue{Partial, Note{Key: "tasks.reason.phone"}, fixesPhone})
	}
	out = e.deviceIssue(t, tg, fix, out, d)
	for _, id := range t.Systems {
		if s := e.systems[id]; s != nil {
			out = e.systemIssues(s, tg, fix, out, d)
		}
	}
	return out
}

func (e *Engine) systemIssues(s *System, tg Target, fix made, out []issue, d detail) []issue {
	var p *Place
	if tg.Kind == AtPlace {
		p = tg.Place
	}
	// The arguments are built only for an issue, and only when the words
	// are wanted: most calls find none or need the rating alone.
	var route Route
	no := func(key string, fixes ...string) {
		if d == ratingOnly {
			out = append(out, issue{rating: No})
			return
		}
		if d == withFixes {
			out = append(out, issue{rating: No, fixes: fixes})
			return
		}
		args := map[string]any{"System": s.Name, "Segment": "@tasks.segment." + string(s.Segment)}
		if p != nil {
			args["Place"] = p.Name
		}
		if route != "" {
			args["Route"] = "@tasks.route." + string(route)
		}
		out = append(out, issue{No, Note{Key: key, Args: args}, fixes})
	}
	// officeEqual checks a place's network and physical security, the
	// conditions of the LGWAN notice for resident data and of 図表17's note.
	officeEqual := func(prefix string) {
		if p.Network != OfficeLAN && !fix.has(p.netFix) {
			no(prefix+"_network", p.netFix)
		}
		if !p.PhysicalSecurity && !fix.has(p.secFix) {
			no(prefix+"_security", p.secFix)
		}
	}
	switch {
	case s.Segment == MyNumber:
		switch {
		case p == nil:
			no("tasks.reason.mynumber_remote")
		case !p.Kind.GovernmentBuilding():
			no("tasks.reason.mynumber_place_kind")
		case p.hasOutsiders():
			// A 庁舎 room open to 部外者 (a lobby, a shared floor): the
			// physical measures cannot be claimed, so no improvement.
			no("tasks.reason.mynumber_outsiders")
		default:
			if !e.tenant.MyNumberAtBranchOffice && !fix.has(FixTenantMyNumber) {
				no("tasks.reason.mynumber_tenant", FixTenantMyNumber)
			}
			officeEqual("tasks.reason.mynumber")
		}
	case s.Segment == LGWAN && s.has(ResidentSensitive):
		switch {
		case p == nil:
			no("tasks.reason.resident_sensitive_remote")
		case p.Kind == PrivateShare:
			no("tasks.reason.resident_sensitive_share")
		case p.hasOutsiders():
			no("tasks.reason.resident_sensitive_outsiders")
		default:
			officeEqual("tasks.reason.resident_sensitive")
		}
	default:
		var r Route
		switch tg.Kind {
		case AtHome:
			r = RouteHome
		case AtMobile:
			r = RouteMobile
		default:
			r = RouteSatellite
			// A place on the office network reaches the office's
			// segments directly.
			if p.Network == OfficeLAN || fix.has(p.netFix) {
				return out
			}
		}
		if !slices.Contains(s.Routes, r) && !fix.remoteAccess(s.ID, r) {
			if d == ratingOnly {
				no("")
				return out
			}
			route = r
			fixes := []string{FixRemoteAccess(s.ID, r)}
			if p != nil && p.Kind != PrivateShare {
				fixes = append(fixes, p.netFix)
			}
			no("tasks.reason.unreachable", fixes...)
		}
	}
	return out
}

// rating is the worst rating of the issues.
func rating(is []issue) Rating {
	r := OK
	for _, i := range is {
		r = worse(r, i.rating)
	}
	return r
}

// RateAt rates one task at one target with every reason and improvement.
// Each improvement is rated as if made alone; when none alone gives ○ and
// making several together gives better than any one of them (a place's
// network and its physical measures; digitising and a phone), that
// combination is offered too, last.
func (e *Engine) RateAt(t *Task, tg Target) Result {
	is := e.issues(t, tg, nil, nil, withNotes)
	res := Result{Target: tg.Key(), Rating: rating(is), Reasons: make([]Note, 0, len(is)), Improvements: []Improvement{}}
	var seen []string
	var scratch []issue
	for _, i := range is {
		n := i.reason
		n.Rating = i.rating
		res.Reasons = append(res.Reasons, n)
		for _, f := range i.fixes {
			if slices.Contains(seen, f) {
				continue
			}
			seen = append(seen, f)
			scratch = e.issues(t, tg, made{f}, scratch[:0], ratingOnly)
			r := rating(scratch)
			res.Improvements = append(res.Improvements, Improvement{ID: f, Note: e.fixNote[f], Rating: r, Still: r == res.Rating})
		}
	}
	if parts, r := e.combine(t, tg, is); parts != nil {
		res.Improvements = append(res.Improvements, Improvement{ID: CombinedID(parts), Note: e.combinedNote(parts), Rating: r, Parts: parts})
	}
	return res
}

// combine finds, for t at tg with issues is, the improvements that
// together lift the rating beyond what any one of them gives alone: one
// improvement per issue that has any, an improvement removing most issues
// first (a place's network removes every reason about it). nil when no
// such combination of two or more exists.
func (e *Engine) combine(t *Task, tg Target, is []issue) (made, Rating) {
	now := rating(is)
	if now == OK {
		return nil, OK
	}
	covered := make([]bool, len(is))
	var parts made
	for {
		best, most := "", 0
		for i, x := range is {
			if covered[i] {
				continue
			}
			for _, f := range x.fixes {
				if n := e.covers(is, covered, f); n > most {
					best, most = f, n
				}
			}
		}
		if most == 0 {
			break
		}
		parts = append(parts, best)
		for i, x := range is {
			if slices.Contains(x.fixes, best) {
				covered[i] = true
			}
		}
	}
	if len(parts) < 2 {
		return nil, now
	}
	var buf [8]issue
	together := rating(e.issues(t, tg, parts, buf[:0], ratingOnly))
	for _, f := range parts {
		if rating(e.issues(t, tg, made{f}, buf[:0], ratingOnly)).rank() <= together.rank() {
			return nil, now // one of them alone does as well
		}
	}
	return parts, together
}

// covers counts the issues not yet covered that improvement f removes.
func (e *Engine) covers(is []issue, covered []bool, f string) int {
	n := 0
	for i, x := range is {
		if !covered[i] && slices.Contains(x.fixes, f) {
			n++
		}
	}
	return n
}

// combinedNote says improvements made together.
func (e *Engine) combinedNote(parts []string) Note {
	n := Note{Key: "tasks.improve.combined", Parts: make([]Note, len(parts))}
	for i, f := range parts {
		n.Parts[i] = e.fixNote[f]
	}
	return n
}

// RatingWith is t's rating at tg once improvement fix is made (""
// = as things are), without reasons: the summary and the ranking use it.
func (e *Engine) RatingWith(t *Task, tg Target, fix string) Rating {
	return e.ratingWith(t, tg, one(fix))
}

func (e *Engine) ratingWith(t *Task, tg Target, m made) Rating {
	var buf [8]issue
	return rating(e.issues(t, tg, m, buf[:0], ratingOnly))
}

// Fixes lists the improvements that address something keeping t from ○
// at tg.
func (e *Engine) Fixes(t *Task, tg Target, out []string) []string {
	var buf [8]issue
	for _, i := range e.issues(t, tg, nil, buf[:0], withFixes) {
		for _, f := range i.fixes {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// Rate rates one task at every target.
func (e *Engine) Rate(t *Task) Rated {
	tgs := e.Targets()
	r := Rated{Task: t, Level: e.Level(t), Results: make([]Result, len(tgs))}
	for i, tg := range tgs {
		r.Results[i] = e.RateAt(t, tg)
	}
	return r
}

// RateAll rates every task of the input.
func RateAll(in *Input) []Rated {
	e := NewEngine(in.Tenant, in.Systems, in.Places)
	out := make([]Rated, len(in.Tasks))
	for i := range in.Tasks {
		out[i] = e.Rate(&in.Tasks[i])
	}
	return out
}

// Text says the note in lang; argument values starting with "@" are
// message ids, said in lang too.
func (n Note) Text(lang string) string {
	if len(n.Parts) > 0 {
		items := make([]string, len(n.Parts))
		for i, p := range n.Parts {
			// Each is quoted 「…」 in Japanese, so its own 「」 nest as 『』.
			items[i] = i18n.T(lang, "tasks.improve.combined_item", map[string]any{"What": nestQuotes.Replace(p.Text(lang))})
		}
		return i18n.T(lang, n.Key, map[string]any{"Items": strings.Join(items, i18n.T(lang, "tasks.improve.combined_sep", nil))})
	}
	if len(n.Args) == 0 {
		return i18n.T(lang, n.Key, nil)
	}
	args := make(map[string]any, len(n.Args))
	for k, v := range n.Args {
		if s, ok := v.(string); ok && strings.HasPrefix(s, "@") {
			v = i18n.T(lang, s[1:], nil)
		}
		args[k] = v
	}
	return i18n.T(lang, n.Key, args)
}

// Text says the improvement with the rating it gives: 「…を整備すると○」.
// An improvement that leaves the rating as it is says so (「…すると×」
// would read as if the improvement made the task impossible, 「…すると△」
// as if it lifted a △).
func (im Improvement) Text(lang string) string {
	key := "tasks.improve.result"
	if im.Still || im.Rating == No {
		key = "tasks.improve.result_still"
	}
	return i18n.T(lang, key, map[string]any{"What": im.Note.Text(lang), "Rating": string(im.Rating)})
}

var nestQuotes = strings.NewReplacer("「", "『", "」", "』")

// Texts says notes in one language, each distinct note once: a sheet
// repeats the same reasons (the same system, the same route) on many
// rows, and localising a message costs more than rating the task.
type Texts struct {
	lang string
	memo map[string]string
}

// NewTexts returns an empty memo for lang.
func NewTexts(lang string) *Texts { return &Texts{lang: lang, memo: map[string]string{}} }

func noteKey(n Note) string {
	k := n.Key
	for _, p := range n.Parts {
		k += "\x02" + noteKey(p)
	}
	for _, a := range []string{"System", "Segment", "Route", "Place"} {
		if v, ok := n.Args[a]; ok {
			k += "\x00" + a + "=" + fmt.Sprint(v)
		}
	}
	return k
}

// Note says n.
func (t *Texts) Note(n Note) string {
	k := noteKey(n)
	if s, ok := t.memo[k]; ok {
		return s
	}
	s := n.Text(t.lang)
	t.memo[k] = s
	return s
}

// Improvement says im with the rating it gives.
func (t *Texts) Improvement(im Improvement) string {
	k := "\x01" + string(im.Rating) + strconv.FormatBool(im.Still) + noteKey(im.Note)
	if s, ok := t.memo[k]; ok {
		return s
	}
	s := im.Text(t.lang)
	t.memo[k] = s
	return s
}
