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
 * @example
 * ```ts ignore
 * const perQ = questionTable(judgments, { k: 5 });
 * const { report: withCi } = addIntervals(scoreQuestions(perQ, { k: 5 }), perQ, ["model"], { seed: 0 });
 * ```
 */
export function addIntervals(
  report: ScoreReport,
  perQ: ColumnTable,
  by: string[],
  o: BootstrapOptions = {},
): { report: ScoreReport; info: IntervalInfo } {
  const keyOf = (row: Record<string, unknown>) => by.map((c) => String(row[c])).join("\u0000");
  const groups = new Map<string, number[]>();
  const n = perQ.numRows();
  const cols = by.map((c) => perQ.array(c) as unknown[]);
  for (let i = 0; i < n; i++) {
    const key = cols.map((c) => String(c[i])).join("\u0000");
    groups.get(key)?.push(i) ?? groups.set(key, [i]);
  }
  const seed = o.seed ?? 0;
  const replicates = o.replicates ?? 2000;
  const level = o.level ?? 0.95;
  const extra: Record<string, (number | null)[]> = {};
  for (const m of METRICS) (extra[`${m}_lo`] = [], extra[`${m}_hi`] = []);
  for (const [i, row] of (report.table.objects() as Record<string, unknown>[]).entries()) {
    const idx = groups.get(keyOf(row)) ?? [];
    const ci = bootstrapIntervals(questionColumns(perQ, idx), {
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
