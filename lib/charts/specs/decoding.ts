import type { TopLevelSpec } from "vega-lite";
import { DECODING_METRICS, type DecodingRow, type SpreadRow } from "../../paper/decoding_spreads.ts";
import { runLabels } from "../run_labels.ts";
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
 * its uncertainty) after a cell's value, keyed `setting|metric`; the settings in `notCompared`
 * (by {@linkcode settingLabel}) get "†" after their row label, for the subtitle to explain.
 * Several runs at one setting get one row each, labelled by what tells them apart (`runLabels`).
 *
 * @param rows One row per setting, with the metrics.
 * @param opts `title`, `subtitle`, `marks` keyed `setting|metric`, `notCompared` settings.
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
  opts: { title?: string; subtitle?: string | string[]; marks?: Record<string, string>; notCompared?: string[] } = {},
): TopLevelSpec {
  // Rows of several runs at one setting (your runs) are told apart by what else differs
  // (condition, tags, model): one row each, never two cells in one place.
  const base = rows.map(settingLabel);
  const clash = new Set(base).size < base.length;
  const who = clash
    ? runLabels(rows as unknown as Record<string, unknown>[], {
      exclude: ["top_k", "top_p", "temperature", "recommended"],
    })
    : [];
  const settings = base.map((b, i) => (clash ? `${b} · ${who[i]}` : b));
  const dagger = new Set(opts.notCompared ?? []);
  const cells = rows.flatMap((r, i) =>
    DECODING_METRICS.filter((m) => r[m] != null).map((m) => {
      const setting = settings[i];
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
    axis: {
      labelLimit: 0,
      // A setting not compared with the recommended one carries † after its label.
      labelExpr: `replace(datum.label, ' (recommended)', ' (rec.)') + (indexof(${
        JSON.stringify([...dagger])
      }, datum.label) >= 0 ? ' †' : '')`,
    },
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
 * size does: the paper's conclusion that decoding is no fix for superficial safety. A metric
 * without a noise bar (the F-score, derived) says so where the bar would be.
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
  // A metric drawn without a noise bar (F-score is derived) says so in the noise bar's place.
  const noise = sources.filter((s) => s.startsWith("noise"));
  const bare = DECODING_METRICS.filter((m) =>
    rows.some((r) => r.metric === m) && !rows.some((r) => r.metric === m && noise.includes(r.source))
  );
  const x = { field: "metric", type: "nominal" as const, title: null, sort: DECODING_METRICS };
  const xOffset = { field: "source", sort: sources };
  return {
    $schema: SCHEMA,
    title: opts.title ??
      "Spread (max − min) of each metric across decoding settings, across model sizes, and the noise of one value",
    width: 560,
    height: 260,
    layer: [
      {
        data: { values: rows },
        mark: { type: "bar" },
        encoding: {
          x,
          xOffset,
          y: { field: "spread", type: "quantitative", title: "Spread (points)" },
          color: {
            field: "source",
            type: "nominal",
            title: null,
            sort: sources,
            scale: { range: ["#0072B2", "#56B4E9", "#009E73", "#999999", "#D55E00"] },
            // "k" in the rows is top-k: the number of samples per question is spelled out.
            legend: {
              orient: "bottom",
              columns: 1,
              labelExpr: "replace(datum.label, regexp(' at k=([0-9]+)'), ', $1 samples each')",
            },
          },
          tooltip: [{ field: "metric" }, { field: "source" }, { field: "spread", format: ".2f" }],
        },
      },
      ...(bare.length && noise.length
        ? [{
          data: {
            values: bare.map((metric) => ({
              metric,
              source: noise[0],
              note: "no noise bar: derived",
              // Above the group's bars beside it, reading upwards.
              at: Math.max(
                0,
                ...rows.filter((r) => r.metric === metric && !r.source.startsWith("model")).map((r) => r.spread),
              ) + 0.4,
            })),
          },
          mark: {
            type: "text" as const,
            angle: -90,
            align: "left" as const,
            baseline: "middle" as const,
            dx: 2,
            fontSize: 6,
            color: "#666666",
          },
          encoding: { x, xOffset, y: { field: "at", type: "quantitative" as const }, text: { field: "note" } },
        }]
        : []),
    ],
  };
}
