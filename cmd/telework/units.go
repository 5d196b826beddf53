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
	fs := newFlags("import units", importUnitsSynopsis, stderr)
	db := dbFlag(fs)
	tenant := fs.String("tenant", "", "団体コード of the tenant")
	dry := fs.Bool("dry-run", false, "check the file and print the plan; write nothing")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	env, t, name, data, err := openImport(ctx, *db, *tenant, pos)
	if err != nil {
		return err
	}
	defer env.Close()
	file := orgio.File{Name: name, Data: data}
	var plan *orgio.Plan
	if *dry {
		plan, err = env.Orgio.Preview(ctx, t.ID, file)
	} else {
		plan, err = env.Orgio.Apply(ctx, t.ID, cliActor, file)
	}
	if plan != nil {
		for _, w := range plan.Warnings {
			fmt.Fprintln(stderr, "注意: "+staffProblemLine(w))
		}
	}
	if plan != nil && !plan.OK() {
		for _, p := range plan.Problems {
			fmt.Fprintln(stderr, staffProblemLine(p))
		}
		return fmt.Errorf("%s: %d件の誤りがあるため、何も登録していません / refused: %d problem(s), nothing was written",
			file.Name, len(plan.Problems), len(plan.Problems))
	}
	if err != nil {
		return staffErr(err)
	}
	sum := plan.Summary(file.Name)
	mode := "取り込みました / imported"
	if *dry {
		mode = "確認のみ(何も変更していません) / dry run, nothing written"
	}
	fmt.Fprintf(stdout, "%s: %s (%s, %d行)\n", file.Name, mode, sum.Encoding, sum.Rows)
	fmt.Fprintf(stdout, "新規 %d件、変更 %d件、廃止 %d件、変更なし %d件 / created %d, changed %d, closed %d, unchanged %d\n",
		sum.Created, sum.Changed, sum.Retired, sum.Unchanged, sum.Created, sum.Changed, sum.Retired, sum.Unchanged)
	if *dry {
		printUnitItems(stdout, "新規 / create", plan.Creates)
		printUnitItems(stdout, "変更 / change", plan.Changes)
		printUnitItems(stdout, "廃止 / close", plan.Retires)
	}
	return nil
}

func printUnitItems(w io.Writer, title string, items []*orgio.Item) {
	for i, it := range items {
		if i == importDetailLines {
			fmt.Fprintf(w, "  … ほか %d件 / %d more\n", len(items)-i, len(items)-i)
			return
		}
		var ch []string
		if it.Before == nil && it.ParentCode != "" {
			ch = append(ch, "上位所属コード: "+it.ParentCode)
		}
		for _, c := range it.Changes {
			ch = append(ch, fmt.Sprintf("%s: %s → %s", c.Column, staffBlank(c.Before), staffBlank(c.After)))
		}
		fmt.Fprintf(w, "%s\t%d行目\t%s\t%s\t%s\n", title, it.Line, it.After.Code, it.After.Name, strings.Join(ch, "; "))
	}
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
