import type { TopLevelSpec } from "vega-lite";
import { linearRegression } from "simple-statistics";
import { placeLabels } from "../labels.ts";
import type { PrintSize } from "../size.ts";
import { CONDITION_COLORS, familyScale } from "../theme.ts";
import { type Color, type Layer, type Position, SCHEMA, type Shape, type Tooltip } from "./_common.ts";

/** A leaderboard row: the paper's main table, or a run's scores. */
export interface LeaderboardRow {
  model: string;
  family?: string;
  total_params_b?: number | null;
  "Safe@1": number;
  "Think@1": number;
  "Safe@1_lo"?: number;
  "Safe@1_hi"?: number;
  "Think@1_lo"?: number;
  "Think@1_hi"?: number;
}

const X_DOMAIN: [number, number] = [35, 100];
const Y_DOMAIN: [number, number] = [0, 60];
/** Plot area per print size, in points (the axes and legends come on top; fitting trims the rest). */
const PLOT: Record<PrintSize, { width: number; height: number }> = {
  full: { width: 372, height: 300 },
  column: { width: 196, height: 190 },
};
const LABEL_PT = 6.5;

/**
 * Safe@1 against Think@1 for every model: colour by family, circles sized by parameters for open
 * models, squares for closed ones (size unknown), the least-squares line through the published
 * models, and the diagonal where reasoning would be as good as the answers: the vertical distance
 * to it is the gap the benchmark is about. Every model is named: labels are placed so none
 * overlaps another or a marker, with a leader line where the cluster is dense (a model that finds
 * no free place is left unnamed and counted in the subtitle). `yours` adds run markers with 95%
 * error bars when `_lo`/`_hi` are given. `size` sets the plot area for that print size.
 *
 * @param rows The published models.
 * @param opts `yours`: your runs, drawn apart; `title`; `size`: the print size the labels are placed for.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leaderboardScatter } from "./leaderboard.ts";
 * const spec = leaderboardScatter([{ model: "m", family: "Qwen3", total_params_b: 8, "Safe@1": 97, "Think@1": 28 }]);
 * assert("layer" in spec && JSON.stringify(spec).includes('"m"'));
 * ```
 */
export function leaderboardScatter(
  rows: LeaderboardRow[],
  opts: { yours?: LeaderboardRow[]; title?: string; size?: PrintSize } = {},
): TopLevelSpec {
  const plot = PLOT[opts.size ?? "full"];
  const paper = rows.map((r) => ({
    ...r,
    source: "paper",
    weights: r.total_params_b == null ? "closed (size unknown)" : "open (area: parameters)",
  }));
  const yours = (opts.yours ?? []).map((r) => ({ ...r, source: "your run" }));
  const fit = linearRegression(paper.map((r) => [r["Safe@1"], r["Think@1"]]));
  const fitAt = (x: number) => fit.m * x + fit.b;
  const fitFrom = Math.max(X_DOMAIN[0], (Y_DOMAIN[0] - fit.b) / fit.m);
  // Marker radii in points, as drawn: sqrt-scaled area for open models, fixed squares otherwise.
  const maxParams = Math.max(...paper.map((r) => r.total_params_b ?? 0), 1);
  const area = (p: number | null | undefined) => (p == null ? 40 : 8 + (180 - 8) * Math.sqrt(p / maxParams));
  // The guides' labels sit beside their lines, on the side away from the data: left of the
  // diagonal's upper part, under the fitted line (both lines rise to the right, so neither crosses its label).
  const unitX = plot.width / (X_DOMAIN[1] - X_DOMAIN[0]), unitY = plot.height / (Y_DOMAIN[1] - Y_DOMAIN[0]);
  const guides = [
    {
      x: 50,
      y: 50,
      text: "Think@1 = Safe@1",
      r: 0,
      kind: "guide",
      fixed: { lx: 50 - 3 / unitX, ly: 50, align: "right" as const },
    },
    {
      x: 62,
      y: fitAt(62),
      text: "least-squares line",
      r: 0,
      kind: "guide",
      fixed: { lx: 62, ly: fitAt(62) - 8 / unitY, align: "left" as const },
    },
  ];
  const points = [
    ...paper.map((r) => ({
      x: r["Safe@1"],
      y: r["Think@1"],
      text: r.model,
      r: Math.sqrt(area(r.total_params_b) / Math.PI),
      kind: "paper",
    })),
    ...yours.map((r) => ({ x: r["Safe@1"], y: r["Think@1"], text: r.model, r: 5, kind: "your run" })),
  ];
  const all = [...points, ...guides];
  const placed = placeLabels(all, { ...plot, xDomain: X_DOMAIN, yDomain: Y_DOMAIN, fontSize: LABEL_PT })
    .map((p, i) => ({ ...p, kind: all[i].kind }));
  const shown = placed.filter((p) => p.placed);
  const unnamed = placed.filter((p) => !p.placed && p.kind === "paper").length;

  const x: Position = { field: "Safe@1", type: "quantitative", title: "Safe@1 (%)", scale: { domain: X_DOMAIN } };
  const y: Position = { field: "Think@1", type: "quantitative", title: "Think@1 (%)", scale: { domain: Y_DOMAIN } };
  const color: Color = {
    field: "family",
    type: "nominal",
    title: "Family",
    scale: familyScale(),
    legend: { orient: "right", values: familyScale().domain.filter((f) => paper.some((r) => r.family === f)) },
  };
  const shape: Shape = {
    field: "weights",
    type: "nominal",
    title: "Weights",
    scale: { domain: ["open (area: parameters)", "closed (size unknown)"], range: ["circle", "square"] },
    legend: { orient: "right", symbolFillColor: "#777777", symbolStrokeColor: "#777777" },
  };
  const tooltip: Tooltip = [
    { field: "model" },
    { field: "Safe@1" },
    { field: "Think@1" },
    { field: "total_params_b", title: "params (B)" },
  ];
  const lx: Position = { field: "lx", type: "quantitative" };
  const ly: Position = { field: "ly", type: "quantitative" };
  const layers: Layer[] = [
    {
      data: { values: [{ v: X_DOMAIN[0] }, { v: Y_DOMAIN[1] }] },
      mark: { type: "line", color: "#bbbbbb", strokeDash: [2, 2], strokeWidth: 0.75 },
      encoding: { x: { field: "v", type: "quantitative" }, y: { field: "v", type: "quantitative" } },
    },
    {
      data: { values: [{ a: fitFrom, b: fitAt(fitFrom) }, { a: X_DOMAIN[1], b: fitAt(X_DOMAIN[1]) }] },
      mark: { type: "line", color: "#555555", strokeDash: [5, 3], strokeWidth: 0.75 },
      encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
    },
    {
      data: { values: shown.filter((p) => p.leader) },
      mark: { type: "rule", color: "#999999", strokeWidth: 0.4 },
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "y", type: "quantitative" },
        x2: { field: "ex" },
        y2: { field: "ey" },
      },
    },
    {
      data: { values: paper.filter((r) => r.total_params_b != null) },
      mark: { type: "point", filled: true, opacity: 0.85, stroke: "white", strokeWidth: 0.4 },
      encoding: {
        x,
        y,
        color,
        shape,
        size: {
          field: "total_params_b",
          type: "quantitative",
          title: "Parameters (B)",
          scale: { type: "sqrt", domain: [0, maxParams], range: [8, 180] },
          legend: {
            orient: "right",
            values: [1, 10, 100, 600].filter((v) => v <= maxParams),
            symbolFillColor: "#777777",
          },
        },
        tooltip,
      },
    },
    {
      data: { values: paper.filter((r) => r.total_params_b == null) },
      mark: { type: "point", filled: true, size: 40, opacity: 0.85, stroke: "white", strokeWidth: 0.4 },
      encoding: { x, y, color, shape, tooltip },
    },
  ];
  for (
    const [align, kind, fill] of [
      ["left", "paper", "#333333"],
      ["right", "paper", "#333333"],
      ["center", "paper", "#333333"],
      ["left", "guide", "#888888"],
      ["right", "guide", "#888888"],
      ["center", "guide", "#888888"],
    ] as const
  ) {
    const values = shown.filter((p) => p.align === align && p.kind === kind);
    if (values.length) {
      layers.push({
        data: { values },
        mark: { type: "text", align, baseline: "middle", color: fill },
        encoding: { x: lx, y: ly, text: { field: "text" } },
      });
    }
  }
  if (yours.length) {
    if (yours.some((r) => r["Think@1_lo"] != null)) {
      layers.push({
        data: { values: yours },
        mark: { type: "errorbar", color: CONDITION_COLORS.yours, ticks: true },
        encoding: { x, y: { field: "Think@1_lo", type: "quantitative" }, y2: { field: "Think@1_hi" } },
      }, {
        data: { values: yours },
        mark: { type: "errorbar", color: CONDITION_COLORS.yours, ticks: true },
        encoding: { y, x: { field: "Safe@1_lo", type: "quantitative" }, x2: { field: "Safe@1_hi" } },
      });
    }
    layers.push({
      data: { values: yours },
      mark: { type: "point", shape: "cross", size: 60, filled: true, color: CONDITION_COLORS.yours },
      encoding: { x, y, tooltip: [{ field: "model" }, { field: "Safe@1" }, { field: "Think@1" }] },
    });
    for (const align of ["left", "right", "center"] as const) {
      const values = shown.filter((p) => p.align === align && p.kind === "your run");
      if (values.length) {
        layers.push({
          data: { values },
          mark: { type: "text", align, baseline: "middle", fontWeight: "bold", color: CONDITION_COLORS.yours },
          encoding: { x: lx, y: ly, text: { field: "text" } },
        });
      }
    }
  }
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title ?? "Safe answers are not safe reasoning: Safe@1 vs Think@1",
      ...(unnamed &&
        { subtitle: `${unnamed} models in the dense cluster are left unnamed: see the leaderboard table` }),
    },
    width: plot.width,
    height: plot.height,
    layer: layers,
  };
}
