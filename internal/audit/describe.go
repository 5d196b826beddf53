package audit

import (
	"context"
	"strconv"
)

// describer names objects from the log's own entries, reading each object
// once however many entries of a page or an export mention it.
type describer struct {
	r        Reader
	tenantID int64
	snaps    map[string]map[string][]*Entry // type → id → entries in seq order
}

func newDescriber(r Reader, tenantID int64) *describer {
	return &describer{r: r, tenantID: tenantID, snaps: map[string]map[string][]*Entry{}}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// load reads the entries of the objects not read yet.
func (d *describer) load(ctx context.Context, objectType string, ids []string) error {
	m := d.snaps[objectType]
	if m == nil {
		m = map[string][]*Entry{}
		d.snaps[objectType] = m
	}
	var need []string
	for _, id := range ids {
		if _, ok := m[id]; !ok && id != "" {
			need = append(need, id)
			m[id] = nil
		}
	}
	if len(need) == 0 {
		return nil
	}
	es, err := d.r.FindAuditSnapshots(ctx, d.tenantID, objectType, need, 0)
	if err != nil {
		return err
	}
	for _, e := range es {
		m[e.ObjectID] = append(m[e.ObjectID], e)
	}
	return nil
}

// name is the object as its latest naming entry at or before seq (any
// seq when 0) recorded it; failing that, its earliest naming entry after.
func (d *describer) name(objectType, id string, seq int64) (Name, bool) {
	es := d.snaps[objectType][id]
	for i := len(es) - 1; i >= 0; i-- {
		if seq > 0 && es[i].Seq > seq {
			continue
		}
		if n, ok := entryName(es[i]); ok {
			return n, true
		}
	}
	for _, e := range es {
		if n, ok := entryName(e); ok {
			return n, true
		}
	}
	return Name{Type: objectType, ID: id}, false
}

func entryName(e *Entry) (Name, bool) {
	if n, ok := NameFrom(e.ObjectType, e.ObjectID, e.After); ok {
		return n, true
	}
	return NameFrom(e.ObjectType, e.ObjectID, e.Before)
}

// userStaff is the staff id linked to the account that made e, as the
// account's entries recorded it ("" when none, or when the actor's label
// is not that account's login: an operator's id is no tenant account).
func (d *describer) userStaff(e *Entry) string {
	login, kind, _ := ParseActor(e.ActorLabel)
	if kind == ActorSystem || e.ActorID == 0 {
		return ""
	}
	es := d.snaps["user"][itoa(e.ActorID)]
	for i := len(es) - 1; i >= 0; i-- {
		if e.Seq > 0 && es[i].Seq > e.Seq {
			continue
		}
		for _, raw := range [][]byte{es[i].After, es[i].Before} {
			var l, s string
			for _, leaf := range Flatten(raw) {
				switch leaf.Path {
				case "login_id":
					l = leaf.Text
				case "staff_id":
					s = leaf.Text
				}
			}
			if l != "" {
				if l != login || s == "0" {
					return ""
				}
				return s
			}
		}
	}
	return ""
}

func (d *describer) describe(ctx context.Context, es []*Entry) ([]*View, error) {
	out := make([]*View, len(es))
	need := map[string][]string{}
	for i, e := range es {
		v := &View{Entry: e, Kind: KindOf(e), Changes: Changes(e)}
		v.Object, v.ObjectNamed = entryName(e)
		if !v.ObjectNamed && e.ObjectID != "" {
			need[e.ObjectType] = append(need[e.ObjectType], e.ObjectID)
		}
		login, kind, token := ParseActor(e.ActorLabel)
		v.Actor = ActorView{Login: login, Kind: kind, Token: token}
		if kind != ActorSystem && e.ActorID != 0 {
			need["user"] = append(need["user"], itoa(e.ActorID))
		}
		for _, c := range v.Changes {
			for _, l := range []*Leaf{c.Before, c.After} {
				if l == nil {
					continue
				}
				if t := refType(l.Path); t != "" && l.Kind == "number" && l.Text != "0" {
					need[t] = append(need[t], l.Text)
				}
			}
		}
		out[i] = v
	}
	for t, ids := range need {
		if err := d.load(ctx, t, ids); err != nil {
			return nil, err
		}
	}
	var staff []string
	for _, v := range out {
		if id := d.userStaff(v.Entry); id != "" {
			staff = append(staff, id)
		}
	}
	if err := d.load(ctx, "staff", staff); err != nil {
		return nil, err
	}
	for _, v := range out {
		if !v.ObjectNamed && v.ObjectID != "" {
			v.Object, v.ObjectNamed = d.name(v.ObjectType, v.ObjectID, v.Seq)
		}
		if id := d.userStaff(v.Entry); id != "" {
			v.Actor.Staff, _ = d.name("staff", id, v.Seq)
		}
		for _, c := range v.Changes {
			for _, l := range []*Leaf{c.Before, c.After} {
				if l == nil {
					continue
				}
				if t := refType(l.Path); t != "" && l.Kind == "number" && l.Text != "0" {
					if n, ok := d.name(t, l.Text, v.Seq); ok {
						if v.Refs == nil {
							v.Refs = map[Ref]Name{}
						}
						v.Refs[Ref{t, l.Text}] = n
					}
				}
			}
		}
	}
	return out, nil
}
