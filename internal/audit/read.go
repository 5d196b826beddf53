package audit

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode"

	"telework/internal/apperr"
)

// Reader is what the auditor's pages read besides the entries themselves:
// the entries about given objects, from which names are taken, and who
// appears as an actor. internal/store implements it.
type Reader interface {
	// FindAuditSnapshots lists the entries about objects of one type (ids
	// nil: every object of the type) at or before seq maxSeq (0: any), in
	// seq order, sign-ins left out.
	FindAuditSnapshots(ctx context.Context, tenantID int64, objectType string, ids []string, maxSeq int64) ([]*Entry, error)
	// FindAuditActors lists each actor (account id and label) once.
	FindAuditActors(ctx context.Context, tenantID int64) ([]Actor, error)
}

// Query is what the auditor asks for with the page's pickers.
type Query struct {
	Kind       string // a display kind (KindGroups), "" for all
	Action     string // a stored action's prefix ("staff."), for links and scripts
	ObjectType string
	ObjectID   string // one object by id (the links on the page)
	// Object is a 職員番号, unit code, login id or name, looked up among
	// the objects of ObjectType (staff, units and accounts when "").
	Object string
	// Person is the login id or the name of who made the change.
	Person              string
	From, To            time.Time // To is exclusive
	BeforeSeq, AfterSeq int64
	Limit               int
}

// Page is one page of entries, newest first, with whether more entries
// match on either side.
type Page struct {
	Entries       []*View
	Newer, Older  bool
	UnknownObject bool // Object named nothing of its type
	UnknownPerson bool // Person named nobody in the log
}

// View is an entry with what the auditor reads: its kind in words, the
// object and the actor named, and the fields that changed. The stored
// entry is kept as it is (Entry), so the page can show the bytes hashed.
type View struct {
	*Entry
	Kind        string
	Object      Name
	ObjectNamed bool // false: no snapshot named it; show the type and id
	Actor       ActorView
	Changes     []FieldChange
	Refs        map[Ref]Name // objects the changed values point to
}

// ActorView names who made a change.
type ActorView struct {
	Login string    // login id, or the system label
	Kind  ActorKind // account, API token or system
	Token string    // "#N name" for a token
	Staff Name      // the person behind the account (Code 職員番号, Name 氏名), when linked
}

// PersonChoice is one person the person picker offers.
type PersonChoice struct {
	Login string
	Staff Name
}

// maxExport bounds one export; a wider one is refused with a hint to
// narrow the dates.
const maxExport = 100000

// exportBatch is how many entries an export reads at a time.
const exportBatch = 500

// Find reads one page of entries for the auditor, newest first, described
// for reading. Paging is by seq: BeforeSeq for older, AfterSeq for newer.
func (s *Service) Find(ctx context.Context, tenantID int64, q Query) (*Page, error) {
	r := s.st
	f, match, page, err := s.filter(ctx, r, tenantID, q)
	if err != nil || page != nil {
		return page, err
	}
	f.Limit = q.Limit
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	n := f.Limit
	page = &Page{}
	forward := f.AfterSeq > 0 && f.BeforeSeq == 0
	es, more, err := s.collect(ctx, tenantID, f, match, n)
	if err != nil {
		return nil, err
	}
	if forward {
		page.Newer = more
	} else {
		page.Older = more
	}
	if len(es) > 0 {
		// Whether anything lies the other way from where the page came.
		other := f
		other.BeforeSeq, other.AfterSeq = 0, 0
		if forward {
			other.BeforeSeq = es[len(es)-1].Seq
		} else if q.BeforeSeq > 0 {
			other.AfterSeq = es[0].Seq
		}
		if other.BeforeSeq > 0 || other.AfterSeq > 0 {
			x, _, err := s.collect(ctx, tenantID, other, match, 1)
			if err != nil {
				return nil, err
			}
			if forward {
				page.Older = len(x) > 0
			} else {
				page.Newer = len(x) > 0
			}
		}
	} else if q.BeforeSeq > 0 || q.AfterSeq > 0 {
		page.Newer, page.Older = q.BeforeSeq > 0, q.AfterSeq > 0
	}
	page.Entries, err = s.Describe(ctx, tenantID, es)
	return page, err
}

// Export calls fn with every entry matching q (paging ignored), oldest
// first, described as on the page. More than maxExport entries is refused
// (Invalid, auditlog.export_too_many) before any is read.
func (s *Service) Export(ctx context.Context, tenantID int64, q Query, fn func(*View) error) error {
	r := s.st
	q.BeforeSeq, q.AfterSeq = 0, 0
	f, match, page, err := s.filter(ctx, r, tenantID, q)
	if err != nil || page != nil {
		return err
	}
	d := newDescriber(r, tenantID)
	count := 0
	f.Forward = true
	for {
		f.Limit = exportBatch
		es, err := s.st.FindAuditEntries(ctx, tenantID, f)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return nil
		}
		f.AfterSeq = es[0].Seq
		slices.Reverse(es)
		var keep []*Entry
		for _, e := range es {
			if match == nil || match(e) {
				keep = append(keep, e)
			}
		}
		if count += len(keep); count > maxExport {
			return &apperr.Error{Code: apperr.Invalid, Key: "auditlog.export_too_many", Args: map[string]any{"Max": maxExport}}
		}
		vs, err := d.describe(ctx, keep)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if err := fn(v); err != nil {
				return err
			}
		}
	}
}

// filter turns a query into the store's filter and, for a kind that splits
// an action, the test entries must pass. A page (empty) is returned when
// the object or person named nobody.
func (s *Service) filter(ctx context.Context, r Reader, tenantID int64, q Query) (Filter, func(*Entry) bool, *Page, error) {
	var v apperr.Validation
	v.Search("action", strings.TrimSpace(q.Action), "auditlog.kind")
	if err := v.Err(); err != nil {
		return Filter{}, nil, nil, err
	}
	f := Filter{Action: strings.TrimSpace(q.Action), ObjectType: strings.TrimSpace(q.ObjectType), ObjectID: strings.TrimSpace(q.ObjectID),
		From: q.From, To: q.To, BeforeSeq: q.BeforeSeq, AfterSeq: q.AfterSeq}
	var match func(*Entry) bool
	if k := strings.TrimSpace(q.Kind); k != "" {
		var action string
		action, match = KindFilter(k)
		f.Actions = []string{action}
	}
	if text := strings.TrimSpace(q.Object); text != "" && f.ObjectID == "" {
		types := []string{f.ObjectType}
		if f.ObjectType == "" {
			types = []string{"staff", "unit", "user"}
		}
		found := false
		for _, t := range types {
			ids, err := s.findObjects(ctx, r, tenantID, t, text)
			if err != nil {
				return f, nil, nil, err
			}
			if len(ids) > 0 {
				f.ObjectType, f.ObjectIDs, found = t, ids, true
				break
			}
		}
		if !found {
			return f, nil, &Page{UnknownObject: true}, nil
		}
	}
	if text := strings.TrimSpace(q.Person); text != "" {
		people, err := s.People(ctx, tenantID)
		if err != nil {
			return f, nil, nil, err
		}
		f.Actors = matchPeople(people, text)
		if len(f.Actors) == 0 { // a system label ("system:retention", "cli") as recorded
			actors, err := r.FindAuditActors(ctx, tenantID)
			if err != nil {
				return f, nil, nil, err
			}
			for _, a := range actors {
				if a.Label == text {
					f.Actors = []string{text}
				}
			}
		}
		if len(f.Actors) == 0 {
			return f, nil, &Page{UnknownPerson: true}, nil
		}
	}
	f.Normalize()
	return f, match, nil, nil
}

// collect reads up to n entries passing match in f's direction, and
// whether more lie beyond them.
func (s *Service) collect(ctx context.Context, tenantID int64, f Filter, match func(*Entry) bool, n int) ([]*Entry, bool, error) {
	forward := f.AfterSeq > 0 && f.BeforeSeq == 0
	f.Limit = n + 1
	if match != nil {
		f.Limit = 200
	}
	var out []*Entry
	for {
		es, err := s.st.FindAuditEntries(ctx, tenantID, f)
		if err != nil {
			return nil, false, err
		}
		if forward {
			slices.Reverse(es) // nearest first
		}
		for _, e := range es {
			if match == nil || match(e) {
				out = append(out, e)
			}
		}
		if len(out) > n || len(es) < f.Limit {
			break
		}
		if forward {
			f.AfterSeq = es[len(es)-1].Seq
		} else {
			f.BeforeSeq = es[len(es)-1].Seq
		}
	}
	more := len(out) > n
	out = out[:min(len(out), n)]
	if forward {
		slices.Reverse(out)
	}
	return out, more, nil
}

// People lists who appears as an actor in the tenant's log, each account
// once (its API tokens' changes included), with the person behind it.
func (s *Service) People(ctx context.Context, tenantID int64) ([]PersonChoice, error) {
	r := s.st
	actors, err := r.FindAuditActors(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	// Two reads in all, however many people: their accounts' entries,
	// then the staff records those accounts are linked to.
	d := newDescriber(r, tenantID)
	var ids []string
	for _, a := range actors {
		if _, kind, _ := ParseActor(a.Label); kind != ActorSystem && a.ID != 0 {
			ids = append(ids, itoa(a.ID))
		}
	}
	if err := d.load(ctx, "user", ids); err != nil {
		return nil, err
	}
	var staff []string
	for _, a := range actors {
		if id := d.userStaff(&Entry{ActorID: a.ID, ActorLabel: a.Label}); id != "" {
			staff = append(staff, id)
		}
	}
	if err := d.load(ctx, "staff", staff); err != nil {
		return nil, err
	}
	byLogin := map[string]PersonChoice{}
	for _, a := range actors {
		login, kind, _ := ParseActor(a.Label)
		if kind == ActorSystem {
			continue
		}
		pc := PersonChoice{Login: login}
		if id := d.userStaff(&Entry{ActorID: a.ID, ActorLabel: a.Label}); id != "" {
			pc.Staff, _ = d.name("staff", id, 0)
		}
		// One login may appear under two ids (an operator's id in a tenant
		// chain); the one that names a person wins.
		if old, ok := byLogin[login]; !ok || old.Staff.Name == "" {
			byLogin[login] = pc
		}
	}
	out := make([]PersonChoice, 0, len(byLogin))
	for _, pc := range byLogin {
		out = append(out, pc)
	}
	slices.SortFunc(out, func(a, b PersonChoice) int { return strings.Compare(a.Login, b.Login) })
	return out, nil
}

// matchPeople returns the logins text names: a login id exactly, or a
// name that contains text (spaces ignored).
func matchPeople(people []PersonChoice, text string) []string {
	for _, p := range people {
		if strings.EqualFold(p.Login, text) {
			return []string{p.Login}
		}
	}
	want := fold(text)
	var out []string
	for _, p := range people {
		if p.Staff.Name != "" && strings.Contains(fold(p.Staff.Name), want) {
			out = append(out, p.Login)
		}
	}
	return out
}

// fold drops spaces (full and half width) for name matching.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// findObjects returns the ids of the objects of a type whose snapshot
// code (職員番号, unit code, login id) equals text or whose name contains
// it.
func (s *Service) findObjects(ctx context.Context, r Reader, tenantID int64, objectType, text string) ([]string, error) {
	es, err := r.FindAuditSnapshots(ctx, tenantID, objectType, nil, 0)
	if err != nil {
		return nil, err
	}
	want := fold(text)
	var out []string
	found := map[string]bool{} // (a list searched per match grew quadratic with many matches)
	for _, e := range es {
		if found[e.ObjectID] {
			continue
		}
		for _, raw := range []json.RawMessage{e.After, e.Before} {
			n, ok := NameFrom(e.ObjectType, e.ObjectID, raw)
			if !ok {
				continue
			}
			if (n.Code != "" && strings.EqualFold(n.Code, text)) || (n.Name != "" && strings.Contains(fold(n.Name), want)) {
				found[e.ObjectID] = true
				out = append(out, e.ObjectID)
				break
			}
		}
	}
	return out, nil
}

// Describe names the objects and actors of entries and lists their
// changes, from the log itself (each object as its latest entry at or
// before the one shown recorded it), so a renamed, moved or erased object
// shows what it was.
func (s *Service) Describe(ctx context.Context, tenantID int64, es []*Entry) ([]*View, error) {
	r := s.st
	return newDescriber(r, tenantID).describe(ctx, es)
}
