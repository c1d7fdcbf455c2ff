import type { TopLevelSpec } from "vega-lite";
import { CONDITION_COLORS, familyScale } from "../theme.ts";

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

/**
 * Safe@1 against Think@1 for every model: colour by family, size by parameters (closed
 * models, whose size is unknown, drawn at a fixed size as squares), the least-squares line
 * through the published models, and the diagonal where reasoning would be as good as the
 * answers: the vertical distance to it is the gap the benchmark is about. `yours` adds
 * run markers (with 95% intervals when `_lo`/`_hi` are given).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leaderboardScatter } from "./leaderboard.ts";
 * const spec = leaderboardScatter([{ model: "m", family: "Qwen3", total_params_b: 8, "Safe@1": 97, "Think@1": 28 }]);
 * assert("layer" in spec);
 * ```
 */
export function leaderboardScatter(
  rows: LeaderboardRow[],
  opts: { yours?: LeaderboardRow[]; title?: string } = {},
): TopLevelSpec {
  const paper = rows.map((r) => ({ ...r, source: "paper", access: r.total_params_b == null ? "closed" : "open" }));
  const yours = (opts.yours ?? []).map((r) => ({ ...r, source: "your run" }));
  const x = { field: "Safe@1", type: "quantitative", title: "Safe@1 (%)", scale: { domain: [35, 100] } } as const;
  const y = { field: "Think@1", type: "quantitative", title: "Think@1 (%)", scale: { domain: [0, 60] } } as const;
  const color = { field: "family", type: "nominal", title: "Family", scale: familyScale() } as const;
  const tooltip = [{ field: "model" }, { field: "Safe@1" }, { field: "Think@1" }, {
    field: "total_params_b",
    title: "params (B)",
  }];
  const layers: unknown[] = [
    {
      data: { values: [{ v: 35 }, { v: 60 }] },
      mark: { type: "line", color: "#bbbbbb", strokeDash: [2, 2], clip: true },
      encoding: { x: { field: "v", type: "quantitative" }, y: { field: "v", type: "quantitative" } },
    },
    {
      data: { values: [{ v: 47, label: "Think@1 = Safe@1" }] },
      mark: { type: "text", color: "#999999", angle: 310, dy: -8 },
      encoding: {
        x: { field: "v", type: "quantitative" },
        y: { field: "v", type: "quantitative" },
        text: { field: "label" },
      },
    },
    {
      data: { values: paper },
      transform: [{ regression: "Think@1", on: "Safe@1", extent: [38, 100] }],
      mark: { type: "line", color: "#555555", strokeDash: [6, 4], clip: true },
      encoding: { x, y },
    },
    {
      data: { values: paper.filter((r) => r.access === "open") },
      mark: { type: "point", filled: true, opacity: 0.85, stroke: "white", strokeWidth: 0.5 },
      encoding: {
        x,
        y,
        color,
        size: {
          field: "total_params_b",
          type: "quantitative",
          title: "Params (B)",
          scale: { type: "sqrt", range: [25, 450] },
        },
        tooltip,
      },
    },
    {
      data: { values: paper.filter((r) => r.access === "closed") },
      mark: { type: "square", size: 90, filled: true, opacity: 0.85, stroke: "white", strokeWidth: 0.5 },
      encoding: { x, y, color, tooltip },
    },
    {
      data: { values: paper },
      mark: { type: "text", align: "left", dx: 7, dy: -5, color: "#444444" },
      encoding: { x, y, text: { field: "model" } },
    },
  ];
  if (yours.length) {
    if (yours.some((r) => r["Think@1_lo"] != null)) {
      layers.push({
        data: { values: yours },
        mark: { type: "rule", color: CONDITION_COLORS.yours },
        encoding: { x, y: { field: "Think@1_lo", type: "quantitative" }, y2: { field: "Think@1_hi" } },
      }, {
        data: { values: yours },
        mark: { type: "rule", color: CONDITION_COLORS.yours },
        encoding: { y, x: { field: "Safe@1_lo", type: "quantitative" }, x2: { field: "Safe@1_hi" } },
      });
    }
    layers.push({
      data: { values: yours },
      mark: { type: "point", shape: "cross", size: 140, filled: true, color: CONDITION_COLORS.yours },
      encoding: { x, y, tooltip: [{ field: "model" }, { field: "Safe@1" }, { field: "Think@1" }] },
    }, {
      data: { values: yours },
      mark: {
        type: "text",
        align: "left",
        dx: 8,
        dy: 8,
        fontWeight: "bold",
        color: CONDITION_COLORS.yours,
      },
      encoding: { x, y, text: { field: "model" } },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: opts.title ?? "Safe answers are not safe reasoning: Safe@1 vs Think@1",
    width: 620,
    height: 460,
    layer: layers,
  } as unknown as TopLevelSpec;
}
