import type { TopLevelSpec } from "vega-lite";
import * as vega from "vega";
import { placeLabels } from "../labels.ts";
import { runLabels } from "../run_labels.ts";
import type { PrintSize } from "../size.ts";
import { CONDITION_COLORS, familyScale, RUN_SHAPES } from "../theme.ts";
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
/** Your runs: one colour no family has, one marker shape per run. */
const RUN_COLOR = CONDITION_COLORS.yours;

/** The least-squares line of Think@1 on Safe@1: Vega's own fit, as its regression transform draws it. */
function _fit(rows: { "Safe@1": number; "Think@1": number }[]): { m: number; b: number } {
  const fit = (vega as unknown as {
    regressionLinear: (d: unknown[], x: (r: never) => number, y: (r: never) => number) => { coef: [number, number] };
  }).regressionLinear(rows, (r: { "Safe@1": number }) => r["Safe@1"], (r: { "Think@1": number }) => r["Think@1"]);
  return { b: fit.coef[0], m: fit.coef[1] };
}

/** A run's intervals clipped to the axes, and where each was cut (drawn as an arrowhead). */
function _clipped(r: LeaderboardRow, xDom: [number, number], yDom: [number, number]) {
  const cuts: { cx: number; cy: number; dir: string }[] = [];
  const clip = (
    v: number | undefined,
    [lo, hi]: [number, number],
    at: (c: number) => [number, number],
    dirs: [string, string],
  ) => {
    if (v == null || !Number.isFinite(v)) return undefined;
    if (v < lo) return (cuts.push({ cx: at(lo)[0], cy: at(lo)[1], dir: dirs[0] }), lo);
    if (v > hi) return (cuts.push({ cx: at(hi)[0], cy: at(hi)[1], dir: dirs[1] }), hi);
    return v;
  };
  const sAt = (c: number): [number, number] => [c, r["Think@1"]],
    tAt = (c: number): [number, number] => [r["Safe@1"], c];
  return {
    s_lo: clip(r["Safe@1_lo"], xDom, sAt, ["left", "right"]),
    s_hi: clip(r["Safe@1_hi"], xDom, sAt, ["left", "right"]),
    t_lo: clip(r["Think@1_lo"], yDom, tAt, ["down", "up"]),
    t_hi: clip(r["Think@1_hi"], yDom, tAt, ["down", "up"]),
    cuts,
  };
}

/**
 * Safe@1 against Think@1 for every model: colour by family, circles sized by parameters for open
 * models, squares for closed ones (size unknown), the least-squares line through the published
 * models (drawn by Vega-Lite's `regression` transform), and the diagonal where reasoning would be
 * as good as the answers: the vertical distance to it is the gap the benchmark is about. Every
 * model is named: labels are placed so none overlaps another, a marker, the fitted line or a
 * run's interval, with a leader line where the cluster is dense and no leader crossing another (a
 * model that finds no free place is left unnamed and counted in the subtitle). `yours` adds your
 * runs in a colour no family has, one marker shape and legend entry ("Your runs") per run,
 * labelled by what tells them apart (see `runLabels`: condition and tags, then model), with 95%
 * intervals when `_lo`/`_hi` are given, cut at the axes with an arrowhead; the axes widen to take
 * a run outside the paper's frame. `size` sets the plot area for that print size.
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
  const given = opts.yours ?? [];
  // The paper's frame, widened (in whole steps) to take a run that falls outside it: no run is off the axes.
  const xDom: [number, number] = [
    Math.min(X_DOMAIN[0], ...given.map((r) => Math.floor(r["Safe@1"] / 5) * 5)),
    X_DOMAIN[1],
  ];
  const yDom: [number, number] = [
    Y_DOMAIN[0],
    Math.max(Y_DOMAIN[1], ...given.map((r) => Math.ceil(r["Think@1"] / 10) * 10)),
  ];
  const names = runLabels(given as unknown as Record<string, unknown>[], { include: ["model"] });
  const yours = given.map((r, i) => ({ ...r, source: "your run", run: names[i], ..._clipped(r, xDom, yDom) }));
  // The line is drawn by Vega-Lite's regression transform; Vega's own least squares gives the
  // same line here, so labels can be kept off it.
  const fit = _fit(paper);
  const fitAt = (x: number) => fit.m * x + fit.b;
  const fitFrom = Math.max(xDom[0], (yDom[0] - fit.b) / fit.m);
  // Marker radii in points, as drawn: sqrt-scaled area for open models, fixed squares otherwise.
  const maxParams = Math.max(...paper.map((r) => r.total_params_b ?? 0), 1);
  const area = (p: number | null | undefined) => (p == null ? 40 : 8 + (180 - 8) * Math.sqrt(p / maxParams));
  // The guides' labels sit beside their lines, on the side away from the data: left of the
  // diagonal's upper part, under the fitted line (both lines rise to the right, so neither crosses its label).
  const unitX = plot.width / (xDom[1] - xDom[0]), unitY = plot.height / (yDom[1] - yDom[0]);
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
    ...yours.map((r) => ({ x: r["Safe@1"], y: r["Think@1"], text: r.run, r: 5, kind: "your run" })),
  ];
  const all = [...points, ...guides];
  const toPt = (x: number, y: number) => [(x - xDom[0]) * unitX, (yDom[1] - y) * unitY] as const;
  // No label on the fitted line or on a run's interval (leaders may cross them).
  const lines: [number, number, number, number][] = [[
    ...toPt(fitFrom, fitAt(fitFrom)),
    ...toPt(xDom[1], fitAt(xDom[1])),
  ]];
  for (const r of yours) {
    if (r.s_lo != null && r.s_hi != null) lines.push([...toPt(r.s_lo, r["Think@1"]), ...toPt(r.s_hi, r["Think@1"])]);
    if (r.t_lo != null && r.t_hi != null) lines.push([...toPt(r["Safe@1"], r.t_lo), ...toPt(r["Safe@1"], r.t_hi)]);
  }
  const placed = placeLabels(all, { ...plot, xDomain: xDom, yDomain: yDom, fontSize: LABEL_PT, lines })
    .map((p, i) => ({ ...p, kind: all[i].kind }));
  const shown = placed.filter((p) => p.placed);
  const unnamed = placed.filter((p) => !p.placed && p.kind === "paper").length;

  const x: Position = { field: "Safe@1", type: "quantitative", title: "Safe@1 (%)", scale: { domain: xDom } };
  const y: Position = { field: "Think@1", type: "quantitative", title: "Think@1 (%)", scale: { domain: yDom } };
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
      data: { values: [{ v: xDom[0] }, { v: yDom[1] }] },
      mark: { type: "line", color: "#bbbbbb", strokeDash: [2, 2], strokeWidth: 0.75 },
      encoding: { x: { field: "v", type: "quantitative" }, y: { field: "v", type: "quantitative" } },
    },
    {
      data: { values: paper.map((r) => ({ a: r["Safe@1"], b: r["Think@1"] })) },
      transform: [{ regression: "b", on: "a", method: "linear", extent: [fitFrom, xDom[1]] }],
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
  const paperLayers = layers.length;
  if (yours.length) {
    const runs = yours.map((r) => r.run);
    const shapeOf = {
      field: "run",
      type: "nominal" as const,
      title: "Your runs",
      scale: { domain: runs, range: runs.map((_, i) => RUN_SHAPES[i % RUN_SHAPES.length]) },
      legend: { orient: "right" as const, symbolFillColor: RUN_COLOR, symbolStrokeColor: RUN_COLOR },
    };
    const sx: Position = { ...x, field: "s_lo" }, tx: Position = { ...y, field: "t_lo" };
    layers.push({
      data: { values: yours.filter((r) => r.t_lo != null) },
      mark: { type: "rule", color: RUN_COLOR, strokeWidth: 0.75 },
      encoding: { x, y: tx, y2: { field: "t_hi" } },
    }, {
      data: { values: yours.filter((r) => r.s_lo != null) },
      mark: { type: "rule", color: RUN_COLOR, strokeWidth: 0.75 },
      encoding: { y, x: sx, x2: { field: "s_hi" } },
    });
    // An interval cut at the axis ends in an arrowhead there, so the cut is visible.
    const cuts = yours.flatMap((r) => r.cuts);
    for (const dir of ["left", "right", "up", "down"] as const) {
      const values = cuts.filter((c) => c.dir === dir);
      if (!values.length) continue;
      layers.push({
        data: { values },
        mark: { type: "point", filled: true, size: 14, color: RUN_COLOR, shape: `triangle-${dir}` },
        encoding: { x: { ...x, field: "cx" }, y: { ...y, field: "cy" } },
      });
    }
    layers.push({
      data: { values: yours },
      mark: { type: "point", size: 55, filled: true, color: RUN_COLOR, stroke: "white", strokeWidth: 0.4 },
      encoding: {
        x,
        y,
        shape: shapeOf,
        tooltip: [{ field: "run" }, { field: "model" }, { field: "Safe@1" }, { field: "Think@1" }],
      },
    });
    for (const align of ["left", "right", "center"] as const) {
      const values = shown.filter((p) => p.align === align && p.kind === "your run");
      if (values.length) {
        layers.push({
          data: { values },
          mark: { type: "text", align, baseline: "middle", fontWeight: "bold", color: RUN_COLOR },
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
        {
          subtitle: `${unnamed} ${unnamed === 1 ? "model" : "models"} in the dense cluster ${
            unnamed === 1 ? "is" : "are"
          } left unnamed (no free place): see the leaderboard table`,
        }),
    },
    width: plot.width,
    height: plot.height,
    // Your runs have a shape scale of their own (one marker per run), apart from open/closed.
    ...(layers.length > paperLayers
      ? {
        layer: [{ layer: layers.slice(0, paperLayers) }, { layer: layers.slice(paperLayers) }],
        resolve: { scale: { shape: "independent" } },
      }
      : { layer: layers }),
  };
}
