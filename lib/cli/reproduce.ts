import { compareDatasetStats, datasetStats, loadDataset } from "../dataset/mod.ts";
import { writeAtomic } from "../fs.ts";
import { auditPaper, loadPaper } from "../paper/mod.ts";
import { reproduce } from "../report/reproduce.ts";
import { exportFigures } from "../charts/export.ts";
import { rows } from "../table.ts";
import { listFlag, parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

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
  const stats = rows(compareDatasetStats(datasetStats(ds), paper.datasetStats));
  const audit = auditPaper(paper);
  await Deno.mkdir(out, { recursive: true });
  const md = [
    "# BSA reproduction: tables",
    "",
    `Dataset: ${ds.source} (sha256 ${ds.sha256}${ds.pinned ? ", the pinned release" : ""})`,
    "",
    "## Dataset statistics beside the paper's",
    "",
    "```",
    formatRows(stats),
    "```",
    "",
    "## Leaderboard (published numbers, by F-score)",
    "",
    "```",
    formatRows(rows(paper.main.orderby((d: Record<string, number>) => -d["F-score"]))),
    "```",
    "",
    `## Audit: ${audit.length} printed values that disagree with their recomputation`,
    "",
    "```",
    formatRows(audit as unknown as Record<string, unknown>[]),
    "```",
    "",
  ].join("\n");
  await writeAtomic(`${out}/reproduction.md`, md);
  await writeAtomic(`${out}/dataset_stats.json`, JSON.stringify(stats, null, 2) + "\n");
  await writeAtomic(`${out}/paper_audit.json`, JSON.stringify(audit, null, 2) + "\n");
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
