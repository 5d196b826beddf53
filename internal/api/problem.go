package api

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"telework/internal/apperr"
	"telework/internal/i18n"
	"telework/internal/invisible"
	"telework/internal/route"
)

// problemBody is RFC 9457 problem details plus per-field errors.
type problemBody struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is the reason as a key (the message's id), the same in every
	// language: a tool tells "retry in a moment" from "already decided"
	// without reading Japanese (a review).
	Code      string         `json:"code,omitempty"`
	Instance  string         `json:"instance"`
	RequestID string         `json:"request_id"`
	Errors    []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
	Code   string `json:"code,omitempty"`
	// Line and Column locate a problem in an uploaded file (imports): the
	// row number as Excel shows it and the column's header as written.
	Line   int    `json:"line,omitempty"`
	Column string `json:"column,omitempty"`
}

// apiLang is the language of an answer: the request's Accept-Language,
// else the signed-in account's own setting (設定 → 言語), else Japanese.
func apiLang(r *http.Request) string {
	if h := r.Header.Get("Accept-Language"); h != "" {
		return i18n.FromAcceptLanguage(h)
	}
	if p := route.PrincipalOf(r); p != nil && p.Locale != "" {
		return i18n.Normalize(p.Locale)
	}
	return i18n.FromAcceptLanguage("")
}

// Problem writes err as problem details in the caller's language with the
// given status (the server uses it for API requests it refuses itself).
func (s *API) Problem(w http.ResponseWriter, r *http.Request, status int, err error) {
	s.problem(w, r, status, err)
}

// RetryAfterUnavailable is the Retry-After (seconds) of a 503 while the
// database cannot be reached.
const RetryAfterUnavailable = "5"

// problem writes err as problem details in the caller's language.
func (s *API) problem(w http.ResponseWriter, r *http.Request, status int, err error) {
	lang := apiLang(r)
	code := apperr.CodeOf(err)
	switch {
	case status >= 500 && route.ClientGone(r, err):
		// Nobody reads the answer; logged and counted as the client's.
		s.log.Info("client gone", "request_id", requestID(r), "route", route.InfoOf(r).Route)
		w.WriteHeader(route.StatusClientGone)
		return
	case code == apperr.Unavailable:
		s.log.Error("database unavailable", "request_id", requestID(r), "route", route.InfoOf(r).Route, "err", err)
		status, err = http.StatusServiceUnavailable, apperr.New(apperr.Unavailable, "error.unavailable")
		w.Header().Set("Retry-After", RetryAfterUnavailable)
	case status >= 500 || code == apperr.Internal:
		s.log.Error("internal error", "request_id", requestID(r), "route", route.InfoOf(r).Route, "err", err)
		status, err = http.StatusInternalServerError, apperr.New(apperr.Internal, "error.internal")
		code = apperr.Internal
	}
	body := problemBody{Type: "urn:telework:problem:" + string(code), Title: i18n.T(lang, "problem."+string(code), nil),
		Status: status, Detail: i18n.Error(lang, err), Instance: r.URL.Path, RequestID: requestID(r)}
	body.Code, body.Errors = fieldProblems(lang, err)
	_ = problemEncoder(w, status, lang).Encode(body)
}

// fieldProblems is the code of err and its fields' problems, each with its
// message in lang and its rule's code (a field named twice once).
func fieldProblems(lang string, err error) (string, []problemField) {
	e := apperr.As(err)
	if e == nil {
		return "", nil
	}
	var out []problemField
	msgs := i18n.FieldMessages(lang, err)
	for _, f := range e.Fields {
		if m, ok := msgs[f.Field]; ok {
			out = append(out, problemField{Field: f.Field, Detail: m, Code: f.Key})
			delete(msgs, f.Field)
		}
	}
	return e.Key, out
}

// problemEncoder sets the headers of problem details in lang, writes
// status and returns the encoder of the body (every problem answer: the
// generic one, an application's refusal, an import's problems).
func problemEncoder(w http.ResponseWriter, status int, lang string) *json.Encoder {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", lang)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w)
}

// apiFail maps an application error to its status.
func (s *API) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if apperr.IsStale(err) {
		status = http.StatusPreconditionFailed
	}
	s.problem(w, r, status, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// readBody reads the request's body whole: it is bounded by the route's
// limit (limitBody), so reading it costs no more than decoding it.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, apperr.New(apperr.Invalid, "error.too_large")
		}
		return nil, apperr.New(apperr.Invalid, "api.bad_json")
	}
	return body, nil
}

// decodeJSON reads a JSON object into dst, refusing unknown fields, wrong
// types and invalid UTF-8 with a field error naming the field.
func decodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apperr.New(apperr.Invalid, "api.content_type")
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	// encoding/json silently turns invalid UTF-8 into U+FFFD, which would
	// store a name nobody typed; refuse it naming the field, as a form does.
	if !utf8.Valid(body) {
		var v apperr.Validation
		v.Add(invalidUTF8Field(body), "field.invalid_utf8", nil)
		return v.Err()
	}
	// A control character comes as an escape (\u0000) or, for DEL and
	// U+0080–U+009F, as itself: one in any string refuses the request naming the
	// member, before any field rule.
	if bytes.Contains(body, []byte(`\u00`)) || bytes.IndexByte(body, 0xC2) >= 0 || bytes.IndexByte(body, 0x7F) >= 0 {
		if field, r, ok := controlField(body); ok {
			var v apperr.Validation
			v.Add(field, "field.control_char", map[string]any{"Char": fmt.Sprintf("U+%04X", r)})
			return v.Err()
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var v apperr.Validation
		var te *json.UnmarshalTypeError
		switch {
		case apperr.As(err) != nil:
			// A member's own UnmarshalJSON refused its value naming the
			// field and the rule (a weekday out of 0–6, say).
			return err
		case errors.As(err, &te):
			kind := jsonKind(te.Type)
			if te.Field == "" {
				v.Add("input", "api.json_body_"+kind, nil)
			} else {
				v.Add(te.Field, "field.json_"+kind, nil)
			}
			return v.Err()
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			v.Add(unknownMemberPath(body, reflect.TypeOf(dst), name), "field.unknown", nil)
			return v.Err()
		case errors.Is(err, io.EOF):
			// The body's shape is the field "input", as docs/api.md
			// promises for every such error (a review saw none named).
			return apperr.At(apperr.Invalid, "input", "api.empty_body", nil)
		default:
			return apperr.At(apperr.Invalid, "input", "api.bad_json", nil)
		}
	}
	if dec.More() {
		return apperr.At(apperr.Invalid, "input", "api.bad_json", nil)
	}
	return nil
}

// jsonKind names the JSON type a Go type is read from, in the words of
// the messages (field.json_<kind>): never the Go type's name, which means
// nothing to a caller. A type read from text (policy.Mode) is a string.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	textType := reflect.TypeFor[encoding.TextUnmarshaler]()
	if t.Implements(textType) || reflect.PointerTo(t).Implements(textType) {
		return "string"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		// 1.5 or 1e30 is a number, only not a whole one that fits: said
		// as such, not 「数値で送ってください」 (a review).
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // []byte is sent as base64 text
		}
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "value"
}

// unknownMemberPath names an unknown member with its path (take_out.zzz),
// which encoding/json leaves out: the first member of the body called name
// that the destination type t has no place for.
func unknownMemberPath(body []byte, t reflect.Type, name string) string {
	found := name
	walkJSON(body, func(path []string, _ []byte, isKey bool) bool {
		if !isKey || path[len(path)-1] != name {
			return true
		}
		if !hasMemberPath(t, path) {
			found = strings.Join(path, ".")
			return false
		}
		return true
	})
	return found
}

// hasMemberPath reports whether the dotted member path exists in t as
// encoding/json reads it (tags, case-insensitive names, embedded structs;
// arrays are looked through, any key is a map's).
func hasMemberPath(t reflect.Type, path []string) bool {
	for _, p := range path {
		t = jsonContainer(t)
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
			continue
		case reflect.Struct:
		default:
			return false
		}
		ft, ok := structMember(t, p)
		if !ok {
			return false
		}
		t = ft
	}
	return true
}

// jsonContainer looks through pointers and arrays to the type whose
// members a key names.
func jsonContainer(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return t
}

func structMember(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			if et := jsonContainer(f.Type); et.Kind() == reflect.Struct {
				if ft, ok := structMember(et, name); ok {
					return ft, true
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return f.Type, true
		}
	}
	return nil, false
}

// invalidUTF8Field names the member of a JSON body whose bytes are not
// valid UTF-8 (dotted for nested objects, "" for the body itself).
func invalidUTF8Field(body []byte) string {
	var found []string
	walkJSON(body, func(path []string, raw []byte, _ bool) bool {
		if !utf8.Valid(raw) {
			found = slices.Clone(path)
			return false
		}
		return true
	})
	return strings.Join(found, ".")
}

// controlField finds the first string (a member's name or value) of a
// body holding a control character, and its member path.
func controlField(body []byte) (string, rune, bool) {
	var found []string
	var bad rune
	ok := false
	walkJSON(body, func(path []string, raw []byte, _ bool) bool {
		var s string
		raw = bytes.TrimLeft(raw, " \t\r\n:,[{")
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			return true
		}
		if bad, ok = invisible.Control(s); ok {
			found = slices.Clone(path)
			return false
		}
		return true
	})
	return strings.Join(found, "."), bad, ok
}

// walkJSON walks a body's tokens and calls fn with each key and scalar
// value, the member path it belongs to (dotted object keys, arrays looked
// through) and the bytes it was read from, until fn returns false. A body
// it cannot read ends the walk where it breaks.
func walkJSON(body []byte, fn func(path []string, raw []byte, isKey bool) bool) {
	type level struct{ object, wantKey bool }
	var stack []level
	var path []string
	dec := json.NewDecoder(bytes.NewReader(body))
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			if len(body) > int(prev) {
				fn(path, body[prev:], false)
			}
			return
		}
		off := dec.InputOffset()
		raw := body[prev:off]
		prev = off
		top := len(stack) - 1
		isKey := top >= 0 && stack[top].object && stack[top].wantKey
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, level{object: d == '{', wantKey: d == '{'})
			case '}', ']':
				stack = stack[:top]
				if top > 0 && stack[top-1].object {
					path = path[:len(path)-1]
					stack[top-1].wantKey = true
				}
			}
			continue
		}
		if isKey {
			path = append(path, tok.(string))
			stack[top].wantKey = false
		}
		if !fn(path, raw, isKey) {
			return
		}
		if !isKey && top >= 0 && stack[top].object {
			path = path[:len(path)-1]
			stack[top].wantKey = true
		}
	}
}

// etag is a resource's version as an entity tag.
func etag(kind string, id, version int64) string {
	return fmt.Sprintf(`"%s-%d-v%d"`, kind, id, version)
}

// ifMatch reads the version from If-Match. It answers 428 when the header
// is missing and 412 when it names another object.
func (s *API) ifMatch(w http.ResponseWriter, r *http.Request, kind string, id int64) (int64, bool) {
	h := strings.TrimPrefix(strings.TrimSpace(r.Header.Get("If-Match")), "W/")
	if h == "" {
		s.problem(w, r, http.StatusPreconditionRequired, apperr.New(apperr.Invalid, "api.if_match_required"))
		return 0, false
	}
	prefix := fmt.Sprintf(`"%s-%d-v`, kind, id)
	if !strings.HasPrefix(h, prefix) || !strings.HasSuffix(h, `"`) {
		s.problem(w, r, http.StatusPreconditionFailed, apperr.ConflictStale())
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(h, prefix), `"`), 10, 64)
	if err != nil {
		s.problem(w, r, http.StatusPreconditionFailed, apperr.ConflictStale())
		return 0, false
	}
	return v, true
}

// page is the list envelope.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
	Total      int    `json:"total"`
}

func encodeCursor(afterID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(afterID, 10)))
}

// paging reads limit and cursor; a malformed one is a field error.
func paging(r *http.Request) (limit int, after int64, err error) {
	var v apperr.Validation
	limit = pageLimit(r, &v)
	if rest, ok := cursorText(r, "id:", &v); ok {
		n, perr := strconv.ParseInt(rest, 10, 64)
		if perr != nil || n < 0 {
			v.Add("cursor", "field.cursor", nil)
		}
		after = n
	}
	return limit, after, v.Err()
}

// keyCursor is the opaque cursor after an item of a list ordered by a key,
// then by id: the next page starts after that item wherever it now stands,
// so a page neither skips nor repeats items when the list changes between
// pages (as a position would).
func keyCursor(key string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("key:" + key + "/" + strconv.FormatInt(id, 10)))
}

// keyPaging reads limit and a keyCursor (id 0: the first page); a
// malformed one is a field error.
func keyPaging(r *http.Request) (limit int, key string, id int64, err error) {
	var v apperr.Validation
	limit = pageLimit(r, &v)
	if rest, ok := cursorText(r, "key:", &v); ok {
		i := strings.LastIndexByte(rest, '/')
		n, perr := strconv.ParseInt(rest[i+1:], 10, 64)
		if i < 0 || perr != nil || n <= 0 {
			v.Add("cursor", "field.cursor", nil)
		} else {
			key, id = rest[:i], n
		}
	}
	return limit, key, id, v.Err()
}

// pageLimit reads ?limit= (1–200, 50 when absent).
func pageLimit(r *http.Request, v *apperr.Validation) int {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 50
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 200 {
		v.Add("limit", "field.range", map[string]any{"Min": 1, "Max": 200})
	}
	return n
}

// cursorText decodes ?cursor= and strips its kind prefix; ok is false when
// there is none (and a malformed one is a field error).
func cursorText(r *http.Request, prefix string, v *apperr.Validation) (string, bool) {
	c := r.URL.Query().Get("cursor")
	if c == "" {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	rest, ok := strings.CutPrefix(string(b), prefix)
	if err != nil || !ok {
		v.Add("cursor", "field.cursor", nil)
		return "", false
	}
	return rest, true
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string, v *apperr.Validation) int64 {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		v.Add(name, "field.integer", nil)
	}
	return n
}

func queryBool(r *http.Request, name string, v *apperr.Validation) bool {
	switch r.URL.Query().Get(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	v.Add(name, "field.boolean", nil)
	return false
}
