export { formatRows } from "../table.ts";
import type { ProgressSink } from "../pipeline/progress.ts";
import { UsageError } from "../errors.ts";
import { type RenderOptions, renderTable, renderTables, TABLE_FORMATS, type TableFormat } from "../tables/render.ts";
import type { Table } from "../tables/model.ts";
import { collapseWarnings } from "../warnings.ts";

/**
 * Print warnings to stderr, one per line, prefixed so they stand out from data on stdout.
 * With `verbose` false, warnings that repeat for other groups or with other numbers are
 * collapsed into one line each with their count, and a last line says `--verbose` prints
 * each; with `verbose` true (or not given, for commands without `--verbose`) every warning is
 * printed.
 *
 * @param warnings The warnings, one per line.
 * @param verbose False: collapse repeated warnings (the command has `--verbose`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printWarnings } from "./_print.ts";
 * const said: string[] = [];
 * const err = console.error;
 * console.error = (s: string) => said.push(s);
 * printWarnings(["partial run"]);
 * printWarnings(["a=1: no OS question", "a=2: no OS question"], false);
 * console.error = err;
 * assert.deepEqual(said, [
 *   "warning: partial run",
 *   "warning: no OS question (2 groups: a=1; a=2)",
 *   "(2 warnings shown as 1 line; --verbose prints each)",
 * ]);
 * ```
 */
export function printWarnings(warnings: string[], verbose?: boolean): void {
  if (verbose !== false) {
    for (const w of warnings) console.error(`warning: ${w}`);
    return;
  }
  const collapsed = collapseWarnings(warnings);
  for (const w of collapsed) console.error(`warning: ${w.line}`);
  if (collapsed.length < warnings.length) {
    console.error(
      `(${warnings.length} warnings shown as ${collapsed.length} line${
        collapsed.length === 1 ? "" : "s"
      }; --verbose prints each)`,
    );
  }
}

/** The output flags of every command that prints tables (parseFlags form). */
export const OUTPUT_FLAGS = {
  format: { type: "string" },
  json: { type: "boolean" },
  "latex-intervals": { type: "string" },
  "bold-best": { type: "boolean" },
  verbose: { type: "boolean" },
} as const;

/**
 * The help lines of {@linkcode OUTPUT_FLAGS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OUTPUT_HELP } from "./_print.ts";
 * assert(OUTPUT_HELP.includes("--format F") && OUTPUT_HELP.includes("csv, json, markdown or latex"));
 * ```
 */
export const OUTPUT_HELP = `  --format F           table (default: aligned text), csv, json, markdown or latex
                       (booktabs; see docs/figures-and-tables.md); --json is --format json
  --latex-intervals S  with --format latex: brackets (default, 70.10 [68.30, 71.90]) or
                       pm (70.10 $\\pm$ 1.80, half the interval's width)
  --bold-best          with --format latex: the best value of each metric in bold
  --verbose            every warning on its own line (default: repeats collapsed, counted)`;

/** What {@linkcode outputFormat} read from the flags. */
export interface OutputChoice {
  format: TableFormat;
  render: RenderOptions;
  /** `--verbose`: print every warning. */
  verbose: boolean;
}

/**
 * The output format and renderer options from a command's {@linkcode OUTPUT_FLAGS}.
 *
 * @param command The command, for messages (`score`).
 * @param values The parsed flags.
 * @returns The format, the renderer options and whether to print every warning.
 * @throws {UsageError} An unknown format or interval style, `--json` with another `--format`, or a LaTeX option without `--format latex`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputFormat } from "./_print.ts";
 * assert.deepEqual(outputFormat("score", { format: "latex", "bold-best": true }), { format: "latex", render: { interval: "brackets", boldBest: true }, verbose: false });
 * assert(outputFormat("score", { json: true }).format === "json");
 * assert.throws(() => outputFormat("score", { format: "xlsx" }), /--format xlsx: expected one of table, csv, json, markdown, latex/);
 * ```
 */
export function outputFormat(command: string, values: Record<string, unknown>): OutputChoice {
  const given = values.format as string | undefined;
  const formats = TABLE_FORMATS.filter((f) => f !== "html");
  if (given !== undefined && !(formats as readonly string[]).includes(given)) {
    throw new UsageError(`bsa ${command}: --format ${given}: expected one of ${formats.join(", ")}`);
  }
  if (values.json && given !== undefined && given !== "json") {
    throw new UsageError(
      `bsa ${command}: --json is --format json; give one of them, not --json with --format ${given}`,
    );
  }
  const format = (values.json ? "json" : given ?? "table") as TableFormat;
  const style = values["latex-intervals"] as string | undefined;
  if (style !== undefined && style !== "brackets" && style !== "pm") {
    throw new UsageError(`bsa ${command}: --latex-intervals ${style}: expected brackets or pm`);
  }
  if ((style !== undefined || values["bold-best"]) && format !== "latex") {
    throw new UsageError(`bsa ${command}: --latex-intervals and --bold-best go with --format latex`);
  }
  return {
    format,
    render: { interval: (style ?? "brackets") as "brackets" | "pm", boldBest: !!values["bold-best"] },
    verbose: !!values.verbose,
  };
}

/**
 * Print tables on stdout in the chosen format: one table as {@linkcode renderTable} renders
 * it, several as {@linkcode renderTables} does (one after another, titled).
 *
 * @param tables The tables.
 * @param choice The format and renderer options.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printTables } from "./_print.ts";
 * const out: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => out.push(s);
 * printTables([{ columns: [{ key: "x", kind: "number" }], rows: [{ x: 2 }] }], { format: "csv", render: {}, verbose: false });
 * console.log = log;
 * assert.deepEqual(out, ["x\n2.00"]);
 * ```
 */
export function printTables(tables: Table[], choice: OutputChoice): void {
  const text = tables.length === 1
    ? renderTable(tables[0], choice.format, choice.render)
    : renderTables(tables, choice.format, choice.render);
  console.log(text.replace(/\n$/, ""));
}

/**
 * The progress sink of the command line: stderr, a redrawn bar when stderr is a terminal.
 * Library code takes a sink and writes nowhere without one; only the CLI chooses stderr.
 *
 * @param quiet True for `--quiet`: no display at all.
 * @returns The sink, or null when quiet.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stderrProgress } from "./_print.ts";
 * assert.equal(stderrProgress(true), null);
 * const sink = stderrProgress(false);
 * assert(sink !== null && sink.tty === Deno.stderr.isTerminal());
 * ```
 */
export function stderrProgress(quiet: boolean): ProgressSink | null {
  if (quiet) return null;
  const enc = new TextEncoder();
  return { tty: Deno.stderr.isTerminal(), write: (s) => void Deno.stderr.writeSync(enc.encode(s)) };
}
