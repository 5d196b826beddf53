package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// An entry's Before and After are shown to the auditor as they are stored.
// A JSON document that readers may understand in two ways (the same key
// twice: one parser keeps the first value, another the last) would let a
// stored entry say one thing to the auditor and another to the hash, so
// such a document breaks the chain, whatever its hash says.

// checkJSON reports why raw is not one JSON value with a single reading:
// not JSON, not UTF-8, data after the value, or an object with a key twice.
// When out is not nil, the value is also written to it re-encoded the way
// the writers encode (compact, keys in their stored order, strings as
// encoding/json quotes them, numbers as float64), which lets a legacy
// entry be compared with the form its hash covered.
func checkJSON(raw []byte, out *bytes.Buffer) error {
	if !utf8.Valid(raw) {
		return errors.New("is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := jsonValue(dec, out, 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("is not one JSON value (data follows it)")
	}
	return nil
}

// maxDepth bounds the recursion on a crafted document.
const maxDepth = 200

var errNotJSON = errors.New("is not valid JSON")

func jsonValue(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	if depth > maxDepth {
		return errors.New("nests too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return errNotJSON
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			writeByte(out, '{')
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return errNotJSON
				}
				k, ok := kt.(string)
				if !ok {
					return errNotJSON
				}
				if seen[k] {
					return fmt.Errorf("has the key %q twice", k)
				}
				if len(seen) > 0 {
					writeByte(out, ',')
				}
				seen[k] = true
				if err := writeJSON(out, k); err != nil {
					return err
				}
				writeByte(out, ':')
				if err := jsonValue(dec, out, depth+1); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // the closing brace
				return errNotJSON
			}
			writeByte(out, '}')
		case '[':
			writeByte(out, '[')
			for n := 0; dec.More(); n++ {
				if n > 0 {
					writeByte(out, ',')
				}
				if err := jsonValue(dec, out, depth+1); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return errNotJSON
			}
			writeByte(out, ']')
		default:
			return errNotJSON
		}
	case string:
		return writeJSON(out, t)
	case json.Number:
		if out == nil {
			return nil
		}
		f, err := t.Float64()
		if err != nil {
			return fmt.Errorf("has the number %s, out of range", t)
		}
		return writeJSON(out, f)
	case bool, nil:
		return writeJSON(out, t)
	}
	return nil
}

func writeByte(out *bytes.Buffer, b byte) {
	if out != nil {
		out.WriteByte(b)
	}
}

func writeJSON(out *bytes.Buffer, v any) error {
	if out == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cannot be re-encoded: %w", err)
	}
	out.Write(b)
	return nil
}

// CheckJSON reports why a stored Before or After document cannot be shown
// to the auditor as the one value its hash covers (nil when it can).
func CheckJSON(raw []byte) error { return checkJSON(raw, nil) }
