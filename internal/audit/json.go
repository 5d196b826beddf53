package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An entry's Before and After are shown to the auditor as they are stored.
// A JSON document that readers may understand in two ways (the same key
// twice: one parser keeps the first value, another the last) would let a
// stored entry say one thing to the auditor and another to the hash, so
// such a document breaks the chain, whatever its hash says.

// checkJSON reports why raw is not one JSON value with a single reading:
// not UTF-8, not JSON, or an object with a key twice. When out is not nil,
// the value is also written to it re-encoded the way the writers encode
// (compact, keys in their stored order, strings as encoding/json quotes
// them, numbers as float64), which lets a legacy entry be compared with
// the form its hash covered. It runs over every entry of a chain, so it
// scans the bytes itself rather than through json.Decoder's tokens.
func checkJSON(raw []byte, out *bytes.Buffer) error {
	if !utf8.Valid(raw) {
		return errors.New("is not valid UTF-8")
	}
	if !json.Valid(raw) {
		return errors.New("is not valid JSON")
	}
	s := scanner{b: raw, out: out}
	return s.value()
}

// scanner walks a document json.Valid accepted, so it need not check the
// syntax again.
type scanner struct {
	b   []byte
	i   int
	out *bytes.Buffer
}

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *scanner) value() error {
	s.ws()
	switch c := s.b[s.i]; c {
	case '{':
		return s.object()
	case '[':
		return s.array()
	case '"':
		raw, esc := s.str()
		if s.out == nil {
			return nil
		}
		return s.write(decode(raw, esc))
	case 't':
		s.i += len("true")
		return s.write(true)
	case 'f':
		s.i += len("false")
		return s.write(false)
	case 'n':
		s.i += len("null")
		return s.write(nil)
	}
	start := s.i
	for s.i < len(s.b) && strings.IndexByte("+-0123456789.eE", s.b[s.i]) >= 0 {
		s.i++
	}
	if s.out == nil {
		return nil
	}
	lit := string(s.b[start:s.i])
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return fmt.Errorf("has the number %s, out of range", lit)
	}
	return s.write(f)
}

func (s *scanner) object() error {
	s.i++ // {
	s.byte('{')
	s.ws()
	if s.b[s.i] == '}' {
		s.i++
		s.byte('}')
		return nil
	}
	var seen [][]byte // objects are small: a scan beats a map
	for {
		s.ws()
		k := s.key()
		for _, o := range seen {
			if bytes.Equal(o, k) {
				return fmt.Errorf("has the key %q twice", k)
			}
		}
		seen = append(seen, k)
		if s.out != nil {
			if err := s.write(string(k)); err != nil {
				return err
			}
		}
		s.ws()
		s.i++ // :
		s.byte(':')
		if err := s.value(); err != nil {
			return err
		}
		s.ws()
		c := s.b[s.i]
		s.i++
		s.byte(c) // , or }
		if c == '}' {
			return nil
		}
	}
}

func (s *scanner) array() error {
	s.i++ // [
	s.byte('[')
	s.ws()
	if s.b[s.i] == ']' {
		s.i++
		s.byte(']')
		return nil
	}
	for {
		if err := s.value(); err != nil {
			return err
		}
		s.ws()
		c := s.b[s.i]
		s.i++
		s.byte(c) // , or ]
		if c == ']' {
			return nil
		}
	}
}

// str reads past the string at s.i and returns it quoted, and whether it
// has escapes.
func (s *scanner) str() ([]byte, bool) {
	start, esc := s.i, false
	j := start + 1
	for ; s.b[j] != '"'; j++ {
		if s.b[j] == '\\' {
			esc = true
			j++
		}
	}
	s.i = j + 1
	return s.b[start:s.i], esc
}

// key reads an object key, decoded as encoding/json decodes it (so "a"
// and "\u0061" are the same key).
func (s *scanner) key() []byte {
	raw, esc := s.str()
	if !esc {
		return raw[1 : len(raw)-1]
	}
	return []byte(decode(raw, true))
}

// decode returns the quoted string raw as encoding/json decodes it (a
// lone surrogate escape becomes U+FFFD).
func decode(raw []byte, esc bool) string {
	if !esc {
		return string(raw[1 : len(raw)-1])
	}
	var v string
	_ = json.Unmarshal(raw, &v) // valid: json.Valid accepted the document
	return v
}

func (s *scanner) byte(c byte) {
	if s.out != nil {
		s.out.WriteByte(c)
	}
}

func (s *scanner) write(v any) error {
	if s.out == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cannot be re-encoded: %w", err)
	}
	s.out.Write(b)
	return nil
}

// CheckJSON reports why a stored Before or After document cannot be shown
// to the auditor as the one value its hash covers (nil when it can).
func CheckJSON(raw []byte) error { return checkJSON(raw, nil) }
