import type { Config } from "vega-lite";

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
 * Colours for two-condition comparisons (base vs treatment) and for "your run" overlays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONDITION_COLORS } from "./theme.ts";
 * assert(CONDITION_COLORS.yours === "#D55E00");
 * ```
 */
export const CONDITION_COLORS = { base: "#999999", treatment: "#0072B2", yours: "#D55E00" } as const;

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
 * Fonts that exist on most systems and in every PDF viewer (the PDF export maps them to Helvetica).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FONT } from "./theme.ts";
 * assert(FONT.startsWith("Helvetica"));
 * ```
 */
export const FONT = "Helvetica, Arial, DejaVu Sans, sans-serif";

/**
 * A Vega-Lite config for papers: sans-serif at sizes readable when a figure is
 * printed one column wide, light grid, no chart border.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paperTheme } from "./theme.ts";
 * assert(paperTheme().font === "Helvetica, Arial, DejaVu Sans, sans-serif");
 * ```
 */
export function paperTheme(): Config {
  return {
    font: FONT,
    background: "white",
    padding: 8,
    view: { stroke: null },
    title: { fontSize: 14, fontWeight: "bold", anchor: "start", offset: 10 },
    axis: {
      labelFontSize: 11,
      titleFontSize: 12,
      titleFontWeight: "normal",
      gridColor: "#e6e6e6",
      domainColor: "#666666",
      tickColor: "#666666",
      labelColor: "#333333",
      titleColor: "#333333",
    },
    legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", symbolSize: 80 },
    header: { labelFontSize: 12, titleFontSize: 12 },
    range: { category: Object.values(FAMILY_COLORS) },
    point: { filled: true, size: 60 },
    text: { fontSize: 10 },
  };
}
