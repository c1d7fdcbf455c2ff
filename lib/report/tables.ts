import type { Dataset } from "../dataset/load.ts";
import { compareDatasetStats, datasetStats } from "../dataset/stats.ts";
import { safeMarkdown } from "../escape.ts";
import { writeAtomic } from "../fs.ts";
import { type AuditFinding, auditPaper } from "../paper/audit.ts";
import type { PaperTables } from "../paper/load.ts";
import { fScoreConvention, withRecomputedFScore } from "../paper/fscore.ts";
import { formatRows, rows } from "../table.ts";

/**
 * The tables part of the reproduction: `reproduction.md` (dataset statistics beside the
 * paper's, the leaderboard by F-score, the audit findings) and the same data as JSON.
 *
 * @param out The output folder.
 * @param paper The paper's tables.
 * @param ds The dataset.
 * @returns The dataset statistics and the audit findings written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "../dataset/load.ts";
 * import { loadPaper } from "../paper/load.ts";
 * import { writeTables } from "./tables.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await writeTables(dir, await loadPaper(), await loadDataset({ path: "../shared/bsa/dataset.csv" }));
 * assert(r.stats.every((s) => s.agrees) && (await Deno.readTextFile(`${dir}/reproduction.md`)).includes("## Audit"));
 * ```
 */
export async function writeTables(
  out: string,
  paper: PaperTables,
  ds: Dataset,
): Promise<{ stats: Record<string, unknown>[]; audit: AuditFinding[] }> {
  const stats = rows(compareDatasetStats(datasetStats(ds), paper.datasetStats));
  const audit = auditPaper(paper);
  await Deno.mkdir(out, { recursive: true });
  const md = [
    "# BSA reproduction: tables",
    "",
    `Dataset: ${safeMarkdown(ds.source)} (sha256 ${ds.sha256}${ds.pinned ? ", the pinned release" : ""})`,
    "",
    "## Dataset statistics beside the paper's",
    "",
    "```",
    formatRows(stats),
    "```",
    "",
    "## Leaderboard (published numbers, by F-score)",
    "",
    `${fScoreConvention(paper)}.`,
    "",
    "```",
    formatRows(withRecomputedFScore(rows(paper.main)).sort((a, b) => (b["F-score"] ?? -1) - (a["F-score"] ?? -1))),
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
  return { stats, audit };
}
