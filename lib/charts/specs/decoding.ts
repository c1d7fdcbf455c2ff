import type { TopLevelSpec } from "vega-lite";
import { DECODING_METRICS, type DecodingRow, type SpreadRow } from "../../paper/decoding_spreads.ts";
import { type Position, SCHEMA } from "./_common.ts";

/**
 * The row label the paper uses: "k=40, p=0.95, t=0.6" (plus "(recommended)").
 *
 * @param r The setting's top-k, top-p, temperature and whether it is recommended.
 * @returns The label.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { settingLabel } from "./decoding.ts";
 * assert(settingLabel({ top_k: 40, top_p: 0.95, temperature: 0.6, recommended: true }) === "k=40, p=0.95, t=0.6 (recommended)");
 * ```
 */
export function settingLabel(r: { top_k: number; top_p: number; temperature: number; recommended?: boolean }): string {
  return `k=${r.top_k}, p=${r.top_p}, t=${r.temperature}${r.recommended ? " (recommended)" : ""}`;
}

/**
 * The paper's decoding heatmap for one model: settings × metrics, each cell coloured by
 * its value and labelled with it. `marks` adds a marker (e.g. "*" for a change larger than
 * its uncertainty) after a cell's value, keyed `setting|metric`.
 *
 * @param rows One row per setting, with the metrics.
 * @param opts `title`, `subtitle`, and `marks` keyed `setting|metric`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodingHeatmap } from "./decoding.ts";
 * const spec = decodingHeatmap([{ model: "m", top_k: 40, top_p: 0.95, temperature: 0.6, recommended: true, "Safe@1": 93.5 }]);
 * assert("layer" in spec);
 * ```
 */
export function decodingHeatmap(
  rows: DecodingRow[],
  opts: { title?: string; subtitle?: string | string[]; marks?: Record<string, string> } = {},
): TopLevelSpec {
  const settings = rows.map(settingLabel);
  const cells = rows.flatMap((r) =>
    DECODING_METRICS.filter((m) => r[m] != null).map((m) => {
      const setting = settingLabel(r);
      const value = r[m] as number;
      // Runs with per-sample data carry intervals: show their half-width in the cell.
      const lo = r[`${m}_lo`], hi = r[`${m}_hi`];
      const ci = typeof lo === "number" && typeof hi === "number" ? ` ±${((hi - lo) / 2).toFixed(1)}` : "";
      return { setting, metric: m, value, label: `${value.toFixed(2)}${ci}${opts.marks?.[`${setting}|${m}`] ?? ""}` };
    })
  );
  const x: Position = {
    field: "metric",
    type: "nominal",
    title: "Metric (%)",
    sort: DECODING_METRICS,
    axis: { labelAngle: 0, orient: "bottom" },
  };
  const y: Position = {
    field: "setting",
    type: "nominal",
    title: null,
    sort: settings,
    axis: { labelLimit: 0, labelExpr: "replace(datum.label, ' (recommended)', ' (rec.)')" },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title ?? `Decoding settings of ${rows[0]?.model ?? ""}`,
      subtitle: [
        "k: top-k, p: top-p, t: temperature; rec.: the model's recommended setting",
        ...(opts.subtitle ? [opts.subtitle].flat() : []),
      ],
    },
    data: { values: cells },
    width: 400,
    height: 14 * settings.length,
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 1 },
        encoding: {
          x,
          y,
          color: {
            field: "value",
            type: "quantitative",
            title: "%",
            scale: { scheme: "blues", domain: [0, 100] },
            legend: { gradientLength: 60, gradientThickness: 8 },
          },
          tooltip: [{ field: "setting" }, { field: "metric" }, { field: "value" }],
        },
      },
      {
        mark: { type: "text" },
        encoding: {
          x,
          y,
          text: { field: "label" },
          color: { condition: { test: "datum.value > 55", value: "white" }, value: "#222222" },
        },
      },
    ],
  };
}

/**
 * The sensitivity summary: for each metric, the spread (max − min) across a model's
 * decoding settings beside the spread across Qwen3 sizes 4B–32B and the 95% uncertainty of
 * one measurement. Decoding moves every metric by a few points at most, far less than model
 * size does: the paper's conclusion that decoding is no fix for superficial safety.
 *
 * @param rows One row per metric and source of spread.
 * @param opts `title`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodingSensitivity } from "./decoding.ts";
 * const spec = decodingSensitivity([{ metric: "Safe@1", source: "decoding: QwQ-32B", spread: 1.1 }]);
 * assert("layer" in spec || "encoding" in spec);
 * ```
 */
export function decodingSensitivity(rows: SpreadRow[], opts: { title?: string } = {}): TopLevelSpec {
  const sources = [...new Set(rows.map((r) => r.source))];
  return {
    $schema: SCHEMA,
    title: opts.title ??
      "Spread (max − min) of each metric across decoding settings, across model sizes, and the noise of one value",
    data: { values: rows },
    width: 560,
    height: 260,
    mark: { type: "bar" },
    encoding: {
      x: { field: "metric", type: "nominal", title: null, sort: DECODING_METRICS },
      xOffset: { field: "source", sort: sources },
      y: { field: "spread", type: "quantitative", title: "Spread (points)" },
      color: {
        field: "source",
        type: "nominal",
        title: null,
        sort: sources,
        scale: { range: ["#0072B2", "#56B4E9", "#009E73", "#999999", "#D55E00"] },
        legend: { orient: "bottom", columns: 1 },
      },
      tooltip: [{ field: "metric" }, { field: "source" }, { field: "spread", format: ".2f" }],
    },
  };
}
