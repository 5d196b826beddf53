package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Head is where a tenant's chain ended when it was read: its last sequence
// number and that entry's hash. Every entry's hash covers the one before,
// so a head kept outside the database (printed, mailed, on a write-once
// share) pins down the whole chain up to it: a later cut, wipe or
// recomputation cannot reach it again. This is the tree head of
// Certificate Transparency, sized for a city hall.
type Head struct {
	TenantID int64  `json:"tenant_id"`
	Slug     string `json:"slug"` // "" for the instance's own chain (tenant 0)
	Seq      int64  `json:"seq"`
	Hash     string `json:"hash"`
}

// headPrefix opens every head line, wherever it appears (a head file, the
// server's log), so that heads can be picked out of any text.
const headPrefix = "audit-head"

// Line is the head's one-line form, stable across versions:
//
//	audit-head tenant=<id> slug=<slug or -> seq=<n> hash=<64 hex>
func (h Head) Line() string {
	slug := h.Slug
	if slug == "" {
		slug = "-"
	}
	return fmt.Sprintf("%s tenant=%d slug=%s seq=%d hash=%s", headPrefix, h.TenantID, slug, h.Seq, h.Hash)
}

// Label names the chain for people: "3 (kobe)", or "0 (instance)".
func (h Head) Label() string { return ChainLabel(h.TenantID, h.Slug) }

// ChainLabel names a tenant's chain for people: "3 (kobe)", "0 (instance)".
func ChainLabel(tenantID int64, slug string) string {
	switch {
	case slug != "":
		return fmt.Sprintf("%d (%s)", tenantID, slug)
	case tenantID == 0:
		return "0 (instance)"
	}
	return strconv.FormatInt(tenantID, 10)
}

// HeadSet is the document `telework audit head --json` prints.
type HeadSet struct {
	TakenAt time.Time `json:"taken_at"`
	Heads   []Head    `json:"heads"`
}

// WriteHeads writes heads in the line form, after a comment line saying
// when they were taken.
func WriteHeads(w io.Writer, takenAt time.Time, heads []Head) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# telework audit heads taken %s\n", takenAt.UTC().Format(time.RFC3339))
	for _, h := range heads {
		b.WriteString(h.Line())
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var headLine = regexp.MustCompile(headPrefix + ` tenant=(\d+) slug=(\S+) seq=(\d+) hash=([0-9a-f]{64})\b`)

// MaxHeadFile bounds what ParseHeads reads: heads are a few lines per
// tenant; a whole server log should be narrowed with grep audit-head first.
const MaxHeadFile = 64 << 20

// ParseHeads reads saved heads: the JSON of HeadSet, or any text holding
// head lines (a head file, a mail, the server's log), other lines ignored.
// It refuses a file with no head at all, so that a wrong file is not
// taken for an empty one.
func ParseHeads(r io.Reader) ([]Head, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxHeadFile+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxHeadFile {
		return nil, fmt.Errorf("%d MiB を超えています。%s の行だけにしてください(grep %s) / larger than %d MiB; keep only its %s lines",
			MaxHeadFile>>20, headPrefix, headPrefix, MaxHeadFile>>20, headPrefix)
	}
	var set HeadSet
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' && json.Unmarshal(t, &set) == nil && set.Heads != nil {
		for i, h := range set.Heads {
			if !validHash(h.Hash) || h.Seq < 0 || h.TenantID < 0 {
				return nil, fmt.Errorf("JSON の %d 件目に tenant_id, seq, 16進64桁の hash が必要です / head %d of the JSON: tenant_id, seq and a 64-digit hex hash are required", i+1, i+1)
			}
		}
		if len(set.Heads) == 0 {
			return nil, errors.New("先頭が1件もありません / the head file lists no heads")
		}
		return set.Heads, nil
	}
	var out []Head
	for _, m := range headLine.FindAllSubmatch(raw, -1) {
		id, err1 := strconv.ParseInt(string(m[1]), 10, 64)
		seq, err2 := strconv.ParseInt(string(m[3]), 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("読めない行です / unreadable head line: %s", m[0])
		}
		slug := string(m[2])
		if slug == "-" {
			slug = ""
		}
		out = append(out, Head{TenantID: id, Slug: slug, Seq: seq, Hash: string(m[4])})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s の行がなく、telework audit head --json の JSON でもありません / no %s line, and not the JSON of telework audit head --json", headPrefix, headPrefix)
	}
	return out, nil
}

func validHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
