package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"telework/internal/orgio"
)

// `telework import units` and `telework export units` (issue 9 §3): the
// organisation tree from and to a CSV (UTF-8 or Shift_JIS) or xlsx file,
// the same plan and rules as the pages.

const (
	importUnitsSynopsis = "import units --tenant SLUG [--dry-run] [--db DSN] FILE"
	exportUnitsSynopsis = "export units --tenant SLUG --format csv|csv-sjis|xlsx [--out FILE] [--db DSN]"
)

// cmdImportKind dispatches `telework import staff|units`.
func cmdImportKind(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "units" {
		return cmdImportUnits(ctx, args[1:], stdout, stderr)
	}
	return cmdImport(ctx, args, stdout, stderr)
}

// cmdExportKind dispatches `telework export staff|units`.
func cmdExportKind(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "units" {
		return cmdExportUnits(ctx, args[1:], stdout, stderr)
	}
	return cmdExport(ctx, args, stdout, stderr)
}

// cmdImportUnits applies the file (all rows or none) or, with --dry-run,
// prints the plan. A refused file prints every problem (line, column,
// reason) on stderr and exits 1.
func cmdImportUnits(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newImportFlags("import units", importUnitsSynopsis, stderr)
	env, t, file, err := fs.open(ctx, args)
	if err != nil {
		return err
	}
	defer env.Close()
	var plan *orgio.Plan
	if *fs.dry {
		plan, err = env.Orgio.Preview(ctx, t.ID, file)
	} else {
		plan, err = env.Orgio.Apply(ctx, t.ID, cliActor, file)
	}
	if plan != nil {
		printWarnings(stderr, plan.Warnings)
	}
	if plan != nil && !plan.OK() {
		for _, p := range plan.Problems {
			fmt.Fprintln(stderr, staffProblemLine(p))
		}
		return refusedErr(file.Name, len(plan.Problems))
	}
	if err != nil {
		return staffErr(err)
	}
	sum := plan.Summary(file.Name)
	printImported(stdout, file.Name, *fs.dry, sum.Encoding, sum.Rows)
	fmt.Fprintf(stdout, "新規 %d件、変更 %d件、廃止 %d件、変更なし %d件 / created %d, changed %d, closed %d, unchanged %d\n",
		sum.Created, sum.Changed, sum.Retired, sum.Unchanged, sum.Created, sum.Changed, sum.Retired, sum.Unchanged)
	if *fs.dry {
		printUnitItems(stdout, "新規 / create", plan.Creates)
		printUnitItems(stdout, "変更 / change", plan.Changes)
		printUnitItems(stdout, "廃止 / close", plan.Retires)
	}
	return nil
}

func printUnitItems(w io.Writer, title string, items []*orgio.Item) {
	printItems(w, title, items, func(it *orgio.Item) string {
		var ch []string
		if it.Before == nil && it.ParentCode != "" {
			ch = append(ch, "上位所属コード: "+it.ParentCode)
		}
		for _, c := range it.Changes {
			ch = append(ch, fmt.Sprintf("%s: %s → %s", c.Column, staffBlank(c.Before), staffBlank(c.After)))
		}
		return fmt.Sprintf("%d行目\t%s\t%s\t%s", it.Line, it.After.Code, it.After.Name, strings.Join(ch, "; "))
	})
}

// cmdExportUnits writes every unit with the importer's columns; without
// --out to stdout.
func cmdExportUnits(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export units", exportUnitsSynopsis, stderr)
	db := dbFlag(fs)
	tenant := fs.String("tenant", "", "団体コード of the tenant")
	format := fs.String("format", "xlsx", "xlsx, csv (UTF-8 with BOM) or csv-sjis (Shift_JIS/CP932)")
	out := fs.String("out", "", "write to this file instead of stdout")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	env, t, f, err := openExport(ctx, *db, *tenant, *format, pos)
	if err != nil {
		return err
	}
	defer env.Close()
	file, err := env.Orgio.Export(ctx, t.ID, cliActor, f, true)
	if err != nil {
		return staffErr(err)
	}
	return writeExport(stdout, stderr, *out, file.Data, file.Substituted)
}
