import { segmentCrossesBox } from "../labels.ts";
import type { TopLevelSpec } from "vega-lite";
import { textWidth } from "../font.ts";
import { CONDITION_COLORS } from "../theme.ts";
import { type Color, type Layer, type MetricRow, type Position, SCHEMA, signed } from "./_common.ts";

/**
 * The radar's axes, clockwise from the top, as in the paper's figure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RADAR_AXES } from "./safety_rules.ts";
 * assert(RADAR_AXES[0] === "OS@1" && RADAR_AXES.length === 5);
 * ```
 */
export const RADAR_AXES = ["OS@1", "Safe@1", "Think@1", "RO@1", "CS@1"];

/** Data units per point in a radar panel, on the safe side (panels are about 130–150 pt for 284 units). */
const _UNITS_PER_PT = 2.3;

/**
 * The direction (radians, data space, y up) of the ring labels: the one where the labels "50"
 * and "100", centred on their rings, keep the widest clearance from every model's polygons and
 * from the spokes. Deterministic: the first of equals, scanning from the upper left.
 */
function _ringLabelAngle(rows: MetricRow[], models: string[], angle: (i: number) => number): number {
  const segs: [number, number, number, number][] = [];
  const at = (v: number, i: number): [number, number] => [v * Math.cos(angle(i)), -v * Math.sin(angle(i))];
  RADAR_AXES.forEach((_, i) => segs.push([0, 0, ...at(100, i)]));
  for (const model of models) {
    for (const condition of new Set(rows.filter((r) => r.model === model).map((r) => r.condition))) {
      const v = RADAR_AXES.map((m) =>
        rows.find((r) => r.model === model && r.condition === condition && r.metric === m)?.value
      );
      if (v.some((x) => x == null)) continue;
      v.forEach((x, i) => segs.push([...at(x!, i), ...at(v[(i + 1) % v.length]!, i + 1)]));
    }
  }
  let best = Math.PI * 0.75, bestPad = -1;
  for (let k = 0; k < 120; k++) {
    const phi = Math.PI * 0.75 + (2 * Math.PI * k) / 120;
    let pad = -1;
    for (const p of [0, 3, 6, 9, 12, 16]) {
      const clear = [50, 100].every((ring) => {
        const cx = ring * Math.cos(phi), cy = ring * Math.sin(phi);
        const hw = (textWidth(String(ring), 6) / 2 + 1) * _UNITS_PER_PT + p, hh = 4 * _UNITS_PER_PT + p;
        const box: [number, number, number, number] = [cx - hw, cy - hh, cx + hw, cy + hh];
        return !segs.some(([ax, ay, bx, by]) =>
          segmentCrossesBox(ax, ay, bx, by, { x1: box[0], y1: box[1], x2: box[2], y2: box[3] })
        );
      });
      if (!clear) break;
      pad = p;
    }
    if (pad > bestPad) [best, bestPad] = [phi, pad];
  }
  return best;
}

/**
 * The paper's radar: one panel per model, base vs with safety rules, the five @1 metrics on axes
 * from 0 to 100 (rings every 25; 50 and 100 labelled where no polygon or spoke comes near). Geometry is computed here so the spec
 * is plain layered marks. The per-vertex numbers of the paper's figure collide at print size, so
 * they are left to {@linkcode safetyRulesDumbbell}, which prints every value and change.
 *
 * @param rows One row per model, condition and metric.
 * @param opts `title`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safetyRulesRadar } from "./safety_rules.ts";
 * const spec = safetyRulesRadar([{ model: "m", condition: "base", metric: "Safe@1", value: 90 }]);
 * assert("facet" in spec);
 * ```
 */
export function safetyRulesRadar(rows: MetricRow[], opts: { title?: string } = {}): TopLevelSpec {
  const models = [...new Set(rows.map((r) => r.model))];
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / RADAR_AXES.length;
  const geo: Record<string, unknown>[] = [];
  for (const model of models) {
    for (const ring of [25, 50, 75, 100]) {
      RADAR_AXES.forEach((_, i) => {
        for (const j of [i, i + 1]) {
          geo.push({
            model,
            kind: "grid",
            series: `ring${ring}-${i}`,
            order: j,
            x: ring * Math.cos(angle(j)),
            y: -ring * Math.sin(angle(j)),
          });
        }
      });
    }
  }
  // Ring labels go on the one direction (the same in every panel) where no model's polygon comes
  // near them, so no data line strikes a label through.
  const ringAt = _ringLabelAngle(rows, models, angle);
  for (const model of models) {
    for (const ring of [50, 100]) {
      geo.push({ model, kind: "ring", label: String(ring), x: ring * Math.cos(ringAt), y: ring * Math.sin(ringAt) });
    }
    RADAR_AXES.forEach((axis, i) => {
      const c = Math.cos(angle(i)), s = -Math.sin(angle(i));
      geo.push({ model, kind: "spoke", series: axis, order: 0, x: 0, y: 0 });
      geo.push({ model, kind: "spoke", series: axis, order: 1, x: 100 * c, y: 100 * s });
      geo.push({
        model,
        kind: "axis",
        label: axis,
        x: 106 * c,
        y: 106 * s,
        align: c > 0.3 ? "left" : c < -0.3 ? "right" : "center",
        baseline: s > 0.9 ? "bottom" : s < -0.3 ? "top" : "middle",
      });
    });
    for (const condition of [...new Set(rows.filter((r) => r.model === model).map((r) => r.condition))]) {
      const values = RADAR_AXES.map((m) =>
        rows.find((r) => r.model === model && r.condition === condition && r.metric === m)?.value
      );
      if (values.some((v) => v == null)) continue;
      [...values, values[0]].forEach((v, i) => {
        geo.push({
          model,
          kind: "series",
          condition,
          order: i,
          metric: RADAR_AXES[i % RADAR_AXES.length],
          value: v,
          x: v! * Math.cos(angle(i)),
          y: -v! * Math.sin(angle(i)),
        });
      });
    }
  }
  const x: Position = { field: "x", type: "quantitative", axis: null, scale: { domain: [-142, 142] } };
  const y: Position = { field: "y", type: "quantitative", axis: null, scale: { domain: [-112, 118] } };
  const color: Color = {
    field: "condition",
    type: "nominal",
    title: "Condition",
    scale: { domain: ["base", "rules"], range: [CONDITION_COLORS.base, CONDITION_COLORS.treatment] },
    legend: {
      orient: "top",
      direction: "horizontal",
      title: null,
      labelExpr: "datum.label === 'rules' ? 'with safety rules' : 'base'",
    },
  };
  const axisText = (align: "left" | "right" | "center", baseline: "top" | "middle" | "bottom"): Layer => ({
    transform: [{ filter: `datum.kind === 'axis' && datum.align === '${align}' && datum.baseline === '${baseline}'` }],
    mark: { type: "text", color: "#333333", align, baseline, fontSize: 7 },
    encoding: { x, y, text: { field: "label" } },
  });
  const layers: Layer[] = [
    {
      transform: [{ filter: "datum.kind === 'grid'" }],
      mark: { type: "line", color: "#e3e3e3", strokeWidth: 0.5 },
      encoding: { x, y, detail: { field: "series" }, order: { field: "order" } },
    },
    {
      transform: [{ filter: "datum.kind === 'spoke'" }],
      mark: { type: "line", color: "#cccccc", strokeWidth: 0.5 },
      encoding: { x, y, detail: { field: "series" }, order: { field: "order" } },
    },
    {
      transform: [{ filter: "datum.kind === 'ring'" }],
      mark: { type: "text", color: "#999999", align: "center", baseline: "middle", fontSize: 6 },
      encoding: { x, y, text: { field: "label" } },
    },
    axisText("center", "bottom"),
    axisText("left", "middle"),
    axisText("right", "middle"),
    axisText("left", "top"),
    axisText("right", "top"),
    {
      transform: [{ filter: "datum.kind === 'series'" }],
      mark: { type: "line", strokeWidth: 1.25, point: { size: 10 } },
      encoding: {
        x,
        y,
        color,
        order: { field: "order" },
        tooltip: [{ field: "condition" }, { field: "metric" }, { field: "value" }],
      },
    },
  ];
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title ?? "Safety rules in the system prompt: the five @1 metrics, base vs with rules",
      subtitle: "Rings at 25, 50, 75, 100%. Every value and change is printed in the dumbbell figure.",
    },
    data: { values: geo },
    facet: { field: "model", type: "nominal", title: null, sort: models, header: { labelFontWeight: "bold" } },
    columns: 3,
    spec: { width: 150, height: 125, layer: layers },
  };
}

/**
 * A clearer view of the same study: for each model and metric, a dumbbell from the base
 * value to the value with rules, labelled with the change and, where `significant` says so,
 * a mark (the subtitle names the test and its multiple-comparison control).
 *
 * @param rows One row per model, condition and metric.
 * @param opts `title`, `subtitle`, and the `significant` changes with their marks.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safetyRulesDumbbell } from "./safety_rules.ts";
 * const spec = safetyRulesDumbbell([
 *   { model: "m", condition: "base", metric: "OS@1", value: 49.8 },
 *   { model: "m", condition: "rules", metric: "OS@1", value: 42.0 },
 * ]);
 * assert("facet" in spec);
 * ```
 */
export function safetyRulesDumbbell(
  rows: MetricRow[],
  opts: { title?: string; subtitle?: string; significant?: { model: string; metric: string; mark: string }[] } = {},
): TopLevelSpec {
  const metrics = ["Safe@1", "Think@1", "RO@1", "CS@1", "OS@1"];
  const models = [...new Set(rows.map((r) => r.model))];
  const pairs = models.flatMap((model) =>
    metrics.flatMap((metric) => {
      const b = rows.find((r) => r.model === model && r.metric === metric && r.condition === "base");
      const t = rows.find((r) => r.model === model && r.metric === metric && r.condition === "rules");
      if (!b || !t) return [];
      const delta = t.value - b.value;
      const sig = opts.significant?.find((s) => s.model === model && s.metric === metric)?.mark ?? "";
      return [{
        model,
        metric,
        base: b.value,
        rules: t.value,
        delta,
        label: `${signed(delta, 1)}${sig}`,
        direction: delta >= 0 ? "up" : "down",
      }];
    })
  );
  const y: Position = {
    field: "metric",
    type: "nominal",
    title: null,
    axis: { labelLimit: 0 },
    sort: metrics,
  };
  const direction: Color = {
    field: "direction",
    type: "nominal",
    legend: null,
    scale: { domain: ["up", "down"], range: ["#0072B2", "#D55E00"] },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title ?? "What safety rules change: base → with rules",
      subtitle: [
        "grey: base, blue: with safety rules; the line is blue where the score rises, vermillion where it falls",
        ...(opts.subtitle ? [opts.subtitle] : []),
      ],
    },
    data: { values: pairs },
    facet: {
      row: {
        field: "model",
        type: "nominal",
        title: null,
        sort: models,
        header: { labelAngle: 0, labelAlign: "left", labelFontWeight: "bold" },
      },
    },
    spec: {
      width: 420,
      height: 80,
      layer: [
        {
          mark: { type: "rule", strokeWidth: 1.5 },
          encoding: {
            y,
            x: { field: "base", type: "quantitative", title: "Score (%)", scale: { domain: [0, 100] } },
            x2: { field: "rules" },
            color: direction,
          },
        },
        {
          mark: { type: "point", filled: true, size: 24, color: CONDITION_COLORS.base },
          encoding: {
            y,
            x: { field: "base", type: "quantitative" },
            tooltip: [{ field: "model" }, { field: "metric" }, { field: "base" }],
          },
        },
        {
          mark: { type: "point", filled: true, size: 24, color: CONDITION_COLORS.treatment },
          encoding: {
            y,
            x: { field: "rules", type: "quantitative" },
            tooltip: [{ field: "model" }, { field: "metric" }, { field: "rules" }],
          },
        },
        {
          mark: { type: "text", align: "left", dx: 6 },
          encoding: {
            y,
            x: { datum: 100, type: "quantitative" },
            text: { field: "label" },
            color: direction,
          },
        },
      ],
    },
  };
}
