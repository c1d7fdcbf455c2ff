import type { TopLevelSpec } from "vega-lite";
import { CONDITION_COLORS } from "../theme.ts";
import { type Color, type Layer, type Position, SCHEMA, signed } from "./_common.ts";

/** A STAR-1 row: one Qwen3 size under one condition. */
export interface Star1Row {
  model: string;
  params_b: number;
  condition: string;
  [metric: string]: string | number | null | undefined;
}

const METRICS = ["Safe@1", "Think@1", "RO@1", "CS@1", "OS@1"];

/**
 * Base vs STAR-1 fine-tuned, per metric (panels) and model size (x, log scale): the
 * absolute values as two lines, so both the level and the gap are readable (the paper
 * stacked unlike metrics into one bar). `yours` rows are drawn as crosses.
 *
 * @param rows One row per size, condition and metric.
 * @param opts `title`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { star1Absolute } from "./star1.ts";
 * const spec = star1Absolute([{ model: "Qwen3-8B", params_b: 8, condition: "base", "Safe@1": 97.1 }]);
 * assert("facet" in spec);
 * ```
 */
export function star1Absolute(rows: Star1Row[], opts: { title?: string } = {}): TopLevelSpec {
  const long = rows.flatMap((r) =>
    METRICS.filter((m) => r[m] != null).map((m) => ({
      model: r.model,
      params_b: r.params_b,
      condition: r.condition === "star1"
        ? "STAR-1 fine-tuned"
        : r.condition === "your star1"
        ? "your run: STAR-1"
        : r.condition === "your base"
        ? "your run: base"
        : r.condition,
      metric: m,
      value: r[m] as number,
      lo: (r[`${m}_lo`] as number | undefined) ?? null,
      hi: (r[`${m}_hi`] as number | undefined) ?? null,
    }))
  );
  const x: Position = {
    field: "params_b",
    type: "quantitative",
    title: "Params (B)",
    scale: { type: "log", domain: [0.5, 40] },
    axis: { values: [0.6, 1.7, 4, 8, 14, 32], labelOverlap: "greedy" },
  };
  // The legend lists only the conditions drawn: no "your run" entries without runs.
  const conditions = ["base", "STAR-1 fine-tuned", "your run: base", "your run: STAR-1"];
  const colors = [CONDITION_COLORS.base, CONDITION_COLORS.treatment, "#F0A070", CONDITION_COLORS.yours];
  const present = conditions.map((c, i) => [c, colors[i]]).filter(([c]) => long.some((r) => r.condition === c));
  const color: Color = {
    field: "condition",
    type: "nominal",
    title: null,
    scale: { domain: present.map(([c]) => c), range: present.map(([, c]) => c) },
    legend: { orient: "top", direction: "horizontal" },
  };
  const layers: Layer[] = [
    {
      mark: { type: "line", strokeWidth: 1, point: { filled: true, size: 14 } },
      encoding: {
        x,
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        color,
        tooltip: [{ field: "model" }, { field: "condition" }, { field: "metric" }, { field: "value" }],
      },
    },
  ];
  if (long.some((r) => r.lo != null)) {
    layers.push({
      transform: [{ filter: "datum.lo != null" }],
      mark: { type: "errorbar", ticks: true },
      encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
    });
  }
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title ?? "STAR-1 fine-tuning of Qwen3: every size gains in Think@1, small models most in Safe@1",
      // Each panel's y axis spans its own values: say so where the eye expects a zero.
      subtitle:
        "Score (%) against Qwen3 parameters (B, log scale); each panel's y axis spans its own values, not from 0",
    },
    data: { values: long },
    // A column facet: its headers share one row, so every panel title sits at one height.
    facet: { column: { field: "metric", type: "nominal", title: null, sort: METRICS } },
    resolve: { scale: { y: "independent" } },
    spec: { width: 80, height: 90, layer: layers },
  };
}

/**
 * The change STAR-1 brings, per metric and size: absolute change in points (bars, labelled
 * with the relative change), negative changes in vermillion.
 *
 * @param rows One row per size, condition and metric.
 * @param opts `title`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { star1Change } from "./star1.ts";
 * const spec = star1Change([
 *   { model: "Qwen3-8B", params_b: 8, condition: "base", "OS@1": 56.4 },
 *   { model: "Qwen3-8B", params_b: 8, condition: "star1", "OS@1": 51.2 },
 * ]);
 * assert("facet" in spec);
 * ```
 */
export function star1Change(rows: Star1Row[], opts: { title?: string } = {}): TopLevelSpec {
  const models = [...new Set(rows.map((r) => r.model))];
  const deltas = models.flatMap((model) => {
    const b = rows.find((r) => r.model === model && r.condition === "base");
    const t = rows.find((r) => r.model === model && r.condition === "star1");
    if (!b || !t) return [];
    return METRICS.filter((m) => b[m] != null && t[m] != null).map((m) => {
      const delta = (t[m] as number) - (b[m] as number);
      const rel = (100 * delta) / (b[m] as number);
      return {
        model,
        params_b: b.params_b,
        metric: m,
        delta,
        rel,
        label: `${signed(rel, 0)}%`,
        sign: delta >= 0 ? "gain" : "loss",
      };
    });
  });
  const order = [...new Map(rows.map((r) => [r.model, r.params_b])).entries()].sort((a, b) => a[1] - b[1]).map(([m]) =>
    m
  );
  const span = Math.max(...deltas.map((d) => Math.abs(d.delta)), 1);
  // Room for the labels beyond the longest bars on either side.
  const lo = Math.min(0, ...deltas.map((d) => d.delta)) - (deltas.some((d) => d.delta < 0) ? 0.3 * span : 0);
  const hi = Math.max(0, ...deltas.map((d) => d.delta)) + 0.3 * span;
  const y: Position = {
    field: "model",
    type: "ordinal",
    title: null,
    sort: order,
    axis: { labelExpr: "replace(datum.label, 'Qwen3-', '')" },
  };
  const x: Position = {
    field: "delta",
    type: "quantitative",
    title: "Change (points)",
    scale: { domain: [lo, hi], nice: false },
    axis: { tickCount: 3 },
  };
  const sign: Color = {
    field: "sign",
    type: "nominal",
    legend: null,
    scale: { domain: ["gain", "loss"], range: ["#0072B2", "#D55E00"] },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title ?? "STAR-1 minus base, per Qwen3 size (bars: points; labels: relative change)",
    },
    data: { values: deltas },
    // A column facet: its headers share one row, so every panel title sits at one height.
    facet: { column: { field: "metric", type: "nominal", title: null, sort: METRICS } },
    spec: {
      width: 80,
      height: 70,
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            y,
            x,
            color: sign,
            tooltip: [{ field: "model" }, { field: "metric" }, { field: "delta", format: ".2f" }, {
              field: "rel",
              format: ".1f",
              title: "relative %",
            }],
          },
        },
        {
          transform: [{ filter: "datum.delta >= 0" }],
          mark: { type: "text", align: "left", baseline: "middle", dx: 2 },
          encoding: { y, x, text: { field: "label" } },
        },
        {
          transform: [{ filter: "datum.delta < 0" }],
          mark: { type: "text", align: "right", baseline: "middle", dx: -2 },
          encoding: { y, x, text: { field: "label" } },
        },
        { mark: { type: "rule", color: "#666666", strokeWidth: 0.5 }, encoding: { x: { datum: 0 } } },
      ],
    },
  };
}
