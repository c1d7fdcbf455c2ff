import type { TopLevelSpec } from "vega-lite";

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
 * @param rows Wide rows, one column per metric (and `M_lo` / `M_hi`).
 * @param metrics The metric columns to melt.
 * @param conditionField The column naming the condition (default `condition`).
 * @returns One row per model, condition and metric.
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

type _TopLayer = Extract<TopLevelSpec, { layer: unknown }>;
type _TopFacet = Extract<TopLevelSpec, { facet: unknown }>;

/**
 * One layer of a layered chart, as Vega-Lite types it: a misspelled mark or channel does not
 * compile. The builders declare their layers with it instead of casting the finished spec.
 *
 * @example
 * ```ts
 * import type { Layer } from "./_common.ts";
 * const dots: Layer = { mark: "point", encoding: { x: { field: "x", type: "quantitative" } } };
 * ```
 */
export type Layer = _TopLayer["layer"][number];

/** The panel spec of a faceted chart. */
export type Panel = _TopFacet["spec"];

type _Unit = Extract<Layer, { mark: unknown }>;
/** The encoding of one layer. */
export type Encoding = NonNullable<_Unit["encoding"]>;
/** A position channel (x, y). */
export type Position = NonNullable<Encoding["x"]>;
/** The secondary position channel (x2, y2). */
export type Position2 = NonNullable<Encoding["x2"]>;
/** The colour channel. */
export type Color = NonNullable<Encoding["color"]>;
/** The shape channel. */
export type Shape = NonNullable<Encoding["shape"]>;
/** The tooltip channel. */
export type Tooltip = NonNullable<Encoding["tooltip"]>;

/**
 * A signed number for labels: "+1.2", "−0.8" (a true minus sign), and never "-0" or "+0": a
 * value that rounds to zero prints as "0".
 *
 * @param value The number.
 * @param digits Decimal places.
 * @returns The signed text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { signed } from "./_common.ts";
 * assert.deepEqual([signed(6.31, 1), signed(-0.21, 0), signed(-7.8, 1)], ["+6.3", "0", "−7.8"]);
 * ```
 */
export function signed(value: number, digits: number): string {
  const s = Math.abs(value).toFixed(digits);
  if (Number(s) === 0) return Number(0).toFixed(digits);
  return `${value > 0 ? "+" : "−"}${s}`;
}
