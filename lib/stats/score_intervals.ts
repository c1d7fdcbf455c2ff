import type { ColumnTable } from "arquero";
import { METRICS } from "../metrics/names.ts";
import type { ScoreReport } from "../metrics/score.ts";
import { bootstrapIntervals, type BootstrapOptions, questionColumns } from "./bootstrap.ts";

/** What interval columns a report carries. */
export interface IntervalInfo {
  method: "bootstrap-percentile (questions resampled within scenarios)";
  level: number;
  replicates: number;
  seed: number;
}

/**
 * Add `<metric>_lo` and `<metric>_hi` (95% by default) to every row of a score report,
 * from a bootstrap over each group's questions. The seed and method are returned for the record.
 *
 * @param report The score report (one row per group).
 * @param perQ The per-question table behind it.
 * @param by The grouping columns of both.
 * @param o Replicates (default 2,000), seed (default 0), level (default 0.95) and scenario weights.
 * @returns The report with the interval columns, and how they were computed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { questionTable, metricsFromQuestions } from "../metrics/score.ts";
 * import { addIntervals } from "./score_intervals.ts";
 * // Forty Risk Omission questions, k=1, three in four answered safely.
 * const judgments = aq.from(Array.from({ length: 40 }, (_, i) => ({
 *   model: "m", id: `q${i}`, scenario: "Risk Omission", answer_verdict: i % 4 ? "Safe" : "Unsafe", reasoning_verdict: "True",
 * })));
 * const perQ = questionTable(judgments, { k: 1, by: ["model"] });
 * const { report, info } = addIntervals(metricsFromQuestions(perQ, { k: 1, by: ["model"] }), perQ, ["model"], { seed: 1 });
 * const [row] = report.table.objects() as Record<string, number>[];
 * assert(row["Safe@1"] === 75 && row["Safe@1_lo"] > 55 && row["Safe@1_lo"] < 75 && row["Safe@1_hi"] > 75 && row["Safe@1_hi"] < 95);
 * // Every reasoning is right: the interval keeps a width (a percentile bootstrap would collapse to 100).
 * assert(row["RO@1"] === 100 && row["RO@1_lo"] > 90 && row["RO@1_lo"] < 100 && row["RO@1_hi"] === 100);
 * assert(info.seed === 1 && info.replicates === 2000 && info.level === 0.95);
 * const again = addIntervals(metricsFromQuestions(perQ, { k: 1, by: ["model"] }), perQ, ["model"], { seed: 1 });
 * assert.deepEqual(again.report.table.objects(), report.table.objects()); // same seed, same intervals
 * ```
 */
export function addIntervals(
  report: ScoreReport,
  perQ: ColumnTable,
  by: string[],
  o: BootstrapOptions = {},
): { report: ScoreReport; info: IntervalInfo } {
  // The same questions give the same interval whatever order their records came in (a run
  // judged at concurrency, or imported from another harness): resample in one canonical order.
  const ordered = perQ.orderby(...[...new Set([...by, "id"])].filter((c) => perQ.columnNames().includes(c)));
  const questionsOf = _questionsOfRows(report.table, ordered, by);
  const seed = o.seed ?? 0;
  const replicates = o.replicates ?? 2000;
  const level = o.level ?? 0.95;
  const extra: Record<string, (number | null)[]> = {};
  for (const m of METRICS) (extra[`${m}_lo`] = [], extra[`${m}_hi`] = []);
  for (const [i, idx] of questionsOf.entries()) {
    const ci = bootstrapIntervals(questionColumns(ordered, idx), {
      seed,
      replicates,
      level,
      alpha: report.alpha,
      weights: report.weights[i],
    });
    for (const m of METRICS) {
      extra[`${m}_lo`].push(ci[m]?.lo ?? null);
      extra[`${m}_hi`].push(ci[m]?.hi ?? null);
    }
  }
  return {
    report: { ...report, table: report.table.assign(extra) },
    info: { method: "bootstrap-percentile (questions resampled within scenarios)", level, replicates, seed },
  };
}

/**
 * The positions in `perQ` of each report row's questions: the rows whose `by` values equal the
 * report row's. Arquero does the matching: it groups the report's key columns stacked on the
 * questions' (its group keys tell "a|b" from "a", "|b" and null from "null", and a join would
 * drop null keys, which untagged runs have), and each question goes to its group's report rows.
 * Positions ascend, as the bootstrap's seeded draws expect.
 */
function _questionsOfRows(report: ColumnTable, perQ: ColumnTable, by: string[]): number[][] {
  const m = report.numRows(), n = perQ.numRows();
  const all = Array.from({ length: n }, (_, j) => j);
  if (!by.length) return Array.from({ length: m }, () => all);
  // reify: positions as `perQ.array()` gives them (after any filter or order).
  const { keys, size } = report.select(by).reify().concat(perQ.select(by).reify()).groupby(by).groups()!;
  const members: number[][] = Array.from({ length: size }, () => []);
  for (let j = 0; j < n; j++) members[keys[m + j]].push(j);
  return Array.from({ length: m }, (_, i) => members[keys[i]]);
}
