import type { Dataset } from "../dataset/load.ts";
import { compareDatasetStats, datasetStats } from "../dataset/stats.ts";
import { safeMarkdown } from "../escape.ts";
import { writeAtomic } from "../fs.ts";
import { type AuditFinding, auditPaper } from "../paper/audit.ts";
import type { PaperTables } from "../paper/load.ts";
import { auditTable, leaderboardTable, safetyRulesTable, star1Table } from "../paper/tables.ts";
import { rows } from "../table.ts";
import { renderCsv } from "../tables/csv.ts";
import { renderLatex } from "../tables/latex.ts";
import { type Table, tableFromRows } from "../tables/model.ts";
import { renderText } from "../tables/text.ts";

/** What {@linkcode writeTables} wrote and found. */
export interface WrittenTables {
  stats: Record<string, unknown>[];
  audit: AuditFinding[];
  /** The paper's tables by file stem (`leaderboard`, `audit`...), as written to `tables/`. */
  tables: Record<string, Table>;
  /** Every `.tex` and `.csv` file written under `tables/`. */
  files: string[];
}

/**
 * The dataset statistics beside the paper's as a table.
 *
 * @param stats Rows of `compareDatasetStats`.
 * @returns The table.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetStatsTable } from "./tables.ts";
 * import { renderCsv } from "../tables/csv.ts";
 * const t = datasetStatsTable([
 *   { kind: "scenario", name: "Over Sensitivity", unit: "questions", value: 200, paper: 200 },
 *   { kind: "category", name: "Violence & Terrorism", unit: "percent of risk classifications", value: 10, paper: 10 },
 * ]);
 * const csv = renderCsv(t);
 * assert(csv.includes(",200,200") && csv.includes(",10.00,10.00")); // counts whole, percentages with decimals
 * ```
 */
export function datasetStatsTable(stats: Record<string, unknown>[]): Table {
  // Values are question counts, token lengths or percentages by row: counts stay whole,
  // percentages (and averages) keep their decimals, whatever the value happens to be.
  const kinded = stats.map((r) => ({
    ...r,
    _kind: String(r.unit ?? "").startsWith("percent") || /average/.test(String(r.name ?? "")) ? "number" : "count",
  }));
  const t = tableFromRows(kinded, { title: "Dataset statistics beside the paper's" });
  t.columns = t.columns.filter((c) => c.key !== "_kind");
  for (const c of t.columns) {
    if (["value", "paper", "diff"].includes(c.key)) Object.assign(c, { kind: "number", kindBy: "_kind" });
  }
  return t;
}

/**
 * The tables part of the reproduction: `reproduction.md` (dataset statistics beside the
 * paper's, the leaderboard by F-score, the audit findings), the same data as JSON, and the
 * paper's tables for a paper in `tables/`: each as LaTeX (booktabs) and CSV, from one table
 * model (`leaderboard`, `safety_rules`, `star1`, `audit`, `dataset_stats`).
 *
 * @param out The output folder.
 * @param paper The paper's tables.
 * @param ds The dataset.
 * @returns The dataset statistics, the audit findings, the tables and the files written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "../dataset/load.ts";
 * import { loadPaper } from "../paper/load.ts";
 * import { writeTables } from "./tables.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await writeTables(dir, await loadPaper(), await loadDataset({ path: "../shared/bsa/dataset.csv" }));
 * assert(r.stats.every((s) => s.agrees) && (await Deno.readTextFile(`${dir}/reproduction.md`)).includes("## Audit"));
 * assert(r.files.includes(`${dir}/tables/leaderboard.tex`) && r.files.includes(`${dir}/tables/audit.csv`));
 * ```
 */
export async function writeTables(out: string, paper: PaperTables, ds: Dataset): Promise<WrittenTables> {
  const stats = rows(compareDatasetStats(datasetStats(ds), paper.datasetStats));
  const audit = auditPaper(paper);
  const tables: Record<string, Table> = {
    leaderboard: leaderboardTable(paper),
    safety_rules: safetyRulesTable(paper),
    star1: star1Table(paper),
    audit: auditTable(audit),
    dataset_stats: datasetStatsTable(stats),
  };
  await Deno.mkdir(`${out}/tables`, { recursive: true });
  const fence = (t: Table) => ["```", renderText({ ...t, title: undefined, notes: undefined }), "```"];
  const md = [
    "# BSA reproduction: tables",
    "",
    `Dataset: ${safeMarkdown(ds.source)} (sha256 ${ds.sha256}${ds.pinned ? ", the pinned release" : ""})`,
    "",
    "## Dataset statistics beside the paper's",
    "",
    ...fence(tables.dataset_stats),
    "",
    "## Leaderboard (published numbers, by F-score)",
    "",
    ...(tables.leaderboard.notes ?? []),
    "",
    ...fence(tables.leaderboard),
    "",
    `## Audit: ${audit.length} printed values that disagree with their recomputation`,
    "",
    ...fence(tables.audit),
    "",
    `The paper's tables as LaTeX (booktabs) and CSV: ${out}/tables/.`,
    "",
  ].join("\n");
  await writeAtomic(`${out}/reproduction.md`, md);
  await writeAtomic(`${out}/dataset_stats.json`, JSON.stringify(stats, null, 2) + "\n");
  await writeAtomic(`${out}/paper_audit.json`, JSON.stringify(audit, null, 2) + "\n");
  const files: string[] = [];
  for (const [name, table] of Object.entries(tables)) {
    await writeAtomic(`${out}/tables/${name}.tex`, renderLatex(table));
    await writeAtomic(`${out}/tables/${name}.csv`, renderCsv(table));
    files.push(`${out}/tables/${name}.tex`, `${out}/tables/${name}.csv`);
  }
  return { stats, audit, tables, files };
}
