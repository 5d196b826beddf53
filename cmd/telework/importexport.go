package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"telework/internal/app"
	"telework/internal/apperr"
	"telework/internal/i18n"
	"telework/internal/org"
	"telework/internal/staffio"
	"telework/internal/tableimport"
	"telework/internal/tabular"
)

// importDetailLines caps the lines a dry run prints per section; the
// counts are always complete.
const importDetailLines = 200

func staffSubcommand(args []string, name, synopsis string, stderr io.Writer) error {
	if len(args) > 0 && args[0] == name {
		return nil
	}
	fmt.Fprintln(stderr, "usage: telework "+synopsis)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return flag.ErrHelp
	}
	return usageError{"対象は " + name + " です / the only kind is " + name}
}

const importSynopsis = "import staff --tenant SLUG [--dry-run] [--full [--confirm-retirements N]] [--db DSN] FILE"

// cmdImport is `telework import staff`: a CSV (UTF-8 or Shift_JIS) or xlsx
// file, all rows or none. A refused file prints every problem (line,
// column, reason) on stderr and exits 1.
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := staffSubcommand(args, "staff", importSynopsis, stderr); err != nil {
		return err
	}
	fs := newImportFlags("import staff", importSynopsis, stderr)
	full := fs.Bool("full", false, "the file is the whole roster: retire staff in service who are not in it")
	confirm := fs.Int("confirm-retirements", 0, "the number of people a full roster retires, required when it is many (10 or more, or 5% of those in service)")
	env, t, file, err := fs.open(ctx, args[1:])
	if err != nil {
		return err
	}
	defer env.Close()
	opt := staffio.Options{Full: *full}
	var plan *staffio.Plan
	if *fs.dry {
		plan, err = env.Staffio.Preview(ctx, t.ID, file, opt)
	} else {
		plan, err = env.Staffio.Apply(ctx, t.ID, cliActor, file, staffio.ApplyOptions{Options: opt, ConfirmRetirements: *confirm})
	}
	if plan != nil {
		printWarnings(stderr, plan.Warnings)
	}
	if plan != nil && !plan.OK() {
		// The same reason on the same column in many rows is one line.
		for _, g := range staffio.GroupProblems(plan.Problems, "ja") {
			fmt.Fprintln(stderr, staffGroupLine(g))
		}
		return refusedErr(file.Name, len(plan.Problems))
	}
	if staffio.IsRetirementConfirm(err) {
		n := len(plan.Retires)
		return fmt.Errorf("%s: %d人が退職になります。間違いなければ --confirm-retirements %d を付けて実行してください / %d people would be retired: run again with --confirm-retirements %d",
			file.Name, n, n, n, n)
	}
	if err != nil {
		return staffErr(err)
	}
	sum := plan.Summary(file.Name)
	printImported(stdout, file.Name, *fs.dry, sum.Encoding, sum.Rows)
	fmt.Fprintf(stdout, "新規 %d人、変更 %d人、退職 %d人、在職に戻す %d人、変更なし %d人 / created %d, changed %d, retired %d, reinstated %d, unchanged %d\n",
		sum.Created, sum.Changed, sum.Retired, sum.Reinstated, sum.Unchanged,
		sum.Created, sum.Changed, sum.Retired, sum.Reinstated, sum.Unchanged)
	if sum.Scheduled > 0 {
		fmt.Fprintf(stdout, "うち %d件は発令日に反映する予定の変更です(予定されている異動) / %d of them are dated later and applied on their date\n",
			sum.Scheduled, sum.Scheduled)
	}
	if *fs.dry && plan.NeedsRetirementConfirm() {
		fmt.Fprintf(stdout, "注意: %d人が退職になります。取り込むときは --confirm-retirements %d を付けてください / %d retirements: import with --confirm-retirements %d\n",
			len(plan.Retires), len(plan.Retires), len(plan.Retires), len(plan.Retires))
	}
	if *fs.dry {
		printStaffItems(stdout, "新規 / create", plan.Creates)
		printStaffItems(stdout, "変更 / change", plan.Changes)
		printStaffItems(stdout, "退職 / retire", plan.Retires)
		printStaffItems(stdout, "在職に戻す / reinstate", plan.Reinstates)
	}
	return nil
}

// printWarnings prints a plan's warnings on stderr (the staff and units
// imports).
func printWarnings(stderr io.Writer, warnings []staffio.Problem) {
	for _, w := range warnings {
		fmt.Fprintln(stderr, "注意: "+staffProblemLine(w))
	}
}

// refusedErr is the error of a file refused for n problems.
func refusedErr(name string, n int) error {
	return fmt.Errorf("%s: %d件の誤りがあるため、何も登録していません / refused: %d problem(s), nothing was written", name, n, n)
}

// printImported prints the first line of what an import did, or would do
// (a dry run).
func printImported(stdout io.Writer, name string, dry bool, encoding string, rows int) {
	mode := "取り込みました / imported"
	if dry {
		mode = "確認のみ(何も変更していません) / dry run, nothing written"
	}
	fmt.Fprintf(stdout, "%s: %s (%s, %d行)\n", name, mode, encoding, rows)
}

// printItems prints a dry run's section, title first on each line, at most
// importDetailLines items; the rest is counted.
func printItems[I any](w io.Writer, title string, items []I, line func(I) string) {
	for i, it := range items {
		if i == importDetailLines {
			fmt.Fprintf(w, "  … ほか %d件 / %d more\n", len(items)-i, len(items)-i)
			return
		}
		fmt.Fprintf(w, "%s\t%s\n", title, line(it))
	}
}

// staffErr turns an application error into its Japanese message.
func staffErr(err error) error {
	if e := apperr.As(err); e != nil && e.Code != apperr.Internal {
		return errors.New(i18n.Error("ja", err))
	}
	return err
}

// staffGroupLine is "12, 15, 18行目 列「所属」: reason".
func staffGroupLine(g staffio.ProblemGroup) string {
	var b strings.Builder
	if len(g.Lines) > 0 {
		fmt.Fprintf(&b, "%s行目 ", g.LineList())
	}
	if g.Column != "" {
		fmt.Fprintf(&b, "列「%s」", g.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(g.Message)
	return b.String()
}

// staffProblemLine is "12行目 列「フリガナ」: reason".
func staffProblemLine(p staffio.Problem) string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d行目 ", p.Line)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, "列「%s」", p.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message("ja"))
	return b.String()
}

func printStaffItems(w io.Writer, title string, items []*staffio.Item) {
	printItems(w, title, items, func(it *staffio.Item) string {
		where := "ファイルにない / not in file"
		if it.Line > 0 {
			where = fmt.Sprintf("%d行目", it.Line)
		}
		if !it.Effective.IsZero() {
			where += " 発令日 " + it.Effective.String()
			if it.Scheduled {
				where += " (予定 / scheduled)"
			}
		}
		var ch []string
		for _, c := range it.Changes {
			if c.Sensitive {
				ch = append(ch, c.Column+": (分析用の属性 / analysis attributes)")
				continue
			}
			ch = append(ch, fmt.Sprintf("%s: %s → %s", c.Column, staffBlank(c.Before), staffBlank(c.After)))
		}
		return fmt.Sprintf("%s\t%s\t%s\t%s", where, it.After.StaffNo, it.After.Name, strings.Join(ch, "; "))
	})
}

func staffBlank(s string) string {
	if s == "" {
		return "(空欄)"
	}
	return s
}

const exportSynopsis = "export staff --tenant SLUG [--format xlsx|csv|csv-sjis] [--out FILE] [--sensitive] [--db DSN]"

// cmdExport is `telework export staff`: the importer's columns, so that
// the file can be edited and imported back. Without --out it writes to
// stdout.
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := staffSubcommand(args, "staff", exportSynopsis, stderr); err != nil {
		return err
	}
	fs := newFlags("export staff", exportSynopsis, stderr)
	db := dbFlag(fs)
	tenant := fs.String("tenant", "", "団体コード of the tenant")
	format := fs.String("format", "xlsx", "xlsx (default), csv (UTF-8 with BOM) or csv-sjis (Shift_JIS/CP932)")
	out := fs.String("out", "", "write to this file instead of stdout")
	sensitive := fs.Bool("sensitive", false, "add the opt-in analysis attributes of those who consented")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	env, t, f, err := openExport(ctx, *db, *tenant, *format, pos)
	if err != nil {
		return err
	}
	defer env.Close()
	// The characters CP932 lacks are written as 〓, each named on stderr.
	file, err := env.Staffio.Export(ctx, t.ID, cliActor, f, staffio.ExportOptions{Sensitive: *sensitive, Substitute: true})
	if err != nil {
		return staffErr(err)
	}
	return writeExport(stdout, stderr, *out, file.Data, file.Substituted)
}

// openExport checks an export command's tenant, format and arguments, and
// opens the database (the staff and units exports).
func openExport(ctx context.Context, dsn, tenant, format string, pos []string) (*app.Env, *org.Tenant, tabular.Format, error) {
	if tenant == "" || len(pos) != 0 {
		return nil, nil, "", usageError{"--tenant を指定してください / give --tenant (and no other arguments)"}
	}
	f, ok := tabular.ParseFormat(format)
	if !ok {
		return nil, nil, "", usageError{"--format は csv, csv-sjis, xlsx のいずれかです"}
	}
	env, t, err := openTenant(ctx, dsn, tenant)
	return env, t, f, err
}

// openTenant opens the database and finds the tenant a command names.
func openTenant(ctx context.Context, dsn, tenant string) (*app.Env, *org.Tenant, error) {
	env, err := app.OpenExisting(ctx, dsn, nil)
	if err != nil {
		return nil, nil, err
	}
	t, err := findTenant(ctx, env.Org, tenant)
	if err != nil {
		env.Close()
		return nil, nil, err
	}
	return env, t, nil
}

// writeExport names each character written as 〓 on stderr and writes the
// file to out, or to stdout without --out (the staff and units exports).
func writeExport(stdout, stderr io.Writer, out string, data []byte, subs []tabular.Substitution) error {
	for _, s := range subs {
		fmt.Fprintf(stderr, "注意: %d行目「%s」の「%s」は Shift_JIS で表せないため 〓 にしました / line %d, %s: %q written as 〓\n",
			s.Line, s.Column, s.Chars, s.Line, s.Column, s.Chars)
	}
	if out == "" {
		_, err := stdout.Write(data)
		return err
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		return errors.New("書き込めません / cannot write: " + err.Error())
	}
	fmt.Fprintf(stderr, "%s: %d bytes\n", out, len(data))
	return nil
}

// importFlags is the flag set of an import command with the flags every
// import command has: --db, --tenant and --dry-run.
type importFlags struct {
	*flag.FlagSet
	db, tenant *string
	dry        *bool
}

func newImportFlags(name, synopsis string, stderr io.Writer) importFlags {
	fs := importFlags{FlagSet: newFlags(name, synopsis, stderr)}
	fs.db = dbFlag(fs.FlagSet)
	fs.tenant = fs.String("tenant", "", "団体コード of the tenant")
	fs.dry = fs.Bool("dry-run", false, "check the file and print the plan; write nothing")
	return fs
}

// open parses args, checks the tenant and the single file, reads the file
// and opens the database: what every import command does first.
func (fs importFlags) open(ctx context.Context, args []string) (*app.Env, *org.Tenant, tableimport.File, error) {
	pos, err := parseInterspersed(fs.FlagSet, args)
	if err != nil {
		return nil, nil, tableimport.File{}, err
	}
	if *fs.tenant == "" || len(pos) != 1 {
		return nil, nil, tableimport.File{}, usageError{"--tenant とファイルを1つ指定してください / give --tenant and one FILE"}
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return nil, nil, tableimport.File{}, fmt.Errorf("ファイルを読めません / cannot read the file: %w", err)
	}
	env, t, err := openTenant(ctx, *fs.db, *fs.tenant)
	if err != nil {
		return nil, nil, tableimport.File{}, err
	}
	return env, t, tableimport.File{Name: filepath.Base(pos[0]), Data: data}, nil
}
