package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// refCheck is checkJSON written plainly over json.Decoder's tokens: the
// scanner must agree with it on every input (and never panic).
func refCheck(raw []byte, out *bytes.Buffer) bool {
	if !utf8.Valid(raw) || !json.Valid(raw) { // json.Valid also bounds the nesting
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var value func() bool
	value = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case json.Delim:
			open, close := byte(t), byte('}')
			if t == '[' {
				close = ']'
			}
			out.WriteByte(open)
			seen := map[string]bool{}
			for n := 0; dec.More(); n++ {
				if n > 0 {
					out.WriteByte(',')
				}
				if t == '{' {
					kt, err := dec.Token()
					k, ok := kt.(string)
					if err != nil || !ok || seen[k] {
						return false
					}
					seen[k] = true
					b, _ := json.Marshal(k)
					out.Write(b)
					out.WriteByte(':')
				}
				if !value() {
					return false
				}
			}
			if _, err := dec.Token(); err != nil {
				return false
			}
			out.WriteByte(close)
			return true
		case json.Number:
			f, err := t.Float64()
			if err != nil {
				return false
			}
			b, _ := json.Marshal(f)
			out.Write(b)
			return true
		default:
			b, _ := json.Marshal(t)
			out.Write(b)
			return true
		}
	}
	if !value() {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`null`, `{"a":1,"b":[1,2,{"c":"\u0041"}]}`, `{"a":1,"a":2}`, `{"a":{"b":1,"\u0062":2}}`,
		`[{"x":1},{"x":1}]`, ` {"n": 1e400 } `, `"\ud800"`, `{"k":"<&>"}`, `{}`, `[]`, `{"a":1}{"a":2}`, "\"\xff\"", `-0.0`,
		`{"":1,"":2}`, `[1,2`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var a, b bytes.Buffer
		got := checkJSON(raw, &a) == nil
		want := refCheck(raw, &b)
		if got != want || (got && a.String() != b.String()) {
			t.Fatalf("%q: scanner %v %q, reference %v %q", raw, got, a.String(), want, b.String())
		}
		// CheckJSON skips the re-encoding, so it also takes a number too
		// large for a float64 (which only a legacy entry must avoid).
		if err := CheckJSON(raw); (err == nil) != want {
			var c bytes.Buffer
			if err != nil || !strings.Contains(fmt.Sprint(checkJSON(raw, &c)), "out of range") {
				t.Fatalf("%q: CheckJSON %v, reference %v", raw, err, want)
			}
		}
	})
}
