import { exportFigures } from "../charts/export.ts";
import { loadDataset } from "../dataset/load.ts";
import { loadPaper } from "../paper/load.ts";
import { reproduce } from "../report/reproduce.ts";
import { writeTables } from "../report/tables.ts";
import { listFlag, parseFlags } from "./_flags.ts";

/**
 * The text `bsa reproduce --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./reproduce.ts";
 * assert(HELP.startsWith("bsa reproduce"));
 * ```
 */
export const HELP = `bsa reproduce [--only NOTEBOOK,...] [--no-notebooks] [--out DIR]

The main job (deno task reproduce): reproduce the paper from its published numbers and
the dataset, with your runs overlaid when BSA_RUNS names them.
  1. tables: dataset statistics beside the paper's, leaderboard, audit (DIR/*.md, *.json)
  2. figures: every figure as figures/<name>.svg, .png (2x) and .pdf
  3. notebooks: each notebook executed headlessly on the Deno kernel, in place
  4. report: out/report/index.html, one page per notebook
--no-notebooks stops after step 2 (no Jupyter needed). Default DIR: out/reproduce.`;

/**
 * `bsa reproduce`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reproduceCommand } from "./reproduce.ts";
 * assert(await reproduceCommand(["--help"]) === 0);
 * ```
 */
export async function reproduceCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("reproduce", args, {
    out: { type: "string" },
    only: { type: "string", multiple: true },
    "no-notebooks": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const out = (values.out as string | undefined) ?? "out/reproduce";
  const paper = await loadPaper();
  const ds = await loadDataset();
  const { stats, audit } = await writeTables(out, paper, ds);
  console.log(
    `tables: ${out}/reproduction.md (dataset statistics: ${
      stats.filter((s) => s.agrees).length
    } of ${stats.length} agree with the paper; audit: ${audit.length} findings)`,
  );
  if (values["no-notebooks"]) {
    const figs = await exportFigures({ paper, dataset: ds }, "figures");
    console.log(`figures: ${figs.length} written to figures/ (svg, png, pdf)`);
    return 0;
  }
  const only = listFlag(values, "only");
  const r = await reproduce({ only: only.length ? only : undefined });
  console.log(
    `done in ${
      r.seconds.toFixed(1)
    } s: ${r.notebooks.length} notebooks, ${r.figures.length} figure files, report ${r.report}`,
  );
  return 0;
}
