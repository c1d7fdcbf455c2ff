import type { Config } from "vega-lite";
import { FONT_FAMILY } from "./font.ts";

/**
 * Okabe–Ito colours (safe for the common colour-vision deficiencies) plus two greys,
 * fixed per model family so a family has the same colour in every figure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FAMILY_COLORS } from "./theme.ts";
 * assert(FAMILY_COLORS.Qwen3 === "#0072B2");
 * ```
 */
export const FAMILY_COLORS: Record<string, string> = {
  "Qwen3": "#0072B2",
  "Qwen": "#56B4E9",
  "DeepSeek-R1": "#D55E00",
  "R1-Distill-Qwen": "#E69F00",
  "R1-Distill-Llama": "#CC79A7",
  "Claude": "#009E73",
  "Gemini": "#B8A200",
  "Doubao": "#000000",
  "GLM": "#999999",
  "Kimi": "#6A3D9A",
};

/**
 * Colours for two-condition comparisons (base vs treatment) and for "your run" overlays: a dark
 * red no model family has, so a run never reads as a family's model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONDITION_COLORS, FAMILY_COLORS } from "./theme.ts";
 * assert(CONDITION_COLORS.yours === "#B2182B" && !Object.values(FAMILY_COLORS).includes(CONDITION_COLORS.yours));
 * ```
 */
export const CONDITION_COLORS = { base: "#999999", treatment: "#0072B2", yours: "#B2182B" } as const;

/**
 * Marker shapes of your runs where they are overlaid on the paper's models (one per run, in
 * order; all in `CONDITION_COLORS.yours`), so each run has its own legend entry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RUN_SHAPES } from "./theme.ts";
 * assert(RUN_SHAPES[0] === "cross" && new Set(RUN_SHAPES).size === RUN_SHAPES.length);
 * ```
 */
export const RUN_SHAPES = ["cross", "diamond", "triangle-up", "triangle-down", "wedge", "stroke"] as const;

/**
 * Colours of runs where a chart shows only runs (the slice chart): Okabe–Ito, most distinct
 * first, so two runs are blue and orange, never two blues.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RUN_COLORS } from "./theme.ts";
 * assert.deepEqual(RUN_COLORS.slice(0, 2), ["#0072B2", "#E69F00"]);
 * ```
 */
export const RUN_COLORS = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#000000",
  "#999999",
] as const;

/**
 * Colours of the three scenarios, shared by every per-scenario figure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SCENARIO_COLORS } from "./theme.ts";
 * assert(Object.keys(SCENARIO_COLORS).join() === "RO,CS,OS");
 * ```
 */
export const SCENARIO_COLORS: Record<string, string> = { "RO": "#E69F00", "CS": "#009E73", "OS": "#56B4E9" };

/**
 * The family domain and range, for a Vega-Lite `scale` that keeps colours fixed.
 *
 * @returns The families and their colours, in the same order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { familyScale } from "./theme.ts";
 * const s = familyScale();
 * assert(s.domain.length === s.range.length && s.domain[0] === "Qwen3");
 * ```
 */
export function familyScale(): { domain: string[]; range: string[] } {
  return { domain: Object.keys(FAMILY_COLORS), range: Object.values(FAMILY_COLORS) };
}

/**
 * The font family every figure names: the shipped font (see `font.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FONT } from "./theme.ts";
 * assert(FONT === "DejaVu Sans");
 * ```
 */
export const FONT = FONT_FAMILY;

/**
 * A Vega-Lite config for papers, in points at print size (figures are drawn 3.3 in or 7 in wide,
 * see `size.ts`): titles 9 pt, axis and legend text 7–7.5 pt, data labels 6.5 pt (never below
 * 6 pt), light grid, no chart border.
 *
 * @returns The Vega-Lite config.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paperTheme } from "./theme.ts";
 * assert(paperTheme().font === "DejaVu Sans" && paperTheme().axis?.labelFontSize === 7);
 * ```
 */
export function paperTheme(): Config {
  return {
    font: FONT,
    background: "white",
    padding: 4,
    view: { stroke: null },
    title: {
      fontSize: 9,
      fontWeight: "bold",
      anchor: "start",
      offset: 6,
      subtitleFontSize: 7.5,
      subtitleColor: "#444444",
      lineHeight: 11,
      subtitleLineHeight: 9,
    },
    axis: {
      labelFontSize: 7,
      titleFontSize: 7.5,
      titleFontWeight: "normal",
      tickSize: 3,
      labelPadding: 2,
      titlePadding: 4,
      gridColor: "#e6e6e6",
      gridWidth: 0.5,
      domainColor: "#666666",
      domainWidth: 0.5,
      tickColor: "#666666",
      tickWidth: 0.5,
      labelColor: "#333333",
      titleColor: "#333333",
    },
    legend: {
      labelFontSize: 7,
      titleFontSize: 7.5,
      titleFontWeight: "normal",
      symbolSize: 30,
      rowPadding: 2,
      columnPadding: 8,
      titlePadding: 3,
      labelLimit: 0,
    },
    header: { labelFontSize: 7.5, titleFontSize: 8, labelPadding: 3 },
    range: { category: Object.values(FAMILY_COLORS) },
    point: { filled: true, size: 18 },
    line: { strokeWidth: 1 },
    text: { fontSize: 6.5 },
    facet: { spacing: 8 },
    concat: { spacing: 8 },
  };
}
