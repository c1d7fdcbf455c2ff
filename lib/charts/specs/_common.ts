/**
 * The Vega-Lite schema URL every spec declares.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SCHEMA } from "./_common.ts";
 * assert(SCHEMA.includes("vega-lite/v6"));
 * ```
 */
export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** A long-format row: one metric value of one model under one condition. */
export interface MetricRow {
  model: string;
  condition: string;
  metric: string;
  value: number;
  lo?: number | null;
  hi?: number | null;
}

/**
 * Melt wide rows (`{model, condition, "Safe@1": .., ...}`) into long {@linkcode MetricRow}s;
 * `M_lo` / `M_hi` columns become the row's interval.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { melt } from "./_common.ts";
 * const long = melt([{ model: "m", condition: "base", "Safe@1": 90, "Safe@1_lo": 88, "Safe@1_hi": 92 }], ["Safe@1"]);
 * assert(long[0].value === 90 && long[0].lo === 88);
 * ```
 */
export function melt(rows: Record<string, unknown>[], metrics: string[], conditionField = "condition"): MetricRow[] {
  return rows.flatMap((r) =>
    metrics.filter((m) => r[m] != null).map((m) => ({
      model: String(r.model),
      condition: String(r[conditionField] ?? ""),
      metric: m,
      value: r[m] as number,
      lo: (r[`${m}_lo`] as number | undefined) ?? null,
      hi: (r[`${m}_hi`] as number | undefined) ?? null,
    }))
  );
}
