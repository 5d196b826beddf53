package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"telework/internal/audit"
	"telework/internal/store"
	"telework/internal/store/storetest"
)

// chainDB opens dsn behind the application's back, with the append-only
// triggers of audit_log lifted, for tests that play the attacker.
type chainDB struct {
	t   *testing.T
	db  *store.DB
	eng store.Engine
}

func openChainDB(t *testing.T, eng store.Engine, dsn string) *chainDB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &chainDB{t: t, db: db, eng: eng}
	if eng == store.Postgres {
		c.exec(`ALTER TABLE audit_log DISABLE TRIGGER USER`)
	} else {
		c.exec(`DROP TRIGGER audit_log_no_update`)
		c.exec(`DROP TRIGGER audit_log_no_delete`)
	}
	return c
}

// exec runs q with ? placeholders on either engine.
func (c *chainDB) exec(q string, args ...any) {
	c.t.Helper()
	if c.eng == store.Postgres {
		var b strings.Builder
		n := 0
		for _, r := range q {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		q = b.String()
	}
	if _, err := c.db.SQL.Exec(q, args...); err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
}

func (c *chainDB) tenantID(slug string) int64 {
	c.t.Helper()
	var id int64
	if err := c.db.SQL.QueryRow(`SELECT id FROM tenants WHERE slug = '` + slug + `'`).Scan(&id); err != nil {
		c.t.Fatal(err)
	}
	return id
}

func (c *chainDB) entries(tenantID int64) []*audit.Entry {
	c.t.Helper()
	var out []*audit.Entry
	if err := c.db.EachAuditEntry(context.Background(), tenantID, func(e *audit.Entry) error {
		out = append(out, e)
		return nil
	}); err != nil {
		c.t.Fatal(err)
	}
	return out
}

// append inserts e at the end of the tenant's chain, as a writer would,
// and moves the stored head to it.
func (c *chainDB) append(e *audit.Entry) {
	c.t.Helper()
	c.exec(`INSERT INTO audit_log (tenant_id, seq, at, actor_id, actor_label, action, object_type, object_id, before_json,
		after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.TenantID, e.Seq, e.At.UnixMicro(), e.ActorID,
		e.ActorLabel, e.Action, e.ObjectType, e.ObjectID, string(e.Before), string(e.After), e.PrevHash, e.Hash)
	c.exec(`UPDATE audit_heads SET seq = ?, last_hash = ? WHERE tenant_id = ?`, e.Seq, e.Hash, e.TenantID)
}

// next is an entry after the last of the tenant's chain.
func (c *chainDB) next(tenantID int64, before string) *audit.Entry {
	es := c.entries(tenantID)
	last := es[len(es)-1]
	return &audit.Entry{TenantID: tenantID, Seq: last.Seq + 1, At: time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC), ActorID: 1,
		ActorLabel: "jinji01", Action: "user.update", ObjectType: "user", ObjectID: "1",
		Before: json.RawMessage(before), After: json.RawMessage(`null`), PrevHash: last.Hash}
}

// legacyHash is the hash the code before hash version 2 wrote, written
// out here on its own: Before and After re-encoded by encoding/json.
func legacyHash(e *audit.Entry) string {
	canon := func(raw json.RawMessage) string {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return string(raw)
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(e.TenantID, 10), strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UTC().UnixMicro(), 10), strconv.FormatInt(e.ActorID, 10), e.ActorLabel, e.Action, e.ObjectType,
		e.ObjectID, canon(e.Before), canon(e.After), e.PrevHash} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func setupChain(t *testing.T, eng store.Engine) (dsn string, c *chainDB, tid int64) {
	t.Helper()
	dsn = storetest.DSN(t, eng)
	if code, out, errb := cli(t, "tenant", "create", "--db", dsn, "--slug", "kobe", "--name", "神戸市", "--kind", "designated_city",
		"--staff-size", "15000", "--general-admin-staff", "9000", "--admin-login", "jinji01"); code != 0 {
		t.Fatalf("tenant create: %d %s %s", code, out, errb)
	}
	for _, login := range []string{"kansa01", "kansa02", "kansa03"} {
		if code, out, errb := cli(t, "user", "create", "--db", dsn, "--tenant", "kobe", "--login", login, "--roles", "auditor"); code != 0 {
			t.Fatalf("user create: %d %s %s", code, out, errb)
		}
	}
	c = openChainDB(t, eng, dsn)
	return dsn, c, c.tenantID("kobe")
}

// Issue 10 #3: a stored entry whose JSON repeats a key reads one way to
// the auditor and another to a parser; the chain used to hash the parsed
// form, so verify said OK.
func TestAuditVerifyRefusesDuplicateKeys(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			dsn, c, tid := setupChain(t, eng)
			// Entries as the code before this change wrote them still verify,
			// and the chain goes on after them.
			old := c.next(tid, `{"id":1,"login_id":"jinji01","roles":["hr_admin"],"disabled":false}`)
			old.Hash = legacyHash(old)
			c.append(old)
			if code, out, _ := cli(t, "user", "create", "--db", dsn, "--tenant", "kobe", "--login", "kansa04", "--roles", "auditor"); code != 0 {
				t.Fatalf("user create after a legacy entry: %d %s", code, out)
			}
			if code, out, _ := cli(t, "audit", "verify", "--db", dsn, "--tenant", "kobe"); code != 0 || !strings.Contains(out, "OK") {
				t.Fatalf("legacy entries no longer verify: %d %s", code, out)
			}

			// A forged entry: the auditor reads "staff" first, a parser keeps
			// "hr_admin"; hashed as the old code did, it used to verify.
			forged := c.next(tid, `{"id":1,"login_id":"jinji01","roles":["staff"],"disabled":false,"roles":["hr_admin"]}`)
			forged.Hash = legacyHash(forged)
			c.append(forged)
			code, out, _ := cli(t, "audit", "verify", "--db", dsn, "--tenant", "kobe")
			want := fmt.Sprintf("BROKEN at seq %d", forged.Seq)
			if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, `"roles" twice`) || !strings.Contains(out, "kobe") {
				t.Fatalf("duplicate key (legacy hash): exit %d, want %q\n%s", code, want, out)
			}

			// Hashed as stored, a duplicate key is refused all the same.
			dsn2, c2, tid2 := setupChain(t, eng)
			forged = c2.next(tid2, `{"roles":["staff"],"roles":["hr_admin"]}`)
			forged.Hash = audit.ComputeHash(forged)
			c2.append(forged)
			code, out, _ = cli(t, "audit", "verify", "--db", dsn2)
			if code != 1 || !strings.Contains(out, fmt.Sprintf("BROKEN at seq %d", forged.Seq)) || !strings.Contains(out, "twice") {
				t.Fatalf("duplicate key (hash of the bytes): exit %d\n%s", code, out)
			}
		})
	}
}

// saveHeads runs `telework audit head` and keeps its output in a file, as
// an operator would (the JSON form when asJSON).
func saveHeads(t *testing.T, dsn string, asJSON bool, extra ...string) string {
	t.Helper()
	args := append([]string{"audit", "head", "--db", dsn}, extra...)
	if asJSON {
		args = append(args, "--json")
	}
	code, out, errb := cli(t, args...)
	if code != 0 {
		t.Fatalf("audit head: %d %s %s", code, out, errb)
	}
	name := filepath.Join(t.TempDir(), "heads.txt")
	if err := os.WriteFile(name, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// Issue 10 #13: a tail cut, a wiped chain and a recomputed chain all
// verify on their own; a head saved outside the database catches each.
func TestAuditHeadCatchesCutWipeAndRecomputation(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			dsn, c, tid := setupChain(t, eng)
			code, out, _ := cli(t, "audit", "head", "--db", dsn)
			es := c.entries(tid)
			last := es[len(es)-1]
			line := fmt.Sprintf("audit-head tenant=%d slug=kobe seq=%d hash=%s\n", tid, last.Seq, last.Hash)
			if code != 0 || !strings.Contains(out, line) || !strings.Contains(out, "audit-head tenant=0 slug=- seq=") ||
				!strings.HasPrefix(out, "# telework audit heads taken ") {
				t.Fatalf("audit head: %d\n%s", code, out)
			}
			code, out, _ = cli(t, "audit", "head", "--db", dsn, "--tenant", "kobe", "--json")
			var set audit.HeadSet
			if err := json.Unmarshal([]byte(out), &set); code != 0 || err != nil || len(set.Heads) != 1 ||
				set.Heads[0] != (audit.Head{TenantID: tid, Slug: "kobe", Seq: last.Seq, Hash: last.Hash}) {
				t.Fatalf("audit head --json: %d %v\n%s", code, err, out)
			}
			if code, out, _ := cli(t, "audit", "head", "--db", dsn, "--tenant", "nowhere"); code != 1 {
				t.Errorf("unknown tenant: %d %s", code, out)
			}
			heads, headsJSON := saveHeads(t, dsn, false), saveHeads(t, dsn, true)
			for _, f := range []string{heads, headsJSON} {
				code, out, _ := cli(t, "audit", "verify", "--db", dsn, "--head", f)
				if code != 0 || !strings.Contains(out, fmt.Sprintf("tenant %d (kobe): OK (%d entries; reaches the saved head at seq %d)", tid, last.Seq, last.Seq)) {
					t.Fatalf("intact chain against its saved heads: %d\n%s", code, out)
				}
			}
			if code, _, errb := cli(t, "audit", "verify", "--db", dsn, "--head", filepath.Join(t.TempDir(), "none")); code != 1 || !strings.Contains(errb, "--head") {
				t.Errorf("missing head file: %d %s", code, errb)
			}
			empty := filepath.Join(t.TempDir(), "empty.txt")
			_ = os.WriteFile(empty, []byte("nothing saved here\n"), 0o600)
			if code, _, errb := cli(t, "audit", "verify", "--db", dsn, "--head", empty); code != 1 || !strings.Contains(errb, "audit-head") {
				t.Errorf("a file without heads: %d %s", code, errb)
			}

			// attack rewrites the chain behind the application's back, checks
			// that a plain verify is fooled (or, for a wiped chain, sees the
			// tenant's chain empty: plainSees), and that the saved head is not.
			attack := func(name string, dsn string, heads string, want string, plainSees ...string) {
				t.Helper()
				code, out, _ := cli(t, "audit", "verify", "--db", dsn)
				if len(plainSees) == 0 && code != 0 {
					t.Fatalf("%s: the plain verify already sees it (the test no longer plays a clean attack): %d\n%s", name, code, out)
				}
				if len(plainSees) > 0 && (code != 1 || !strings.Contains(out, plainSees[0])) {
					t.Fatalf("%s: the plain verify does not see the tenant's chain empty: %d\n%s", name, code, out)
				}
				code, out, _ = cli(t, "audit", "verify", "--db", dsn, "--head", heads)
				if code != 1 || !strings.Contains(out, fmt.Sprintf("tenant %d (kobe): 保存した先頭に届きません / DOES NOT REACH THE SAVED HEAD", tid)) ||
					!strings.Contains(out, want) {
					t.Errorf("%s: exit %d, want %q\n%s", name, code, want, out)
				}
			}

			// Tail cut: the last two entries go, the stored head moves back.
			cut := es[len(es)-3]
			c.exec(`DELETE FROM audit_log WHERE tenant_id = ? AND seq > ?`, tid, cut.Seq)
			c.exec(`UPDATE audit_heads SET seq = ?, last_hash = ? WHERE tenant_id = ?`, cut.Seq, cut.Hash, tid)
			attack("tail cut", dsn, heads, fmt.Sprintf("at seq %d: the chain ends at seq %d", last.Seq, cut.Seq))

			// Wiped: every entry of the tenant and its head, so verify said
			// "OK (0 entries)" or nothing at all; the JSON head catches it too.
			c.exec(`DELETE FROM audit_log WHERE tenant_id = ?`, tid)
			c.exec(`UPDATE audit_heads SET seq = 0, last_hash = ? WHERE tenant_id = ?`, audit.GenesisHash, tid)
			// A tenant's chain begins with its creation, so the plain verify
			// sees an empty one as erased; the saved head says more.
			emptied := fmt.Sprintf("tenant %d (kobe): 改ざんを検出 / BROKEN at seq 1", tid)
			attack("wiped", dsn, headsJSON, "no entries (wiped)", emptied)
			c.exec(`DELETE FROM audit_heads WHERE tenant_id = ?`, tid)
			attack("wiped with its head", dsn, heads, "no entries (wiped)", fmt.Sprintf("tenant %d: 改ざんを検出 / BROKEN at seq 1", tid))

			// Recomputed: an entry edited and every hash after it redone.
			dsn, c, tid = setupChain(t, eng)
			heads = saveHeads(t, dsn, false, "--tenant", "kobe")
			es = c.entries(tid)
			es[1].ActorLabel = "someone-else"
			for i := 1; i < len(es); i++ {
				es[i].PrevHash = es[i-1].Hash
				es[i].Hash = audit.ComputeHash(es[i])
				c.exec(`UPDATE audit_log SET actor_label = ?, prev_hash = ?, hash = ? WHERE id = ?`, es[i].ActorLabel, es[i].PrevHash, es[i].Hash, es[i].ID)
			}
			last = es[len(es)-1]
			c.exec(`UPDATE audit_heads SET last_hash = ? WHERE tenant_id = ?`, last.Hash, tid)
			attack("recomputed", dsn, heads, fmt.Sprintf("at seq %d: the entry's hash differs from the saved head's", last.Seq))

			// --tenant narrows the heads checked to that tenant's.
			if code, out, _ := cli(t, "audit", "verify", "--db", dsn, "--tenant", "kobe", "--head", heads); code != 1 || strings.Count(out, "\n") != 1 {
				t.Errorf("verify --tenant --head: %d\n%s", code, out)
			}
		})
	}
}

func TestAuditHelp(t *testing.T) {
	for _, args := range [][]string{{"audit", "head", "-h"}, {"audit", "verify", "-h"}} {
		if code, _, errb := cli(t, args...); code != 0 || !strings.Contains(errb, "usage: telework") {
			t.Errorf("%v: exit %d, help %q", args, code, errb)
		}
	}
	if code, _, errb := cli(t, "audit", "frob"); code != 2 || !strings.Contains(errb, "head") {
		t.Errorf("unknown subcommand: %d %s", code, errb)
	}
}
