package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"telework/internal/app"
)

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: telework audit verify [--tenant SLUG] [--db DSN]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return usageError{"サブコマンドは verify です"}
	}
	fs := newFlags("audit verify", "audit verify [--tenant SLUG] [--db DSN]", stderr)
	db := dbFlag(fs)
	tenant := fs.String("tenant", "", "verify only this tenant's chain (default: every chain, the instance's included)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	env, err := app.Open(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer env.Close()
	var ids []int64 // none: every chain
	if *tenant != "" {
		t, err := env.TenantBySlug(ctx, *tenant)
		if err != nil {
			return fmt.Errorf("団体コード %q の団体が見つかりません", *tenant)
		}
		ids = []int64{t.ID}
	}
	results, err := env.Audit.VerifyChains(ctx, ids)
	if err != nil {
		return err
	}
	broken := 0
	for _, r := range results {
		if br := r.Break; br != nil {
			broken++
			fmt.Fprintf(stdout, "tenant %d: 改ざんを検出 / BROKEN at seq %d (id %d): %s (%d entries verified before it)\n", r.TenantID, br.Seq, br.ID, br.Reason, r.Entries)
			continue
		}
		fmt.Fprintf(stdout, "tenant %d: OK (%d entries)\n", r.TenantID, r.Entries)
	}
	if broken > 0 {
		return fmt.Errorf("監査ログの連鎖が %d 件壊れています / %d audit chain(s) broken", broken, broken)
	}
	return nil
}
