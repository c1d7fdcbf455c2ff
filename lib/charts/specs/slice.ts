import type { TopLevelSpec } from "vega-lite";
import { type Color, type Layer, type Position, SCHEMA } from "./_common.ts";

/**
 * A metric by any grouping: bars per group (sorted by value), one colour per `color`
 * column, with 95% interval whiskers when the rows carry `<metric>_lo` / `<metric>_hi`.
 *
 * @param rows One row per group, with the metric (and its `_lo` / `_hi`).
 * @param opts The `metric`, the grouping column `by`, the `color` column and `title`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sliceChart } from "./slice.ts";
 * const spec = sliceChart([{ category: "Rumors", model: "m", "Think@1": 30 }], { metric: "Think@1", by: "category", color: "model" });
 * assert("layer" in spec);
 * ```
 */
export function sliceChart(
  rows: Record<string, unknown>[],
  opts: { metric: string; by: string; color?: string; title?: string },
): TopLevelSpec {
  const { metric, by, color } = opts;
  const hasCi = rows.some((r) => r[`${metric}_lo`] != null);
  const y: Position = {
    field: by,
    type: "nominal",
    title: by,
    sort: { field: metric, op: "mean", order: "descending" },
    axis: { labelLimit: 260 },
  };
  const x: Position = { field: metric, type: "quantitative", title: `${metric} (%)` };
  const colorEnc: Color = color ? { field: color, type: "nominal", title: color } : { value: "#0072B2" };
  const layers: Layer[] = [
    {
      mark: { type: "bar" },
      encoding: {
        y,
        x,
        color: colorEnc,
        ...(color && { yOffset: { field: color } }),
        tooltip: Object.keys(rows[0] ?? {}).map((field) => ({ field })),
      },
    },
  ];
  if (hasCi) {
    layers.push({
      mark: { type: "errorbar", color: "#333333", ticks: true },
      encoding: {
        y,
        ...(color && { yOffset: { field: color } }),
        x: { field: `${metric}_lo`, type: "quantitative" },
        x2: { field: `${metric}_hi` },
      },
    });
  }
  return {
    $schema: SCHEMA,
    title: opts.title ?? `${metric} by ${by}${color ? ` and ${color}` : ""}${hasCi ? " (95% intervals)" : ""}`,
    data: { values: rows },
    width: 420,
    height: { step: color ? 10 * new Set(rows.map((r) => r[color])).size + 6 : 18 },
    layer: layers,
  };
}
