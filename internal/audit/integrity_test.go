package audit

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// goldenLegacy is an entry as the code before hash version 2 wrote it; its
// hash was computed by that code and is kept here as it came out.
func goldenLegacy() *Entry {
	return &Entry{TenantID: 3, Seq: 42, At: time.Date(2025, 4, 1, 0, 30, 0, 123456000, time.UTC), ActorID: 9, ActorLabel: "jinji01",
		Action: "staff.update", ObjectType: "staff", ObjectID: "17",
		Before: json.RawMessage(`{"id":17,"name":"松本 太郎","unit_id":4,"roles":["hr","staff"],"note":"\u003cb\u003e","rate":0.5}`),
		After:  json.RawMessage(`null`), PrevHash: GenesisHash,
		Hash: "f1e18137785f2d50163c5774514ae742b82bc6d4a25983096ce68594de439d8f"}
}

func TestLegacyEntriesStillVerify(t *testing.T) {
	e := goldenLegacy()
	if legacyHash(e) != e.Hash {
		t.Fatal("the legacy hash changed: chains written before version 2 would no longer verify")
	}
	if reason := contentFault(e); reason != "" {
		t.Fatalf("legacy entry refused: %s", reason)
	}
	// Entries written now verify too, and are not mistaken for legacy ones.
	n := NewEntry(3, e.At, Actor{ID: 9, Label: "jinji01"}, Change{Action: "staff.update", ObjectType: "staff", ObjectID: "17",
		Before: map[string]any{"b": 1, "a": "<x>"}})
	n.Seq, n.PrevHash = 1, GenesisHash
	n.Hash = ComputeHash(n)
	if reason := contentFault(n); reason != "" || n.Hash == legacyHash(n) {
		t.Fatalf("new entry: %q", reason)
	}
}

// A stored entry edited so that a parser still sees what was hashed but the
// auditor, reading the stored text, sees something else: each is a break.
func TestForgedJSONBreaks(t *testing.T) {
	legacy := func(before string) *Entry {
		e := goldenLegacy()
		e.Before = json.RawMessage(before)
		e.Hash = legacyHash(e)
		return e
	}
	current := func(before string) *Entry {
		e := goldenLegacy()
		e.Before = json.RawMessage(before)
		e.Hash = ComputeHash(e)
		return e
	}
	tests := []struct {
		name   string
		entry  *Entry
		forged string
		want   string
	}{
		// The parser keeps the last "roles": the hash is unchanged while a
		// reader of the text sees the first.
		{"legacy duplicate key", legacy(`{"roles":["hr"]}`), `{"roles":["staff"],"roles":["hr"]}`, "twice"},
		{"legacy nested duplicate", legacy(`{"a":{"role":"hr"}}`), `{"a":{"role":"staff","role":"hr"}}`, "twice"},
		{"legacy number a float64 rounds", legacy(`{"id":9007199254740992}`), `{"id":9007199254740993}`, "not the form"},
		{"legacy other escaping", legacy(`{"n":"A"}`), `{"n":"\u0041"}`, "not the form"},
		{"legacy spacing", legacy(`{"n":1}`), `{"n": 1}`, "not the form"},
		{"legacy lone surrogate", legacy(`{"n":"\ufffd"}`), `{"n":"\ud800"}`, "not the form"},
		// Hashed as stored, but a document that reads two ways is refused
		// even with a matching hash (a writer never stores one).
		{"current duplicate key", current(`{"role":"staff","role":"hr"}`), "", "twice"},
		{"current invalid UTF-8", current("{\"n\":\"\xff\"}"), "", "UTF-8"},
		{"current trailing data", current(`{"n":1}{"n":2}`), "", "not valid JSON"},
		{"current not JSON", current(`{"n":`), "", "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.entry
			if tt.forged != "" {
				e.Before = json.RawMessage(tt.forged)
			}
			v := NewVerifier(3)
			v.nextSeq = 42
			err := v.Add(e)
			var b *Break
			if !errors.As(err, &b) || !strings.Contains(b.Reason, tt.want) || b.Seq != 42 {
				t.Fatalf("got %v, want a break at seq 42 saying %q", err, tt.want)
			}
		})
	}
}

type dupMarshaller struct{}

func (dupMarshaller) MarshalJSON() ([]byte, error) { return []byte(`{"a":1,"a":2}`), nil }

func TestSnapshotNeverWritesWhatVerifyRefuses(t *testing.T) {
	got := Snapshot(dupMarshaller{})
	if CheckJSON(got) != nil || !strings.Contains(string(got), "twice") {
		t.Fatalf("snapshot %s", got)
	}
	if s := Snapshot(map[string]any{"k": "<&>"}); string(s) != `{"k":"\u003c\u0026\u003e"}` {
		t.Fatalf("snapshot changed its encoding: %s", s)
	}
}

func TestSavedHeads(t *testing.T) {
	good := chain(5)
	run := func(es []*Entry, headSeq int64, headHash string, saved ...*Entry) error {
		v := NewVerifier(7)
		for _, s := range saved {
			v.Expect(s.Seq, s.Hash)
		}
		for _, e := range es {
			if err := v.Add(e); err != nil {
				return err
			}
		}
		return v.Finish(headSeq, headHash)
	}
	if err := run(good, 5, good[4].Hash, good[2], good[4]); err != nil {
		t.Fatalf("intact chain against its own heads: %v", err)
	}
	// Recomputed from seq 2 on, stored head moved along: only a saved head
	// tells.
	re := chain(5)
	re[1].Action = "staff.create"
	for i := 1; i < 5; i++ {
		re[i].PrevHash = re[i-1].Hash
		re[i].Hash = ComputeHash(re[i])
	}
	if err := run(re, 5, re[4].Hash); err != nil {
		t.Fatalf("a recomputed chain verifies on its own: %v", err)
	}
	tests := []struct {
		name    string
		err     error
		wantSeq int64
		want    string
	}{
		{"tail cut", run(good[:3], 3, good[2].Hash, good[4]), 5, "ends at seq 3"},
		{"wiped", run(nil, 0, "", good[4]), 5, "no entries"},
		{"recomputed", run(re, 5, re[4].Hash, good[3]), 4, "recomputed"},
	}
	for _, tt := range tests {
		var b *Break
		if !errors.As(tt.err, &b) || !b.Saved || b.Seq != tt.wantSeq || !strings.Contains(b.Reason, tt.want) {
			t.Errorf("%s: got %v, want a saved-head break at seq %d (%q)", tt.name, tt.err, tt.wantSeq, tt.want)
		}
	}
}

func TestParseHeads(t *testing.T) {
	h := Head{TenantID: 3, Slug: "kobe", Seq: 120, Hash: strings.Repeat("ab", 32)}
	inst := Head{TenantID: 0, Seq: 9, Hash: strings.Repeat("0f", 32)}
	var text strings.Builder
	if err := WriteHeads(&text, time.Unix(1700000000, 0), []Head{inst, h}); err != nil {
		t.Fatal(err)
	}
	if want := "audit-head tenant=3 slug=kobe seq=120 hash=" + h.Hash; !strings.Contains(text.String(), want+"\n") {
		t.Fatalf("line form changed:\n%s", text.String())
	}
	jsonDoc, _ := json.MarshalIndent(HeadSet{TakenAt: time.Unix(1700000000, 0), Heads: []Head{inst, h}}, "", "  ")
	logLine := `{"time":"2025-06-01T00:00:01Z","level":"INFO","msg":"audit head","line":"` + h.Line() + `"}` + "\n"
	for name, in := range map[string]string{"lines": text.String(), "json": string(jsonDoc), "log": "noise\n" + logLine} {
		got, err := ParseHeads(strings.NewReader(in))
		if err != nil || len(got) == 0 || got[len(got)-1] != h {
			t.Errorf("%s: %+v %v", name, got, err)
		}
		if name != "log" && (len(got) != 2 || got[0] != inst) {
			t.Errorf("%s: instance head %+v", name, got)
		}
	}
	for _, bad := range []string{"", "nothing here\n", `{"heads":[{"tenant_id":1,"seq":2,"hash":"xyz"}]}`} {
		if _, err := ParseHeads(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// What the writers stored before hash version 2 (json.Marshal of the
// services' objects) is exactly the form legacyExact accepts, so that no
// genuine legacy entry is reported as edited.
func TestLegacyWritersFormIsExact(t *testing.T) {
	type inner struct {
		Gender  string `json:"gender"`
		Minutes int    `json:"commute_minutes"`
	}
	type obj struct {
		ID        int64             `json:"id"`
		Name      string            `json:"name"`
		Note      string            `json:"note"`
		Rate      float64           `json:"rate"`
		Small     float32           `json:"small"`
		Tiny      float64           `json:"tiny"`
		Big       int64             `json:"big"`
		Dur       time.Duration     `json:"dur"`
		At        time.Time         `json:"at"`
		Roles     []string          `json:"roles"`
		Nothing   *inner            `json:"nothing"`
		Sensitive *inner            `json:"sensitive,omitempty"`
		Extra     map[string]any    `json:"extra"`
		Raw       json.RawMessage   `json:"raw"`
		Bytes     []byte            `json:"bytes"`
		Flags     map[string]bool   `json:"flags"`
		Empty     []int             `json:"empty"`
		Labels    map[string]string `json:"labels"`
	}
	o := obj{ID: 1 << 40, Name: "髙橋 次郎\u2028", Note: "<script>&\"\\\t\x01", Rate: 0.1, Small: 0.3, Tiny: 1e-7, Big: 1 << 53,
		Dur: 12 * time.Hour, At: time.Date(2025, 4, 1, 9, 0, 0, 123, time.FixedZone("JST", 9*3600)), Roles: []string{"hr_admin"},
		Sensitive: &inner{"female", 45}, Extra: map[string]any{"z": 1, "a": []any{nil, true, 2.5}}, Raw: json.RawMessage(` { "b" : 1 } `),
		Bytes: []byte{0, 255}, Flags: map[string]bool{"x": false}, Labels: map[string]string{"\u00e9": "é"}}
	for _, v := range []any{o, map[string]any{"kind": "staff", "removed": int64(12), "older_than": "2025-01-01T00:00:00Z"}, "x", 3, nil} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !legacyExact(b) {
			t.Errorf("a legacy writer's form is not exact: %s", b)
		}
	}
}
