// Package i18n owns the product's messages in Japanese (the default) and
// English, and picks the language for a request.
package i18n

import (
	"cmp"
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"telework/internal/apperr"
	"telework/internal/calendar"
)

//go:embed messages/*.toml
var files embed.FS

// Langs are the supported languages; the first is the default.
var Langs = []string{"ja", "en"}

var (
	bundle     *goi18n.Bundle
	localizers = map[string]*goi18n.Localizer{}
	missing    sync.Map
)

func init() {
	bundle = goi18n.NewBundle(language.Japanese)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Langs {
		for _, name := range MessageFiles(l) {
			if _, err := bundle.LoadMessageFileFS(files, name); err != nil {
				panic(fmt.Sprintf("i18n: loading %s messages from %s: %v", l, name, err))
			}
		}
		localizers[l] = goi18n.NewLocalizer(bundle, l)
	}
}

// MessageFiles lists a language's message files: messages/ja.toml and
// one file per area, messages/<area>.ja.toml (areas keep their messages
// apart so that work on one area does not touch another's file).
func MessageFiles(lang string) []string {
	entries, err := files.ReadDir("messages")
	if err != nil {
		panic(err)
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); n == lang+".toml" || strings.HasSuffix(n, "."+lang+".toml") {
			out = append(out, "messages/"+n)
		}
	}
	return out
}

// Normalize maps a language tag to a supported language ("ja" when unknown).
func Normalize(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	for _, l := range Langs {
		if lang == l || strings.HasPrefix(lang, l+"-") {
			return l
		}
	}
	return Langs[0]
}

// FromAcceptLanguage picks a language from an Accept-Language header.
func FromAcceptLanguage(h string) string {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) == 0 {
		return Langs[0]
	}
	for _, t := range tags {
		base, _ := t.Base()
		for _, l := range Langs {
			if base.String() == l {
				return l
			}
		}
	}
	return Langs[0]
}

// T translates key in lang with template data. A missing key shows the key
// itself, so a gap is visible in the UI and caught by the message test.
func T(lang, key string, data map[string]any) string {
	loc, ok := localizers[Normalize(lang)]
	if !ok {
		loc = localizers[Langs[0]]
	}
	s, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		missing.Store(key, true)
		return key
	}
	return s
}

// Has reports whether key exists in every language.
func Has(key string) bool {
	for _, l := range Langs {
		if _, err := localizers[l].Localize(&goi18n.LocalizeConfig{MessageID: key}); err != nil {
			return false
		}
	}
	return true
}

// Missing lists keys looked up without a translation since start-up.
func Missing() []string {
	var out []string
	missing.Range(func(k, _ any) bool { out = append(out, k.(string)); return true })
	return out
}

// Error renders an application error's summary in lang.
func Error(lang string, err error) string {
	if e := apperr.As(err); e != nil {
		return T(lang, e.Key, e.Args)
	}
	return T(lang, "error.internal", nil)
}

// Reason is what an error says in one line: its field messages in their
// order when it has some (a validation's summary says nothing of its
// own), else its message.
func Reason(lang string, err error) string {
	e := apperr.As(err)
	if e == nil || len(e.Fields) == 0 {
		return Error(lang, err)
	}
	msgs := FieldMessages(lang, err)
	var out []string
	for _, f := range e.Fields {
		if m, ok := msgs[f.Field]; ok {
			out = append(out, m)
			delete(msgs, f.Field)
		}
	}
	return strings.Join(out, " ")
}

// FieldMessages renders an error's per-field messages, keyed by field.
// The field's label is "fieldname.<field>", one namespace for the whole
// product; a field whose name means something else in its area names its
// own label with the argument LabelKey (e.g. an overtime request's
// "status" is not the staff record's 在職区分), and a field whose label is
// data (a survey question's text) gives it by language with Labels
// (map[string]string).
func FieldMessages(lang string, err error) map[string]string {
	out := map[string]string{}
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			if _, dup := out[f.Field]; !dup {
				args := map[string]any{"Field": fieldName(lang, f.Field)}
				if f.Key == "field.unknown" || f.Key == "field.not_for_action" {
					// A member the request may not have is named as sent: a
					// label would say it is some other field ("days" is
					// 取り消す日 for an application, not a token's life).
					args["Field"] = f.Field
				}
				for k, v := range f.Args {
					args[k] = v
				}
				if key, ok := f.Args["LabelKey"].(string); ok {
					args["Field"] = T(lang, key, nil)
				}
				if labels, ok := f.Args["Labels"].(map[string]string); ok {
					args["Field"] = cmp.Or(labels[Normalize(lang)], labels[Langs[0]])
				}
				out[f.Field] = T(lang, f.Key, args)
			}
		}
	}
	return out
}

// fieldName is a field's label; a field the product has no label for (an
// unknown JSON member, say) is shown as it was sent.
func fieldName(lang, field string) string {
	loc, ok := localizers[Normalize(lang)]
	if !ok {
		loc = localizers[Langs[0]]
	}
	s, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: "fieldname." + field})
	if err != nil {
		return field
	}
	return s
}

// OffName says the calendar's fixed names of days off (土曜日, 日曜日,
// 年末年始, 休日) in the language; a holiday's or closure's own name is
// data and stays as it is (pages and the API's skipped[].reason).
func OffName(lang, name string) string {
	if k := calendar.NameKey(name); k != "" {
		return T(lang, k, nil)
	}
	return name
}
