/**
 * Vega-Lite figures: spec builders per figure kind, the paper theme, rendering to SVG, PNG and PDF.
 * @module
 */
export * from "./export.ts";
export * from "./figures.ts";
export * from "./font.ts";
export * from "./size.ts";
export * from "./render.ts";
export * from "./run_labels.ts";
export * from "./theme.ts";
export * from "./specs/_common.ts";
export * from "./specs/dataset.ts";
export * from "./specs/decoding.ts";
export * from "./specs/leaderboard.ts";
export * from "./specs/safety_rules.ts";
export * from "./specs/scaling.ts";
export * from "./specs/slice.ts";
export * from "./specs/star1.ts";
