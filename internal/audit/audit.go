// Package audit owns the append-only audit log: what an entry holds, how
// entries are chained by hash per tenant, and how a chain is verified. The
// store writes entries in the same transaction as the change they record.
package audit

import (
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

// ComputeHash returns the hash of e's content and PrevHash. Every field
// is length-prefixed so that no two different entries serialise alike.
func ComputeHash(e *Entry) string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.TenantID, 10),
		strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UTC().UnixMicro(), 10),
		strconv.FormatInt(e.ActorID, 10),
		e.ActorLabel, e.Action, e.ObjectType, e.ObjectID,
		string(canonical(e.Before)), string(canonical(e.After)),
		e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// canonical re-encodes JSON so that the hash does not depend on whitespace
// or key order (PostgreSQL's jsonb would reorder keys, for one).
func canonical(raw json.RawMessage) []byte {
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

// Snapshot marshals an object for Before/After. A nil object gives null.
func Snapshot(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(strconv.Quote("unmarshalable: " + err.Error()))
	}
	return b
}

// Break describes the first place a chain fails to verify.
type Break struct {
	TenantID int64
	Seq      int64 // the entry at fault (for a deletion: the seq that is missing)
	ID       int64
	Reason   string
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit chain of tenant %d broken at seq %d (id %d): %s", b.TenantID, b.Seq, b.ID, b.Reason)
}

// Verifier checks one tenant's chain entry by entry, in seq order, so that a
// long log can be streamed without holding it in memory.
type Verifier struct {
	TenantID int64
	prevHash string
	nextSeq  int64
	Count    int64
}

// NewVerifier starts a chain check for a tenant.
func NewVerifier(tenantID int64) *Verifier {
	return &Verifier{TenantID: tenantID, prevHash: GenesisHash, nextSeq: 1}
}

// Add checks the next entry; it returns a *Break at the first fault.
func (v *Verifier) Add(e *Entry) error {
	switch {
	case e.TenantID != v.TenantID:
		return &Break{v.TenantID, e.Seq, e.ID, "entry belongs to another tenant"}
	case e.Seq > v.nextSeq:
		return &Break{v.TenantID, v.nextSeq, e.ID, fmt.Sprintf("entries %d–%d are missing (deleted)", v.nextSeq, e.Seq-1)}
	case e.Seq < v.nextSeq:
		return &Break{v.TenantID, e.Seq, e.ID, "sequence number repeats"}
	case e.PrevHash != v.prevHash:
		return &Break{v.TenantID, e.Seq, e.ID, "previous-hash link does not match the entry before it"}
	case ComputeHash(e) != e.Hash:
		return &Break{v.TenantID, e.Seq, e.ID, "content does not match its hash (edited)"}
	}
	v.prevHash, v.nextSeq = e.Hash, e.Seq+1
	v.Count++
	return nil
}

// Finish compares the end of the chain with the head the store keeps, which
// reveals entries cut from the end.
func (v *Verifier) Finish(headSeq int64, headHash string) error {
	if headSeq != v.nextSeq-1 || (headSeq > 0 && headHash != v.prevHash) {
		return &Break{v.TenantID, v.nextSeq, 0,
			fmt.Sprintf("chain ends at seq %d but the head records seq %d (entries removed from the end)", v.nextSeq-1, headSeq)}
	}
	return nil
}

// Filter narrows an audit log listing.
type Filter struct {
	Action     string // prefix, e.g. "staff."
	ObjectType string
	ObjectID   string
	Actor      string
	From, To   time.Time // To is exclusive; zero means open
	Limit      int
	BeforeSeq  int64 // for paging backwards from the newest
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
