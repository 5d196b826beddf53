package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"telework/internal/app"
	"telework/internal/audit"
)

const auditUsage = `usage: telework audit verify [--tenant SLUG] [--head FILE] [--db DSN]
       telework audit head   [--tenant SLUG] [--json] [--db DSN]`

const (
	auditVerifySynopsis = "audit verify [--tenant SLUG] [--head FILE] [--db DSN]"
	auditHeadSynopsis   = "audit head [--tenant SLUG] [--json] [--db DSN]"
)

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			return cmdAuditVerify(ctx, args[1:], stdout, stderr)
		case "head":
			return cmdAuditHead(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, auditUsage)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return flag.ErrHelp
	}
	return usageError{"サブコマンドは verify または head です / subcommands: verify, head"}
}

// tenantIDs resolves --tenant: none means every chain.
func tenantIDs(ctx context.Context, env *app.Env, slug string) ([]int64, error) {
	if slug == "" {
		return nil, nil
	}
	t, err := findTenant(ctx, env.Org, slug)
	if err != nil {
		return nil, err
	}
	return []int64{t.ID}, nil
}

func cmdAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit verify", auditVerifySynopsis, stderr)
	db := dbFlag(fs)
	tenant := fs.String("tenant", "", "verify only this tenant's chain (default: every chain, the instance's included)")
	headFile := fs.String("head", "", "heads saved earlier by `telework audit head` (or the server log holding them; - for stdin): "+
		"every chain must still reach them")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var saved []audit.Head
	if *headFile != "" {
		var err error
		if saved, err = readHeads(*headFile); err != nil {
			return fmt.Errorf("--head %s を読めません / cannot read the saved heads: %w", *headFile, err)
		}
	}
	env, err := app.OpenExisting(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer env.Close()
	ids, err := tenantIDs(ctx, env, *tenant)
	if err != nil {
		return err
	}
	results, err := env.Audit.VerifyChainsAgainst(ctx, ids, saved)
	if err != nil {
		return err
	}
	broken := 0
	for _, r := range results {
		br := r.Break
		switch {
		case br != nil && br.Saved:
			broken++
			fmt.Fprintf(stdout, "tenant %s: 保存した先頭に届きません / DOES NOT REACH THE SAVED HEAD at seq %d: %s (%d entries verified)\n",
				r.Label(), br.Seq, br.Reason, r.Entries)
		case br != nil:
			broken++
			fmt.Fprintf(stdout, "tenant %s: 改ざんを検出 / BROKEN at seq %d (id %d): %s (%d entries verified before it)\n",
				r.Label(), br.Seq, br.ID, br.Reason, r.Entries)
		case r.SavedSeq > 0:
			fmt.Fprintf(stdout, "tenant %s: OK (%d entries; reaches the saved head at seq %d)\n", r.Label(), r.Entries, r.SavedSeq)
		default:
			fmt.Fprintf(stdout, "tenant %s: OK (%d entries)\n", r.Label(), r.Entries)
		}
	}
	if broken > 0 {
		return fmt.Errorf("監査ログの連鎖が %d 件壊れています / %d audit chain(s) broken", broken, broken)
	}
	return nil
}

func readHeads(name string) ([]audit.Head, error) {
	if name == "-" {
		return audit.ParseHeads(os.Stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return audit.ParseHeads(f)
}

func cmdAuditHead(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit head", auditHeadSynopsis, stderr)
	db := dbFlag(fs)
	tenant := fs.String("tenant", "", "print only this tenant's head (default: every chain, the instance's included)")
	asJSON := fs.Bool("json", false, "print JSON instead of audit-head lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	env, err := app.OpenExisting(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer env.Close()
	ids, err := tenantIDs(ctx, env, *tenant)
	if err != nil {
		return err
	}
	heads, err := env.Audit.Heads(ctx, ids)
	if err != nil {
		return err
	}
	if heads == nil {
		heads = []audit.Head{}
	}
	now := time.Now()
	if *asJSON {
		b, err := json.MarshalIndent(audit.HeadSet{TakenAt: now.UTC(), Heads: heads}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	return audit.WriteHeads(stdout, now, heads)
}
