import { UsageError } from "../errors.ts";
import { auditPaper, formatK, loadPaper, paperKFits } from "../paper/mod.ts";
import { numberFlag, parseFlags, subcommandName } from "./_flags.ts";
import { formatRows, OUTPUT_FLAGS, outputFormat, printTables } from "./_print.ts";
import { auditTable } from "../paper/tables.ts";

/**
 * The text `bsa paper --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, paperCommand } from "./paper.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await paperCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa paper audit [--format F] [--alpha A]

Recompute every derived number of the paper (Think from RO/CS/OS, F-score from
Think@1 and Safe@1, the same model in two tables), check that each percentage is
possible for its question count at some k in 1-10 and that @k <= @1, and list the
printed values that disagree, with the F-score weight that explains them where one
does. Then, per table, the k each row fits and whether it matches its baseline's.

  --json        the findings as JSON (with --k-fits: the k each row fits)
  --format F    the findings as table (default, with the k fits), json, csv, markdown or
                latex (booktabs; --latex-intervals and --bold-best do not apply)
  --k-fits      with --json, print the per-row k fits instead of the findings
  --alpha A     the F-score weight to check against (default: the released code's)`;

/**
 * `bsa paper audit`.
 *
 * @param args The subcommand `audit` and its flags.
 * @returns The exit code (0).
 * @throws {UsageError} No `audit` subcommand, or a bad flag.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paperCommand } from "./paper.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const code = await paperCommand(["audit", "--json"]).finally(() => (console.log = log)); // data/paper/
 * const findings = JSON.parse(printed[0]) as { table: string; model: string; metric: string; note: string }[];
 * const flash = findings.find((f) => f.model === "Gemini-2.5-Flash" && f.metric === "F-score")!;
 * assert(code === 0 && flash.table === "main" && flash.note.includes("explained by α=0.61"));
 * ```
 */
export async function paperCommand(args: string[]): Promise<number> {
  const name = subcommandName("paper", args, "audit");
  const { values, positionals } = parseFlags(name, args, {
    ...OUTPUT_FLAGS,
    "k-fits": { type: "boolean" },
    alpha: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  if (positionals[0] !== "audit" || positionals.length > 1) {
    throw new UsageError(
      `bsa paper: expected the subcommand 'audit', got ${JSON.stringify(positionals.join(" "))}\n${HELP}`,
    );
  }
  const paper = await loadPaper();
  const findings = auditPaper(paper, numberFlag(name, values, "alpha", { min: 0, max: 1 }));
  const fits = paperKFits(paper);
  const output = outputFormat(name, values);
  if (output.format === "json") console.log(JSON.stringify(values["k-fits"] ? fits : findings, null, 2));
  else if (output.format !== "table") printTables([auditTable(findings)], output);
  else {
    console.log(`${findings.length} printed value(s) disagree with their recomputation:\n`);
    console.log(formatRows(findings as unknown as Record<string, unknown>[]));
    for (const table of [...new Set(fits.map((f) => f.table))]) {
      const rs = fits.filter((f) => f.table === table);
      const off = rs.filter((f) => !f.comparable).length;
      console.log(
        `\nThe k each ${table} row fits (${off} of ${rs.length} not at their baseline's k, or of a k undetermined):\n`,
      );
      console.log(formatRows(rs.map((f) => ({
        model: f.model,
        condition: f.condition,
        "fits k": formatK(f.k),
        "inferred k": f.inferredK ?? (f.undetermined ? "undetermined" : "none"),
        baseline: f.baseline,
        "baseline k": f.baselineK ?? "-",
        comparable: f.comparable ? "yes" : "NO",
      }))));
    }
  }
  return 0;
}
