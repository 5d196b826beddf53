package schedule

import (
	"bytes"
	"unicode/utf8"
)

// MaxLine is the longest content line of a feed in octets, without its
// CRLF (RFC 5545 §3.1).
const MaxLine = 75

// fold folds every content line of an encoded iCalendar stream longer than
// MaxLine octets (RFC 5545 §3.1): CRLF followed by one space, every
// physical line at most MaxLine octets, the space included, and never
// inside a UTF-8 sequence. go-ical's encoder writes each property on one
// line whatever its length (a day's plan of 70 Japanese characters is a
// 250-octet DESCRIPTION); its decoder, like every reader, unfolds. The
// encoder refuses CR and LF inside values, so "\r\n" only ever ends a
// line.
func fold(in []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(in) + len(in)/MaxLine*3)
	for len(in) > 0 {
		line, rest, found := bytes.Cut(in, []byte("\r\n"))
		in = rest
		limit := MaxLine
		for len(line) > limit {
			cut := limit
			// Back off to the first byte of a character: a
			// continuation byte (10xxxxxx) is never a place to break.
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			if cut == 0 { // not UTF-8 at all: octets, as they come
				cut = limit
			}
			out.Write(line[:cut])
			out.WriteString("\r\n ")
			line = line[cut:]
			limit = MaxLine - 1 // the leading space counts
		}
		out.Write(line)
		if found {
			out.WriteString("\r\n")
		}
	}
	return out.Bytes()
}
