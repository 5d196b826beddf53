package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"telework/internal/app"
	"telework/internal/audit"
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
	d, err := app.OpenDB(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer d.Close()
	var ids []int64
	if *tenant != "" {
		t, err := d.FindTenantBySlug(ctx, *tenant)
		if err != nil {
			return fmt.Errorf("団体コード %q の団体が見つかりません", *tenant)
		}
		ids = []int64{t.ID}
	} else if ids, err = d.AuditChainTenants(ctx); err != nil {
		return err
	}
	broken := 0
	for _, id := range ids {
		n, err := d.VerifyAuditChain(ctx, id)
		var br *audit.Break
		switch {
		case errors.As(err, &br):
			broken++
			fmt.Fprintf(stdout, "tenant %d: 改ざんを検出 / BROKEN at seq %d (id %d): %s (%d entries verified before it)\n", id, br.Seq, br.ID, br.Reason, n)
		case err != nil:
			return err
		default:
			fmt.Fprintf(stdout, "tenant %d: OK (%d entries)\n", id, n)
		}
	}
	if broken > 0 {
		return fmt.Errorf("監査ログの連鎖が %d 件壊れています / %d audit chain(s) broken", broken, broken)
	}
	return nil
}
