package audit

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func chain(n int) []*Entry {
	var out []*Entry
	prev := GenesisHash
	for i := 1; i <= n; i++ {
		e := &Entry{ID: int64(i), TenantID: 7, Seq: int64(i), At: time.Unix(1700000000+int64(i), 0),
			ActorID: 1, ActorLabel: "hr01", Action: "staff.update", ObjectType: "staff", ObjectID: "3",
			Before: json.RawMessage(`{"b":1,"a":2}`), After: json.RawMessage(`{"a":3}`), PrevHash: prev}
		e.Hash = ComputeHash(e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []*Entry, headSeq int64, headHash string) error {
	v := NewVerifier(7)
	for _, e := range es {
		if err := v.Add(e); err != nil {
			return err
		}
	}
	return v.Finish(headSeq, headHash)
}

func TestVerify(t *testing.T) {
	good := chain(5)
	head := good[4]
	tests := []struct {
		name    string
		mutate  func([]*Entry) []*Entry
		wantSeq int64
	}{
		{"intact", func(es []*Entry) []*Entry { return es }, 0},
		{"edited after", func(es []*Entry) []*Entry { es[2].After = json.RawMessage(`{"a":4}`); return es }, 3},
		{"edited actor", func(es []*Entry) []*Entry { es[1].ActorLabel = "someone"; return es }, 2},
		{"deleted middle", func(es []*Entry) []*Entry { return append(es[:2], es[3:]...) }, 3},
		{"deleted last", func(es []*Entry) []*Entry { return es[:4] }, 5},
		{"rehashed edit", func(es []*Entry) []*Entry {
			es[1].Action = "x"
			es[1].Hash = ComputeHash(es[1])
			return es
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := tt.mutate(chain(5))
			err := verify(es, head.Seq, head.Hash)
			var b *Break
			if tt.wantSeq == 0 {
				if err != nil {
					t.Fatalf("intact chain failed: %v", err)
				}
				return
			}
			if !errors.As(err, &b) || b.Seq != tt.wantSeq {
				t.Fatalf("got %v, want break at seq %d", err, tt.wantSeq)
			}
		})
	}
}

// The hash covers the stored bytes: reordering keys or adding spaces is an
// edit, since the auditor is shown the stored text.
func TestHashCoversStoredBytes(t *testing.T) {
	a := chain(1)[0]
	b := *a
	b.Before = json.RawMessage(`{ "a": 2, "b": 1 }`)
	if ComputeHash(a) == ComputeHash(&b) {
		t.Error("hash ignores how the JSON is written")
	}
}
