/**
 * Vega-Lite figures: spec builders per figure kind, the paper theme, rendering to SVG, PNG and PDF.
 * @module
 */
export { type ExportedFigure, exportFigures, type ExportOptions } from "./export.ts";
export { type FigureContext, type FigureDef, FIGURES } from "./figures.ts";
export {
  FONT_FAMILY,
  FONT_SOURCE,
  fontBytes,
  fontFiles,
  type FontWeight,
  textWidth,
  useShippedFontMetrics,
} from "./font.ts";
export { fitToWidth, isPrintSize, MIN_TEXT_PT, PRINT_WIDTH_PT, type PrintSize, wrapText } from "./size.ts";
export { fitSpec, layoutView, renderFigure, renderPdf, renderPng, renderSvg } from "./render.ts";
export { runLabels } from "./run_labels.ts";
export {
  CONDITION_COLORS,
  FAMILY_COLORS,
  familyScale,
  FONT,
  paperTheme,
  RUN_COLORS,
  RUN_SHAPES,
  SCENARIO_COLORS,
} from "./theme.ts";
export {
  type Color,
  type Encoding,
  type Layer,
  melt,
  type MetricRow,
  type Panel,
  type Position,
  type Position2,
  SCHEMA,
  type Shape,
  signed,
  type Tooltip,
} from "./specs/_common.ts";
export { datasetComposition, queryLengths } from "./specs/dataset.ts";
export { decodingHeatmap, decodingSensitivity, settingLabel } from "./specs/decoding.ts";
export { type LeaderboardRow, leaderboardScatter } from "./specs/leaderboard.ts";
export { RADAR_AXES, safetyRulesDumbbell, safetyRulesRadar } from "./specs/safety_rules.ts";
export { scalingMetrics, type ScalingRow, scalingScenarios } from "./specs/scaling.ts";
export { sliceChart } from "./specs/slice.ts";
export { star1Absolute, star1Change, type Star1Row } from "./specs/star1.ts";
