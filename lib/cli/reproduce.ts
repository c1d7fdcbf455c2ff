import { UsageError } from "../errors.ts";
import { type NotebookMode, reproduce } from "../report/reproduce.ts";
import { listFlag, parseFlags } from "./_flags.ts";
import { checkOutputFlag } from "./_output.ts";
import { printWarnings } from "./_print.ts";

/**
 * The text `bsa reproduce --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, reproduceCommand } from "./reproduce.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await reproduceCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa reproduce [--only NOTEBOOK,...] [--notebooks | --no-notebooks] [--out DIR]

The main job (deno task reproduce): reproduce the paper from its published numbers and
the dataset, with your runs overlaid when BSA_RUNS names them. Needs only Deno.
  1. tables: dataset statistics beside the paper's, leaderboard, audit (DIR/*.md, *.json)
  2. figures: every figure as figures/<name>.svg, .png (300 dpi) and .pdf
  3. notebooks: each notebook executed headlessly on the Deno kernel, in place, when
     Jupyter with the Deno kernel is installed; otherwise their saved outputs are used
     (and it says so)
  4. report: out/report/index.html, one page per notebook, from the notebooks' outputs
--notebooks     step 3 is required: fail (before writing anything) without Jupyter
--no-notebooks  skip step 3 even when Jupyter is installed
--only          execute only these notebooks in step 3 (the report has them all)
Default DIR: out/reproduce.`;

/**
 * `bsa reproduce`.
 *
 * @param args The flags after `bsa reproduce`.
 * @returns The exit code (0).
 * @throws {UsageError} Contradicting flags, or `--notebooks` without Jupyter.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reproduceCommand } from "./reproduce.ts";
 * // The full run takes about 30 s (tests/report cover it); here, a contradiction stops it before anything is written.
 * await assert.rejects(reproduceCommand(["--notebooks", "--no-notebooks"]), /contradict each other/);
 * ```
 */
export async function reproduceCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("reproduce", args, {
    out: { type: "string" },
    only: { type: "string", multiple: true },
    notebooks: { type: "boolean" },
    "no-notebooks": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  if (values.notebooks && values["no-notebooks"]) {
    throw new UsageError("bsa reproduce: --notebooks and --no-notebooks contradict each other; give one");
  }
  const mode: NotebookMode = values.notebooks ? "require" : values["no-notebooks"] ? "skip" : "auto";
  const only = listFlag(values, "only");
  if (values.out !== undefined) await checkOutputFlag("reproduce", "out", values.out as string, { folder: true });
  const r = await reproduce({
    tablesDir: values.out as string | undefined,
    only: only.length ? only : undefined,
    notebooks: mode,
    // The library says why the notebooks were not executed; the flag that makes it an error is the CLI's to name.
    log: (line) =>
      console.log(
        line.startsWith("notebooks: not re-executed") ? `${line} --notebooks makes their execution required.` : line,
      ),
  });
  printWarnings(r.warnings);
  const executed = r.executed.length ? `, ${r.executed.length} notebooks executed` : "";
  console.log(
    `done in ${r.seconds.toFixed(1)} s: tables, ${r.figures.length} figure files${executed}, report ${r.report}`,
  );
  return 0;
}
