import type { TopLevelSpec } from "vega-lite";
import { runLabels } from "../run_labels.ts";
import { CONDITION_COLORS, familyScale, RUN_SHAPES, SCENARIO_COLORS } from "../theme.ts";
import { type Color, type Layer, type Position, SCHEMA, signed, type Tooltip } from "./_common.ts";

/** A main-table row with parameter counts. */
export interface ScalingRow {
  model: string;
  family: string;
  total_params_b: number | null;
  active_params_b: number | null;
  [metric: string]: string | number | null;
}

const FAMILIES = ["Qwen3", "R1-Distill-Qwen", "R1-Distill-Llama"];

/**
 * Each metric against parameter count (log axis) for the Qwen3 and R1-Distill families.
 * Dense models sit at their total parameters and are joined by a line; mixture-of-experts
 * models (Qwen3-30B-A3B, Qwen3-235B-A22B) are drawn at both their total (hollow) and active
 * (filled) parameters, joined by a dotted segment.
 *
 * @param rows One row per model, with its parameters and metrics.
 * @param opts The `metrics` to draw, `title`, and `yours`: your runs.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scalingMetrics } from "./scaling.ts";
 * const spec = scalingMetrics([{ model: "Qwen3-8B", family: "Qwen3", total_params_b: 8, active_params_b: 8, "Safe@1": 97 }]);
 * assert("facet" in spec);
 * ```
 */
export function scalingMetrics(
  rows: ScalingRow[],
  opts: { metrics?: string[]; title?: string; yours?: Record<string, unknown>[] } = {},
): TopLevelSpec {
  const metrics = opts.metrics ?? ["Safe@1", "Safe@k", "Think@1", "Think@k", "F-score"];
  // Your runs, placed by their params_b tag (a tag is text: "8" is 8), with their 95% intervals,
  // each with its own marker and label (what tells it from the other runs, then its model).
  const placed = (opts.yours ?? []).filter((r) => Number.isFinite(Number(r.params_b)) && r.params_b !== "");
  const names = runLabels(placed, { include: ["model"] });
  // Runs of one size are set side by side (a factor 1.5 apart on the log axis), not on top of each other.
  const same = (i: number) => placed.filter((q) => Number(q.params_b) === Number(placed[i].params_b));
  const dodge = (i: number) => {
    const group = same(i), j = group.indexOf(placed[i]);
    return Math.pow(1.5, j - (group.length - 1) / 2);
  };
  const yours = placed.flatMap((r, i) =>
    metrics.filter((m) => r[m] != null).map((m) => ({
      model: `your run: ${r.model}`,
      run: names[i],
      family: "your run",
      metric: m,
      value: r[m],
      lo: r[`${m}_lo`] ?? null,
      hi: r[`${m}_hi`] ?? null,
      params: Number(r.params_b) * dodge(i),
      params_b: Number(r.params_b),
      kind: "your run",
      pair: `yours ${names[i]}`,
    }))
  );
  const long = rows.filter((r) => FAMILIES.includes(r.family) && r.total_params_b != null).flatMap((r) => {
    const moe = r.active_params_b != null && r.active_params_b !== r.total_params_b;
    return metrics.filter((m) => r[m] != null).flatMap((m) => [
      {
        model: r.model,
        family: r.family,
        metric: m,
        value: r[m],
        params: r.total_params_b,
        kind: moe ? "MoE (total)" : "dense",
        pair: `${r.model}`,
      },
      ...(moe
        ? [{
          model: r.model,
          family: r.family,
          metric: m,
          value: r[m],
          params: r.active_params_b,
          kind: "MoE (active)",
          pair: `${r.model}`,
        }]
        : []),
    ]);
  });
  const x: Position = {
    field: "params",
    type: "quantitative",
    title: "Params (B)",
    scale: { type: "log", domain: [0.4, 300] },
    axis: { values: [1, 10, 100], grid: false },
  };
  const y: Position = { field: "value", type: "quantitative", title: null, scale: { zero: false } };
  const color: Color = {
    field: "family",
    type: "nominal",
    title: null,
    scale: familyScale(),
    legend: { values: FAMILIES, orient: "top", direction: "horizontal" },
  };
  const tooltip: Tooltip = [{ field: "model" }, { field: "kind" }, { field: "params" }, { field: "value" }];
  const layers: Layer[] = [
    {
      transform: [{ filter: "datum.kind === 'dense'" }],
      mark: { type: "line", strokeWidth: 1 },
      encoding: { x, y, color, detail: { field: "family" } },
    },
    {
      transform: [{ filter: "datum.kind === 'MoE (total)' || datum.kind === 'MoE (active)'" }],
      mark: { type: "line", strokeDash: [1.5, 1.5], strokeWidth: 0.75 },
      encoding: { x, y, color, detail: { field: "pair" } },
    },
    {
      transform: [{ filter: "datum.kind === 'dense' || datum.kind === 'MoE (active)'" }],
      mark: { type: "point", size: 14, filled: true, opacity: 0.9 },
      encoding: {
        x,
        y,
        color,
        shape: { condition: { test: "datum.kind === 'MoE (active)'", value: "diamond" }, value: "circle" },
        tooltip,
      },
    },
    {
      transform: [{ filter: "datum.kind === 'MoE (total)'" }],
      mark: { type: "point", size: 14, filled: false, strokeWidth: 1 },
      encoding: { x, y, color, tooltip },
    },
  ];
  if (yours.length) {
    layers.push({
      transform: [{ filter: "datum.kind === 'your run' && datum.lo != null" }],
      mark: { type: "rule", color: CONDITION_COLORS.yours, strokeWidth: 0.75 },
      encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" } },
    }, {
      transform: [{ filter: "datum.kind === 'your run'" }],
      mark: { type: "point", size: 40, filled: true, color: CONDITION_COLORS.yours },
      encoding: {
        x,
        y,
        shape: {
          field: "run",
          type: "nominal",
          title: "Your runs",
          scale: { domain: names, range: names.map((_, i) => RUN_SHAPES[i % RUN_SHAPES.length]) },
          legend: { orient: "top", direction: "horizontal" },
        },
        tooltip: [{ field: "run" }, { field: "params_b" }, { field: "value" }, { field: "lo" }, { field: "hi" }],
      },
    });
  }
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title ?? "Scaling: every metric against parameters (MoE: ◇ active, ○ total, joined by a dotted line)",
      subtitle: `Score (%) against parameters (B, log scale); each panel's y axis spans its own values, not from 0${
        yours.length ? "; your runs in dark red, with 95% intervals (runs of one size side by side)" : ""
      }`,
    },
    data: { values: [...long, ...yours] },
    // One row (five metrics in a 3 × 2 grid would leave a sixth cell empty), as a column facet: its
    // headers share one row, so every panel title sits at one height whatever its axis labels.
    facet: { column: { field: "metric", type: "nominal", title: null, sort: metrics } },
    resolve: { scale: { y: "independent" } },
    spec: { width: 80, height: 90, layer: layers },
  };
}

/**
 * Which scenario gains most with scale: RO@1, CS@1 and OS@1 against parameters (log) for
 * each dense family, with the gain from smallest to largest model in the legend labels.
 *
 * @param rows One row per model, with its parameters and scenario metrics.
 * @param opts `title`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scalingScenarios } from "./scaling.ts";
 * const spec = scalingScenarios([{ model: "Qwen3-8B", family: "Qwen3", total_params_b: 8, active_params_b: 8, "RO@1": 54.8 }]);
 * assert("facet" in spec);
 * ```
 */
export function scalingScenarios(rows: ScalingRow[], opts: { title?: string } = {}): TopLevelSpec {
  const dense = rows.filter((r) =>
    FAMILIES.includes(r.family) && r.total_params_b != null && r.active_params_b === r.total_params_b
  );
  const long = dense.flatMap((r) =>
    ["RO", "CS", "OS"].filter((s) => r[`${s}@1`] != null).map((s) => ({
      model: r.model,
      family: r.family,
      scenario: s,
      value: r[`${s}@1`],
      params: r.total_params_b,
    }))
  );
  // Label the largest model of each family and scenario with the gain over the smallest.
  const labelled = long.map((p) => {
    const pts = long.filter((q) => q.family === p.family && q.scenario === p.scenario);
    const first = pts.reduce((a, b) => ((a.params as number) <= (b.params as number) ? a : b));
    const last = pts.reduce((a, b) => ((a.params as number) >= (b.params as number) ? a : b));
    const gain = (last.value as number) - (first.value as number);
    return {
      ...p,
      gain: p === last && pts.length > 1 ? `${p.scenario} ${signed(gain, 1)}` : null,
      labelY: p.value as number,
    };
  });
  // Gain labels sit at their line's end; nudge apart those of one family closer than 9 points.
  for (const family of FAMILIES) {
    const ends = labelled.filter((p) => p.family === family && p.gain != null).sort((a, b) => a.labelY - b.labelY);
    for (let i = 1; i < ends.length; i++) {
      if (ends[i].labelY - ends[i - 1].labelY < 9) ends[i].labelY = ends[i - 1].labelY + 9;
    }
  }
  const x: Position = {
    field: "params",
    type: "quantitative",
    title: "Params (B, log scale)",
    scale: { type: "log", domain: [0.4, 100] },
    axis: { values: [1, 10, 100], grid: false },
  };
  const y: Position = {
    field: "value",
    type: "quantitative",
    title: "Scenario score @1 (%)",
    scale: { domain: [0, 100] },
  };
  const color: Color = {
    field: "scenario",
    type: "nominal",
    title: null,
    scale: { domain: Object.keys(SCENARIO_COLORS), range: Object.values(SCENARIO_COLORS) },
    legend: { orient: "top", direction: "horizontal" },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title ?? "Which scenario gains most with scale",
      subtitle: "Labels: gain in points from the smallest to the largest model of each family",
    },
    data: { values: labelled },
    facet: { field: "family", type: "nominal", title: null, sort: FAMILIES },
    columns: 3,
    spec: {
      width: 130,
      height: 100,
      layer: [
        {
          mark: { type: "line", strokeWidth: 1, point: { filled: true, size: 14 } },
          encoding: { x, y, color, tooltip: [{ field: "model" }, { field: "scenario" }, { field: "value" }] },
        },
        {
          transform: [{ filter: "datum.gain != null" }],
          mark: { type: "text", align: "left", baseline: "middle", dx: 4, fontWeight: "bold" },
          encoding: { x, y: { field: "labelY", type: "quantitative" }, color, text: { field: "gain" } },
        },
      ],
    },
  };
}
