// Package audit owns the append-only audit log: what an entry holds, how
// entries are chained by hash per tenant, and how a chain is verified. The
// store writes entries in the same transaction as the change they record.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Entry is one recorded change. Before and After are JSON documents of the
// object (null for create and delete). Actor is a login id, never a name.
type Entry struct {
	ID         int64
	TenantID   int64 // 0 for instance-level (operator) entries
	Seq        int64 // 1, 2, 3 … per tenant
	At         time.Time
	ActorID    int64
	ActorLabel string
	Action     string // e.g. staff.update
	ObjectType string
	ObjectID   string
	Before     json.RawMessage
	After      json.RawMessage
	PrevHash   string
	Hash       string
}

// GenesisHash is the PrevHash of the first entry of every chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// hashVersion opens the content hashed by ComputeHash. The legacy form
// opens with the tenant id, digits only, so the two never hash alike.
const hashVersion = "v2"

// ComputeHash returns the hash of e's content and PrevHash. Before and
// After are hashed as the exact bytes stored, and shown as they are: what
// the auditor reads is what the hash covers, whatever a JSON parser would
// make of it. Every field is length-prefixed so that no two different
// entries serialise alike.
func ComputeHash(e *Entry) string {
	return hashFields(hashVersion,
		strconv.FormatInt(e.TenantID, 10),
		strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UTC().UnixMicro(), 10),
		strconv.FormatInt(e.ActorID, 10),
		e.ActorLabel, e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After),
		e.PrevHash)
}

// legacyHash is the hash entries were written with before ComputeHash
// covered the stored bytes: Before and After re-encoded by a parser (keys
// sorted, numbers as float64). Such entries still verify, but only when
// their stored JSON is exactly the form it was written in (see
// legacyExact), so that the text shown is the value hashed.
func legacyHash(e *Entry) string {
	return hashFields(
		strconv.FormatInt(e.TenantID, 10),
		strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UTC().UnixMicro(), 10),
		strconv.FormatInt(e.ActorID, 10),
		e.ActorLabel, e.Action, e.ObjectType, e.ObjectID,
		string(legacyCanonical(e.Before)), string(legacyCanonical(e.After)),
		e.PrevHash)
}

func hashFields(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// legacyCanonical is the re-encoding legacyHash covers, unchanged.
func legacyCanonical(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return []byte("null")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return b
}

// legacyExact reports whether raw is byte for byte what the writers of
// legacy entries stored for the value it holds: compact, in its key order,
// every string and number as encoding/json writes it. Then the value shown
// (the stored text) is the value the legacy hash covered; a number that
// a float64 would round (9007199254740993), a string escaped another way
// or spacing added could not have been written, so it was edited.
func legacyExact(raw json.RawMessage) bool {
	var b bytes.Buffer
	return checkJSON(raw, &b) == nil && bytes.Equal(b.Bytes(), raw)
}

// NewEntry builds the entry for one change, before the chain gives it its
// Seq and PrevHash and ComputeHash its Hash. Both writers of the store (one
// entry, a batch) build entries here so that they never differ.
func NewEntry(tenantID int64, at time.Time, actor Actor, c Change) *Entry {
	return &Entry{TenantID: tenantID, At: at, ActorID: actor.ID, ActorLabel: actor.Label,
		Action: c.Action, ObjectType: c.ObjectType, ObjectID: c.ObjectID,
		Before: Snapshot(c.Before), After: Snapshot(c.After)}
}

// Snapshot marshals an object for Before/After. A nil object gives null.
// A document the verifier would refuse (a custom marshaller repeating a
// key) is stored as a quoted note instead, so that no writer breaks its
// own chain.
func Snapshot(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	b, err := json.Marshal(v)
	if err == nil {
		err = CheckJSON(b)
	}
	if err != nil {
		b, _ = json.Marshal("unmarshalable: " + err.Error())
	}
	return b
}

// Break describes the first place a chain fails to verify.
type Break struct {
	TenantID int64
	Seq      int64 // the entry at fault (for a deletion: the seq that is missing)
	ID       int64
	Reason   string
	// Saved is true when the chain verifies on its own but does not reach
	// a head saved outside the database (cut, wiped or recomputed).
	Saved bool
}

func (b *Break) Error() string {
	if b.Saved {
		return fmt.Sprintf("audit chain of tenant %d does not reach the saved head at seq %d: %s", b.TenantID, b.Seq, b.Reason)
	}
	return fmt.Sprintf("audit chain of tenant %d broken at seq %d (id %d): %s", b.TenantID, b.Seq, b.ID, b.Reason)
}

// Verifier checks one tenant's chain entry by entry, in seq order, so that a
// long log can be streamed without holding it in memory.
type Verifier struct {
	TenantID int64
	prevHash string
	nextSeq  int64
	Count    int64
	saved    map[int64][]string // seq → hashes of saved heads
	maxSaved int64
}

// NewVerifier starts a chain check for a tenant.
func NewVerifier(tenantID int64) *Verifier {
	return &Verifier{TenantID: tenantID, prevHash: GenesisHash, nextSeq: 1}
}

// Expect adds a head saved outside the database: the chain must hold an
// entry at seq with that hash, or Add or Finish report a Saved break.
func (v *Verifier) Expect(seq int64, hash string) {
	if v.saved == nil {
		v.saved = map[int64][]string{}
	}
	v.saved[seq] = append(v.saved[seq], hash)
	v.maxSaved = max(v.maxSaved, seq)
}

// Add checks the next entry; it returns a *Break at the first fault.
func (v *Verifier) Add(e *Entry) error {
	switch {
	case e.TenantID != v.TenantID:
		return &Break{TenantID: v.TenantID, Seq: e.Seq, ID: e.ID, Reason: "entry belongs to another tenant"}
	case e.Seq > v.nextSeq:
		return &Break{TenantID: v.TenantID, Seq: v.nextSeq, ID: e.ID,
			Reason: fmt.Sprintf("entries %d–%d are missing (deleted)", v.nextSeq, e.Seq-1)}
	case e.Seq < v.nextSeq:
		return &Break{TenantID: v.TenantID, Seq: e.Seq, ID: e.ID, Reason: "sequence number repeats"}
	case e.PrevHash != v.prevHash:
		return &Break{TenantID: v.TenantID, Seq: e.Seq, ID: e.ID, Reason: "previous-hash link does not match the entry before it"}
	}
	if reason := contentFault(e); reason != "" {
		return &Break{TenantID: v.TenantID, Seq: e.Seq, ID: e.ID, Reason: reason}
	}
	for _, h := range v.saved[e.Seq] {
		if h != e.Hash {
			return &Break{TenantID: v.TenantID, Seq: e.Seq, ID: e.ID, Saved: true,
				Reason: "the entry's hash differs from the saved head's (the chain was rewritten and its hashes recomputed)"}
		}
	}
	v.prevHash, v.nextSeq = e.Hash, e.Seq+1
	v.Count++
	return nil
}

// contentFault says why e's content does not match its hash, or "".
func contentFault(e *Entry) string {
	for _, d := range []struct {
		name string
		raw  json.RawMessage
	}{{"before", e.Before}, {"after", e.After}} {
		if err := CheckJSON(d.raw); err != nil {
			return fmt.Sprintf("the %s JSON %v, so it could be read two ways (edited)", d.name, err)
		}
	}
	switch e.Hash {
	case ComputeHash(e):
		return ""
	case legacyHash(e):
		if !legacyExact(e.Before) || !legacyExact(e.After) {
			return "the stored JSON is not the form its hash was computed from (edited)"
		}
		return ""
	}
	return "content does not match its hash (edited)"
}

// Finish compares the end of the chain with the head the store keeps, which
// reveals entries cut from the end, and with the heads saved outside the
// database, which reveal a cut that also moved the stored head back.
func (v *Verifier) Finish(headSeq int64, headHash string) error {
	last := v.nextSeq - 1
	if headSeq != last || (headSeq > 0 && headHash != v.prevHash) {
		return &Break{TenantID: v.TenantID, Seq: v.nextSeq,
			Reason: fmt.Sprintf("chain ends at seq %d but the head records seq %d (entries removed from the end)", last, headSeq)}
	}
	if v.maxSaved > last {
		reason := fmt.Sprintf("the chain ends at seq %d, before the saved head (entries removed from the end)", last)
		if last == 0 {
			reason = "the chain has no entries (wiped)"
		}
		return &Break{TenantID: v.TenantID, Seq: v.maxSaved, Saved: true, Reason: reason}
	}
	return nil
}

// Filter narrows an audit log listing. Entries are listed newest first.
type Filter struct {
	Action     string   // prefix, e.g. "staff."
	Actions    []string // any of these actions exactly (the auditor's pickers)
	ObjectType string
	ObjectID   string
	ObjectIDs  []string // any of these objects (of ObjectType)
	Actor      string
	Actors     []string  // any of these login ids, their API tokens' changes included
	From, To   time.Time // To is exclusive; zero means open
	Limit      int
	BeforeSeq  int64 // for paging backwards from the newest
	// AfterSeq pages forwards: the Limit entries just newer than it
	// (still listed newest first).
	AfterSeq int64
	// Forward takes the oldest entries after AfterSeq, from the start of
	// the chain when AfterSeq is 0 (an export reads the chain this way).
	Forward bool
}

// Normalize trims filter strings.
func (f *Filter) Normalize() {
	f.Action = strings.TrimSpace(f.Action)
	f.ObjectType = strings.TrimSpace(f.ObjectType)
	f.ObjectID = strings.TrimSpace(f.ObjectID)
	f.Actor = strings.TrimSpace(f.Actor)
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
}

// Actor is who made a change: an account id and login id. System jobs use
// ID 0 and a label such as "system:retention".
type Actor struct {
	ID    int64
	Label string
}

// Change is what a store method records for one change.
type Change struct {
	Action     string
	ObjectType string
	ObjectID   string
	Before     any
	After      any
}
