import type { Table, TableColumn } from "../tables/model.ts";
import { METRIC_ORDER } from "./metric_table.ts";
import { COUNT_COLUMNS, type ScoreReport } from "./score.ts";

/** Options of {@linkcode scoreTable}. */
export interface ScoreTableOptions {
  /** Keep the count columns (questions, samples, coverage, k, each outcome). */
  details?: boolean;
  /** More columns of the score table to keep, after the metrics. */
  extra?: string[];
  title?: string;
}

/**
 * A score report as the one {@linkcode Table} that `bsa score` prints and exports: the group
 * columns, `k` when the groups differ in it (every count with `details`), then each metric in
 * the paper's order ({@linkcode METRIC_ORDER}) with its interval when the report has one;
 * metrics marked best-is-highest (for `--bold-best`).
 *
 * @param report The scores.
 * @param options Count columns, extra columns and a title.
 * @returns The table (rows are the report's, unrounded: each renderer formats them).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { scoreJudgments } from "./score.ts";
 * import { scoreTable } from "./score_table.ts";
 * const j = aq.from([{ model: "m", id: "q", scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" }]);
 * const t = scoreTable(scoreJudgments(j, { k: 1 }));
 * assert.deepEqual(t.columns.slice(0, 3).map((c) => c.key), ["model", "Safe@1", "Safe@k"]);
 * assert(t.columns.find((c) => c.key === "RO@1")!.kind === "number");
 * ```
 */
export function scoreTable(report: ScoreReport, options: ScoreTableOptions = {}): Table {
  const counts = COUNT_COLUMNS as readonly string[];
  const metrics = METRIC_ORDER as readonly string[];
  const names = report.table.columnNames();
  const present = new Set(names);
  const by = names.filter((c) =>
    !metrics.includes(c) && !counts.includes(c) && !/_(lo|hi)$/.test(c) && !c.startsWith("_") &&
    !(options.extra ?? []).includes(c)
  );
  // Groups at different k: k is part of what a row means, so it is shown without details.
  const detail = options.details
    ? counts.filter((c) => c !== "expected" && present.has(c))
    : report.k === null && present.has("k")
    ? ["k"]
    : [];
  const rows = report.table.objects() as Record<string, unknown>[];
  const columns: TableColumn[] = [
    ...by.map((key): TableColumn => ({
      key,
      kind: rows.every((r) => r[key] == null || typeof r[key] === "number") ? "count" : "text",
    })),
    ...detail.map((key): TableColumn =>
      key === "coverage" ? { key, kind: "number", decimals: 4 } : { key, kind: "count" }
    ),
    ...METRIC_ORDER.filter((m) => present.has(m)).map((key): TableColumn => {
      const col: TableColumn = { key, kind: "number", best: "max" };
      if (present.has(`${key}_lo`) && present.has(`${key}_hi`)) col.interval = { lo: `${key}_lo`, hi: `${key}_hi` };
      return col;
    }),
    ...(options.extra ?? []).filter((c) => present.has(c)).map((key): TableColumn => ({
      key,
      kind: rows.every((r) => r[key] == null || typeof r[key] === "number") ? "number" : "text",
    })),
  ];
  const table: Table = { columns, rows };
  if (options.title) table.title = options.title;
  return table;
}
