package web

import (
	"net/url"
	"strings"

	"telework/internal/audit"
	"telework/internal/calendar"
	"telework/internal/i18n"
)

// auditFormatter puts an entry into words in one language, the same way
// on the page and in the export.
type auditFormatter struct{ lang string }

func (f auditFormatter) t(key string, args map[string]any) string { return i18n.T(f.lang, key, args) }

// kind is the change in words; a stored action the product has no name
// for yet is shown as stored.
func (f auditFormatter) kind(kind string) string {
	if k := "auditlog.action." + kind; i18n.Has(k) {
		return f.t(k, nil)
	}
	return kind
}

func (f auditFormatter) objectType(t string) string {
	if k := "auditlog.object." + t; i18n.Has(k) {
		return f.t(k, nil)
	}
	return t
}

// name is 「職員 0915 森田 健」, 「組織 110 人事課」, 「アカウント hr01」.
func (f auditFormatter) name(n audit.Name, named bool) string {
	parts := []string{f.objectType(n.Type)}
	if !named {
		if n.ID != "" {
			parts = append(parts, "#"+n.ID)
		}
		return strings.Join(parts, " ")
	}
	for _, p := range []string{n.Code, n.Name} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

func (f auditFormatter) object(v *audit.View) string {
	if v.ObjectType == "" {
		return ""
	}
	return f.name(v.Object, v.ObjectNamed)
}

// actor is the login id, or the system's label; actorName the person
// behind the account, or the API token used.
func (f auditFormatter) actor(a audit.ActorView) string {
	if k := "auditlog.actor." + a.Login; a.Kind == audit.ActorSystem && i18n.Has(k) {
		return f.t(k, nil)
	}
	return a.Login
}

func (f auditFormatter) actorName(a audit.ActorView) string {
	var parts []string
	if a.Staff.Code != "" || a.Staff.Name != "" {
		parts = append(parts, strings.TrimSpace(a.Staff.Code+" "+a.Staff.Name))
	}
	if a.Kind == audit.ActorToken {
		parts = append(parts, f.t("auditlog.token", map[string]any{"Token": "#" + a.Token}))
	}
	return strings.Join(parts, " / ")
}

// auditChange is one row of the changed-fields table.
type auditChange struct{ Label, Before, After string }

func (f auditFormatter) label(objectType, path string) string {
	key, rest, ok := audit.LabelKey(objectType, path, i18n.Has)
	if !ok {
		return path
	}
	if rest != "" {
		return f.t(key, nil) + " " + rest
	}
	return f.t(key, nil)
}

func (f auditFormatter) value(v *audit.View, l, other *audit.Leaf) string {
	shown := audit.ShowValue(v.ObjectType, l, other, i18n.Has)
	parts := make([]string, 0, len(shown))
	for _, s := range shown {
		switch {
		case s.Ref != nil:
			if n, ok := v.Refs[*s.Ref]; ok {
				parts = append(parts, strings.TrimSpace(n.Code+" "+n.Name))
			} else {
				parts = append(parts, f.objectType(s.Ref.Type)+" #"+s.Text)
			}
		case s.Key != "":
			parts = append(parts, f.t(s.Key, s.Args))
		default:
			parts = append(parts, s.Text)
		}
	}
	return strings.Join(parts, "、")
}

func (f auditFormatter) changes(v *audit.View) []auditChange {
	out := make([]auditChange, 0, len(v.Changes))
	for _, c := range v.Changes {
		out = append(out, auditChange{Label: f.label(v.ObjectType, c.Path),
			Before: f.value(v, c.Before, c.After), After: f.value(v, c.After, c.Before)})
	}
	return out
}

// auditRow is one entry as the page shows it.
type auditRow struct {
	Seq                int64
	At                 string // ISO 8601 for <time datetime>
	When               string
	Actor, ActorName   string
	ActorLink          string
	Kind               string
	Object, ObjectLink string
	Changes            []auditChange
	Before, After      string // the stored JSON, as stored
	Hash, PrevHash     string
}

func (f auditFormatter) when(v *audit.View) string {
	return v.At.In(calendar.Tokyo).Format("2006-01-02 15:04:05")
}

func (f auditFormatter) row(v *audit.View, q url.Values) auditRow {
	r := auditRow{Seq: v.Seq, At: v.At.UTC().Format("2006-01-02T15:04:05Z"), When: f.when(v),
		Actor: f.actor(v.Actor), ActorName: f.actorName(v.Actor), Kind: f.kind(v.Kind), Object: f.object(v),
		Changes: f.changes(v), Before: string(v.Before), After: string(v.After), Hash: v.Hash, PrevHash: v.PrevHash}
	base := func() url.Values {
		nq := cloneQuery(q)
		nq.Del("before")
		nq.Del("after")
		return nq
	}
	if v.ObjectType != "" && v.ObjectID != "" {
		nq := base()
		nq.Del("object")
		nq.Set("object_type", v.ObjectType)
		nq.Set("object_id", v.ObjectID)
		r.ObjectLink = "/audit?" + nq.Encode()
	}
	if v.Actor.Kind != audit.ActorSystem {
		nq := base()
		nq.Set("person", v.Actor.Login)
		r.ActorLink = "/audit?" + nq.Encode()
	}
	return r
}

func (f auditFormatter) exportHeader() []string {
	var h []string
	for _, k := range []string{"seq", "at", "actor", "actor_name", "action", "object", "changes", "hash", "prev_hash"} {
		h = append(h, f.t("auditlog."+k, nil))
	}
	return h
}

// exportRow is one entry for the 監査調書: the changes one per line,
// 「項目: 変更前 → 変更後」.
func (f auditFormatter) exportRow(v *audit.View) []string {
	var lines []string
	for _, c := range f.changes(v) {
		switch {
		case c.Before == "":
			lines = append(lines, c.Label+": "+c.After)
		case c.After == "":
			lines = append(lines, c.Label+": "+c.Before+" → "+f.t("auditlog.value.null", nil))
		default:
			lines = append(lines, c.Label+": "+c.Before+" → "+c.After)
		}
	}
	return []string{itoa(v.Seq), f.when(v), f.actor(v.Actor), f.actorName(v.Actor), f.kind(v.Kind), f.object(v),
		strings.Join(lines, "\n"), v.Hash, v.PrevHash}
}
