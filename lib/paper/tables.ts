/**
 * The paper's tables as {@linkcode Table}s: the leaderboard, the safety-rules and STAR-1
 * tables, and the audit's findings. `deno task reproduce` writes each as LaTeX and CSV and the
 * report shows them, through the same renderers the CLI prints with.
 * @module
 */
import { METRIC_ORDER } from "../metrics/metric_table.ts";
import type { Table, TableColumn } from "../tables/model.ts";
import { rows } from "../table.ts";
import type { AuditFinding } from "./audit.ts";
import { fScoreConvention, PRINTED_F, withRecomputedFScore } from "./fscore.ts";
import type { PaperTables } from "./load.ts";

/** Metric columns of a paper table, in the paper's order, best-is-highest, at the decimals printed. */
function _metricColumns(keys: string[], decimals: number): TableColumn[] {
  return METRIC_ORDER.filter((m) => keys.includes(m)).map((key) => ({ key, kind: "number", decimals, best: "max" }));
}

/**
 * The main results as a leaderboard: the 23 models ranked by F-score recomputed at one weight
 * (the printed F-scores mix two; see `fScoreConvention`), every metric in the paper's order at
 * two decimals as printed, and the printed F-score beside the recomputed one.
 *
 * @param paper The paper's tables.
 * @returns The table (rank, model, access, family, metrics, printed F-score).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { leaderboardTable } from "./tables.ts";
 * const t = leaderboardTable(await loadPaper());
 * assert(t.rows.length === 23 && t.rows[0].rank === 1 && t.columns[1].key === "model");
 * assert((t.rows[0]["F-score"] as number) >= (t.rows[1]["F-score"] as number));
 * ```
 */
export function leaderboardTable(paper: PaperTables): Table {
  const ranked = withRecomputedFScore(rows(paper.main))
    .sort((a, b) => ((b["F-score"] as number | null) ?? -1) - ((a["F-score"] as number | null) ?? -1))
    .map((r, i) => ({ rank: i + 1, ...r }));
  const keys = Object.keys(ranked[0] ?? {});
  return {
    title: "Leaderboard: the paper's main results, ranked by F-score",
    columns: [
      { key: "rank", kind: "count" },
      { key: "model", kind: "text" },
      { key: "access", kind: "text" },
      { key: "family", kind: "text" },
      ..._metricColumns(keys, 2),
      { key: PRINTED_F, kind: "number" },
    ],
    rows: ranked,
    notes: [`${fScoreConvention(paper)}.`],
  };
}

/**
 * The safety-rules table: five models without and with the safety rules, at the one decimal
 * the paper prints.
 *
 * @param paper The paper's tables.
 * @returns The table (model, condition, metrics).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { safetyRulesTable } from "./tables.ts";
 * const t = safetyRulesTable(await loadPaper());
 * assert(t.rows.length === 10 && t.columns.find((c) => c.key === "Safe@1")!.decimals === 1);
 * assert.deepEqual(t.columns.slice(2).map((c) => c.key), ["Safe@1", "Think@1", "OS@1", "CS@1", "RO@1"]);
 * ```
 */
export function safetyRulesTable(paper: PaperTables): Table {
  const rs = rows(paper.safetyRules);
  return {
    title: "Safety rules: each model without (base) and with (rules) the rules in its prompt",
    columns: [
      { key: "model", kind: "text" },
      { key: "condition", kind: "text" },
      ..._metricColumns(Object.keys(rs[0] ?? {}), 1),
    ],
    rows: rs,
  };
}

/**
 * The STAR-1 table: the Qwen3 sizes before and after STAR-1 fine-tuning.
 *
 * @param paper The paper's tables.
 * @returns The table (model, parameters, condition, metrics).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { star1Table } from "./tables.ts";
 * const t = star1Table(await loadPaper());
 * assert(t.rows.length > 0 && t.columns[1].key === "params_b");
 * ```
 */
export function star1Table(paper: PaperTables): Table {
  const rs = rows(paper.star1);
  return {
    title: "STAR-1 fine-tuning: Qwen3 models before (base) and after (star1)",
    columns: [
      { key: "model", kind: "text" },
      { key: "params_b", label: "params (B)", kind: "number", decimals: 1 },
      { key: "condition", kind: "text" },
      ..._metricColumns(Object.keys(rs[0] ?? {}), 2),
    ],
    rows: rs,
  };
}

/**
 * The audit's findings: each printed value that disagrees with its recomputation.
 *
 * @param findings The findings (`auditPaper`).
 * @returns The table (table, model, condition, metric, printed, recomputed, note).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { auditPaper, loadPaper } from "./mod.ts";
 * import { auditTable } from "./tables.ts";
 * const t = auditTable(auditPaper(await loadPaper()));
 * assert(t.rows.length > 0 && t.columns.find((c) => c.key === "printed")!.kind === "number");
 * ```
 */
export function auditTable(findings: AuditFinding[]): Table {
  return {
    title: `Audit: ${findings.length} printed values that disagree with their recomputation`,
    columns: [
      { key: "table", kind: "text" },
      { key: "model", kind: "text" },
      { key: "condition", kind: "text" },
      { key: "metric", kind: "text" },
      // A k finding's values are sample counts (whole); every other value is a percentage.
      { key: "printed", kind: "number", kindBy: "_kind" },
      { key: "recomputed", kind: "number", kindBy: "_kind" },
      { key: "note", kind: "text" },
    ],
    rows: (findings as unknown as Record<string, unknown>[]).map((f) => ({
      ...f,
      _kind: f.metric === "k" ? "count" : "number",
    })),
  };
}
